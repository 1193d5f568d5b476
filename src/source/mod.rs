//! Every input becomes documents with byte spans, and the documents that carry kube-proxy
//! settings become [`ProxyConfig`]s whose spans point into the file the user gave.

pub mod distros;
pub mod embed;
pub mod flags;
pub mod prefilter;
pub mod text;
pub mod yaml;

use crate::diagnostic::Finding;
use crate::kb::{Release, kb};
use crate::limits::Limits;
use crate::model::{self, DecodeIssue, FieldSpan, Located, Path};
use crate::rules::{input, wiring};
use embed::OffsetMap;
use serde_json::Value;
use text::{Encoding, LineIndex, TextError};
use yaml::{Document, Node, Span};

/// Where a kube-proxy configuration was found.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A standalone `KubeProxyConfiguration` document (also inside a kubeadm file).
    File,
    /// `data."config.conf"` of a ConfigMap.
    ConfigMap { name: String, key: String },
    /// Command-line flags of a kube-proxy container.
    Flags {
        workload: String,
        container: String,
        /// The value of `--config`, when given: flags that map to config fields are then ignored.
        config_flag: Option<String>,
    },
    /// A distribution's own configuration (RKE2/k3s, k0s, Talos, kubespray, KubeKey, kind),
    /// mapped onto kube-proxy's fields (see docs/sources.md).
    Distribution { form: String },
}

/// What a distribution adds to a configuration read from its own file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Distro {
    /// Fields the distribution sets where the file says nothing (their spans point at the
    /// distribution's setting), each with a note saying so and where that comes from.
    pub defaults: Vec<(Path, String)>,
    /// Where the Kubernetes release came from when the file names one
    /// (`KubeadmControlPlane spec.version`, a Talos image tag).
    pub version_from: Option<String>,
}

/// How a fix may edit a field of a configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixScope {
    /// Replace, insert and remove (files, ConfigMaps, command lines).
    Full,
    /// Only replace the value where it is written (a distribution's own keys: inserting or
    /// deleting kube-proxy's key there would not mean the same).
    ValuesOnly,
    /// Not at all: the value is the distribution's default, not written in the file.
    None,
}

/// Something kp-lint recognised in a file that is not a finding: why nothing was linted, or
/// what a distribution does with the settings read.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub span: Option<Span>,
    pub message: String,
}

/// A kube-proxy configuration as kube-proxy would decode it, with spans into the user's file.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    pub document: usize,
    pub doc_span: Span,
    pub origin: Origin,
    /// Human description of the document (`KubeProxyConfiguration`, `ConfigMap kube-system/kube-proxy`).
    pub describe: String,
    pub data: Located,
    /// The file's kubeadm `kubernetesVersion`, if any.
    pub kubeadm_release: Option<(Release, Span)>,
    /// kubeadm `networking.podSubnet` (kubeadm copies it into an empty `clusterCIDR`).
    pub pod_subnet: Option<(String, Span)>,
    /// The command-line flags, for configurations read from a container.
    pub flags: Vec<flags::FlagUse>,
    /// The last item of kube-proxy's block-style argument list (the binary or the last flag before
    /// a `--`), after which a fix can insert a new `- --flag=value` item. None when the command
    /// line is a shell string or there is no such list.
    pub flag_list_end: Option<Span>,
    /// Set for configurations read from a distribution's file.
    pub distro: Option<Distro>,
    /// The Kubernetes release of the container image running kube-proxy (`kube-proxy:v1.36.4`).
    pub image_release: Option<(Release, Span)>,
}

impl ProxyConfig {
    /// The value of a field as the user wrote it (after YAML decoding).
    pub fn get(&self, path: &str) -> Option<&Value> {
        self.data.get(path).filter(|v| !v.is_null())
    }

    /// Span of a field's value; falls back to the nearest parent that has one.
    pub fn span(&self, path: &str) -> Span {
        self.field_span(&Path::parse(path)).value
    }

    /// Span of a field's key, or of its value where it has no key.
    pub fn key_span(&self, path: &str) -> Span {
        let fs = self.field_span(&Path::parse(path));
        fs.key.unwrap_or(fs.value)
    }

    pub fn field_span(&self, path: &Path) -> FieldSpan {
        let mut p = Some(path.clone());
        while let Some(cur) = p {
            if let Some(s) = self.data.spans.get(&cur) {
                return *s;
            }
            p = cur.parent();
        }
        FieldSpan {
            key: None,
            value: self.doc_span,
        }
    }

    /// The note on a field the distribution fills in (the field or one of its parents).
    pub fn default_note(&self, path: &Path) -> Option<&str> {
        self.distro.as_ref()?.defaults.iter().find_map(|(p, note)| {
            (path.0.len() >= p.0.len() && path.0[..p.0.len()] == p.0[..]).then_some(note.as_str())
        })
    }

    /// How a fix may edit this field.
    pub fn fix_scope(&self, path: &Path) -> FixScope {
        if self.default_note(path).is_some() {
            FixScope::None
        } else if matches!(self.origin, Origin::Distribution { .. }) {
            FixScope::ValuesOnly
        } else {
            FixScope::Full
        }
    }

    /// Every field the configuration sets (a list is one setting), in file order, with where it
    /// is written and, for values a distribution fills in, the note saying so.
    pub fn settings(&self) -> Vec<Setting<'_>> {
        fn walk<'a>(cfg: &'a ProxyConfig, v: &'a Value, path: Path, out: &mut Vec<Setting<'a>>) {
            match v {
                Value::Object(m) => {
                    for (k, child) in m {
                        if path.is_root() && (k == "apiVersion" || k == "kind") {
                            continue;
                        }
                        walk(cfg, child, path.key(k), out);
                    }
                }
                _ if path.is_root() => {}
                _ => {
                    let fs = cfg.field_span(&path);
                    let default = cfg.default_note(&path);
                    out.push(Setting {
                        span: fs.value,
                        key: fs.key,
                        value: v,
                        default,
                        path,
                    });
                }
            }
        }
        let mut out = Vec::new();
        walk(self, &self.data.value, Path::root(), &mut out);
        out.sort_by(|a, b| {
            (a.span.start, a.path.to_string()).cmp(&(b.span.start, b.path.to_string()))
        });
        out
    }

    /// Whether the flags of this config are dead because `--config` replaces them.
    pub fn flags_replaced_by_file(&self) -> bool {
        matches!(
            &self.origin,
            Origin::Flags {
                config_flag: Some(_),
                ..
            }
        )
    }
}

/// One field a configuration sets.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<'a> {
    pub path: Path,
    pub value: &'a Value,
    /// The value as written (or the distribution's setting that implies it).
    pub span: Span,
    pub key: Option<Span>,
    /// For a value the distribution fills in: where it comes from.
    pub default: Option<&'a str>,
}

/// Something about the cluster found in a file (MetalLB, Cilium), for the profile.
#[derive(Debug, Clone, PartialEq)]
pub enum Fact {
    MetalLb {
        mode: crate::profile::MetalLb,
        span: Span,
        what: String,
    },
    CiliumKubeProxyReplacement {
        on: bool,
        span: Span,
        what: String,
    },
    /// Prometheus is set up to scrape kube-proxy's metrics from outside the node.
    KubeProxyScraped {
        span: Span,
        what: String,
    },
    /// A node set-up file loads the kernel module `nf_conntrack_ipv4` (gone since Linux 4.19).
    NfConntrackIpv4Module {
        span: Span,
    },
    /// A node set-up file sets the sysctl `net.netfilter.nf_conntrack_max`.
    HostConntrackMax {
        value: i64,
        span: Span,
    },
}

/// A Prometheus alerting or recording rule (a PrometheusRule object or a rule file), for the
/// rule about kube-proxy and IPVS metric names in PromQL (KP610).
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    pub document: usize,
    pub describe: String,
    /// The `alert:` or `record:` name.
    pub name: String,
    /// An alerting rule (else a recording rule).
    pub alert: bool,
    /// The PromQL expression, as YAML decodes it.
    pub expr: String,
    /// The `expr` value as written.
    pub span: Span,
}

/// A Service, for the rules about Service-level kube-proxy myths.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceInfo {
    pub document: usize,
    pub describe: String,
    /// Annotations: (key, value, key span).
    pub annotations: Vec<(String, String, Span)>,
    /// `spec.topologyKeys` key span, if present.
    pub topology_keys: Option<Span>,
    /// `spec.sessionAffinity: ClientIP`.
    pub client_ip_affinity: bool,
}

/// One input file, read and split into documents.
#[derive(Debug)]
pub struct SourceFile {
    /// The name shown to users (the path as given, or `<stdin>`).
    pub name: String,
    pub text: String,
    pub encoding: Encoding,
    pub lines: LineIndex,
    pub documents: Vec<Document>,
    /// Findings about the input itself (syntax, encoding, limits, versions, flags).
    pub findings: Vec<Finding>,
    pub configs: Vec<ProxyConfig>,
    /// The file looked like a template and was not analysed.
    pub skipped: bool,
    pub facts: Vec<Fact>,
    pub services: Vec<ServiceInfo>,
    /// Prometheus alerting and recording rules (KP610).
    pub alert_rules: Vec<AlertRule>,
    /// What was recognised without being linted, and why (JSON `files[].notes`).
    pub notes: Vec<Note>,
}

impl SourceFile {
    /// A file with this UTF-8 text and nothing found in it yet (not parsed).
    pub fn unparsed(name: &str, text: String) -> SourceFile {
        SourceFile {
            name: name.to_string(),
            lines: LineIndex::new(&text),
            text,
            encoding: Encoding::Utf8,
            documents: Vec::new(),
            findings: Vec::new(),
            configs: Vec::new(),
            skipped: false,
            facts: Vec::new(),
            services: Vec::new(),
            alert_rules: Vec::new(),
            notes: Vec::new(),
        }
    }
}

/// Read bytes into a [`SourceFile`]. Never fails: what cannot be read becomes a finding.
pub fn load(name: &str, bytes: &[u8], limits: &Limits) -> SourceFile {
    let mut file = SourceFile::unparsed(name, String::new());
    match text::decode(bytes, limits) {
        Ok((t, enc)) => {
            file.text = t;
            file.encoding = enc;
        }
        Err(e) => {
            file.findings.push(text_error_finding(bytes, &e));
            // Show the readable prefix so the location can be rendered (of a long line, only
            // its first 80 bytes).
            let upto = match e {
                TextError::Binary { offset }
                | TextError::InvalidUtf8 { offset }
                | TextError::InvalidUtf16 { offset } => offset,
                TextError::LineTooLong { offset, .. } => offset.saturating_add(80),
                TextError::TooLarge { .. } => 0,
            };
            file.text = String::from_utf8_lossy(&bytes[..upto.min(bytes.len())]).into_owned();
            file.lines = LineIndex::new(&file.text);
            if let Some(f) = file.findings.last_mut() {
                f.span = match e {
                    TextError::TooLarge { .. } => None,
                    TextError::LineTooLong { offset, .. } => {
                        let at = offset.min(file.text.len());
                        Some(Span::new(at, at))
                    }
                    _ => {
                        // The prefix ends where the bad byte is; invalid bytes before a NUL
                        // became U+FFFD, so the offset itself may no longer fall on a character.
                        let at = file.text.len();
                        Some(Span::new(at, at))
                    }
                };
            }
            return file;
        }
    }
    file.lines = LineIndex::new(&file.text);
    file.documents = yaml::parse_stream(&file.text, limits);
    let templated = looks_templated(&file.text);
    if templated && file.documents.iter().any(|d| d.error.is_some()) {
        file.skipped = true;
        let at = first_marker(&file.text);
        file.findings.push(
            Finding::new(
                &input::TEMPLATE_SKIPPED,
                "file contains template markers and is not plain YAML; skipped",
            )
            .at(Span::new(at, at + 2))
            .label("template marker")
            .help("lint the rendered output instead (for example `helm template … | kp-lint -`)"),
        );
        return file;
    }
    let docs = std::mem::take(&mut file.documents);
    let mut ctx = FileContext::default();
    for d in &docs {
        if let Some(root) = &d.root {
            kubeadm_context(d, root, &mut ctx);
        }
    }
    for d in &docs {
        if let Some(root) = &d.root {
            kubeadm_version(&mut file, d, root, &ctx);
        }
    }
    if file.text.contains("nf_conntrack_max") {
        for d in &docs {
            if let Some(root) = &d.root {
                find_sysctl(d, root, 0, &mut |value, span| {
                    file.facts.push(Fact::HostConntrackMax { value, span })
                });
            }
        }
    }
    if file.text.contains("nf_conntrack_ipv4") {
        for d in &docs {
            if let Some(root) = &d.root {
                find_scalar(root, "nf_conntrack_ipv4", 0, &mut |span| {
                    file.facts.push(Fact::NfConntrackIpv4Module { span })
                });
            }
        }
    }
    for d in &docs {
        if let Some(err) = &d.error {
            let rule = if err.limit {
                &input::INPUT_LIMIT
            } else {
                &input::YAML_SYNTAX
            };
            let (message, help) = if err.limit
                && d.root.is_none()
                && err.message.ends_with("documents in one file")
            {
                (
                    format!("{}; the rest of the file is not read", err.message),
                    format!(
                        "kube-proxy configurations are a few documents; raise --max-documents (now {}) if this file is meant to be linted",
                        limits.max_documents
                    ),
                )
            } else if err.limit {
                (
                    format!("document nested deeper than {} levels", limits.max_depth),
                    format!(
                        "kube-proxy configurations are shallow; raise --max-depth (now {}) only for trusted input",
                        limits.max_depth
                    ),
                )
            } else {
                (
                    format!("invalid YAML: {}", err.message),
                    "correct the YAML at this position; later documents are still read".to_string(),
                )
            };
            file.findings.push(
                Finding::new(rule, message)
                    .at(Span::new(err.offset, err.offset))
                    .label("here")
                    .help(help)
                    .document(d.index, "YAML document"),
            );
            continue;
        }
        if let Some(root) = &d.root {
            detect(&mut file, d, root, &ctx, limits, 0);
        }
    }
    file.documents = docs;
    // Unquoted `{{ … }}` parses as a flow mapping, so the raw text of each kube-proxy document
    // is checked as well as its values.
    let templated_field = file.configs.iter().find_map(|c| {
        template_path(&c.data.value, &Path::root())
            .map(|p| c.field_span(&p).value)
            .or_else(|| {
                let raw = file
                    .text
                    .get(c.doc_span.start..c.doc_span.end)
                    .unwrap_or("");
                let at = raw.find("{{").filter(|_| raw.contains("}}"))?;
                Some(Span::new(c.doc_span.start + at, c.doc_span.start + at + 2))
            })
    });
    if let Some(span) = templated_field {
        {
            file.configs.clear();
            file.skipped = true;
            file.findings.clear();
            file.findings.push(
                Finding::new(
                    &input::TEMPLATE_SKIPPED,
                    "kube-proxy settings contain template markers or placeholders; skipped",
                )
                .at(span)
                .label("template marker")
                .help(
                    "lint the rendered output instead (for example `helm template … | kp-lint -`)",
                ),
            );
        }
    }
    if file.configs.is_empty() && file.notes.is_empty() && !file.skipped {
        let kinds: Vec<String> = file
            .documents
            .iter()
            .filter_map(|d| d.root.as_ref().map(|r| (d, d.resolve(r))))
            .map(|(d, r)| match str_of(d, r.get("kind")) {
                Some(k) => describe_named(d, r, k),
                None => "a document without kind".to_string(),
            })
            .take(3)
            .collect();
        if !kinds.is_empty() {
            file.notes.push(Note {
                span: None,
                message: format!("no kube-proxy settings found ({})", kinds.join(", ")),
            });
        }
    }
    file
}

/// Template syntaxes: Helm/Go and Jinja (`{{ }}`, `{% %}`), Terraform (`${ }`, `%{ }`).
const TEMPLATE_MARKERS: &[&str] = &["{{", "{%", "${", "%{"];

fn looks_templated(t: &str) -> bool {
    (t.contains("{{") && t.contains("}}"))
        || (t.contains("{%") && t.contains("%}"))
        || t.contains("${")
        || t.contains("%{")
}

fn first_marker(t: &str) -> usize {
    TEMPLATE_MARKERS
        .iter()
        .filter_map(|m| t.find(m))
        .min()
        .unwrap_or(0)
}

/// The first field whose value is a template expression or placeholder. `hostnameOverride`
/// is exempt: `${NODE_NAME}` there is the shell's or the Downward API's, not a template's.
fn template_path(v: &Value, path: &Path) -> Option<Path> {
    match v {
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| template_path(x, &path.index(i))),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            if path.is_root() && k == "hostnameOverride" {
                None
            } else if is_template_value(&Value::String(k.clone())) {
                Some(path.key(k))
            } else {
                template_path(x, &path.key(k))
            }
        }),
        other => is_template_value(other).then(|| path.clone()),
    }
}

/// A `__NAME__` placeholder that a `sed` step replaces (`--master=__MASTER_IP__`).
fn has_sed_placeholder(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find("__") {
        let after = &rest[i + 2..];
        let Some(end) = after.find("__") else { break };
        let name = &after[..end];
        if name.chars().any(|c| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            return true;
        }
        rest = after;
    }
    false
}

/// A value that is a template expression or a documentation placeholder (`<CIDR>`): Helm/Go,
/// Jinja, Terraform and envsubst markers, Ruby's `#{…}` interpolation, `__NAME__` sed
/// placeholders.
fn is_template_value(v: &Value) -> bool {
    match v {
        Value::String(s) => {
            TEMPLATE_MARKERS.iter().any(|m| s.contains(m))
                || (s.contains("#{") && s.contains('}'))
                || has_sed_placeholder(s)
                || (s.len() > 2
                    && s.starts_with('<')
                    && s.ends_with('>')
                    && s[1..s.len() - 1]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        }
        Value::Array(a) => a.iter().any(is_template_value),
        Value::Object(m) => m
            .iter()
            .any(|(k, v)| is_template_value(&Value::String(k.clone())) || is_template_value(v)),
        _ => false,
    }
}

fn text_error_finding(bytes: &[u8], e: &TextError) -> Finding {
    match e {
        TextError::TooLarge { size, limit } => Finding::new(
            &input::INPUT_LIMIT,
            format!("file is {size} bytes, larger than the {limit}-byte limit; not read"),
        )
        .help("kube-proxy configurations are a few KiB; raise the limit with --max-file-size if this file is meant to be linted"),
        TextError::Binary { offset } => {
            let (l, c) = text::byte_position(bytes, *offset);
            Finding::new(
                &input::UNREADABLE_TEXT,
                format!("binary data (a NUL byte at line {l}, column {c}); not YAML"),
            )
            .help("kube-proxy reads UTF-8 or UTF-16 YAML; exclude this file from linting")
        }
        TextError::InvalidUtf8 { offset } => {
            let (l, c) = text::byte_position(bytes, *offset);
            Finding::new(
                &input::UNREADABLE_TEXT,
                format!("invalid UTF-8 at line {l}, column {c}"),
            )
            .help("save the file as UTF-8; kube-proxy's YAML decoder rejects invalid UTF-8")
        }
        TextError::LineTooLong { offset, limit } => {
            let (l, _) = text::byte_position(bytes, *offset);
            Finding::new(
                &input::INPUT_LIMIT,
                format!("line {l} is longer than the {limit}-byte limit; the file is not parsed"),
            )
            .help("kube-proxy configurations have short lines; raise the limit with --max-line-length if this file is meant to be linted")
        }
        TextError::InvalidUtf16 { offset } => Finding::new(
            &input::UNREADABLE_TEXT,
            format!("invalid UTF-16 at byte {offset}"),
        )
        .help("save the file as UTF-8"),
    }
}

#[derive(Default)]
struct FileContext {
    release: Option<(Release, Span)>,
    pod_subnet: Option<(String, Span)>,
}

fn str_of<'a>(d: &'a Document, n: Option<&'a Node>) -> Option<&'a str> {
    n.map(|n| d.resolve(n)).and_then(|n| n.as_str())
}

const CONNTRACK_MAX_SYSCTL: &[&str] = &[
    "net.netfilter.nf_conntrack_max",
    "net/netfilter/nf_conntrack_max",
];

/// Settings of `net.netfilter.nf_conntrack_max` in node set-up files: a mapping key
/// (`net.netfilter.nf_conntrack_max: 262144`, Talos `machine.sysctls`, Ansible variables), an
/// Ansible `sysctl` task (`name:` + `value:`), or sysctl.d text (`…nf_conntrack_max = 262144`).
fn find_sysctl(d: &Document, node: &Node, depth: usize, f: &mut dyn FnMut(i64, Span)) {
    if depth > 64 {
        return;
    }
    let int_of = |n: &Node| n.as_str().and_then(|s| s.trim().parse::<i64>().ok());
    match &node.kind {
        yaml::NodeKind::Mapping(entries) => {
            let name = node
                .get("name")
                .map(|n| d.resolve(n))
                .and_then(|n| n.as_str());
            if name.is_some_and(|n| CONNTRACK_MAX_SYSCTL.contains(&n)) {
                if let Some(v) = node.get("value").map(|n| d.resolve(n)) {
                    if let Some(x) = int_of(v) {
                        f(x, v.span);
                    }
                }
            }
            for (k, v) in entries {
                let v = d.resolve(v);
                if k.as_str()
                    .is_some_and(|k| CONNTRACK_MAX_SYSCTL.contains(&k))
                {
                    if let Some(x) = int_of(v) {
                        f(x, v.span);
                    }
                } else {
                    find_sysctl(d, v, depth + 1, f);
                }
            }
        }
        yaml::NodeKind::Sequence(items) => items
            .iter()
            .for_each(|i| find_sysctl(d, d.resolve(i), depth + 1, f)),
        yaml::NodeKind::Scalar { value, .. } if value.contains('=') => {
            for line in value.lines() {
                let Some((k, v)) = line.split_once('=') else {
                    continue;
                };
                if CONNTRACK_MAX_SYSCTL.contains(&k.trim()) {
                    if let Ok(x) = v.trim().parse::<i64>() {
                        f(x, node.span);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Call `f` with the span of every scalar that is `word` or a command line containing it.
fn find_scalar(node: &Node, word: &str, depth: usize, f: &mut dyn FnMut(Span)) {
    if depth > 64 {
        return;
    }
    match &node.kind {
        yaml::NodeKind::Scalar { value, .. } => {
            if value == word || value.split_whitespace().any(|w| w == word) {
                f(node.span);
            }
        }
        yaml::NodeKind::Sequence(items) => items
            .iter()
            .for_each(|i| find_scalar(i, word, depth + 1, f)),
        yaml::NodeKind::Mapping(entries) => entries
            .iter()
            .for_each(|(_, v)| find_scalar(v, word, depth + 1, f)),
        yaml::NodeKind::Alias { .. } => {}
    }
}

/// kubeadm's `kubernetesVersion` and `networking.podSubnet`, read before anything is judged.
fn kubeadm_context(d: &Document, root: &Node, ctx: &mut FileContext) {
    let api = str_of(d, root.get("apiVersion")).unwrap_or("");
    let kind = str_of(d, root.get("kind")).unwrap_or("");
    if !api.starts_with("kubeadm.k8s.io/")
        || !(kind == "ClusterConfiguration" || kind == "MasterConfiguration")
    {
        return;
    }
    if let Some(n) = root.get("kubernetesVersion").map(|n| d.resolve(n)) {
        if let Some(r) = n.as_str().and_then(Release::parse) {
            ctx.release = Some((r, n.span));
        }
    }
    if let Some(n) = root
        .get("networking")
        .map(|n| d.resolve(n))
        .and_then(|n| n.get("podSubnet"))
        .map(|n| d.resolve(n))
    {
        if let Some(s) = n.as_str() {
            ctx.pod_subnet = Some((s.to_string(), n.span));
        }
    }
}

/// kubeadm API versions: refused, deprecated, or too new for the Kubernetes release deployed.
fn kubeadm_version(file: &mut SourceFile, d: &Document, root: &Node, ctx: &FileContext) {
    let Some(api) = str_of(d, root.get("apiVersion")) else {
        return;
    };
    let Some(version) = api.strip_prefix("kubeadm.k8s.io/") else {
        return;
    };
    let kind = str_of(d, root.get("kind")).unwrap_or("");
    let api_span = root.get("apiVersion").map(|n| n.span).unwrap_or(d.span);
    // kubeadm deploys its own minor release or the one before it; the file's kubernetesVersion
    // thus bounds the kubeadm releases that can read it.
    let target = ctx.release.map(|(r, _)| r);
    match kb().kubeadm_version(version) {
        Some(v) if v.rejected_since.is_some() => {
            let rejected = v.rejected_since.unwrap();
            let use_release = v.use_release.map(|r| r.to_string()).unwrap_or_default();
            file.findings.push(
                Finding::new(
                    &input::UNSUPPORTED_KUBEADM_VERSION,
                    format!(
                        "kubeadm API {api} ({kind}) is no longer supported: kubeadm {rejected} and later refuse it"
                    ),
                )
                .at(api_span)
                .label("unsupported kubeadm API version")
                .help(format!(
                    "convert it with kubeadm v{use_release}: `kubeadm config migrate --old-config old.yaml --new-config new.yaml`, then migrate again with newer kubeadm releases up to kubeadm.k8s.io/v1beta4"
                ))
                .document(d.index, kind),
            );
        }
        Some(v) if v.deprecated.is_some() => {
            let dep = v.deprecated.unwrap();
            // A kubeadm old enough for this Kubernetes release may not read the newer version.
            let old_cluster = target.is_some_and(|t| t.minor + 1 < dep.minor);
            if !old_cluster {
                file.findings.push(
                    Finding::new(
                        &input::DEPRECATED_KUBEADM_VERSION,
                        format!("kubeadm API {api} is deprecated since kubeadm {dep}"),
                    )
                    .at(api_span)
                    .label("deprecated kubeadm API version")
                    .help("run `kubeadm config migrate --old-config old.yaml --new-config new.yaml` to write kubeadm.k8s.io/v1beta4")
                    .document(d.index, kind),
                );
            }
        }
        Some(v) => {
            if let (Some(since), Some(t)) = (v.since, target) {
                if t.minor + 1 < since.minor {
                    file.findings.push(
                        Finding::new(
                            &input::UNSUPPORTED_KUBEADM_VERSION,
                            format!(
                                "kubeadm API {api} needs kubeadm {since} or later, which cannot deploy Kubernetes {t}"
                            ),
                        )
                        .at(api_span)
                        .label("too new for the kubernetesVersion")
                        .help(format!(
                            "kubeadm deploys its own minor release or the one before; for Kubernetes {t} use the kubeadm API version that kubeadm {t} writes"
                        ))
                        .document(d.index, kind),
                    );
                }
            }
        }
        None => {
            file.findings.push(
                Finding::new(
                    &input::UNKNOWN_API_VERSION,
                    format!("unknown kubeadm API version {api}"),
                )
                .at(api_span)
                .label("kubeadm knows v1beta3 and v1beta4")
                .help("use apiVersion: kubeadm.k8s.io/v1beta4")
                .document(d.index, kind),
            );
        }
    }
}

const MAX_LIST_DEPTH: usize = 4;

/// Find kube-proxy settings in one document (or one item of a `kind: List`).
fn detect(
    file: &mut SourceFile,
    d: &Document,
    root: &Node,
    ctx: &FileContext,
    limits: &Limits,
    depth: usize,
) {
    let root = d.resolve(root);
    let api = str_of(d, root.get("apiVersion")).unwrap_or("");
    let kind = str_of(d, root.get("kind")).unwrap_or("");
    distros::detect(file, d, root, ctx, limits);
    match kind {
        "KubeProxyConfiguration" => {
            if api != "kubeproxy.config.k8s.io/v1alpha1" {
                let span = root.get("apiVersion").map(|n| n.span).unwrap_or(root.span);
                file.findings.push(
                    Finding::new(
                        &input::UNKNOWN_API_VERSION,
                        if api.is_empty() {
                            "KubeProxyConfiguration without apiVersion; kube-proxy cannot decode it".to_string()
                        } else {
                            format!("kube-proxy does not know apiVersion {api:?} for KubeProxyConfiguration")
                        },
                    )
                    .at(span)
                    .label("unknown API version")
                    .help("kubeproxy.config.k8s.io/v1alpha1 is the only released version; kube-proxy refuses to start with any other")
                    .document(d.index, "KubeProxyConfiguration"),
                );
                return;
            }
            let data = model::decode(d, root, limits);
            push_config(
                file,
                d,
                root.span,
                Origin::File,
                "KubeProxyConfiguration".into(),
                data,
                ctx,
            );
        }
        "List" if depth < MAX_LIST_DEPTH => {
            if let Some(items) = root.get("items").map(|n| d.resolve(n)) {
                if let yaml::NodeKind::Sequence(items) = &items.kind {
                    for item in items {
                        detect(file, d, item, ctx, limits, depth + 1);
                    }
                }
            }
        }
        "ConfigMap" => {
            configmap(file, d, root, ctx, limits);
            surroundings_configmap(file, d, root);
        }
        "L2Advertisement" | "BGPAdvertisement" if api.starts_with("metallb.io/") => {
            let mode = if kind == "L2Advertisement" {
                crate::profile::MetalLb::L2
            } else {
                crate::profile::MetalLb::Bgp
            };
            let span = root.get("kind").map_or(root.span, |n| n.span);
            file.facts.push(Fact::MetalLb {
                mode,
                span,
                what: describe_object(d, root, kind),
            });
        }
        "Service" if api == "v1" => service(file, d, root),
        "PrometheusRule" if api.starts_with("monitoring.coreos.com/") => {
            if let Some(groups) = root
                .get("spec")
                .map(|n| d.resolve(n))
                .and_then(|s| s.get("groups"))
            {
                alert_rules(file, d, groups, &describe_object(d, root, kind));
            }
        }
        "ServiceMonitor" | "PodMonitor" if api.starts_with("monitoring.coreos.com/") => {
            let name = root
                .get("metadata")
                .map(|n| d.resolve(n))
                .and_then(|m| str_of(d, m.get("name")))
                .unwrap_or("");
            let selects = root
                .get("spec")
                .map(|n| d.resolve(n))
                .and_then(|s| s.get("selector"))
                .map(|n| d.resolve(n))
                .and_then(|s| s.get("matchLabels"))
                .map(|n| d.resolve(n))
                .is_some_and(|m| {
                    m.entries().iter().any(|(_, v)| {
                        d.resolve(v)
                            .as_str()
                            .is_some_and(|v| v.contains("kube-proxy"))
                    })
                });
            if selects || name.contains("kube-proxy") {
                file.facts.push(Fact::KubeProxyScraped {
                    span: root.get("kind").map_or(root.span, |n| n.span),
                    what: describe_object(d, root, kind),
                });
            }
        }
        "HelmRelease" | "Application" => {
            // Flux HelmRelease `spec.values`, Argo CD `spec.source.helm.valuesObject`.
            let spec = root.get("spec").map(|n| d.resolve(n));
            let values = spec.and_then(|s| s.get("values")).or_else(|| {
                spec.and_then(|s| s.get("source"))
                    .map(|n| d.resolve(n))
                    .and_then(|s| s.get("helm"))
                    .map(|n| d.resolve(n))
                    .and_then(|h| h.get("valuesObject"))
            });
            if let Some(v) = values.map(|n| d.resolve(n)) {
                cilium_values(file, d, v, &describe_object(d, root, kind));
            }
        }
        "" if api.is_empty() => {
            // A Prometheus rule file (`groups:` of `rules:`).
            if let Some(groups) = root.get("groups") {
                alert_rules(file, d, groups, "Prometheus rule file");
            }
            // Helm values: Cilium's kubeProxyReplacement; kube-prometheus-stack's kubeProxy.enabled.
            cilium_values(file, d, root, "Helm values");
            if let Some((k, v)) = root.get_entry("kubeProxy") {
                let on = d
                    .resolve(v)
                    .get("enabled")
                    .map(|n| d.resolve(n))
                    .and_then(|n| n.as_str())
                    == Some("true");
                if on {
                    file.facts.push(Fact::KubeProxyScraped {
                        span: k.span,
                        what: "kube-prometheus-stack values (kubeProxy.enabled)".into(),
                    });
                }
            }
        }
        "DaemonSet" | "Pod" | "Deployment" => {
            let describe = describe_object(d, root, kind);
            let spec = if kind == "Pod" {
                root.get("spec")
            } else {
                root.get("spec")
                    .map(|n| d.resolve(n))
                    .and_then(|s| s.get("template"))
                    .map(|n| d.resolve(n))
                    .and_then(|t| t.get("spec"))
            };
            if let Some(spec) = spec.map(|n| d.resolve(n)) {
                for key in ["initContainers", "containers"] {
                    if let Some(yaml::NodeKind::Sequence(cs)) =
                        spec.get(key).map(|n| &d.resolve(n).kind)
                    {
                        for c in cs {
                            flags::container(file, d, d.resolve(c), &describe, ctx.release, limits);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// MetalLB's legacy `config` ConfigMap (metallb-system) and Cilium's `cilium-config`.
fn surroundings_configmap(file: &mut SourceFile, d: &Document, root: &Node) {
    let meta = root.get("metadata").map(|n| d.resolve(n));
    let name = meta.and_then(|m| str_of(d, m.get("name"))).unwrap_or("");
    let ns = meta
        .and_then(|m| str_of(d, m.get("namespace")))
        .unwrap_or("");
    let Some(data) = root.get("data").map(|n| d.resolve(n)) else {
        return;
    };
    if name == "config" && ns == "metallb-system" {
        if let Some(cfg) = data.get("config").map(|n| d.resolve(n)) {
            let text = cfg.as_str().unwrap_or("");
            let mode = if text.contains("protocol: layer2") {
                Some(crate::profile::MetalLb::L2)
            } else if text.contains("protocol: bgp") {
                Some(crate::profile::MetalLb::Bgp)
            } else {
                None
            };
            if let Some(mode) = mode {
                file.facts.push(Fact::MetalLb {
                    mode,
                    span: cfg.span,
                    what: "ConfigMap metallb-system/config (legacy MetalLB configuration)".into(),
                });
            }
        }
    }
    for (_, v) in data.entries() {
        let v = d.resolve(v);
        if let Some(text) = v.as_str() {
            let scrapes = [
                "job_name: kube-proxy",
                "job_name: 'kube-proxy'",
                "job_name: \"kube-proxy\"",
            ]
            .iter()
            .any(|j| text.contains(j));
            if scrapes {
                file.facts.push(Fact::KubeProxyScraped {
                    span: v.span,
                    what: format!("Prometheus scrape job kube-proxy in ConfigMap {ns}/{name}"),
                });
                break;
            }
        }
    }
    if name == "cilium-config" {
        if let Some(v) = data.get("kube-proxy-replacement").map(|n| d.resolve(n)) {
            if let Some(s) = v.as_str() {
                file.facts.push(Fact::CiliumKubeProxyReplacement {
                    on: matches!(s, "true" | "strict"),
                    span: v.span,
                    what: format!("ConfigMap {ns}/cilium-config"),
                });
            }
        }
    }
}

/// Cilium Helm values: `kubeProxyReplacement: true` (or the old `strict`).
fn cilium_values(file: &mut SourceFile, d: &Document, values: &Node, what: &str) {
    if let Some(v) = values.get("kubeProxyReplacement").map(|n| d.resolve(n)) {
        if let Some(s) = v.as_str() {
            let on = matches!(s, "true" | "strict" | "True" | "yes");
            file.facts.push(Fact::CiliumKubeProxyReplacement {
                on,
                span: v.span,
                what: what.to_string(),
            });
        }
    }
}

fn service(file: &mut SourceFile, d: &Document, root: &Node) {
    let meta = root.get("metadata").map(|n| d.resolve(n));
    let mut annotations = Vec::new();
    if let Some(a) = meta
        .and_then(|m| m.get("annotations"))
        .map(|n| d.resolve(n))
    {
        for (k, v) in a.entries() {
            if let (Some(k_s), Some(v_s)) = (k.as_str(), d.resolve(v).as_str()) {
                annotations.push((k_s.to_string(), v_s.to_string(), k.span));
            }
        }
    }
    let spec = root.get("spec").map(|n| d.resolve(n));
    let topology_keys = spec
        .and_then(|s| s.get_entry("topologyKeys"))
        .map(|(k, _)| k.span);
    let client_ip_affinity =
        spec.and_then(|s| str_of(d, s.get("sessionAffinity"))) == Some("ClientIP");
    file.services.push(ServiceInfo {
        document: d.index,
        describe: describe_object(d, root, "Service"),
        annotations,
        topology_keys,
        client_ip_affinity,
    });
}

/// The alerting and recording rules of a `groups:` list.
fn alert_rules(file: &mut SourceFile, d: &Document, groups: &Node, describe: &str) {
    let yaml::NodeKind::Sequence(groups) = &d.resolve(groups).kind else {
        return;
    };
    for g in groups {
        let Some(yaml::NodeKind::Sequence(rules)) =
            d.resolve(g).get("rules").map(|n| &d.resolve(n).kind)
        else {
            continue;
        };
        for r in rules {
            let r = d.resolve(r);
            let Some(expr) = r.get("expr").map(|n| d.resolve(n)) else {
                continue;
            };
            let Some(text) = expr.as_str() else {
                continue;
            };
            // Only what KP610 reads: expressions naming kube-proxy's or the IPVS metrics (a
            // file keeps its text and documents for the rules only when it has such a rule).
            if !text.contains("kubeproxy_") && !text.contains("ipvs_") {
                continue;
            }
            let (name, alert) = match (str_of(d, r.get("alert")), str_of(d, r.get("record"))) {
                (Some(a), _) => (a, true),
                (None, Some(r)) => (r, false),
                (None, None) => ("?", true),
            };
            file.alert_rules.push(AlertRule {
                document: d.index,
                describe: describe.to_string(),
                name: name.to_string(),
                alert,
                expr: text.to_string(),
                span: expr.span,
            });
        }
    }
}

/// `Kind namespace/name`, or just `Kind` when the object has no name.
fn describe_named(d: &Document, root: &Node, kind: &str) -> String {
    let has_name = root
        .get("metadata")
        .map(|n| d.resolve(n))
        .and_then(|m| str_of(d, m.get("name")))
        .is_some();
    if has_name {
        describe_object(d, root, kind)
    } else {
        kind.to_string()
    }
}

fn describe_object(d: &Document, root: &Node, kind: &str) -> String {
    let meta = root.get("metadata").map(|n| d.resolve(n));
    let name = meta.and_then(|m| str_of(d, m.get("name"))).unwrap_or("?");
    match meta.and_then(|m| str_of(d, m.get("namespace"))) {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    }
}

/// A ConfigMap whose `data` holds a KubeProxyConfiguration (kubeadm writes it as `config.conf`).
fn configmap(file: &mut SourceFile, d: &Document, root: &Node, ctx: &FileContext, limits: &Limits) {
    let Some(data) = root.get("data").map(|n| d.resolve(n)) else {
        return;
    };
    let describe = describe_object(d, root, "ConfigMap");
    for (k, v) in data.entries() {
        let Some(key) = k.as_str() else { continue };
        let v = d.resolve(v);
        let Some(inner) = v.as_str() else { continue };
        let named_kube_proxy =
            describe.ends_with("/kube-proxy") || describe.ends_with(" kube-proxy");
        if !(inner.contains("KubeProxyConfiguration") || (named_kube_proxy && key == "config.conf"))
        {
            continue;
        }
        let map = OffsetMap::for_scalar(&file.text, v);
        let describe_key = format!("{describe} ({key})");
        if looks_templated(inner) && inner.contains("{{") {
            let at = map.offset(inner.find("{{").unwrap_or(0));
            file.skipped = true;
            file.findings.push(
                Finding::new(
                    &input::TEMPLATE_SKIPPED,
                    format!("{key} contains template markers; skipped"),
                )
                .at(Span::new(at, at + 2))
                .label("template marker")
                .help(
                    "lint the rendered output instead (for example `helm template … | kp-lint -`)",
                )
                .document(d.index, describe_key.clone()),
            );
            continue;
        }
        let inner_docs = yaml::parse_stream(inner, limits);
        for idoc in &inner_docs {
            if let Some(err) = &idoc.error {
                let at = map.offset(err.offset);
                file.findings.push(
                    Finding::new(
                        if err.limit {
                            &input::INPUT_LIMIT
                        } else {
                            &input::YAML_SYNTAX
                        },
                        format!("invalid YAML in {key}: {}", err.message),
                    )
                    .at(Span::new(at, at))
                    .label("here")
                    .also(k.span, "embedded configuration")
                    .document(d.index, describe_key.clone()),
                );
                continue;
            }
            let Some(iroot) = &idoc.root else { continue };
            let iroot = idoc.resolve(iroot);
            let kind = str_of(idoc, iroot.get("kind")).unwrap_or("");
            let api = str_of(idoc, iroot.get("apiVersion")).unwrap_or("");
            if kind != "KubeProxyConfiguration" {
                continue;
            }
            if api != "kubeproxy.config.k8s.io/v1alpha1" {
                let span = iroot
                    .get("apiVersion")
                    .map(|n| n.span)
                    .unwrap_or(iroot.span);
                file.findings.push(
                    Finding::new(
                        &input::UNKNOWN_API_VERSION,
                        format!(
                            "kube-proxy does not know apiVersion {api:?} for KubeProxyConfiguration"
                        ),
                    )
                    .at(map.span(span))
                    .label("unknown API version")
                    .help("kubeproxy.config.k8s.io/v1alpha1 is the only released version")
                    .document(d.index, describe_key.clone()),
                );
                continue;
            }
            let mut located = model::decode(idoc, iroot, limits);
            remap(&mut located, &map);
            let origin = Origin::ConfigMap {
                name: describe.clone(),
                key: key.to_string(),
            };
            push_config(file, d, v.span, origin, describe_key.clone(), located, ctx);
        }
    }
}

/// Move every span of an embedded document into the host file's coordinates.
fn remap(l: &mut Located, map: &OffsetMap) {
    for fs in l.spans.values_mut() {
        fs.value = map.span(fs.value);
        fs.key = fs.key.map(|k| map.span(k));
    }
    for issue in &mut l.issues {
        match issue {
            DecodeIssue::DuplicateKey { first, second, .. } => {
                *first = map.span(*first);
                *second = map.span(*second);
            }
            DecodeIssue::Yaml11Bool { span, .. }
            | DecodeIssue::UnknownAlias { span, .. }
            | DecodeIssue::Limit { span, .. }
            | DecodeIssue::ComplexKey { span } => *span = map.span(*span),
        }
    }
}

fn push_config(
    file: &mut SourceFile,
    d: &Document,
    doc_span: Span,
    origin: Origin,
    describe: String,
    data: Located,
    ctx: &FileContext,
) {
    // kubeadm copies networking.podSubnet into an empty clusterCIDR; warn when both differ.
    if let (Some((subnet, sspan)), Origin::File) = (&ctx.pod_subnet, &origin) {
        if let Some(Value::String(cidr)) = data.get("clusterCIDR") {
            // kubeadm compares the strings; a reordered dual-stack pair means the same ranges.
            let set = |s: &str| {
                let mut v: Vec<String> = s.split(',').map(|x| x.trim().to_string()).collect();
                v.sort();
                v
            };
            if !cidr.is_empty() && set(cidr) != set(subnet) {
                let span = data.spans[&Path::parse("clusterCIDR")].value;
                file.findings.push(
                    Finding::new(
                        &wiring::KUBEADM_CLUSTER_CIDR_MISMATCH,
                        format!(
                            "clusterCIDR {cidr:?} differs from the kubeadm networking.podSubnet {subnet:?}"
                        ),
                    )
                    .at(span)
                    .label("kube-proxy uses this")
                    .also(*sspan, "pods get addresses from this")
                    .help("make them equal, or drop clusterCIDR so that kubeadm fills it from podSubnet")
                    .path("clusterCIDR")
                    .document(d.index, describe.clone()),
                );
            }
        }
    }
    file.configs.push(ProxyConfig {
        document: d.index,
        doc_span,
        origin,
        describe,
        data,
        kubeadm_release: ctx.release,
        pod_subnet: ctx.pod_subnet.clone(),
        flags: Vec::new(),
        flag_list_end: None,
        distro: None,
        image_release: None,
    });
}
