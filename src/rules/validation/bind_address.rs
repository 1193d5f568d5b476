//! KP110.
use crate::go::{parse_ip_sloppy, split_host_port};
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `bindAddress` that is not a plain IP address: with a port
    /// (`0.0.0.0:10256`), a CIDR, or a host name.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `not a valid textual representation of an IP address`.
    /// Despite its name, kube-proxy binds no socket to it: it overrides kube-proxy's idea of the
    /// node's primary IP and decides the default family of the healthz and metrics addresses.
    ///
    /// ## Example
    /// ```yaml
    /// bindAddress: 0.0.0.0:10256
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// bindAddress: 0.0.0.0
    /// healthzBindAddress: 0.0.0.0:10256
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go (`BindAddress`,
    ///   `netutils.ParseIPSloppy`)
    /// - kubernetes/kube-proxy config/v1alpha1/types.go (`bindAddress` documentation)
    pub static RULE = {
        code: "KP110",
        name: "invalid-bind-address",
        category: Validation,
        severity: Error,
        summary: "bindAddress must be an IP address",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.is_defaulted("bindAddress") {
        return;
    }
    let Some(s) = cx.str("bindAddress") else {
        return;
    };
    if parse_ip_sloppy(s).is_some() {
        return;
    }
    let help = match split_host_port(s) {
        Some((host, port)) if parse_ip_sloppy(host).is_some() => format!(
            "bindAddress takes no port: write `bindAddress: {host}` and put the port in healthzBindAddress or metricsBindAddress (e.g. {s:?} → port {port})"
        ),
        _ => "write an IP address such as 0.0.0.0 or ::".to_string(),
    };
    let f = cx
        .at(
            &RULE,
            "bindAddress",
            format!("bindAddress {s:?} is not an IP address"),
        )
        .label("not a valid textual representation of an IP address")
        .help(help);
    cx.emit(f);
}
