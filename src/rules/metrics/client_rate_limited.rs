//! KP813.
use super::{Judge, Verdict};
use crate::metrics::Signal;
use crate::util::secs_f;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node whose kube-proxy waits 250 ms or more (99th percentile of
    /// `rest_client_rate_limiter_duration_seconds`) in its own client-side rate limiter before
    /// a request to the API server may leave.
    ///
    /// ## Why it matters
    /// kube-proxy's client allows `clientConnection.qps` requests per second with bursts of
    /// `clientConnection.burst` (defaults 5 and 10). When the limiter makes requests wait, list
    /// and watch restarts and event writes queue up, and changes reach the node late (KP811).
    /// This is the evidence the static advice on qps/burst (KP306) lacks.
    ///
    /// ## Example
    /// ```text
    /// rest_client_rate_limiter_duration_seconds p99 = 1.2 s with qps 5, burst 10
    /// ```
    ///
    /// ## How to fix
    /// Raise `clientConnection.qps` and `clientConnection.burst` (kp-lint suggests doubling
    /// them), watching the API server's load. If the API server answers 429 (KP814), raising
    /// them does not help.
    ///
    /// ## References
    /// - kubernetes/component-base metrics/prometheus/restclient/metrics.go
    ///   (`rest_client_rate_limiter_duration_seconds`)
    /// - kubernetes/kubernetes pkg/proxy/apis/config/v1alpha1/defaults.go (qps 5, burst 10)
    pub static RULE = {
        code: "KP813",
        name: "client-rate-limited",
        category: Metrics,
        severity: Warning,
        summary: "kube-proxy's requests wait in its client-side rate limiter",
        fix: Unsafe,
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::RateLimiterP99)?;
    if r.value < j.t.rate_limiter_p99_seconds {
        return None;
    }
    let (qps, burst) = (j.view.qps, j.view.burst);
    // The fix doubles kube-proxy's defaults once; beyond that it is a judgement for the API
    // server's owners, so the advice stays without a fix.
    let t = &j.kb.tuning.client;
    let (to_qps, to_burst) = (t.default_qps * 2.0, t.default_burst * 2);
    let mut set = Vec::new();
    if qps < to_qps {
        set.push(("clientConnection.qps".to_string(), format!("{to_qps}")));
    }
    if burst < to_burst {
        set.push(("clientConnection.burst".to_string(), to_burst.to_string()));
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "API requests wait {} (p99) in kube-proxy's client-side rate limiter{} (qps {qps}, burst {burst})",
            secs_f(r.value),
            r.series
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default(),
        ),
        help: if set.is_empty() {
            format!(
                "raise clientConnection.qps to {} and clientConnection.burst to {}, watching the API server's load",
                qps * 2.0,
                burst * 2
            )
        } else {
            format!(
                "raise clientConnection.qps to {to_qps} and clientConnection.burst to {to_burst} (twice kube-proxy's defaults), watching the API server's load"
            )
        },
        path: Some("clientConnection.qps".into()),
        label: format!(
            "requests wait {} (p99) for the rate limiter",
            secs_f(r.value)
        ),
        at: r.at.clone(),
        score: r.value,
        set,
    })
}
