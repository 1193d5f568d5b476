//! KP505.
use crate::diagnostic::Finding;
use crate::rules::FileCtx;

crate::declare_rule! {
    /// ## What it does
    /// Reports Service annotations that try to choose an IPVS scheduler per Service
    /// (annotation keys mentioning `ipvs` and `scheduler`, or `lb-method`/`lb-algorithm` style
    /// keys with an IPVS scheduler name).
    ///
    /// ## Why it matters
    /// kube-proxy has no per-Service scheduler: `ipvs.scheduler` applies to the whole node, and
    /// kube-proxy reads no such annotation. Blog posts showing one (e.g.
    /// `kube-proxy.ipvs.scheduler: sh`) describe other proxies (kube-router has
    /// `kube-router.io/service.scheduler`) or are simply wrong. The annotation does nothing.
    ///
    /// ## Example
    /// ```yaml
    /// kind: Service
    /// metadata:
    ///   annotations:
    ///     ipvs.kubernetes.io/scheduler: lc
    /// ```
    ///
    /// ## How to fix
    /// Delete the annotation. For stickiness use `spec.sessionAffinity: ClientIP`; for a
    /// different algorithm for all Services, `ipvs.scheduler` in kube-proxy's configuration.
    ///
    /// ## References
    /// - kubernetes/kube-proxy config/v1alpha1/types.go (`scheduler` is node-wide)
    /// - cloudnativelabs/kube-router docs (its own per-Service annotation)
    pub static RULE = {
        code: "KP505",
        name: "per-service-ipvs-scheduler",
        category: Ipvs,
        severity: Warning,
        summary: "a Service annotation kube-proxy ignores: there is no per-Service IPVS scheduler",
    }
}

const SCHEDULERS: &[&str] = &[
    "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "dh", "sed", "nq", "mh",
];

pub fn check(cx: &mut FileCtx<'_>) {
    for svc in &cx.file.services {
        for (key, value, span) in &svc.annotations {
            let k = key.to_ascii_lowercase();
            if k.starts_with("kube-router.io/") {
                continue;
            }
            let ipvs_scheduler =
                k.contains("ipvs") && (k.contains("scheduler") || k.contains("sched"));
            let lb_method =
                (k.contains("lb-method") || k.contains("lb-algorithm") || k.contains("scheduler"))
                    && SCHEDULERS.contains(&value.as_str());
            if !(ipvs_scheduler || lb_method) {
                continue;
            }
            cx.findings.push(
                Finding::new(&RULE, format!("kube-proxy ignores the annotation {key:?}: there is no per-Service IPVS scheduler"))
                    .at(*span)
                    .label("no effect")
                    .help("delete it; use spec.sessionAffinity: ClientIP for stickiness, or ipvs.scheduler (node-wide) in kube-proxy's configuration")
                    .document(svc.document, svc.describe.clone()),
            );
        }
    }
}
