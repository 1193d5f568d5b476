//! KP111.
use crate::go::{atoi, parse_ip_sloppy, split_host_port};
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `healthzBindAddress` or `metricsBindAddress` that is not `IP:port` after
    /// kube-proxy's defaulting: a bare IP is fine (kube-proxy appends the default port, 10256
    /// or 10249), but a host name, `:10249` (empty host), a port outside 1–65535, or an IPv6
    /// address without brackets is refused.
    ///
    /// ## Why it matters
    /// kube-proxy refuses to start: `must be IP:port`, `must be a valid IP` or `must be a
    /// valid port`.
    ///
    /// ## Example
    /// ```yaml
    /// metricsBindAddress: localhost:10249
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// metricsBindAddress: 127.0.0.1:10249
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/validation/validation.go
    ///   (`validateHostPort`)
    /// - pkg/proxy/apis/config/v1alpha1/defaults.go (`proxyutil.AppendPortIfNeeded`)
    pub static RULE = {
        code: "KP111",
        name: "invalid-server-address",
        category: Validation,
        severity: Error,
        summary: "healthzBindAddress and metricsBindAddress must be IP:port",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    for path in ["healthzBindAddress", "metricsBindAddress"] {
        if cx.is_defaulted(path) {
            continue;
        }
        let Some(s) = cx.str(path) else { continue };
        // AppendPortIfNeeded: a bare IP gets the default port.
        if parse_ip_sloppy(s).is_some() {
            continue;
        }
        let problem = match split_host_port(s) {
            None => "must be IP:port",
            Some((host, port)) => {
                if parse_ip_sloppy(host).is_none() {
                    "must be a valid IP"
                } else if !atoi(port).is_some_and(|p| (1..=65535).contains(&p)) {
                    "must be a valid port"
                } else {
                    continue;
                }
            }
        };
        let f = cx
            .at(
                &RULE,
                path,
                format!("{path} {s:?} is not a valid IP:port ({problem})"),
            )
            .label(problem)
            .help(if path == "healthzBindAddress" {
                "write an IP address and a port, e.g. 0.0.0.0:10256 or [::]:10256"
            } else {
                "write an IP address and a port, e.g. 127.0.0.1:10249 or [::1]:10249"
            });
        cx.emit(f);
    }
}
