//! KP506.
use crate::diagnostic::{Finding, Severity};
use crate::kb::Release;
use crate::rules::FileCtx;

/// `Service.spec.topologyKeys` was alpha from 1.17 and removed in 1.22 (KEP-536 withdrawn in
/// favour of topology-aware hints, KEP-2433).
const REMOVED: Release = Release::new(1, 22);

crate::declare_rule! {
    /// ## What it does
    /// Reports `spec.topologyKeys` on a Service.
    ///
    /// ## Why it matters
    /// The field was an alpha feature (ServiceTopology, 1.17–1.21) and was removed in 1.22; the
    /// API server drops it, so the routing preference it expresses never happens. Articles still
    /// show it.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// spec:
    ///   topologyKeys: ["kubernetes.io/hostname", "*"]
    /// ```
    ///
    /// ## How to fix
    /// Use `spec.trafficDistribution: PreferClose` (or `PreferSameZone`/`PreferSameNode`, GA
    /// in 1.35), or `internalTrafficPolicy: Local` for node-local only.
    ///
    /// ## References
    /// - kubernetes/enhancements keps/sig-network/536-topology-aware-routing (withdrawn)
    /// - KEP-2433 (topology aware hints), KEP-4444 and KEP-3015 (trafficDistribution)
    pub static RULE = {
        code: "KP506",
        name: "service-topology-keys",
        category: Ipvs,
        severity: Error,
        summary: "Service spec.topologyKeys was removed in 1.22",
    }
}

pub fn check(cx: &mut FileCtx<'_>) {
    for svc in &cx.file.services {
        let Some(span) = svc.topology_keys else {
            continue;
        };
        let removed = cx.release.at_least(&REMOVED);
        let f = Finding::new(
            &RULE,
            if removed {
                format!(
                    "spec.topologyKeys was removed in Kubernetes {REMOVED}; the API server drops it"
                )
            } else {
                format!("spec.topologyKeys is alpha and removed in Kubernetes {REMOVED}")
            },
        )
        .at(span)
        .label("removed field")
        .help("use spec.trafficDistribution: PreferClose (or internalTrafficPolicy: Local)")
        .document(svc.document, svc.describe.clone());
        cx.findings.push(if removed {
            f
        } else {
            f.severity(Severity::Warning)
        });
    }
}
