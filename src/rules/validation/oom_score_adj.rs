//! KP106.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `oomScoreAdj` outside [-1000, 1000].
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be within the range [-1000, 1000]`. The default
    /// -999 keeps the kernel's OOM killer away from kube-proxy, which every Service on the node
    /// depends on.
    ///
    /// ## Example
    /// ```yaml
    /// oomScoreAdj: -1001
    /// ```
    ///
    /// ## How to fix
    /// Use a value in [-1000, 1000], or remove the field (default -999).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateKubeProxyLinuxConfiguration`)
    /// - pkg/kubelet/qos (`KubeProxyOOMScoreAdj = -999`)
    pub static RULE = {
        code: "KP106",
        name: "oom-score-adj-out-of-range",
        category: Validation,
        severity: Error,
        summary: "oomScoreAdj must be within [-1000, 1000]",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if let Some(v) = cx.int("oomScoreAdj") {
        if !(-1000..=1000).contains(&v) {
            let f = cx
                .at(
                    &RULE,
                    "oomScoreAdj",
                    format!("oomScoreAdj is {v}; it must be within [-1000, 1000]"),
                )
                .label("must be within the range [-1000, 1000]")
                .help("remove the field for the default -999");
            cx.emit(f);
        }
    }
}
