//! KP406.
use crate::go::format_duration;
use crate::rules::Ctx;

/// The kernel's own `nf_conntrack_tcp_timeout_established`: 5 days.
const KERNEL_ESTABLISHED_SECONDS: i128 = 432_000;

crate::declare_rule! {
    /// ## What it does
    /// Reports `conntrack.tcpEstablishedTimeout` set to 0 — which leaves the kernel's default of
    /// **5 days** — or above kube-proxy's default of 24h.
    ///
    /// ## Why it matters
    /// Entries of established TCP connections that vanished without a FIN/RST (client crashes,
    /// NAT timeouts, pod churn) stay in the conntrack table for this long. On nodes with many
    /// short-lived connections the table fills (`nf_conntrack: table full, dropping packet`).
    /// kube-proxy lowers the kernel's 5 days to 24h by default for this reason.
    ///
    /// ## Example
    /// ```yaml
    /// conntrack:
    ///   tcpEstablishedTimeout: 0s
    /// ```
    ///
    /// ## How to fix
    /// Remove the field (24h), or keep it no longer than the longest idle connection you must
    /// survive.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/v1alpha1/defaults.go (24h)
    /// - Linux Documentation/networking/nf_conntrack-sysctl.rst (`nf_conntrack_tcp_timeout_established`, 432000)
    pub static RULE = {
        code: "KP406",
        name: "conntrack-established-timeout-long",
        category: Conntrack,
        severity: Warning,
        summary: "conntrack entries of established TCP kept for days: the table fills on churn",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let path = "conntrack.tcpEstablishedTimeout";
    let Some(d) = cx.duration(path) else { return };
    let day = 86_400 * 1_000_000_000i128;
    let msg = if d == 0 {
        format!(
            "{path} is 0: the kernel's default of {} days applies",
            KERNEL_ESTABLISHED_SECONDS / 86_400
        )
    } else if d > day {
        format!(
            "{path} is {}, longer than kube-proxy's default 24h",
            format_duration(d)
        )
    } else {
        return;
    };
    let f = cx
        .at(&RULE, path, msg)
        .label("dead connections stay in the table this long")
        .help(
            "remove the field for 24h, or keep it as short as your longest idle connection allows",
        );
    cx.emit(f);
}
