//! KP819.
use super::{Judge, Verdict};
use crate::metrics::Signal;

crate::declare_rule! {
    /// ## What it does
    /// Reports an iptables-mode node where kube-proxy's workaround rule dropped packets that
    /// conntrack marked INVALID (`kubeproxy_iptables_ct_state_invalid_dropped_packets_total`
    /// above zero).
    ///
    /// ## Why it matters
    /// iptables mode drops INVALID packets so that the kernel does not reset long-lived TCP
    /// connections after a window-tracking mistake. nftables mode has no such rule: a node that
    /// needs the workaround today will see "connection reset by peer" after moving to nftables
    /// unless it sets `conntrack.tcpBeLiberal: true` or runs kernel 6.1 or later (KP602).
    ///
    /// ## Example
    /// ```text
    /// kubeproxy_iptables_ct_state_invalid_dropped_packets_total 842
    /// ```
    ///
    /// ## How to fix
    /// Before moving this node to nftables:
    /// ```yaml
    /// conntrack:
    ///   tcpBeLiberal: true
    /// ```
    ///
    /// ## References
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (migrating
    ///   from iptables to nftables)
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (`iptablesCTStateInvalidDroppedPacketsDescription`)
    pub static RULE = {
        code: "KP819",
        name: "conntrack-invalid-drops",
        category: Metrics,
        severity: Info,
        summary: "iptables mode's INVALID-drop workaround is in use (matters for nftables)",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::CtInvalidDropped)?;
    if r.value < 1.0 {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "kube-proxy dropped {:.0} packets conntrack marked INVALID {}: this node relies on iptables mode's workaround",
            r.value,
            j.period(&r.at, "kube-proxy")
        ),
        help: if j.view.tcp_be_liberal {
            "the configuration sets conntrack.tcpBeLiberal: true, which covers the move to nftables once it is rolled out".into()
        } else {
            "before moving this node to nftables mode set conntrack.tcpBeLiberal: true, or run kernel 6.1 or later (KP602)".into()
        },
        path: Some("conntrack.tcpBeLiberal".into()),
        label: "INVALID drops".into(),
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
    fn a_configuration_with_tcp_be_liberal_is_not_told_to_set_it() {
        let kb = crate::kb::kb();
        let node = Node::with_reading(Signal::CtInvalidDropped, 842.0);
        let view = View {
            tcp_be_liberal: true,
            from_config: true,
            ..View::defaults(kb)
        };
        let v = crate::rules::metrics::judge_one(judge, &node, &view).unwrap();
        assert!(!v.help.contains("set conntrack.tcpBeLiberal"), "{}", v.help);
    }
}
