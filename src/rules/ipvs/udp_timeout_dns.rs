//! KP508.
use crate::go::format_duration;
use crate::rules::Ctx;

/// The kernel's IPVS UDP timeout (`ipvsadm -l --timeout`): 300 s.
const KERNEL_UDP_SECONDS: i128 = 300;

crate::declare_rule! {
    /// ## What it does
    /// In IPVS mode, reports an `ipvs.udpTimeout` of 0 (the kernel's 300 s) or above 60 s, as
    /// information.
    ///
    /// ## Why it matters
    /// UDP has no connections for IPVS to drain: when a CoreDNS pod is deleted or its node dies,
    /// its real server goes, but IPVS connection entries keep sending a client's queries from the
    /// same source port to the dead pod until the UDP timeout expires — DNS timeouts for up to
    /// 5 minutes (kubernetes#71514). A shorter `ipvs.udpTimeout` shortens the outage; nftables
    /// mode clears stale UDP conntrack entries when endpoints go.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   udpTimeout: 0s
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// ipvs:
    ///   udpTimeout: 30s
    /// ```
    /// or move to nftables mode.
    ///
    /// ## References
    /// - kubernetes/kubernetes#71514 (DNS timeouts after CoreDNS restarts in IPVS mode), #57841
    /// - pkg/proxy/ipvs/proxier.go (`ConfigureTimeouts`)
    pub static RULE = {
        code: "KP508",
        name: "ipvs-udp-timeout-dns",
        category: Ipvs,
        severity: Info,
        summary: "a long IPVS UDP timeout keeps DNS going to deleted CoreDNS pods",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    let written = cx.duration("ipvs.udpTimeout");
    let seconds = match written {
        None | Some(0) => KERNEL_UDP_SECONDS,
        Some(d) => d / 1_000_000_000,
    };
    if seconds <= 60 {
        return;
    }
    let what = match written {
        Some(d) if d > 0 => format!("ipvs.udpTimeout is {}", format_duration(d)),
        _ => format!("ipvs.udpTimeout leaves the kernel's {KERNEL_UDP_SECONDS}s"),
    };
    let msg =
        format!("{what}: after a CoreDNS pod goes, its clients' DNS queries can fail that long");
    let f = if cx.value("ipvs.udpTimeout").is_some() {
        cx.at(&RULE, "ipvs.udpTimeout", msg)
            .label("stale UDP entries live this long")
    } else {
        cx.at(&RULE, "mode", msg)
            .label("ipvs mode")
            .path("ipvs.udpTimeout")
    };
    cx.emit(
        f.help("set ipvs.udpTimeout to a few tens of seconds (e.g. 30s), or move to nftables mode"),
    );
}
