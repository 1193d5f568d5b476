//! KP108.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In ipvs mode, reports negative `ipvs.tcpTimeout`, `ipvs.tcpFinTimeout` or
    /// `ipvs.udpTimeout`.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be greater than or equal to 0`. 0 means "leave the
    /// kernel's IPVS timeouts as they are".
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   tcpTimeout: -900s
    /// ```
    ///
    /// ## How to fix
    /// Use 0s or a positive duration.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateKubeProxyIPVSConfiguration`)
    pub static RULE = {
        code: "KP108",
        name: "ipvs-timeout-negative",
        category: Validation,
        severity: Error,
        summary: "IPVS timeouts must not be negative",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    for path in ["ipvs.tcpTimeout", "ipvs.tcpFinTimeout", "ipvs.udpTimeout"] {
        if let Some(d) = cx.duration(path) {
            if d < 0 {
                let f = cx
                    .at(
                        &RULE,
                        path,
                        format!("{path} is {}; it must not be negative", format_duration(d)),
                    )
                    .label("must be greater than or equal to 0")
                    .help("use 0s to keep the kernel's IPVS timeout, or a positive duration");
                cx.emit(f);
            }
        }
    }
}
