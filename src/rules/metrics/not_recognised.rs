//! KP802.

crate::declare_rule! {
    /// ## What it does
    /// Reports a metrics source that was read but carries none of the metrics kp-lint knows:
    /// no `kubeproxy_*` family (kube-proxy's `/metrics`) and no `node_*` family
    /// (node_exporter's), or a Prometheus server without kube-proxy's metrics.
    ///
    /// ## Why it matters
    /// A page of another component (the kubelet's, the API server's) parses fine but says
    /// nothing about kube-proxy; without this finding the run would look clean for the wrong
    /// reason.
    ///
    /// ## Example
    /// ```text
    /// kp-lint --metrics http://node:10250/metrics    # the kubelet, not kube-proxy
    /// ```
    ///
    /// ## How to fix
    /// Give kube-proxy's metrics (`http://NODE:10249/metrics`) or node_exporter's
    /// (`http://NODE:9100/metrics`); for Prometheus, scrape kube-proxy (its metrics address must
    /// not be loopback-only, see KP608).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/metrics/metrics.go (subsystem `kubeproxy`)
    /// - prometheus/node_exporter collector/conntrack_linux.go, collector/ipvs_linux.go
    pub static RULE = {
        code: "KP802",
        name: "metrics-not-recognised",
        category: Metrics,
        severity: Warning,
        summary: "a metrics source has no kube-proxy or node_exporter metrics",
    }
}
