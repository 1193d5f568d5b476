//! Output formats. This module holds the only `match` on the format; each format is one file.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;

use crate::diagnostic::{Finding, Severity};
use crate::lint::FileReport;
use crate::source::yaml::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette diagnostics for people
    Human,
    /// the versioned JSON object described in docs/output.md
    Json,
    /// SARIF 2.1.0, for code scanning tools
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// JUnit XML: one test case per file
    Junit,
}

impl Format {
    /// Whether `--statistics` adds its counts to this format (the others leave it out).
    pub fn carries_statistics(self) -> bool {
        match self {
            Format::Human | Format::Json => true,
            Format::Sarif | Format::Github | Format::Junit => false,
        }
    }
}

/// How to draw the output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// ANSI colours (human output).
    pub color: bool,
    /// Terminal width for wrapping (human output).
    pub width: usize,
    /// Leave out the summary line, and print nothing when there are no findings (human).
    pub quiet: bool,
    /// Add counts per rule (human: a table; JSON: a `statistics` object).
    pub statistics: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            color: false,
            width: 100,
            quiet: false,
            statistics: false,
        }
    }
}

/// Everything a renderer needs: the reports, what was not readable at all, and the lowest
/// severity that fails the run (`--fail-on`; `None` for never).
pub struct Run<'a> {
    pub reports: &'a [FileReport],
    pub unreadable: &'a [crate::walk::InputError],
    pub fail_on: Option<Severity>,
}

/// How often one rule was reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub code: &'static str,
    pub name: &'static str,
    pub count: usize,
}

impl<'a> Run<'a> {
    /// A run that fails on errors (the `--fail-on` default).
    pub fn new(reports: &'a [FileReport], unreadable: &'a [crate::walk::InputError]) -> Self {
        Run {
            reports,
            unreadable,
            fail_on: Some(Severity::Error),
        }
    }

    pub fn count(&self, sev: Severity) -> usize {
        self.findings().filter(|(_, f)| f.severity == sev).count()
    }

    /// Every finding with the report of its file, in output order.
    pub fn findings(&self) -> impl Iterator<Item = (&'a FileReport, &'a Finding)> + 'a {
        self.reports
            .iter()
            .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
    }

    /// Whether a finding is at or above `--fail-on`.
    pub fn fails(&self, f: &Finding) -> bool {
        self.fail_on.is_some_and(|t| f.severity >= t)
    }

    /// Counts per rule, most frequent first, then by code.
    pub fn statistics(&self) -> Vec<RuleCount> {
        let mut counts: Vec<RuleCount> = Vec::new();
        for (_, f) in self.findings() {
            match counts.iter_mut().find(|c| c.code == f.rule.code) {
                Some(c) => c.count += 1,
                None => counts.push(RuleCount {
                    code: f.rule.code,
                    name: f.rule.name,
                    count: 1,
                }),
            }
        }
        counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
        counts
    }
}

/// A 1-based (line, column) pair; columns count characters.
pub type Position = (usize, usize);

/// Start and end (exclusive) of a byte span in a file.
pub fn span_position(report: &FileReport, span: Span) -> (Position, Position) {
    let text = &report.file.text;
    let start = report.file.lines.position(text, span.start);
    let end = report.file.lines.position(text, span.end);
    (start, end)
}

/// 1-based (line, column) of a finding's start and end.
pub fn position(report: &FileReport, f: &Finding) -> Option<(Position, Position)> {
    f.span.map(|span| span_position(report, span))
}

pub fn render(format: Format, run: &Run<'_>, style: Style) -> String {
    match format {
        Format::Human => human::render(run, style),
        Format::Json => json::render(run, style),
        Format::Sarif => sarif::render(run),
        Format::Github => github::render(run),
        Format::Junit => junit::render(run),
    }
}

/// The `--statistics` table on its own, for runs where no output format carries it.
pub fn statistics_text(run: &Run<'_>) -> String {
    human::statistics_table(run)
}
