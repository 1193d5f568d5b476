//! The typed view of a kube-proxy configuration: the values kube-proxy would decode (YAML 1.1
//! resolution, as go-yaml does), each field with the span it came from in the user's file.

use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

use crate::limits::Limits;
use crate::source::yaml::{Document, Node, NodeKind, Span, Style};

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A field path in v1alpha1 JSON names: `ipvs.minSyncPeriod`, `nodePortAddresses[1]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Self {
        Path(Vec::new())
    }
    pub fn parse(s: &str) -> Self {
        let mut segs = Vec::new();
        for part in s.split('.').filter(|p| !p.is_empty()) {
            let (name, rest) = match part.find('[') {
                Some(i) => (&part[..i], &part[i..]),
                None => (part, ""),
            };
            if !name.is_empty() {
                segs.push(Seg::Key(name.to_string()));
            }
            for idx in rest.split('[').filter(|x| !x.is_empty()) {
                if let Ok(i) = idx.trim_end_matches(']').parse() {
                    segs.push(Seg::Index(i));
                }
            }
        }
        Path(segs)
    }
    pub fn key(&self, k: &str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Key(k.to_string()));
        p
    }
    pub fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(i));
        p
    }
    pub fn parent(&self) -> Option<Path> {
        if self.0.is_empty() {
            None
        } else {
            Some(Path(self.0[..self.0.len() - 1].to_vec()))
        }
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for s in &self.0 {
            match s {
                Seg::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// Where a field's key and value are in the user's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpan {
    pub key: Option<Span>,
    pub value: Span,
}

/// Something noticed while turning YAML into the values kube-proxy decodes.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeIssue {
    /// The same key twice in one mapping; kube-proxy's lenient decoding keeps the last.
    DuplicateKey {
        path: Path,
        first: Span,
        second: Span,
    },
    /// A plain scalar YAML 1.1 reads as a boolean although it is not `true`/`false`.
    Yaml11Bool { path: Path, span: Span, raw: String },
    /// An alias whose anchor is not defined earlier in the document.
    UnknownAlias { span: Span, name: String },
    /// Too many nodes once aliases are followed, or nesting too deep.
    Limit { span: Span, what: String },
    /// A mapping key that is not a scalar (kube-proxy's decoder rejects it).
    ComplexKey { span: Span },
}

/// A YAML document's data as kube-proxy would decode it, with spans per field.
#[derive(Debug, Clone, Default)]
pub struct Located {
    pub value: Value,
    pub spans: HashMap<Path, FieldSpan>,
    pub issues: Vec<DecodeIssue>,
}

impl Located {
    /// An empty mapping whose root points at `span` (a configuration built from flags or a
    /// distribution's keys).
    pub fn empty_mapping(span: Span) -> Located {
        let mut l = Located {
            value: Value::Object(Map::new()),
            ..Located::default()
        };
        l.spans.insert(
            Path::root(),
            FieldSpan {
                key: None,
                value: span,
            },
        );
        l
    }

    pub fn get(&self, path: &str) -> Option<&Value> {
        get_path(&self.value, &Path::parse(path))
    }
}

pub fn get_path<'a>(v: &'a Value, path: &Path) -> Option<&'a Value> {
    let mut cur = v;
    for s in &path.0 {
        cur = match (s, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Decode a node as kube-proxy's YAML→JSON step (sigs.k8s.io/yaml over go-yaml v2) would.
pub fn decode(doc: &Document, node: &Node, limits: &Limits) -> Located {
    let mut out = Located::default();
    let mut budget = limits.max_expanded_nodes;
    out.spans.insert(
        Path::root(),
        FieldSpan {
            key: None,
            value: node.span,
        },
    );
    out.value = decode_node(doc, node, &Path::root(), 0, limits, &mut budget, &mut out);
    out
}

fn decode_node(
    doc: &Document,
    node: &Node,
    path: &Path,
    depth: usize,
    limits: &Limits,
    budget: &mut usize,
    out: &mut Located,
) -> Value {
    if *budget == 0 || depth > limits.max_depth {
        if !out
            .issues
            .iter()
            .any(|i| matches!(i, DecodeIssue::Limit { .. }))
        {
            let what = if *budget == 0 {
                format!(
                    "more than {} nodes once aliases are expanded (an alias bomb?)",
                    limits.max_expanded_nodes
                )
            } else {
                format!("nesting deeper than {} levels", limits.max_depth)
            };
            out.issues.push(DecodeIssue::Limit {
                span: node.span,
                what,
            });
        }
        *budget = 0;
        return Value::Null;
    }
    *budget -= 1;
    match &node.kind {
        NodeKind::Alias { id, name } => {
            if *id == usize::MAX || !doc.anchors.contains_key(id) {
                out.issues.push(DecodeIssue::UnknownAlias {
                    span: node.span,
                    name: name.clone(),
                });
                return Value::Null;
            }
            let target = doc.resolve(node);
            decode_node(doc, target, path, depth + 1, limits, budget, out)
        }
        NodeKind::Scalar { value, style, tag } => {
            let v = resolve_scalar(value, *style, tag.as_deref());
            if *style == Style::Plain
                && tag.is_none()
                && v.is_boolean()
                && !matches!(
                    value.as_str(),
                    "true" | "True" | "TRUE" | "false" | "False" | "FALSE"
                )
            {
                out.issues.push(DecodeIssue::Yaml11Bool {
                    path: path.clone(),
                    span: node.span,
                    raw: value.clone(),
                });
            }
            v
        }
        NodeKind::Sequence(items) => {
            let mut arr = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let p = path.index(i);
                out.spans.insert(
                    p.clone(),
                    FieldSpan {
                        key: None,
                        value: item.span,
                    },
                );
                arr.push(decode_node(doc, item, &p, depth + 1, limits, budget, out));
            }
            Value::Array(arr)
        }
        NodeKind::Mapping(entries) => {
            let mut map = Map::new();
            let mut key_spans: HashMap<String, Span> = HashMap::new();
            let mut merges = Vec::new();
            for (k, v) in entries {
                let k = doc.resolve(k);
                let key = match &k.kind {
                    NodeKind::Scalar { value, style, tag } => {
                        if *style == Style::Plain && tag.is_none() && value == "<<" {
                            merges.push(v);
                            continue;
                        }
                        match resolve_scalar(value, *style, tag.as_deref()) {
                            Value::String(s) => s,
                            Value::Null => "null".to_string(),
                            other => other.to_string(),
                        }
                    }
                    _ => {
                        out.issues.push(DecodeIssue::ComplexKey { span: k.span });
                        continue;
                    }
                };
                let p = path.key(&key);
                if let Some(first) = key_spans.get(&key) {
                    out.issues.push(DecodeIssue::DuplicateKey {
                        path: p.clone(),
                        first: *first,
                        second: k.span,
                    });
                    // The earlier duplicate's children go: the last one wins.
                    out.spans
                        .retain(|sp, _| !sp.0.starts_with(&p.0) || sp.0.len() == p.0.len());
                }
                key_spans.insert(key.clone(), k.span);
                out.spans.insert(
                    p.clone(),
                    FieldSpan {
                        key: Some(k.span),
                        value: v.span,
                    },
                );
                let val = decode_node(doc, v, &p, depth + 1, limits, budget, out);
                map.insert(key, val);
            }
            // `<<: *base` merge keys (go-yaml v2 supports them): explicit keys win.
            for m in merges {
                let target = doc.resolve(m);
                let sources: Vec<&Node> = match &target.kind {
                    NodeKind::Sequence(items) => items.iter().map(|i| doc.resolve(i)).collect(),
                    _ => vec![target],
                };
                for src in sources {
                    if let Value::Object(merged) =
                        decode_node(doc, src, path, depth + 1, limits, budget, out)
                    {
                        for (k, v) in merged {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            Value::Object(map)
        }
    }
}

/// Resolve a scalar as go-yaml v2 (YAML 1.1) does for an untyped target.
pub fn resolve_scalar(value: &str, style: Style, tag: Option<&str>) -> Value {
    if let Some(tag) = tag {
        let t = tag
            .trim_start_matches("tag:yaml.org,2002:")
            .trim_start_matches("!!");
        return match t {
            "str" => Value::String(value.to_string()),
            "int" => parse_int(value)
                .map(Value::from)
                .unwrap_or_else(|| Value::String(value.to_string())),
            "float" => parse_float(value)
                .map(Value::from)
                .unwrap_or_else(|| Value::String(value.to_string())),
            "bool" => parse_bool(value)
                .map(Value::Bool)
                .unwrap_or_else(|| Value::String(value.to_string())),
            "null" => Value::Null,
            _ => Value::String(value.to_string()),
        };
    }
    if style != Style::Plain {
        return Value::String(value.to_string());
    }
    if matches!(value, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = parse_bool(value) {
        return Value::Bool(b);
    }
    if let Some(i) = parse_int(value) {
        return Value::from(i);
    }
    if let Some(f) = parse_float(value) {
        if f.is_finite() {
            return Value::from(f);
        }
    }
    Value::String(value.to_string())
}

/// YAML 1.1 booleans as go-yaml v2 resolves them.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

/// Integers as go-yaml v2 resolves them: `_` separators, `0x`, `0b`, `0o` and leading-zero octal.
pub fn parse_int(s: &str) -> Option<i64> {
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(b) = digits.strip_prefix("0x") {
        (16, b)
    } else if let Some(b) = digits.strip_prefix("0b") {
        (2, b)
    } else if let Some(b) = digits.strip_prefix("0o") {
        (8, b)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let mag = i128::from_str_radix(body, radix).ok()?;
    let v = if neg { -mag } else { mag };
    i64::try_from(v).ok()
}

/// Floats as go-yaml v2 resolves them (including `.inf` and `.nan`).
pub fn parse_float(s: &str) -> Option<f64> {
    match s {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    let b = plain.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - fs;
    } else if int_digits == 0 {
        return None;
    }
    if int_digits == 0 && frac_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    plain.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::yaml::parse_stream;

    fn located(t: &str) -> Located {
        let docs = parse_stream(t, &Limits::default());
        let root = docs[0].root.as_ref().unwrap();
        decode(&docs[0], root, &Limits::default())
    }

    #[test]
    fn resolves_like_go_yaml_v2() {
        assert_eq!(resolve_scalar("yes", Style::Plain, None), Value::Bool(true));
        assert_eq!(
            resolve_scalar("off", Style::Plain, None),
            Value::Bool(false)
        );
        assert_eq!(
            resolve_scalar("yes", Style::DoubleQuoted, None),
            Value::from("yes")
        );
        assert_eq!(resolve_scalar("30", Style::Plain, None), Value::from(30));
        assert_eq!(resolve_scalar("0x1F", Style::Plain, None), Value::from(31));
        assert_eq!(resolve_scalar("010", Style::Plain, None), Value::from(8));
        assert_eq!(
            resolve_scalar("1_000", Style::Plain, None),
            Value::from(1000)
        );
        assert_eq!(resolve_scalar("1.5", Style::Plain, None), Value::from(1.5));
        assert_eq!(
            resolve_scalar("30s", Style::Plain, None),
            Value::from("30s")
        );
        assert_eq!(resolve_scalar("~", Style::Plain, None), Value::Null);
        assert_eq!(
            resolve_scalar("1", Style::Plain, Some("!!str")),
            Value::from("1")
        );
        assert_eq!(
            resolve_scalar("1.2.3", Style::Plain, None),
            Value::from("1.2.3")
        );
    }

    #[test]
    fn records_spans_duplicates_and_yaml11_booleans() {
        let t = "ipvs:\n  strictARP: yes\nmode: a\nmode: ipvs\nnodePortAddresses: [a, b]\n";
        let l = located(t);
        assert_eq!(l.get("mode"), Some(&Value::from("ipvs")));
        let s = l.spans[&Path::parse("nodePortAddresses[1]")].value;
        assert_eq!(&t[s.start..s.end], "b");
        let k = l.spans[&Path::parse("ipvs.strictARP")].key.unwrap();
        assert_eq!(&t[k.start..k.end], "strictARP");
        assert!(
            l.issues
                .iter()
                .any(|i| matches!(i, DecodeIssue::DuplicateKey { .. }))
        );
        assert!(
            l.issues
                .iter()
                .any(|i| matches!(i, DecodeIssue::Yaml11Bool { raw, .. } if raw == "yes"))
        );
    }

    #[test]
    fn alias_bomb_hits_the_expansion_limit() {
        let mut t = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            t.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let l = located(&t);
        assert!(
            l.issues
                .iter()
                .any(|i| matches!(i, DecodeIssue::Limit { .. }))
        );
    }

    #[test]
    fn merge_keys_are_followed() {
        let l = located("base: &b {mode: ipvs}\ncfg:\n  <<: *b\n  x: 1\n");
        assert_eq!(l.get("cfg.mode"), Some(&Value::from("ipvs")));
    }

    #[test]
    fn path_round_trip() {
        let p = Path::parse("ipvs.excludeCIDRs[1]");
        assert_eq!(p.to_string(), "ipvs.excludeCIDRs[1]");
        assert_eq!(p.parent().unwrap().to_string(), "ipvs.excludeCIDRs");
    }
}
