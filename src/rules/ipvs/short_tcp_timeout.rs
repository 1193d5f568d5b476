//! KP503.
use crate::go::format_duration;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// In IPVS mode, reports `ipvs.tcpTimeout` set below 5 minutes.
    ///
    /// ## Why it matters
    /// IPVS drops an idle established TCP connection after its TCP timeout (kernel default
    /// 900 s). Database pools, gRPC channels and message-queue consumers that stay idle longer
    /// than that see "connection reset by peer". Shortening it makes this more likely; common
    /// keep-alive intervals are 5–15 minutes.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   tcpTimeout: 60s
    /// ```
    ///
    /// ## How to fix
    /// Remove it (0: keep the kernel's 900 s), or keep it above the keep-alive interval of the
    /// longest-lived clients.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/ipvs/proxier.go (`ConfigureTimeouts`)
    /// - rules/tuning/thresholds.toml (5 minutes: kp-lint's judgement)
    pub static RULE = {
        code: "KP503",
        name: "ipvs-tcp-timeout-short",
        category: Ipvs,
        severity: Warning,
        summary: "a short IPVS TCP idle timeout drops idle long-lived connections",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    let t = &cx.kb.tuning.ipvs;
    let Some(d) = cx.duration("ipvs.tcpTimeout") else {
        return;
    };
    if d <= 0 || d >= i128::from(t.short_tcp_timeout_seconds) * 1_000_000_000 {
        return;
    }
    let f = cx
        .at(
            &RULE,
            "ipvs.tcpTimeout",
            format!(
                "ipvs.tcpTimeout is {}: idle TCP connections are dropped after that",
                format_duration(d)
            ),
        )
        .label(format!("kernel default {}s", t.kernel_tcp_timeout_seconds))
        .help(
            "remove it (keep the kernel's 900s) or keep it above your clients' keep-alive interval",
        );
    cx.emit(f);
}
