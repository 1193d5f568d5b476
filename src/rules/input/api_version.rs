crate::declare_rule! {
    /// ## What it does
    /// Reports a `KubeProxyConfiguration` whose `apiVersion` is not
    /// `kubeproxy.config.k8s.io/v1alpha1`, and kubeadm documents with an apiVersion kubeadm has
    /// never had.
    ///
    /// ## Why it matters
    /// `v1alpha1` is the only released version of the kube-proxy configuration API: a
    /// `v1alpha2` was designed in KEP-784 but no release ships it, and `k8s.io/kube-proxy` up to
    /// v0.37.0-beta.0 contains only `config/v1alpha1`. kube-proxy refuses to start with any other
    /// version (`no kind "KubeProxyConfiguration" is registered for version …`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubeproxy.config.k8s.io/v1alpha2
    /// kind: KubeProxyConfiguration
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// apiVersion: kubeproxy.config.k8s.io/v1alpha1
    /// kind: KubeProxyConfiguration
    /// ```
    ///
    /// ## References
    /// - kubernetes/kube-proxy config/ (only v1alpha1 in every tag up to v0.37.0-beta.0)
    /// - kubernetes/enhancements keps/sig-network/784-kube-proxy-component-config
    pub static UNKNOWN_API_VERSION = {
        code: "KP005",
        name: "unknown-api-version",
        category: Input,
        severity: Error,
        summary: "apiVersion is not one kube-proxy or kubeadm knows",
    }
}
