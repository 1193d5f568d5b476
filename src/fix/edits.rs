//! Building edits from the span tree: replace a scalar keeping its quoting, insert a key after its
//! last sibling at the siblings' indentation (creating the parent mapping when needed), remove a
//! key with its lines. Works the same inside a ConfigMap's `config.conf` block, whose spans are
//! already in the host file's coordinates: indentation is read from the host file.

use super::Edit;
use crate::model::{Path, Seg};
use crate::source::ProxyConfig;
use crate::source::yaml::Span;

/// The line ending the file uses (CRLF if its first line break is one).
pub fn newline(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// End of the line containing `offset`, before its line break.
fn line_end(text: &str, offset: usize) -> usize {
    let from = offset.min(text.len());
    let end = text[from..].find('\n').map_or(text.len(), |i| from + i);
    if end > 0 && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Whether only spaces precede `offset` on its line (a block-style key).
fn first_on_line(text: &str, offset: usize) -> bool {
    text[line_start(text, offset)..offset]
        .bytes()
        .all(|b| b == b' ')
}

/// The last byte of real content in a span (a block collection's span can run into the next line).
fn content_end(text: &str, span: Span) -> usize {
    let mut end = span.end.min(text.len());
    while end > span.start && text.as_bytes()[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// Replace a scalar with a new plain value, keeping single or double quotes if it had them.
/// Block scalars and collections are not replaced (None).
pub fn replace_scalar(text: &str, span: Span, value: &str) -> Option<Edit> {
    let raw = text.get(span.start..span.end)?;
    let first = raw.chars().next();
    let new = match first {
        Some('|' | '>' | '[' | '{' | '&' | '*' | '!') => return None,
        Some('"') => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        Some('\'') => format!("'{}'", value.replace('\'', "''")),
        _ => {
            if raw.contains('\n') {
                return None;
            }
            value.to_string()
        }
    };
    Some(Edit { span, text: new })
}

/// Remove a block-mapping entry (`key: value`, value lines, and a comment on its last line).
/// Comment lines before and after stay.
pub fn remove_entry(text: &str, key: Span, value: Span) -> Option<Edit> {
    if !first_on_line(text, key.start) {
        return None;
    }
    let start = line_start(text, key.start);
    let last = content_end(text, Span::new(key.start, value.end.max(key.end)));
    let mut end = line_end(text, last.saturating_sub(1).max(key.start));
    // Take the line break too (or, at the end of a file without one, the one before).
    let nl = newline(text);
    if text[end..].starts_with(nl) {
        end += nl.len();
        return Some(Edit {
            span: Span::new(start, end),
            text: String::new(),
        });
    }
    let before = if start >= nl.len() && text[..start].ends_with(nl) {
        start - nl.len()
    } else {
        start
    };
    Some(Edit {
        span: Span::new(before, end),
        text: String::new(),
    })
}

/// Remove the field at `path` of a file or ConfigMap configuration (its key, value lines and a
/// comment on its last line), without leaving its parent mapping empty: the only entry of a
/// parent takes the parent with it (`featureGates:` goes with its last gate), or, when comment
/// lines inside the parent would go too, the parent is written `{}`. Removing one of several
/// entries also claims the parent's key, so that two removals from the same mapping wait for
/// separate rounds and the last one sees it would empty the parent.
pub fn remove_field(text: &str, cfg: &ProxyConfig, path: &Path) -> Option<Vec<Edit>> {
    let fs = cfg.data.spans.get(path)?;
    let own = remove_entry(text, fs.key?, fs.value)?;
    let Some(parent) = path.parent().filter(|p| !p.is_root()) else {
        return Some(vec![own]);
    };
    let (Some(serde_json::Value::Object(siblings)), Some(pfs)) = (
        crate::model::get_path(&cfg.data.value, &parent),
        cfg.data.spans.get(&parent),
    ) else {
        return Some(vec![own]);
    };
    let Some(pkey) = pfs.key.filter(|k| text[k.end..].starts_with(':')) else {
        return Some(vec![own]);
    };
    if siblings.len() > 1 {
        let claim = Edit {
            span: Span::new(pkey.end, pkey.end),
            text: String::new(),
        };
        return Some(vec![own, claim]);
    }
    // The parent's block without the entry: anything left but blanks is a comment line.
    let body_start = line_end(text, pkey.end);
    let body_end = content_end(text, pfs.value).max(body_start);
    let rest: String = [
        text.get(body_start..own.span.start.max(body_start))
            .unwrap_or(""),
        text.get(own.span.end.min(body_end)..body_end).unwrap_or(""),
    ]
    .concat();
    if rest.trim().is_empty() {
        if let Some(whole) = remove_entry(text, pkey, pfs.value) {
            return Some(vec![whole]);
        }
    }
    let empty = Edit {
        span: Span::new(pkey.end + 1, pkey.end + 1),
        text: " {}".into(),
    };
    Some(vec![own, empty])
}

/// Remove a block-sequence item that is alone on its line (`- --proxy-mode=ipvs`).
pub fn remove_item(text: &str, item: Span) -> Option<Edit> {
    let start = line_start(text, item.start);
    let prefix = &text[start..item.start];
    if prefix.trim() != "-" {
        return None;
    }
    let end = line_end(
        text,
        content_end(text, item).saturating_sub(1).max(item.start),
    );
    let nl = newline(text);
    if text[end..].starts_with(nl) {
        return Some(Edit {
            span: Span::new(start, end + nl.len()),
            text: String::new(),
        });
    }
    // The last line of a file without a final newline: the line break before it goes.
    if end == text.len() && start >= nl.len() && text[..start].ends_with(nl) {
        return Some(Edit {
            span: Span::new(start - nl.len(), end),
            text: String::new(),
        });
    }
    None
}

/// Whether `item` starts a block-sequence item alone on its line (`- x`, `- "x"`): command-line
/// flags are edited only there, not in flow sequences or shell strings.
pub fn is_block_item(text: &str, item: Span) -> bool {
    let start = line_start(text, item.start);
    let Some(prefix) = text.get(start..item.start) else {
        return false;
    };
    let prefix = prefix.trim_start_matches(' ');
    let prefix = prefix
        .strip_suffix('"')
        .or_else(|| prefix.strip_suffix('\''))
        .unwrap_or(prefix);
    prefix
        .strip_prefix('-')
        .is_some_and(|gap| !gap.is_empty() && gap.bytes().all(|b| b == b' '))
}

/// Insert a new block-sequence item `item` after the item at `after` (which must be alone on its
/// line after `- `), at the same indentation and in the same quoting style.
pub fn insert_item(text: &str, after: Span, item: &str) -> Option<Edit> {
    let start = line_start(text, after.start);
    let prefix = &text[start..after.start];
    let indent = prefix.len() - prefix.trim_start_matches(' ').len();
    let rest = &prefix[indent..];
    let gap = rest.strip_prefix('-')?;
    if !gap.bytes().all(|b| b == b' ') || gap.is_empty() {
        return None;
    }
    let end = line_end(
        text,
        content_end(text, after).saturating_sub(1).max(after.start),
    );
    let new = match text[after.start..].chars().next() {
        Some('"') => format!("\"{}\"", item.replace('\\', "\\\\").replace('"', "\\\"")),
        Some('\'') => format!("'{}'", item.replace('\'', "''")),
        Some('|' | '>' | '[' | '{' | '&' | '*' | '!') => return None,
        _ => item.to_string(),
    };
    Some(Edit {
        span: Span::new(end, end),
        text: format!("{}{}-{gap}{new}", newline(text), " ".repeat(indent)),
    })
}

/// Remove `name=value` from a comma-separated `Name=bool` list written at `value` (a flag's
/// value, written exactly as `raw`), with one comma. None if the pair is not there or is the
/// only one (then the whole flag goes).
pub fn remove_list_pair(text: &str, value: Span, name: &str) -> Option<Edit> {
    let raw = text.get(value.start..value.end)?;
    let mut pairs = Vec::new();
    let mut pos = 0;
    for part in raw.split(',') {
        pairs.push((pos, pos + part.len(), part));
        pos += part.len() + 1;
    }
    let live = pairs
        .iter()
        .filter(|(_, _, p)| !p.trim().is_empty())
        .count();
    let i = pairs
        .iter()
        .position(|(_, _, p)| p.split_once('=').is_some_and(|(k, _)| k.trim() == name))?;
    if live < 2 {
        return None;
    }
    let (a, b, _) = pairs[i];
    // Take the comma after the pair, or (for the last pair) the one before it.
    let (a, b) = if i + 1 < pairs.len() {
        (a, b + 1)
    } else {
        (a.saturating_sub(1), b)
    };
    Some(Edit {
        span: Span::new(value.start + a, value.start + b),
        text: String::new(),
    })
}

/// The direct children of a mapping field that have keys, with their spans.
fn children(cfg: &ProxyConfig, parent: &Path) -> Vec<(Span, Span)> {
    cfg.data
        .spans
        .iter()
        .filter(|(p, fs)| {
            p.0.len() == parent.0.len() + 1
                && p.0.starts_with(&parent.0)
                && matches!(p.0.last(), Some(Seg::Key(_)))
                && fs.key.is_some()
        })
        .map(|(_, fs)| (fs.key.unwrap(), fs.value))
        .collect()
}

/// Insert `key: value` into the mapping at `parent`, after its last entry, at the entries'
/// indentation; creates missing parent mappings. `value` is a plain YAML scalar or flow text.
pub fn insert_entry(
    text: &str,
    cfg: &ProxyConfig,
    parent: &Path,
    key: &str,
    value: &str,
) -> Option<Edit> {
    insert_lines(text, cfg, parent, vec![(0, format!("{key}: {value}"))])
}

/// Insert lines (relative indentation, text) as new entries of `parent`.
fn insert_lines(
    text: &str,
    cfg: &ProxyConfig,
    parent: &Path,
    lines: Vec<(usize, String)>,
) -> Option<Edit> {
    let nl = newline(text);
    let kids = children(cfg, parent);
    let render = |indent: usize| -> String {
        lines
            .iter()
            .map(|(rel, l)| format!("{nl}{}{l}", " ".repeat(indent + rel)))
            .collect()
    };
    if let Some((key, value)) = kids
        .iter()
        .max_by_key(|(_, v)| content_end(text, *v).max(v.start))
    {
        // After the last sibling, at its indentation. Every sibling must be block style.
        if !kids.iter().all(|(k, _)| first_on_line(text, k.start)) {
            return None;
        }
        let indent = key.start - line_start(text, key.start);
        let last = content_end(text, Span::new(key.start, value.end.max(key.end)));
        let at = line_end(text, last.saturating_sub(1).max(key.start));
        return Some(Edit {
            span: Span::new(at, at),
            text: render(indent),
        });
    }
    if parent.is_root() {
        return None;
    }
    // The parent exists but is empty (`ipvs:`): the entries go below its key.
    if let Some(fs) = cfg.data.spans.get(parent) {
        let key = fs.key?;
        let raw = text.get(fs.value.start..fs.value.end).unwrap_or("");
        if !raw.trim().is_empty() && raw.trim() != "~" && raw.trim() != "null" {
            return None;
        }
        if !first_on_line(text, key.start) {
            return None;
        }
        let indent = key.start - line_start(text, key.start) + 2;
        let at = line_end(text, key.start);
        if !raw.trim().is_empty() {
            // `ipvs: null`: the null goes.
            let body: String = render(indent);
            return Some(Edit {
                span: Span::new(key.end, line_end(text, key.start)),
                text: format!(":{body}"),
            });
        }
        return Some(Edit {
            span: Span::new(at, at),
            text: render(indent),
        });
    }
    // The parent is missing: create it in the grandparent.
    let Some(Seg::Key(name)) = parent.0.last() else {
        return None;
    };
    let grand = parent.parent()?;
    let mut nested = vec![(0, format!("{name}:"))];
    nested.extend(lines.into_iter().map(|(rel, l)| (rel + 2, l)));
    insert_lines(text, cfg, &grand, nested)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply;
    use crate::limits::Limits;

    fn cfg_of(text: &str) -> ProxyConfig {
        let f = crate::source::load("t.yaml", text.as_bytes(), &Limits::default());
        f.configs.into_iter().next().expect("a config")
    }

    fn run(text: &str, edit: Option<Edit>) -> String {
        apply(text, &[edit.expect("an edit")]).unwrap()
    }

    const KPC: &str =
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n";

    #[test]
    fn replaces_keeping_quotes() {
        let t = format!("{KPC}mode: \"ipvs\" # keep\nx: 'a'\n");
        let c = cfg_of(&t);
        let out = run(&t, replace_scalar(&t, c.span("mode"), "nftables"));
        assert!(out.contains("mode: \"nftables\" # keep\n"), "{out}");
    }

    #[test]
    fn inserts_after_last_sibling_and_creates_parents() {
        let t =
            format!("{KPC}mode: ipvs\nipvs:\n  scheduler: rr   # lc later\n\n# trailing comment\n");
        let c = cfg_of(&t);
        let out = run(
            &t,
            insert_entry(&t, &c, &Path::parse("ipvs"), "strictARP", "true"),
        );
        assert_eq!(
            out,
            format!(
                "{KPC}mode: ipvs\nipvs:\n  scheduler: rr   # lc later\n  strictARP: true\n\n# trailing comment\n"
            )
        );
        let t2 = format!("{KPC}mode: ipvs\n");
        let c2 = cfg_of(&t2);
        let out2 = run(
            &t2,
            insert_entry(&t2, &c2, &Path::parse("ipvs"), "strictARP", "true"),
        );
        assert_eq!(out2, format!("{KPC}mode: ipvs\nipvs:\n  strictARP: true\n"));
    }

    #[test]
    fn inserts_under_an_empty_parent_and_keeps_crlf() {
        let t = format!("{KPC}ipvs:\nmode: ipvs\n").replace('\n', "\r\n");
        let c = cfg_of(&t);
        let out = run(
            &t,
            insert_entry(&t, &c, &Path::parse("ipvs"), "strictARP", "true"),
        );
        assert!(
            out.contains("ipvs:\r\n  strictARP: true\r\nmode: ipvs\r\n"),
            "{out:?}"
        );
    }

    #[test]
    fn removes_an_entry_with_its_value_lines_and_comment() {
        let t = format!(
            "{KPC}# about udp\nudpIdleTimeout: 250ms # old\nlogging:\n  json:\n    a: 1\nmode: ipvs\n"
        );
        let c = cfg_of(&t);
        let fs = c.field_span(&Path::parse("udpIdleTimeout"));
        let out = run(&t, remove_entry(&t, fs.key.unwrap(), fs.value));
        assert_eq!(
            out,
            format!("{KPC}# about udp\nlogging:\n  json:\n    a: 1\nmode: ipvs\n")
        );
        let fs = c.field_span(&Path::parse("logging.json"));
        let out = run(&t, remove_entry(&t, fs.key.unwrap(), fs.value));
        assert_eq!(
            out,
            format!("{KPC}# about udp\nudpIdleTimeout: 250ms # old\nlogging:\nmode: ipvs\n")
        );
    }

    #[test]
    fn removes_the_last_entry_of_a_file_without_a_final_newline() {
        let t = format!("{KPC}mode: ipvs\nudpIdleTimeout: 1s");
        let c = cfg_of(&t);
        let fs = c.field_span(&Path::parse("udpIdleTimeout"));
        let out = run(&t, remove_entry(&t, fs.key.unwrap(), fs.value));
        assert_eq!(out, format!("{KPC}mode: ipvs"));
    }

    #[test]
    fn edits_inside_a_configmap_block_use_the_host_indentation() {
        let t = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kube-proxy\n  namespace: kube-system\ndata:\n  config.conf: |-\n    apiVersion: kubeproxy.config.k8s.io/v1alpha1\n    kind: KubeProxyConfiguration\n    mode: ipvs\n    ipvs:\n      strictARP: false\n  kubeconfig.conf: x\n";
        let c = cfg_of(t);
        let out = run(t, replace_scalar(t, c.span("ipvs.strictARP"), "true"));
        assert!(
            out.contains("      strictARP: true\n  kubeconfig.conf: x\n"),
            "{out}"
        );
        let out = run(
            t,
            insert_entry(t, &c, &Path::parse("ipvs"), "scheduler", "lc"),
        );
        assert!(
            out.contains("      strictARP: false\n      scheduler: lc\n  kubeconfig.conf"),
            "{out}"
        );
    }

    #[test]
    fn a_pair_is_removed_from_a_comma_list_with_one_comma() {
        let cases = [
            (
                "--feature-gates=A=true,B=false,C=true",
                "B",
                "--feature-gates=A=true,C=true",
            ),
            (
                "--feature-gates=A=true,B=false",
                "A",
                "--feature-gates=B=false",
            ),
            (
                "--feature-gates=A=true,B=false",
                "B",
                "--feature-gates=A=true",
            ),
            (
                "--feature-gates=A=true, B=false",
                "B",
                "--feature-gates=A=true",
            ),
        ];
        for (t, gate, want) in cases {
            let v = Span::new("--feature-gates=".len(), t.len());
            let out = run(t, remove_list_pair(t, v, gate));
            assert_eq!(out, want, "{t} without {gate}");
        }
        // The only gate, or one that is not there: no pair edit (the flag goes, or nothing).
        let t = "--feature-gates=A=true,";
        assert!(remove_list_pair(t, Span::new(16, t.len()), "A").is_none());
        assert!(remove_list_pair(t, Span::new(16, t.len()), "B").is_none());
    }

    #[test]
    fn a_flag_item_is_inserted_in_the_lists_style() {
        let t = "args:
  - \"--a=1\"   # c
  - x
";
        let at = t.find("\"--a").unwrap();
        let out = run(t, insert_item(t, Span::new(at, at + 7), "--b=2"));
        assert_eq!(
            out,
            "args:
  - \"--a=1\"   # c
  - \"--b=2\"
  - x
"
        );
        let t = "args:
    -   --a=1";
        let at = t.find("--a").unwrap();
        let out = run(t, insert_item(t, Span::new(at, t.len()), "--b=2"));
        assert_eq!(
            out,
            "args:
    -   --a=1
    -   --b=2"
        );
        // Not a block item on its own line: a flow sequence, a shell string.
        let t = "args: [--a=1]
";
        let at = t.find("--a").unwrap();
        assert!(insert_item(t, Span::new(at, at + 5), "--b=2").is_none());
        assert!(!is_block_item(t, Span::new(at, at + 5)));
        let t = "- sh -c kube-proxy --a=1
";
        let at = t.find("--a").unwrap();
        assert!(insert_item(t, Span::new(at, at + 5), "--b=2").is_none());
        assert!(!is_block_item(t, Span::new(at, at + 5)));
    }

    #[test]
    fn the_last_entry_takes_its_parent_unless_a_comment_would_go() {
        let t = format!("{KPC}featureGates:\n  A: true\nmode: ipvs\n");
        let c = cfg_of(&t);
        let e = remove_field(&t, &c, &Path::parse("featureGates.A")).unwrap();
        assert_eq!(apply(&t, &e).unwrap(), format!("{KPC}mode: ipvs\n"));
        let t = format!("{KPC}featureGates:\n  # why\n  A: true\nmode: ipvs\n");
        let c = cfg_of(&t);
        let e = remove_field(&t, &c, &Path::parse("featureGates.A")).unwrap();
        assert_eq!(
            apply(&t, &e).unwrap(),
            format!("{KPC}featureGates: {{}}\n  # why\nmode: ipvs\n")
        );
        // One of two: the entry goes, and the parent's key is claimed for this round.
        let t = format!("{KPC}featureGates:\n  A: true\n  B: true\n");
        let c = cfg_of(&t);
        let e = remove_field(&t, &c, &Path::parse("featureGates.A")).unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(
            apply(&t, &e).unwrap(),
            format!("{KPC}featureGates:\n  B: true\n")
        );
    }

    #[test]
    fn flow_style_is_left_alone() {
        let t = format!("{KPC}ipvs: {{scheduler: rr}}\n");
        let c = cfg_of(&t);
        assert!(insert_entry(&t, &c, &Path::parse("ipvs"), "strictARP", "true").is_none());
    }
}
