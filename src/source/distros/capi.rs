//! Files written onto nodes from block scalars: Cluster API kubeadm bootstrap objects
//! (`KubeadmControlPlane`, `KubeadmControlPlaneTemplate`, `KubeadmConfig`,
//! `KubeadmConfigTemplate`) and kops nodeup tasks.
//!
//! Cluster API's `KubeadmConfigSpec` has no kube-proxy field, so the usual way to configure
//! kube-proxy is a `files[]` entry whose `content` is a KubeProxyConfiguration, appended to
//! `/run/kubeadm/kubeadm.yaml` by a `preKubeadmCommands` entry
//! (kubernetes-sigs/cluster-api bootstrap/kubeadm/api/v1beta1 `File`, `KubeadmConfigSpec`;
//! nutanix-cloud-native/cluster-api-runtime-extensions-nutanix
//! docs/content/customization/kubeadm/kube-proxy-mode.md). The content is read as the YAML
//! documents kubeadm would read, with spans into the block; `spec.version` of a
//! KubeadmControlPlane names the Kubernetes release. kops nodeup tasks carry static Pod manifests
//! the same way (`contents: |`, kubernetes/kops nodeup/pkg/model).

use super::{FileContext, child};
use crate::limits::Limits;
use crate::source::embed::OffsetMap;
use crate::source::yaml::{Document, Node, NodeKind, Span};
use crate::source::{Distro, Note, SourceFile, describe_named, remap};

/// The `files` lists of an object: (the KubeadmConfigSpec holding it, the list, where it is).
fn files_lists<'a>(d: &'a Document, root: &'a Node) -> Vec<(&'a Node, &'a Node, &'static str)> {
    let spec = child(d, root, "spec");
    let template_spec = spec
        .and_then(|s| child(d, s, "template"))
        .and_then(|t| child(d, t, "spec"));
    let mut out = Vec::new();
    let candidates = [
        (
            spec.and_then(|s| child(d, s, "kubeadmConfigSpec")),
            "spec.kubeadmConfigSpec",
        ),
        (
            template_spec.and_then(|s| child(d, s, "kubeadmConfigSpec")),
            "spec.template.spec.kubeadmConfigSpec",
        ),
        (spec, "spec"),
        (template_spec, "spec.template.spec"),
    ];
    for (holder, at) in candidates {
        if let Some(h) = holder {
            if let Some(files) = child(d, h, "files") {
                out.push((h, files, at));
            }
        }
    }
    out
}

/// A kind-less document shaped like a Cluster API kubeadm object (a fragment cut from docs).
pub(super) fn matches(d: &Document, root: &Node) -> bool {
    let spec = child(d, root, "spec");
    spec.and_then(|s| child(d, s, "kubeadmConfigSpec"))
        .is_some()
        || spec
            .and_then(|s| child(d, s, "template"))
            .and_then(|t| child(d, t, "spec"))
            .and_then(|s| child(d, s, "kubeadmConfigSpec"))
            .is_some()
}

pub(super) fn read(
    file: &mut SourceFile,
    d: &Document,
    root: &Node,
    _ctx: &FileContext,
    limits: &Limits,
) {
    let kind = super::str_of(d, root.get("kind")).unwrap_or("");
    let host = if kind.is_empty() {
        "Cluster API kubeadm configuration (no kind)".to_string()
    } else {
        describe_named(d, root, kind)
    };
    let version = child(d, root, "spec")
        .and_then(|s| child(d, s, "version"))
        .and_then(|v| {
            v.as_str()
                .and_then(crate::kb::Release::parse)
                .map(|r| (r, v.span))
        });
    for (holder, files, at) in files_lists(d, root) {
        let NodeKind::Sequence(items) = &files.kind else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let item = d.resolve(item);
            let path = child(d, item, "path")
                .and_then(|p| p.as_str())
                .unwrap_or("");
            if let Some((k, _)) = item.get_entry("contentFrom") {
                file.notes.push(Note {
                    span: Some(k.span),
                    message: format!("{at}.files[{i}] ({path}) takes its content from a Secret (contentFrom); not read"),
                });
                continue;
            }
            let Some(content) = child(d, item, "content") else {
                continue;
            };
            let Some(text) = content.as_str() else {
                continue;
            };
            // A KubeProxyConfiguration, or a manifest running kube-proxy (not a script that
            // merely mentions it).
            if !text.contains("KubeProxyConfiguration") && !is_manifest_with_kube_proxy(text) {
                continue;
            }
            if let Some(enc) = child(d, item, "encoding").and_then(|e| e.as_str()) {
                file.notes.push(Note {
                    span: Some(content.span),
                    message: format!("{at}.files[{i}] ({path}) is {enc}-encoded; not read"),
                });
                continue;
            }
            let prefix = format!("{host} {at}.files[{i}].content");
            let before = file.configs.len();
            embedded(file, d, content, &prefix, limits);
            for cfg in &mut file.configs[before..] {
                let distro = cfg.distro.get_or_insert_with(Distro::default);
                if cfg.kubeadm_release.is_none() {
                    if let Some(v) = version {
                        cfg.kubeadm_release = Some(v);
                        distro.version_from = Some(format!("{host} spec.version"));
                    }
                }
            }
            if text.contains("KubeProxyConfiguration") && !appended(d, holder, path) {
                file.notes.push(Note {
                    span: Some(content.span),
                    message: format!(
                        "{at}.files[{i}] writes a KubeProxyConfiguration to {path}, but no preKubeadmCommands entry of the same kubeadmConfigSpec appends it to /run/kubeadm/kubeadm.yaml: kubeadm does not read it on its own"
                    ),
                });
            }
        }
    }
}

/// Whether a `preKubeadmCommands` entry of the same KubeadmConfigSpec appends `path` to
/// kubeadm's configuration.
fn appended(d: &Document, holder: &Node, path: &str) -> bool {
    match child(d, holder, "preKubeadmCommands").map(|c| &c.kind) {
        Some(NodeKind::Sequence(cmds)) => cmds.iter().any(|c| {
            d.resolve(c)
                .as_str()
                .is_some_and(|s| s.contains(path) && s.contains("kubeadm"))
        }),
        _ => false,
    }
}

fn is_manifest_with_kube_proxy(text: &str) -> bool {
    text.contains("kube-proxy") && text.contains("kind:") && text.contains("apiVersion:")
}

/// A kops nodeup task: `contents` written to `path` (`type: file`).
pub(super) fn kops_task(d: &Document, root: &Node) -> bool {
    child(d, root, "contents").is_some_and(|c| c.as_str().is_some_and(is_manifest_with_kube_proxy))
        && child(d, root, "path").is_some()
}

pub(super) fn read_kops(
    file: &mut SourceFile,
    d: &Document,
    root: &Node,
    _ctx: &FileContext,
    limits: &Limits,
) {
    let Some(content) = child(d, root, "contents") else {
        return;
    };
    let path = child(d, root, "path")
        .and_then(|p| p.as_str())
        .unwrap_or("");
    embedded(
        file,
        d,
        content,
        &format!("kops nodeup task {path}"),
        limits,
    );
}

/// Load the YAML documents held in a scalar as a file of their own, and move everything found
/// in them (configurations, findings, facts, notes) into the host file's coordinates.
fn embedded(file: &mut SourceFile, d: &Document, node: &Node, prefix: &str, limits: &Limits) {
    // Manifests inside manifests inside manifests: each level is parsed again, so nesting is
    // bounded (a crafted file could otherwise cost its size times its depth).
    const MAX_NESTING: usize = 4;
    thread_local! {
        static NESTING: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    let Some(text) = node.as_str() else { return };
    if NESTING.with(|n| n.get()) >= MAX_NESTING {
        file.notes.push(Note {
            span: Some(node.span),
            message: format!("{prefix}: embedded more than {MAX_NESTING} levels deep; not read"),
        });
        return;
    }
    let map = OffsetMap::for_scalar(&file.text, node);
    NESTING.with(|n| n.set(n.get() + 1));
    let inner = crate::source::load(prefix, text.as_bytes(), limits);
    NESTING.with(|n| n.set(n.get() - 1));
    let span = |s: Span| map.span(s);
    for mut f in inner.findings {
        f.span = f.span.map(span);
        for l in &mut f.labels {
            l.span = span(l.span);
        }
        f.origin = Some(match &f.origin {
            Some(o) => format!("{prefix}: {o}"),
            None => prefix.to_string(),
        });
        f.document = Some(d.index);
        file.findings.push(f);
    }
    for mut cfg in inner.configs {
        cfg.document = d.index;
        cfg.doc_span = span(cfg.doc_span);
        cfg.describe = format!("{prefix}: {}", cfg.describe);
        remap(&mut cfg.data, &map);
        cfg.kubeadm_release = cfg.kubeadm_release.map(|(r, s)| (r, span(s)));
        cfg.image_release = cfg.image_release.map(|(r, s)| (r, span(s)));
        cfg.pod_subnet = cfg.pod_subnet.map(|(p, s)| (p, span(s)));
        for u in &mut cfg.flags {
            u.name_span = span(u.name_span);
            u.value_span = span(u.value_span);
            u.span = span(u.span);
        }
        file.configs.push(cfg);
    }
    for mut fact in inner.facts {
        match &mut fact {
            crate::source::Fact::MetalLb { span: s, .. }
            | crate::source::Fact::CiliumKubeProxyReplacement { span: s, .. }
            | crate::source::Fact::KubeProxyScraped { span: s, .. }
            | crate::source::Fact::NfConntrackIpv4Module { span: s }
            | crate::source::Fact::HostConntrackMax { span: s, .. } => *s = span(*s),
        }
        file.facts.push(fact);
    }
    for mut n in inner.notes {
        n.span = n.span.map(span);
        n.message = format!("{prefix}: {}", n.message);
        file.notes.push(n);
    }
    for mut s in inner.services {
        s.document = d.index;
        for a in &mut s.annotations {
            a.2 = span(a.2);
        }
        s.topology_keys = s.topology_keys.map(span);
        file.services.push(s);
    }
    file.skipped |= inner.skipped;
}
