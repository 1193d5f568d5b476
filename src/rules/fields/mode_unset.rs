//! KP205.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a KubeProxyConfiguration without `mode` (or with `mode: ""`).
    ///
    /// ## Why it matters
    /// An empty mode means iptables on Linux today, but the default is planned to change:
    /// KEP-5343 ("nftables as the default") prepares the switch and plans a warning for a
    /// defaulted iptables mode. A configuration that names its mode keeps behaving the same
    /// across upgrades. It also corrects a common myth: kubeadm does **not** default to IPVS —
    /// it leaves the mode empty, which is iptables.
    ///
    /// ## Example
    /// ```yaml
    /// kind: KubeProxyConfiguration
    /// clusterCIDR: 10.244.0.0/16
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// mode: nftables   # or iptables, to keep today's behaviour
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/server_linux.go (`platformApplyDefaults`: "" → iptables)
    /// - kubernetes/enhancements keps/sig-network/5343-nftables-to-default
    pub static RULE = {
        code: "KP205",
        name: "mode-unset",
        category: Fields,
        severity: Info,
        summary: "mode is not set; the default (iptables) is planned to change",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if !cx.mode().is_empty() {
        return;
    }
    let f = match cx.cfg.get("mode") {
        Some(_) => cx
            .at(&RULE, "mode", "mode is empty, so kube-proxy uses iptables")
            .label("empty mode"),
        None => cx.at_doc(&RULE, "mode is not set, so kube-proxy uses iptables"),
    };
    cx.emit(f.help("set `mode: nftables` (or `mode: iptables` to keep today's behaviour): the default is planned to change to nftables"));
}
