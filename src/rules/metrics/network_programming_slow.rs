//! KP811.
use super::{Judge, Verdict};
use crate::metrics::Signal;
use crate::util::secs_f;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node where the 99th percentile of `kubeproxy_network_programming_duration_seconds`
    /// is above 30 s: the time from a Service or EndpointSlice change (its trigger-time
    /// annotation) to the rules being programmed on the node.
    ///
    /// ## Why it matters
    /// This is SIG Scalability's network programming latency SLI: how long until a new backend
    /// receives traffic, or a removed one stops receiving it. Upstream leaves the SLO's bound open;
    /// 30 s is kp-lint's threshold (rules/tuning/thresholds.toml), the one common kube-proxy
    /// alerting rules use. Long delays come from slow syncs (KP810), a large `minSyncPeriod`,
    /// client-side throttling (KP813), or an overloaded API server or EndpointSlice controller.
    ///
    /// ## Example
    /// ```text
    /// kubeproxy_network_programming_duration_seconds p99 = 75 s
    /// ```
    ///
    /// ## How to fix
    /// Look at KP810 and KP813 first; then at the API server's and kube-controller-manager's
    /// load. Lowering `minSyncPeriod` helps only when syncs are fast.
    ///
    /// ## References
    /// - kubernetes/community sig-scalability/slos/network_programming_latency.md
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (`NetworkProgrammingLatency`)
    pub static RULE = {
        code: "KP811",
        name: "network-programming-slow",
        category: Metrics,
        severity: Warning,
        summary: "changes take long (p99 > 30 s) to reach a node's rules",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::NetworkProgrammingP99)?;
    if r.value <= j.t.network_programming_p99_seconds {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "Service and endpoint changes take {} to be programmed at the 99th percentile (threshold {})",
            secs_f(r.value),
            secs_f(j.t.network_programming_p99_seconds)
        ),
        help: "look at sync times (KP810) and client throttling (KP813), then at the API server's and the EndpointSlice controller's load".into(),
        path: None,
        label: format!("p99 {}", secs_f(r.value)),
        at: r.at.clone(),
        score: r.value,
        set: Vec::new(),
    })
}
