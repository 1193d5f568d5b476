//! KP402.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `maxPerCore × cores` above 1,048,576 (cores from `--cores-per-node`) in
    /// releases that cap the computed value (1.36 and later).
    ///
    /// ## Why it matters
    /// Since 1.36 kube-proxy caps the computed `nf_conntrack_max` at 1,048,576 when
    /// `maxPerCore × cores` exceeds it — and then ignores `min` as well. (A large `min` on
    /// its own is still applied.) A node that needs more must set the sysctl itself: kube-proxy
    /// only ever raises the limit, so a higher host value stays.
    ///
    /// ## Example
    /// ```yaml
    /// # kp-lint --cores-per-node 64 (64 × 32768 = 2,097,152)
    /// conntrack:
    ///   maxPerCore: 32768
    /// ```
    ///
    /// ## How to fix
    /// Set `net.netfilter.nf_conntrack_max` on the host (sysctl.d) and keep kube-proxy's values
    /// within the cap.
    ///
    /// ## References
    /// - kubernetes/kubernetes#137002 (cap at 1,048,576; first in 1.36)
    /// - pkg/proxy/conntrack/sysctls.go@008b3652 (`getConntrackMax`: the cap applies to the product)
    pub static RULE = {
        code: "KP402",
        name: "conntrack-max-above-cap",
        category: Conntrack,
        severity: Warning,
        summary: "maxPerCore × cores above the 1,048,576 cap kube-proxy applies since 1.36",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let t = &cx.kb.tuning.conntrack;
    if !cx.release.at_least(&t.max_cap_since) || cx.int("conntrack.maxPerCore") == Some(0) {
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
        let f = cx.at_field_or_doc(&RULE, "conntrack.maxPerCore", msg, "capped");
        cx.emit(f.help("size nf_conntrack_max on the host if the nodes need more entries"));
    }
}
