//! RKE2 and k3s `config.yaml` (`/etc/rancher/{rke2,k3s}/config.yaml`): `kube-proxy-arg` is a
//! list of `flag=value` strings passed to kube-proxy after the distribution's own flags, and
//! `disable-kube-proxy: true` keeps kube-proxy from running.
//!
//! Both build kube-proxy's command line with k3s's agent code: `kubeProxyArgs` sets
//! `--proxy-mode=iptables`, `--healthz-bind-address=127.0.0.1` (`::1` on an IPv6 node),
//! `--cluster-cidr` (the `cluster-cidr` setting, default 10.42.0.0/16),
//! `--conntrack-max-per-core=0` and both conntrack TCP timeouts `0s`; `GetArgs` then applies
//! `kube-proxy-arg` items over them, the last one winning (k3s-io/k3s
//! pkg/daemons/agent/agent_linux.go `kubeProxyArgs`, pkg/util/args.go `GetArgs`). Those values
//! are filled in where `kube-proxy-arg` does not set them.

use super::{
    Builder, DefaultFlag, Found, disabled_but_configured, is_true, push, record_default_flags,
};
use crate::source::flags::{self, FlagUse};
use crate::source::yaml::{Document, Node, NodeKind, Span};
use crate::source::{Note, Origin, SourceFile};

const FORM: &str = "RKE2/k3s config.yaml";
const SOURCE: &str = "k3s-io/k3s pkg/daemons/agent/agent_linux.go kubeProxyArgs";

pub(super) fn matches(root: &Node) -> bool {
    ["kube-proxy-arg", "kube-proxy-arg+", "disable-kube-proxy"]
        .iter()
        .any(|k| root.get(k).is_some())
}

/// The `kube-proxy-arg` items (a list, or one string), with `kube-proxy-arg+` (added by
/// config.yaml.d drop-ins) after them.
fn arg_items<'a>(d: &'a Document, root: &'a Node) -> Vec<&'a Node> {
    let mut out = Vec::new();
    for key in ["kube-proxy-arg", "kube-proxy-arg+"] {
        let Some(v) = root.get(key).map(|n| d.resolve(n)) else {
            continue;
        };
        match &v.kind {
            NodeKind::Sequence(items) => out.extend(items.iter().map(|i| d.resolve(i))),
            NodeKind::Scalar { .. } if !v.is_null() => out.push(v),
            _ => {}
        }
    }
    out
}

pub(super) fn read(file: &mut SourceFile, d: &Document, root: &Node) {
    let items = arg_items(d, root);
    let mut uses: Vec<FlagUse> = Vec::new();
    for item in &items {
        if let Some(mut u) = flags::flag_from_scalar(&file.text, item) {
            // `name+=v` / `name-=v` append or prepend to k3s's value; the flag is the same.
            u.name = u.name.trim_end_matches(['+', '-']).to_string();
            uses.push(u);
        }
    }
    let arg_entry = root
        .get_entry("kube-proxy-arg")
        .or_else(|| root.get_entry("kube-proxy-arg+"));
    if let Some((k, v)) = root.get_entry("disable-kube-proxy") {
        if is_true(d.resolve(v)) {
            let settings: Vec<(Span, String)> = uses
                .iter()
                .map(|u| (u.span, format!("--{}", u.name)))
                .collect();
            if settings.is_empty() {
                file.notes.push(Note {
                    span: Some(k.span),
                    message: format!("{FORM}: kube-proxy is disabled (disable-kube-proxy: true); no kube-proxy settings to lint"),
                });
            }
            disabled_but_configured(
                file,
                d,
                (k.span, "disable-kube-proxy: true"),
                &settings,
                FORM,
            );
            return;
        }
    }
    let anchor = arg_entry
        .map(|(k, _)| k.span)
        .or_else(|| root.get_entry("disable-kube-proxy").map(|(k, _)| k.span))
        .unwrap_or(root.span);
    let doc_span = arg_entry.map_or(root.span, |(_, v)| v.span);
    let (cidr, cidr_span) = match root.get("cluster-cidr").map(|n| d.resolve(n)) {
        Some(n) => (n.as_str().unwrap_or("").to_string(), n.span),
        None => ("10.42.0.0/16".to_string(), anchor),
    };
    let ipv6_node = root
        .get("node-ip")
        .map(|n| d.resolve(n))
        .and_then(|n| n.as_str())
        .and_then(|s| s.split(',').next())
        .is_some_and(|ip| ip.trim().parse::<std::net::Ipv6Addr>().is_ok());
    let defaults = [
        DefaultFlag::new("proxy-mode", "iptables", anchor),
        DefaultFlag::new(
            "healthz-bind-address",
            if ipv6_node { "::1" } else { "127.0.0.1" },
            anchor,
        ),
        DefaultFlag::new("cluster-cidr", cidr, cidr_span),
        DefaultFlag::new("conntrack-max-per-core", "0", anchor),
        DefaultFlag::new("conntrack-tcp-timeout-established", "0s", anchor),
        DefaultFlag::new("conntrack-tcp-timeout-close-wait", "0s", anchor),
    ];
    let mut all: Vec<FlagUse> = defaults.iter().map(DefaultFlag::to_use).collect();
    all.extend(uses.iter().cloned());
    let (data, config_flag) = flags::flags_to_located(file, d, &all, FORM, doc_span);
    let mut builder = Builder::from_located(data);
    record_default_flags(&mut builder, &defaults, |df| {
        if df.name == "cluster-cidr" {
            format!(
                "RKE2 and k3s pass --cluster-cidr from their cluster-cidr setting (default 10.42.0.0/16) unless kube-proxy-arg sets it ({SOURCE})"
            )
        } else {
            format!(
                "RKE2 and k3s pass --{}={} unless kube-proxy-arg sets it ({SOURCE})",
                df.name, df.value
            )
        }
    });
    let mut found = Found::new(FORM, FORM.to_string(), doc_span, builder);
    if let Some(config) = config_flag {
        // `--config` in kube-proxy-arg: kube-proxy reads that file and ignores the flags that
        // map to its fields, the distribution's own included.
        found.origin = Origin::Flags {
            workload: FORM.to_string(),
            container: "kube-proxy".to_string(),
            config_flag: Some(config),
        };
        found.builder.defaults.clear();
    }
    found.flags = uses;
    push(file, d, found);
}
