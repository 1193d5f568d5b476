//! KP501.
use crate::profile::MetalLb;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports IPVS mode without `ipvs.strictARP: true` when MetalLB announces in layer 2 mode —
    /// from `--metallb l2`, `.kp-lint.toml`, or detected in the linted files (an
    /// `L2Advertisement`, or the legacy `metallb-system/config` ConfigMap with `protocol:
    /// layer2`).
    ///
    /// ## Why it matters
    /// In IPVS mode every Service IP, LoadBalancer IPs included, is bound to the `kube-ipvs0`
    /// dummy interface on every node, and with the kernel's default ARP settings every node
    /// answers ARP for them. MetalLB's layer-2 speaker must be the only one answering; otherwise
    /// clients reach random nodes and traffic flaps. `strictARP: true` makes kube-proxy set
    /// `arp_ignore=1` and `arp_announce=2`. MetalLB's installation docs: "If you're using
    /// kube-proxy in IPVS mode, since Kubernetes v1.14.2 you have to enable strict ARP mode."
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   strictARP: false
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// ipvs:
    ///   strictARP: true
    /// ```
    /// Fix safety: safe. (In nftables or iptables mode no strictARP is needed.)
    ///
    /// ## References
    /// - metallb/metallb website/content/installation/_index.md ("Preparation")
    /// - kubernetes/kubernetes pkg/proxy/ipvs/proxier.go (strictARP sysctls)
    pub static RULE = {
        code: "KP501",
        name: "strict-arp-required-for-metallb",
        category: Ipvs,
        severity: Error,
        summary: "IPVS mode with MetalLB layer 2 needs ipvs.strictARP: true",
        fix: Safe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    let Some(metallb) = &cx.profile.metallb else {
        return;
    };
    if metallb.value != MetalLb::L2 {
        return;
    }
    let strict = cx.value("ipvs.strictARP").and_then(|v| v.as_bool()) == Some(true);
    if strict {
        return;
    }
    let msg = format!(
        "IPVS mode without strictARP while MetalLB announces in layer 2 ({})",
        metallb.source
    );
    let f = if cx.value("ipvs.strictARP").is_some() {
        cx.at(&RULE, "ipvs.strictARP", msg).label("must be true")
    } else {
        cx.at(&RULE, "mode", msg)
            .label("ipvs mode")
            .path("ipvs.strictARP")
    };
    let fix = cx.fix_set(
        "ipvs.strictARP",
        "true",
        crate::fix::Safety::Safe,
        "set ipvs.strictARP: true",
    );
    cx.emit(
        f.help("set `ipvs.strictARP: true`, or move to nftables mode where it is not needed")
            .with_fix(fix),
    );
}
