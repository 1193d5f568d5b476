//! KP121.
use crate::diagnostic::Severity;
use crate::rules::Ctx;

/// Schedulers the Linux kernel ships (net/netfilter/ipvs/ip_vs_<name>.c).
const KERNEL_SCHEDULERS: &[&str] = &[
    "rr", "wrr", "lc", "wlc", "lblc", "lblcr", "sh", "dh", "sed", "nq", "mh", "fo", "ovf", "twos",
];

crate::declare_rule! {
    /// ## What it does
    /// In ipvs mode, reports an `ipvs.scheduler` kube-proxy will not be able to use. Before
    /// 1.27 kube-proxy accepts only `rr wrr lc wlc lblc lblcr sh dh sed nq` (an error). From 1.27
    /// any name passes validation and kube-proxy probes the kernel at start-up by creating a
    /// dummy virtual server with the scheduler: a name that is not a kernel IPVS scheduler
    /// (`ip_vs_<name>` module: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq, mh, fo, ovf,
    /// twos) makes kube-proxy exit (a warning, since a custom kernel module is possible).
    ///
    /// ## Why it matters
    /// `can't use the IPVS proxier` and a restart loop on every node. Note there is no
    /// per-Service scheduler annotation in kube-proxy; the scheduler is node-wide.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   scheduler: leastconn
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    ///   scheduler: lc
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes#114878 (1.27: any scheduler; "If a un-usable scheduler is
    ///   configured kube-proxy will re-start")
    /// - pkg/proxy/ipvs/proxier.go (`CanUseIPVSProxier`)
    /// - validation.go@01593144 (the list before 1.27)
    pub static RULE = {
        code: "KP121",
        name: "invalid-ipvs-scheduler",
        category: Validation,
        severity: Error,
        summary: "an IPVS scheduler kube-proxy cannot use",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.mode() != "ipvs" {
        return;
    }
    let Some(s) = cx.str("ipvs.scheduler").filter(|s| !s.is_empty()) else {
        return;
    };
    let v = &cx.kb.releases.validation;
    let guess = KERNEL_SCHEDULERS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(s))
        .copied()
        .or(match s.to_ascii_lowercase().as_str() {
            "roundrobin" | "round-robin" => Some("rr"),
            "leastconn" | "least-connection" | "leastconnection" => Some("lc"),
            "sourcehash" | "source-hash" => Some("sh"),
            "maglev" => Some("mh"),
            _ => None,
        });
    let help = match guess {
        Some(g) => format!("did you mean `{g}`?"),
        None => "use a kernel IPVS scheduler such as rr, lc or wrr".to_string(),
    };
    if !cx.release.at_least(&v.ipvs_scheduler_list_until) {
        if !v.ipvs_schedulers.iter().any(|x| x == s) {
            let help = if KERNEL_SCHEDULERS.contains(&s) {
                format!(
                    "{s} is accepted from Kubernetes {}; use one of {}",
                    v.ipvs_scheduler_list_until,
                    v.ipvs_schedulers.join(" ")
                )
            } else {
                help
            };
            let f = cx
                .at(
                    &RULE,
                    "ipvs.scheduler",
                    format!(
                        "IPVS scheduler {s:?} is not accepted by kube-proxy {}",
                        cx.release
                    ),
                )
                .label(format!("must be one of {}", v.ipvs_schedulers.join(" ")))
                .help(help);
            cx.emit(f);
        }
        return;
    }
    if !KERNEL_SCHEDULERS.contains(&s) {
        let f = cx
            .at(
                &RULE,
                "ipvs.scheduler",
                format!("{s:?} is not an IPVS scheduler of the Linux kernel"),
            )
            .label(format!(
                "kube-proxy needs the kernel module ip_vs_{s} or exits"
            ))
            .help(help)
            .severity(Severity::Warning);
        cx.emit(f);
    }
}
