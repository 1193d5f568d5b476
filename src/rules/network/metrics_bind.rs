//! KP607.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `metricsBindAddress` on all interfaces (`0.0.0.0:10249` or `[::]:10249`).
    ///
    /// ## Why it matters
    /// Besides `/metrics`, this server answers `/configz` (the whole configuration),
    /// `/proxyMode` and, with `enableProfiling`, `/debug/pprof` — without authentication. The
    /// default `127.0.0.1:10249` keeps them on the node; the CIS Kubernetes Benchmark asks for
    /// metrics bound to localhost. Many Prometheus setups bind to 0.0.0.0 to scrape kube-proxy:
    /// restrict access with a NetworkPolicy or firewall then, or scrape through a proxy.
    ///
    /// ## Example
    /// ```yaml
    /// metricsBindAddress: 0.0.0.0:10249
    /// ```
    ///
    /// ## How to fix
    /// Bind to the node's IP and restrict port 10249, or keep `127.0.0.1:10249` and scrape
    /// through a sidecar (kube-rbac-proxy). Suppress with a reason if exposure is intended.
    ///
    /// ## References
    /// - kubernetes/kube-proxy config/v1alpha1/types.go (`metricsBindAddress`)
    /// - cmd/kube-proxy/app/server.go (handlers served on the metrics address)
    pub static RULE = {
        code: "KP607",
        name: "metrics-bound-to-all-interfaces",
        category: Network,
        severity: Info,
        summary: "metrics and /configz served on every interface without authentication",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(s) = cx.str("metricsBindAddress") else {
        return;
    };
    let host = crate::go::split_host_port(s).map_or(s, |(h, _)| h);
    let all = crate::go::parse_ip_sloppy(host).is_some_and(|ip| ip.is_unspecified());
    if !all {
        return;
    }
    let profiling = cx.value("enableProfiling").and_then(|v| v.as_bool()) == Some(true);
    let f = cx
        .at(&RULE, "metricsBindAddress", format!("metricsBindAddress {s} serves /metrics and /configz{} on every interface", if profiling { " and /debug/pprof" } else { "" }))
        .label("all interfaces")
        .help("restrict port 10249 to the monitoring network, or bind to 127.0.0.1 and scrape through a proxy");
    cx.emit(f);
}
