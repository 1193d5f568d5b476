//! KP818.
use super::{Judge, Verdict};
use crate::metrics::Signal;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node where kube-proxy failed to apply its rules:
    /// `kubeproxy_sync_proxy_rules_iptables_restore_failures_total` (iptables and IPVS modes) or
    /// `kubeproxy_sync_proxy_rules_nftables_sync_failures_total` (nftables mode) above zero.
    ///
    /// ## Why it matters
    /// A failed sync leaves the previous rules in place and is retried; repeated failures mean
    /// the node's Services are out of date. Typical causes: an iptables binary that does not
    /// match the kernel's backend (legacy vs nft), missing kernel modules, rules changed by
    /// another tool, or a kernel too old for the nftables features kube-proxy needs.
    ///
    /// ## Example
    /// ```text
    /// kubeproxy_sync_proxy_rules_iptables_restore_failures_total 12
    /// ```
    ///
    /// ## How to fix
    /// Read kube-proxy's log on that node around the failures; it prints the failing
    /// iptables-restore or nft input.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (`IPTablesRestoreFailuresTotal`,
    ///   `NFTablesSyncFailuresTotal`)
    pub static RULE = {
        code: "KP818",
        name: "rule-sync-failures",
        category: Metrics,
        severity: Warning,
        summary: "kube-proxy failed to apply its rules (iptables-restore or nft)",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::SyncFailures)?;
    if r.value < 1.0 {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "kube-proxy failed to apply its rules {:.0} times {}",
            r.value,
            j.period(&r.at, "kube-proxy")
        ),
        help: "read kube-proxy's log on that node: it prints the failing iptables-restore or nft input".into(),
        path: None,
        label: "failures".into(),
        at: r.at.clone(),
        score: r.value,
        set: Vec::new(),
    })
}
