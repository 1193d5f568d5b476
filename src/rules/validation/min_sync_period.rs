//! KP103.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a negative `minSyncPeriod` in the section kube-proxy reads for the configured
    /// mode.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be greater than or equal to 0`.
    ///
    /// ## Example
    /// ```yaml
    /// iptables:
    ///   minSyncPeriod: -1s
    /// ```
    ///
    /// ## How to fix
    /// Use `0s` or a positive duration; remove the field for the default (1s for iptables and
    /// nftables, 0s for ipvs).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`MinSyncPeriod < 0`)
    pub static RULE = {
        code: "KP103",
        name: "min-sync-period-negative",
        category: Validation,
        severity: Error,
        summary: "minSyncPeriod must not be negative",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for section in cx.sync_sections() {
        let path = format!("{section}.minSyncPeriod");
        if let Some(d) = cx.effective_duration(&path) {
            if d < 0 {
                let f = cx
                    .at(
                        &RULE,
                        &path,
                        format!("{path} is {}; it must not be negative", format_duration(d)),
                    )
                    .label("must be greater than or equal to 0")
                    .help("use 0s or a positive duration");
                cx.emit(f);
            }
        }
    }
}
