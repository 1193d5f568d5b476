//! kubespray inventory variables (`inventory/*/group_vars/k8s_cluster/k8s-cluster.yml` and any
//! YAML with `kube_proxy_*` keys).
//!
//! kubespray writes kube-proxy's configuration from these variables in its kubeadm
//! configuration template (kubernetes-sigs/kubespray
//! roles/kubernetes/control-plane/templates/kubeadm-config.v1beta4.yaml.j2): every field comes
//! from a `kube_proxy_*` variable, `kube_proxy_min_sync_period` and `kube_proxy_sync_period`
//! feed both the iptables and the ipvs section (only the one the mode reads is kept here), and
//! `clusterCIDR` is `kube_pods_subnet`. Where a
//! file does not set a variable, kubespray's role defaults apply
//! (roles/kubernetes/control-plane/defaults/main/kube-proxy.yml,
//! roles/kubespray_defaults/defaults/main/main.yml); those that differ from kube-proxy's own
//! defaults are filled in: `mode: ipvs`, `minSyncPeriod: 0s`, `ipvs.scheduler: rr`,
//! `clusterCIDR: 10.233.64.0/18`. A variable holding a Jinja expression is not read.
//! `metallb_enabled` (with `metallb_config` or `metallb_protocol`) is a MetalLB fact and
//! `cilium_kube_proxy_replacement` a Cilium one; `kube_proxy_remove: true` skips kube-proxy.
//! Variables are read per file: values set in other inventory files are not combined.

use serde_json::Value;

use super::{Builder, Found, disabled_but_configured, is_true, push};
use crate::kb::Release;
use crate::model::{self, Path};
use crate::profile::MetalLb;
use crate::source::yaml::{Document, Node, Span};
use crate::source::{Fact, Note, SourceFile};

const FORM: &str = "kubespray inventory variables";
const TEMPLATE: &str = "kubernetes-sigs/kubespray roles/kubernetes/control-plane/templates/kubeadm-config.v1beta4.yaml.j2";

/// Variable → KubeProxyConfiguration fields it sets (kubeadm-config.v1beta4.yaml.j2).
const VARS: &[(&str, &[&str])] = &[
    ("kube_proxy_mode", &["mode"]),
    ("kube_proxy_strict_arp", &["ipvs.strictARP"]),
    ("kube_proxy_scheduler", &["ipvs.scheduler"]),
    (
        "kube_proxy_min_sync_period",
        &["iptables.minSyncPeriod", "ipvs.minSyncPeriod"],
    ),
    (
        "kube_proxy_sync_period",
        &["iptables.syncPeriod", "ipvs.syncPeriod"],
    ),
    ("kube_proxy_nodeport_addresses", &["nodePortAddresses"]),
    ("kube_proxy_metrics_bind_address", &["metricsBindAddress"]),
    ("kube_proxy_healthz_bind_address", &["healthzBindAddress"]),
    ("kube_proxy_bind_address", &["bindAddress"]),
    (
        "kube_proxy_client_accept_content_types",
        &["clientConnection.acceptContentTypes"],
    ),
    ("kube_proxy_client_burst", &["clientConnection.burst"]),
    (
        "kube_proxy_client_content_type",
        &["clientConnection.contentType"],
    ),
    (
        "kube_proxy_client_kubeconfig",
        &["clientConnection.kubeconfig"],
    ),
    ("kube_proxy_client_qps", &["clientConnection.qps"]),
    ("kube_proxy_config_sync_period", &["configSyncPeriod"]),
    (
        "kube_proxy_conntrack_max_per_core",
        &["conntrack.maxPerCore"],
    ),
    ("kube_proxy_conntrack_min", &["conntrack.min"]),
    (
        "kube_proxy_conntrack_tcp_close_wait_timeout",
        &["conntrack.tcpCloseWaitTimeout"],
    ),
    (
        "kube_proxy_conntrack_tcp_established_timeout",
        &["conntrack.tcpEstablishedTimeout"],
    ),
    ("kube_proxy_enable_profiling", &["enableProfiling"]),
    ("kube_proxy_masquerade_all", &["iptables.masqueradeAll"]),
    ("kube_proxy_masquerade_bit", &["iptables.masqueradeBit"]),
    ("kube_proxy_exclude_cidrs", &["ipvs.excludeCIDRs"]),
    ("kube_proxy_tcp_timeout", &["ipvs.tcpTimeout"]),
    ("kube_proxy_tcp_fin_timeout", &["ipvs.tcpFinTimeout"]),
    ("kube_proxy_udp_timeout", &["ipvs.udpTimeout"]),
    ("kube_proxy_oom_score_adj", &["oomScoreAdj"]),
    ("kube_proxy_port_range", &["portRange"]),
    ("kube_pods_subnet", &["clusterCIDR"]),
];

/// Variables about kube-proxy that are not configuration fields.
const OTHER: &[&str] = &[
    "kube_proxy_remove",
    "kube_proxy_nodeport_addresses_cidr",
    "kube_proxy_feature_gates",
    "kube_proxy_conntrack_max",
    "kube_proxy_udp_idle_timeout",
];

pub(super) fn matches(root: &Node) -> bool {
    root.entries().iter().any(|(k, _)| {
        k.as_str()
            .is_some_and(|k| k.starts_with("kube_proxy_") || k == "metallb_enabled")
    })
}

fn templated(s: &str) -> bool {
    s.contains("{{") || s.contains("{%")
}

/// Whether a node holds a Jinja expression anywhere.
fn node_templated(d: &Document, n: &Node) -> bool {
    let n = d.resolve(n);
    match &n.kind {
        crate::source::yaml::NodeKind::Scalar { value, .. } => templated(value),
        crate::source::yaml::NodeKind::Sequence(items) => {
            items.iter().any(|i| node_templated(d, i))
        }
        crate::source::yaml::NodeKind::Mapping(e) => e.iter().any(|(_, v)| node_templated(d, v)),
        crate::source::yaml::NodeKind::Alias { .. } => false,
    }
}

pub(super) fn read(file: &mut SourceFile, d: &Document, root: &Node) {
    metallb(file, d, root);
    cilium(file, d, root);
    let limits = crate::limits::Limits::default();
    let proxy_vars: Vec<&(Node, Node)> = root
        .entries()
        .iter()
        .filter(|(k, _)| {
            k.as_str().is_some_and(|k| {
                (k.starts_with("kube_proxy_") || k == "kube_pods_subnet") && !OTHER.contains(&k)
            })
        })
        .collect();
    if !root
        .entries()
        .iter()
        .any(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("kube_proxy_")))
    {
        return;
    }
    if let Some((k, _)) = root
        .get_entry("kube_proxy_remove")
        .filter(|(_, v)| is_true(d.resolve(v)))
    {
        let settings: Vec<(Span, String)> = proxy_vars
            .iter()
            .filter(|(k, _)| k.as_str() != Some("kube_pods_subnet"))
            .filter_map(|(k, _)| Some((k.span, k.as_str()?.to_string())))
            .collect();
        disabled_but_configured(
            file,
            d,
            (k.span, "kube_proxy_remove: true"),
            &settings,
            FORM,
        );
        return;
    }
    let Some(anchor) = proxy_vars
        .iter()
        .find(|(k, _)| k.as_str().is_some_and(|k| k.starts_with("kube_proxy_")))
        .or(proxy_vars.first())
        .map(|(k, _)| k.span)
    else {
        return;
    };
    // The template writes the sync periods into both the iptables and the ipvs section; only the
    // one the mode reads is kept, so that the other copy is not reported as an ignored setting
    // the user could not avoid (in nftables mode neither applies: kept as iptables.*).
    let mode = root
        .get("kube_proxy_mode")
        .map(|n| d.resolve(n))
        .and_then(|n| n.as_str())
        .unwrap_or("ipvs");
    let section = if mode == "ipvs" { "ipvs." } else { "iptables." };
    let mut b = Builder::new(anchor);
    for (k, v) in &proxy_vars {
        let Some(name) = k.as_str() else { continue };
        let Some((_, paths)) = VARS.iter().find(|(n, _)| *n == name) else {
            file.notes.push(Note {
                span: Some(k.span),
                message: format!(
                    "{name}: not a variable kubespray's kubeadm configuration template reads for kube-proxy; ignored"
                ),
            });
            continue;
        };
        if node_templated(d, v) {
            file.notes.push(Note {
                span: Some(k.span),
                message: format!(
                    "{name} is a Jinja expression; not read (its rendered value is unknown)"
                ),
            });
            continue;
        }
        let v = d.resolve(v);
        let decoded = model::decode(d, v, &limits);
        if decoded.value.is_null() {
            continue;
        }
        let shared = paths.len() > 1;
        for path in paths.iter().filter(|p| !shared || p.starts_with(section)) {
            let p = Path::parse(path);
            b.set(path, decoded.value.clone(), Some(k.span), v.span);
            for (sp, fs) in &decoded.spans {
                if !sp.is_root() {
                    let mut full = p.clone();
                    full.0.extend(sp.0.iter().cloned());
                    b.data.spans.insert(full, *fs);
                }
            }
        }
        b.data.issues.extend(decoded.issues);
    }
    // The legacy single-CIDR variable, when the list is not given.
    if !b.has("nodePortAddresses") {
        if let Some((k, v)) = root.get_entry("kube_proxy_nodeport_addresses_cidr") {
            let v = d.resolve(v);
            if let Some(s) = v.as_str().filter(|s| !templated(s)) {
                b.set(
                    "nodePortAddresses",
                    Value::Array(vec![Value::from(s)]),
                    Some(k.span),
                    v.span,
                );
            }
        }
    }
    let min_sync = format!("{section}minSyncPeriod");
    let defaults: [(&str, Value, &str); 4] = [
        (
            "mode",
            Value::from("ipvs"),
            "kubespray's default kube_proxy_mode is ipvs (roles/kubespray_defaults/defaults/main/main.yml)",
        ),
        (
            &min_sync,
            Value::from("0s"),
            "kubespray's default kube_proxy_min_sync_period is 0s (roles/kubernetes/control-plane/defaults/main/kube-proxy.yml)",
        ),
        (
            "ipvs.scheduler",
            Value::from("rr"),
            "kubespray's default kube_proxy_scheduler is rr (roles/kubernetes/control-plane/defaults/main/kube-proxy.yml)",
        ),
        (
            "clusterCIDR",
            Value::from("10.233.64.0/18"),
            "kubespray's default kube_pods_subnet is 10.233.64.0/18 (roles/kubespray_defaults/defaults/main/main.yml)",
        ),
    ];
    for (path, value, note) in defaults {
        b.default(
            path,
            value,
            anchor,
            format!("{note}; it becomes {path} in {TEMPLATE}"),
        );
    }
    let mut found = Found::new(FORM, FORM.to_string(), anchor, b);
    if let Some(v) = root.get("kube_version").map(|n| d.resolve(n)) {
        if let Some(r) = v.as_str().and_then(Release::parse) {
            found.release = Some((r, v.span));
            found.version_from = Some("kubespray kube_version".into());
        }
    }
    push(file, d, found);
}

/// `metallb_enabled: true`: MetalLB in layer 2 mode unless `metallb_config` has only `layer3`
/// or `metallb_protocol` is `bgp` (kubespray inventory/sample/group_vars/k8s_cluster/addons.yml).
fn metallb(file: &mut SourceFile, d: &Document, root: &Node) {
    let Some(v) = root.get("metallb_enabled").map(|n| d.resolve(n)) else {
        return;
    };
    if !is_true(v) {
        return;
    }
    let config = root.get("metallb_config").map(|n| d.resolve(n));
    let has = |k: &str| config.is_some_and(|c| c.get(k).is_some());
    let protocol = root
        .get("metallb_protocol")
        .map(|n| d.resolve(n))
        .and_then(|n| n.as_str());
    let mode = if protocol == Some("bgp") || (has("layer3") && !has("layer2")) {
        MetalLb::Bgp
    } else {
        MetalLb::L2
    };
    file.facts.push(Fact::MetalLb {
        mode,
        span: v.span,
        what: "kubespray metallb_enabled".into(),
    });
}

/// `cilium_kube_proxy_replacement` with the Cilium network plugin.
fn cilium(file: &mut SourceFile, d: &Document, root: &Node) {
    let Some(v) = root
        .get("cilium_kube_proxy_replacement")
        .map(|n| d.resolve(n))
    else {
        return;
    };
    let plugin = root
        .get("kube_network_plugin")
        .map(|n| d.resolve(n))
        .and_then(|n| n.as_str());
    if plugin.is_some_and(|p| p != "cilium") {
        return;
    }
    let on = is_true(v) || v.as_str() == Some("strict");
    file.facts.push(Fact::CiliumKubeProxyReplacement {
        on,
        span: v.span,
        what: "kubespray cilium_kube_proxy_replacement".into(),
    });
}
