//! JUnit XML (docs/output.md): one test suite "kp-lint", one test case per file linted. A
//! finding at or above `--fail-on` is a `<failure>` of its file's test case, so the test report
//! fails exactly when the exit status does; findings below it are listed in `<system-out>`. A
//! file that could not be read is a test case with an `<error>`; a skipped file (a template)
//! with nothing failing is `<skipped>`.

use std::fmt::Write;

use super::{Run, position};
use crate::diagnostic::Finding;
use crate::lint::FileReport;

struct Case {
    name: String,
    failures: Vec<(String, String, String)>,
    notes: Vec<String>,
    error: Option<String>,
    skipped: bool,
}

pub fn render(run: &Run<'_>) -> String {
    let mut cases: Vec<Case> = Vec::new();
    for report in run.reports {
        let mut case = Case {
            name: report.file.name.clone(),
            failures: Vec::new(),
            notes: Vec::new(),
            error: None,
            skipped: false,
        };
        for f in &report.findings {
            let line = describe(report, f);
            if run.fails(f) {
                let message = format!("{} ({}): {}", f.rule.code, f.rule.name, f.message);
                case.failures
                    .push((f.severity.as_str().to_string(), message, line));
            } else {
                case.notes.push(line);
            }
        }
        case.skipped = report.file.skipped && case.failures.is_empty();
        cases.push(case);
    }
    for e in run.unreadable {
        cases.push(Case {
            name: e.path.clone(),
            failures: Vec::new(),
            notes: Vec::new(),
            error: Some(format!("cannot read {}: {}", e.path, e.message)),
            skipped: false,
        });
    }
    let tests = cases.len();
    let failures = cases.iter().filter(|c| !c.failures.is_empty()).count();
    let errors = cases.iter().filter(|c| c.error.is_some()).count();
    let skipped = cases.iter().filter(|c| c.skipped).count();
    let counts = format!(
        "tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\""
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"kp-lint\" {counts}>");
    let _ = writeln!(out, "  <testsuite name=\"kp-lint\" {counts}>");
    for c in &cases {
        let name = escape_attr(&c.name);
        let _ = write!(
            out,
            "    <testcase name=\"{name}\" classname=\"kp-lint\" file=\"{name}\""
        );
        if c.failures.is_empty() && c.notes.is_empty() && c.error.is_none() && !c.skipped {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        if let Some(e) = &c.error {
            let _ = writeln!(
                out,
                "      <error type=\"unreadable\" message=\"{}\"/>",
                escape_attr(e)
            );
        }
        if c.skipped {
            out.push_str("      <skipped message=\"not analysed (a template)\"/>\n");
        }
        for (severity, message, body) in &c.failures {
            let _ = writeln!(
                out,
                "      <failure type=\"{severity}\" message=\"{}\">{}</failure>",
                escape_attr(message),
                escape(body)
            );
        }
        if !c.notes.is_empty() {
            let _ = writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape(&c.notes.join("\n\n"))
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// `file:line:col: severity KP104 (name): message`, then help and docs lines.
fn describe(report: &FileReport, f: &Finding) -> String {
    let at = match position(report, f) {
        Some(((l, c), _)) => format!("{}:{l}:{c}", report.file.name),
        None => report.file.name.clone(),
    };
    let mut s = format!(
        "{at}: {} {} ({}): {}",
        f.severity, f.rule.code, f.rule.name, f.message
    );
    if let Some(h) = &f.help {
        let _ = write!(s, "\nhelp: {h}");
    }
    let _ = write!(s, "\ndocs: {}", f.rule.docs_path());
    s
}

/// Escape text for XML content. Characters XML 1.0 cannot carry at all (most control
/// characters) become U+FFFD.
pub fn escape(s: &str) -> String {
    escape_xml(s, false)
}

/// Escape an XML attribute value: as content, and tabs and line breaks as character
/// references, which attribute-value normalisation would otherwise turn into spaces.
pub fn escape_attr(s: &str) -> String {
    escape_xml(s, true)
}

fn escape_xml(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if attr => out.push_str("&#9;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' if attr => out.push_str("&#13;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{escape, escape_attr};

    #[test]
    fn xml_escaping() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{0}\u{1b}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}\u{FFFD}\n"
        );
        assert_eq!(escape_attr("a\tb\r\nc"), "a&#9;b&#13;&#10;c");
    }
}
