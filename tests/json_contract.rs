//! `--format json` output validates against schemas/output.schema.json.

use assert_cmd::Command;
use std::path::PathBuf;

#[test]
fn json_output_matches_its_schema() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/output.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for (target, statistics) in [
        ("testdata/rules", false),
        ("testdata/examples", false),
        ("testdata/upstream", false),
        ("testdata/render", true),
    ] {
        let mut cmd = Command::cargo_bin("kp-lint").unwrap();
        cmd.arg(root.join(target)).arg("--format=json");
        if statistics {
            cmd.arg("--statistics");
        }
        let out = cmd.output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{target}: {errors:#?}");
        assert!(
            !v["findings"].as_array().unwrap().is_empty(),
            "{target}: no findings to check"
        );
        assert_eq!(v.get("statistics").is_some(), statistics, "{target}");
    }
}
