//! KP303.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `minSyncPeriod` of 0 in the section the mode reads when the profile describes a
    /// large cluster (at least 1,000 endpoints, the threshold kube-proxy's iptables proxier uses
    /// for "large"; from `--endpoints`, or estimated as 3 per Service from `--services`). In
    /// IPVS mode 0 is also the **default** (`ipvs.minSyncPeriod` is not defaulted), so an
    /// unset value is reported too. Without size information the rule stays quiet.
    ///
    /// ## Why it matters
    /// With 0, every Service or EndpointSlice change triggers a full sync immediately; in a
    /// large, busy cluster kube-proxy then re-programs the rules back to back, burning CPU and
    /// delaying its own updates. A small `minSyncPeriod` (1s, the iptables and nftables default)
    /// batches changes.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   minSyncPeriod: 0s
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    ///   minSyncPeriod: 1s
    /// ```
    /// Fix safety: unsafe (changes how quickly changes are programmed).
    ///
    /// ## References
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md ("The default
    ///   value of 1s should work well in most clusters")
    /// - pkg/proxy/apis/config/v1alpha1/defaults.go (no default for ipvs.minSyncPeriod)
    /// - pkg/proxy/iptables/proxier.go (largeClusterEndpointsThreshold = 1000)
    pub static RULE = {
        code: "KP303",
        name: "min-sync-period-zero-at-scale",
        category: Sync,
        severity: Warning,
        summary: "minSyncPeriod 0 on a large cluster: every change triggers a full sync",
        fix: Unsafe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let t = &cx.kb.tuning;
    let per_service = t.scale.endpoints_per_service_estimate;
    let Some((endpoints, estimated)) = cx.profile.endpoints_or_estimate(per_service) else {
        return;
    };
    if endpoints < t.scale.large_endpoints {
        return;
    }
    let path = format!("{}.minSyncPeriod", cx.active_section());
    if cx.effective_duration(&path) != Some(0) {
        return;
    }
    let size = if estimated {
        format!("about {endpoints} endpoints ({per_service} per Service assumed)")
    } else {
        format!("{endpoints} endpoints")
    };
    let rec = &t.sync.recommended_min_sync_period;
    let f = if cx.value(&path).is_some() {
        cx.at(
            &RULE,
            &path,
            format!("{path} is 0 in a cluster with {size}"),
        )
        .label("every change triggers an immediate full sync")
    } else {
        cx.at_doc(
            &RULE,
            format!("{path} defaults to 0 in a cluster with {size}"),
        )
        .path(path.clone())
    };
    let fix = cx.fix_set(
        &path,
        rec,
        crate::fix::Safety::Unsafe,
        format!("set {path}: {rec}"),
    );
    cx.emit(
        f.help(format!(
            "set {path}: {rec} so that bursts of changes are batched"
        ))
        .with_fix(fix),
    );
}
