//! KP113.
use crate::go::parse_cidr_sloppy;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `nodePortAddresses` entries kube-proxy refuses in the target release: entries
    /// that are not CIDRs (a bare IP such as `10.0.0.5`), the keyword `primary` before 1.31,
    /// `primary` together with other entries in 1.31–1.36, and the keywords `localhost` and
    /// `all` before 1.37.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be a valid CIDR` or `can't use both 'primary' and
    /// CIDRs`. From 1.37 any combination of keywords and CIDRs is allowed.
    ///
    /// ## Example
    /// ```yaml
    /// nodePortAddresses: ["primary", "10.0.0.0/8"]
    /// ```
    ///
    /// ## How to fix
    /// Before 1.37, use either `["primary"]` or a list of CIDRs.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateKubeProxyNodePortAddress`)
    /// - kubernetes/kube-proxy commits bec13f0 (`primary`, 1.31) and a49df23 (keywords and mixing, 1.37)
    pub static RULE = {
        code: "KP113",
        name: "invalid-node-port-address",
        category: Validation,
        severity: Error,
        summary: "nodePortAddresses entries must be CIDRs or keywords the release knows",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let v = &cx.kb.releases.validation;
    let r = cx.release;
    let entries = cx.strings("nodePortAddresses");
    let n = entries.len();
    for (i, s) in entries {
        let path = format!("nodePortAddresses[{i}]");
        let (msg, label, help) = match s {
            "primary" if r.at_least(&v.node_port_primary_since) => {
                if r.at_least(&v.node_port_keywords_mixed_since) || (i == 0 && n == 1) {
                    continue;
                }
                (
                    format!("\"primary\" must be the only entry in Kubernetes {r}"),
                    "can't use both 'primary' and CIDRs",
                    format!(
                        "use either [\"primary\"] or CIDRs; mixing is allowed from Kubernetes {}",
                        v.node_port_keywords_mixed_since
                    ),
                )
            }
            "primary" | "localhost" | "all" => {
                let since = if s == "primary" {
                    v.node_port_primary_since
                } else {
                    v.node_port_localhost_all_since
                };
                if r.at_least(&since) {
                    continue;
                }
                (
                    format!("the keyword {s:?} is not known before Kubernetes {since}"),
                    "must be a valid CIDR",
                    if s == "primary" {
                        "use the node's CIDRs, such as 10.0.0.0/8".to_string()
                    } else {
                        "use CIDRs: 127.0.0.0/8 for localhost, 0.0.0.0/0 for all".to_string()
                    },
                )
            }
            _ => {
                if parse_cidr_sloppy(s).is_some() {
                    continue;
                }
                (
                    format!("{s:?} is not a valid CIDR"),
                    "must be a valid CIDR",
                    if crate::go::parse_ip_sloppy(s).is_some() {
                        format!(
                            "write a single address as {s}/{}",
                            if s.contains(':') { 128 } else { 32 }
                        )
                    } else {
                        "use CIDRs such as 10.0.0.0/8, or [\"primary\"]".to_string()
                    },
                )
            }
        };
        let f = cx.at(&RULE, &path, msg).label(label).help(help);
        cx.emit(f);
    }
}
