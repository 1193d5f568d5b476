//! KP118.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a negative `clientConnection.burst`. (`qps` is not validated by kube-proxy, and
    /// `burst < qps` is accepted.)
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be greater than or equal to 0`.
    ///
    /// ## Example
    /// ```yaml
    /// clientConnection:
    ///   burst: -1
    /// ```
    ///
    /// ## How to fix
    /// Remove the field (default 10) or use a positive value.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateClientConnectionConfiguration`, `ValidateNonnegativeField`)
    pub static RULE = {
        code: "KP118",
        name: "negative-client-burst",
        category: Validation,
        severity: Error,
        summary: "clientConnection.burst must not be negative",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if let Some(b) = cx.int("clientConnection.burst") {
        if b < 0 {
            let f = cx
                .at(
                    &RULE,
                    "clientConnection.burst",
                    format!("clientConnection.burst is {b}; it must not be negative"),
                )
                .label("must be greater than or equal to 0")
                .help("remove the field for the default 10");
            cx.emit(f);
        }
    }
}
