//! Command-line arguments (clap types only).

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{ArgAction, Parser, ValueEnum};

use crate::render::Format;

/// The cluster the advice is for.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ProfileArgs {
    /// Kubernetes release whose kube-proxy rules apply (`1.36`, `v1.36.2`). Without it, a kubeadm
    /// `kubernetesVersion` in the same file is used, else 1.37, the newest release kp-lint knows.
    #[arg(long, value_name = "VERSION", help_heading = "Cluster profile")]
    pub kubernetes_version: Option<String>,

    /// Node kernel version for kernel-dependent rules (`5.15.0-105-generic`).
    #[arg(long, value_name = "VERSION", help_heading = "Cluster profile")]
    pub kernel_version: Option<String>,

    /// Number of nodes.
    #[arg(long, value_name = "N", help_heading = "Cluster profile")]
    pub nodes: Option<u64>,

    /// Number of Services.
    #[arg(long, value_name = "N", help_heading = "Cluster profile")]
    pub services: Option<u64>,

    /// Number of endpoints in the whole cluster.
    #[arg(long, value_name = "N", help_heading = "Cluster profile")]
    pub endpoints: Option<u64>,

    /// CPU cores per node (conntrack sizing).
    #[arg(long, value_name = "N", help_heading = "Cluster profile")]
    pub cores_per_node: Option<u64>,

    /// MetalLB announcement mode (detected from MetalLB objects in the linted files otherwise).
    #[arg(long, value_enum, help_heading = "Cluster profile")]
    pub metallb: Option<crate::profile::MetalLb>,

    /// The CNI plugin (cilium, calico, flannel, …).
    #[arg(long, value_name = "NAME", help_heading = "Cluster profile")]
    pub cni: Option<String>,
}

/// Live metrics to judge the configuration by (docs/metrics.md).
#[derive(Debug, Clone, clap::Args)]
pub struct MetricsArgs {
    /// A Prometheus text page: kube-proxy's `/metrics` (`http://NODE:10249/metrics`),
    /// node_exporter's (`http://NODE:9100/metrics`), or a saved copy of either. Repeatable: the pages
    /// of several nodes.
    #[arg(long, value_name = "FILE|URL", action = ArgAction::Append, help_heading = "Live metrics")]
    pub metrics: Vec<String>,

    /// A Prometheus server (`http://prometheus:9090`), queried across all nodes.
    #[arg(long, value_name = "URL", help_heading = "Live metrics")]
    pub prometheus: Option<String>,

    /// The range Prometheus rates and quantiles are taken over (a PromQL duration).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "1h",
        help_heading = "Live metrics"
    )]
    pub prometheus_window: String,

    /// The environment variable holding a bearer token for --prometheus (never printed).
    #[arg(long, value_name = "VAR", help_heading = "Live metrics")]
    pub prometheus_token_env: Option<String>,

    /// PEM certificates to trust for HTTPS, besides the system's.
    #[arg(long, value_name = "FILE", help_heading = "Live metrics")]
    pub ca_file: Option<PathBuf>,

    /// Time allowed for each HTTP request, body included (`5s`, `500ms`; Prometheus queries
    /// get four times this in all).
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_timeout, help_heading = "Live metrics")]
    pub timeout: std::time::Duration,

    /// Largest metrics page or API answer read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024, help_heading = "Live metrics")]
    pub max_metrics_size: u64,
}

impl MetricsArgs {
    /// Whether any metrics source is given.
    pub fn any(&self) -> bool {
        !self.metrics.is_empty() || self.prometheus.is_some()
    }
}

/// A timeout: a Go duration (`5s`, `1m30s`, `500ms`) or a number of seconds.
pub fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    let ns = match s.parse::<f64>() {
        Ok(secs) if secs.is_finite() => (secs * 1e9) as i128,
        _ => crate::go::parse_duration(s)
            .ok_or_else(|| format!("{s:?} is not a duration such as 5s or 500ms"))?,
    };
    if ns <= 0 || ns > 3_600 * 1_000_000_000 {
        return Err(format!("{s:?}: give a duration above 0 and at most 1h"));
    }
    Ok(std::time::Duration::from_nanos(ns as u64))
}

/// Subcommands; without one, kp-lint lints the given paths.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a rule's documentation (by code, `KP104`, or name).
    Rule {
        /// The rule's code or name.
        rule: String,
    },
    /// List every rule with its code, default severity, name and summary.
    Rules,
    /// Print a tuned KubeProxyConfiguration for the cluster profile, or, given FILE, the
    /// file with every recommendation applied (`--diff` to compare, `--write` to apply in place).
    Recommend {
        /// A configuration to start from (any form kp-lint reads); without it, a new one.
        file: Option<PathBuf>,
        /// How to write a new configuration.
        #[arg(long, value_enum, default_value_t = RecommendFormat::Kubeproxy)]
        output_format: RecommendFormat,
        /// With FILE: print a unified diff instead of the recommended file.
        #[arg(long, conflicts_with = "write")]
        diff: bool,
        /// With FILE: apply the recommendations in place.
        #[arg(long)]
        write: bool,
        /// The pod network, for `clusterCIDR` of a new configuration.
        #[arg(long, value_name = "CIDR")]
        cluster_cidr: Option<String>,
        #[command(flatten)]
        profile: ProfileArgs,
        #[command(flatten)]
        metrics: Box<MetricsArgs>,
    },
    /// Print a shell completion script (`kp-lint completions bash > /etc/bash_completion.d/kp-lint`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// The shape of a recommended configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecommendFormat {
    /// A standalone KubeProxyConfiguration document.
    Kubeproxy,
    /// The KubeProxyConfiguration document of a kubeadm configuration file (with `---`).
    Kubeadm,
    /// The kube-system/kube-proxy ConfigMap, with the configuration in `config.conf`.
    Configmap,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// Lint kube-proxy configuration: KubeProxyConfiguration files, kubeadm configs, the
/// kube-proxy ConfigMap and kube-proxy DaemonSet flags.
///
/// Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 on a usage error,
/// an input that cannot be read at all, or an output file that cannot be written.
#[derive(Debug, Parser)]
#[command(
    name = "kp-lint",
    version,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files or directories to lint (`-` reads standard input). Directories are searched for
    /// *.yaml and *.yml files, honouring .gitignore and .kp-lintignore; of those, only files
    /// that mention kube-proxy or its surroundings are parsed. Files named here are always
    /// fully checked.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Output format: human, json, sarif, github or junit. `NAME=FILE` writes that format to
    /// FILE; repeat the option for several outputs (`--format human --format sarif=out.sarif`).
    /// At most one format goes to standard output. Default: human.
    #[arg(long, value_name = "NAME[=FILE]", value_parser = parse_output_spec, action = ArgAction::Append)]
    pub format: Vec<OutputSpec>,

    /// Write the format that would go to standard output to FILE instead.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// After the findings, count them per rule (a table in human output, a `statistics` object
    /// in JSON).
    #[arg(long)]
    pub statistics: bool,

    /// Human output without the summary line, and nothing at all when there are no findings.
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// When to use colour in human output (NO_COLOR in the environment means never).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Exit with status 1 when a finding of this severity or higher is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,

    /// Name to show for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Largest file read, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_file_size: u64,

    /// Deepest nesting of YAML collections.
    #[arg(long, value_name = "N", default_value_t = 64)]
    pub max_depth: usize,

    /// Most YAML nodes one document may expand to through aliases.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub max_nodes: usize,

    /// Most YAML documents read from one file.
    #[arg(long, value_name = "N", default_value_t = 4_000)]
    pub max_documents: usize,

    /// Longest line read, in bytes (a longer one: the file is not parsed).
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_line_length: usize,

    /// Width of human output (default: the terminal's, or 100).
    #[arg(long, value_name = "COLUMNS")]
    pub width: Option<usize>,

    #[command(flatten)]
    pub profile: ProfileArgs,

    #[command(flatten)]
    pub metrics: MetricsArgs,

    /// Apply safe fixes in place (for standard input, print the fixed text on standard output).
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,

    /// Also apply fixes that change kube-proxy's behaviour (with --fix or --diff).
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change and write nothing; exit 1 if there is one.
    #[arg(long, conflicts_with = "fix", help_heading = "Fixes")]
    pub diff: bool,

    /// Print the cluster profile in effect, with where each value came from, and exit.
    #[arg(long)]
    pub show_profile: bool,

    /// Use this configuration file for every input instead of the nearest `.kp-lint.toml`.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<std::path::PathBuf>,

    /// Ignore `.kp-lint.toml` files.
    #[arg(long)]
    pub no_config: bool,

    /// Skip paths matching this glob when walking directories (gitignore syntax, relative to the
    /// current directory; a glob without `/` matches a name at any depth). Repeatable.
    #[arg(long, value_name = "GLOB", action = ArgAction::Append, help_heading = "Walking directories")]
    pub exclude: Vec<String>,

    /// Also walk hidden files and directories (names starting with `.`; `.git` never).
    #[arg(long, help_heading = "Walking directories")]
    pub hidden: bool,

    /// Follow symbolic links when walking directories (loops are reported and skipped).
    #[arg(long, help_heading = "Walking directories")]
    pub follow_symlinks: bool,

    /// Files read and linted at once (default: one per CPU core).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true,
        help_heading = "Walking directories"
    )]
    pub threads: usize,

    /// Print the documentation of a rule (code or name) and exit.
    #[arg(long, value_name = "RULE", conflicts_with = "paths")]
    pub explain: Option<String>,

    /// List every rule and exit.
    #[arg(long, conflicts_with = "paths")]
    pub list_rules: bool,
}

/// One `--format` value: a format, and the file it goes to (`None`: standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// Parse `NAME` or `NAME=FILE` (the file name may itself contain `=`).
pub fn parse_output_spec(value: &str) -> Result<OutputSpec, String> {
    let (name, path) = match value.split_once('=') {
        Some((name, path)) => (name, Some(path)),
        None => (value, None),
    };
    let format = Format::from_str(name, false).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(Format::to_possible_value)
            .map(|v: PossibleValue| v.get_name().to_string())
            .collect();
        format!(
            "unknown format {name:?}; expected one of {} (optionally NAME=FILE)",
            names.join(", ")
        )
    })?;
    match path {
        Some("") => Err(format!("no file name after `{name}=`")),
        Some(p) => Ok(OutputSpec {
            format,
            path: Some(PathBuf::from(p)),
        }),
        None => Ok(OutputSpec { format, path: None }),
    }
}

/// The completion script of `shell` for kp-lint.
pub fn completions(shell: clap_complete::Shell) -> String {
    use clap::CommandFactory;
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Args::command(), "kp-lint", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_specs() {
        assert_eq!(
            parse_output_spec("json"),
            Ok(OutputSpec {
                format: Format::Json,
                path: None
            })
        );
        assert_eq!(
            parse_output_spec("json=out/a=b.json"),
            Ok(OutputSpec {
                format: Format::Json,
                path: Some(PathBuf::from("out/a=b.json"))
            })
        );
        assert!(parse_output_spec("junit=").is_err());
        let e = parse_output_spec("xml=f").unwrap_err();
        assert!(e.contains("expected one of human, json"), "{e}");
    }
}
