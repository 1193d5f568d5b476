//! Walking a repository: ignore files, --exclude, hidden entries, symbolic links, the first
//! look that decides which files are parsed, and output that does not depend on threads.

use assert_cmd::Command;
use std::path::Path;

fn kp() -> Command {
    let mut c = Command::cargo_bin("kp-lint").unwrap();
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

const BAD: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  syncPeriod: 30s\n  minSyncPeriod: 1m\n";
const GOOD: &str =
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n";
/// Broken YAML (an unterminated quote) that says nothing about kube-proxy.
const BROKEN_UNRELATED: &str =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"web\nspec: {}\n";
/// Broken YAML in a kube-proxy ConfigMap.
const BROKEN_RELATED: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: \"kube-system\ndata: {}\n";

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Run on `args`, return the JSON output and the exit code.
fn json(args: &[&std::ffi::OsStr]) -> (serde_json::Value, i32) {
    let out = kp().args(args).arg("--format=json").output().unwrap();
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, out.status.code().unwrap())
}

/// `(file relative to root, code)` of every finding.
fn findings(v: &serde_json::Value, root: &Path) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let rel = Path::new(file)
                .strip_prefix(root)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| file.to_string());
            (rel, f["code"].as_str().unwrap().to_string())
        })
        .collect()
}

fn files_with(v: &serde_json::Value, root: &Path, code: &str) -> Vec<String> {
    let mut f: Vec<String> = findings(v, root)
        .into_iter()
        .filter(|(_, c)| c == code)
        .map(|(f, _)| f)
        .collect();
    f.dedup();
    f
}

#[test]
fn gitignore_kp_lintignore_and_exclude_are_honoured_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".gitignore", "rendered/\n*.local.yaml\n");
    write(root, "apps/.gitignore", "generated.yaml\n");
    write(root, ".kp-lintignore", "legacy/\n");
    write(root, "rendered/all.yaml", BAD);
    write(root, "cfg.local.yaml", BAD);
    write(root, "apps/generated.yaml", BAD);
    write(root, "legacy/old.yaml", BAD);
    write(root, "vendor/x/kp.yaml", BAD);
    write(root, "kept/bad.yaml", BAD);
    let (v, code) = json(&[root.as_os_str(), "--exclude".as_ref(), "vendor".as_ref()]);
    assert_eq!(code, 1);
    assert_eq!(files_with(&v, root, "KP104"), ["kept/bad.yaml"]);
    assert_eq!(v["summary"]["files"], 1);
    // A file named on the command line is linted even when ignored.
    let (v, _) = json(&[root.join("rendered/all.yaml").as_os_str()]);
    assert_eq!(v["summary"]["errors"], 1);
    // A .kp-lintignore negation brings back what .gitignore leaves out.
    write(root, ".kp-lintignore", "legacy/\n!rendered/\n");
    let (v, _) = json(&[root.as_os_str()]);
    assert_eq!(
        files_with(&v, root, "KP104"),
        ["kept/bad.yaml", "rendered/all.yaml", "vendor/x/kp.yaml"]
    );
}

#[test]
fn exclude_globs_are_relative_to_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "clusters/prod/kp.yaml", BAD);
    write(root, "clusters/dev/kp.yaml", BAD);
    write(root, "other/prod/kp.yaml", BAD);
    let out = kp()
        .current_dir(root)
        .args([".", "--exclude", "clusters/prod/", "--format=json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["clusters/dev/kp.yaml", "other/prod/kp.yaml"]);
    // A bad glob is a usage error.
    kp().args([".", "--exclude", "a[b"])
        .current_dir(root)
        .assert()
        .code(2);
}

#[test]
fn hidden_entries_only_with_hidden_and_never_git() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, ".config/kp.yaml", BAD);
    write(root, ".kp.yaml", BAD);
    write(root, ".git/kp.yaml", BAD);
    write(root, "kp.yaml", GOOD);
    let (v, code) = json(&[root.as_os_str()]);
    assert_eq!((code, v["summary"]["files"].as_u64()), (0, Some(1)));
    let (v, code) = json(&[root.as_os_str(), "--hidden".as_ref()]);
    assert_eq!(code, 1);
    assert_eq!(
        files_with(&v, root, "KP104"),
        [".config/kp.yaml", ".kp.yaml"]
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_only_when_asked_and_loops_do_not_fail() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "bad.yaml", BAD);
    write(root, "d/good.yaml", GOOD);
    std::os::unix::fs::symlink(outside.path().join("bad.yaml"), root.join("d/link.yaml")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("linked-dir")).unwrap();
    std::os::unix::fs::symlink(root, root.join("d/loop")).unwrap();
    let (v, code) = json(&[root.as_os_str()]);
    assert_eq!((code, v["summary"]["files"].as_u64()), (0, Some(1)));
    let out = kp()
        .arg(root)
        .args(["--follow-symlinks", "--format=json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        files_with(&v, root, "KP104"),
        ["d/link.yaml", "linked-dir/bad.yaml"]
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: symbolic link loop") && stderr.contains("loop"),
        "{stderr}"
    );
    // An explicitly named link is read.
    let (v, _) = json(&[root.join("d/link.yaml").as_os_str()]);
    assert_eq!(v["summary"]["errors"], 1);
}

#[test]
fn walked_files_that_cannot_matter_are_not_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "apps/web.yaml", BROKEN_UNRELATED);
    write(root, "kube-system/kube-proxy.yaml", BROKEN_RELATED);
    let (v, code) = json(&[root.as_os_str()]);
    assert_eq!(code, 1);
    // Both are counted; only the one about kube-proxy was parsed and reported.
    assert_eq!(v["summary"]["files"], 2);
    assert_eq!(
        findings(&v, root),
        [(
            "kube-system/kube-proxy.yaml".to_string(),
            "KP001".to_string()
        )]
    );
    // Named on the command line, the unrelated file is checked in full.
    let (v, code) = json(&[root.join("apps/web.yaml").as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&v, root),
        [("apps/web.yaml".into(), "KP001".into())]
    );
    // So is standard input.
    kp().arg("-")
        .write_stdin(BROKEN_UNRELATED)
        .assert()
        .code(1)
        .stdout(predicates::str::contains("KP001"));
}

#[test]
fn prefiltered_files_still_report_unreadable_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(root.join("latin1.yaml"), b"name: caf\xe9\n").unwrap();
    let (v, code) = json(&[root.as_os_str()]);
    assert_eq!(code, 1);
    assert_eq!(findings(&v, root), [("latin1.yaml".into(), "KP002".into())]);
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..40 {
        let body = match i % 4 {
            0 => BAD,
            1 => GOOD,
            2 => BROKEN_RELATED,
            _ => "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n",
        };
        write(root, &format!("t{}/f{i:02}.yaml", i % 3), body);
    }
    let run = |threads: &str| {
        let out = kp()
            .arg(root)
            .args(["--format=json", "--threads", threads])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let one = run("1");
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    let files: Vec<&str> = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
    assert_eq!(files.len(), 40);
    for threads in ["2", "4", "0"] {
        assert_eq!(run(threads), one, "--threads {threads}");
    }
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_kp__lint()"),
        ("zsh", "#compdef kp-lint"),
        ("fish", "complete -c kp-lint"),
    ] {
        let out = kp().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("follow-symlinks"), "{shell}");
    }
    kp().args(["completions", "tcsh"]).assert().code(2);
}
