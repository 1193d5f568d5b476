//! discover → load → lint → render → exit status.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use std::collections::HashMap;

use crate::batch;
use crate::cli::{Args, Color, FailOn, OutputSpec};
use crate::config::{Config, Finder};
use crate::diagnostic::Severity;
use crate::fix;
use crate::kb::Release;
use crate::limits::Limits;
use crate::lint::{self, FileReport, Options};
use crate::profile::{Kernel, Profile, Sourced};
use crate::render::{self, Format, Run, Style};
use crate::walk::{self, Input, InputError};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let stdin_is_terminal = std::io::stdin().is_terminal();
    let mut stdin = std::io::stdin().lock();
    let (out, code) = run(&args, &mut stdin, stdin_is_terminal);
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.stdout.as_bytes());
    let _ = stdout.flush();
    let _ = std::io::stderr().write_all(out.stderr.as_bytes());
    ExitCode::from(code)
}

/// What a run prints.
#[derive(Debug, Default)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
}

/// Run kp-lint with parsed arguments; `stdin` is read when a path is `-`.
pub fn run(args: &Args, stdin: &mut dyn Read, stdin_is_terminal: bool) -> (Output, u8) {
    let mut out = Output::default();
    if let Some(crate::cli::Command::Recommend {
        file,
        output_format,
        diff,
        write,
        cluster_cidr,
        profile,
        metrics,
    }) = &args.command
    {
        return recommend(
            file.as_deref(),
            *output_format,
            *diff,
            *write,
            cluster_cidr.as_deref(),
            profile,
            metrics,
        );
    }
    let explain = match &args.command {
        Some(crate::cli::Command::Rule { rule }) => Some(rule),
        _ => args.explain.as_ref(),
    };
    if let Some(crate::cli::Command::Completions { shell }) = &args.command {
        out.stdout = crate::cli::completions(*shell);
        return (out, EXIT_OK);
    }
    if args.list_rules || matches!(args.command, Some(crate::cli::Command::Rules)) {
        out.stdout = crate::docs::rule_table_text();
        return (out, EXIT_OK);
    }
    if let Some(code) = explain {
        return match crate::rules::find(code) {
            Some(rule) => {
                out.stdout = crate::docs::rule_markdown(rule);
                (out, EXIT_OK)
            }
            None => {
                out.stderr = format!("kp-lint: no rule {code:?}; `kp-lint rules` lists them\n");
                (out, EXIT_USAGE)
            }
        };
    }
    let release = match &args.profile.kubernetes_version {
        None => None,
        Some(v) => match Release::parse(v) {
            Some(r) if r.major == 1 => Some(r),
            _ => {
                out.stderr = format!(
                    "kp-lint: --kubernetes-version {v:?} is not a Kubernetes release such as 1.36 or v1.36.2\n"
                );
                return (out, EXIT_USAGE);
            }
        },
    };
    let outputs = match plan_outputs(args) {
        Ok(o) => o,
        Err(msg) => {
            out.stderr = format!("kp-lint: {msg}\n");
            return (out, EXIT_USAGE);
        }
    };
    let limits = Limits {
        max_file_bytes: args.max_file_size,
        max_depth: args.max_depth,
        max_expanded_nodes: args.max_nodes,
        max_documents: args.max_documents,
        max_line_bytes: args.max_line_length,
    };
    let flag_profile = match flag_profile(&args.profile) {
        Ok(p) => p,
        Err(e) => {
            out.stderr = format!("kp-lint: {e}\n");
            return (out, EXIT_USAGE);
        }
    };
    // Live metrics are read before the files, so that what they measure joins the profile.
    let metrics_profile = if args.metrics.any() {
        match crate::metrics::gather(&args.metrics) {
            Ok(ev) => {
                let mut p = crate::metrics::profile(&ev);
                p.metrics = Some(std::sync::Arc::new(ev));
                p
            }
            Err(e) => {
                out.stderr = format!("kp-lint: {e}\n");
                return (out, EXIT_USAGE);
            }
        }
    } else {
        Profile::default()
    };
    let explicit_config = match &args.config {
        Some(p) => match Config::load(p) {
            Ok(c) => Some(c),
            Err(e) => {
                out.stderr = format!("kp-lint: invalid configuration {e}\n");
                return (out, EXIT_USAGE);
            }
        },
        None => None,
    };
    let mut paths = args.paths.clone();
    if paths.is_empty() && !args.metrics.any() {
        if stdin_is_terminal && !args.show_profile {
            out.stderr =
                "kp-lint: give files or directories to lint (or `-` for standard input)\n".into();
            return (out, EXIT_USAGE);
        }
        if !args.show_profile {
            paths.push("-".into());
        }
    }
    if let Err(e) = walk::exclude_matcher(&args.exclude) {
        out.stderr = format!("kp-lint: {e}\n");
        return (out, EXIT_USAGE);
    }
    let walk_opts = walk::WalkOptions {
        hidden: args.hidden,
        follow_symlinks: args.follow_symlinks,
        exclude: args.exclude.clone(),
        threads: args.threads,
    };
    // Pass 1: read every file, so that what one file says about the cluster (MetalLB, Cilium)
    // informs the advice on the others. Files found below a directory are read and loaded while
    // it is walked; standard input is read here, the files named on the command line in parallel.
    let expanded = walk::expand_visit(&paths, &walk_opts, &|p| batch::load_walked(p, &limits));
    let mut unreadable = expanded.errors;
    for w in &expanded.warnings {
        out.stderr.push_str(&format!("kp-lint: warning: {w}\n"));
    }
    let mut slots = Vec::new();
    for (input, loaded) in expanded.inputs {
        match (input, loaded) {
            (_, Some(loaded)) => slots.push(batch::Slot::Done(Box::new(loaded))),
            (Input::Stdin, None) => {
                let mut buf = Vec::new();
                let limit = limits.max_file_bytes.saturating_add(1);
                if let Err(e) = stdin.take(limit).read_to_end(&mut buf) {
                    unreadable.push(InputError {
                        path: args.stdin_filename.clone(),
                        message: e.to_string(),
                    });
                    continue;
                }
                slots.push(batch::Slot::Todo(batch::Job::Bytes {
                    name: args.stdin_filename.clone(),
                    bytes: buf,
                }));
            }
            (Input::File(path) | Input::Walked(path), None) => {
                slots.push(batch::Slot::Todo(batch::Job::Path {
                    path,
                    walked: false,
                }))
            }
        }
    }
    // Worker threads only for more than one file: one file (the pre-commit case) is linted on
    // this thread, without starting any.
    let pool = if slots.len() > 1 {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads)
            .build()
        {
            Ok(p) => Some(p),
            Err(e) => {
                out.stderr = format!("kp-lint: cannot start worker threads: {e}\n");
                return (out, EXIT_USAGE);
            }
        }
    } else {
        None
    };
    let mut files: Vec<batch::Loaded> = Vec::new();
    for loaded in on_workers(pool.as_ref(), || batch::load_all(slots, &limits)) {
        match loaded {
            Ok(l) => files.push(l),
            Err(e) => unreadable.push(e),
        }
    }
    let detected = lint::detected_profile(&files.iter().map(|l| &l.file).collect::<Vec<_>>());
    // Pass 2: lint each file with its configuration file and profile.
    let mut finder = Finder::default();
    let mut loaded: HashMap<PathBuf, Config> = HashMap::new();
    let mut config_for = |path: Option<&std::path::Path>| -> Result<Config, String> {
        if let Some(c) = &explicit_config {
            return Ok(c.clone());
        }
        if args.no_config {
            return Ok(Config::default());
        }
        let dir = match path.and_then(|p| p.parent()) {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        };
        let Some(found) = finder.find(&dir) else {
            return Ok(Config::default());
        };
        if let Some(c) = loaded.get(&found) {
            return Ok(c.clone());
        }
        let c = Config::load(&found)?;
        loaded.insert(found, c.clone());
        Ok(c)
    };
    if args.show_profile {
        let first = files.first().and_then(|l| l.path.clone());
        let config = match config_for(first.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                out.stderr = format!("kp-lint: invalid configuration {e}\n");
                return (out, EXIT_USAGE);
            }
        };
        let profile = flag_profile
            .clone()
            .or(&config.profile())
            .or(&metrics_profile)
            .or(&detected);
        out.stdout = profile.describe();
        return (out, EXIT_OK);
    }
    let mut fix_notes = String::new();
    let mut diffs = String::new();
    let mut fixed_stdin: Option<String> = None;
    let mut unsafe_left = 0;
    let mut changed = false;
    let mut write_failed = false;
    // Pass 2: lint each file with its configuration file and profile, in parallel (fixing is
    // done file by file, as it writes).
    let mut lint_jobs = Vec::with_capacity(files.len());
    for loaded in files {
        if !loaded.work {
            lint_jobs.push(batch::LintJob::Done(loaded.into_clean_report()));
            continue;
        }
        let config = match config_for(loaded.path.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                out.stderr = format!("kp-lint: invalid configuration {e}\n");
                return (out, EXIT_USAGE);
            }
        };
        let opts = Options {
            release,
            limits: limits.clone(),
            profile: flag_profile
                .clone()
                .or(&config.profile())
                .or(&metrics_profile)
                .or(&detected),
            config,
        };
        if args.fix || args.diff {
            let (file, path) = (loaded.file, loaded.path);
            let name = file.name.clone();
            let outcome =
                fix::run::fix_text(&name, &file.text, file.encoding, &opts, args.unsafe_fixes);
            if let Some(why) = &outcome.refused {
                fix_notes.push_str(&format!("kp-lint: {name}: not fixed: {why}\n"));
            }
            if outcome.count() > 0 {
                let by_rule: Vec<String> = outcome
                    .applied
                    .iter()
                    .map(|(c, n)| format!("{c} ×{n}"))
                    .collect();
                fix_notes.push_str(&format!(
                    "kp-lint: {name}: {} {} ({})\n",
                    if args.diff { "would fix" } else { "fixed" },
                    plural(outcome.count(), "finding"),
                    by_rule.join(", ")
                ));
            }
            unsafe_left += outcome.unsafe_left;
            if args.diff {
                if outcome.changed() {
                    diffs.push_str(&fix::run::unified_diff(&name, &outcome));
                }
            } else if let Some(p) = &path {
                if outcome.changed() {
                    if let Err(e) = fix::run::write_atomic(p, &fix::run::encode(&outcome)) {
                        out.stderr
                            .push_str(&format!("kp-lint: cannot write {}: {e}\n", p.display()));
                        write_failed = true;
                    }
                }
            } else {
                fixed_stdin =
                    Some(String::from_utf8_lossy(&fix::run::encode(&outcome)).into_owned());
            }
            changed |= outcome.changed();
            let report = if outcome.changed() {
                lint::lint_bytes(&name, &fix::run::encode(&outcome), &opts)
            } else {
                lint::lint_source(file, &opts)
            };
            lint_jobs.push(batch::LintJob::Done(report));
            continue;
        }
        lint_jobs.push(batch::LintJob::Lint(loaded.file, Box::new(opts)));
    }
    let mut reports: Vec<FileReport> = on_workers(pool.as_ref(), || batch::lint_all(lint_jobs));
    if let Some(ev) = &metrics_profile.metrics {
        // Metric findings go to the configurations linted; without any, to the metrics
        // themselves (judged against kube-proxy's defaults).
        let with_verdicts = !reports.iter().any(|r| !r.configs.is_empty());
        let config = match config_for(None) {
            Ok(c) => c,
            Err(e) => {
                out.stderr = format!("kp-lint: invalid configuration {e}\n");
                return (out, EXIT_USAGE);
            }
        };
        reports.extend(lint::metrics_reports(ev, with_verdicts, &config));
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let width = args
        .width
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .unwrap_or(100);
    let run = Run {
        reports: &reports,
        unreadable: &unreadable,
        fail_on: threshold,
    };
    for spec in &outputs {
        let color = match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                spec.path.is_none()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        let style = Style {
            color,
            width,
            quiet: args.quiet,
            statistics: args.statistics,
        };
        let text = on_workers(pool.as_ref(), || render::render(spec.format, &run, style));
        match &spec.path {
            None => out.stdout = text,
            Some(path) => {
                if let Err(e) = std::fs::write(path, text) {
                    out.stderr
                        .push_str(&format!("kp-lint: cannot write {}: {e}\n", path.display()));
                    write_failed = true;
                }
            }
        }
    }
    let findings = run.findings().count();
    if args.statistics
        && !outputs.iter().any(|o| o.format.carries_statistics())
        && !(args.quiet && findings == 0)
    {
        out.stderr.push_str(&render::statistics_text(&run));
    }
    // Human output on standard output lists unreadable inputs itself.
    if !outputs
        .iter()
        .any(|o| o.format == Format::Human && o.path.is_none())
    {
        for e in &unreadable {
            out.stderr
                .push_str(&format!("kp-lint: cannot read {}: {}\n", e.path, e.message));
        }
    }
    let failed = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| run.fails(f));
    if args.diff {
        out.stdout = diffs;
    }
    if let Some(text) = fixed_stdin {
        // Standard input with --fix: the fixed text is the output; findings go to stderr.
        let rendered = std::mem::replace(&mut out.stdout, text);
        out.stderr.push_str(&rendered);
    }
    out.stderr.push_str(&fix_notes);
    if unsafe_left > 0 {
        out.stderr.push_str(&format!(
            "kp-lint: {unsafe_left} more {} with --unsafe-fixes (they change kube-proxy's behaviour)\n",
            if unsafe_left == 1 { "fix" } else { "fixes" }
        ));
    }
    let code = if !unreadable.is_empty() || write_failed {
        EXIT_USAGE
    } else if failed || (args.diff && changed) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    (out, code)
}

/// Run `f` on the worker threads, when there are any.
fn on_workers<R: Send>(pool: Option<&rayon::ThreadPool>, f: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// The profile values given as flags.
pub fn flag_profile(args: &crate::cli::ProfileArgs) -> Result<Profile, String> {
    let kernel = match &args.kernel_version {
        None => None,
        Some(k) => Some(Sourced::new(
            Kernel::parse(k).ok_or_else(|| {
                format!("--kernel-version {k:?} is not a kernel version such as 5.15.0")
            })?,
            "--kernel-version",
        )),
    };
    Ok(Profile {
        kubernetes_version: args
            .kubernetes_version
            .as_deref()
            .and_then(Release::parse)
            .map(|r| Sourced::new(r, "--kubernetes-version")),
        kernel,
        nodes: args.nodes.map(|v| Sourced::new(v, "--nodes")),
        services: args.services.map(|v| Sourced::new(v, "--services")),
        endpoints: args.endpoints.map(|v| Sourced::new(v, "--endpoints")),
        cores_per_node: args
            .cores_per_node
            .map(|v| Sourced::new(v, "--cores-per-node")),
        metallb: args.metallb.map(|v| Sourced::new(v, "--metallb")),
        cni: args.cni.clone().map(|v| Sourced::new(v, "--cni")),
        cilium_kube_proxy_replacement: None,
        kube_proxy_scraped: None,
        host_conntrack_max: None,
        ..Default::default()
    })
}

/// Where each output goes: the `--format` values (default: human on standard output), with
/// `--output` naming the file of the one meant for standard output. Usage errors as messages.
pub fn plan_outputs(args: &Args) -> Result<Vec<OutputSpec>, String> {
    let mut specs = if args.format.is_empty() {
        vec![OutputSpec {
            format: Format::Human,
            path: None,
        }]
    } else {
        args.format.clone()
    };
    let to_stdout: Vec<usize> = (0..specs.len())
        .filter(|&i| specs[i].path.is_none())
        .collect();
    if to_stdout.len() > 1 {
        return Err(format!(
            "{} formats would go to standard output; at most one can: write the others to files with --format NAME=FILE",
            to_stdout.len()
        ));
    }
    if let Some(file) = &args.output {
        match to_stdout.first() {
            Some(&i) => specs[i].path = Some(file.clone()),
            None => {
                return Err(
                    "--output names the file for the format that would go to standard output, but every --format has its own file"
                        .into(),
                );
            }
        }
    }
    let mut seen: Vec<&PathBuf> = Vec::new();
    for p in specs.iter().filter_map(|s| s.path.as_ref()) {
        if seen.contains(&p) {
            return Err(format!("{} is named by two outputs", p.display()));
        }
        seen.push(p);
    }
    Ok(specs)
}

/// Read at most `limit + 1` bytes, so an oversized file is reported without reading it whole.
fn read_limited(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    f.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    Ok(buf)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `kp-lint recommend`.
#[allow(clippy::too_many_arguments)]
fn recommend(
    file: Option<&std::path::Path>,
    format: crate::cli::RecommendFormat,
    diff: bool,
    write: bool,
    cluster_cidr: Option<&str>,
    profile_args: &crate::cli::ProfileArgs,
    metrics_args: &crate::cli::MetricsArgs,
) -> (Output, u8) {
    let mut out = Output::default();
    let profile = match flag_profile(profile_args) {
        Ok(p) => p,
        Err(e) => {
            out.stderr = format!("kp-lint: {e}\n");
            return (out, EXIT_USAGE);
        }
    };
    // What the metrics measure joins the profile (flags win); a source that cannot be read is
    // said on standard error and the recommendation goes on without it.
    let profile = if metrics_args.any() {
        match crate::metrics::gather(metrics_args) {
            Ok(ev) => {
                for p in &ev.problems {
                    out.stderr.push_str(&format!(
                        "kp-lint: warning: {}: {}\n",
                        ev.sources[p.source].name, p.message
                    ));
                }
                let mut m = crate::metrics::profile(&ev);
                m.metrics = Some(std::sync::Arc::new(ev));
                profile.or(&m)
            }
            Err(e) => {
                out.stderr = format!("kp-lint: {e}\n");
                return (out, EXIT_USAGE);
            }
        }
    } else {
        profile
    };
    let kb = crate::kb::kb();
    let release = profile
        .kubernetes_version
        .as_ref()
        .or(profile.running_version.as_ref())
        .map_or(kb.releases.default, |r| r.value);
    let Some(path) = file else {
        if diff || write {
            out.stderr = "kp-lint: --diff and --write need a FILE to start from\n".into();
            return (out, EXIT_USAGE);
        }
        out.stdout = crate::recommend::new_config(&profile, release, kb, cluster_cidr, format);
        return (out, EXIT_OK);
    };
    let limits = Limits::default();
    let bytes = match read_limited(path, limits.max_file_bytes) {
        Ok(b) => b,
        Err(e) => {
            out.stderr = format!("kp-lint: cannot read {}: {e}\n", path.display());
            return (out, EXIT_USAGE);
        }
    };
    let name = path.display().to_string();
    let source = crate::source::load(&name, &bytes, &limits);
    let config = match path.parent().and_then(|d| {
        Finder::default().find(if d.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            d
        })
    }) {
        Some(c) => match Config::load(&c) {
            Ok(c) => c,
            Err(e) => {
                out.stderr = format!("kp-lint: invalid configuration {e}\n");
                return (out, EXIT_USAGE);
            }
        },
        None => Config::default(),
    };
    let opts = Options {
        release: profile.kubernetes_version.as_ref().map(|r| r.value),
        limits,
        profile: profile.clone().or(&config.profile()),
        config,
    };
    // Every recommendation that has an edit, safe or not.
    let outcome = fix::run::fix_text(&name, &source.text, source.encoding, &opts, true);
    if let Some(why) = &outcome.refused {
        out.stderr.push_str(&format!("kp-lint: {name}: {why}\n"));
    }
    if diff {
        out.stdout = fix::run::unified_diff(&name, &outcome);
        return (
            out,
            if outcome.changed() {
                EXIT_FINDINGS
            } else {
                EXIT_OK
            },
        );
    }
    if write {
        if outcome.changed() {
            if let Err(e) = fix::run::write_atomic(path, &fix::run::encode(&outcome)) {
                out.stderr
                    .push_str(&format!("kp-lint: cannot write {name}: {e}\n"));
                return (out, EXIT_USAGE);
            }
        }
        out.stderr.push_str(&format!(
            "kp-lint: {name}: applied {}\n",
            plural(outcome.count(), "recommendation")
        ));
        return (out, EXIT_OK);
    }
    out.stdout = outcome.fixed;
    (out, EXIT_OK)
}
