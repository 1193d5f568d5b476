//! KubeKey `Cluster` (`kubekey.kubesphere.io/v1alpha2`): `spec.kubernetes.proxyMode`,
//! `masqueradeAll` and `kubeProxyConfiguration`.
//!
//! KubeKey writes the KubeProxyConfiguration of its kubeadm configuration from a default map —
//! `clusterCIDR` (`spec.network.kubePodsCIDR`), `mode` (`proxyMode`, default ipvs) and an
//! `iptables` section (`masqueradeAll`, `masqueradeBit: 14`, `minSyncPeriod: 0s`,
//! `syncPeriod: 30s`) — and replaces any of those top-level keys that `kubeProxyConfiguration`
//! sets, adding its other keys as they are (kubesphere/kubekey
//! cmd/kk/pkg/kubernetes/templates/v1beta2/kubeadm_config.go `GetKubeProxyConfiguration`).
//! The merge is shallow: an `iptables` section in `kubeProxyConfiguration` drops all of
//! KubeKey's iptables values. `spec.kubernetes.version` names the Kubernetes release.

use serde_json::Value;

use super::{Builder, Found, child, push};
use crate::kb::Release;
use crate::model;
use crate::source::yaml::{Document, Node, NodeKind};
use crate::source::{SourceFile, describe_named};

const FORM: &str = "KubeKey Cluster";
const SOURCE: &str = "kubesphere/kubekey cmd/kk/pkg/kubernetes/templates/v1beta2/kubeadm_config.go GetKubeProxyConfiguration";

pub(super) fn read(file: &mut SourceFile, d: &Document, root: &Node) {
    let limits = crate::limits::Limits::default();
    let describe = format!("KubeKey {}", describe_named(d, root, "Cluster"));
    let Some(spec) = child(d, root, "spec") else {
        return;
    };
    let Some((k8s_key, k8s)) = spec.get_entry("kubernetes").map(|(k, v)| (k, d.resolve(v))) else {
        return;
    };
    let anchor = k8s_key.span;
    let body = k8s.get_entry("kubeProxyConfiguration");
    let (mut b, doc_span) = match body {
        Some((_, v)) if matches!(d.resolve(v).kind, NodeKind::Mapping(_)) => {
            let v = d.resolve(v);
            (Builder::from_located(model::decode(d, v, &limits)), v.span)
        }
        _ => (Builder::new(k8s.span), k8s.span),
    };
    let custom = |key: &str| body.is_some_and(|(_, v)| d.resolve(v).get(key).is_some());
    if !custom("mode") {
        match k8s.get_entry("proxyMode") {
            Some((k, v)) => {
                let v = d.resolve(v);
                if let Some(value) = super::scalar(v) {
                    b.set("mode", value, Some(k.span), v.span);
                }
            }
            None => b.default(
                "mode",
                Value::from("ipvs"),
                anchor,
                format!("KubeKey's default proxyMode is ipvs ({SOURCE})"),
            ),
        }
    }
    if !custom("clusterCIDR") {
        let cidr = child(d, spec, "network").and_then(|n| n.get_entry("kubePodsCIDR"));
        let (value, span) = match cidr {
            Some((_, v)) => (
                d.resolve(v).as_str().unwrap_or("").to_string(),
                d.resolve(v).span,
            ),
            None => ("10.233.64.0/18".to_string(), anchor),
        };
        if !value.is_empty() {
            b.default(
                "clusterCIDR",
                Value::from(value),
                span,
                format!("KubeKey writes clusterCIDR from spec.network.kubePodsCIDR ({SOURCE})"),
            );
        }
    }
    if !custom("iptables") {
        match k8s.get_entry("masqueradeAll") {
            Some((k, v)) => {
                let v = d.resolve(v);
                if let Some(value) = super::scalar(v) {
                    b.set("iptables.masqueradeAll", value, Some(k.span), v.span);
                }
            }
            None => b.default(
                "iptables.masqueradeAll",
                Value::Bool(false),
                anchor,
                format!("KubeKey writes iptables.masqueradeAll from spec.kubernetes.masqueradeAll, default false ({SOURCE})"),
            ),
        }
        for (path, value) in [
            ("iptables.masqueradeBit", Value::from(14)),
            ("iptables.minSyncPeriod", Value::from("0s")),
            ("iptables.syncPeriod", Value::from("30s")),
        ] {
            b.default(
                path,
                value.clone(),
                anchor,
                format!("KubeKey writes {path}: {value} unless kubeProxyConfiguration has an iptables section ({SOURCE})"),
            );
        }
    }
    let mut found = Found::new(FORM, describe, doc_span, b);
    if let Some(v) = child(d, k8s, "version") {
        if let Some(r) = v.as_str().and_then(Release::parse) {
            found.release = Some((r, v.span));
            found.version_from = Some("KubeKey spec.kubernetes.version".into());
        }
    }
    push(file, d, found);
}
