//! KP817.
use super::{Judge, Verdict};
use crate::metrics::Signal;

crate::declare_rule! {
    /// ## What it does
    /// Reports an iptables-mode node where kube-proxy owns 50,000 rules or more
    /// (`kubeproxy_sync_proxy_rules_iptables_total`, summed over tables and IP families).
    ///
    /// ## Why it matters
    /// iptables is updated by rewriting whole tables: each sync costs time in proportion to the
    /// rule count, and so does every packet's walk through the chains. KEP-3866 introduced the
    /// nftables mode for exactly this; 50,000 rules is about 5,000 Services with three endpoints
    /// each (the same scale KP305 uses, rules/tuning/thresholds.toml).
    ///
    /// ## Example
    /// ```text
    /// kubeproxy_sync_proxy_rules_iptables_total{table="nat"} 61234
    /// ```
    ///
    /// ## How to fix
    /// Plan a move to `mode: nftables` (GA in 1.33; kernel 5.13 or later, see KP601/KP602).
    ///
    /// ## References
    /// - kubernetes/enhancements keps/sig-network/3866-nftables-proxy/README.md
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (`IPTablesRulesTotal`)
    pub static RULE = {
        code: "KP817",
        name: "iptables-rules-many",
        category: Metrics,
        severity: Info,
        summary: "kube-proxy owns tens of thousands of iptables rules",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::IptablesRules)?;
    if r.value < j.t.iptables_rules_many {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "kube-proxy owns {:.0} iptables rules (threshold {:.0}): every sync rewrites them",
            r.value, j.t.iptables_rules_many
        ),
        // When the configuration already says nftables, the move is made on paper only.
        help: if j.view.from_config && j.view.mode == "nftables" {
            "the configuration already says mode: nftables, but this kube-proxy runs iptables: roll the configuration out (kubectl -n kube-system rollout restart ds/kube-proxy)".into()
        } else {
            "plan a move to mode: nftables (GA in 1.33, kernel 5.13+), whose syncs are incremental"
                .into()
        },
        path: Some("mode".into()),
        label: "rule count".into(),
        at: r.at.clone(),
        score: r.value,
        set: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Node;
    use crate::rules::metrics::View;

    #[test]
    fn a_configuration_already_on_nftables_is_not_told_to_move_there() {
        let kb = crate::kb::kb();
        let node = Node::with_reading(Signal::IptablesRules, 1e6);
        let judge_with =
            |view: &View| crate::rules::metrics::judge_one(judge, &node, view).unwrap();
        let defaults = View::defaults(kb);
        assert!(judge_with(&defaults).help.contains("plan a move"));
        let nft = View {
            mode: "nftables".into(),
            mode_written: true,
            section: "nftables",
            from_config: true,
            ..defaults
        };
        let v = judge_with(&nft);
        assert!(!v.help.contains("plan a move"), "{}", v.help);
        assert!(v.help.contains("roll the configuration out"), "{}", v.help);
    }
}
