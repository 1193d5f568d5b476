//! Talos machine configurations (`version: v1alpha1`) and their patches: `cluster.proxy`
//! (`disabled`, `image`, `mode`, `extraArgs`, `resources`).
//!
//! Talos deploys kube-proxy as a DaemonSet whose command line it builds
//! (siderolabs/talos internal/app/machined/pkg/controllers/k8s/control_plane.go
//! `manageProxyConfigArgs`): `--cluster-cidr` from `cluster.network.podSubnets` (default
//! 10.244.0.0/16), `--proxy-mode` from `cluster.proxy.mode` (when empty: `nftables` in current
//! Talos, `iptables` in releases before the switch), `--conntrack-max-per-core=0`, then
//! `extraArgs` merged over them. Those values are filled in where the file does not set them.
//! The image tag names the Kubernetes release. Talos decodes machine configurations strictly
//! ("unknown keys found during decoding"), so an unknown key under `cluster.proxy` is an error.

use super::{
    Builder, DefaultFlag, Found, child, disabled_but_configured, is_true, push,
    record_default_flags, release_of_image,
};
use crate::diagnostic::{Finding, Severity};
use crate::rules::fields;
use crate::source::flags::{self, FlagUse};
use crate::source::yaml::{Document, Node, NodeKind, Span};
use crate::source::{Note, SourceFile};

const FORM: &str = "Talos machine configuration";
const SOURCE: &str = "siderolabs/talos internal/app/machined/pkg/controllers/k8s/control_plane.go manageProxyConfigArgs";
const KEYS: &[&str] = &["disabled", "image", "mode", "extraArgs", "resources"];

pub(super) fn matches(d: &Document, root: &Node) -> bool {
    let Some(cluster) = child(d, root, "cluster") else {
        return false;
    };
    if !matches!(cluster.kind, NodeKind::Mapping(_)) {
        return false;
    }
    cluster.get("proxy").is_some()
        || root.get("machine").is_some()
        || child(d, root, "version").and_then(|v| v.as_str()) == Some("v1alpha1")
}

pub(super) fn read(file: &mut SourceFile, d: &Document, root: &Node) {
    let Some(cluster) = child(d, root, "cluster") else {
        return;
    };
    let machine_type = child(d, root, "machine")
        .and_then(|m| child(d, m, "type"))
        .and_then(|t| t.as_str())
        .unwrap_or("");
    let Some((proxy_key, proxy)) = cluster.get_entry("proxy").map(|(k, v)| (k, d.resolve(v)))
    else {
        if root.get("machine").is_some() {
            file.notes.push(Note {
                span: Some(root.get_entry("cluster").map_or(root.span, |(k, _)| k.span)),
                message: format!("{FORM} without cluster.proxy: Talos runs kube-proxy with its defaults; no kube-proxy settings to lint"),
            });
        }
        return;
    };
    let describe = if machine_type.is_empty() {
        FORM.to_string()
    } else {
        format!("{FORM} ({machine_type})")
    };
    if let Some((k, _)) = proxy
        .get_entry("disabled")
        .filter(|(_, v)| is_true(d.resolve(v)))
    {
        let settings: Vec<(Span, String)> = proxy
            .entries()
            .iter()
            .filter_map(|(key, _)| Some((key.span, key.as_str()?.to_string())))
            .filter(|(_, n)| n != "disabled")
            .map(|(s, n)| (s, format!("cluster.proxy.{n}")))
            .collect();
        if settings.is_empty() {
            file.notes.push(Note {
                span: Some(k.span),
                message: format!("{describe}: kube-proxy is disabled (cluster.proxy.disabled: true); no kube-proxy settings to lint"),
            });
        }
        disabled_but_configured(
            file,
            d,
            (k.span, "cluster.proxy.disabled: true"),
            &settings,
            &describe,
        );
        return;
    }
    for (k, _) in proxy.entries() {
        let Some(name) = k.as_str() else { continue };
        if !KEYS.contains(&name) {
            file.findings.push(
                Finding::new(
                    &fields::UNKNOWN_FIELD,
                    format!("unknown field {name:?} in Talos cluster.proxy; Talos refuses the machine configuration (unknown keys found during decoding)"),
                )
                .severity(Severity::Error)
                .at(k.span)
                .label("not a cluster.proxy field")
                .help("cluster.proxy has disabled, image, mode and extraArgs; pass other kube-proxy flags in extraArgs")
                .path(format!("cluster.proxy.{name}"))
                .document(d.index, describe.clone()),
            );
        }
    }
    if machine_type == "worker" {
        file.notes.push(Note {
            span: Some(proxy_key.span),
            message: "Talos builds kube-proxy's DaemonSet from the control-plane machine configurations: cluster.proxy in a worker's configuration takes effect only if the control-plane configurations say the same".into(),
        });
    }
    let anchor = proxy_key.span;
    let doc_span = proxy.span;
    let subnets = child(d, cluster, "network").and_then(|n| child(d, n, "podSubnets"));
    let pod_cidr = subnets
        .map(|n| match &n.kind {
            NodeKind::Sequence(items) => items
                .iter()
                .filter_map(|i| d.resolve(i).as_str())
                .collect::<Vec<_>>()
                .join(","),
            _ => n.as_str().unwrap_or("").to_string(),
        })
        .filter(|s| !s.is_empty());
    let defaults = [
        match pod_cidr {
            Some(c) => DefaultFlag::new("cluster-cidr", c, subnets.map_or(anchor, |n| n.span)),
            None => DefaultFlag::new("cluster-cidr", "10.244.0.0/16", anchor),
        },
        DefaultFlag::new("proxy-mode", "nftables", anchor),
        DefaultFlag::new("conntrack-max-per-core", "0", anchor),
    ];
    let mut all: Vec<FlagUse> = defaults.iter().map(DefaultFlag::to_use).collect();
    if let Some((k, v)) = proxy.get_entry("mode") {
        let v = d.resolve(v);
        if let Some(mode) = v.as_str().filter(|s| !s.is_empty()) {
            all.push(FlagUse {
                name: "proxy-mode".into(),
                value: Some(mode.to_string()),
                name_span: k.span,
                value_span: v.span,
                span: Span::new(k.span.start, v.span.end),
            });
        }
    }
    let mut uses = Vec::new();
    if let Some(extra) = child(d, proxy, "extraArgs") {
        for (k, v) in extra.entries() {
            uses.extend(flags::flags_from_entry(d, k, v));
        }
    }
    all.extend(uses.iter().cloned());
    let (data, _) = flags::flags_to_located(file, d, &all, &describe, doc_span);
    let mut builder = Builder::from_located(data);
    record_default_flags(&mut builder, &defaults, |df| match df.name {
        "proxy-mode" => format!(
            "Talos passes --proxy-mode=nftables when cluster.proxy.mode is empty (iptables in Talos releases before that change; {SOURCE})"
        ),
        "cluster-cidr" => format!(
            "Talos passes --cluster-cidr from cluster.network.podSubnets (default 10.244.0.0/16) unless extraArgs sets it ({SOURCE})"
        ),
        _ => format!(
            "Talos passes --{}={} unless extraArgs sets it ({SOURCE})",
            df.name, df.value
        ),
    });
    let mut found = Found::new(FORM, describe, doc_span, builder);
    if let Some(img) = child(d, proxy, "image") {
        if let Some(r) = img.as_str().and_then(release_of_image) {
            found.image_release = Some((r, img.span));
        }
    }
    found.flags = uses;
    push(file, d, found);
}
