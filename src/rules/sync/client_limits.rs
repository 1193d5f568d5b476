//! KP306.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports client settings worth a second look: `clientConnection.burst` below `qps` (the
    /// token bucket can never hold a second's worth of requests), a `contentType` other than
    /// protobuf, and, on clusters of 1,000 nodes or more, the default limits (qps 5, burst 10)
    /// as information.
    ///
    /// ## Why it matters
    /// kube-proxy's API traffic is mostly watches, so the defaults are usually enough; but
    /// events and relists after restarts go through the same client-side limiter, and JSON is several times more expensive than protobuf for large
    /// EndpointSlice lists. kube-proxy does not validate these values (only burst ≥ 0).
    /// Evidence of throttling comes from `rest_client_rate_limiter_duration_seconds`.
    ///
    /// ## Example
    /// ```yaml
    /// clientConnection:
    ///   qps: 50
    ///   burst: 20
    /// ```
    ///
    /// ## How to fix
    /// Make `burst` at least `qps` (commonly 2 × qps); keep
    /// `contentType: application/vnd.kubernetes.protobuf`.
    ///
    /// ## References
    /// - pkg/proxy/apis/config/v1alpha1/defaults.go (qps 5, burst 10, protobuf)
    /// - k8s.io/client-go util/flowcontrol (token bucket: burst is the bucket size)
    /// - k8s.io/component-base metrics/prometheus/restclient (rate limiter metric)
    pub static RULE = {
        code: "KP306",
        name: "client-limits",
        category: Sync,
        severity: Info,
        summary: "clientConnection qps/burst/contentType worth a second look",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let t = &cx.kb.tuning.client;
    let qps = cx.value("clientConnection.qps").and_then(|v| v.as_f64());
    let burst = cx.int("clientConnection.burst");
    let eff_qps = qps.filter(|q| *q != 0.0).unwrap_or(t.default_qps);
    let eff_burst = burst.filter(|b| *b != 0).unwrap_or(t.default_burst);
    if (qps.is_some() || burst.is_some()) && (eff_burst as f64) < eff_qps && eff_burst >= 0 {
        let path = if burst.is_some() {
            "clientConnection.burst"
        } else {
            "clientConnection.qps"
        };
        let f = cx
            .at(
                &RULE,
                path,
                format!("clientConnection.burst ({eff_burst}) is below qps ({eff_qps})"),
            )
            .label("burst is the token bucket's size")
            .help(format!(
                "set burst to at least qps, e.g. {}",
                (eff_qps * 2.0).ceil() as i64
            ))
            .severity(crate::diagnostic::Severity::Warning);
        cx.emit(f);
    }
    if let Some(ct) = cx
        .str("clientConnection.contentType")
        .filter(|s| !s.is_empty())
    {
        if ct != "application/vnd.kubernetes.protobuf" {
            let f = cx
                .at(&RULE, "clientConnection.contentType", format!("kube-proxy talks {ct} to the API server"))
                .label("not protobuf")
                .help("use application/vnd.kubernetes.protobuf (the default): cheaper for large EndpointSlice lists");
            cx.emit(f);
        }
    }
    if let Some(nodes) = &cx.profile.nodes {
        if nodes.value >= t.large_nodes && qps.is_none() && burst.is_none() {
            let f = cx
                .at_doc(&RULE, format!("{} nodes with the default client limits (qps {}, burst {})", nodes.value, t.default_qps, t.default_burst))
                .help("usually enough (kube-proxy mostly watches); raise clientConnection.qps/burst if rest_client_rate_limiter_duration_seconds shows throttling");
            cx.emit(f);
        }
    }
}
