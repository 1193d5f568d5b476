//! KP401.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `conntrack.maxPerCore: 0` together with a `conntrack.min`: with 0 kube-proxy
    /// leaves `nf_conntrack_max` as the host has it and ignores `min`. `maxPerCore: 0` alone is
    /// reported as information, since it is right where the sysctl is not writable.
    ///
    /// ## Why it matters
    /// `maxPerCore: 0` is the documented way to stop kube-proxy touching the conntrack table —
    /// needed in LXC, kind, Docker-in-Docker and rootless setups where `/proc/sys` is read-only
    /// (kube-proxy would otherwise fail to start). Elsewhere it means the table keeps the
    /// kernel's default size, which may be far too small for a busy node (`nf_conntrack: table
    /// full, dropping packet`). A `min` next to it suggests someone expected a floor that does
    /// not apply.
    ///
    /// ## Example
    /// ```yaml
    /// conntrack:
    ///   maxPerCore: 0
    ///   min: 262144
    /// ```
    ///
    /// ## How to fix
    /// Either let kube-proxy size the table (remove `maxPerCore: 0`) or size it on the host
    /// (sysctl `net.netfilter.nf_conntrack_max`) and delete `min`.
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/conntrack/sysctls.go (`getConntrackMax`: 0 leaves the limit)
    /// - kubernetes/website kube-proxy configuration reference (`maxPerCore`: "0 to leave the limit as-is and ignore min")
    pub static RULE = {
        code: "KP401",
        name: "conntrack-max-per-core-zero",
        category: Conntrack,
        severity: Warning,
        summary: "maxPerCore 0 leaves the host's nf_conntrack_max and ignores min",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if cx.int("conntrack.maxPerCore") != Some(0) {
        return;
    }
    let f = if cx.int("conntrack.min").is_some_and(|m| m > 0) {
        cx.at(&RULE, "conntrack.min", "conntrack.min is ignored because conntrack.maxPerCore is 0")
            .label("ignored")
            .also(cx.span("conntrack.maxPerCore"), "0 leaves nf_conntrack_max as the host has it")
            .help("remove maxPerCore: 0 to let kube-proxy size the table, or delete min and size nf_conntrack_max on the host")
    } else {
        cx.at(&RULE, "conntrack.maxPerCore", "conntrack.maxPerCore is 0: kube-proxy leaves nf_conntrack_max as the host has it")
            .label("the host's table size applies")
            .help("right for LXC, kind and rootless nodes where the sysctl is read-only; elsewhere make sure the host sizes nf_conntrack_max")
            .severity(crate::diagnostic::Severity::Info)
    };
    cx.emit(f);
}
