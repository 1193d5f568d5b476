//! KP504.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In IPVS mode, reports a node kernel (from `--kernel-version`) between 4.1 and 5.8.
    ///
    /// ## Why it matters
    /// On these kernels kube-proxy sets `net.ipv4.vs.conn_reuse_mode=0` to avoid 1-second
    /// connection delays (kubernetes#70747), which in turn causes errors under load from a
    /// single client when a reused source port sticks to a deleted backend (kubernetes#81775).
    /// Both kernel bugs are fixed in 5.9, where kube-proxy leaves the sysctl alone.
    ///
    /// ## Example
    /// `kp-lint --kernel-version 4.19.0 config.yaml` with `mode: ipvs`.
    ///
    /// ## How to fix
    /// Run kernel 5.9 or later on IPVS nodes — or move to nftables (kernel ≥ 5.13).
    ///
    /// ## References
    /// - kubernetes/kubernetes#70747, #71114, #81775, #93297
    /// - pkg/util/kernel/constants.go (`IPVSConnReuseModeFixedKernelVersion = 5.9`)
    pub static RULE = {
        code: "KP504",
        name: "ipvs-kernel-conn-reuse",
        category: Ipvs,
        severity: Warning,
        summary: "IPVS on a kernel before 5.9: connection-reuse bugs",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    let Some(k) = &cx.profile.kernel else { return };
    if k.value.at_least(5, 9) || !k.value.at_least(4, 1) {
        return;
    }
    let f = cx
        .at(&RULE, "mode", format!("IPVS on kernel {} ({}): conn_reuse_mode bugs before 5.9", k.value, k.source))
        .label("ipvs mode")
        .help("use kernel 5.9+ on IPVS nodes (1-second connect delays and #81775), or move to nftables");
    cx.emit(f);
}
