//! `--fix`: golden before/after files (testdata/fix/), idempotence, byte preservation, atomic
//! writes that keep permissions, standard input, `--diff`, and files that must not be touched.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn kp() -> Command {
    let mut c = Command::cargo_bin("kp-lint").unwrap();
    c.env("COLUMNS", "100")
        .arg("--color=never")
        .arg("--no-config");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/fix")
}

fn args_of(text: &str) -> Vec<String> {
    text.lines()
        .next()
        .and_then(|l| l.strip_prefix("# kp-lint-args:"))
        .map(|a| a.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Fix a copy of `src` in a temp dir; returns the fixed bytes.
fn fix_copy(src: &Path, unsafe_fixes: bool) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join(src.file_name().unwrap());
    std::fs::copy(src, &f).unwrap();
    let text = std::fs::read_to_string(src).unwrap();
    let mut cmd = kp();
    cmd.arg(&f).arg("--fix").args(args_of(&text));
    if unsafe_fixes {
        cmd.arg("--unsafe-fixes");
    }
    cmd.assert().code(predicate::in_iter([0, 1]));
    let once = std::fs::read(&f).unwrap();
    // A second --fix changes nothing.
    let mut again = kp();
    again.arg(&f).arg("--fix").args(args_of(&text));
    if unsafe_fixes {
        again.arg("--unsafe-fixes");
    }
    again.assert().code(predicate::in_iter([0, 1]));
    assert_eq!(
        std::fs::read(&f).unwrap(),
        once,
        "{}: second --fix changed the file",
        src.display()
    );
    once
}

/// Every line of `before` that the fix did not touch is still there, in order.
fn untouched_lines_kept(before: &str, after: &str) {
    let diff = similar::TextDiff::from_lines(before, after);
    let kept: usize = diff
        .ops()
        .iter()
        .filter(|op| matches!(op.tag(), similar::DiffTag::Equal))
        .map(|op| op.old_range().len())
        .sum();
    let changed_old: usize = diff
        .ops()
        .iter()
        .filter(|op| !matches!(op.tag(), similar::DiffTag::Equal))
        .map(|op| op.old_range().len())
        .sum();
    assert_eq!(kept + changed_old, before.split_inclusive('\n').count());
    assert!(
        changed_old <= 6,
        "too many lines changed:\n{before}\n---\n{after}"
    );
}

#[test]
fn golden_files() {
    let bless = std::env::var_os("KP_LINT_BLESS").is_some();
    let mut failures = Vec::new();
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(root())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".yaml") && !n.ends_with(".fixed.yaml") && !n.ends_with(".unsafe.yaml")
        })
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 5);
    for input in inputs {
        let before = std::fs::read_to_string(&input).unwrap();
        for (unsafe_fixes, suffix) in [(false, "fixed"), (true, "unsafe")] {
            let got = fix_copy(&input, unsafe_fixes);
            let got_text = String::from_utf8(got.clone()).unwrap();
            untouched_lines_kept(&before, &got_text);
            let golden = input.with_extension(format!("{suffix}.yaml"));
            let want = std::fs::read(&golden).unwrap_or_default();
            if got != want {
                if bless {
                    std::fs::write(&golden, &got).unwrap();
                } else {
                    failures.push(format!(
                        "{} differs from {}",
                        input.display(),
                        golden.display()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(KP_LINT_BLESS=1 to accept)",
        failures.join("\n")
    );
}

#[test]
fn safe_fixes_fix_and_report_what_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.yaml");
    std::fs::copy(root().join("metallb-ipvs.yaml"), &f).unwrap();
    kp().arg(&f)
        .args([
            "--fix",
            "--metallb",
            "l2",
            "--nodes",
            "500",
            "--services",
            "2000",
            "--kubernetes-version",
            "1.35",
        ])
        .assert()
        .stderr(predicate::str::contains("fixed 1 finding (KP501 ×1)"))
        .stderr(predicate::str::contains("more fixes with --unsafe-fixes"))
        .stdout(predicate::str::contains("KP501").not())
        .stdout(predicate::str::contains("KP204"));
}

#[cfg(unix)]
#[test]
fn permissions_are_kept_and_no_temp_file_is_left() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.yaml");
    std::fs::copy(root().join("fields.yaml"), &f).unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    kp().arg(&f)
        .arg("--fix")
        .assert()
        .code(predicate::in_iter([0, 1]));
    assert_eq!(
        std::fs::metadata(&f).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["a.yaml"]);
}

#[test]
fn stdin_prints_the_fixed_text() {
    let input = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\nclusterCIDR: 10.0.0.0/8\n";
    kp().arg("-")
        .arg("--fix")
        .write_stdin(input)
        .assert()
        .stdout("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nclusterCIDR: 10.0.0.0/8\n")
        .stderr(predicate::str::contains("fixed 1 finding (KP101 ×1)"));
}

#[test]
fn diff_writes_nothing_and_exits_one() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.yaml");
    std::fs::copy(root().join("fields.yaml"), &f).unwrap();
    let before = std::fs::read(&f).unwrap();
    kp().arg(&f)
        .arg("--diff")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-mode: IPVS\n+mode: ipvs"));
    assert_eq!(std::fs::read(&f).unwrap(), before);
    let clean = dir.path().join("b.yaml");
    std::fs::write(&clean, "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n").unwrap();
    kp().arg(&clean).arg("--diff").assert().code(0).stdout("");
}

#[test]
fn broken_and_templated_files_are_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    let text = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\n---\na: [1\n";
    std::fs::write(&broken, text).unwrap();
    kp().arg(&broken)
        .arg("--fix")
        .assert()
        .stderr(predicate::str::contains(
            "not fixed: the file has YAML errors",
        ));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
    let tpl = dir.path().join("tpl.yaml");
    let t2 = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: {{ .Values.mode }}\n";
    std::fs::write(&tpl, t2).unwrap();
    kp().arg(&tpl).arg("--fix").assert().code(0);
    assert_eq!(std::fs::read_to_string(&tpl).unwrap(), t2);
}

#[test]
fn a_utf8_bom_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bom.yaml");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(
        b"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\n",
    );
    std::fs::write(&f, &bytes).unwrap();
    kp().arg(&f)
        .arg("--fix")
        .assert()
        .code(predicate::in_iter([0, 1]));
    let after = std::fs::read(&f).unwrap();
    assert!(after.starts_with(&[0xEF, 0xBB, 0xBF]));
    assert!(String::from_utf8_lossy(&after).contains("mode: ipvs\n"));
}
