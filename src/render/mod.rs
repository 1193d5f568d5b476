//! Output formats. This module holds the only `match` on the format; each format is one file.

pub mod human;
pub mod json;

use crate::diagnostic::{Finding, Severity};
use crate::lint::FileReport;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette diagnostics for people
    Human,
    /// the versioned JSON object described in docs/output.md
    Json,
}

/// How to draw human output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

/// Everything a renderer needs: the reports and what was not readable at all.
pub struct Run<'a> {
    pub reports: &'a [FileReport],
    pub unreadable: &'a [crate::walk::InputError],
}

impl Run<'_> {
    pub fn count(&self, sev: Severity) -> usize {
        self.reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.severity == sev)
            .count()
    }
}

/// 1-based (line, column) of a finding's start and end.
pub fn position(report: &FileReport, f: &Finding) -> Option<((usize, usize), (usize, usize))> {
    let span = f.span?;
    let text = &report.file.text;
    let start = report.file.lines.position(text, span.start);
    let end = report.file.lines.position(text, span.end);
    Some((start, end))
}

pub fn render(format: Format, run: &Run<'_>, style: Style) -> String {
    match format {
        Format::Human => human::render(run, style),
        Format::Json => json::render(run),
    }
}
