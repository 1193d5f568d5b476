//! KP302.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports IPVS-only settings — `ipvs.scheduler`, `ipvs.strictARP: true`,
    /// `ipvs.excludeCIDRs`, `ipvs.tcpTimeout`/`tcpFinTimeout`/`udpTimeout` — when `mode` is not
    /// `ipvs`.
    ///
    /// ## Why it matters
    /// They do nothing in iptables or nftables mode. A common case: MetalLB's docs say to set
    /// `strictARP: true`, someone does, but the cluster runs iptables (where it is not needed) —
    /// or believes it runs IPVS while `mode` is empty.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ""          # iptables
    /// ipvs:
    ///   scheduler: lc
    /// ```
    ///
    /// ## How to fix
    /// Delete the settings, or set `mode: ipvs` if IPVS was intended (but IPVS is deprecated
    /// since 1.35: prefer nftables).
    ///
    /// ## References
    /// - kubernetes/kube-proxy config/v1alpha1/types.go (KubeProxyIPVSConfiguration: "used by the ipvs proxier")
    pub static RULE = {
        code: "KP302",
        name: "ipvs-settings-without-ipvs-mode",
        category: Sync,
        severity: Warning,
        summary: "IPVS settings while the mode is not ipvs",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() == "ipvs" {
        return;
    }
    let mode = if cx.mode().is_empty() {
        "iptables (mode is empty)"
    } else {
        cx.mode()
    };
    for field in [
        "scheduler",
        "strictARP",
        "excludeCIDRs",
        "tcpTimeout",
        "tcpFinTimeout",
        "udpTimeout",
    ] {
        let path = format!("ipvs.{field}");
        let set = match cx.value(&path) {
            None => false,
            Some(serde_json::Value::String(s)) => {
                !s.is_empty() && crate::go::parse_duration(s) != Some(0)
            }
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::Array(a)) => !a.is_empty(),
            Some(_) => true,
        };
        if !set {
            continue;
        }
        let f = cx
            .at(&RULE, &path, format!("{path} has no effect in mode {mode}"))
            .at(cx.key_span(&path))
            .label("used only by the ipvs proxier")
            .help("delete it, or set `mode: ipvs` if IPVS was meant (deprecated since 1.35; prefer nftables)");
        cx.emit(f);
    }
}
