//! KP507.
use crate::diagnostic::Finding;
use crate::rules::FileCtx;
use crate::source::Fact;

crate::declare_rule! {
    /// ## What it does
    /// Reports node set-up files (Ansible tasks, cloud-init, modules-load lists, DaemonSets
    /// that run `modprobe`) that load the kernel module `nf_conntrack_ipv4`, unless the profile's
    /// kernel (`--kernel-version`) is older than 4.19.
    ///
    /// ## Why it matters
    /// Linux 4.19 merged `nf_conntrack_ipv4` into `nf_conntrack` (torvalds/linux a0ae2562):
    /// `modprobe nf_conntrack_ipv4` fails on every current kernel, and set-up scripts copied
    /// from IPVS guides (`ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh nf_conntrack_ipv4`) stop there.
    /// kube-proxy itself checks for `nf_conntrack` on 4.19+.
    ///
    /// ## Example
    /// ```yaml
    /// - name: load IPVS modules
    ///   modprobe: {name: nf_conntrack_ipv4}
    /// ```
    ///
    /// ## How to fix
    /// Load `nf_conntrack` instead.
    ///
    /// ## References
    /// - torvalds/linux commit a0ae2562 ("netfilter: conntrack: remove l3proto abstraction")
    /// - kubernetes/kubernetes pkg/util/ipvs kernel module list (`GetRequiredIPVSModules`)
    pub static RULE = {
        code: "KP507",
        name: "nf-conntrack-ipv4-module",
        category: Ipvs,
        severity: Warning,
        summary: "nf_conntrack_ipv4 is gone since Linux 4.19: load nf_conntrack",
    }
}

pub fn check(cx: &mut FileCtx<'_>) {
    if cx
        .profile
        .kernel
        .as_ref()
        .is_some_and(|k| !k.value.at_least(4, 19))
    {
        return;
    }
    for fact in &cx.file.facts {
        if let Fact::NfConntrackIpv4Module { span } = fact {
            cx.findings.push(
                Finding::new(
                    &RULE,
                    "nf_conntrack_ipv4 does not exist since Linux 4.19; modprobe fails",
                )
                .at(*span)
                .label("merged into nf_conntrack")
                .help("load nf_conntrack instead"),
            );
        }
    }
}
