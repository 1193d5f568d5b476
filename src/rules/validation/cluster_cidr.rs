//! KP114.
use crate::go::parse_cidr_sloppy;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// When kube-proxy detects local traffic by cluster CIDR (`detectLocalMode: ClusterCIDR`,
    /// the default), reports a `clusterCIDR` that is not one CIDR or a dual-stack pair
    /// separated by a comma: an invalid CIDR, a space after the comma (kube-proxy splits on `,`
    /// without trimming), more than two entries, or two entries of the same family. In a kubeadm
    /// file an empty `clusterCIDR` takes `networking.podSubnet`, which is checked the same way.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be a valid CIDR block` or `must be a either a single
    /// CIDR or dual-stack pair of CIDRs`.
    ///
    /// ## Example
    /// ```yaml
    /// clusterCIDR: "10.244.0.0/16, fd00:10:244::/56"
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// clusterCIDR: "10.244.0.0/16,fd00:10:244::/56"
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateDetectLocalConfiguration`)
    /// - pkg/proxy/apis/config/v1alpha1/conversion.go (`strings.Split(clusterCIDR, ",")`)
    /// - cmd/kubeadm/app/componentconfigs/kubeproxy.go (clusterCIDR from podSubnet)
    pub static RULE = {
        code: "KP114",
        name: "invalid-cluster-cidr",
        category: Validation,
        severity: Error,
        summary: "clusterCIDR must be one CIDR or a dual-stack pair",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let mode = cx.str("detectLocalMode").unwrap_or("");
    if !(mode.is_empty() || mode == "ClusterCIDR") {
        return;
    }
    let (value, span, from_kubeadm) = match cx.str("clusterCIDR").filter(|s| !s.is_empty()) {
        Some(s) => (s.to_string(), cx.span("clusterCIDR"), false),
        None => match &cx.cfg.pod_subnet {
            Some((s, span)) if !s.is_empty() => (s.clone(), *span, true),
            _ => return,
        },
    };
    let what = if from_kubeadm {
        "clusterCIDR (from kubeadm networking.podSubnet)"
    } else {
        "clusterCIDR"
    };
    let parts: Vec<&str> = value.split(',').collect();
    let mut bad = false;
    for p in &parts {
        if parse_cidr_sloppy(p).is_none() {
            bad = true;
            let help = if p.trim() != *p {
                "remove the spaces: kube-proxy splits on \",\" without trimming".to_string()
            } else {
                "write a CIDR such as 10.244.0.0/16".to_string()
            };
            let f = cx
                .at(
                    &RULE,
                    "clusterCIDR",
                    format!("{what} entry {p:?} is not a valid CIDR"),
                )
                .at(span)
                .label("must be a valid CIDR block (e.g. 10.100.0.0/16 or fde4:8dba:82e1::/48)")
                .help(help);
            cx.emit(f);
        }
    }
    let dual = parts.len() == 2
        && !bad
        && parse_cidr_sloppy(parts[0]).map(|c| c.0.is_ipv4())
            != parse_cidr_sloppy(parts[1]).map(|c| c.0.is_ipv4());
    if parts.len() > 2 || (parts.len() == 2 && !bad && !dual) {
        let f = cx
            .at(
                &RULE,
                "clusterCIDR",
                format!("{what} {value:?} is not a single CIDR or a dual-stack pair"),
            )
            .at(span)
            .label("must be one CIDR, or one IPv4 and one IPv6 CIDR")
            .help("for dual-stack, give exactly one IPv4 and one IPv6 CIDR separated by a comma");
        cx.emit(f);
    }
}
