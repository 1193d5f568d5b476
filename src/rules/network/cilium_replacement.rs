//! KP603.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a kube-proxy configuration or DaemonSet when Cilium's kube-proxy replacement is
    /// on — detected in the linted files (`kubeProxyReplacement: true` in Helm values, a
    /// HelmRelease or the `cilium-config` ConfigMap) or given in the profile.
    ///
    /// ## Why it matters
    /// With the replacement, Cilium's eBPF datapath implements Services; kube-proxy running as
    /// well programs a second, competing set of rules (and its cleanup on removal can break
    /// connectivity). Cilium's docs require removing kube-proxy (or installing without it).
    ///
    /// ## Example
    /// A GitOps repository with Cilium values `kubeProxyReplacement: true` and a
    /// `kube-system/kube-proxy` DaemonSet.
    ///
    /// ## How to fix
    /// Remove kube-proxy (kubeadm: `kubeadm init --skip-phases=addon/kube-proxy`, or
    /// `proxy: {disabled: true}` in v1beta4), or turn the replacement off.
    ///
    /// ## References
    /// - cilium/cilium Documentation/network/kubernetes/kubeproxy-free.rst
    pub static RULE = {
        code: "KP603",
        name: "kube-proxy-with-cilium-replacement",
        category: Network,
        severity: Warning,
        summary: "kube-proxy deployed while Cilium's kube-proxy replacement is on",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(kpr) = &cx.profile.cilium_kube_proxy_replacement else {
        return;
    };
    if !kpr.value {
        return;
    }
    let f = cx
        .at_doc(&RULE, format!("kube-proxy is configured here while Cilium replaces it ({})", kpr.source))
        .help("remove kube-proxy (kubeadm: skip the addon/kube-proxy phase), or turn off Cilium's kubeProxyReplacement");
    cx.emit(f);
}
