//! KP4xx: conntrack sizing and timeouts (kube-proxy writes them as sysctls at start-up;
//! pkg/proxy/conntrack/sysctls.go).

pub mod established_timeout;
pub mod host_max_overwritten;
pub mod max_per_core_zero;
pub mod min_above_cap;
pub mod subsecond_timeout;
pub mod table_size;

use crate::rules::Ctx;

/// nf_conntrack_max as kube-proxy computes it: `max(maxPerCore × cores, min)` when maxPerCore
/// > 0, capped where the release has the cap; None when kube-proxy leaves the host value.
pub fn effective_max(cx: &Ctx<'_>, cores: u64) -> Option<i64> {
    let t = &cx.kb.tuning.conntrack;
    let per_core = cx
        .int("conntrack.maxPerCore")
        .unwrap_or(t.default_max_per_core);
    if per_core <= 0 {
        return None;
    }
    let min = cx.int("conntrack.min").unwrap_or(t.default_min);
    let scaled = per_core.saturating_mul(cores as i64);
    if cx.release.at_least(&t.max_cap_since) && scaled > t.max_cap {
        return Some(t.max_cap);
    }
    Some(scaled.max(min))
}
