//! KP705.

crate::declare_rule! {
    /// ## What it does
    /// Reports kube-proxy settings in a distribution's configuration that also turns kube-proxy
    /// off: RKE2/k3s `disable-kube-proxy: true` next to `kube-proxy-arg`, Talos
    /// `cluster.proxy.disabled: true` next to `mode`, `extraArgs` or `image`, k0s
    /// `spec.network.kubeProxy.disabled: true` next to other `kubeProxy` settings, kind
    /// `networking.kubeProxyMode: none` next to `KubeProxyConfiguration` patches, and kubespray
    /// `kube_proxy_remove: true` next to `kube_proxy_*` variables.
    ///
    /// ## Why it matters
    /// With kube-proxy disabled, the distribution never starts it (RKE2 and k3s skip the
    /// process or static Pod, Talos and k0s do not deploy the DaemonSet, kind and kubespray skip
    /// kubeadm's kube-proxy add-on), so every kube-proxy setting next to the switch is dead. The
    /// file reads as if Services were handled by kube-proxy in the mode written there, while
    /// something else (usually Cilium's or Calico's eBPF kube-proxy replacement) does the work:
    /// tuning it has no effect, and re-enabling kube-proxy later silently brings back settings
    /// nobody has reviewed. Either the switch or the settings are a mistake.
    ///
    /// ## Example
    /// ```yaml
    /// # Talos machine configuration
    /// cluster:
    ///   proxy:
    ///     disabled: true
    ///     mode: ipvs
    /// ```
    ///
    /// ## How to fix
    /// Delete the kube-proxy settings when a kube-proxy replacement handles Services, or remove
    /// the switch when kube-proxy is meant to run with them.
    ///
    /// ## References
    /// - k3s-io/k3s pkg/daemons/agent/agent.go (`if !config.DisableKubeProxy { startKubeProxy }`)
    ///   and docs.rke2.io server options (`disable-kube-proxy`)
    /// - siderolabs/talos internal/app/machined/pkg/controllers/k8s/control_plane.go
    ///   (`ProxyEnabled: k8sProxyConfig.Enabled()`)
    /// - k0sproject/k0s pkg/component/controller/kubeproxy.go (no manifests when
    ///   `Spec.Network.KubeProxy.Disabled`)
    /// - kubernetes-sigs/kind pkg/cluster/internal/kubeadm/config.go (no
    ///   KubeProxyConfiguration when the mode is `none`)
    /// - kubernetes-sigs/kubespray roles/kubespray_defaults/defaults/main/main.yml
    ///   (`kube_proxy_remove` skips kubeadm's `addon/kube-proxy` phase)
    pub static PROXY_DISABLED_BUT_CONFIGURED = {
        code: "KP705",
        name: "proxy-disabled-but-configured",
        category: Wiring,
        severity: Warning,
        summary: "kube-proxy is disabled by the distribution's configuration that also configures it",
    }
}
