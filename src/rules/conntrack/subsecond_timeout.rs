//! KP403.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports conntrack timeouts with a fraction of a second (`udpTimeout: 500ms`,
    /// `tcpCloseWaitTimeout: 1.5s`).
    ///
    /// ## Why it matters
    /// kube-proxy writes the sysctls in whole seconds (`int(d / time.Second)`): `500ms` passes
    /// the "greater than 0" test and is written as **0**, which for the UDP timeouts means
    /// entries expire immediately; `1.5s` becomes 1.
    ///
    /// ## Example
    /// ```yaml
    /// conntrack:
    ///   udpTimeout: 500ms
    /// ```
    ///
    /// ## How to fix
    /// Use whole seconds: `udpTimeout: 30s`.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/conntrack/sysctls.go (`setSysctls`)
    pub static RULE = {
        code: "KP403",
        name: "conntrack-timeout-subsecond",
        category: Conntrack,
        severity: Warning,
        summary: "a conntrack timeout with a fraction of a second, truncated to whole seconds",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for path in [
        "conntrack.tcpEstablishedTimeout",
        "conntrack.tcpCloseWaitTimeout",
        "conntrack.udpTimeout",
        "conntrack.udpStreamTimeout",
    ] {
        let Some(d) = cx.duration(path) else { continue };
        if d <= 0 || d % 1_000_000_000 == 0 {
            continue;
        }
        let written = d / 1_000_000_000;
        let f = cx
            .at(
                &RULE,
                path,
                format!(
                    "{path} is {}; kube-proxy writes it as {written} second{}",
                    format_duration(d),
                    if written == 1 { "" } else { "s" }
                ),
            )
            .label("truncated to whole seconds")
            .help(format!(
                "write whole seconds, e.g. {}",
                format_duration((written.max(1)) * 1_000_000_000)
            ));
        cx.emit(f);
    }
}
