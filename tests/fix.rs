//! `--fix`: golden before/after files (testdata/fix/), idempotence, byte preservation, atomic
//! writes that keep permissions, standard input, `--diff`, and files that must not be touched.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

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

/// Fix `bytes` written to a temp file named `name`; returns the fixed bytes and the first
/// run's standard error. A second `--fix` must change nothing.
fn fix_bytes(name: &str, bytes: &[u8], args: &[String], unsafe_fixes: bool) -> (Vec<u8>, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join(name);
    std::fs::write(&f, bytes).unwrap();
    let run = || {
        let mut cmd = kp();
        cmd.arg(&f).arg("--fix").args(args);
        if unsafe_fixes {
            cmd.arg("--unsafe-fixes");
        }
        let out = cmd.assert().code(predicate::in_iter([0, 1]));
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let stderr = run();
    let once = std::fs::read(&f).unwrap();
    run();
    assert_eq!(
        String::from_utf8_lossy(&std::fs::read(&f).unwrap()),
        String::from_utf8_lossy(&once),
        "{name}: second --fix changed the file"
    );
    (once, stderr)
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
        changed_old <= 8,
        "too many lines changed:\n{before}\n---\n{after}"
    );
}

/// The golden inputs: `testdata/fix/*.yaml` and `testdata/fix/rules/*.yaml`.
fn golden_inputs() -> Vec<PathBuf> {
    let mut inputs: Vec<PathBuf> = [root(), root().join("rules")]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.ends_with(".yaml") && !n.ends_with(".fixed.yaml") && !n.ends_with(".unsafe.yaml")
        })
        .collect();
    inputs.sort();
    inputs
}

/// The line-ending variants each LF golden is also run in: (name, transform).
type Variant = (&'static str, fn(&str) -> String);
const VARIANTS: [Variant; 4] = [
    ("lf", |s| s.to_string()),
    ("crlf", |s| s.replace('\n', "\r\n")),
    ("lf-no-final-newline", |s| {
        s.strip_suffix('\n').unwrap_or(s).to_string()
    }),
    ("crlf-no-final-newline", |s| {
        let c = s.replace('\n', "\r\n");
        c.strip_suffix("\r\n").unwrap_or(&c).to_string()
    }),
];

#[test]
fn golden_files() {
    let bless = std::env::var_os("KP_LINT_BLESS").is_some();
    let mut failures = Vec::new();
    let inputs = golden_inputs();
    assert!(inputs.len() >= 40);
    for input in inputs {
        let before = std::fs::read_to_string(&input).unwrap();
        let crlf_input = input
            .file_name()
            .unwrap()
            .to_string_lossy()
            .contains("crlf");
        for (unsafe_fixes, suffix) in [(false, "fixed"), (true, "unsafe")] {
            let golden = input.with_extension(format!("{suffix}.yaml"));
            let want = std::fs::read_to_string(&golden).unwrap_or_default();
            // A golden stored with its own line endings is run as it is; the others are LF
            // files run in all four variants, each compared with the golden converted alike.
            let variants: &[Variant] = if crlf_input {
                &VARIANTS[..1]
            } else {
                &VARIANTS
            };
            if !crlf_input {
                assert!(
                    !before.contains('\r'),
                    "{}: store LF goldens",
                    input.display()
                );
            }
            for (vname, conv) in variants {
                let name = input.file_name().unwrap().to_string_lossy().into_owned();
                let text = conv(&before);
                let (got, _) = fix_bytes(&name, text.as_bytes(), &args_of(&before), unsafe_fixes);
                let got = String::from_utf8(got).unwrap();
                untouched_lines_kept(&text, &got);
                if *vname == "lf" && bless && got != want {
                    std::fs::write(&golden, &got).unwrap();
                    continue;
                }
                if got != conv(&want) {
                    failures.push(format!(
                        "{} ({vname}) differs from {}:\n{got}",
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

/// The input forms a fix must work in (testdata/fix/rules/CODE-FORM[-case].yaml).
const FORMS: [&str; 4] = ["standalone", "kubeadm", "configmap", "flags"];

/// Forms in which a fixable rule cannot apply, and why.
const EXEMPT: &[(&str, &str, &str)] = &[
    // Flag values are plain strings: there are no YAML 1.1 booleans on a command line.
    ("KP010", "flags", "no YAML booleans in flags"),
    // Flags map onto known fields only; an unknown flag stops kube-proxy (not a field to delete).
    ("KP201", "flags", "flags are never unknown fields"),
    // The flags of removed fields (--udp-timeout, --resource-container) map onto no field.
    ("KP202", "flags", "removed flags map onto no field"),
    // A flag ignored because of --config exists only on a command line.
    ("KP701", "standalone", "flags only"),
    ("KP701", "kubeadm", "flags only"),
    ("KP701", "configmap", "flags only"),
];

#[test]
fn every_fixable_rule_has_a_golden_in_every_form() {
    let dir = root().join("rules");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".fixed.yaml") && !n.ends_with(".unsafe.yaml"))
        .collect();
    let fixable: Vec<&str> = kp_lint::rules::all()
        .into_iter()
        .filter(|r| r.fix != kp_lint::rules::Fixable::No)
        .map(|r| r.code)
        .collect();
    assert!(fixable.len() >= 11, "{fixable:?}");
    for (code, form, _) in EXEMPT {
        assert!(fixable.contains(code), "stale exemption {code} {form}");
    }
    let mut missing = Vec::new();
    for code in &fixable {
        for form in FORMS {
            let exempt = EXEMPT.iter().any(|(c, f, _)| c == code && *f == form);
            let files: Vec<&String> = names
                .iter()
                .filter(|n| {
                    n.strip_prefix(&format!("{code}-{form}"))
                        .is_some_and(|rest| rest == ".yaml" || rest.starts_with('-'))
                })
                .collect();
            if exempt {
                assert!(
                    files.is_empty(),
                    "{code} {form} is exempt but has {files:?}"
                );
                continue;
            }
            if files.is_empty() {
                missing.push(format!("{code} {form}: no golden"));
                continue;
            }
            // Each golden must really have the rule's fix applied.
            for n in files {
                let text = std::fs::read_to_string(dir.join(n)).unwrap();
                let (_, stderr) = fix_bytes(n, text.as_bytes(), &args_of(&text), true);
                if !stderr.contains(&format!("{code} ×")) {
                    missing.push(format!("{code} {form}: {n} is not fixed by it:\n{stderr}"));
                }
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
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
        .stdout(predicate::str::contains("-mode: IPVS\n"))
        .stdout(predicate::str::contains("+mode: ipvs\n"));
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

/// A kube-proxy DaemonSet whose container runs `cmd` (YAML lines at the `command:` key's level).
fn daemonset_with(cmd: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\nspec:\n  template:\n    spec:\n      containers:\n        - name: kube-proxy\n          image: registry.k8s.io/kube-proxy:v1.34.0\n{cmd}"
    )
}

const L2: [&str; 4] = ["--metallb", "l2", "--kubernetes-version", "1.34"];

#[test]
fn flags_that_cannot_be_edited_are_left_alone_and_the_finding_stays() {
    let l2: Vec<String> = L2.iter().map(|s| s.to_string()).collect();
    for (what, cmd) in [
        (
            "a shell string",
            "          command:\n            - /bin/sh\n            - -c\n            - exec kube-proxy --proxy-mode=ipvs --ipvs-strict-arp=false\n",
        ),
        (
            "a flow sequence",
            "          command: [/usr/local/bin/kube-proxy, --proxy-mode=ipvs]\n",
        ),
        (
            "a flow sequence of args",
            "          command:\n            - /usr/local/bin/kube-proxy\n          args: [--proxy-mode=ipvs, --ipvs-strict-arp=false]\n",
        ),
    ] {
        let text = daemonset_with(cmd);
        let (got, _) = fix_bytes("ds.yaml", text.as_bytes(), &l2, true);
        assert_eq!(String::from_utf8(got).unwrap(), text, "{what} was edited");
        kp().arg("-")
            .args(L2)
            .write_stdin(text.clone())
            .assert()
            .stdout(predicate::str::contains("KP501"))
            .stdout(predicate::str::contains("fix (--fix)").not())
            .stdout(predicate::str::contains(
                "not fixed automatically: the flags are",
            ));
    }
}

#[test]
fn with_config_the_flags_are_not_fixed_but_deleted() {
    // kube-proxy ignores config-field flags when --config is given: KP501 does not set
    // --ipvs-strict-arp there; KP701 deletes the ignored flag instead.
    let text = daemonset_with(
        "          command:\n            - /usr/local/bin/kube-proxy\n            - --config=/var/lib/kube-proxy/config.conf\n            - --ipvs-strict-arp=false\n",
    );
    let l2: Vec<String> = L2.iter().map(|s| s.to_string()).collect();
    let (got, stderr) = fix_bytes("ds.yaml", text.as_bytes(), &l2, true);
    let got = String::from_utf8(got).unwrap();
    assert!(!got.contains("--ipvs-strict-arp"), "{got}");
    assert!(!got.contains("strict-arp=true"), "{got}");
    assert!(stderr.contains("KP701 ×1"), "{stderr}");
}

#[test]
fn a_new_flag_goes_before_a_double_dash_and_what_follows_it_is_kept() {
    let text = daemonset_with(
        "          command:\n            - /usr/local/bin/kube-proxy\n            - --proxy-mode=ipvs\n            - --\n            - --ipvs-strict-arp=false\n",
    );
    let l2: Vec<String> = L2.iter().map(|s| s.to_string()).collect();
    let (got, _) = fix_bytes("ds.yaml", text.as_bytes(), &l2, false);
    assert_eq!(
        String::from_utf8(got).unwrap(),
        text.replace(
            "- --proxy-mode=ipvs\n",
            "- --proxy-mode=ipvs\n            - --ipvs-strict-arp=true\n"
        )
    );
}

#[test]
fn repeated_feature_gates_add_up() {
    // kube-proxy's --feature-gates (cliflag.MapStringBool) adds each occurrence to the map: the
    // first flag's gate is still set, and found, when a second --feature-gates follows.
    let text = daemonset_with(
        "          command:\n            - /usr/local/bin/kube-proxy\n            - --proxy-mode=nftables\n            - --feature-gates=NFTablesProxyMode=true\n            - --feature-gates=ClusterTrustBundle=false\n",
    );
    kp().arg("-")
        .args(["--kubernetes-version", "1.35"])
        .write_stdin(text.clone())
        .assert()
        .stdout(predicate::str::contains(
            "feature gate NFTablesProxyMode is GA",
        ));
    let args: Vec<String> = vec!["--kubernetes-version".into(), "1.35".into()];
    let (got, _) = fix_bytes("ds.yaml", text.as_bytes(), &args, false);
    assert_eq!(
        String::from_utf8(got).unwrap(),
        text.replace("            - --feature-gates=NFTablesProxyMode=true\n", "")
    );
}

/// A kube-proxy ConfigMap whose `config.conf` block has the header `header`.
fn configmap_with(header: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n  config.conf: {header}\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: ipvs\n    clusterCIDR: 10.0.0.0/8\n    nodePortAddresses: [primary]\n    ipvs:\n      scheduler: rr\n\n  kubeconfig.conf: x\n"
    )
}

#[test]
fn insertion_into_every_kind_of_configmap_block() {
    let l2: Vec<String> = L2.iter().map(|s| s.to_string()).collect();
    for header in ["|", "|-", "|+", "|2", "|2-", "|+2"] {
        let text = configmap_with(header);
        let (got, stderr) = fix_bytes("cm.yaml", text.as_bytes(), &l2, false);
        assert!(stderr.contains("KP501 ×1"), "{header}: {stderr}");
        assert_eq!(
            String::from_utf8(got).unwrap(),
            text.replace(
                "      scheduler: rr\n",
                "      scheduler: rr\n      strictARP: true\n"
            ),
            "{header}"
        );
    }
}

#[test]
fn a_top_level_key_goes_after_an_indented_comment_that_ends_the_last_section() {
    let text = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: ipvs\nclusterCIDR: 10.0.0.0/8\nipvs:\n  scheduler: rr\n  # about the scheduler\n";
    let args: Vec<String> = vec!["--kubernetes-version".into(), "1.34".into()];
    let (got, _) = fix_bytes("a.yaml", text.as_bytes(), &args, true);
    let got = String::from_utf8(got).unwrap();
    assert_eq!(got, format!("{text}nodePortAddresses: [\"primary\"]\n"));
}

#[test]
fn a_bom_and_crlf_survive_an_insertion() {
    let body = "apiVersion: kubeproxy.config.k8s.io/v1alpha1\r\nkind: KubeProxyConfiguration\r\nmode: ipvs\r\nclusterCIDR: 10.0.0.0/8\r\nnodePortAddresses: [primary]\r\nipvs:\r\n  scheduler: rr";
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(body.as_bytes());
    let l2: Vec<String> = L2.iter().map(|s| s.to_string()).collect();
    let (got, _) = fix_bytes("bom.yaml", &bytes, &l2, false);
    let mut want = vec![0xEF, 0xBB, 0xBF];
    want.extend_from_slice(format!("{body}\r\n  strictARP: true").as_bytes());
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want)
    );
}
