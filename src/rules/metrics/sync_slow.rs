//! KP810.
use super::{Judge, Verdict};
use crate::metrics::Signal;
use crate::util::secs_f;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node whose kube-proxy takes longer to sync its rules, at the 99th percentile of
    /// `kubeproxy_sync_proxy_rules_duration_seconds`, than the active mode's `minSyncPeriod`
    /// (and at least 1 s).
    ///
    /// ## Why it matters
    /// `minSyncPeriod` is the least time between two syncs, so that a burst of Service and
    /// EndpointSlice changes is applied in one sync. When a sync takes longer than that, kube-proxy
    /// spends its time re-writing rules back to back. The Kubernetes documentation: if the
    /// metric "indicates an average time much larger than 1 second, then bumping up
    /// `minSyncPeriod` may make updates more efficient". In iptables mode a slow sync is also the
    /// sign that the rule set has outgrown iptables (see KP305, KP817).
    ///
    /// ## Example
    /// ```text
    /// kubeproxy_sync_proxy_rules_duration_seconds p99 = 3.8 s, iptables.minSyncPeriod: 1s
    /// ```
    ///
    /// ## How to fix
    /// Raise the active mode's `minSyncPeriod` to about twice the p99 (kp-lint suggests a value),
    /// or move to nftables mode, whose syncs are incremental.
    ///
    /// ## References
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (minSyncPeriod)
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (`SyncProxyRulesLatency`,
    ///   buckets 1 ms … 16 s)
    pub static RULE = {
        code: "KP810",
        name: "sync-slower-than-min-sync-period",
        category: Metrics,
        severity: Warning,
        summary: "rule syncs take longer (p99) than minSyncPeriod",
        fix: Unsafe,
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::SyncP99)?;
    let min_sync = j.view.min_sync.unwrap_or(0.0);
    let bound = min_sync.max(j.t.sync_p99_floor_seconds);
    if r.value <= bound {
        return None;
    }
    // Twice the p99, but never above syncPeriod (kube-proxy rejects minSyncPeriod > syncPeriod).
    let twice = (r.value * 2.0).ceil().max(1.0);
    let cap = j.view.sync.unwrap_or(30.0).floor().max(1.0);
    let suggest = twice.min(cap) as u64;
    let section = j.view.section;
    let mut help = if twice > cap {
        format!(
            "raise {section}.minSyncPeriod to {suggest}s (twice the p99 would exceed syncPeriod, which kube-proxy does not accept), so that changes are batched into fewer syncs"
        )
    } else {
        format!(
            "raise {section}.minSyncPeriod to about {suggest}s (twice the p99), so that changes are batched into fewer syncs"
        )
    };
    if j.view.mode == "iptables" {
        help.push_str("; at this size nftables mode (incremental syncs) is the lasting fix");
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "rule syncs take {} at the 99th percentile{}, longer than minSyncPeriod ({})",
            secs_f(r.value),
            r.series
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default(),
            secs_f(min_sync),
        ),
        help,
        path: Some(format!("{section}.minSyncPeriod")),
        label: format!("syncs take {} (p99)", secs_f(r.value)),
        at: r.at.clone(),
        score: r.value,
        set: if (suggest as f64) > min_sync {
            vec![(format!("{section}.minSyncPeriod"), format!("{suggest}s"))]
        } else {
            Vec::new()
        },
    })
}
