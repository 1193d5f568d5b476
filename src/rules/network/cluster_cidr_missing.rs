//! KP604.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a configuration that detects local traffic by cluster CIDR (`detectLocalMode:
    /// ClusterCIDR`, also the default) without a `clusterCIDR` — and, in a kubeadm file,
    /// without a `networking.podSubnet` for kubeadm to fill it from.
    ///
    /// ## Why it matters
    /// kube-proxy then cannot tell pod traffic from external traffic ("clusterCIDR not
    /// specified, unable to distinguish between internal and external traffic"): Service
    /// traffic from outside the cluster is not masqueraded as intended and
    /// `externalTrafficPolicy`/`masqueradeAll` decisions go wrong. Configurations of the kind
    /// `kubeadm config print init-defaults` leave `podSubnet` out.
    ///
    /// ## Example
    /// ```yaml
    /// detectLocalMode: ClusterCIDR
    /// clusterCIDR: ""
    /// ```
    ///
    /// ## How to fix
    /// Set `clusterCIDR` (or kubeadm's `networking.podSubnet`) to the pod network, or use
    /// `detectLocalMode: NodeCIDR` when nodes have `spec.podCIDR`.
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kube-proxy/app/server_linux.go (`getLocalDetector`)
    /// - cmd/kubeadm/app/componentconfigs/kubeproxy.go (clusterCIDR from podSubnet)
    pub static RULE = {
        code: "KP604",
        name: "cluster-cidr-missing",
        category: Network,
        severity: Warning,
        summary: "detectLocalMode ClusterCIDR without a clusterCIDR",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let mode = cx.str("detectLocalMode").unwrap_or("");
    if !(mode.is_empty() || mode == "ClusterCIDR") {
        return;
    }
    if cx.str("clusterCIDR").is_some_and(|s| !s.is_empty()) {
        return;
    }
    if cx
        .cfg
        .pod_subnet
        .as_ref()
        .is_some_and(|(s, _)| !s.is_empty())
    {
        return;
    }
    let kubeadm = cx.cfg.kubeadm_release.is_some();
    let msg = if kubeadm {
        "detectLocalMode ClusterCIDR with no clusterCIDR and no kubeadm networking.podSubnet"
    } else {
        "detectLocalMode ClusterCIDR with no clusterCIDR"
    };
    let f = if cx.value("detectLocalMode").is_some() {
        cx.at(&RULE, "detectLocalMode", msg)
            .label("needs clusterCIDR")
    } else if cx.value("clusterCIDR").is_some() {
        cx.at(&RULE, "clusterCIDR", msg).label("empty")
    } else {
        cx.at_doc(&RULE, msg)
    };
    cx.emit(f.path("clusterCIDR").help(if kubeadm {
        "set networking.podSubnet in the ClusterConfiguration (kubeadm copies it) or clusterCIDR here"
    } else {
        "set clusterCIDR to the pod network, or use detectLocalMode: NodeCIDR"
    }));
}
