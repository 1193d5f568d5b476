crate::declare_rule! {
    /// ## What it does
    /// Reports a field that `KubeProxyConfiguration` v1alpha1 does not have, usually a typo
    /// (`strictArp`, `minSyncPeriods`) or a field put in the wrong section (`ipvs.masqueradeAll`),
    /// and suggests the closest real field.
    ///
    /// ## Why it matters
    /// kube-proxy does **not** refuse unknown fields: strict decoding fails, kube-proxy logs
    /// "Using lenient decoding as strict decoding failed" and goes on, ignoring the field. The
    /// setting you meant never takes effect and nothing else tells you.
    ///
    /// In a distribution's own section that the distribution decodes strictly — k0s
    /// `spec.network.kubeProxy`, Talos `cluster.proxy` — an unknown key is not ignored: the
    /// distribution refuses the whole configuration, and the finding is an error (see
    /// docs/sources.md).
    ///
    /// ## Example
    /// ```yaml
    /// ipvs:
    ///   strictArp: true
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// ipvs:
    ///   strictARP: true
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/options.go (`loadConfig`: lenient fallback)
    /// - kubernetes/kube-proxy config/v1alpha1/types.go (the fields)
    /// - k0sproject/k0s pkg/apis/k0s/v1beta1/clusterconfig_types.go (`yaml.UnmarshalStrict`,
    ///   `DisallowUnknownFields`); Talos: "unknown keys found during decoding"
    pub static UNKNOWN_FIELD = {
        code: "KP201",
        name: "unknown-field",
        category: Fields,
        severity: Warning,
        summary: "a field kube-proxy does not know and silently ignores",
        fix: Sometimes,
    }
}
