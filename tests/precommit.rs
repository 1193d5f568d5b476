//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real pre-commit (PyPI) with
//! `pre-commit try-repo` against a small git repository: a bad file fails, a good one passes,
//! and `kp-lint-fix` fixes a file in place.
//!
//! pre-commit builds the hook with `cargo install --path` from a clone of this repository, so
//! the test needs `python3 -m pre_commit` (`.ci/run` installs it), git, cargo and crates.io.
//! The build goes to `<target>/precommit` (or `KP_LINT_PRECOMMIT_TARGET_DIR`) and is reused by
//! later runs; the first one takes minutes. `KP_LINT_SKIP_PRECOMMIT=1` skips the test, loudly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

const BAD: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  syncPeriod: 30s\n  minSyncPeriod: 1m\n";
/// A mode in the wrong case: KP101 with a safe fix.
const FIXABLE: &str =
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: IPVS\n";
const GOOD: &str =
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n";

/// The cargo target directory this test binary was built in (`<target>/debug/deps/<exe>`).
fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("KP_LINT_PRECOMMIT_TARGET_DIR") {
        return PathBuf::from(d);
    }
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map(|t| t.join("precommit"))
        .unwrap_or_else(|| std::env::temp_dir().join("kp-lint-precommit-target"))
}

fn git(dir: &Path, args: &[&str]) {
    let st = Command::new("git")
        .args([
            "-c",
            "user.name=kp-lint test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(st.success(), "git {args:?}");
}

fn try_repo(fixture: &Path, home: &Path, hook: &str, files: &[&str]) -> Output {
    let repo = env!("CARGO_MANIFEST_DIR");
    Command::new("python3")
        .args([
            "-m",
            "pre_commit",
            "try-repo",
            repo,
            hook,
            "--color",
            "never",
            "--files",
        ])
        .args(files)
        .current_dir(fixture)
        .env("PRE_COMMIT_HOME", home)
        // The hook's `cargo install` builds here, reused from run to run, with the quickest
        // settings: the test is about wiring, not speed.
        .env("CARGO_TARGET_DIR", target_dir())
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("python3 runs")
}

#[test]
fn pre_commit_hooks_fail_bad_files_pass_good_ones_and_fix() {
    if std::env::var_os("KP_LINT_SKIP_PRECOMMIT").is_some_and(|v| v == "1") {
        eprintln!(
            "\n*** SKIPPED pre_commit_hooks_fail_bad_files_pass_good_ones_and_fix: KP_LINT_SKIP_PRECOMMIT=1 ***\n"
        );
        return;
    }
    let version = Command::new("python3")
        .args(["-m", "pre_commit", "--version"])
        .output();
    match version {
        Ok(o) if o.status.success() => {}
        _ => panic!(
            "pre-commit is not installed: run `python3 -m pip install pre-commit==4.7.0` (as .ci/run does), or set KP_LINT_SKIP_PRECOMMIT=1 to skip this test"
        ),
    }
    let fixture = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(fixture.path().join("bad.yaml"), BAD).unwrap();
    std::fs::write(fixture.path().join("good.yml"), GOOD).unwrap();
    std::fs::write(fixture.path().join("notes.txt"), BAD).unwrap();
    std::fs::write(fixture.path().join("fixable.yaml"), FIXABLE).unwrap();
    git(fixture.path(), &["init", "-q"]);
    git(fixture.path(), &["add", "."]);
    git(fixture.path(), &["commit", "-q", "-m", "fixture"]);

    let started = Instant::now();
    // notes.txt holds the bad configuration too: it passes only because the hook's `files`
    // pattern keeps it from kp-lint.
    let good = try_repo(
        fixture.path(),
        home.path(),
        "kp-lint",
        &["good.yml", "notes.txt"],
    );
    let built = started.elapsed();
    let text = |o: &Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    assert!(good.status.success(), "good file failed:\n{}", text(&good));
    assert!(text(&good).contains("Passed"), "{}", text(&good));

    let bad = try_repo(
        fixture.path(),
        home.path(),
        "kp-lint",
        &["bad.yaml", "notes.txt"],
    );
    assert_eq!(bad.status.code(), Some(1), "bad file:\n{}", text(&bad));
    let out = text(&bad);
    assert!(out.contains("Failed") && out.contains("KP104"), "{out}");
    assert!(
        out.contains("bad.yaml") && !out.contains("notes.txt"),
        "{out}"
    );

    // kp-lint-fix: a safe fix is applied in place, and pre-commit fails the commit because the
    // hook changed a file.
    let fixed = try_repo(
        fixture.path(),
        home.path(),
        "kp-lint-fix",
        &["fixable.yaml"],
    );
    let out = text(&fixed);
    assert_eq!(fixed.status.code(), Some(1), "{out}");
    assert!(out.contains("files were modified by this hook"), "{out}");
    let after = std::fs::read_to_string(fixture.path().join("fixable.yaml")).unwrap();
    assert_eq!(after, FIXABLE.replace("mode: IPVS", "mode: ipvs"));
    eprintln!(
        "pre-commit: first run (with the hook's build) {:.1}s, all three {:.1}s",
        built.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
