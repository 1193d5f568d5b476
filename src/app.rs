//! discover → load → lint → render → exit status.

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Args, Color, FailOn};
use crate::diagnostic::Severity;
use crate::kb::Release;
use crate::limits::Limits;
use crate::lint::{self, FileReport, Options};
use crate::render::{self, Run, Style};
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
    if args.list_rules {
        out.stdout = crate::docs::rule_table_text();
        return (out, EXIT_OK);
    }
    if let Some(code) = &args.explain {
        return match crate::rules::find(code) {
            Some(rule) => {
                out.stdout = crate::docs::rule_markdown(rule);
                (out, EXIT_OK)
            }
            None => {
                out.stderr =
                    format!("kp-lint: no rule {code:?}; `kp-lint --list-rules` lists them\n");
                (out, EXIT_USAGE)
            }
        };
    }
    let release = match &args.kubernetes_version {
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
    let opts = Options {
        release,
        limits: Limits {
            max_file_bytes: args.max_file_size,
            max_depth: args.max_depth,
            max_expanded_nodes: args.max_nodes,
            ..Limits::default()
        },
    };
    let mut paths = args.paths.clone();
    if paths.is_empty() {
        if stdin_is_terminal {
            out.stderr =
                "kp-lint: give files or directories to lint (or `-` for standard input)\n".into();
            return (out, EXIT_USAGE);
        }
        paths.push("-".into());
    }
    let (inputs, mut unreadable) = walk::expand(&paths);
    let mut reports: Vec<FileReport> = Vec::new();
    for input in inputs {
        let (name, bytes) = match &input {
            Input::Stdin => {
                let mut buf = Vec::new();
                let limit = opts.limits.max_file_bytes.saturating_add(1);
                if let Err(e) = stdin.take(limit).read_to_end(&mut buf) {
                    unreadable.push(InputError {
                        path: args.stdin_filename.clone(),
                        message: e.to_string(),
                    });
                    continue;
                }
                (args.stdin_filename.clone(), buf)
            }
            Input::File(p) => match read_limited(p, opts.limits.max_file_bytes) {
                Ok(b) => (p.display().to_string(), b),
                Err(e) => {
                    unreadable.push(InputError {
                        path: p.display().to_string(),
                        message: e.to_string(),
                    });
                    continue;
                }
            },
        };
        reports.push(lint::lint_bytes(&name, &bytes, &opts));
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let width = args
        .width
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
        .unwrap_or(100);
    let run = Run {
        reports: &reports,
        unreadable: &unreadable,
    };
    out.stdout = render::render(args.format, &run, Style { color, width });
    if args.format != render::Format::Human {
        for e in &unreadable {
            out.stderr
                .push_str(&format!("kp-lint: cannot read {}: {}\n", e.path, e.message));
        }
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .any(|f| f.severity >= t)
    });
    let code = if !unreadable.is_empty() {
        EXIT_USAGE
    } else if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    (out, code)
}

/// Read at most `limit + 1` bytes, so an oversized file is reported without reading it whole.
fn read_limited(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    f.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    Ok(buf)
}
