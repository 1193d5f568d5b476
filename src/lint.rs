//! The engine: a loaded file's kube-proxy configurations checked for shape (schema), decoding
//! surprises and meaning (rules), for the Kubernetes release that applies.

use crate::diagnostic::Finding;
use crate::kb::{Release, kb};
use crate::limits::Limits;
use crate::model::DecodeIssue;
use crate::rules::{self, Ctx, input};
use crate::schema;
use crate::source::{self, SourceFile};

/// How to lint.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--kubernetes-version`: wins over a kubeadm `kubernetesVersion`.
    pub release: Option<Release>,
    pub limits: Limits,
}

/// Where the release that a configuration was checked against came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReleaseSource {
    Flag,
    KubeadmKubernetesVersion,
    Default,
}

/// One configuration found in a file and the release it was checked against.
#[derive(Debug, Clone)]
pub struct ConfigSummary {
    pub document: usize,
    pub describe: String,
    pub release: Release,
    pub release_source: ReleaseSource,
}

/// The result of linting one file.
#[derive(Debug)]
pub struct FileReport {
    pub file: SourceFile,
    pub findings: Vec<Finding>,
    pub configs: Vec<ConfigSummary>,
}

pub fn lint_bytes(name: &str, bytes: &[u8], opts: &Options) -> FileReport {
    lint_source(source::load(name, bytes, &opts.limits), opts)
}

pub fn lint_source(mut file: SourceFile, opts: &Options) -> FileReport {
    let kb = kb();
    let mut findings = std::mem::take(&mut file.findings);
    let mut configs = Vec::new();
    for cfg in &file.configs {
        let (release, release_source) = match (opts.release, cfg.kubeadm_release) {
            (Some(r), _) => (r, ReleaseSource::Flag),
            (None, Some((r, _))) => (r, ReleaseSource::KubeadmKubernetesVersion),
            (None, None) => (kb.releases.default, ReleaseSource::Default),
        };
        configs.push(ConfigSummary {
            document: cfg.document,
            describe: cfg.describe.clone(),
            release,
            release_source,
        });
        let doc = |f: Finding| f.document(cfg.document, cfg.describe.clone());
        for issue in &cfg.data.issues {
            findings.push(doc(match issue {
                DecodeIssue::DuplicateKey {
                    path,
                    first,
                    second,
                } => Finding::new(&input::DUPLICATE_KEY, format!("duplicate key {path}; kube-proxy uses the last one"))
                    .at(*second)
                    .label("this one wins")
                    .also(*first, "first defined here, ignored")
                    .help("keep one occurrence")
                    .path(path.to_string()),
                DecodeIssue::Yaml11Bool { path, span, raw } => {
                    let b = crate::model::parse_bool(raw).unwrap_or(true);
                    Finding::new(
                        &input::YAML11_BOOLEAN,
                        format!("{raw:?} is the boolean {b} in YAML 1.1 (kube-proxy) but a string in YAML 1.2"),
                    )
                    .at(*span)
                    .label(format!("read as {b}"))
                    .help(format!("write `{b}`"))
                    .path(path.to_string())
                }
                DecodeIssue::UnknownAlias { span, name } => Finding::new(
                    &input::YAML_SYNTAX,
                    format!("alias *{name} refers to an anchor that is not defined before it"),
                )
                .at(*span)
                .label("unknown anchor")
                .help(format!("define `&{name}` earlier in the same document")),
                DecodeIssue::Limit { span, what } => Finding::new(&input::INPUT_LIMIT, format!("document exceeds a limit: {what}"))
                    .at(*span)
                    .label("limit reached here")
                    .help("see docs/limits.md; raise the limit only for trusted input"),
                DecodeIssue::ComplexKey { span } => Finding::new(
                    &input::WRONG_TYPE,
                    "a mapping key that is not a scalar; kube-proxy cannot decode it",
                )
                .at(*span)
                .label("complex key")
                .help("use plain string keys"),
            }));
        }
        if cfg
            .data
            .issues
            .iter()
            .any(|i| matches!(i, DecodeIssue::Limit { .. }))
        {
            continue;
        }
        findings.extend(schema::check(cfg, &file.text, release, kb));
        let mut cx = Ctx::new(cfg, release, kb);
        rules::check_config(&mut cx);
        findings.extend(cx.findings);
    }
    findings.sort_by(|a, b| {
        let ka = (a.span.map(|s| s.start), a.rule.code, &a.message);
        let kb_ = (b.span.map(|s| s.start), b.rule.code, &b.message);
        ka.cmp(&kb_)
    });
    findings
        .dedup_by(|a, b| a.rule.code == b.rule.code && a.span == b.span && a.message == b.message);
    FileReport {
        file,
        findings,
        configs,
    }
}
