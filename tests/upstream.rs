//! kube-proxy's own validation tests (pkg/proxy/apis/config/validation/validation_test.go),
//! ported to YAML fixtures in testdata/upstream/: kp-lint must reach the same verdict, for each
//! release a fixture names, with errors at the same fields and no others.

use std::path::{Path, PathBuf};

use kp_lint::diagnostic::Severity;
use kp_lint::kb::Release;
use kp_lint::lint::{Options, lint_bytes};

struct Case {
    file: PathBuf,
    versions: Vec<Release>,
    expect: Vec<String>,
    valid: bool,
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "yaml") {
            out.push(p);
        }
    }
}

fn parse(file: PathBuf) -> Case {
    let text = std::fs::read_to_string(&file).unwrap();
    let mut case = Case {
        file,
        versions: Vec::new(),
        expect: Vec::new(),
        valid: false,
    };
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        if let Some(v) = line.strip_prefix("# kubernetes-version:") {
            case.versions = v
                .split_whitespace()
                .map(|r| Release::parse(r).unwrap())
                .collect();
        } else if let Some(p) = line.strip_prefix("# expect-error:") {
            case.expect.push(p.trim().to_string());
        } else if line.trim() == "# expect-valid" {
            case.valid = true;
        }
    }
    assert!(
        case.valid == case.expect.is_empty(),
        "{}: needs exactly one of expect-valid / expect-error",
        case.file.display()
    );
    assert!(
        !case.versions.is_empty(),
        "{}: no kubernetes-version",
        case.file.display()
    );
    case
}

fn matches(found: &str, expected: &str) -> bool {
    found == expected
        || found.starts_with(&format!("{expected}."))
        || found.starts_with(&format!("{expected}["))
}

#[test]
fn verdicts_match_upstream_validation_tests() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/upstream");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    assert!(
        files.len() > 100,
        "expected the ported fixtures, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in files.into_iter().map(parse) {
        let bytes = std::fs::read(&case.file).unwrap();
        for r in &case.versions {
            checked += 1;
            let opts = Options {
                release: Some(*r),
                ..Options::default()
            };
            let report = lint_bytes(&case.file.display().to_string(), &bytes, &opts);
            assert_eq!(
                report.configs.len(),
                1,
                "{}: no configuration found",
                case.file.display()
            );
            let errors: Vec<(String, String)> = report
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| {
                    (
                        f.path.clone().unwrap_or_default(),
                        format!("{} {}", f.rule.code, f.message),
                    )
                })
                .collect();
            let missing: Vec<&String> = case
                .expect
                .iter()
                .filter(|e| !errors.iter().any(|(p, _)| matches(p, e)))
                .collect();
            let extra: Vec<&(String, String)> = errors
                .iter()
                .filter(|(p, _)| !case.expect.iter().any(|e| matches(p, e)))
                .collect();
            if !missing.is_empty() || !extra.is_empty() {
                failures.push(format!(
                    "{} @ {r}: missing {missing:?}, unexpected {extra:?}",
                    case.file.strip_prefix(&root).unwrap().display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} verdicts differ from upstream:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
