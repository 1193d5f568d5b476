//! KP405.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a `net.netfilter.nf_conntrack_max` set on the nodes (a sysctl.d file, Ansible
    /// variables or tasks, Talos `machine.sysctls` in the linted files) that is lower than
    /// what kube-proxy computes (`max(maxPerCore × cores, min)`; with unknown cores, at least
    /// `min`).
    ///
    /// ## Why it matters
    /// kube-proxy writes `nf_conntrack_max` at every start when the current value is lower, so
    /// the hand-tuned host value is silently replaced (and `hashsize` raised to max/4): memory
    /// use differs from what the node tuning intended, and the two settings disagree in review.
    /// (A higher host value is kept: kube-proxy only raises.)
    ///
    /// ## Example
    /// ```yaml
    /// # group_vars/all.yml
    /// sysctl_settings:
    ///   net.netfilter.nf_conntrack_max: 65536
    /// ```
    ///
    /// ## How to fix
    /// Let one side own the value: set `conntrack.maxPerCore: 0` so kube-proxy leaves the host
    /// value alone, or drop the host setting (or raise it above kube-proxy's value).
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/conntrack/sysctls.go (`setSysctls`: writes only when
    ///   the current value is lower; hashsize max/4)
    pub static RULE = {
        code: "KP405",
        name: "host-conntrack-max-overwritten",
        category: Conntrack,
        severity: Warning,
        summary: "a host nf_conntrack_max that kube-proxy raises at start-up",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let Some(host) = &cx.profile.host_conntrack_max else {
        return;
    };
    let cores = cx.profile.cores_per_node.as_ref().map_or(1, |c| c.value);
    let Some(kp) = super::effective_max(cx, cores) else {
        return;
    };
    if host.value >= kp {
        return;
    }
    let at_least = if cx.profile.cores_per_node.is_none() {
        "at least "
    } else {
        ""
    };
    let msg = format!(
        "the nodes set nf_conntrack_max = {} ({}), kube-proxy raises it to {at_least}{kp} at start-up",
        host.value, host.source
    );
    let f = if cx.value("conntrack").is_some() {
        cx.at(&RULE, "conntrack", msg)
            .at(cx.key_span("conntrack"))
            .label("kube-proxy sizes the table here")
    } else {
        cx.at_doc(&RULE, msg).path("conntrack.maxPerCore")
    };
    cx.emit(f.help("let one side own the value: conntrack.maxPerCore: 0 leaves the host's value, or drop the host setting"));
}
