crate::declare_rule! {
    /// ## What it does
    /// Reports a field that the target Kubernetes release does not have yet: `nftables.*` and
    /// `conntrack.tcpBeLiberal` before 1.29, `logging` before 1.28, `windowsRunAsService` before
    /// 1.31, `iptables.localhostNodePorts` before 1.26.
    ///
    /// ## Why it matters
    /// That release's kube-proxy ignores the field (lenient decoding), so a setting tested on a
    /// newer cluster silently does nothing on an older one. The release comes from
    /// `--kubernetes-version` or the kubeadm `kubernetesVersion` in the same file.
    ///
    /// ## Example
    /// ```yaml
    /// # kubernetesVersion: v1.28.4
    /// conntrack:
    ///   tcpBeLiberal: true
    /// ```
    ///
    /// ## How to fix
    /// Upgrade, or achieve the same another way (for `tcpBeLiberal`, the sysctl
    /// `net.netfilter.nf_conntrack_tcp_be_liberal=1`).
    ///
    /// ## References
    /// - kubernetes/kube-proxy config/v1alpha1/types.go diffed between release tags
    ///   (rules/kb/fields.toml)
    pub static FIELD_NOT_YET_AVAILABLE = {
        code: "KP203",
        name: "field-not-yet-available",
        category: Fields,
        severity: Warning,
        summary: "a field newer than the target release; that kube-proxy ignores it",
    }
}
