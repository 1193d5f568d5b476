//! KP305.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports iptables mode (set or by default) when the profile says the cluster has 5,000
    /// Services or more.
    ///
    /// ## Why it matters
    /// iptables rules are evaluated and rewritten linearly; at this size rule syncs take seconds
    /// and packet latency grows with the number of Services. nftables (GA since 1.33) uses maps
    /// and incremental updates and was built for this; it is the upstream direction (KEP-5343).
    ///
    /// ## Example
    /// ```yaml
    /// # kp-lint --services 8000
    /// mode: iptables
    /// ```
    ///
    /// ## How to fix
    /// Migrate to `mode: nftables` (kernel ≥ 5.13) after reading the behaviour differences.
    /// Fix safety: unsafe.
    ///
    /// ## References
    /// - kubernetes/enhancements keps/sig-network/3866-nftables-proxy (motivation)
    /// - rules/tuning/thresholds.toml (`iptables_many_services`, kp-lint's judgement)
    pub static RULE = {
        code: "KP305",
        name: "iptables-at-scale",
        category: Sync,
        severity: Info,
        summary: "iptables mode with many Services: consider nftables",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if !(cx.mode().is_empty() || cx.mode() == "iptables") {
        return;
    }
    let Some(services) = &cx.profile.services else {
        return;
    };
    let limit = cx.kb.tuning.scale.iptables_many_services;
    if services.value < limit {
        return;
    }
    let msg = format!(
        "iptables mode with {} Services ({})",
        services.value, services.source
    );
    let f = cx.at_field_or_doc(&RULE, "mode", msg, "iptables");
    cx.emit(f.help(
        "consider `mode: nftables` (GA since 1.33): it scales with incremental updates and maps",
    ));
}
