//! Live metrics: what kube-proxy and the nodes report, read from saved or fetched `/metrics`
//! pages (`--metrics`) or from a Prometheus server (`--prometheus`), turned into per-node
//! readings that the KP8xx rules judge (docs/metrics.md).
//!
//! Both kinds of source give the same [`Node`] readings, so a rule does not know where its
//! evidence came from; each reading says where it was read (a line of a page, or a PromQL
//! query), and whether it is a lifetime total (a page: counters and histograms since kube-proxy
//! or the node started) or covers a window (Prometheus: `rate`/`increase` over
//! `--prometheus-window`).

pub mod fetch;
pub mod prom;
pub mod text;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::source::yaml::Span;
use text::{Exposition, histograms};

/// Where metrics come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// A saved page (`curl http://NODE:10249/metrics > node-a.prom`).
    File,
    /// A page fetched from a `/metrics` URL.
    Url,
    /// A Prometheus server's HTTP API, over a window (`1h`).
    Prometheus { window: String },
}

/// One `--metrics` or `--prometheus` argument.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The path or URL as given (a URL never carries credentials: see [`fetch::redact`]).
    pub name: String,
    pub kind: SourceKind,
    /// The page's text, for files and fetched pages (findings point into it).
    pub text: Option<Arc<str>>,
    /// When the page was taken, in seconds since the epoch (the fetch, or the file's
    /// modification time): "now" for how long a queued change has waited.
    pub taken_at: Option<f64>,
}

/// Where a reading was read.
#[derive(Debug, Clone, PartialEq)]
pub enum At {
    /// A sample line of a page.
    Line {
        source: usize,
        line: usize,
        span: Span,
    },
    /// A PromQL query's answer.
    Query { source: usize, query: String },
}

impl At {
    pub fn source(&self) -> usize {
        match self {
            At::Line { source, .. } | At::Query { source, .. } => *source,
        }
    }
}

/// What a node's metrics say, one number each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Signal {
    /// p99 of `kubeproxy_sync_proxy_rules_duration_seconds` (seconds).
    SyncP99,
    /// p99 of `kubeproxy_network_programming_duration_seconds` (seconds).
    NetworkProgrammingP99,
    /// How long a queued change has waited without a sync (seconds): now minus
    /// `…_last_queued_timestamp_seconds`, where that is newer than `…_last_timestamp_seconds`.
    SyncPending,
    /// p99 of `rest_client_rate_limiter_duration_seconds` (seconds).
    RateLimiterP99,
    /// `rest_client_requests_total{code="429"}`.
    Throttled429,
    /// `node_nf_conntrack_entries`.
    ConntrackEntries,
    /// `node_nf_conntrack_entries_limit`.
    ConntrackLimit,
    /// `node_nf_conntrack_stat_drop` + `_early_drop`.
    ConntrackDrops,
    /// Sum of `kubeproxy_sync_proxy_rules_iptables_total` over tables and IP families.
    IptablesRules,
    /// `kubeproxy_iptables_ct_state_invalid_dropped_packets_total`.
    CtInvalidDropped,
    /// iptables-restore and nftables sync failures.
    SyncFailures,
    /// Distinct IPVS virtual servers in `node_ipvs_backend_weight`.
    IpvsVirtualServers,
    /// CPUs of the node (`node_cpu_seconds_total{mode="idle"}` series, or `machine_cpu_cores`).
    Cores,
}

/// One number and where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub value: f64,
    pub at: At,
    /// The series it is about, when it matters (`ip_family="IPv6"`).
    pub series: Option<String>,
}

/// A text fact (kernel release, kube-proxy version) and where it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub value: String,
    pub at: At,
}

/// One node's (or one page's) readings.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node: the Prometheus `instance` without its port, or the page's file name or URL.
    pub name: String,
    pub source: usize,
    pub readings: BTreeMap<Signal, Reading>,
    /// `node_uname_info{release}`.
    pub kernel: Option<Fact>,
    /// `kubernetes_build_info{git_version}` of kube-proxy.
    pub kubernetes_version: Option<Fact>,
    /// The proxy mode the metrics show: `iptables` when kube-proxy reports iptables rule counts
    /// (only the iptables proxier sets them).
    pub mode: Option<Fact>,
    /// What the page is: kube-proxy's metrics, node_exporter's, or both (Prometheus).
    pub kube_proxy: bool,
    pub node_exporter: bool,
}

impl Node {
    fn new(name: impl Into<String>, source: usize) -> Node {
        Node {
            name: name.into(),
            source,
            readings: BTreeMap::new(),
            kernel: None,
            kubernetes_version: None,
            mode: None,
            kube_proxy: false,
            node_exporter: false,
        }
    }

    /// A kube-proxy node `node-a` with one reading, for rule tests.
    #[cfg(test)]
    pub(crate) fn with_reading(s: Signal, value: f64) -> Node {
        let mut n = Node::new("node-a", 0);
        n.kube_proxy = true;
        let at = At::Query {
            source: 0,
            query: "q".into(),
        };
        n.set(s, value, at, None);
        n
    }

    pub fn get(&self, s: Signal) -> Option<&Reading> {
        self.readings.get(&s)
    }

    fn set(&mut self, s: Signal, value: f64, at: At, series: Option<String>) {
        if value.is_finite() {
            self.readings.insert(s, Reading { value, at, series });
        }
    }

    /// Keep the larger reading (across IP families or series).
    fn max(&mut self, s: Signal, value: f64, at: At, series: Option<String>) {
        if self.get(s).is_none_or(|r| r.value < value) {
            self.set(s, value, at, series);
        }
    }
}

/// A source that could not be used, or not fully.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub source: usize,
    pub kind: ProblemKind,
    pub message: String,
    /// Where in the page, for a parse error.
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Unreachable, timed out, HTTP error, too large, not text, not the format (KP801).
    Unavailable,
    /// Read fine, but none of the metrics kp-lint knows (KP802).
    NotRecognised,
}

/// Cluster-wide counts a Prometheus server can tell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterCounts {
    /// kube-proxy instances reporting.
    pub nodes: Option<Reading>,
    /// `count(kube_service_info)` (kube-state-metrics).
    pub services: Option<Reading>,
    /// Ready endpoint addresses (kube-state-metrics).
    pub endpoints: Option<Reading>,
}

/// Everything the metrics sources gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub sources: Vec<Source>,
    pub nodes: Vec<Node>,
    pub problems: Vec<Problem>,
    pub cluster: ClusterCounts,
}

impl Evidence {
    /// `file:line` or the URL (and query) of a reading, for messages.
    pub fn describe(&self, at: &At) -> String {
        match at {
            At::Line { source, line, .. } => {
                format!("{}:{line}", self.sources[*source].name)
            }
            At::Query { source, query } => {
                format!("{} query `{query}`", self.sources[*source].name)
            }
        }
    }

    /// Whether readings cover a window (Prometheus) rather than a lifetime (a page).
    pub fn windowed(&self, at: &At) -> Option<&str> {
        match &self.sources.get(at.source())?.kind {
            SourceKind::Prometheus { window } => Some(window),
            _ => None,
        }
    }

    /// Add a page's text: parse it and take its readings, or record why not.
    pub fn add_page(&mut self, source: Source) {
        let idx = self.sources.len();
        let text = source.text.clone().unwrap_or_else(|| Arc::from(""));
        let name = source.name.clone();
        let taken_at = source.taken_at;
        self.sources.push(source);
        match text::parse(&text) {
            Err(e) => self.problems.push(Problem {
                source: idx,
                kind: ProblemKind::Unavailable,
                message: format!(
                    "not the Prometheus text format (line {}, column {}: {})",
                    e.line, e.column, e.message
                ),
                span: Some(e.span),
            }),
            Ok(exp) => {
                let file_clock = self.sources[idx].kind == SourceKind::File;
                let node = from_exposition(&exp, idx, &name, taken_at, file_clock);
                if !node.kube_proxy && !node.node_exporter {
                    self.problems.push(Problem {
                        source: idx,
                        kind: ProblemKind::NotRecognised,
                        message: format!(
                            "no kube-proxy or node_exporter metrics among its {} samples (is this kube-proxy's :10249/metrics or node_exporter's :9100/metrics?)",
                            exp.len()
                        ),
                        span: None,
                    });
                } else {
                    self.nodes.push(node);
                }
            }
        }
    }

    pub fn add_problem(&mut self, source: Source, message: String) {
        self.sources.push(source);
        self.problems.push(Problem {
            source: self.sources.len() - 1,
            kind: ProblemKind::Unavailable,
            message,
            span: None,
        });
    }

    /// The nodes whose reading of `s` is the largest, with that reading (the worst node), and
    /// how many nodes report it.
    pub fn worst(&self, s: Signal) -> Option<(&Node, &Reading, usize)> {
        let mut best: Option<(&Node, &Reading)> = None;
        let mut n = 0;
        for node in &self.nodes {
            if let Some(r) = node.get(s) {
                n += 1;
                if best.is_none_or(|(_, b)| r.value > b.value) {
                    best = Some((node, r));
                }
            }
        }
        best.map(|(node, r)| (node, r, n))
    }
}

fn series_name(labels: &[(&str, &str)]) -> Option<String> {
    let parts: Vec<String> = labels
        .iter()
        .filter(|(k, _)| *k != "le")
        .map(|(k, v)| format!("{k}={v:?}"))
        .collect();
    (!parts.is_empty()).then(|| parts.join(","))
}

/// How far a saved page's file time may be from kube-proxy's last sync for it to stand for the
/// moment the page was taken (a copied or checked-out file has a later time).
pub const FILE_CLOCK_SLACK_SECONDS: f64 = 86_400.0;

/// The readings of one page. `taken_at` is when it was taken (for a queued change's wait);
/// `file_clock` says it is a file's modification time, trusted only within
/// [`FILE_CLOCK_SLACK_SECONDS`] of the page's own sync timestamps.
pub fn from_exposition(
    exp: &Exposition,
    source: usize,
    name: &str,
    taken_at: Option<f64>,
    file_clock: bool,
) -> Node {
    let mut node = Node::new(name, source);
    let at = |s: &text::Sample| At::Line {
        source,
        line: s.line,
        span: s.span,
    };
    node.kube_proxy = exp
        .families
        .iter()
        .any(|f| f.name.starts_with("kubeproxy_"));
    node.node_exporter = exp.families.iter().any(|f| f.name.starts_with("node_"));
    for (family, signal) in [
        (
            "kubeproxy_sync_proxy_rules_duration_seconds",
            Signal::SyncP99,
        ),
        (
            "kubeproxy_network_programming_duration_seconds",
            Signal::NetworkProgrammingP99,
        ),
        (
            "rest_client_rate_limiter_duration_seconds",
            Signal::RateLimiterP99,
        ),
    ] {
        for h in histograms(exp, family) {
            if let Some(q) = h.quantile(0.99) {
                let last = exp
                    .samples(family)
                    .iter()
                    .filter(|s| s.name.ends_with("_bucket"))
                    .rfind(|s| {
                        s.labels
                            .iter()
                            .filter(|(k, _)| k != "le")
                            .map(|(k, v)| (k.as_str(), v.as_str()))
                            .eq(h.labels.iter().copied())
                    })
                    .unwrap_or(h.first);
                node.max(signal, q, at(last), series_name(&h.labels));
            }
        }
    }
    // A queued change not yet synced, and for how long (per IP family).
    let last_sync = exp.samples("kubeproxy_sync_proxy_rules_last_timestamp_seconds");
    for q in exp.samples("kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds") {
        let family = q.label("ip_family");
        let synced = last_sync
            .iter()
            .find(|s| s.label("ip_family") == family)
            .map_or(0.0, |s| s.value);
        if q.value > synced && q.value > 0.0 {
            let now = match q.timestamp {
                Some(t) => Some(t as f64 / 1000.0),
                None if file_clock => taken_at.filter(|t| t - q.value <= FILE_CLOCK_SLACK_SECONDS),
                None => taken_at,
            };
            if let Some(now) = now {
                node.max(
                    Signal::SyncPending,
                    (now - q.value).max(0.0),
                    at(q),
                    family.map(|f| format!("ip_family={f:?}")),
                );
            }
        }
    }
    let sum_of = |names: &[&str], filter: &dyn Fn(&text::Sample) -> bool| {
        let mut total = None::<(f64, &text::Sample)>;
        for n in names {
            for s in exp.samples(n).iter().filter(|s| filter(s) && s.name == *n) {
                total = Some(match total {
                    None => (s.value, s),
                    Some((v, first)) => (v + s.value, first),
                });
            }
        }
        total
    };
    let all = |_: &text::Sample| true;
    let simple: [(&[&str], Signal); 6] = [
        (&["node_nf_conntrack_entries"], Signal::ConntrackEntries),
        (&["node_nf_conntrack_entries_limit"], Signal::ConntrackLimit),
        (
            &[
                "node_nf_conntrack_stat_drop",
                "node_nf_conntrack_stat_early_drop",
            ],
            Signal::ConntrackDrops,
        ),
        (
            &["kubeproxy_sync_proxy_rules_iptables_total"],
            Signal::IptablesRules,
        ),
        (
            &["kubeproxy_iptables_ct_state_invalid_dropped_packets_total"],
            Signal::CtInvalidDropped,
        ),
        (
            &[
                "kubeproxy_sync_proxy_rules_iptables_restore_failures_total",
                "kubeproxy_sync_proxy_rules_nftables_sync_failures_total",
            ],
            Signal::SyncFailures,
        ),
    ];
    for (names, signal) in simple {
        if let Some((v, s)) = sum_of(names, &all) {
            node.set(signal, v, at(s), None);
        }
    }
    if let Some((v, s)) = sum_of(&["rest_client_requests_total"], &|s| {
        s.label("code") == Some("429")
    }) {
        node.set(Signal::Throttled429, v, at(s), None);
    }
    if let Some(s) = exp
        .samples("kubeproxy_sync_proxy_rules_iptables_total")
        .first()
    {
        node.mode = Some(Fact {
            value: "iptables".into(),
            at: at(s),
        });
    }
    let backends = exp.samples("node_ipvs_backend_weight");
    if let Some(first) = backends.first() {
        let mut vs: Vec<(Option<&str>, Option<&str>, Option<&str>)> = backends
            .iter()
            .map(|s| {
                (
                    s.label("local_address"),
                    s.label("local_port"),
                    s.label("proto"),
                )
            })
            .collect();
        vs.sort();
        vs.dedup();
        node.set(Signal::IpvsVirtualServers, vs.len() as f64, at(first), None);
    }
    let idle: Vec<&text::Sample> = exp
        .samples("node_cpu_seconds_total")
        .iter()
        .filter(|s| s.label("mode") == Some("idle"))
        .collect();
    if let Some(first) = idle.first() {
        node.set(Signal::Cores, idle.len() as f64, at(first), None);
    } else if let Some(s) = exp.samples("machine_cpu_cores").first() {
        node.set(Signal::Cores, s.value, at(s), None);
    }
    if let Some(s) = exp.samples("node_uname_info").first() {
        if let Some(r) = s.label("release") {
            node.kernel = Some(Fact {
                value: r.to_string(),
                at: at(s),
            });
        }
    }
    if node.kube_proxy {
        if let Some(s) = exp.samples("kubernetes_build_info").first() {
            if let Some(v) = s.label("git_version") {
                node.kubernetes_version = Some(Fact {
                    value: v.to_string(),
                    at: at(s),
                });
            }
        }
    }
    node
}

/// The cluster profile values the metrics give: kernel, kube-proxy's version, cores per node,
/// node and Service counts.
pub fn profile(ev: &Evidence) -> crate::profile::Profile {
    use crate::profile::{Kernel, Profile, Sourced};
    let mut p = Profile::default();
    let src = |at: &At, what: &str| format!("metrics: {what} at {}", ev.describe(at));
    for n in &ev.nodes {
        if p.kernel.is_none() {
            if let Some(f) = &n.kernel {
                if let Some(k) = Kernel::parse(&f.value) {
                    p.kernel = Some(Sourced::new(k, src(&f.at, "node_uname_info")));
                }
            }
        }
        if p.running_version.is_none() {
            if let Some(f) = &n.kubernetes_version {
                if let Some(r) = crate::kb::Release::parse(&f.value) {
                    p.running_version = Some(Sourced::new(r, src(&f.at, "kubernetes_build_info")));
                }
            }
        }
    }
    if let Some((_, r, _)) = ev.worst(Signal::Cores) {
        p.cores_per_node = Some(Sourced::new(r.value as u64, src(&r.at, "CPUs")));
    }
    if let Some(r) = &ev.cluster.nodes {
        p.nodes = Some(Sourced::new(
            r.value as u64,
            src(&r.at, "kube-proxy instances"),
        ));
    }
    if let Some(r) = &ev.cluster.services {
        p.services = Some(Sourced::new(
            r.value as u64,
            src(&r.at, "kube_service_info"),
        ));
    }
    if let Some(r) = &ev.cluster.endpoints {
        p.endpoints = Some(Sourced::new(
            r.value as u64,
            src(&r.at, "endpoint addresses"),
        ));
    }
    p
}

/// Read or fetch one `--metrics` argument: a URL is fetched, anything else is a file.
fn read_page(arg: &str, opts: &fetch::FetchOptions) -> (Source, Result<Arc<str>, String>) {
    let is_url = arg.starts_with("http://") || arg.starts_with("https://");
    let mut source = Source {
        name: if is_url {
            fetch::redact(arg)
        } else {
            arg.to_string()
        },
        kind: if is_url {
            SourceKind::Url
        } else {
            SourceKind::File
        },
        text: None,
        taken_at: None,
    };
    let text = if is_url {
        fetch::get(
            arg,
            "text/plain;version=0.0.4;q=1,*/*;q=0.1",
            &["text/plain", "application/openmetrics-text"],
            opts,
        )
        .map(|f| {
            source.taken_at = Some(f.taken_at);
            Arc::from(f.body)
        })
    } else {
        read_file(std::path::Path::new(arg), opts.max_bytes).map(|(text, mtime)| {
            source.taken_at = mtime;
            text
        })
    };
    (source, text)
}

/// A saved page: at most `max` bytes of UTF-8 text, and its modification time.
fn read_file(path: &std::path::Path, max: u64) -> Result<(Arc<str>, Option<f64>), String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if meta.is_dir() {
        return Err("a directory, not a metrics page".into());
    }
    if !meta.is_file() {
        return Err("not a regular file (a FIFO or device is not read)".into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(max.saturating_add(1)).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "larger than the limit of {max} bytes (--max-metrics-size)"
        ));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs_f64());
    Ok((Arc::from(text), mtime))
}

/// Everything `--metrics` and `--prometheus` say. An error is a usage error (a bad window, a
/// missing token variable); a source that cannot be used becomes a [`Problem`] instead.
pub fn gather(args: &crate::cli::MetricsArgs) -> Result<Evidence, String> {
    let mut ev = Evidence::default();
    if !args.any() {
        return Ok(ev);
    }
    if !prom::valid_window(&args.prometheus_window) {
        return Err(format!(
            "--prometheus-window {:?} is not a PromQL duration such as 1h or 30m",
            args.prometheus_window
        ));
    }
    let token = match &args.prometheus_token_env {
        None => None,
        Some(var) => match std::env::var(var) {
            // What an HTTP header cannot carry would fail every query with a message about
            // the URL; say what is wrong (without the token).
            Ok(t) if t.trim().bytes().any(|b| b.is_ascii_control()) => {
                return Err(format!(
                    "--prometheus-token-env {var}: the token holds a control character (a line break?), which an HTTP header cannot carry"
                ));
            }
            Ok(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
            _ => {
                return Err(format!(
                    "--prometheus-token-env {var}: the environment variable is not set or empty"
                ));
            }
        },
    };
    let opts = fetch::FetchOptions {
        timeout: args.timeout,
        max_bytes: args.max_metrics_size,
        ca_file: args.ca_file.clone(),
        token: None,
    };
    // Pages are read side by side (each bounded by --timeout), and added in the order given.
    let mut pages = Vec::with_capacity(args.metrics.len());
    for chunk in args.metrics.chunks(16) {
        std::thread::scope(|s| {
            let handles: Vec<_> = chunk
                .iter()
                .map(|a| s.spawn(|| read_page(a, &opts)))
                .collect();
            for (h, a) in handles.into_iter().zip(chunk) {
                pages.push(h.join().unwrap_or_else(|_| {
                    (
                        Source {
                            name: fetch::redact(a),
                            kind: SourceKind::File,
                            text: None,
                            taken_at: None,
                        },
                        Err("reading it failed unexpectedly".to_string()),
                    )
                }));
            }
        });
    }
    for (mut source, text) in pages {
        match text {
            Ok(t) => {
                source.text = Some(t);
                ev.add_page(source);
            }
            Err(e) => ev.add_problem(source, e),
        }
    }
    if let Some(url) = &args.prometheus {
        let opts = fetch::FetchOptions { token, ..opts };
        prom::collect(&mut ev, url, &args.prometheus_window, &opts);
    }
    Ok(ev)
}
