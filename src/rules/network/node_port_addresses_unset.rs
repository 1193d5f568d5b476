//! KP605.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In iptables or IPVS mode, reports a configuration without `nodePortAddresses`, for
    /// releases that support `["primary"]` (1.31+).
    ///
    /// ## Why it matters
    /// Unset, NodePort Services accept connections on every local IP of the node — including
    /// LoadBalancer IPs bound to `kube-ipvs0`, other interfaces' addresses and, in iptables
    /// mode, 127.0.0.1. kube-proxy warns at start-up: "nodePortAddresses is unset; NodePort
    /// connections will be accepted on all local IPs. Consider using `--nodeport-addresses
    /// primary`". nftables mode already defaults to `primary`.
    ///
    /// ## Example
    /// ```yaml
    /// mode: iptables
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// nodePortAddresses: ["primary"]
    /// ```
    /// Fix safety: unsafe (NodePorts stop answering on other addresses).
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/server.go (`checkBadConfig`)
    /// - kubernetes/kube-proxy commit bec13f0 (`primary`, 1.31)
    pub static RULE = {
        code: "KP605",
        name: "node-port-addresses-unset",
        category: Network,
        severity: Info,
        summary: "nodePortAddresses unset: NodePorts open on every local IP",
        fix: Unsafe,
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() == "nftables" {
        return;
    }
    if !cx
        .release
        .at_least(&cx.kb.releases.validation.node_port_primary_since)
    {
        return;
    }
    if !cx.strings("nodePortAddresses").is_empty() {
        return;
    }
    let msg = "nodePortAddresses is unset: NodePorts accept connections on every local IP";
    let f = cx
        .at_field_or_doc(&RULE, "nodePortAddresses", msg, "empty")
        .path("nodePortAddresses");
    let fix = cx.fix_set(
        "nodePortAddresses",
        "[\"primary\"]",
        crate::fix::Safety::Unsafe,
        "set nodePortAddresses: [\"primary\"]",
    );
    cx.emit(
        f.help("set `nodePortAddresses: [\"primary\"]` (the nftables default) unless NodePorts must answer on other addresses")
            .with_fix(fix),
    );
}
