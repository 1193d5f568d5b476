//! KP107.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports negative conntrack settings: `conntrack.maxPerCore`, `conntrack.min`,
    /// `conntrack.tcpEstablishedTimeout`, `conntrack.tcpCloseWaitTimeout`,
    /// `conntrack.udpTimeout`, `conntrack.udpStreamTimeout`.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be greater than or equal to 0`. To leave the kernel's
    /// value alone, use 0 (`maxPerCore: 0` leaves `nf_conntrack_max` as it is and ignores `min`).
    ///
    /// ## Example
    /// ```yaml
    /// conntrack:
    ///   maxPerCore: -1
    /// ```
    ///
    /// ## How to fix
    /// Use 0 or a positive value, or remove the field for the default.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateKubeProxyConntrackConfiguration`)
    /// - pkg/proxy/conntrack/sysctls.go (how the values are applied)
    pub static RULE = {
        code: "KP107",
        name: "conntrack-value-negative",
        category: Validation,
        severity: Error,
        summary: "conntrack settings must not be negative",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for path in ["conntrack.maxPerCore", "conntrack.min"] {
        if let Some(v) = cx.int(path) {
            if v < 0 {
                let f = cx
                    .at(&RULE, path, format!("{path} is {v}; it must not be negative"))
                    .label("must be greater than or equal to 0")
                    .help("use 0 to leave the kernel's value alone, or remove the field for the default");
                cx.emit(f);
            }
        }
    }
    for path in [
        "conntrack.tcpEstablishedTimeout",
        "conntrack.tcpCloseWaitTimeout",
        "conntrack.udpTimeout",
        "conntrack.udpStreamTimeout",
    ] {
        if let Some(d) = cx.duration(path) {
            if d < 0 {
                let f = cx
                    .at(
                        &RULE,
                        path,
                        format!("{path} is {}; it must not be negative", format_duration(d)),
                    )
                    .label("must be greater than or equal to 0")
                    .help("use 0s to leave the kernel's value alone");
                cx.emit(f);
            }
        }
    }
}
