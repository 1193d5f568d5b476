//! KP301.
use crate::rules::Ctx;

crate::declare_rule! {
    /// ## What it does
    /// Reports `syncPeriod`, `minSyncPeriod` and `masqueradeAll` set in a section that the
    /// configured mode does not read, in releases 1.31 and later: `iptables.minSyncPeriod` tuned
    /// while `mode: ipvs`, `ipvs.syncPeriod` while `mode: nftables`, `nftables.masqueradeAll`
    /// while `mode: iptables`.
    ///
    /// ## Why it matters
    /// Since 1.31 kube-proxy takes these values only from the section matching `mode` (ipvs →
    /// `ipvs.*`, nftables → `nftables.*`, anything else → `iptables.*`; `masqueradeAll` from
    /// `nftables` in nftables mode and from `iptables` otherwise). Values elsewhere are silently
    /// ignored: the tuning you did has no effect. Common after switching modes.
    ///
    /// ## Example
    /// ```yaml
    /// mode: ipvs
    /// iptables:
    ///   minSyncPeriod: 10s
    /// ```
    ///
    /// ## How to fix
    /// Move the value to the section of the mode you run:
    /// ```yaml
    /// mode: ipvs
    /// ipvs:
    ///   minSyncPeriod: 10s
    /// ```
    ///
    /// ## References
    /// - kubernetes/kubernetes pkg/proxy/apis/config/v1alpha1/conversion.go (since 1.31)
    pub static RULE = {
        code: "KP301",
        name: "inactive-mode-section",
        category: Sync,
        severity: Warning,
        summary: "sync or masquerade settings in a section the mode does not read",
    }
}

pub fn check(cx: &mut Ctx<'_>) {
    if !cx
        .release
        .at_least(&cx.kb.releases.validation.sync_active_section_only_since)
    {
        return;
    }
    let active = cx.active_section();
    let masq_section = if cx.mode() == "nftables" {
        "nftables"
    } else {
        "iptables"
    };
    for section in ["iptables", "ipvs", "nftables"] {
        for field in ["syncPeriod", "minSyncPeriod", "masqueradeAll"] {
            let path = format!("{section}.{field}");
            let reads = if field == "masqueradeAll" {
                masq_section
            } else {
                active
            };
            if reads == section || cx.value(&path).is_none() || cx.kb.field(&path).is_none() {
                continue;
            }
            // Defaults written out in full (kubeadm dumps, --write-config-to) are not tuning.
            if cx.is_defaulted(&path) || is_default_value(cx, &path) {
                continue;
            }
            let mode = if cx.mode().is_empty() {
                "iptables (the default)"
            } else {
                cx.mode()
            };
            let f = cx
                .at(&RULE, &path, format!("{path} is ignored in mode {mode}"))
                .at(cx.key_span(&path))
                .label(format!("kube-proxy reads {reads}.{field}"))
                .help(format!("move it to {reads}.{field}, or delete it"));
            cx.emit(f);
        }
    }
}

fn is_default_value(cx: &Ctx<'_>, path: &str) -> bool {
    let Some(default) = cx.kb.field(path).and_then(|f| f.default.as_deref()) else {
        return false;
    };
    match cx.value(path) {
        Some(serde_json::Value::String(s)) => {
            crate::go::parse_duration(s).is_some()
                && crate::go::parse_duration(s) == crate::go::parse_duration(default)
        }
        Some(serde_json::Value::Bool(b)) => default == b.to_string(),
        _ => false,
    }
}
