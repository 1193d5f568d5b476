//! Distribution forms (testdata/sources/<form>/): which kube-proxy settings each fixture yields,
//! with their paths, values and line:column in the user's file, which values the distribution
//! fills in, the notes, and a few findings. Expectations are asserted first; then the whole
//! listing of each fixture is snapshotted beside it (testdata/sources/<form>/snapshots/).

use std::path::PathBuf;

use kp_lint::fix::Safety;
use kp_lint::lint::{FileReport, Options, lint_bytes};
use kp_lint::render;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/sources")
}

fn lint(rel: &str) -> FileReport {
    let path = root().join(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    lint_bytes(rel, &bytes, &Options::default())
}

/// One line per setting: `path = value @ line:column`, `(default)` for distribution values.
fn settings(report: &FileReport) -> Vec<String> {
    let mut out = Vec::new();
    for cfg in &report.file.configs {
        for s in cfg.settings() {
            let ((l, c), _) = render::span_position(report, s.span);
            out.push(format!(
                "{} = {} @ {l}:{c}{}",
                s.path,
                s.value,
                if s.default.is_some() {
                    " (default)"
                } else {
                    ""
                }
            ));
        }
    }
    out
}

/// `CODE line` for each finding.
fn findings(report: &FileReport) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| match render::position(report, f) {
            Some(((l, _), _)) => format!("{} {l}", f.rule.code),
            None => f.rule.code.to_string(),
        })
        .collect()
}

fn listing(report: &FileReport) -> String {
    let mut out = String::new();
    for (cfg, summary) in report.file.configs.iter().zip(&report.configs) {
        out.push_str(&format!(
            "configuration: {} (Kubernetes {}, {:?})\n",
            cfg.describe, summary.release, summary.release_source
        ));
        for s in cfg.settings() {
            let ((l, c), _) = render::span_position(report, s.span);
            out.push_str(&format!("  {} = {} @ {l}:{c}\n", s.path, s.value));
            if let Some(d) = s.default {
                out.push_str(&format!("      default: {d}\n"));
            }
        }
    }
    for n in &report.file.notes {
        let at = n
            .span
            .map(|s| {
                let ((l, c), _) = render::span_position(report, s);
                format!("{l}:{c} ")
            })
            .unwrap_or_default();
        out.push_str(&format!("note: {at}{}\n", n.message));
    }
    if report.file.skipped {
        out.push_str("skipped\n");
    }
    for f in &report.findings {
        let at = render::position(report, f)
            .map(|((l, c), _)| format!("{l}:{c}"))
            .unwrap_or_else(|| "-".into());
        out.push_str(&format!(
            "{} {} {at} {}\n",
            f.rule.code, f.severity, f.message
        ));
        if let Some(fix) = &f.fix {
            out.push_str(&format!("    fix ({:?}): {}\n", fix.safety, fix.message));
        }
    }
    out
}

fn has(list: &[String], want: &str) -> bool {
    list.iter().any(|s| s == want)
}

/// Fixture → settings that must be found (exact lines of `settings()`) and findings (`CODE line`).
const EXPECT: &[(&str, &[&str], &[&str])] = &[
    (
        "k3s/rke2-docs-nftables.yaml",
        &[
            "mode = \"nftables\" @ 4:16",
            "conntrack.maxPerCore = 0 @ 3:1 (default)",
            "clusterCIDR = \"10.42.0.0/16\" @ 3:1 (default)",
            "healthzBindAddress = \"127.0.0.1\" @ 3:1 (default)",
        ],
        &["KP401 3"],
    ),
    (
        "k3s/k3s-server-args.yaml",
        &[
            "mode = \"ipvs\" @ 6:17",
            "ipvs.scheduler = \"lc\" @ 7:22",
            "metricsBindAddress = \"0.0.0.0:10249\" @ 8:26",
            "iptables.masqueradeAll = true @ 9:5",
            "clusterCIDR = \"10.42.0.0/16,2001:cafe:42::/56\" @ 4:15 (default)",
        ],
        &["KP204 6", "KP607 8"],
    ),
    ("k3s/k3s-single-string-with-config.yaml", &[], &["KP701 6"]),
    (
        "k0s/k0s-docs-metallb-ipvs.yaml",
        &[
            "mode = \"ipvs\" @ 12:13",
            "ipvs.strictARP = true @ 14:20",
            "metricsBindAddress = \"0.0.0.0:10249\" @ 11:5 (default)",
            "conntrack.maxPerCore = 0 @ 11:5 (default)",
            "clusterCIDR = \"10.244.0.0/16\" @ 11:5 (default)",
        ],
        &["KP204 12", "KP401 11", "KP607 11"],
    ),
    (
        "k0s/k0s-docs-default-network.yaml",
        &[
            "mode = \"iptables\" @ 24:13",
            "metricsBindAddress = \"0.0.0.0:10249\" @ 23:27",
            "iptables.minSyncPeriod = \"0s\" @ 15:24",
            "healthzBindAddress = \"0.0.0.0:10256\" @ 13:27",
            "clusterCIDR = \"10.244.0.0/16\" @ 25:14 (default)",
            "conntrack.maxPerCore = 0 @ 12:5 (default)",
        ],
        &["KP607 23", "KP401 12"],
    ),
    (
        "k0s/k0s-extra-args-and-unknown-field.yaml",
        &[
            "mode = \"nftables\" @ 11:13",
            "clusterCIDR = \"10.10.0.0/16\" @ 9:14 (default)",
            "logging.verbosity = 4 @ 16:12",
        ],
        &["KP201 12", "KP701 15"],
    ),
    ("talos/talos-ci-patch-disabled.yaml", &[], &[]),
    (
        "talos/talos-worker-ipvs.yaml",
        &[
            "mode = \"ipvs\" @ 11:11",
            "conntrack.maxPerCore = 0 @ 10:3 (default)",
            "clusterCIDR = \"10.244.0.0/16\" @ 10:3 (default)",
        ],
        &["KP204 11"],
    ),
    (
        "talos/talos-controlplane-extra-args.yaml",
        &[
            "mode = \"iptables\" @ 12:11",
            "clusterCIDR = \"10.100.0.0/16\" @ 9:7 (default)",
            "conntrack.maxPerCore = 0 @ 14:31",
            "metricsBindAddress = \"0.0.0.0:10249\" @ 15:29",
            "iptables.minSyncPeriod = \"0s\" @ 16:33",
        ],
        &["KP206 11", "KP607 15"],
    ),
    (
        "kubespray/kubespray-sample-k8s-cluster.yaml",
        &[
            "mode = \"ipvs\" @ 9:18",
            "ipvs.strictARP = false @ 13:24",
            "clusterCIDR = \"10.233.64.0/18\" @ 5:19",
            "ipvs.scheduler = \"rr\" @ 9:1 (default)",
            "ipvs.minSyncPeriod = \"0s\" @ 9:1 (default)",
        ],
        &["KP204 9"],
    ),
    (
        "kubespray/kubespray-metallb-all-in-one.yaml",
        &[
            "mode = \"ipvs\" @ 4:18",
            "ipvs.strictARP = false @ 5:24",
            "ipvs.minSyncPeriod = \"5s\" @ 6:29",
            "ipvs.syncPeriod = \"30s\" @ 7:25",
            "ipvs.excludeCIDRs = [\"10.0.0.10/32\"] @ 8:27",
            "clusterCIDR = \"10.233.64.0/18\" @ 4:1 (default)",
        ],
        &["KP501 5", "KP206 3"],
    ),
    (
        "kubekey/kubekey-config-example.yaml",
        &[
            "mode = \"ipvs\" @ 14:16",
            "iptables.masqueradeAll = false @ 12:20",
            "ipvs.excludeCIDRs = [\"172.16.0.2/24\"] @ 20:11",
            "iptables.masqueradeBit = 14 @ 8:3 (default)",
            "clusterCIDR = \"10.233.64.0/18,fd85:ee78:d8a6:8607::1:0000/112\" @ 23:19 (default)",
        ],
        &["KP206 9"],
    ),
    (
        "kubekey/kubekey-iptables-override.yaml",
        &[
            "mode = \"iptables\" @ 12:13",
            "iptables.minSyncPeriod = \"1s\" @ 14:24",
            "clusterCIDR = \"10.233.64.0/18\" @ 8:3 (default)",
        ],
        &[],
    ),
    (
        "kind/kind-docs-nftables.yaml",
        &[
            "mode = \"nftables\" @ 6:18",
            "conntrack.tcpBeLiberal = true @ 5:1 (default)",
            "iptables.minSyncPeriod = \"1s\" @ 5:1 (default)",
            "clusterCIDR = \"10.244.0.0/16\" @ 5:1 (default)",
        ],
        &["KP401 5"],
    ),
    (
        "kind/kind-ipvs-patch.yaml",
        &[
            "mode = \"ipvs\" @ 6:18",
            "ipvs.strictARP = true @ 12:18",
            "ipvs.scheduler = \"sh\" @ 13:18",
            "clusterCIDR = \"10.20.0.0/16\" @ 7:14 (default)",
        ],
        &["KP502 13", "KP206 16"],
    ),
    (
        "capi/caren-kcp-files-nftables.yaml",
        &["mode = \"nftables\" @ 17:21"],
        &["KP604 15"],
    ),
    (
        "capi/kcp-ipvs-appended.yaml",
        &[
            "mode = \"ipvs\" @ 16:17",
            "ipvs.scheduler = \"rr\" @ 18:24",
            "ipvs.minSyncPeriod = \"0s\" @ 19:28",
        ],
        &["KP206 9"],
    ),
    (
        "capi/kops-nodeup-kube-proxy.yaml",
        &[
            "clusterCIDR = \"100.96.0.0/11\" @ 16:24",
            "conntrack.maxPerCore = 131072 @ 17:34",
            "oomScoreAdj = -998 @ 20:25",
            "logging.verbosity = 2 @ 21:13",
        ],
        &[],
    ),
    (
        "templates/rke2-vagrant-ruby-interpolation.yaml",
        &[],
        &["KP004 6"],
    ),
    (
        "templates/talos-terraform-proxy-plain.yaml",
        &["mode = \"ipvs\" @ 11:11"],
        &["KP204 11"],
    ),
    (
        "templates/talos-terraform-proxy-templated.yaml",
        &[],
        &["KP004 6"],
    ),
];

#[test]
fn forms_yield_their_settings_with_positions() {
    let mut failures = Vec::new();
    for (rel, want_settings, want_findings) in EXPECT {
        let report = lint(rel);
        let got = settings(&report);
        for w in *want_settings {
            if !has(&got, w) {
                failures.push(format!(
                    "{rel}: no setting `{w}`; got:\n    {}",
                    got.join("\n    ")
                ));
            }
        }
        let got = findings(&report);
        for w in *want_findings {
            if !has(&got, w) {
                failures.push(format!("{rel}: no finding `{w}`; got {got:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_fixture_is_listed_and_snapshotted() {
    let mut listed: Vec<&str> = EXPECT.iter().map(|(r, _, _)| *r).collect();
    listed.sort();
    let mut on_disk = Vec::new();
    for form in std::fs::read_dir(root()).unwrap() {
        let form = form.unwrap().path();
        if !form.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&form).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "yaml") {
                on_disk.push(f.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    on_disk.sort();
    assert_eq!(
        listed, on_disk,
        "every fixture in testdata/sources has expectations"
    );
    for rel in on_disk {
        let report = lint(&rel);
        let path = root().join(&rel);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::with_settings!({
            snapshot_path => path.parent().unwrap().join("snapshots"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, listing(&report));
        });
    }
}

/// Disabled kube-proxy: a note, no configuration, and KP705 only when settings are present.
#[test]
fn disabled_proxy_is_noted() {
    let report = lint("talos/talos-ci-patch-disabled.yaml");
    assert!(report.file.configs.is_empty());
    assert!(report.findings.is_empty());
    assert!(
        report.file.notes[0]
            .message
            .contains("cluster.proxy.disabled: true")
    );
}

/// `--fix` edits the distribution's own value where it maps to one value in the file, and
/// leaves values the distribution fills in alone.
#[test]
fn fixes_edit_written_values_only() {
    // kubespray: kube_proxy_strict_arp: false → true (KP501, safe).
    let report = lint("kubespray/kubespray-metallb-all-in-one.yaml");
    let f = report
        .findings
        .iter()
        .find(|f| f.rule.code == "KP501")
        .expect("KP501");
    let fix = f.fix.as_ref().expect("a fix for kube_proxy_strict_arp");
    assert_eq!(fix.safety, Safety::Safe);
    let fixed = kp_lint::fix::apply(&report.file.text, &fix.edits).unwrap();
    assert!(fixed.contains("kube_proxy_strict_arp: true\n"), "{fixed}");
    // k3s: proxy-mode=ipvs → nftables inside the list item (KP204, unsafe).
    let report = lint("k3s/k3s-server-args.yaml");
    let f = report
        .findings
        .iter()
        .find(|f| f.rule.code == "KP204")
        .expect("KP204");
    let fix = f.fix.as_ref().expect("a fix for proxy-mode");
    let fixed = kp_lint::fix::apply(&report.file.text, &fix.edits).unwrap();
    assert!(fixed.contains("- \"proxy-mode=nftables\"\n"), "{fixed}");
    // k0s: conntrack.maxPerCore 0 is k0s's own value: no fix, and the help says where it is from.
    let report = lint("k0s/k0s-docs-metallb-ipvs.yaml");
    let f = report
        .findings
        .iter()
        .find(|f| f.rule.code == "KP401")
        .expect("KP401");
    assert!(f.fix.is_none());
    assert!(
        f.help
            .as_deref()
            .unwrap_or("")
            .contains("the value comes from the distribution: k0s writes conntrack.maxPerCore: 0")
    );
    // kind: inserting into a distribution's form is not attempted.
    let report = lint("kind/kind-docs-nftables.yaml");
    assert!(report.findings.iter().all(|f| f.fix.is_none()));
}

/// Manifests nested in manifests are read a few levels deep, then noted, so a crafted file
/// cannot cost its size times its depth.
#[test]
fn nested_embedded_manifests_are_bounded() {
    fn nest(depth: usize, indent: usize, out: &mut Vec<String>) {
        let pad = " ".repeat(indent);
        if depth == 0 {
            for l in [
                "apiVersion: v1",
                "kind: Pod",
                "metadata: {name: kube-proxy}",
                "spec:",
                "  containers:",
                "  - name: kube-proxy",
                "    command: [kube-proxy, --proxy-mode=ipvs]",
            ] {
                out.push(format!("{pad}{l}"));
            }
            return;
        }
        out.push(format!("{pad}contents: |"));
        nest(depth - 1, indent + 2, out);
        out.push(format!("{pad}  # kube-proxy apiVersion: kind:"));
        out.push(format!(
            "{pad}path: /etc/kubernetes/manifests/kube-proxy.manifest"
        ));
    }
    let mut lines = Vec::new();
    nest(3, 0, &mut lines);
    let shallow = lines.join("\n") + "\n";
    let report = lint_bytes("shallow.yaml", shallow.as_bytes(), &Options::default());
    assert_eq!(report.file.configs.len(), 1, "three levels are read");
    assert_eq!(report.file.configs[0].get("mode").unwrap(), "ipvs");
    let mut lines = Vec::new();
    nest(40, 0, &mut lines);
    let deep = lines.join("\n") + "\n";
    let report = lint_bytes("deep.yaml", deep.as_bytes(), &Options::default());
    assert!(report.file.configs.is_empty());
    assert!(
        report
            .file
            .notes
            .iter()
            .any(|n| n.message.contains("levels deep; not read"))
    );
}
