//! k0s `ClusterConfig` (`k0s.k0sproject.io/v1beta1`): `spec.network.kubeProxy`.
//!
//! k0s's `KubeProxy` type (k0sproject/k0s pkg/apis/k0s/v1beta1/kubeproxy.go) has `disabled`,
//! `mode`, `metricsBindAddress`, `iptables`, `ipvs` and `nftables` sections named and shaped as in
//! kube-proxy's v1alpha1 API, `nodePortAddresses`, and `extraArgs`/`rawArgs` for the command
//! line. k0s renders them into the kube-proxy ConfigMap it deploys
//! (pkg/component/controller/kubeproxy.go `proxyTemplate`), with its own values where kube-proxy
//! would default: `mode: iptables` and `metricsBindAddress: 0.0.0.0:10249` (`DefaultKubeProxy`),
//! `clusterCIDR` from `spec.network.podCIDR` (default 10.244.0.0/16) and `conntrack.maxPerCore: 0`
//! (hard-coded in the template). Those are filled in with the span of `kubeProxy` (or
//! `podCIDR`). k0s decodes the ClusterConfig strictly (`yaml.UnmarshalStrict`,
//! `DisallowUnknownFields` in clusterconfig_types.go): an unknown key under `kubeProxy` stops k0s,
//! so it is an error here, not a field kube-proxy ignores. k0s runs kube-proxy with `--config`,
//! so `extraArgs`/`rawArgs` that map to configuration fields are ignored by kube-proxy (KP701).

use serde_json::Value;

use super::{Builder, Found, child, disabled_but_configured, is_true, push};
use crate::diagnostic::{Finding, Severity};
use crate::model::{self, Path};
use crate::rules::fields;
use crate::source::flags::{self, FlagUse};
use crate::source::yaml::{Document, Node, NodeKind, Span};
use crate::source::{Note, Origin, SourceFile, describe_named};

const FORM: &str = "k0s ClusterConfig";
const TYPES: &str = "k0sproject/k0s pkg/apis/k0s/v1beta1/kubeproxy.go";
const TEMPLATE: &str = "k0sproject/k0s pkg/component/controller/kubeproxy.go proxyTemplate";

/// Keys of k0s's `KubeProxy` type that kube-proxy's configuration has too, by section.
/// `healthzBindAddress` appears in the defaults `k0s config create` prints (docs/configuration.md).
const TOP: &[&str] = &[
    "mode",
    "metricsBindAddress",
    "healthzBindAddress",
    "iptables",
    "ipvs",
    "nftables",
    "nodePortAddresses",
];
const IPTABLES: &[&str] = &[
    "masqueradeBit",
    "masqueradeAll",
    "localhostNodePorts",
    "syncPeriod",
    "minSyncPeriod",
];
const IPVS: &[&str] = &[
    "syncPeriod",
    "minSyncPeriod",
    "scheduler",
    "excludeCIDRs",
    "strictARP",
    "tcpTimeout",
    "tcpFinTimeout",
    "udpTimeout",
];
const NFTABLES: &[&str] = &[
    "syncPeriod",
    "masqueradeBit",
    "masqueradeAll",
    "minSyncPeriod",
];

pub(super) fn read(file: &mut SourceFile, d: &Document, root: &Node) {
    let limits = crate::limits::Limits::default();
    let describe = format!("k0s {}", describe_named(d, root, "ClusterConfig"));
    let spec_entry = root.get_entry("spec");
    let spec = spec_entry.map(|(_, v)| d.resolve(v));
    let network_entry = spec.and_then(|s| s.get_entry("network"));
    let network = network_entry.map(|(_, v)| d.resolve(v));
    let kp_entry = network.and_then(|n| n.get_entry("kubeProxy"));
    let anchor = kp_entry
        .map(|(k, _)| k.span)
        .or(network_entry.map(|(k, _)| k.span))
        .or(spec_entry.map(|(k, _)| k.span))
        .or(root.get_entry("kind").map(|(_, v)| v.span))
        .unwrap_or(root.span);
    let kp = kp_entry.map(|(_, v)| d.resolve(v));
    let doc_span = kp.map_or(anchor, |n| n.span);
    let mut builder = match kp {
        Some(n) if matches!(n.kind, NodeKind::Mapping(_)) => {
            Builder::from_located(model::decode(d, n, &limits))
        }
        _ => Builder::new(doc_span),
    };
    let disabled = kp
        .and_then(|n| n.get_entry("disabled"))
        .filter(|(_, v)| is_true(d.resolve(v)));
    builder.take("disabled");
    let extra = builder.take("extraArgs");
    let raw = builder.take("rawArgs");
    if let Some((k, _)) = disabled {
        let settings: Vec<(Span, String)> = kp
            .map(|n| n.entries())
            .unwrap_or_default()
            .iter()
            .filter_map(|(key, _)| Some((key.span, key.as_str()?.to_string())))
            .filter(|(_, name)| name != "disabled")
            .map(|(s, name)| (s, format!("kubeProxy.{name}")))
            .collect();
        if settings.is_empty() {
            file.notes.push(Note {
                span: Some(k.span),
                message: format!(
                    "{describe}: kube-proxy is disabled (spec.network.kubeProxy.disabled: true); no kube-proxy settings to lint"
                ),
            });
        }
        disabled_but_configured(
            file,
            d,
            (k.span, "spec.network.kubeProxy.disabled: true"),
            &settings,
            &describe,
        );
        return;
    }
    unknown_keys(file, d, kp, &mut builder, &describe);
    builder.default(
        "mode",
        Value::from("iptables"),
        anchor,
        format!("k0s sets mode: iptables when kubeProxy.mode is empty ({TYPES} DefaultKubeProxy)"),
    );
    builder.default(
        "metricsBindAddress",
        Value::from("0.0.0.0:10249"),
        anchor,
        format!("k0s sets metricsBindAddress: 0.0.0.0:10249 when kubeProxy.metricsBindAddress is empty ({TYPES} DefaultKubeProxy)"),
    );
    let pod_cidr = network.and_then(|n| n.get_entry("podCIDR"));
    let (cidr, cidr_span) = match pod_cidr {
        Some((_, v)) => (
            d.resolve(v).as_str().unwrap_or("").to_string(),
            d.resolve(v).span,
        ),
        None => ("10.244.0.0/16".to_string(), anchor),
    };
    if !cidr.is_empty() {
        builder.default(
            "clusterCIDR",
            Value::from(cidr),
            cidr_span,
            format!("k0s writes clusterCIDR from spec.network.podCIDR (default 10.244.0.0/16; {TEMPLATE})"),
        );
    }
    builder.default(
        "conntrack.maxPerCore",
        Value::from(0),
        anchor,
        format!("k0s writes conntrack.maxPerCore: 0 into kube-proxy's configuration, whatever the ClusterConfig says ({TEMPLATE})"),
    );
    push(
        file,
        d,
        Found::new(FORM, describe.clone(), doc_span, builder),
    );
    // extraArgs and rawArgs go on kube-proxy's command line next to --config.
    let mut uses: Vec<FlagUse> = Vec::new();
    if let (Some(_), Some(n)) = (extra, kp.and_then(|n| child(d, n, "extraArgs"))) {
        for (k, v) in n.entries() {
            uses.extend(flags::flags_from_entry(d, k, v));
        }
    }
    if let (Some(_), Some(n)) = (raw, kp.and_then(|n| child(d, n, "rawArgs"))) {
        if let NodeKind::Sequence(items) = &n.kind {
            for i in items {
                if let Some(u) = flags::flag_from_scalar(&file.text, d.resolve(i)) {
                    uses.push(u);
                }
            }
        }
    }
    if uses.is_empty() {
        return;
    }
    let config_flag = "the configuration k0s generates from spec.network.kubeProxy".to_string();
    let mut all = vec![FlagUse {
        name: "config".into(),
        value: Some("/var/lib/kube-proxy/config.conf".into()),
        name_span: anchor,
        value_span: anchor,
        span: anchor,
    }];
    all.extend(uses.iter().cloned());
    let args_describe = format!("{describe} (kubeProxy.extraArgs)");
    let (data, _) = flags::flags_to_located(file, d, &all, &args_describe, doc_span);
    let mut found = Found::new(FORM, args_describe, doc_span, Builder::from_located(data));
    found.origin = Origin::Flags {
        workload: describe,
        container: "kube-proxy".into(),
        config_flag: Some(config_flag),
    };
    found.flags = uses;
    push(file, d, found);
}

/// Keys k0s's `KubeProxy` type does not have: k0s refuses the whole ClusterConfig.
fn unknown_keys(
    file: &mut SourceFile,
    d: &Document,
    kp: Option<&Node>,
    builder: &mut Builder,
    describe: &str,
) {
    let Some(kp) = kp else { return };
    let mut bad: Vec<(Path, Span)> = Vec::new();
    for (k, v) in kp.entries() {
        let Some(name) = k.as_str() else { continue };
        if ["disabled", "extraArgs", "rawArgs"].contains(&name) {
            continue;
        }
        if !TOP.contains(&name) {
            bad.push((Path::root().key(name), k.span));
            continue;
        }
        let allowed = match name {
            "iptables" => IPTABLES,
            "ipvs" => IPVS,
            "nftables" => NFTABLES,
            _ => continue,
        };
        for (ik, _) in d.resolve(v).entries() {
            if let Some(iname) = ik.as_str() {
                if !allowed.contains(&iname) {
                    bad.push((Path::root().key(name).key(iname), ik.span));
                }
            }
        }
    }
    for (p, span) in bad {
        let shown = p.to_string();
        let known = crate::kb::kb().field(&shown).is_some();
        let help = if known {
            format!(
                "delete it: k0s has no setting for kube-proxy's {shown} (it writes kube-proxy's configuration itself, and extraArgs that map to configuration fields are ignored next to --config)"
            )
        } else {
            "delete it, or correct its name".to_string()
        };
        file.findings.push(
            Finding::new(
                &fields::UNKNOWN_FIELD,
                format!(
                    "unknown field {shown:?} in k0s spec.network.kubeProxy; k0s decodes its configuration strictly and refuses it"
                ),
            )
            .severity(Severity::Error)
            .at(span)
            .label("not in k0s's kubeProxy")
            .help(help)
            .path(shown.clone())
            .document(d.index, describe.to_string()),
        );
        flags::remove_path(&mut builder.data.value, &p);
        builder
            .data
            .spans
            .retain(|sp, _| !(sp.0.len() >= p.0.len() && sp.0[..p.0.len()] == p.0[..]));
    }
}
