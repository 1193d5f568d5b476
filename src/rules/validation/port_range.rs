//! KP112.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `portRange` that is not a port range (`N`, `N-M` or `N+K` within 0–65535),
    /// for releases that still parse the field (up to 1.30).
    ///
    /// ## Why it matters
    /// Up to 1.30 kube-proxy refuses to start: `must be a valid port range (e.g. 300-2000)`,
    /// although the field has done nothing since the userspace proxy was removed in 1.26. From
    /// 1.31 the internal configuration no longer has it (kubernetes/kubernetes#126293).
    ///
    /// ## Example
    /// ```yaml
    /// portRange: 2000-300
    /// ```
    ///
    /// ## How to fix
    /// Delete the field: it is unused.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateProxyPortRange`, up to 1.30)
    /// - k8s.io/apimachinery pkg/util/net/port_range.go (`ParsePortRange`)
    pub static RULE = {
        code: "KP112",
        name: "invalid-port-range",
        category: Validation,
        severity: Error,
        summary: "portRange is not a valid port range",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx
        .release
        .at_least(&cx.kb.releases.validation.port_range_validated_until)
    {
        return;
    }
    if let Some(s) = cx.str("portRange") {
        if !crate::go::port_range_ok(s) {
            let f = cx
                .at(
                    &RULE,
                    "portRange",
                    format!("portRange {s:?} is not a valid port range"),
                )
                .label("must be a valid port range (e.g. 300-2000)")
                .help("delete the field: it has been unused since Kubernetes 1.26");
            cx.emit(f);
        }
    }
}
