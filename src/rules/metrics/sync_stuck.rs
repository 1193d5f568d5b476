//! KP812.
use super::{Judge, Verdict};
use crate::metrics::Signal;
use crate::util::secs_f;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node where a change has been queued
    /// (`kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds`) and not synced since
    /// (`kubeproxy_sync_proxy_rules_last_timestamp_seconds` is older) for longer than twice
    /// the active mode's `syncPeriod`.
    ///
    /// ## Why it matters
    /// That is kube-proxy's own test for being stuck: its `/healthz` fails when it has not
    /// progressed within 2 × syncPeriod. New Services and endpoints are not reaching this node.
    /// "Now" is the time the page was fetched, a sample's timestamp, or a saved file's
    /// modification time; with Prometheus it is the query time. A saved file's time is trusted
    /// only within a day of the page's own sync timestamps (a copied or checked-out file has a
    /// later time, which would make every queued change look stuck); beyond that the rule
    /// stays silent for that page.
    ///
    /// ## Example
    /// ```text
    /// last_queued 1700000900, last synced 1700000000, page taken 1700001000: waiting 100 s > 60 s
    /// ```
    ///
    /// ## How to fix
    /// Read the kube-proxy log on that node (iptables-restore or nft errors, API server
    /// connectivity), and restart the pod once the cause is known. KP818 reports failed syncs.
    ///
    /// ## References
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (healthz)
    /// - kubernetes/kubernetes cmd/kube-proxy/app/server.go
    ///   (`healthcheck.NewProxyHealthServer(config.HealthzBindAddress, 2*config.SyncPeriod.Duration, …)`)
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (`SyncProxyRulesLastQueuedTimestamp`:
    ///   "If this is much larger than … last_timestamp_seconds, then something is hung")
    pub static RULE = {
        code: "KP812",
        name: "rule-sync-stuck",
        category: Metrics,
        severity: Error,
        summary: "a queued change has waited longer than 2 × syncPeriod for a sync",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::SyncPending)?;
    let sync = j.view.sync.unwrap_or(30.0);
    let bound = sync * j.t.stuck_sync_periods;
    if r.value <= bound {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "a change has waited {} for a rule sync{}, longer than {} × syncPeriod ({}): kube-proxy's /healthz fails",
            secs_f(r.value),
            r.series.as_ref().map(|s| format!(" ({s})")).unwrap_or_default(),
            j.t.stuck_sync_periods,
            secs_f(bound),
        ),
        help: "read kube-proxy's log on that node (iptables-restore/nft errors, API server connectivity); see KP818 for failed syncs".into(),
        path: None,
        label: format!("waiting {}", secs_f(r.value)),
        at: r.at.clone(),
        score: r.value,
        set: Vec::new(),
    })
}
