//! KP601.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports nftables mode on a node kernel (from `--kernel-version`) older than 5.13.
    ///
    /// ## Why it matters
    /// kube-proxy in nftables mode refuses to start on kernels before 5.13: `kube-proxy in
    /// nftables mode requires kernel 5.13 or later` (it relies on nftables features of that
    /// kernel). RHEL 8 (4.18) is the usual case.
    ///
    /// ## Example
    /// `kp-lint --kernel-version 4.18.0-553.el8 config.yaml` with `mode: nftables`.
    ///
    /// ## How to fix
    /// Upgrade the kernel, or stay on iptables mode on those nodes.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/util/kernel/constants.go (`NFTablesKubeProxyKernelVersion = 5.13`)
    /// - pkg/proxy/nftables/proxier.go (kernel check); issues.k8s.io/122743
    pub static RULE = {
        code: "KP601",
        name: "nftables-kernel-too-old",
        category: Network,
        severity: Error,
        summary: "nftables mode needs kernel 5.13 or later",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "nftables" {
        return;
    }
    let Some(k) = &cx.profile.kernel else { return };
    if k.value.at_least(5, 13) {
        return;
    }
    let f = cx
        .at(
            &RULE,
            "mode",
            format!(
                "nftables mode on kernel {} ({}): kube-proxy needs 5.13 or later",
                k.value, k.source
            ),
        )
        .label("kube-proxy refuses to start")
        .help("upgrade the nodes' kernel, or use iptables mode on them");
    cx.emit(f);
}
