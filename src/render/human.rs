//! Human output: one miette diagnostic per finding, then a summary line (not with `--quiet`)
//! and, with `--statistics`, a table of counts per rule.

use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme};
use rayon::prelude::*;

use super::{Run, Style};
use crate::diagnostic::{Report, Severity, Source};

pub fn render(run: &Run<'_>, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_context_lines(1);
    // Each file's diagnostics are drawn on their own (in parallel: drawing is most of the time
    // of a run with thousands of findings), then joined in order.
    let draw = |report: &crate::lint::FileReport| {
        let mut out = String::new();
        for f in &report.findings {
            let r = Report {
                finding: f,
                source: Source {
                    name: &report.file.name,
                    text: &report.file.text,
                    lines: &report.file.lines,
                },
            };
            if handler.render_report(&mut out, &r).is_err() {
                let _ = writeln!(out, "{}: {}", f.rule.code, f.message);
            }
            if f.span.is_none() {
                // Diagnostics without a location still say which file they are about.
                let _ = writeln!(out, "  in {}", report.file.name);
            }
            out.push('\n');
        }
        out
    };
    let parts: Vec<String> = if run.reports.len() > 1 {
        run.reports.par_iter().map(draw).collect()
    } else {
        run.reports.iter().map(draw).collect()
    };
    let mut out = parts.concat();
    for e in run.unreadable {
        let _ = writeln!(out, "error: cannot read {}: {}", e.path, e.message);
    }
    let findings = run.findings().count();
    if style.quiet {
        if style.statistics && findings > 0 {
            out.push_str(&statistics_table(run));
        }
        return out;
    }
    let (e, w, i) = (
        run.count(Severity::Error),
        run.count(Severity::Warning),
        run.count(Severity::Info),
    );
    let files = run.reports.len();
    let configs: usize = run.reports.iter().map(|r| r.configs.len()).sum();
    let plural = |n: usize, s: &str| {
        if n == 1 {
            format!("{n} {s}")
        } else {
            format!("{n} {s}s")
        }
    };
    let _ = writeln!(
        out,
        "{}, {}, {} in {} ({} checked)",
        plural(e, "error"),
        plural(w, "warning"),
        plural(i, "info"),
        plural(files, "file"),
        plural(configs, "kube-proxy configuration"),
    );
    if style.statistics {
        out.push_str(&statistics_table(run));
    }
    out
}

/// `--statistics`: one line per rule reported, most frequent first.
pub fn statistics_table(run: &Run<'_>) -> String {
    let rows = run.statistics();
    let name_width = rows
        .iter()
        .map(|r| r.name.len())
        .max()
        .unwrap_or(0)
        .max("name".len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{:<6} {:<name_width$} {:>5}",
        "code", "name", "count"
    );
    for r in &rows {
        let _ = writeln!(out, "{:<6} {:<name_width$} {:>5}", r.code, r.name, r.count);
    }
    if rows.is_empty() {
        let _ = writeln!(out, "(no findings)");
    }
    out
}
