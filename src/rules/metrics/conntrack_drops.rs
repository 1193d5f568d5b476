//! KP816.
use super::{Judge, Verdict};
use crate::metrics::Signal;

crate::declare_rule! {
    /// ## What it does
    /// Reports a node whose kernel dropped connections because the conntrack table was full:
    /// `node_nf_conntrack_stat_drop` plus `node_nf_conntrack_stat_early_drop` above zero (over
    /// the Prometheus window, or since the node booted for a saved page).
    ///
    /// ## Why it matters
    /// Each drop is a connection that failed to open. `early_drop` is the kernel evicting an
    /// unassured entry to make room, `drop` a packet dropped because no room was found. (Not
    /// counted: `insert_failed`, which also rises with the well-known UDP/DNS insertion race
    /// and is not about the table's size.)
    ///
    /// ## Example
    /// ```text
    /// node_nf_conntrack_stat_early_drop 5123
    /// ```
    ///
    /// ## How to fix
    /// Size the table (KP815 suggests `conntrack.maxPerCore`), and find the workload that opens
    /// so many connections.
    ///
    /// ## References
    /// - prometheus/node_exporter collector/conntrack_linux.go (`/proc/net/stat/nf_conntrack`)
    /// - the kernel's Documentation/networking/nf_conntrack-sysctl.rst
    pub static RULE = {
        code: "KP816",
        name: "conntrack-drops",
        category: Metrics,
        severity: Warning,
        summary: "the kernel dropped connections for lack of conntrack room",
    }
}

pub fn judge(j: &Judge<'_>) -> Option<Verdict> {
    let r = j.node.get(Signal::ConntrackDrops)?;
    if r.value < 1.0 {
        return None;
    }
    Some(Verdict {
        rule: &RULE,
        message: format!(
            "the kernel dropped {:.0} connections for lack of conntrack room {}",
            r.value,
            j.period(&r.at, "the node")
        ),
        help: "size the table with conntrack.maxPerCore (KP815) and find the workload that opens so many connections".into(),
        path: Some("conntrack.maxPerCore".into()),
        label: "drops".into(),
        at: r.at.clone(),
        score: r.value,
        set: Vec::new(),
    })
}
