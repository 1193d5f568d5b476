crate::declare_rule! {
    /// ## What it does
    /// Reports kubeadm configuration API versions that current kubeadm refuses:
    /// `kubeadm.k8s.io/v1alpha1` and `v1alpha2` (`MasterConfiguration`), `v1alpha3`, `v1beta1`
    /// and `v1beta2`, naming the kubeadm release that dropped each one — and the opposite
    /// mismatch: `v1beta4` (kubeadm 1.31+) with a `kubernetesVersion` older than 1.30, which no
    /// kubeadm that reads v1beta4 can deploy (kubeadm deploys its own minor or the one before).
    ///
    /// ## Why it matters
    /// `kubeadm init --config` fails with "your configuration file uses an old API spec". Many
    /// blog posts still show `apiVersion: kubeadm.k8s.io/v1alpha1` with `kind:
    /// MasterConfiguration`, which kubeadm has refused since 1.12.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubeadm.k8s.io/v1beta2
    /// kind: ClusterConfiguration
    /// ```
    ///
    /// ## How to fix
    /// Migrate step by step with `kubeadm config migrate --old-config old.yaml --new-config
    /// new.yaml` using a kubeadm release that still reads the old version, up to
    /// `kubeadm.k8s.io/v1beta4` (kubeadm 1.31 and later).
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kubeadm/app/util/config/common.go (`validateSupportedVersion`)
    /// - kubernetes/kubeadm kinder/pkg/kubeadm/config.go (`GetKubeadmConfigVersion`)
    pub static UNSUPPORTED_KUBEADM_VERSION = {
        code: "KP006",
        name: "unsupported-kubeadm-api-version",
        category: Input,
        severity: Error,
        summary: "the kubeadm API version is refused by current kubeadm",
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports `kubeadm.k8s.io/v1beta3`, deprecated since kubeadm 1.31 in favour of `v1beta4` —
    /// unless the file's `kubernetesVersion` is 1.29 or older, where the kubeadm in use cannot
    /// read v1beta4 yet.
    ///
    /// ## Why it matters
    /// kubeadm still reads v1beta3 but prints a deprecation warning; v1beta4 adds
    /// `ClusterConfiguration.proxy.disabled`, `UpgradeConfiguration` and structured `extraArgs`.
    /// A removal release has not been announced.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: kubeadm.k8s.io/v1beta3
    /// kind: ClusterConfiguration
    /// ```
    ///
    /// ## How to fix
    /// `kubeadm config migrate --old-config old.yaml --new-config new.yaml`.
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kubeadm/app/util/config/common.go (1.31+): "v1.31: v1beta3
    ///   read-only, writes only v1beta4 config"
    /// - kubernetes/website content/en/docs/reference/config-api/kubeadm-config.v1beta4.md
    pub static DEPRECATED_KUBEADM_VERSION = {
        code: "KP007",
        name: "deprecated-kubeadm-api-version",
        category: Input,
        severity: Warning,
        summary: "the kubeadm API version is deprecated",
    }
}
