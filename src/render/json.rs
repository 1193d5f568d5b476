//! JSON output: the contract in schemas/output.schema.json, described in docs/output.md.

use serde::Serialize;

use super::{Run, Style, position, span_position};
use crate::diagnostic::Severity;

/// Bumped when a field is removed or changes meaning; additions keep the version.
pub const OUTPUT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    files: Vec<FileOut<'a>>,
    findings: Vec<FindingOut<'a>>,
    unreadable: Vec<Unreadable<'a>>,
    /// Only with `--statistics`.
    #[serde(skip_serializing_if = "Option::is_none")]
    statistics: Option<Statistics>,
}

#[derive(Serialize)]
struct Statistics {
    rules: Vec<RuleCountOut>,
}

#[derive(Serialize)]
struct RuleCountOut {
    code: &'static str,
    name: &'static str,
    count: usize,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    infos: usize,
    files: usize,
    configurations: usize,
}

#[derive(Serialize)]
struct FileOut<'a> {
    file: &'a str,
    skipped: bool,
    configurations: Vec<ConfigOut<'a>>,
    notes: Vec<NoteOut<'a>>,
}

#[derive(Serialize)]
struct NoteOut<'a> {
    message: &'a str,
    line: Option<usize>,
    column: Option<usize>,
}

#[derive(Serialize)]
struct SettingOut<'a> {
    path: String,
    value: &'a serde_json::Value,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    default: Option<&'a str>,
}

#[derive(Serialize)]
struct ConfigOut<'a> {
    document: usize,
    origin: &'a str,
    kubernetes_version: String,
    kubernetes_version_source: crate::lint::ReleaseSource,
    settings: Vec<SettingOut<'a>>,
}

#[derive(Serialize)]
struct LabelOut<'a> {
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    code: &'static str,
    name: &'static str,
    severity: Severity,
    message: &'a str,
    file: &'a str,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    path: Option<&'a str>,
    help: Option<&'a str>,
    document: Option<usize>,
    origin: Option<&'a str>,
    labels: Vec<LabelOut<'a>>,
    docs: String,
    fix: Option<FixOut<'a>>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    safety: crate::fix::Safety,
    message: &'a str,
}

#[derive(Serialize)]
struct Unreadable<'a> {
    file: &'a str,
    message: &'a str,
}

pub fn render(run: &Run<'_>, style: Style) -> String {
    let mut findings = Vec::new();
    let mut files = Vec::new();
    for report in run.reports {
        files.push(FileOut {
            file: &report.file.name,
            skipped: report.file.skipped,
            configurations: report
                .configs
                .iter()
                .zip(&report.file.configs)
                .map(|(c, cfg)| ConfigOut {
                    document: c.document,
                    origin: &c.describe,
                    kubernetes_version: c.release.to_string(),
                    kubernetes_version_source: c.release_source,
                    settings: cfg
                        .settings()
                        .into_iter()
                        .map(|s| {
                            let ((line, column), (end_line, end_column)) =
                                span_position(report, s.span);
                            SettingOut {
                                path: s.path.to_string(),
                                value: s.value,
                                line,
                                column,
                                end_line,
                                end_column,
                                default: s.default,
                            }
                        })
                        .collect(),
                })
                .collect(),
            notes: report
                .file
                .notes
                .iter()
                .map(|n| {
                    let pos = n.span.map(|s| span_position(report, s).0);
                    NoteOut {
                        message: &n.message,
                        line: pos.map(|p| p.0),
                        column: pos.map(|p| p.1),
                    }
                })
                .collect(),
        });
        for f in &report.findings {
            let pos = position(report, f);
            let labels = f
                .labels
                .iter()
                .map(|l| {
                    let ((sl, sc), (el, ec)) = span_position(report, l.span);
                    LabelOut {
                        message: &l.message,
                        line: sl,
                        column: sc,
                        end_line: el,
                        end_column: ec,
                    }
                })
                .collect();
            findings.push(FindingOut {
                code: f.rule.code,
                name: f.rule.name,
                severity: f.severity,
                message: &f.message,
                file: &report.file.name,
                line: pos.map(|p| p.0.0),
                column: pos.map(|p| p.0.1),
                end_line: pos.map(|p| p.1.0),
                end_column: pos.map(|p| p.1.1),
                path: f.path.as_deref().filter(|p| !p.is_empty()),
                help: f.help.as_deref(),
                document: f.document,
                origin: f.origin.as_deref(),
                labels,
                docs: f.rule.docs_path(),
                fix: f.fix.as_ref().map(|x| FixOut {
                    safety: x.safety,
                    message: &x.message,
                }),
            });
        }
    }
    let out = Output {
        version: OUTPUT_VERSION,
        tool: Tool {
            name: "kp-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            errors: run.count(Severity::Error),
            warnings: run.count(Severity::Warning),
            infos: run.count(Severity::Info),
            files: run.reports.len(),
            configurations: run.reports.iter().map(|r| r.configs.len()).sum(),
        },
        files,
        findings,
        unreadable: run
            .unreadable
            .iter()
            .map(|e| Unreadable {
                file: &e.path,
                message: &e.message,
            })
            .collect(),
        statistics: style.statistics.then(|| Statistics {
            rules: run
                .statistics()
                .into_iter()
                .map(|r| RuleCountOut {
                    code: r.code,
                    name: r.name,
                    count: r.count,
                })
                .collect(),
        }),
    };
    let mut s =
        serde_json::to_string_pretty(&out).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
