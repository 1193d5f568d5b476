//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice` line per finding,
//! which GitHub shows as an annotation on the file (docs/output.md).

use std::fmt::Write;

use super::{Run, position, span_position};
use crate::diagnostic::Severity;

pub fn render(run: &Run<'_>) -> String {
    let mut out = String::new();
    for (report, f) in run.findings() {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let file = file_name(&report.file.name);
        let mut props = vec![("file", file.clone())];
        if let Some(((sl, sc), (el, ec))) = position(report, f) {
            props.extend([
                ("line", sl.to_string()),
                ("col", sc.to_string()),
                ("endLine", el.to_string()),
                ("endColumn", ec.to_string()),
            ]);
        }
        props.push(("title", format!("{} ({})", f.rule.code, f.rule.name)));
        let mut message = f.message.clone();
        for l in &f.labels {
            let ((line, col), _) = span_position(report, l.span);
            let _ = write!(message, "\n{file}:{line}:{col}: {}", l.message);
        }
        if let Some(help) = &f.help {
            let _ = write!(message, "\nhelp: {help}");
        }
        push_command(&mut out, command, &props, &message);
    }
    for e in run.unreadable {
        push_command(
            &mut out,
            "error",
            &[("file", file_name(&e.path)), ("title", "kp-lint".into())],
            &format!("cannot read {}: {}", e.path, e.message),
        );
    }
    out
}

/// `::command key=value,key=value::message` with GitHub's escaping.
fn push_command(out: &mut String, command: &str, props: &[(&str, String)], message: &str) {
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    let _ = writeln!(
        out,
        "::{command} {}::{}",
        props.join(","),
        escape_data(message)
    );
}

/// File names with forward slashes, as GitHub matches them against the repository.
fn file_name(name: &str) -> String {
    if cfg!(windows) {
        name.replace('\\', "/")
    } else {
        name.to_string()
    }
}

/// A command's message: `%`, CR and LF are escaped (as @actions/core does).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: as the message, and `:` and `,` as well.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(
            escape_property("dir,1/a:b%.yaml\n"),
            "dir%2C1/a%3Ab%25.yaml%0A"
        );
    }

    #[test]
    fn command_line() {
        let mut out = String::new();
        push_command(
            &mut out,
            "warning",
            &[("file", "a,b.yaml".into()), ("title", "KP1 (x)".into())],
            "m: 5%\nhelp: h",
        );
        assert_eq!(
            out,
            "::warning file=a%2Cb.yaml,title=KP1 (x)::m: 5%25%0Ahelp: h\n"
        );
    }
}
