//! `kp-lint recommend`: a tuned KubeProxyConfiguration for the cluster profile, each value that
//! differs from kube-proxy's default explained with the rule behind it (docs/recommend.md).

use crate::cli::RecommendFormat;
use crate::kb::{Kb, Release};
use crate::profile::{MetalLb, Profile};

struct Doc {
    lines: Vec<String>,
}

impl Doc {
    fn line(&mut self, indent: usize, text: impl AsRef<str>) {
        self.lines
            .push(format!("{}{}", "  ".repeat(indent), text.as_ref()));
    }
    /// `key: value  # why` — the comment only when there is a reason.
    fn kv(&mut self, indent: usize, key: &str, value: &str, why: Option<String>) {
        match why {
            Some(w) => self.line(indent, format!("{key}: {value}  # {w}")),
            None => self.line(indent, format!("{key}: {value}")),
        }
    }
}

/// The proxy mode for the profile, and why.
fn mode(profile: &Profile, release: Release, kb: &Kb) -> (&'static str, Option<String>) {
    let nft = kb.mode("nftables");
    let available = nft.is_some_and(|m| release.at_least(&m.gate_until.unwrap_or(m.since)));
    if let Some(k) = &profile.kernel {
        if !k.value.at_least(5, 13) {
            return (
                "iptables",
                Some(format!(
                    "KP601: nftables needs kernel 5.13, the nodes run {}",
                    k.value
                )),
            );
        }
    }
    if available {
        let kernel_note = if profile.kernel.is_none() {
            "; needs kernel >= 5.13 (KP601)"
        } else {
            ""
        };
        return (
            "nftables",
            Some(format!(
                "KP204/KP205: nftables is GA since 1.33 and the planned default; IPVS is deprecated{kernel_note}"
            )),
        );
    }
    (
        "iptables",
        Some(format!(
            "KP205: nftables is not on by default before 1.31 (target {release})"
        )),
    )
}

/// What live metrics say to set (KP810 minSyncPeriod, KP813 qps/burst, KP815 maxPerCore),
/// keyed by the field's last name, with the reason: the worst node's verdict per rule.
fn measured(profile: &Profile, kb: &Kb) -> Vec<(String, String, String)> {
    let Some(ev) = &profile.metrics else {
        return Vec::new();
    };
    let view = crate::rules::metrics::View::defaults(kb);
    let mut out = Vec::new();
    let verdicts = crate::rules::judge_metrics(ev, &view, kb);
    for (v, _, node) in crate::rules::metrics::worst_per_rule(verdicts) {
        for (path, value) in &v.set {
            let key = path.rsplit('.').next().unwrap_or(path).to_string();
            out.push((
                key,
                value.clone(),
                format!("{}: {} on {node}", v.rule.code, v.label),
            ));
        }
    }
    out
}

/// A new configuration for the profile, in the requested shape.
pub fn new_config(
    profile: &Profile,
    release: Release,
    kb: &Kb,
    cluster_cidr: Option<&str>,
    format: RecommendFormat,
) -> String {
    let mut d = Doc { lines: Vec::new() };
    let measured = measured(profile, kb);
    let pick = |key: &str, value: String, why: Option<String>| -> (String, Option<String>) {
        match measured.iter().find(|(k, _, _)| k == key) {
            Some((_, v, w)) => (v.clone(), Some(w.clone())),
            None => (value, why),
        }
    };
    d.line(0, format!("# kp-lint recommend for Kubernetes {release}: values that differ from kube-proxy's defaults say why."));
    d.line(0, "apiVersion: kubeproxy.config.k8s.io/v1alpha1");
    d.line(0, "kind: KubeProxyConfiguration");
    let (mode, why) = mode(profile, release, kb);
    d.kv(0, "mode", mode, why);
    let t = &kb.tuning;
    d.line(0, format!("{mode}:"));
    d.kv(1, "syncPeriod", "30s", None);
    let (v, why) = pick(
        "minSyncPeriod",
        t.sync.recommended_min_sync_period.clone(),
        None,
    );
    d.kv(1, "minSyncPeriod", &v, why);
    if mode == "iptables" {
        d.kv(
            1,
            "localhostNodePorts",
            "false",
            Some("KP606: no route_localnet (CVE-2020-8558)".into()),
        );
    }
    d.kv(0, "bindAddress", "0.0.0.0", None);
    d.kv(0, "healthzBindAddress", "0.0.0.0:10256", None);
    match &profile.kube_proxy_scraped {
        Some(s) if s.value => d.kv(
            0,
            "metricsBindAddress",
            "0.0.0.0:10249",
            Some("KP608: Prometheus scrapes kube-proxy; restrict port 10249 to the monitoring network (KP607)".into()),
        ),
        _ => d.kv(0, "metricsBindAddress", "127.0.0.1:10249", None),
    }
    if release.at_least(&kb.releases.validation.node_port_primary_since) {
        let why = (mode != "nftables")
            .then(|| "KP605: NodePorts only on the node's primary IPs".to_string());
        d.kv(0, "nodePortAddresses", "[\"primary\"]", why);
    }
    d.kv(0, "detectLocalMode", "ClusterCIDR", None);
    match cluster_cidr {
        Some(c) => d.kv(0, "clusterCIDR", &format!("\"{c}\""), Some("KP604: the pod network, to tell local traffic".into())),
        None => d.line(0, "# clusterCIDR: <pod network>  # KP604: set it (kubeadm fills it from networking.podSubnet)"),
    }
    d.line(0, "clientConnection:");
    d.kv(
        1,
        "contentType",
        "application/vnd.kubernetes.protobuf",
        None,
    );
    let (v, why) = pick("qps", format!("{}", t.client.default_qps), None);
    d.kv(1, "qps", &v, why);
    let (v, why) = pick("burst", t.client.default_burst.to_string(), None);
    d.kv(1, "burst", &v, why);
    d.line(0, "conntrack:");
    // Where the release caps nf_conntrack_max, scale maxPerCore down so that the product stays
    // at the cap instead of being cut (KP402).
    let mut per_core = t.conntrack.default_max_per_core;
    let max_note = profile.cores_per_node.as_ref().map(|c| {
        let cores = c.value.max(1) as i64;
        let capped =
            release.at_least(&t.conntrack.max_cap_since) && per_core * cores > t.conntrack.max_cap;
        if capped {
            per_core = t.conntrack.max_cap / cores;
            format!(
                "KP402: {per_core} x {cores} cores stays within the {} cap",
                t.conntrack.max_cap
            )
        } else {
            format!(
                "nf_conntrack_max on {cores} cores: {}",
                (per_core * cores).max(t.conntrack.default_min)
            )
        }
    });
    let (v, why) = pick("maxPerCore", per_core.to_string(), max_note);
    d.kv(1, "maxPerCore", &v, why);
    d.kv(1, "min", &t.conntrack.default_min.to_string(), None);
    d.kv(1, "tcpEstablishedTimeout", "24h0m0s", None);
    d.kv(1, "tcpCloseWaitTimeout", "1h0m0s", None);
    if mode == "nftables" && release.at_least(&crate::kb::Release::new(1, 29)) {
        match &profile.kernel {
            Some(k) if !k.value.at_least(6, 1) => d.kv(
                1,
                "tcpBeLiberal",
                "true",
                Some(format!(
                    "KP602: kernel {} < 6.1 and nftables installs no conntrack INVALID workaround",
                    k.value
                )),
            ),
            Some(_) => {}
            None => d.line(1, "# tcpBeLiberal: true  # KP602: on kernels before 6.1"),
        }
    }
    if let Some(m) = &profile.metallb {
        if m.value == MetalLb::L2 && mode != "ipvs" {
            d.line(
                0,
                "# MetalLB layer 2: no ipvs.strictARP needed outside IPVS mode (KP501).",
            );
        }
    }
    d.kv(0, "oomScoreAdj", "-999", None);
    d.kv(0, "configSyncPeriod", "15m0s", None);
    let body = d.lines.join("\n") + "\n";
    match format {
        RecommendFormat::Kubeproxy => body,
        RecommendFormat::Kubeadm => format!("---\n{body}"),
        RecommendFormat::Configmap => {
            let mut out = String::from(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\n  labels:\n    app: kube-proxy\ndata:\n  config.conf: |-\n",
            );
            for l in body.lines() {
                if l.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("    {l}\n"));
                }
            }
            out
        }
    }
}
