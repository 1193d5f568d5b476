//! KP304.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports legacy large overrides in the section the mode reads: `syncPeriod` of an hour or
    /// more, `minSyncPeriod` of 10 seconds or more.
    ///
    /// ## Why it matters
    /// Old tuning guides set `syncPeriod: 1h` and large `minSyncPeriod` values to limit
    /// iptables-restore cost. Since 1.28 the iptables proxier only writes what changed
    /// (MinimizeIPTablesRestore GA), and upstream says such overrides are "no longer
    /// recommended": a large `minSyncPeriod` delays every Service change by that long, and a
    /// long `syncPeriod` delays recovery when something flushes the rules (the health check
    /// allows 2 × `syncPeriod`).
    ///
    /// ## Example
    /// ```yaml
    /// iptables:
    ///   syncPeriod: 1h
    ///   minSyncPeriod: 30s
    /// ```
    ///
    /// ## How to fix
    /// Remove the overrides (defaults: 30s and 1s); raise `minSyncPeriod` only if the
    /// `kubeproxy_sync_proxy_rules_duration_seconds` metric shows syncs much longer than 1s.
    ///
    /// ## References
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (sync periods)
    /// - KEP-3453 (MinimizeIPTablesRestore: alpha 1.26, GA 1.28)
    pub static RULE = {
        code: "KP304",
        name: "legacy-sync-override",
        category: Sync,
        severity: Warning,
        summary: "a large syncPeriod or minSyncPeriod override from old tuning guides",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let t = &cx.kb.tuning.sync;
    let s = cx.active_section();
    let sync_path = format!("{s}.syncPeriod");
    let min_path = format!("{s}.minSyncPeriod");
    if let Some(d) = cx.duration(&sync_path) {
        if d >= i128::from(t.legacy_sync_period_seconds) * 1_000_000_000 {
            let f = cx
                .at(&RULE, &sync_path, format!("{sync_path} is {}", format_duration(d)))
                .label("a legacy override")
                .help("remove it (default 30s): large sync periods are no longer recommended and slow recovery from flushed rules");
            cx.emit(f);
        }
    }
    if let Some(d) = cx.duration(&min_path) {
        if d >= i128::from(t.legacy_min_sync_period_seconds) * 1_000_000_000 {
            let f = cx
                .at(&RULE, &min_path, format!("{min_path} is {}: every Service change waits that long", format_duration(d)))
                .label("a legacy override")
                .help("remove it or lower it to a few seconds; since 1.28 syncs only write what changed");
            cx.emit(f);
        }
    }
}
