//! KP102.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a negative `syncPeriod` in the section kube-proxy reads for the configured mode
    /// (`ipvs.syncPeriod` in ipvs mode, `nftables.syncPeriod` in nftables mode,
    /// `iptables.syncPeriod` otherwise). A zero or missing value is not reported: kube-proxy's
    /// defaulting replaces it with 30s.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be greater than 0`.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   syncPeriod: -30s
    /// ```
    ///
    /// ## How to fix
    /// Use a positive duration, or remove the field for the default (30s).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`SyncPeriod <= 0`)
    /// - pkg/proxy/apis/config/v1alpha1/defaults.go (zero sync periods are defaulted)
    /// - pkg/proxy/apis/config/v1alpha1/conversion.go (since 1.31 the mode's section is read)
    pub static RULE = {
        code: "KP102",
        name: "sync-period-not-positive",
        category: Validation,
        severity: Error,
        summary: "syncPeriod must be greater than 0",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for section in cx.sync_sections() {
        let path = format!("{section}.syncPeriod");
        if let Some(d) = cx.effective_duration(&path) {
            if d <= 0 {
                let f = cx
                    .at(
                        &RULE,
                        &path,
                        format!(
                            "{path} is {}; it must be greater than 0",
                            format_duration(d)
                        ),
                    )
                    .label("must be greater than 0")
                    .help(
                        "use a positive duration such as 30s, or remove the field for the default",
                    );
                cx.emit(f);
            }
        }
    }
}
