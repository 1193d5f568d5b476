//! KP820.
use super::{Judge, Verdict};

crate::declare_rule! {
    /// ## What it does
    /// Reports a configuration whose `mode` is `ipvs` or `nftables` while a node's kube-proxy
    /// reports iptables rule counts (`kubeproxy_sync_proxy_rules_iptables_total`), which only
    /// the iptables proxier sets; and a configuration in iptables or nftables mode (written or
    /// defaulted) on a node whose node_exporter shows IPVS virtual servers
    /// (`node_ipvs_backend_weight`): in IPVS mode kube-proxy creates one for every ClusterIP,
    /// so they mean it runs in IPVS mode, or that an earlier IPVS mode left them behind.
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
    /// - kubernetes/kubernetes pkg/proxy/ipvs/proxier.go (a virtual server per ClusterIP, on
    ///   the `kube-ipvs0` dummy interface)
    /// - prometheus/node_exporter collector/ipvs_linux.go (`node_ipvs_backend_*`)
    pub static RULE = {
        code: "KP820",
        name: "running-mode-differs",
        category: Metrics,
        severity: Warning,
        summary: "the metrics show a different proxy mode than the configuration",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    if !j.view.from_config {
        return None;
    }
    if let Some(vs) = j.node.get(crate::metrics::Signal::IpvsVirtualServers) {
        if vs.value > 0.0 && matches!(j.view.mode.as_str(), "iptables" | "nftables") {
            let written = if j.view.mode_written {
                "says"
            } else {
                "defaults to"
            };
            return Some(Verdict {
                rule: &RULE,
                message: format!(
                    "the configuration {written} mode {} but the node has {:.0} IPVS virtual servers",
                    j.view.mode, vs.value
                ),
                help: "kube-proxy runs in ipvs mode there (roll the configuration out), or an earlier ipvs mode left its virtual servers and kube-ipvs0 behind (`kube-proxy --cleanup` on the node removes them)".into(),
                path: Some("mode".into()),
                label: format!("{:.0} IPVS virtual servers", vs.value),
                at: vs.at.clone(),
                score: 1.0,
                set: Vec::new(),
            });
        }
    }
    if !j.view.mode_written {
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
