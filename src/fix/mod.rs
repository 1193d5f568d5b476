//! Fixes: non-overlapping byte edits on the original text (shared/DESIGN.md §4). A document is
//! never re-serialised: a scalar is replaced in place, a key is inserted after its last sibling at
//! the siblings' indentation, a key is removed with its lines (a comment on the same line goes
//! with it, comment lines around it stay). Every byte outside the edits is kept.

pub mod edits;
pub mod run;

use serde::Serialize;

use crate::source::yaml::Span;

/// Whether applying a fix keeps kube-proxy's behaviour apart from the fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Keeps behaviour (applied by `--fix`).
    Safe,
    /// Changes behaviour (needs `--unsafe-fixes`).
    Unsafe,
}

/// Replace the bytes of `span` with `text` (an insertion when the span is empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A rule's fix for one finding.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    pub safety: Safety,
    /// What the fix does, imperative: "set ipvs.strictARP: true".
    pub message: String,
    pub edits: Vec<Edit>,
}

/// Two fixes touch the same bytes: the later one waits for the next round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap;

fn overlaps(a: &Span, b: &Span) -> bool {
    // Two insertions at the same point conflict too (their order would be arbitrary).
    a.start < b.end && b.start < a.end || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// Apply edits to a text. Edits must not overlap each other.
pub fn apply(text: &str, edits: &[Edit]) -> Result<String, Overlap> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    for w in sorted.windows(2) {
        if overlaps(&w[0].span, &w[1].span) {
            return Err(Overlap);
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in sorted {
        if e.span.end > text.len() || e.span.start < pos {
            return Err(Overlap);
        }
        out.push_str(&text[pos..e.span.start]);
        out.push_str(&e.text);
        pos = e.span.end;
    }
    out.push_str(&text[pos..]);
    Ok(out)
}

/// Pick fixes whose edits do not overlap (in the given order) and apply them together.
/// Returns the new text and the indices of the fixes applied.
pub fn apply_compatible(text: &str, fixes: &[&Fix]) -> (String, Vec<usize>) {
    let mut taken: Vec<Span> = Vec::new();
    let mut edits = Vec::new();
    let mut applied = Vec::new();
    for (i, f) in fixes.iter().enumerate() {
        let clash = f
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlaps(t, &e.span)) || e.span.end > text.len());
        let self_clash = f
            .edits
            .iter()
            .enumerate()
            .any(|(a, e)| f.edits[a + 1..].iter().any(|o| overlaps(&e.span, &o.span)));
        if clash || self_clash {
            continue;
        }
        taken.extend(f.edits.iter().map(|e| e.span));
        edits.extend(f.edits.iter().cloned());
        applied.push(i);
    }
    match apply(text, &edits) {
        Ok(t) => (t, applied),
        Err(Overlap) => (text.to_string(), Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(start: usize, end: usize, text: &str) -> Edit {
        Edit {
            span: Span::new(start, end),
            text: text.into(),
        }
    }

    #[test]
    fn applies_from_any_order_and_keeps_other_bytes() {
        let t = "a: yes\nb: 1\n";
        let out = apply(t, &[e(10, 11, "2"), e(3, 6, "true")]).unwrap();
        assert_eq!(out, "a: true\nb: 2\n");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        assert_eq!(apply("abcdef", &[e(0, 3, "x"), e(2, 4, "y")]), Err(Overlap));
        assert_eq!(apply("abcdef", &[e(2, 2, "x"), e(2, 2, "y")]), Err(Overlap));
    }

    #[test]
    fn compatible_fixes_are_chosen_in_order() {
        let f1 = Fix {
            safety: Safety::Safe,
            message: "1".into(),
            edits: vec![e(0, 1, "X")],
        };
        let f2 = Fix {
            safety: Safety::Safe,
            message: "2".into(),
            edits: vec![e(0, 2, "Y")],
        };
        let f3 = Fix {
            safety: Safety::Safe,
            message: "3".into(),
            edits: vec![e(3, 4, "Z")],
        };
        let (t, applied) = apply_compatible("abcd", &[&f1, &f2, &f3]);
        assert_eq!(t, "XbcZ");
        assert_eq!(applied, vec![0, 2]);
    }
}
