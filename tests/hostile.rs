//! Hostile input (testdata/hostile/ and generated): a clear finding with a location, never a
//! panic or a hang, and the run goes on with the other files.

use assert_cmd::Command;
use kp_lint::lint::{Options, lint_bytes};
use std::path::PathBuf;

fn hostile(name: &str) -> Vec<u8> {
    std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/hostile")
            .join(name),
    )
    .unwrap()
}

/// (code, line, column) of each finding.
fn lint(name: &str, bytes: &[u8]) -> Vec<(String, Option<(usize, usize)>)> {
    let r = lint_bytes(name, bytes, &Options::default());
    r.findings
        .iter()
        .map(|f| {
            (
                f.rule.code.to_string(),
                kp_lint::render::position(&r, f).map(|p| p.0),
            )
        })
        .collect()
}

/// A hostile file, the rule it must trigger, and where (line, column) when it is fixed.
type Case = (&'static str, &'static str, Option<(usize, usize)>);

#[test]
fn each_hostile_file_gets_its_finding() {
    let cases: &[Case] = &[
        ("alias-bomb.yaml", "KP003", None),
        ("deep-nesting.yaml", "KP003", Some((3, 71))),
        ("deep-block-nesting.yaml", "KP003", None),
        ("binary.yaml", "KP002", Some((1, 1))),
        ("nul-bytes.yaml", "KP002", Some((4, 1))),
        ("invalid-utf8.yaml", "KP002", Some((3, 6))),
        ("helm-template.yaml", "KP004", Some((3, 7))),
        ("undefined-alias.yaml", "KP001", Some((3, 7))),
        ("unterminated-quote.yaml", "KP001", None),
        ("tab-indent.yaml", "KP001", Some((4, 2))),
        ("duplicate-keys.yaml", "KP008", Some((4, 1))),
        // Other encodings and line endings are read, and positions stay right.
        ("utf16le-bom.yaml", "KP101", Some((3, 7))),
        ("utf16be-bom.yaml", "KP101", Some((3, 7))),
        ("utf8-bom.yaml", "KP101", Some((3, 7))),
        ("crlf.yaml", "KP101", Some((3, 7))),
        ("lone-cr.yaml", "KP101", Some((3, 7))),
    ];
    for (file, code, pos) in cases {
        let found = lint(file, &hostile(file));
        let hit = found.iter().find(|(c, _)| c == code);
        assert!(hit.is_some(), "{file}: expected {code}, got {found:?}");
        assert!(hit.unwrap().1.is_some(), "{file}: {code} has no location");
        if let Some(p) = pos {
            assert_eq!(hit.unwrap().1, Some(*p), "{file}: {code} location");
        }
    }
}

#[test]
fn empty_and_comment_only_files_are_quiet() {
    assert!(lint("empty.yaml", &hostile("empty.yaml")).is_empty());
    assert!(lint("only-comments.yaml", &hostile("only-comments.yaml")).is_empty());
}

#[test]
fn thousands_of_documents_are_all_read() {
    let r = lint_bytes(
        "many.yaml",
        &hostile("many-documents.yaml"),
        &Options::default(),
    );
    assert_eq!(r.configs.len(), 50);
}

#[test]
fn an_oversized_file_is_refused_without_being_parsed() {
    // 100 MB of YAML and one 50 MB line: both over the 16 MiB default.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    let line = "a: b\n".repeat(20 * 1024 * 1024);
    std::fs::write(&big, &line).unwrap();
    let long = dir.path().join("long.yaml");
    std::fs::write(&long, format!("mode: {}\n", "x".repeat(50 * 1024 * 1024))).unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(
        &good,
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\n",
    )
    .unwrap();
    let out = Command::cargo_bin("kp-lint")
        .unwrap()
        .args([&big, &long, &good])
        .arg("--format=json")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(&str, &str)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| (f["file"].as_str().unwrap(), f["code"].as_str().unwrap()))
        .collect();
    assert_eq!(codes.len(), 3, "{codes:?}");
    assert!(codes[0].0.ends_with("big.yaml") && codes[0].1 == "KP003");
    assert!(codes[1].0.ends_with("long.yaml") && codes[1].1 == "KP003");
    assert!(codes[2].0.ends_with("good.yaml") && codes[2].1 == "KP101");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // Named explicitly: refused with exit 2. Inside a directory: skipped.
    Command::cargo_bin("kp-lint")
        .unwrap()
        .arg(&fifo)
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stdout(predicates::str::contains("not a regular file"));
    Command::cargo_bin("kp-lint")
        .unwrap()
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(0);
}

#[test]
fn limits_are_configurable() {
    let bytes = hostile("deep-block-nesting.yaml");
    let opts = Options {
        limits: kp_lint::limits::Limits {
            max_depth: 400,
            ..Default::default()
        },
        ..Options::default()
    };
    let r = lint_bytes("deep.yaml", &bytes, &opts);
    assert!(
        r.findings.iter().all(|f| f.rule.code != "KP003"),
        "{:?}",
        r.findings
    );
}
