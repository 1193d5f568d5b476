//! KP104.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `minSyncPeriod` larger than the `syncPeriod` of the same section, for the
    /// section kube-proxy reads in the configured mode, after defaulting (an unset iptables
    /// `syncPeriod` is 30s, so `minSyncPeriod: 1m` alone is already wrong).
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be greater than or equal to …minSyncPeriod`.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   syncPeriod: 30s
    ///   minSyncPeriod: 1m
    /// ```
    ///
    /// ## How to fix
    /// Make `minSyncPeriod` at most `syncPeriod` (1s–10s is usual; see the sync-period advice
    /// rules for large clusters).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`MinSyncPeriod > SyncPeriod`)
    pub static RULE = {
        code: "KP104",
        name: "min-sync-period-exceeds-sync-period",
        category: Validation,
        severity: Error,
        summary: "minSyncPeriod is larger than syncPeriod",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for section in cx.sync_sections() {
        let min_path = format!("{section}.minSyncPeriod");
        let sync_path = format!("{section}.syncPeriod");
        let (Some(min), Some(sync)) = (
            cx.effective_duration(&min_path),
            cx.effective_duration(&sync_path),
        ) else {
            continue;
        };
        if min > sync {
            let sync_written = !cx.is_defaulted(&sync_path);
            let min_written = !cx.is_defaulted(&min_path);
            let msg = format!(
                "{min_path} ({}{}) is larger than {sync_path} ({}{})",
                format_duration(min),
                if min_written { "" } else { ", the default" },
                format_duration(sync),
                if sync_written { "" } else { ", the default" }
            );
            let help = if sync <= 0 {
                format!("{sync_path} must be positive (see KP102); fix it first")
            } else {
                format!(
                    "lower {min_path} to at most {}, or raise {sync_path}",
                    format_duration(sync)
                )
            };
            // Point at what the user wrote: minSyncPeriod, or syncPeriod when only it is set.
            let mut f = if min_written || !sync_written {
                cx.at(&RULE, &min_path, msg)
                    .label("must be at most syncPeriod")
            } else {
                cx.at(&RULE, &min_path, msg)
                    .at(cx.span(&sync_path))
                    .label("smaller than minSyncPeriod")
            };
            f = f.help(help);
            if sync_written && min_written {
                f = f.also(cx.span(&sync_path), "syncPeriod set here");
            }
            cx.emit(f);
        }
    }
}
