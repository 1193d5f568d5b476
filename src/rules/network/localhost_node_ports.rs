//! KP606.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In iptables mode (set or by default), reports `iptables.localhostNodePorts` left at its
    /// default `true` (or set true) when `nodePortAddresses` does not exclude loopback.
    ///
    /// ## Why it matters
    /// To serve NodePorts on 127.0.0.1, kube-proxy sets `net.ipv4.conf.all.route_localnet=1`,
    /// which lets packets to 127.0.0.0/8 be routed — the basis of CVE-2020-8558 (services bound
    /// to localhost reachable from neighbours). Few workloads need NodePorts on localhost;
    /// nftables mode does not serve them at all.
    ///
    /// ## Example
    /// ```yaml
    /// mode: iptables
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// iptables:
    ///   localhostNodePorts: false
    /// ```
    /// or `nodePortAddresses: ["primary"]`. Fix safety: unsafe.
    ///
    /// ## References
    /// - kubernetes/kubernetes#90259 (CVE-2020-8558)
    /// - kubernetes/kube-proxy config/v1alpha1/types.go (`localhostNodePorts`, 1.26)
    pub static RULE = {
        code: "KP606",
        name: "localhost-node-ports",
        category: Network,
        severity: Info,
        summary: "iptables localhost NodePorts set route_localnet=1 (CVE-2020-8558)",
        fix: Unsafe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if !(cx.mode().is_empty() || cx.mode() == "iptables") {
        return;
    }
    let field = cx.kb.field("iptables.localhostNodePorts");
    if field.is_none_or(|f| !cx.release.at_least(&f.since)) {
        return;
    }
    if cx
        .value("iptables.localhostNodePorts")
        .and_then(|v| v.as_bool())
        == Some(false)
    {
        return;
    }
    let npa = cx.strings("nodePortAddresses");
    let loopback = npa.is_empty()
        || npa.iter().any(|(_, s)| {
            matches!(*s, "localhost" | "all")
                || crate::go::parse_cidr_sloppy(s).is_some_and(|(ip, _)| match ip {
                    std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_unspecified(),
                    std::net::IpAddr::V6(_) => false,
                })
        });
    if !loopback {
        return;
    }
    let msg = "NodePorts on localhost make kube-proxy set route_localnet=1";
    let f = cx
        .at_field_or_doc(&RULE, "iptables.localhostNodePorts", msg, "true")
        .path("iptables.localhostNodePorts");
    let fix = cx.fix_set(
        "iptables.localhostNodePorts",
        "false",
        crate::fix::Safety::Unsafe,
        "set iptables.localhostNodePorts: false",
    );
    cx.emit(
        f.help("set `iptables.localhostNodePorts: false` unless something relies on 127.0.0.1:<nodePort> (CVE-2020-8558)")
            .with_fix(fix),
    );
}
