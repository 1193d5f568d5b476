//! Lossless-enough YAML: every node keeps its byte span in the text; aliases stay references
//! (never expanded here), so an alias bomb costs nothing to load.

use granit_parser::{Event, Options, Parser, ScalarStyle};
use std::collections::HashMap;

use crate::limits::Limits;

/// A half-open byte range in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// How a scalar was written: it decides how YAML 1.1 (kube-proxy's go-yaml) resolves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl From<ScalarStyle> for Style {
    fn from(s: ScalarStyle) -> Self {
        match s {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Scalar {
        value: String,
        style: Style,
        /// The tag as written (`!!str`, `!!int`), if any.
        tag: Option<String>,
    },
    Mapping(Vec<(Node, Node)>),
    Sequence(Vec<Node>),
    /// A reference to an anchored node of the same document (`*name`).
    Alias {
        id: usize,
        name: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
    pub anchor: usize,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    /// Entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.kind {
            NodeKind::Mapping(e) => e,
            _ => &[],
        }
    }

    /// The last entry with this key (go-yaml's lenient decoding keeps the last duplicate).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    pub fn get_entry(&self, key: &str) -> Option<&(Node, Node)> {
        self.entries()
            .iter()
            .rev()
            .find(|(k, _)| k.as_str() == Some(key))
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { value, style: Style::Plain, tag: None }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
}

/// A syntax or limit error inside a document.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub offset: usize,
    pub limit: bool,
}

/// One `---` document of a stream.
#[derive(Debug, Clone)]
pub struct Document {
    pub index: usize,
    pub root: Option<Node>,
    pub span: Span,
    /// Anchored nodes by anchor id, to resolve aliases on demand.
    pub anchors: HashMap<usize, Node>,
    pub error: Option<YamlError>,
}

impl Document {
    /// Follow an alias to the node it names (one level; anchors cannot refer forward).
    pub fn resolve<'a>(&'a self, node: &'a Node) -> &'a Node {
        let mut n = node;
        for _ in 0..16 {
            match &n.kind {
                NodeKind::Alias { id, .. } => match self.anchors.get(id) {
                    Some(t) => n = t,
                    None => return n,
                },
                _ => return n,
            }
        }
        n
    }
}

/// Parse a YAML stream into documents. Never panics; a syntax error ends that document (with the
/// error recorded) and parsing resumes at the next `---`.
pub fn parse_stream(text: &str, limits: &Limits) -> Vec<Document> {
    let mut opts = Options::default();
    opts.emit_comments = false;
    opts.emit_anchor_events = true;
    opts.block_nesting_limit = limits.max_depth;
    opts.flow_nesting_limit = limits.max_depth;
    let mut parser = Parser::new_from_str_with_options(text, opts);
    let mut docs: Vec<Document> = Vec::new();
    let mut builder = Builder::default();
    loop {
        let next = parser.next_event();
        match next {
            None => break,
            Some(Ok((ev, span))) => {
                let start = span.start.byte_offset().unwrap_or(0);
                let end = span.end.byte_offset().unwrap_or(start);
                match ev {
                    Event::StreamStart | Event::Comment(..) => {}
                    Event::StreamEnd => break,
                    Event::DocumentStart(..) => {
                        if docs.len() >= limits.max_documents {
                            docs.push(Document {
                                index: docs.len(),
                                root: None,
                                span: Span::new(start, text.len()),
                                anchors: HashMap::new(),
                                error: Some(YamlError {
                                    message: format!(
                                        "more than {} documents in one file",
                                        limits.max_documents
                                    ),
                                    offset: start,
                                    limit: true,
                                }),
                            });
                            break;
                        }
                        builder = Builder {
                            doc_start: start,
                            ..Builder::default()
                        };
                    }
                    Event::DocumentEnd => {
                        let b = std::mem::take(&mut builder);
                        let doc_end = end.max(b.last_end);
                        docs.push(Document {
                            index: docs.len(),
                            span: Span::new(b.doc_start, doc_end),
                            root: b.root,
                            anchors: b.anchors,
                            error: None,
                        });
                        // What comes next (a document, or an error before one) starts here, not
                        // at the beginning of the file.
                        builder.doc_start = doc_end;
                    }
                    Event::Anchor(id, _) => {
                        // The anchored node was just emitted; remember it when it is complete.
                        builder.pending_anchor(id);
                    }
                    Event::Alias(id) => {
                        let name = text.get(start + 1..end).unwrap_or("").to_string();
                        builder.push_node(Node {
                            kind: NodeKind::Alias { id, name },
                            span: Span::new(start, end),
                            anchor: 0,
                        });
                    }
                    Event::UnresolvedAlias(name) => {
                        builder.push_node(Node {
                            kind: NodeKind::Alias {
                                id: usize::MAX,
                                name: name.into_owned(),
                            },
                            span: Span::new(start, end),
                            anchor: 0,
                        });
                    }
                    Event::Scalar(value, style, anchor, tag) => {
                        let tag = tag.map(|t| t.original());
                        builder.push_node(Node {
                            kind: NodeKind::Scalar {
                                value: value.into_owned(),
                                style: style.into(),
                                tag,
                            },
                            span: Span::new(start, end),
                            anchor,
                        });
                    }
                    Event::SequenceStart(_, anchor, _) => {
                        builder.open(NodeKind::Sequence(Vec::new()), start, anchor)
                    }
                    Event::MappingStart(_, anchor, _) => {
                        builder.open(NodeKind::Mapping(Vec::new()), start, anchor)
                    }
                    Event::SequenceEnd | Event::MappingEnd => builder.close(end),
                    _ => {}
                }
            }
            Some(Err(e)) => {
                let offset = e.marker().byte_offset().unwrap_or(0).min(text.len());
                let b = std::mem::take(&mut builder);
                let message = e.info().to_string();
                let limit = message.contains("nesting") || message.contains("limit");
                docs.push(Document {
                    index: docs.len(),
                    root: None,
                    span: Span::new(b.doc_start, offset),
                    anchors: HashMap::new(),
                    error: Some(YamlError {
                        message,
                        offset,
                        limit,
                    }),
                });
                match parser.proceed_next_document() {
                    Ok(true) if docs.len() < limits.max_documents => {
                        builder = Builder {
                            doc_start: offset,
                            ..Builder::default()
                        };
                    }
                    _ => break,
                }
            }
        }
    }
    // A stream that ended without DocumentEnd (shouldn't happen) still yields what was built.
    if builder.root.is_some() {
        let b = builder;
        docs.push(Document {
            index: docs.len(),
            span: Span::new(b.doc_start, b.last_end),
            root: b.root,
            anchors: b.anchors,
            error: None,
        });
    }
    docs
}

#[derive(Default)]
struct Builder {
    /// Open collections: (node under construction, pending mapping key).
    stack: Vec<(Node, Option<Node>)>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    /// Anchor ids waiting for their node to complete, with the stack depth they belong to.
    open_anchors: Vec<(usize, usize)>,
    last_scalar_anchor: Option<usize>,
    doc_start: usize,
    last_end: usize,
}

impl Builder {
    fn pending_anchor(&mut self, id: usize) {
        // Anchor events follow their node's event: a scalar has already been placed (recorded in
        // last_scalar_anchor), a collection is the top of the stack.
        if self.last_scalar_anchor == Some(id) {
            return;
        }
        self.open_anchors.push((id, self.stack.len()));
    }

    fn open(&mut self, kind: NodeKind, start: usize, anchor: usize) {
        self.last_scalar_anchor = None;
        self.stack.push((
            Node {
                kind,
                span: Span::new(start, start),
                anchor,
            },
            None,
        ));
    }

    fn close(&mut self, end: usize) {
        if let Some((mut node, pending_key)) = self.stack.pop() {
            if let (Some(k), NodeKind::Mapping(entries)) = (pending_key, &mut node.kind) {
                // A key without a value cannot happen in a well-formed stream; keep it as null.
                let at = k.span.end;
                entries.push((
                    k,
                    Node {
                        kind: NodeKind::Scalar {
                            value: String::new(),
                            style: Style::Plain,
                            tag: None,
                        },
                        span: Span::new(at, at),
                        anchor: 0,
                    },
                ));
            }
            node.span.end = end.max(node.span.start);
            let depth = self.stack.len() + 1;
            if let Some(pos) = self.open_anchors.iter().position(|&(_, d)| d == depth) {
                let (id, _) = self.open_anchors.remove(pos);
                self.anchors.insert(id, node.clone());
            }
            self.place(node);
        }
    }

    fn push_node(&mut self, node: Node) {
        if node.anchor != 0 {
            self.anchors.insert(node.anchor, node.clone());
            self.last_scalar_anchor = Some(node.anchor);
        } else {
            self.last_scalar_anchor = None;
        }
        self.place(node);
    }

    fn place(&mut self, node: Node) {
        self.last_end = self.last_end.max(node.span.end);
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some((parent, pending)) => match &mut parent.kind {
                NodeKind::Sequence(items) => items.push(node),
                NodeKind::Mapping(entries) => match pending.take() {
                    None => *pending = Some(node),
                    Some(k) => entries.push((k, node)),
                },
                _ => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(t: &str) -> Vec<Document> {
        parse_stream(t, &Limits::default())
    }

    #[test]
    fn spans_point_at_keys_and_values() {
        let t = "kind: KubeProxyConfiguration\nipvs:\n  scheduler: lc\n";
        let d = parse(t);
        assert_eq!(d.len(), 1);
        let root = d[0].root.as_ref().unwrap();
        let (k, v) = root.get("ipvs").unwrap().get_entry("scheduler").unwrap();
        assert_eq!(&t[k.span.start..k.span.end], "scheduler");
        assert_eq!(&t[v.span.start..v.span.end], "lc");
    }

    #[test]
    fn multi_documents_and_recovery_after_error() {
        let t = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let d = parse(t);
        assert_eq!(d.len(), 3, "{d:#?}");
        assert!(d[1].error.is_some());
        assert_eq!(
            d[2].root.as_ref().unwrap().get("c").unwrap().as_str(),
            Some("3")
        );
    }

    #[test]
    fn aliases_stay_references() {
        let t = "a: &x [1, 2]\nb: *x\nc: &y v\nd: *y\n";
        let d = parse(t);
        let root = d[0].root.as_ref().unwrap();
        let b = root.get("b").unwrap();
        assert!(matches!(b.kind, NodeKind::Alias { .. }));
        assert!(matches!(d[0].resolve(b).kind, NodeKind::Sequence(_)));
        assert_eq!(d[0].resolve(root.get("d").unwrap()).as_str(), Some("v"));
    }

    #[test]
    fn deep_nesting_is_a_limit_error_not_a_crash() {
        let t = "[".repeat(10_000);
        let d = parse(&t);
        assert!(d.iter().any(|d| d.error.is_some()));
    }
}
