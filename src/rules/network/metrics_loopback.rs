//! KP608.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `metricsBindAddress` on loopback — including the default `127.0.0.1:10249` —
    /// when the linted files set Prometheus up to scrape kube-proxy: a `ServiceMonitor` or
    /// `PodMonitor` selecting kube-proxy, kube-prometheus-stack values with `kubeProxy.enabled:
    /// true`, or a scrape job named `kube-proxy` in a Prometheus ConfigMap.
    ///
    /// ## Why it matters
    /// The most common kube-proxy question: the kube-proxy target is DOWN in Prometheus with
    /// `dial tcp <nodeIP>:10249: connect: connection refused`, because kube-proxy listens on
    /// 127.0.0.1 only (kubeadm keeps it that way on purpose, kubernetes#114543). Setting the
    /// value in the ConfigMap also needs a restart of the kube-proxy pods.
    ///
    /// ## Example
    /// ```yaml
    /// metricsBindAddress: 127.0.0.1:10249   # with a ServiceMonitor for kube-proxy in the repo
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// metricsBindAddress: 0.0.0.0:10249
    /// ```
    /// and restrict port 10249 to the monitoring network (see KP607), then restart the
    /// DaemonSet. If the CIS benchmark (4.3.1, metrics on localhost) applies, keep loopback and
    /// drop the scrape job, or scrape through a proxy sidecar.
    ///
    /// ## References
    /// - kubernetes/kubernetes#74011, #114543
    /// - prometheus-community/helm-charts#977 (kube-prometheus-stack kubeProxy target down)
    pub static RULE = {
        code: "KP608",
        name: "metrics-bound-to-loopback",
        category: Network,
        severity: Warning,
        summary: "Prometheus scrapes kube-proxy but metrics are bound to loopback",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(scraped) = &cx.profile.kube_proxy_scraped else {
        return;
    };
    if matches!(
        cx.cfg.origin,
        crate::source::Origin::Flags {
            config_flag: Some(_),
            ..
        }
    ) {
        return;
    }
    let value = cx.str("metricsBindAddress").filter(|s| !s.is_empty());
    let host = value.map(|s| crate::go::split_host_port(s).map_or(s, |(h, _)| h));
    let loopback = match host {
        None => true,
        Some(h) => crate::go::parse_ip_sloppy(h).is_some_and(|ip| ip.is_loopback()),
    };
    if !loopback {
        return;
    }
    let msg = format!(
        "metricsBindAddress is {} while Prometheus scrapes kube-proxy ({})",
        value.unwrap_or("127.0.0.1:10249 (the default)"),
        scraped.source
    );
    let f = match value {
        Some(_) => cx
            .at(&RULE, "metricsBindAddress", msg)
            .label("loopback only"),
        None => cx.at_doc(&RULE, msg).path("metricsBindAddress"),
    };
    cx.emit(f.help("set metricsBindAddress: 0.0.0.0:10249 (and restrict port 10249), then restart the kube-proxy pods"));
}
