//! KP204.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `mode: ipvs` when the target release is 1.35 or later, where the IPVS proxy
    /// mode is deprecated.
    ///
    /// ## Why it matters
    /// kube-proxy 1.35+ logs at error level and emits an `IPVSDeprecation` Event at every start.
    /// The plan (KEP-5495): a `KubeProxyIPVS` feature gate in 1.37 (deprecated, on by default),
    /// off by default in 1.40 — kube-proxy in ipvs mode then exits unless the gate is turned on —
    /// and the IPVS proxier removed in 1.43. nftables is GA since 1.33 and is the migration path
    /// (kernel ≥ 5.13; iptables on older kernels).
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ```
    ///
    /// ## How to fix
    /// Plan the move to nftables: check the kernel (≥ 5.13, ideally ≥ 6.1), the behaviour
    /// differences (no localhost NodePorts, `nodePortAddresses` defaults to the primary IP, no
    /// conntrack INVALID drop: set `conntrack.tcpBeLiberal` on kernels < 6.1), then
    /// ```yaml
    /// mode: nftables
    /// ```
    /// MetalLB needs no strictARP in nftables mode. Fix safety: unsafe (changes behaviour).
    ///
    /// ## References
    /// - kubernetes/kubernetes#134539 (deprecation, 1.35); kubernetes/website#52723
    /// - kubernetes/enhancements keps/sig-network/5495-deprecate-ipvs-mode-in-kube-proxy
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (migrating to nftables)
    pub static RULE = {
        code: "KP204",
        name: "ipvs-mode-deprecated",
        category: Fields,
        severity: Warning,
        summary: "IPVS mode is deprecated (1.35) and planned for removal",
        fix: Unsafe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    let Some(dep) = cx.kb.mode("ipvs").and_then(|m| m.deprecated) else {
        return;
    };
    if !cx.release.at_least(&dep) {
        return;
    }
    let f = cx
        .at(&RULE, "mode", format!("IPVS mode is deprecated since Kubernetes {dep}"))
        .label("deprecated proxy mode")
        .help("plan the move to `mode: nftables` (GA since 1.33, kernel ≥ 5.13): IPVS is planned off by default in 1.40 and removed in 1.43")
        .with_fix(cx.fix_set("mode", "nftables", crate::fix::Safety::Unsafe, "switch mode to nftables"));
    cx.emit(f);
}
