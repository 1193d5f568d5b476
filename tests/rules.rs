//! Per-rule fixtures: testdata/rules/<CODE>/invalid-*.yaml and valid-*.yaml.
//! A `# expect: KP123` comment on a line says a finding of that rule must start on that line
//! (several codes: `# expect: KP123 KP201`); `# expect-next-line: KP123` marks the line below
//! (for lines inside block scalars, where a comment would be content). The rendered
//! diagnostics of each file are snapshotted beside it (testdata/rules/<CODE>/snapshots/).
//! A header line `# kubernetes-version: 1.30` sets the release; `# kp-lint-args: --metallb l2
//! --nodes 500` sets profile values (`--kernel-version`, `--nodes`, `--services`, `--endpoints`,
//! `--cores-per-node`, `--metallb`, and `--metrics testdata/metrics/PAGE` for the KP8xx rules,
//! with `--metrics-taken-at EPOCH` for when the pages were taken). KP801 and KP802 are about
//! the metrics sources, not a configuration: tests/metrics.rs covers them.
//! As in ruff's rule tests, only the folder's rule and the rules a fixture expects are enabled,
//! so advisory rules that fire on most configurations do not clutter other rules' fixtures.

use std::collections::BTreeSet;
use std::path::PathBuf;

use kp_lint::config::Config;
use kp_lint::kb::Release;
use kp_lint::lint::{Options, lint_bytes};
use kp_lint::profile::{Kernel, MetalLb, Profile, Sourced};
use kp_lint::render::{self, Format, Run, Style};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

fn expectations(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        for (marker, offset) in [("# expect-next-line:", 2), ("# expect:", 1)] {
            if let Some(pos) = line.find(marker) {
                for code in line[pos + marker.len()..].split_whitespace() {
                    out.insert((i + offset, code.to_string()));
                }
                break;
            }
        }
    }
    out
}

fn release_of(text: &str) -> Option<Release> {
    text.lines()
        .find_map(|l| l.strip_prefix("# kubernetes-version:"))
        .and_then(|v| Release::parse(v.trim()))
}

fn profile_of(text: &str) -> Profile {
    let Some(args) = text.lines().find_map(|l| l.strip_prefix("# kp-lint-args:")) else {
        return Profile::default();
    };
    let mut p = Profile::default();
    let words: Vec<&str> = args.split_whitespace().collect();
    let taken_at = words
        .windows(2)
        .find(|w| w[0] == "--metrics-taken-at")
        .map(|w| w[1].parse::<f64>().unwrap());
    let mut ev = kp_lint::metrics::Evidence::default();
    for pair in words.chunks(2) {
        let (flag, v) = (pair[0], pair.get(1).copied().unwrap_or(""));
        let src = flag.to_string();
        match flag {
            "--kernel-version" => p.kernel = Some(Sourced::new(Kernel::parse(v).unwrap(), src)),
            "--nodes" => p.nodes = Some(Sourced::new(v.parse().unwrap(), src)),
            "--services" => p.services = Some(Sourced::new(v.parse().unwrap(), src)),
            "--endpoints" => p.endpoints = Some(Sourced::new(v.parse().unwrap(), src)),
            "--cores-per-node" => p.cores_per_node = Some(Sourced::new(v.parse().unwrap(), src)),
            "--metrics" => {
                let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(v);
                let text = std::fs::read_to_string(&file).unwrap();
                ev.add_page(kp_lint::metrics::Source {
                    name: v.to_string(),
                    kind: kp_lint::metrics::SourceKind::Url,
                    text: Some(text.into()),
                    taken_at,
                });
            }
            "--metrics-taken-at" => {}
            "--metallb" => {
                let m = match v {
                    "l2" => MetalLb::L2,
                    "bgp" => MetalLb::Bgp,
                    _ => MetalLb::None,
                };
                p.metallb = Some(Sourced::new(m, src));
            }
            other => panic!("kp-lint-args: unsupported {other}"),
        }
    }
    if !ev.sources.is_empty() {
        assert!(ev.problems.is_empty(), "{:?}", ev.problems);
        p = p.or(&kp_lint::metrics::profile(&ev));
        p.metrics = Some(std::sync::Arc::new(ev));
    }
    p
}

fn fixtures() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root()).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let code = dir.file_name().unwrap().to_string_lossy().into_owned();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "yaml") {
                out.push((code.clone(), f));
            }
        }
    }
    out.sort();
    out
}

fn render_plain(report: kp_lint::lint::FileReport) -> String {
    let reports = [report];
    let run = Run::new(&reports, &[]);
    render::render(Format::Human, &run, Style::default())
}

#[test]
fn every_rule_has_valid_and_invalid_fixtures() {
    for rule in kp_lint::rules::all() {
        // About metrics sources, not configurations: tests/metrics.rs.
        if ["KP801", "KP802"].contains(&rule.code) {
            continue;
        }
        let dir = root().join(rule.code);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("testdata/rules/{} is missing", rule.code))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("invalid-")),
            "{}: no invalid-*.yaml",
            rule.code
        );
        assert!(
            names.iter().any(|n| n.starts_with("valid-")),
            "{}: no valid-*.yaml",
            rule.code
        );
    }
}

#[test]
fn fixtures_report_exactly_what_they_expect() {
    let mut failures = Vec::new();
    let mut rendered = Vec::new();
    for (code, path) in fixtures() {
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let rel = path.strip_prefix(root()).unwrap().display().to_string();
        let expected = expectations(&text);
        let mut select: Vec<String> = expected.iter().map(|(_, c)| format!("\"{c}\"")).collect();
        select.push(format!("\"{code}\""));
        let config = Config::parse(&format!("select = [{}]", select.join(", ")), None).unwrap();
        let opts = Options {
            release: release_of(&text),
            profile: profile_of(&text),
            config,
            ..Options::default()
        };
        let report = lint_bytes(&rel, &bytes, &opts);
        let found: BTreeSet<(usize, String)> = report
            .findings
            .iter()
            .filter_map(|f| {
                let (start, _) = render::position(&report, f)?;
                Some((start.0, f.rule.code.to_string()))
            })
            .collect();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for f in &report.findings {
            if f.fix.is_some() && f.rule.fix == kp_lint::rules::Fixable::No {
                failures.push(format!(
                    "{rel}: {} offers a fix but is declared not fixable",
                    f.rule.code
                ));
            }
        }
        // The folder's own rule: exactly where expected. Other rules: only where expected.
        for e in &expected {
            if !found.contains(e) {
                failures.push(format!(
                    "{rel}: expected {} on line {}, not found",
                    e.1, e.0
                ));
            }
        }
        for f in &found {
            if !expected.contains(f) {
                failures.push(format!("{rel}: unexpected {} on line {}", f.1, f.0));
            }
        }
        if name.starts_with("invalid-") {
            if !expected.iter().any(|(_, c)| *c == code) {
                failures.push(format!("{rel}: an invalid fixture must expect {code}"));
            }
        } else if found.iter().any(|(_, c)| *c == code) {
            failures.push(format!("{rel}: a valid fixture must not report {code}"));
        }
        rendered.push((
            path.parent().unwrap().join("snapshots"),
            name,
            render_plain(report),
        ));
    }
    // Expectations first: a wrong verdict is reported as such, not as a snapshot difference.
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (snap_dir, name, text) in rendered {
        insta::with_settings!({
            snapshot_path => snap_dir,
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name.trim_end_matches(".yaml").to_string(), text);
        });
    }
}
