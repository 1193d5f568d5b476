//! The real binary on files, directories and stdin: output and exit codes.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

fn kp() -> Command {
    let mut c = Command::cargo_bin("kp-lint").unwrap();
    c.env_remove("NO_COLOR").env("COLUMNS", "100");
    c
}

fn data(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(rel)
        .display()
        .to_string()
}

const BAD: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nipvs:\n  syncPeriod: 30s\n  minSyncPeriod: 1m\n";
const GOOD: &str =
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: nftables\n";

#[test]
fn clean_file_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("good.yaml");
    std::fs::write(&f, GOOD).unwrap();
    kp().arg(&f)
        .arg("--color=never")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 errors"));
}

#[test]
fn error_exits_one_and_points_at_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, BAD).unwrap();
    kp().arg(&f)
        .arg("--color=never")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "KP104(min-sync-period-exceeds-sync-period)",
        ))
        .stdout(predicate::str::contains("bad.yaml:6:18"))
        .stdout(predicate::str::contains("docs/rules/KP104.md"));
}

#[test]
fn fail_on_controls_the_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("warn.yaml");
    std::fs::write(
        &f,
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmodee: ipvs\n",
    )
    .unwrap();
    kp().arg(&f).assert().code(0);
    kp().arg(&f).arg("--fail-on=warning").assert().code(1);
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, BAD).unwrap();
    kp().arg(&bad).arg("--fail-on=never").assert().code(0);
}

#[test]
fn stdin_configmap_from_kubectl() {
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n  config.conf: |-\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: IPVS\n  kubeconfig.conf: |-\n    apiVersion: v1\n    kind: Config\n";
    kp().arg("-")
        .arg("--format=json")
        .write_stdin(cm)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"code\": \"KP101\""))
        .stdout(predicate::str::contains("\"file\": \"<stdin>\""))
        .stdout(predicate::str::contains("\"line\": 10"))
        .stdout(predicate::str::contains("\"column\": 11"));
}

#[test]
fn no_paths_reads_piped_stdin() {
    kp().write_stdin(BAD).assert().code(1);
}

#[test]
fn directory_walk_lints_every_yaml_file_and_goes_on_after_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(dir.path().join("a/bad.yaml"), BAD).unwrap();
    std::fs::write(dir.path().join("a/b/good.yml"), GOOD).unwrap();
    std::fs::write(dir.path().join("a/b/binary.yaml"), b"\x00\x01\x02").unwrap();
    std::fs::write(dir.path().join("a/notes.txt"), BAD).unwrap();
    std::fs::write(dir.path().join(".git/hidden.yaml"), BAD).unwrap();
    let out = kp()
        .arg(dir.path())
        .arg("--format=json")
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["summary"]["files"], 3);
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["KP002", "KP104"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("d")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("d/loop")).unwrap();
    std::fs::write(dir.path().join("d/good.yaml"), GOOD).unwrap();
    kp().arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("in 1 file"));
}

#[test]
fn missing_file_exits_two_but_lints_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, BAD).unwrap();
    kp().arg(dir.path().join("nope.yaml"))
        .arg(&f)
        .arg("--color=never")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("KP104"))
        .stdout(predicate::str::contains("cannot read"));
}

#[test]
fn usage_errors_exit_two() {
    kp().arg("--format=xml").assert().code(2);
    kp().args(["--kubernetes-version", "banana", "x.yaml"])
        .assert()
        .code(2);
    kp().args(["--explain", "KP999"]).assert().code(2);
}

#[test]
fn rule_and_rules_subcommands() {
    kp().args(["rule", "KP501"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "# KP501 strict-arp-required-for-metallb",
        ));
    kp().args(["rule", "min-sync-period-zero-at-scale"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("KP303"));
    kp().arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("KP609"));
    kp().args(["rule", "KP999"]).assert().code(2);
}

#[test]
fn explain_and_list_rules() {
    kp().args(["--explain", "KP104"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "# KP104 min-sync-period-exceeds-sync-period",
        ))
        .stdout(predicate::str::contains("## References"));
    kp().args(["--explain", "unknown-field"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("KP201"));
    kp().arg("--list-rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("KP702"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, BAD).unwrap();
    let esc = predicate::str::contains("\u{1b}[");
    kp().arg(&f)
        .arg("--color=always")
        .assert()
        .stdout(esc.clone());
    kp().arg(&f)
        .arg("--color=never")
        .assert()
        .stdout(esc.clone().not());
    kp().arg(&f).env("NO_COLOR", "1").assert().stdout(esc.not());
}

#[test]
fn kubernetes_version_flag_changes_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("nft.yaml");
    std::fs::write(&f, GOOD).unwrap();
    kp().arg(&f)
        .args(["--kubernetes-version", "v1.28.3"])
        .assert()
        .code(1);
    kp().arg(&f)
        .args(["--kubernetes-version", "1.31"])
        .assert()
        .code(0);
}

#[test]
fn the_readme_example_runs() {
    kp().arg(data("examples/kubeadm-config.yaml"))
        .arg("--color=never")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("KP201"))
        .stdout(predicate::str::contains("logging.options.json"));
}

/// A configuration file that enables only these rules, so that advisory rules (which fire on
/// most configurations) do not change what these tests count.
fn only(dir: &std::path::Path, codes: &[&str]) -> PathBuf {
    let list: Vec<String> = codes.iter().map(|c| format!("{c:?}")).collect();
    let path = dir.join("only.toml");
    std::fs::write(&path, format!("select = [{}]\n", list.join(", "))).unwrap();
    path
}

#[test]
fn github_format_prints_workflow_commands() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, BAD).unwrap();
    let out = kp()
        .arg(&f)
        .arg("--format=github")
        .arg("--config")
        .arg(only(dir.path(), &["KP104"]))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let file = f.display().to_string();
    assert_eq!(
        text,
        format!(
            "::error file={file},line=6,col=18,endLine=6,endColumn=20,title=KP104 (min-sync-period-exceeds-sync-period)::ipvs.minSyncPeriod (1m0s) is larger than ipvs.syncPeriod (30s)%0A{file}:5:15: syncPeriod set here%0Ahelp: lower ipvs.minSyncPeriod to at most 30s, or raise ipvs.syncPeriod\n"
        )
    );
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, BAD).unwrap();
    let json = dir.path().join("out.json");
    let sarif = dir.path().join("out.sarif");
    kp().arg(&f)
        .arg("--config")
        .arg(only(dir.path(), &["KP104"]))
        .arg(format!("--format=json={}", json.display()))
        .args(["--format", "human", "--color=always"])
        .arg(format!("--format=sarif={}", sarif.display()))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "KP104(min-sync-period-exceeds-sync-period)",
        ))
        .stdout(predicate::str::contains("1 error, 0 warnings"));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["findings"][0]["code"], "KP104");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(s["runs"][0]["results"][0]["ruleId"], "KP104");
}

#[test]
fn output_writes_the_stdout_format_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, BAD).unwrap();
    let out = dir.path().join("report.sarif");
    kp().arg(&f)
        .args(["--format", "sarif", "--output"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(s["version"], "2.1.0");
    // Without --format, the human output goes to the file, without colour.
    let txt = dir.path().join("report.txt");
    kp().arg(&f).arg("-o").arg(&txt).assert().code(1).stdout("");
    let text = std::fs::read_to_string(&txt).unwrap();
    assert!(text.contains("KP104") && text.contains("1 error"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour in a file");
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("two.yaml");
    std::fs::write(
        &f,
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmodee: ipvs\nsyncPerod: 1s\nipvs:\n  syncPeriod: 30s\n  minSyncPeriod: 1m\nmode: ipvs\n",
    )
    .unwrap();
    let config = only(dir.path(), &["KP104", "KP201"]);
    kp().arg(&f)
        .arg("--config")
        .arg(&config)
        .args(["--statistics", "--color=never"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_match(r"(?m)^code +name +count\nKP201 +unknown-field +2\nKP104 +min-sync-period-exceeds-sync-period +1\n\z").unwrap());
    let out = kp()
        .arg(&f)
        .arg("--config")
        .arg(&config)
        .args(["--statistics", "--format=json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["statistics"]["rules"],
        serde_json::json!([
            {"code": "KP201", "name": "unknown-field", "count": 2},
            {"code": "KP104", "name": "min-sync-period-exceeds-sync-period", "count": 1}
        ])
    );
    // Without --statistics the JSON has no such member.
    let out = kp().arg(&f).arg("--format=json").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.get("statistics").is_none());
    // A format that cannot carry the table: it goes to standard error.
    kp().arg(&f)
        .arg("--config")
        .arg(&config)
        .args(["--statistics", "--format=github"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("KP201  unknown-field"));
}

#[test]
fn quiet_drops_the_summary_and_prints_nothing_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, GOOD).unwrap();
    let config = only(dir.path(), &["KP104"]);
    kp().arg(&good)
        .arg("--config")
        .arg(&config)
        .arg("--quiet")
        .assert()
        .code(0)
        .stdout("");
    kp().arg(&good)
        .arg("--config")
        .arg(&config)
        .args(["-q", "--statistics"])
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, BAD).unwrap();
    kp().arg(&bad)
        .arg("--config")
        .arg(&config)
        .args(["--quiet", "--color=never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("KP104"))
        .stdout(predicate::str::contains("1 error").not());
}

#[test]
fn output_usage_errors_exit_two() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.yaml");
    std::fs::write(&f, BAD).unwrap();
    // Two formats on standard output.
    kp().arg(&f)
        .args(["--format", "json", "--format", "sarif"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("standard output"));
    kp().arg(&f)
        .args(["--format=human", "--format=github"])
        .assert()
        .code(2);
    // --output with every format already going to a file.
    let a = dir.path().join("a.sarif");
    kp().arg(&f)
        .arg(format!("--format=sarif={}", a.display()))
        .arg("--output")
        .arg(dir.path().join("b"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--output"));
    assert!(!a.exists(), "nothing is written after a usage error");
    // The same file twice.
    kp().arg(&f)
        .arg(format!("--format=sarif={}", a.display()))
        .arg(format!("--format=json={}", a.display()))
        .assert()
        .code(2);
    // An empty file name, an unknown format.
    kp().arg(&f).arg("--format=json=").assert().code(2);
    kp().arg(&f)
        .arg("--format=xml=out.xml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "human, json, sarif, github, junit",
        ));
}

#[test]
fn an_unwritable_output_file_exits_two() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("good.yaml");
    std::fs::write(&f, GOOD).unwrap();
    kp().arg(&f)
        .arg(format!(
            "--format=json={}",
            dir.path().join("no/such/dir/out.json").display()
        ))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
}

/// The seed article's kubeadm configuration, linted for the cluster it was written for, reports
/// what the rule pack promises (issue "tuning rule pack", Done means).
#[test]
fn the_seed_article_config_gets_its_advice() {
    let out = kp()
        .arg(data("examples/kubeadm-config.yaml"))
        .args(["--metallb", "l2", "--nodes", "500", "--services", "2000"])
        .args(["--kubernetes-version", "1.35", "--format", "json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let found: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for (code, path) in [
        ("KP201", "logging.json"),
        ("KP501", "ipvs.strictARP"),
        ("KP204", "mode"),
        ("KP303", "ipvs.minSyncPeriod"),
        ("KP604", "clusterCIDR"),
    ] {
        assert!(
            found.iter().any(|(c, p)| c == code && p == path),
            "{code} at {path} missing from {found:?}"
        );
    }
}
