//! KP402.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a computed `nf_conntrack_max` above 1,048,576 — `conntrack.min` above it, or
    /// `maxPerCore × cores` above it (cores from `--cores-per-node`) — in releases that cap the
    /// value (1.36 and later).
    ///
    /// ## Why it matters
    /// Since 1.36 kube-proxy caps `nf_conntrack_max` at 1,048,576: larger values are not
    /// applied. A node that needs more must set the sysctl itself (kube-proxy only ever raises
    /// the limit, so a higher host value stays).
    ///
    /// ## Example
    /// ```yaml
    /// conntrack:
    ///   min: 2097152
    /// ```
    ///
    /// ## How to fix
    /// Set `net.netfilter.nf_conntrack_max` on the host (sysctl.d) and keep kube-proxy's values
    /// within the cap.
    ///
    /// ## References
    /// - kubernetes/kubernetes#137002 (cap at 1,048,576; first in 1.36)
    /// - pkg/proxy/conntrack/sysctls.go (`getConntrackMax`)
    pub static RULE = {
        code: "KP402",
        name: "conntrack-max-above-cap",
        category: Conntrack,
        severity: Warning,
        summary: "a conntrack size above the 1,048,576 cap kube-proxy applies since 1.36",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let t = &cx.kb.tuning.conntrack;
    if !cx.release.at_least(&t.max_cap_since) || cx.int("conntrack.maxPerCore") == Some(0) {
        return;
    }
    if let Some(min) = cx.int("conntrack.min").filter(|m| *m > t.max_cap) {
        let f = cx
            .at(&RULE, "conntrack.min", format!("conntrack.min {min} is above the {} cap of Kubernetes {}", t.max_cap, cx.release))
            .label("capped")
            .help("size nf_conntrack_max on the host for more; kube-proxy never lowers a higher host value");
        cx.emit(f);
        return;
    }
    let Some(cores) = cx.profile.cores_per_node.as_ref().map(|c| c.value) else {
        return;
    };
    let per_core = cx
        .int("conntrack.maxPerCore")
        .unwrap_or(t.default_max_per_core);
    let scaled = per_core.saturating_mul(cores as i64);
    if scaled > t.max_cap {
        let msg = format!(
            "maxPerCore {per_core} × {cores} cores = {scaled}, capped at {} since Kubernetes {}",
            t.max_cap, t.max_cap_since
        );
        let f = if cx.value("conntrack.maxPerCore").is_some() {
            cx.at(&RULE, "conntrack.maxPerCore", msg).label("capped")
        } else {
            cx.at_doc(&RULE, msg)
        };
        cx.emit(f.help("size nf_conntrack_max on the host if the nodes need more entries"));
    }
}
