//! The cheap first look: decide from a file's bytes, before parsing it, whether anything in it
//! can matter to kp-lint. Files found by walking a directory are parsed only when this says
//! they may; the rest are counted as checked. docs/performance.md explains the choice.
//!
//! The test is a superset of what [`super::load`] consumes (see `detect` there and
//! `distros::detect`): a file that fails it has no kube-proxy configuration in any of the forms
//! kp-lint reads (distributions' included), no fact for the cluster profile (MetalLB, Cilium,
//! Prometheus scraping kube-proxy, conntrack sysctls, `nf_conntrack_ipv4`), no Service a rule
//! looks at, nothing kp-lint notes at a position, and no suppression comment. It is one
//! Aho-Corasick pass over the bytes, stopping at the first decisive word. tests/prefilter.rs
//! checks on every test input that walking loses nothing.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;

/// A word the scan looks for, and what it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// Decisive wherever it is: a kube-proxy configuration or its distribution's form, a fact
    /// for the cluster profile, a suppression comment (see [`WORDS`]).
    Decisive,
    /// `kube-proxy`: the ConfigMap and container names, images and commands, a ServiceMonitor
    /// or scrape job for kube-proxy, Cilium's `kube-proxy-replacement` key, RKE2/k3s
    /// `kube-proxy-arg` and `disable-kube-proxy`. Not decisive right after a PromQL matcher
    /// (`job="kube-proxy"`), which dashboards and alert rules are full of.
    KubeProxy,
    /// A KubeProxyConfiguration section (`conntrack`, `ipvs`, …) as a mapping key: a fragment of
    /// a configuration without apiVersion and kind, which gets a note.
    SectionKey,
    /// `metallb.io/` with `Advertisement`: a MetalLB L2Advertisement or BGPAdvertisement.
    MetalLbApi,
    Advertisement,
    /// `metallb-system` with `protocol: `: MetalLB's legacy `config` ConfigMap.
    MetalLbSystem,
    Protocol,
    /// A Talos machine configuration or patch: a `cluster` key with a `proxy` or `machine` key,
    /// or `version: v1alpha1`.
    Cluster,
    ProxyOrMachine,
    V1alpha1,
    /// `Service` as the value of `kind`: its document is checked for keys with IPVS-looking words.
    Service,
}

const WORDS: &[(&str, Word)] = &[
    // A standalone, kubeadm, ConfigMap-embedded or kind-patched configuration.
    ("KubeProxyConfiguration", Word::Decisive),
    ("kube-proxy", Word::KubeProxy),
    // Cilium's `kubeProxyReplacement`, kube-prometheus-stack's `kubeProxy.enabled`, k0s
    // `spec.network.kubeProxy`, KubeKey `kubeProxyConfiguration`, kind `kubeProxyMode`, kops.
    ("kubeProxy", Word::Decisive),
    // kubeadm API versions and the `kubernetesVersion` they carry.
    ("kubeadm.k8s.io", Word::Decisive),
    // The removed Service field (KP506).
    ("topologyKeys", Word::Decisive),
    // Node set-up: the kernel module gone since Linux 4.19 (KP507), the conntrack table size
    // set by sysctl (KP405).
    ("nf_conntrack_ipv4", Word::Decisive),
    ("nf_conntrack_max", Word::Decisive),
    // A suppression comment, checked for being valid and used.
    ("kp-lint:", Word::Decisive),
    // The old all-in-one binary: `hyperkube proxy`.
    ("hyperkube", Word::Decisive),
    // kubespray variables (`kube_proxy_mode`, `cilium_kube_proxy_replacement`, `metallb_enabled`).
    ("kube_proxy_", Word::Decisive),
    ("metallb_enabled", Word::Decisive),
    // k0s, KubeKey, kind and Cluster API objects; a Cluster API spec cut out of its object;
    // KubeOne (a note).
    ("k0s.k0sproject.io", Word::Decisive),
    ("kubekey.kubesphere.io", Word::Decisive),
    ("x-k8s.io", Word::Decisive),
    ("kubeadmConfigSpec", Word::Decisive),
    ("KubeOneCluster", Word::Decisive),
    ("conntrack", Word::SectionKey),
    ("iptables", Word::SectionKey),
    ("ipvs", Word::SectionKey),
    ("nftables", Word::SectionKey),
    ("winkernel", Word::SectionKey),
    ("detectLocal", Word::SectionKey),
    ("clientConnection", Word::SectionKey),
    ("metallb.io/", Word::MetalLbApi),
    ("Advertisement", Word::Advertisement),
    ("metallb-system", Word::MetalLbSystem),
    ("protocol: ", Word::Protocol),
    ("cluster", Word::Cluster),
    ("proxy", Word::ProxyOrMachine),
    ("machine", Word::ProxyOrMachine),
    ("v1alpha1", Word::V1alpha1),
    ("Service", Word::Service),
];

/// What KP505 looks for in a Service annotation's key, in any case: `ipvs`, or `scheduler`,
/// `lb-method`, `lb-algorithm` with a scheduler name as the value.
const SERVICE_WORDS: &[&str] = &["ipvs", "scheduler", "lb-method", "lb-algorithm"];

fn words() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(WORDS.iter().map(|(w, _)| w))
            .expect("prefilter words compile")
    })
}

fn service_words() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(SERVICE_WORDS)
            .expect("prefilter words compile")
    })
}

/// Whether a file with these bytes may hold anything kp-lint analyses. `false` is a promise:
/// parsing the file would find nothing to report beyond its encoding and size (which
/// [`plain_text`] checks without parsing).
pub fn may_matter(bytes: &[u8]) -> bool {
    // UTF-16 hides every ASCII word behind NUL bytes: decode and analyse it (rare).
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let (mut metallb_api, mut advertisement) = (false, false);
    let (mut metallb_system, mut protocol) = (false, false);
    let (mut cluster, mut proxy_or_machine, mut talos_version) = (false, false, false);
    for m in words().find_iter(bytes) {
        let (start, end) = (m.start(), m.end());
        match WORDS[m.pattern().as_usize()].1 {
            Word::Decisive => return true,
            Word::KubeProxy => {
                if !after_promql_matcher(bytes, start) {
                    return true;
                }
            }
            Word::SectionKey => {
                if is_key(bytes, start, end) {
                    return true;
                }
            }
            Word::MetalLbApi => metallb_api = true,
            Word::Advertisement => advertisement = true,
            Word::MetalLbSystem => metallb_system = true,
            Word::Protocol => protocol = true,
            Word::Cluster => cluster |= is_key(bytes, start, end),
            Word::ProxyOrMachine => proxy_or_machine |= is_key(bytes, start, end),
            Word::V1alpha1 => talos_version |= is_value_of(bytes, start, b"version"),
            Word::Service => {
                if is_kind_value(bytes, start, end)
                    && has_key_with_service_word(document_around(bytes, start))
                {
                    return true;
                }
            }
        }
        if (metallb_api && advertisement)
            || (metallb_system && protocol)
            || (cluster && (proxy_or_machine || talos_version))
        {
            return true;
        }
    }
    rule_file_with_proxy_metrics(bytes)
}

/// A Prometheus rule file or PrometheusRule object (a `groups:` key) whose PromQL may hold what
/// KP610 reports: the removed `_latency_microseconds` histogram, an IPVS metric without
/// node_exporter's `node_` prefix, incoming and outgoing IPVS packets together, or `rate()`,
/// `irate()` or `increase()` right around one of kube-proxy's gauges. Checked apart from the
/// main scan with SIMD substring searches, only for files the scan found nothing in: rule files
/// that use kube-proxy's metrics correctly are common and large, and are not parsed.
fn rule_file_with_proxy_metrics(bytes: &[u8]) -> bool {
    if memmem::find(bytes, b"groups:").is_none() {
        return false;
    }
    if memmem::find(bytes, b"_latency_microseconds").is_some() {
        return true;
    }
    let (mut incoming, mut outgoing) = (false, false);
    for i in memmem::find_iter(bytes, b"ipvs_") {
        let rest = &bytes[i + 5..];
        let known = [
            &b"incoming_"[..],
            b"outgoing_",
            b"connections_",
            b"backend_",
        ]
        .iter()
        .any(|w| rest.starts_with(w));
        if !known {
            continue;
        }
        if i < 5 || &bytes[i - 5..i] != b"node_" {
            return true;
        }
        incoming |= rest.starts_with(b"incoming_packets");
        outgoing |= rest.starts_with(b"outgoing_packets");
    }
    if incoming && outgoing {
        return true;
    }
    crate::rules::network::alert_metric_names::GAUGES
        .iter()
        .any(|g| {
            memmem::find_iter(bytes, g.as_bytes()).any(|i| {
                let before = bytes[..i].trim_ascii_end();
                let Some(before) = before.strip_suffix(b"(") else {
                    return false;
                };
                let before = before.trim_ascii_end();
                before.ends_with(b"rate") || before.ends_with(b"increase")
            })
        })
}

/// Whether the bytes are text kp-lint can decode without parsing: within the size limit, UTF-8
/// (with or without a byte-order mark), no NUL byte. Files that fail are loaded in full, which
/// reports why they cannot be read (KP002, KP003).
pub fn plain_text(bytes: &[u8], max_bytes: u64) -> bool {
    if bytes.len() as u64 > max_bytes {
        return false;
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    memchr::memchr(0, body).is_none() && std::str::from_utf8(body).is_ok()
}

/// Whether a word of [`SERVICE_WORDS`] is in what can be a mapping key: a colon follows on its
/// line (YAML's implicit keys are one line long; this also holds for flow and JSON style), or
/// the line is an explicit `? key`.
fn has_key_with_service_word(doc: &[u8]) -> bool {
    service_words().find_iter(doc).any(|m| {
        let line_end = memchr::memchr(b'\n', &doc[m.end()..]).map_or(doc.len(), |i| m.end() + i);
        let line_start = memchr::memrchr(b'\n', &doc[..m.start()]).map_or(0, |i| i + 1);
        memchr::memchr(b':', &doc[m.end()..line_end]).is_some()
            || doc[line_start..m.start()]
                .trim_ascii_start()
                .starts_with(b"?")
    })
}

/// `job="kube-proxy"`, `job=~"kube-proxy|…"` and the same with escaped quotes inside JSON:
/// a PromQL label matcher in a dashboard or alert rule, which no rule reads.
fn after_promql_matcher(bytes: &[u8], start: usize) -> bool {
    let before = &bytes[..start];
    let Some(before) = before.strip_suffix(b"\"") else {
        return false;
    };
    let before = before.strip_suffix(b"\\").unwrap_or(before);
    matches!(before.last(), Some(b'=' | b'~'))
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.'
}

/// The word at `start..end` is a whole mapping key: `word:`, `"word":`, `'word' :`, not
/// `keyword:` or `word-x:`.
fn is_key(bytes: &[u8], start: usize, end: usize) -> bool {
    if start > 0 && is_name_byte(bytes[start - 1]) {
        return false;
    }
    let mut rest = &bytes[end..];
    if let Some(r) = rest.strip_prefix(b"\"").or(rest.strip_prefix(b"'")) {
        rest = r;
    }
    let rest = trim_blanks_start(rest);
    rest.first() == Some(&b':')
}

fn trim_blanks_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|&&c| c == b' ' || c == b'\t').count();
    &b[n..]
}

/// The word at `start` is the value of the key `key`: `key: word`, `"key": "word"`,
/// `key: 'word'`, also across a line break (the word's own end is checked by the caller).
fn is_value_of(bytes: &[u8], start: usize, key: &[u8]) -> bool {
    let mut before = &bytes[..start];
    if let Some(b) = before.strip_suffix(b"\"").or(before.strip_suffix(b"'")) {
        before = b;
    }
    let before = before.trim_ascii_end();
    let Some(before) = before.strip_suffix(b":") else {
        return false;
    };
    let mut before = before.trim_ascii_end();
    if let Some(b) = before.strip_suffix(b"\"").or(before.strip_suffix(b"'")) {
        before = b;
    }
    let Some(before) = before.strip_suffix(key) else {
        return false;
    };
    !before.last().is_some_and(|&b| is_name_byte(b))
}

/// `Service` at `start..end` is the value of a `kind` key: `kind: Service`, `"kind": "Service"`,
/// `kind: 'Service'`, also across a line break, and not `ServiceAccount` or `kind: Services`.
fn is_kind_value(bytes: &[u8], start: usize, end: usize) -> bool {
    !bytes.get(end).is_some_and(|&b| is_name_byte(b)) && is_value_of(bytes, start, b"kind")
}

/// The YAML document around `at`: from the `---` line before it to the one after it. Only
/// well-formed markers (`---` at the start of a line, then a blank or the end) split, so the
/// slice never is smaller than the document.
fn document_around(bytes: &[u8], at: usize) -> &[u8] {
    let is_marker = |i: usize| {
        // `i` is the index of a "\n---" match; the marker starts at i + 1.
        matches!(bytes.get(i + 4), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
    };
    let mut start = 0;
    let mut prefix = &bytes[..at];
    while let Some(i) = memmem::rfind(prefix, b"\n---") {
        if is_marker(i) {
            start = i + 1;
            break;
        }
        prefix = &prefix[..i];
    }
    let mut end = bytes.len();
    let mut from = at;
    while let Some(i) = memmem::find(&bytes[from..], b"\n---") {
        if is_marker(from + i) {
            end = from + i;
            break;
        }
        from += i + 1;
    }
    &bytes[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yes(s: &str) {
        assert!(may_matter(s.as_bytes()), "should matter:\n{s}");
    }

    fn no(s: &str) {
        assert!(!may_matter(s.as_bytes()), "should not matter:\n{s}");
    }

    #[test]
    fn rule_files_only_when_kp610_may_report() {
        let rule = |expr: &str| {
            format!("groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: {expr}\n")
        };
        // Correct uses of kube-proxy's metrics: not parsed.
        no(&rule(
            "histogram_quantile(0.99, rate(kubeproxy_sync_proxy_rules_duration_seconds_bucket[5m])) > 1",
        ));
        no(&rule(
            "kubeproxy_sync_proxy_rules_no_local_endpoints_total > 0",
        ));
        no(&rule("rate(node_ipvs_incoming_packets_total[5m]) > 1e6"));
        // What KP610 reports.
        yes(&rule("rate(ipvs_incoming_packets_total[5m]) > 1"));
        yes(&rule(
            "rate(node_ipvs_incoming_packets_total[5m]) - rate(node_ipvs_outgoing_packets_total[5m])",
        ));
        yes(&rule(
            "increase( kubeproxy_sync_proxy_rules_no_local_endpoints_total[10m]) > 0",
        ));
        yes(&rule(
            "rate(kubeproxy_sync_proxy_rules_latency_microseconds_count[5m])",
        ));
        // The same words outside a rule file (a dashboard): not parsed.
        no("panels:\n  - expr: rate(ipvs_incoming_packets_total[5m])\n");
    }

    #[test]
    fn kube_proxy_documents_matter() {
        yes("apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n");
        yes("apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n");
        yes("kind: ConfigMap\nmetadata:\n  name: kube-proxy\n");
        yes("containers:\n- command: [/usr/local/bin/kube-proxy, --v=2]\n");
        yes("image: registry.k8s.io/kube-proxy:v1.33.0\n");
        yes("data:\n  kube-proxy-replacement: \"true\"\n");
        yes("kubeProxyReplacement: true\n");
        yes("kubeProxy:\n  enabled: true\n");
        yes("  - job_name: kube-proxy\n");
        yes("modules: [nf_conntrack_ipv4]\n");
        yes("a: 1 # kp-lint: ignore[KP101] reason\n");
    }

    #[test]
    fn promql_matchers_alone_do_not_matter() {
        no("expr: rate(x{job=\"kube-proxy\"}[5m])\n");
        no("json: |\n  {\"expr\": \"up{job=\\\"kube-proxy\\\"}\"}\n");
        no("expr: up{job=~\"kube-proxy|kubelet\"}\n");
        yes("expr: up{job=\"kube-proxy\"}\nmetadata:\n  name: kube-proxy\n");
    }

    #[test]
    fn metallb_needs_an_advertisement_or_the_legacy_config() {
        yes("apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\n");
        yes("kind: BGPAdvertisement\napiVersion: metallb.io/v1beta1\n");
        no("apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\n");
        no("spec:\n  group: metallb.io\n");
        yes("metadata:\n  namespace: metallb-system\ndata:\n  config: |\n    - protocol: layer2\n");
        no("metadata:\n  namespace: metallb-system\nkind: Deployment\n");
    }

    #[test]
    fn services_matter_with_ipvs_looking_words_in_their_document() {
        yes("kind: Service\nmetadata:\n  annotations:\n    example.com/ipvs-scheduler: rr\n");
        yes("{\"kind\": \"Service\", \"metadata\": {\"annotations\": {\"x/LB-Method\": \"rr\"}}}");
        yes("kind:\n  'Service'\nspec:\n  x: 1\n  scheduler: sh\n");
        yes("kind: Service\nspec:\n  topologyKeys: [a]\n");
        no(
            "kind: Service\nmetadata:\n  name: web\n---\nkind: Deployment\nspec:\n  schedulerName: x\n",
        );
        no("kind: ServiceAccount\nmetadata:\n  annotations:\n    ipvs-scheduler: rr\n");
        no("subkind: Service\nx/ipvs-sched: y\n");
        no("description: the Service scheduler\n");
        // In a value, not a key: the descheduler's own Service.
        no("kind: Service\nmetadata:\n  name: descheduler\n  labels: {app: descheduler}\n");
        yes("kind: Service\nmetadata:\n  annotations: {a/lb-method: rr}\n");
        yes("kind: Service\nmetadata:\n  annotations:\n    ? x/IPVS-Scheduler\n    : rr\n");
        // A `----` line is not a document marker: the document goes on.
        yes("kind: Service\n----\nmetadata:\n  annotations:\n    ipvs/scheduler: rr\n");
        yes("a: 1\n---\nkind: Service\nmetadata:\n  annotations:\n    ipvs/scheduler: rr\n---\n");
    }

    #[test]
    fn distribution_forms_matter() {
        yes("kube-proxy-arg:\n  - proxy-mode=ipvs\n");
        yes("disable-kube-proxy: true\n");
        yes("kube_proxy_mode: ipvs\n");
        yes("metallb_enabled: true\n");
        yes("apiVersion: k0s.k0sproject.io/v1beta1\nkind: ClusterConfig\n");
        yes("apiVersion: kubekey.kubesphere.io/v1alpha2\nkind: Cluster\n");
        yes("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
        yes("spec:\n  kubeadmConfigSpec:\n    files: []\n");
        yes("kind: KubeOneCluster\n");
        yes("command: [/hyperkube, proxy]\n");
        yes("- name: net.netfilter.nf_conntrack_max\n  value: \"1048576\"\n");
        yes("version: v1alpha1\nmachine:\n  type: worker\ncluster:\n  network: {}\n");
        yes("cluster:\n  proxy:\n    mode: ipvs\n");
        yes("\"cluster\": {\"proxy\": {\"disabled\": true}}");
        yes("conntrack:\n  maxPerCore: 0\n");
        yes("mode: ipvs\nipvs:\n  scheduler: rr\n");
        no("apiVersion: v1\nkind: ConfigMap\ndata:\n  cluster: prod\n  http-proxy: x\n");
        no("spec:\n  versions:\n  - name: v1alpha1\n  cluster: a\n");
        no("annotations:\n  example.com/ipvs-hint: x\n");
    }

    #[test]
    fn utf16_is_always_analysed() {
        let mut b = vec![0xFF, 0xFE];
        b.extend("a: 1\n".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert!(may_matter(&b));
    }

    #[test]
    fn plain_text_is_utf8_without_nul_within_the_limit() {
        assert!(plain_text(b"a: 1\n", 100));
        assert!(plain_text(b"\xEF\xBB\xBFa: 1\n", 100));
        assert!(!plain_text(b"a: 1\n", 3));
        assert!(!plain_text(b"a\x00", 100));
        assert!(!plain_text(b"a: \xFF\n", 100));
    }
}
