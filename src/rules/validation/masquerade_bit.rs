//! KP105.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `iptables.masqueradeBit` outside [0, 31] (checked in every mode: ipvs uses it
    /// too), and `nftables.masqueradeBit` outside [0, 31] in nftables mode.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be within the range [0, 31]`. The bit marks packets
    /// for SNAT (`1 << masqueradeBit`, 0x4000 for the default 14); it must not collide with
    /// marks used by the CNI plugin.
    ///
    /// ## Example
    /// ```yaml
    /// iptables:
    ///   masqueradeBit: 32
    /// ```
    ///
    /// ## How to fix
    /// Use a bit in [0, 31] that your CNI does not use, or remove the field (default 14).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateKubeProxyIPTablesConfiguration`, `validateKubeProxyNFTablesConfiguration`)
    pub static RULE = {
        code: "KP105",
        name: "masquerade-bit-out-of-range",
        category: Validation,
        severity: Error,
        summary: "masqueradeBit must be within [0, 31]",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let mut paths = vec!["iptables.masqueradeBit"];
    if cx.mode() == "nftables" {
        paths.push("nftables.masqueradeBit");
    }
    for path in paths {
        if let Some(v) = cx.int(path) {
            if !(0..=31).contains(&v) {
                let f = cx
                    .at(&RULE, path, format!("{path} is {v}; it must be within [0, 31]"))
                    .label("must be within the range [0, 31]")
                    .help("use a bit your CNI plugin does not use, or remove the field for the default 14");
                cx.emit(f);
            }
        }
    }
}
