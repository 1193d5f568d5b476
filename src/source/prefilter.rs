//! The cheap first look: decide from a file's bytes, before parsing it, whether anything in it
//! can matter to kp-lint. Files found by walking a directory are parsed only when this says
//! they may; the rest are counted as checked. docs/performance.md explains the choice.
//!
//! The test is a superset of what [`super::load`] consumes (see `detect` there): a file that
//! fails it has no kube-proxy configuration, no fact for the cluster profile (MetalLB, Cilium,
//! Prometheus scraping kube-proxy, `nf_conntrack_ipv4`), no Service a rule looks at, and no
//! suppression comment. It is one Aho-Corasick pass over the bytes, stopping at the first
//! decisive word.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;

/// A word the scan looks for, and what it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// `KubeProxyConfiguration`: a standalone, kubeadm or ConfigMap-embedded configuration.
    KubeProxyConfiguration,
    /// `kube-proxy`: the ConfigMap and container names, images and commands, a ServiceMonitor
    /// or scrape job for kube-proxy, Cilium's `kube-proxy-replacement` key. Not decisive right
    /// after a PromQL matcher (`job="kube-proxy"`), which dashboards and alert rules are full of.
    KubeProxy,
    /// `kubeProxy`: Cilium's `kubeProxyReplacement`, kube-prometheus-stack's `kubeProxy.enabled`.
    KubeProxyCamel,
    /// `kubeadm.k8s.io`: kubeadm API versions and the `kubernetesVersion` they carry.
    Kubeadm,
    /// `topologyKeys`: the removed Service field (KP506).
    TopologyKeys,
    /// `nf_conntrack_ipv4`: the kernel module gone since Linux 4.19 (KP507).
    NfConntrackIpv4,
    /// `kp-lint:`: a suppression comment, which is checked for being valid and used.
    Suppression,
    /// `metallb.io/` with `Advertisement`: a MetalLB L2Advertisement or BGPAdvertisement.
    MetalLbApi,
    Advertisement,
    /// `metallb-system` with `protocol: `: MetalLB's legacy `config` ConfigMap.
    MetalLbSystem,
    Protocol,
    /// `Service` as the value of `kind`: checked for IPVS-looking annotations in its document.
    Service,
}

const WORDS: &[(&str, Word)] = &[
    ("KubeProxyConfiguration", Word::KubeProxyConfiguration),
    ("kube-proxy", Word::KubeProxy),
    ("kubeProxy", Word::KubeProxyCamel),
    ("kubeadm.k8s.io", Word::Kubeadm),
    ("topologyKeys", Word::TopologyKeys),
    ("nf_conntrack_ipv4", Word::NfConntrackIpv4),
    ("kp-lint:", Word::Suppression),
    ("metallb.io/", Word::MetalLbApi),
    ("Advertisement", Word::Advertisement),
    ("metallb-system", Word::MetalLbSystem),
    ("protocol: ", Word::Protocol),
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
    for m in words().find_iter(bytes) {
        let word = WORDS[m.pattern().as_usize()].1;
        match word {
            Word::KubeProxyConfiguration
            | Word::KubeProxyCamel
            | Word::Kubeadm
            | Word::TopologyKeys
            | Word::NfConntrackIpv4
            | Word::Suppression => return true,
            Word::KubeProxy => {
                if !after_promql_matcher(bytes, m.start()) {
                    return true;
                }
            }
            Word::MetalLbApi => metallb_api = true,
            Word::Advertisement => advertisement = true,
            Word::MetalLbSystem => metallb_system = true,
            Word::Protocol => protocol = true,
            Word::Service => {
                if is_kind_value(bytes, m.start(), m.end())
                    && service_words().is_match(document_around(bytes, m.start()))
                {
                    return true;
                }
            }
        }
        if (metallb_api && advertisement) || (metallb_system && protocol) {
            return true;
        }
    }
    false
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

/// `Service` at `start..end` is the value of a `kind` key: `kind: Service`, `"kind": "Service"`,
/// `kind: 'Service'`, also across a line break, and not `ServiceAccount` or `kind: Services`.
fn is_kind_value(bytes: &[u8], start: usize, end: usize) -> bool {
    if bytes.get(end).is_some_and(|&b| is_name_byte(b)) {
        return false;
    }
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
    let Some(before) = before.strip_suffix(b"kind") else {
        return false;
    };
    !before.last().is_some_and(|&b| is_name_byte(b))
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
        no("subkind: Service\nipvs: x\n");
        no("description: the Service scheduler\n");
        // A `----` line is not a document marker: the document goes on.
        yes("kind: Service\n----\nmetadata:\n  annotations:\n    ipvs/scheduler: rr\n");
        yes("a: 1\n---\nkind: Service\nmetadata:\n  annotations:\n    ipvs/scheduler: rr\n---\n");
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
