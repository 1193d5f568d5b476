//! Human output: one miette diagnostic per finding, then a summary line.

use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, NamedSource};

use super::{Run, Style};
use crate::diagnostic::{Report, Severity};

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
    let mut out = String::new();
    for report in run.reports {
        for f in &report.findings {
            let r = Report {
                finding: f,
                source: NamedSource::new(report.file.name.clone(), report.file.text.clone())
                    .with_language("yaml"),
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
    }
    for e in run.unreadable {
        let _ = writeln!(out, "error: cannot read {}: {}", e.path, e.message);
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
    out
}
