//! kind `Cluster` (`kind.x-k8s.io/v1alpha4`): `networking.kubeProxyMode` and
//! `kubeadmConfigPatches`.
//!
//! kind writes a KubeProxyConfiguration into the kubeadm configuration it generates
//! (kubernetes-sigs/kind pkg/cluster/internal/kubeadm/config.go): `mode` from
//! `networking.kubeProxyMode` (default iptables, pkg/internal/apis/config/default.go),
//! `iptables.minSyncPeriod: 1s`, `conntrack.maxPerCore: 0`, and `conntrack.tcpBeLiberal: true` in
//! nftables mode; kubeadm fills `clusterCIDR` from `networking.podSubnet` (kind's default
//! 10.244.0.0/16). With `kubeProxyMode: none` there is no KubeProxyConfiguration and kubeadm's
//! kube-proxy add-on is skipped. `kubeadmConfigPatches` are YAML documents in strings, merged
//! into the generated documents of the same kind; `KubeProxyConfiguration` patches are read
//! here with spans into the block scalars, and merged over kind's values. Patches on single
//! nodes (`nodes[].kubeadmConfigPatches`) and JSON 6902 patches are not read (a note says so).

use serde_json::Value;

use super::{Builder, Found, child, disabled_but_configured, push, release_of_image};
use crate::limits::Limits;
use crate::model;
use crate::source::embed::OffsetMap;
use crate::source::yaml::{self, Document, Node, NodeKind, Span};
use crate::source::{Note, SourceFile, describe_named, remap, str_of};

const FORM: &str = "kind Cluster";
const TEMPLATE: &str = "kubernetes-sigs/kind pkg/cluster/internal/kubeadm/config.go";

/// One KubeProxyConfiguration patch: its decoded values (spans in the host file) and the span
/// of its `kind:` value.
struct Patch {
    data: model::Located,
    at: Span,
}

fn patches(
    file: &mut SourceFile,
    d: &Document,
    list: Option<&Node>,
    limits: &Limits,
) -> Vec<Patch> {
    let mut out = Vec::new();
    let Some(NodeKind::Sequence(items)) = list.map(|n| &n.kind) else {
        return out;
    };
    for item in items {
        let item = d.resolve(item);
        let Some(text) = item.as_str() else { continue };
        if !text.contains("KubeProxyConfiguration") {
            continue;
        }
        let map = OffsetMap::for_scalar(&file.text, item);
        for idoc in yaml::parse_stream(text, limits) {
            let Some(iroot) = &idoc.root else { continue };
            let iroot = idoc.resolve(iroot);
            if str_of(&idoc, iroot.get("kind")) != Some("KubeProxyConfiguration") {
                continue;
            }
            let at = map.span(iroot.get("kind").map_or(iroot.span, |n| n.span));
            // kind matches a patch on kind, and on apiVersion's group and version when given
            // (kubernetes-sigs/kind pkg/internal/patch/resource.go `matches`).
            if let Some(api) = str_of(&idoc, iroot.get("apiVersion")) {
                let (group, version) = api.rsplit_once('/').unwrap_or(("", api));
                if group != "kubeproxy.config.k8s.io"
                    || !(version.is_empty() || version == "v1alpha1")
                {
                    file.notes.push(Note {
                        span: Some(at),
                        message: format!("kind applies a patch only to documents of its apiVersion; kind's KubeProxyConfiguration is kubeproxy.config.k8s.io/v1alpha1, not {api}, so this patch is not applied"),
                    });
                    continue;
                }
            }
            let mut data = model::decode(&idoc, iroot, limits);
            remap(&mut data, &map);
            if let Value::Object(m) = &mut data.value {
                for k in ["apiVersion", "kind", "metadata"] {
                    m.remove(k);
                }
            }
            data.spans.retain(|p, _| {
                !matches!(super::top_key(p), Some("apiVersion" | "kind" | "metadata"))
            });
            out.push(Patch { data, at });
        }
    }
    out
}

pub(super) fn read(file: &mut SourceFile, d: &Document, root: &Node, limits: &Limits) {
    let describe = format!("kind {}", describe_named(d, root, "Cluster"));
    let net_entry = root.get_entry("networking");
    let net = net_entry.map(|(_, v)| d.resolve(v));
    let anchor = net_entry
        .map(|(k, _)| k.span)
        .or(root.get_entry("kind").map(|(_, v)| v.span))
        .unwrap_or(root.span);
    let mode_entry = net.and_then(|n| n.get_entry("kubeProxyMode"));
    let mode = mode_entry.and_then(|(_, v)| d.resolve(v).as_str());
    let found_patches = patches(file, d, child(d, root, "kubeadmConfigPatches"), limits);
    for key in ["kubeadmConfigPatchesJSON6902"] {
        if let Some((k, _)) = root.get_entry(key) {
            file.notes.push(Note {
                span: Some(k.span),
                message: format!("{key}: JSON 6902 patches are not read"),
            });
        }
    }
    if let Some(NodeKind::Sequence(nodes)) = child(d, root, "nodes").map(|n| &n.kind) {
        for n in nodes {
            let n = d.resolve(n);
            if let Some((k, v)) = n.get_entry("kubeadmConfigPatches") {
                let has_proxy = match &d.resolve(v).kind {
                    NodeKind::Sequence(items) => items.iter().any(|i| {
                        d.resolve(i)
                            .as_str()
                            .is_some_and(|s| s.contains("KubeProxyConfiguration"))
                    }),
                    _ => false,
                };
                if has_proxy {
                    file.notes.push(Note {
                        span: Some(k.span),
                        message: "a node's kubeadmConfigPatches with a KubeProxyConfiguration patch: not read (kube-proxy's configuration comes from the first control-plane node)".into(),
                    });
                }
            }
        }
    }
    if mode.is_some_and(|m| m.eq_ignore_ascii_case("none")) {
        let (k, _) = mode_entry.expect("mode comes from the entry");
        let settings: Vec<(Span, String)> = found_patches
            .iter()
            .map(|p| (p.at, "the KubeProxyConfiguration patch".to_string()))
            .collect();
        if settings.is_empty() {
            file.notes.push(Note {
                span: Some(k.span),
                message: format!("{describe}: kube-proxy is disabled (networking.kubeProxyMode: none); no kube-proxy settings to lint"),
            });
        }
        disabled_but_configured(
            file,
            d,
            (k.span, "networking.kubeProxyMode: none"),
            &settings,
            &describe,
        );
        return;
    }
    let doc_span = net.map_or(root.span, |n| n.span);
    let mut b = Builder::new(doc_span);
    for p in found_patches {
        b.merge(p.data);
    }
    match mode_entry {
        Some((k, v)) if !b.has("mode") => {
            let v = d.resolve(v);
            b.set("mode", Value::from(v.as_str().unwrap_or("")), Some(k.span), v.span);
        }
        _ => b.default(
            "mode",
            Value::from("iptables"),
            anchor,
            "kind's default networking.kubeProxyMode is iptables (kubernetes-sigs/kind pkg/internal/apis/config/default.go)",
        ),
    }
    b.default(
        "iptables.minSyncPeriod",
        Value::from("1s"),
        anchor,
        format!("kind writes iptables.minSyncPeriod: 1s ({TEMPLATE})"),
    );
    b.default(
        "conntrack.maxPerCore",
        Value::from(0),
        anchor,
        format!("kind writes conntrack.maxPerCore: 0 so that kube-proxy leaves nf_conntrack_max alone ({TEMPLATE})"),
    );
    let mode_now = b
        .data
        .get("mode")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if mode_now == "nftables" {
        b.default(
            "conntrack.tcpBeLiberal",
            Value::Bool(true),
            anchor,
            format!("kind writes conntrack.tcpBeLiberal: true in nftables mode ({TEMPLATE})"),
        );
    }
    let family = net
        .and_then(|n| child(d, n, "ipFamily"))
        .and_then(|n| n.as_str())
        .unwrap_or("ipv4");
    let (cidr, span) = match net.and_then(|n| n.get_entry("podSubnet")) {
        Some((_, v)) => (
            d.resolve(v).as_str().unwrap_or("").to_string(),
            d.resolve(v).span,
        ),
        None => (
            match family {
                "ipv6" => "fd00:10:244::/56",
                "dual" => "10.244.0.0/16,fd00:10:244::/56",
                _ => "10.244.0.0/16",
            }
            .to_string(),
            anchor,
        ),
    };
    if !cidr.is_empty() {
        b.default(
            "clusterCIDR",
            Value::from(cidr),
            span,
            "kubeadm fills clusterCIDR from the podSubnet kind gives it (networking.podSubnet; kind's default 10.244.0.0/16, pkg/internal/apis/config/default.go)",
        );
    }
    let mut found = Found::new(FORM, describe, doc_span, b);
    // The node image's tag names the Kubernetes release (kindest/node:v1.31.0).
    if let Some(NodeKind::Sequence(nodes)) = child(d, root, "nodes").map(|n| &n.kind) {
        if let Some(img) = nodes
            .iter()
            .filter_map(|n| child(d, d.resolve(n), "image"))
            .find(|i| i.as_str().and_then(release_of_image).is_some())
        {
            found.release = img
                .as_str()
                .and_then(release_of_image)
                .map(|r| (r, img.span));
            found.version_from = Some("kind node image tag".into());
        }
    }
    push(file, d, found);
}
