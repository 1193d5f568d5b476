//! The first look is a superset of what the rules consume: walking testdata/ (every rule's
//! fixtures, hostile inputs, examples) reports exactly what naming each of its files on the
//! command line reports (findings and notes), except YAML-level findings in files that say
//! nothing about kube-proxy (which a walk does not parse).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use kp_lint::source::prefilter;

fn kp() -> Command {
    let mut c = Command::cargo_bin("kp-lint").unwrap();
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

type Key = (String, u64, u64, String, String);

fn findings(v: &serde_json::Value) -> BTreeMap<Key, usize> {
    let mut m = BTreeMap::new();
    // Notes (what was recognised and not linted) count too, as code NOTE.
    for f in v["files"].as_array().unwrap() {
        for n in f["notes"].as_array().into_iter().flatten() {
            let key = (
                f["file"].as_str().unwrap().to_string(),
                n["line"].as_u64().unwrap_or(0),
                n["column"].as_u64().unwrap_or(0),
                "NOTE".to_string(),
                n["message"].as_str().unwrap().to_string(),
            );
            *m.entry(key).or_default() += 1;
        }
    }
    for f in v["findings"].as_array().unwrap() {
        let key = (
            f["file"].as_str().unwrap().to_string(),
            f["line"].as_u64().unwrap_or(0),
            f["column"].as_u64().unwrap_or(0),
            f["code"].as_str().unwrap().to_string(),
            f["message"].as_str().unwrap().to_string(),
        );
        *m.entry(key).or_default() += 1;
    }
    m
}

#[test]
fn walking_loses_nothing_a_rule_reports() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[String]| -> serde_json::Value {
        let out = kp()
            .current_dir(&root)
            .args(args)
            .args(["--format=json", "--max-file-size=100000000"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let walked = run(&["testdata".to_string()]);
    let files: Vec<String> = walked["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    assert!(files.len() > 500, "{} files", files.len());
    let named = run(&files);
    assert_eq!(named["summary"]["files"], walked["summary"]["files"]);

    let (w, n) = (findings(&walked), findings(&named));
    for (k, count) in &w {
        assert_eq!(n.get(k), Some(count), "only when walking: {k:?}");
    }
    for (k, count) in &n {
        if w.get(k) == Some(count) {
            continue;
        }
        let bytes = std::fs::read(Path::new(&root).join(&k.0)).unwrap();
        // A parsed file in which nothing was found says so in a note without a position.
        let nothing_found = k.3 == "NOTE" && k.4.starts_with("no kube-proxy settings found");
        assert!(
            (matches!(k.3.as_str(), "KP001" | "KP003" | "KP004") || nothing_found)
                && !prefilter::may_matter(&bytes),
            "lost when walking: {k:?}"
        );
    }
}
