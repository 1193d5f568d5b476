//! Findings: what a rule reports, with where, why and how to fix. Rendered through miette.

use serde::Serialize;
use std::fmt;

use crate::rules::Rule;
use crate::source::yaml::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location: the other half of a conflict.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static Rule,
    pub severity: Severity,
    pub message: String,
    /// Primary location (byte range in the file's text); `None` for whole-file findings
    /// without a position.
    pub span: Option<Span>,
    /// Text of the primary label.
    pub label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Config field as a v1alpha1 dot path (`ipvs.minSyncPeriod`).
    pub path: Option<String>,
    /// Index (0-based) of the YAML document in the file.
    pub document: Option<usize>,
    /// What the document is (`KubeProxyConfiguration`, `ConfigMap kube-system/kube-proxy`, …).
    pub origin: Option<String>,
    /// How to fix it automatically, where the rule knows.
    pub fix: Option<crate::fix::Fix>,
}

impl Finding {
    pub fn new(rule: &'static Rule, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.severity,
            message: message.into(),
            span: None,
            label: None,
            labels: Vec::new(),
            help: None,
            path: None,
            document: None,
            origin: None,
            fix: None,
        }
    }
    /// Attach a fix (nothing happens for `None`: the rule could not build one here).
    pub fn with_fix(mut self, fix: Option<crate::fix::Fix>) -> Self {
        if fix.is_some() {
            self.fix = fix;
        }
        self
    }
    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }
    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = Some(text.into());
        self
    }
    pub fn also(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: text.into(),
        });
        self
    }
    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }
    pub fn path(mut self, p: impl Into<String>) -> Self {
        self.path = Some(p.into());
        self
    }
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    pub fn document(mut self, index: usize, origin: impl Into<String>) -> Self {
        self.document = Some(index);
        self.origin = Some(origin.into());
        self
    }
}

/// A finding together with its file, ready for miette's renderers.
pub struct Report<'a> {
    pub finding: &'a Finding,
    pub source: Source<'a>,
}

/// A file's text as miette reads it. miette's own reading of a `str` walks the text from its
/// start for every span, which made drawing a file with thousands of findings quadratic (19 s
/// for 5,000 documents); here only the lines around the span are given to miette, and their
/// line number comes from the file's line index.
pub struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    pub lines: &'a crate::source::text::LineIndex,
}

impl miette::SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'b> + 'b>, miette::MietteError> {
        let start = span.offset().min(self.text.len());
        let end = (span.offset() + span.len()).min(self.text.len());
        // Two lines more on each side than asked for: miette then reads the window exactly as
        // it would read the whole text.
        let first = self
            .lines
            .position(self.text, start)
            .0
            .saturating_sub(before + 2)
            .max(1);
        let last = self.lines.position(self.text, end).0 + after + 2;
        let mut from = self.lines.line_start(first).unwrap_or(0).min(start);
        let mut to = self
            .lines
            .line_start(last + 1)
            .unwrap_or(self.text.len())
            .max(end);
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        while !self.text.is_char_boundary(to) {
            to += 1;
        }
        let window = &self.text[from..to];
        let inner_span = miette::SourceSpan::new((start - from).into(), end - start);
        let inner = window.read_span(&inner_span, before, after)?;
        let data = inner.data();
        let offset = from + inner.span().offset();
        Ok(Box::new(
            miette::MietteSpanContents::new_named(
                self.name.to_string(),
                data,
                miette::SourceSpan::new(offset.into(), inner.span().len()),
                inner.line() + first - 1,
                inner.column(),
                // miette counts the lines from the start of the text (and joins two snippets on it).
                inner.line_count() + first - 1,
            )
            .with_language("yaml"),
        ))
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("finding", self.finding)
            .finish()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.finding.rule.code, self.finding.rule.name
        )))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let mut parts: Vec<String> = self.finding.help.iter().cloned().collect();
        match &self.finding.fix {
            Some(f) if f.safety == crate::fix::Safety::Safe => {
                parts.push(format!("fix (--fix): {}", f.message))
            }
            Some(f) => parts.push(format!(
                "fix (--fix --unsafe-fixes, changes behaviour): {}",
                f.message
            )),
            None => {}
        }
        parts.push(format!("docs: {}", self.finding.rule.docs_path()));
        Some(Box::new(parts.join("\n")))
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        None
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.finding
            .span
            .map(|_| &self.source as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let mut span = self.finding.span?;
        // A zero-width span at the very end of the text has no character to draw a caret
        // under: point at the last character instead.
        let text = self.source.text;
        if span.is_empty() && span.start >= text.len() && !text.is_empty() {
            let mut start = text.len() - 1;
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let trimmed = text.trim_end_matches(['\n', '\r']);
            if !trimmed.is_empty() {
                start = trimmed.len() - 1;
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
            }
            span = Span::new(start, start + 1);
        }
        let mut v = vec![miette::LabeledSpan::new_primary_with_span(
            self.finding.label.clone(),
            (span.start, span.len()),
        )];
        for l in &self.finding.labels {
            v.push(miette::LabeledSpan::new_with_span(
                Some(l.message.clone()),
                (l.span.start, l.span.len()),
            ));
        }
        Some(Box::new(v.into_iter()))
    }
}
