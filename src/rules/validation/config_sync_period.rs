//! KP117.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a negative `configSyncPeriod` (a zero one is defaulted to 15m).
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be greater than 0`. It is the resync period of
    /// kube-proxy's informers.
    ///
    /// ## Example
    /// ```yaml
    /// configSyncPeriod: -15m
    /// ```
    ///
    /// ## How to fix
    /// Remove the field (default 15m).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`ConfigSyncPeriod <= 0`)
    pub static RULE = {
        code: "KP117",
        name: "config-sync-period-not-positive",
        category: Validation,
        severity: Error,
        summary: "configSyncPeriod must be greater than 0",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if let Some(d) = cx.effective_duration("configSyncPeriod") {
        if d <= 0 {
            let f = cx
                .at(
                    &RULE,
                    "configSyncPeriod",
                    format!(
                        "configSyncPeriod is {}; it must be greater than 0",
                        format_duration(d)
                    ),
                )
                .label("must be greater than 0")
                .help("remove the field for the default 15m");
            cx.emit(f);
        }
    }
}
