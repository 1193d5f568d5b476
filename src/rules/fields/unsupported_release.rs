//! KP206.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a target Kubernetes release (from `--kubernetes-version`, `.kp-lint.toml` or the
    /// kubeadm `kubernetesVersion` in the file) that is no longer supported upstream.
    ///
    /// ## Why it matters
    /// End-of-life releases get no fixes, including kube-proxy security and nftables fixes
    /// (e.g. the nft 1.1.3 breakage, fixed only in maintained branches). On 2026-11-22 the
    /// supported releases are 1.35, 1.36 and 1.37.
    ///
    /// ## Example
    /// ```yaml
    /// kind: ClusterConfiguration
    /// kubernetesVersion: v1.30.4
    /// ```
    ///
    /// ## How to fix
    /// Upgrade one minor release at a time to a supported release.
    ///
    /// ## References
    /// - endoflife-date/endoflife.date products/kubernetes.md
    /// - kubernetes/sig-release releases/ (release dates)
    pub static RULE = {
        code: "KP206",
        name: "unsupported-kubernetes-release",
        category: Fields,
        severity: Warning,
        summary: "the target Kubernetes release is end of life",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let supported = &cx.kb.releases.supported;
    let oldest = supported.iter().min().copied();
    let Some(oldest) = oldest else { return };
    if cx.release.at_least(&oldest) {
        return;
    }
    let list = supported
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let f = cx.at_doc(&RULE, format!("Kubernetes {} is end of life", cx.release));
    let f = match cx.cfg.kubeadm_release {
        Some((_, span)) => f.at(span).label("end-of-life release"),
        None => f,
    };
    cx.emit(f.help(format!("upgrade to a supported release ({list})")));
}
