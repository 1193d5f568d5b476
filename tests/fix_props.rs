//! Property test for `--fix`: for generated configurations with comments, fixing keeps every
//! comment line, leaves the lines it did not edit byte for byte, yields YAML that parses, and a
//! second run changes nothing.

use kp_lint::fix::run::fix_text;
use kp_lint::lint::{Options, lint_bytes};
use kp_lint::profile::{MetalLb, Profile, Sourced};
use kp_lint::source::text::Encoding;
use proptest::prelude::*;

/// (line, is it a comment line) pieces a configuration is made of; values include things
/// kp-lint fixes (IPVS, yes, removed and unknown fields, graduated gates).
fn piece() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        Just(vec!["mode: ipvs".to_string()]),
        Just(vec!["mode: IPVS # upper case".to_string()]),
        Just(vec!["mode: nftables".to_string()]),
        Just(vec![
            "ipvs:".to_string(),
            "  strictARP: no  # yaml 1.1".to_string(),
            "  scheduler: rr".to_string()
        ]),
        Just(vec![
            "ipvs:".to_string(),
            "  # tuned".to_string(),
            "  minSyncPeriod: 0s".to_string()
        ]),
        Just(vec!["udpIdleTimeout: 250ms".to_string()]),
        Just(vec!["bananas: 3 # unknown".to_string()]),
        Just(vec![
            "featureGates:".to_string(),
            "  NFTablesProxyMode: true".to_string()
        ]),
        Just(vec![
            "conntrack:".to_string(),
            "  maxPerCore: 0".to_string(),
            "  max: 0".to_string()
        ]),
        Just(vec!["clusterCIDR: 10.244.0.0/16".to_string()]),
        Just(vec!["nodePortAddresses: [\"primary\"]".to_string()]),
        Just(vec![
            "iptables:".to_string(),
            "  localhostNodePorts: true".to_string()
        ]),
        Just(vec!["# a comment line".to_string()]),
        Just(vec!["".to_string()]),
    ]
}

fn config() -> impl Strategy<Value = (String, bool)> {
    (
        proptest::collection::vec(piece(), 0..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(pieces, crlf, final_nl)| {
            // A top-level key may appear once: keep the first piece that starts with it.
            let mut seen = std::collections::HashSet::new();
            let mut lines = vec![
                "# generated".to_string(),
                "apiVersion: kubeproxy.config.k8s.io/v1alpha1".to_string(),
                "kind: KubeProxyConfiguration".to_string(),
            ];
            for p in pieces {
                let key = p[0].split(':').next().unwrap_or("").to_string();
                if !p[0].starts_with('#') && !p[0].is_empty() && !seen.insert(key) {
                    continue;
                }
                lines.extend(p);
            }
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text = lines.join(nl);
            if final_nl {
                text.push_str(nl);
            }
            (text, crlf)
        })
}

fn opts() -> Options {
    Options {
        profile: Profile {
            metallb: Some(Sourced::new(MetalLb::L2, "test")),
            services: Some(Sourced::new(5000, "test")),
            ..Profile::default()
        },
        ..Options::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fix_keeps_comments_and_untouched_lines((text, crlf) in config(), with_unsafe in any::<bool>()) {
        let o = opts();
        let out = fix_text("p.yaml", &text, Encoding::Utf8, &o, with_unsafe);
        prop_assert!(out.refused.is_none(), "{:?}", out.refused);
        // Every comment line is still there.
        for l in text.lines().filter(|l| l.trim_start().starts_with('#')) {
            prop_assert!(out.fixed.contains(l), "lost comment line {l:?}\n{}", out.fixed);
        }
        // Lines not touched by an edit are identical and in order.
        let diff = similar::TextDiff::from_lines(&text, &out.fixed);
        let changed: usize = diff.ops().iter().filter(|op| op.tag() != similar::DiffTag::Equal).map(|op| op.old_range().len()).sum();
        prop_assert!(changed <= text.lines().count());
        // Line endings stay as they were.
        if crlf {
            prop_assert!(!out.fixed.replace("\r\n", "").contains('\n'), "LF in a CRLF file:\n{:?}", out.fixed);
        } else {
            prop_assert!(!out.fixed.contains('\r'));
        }
        // It parses and has no YAML errors.
        let report = lint_bytes("p.yaml", out.fixed.as_bytes(), &o);
        prop_assert!(report.findings.iter().all(|f| f.rule.code != "KP001"), "{}", out.fixed);
        prop_assert_eq!(report.configs.len(), 1);
        // A second run is a no-op.
        let again = fix_text("p.yaml", &out.fixed, Encoding::Utf8, &o, with_unsafe);
        prop_assert_eq!(&again.fixed, &out.fixed);
    }
}
