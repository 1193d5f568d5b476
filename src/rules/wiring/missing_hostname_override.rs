//! KP704.
use crate::diagnostic::Finding;
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports a kube-proxy DaemonSet container with `--config` but without
    /// `--hostname-override`.
    ///
    /// ## Why it matters
    /// kube-proxy finds its Node object by name. Without `--hostname-override=$(NODE_NAME)`
    /// (the Downward API `spec.nodeName`, as kubeadm's DaemonSet does) it uses the host name,
    /// which differs from the Node name on many clouds; kube-proxy then cannot read its Node,
    /// falls back to 127.0.0.1 as the node IP, and NodePorts, `externalTrafficPolicy: Local`
    /// health checks and topology hints misbehave. The flag is one of the few that still
    /// apply next to `--config`.
    ///
    /// ## Example
    /// ```yaml
    /// command: [/usr/local/bin/kube-proxy, --config=/var/lib/kube-proxy/config.conf]
    /// ```
    ///
    /// ## How to fix
    /// ```yaml
    /// command:
    ///   - /usr/local/bin/kube-proxy
    ///   - --config=/var/lib/kube-proxy/config.conf
    ///   - --hostname-override=$(NODE_NAME)
    /// env:
    ///   - name: NODE_NAME
    ///     valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes cmd/kubeadm/app/phases/addons/proxy/manifests.go
    /// - cmd/kube-proxy/app/server.go (node IP detection)
    pub static RULE = {
        code: "KP704",
        name: "missing-hostname-override",
        category: Wiring,
        severity: Info,
        summary: "a kube-proxy DaemonSet with --config but no --hostname-override",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    let crate::source::Origin::Flags {
        config_flag: Some(_),
        workload,
        ..
    } = &cx.cfg.origin
    else {
        return;
    };
    if !workload.starts_with("DaemonSet")
        || cx.cfg.flags.iter().any(|u| u.name == "hostname-override")
    {
        return;
    }
    let Some(config) = cx.cfg.flags.iter().find(|u| u.name == "config") else {
        return;
    };
    let f = Finding::new(&RULE, "kube-proxy gets no --hostname-override; it will use the host name as its Node name")
        .at(config.span)
        .label("--config without --hostname-override")
        .help("add `--hostname-override=$(NODE_NAME)` with NODE_NAME from the Downward API (spec.nodeName), as kubeadm does")
        .document(cx.cfg.document, cx.cfg.describe.clone());
    cx.emit(f);
}
