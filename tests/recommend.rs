//! `kp-lint recommend`: the recommended configuration lints clean and kube-proxy would accept
//! it, for a grid of profiles and every output shape; starting from a file it applies the
//! recommendations with format-preserving edits.

use assert_cmd::Command;
use kp_lint::cli::RecommendFormat;
use kp_lint::diagnostic::Severity;
use kp_lint::kb::{Release, kb};
use kp_lint::lint::{Options, lint_bytes};
use kp_lint::profile::{Kernel, MetalLb, Profile, Sourced};

#[test]
fn recommended_configs_lint_clean_for_a_grid_of_profiles() {
    let mut checked = 0;
    for release in ["1.28", "1.30", "1.31", "1.33", "1.35", "1.36", "1.37"] {
        for kernel in [None, Some("4.18.0"), Some("5.15.0"), Some("6.8.0")] {
            for metallb in [None, Some(MetalLb::L2)] {
                for cores in [None, Some(8), Some(128)] {
                    for format in [
                        RecommendFormat::Kubeproxy,
                        RecommendFormat::Kubeadm,
                        RecommendFormat::Configmap,
                    ] {
                        let r = Release::parse(release).unwrap();
                        let profile = Profile {
                            kernel: kernel.map(|k| Sourced::new(Kernel::parse(k).unwrap(), "test")),
                            metallb: metallb.map(|m| Sourced::new(m, "test")),
                            cores_per_node: cores.map(|c| Sourced::new(c, "test")),
                            nodes: Some(Sourced::new(2000, "test")),
                            services: Some(Sourced::new(8000, "test")),
                            ..Profile::default()
                        };
                        let text = kp_lint::recommend::new_config(
                            &profile,
                            r,
                            kb(),
                            Some("10.244.0.0/16,fd00:10:244::/56"),
                            format,
                        );
                        let opts = Options {
                            release: Some(r),
                            profile,
                            ..Options::default()
                        };
                        let report = lint_bytes("recommended.yaml", text.as_bytes(), &opts);
                        assert_eq!(report.configs.len(), 1, "{text}");
                        let loud: Vec<String> = report
                            .findings
                            .iter()
                            // KP206 is about the release itself, not the configuration.
                            .filter(|f| f.severity >= Severity::Warning && f.rule.code != "KP206")
                            .map(|f| format!("{} {}", f.rule.code, f.message))
                            .collect();
                        assert!(
                            loud.is_empty(),
                            "{release} {kernel:?} {metallb:?} {cores:?} {format:?}:\n{loud:#?}\n{text}"
                        );
                        checked += 1;
                    }
                }
            }
        }
    }
    assert_eq!(checked, 7 * 4 * 2 * 3 * 3);
}

#[test]
fn recommend_from_a_file_applies_every_recommendation() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("kubeadm-config.yaml");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/examples/kubeadm-config.yaml"),
        &f,
    )
    .unwrap();
    let flags = [
        "--metallb",
        "l2",
        "--nodes",
        "500",
        "--services",
        "2000",
        "--kubernetes-version",
        "1.35",
    ];
    let out = Command::cargo_bin("kp-lint")
        .unwrap()
        .arg("recommend")
        .arg(&f)
        .arg("--diff")
        .args(flags)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let diff = String::from_utf8(out).unwrap();
    assert!(diff.contains("+mode: \"nftables\""), "{diff}");
    assert!(diff.contains("+nodePortAddresses: [\"primary\"]"), "{diff}");
    Command::cargo_bin("kp-lint")
        .unwrap()
        .arg("recommend")
        .arg(&f)
        .arg("--write")
        .args(flags)
        .assert()
        .code(0);
    let after = std::fs::read_to_string(&f).unwrap();
    assert!(after.contains("mode: \"nftables\""));
    // Comments and untouched values are kept.
    assert!(
        after.contains("   scheduler: \"\"              # empty uses the default scheduler, rr")
    );
    // Applying again changes nothing.
    Command::cargo_bin("kp-lint")
        .unwrap()
        .arg("recommend")
        .arg(&f)
        .arg("--diff")
        .args(flags)
        .assert()
        .code(0)
        .stdout("");
}

#[test]
fn recommend_without_a_file_prints_a_configuration() {
    Command::cargo_bin("kp-lint")
        .unwrap()
        .args([
            "recommend",
            "--kernel-version",
            "4.18.0",
            "--output-format",
            "configmap",
        ])
        .assert()
        .code(0)
        .stdout(predicates::str::contains(
            "  config.conf: |-\n    # kp-lint recommend",
        ))
        .stdout(predicates::str::contains("mode: iptables  # KP601"));
}
