//! Offsets of text embedded in a YAML scalar (a ConfigMap's `config.conf: |` block, a shell
//! command string) mapped back to the file that holds it.

use super::yaml::{Node, NodeKind, Span, Style};

/// Maps byte offsets of a scalar's value to offsets in the host file.
#[derive(Debug, Clone)]
pub struct OffsetMap {
    /// (inner offset, outer offset) at the start of each piece copied verbatim; sorted.
    pieces: Vec<(usize, usize)>,
    /// Where to point when the value could not be mapped exactly (the scalar itself).
    fallback: Span,
    exact: bool,
}

impl OffsetMap {
    /// Build the map for a scalar node whose decoded value is `value`.
    pub fn for_scalar(outer: &str, node: &Node) -> OffsetMap {
        let fallback = node.span;
        let value = match &node.kind {
            NodeKind::Scalar { value, .. } => value.as_str(),
            _ => return OffsetMap::coarse(fallback),
        };
        let style = match &node.kind {
            NodeKind::Scalar { style, .. } => *style,
            _ => Style::Plain,
        };
        let raw = outer.get(node.span.start..node.span.end).unwrap_or("");
        let pieces = match style {
            Style::Literal => literal_pieces(outer, node.span, value),
            Style::Plain if !value.contains('\n') && raw.starts_with(value) => {
                Some(vec![(0, node.span.start)])
            }
            Style::SingleQuoted | Style::DoubleQuoted
                if !value.contains('\n') && raw.len() >= 2 && &raw[1..raw.len() - 1] == value =>
            {
                Some(vec![(0, node.span.start + 1)])
            }
            _ => None,
        };
        match pieces {
            Some(pieces) => OffsetMap {
                pieces,
                fallback,
                exact: true,
            },
            None => OffsetMap::coarse(fallback),
        }
    }

    fn coarse(fallback: Span) -> OffsetMap {
        OffsetMap {
            pieces: Vec::new(),
            fallback,
            exact: false,
        }
    }

    /// Whether every inner offset maps to its exact outer position.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    pub fn offset(&self, inner: usize) -> usize {
        if !self.exact {
            return self.fallback.start;
        }
        let i = match self.pieces.binary_search_by(|p| p.0.cmp(&inner)) {
            Ok(i) => i,
            Err(0) => return self.fallback.start,
            Err(i) => i - 1,
        };
        let (a, b) = self.pieces[i];
        b + (inner - a)
    }

    pub fn span(&self, inner: Span) -> Span {
        if !self.exact {
            return self.fallback;
        }
        let start = self.offset(inner.start);
        // The end maps through the piece of its last byte, so spans never straddle a line's
        // indentation.
        let end = if inner.end > inner.start {
            self.offset(inner.end - 1) + 1
        } else {
            start
        };
        Span::new(start, end)
    }
}

/// A literal block scalar: each content line is the outer line minus the block's indentation.
/// The parser's span starts at the first content character, which also gives the indentation.
fn literal_pieces(outer: &str, span: Span, value: &str) -> Option<Vec<(usize, usize)>> {
    let first = span.start.min(outer.len());
    let line_start = outer[..first].rfind('\n').map_or(0, |i| i + 1);
    let indent = first - line_start;
    if !outer[line_start..first].bytes().all(|b| b == b' ') {
        return None;
    }
    // Leading empty lines of the value come before the first content line.
    let mut pos = line_start;
    for _ in value.bytes().take_while(|&b| b == b'\n') {
        pos = outer[..pos.saturating_sub(1)]
            .rfind('\n')
            .map_or(0, |i| i + 1);
    }
    let mut pieces = Vec::new();
    let mut inner = 0;
    let lines: Vec<&str> = value.split('\n').collect();
    for (i, line) in lines.iter().enumerate() {
        if i == lines.len() - 1 && line.is_empty() {
            break;
        }
        let rest = outer.get(pos..)?;
        let outer_line_end = rest.find('\n').unwrap_or(rest.len());
        let outer_line = rest[..outer_line_end].trim_end_matches('\r');
        let skip = indent.min(outer_line.len());
        let content = &outer_line[skip..];
        if content != *line && !(line.is_empty() && content.trim().is_empty()) {
            return None;
        }
        pieces.push((inner, pos + skip));
        inner += line.len() + 1;
        pos += outer_line_end + 1;
    }
    Some(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::source::yaml::parse_stream;

    #[test]
    fn literal_block_offsets_map_back() {
        let t = "data:\n  config.conf: |-\r\n    kind: X\r\n\r\n    mode: ipvs\r\n  other: 1\r\n";
        let d = parse_stream(t, &Limits::default());
        let node = d[0]
            .root
            .as_ref()
            .unwrap()
            .get("data")
            .unwrap()
            .get("config.conf")
            .unwrap();
        let m = OffsetMap::for_scalar(t, node);
        assert!(m.is_exact());
        let inner = node.as_str().unwrap();
        let at = inner.find("ipvs").unwrap();
        let s = m.span(Span::new(at, at + 4));
        assert_eq!(&t[s.start..s.end], "ipvs");
    }

    #[test]
    fn quoted_single_line_maps_inside_the_quotes() {
        let t = "cmd: \"kube-proxy --v=2\"\n";
        let d = parse_stream(t, &Limits::default());
        let node = d[0].root.as_ref().unwrap().get("cmd").unwrap();
        let m = OffsetMap::for_scalar(t, node);
        let s = m.span(Span::new(11, 16));
        assert_eq!(&t[s.start..s.end], "--v=2");
    }
}
