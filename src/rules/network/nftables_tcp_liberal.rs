//! KP602.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports nftables mode without `conntrack.tcpBeLiberal: true` on a node kernel (from
    /// `--kernel-version`) older than 6.1.
    ///
    /// ## Why it matters
    /// Kernels before 6.1 can mark packets of long-lived TCP connections INVALID (e.g. after
    /// window-tracking mistakes), and the kernel then resets the connection ("Connection reset
    /// by peer"). iptables mode installs a workaround rule that drops INVALID packets; nftables
    /// mode does not. Upstream's migration guide recommends `--conntrack-tcp-be-liberal` there.
    ///
    /// ## Example
    /// ```yaml
    /// mode: nftables      # kernel 5.15
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// conntrack:
    ///   tcpBeLiberal: true
    /// ```
    /// Check `kubeproxy_iptables_ct_state_invalid_dropped_packets_total` on the old iptables
    /// nodes: non-zero means the workaround was in use.
    ///
    /// ## References
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (migrating from
    ///   iptables to nftables; conntrack INVALID)
    /// - KEP-3866
    pub static RULE = {
        code: "KP602",
        name: "nftables-needs-tcp-be-liberal",
        category: Network,
        severity: Warning,
        summary: "nftables on a kernel before 6.1 without conntrack.tcpBeLiberal",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "nftables" {
        return;
    }
    let Some(k) = &cx.profile.kernel else { return };
    if k.value.at_least(6, 1) || !k.value.at_least(5, 13) {
        return;
    }
    if cx.value("conntrack.tcpBeLiberal").and_then(|v| v.as_bool()) == Some(true) {
        return;
    }
    let f = cx
        .at(&RULE, "mode", format!("nftables mode on kernel {} without conntrack.tcpBeLiberal", k.value))
        .label("no conntrack INVALID workaround in nftables mode")
        .help("set `conntrack.tcpBeLiberal: true` to avoid resets of long-lived TCP connections on kernels before 6.1")
        .path("conntrack.tcpBeLiberal");
    cx.emit(f);
}
