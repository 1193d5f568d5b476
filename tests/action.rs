//! The script of action.yml's "Run kp-lint" step, run with bash the way a GitHub runner would:
//! annotations on standard output, a SARIF file, the exit status from --fail-on.

use std::path::Path;
use std::process::Command;

const BAD: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  syncPeriod: 30s\n  minSyncPeriod: 1m\n";

/// The `run: |` block of the step named `name`, unindented.
fn step_script(action: &str, name: &str) -> String {
    let mut lines = action
        .lines()
        .skip_while(|l| l.trim() != format!("- name: {name}"));
    lines.next().expect("the step exists");
    let mut script = String::new();
    let mut inside = false;
    for l in lines {
        if inside {
            if !l.is_empty() && !l.starts_with("        ") {
                break;
            }
            script.push_str(l.get(8..).unwrap_or(""));
            script.push('\n');
        } else if l.trim() == "run: |" {
            inside = true;
        } else if l.trim_start().starts_with("- name:") {
            break;
        }
    }
    script
}

fn run_step(
    dir: &Path,
    paths: &str,
    args: &str,
    fail_on: &str,
    sarif: &str,
) -> (i32, String, String) {
    let action =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let script = step_script(&action, "Run kp-lint");
    assert!(script.contains("kp-lint "), "{script}");
    let bin = Path::new(env!("CARGO_BIN_EXE_kp-lint")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output_file = dir.join("github-output");
    let out = Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(dir)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output_file)
        .env("KP_LINT_PATHS", paths)
        .env("KP_LINT_ARGS", args)
        .env("KP_LINT_FAIL_ON", fail_on)
        .env("KP_LINT_SARIF", sarif)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        std::fs::read_to_string(output_file).unwrap_or_default(),
    )
}

#[test]
fn the_action_step_annotates_writes_sarif_and_fails_on_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("clusters/a")).unwrap();
    std::fs::write(dir.path().join("clusters/a/kube-proxy.yaml"), BAD).unwrap();
    std::fs::write(dir.path().join("clusters/a/app.yaml"), "kind: Namespace\n").unwrap();

    let (code, stdout, outputs) = run_step(dir.path(), ".", "", "error", "out/kp-lint.sarif");
    assert_eq!(code, 1, "{stdout}");
    assert!(
        outputs.contains("sarif-file=out/kp-lint.sarif"),
        "{outputs}"
    );
    assert!(
        stdout.contains("::error file=clusters/a/kube-proxy.yaml,line=6"),
        "{stdout}"
    );
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/kp-lint.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "clusters/a/kube-proxy.yaml");

    // Paths over several lines, extra arguments, fail-on never, no SARIF.
    let (code, stdout, outputs) = run_step(
        dir.path(),
        "clusters/a/kube-proxy.yaml\n  clusters/a/app.yaml\n",
        "--kubernetes-version 1.33 --exclude charts",
        "never",
        "",
    );
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("::error file=clusters/a/kube-proxy.yaml"),
        "{stdout}"
    );
    assert!(outputs.contains("sarif-file=\n"), "{outputs}");
}
