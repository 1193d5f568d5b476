//! KP609.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In nftables mode, reports `iptables.localhostNodePorts: true`, and `nodePortAddresses`
    /// entries for loopback (`127.0.0.0/8`, `localhost`) before the 1.37 alpha that serves
    /// them.
    ///
    /// ## Why it matters
    /// nftables mode does not serve NodePorts on localhost (they relied on `route_localnet`,
    /// see CVE-2020-8558); the setting is silently inert. Clients that used
    /// `127.0.0.1:<nodePort>` on the node (some ingress set-ups, health checks) break after a
    /// move from iptables. 1.37 adds an alpha, `KubeProxyNFTablesLocalhostNodePorts`, for TCP.
    ///
    /// ## Example
    /// ```yaml
    /// mode: nftables
    /// iptables:
    ///   localhostNodePorts: true
    /// ```
    ///
    /// ## How to fix
    /// Point such clients at the node's IP, then delete the setting.
    ///
    /// ## References
    /// - kubernetes/website content/en/docs/reference/networking/virtual-ips.md (nftables
    ///   migration: NodePorts on localhost)
    /// - KEP-6032 (nftables localhost NodePorts, alpha 1.37)
    pub static RULE = {
        code: "KP609",
        name: "nftables-no-localhost-node-ports",
        category: Network,
        severity: Warning,
        summary: "localhost NodePorts requested in nftables mode, which does not serve them",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "nftables" {
        return;
    }
    let gate_on = cx
        .value("featureGates")
        .and_then(|g| g.get("KubeProxyNFTablesLocalhostNodePorts"))
        .and_then(|v| v.as_bool())
        == Some(true);
    if gate_on {
        return;
    }
    if cx
        .value("iptables.localhostNodePorts")
        .and_then(|v| v.as_bool())
        == Some(true)
    {
        let f = cx
            .at(
                &RULE,
                "iptables.localhostNodePorts",
                "localhostNodePorts has no effect in nftables mode",
            )
            .label("nftables serves no NodePorts on localhost")
            .help(
                "point clients of 127.0.0.1:<nodePort> at the node's IP, then delete the setting",
            );
        cx.emit(f);
    }
    for (i, s) in cx.strings("nodePortAddresses") {
        let loopback = s == "localhost"
            || crate::go::parse_cidr_sloppy(s).is_some_and(|(ip, _)| ip.is_loopback());
        if loopback {
            let path = format!("nodePortAddresses[{i}]");
            let f = cx
                .at(
                    &RULE,
                    &path,
                    format!("{s:?}: nftables mode serves no NodePorts on loopback"),
                )
                .label("inert in nftables mode")
                .help("use the node's addresses, or `primary`");
            cx.emit(f);
        }
    }
}
