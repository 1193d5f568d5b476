//! KP814.
use super::{Judge, Verdict};
use crate::metrics::Signal;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node whose kube-proxy received HTTP 429 (Too Many Requests) from the API server
    /// (`rest_client_requests_total{code="429"}`).
    ///
    /// ## Why it matters
    /// A 429 comes from the API server's priority and fairness (or max-inflight) limits, not
    /// from kube-proxy's own client limits: raising `clientConnection.qps` makes it worse. The
    /// requests are retried, and changes reach the node late.
    ///
    /// ## Example
    /// ```text
    /// rest_client_requests_total{code="429",host="10.0.0.1:6443",method="GET"} 37
    /// ```
    ///
    /// ## How to fix
    /// Look at the API server's `apiserver_flowcontrol_rejected_requests_total` and the priority
    /// level kube-proxy's requests fall into (`system:node-proxier` normally maps to
    /// `system`); find what else floods the API server.
    ///
    /// ## References
    /// - kubernetes/component-base metrics/prometheus/restclient/metrics.go (`rest_client_requests_total`)
    /// - kubernetes/website content/en/docs/concepts/cluster-administration/flow-control.md
    pub static RULE = {
        code: "KP814",
        name: "apiserver-throttling",
        category: Metrics,
        severity: Info,
        summary: "the API server answered kube-proxy with 429 Too Many Requests",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::Throttled429)?;
    if r.value < 1.0 {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "the API server answered kube-proxy's requests with 429 Too Many Requests {} times {}",
            r.value.round(),
            j.period(&r.at, "kube-proxy")
        ),
        help: "this is the API server's flow control, not kube-proxy's qps/burst: raising those does not help; look at apiserver_flowcontrol_rejected_requests_total".into(),
        path: None,
        label: "429 answers".into(),
        at: r.at.clone(),
        score: r.value,
        set: Vec::new(),
    })
}
