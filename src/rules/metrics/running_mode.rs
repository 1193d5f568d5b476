//! KP820.
use super::{Judge, Verdict};

crate::declare_rule! {
    /// ## What it does
    /// Reports a configuration whose `mode` is `ipvs` or `nftables` while a node's kube-proxy
    /// reports iptables rule counts (`kubeproxy_sync_proxy_rules_iptables_total`), which only
    /// the iptables proxier sets.
    ///
    /// ## Why it matters
    /// The configuration in the repository is not what runs: it was not rolled out (the
    /// DaemonSet was not restarted after the ConfigMap changed), another configuration wins
    /// (flags, another ConfigMap), or kube-proxy fell back to iptables. Advice judged against
    /// the file is then about a kube-proxy that does not exist.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs        # but kubeproxy_sync_proxy_rules_iptables_total{table="nat"} 1234 on node-a
    /// ```
    ///
    /// ## How to fix
    /// Roll the configuration out (`kubectl -n kube-system rollout restart ds/kube-proxy`) and
    /// read kube-proxy's start-up log line "Using … Proxier".
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/iptables/proxier.go (the only caller of
    ///   `IPTablesRulesTotal`)
    pub static RULE = {
        code: "KP820",
        name: "running-mode-differs",
        category: Metrics,
        severity: Warning,
        summary: "the metrics show a different proxy mode than the configuration",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    if !j.view.from_config || !j.view.mode_written {
        return None;
    }
    let m = j.node.mode.as_ref()?;
    if m.value == j.view.mode || !matches!(j.view.mode.as_str(), "ipvs" | "nftables") {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "the configuration says mode {} but kube-proxy runs in {} mode",
            j.view.mode, m.value
        ),
        help: "roll the configuration out (kubectl -n kube-system rollout restart ds/kube-proxy) and check kube-proxy's start-up log".into(),
        path: Some("mode".into()),
        label: format!("{} runs", m.value),
        at: m.at.clone(),
        score: 1.0,
        set: Vec::new(),
    })
}
