crate::declare_rule! {
    /// ## What it does
    /// In a kubeadm configuration file, reports a `KubeProxyConfiguration.clusterCIDR` that
    /// differs from `ClusterConfiguration.networking.podSubnet`.
    ///
    /// ## Why it matters
    /// kubeadm copies `podSubnet` into an empty `clusterCIDR`; when both are set and differ it
    /// keeps the user's value and only warns. kube-proxy then uses the wrong range to tell pod
    /// traffic from external traffic (`detectLocalMode: ClusterCIDR`), which breaks
    /// masquerading decisions: traffic from pods outside the range is masqueraded, or external
    /// traffic is not.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterConfiguration
    /// networking:
    ///   podSubnet: 10.244.0.0/16
    /// ---
    /// kind: KubeProxyConfiguration
    /// clusterCIDR: 10.32.0.0/12
    /// ```
    ///
    /// ## How to fix
    /// Make them equal, or remove `clusterCIDR` and let kubeadm fill it.
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kubeadm/app/componentconfigs/kubeproxy.go (`Default`:
    ///   `clusterCIDR` from `networking.podSubnet`, `warnDefaultComponentConfigValue`)
    pub static KUBEADM_CLUSTER_CIDR_MISMATCH = {
        code: "KP710",
        name: "kubeadm-cluster-cidr-mismatch",
        category: Wiring,
        severity: Warning,
        summary: "clusterCIDR differs from kubeadm's networking.podSubnet",
    }
}
