//! The engine: a loaded file's kube-proxy configurations checked for shape (schema), decoding
//! surprises and meaning (rules), for the Kubernetes release that applies.

use crate::config::Config;
use crate::diagnostic::Finding;
use crate::kb::{Release, kb};
use crate::limits::Limits;
use crate::model::DecodeIssue;
use crate::profile::{MetalLb, Profile, Sourced};
use crate::rules::{self, Ctx, input};
use crate::schema;
use crate::source::{self, Fact, SourceFile};

/// How to lint.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--kubernetes-version`: wins over a kubeadm `kubernetesVersion`.
    pub release: Option<Release>,
    pub limits: Limits,
    /// The cluster profile (flags, configuration file, detected), in precedence order.
    pub profile: Profile,
    /// Rule selection and severities from `.kp-lint.toml`.
    pub config: Config,
}

/// The profile facts detected in the linted files (MetalLB, Cilium), with their locations.
pub fn detected_profile(files: &[&SourceFile]) -> Profile {
    let mut p = Profile::default();
    let at = |f: &SourceFile, span: crate::source::yaml::Span, what: &str| {
        let (l, c) = f.lines.position(&f.text, span.start);
        format!("detected: {what} at {}:{l}:{c}", f.name)
    };
    for f in files {
        for fact in &f.facts {
            match fact {
                Fact::MetalLb { mode, span, what } => {
                    let better = match &p.metallb {
                        None => true,
                        Some(cur) => cur.value != MetalLb::L2 && *mode == MetalLb::L2,
                    };
                    if better {
                        p.metallb = Some(Sourced::new(*mode, at(f, *span, what)));
                    }
                }
                Fact::NfConntrackIpv4Module { .. } => {}
                Fact::HostConntrackMax { value, span } => {
                    if p.host_conntrack_max.is_none() {
                        p.host_conntrack_max = Some(Sourced::new(
                            *value,
                            at(f, *span, "net.netfilter.nf_conntrack_max"),
                        ));
                    }
                }
                Fact::KubeProxyScraped { span, what } => {
                    if p.kube_proxy_scraped.is_none() {
                        p.kube_proxy_scraped = Some(Sourced::new(true, at(f, *span, what)));
                    }
                }
                Fact::CiliumKubeProxyReplacement { on, span, what } => {
                    if p.cilium_kube_proxy_replacement
                        .as_ref()
                        .is_none_or(|c| !c.value && *on)
                    {
                        p.cilium_kube_proxy_replacement =
                            Some(Sourced::new(*on, at(f, *span, what)));
                        if *on && p.cni.is_none() {
                            p.cni = Some(Sourced::new("cilium".to_string(), at(f, *span, what)));
                        }
                    }
                }
            }
        }
    }
    p
}

/// Where the release that a configuration was checked against came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReleaseSource {
    Flag,
    /// `kubernetes-version` in `.kp-lint.toml`.
    Profile,
    KubeadmKubernetesVersion,
    /// The Kubernetes version a distribution's file names (KubeadmControlPlane `spec.version`,
    /// KubeKey `spec.kubernetes.version`, kubespray `kube_version`, a kind node image tag).
    Distribution,
    /// The tag of the kube-proxy container image.
    Image,
    /// The version kube-proxy reports running (`kubernetes_build_info` in live metrics).
    Metrics,
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
    // What this file itself says about the cluster (MetalLB, Cilium, scraping) counts too; the
    // caller's profile (flags, configuration file, other files) wins.
    let profile = opts.profile.clone().or(&detected_profile(&[&file]));
    let opts = &Options {
        profile,
        ..opts.clone()
    };
    let mut findings = std::mem::take(&mut file.findings);
    let mut configs = Vec::new();
    for cfg in &file.configs {
        let (release, release_source) = match (
            opts.release,
            &opts.profile.kubernetes_version,
            cfg.kubeadm_release,
            cfg.image_release,
        ) {
            (Some(r), _, _, _) => (r, ReleaseSource::Flag),
            (None, Some(p), _, _) => (p.value, ReleaseSource::Profile),
            (None, None, Some((r, _)), _) => {
                match cfg.distro.as_ref().and_then(|d| d.version_from.as_ref()) {
                    Some(_) => (r, ReleaseSource::Distribution),
                    None => (r, ReleaseSource::KubeadmKubernetesVersion),
                }
            }
            (None, None, None, Some((r, _))) => (r, ReleaseSource::Image),
            (None, None, None, None) => match &opts.profile.running_version {
                Some(r) => (r.value, ReleaseSource::Metrics),
                None => (kb.releases.default, ReleaseSource::Default),
            },
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
                    .with_fix(crate::fix::edits::replace_scalar(&file.text, *span, &b.to_string()).map(|e| {
                        crate::fix::Fix {
                            safety: crate::fix::Safety::Safe,
                            message: format!("write {b}"),
                            edits: vec![e],
                        }
                    }))
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
        let mut cx = Ctx::new(cfg, &file.text, release, kb, &opts.profile);
        rules::check_config(&mut cx);
        if let Some(ev) = &opts.profile.metrics {
            rules::metrics::check_config(&mut cx, ev);
        }
        // A value the distribution fills in: say so where the finding is about it.
        for mut f in cx.findings {
            let note = f
                .path
                .as_deref()
                .and_then(|p| cfg.default_note(&crate::model::Path::parse(p)));
            if let Some(note) = note {
                f.help = Some(match f.help.take() {
                    Some(h) => format!("{h}\nthe value comes from the distribution: {note}"),
                    None => format!("the value comes from the distribution: {note}"),
                });
            }
            findings.push(f);
        }
    }
    let release = opts
        .release
        .or(opts.profile.kubernetes_version.as_ref().map(|p| p.value))
        .or(file
            .configs
            .first()
            .and_then(|c| c.kubeadm_release.map(|r| r.0)))
        .or(opts.profile.running_version.as_ref().map(|p| p.value))
        .unwrap_or(kb.releases.default);
    findings.extend(rules::check_file(&file, release, &opts.profile));
    let path = (file.name != "<stdin>").then(|| std::path::Path::new(&file.name));
    let findings = opts.config.apply(findings, path);
    let mut findings = crate::suppress::apply(&file.text, &file.lines, findings, &|r| {
        opts.config.enabled(r, path)
    });
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

/// One report per metrics source (`--metrics`, `--prometheus`): what could not be read, and,
/// when no configuration was linted (`with_verdicts`), what the metrics say against
/// kube-proxy's defaults, located in the page where there is one.
pub fn metrics_reports(
    ev: &crate::metrics::Evidence,
    with_verdicts: bool,
    config: &Config,
) -> Vec<FileReport> {
    let mut by_source: Vec<Vec<Finding>> = vec![Vec::new(); ev.sources.len()];
    for (i, f) in rules::metrics::source_findings(ev, kb(), with_verdicts) {
        if let Some(slot) = by_source.get_mut(i) {
            slot.push(f);
        }
    }
    ev.sources
        .iter()
        .zip(by_source)
        .map(|(s, findings)| {
            let text = s.text.as_deref().unwrap_or("").to_string();
            let mut findings = config.apply(findings, None);
            findings.sort_by(|a, b| {
                (a.span.map(|s| s.start), a.rule.code).cmp(&(b.span.map(|s| s.start), b.rule.code))
            });
            FileReport {
                file: SourceFile::unparsed(&s.name, text),
                findings,
                configs: Vec::new(),
            }
        })
        .collect()
}
