//! KP109.
use crate::go::parse_cidr_sloppy;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In ipvs mode, reports `ipvs.excludeCIDRs` entries that are not CIDRs (a bare IP, a
    /// range, a typo).
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be a valid CIDR`. These are the IPVS rules kube-proxy
    /// leaves alone when it cleans up, e.g. rules of another load balancer.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   excludeCIDRs: ["10.0.0.5"]
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    ///   excludeCIDRs: ["10.0.0.5/32"]
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateIPVSExcludeCIDRs`)
    pub static RULE = {
        code: "KP109",
        name: "invalid-exclude-cidr",
        category: Validation,
        severity: Error,
        summary: "ipvs.excludeCIDRs entries must be CIDRs",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    for (i, s) in cx.strings("ipvs.excludeCIDRs") {
        if parse_cidr_sloppy(s).is_none() {
            let path = format!("ipvs.excludeCIDRs[{i}]");
            let help = if crate::go::parse_ip_sloppy(s).is_some() {
                format!(
                    "write a single address as a CIDR: {s}/{}",
                    if s.contains(':') { 128 } else { 32 }
                )
            } else {
                "write a CIDR such as 10.0.0.0/24".to_string()
            };
            let f = cx
                .at(&RULE, &path, format!("{s:?} is not a valid CIDR"))
                .label("must be a valid CIDR")
                .help(help);
            cx.emit(f);
        }
    }
}
