//! KP502.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In IPVS mode, explains the hashing schedulers `sh` (source hashing), `dh` (destination
    /// hashing) and `mh` (Maglev hashing) when they are configured.
    ///
    /// ## Why it matters
    /// The scheduler is node-wide: it applies to **every** Service on the node. Hashing pins
    /// each client address to one backend for as long as the backend set is unchanged — a
    /// cluster-wide "session affinity" that also skews load when many clients come through a
    /// few NAT addresses, and that kube-proxy does not rebalance. For stickiness of particular
    /// Services, `sessionAffinity: ClientIP` on those Services is the supported way. kube-proxy
    /// sets `mh-port` but not `mh-fallback` for `mh`.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   scheduler: sh
    /// ```
    ///
    /// ## How to fix
    /// Prefer `rr` (default) or `lc`/`wlc` for even load; use `sessionAffinity: ClientIP` on the
    /// Services that need stickiness.
    ///
    /// ## References
    /// - Linux net/netfilter/ipvs/ip_vs_sh.c, ip_vs_dh.c, ip_vs_mh.c
    /// - kubernetes/website#48235 (mh flags)
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (session affinity)
    pub static RULE = {
        code: "KP502",
        name: "ipvs-hashing-scheduler",
        category: Ipvs,
        severity: Info,
        summary: "a node-wide hashing IPVS scheduler (sh, dh, mh)",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    let Some(s) = cx.str("ipvs.scheduler") else {
        return;
    };
    let what = match s {
        "sh" => "source hashing",
        "dh" => "destination hashing",
        "mh" => "Maglev hashing",
        _ => return,
    };
    let f = cx
        .at(&RULE, "ipvs.scheduler", format!("scheduler {s} ({what}) pins clients to backends for every Service on the node"))
        .label("node-wide")
        .help("use rr or lc for even load, and `sessionAffinity: ClientIP` on the Services that need stickiness");
    cx.emit(f);
}
