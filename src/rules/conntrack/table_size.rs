//! KP404.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a conntrack table that kube-proxy sizes smaller than its own defaults would:
    /// `maxPerCore` below 32,768 or `min` below 131,072, showing the resulting
    /// `nf_conntrack_max` when `--cores-per-node` is known.
    ///
    /// ## Why it matters
    /// A full conntrack table drops new connections (`nf_conntrack: table full, dropping
    /// packet`), the most common kube-proxy-adjacent outage on busy nodes. kube-proxy only ever
    /// raises the limit, so lowering these values usually does nothing except on fresh hosts —
    /// where it leaves the table small.
    ///
    /// ## Example
    /// ```yaml
    /// conntrack:
    ///   maxPerCore: 8192
    /// ```
    ///
    /// ## How to fix
    /// Remove the override (defaults 32768 per core, at least 131072), or raise it. Watch
    /// `node_nf_conntrack_entries / node_nf_conntrack_entries_limit` (node_exporter).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/conntrack/sysctls.go (`getConntrackMax`, raise-only)
    /// - pkg/proxy/apis/config/v1alpha1/defaults.go (32768 / 131072)
    pub static RULE = {
        code: "KP404",
        name: "conntrack-table-small",
        category: Conntrack,
        severity: Info,
        summary: "conntrack sized below kube-proxy's defaults",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let t = &cx.kb.tuning.conntrack;
    let per_core = cx.int("conntrack.maxPerCore");
    let min = cx.int("conntrack.min");
    let low_per_core = per_core.is_some_and(|p| p > 0 && p < t.default_max_per_core);
    let low_min = min.is_some_and(|m| m >= 0 && m < t.default_min) && per_core != Some(0);
    if !low_per_core && !low_min {
        return;
    }
    let path = if low_per_core {
        "conntrack.maxPerCore"
    } else {
        "conntrack.min"
    };
    let value = if low_per_core { per_core } else { min }.unwrap_or(0);
    let default = if low_per_core {
        t.default_max_per_core
    } else {
        t.default_min
    };
    let eff = cx
        .profile
        .cores_per_node
        .as_ref()
        .and_then(|c| super::effective_max(cx, c.value).map(|m| (m, c.value)));
    let detail = match eff {
        Some((m, cores)) => format!("; nf_conntrack_max on a {cores}-core node: {m}"),
        None => String::new(),
    };
    let f = cx
        .at(&RULE, path, format!("{path} {value} is below kube-proxy's default {default}{detail}"))
        .label("smaller than the default")
        .help("remove the override unless the nodes' memory is very tight; a full table drops new connections");
    cx.emit(f);
}
