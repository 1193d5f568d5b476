//! Inline suppressions in YAML comments:
//! `# kp-lint: ignore[KP501] reason` on the finding's line or alone on the line above it, and
//! `# kp-lint: ignore-file[KP201] reason` anywhere for the whole file. A reason is required;
//! suppressions that suppress nothing are reported.

use crate::diagnostic::Finding;
use crate::rules::{self, input};
use crate::source::text::LineIndex;
use crate::source::yaml::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// 1-based line the suppression covers (0 for a whole-file one).
    pub line: usize,
    pub codes: Vec<String>,
    pub reason: String,
    pub span: Span,
    pub file_wide: bool,
}

/// What starts a suppression comment (after `#`).
pub const MARKER: &str = "kp-lint:";

/// Find suppression comments; malformed ones become findings.
pub fn parse(text: &str) -> (Vec<Suppression>, Vec<Finding>) {
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut offset = 0;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    for (i, raw) in lines.iter().enumerate() {
        let line_start = offset;
        offset += raw.len();
        let Some(hash) = raw.find('#') else { continue };
        let comment = &raw[hash + 1..];
        let Some(m) = comment.find(MARKER) else {
            continue;
        };
        if !comment[..m].trim().is_empty() {
            continue;
        }
        let body = comment[m + MARKER.len()..]
            .trim_end_matches(['\n', '\r'])
            .trim();
        let start = line_start + hash;
        let span = Span::new(start, line_start + raw.trim_end_matches(['\n', '\r']).len());
        let (file_wide, rest) = if let Some(r) = body.strip_prefix("ignore-file") {
            (true, r)
        } else if let Some(r) = body.strip_prefix("ignore") {
            (false, r)
        } else {
            bad.push(
                Finding::new(&input::INVALID_SUPPRESSION, format!("unknown kp-lint directive {body:?}"))
                    .at(span)
                    .label("not a suppression")
                    .help("write `# kp-lint: ignore[KP123] reason` or `# kp-lint: ignore-file[KP123] reason`"),
            );
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('[') else {
            bad.push(
                Finding::new(&input::INVALID_SUPPRESSION, "a suppression must name its rules in brackets")
                    .at(span)
                    .label("no [codes]")
                    .help("write `# kp-lint: ignore[KP123] reason`; blanket suppressions are not supported"),
            );
            continue;
        };
        let Some(close) = rest.find(']') else {
            bad.push(
                Finding::new(&input::INVALID_SUPPRESSION, "unclosed [ in suppression")
                    .at(span)
                    .label("missing ]")
                    .help("write `# kp-lint: ignore[KP123] reason`"),
            );
            continue;
        };
        let codes: Vec<String> = rest[..close]
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let reason = rest[close + 1..]
            .trim()
            .trim_start_matches(['-', ':'])
            .trim()
            .to_string();
        let mut ok = true;
        for c in &codes {
            if rules::find(c).is_none() {
                ok = false;
                bad.push(
                    Finding::new(
                        &input::INVALID_SUPPRESSION,
                        format!("suppression names unknown rule {c:?}"),
                    )
                    .at(span)
                    .label("unknown rule")
                    .help("`kp-lint --list-rules` lists the codes"),
                );
            }
        }
        if codes.is_empty() {
            ok = false;
            bad.push(
                Finding::new(&input::INVALID_SUPPRESSION, "suppression names no rule")
                    .at(span)
                    .label("empty []")
                    .help("name the rules to suppress: `# kp-lint: ignore[KP123] reason`"),
            );
        }
        if reason.is_empty() {
            ok = false;
            bad.push(
                Finding::new(&input::INVALID_SUPPRESSION, "suppression without a reason")
                    .at(span)
                    .label("say why")
                    .help("add the reason after the brackets: `# kp-lint: ignore[KP123] MetalLB runs in BGP mode here`"),
            );
        }
        if !ok {
            continue;
        }
        // Alone on its line: covers the next line that is not a comment; else its own line.
        let own = raw[..hash].trim().is_empty();
        let line = if file_wide {
            0
        } else if own {
            let mut j = i + 1;
            while j < lines.len() && {
                let t = lines[j].trim();
                t.is_empty() || t.starts_with('#')
            } {
                j += 1;
            }
            j + 1
        } else {
            i + 1
        };
        out.push(Suppression {
            line,
            codes,
            reason,
            span,
            file_wide,
        });
    }
    (out, bad)
}

fn covers(s: &Suppression, f: &Finding) -> bool {
    s.codes
        .iter()
        .any(|c| rules::find(c).is_some_and(|r| std::ptr::eq(r, f.rule)))
}

/// Remove suppressed findings; report unused suppressions (for rules that could have fired).
pub fn apply(
    text: &str,
    lines: &LineIndex,
    findings: Vec<Finding>,
    enabled: &dyn Fn(&'static rules::Rule) -> bool,
) -> Vec<Finding> {
    let (sups, mut extra) = parse(text);
    if sups.is_empty() {
        extra.extend(findings);
        return extra;
    }
    let mut used = vec![false; sups.len()];
    let mut kept = Vec::new();
    for f in findings {
        let line = f.span.map(|s| lines.position(text, s.start).0);
        let hit = sups
            .iter()
            .position(|s| covers(s, &f) && (s.file_wide || Some(s.line) == line));
        match hit {
            Some(i) => used[i] = true,
            None => kept.push(f),
        }
    }
    for (s, u) in sups.iter().zip(used) {
        if u {
            continue;
        }
        let live: Vec<&String> = s
            .codes
            .iter()
            .filter(|c| rules::find(c).is_some_and(enabled))
            .collect();
        if live.is_empty() {
            continue;
        }
        kept.push(
            Finding::new(
                &input::UNUSED_SUPPRESSION,
                format!("suppression of {} matches no finding", s.codes.join(", ")),
            )
            .at(s.span)
            .label("unused")
            .help("remove the comment, or move it to the line the finding is on now"),
        );
    }
    kept.append(&mut extra);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_forms() {
        let t = "a: 1 # kp-lint: ignore[KP101] lab cluster\n# kp-lint: ignore[KP104, KP201] - old nodes\n\nb: 2\n# kp-lint: ignore-file[KP201] generated file\n# kp-lint: ignore[KP101]\n# kp-lint: ignore[KP999] x\n# kp-lint: disable everything\n";
        let (s, bad) = parse(t);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!((s[0].line, s[0].reason.as_str()), (1, "lab cluster"));
        assert_eq!((s[1].line, s[1].codes.len()), (4, 2));
        assert!(s[2].file_wide);
        assert_eq!(bad.len(), 3);
    }
}
