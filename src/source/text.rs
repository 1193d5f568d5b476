//! Turning untrusted bytes into text: size limit, encodings, binary detection, line index.

use crate::limits::Limits;

/// Why a file's bytes could not become text. Each carries a byte offset where there is one.
#[derive(Debug, Clone, PartialEq)]
pub enum TextError {
    TooLarge {
        size: u64,
        limit: u64,
    },
    Binary {
        offset: usize,
    },
    InvalidUtf8 {
        offset: usize,
    },
    InvalidUtf16 {
        offset: usize,
    },
    /// A line longer than the limit; `offset` is where it starts.
    LineTooLong {
        offset: usize,
        limit: usize,
    },
}

/// The encoding a file was read in (UTF-8 is the only one `--fix` writes back).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
}

/// Decode bytes the way kube-proxy's YAML reader (go-yaml) would accept them: UTF-8, or UTF-16
/// with a byte-order mark. A NUL byte in UTF-8 text means a binary file.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<(String, Encoding), TextError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(TextError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    // (UTF-16 files are rare and bounded by the file size; their lines are not measured.)
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, false).map(|s| (s, Encoding::Utf16Le));
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, true).map(|s| (s, Encoding::Utf16Be));
    }
    let (body, enc) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (rest, Encoding::Utf8Bom),
        None => (bytes, Encoding::Utf8),
    };
    let skip = bytes.len() - body.len();
    if let Some(pos) = body.iter().position(|&b| b == 0) {
        return Err(TextError::Binary { offset: pos + skip });
    }
    match std::str::from_utf8(body) {
        // Keep the BOM out of the text but keep offsets honest: a BOM is replaced by nothing and
        // spans are shifted when rendering is not needed (the BOM is invisible to users).
        Ok(s) => match long_line(s.as_bytes(), limits.max_line_bytes) {
            Some(start) => Err(TextError::LineTooLong {
                offset: start + skip,
                limit: limits.max_line_bytes,
            }),
            None => Ok((s.to_owned(), enc)),
        },
        Err(e) => Err(TextError::InvalidUtf8 {
            offset: e.valid_up_to() + skip,
        }),
    }
}

/// Where the first line longer than `limit` bytes starts (lines end at LF, CR or CRLF).
fn long_line(bytes: &[u8], limit: usize) -> Option<usize> {
    let mut start = 0;
    for end in memchr::memchr2_iter(b'\n', b'\r', bytes).chain(std::iter::once(bytes.len())) {
        if end - start > limit {
            return Some(start);
        }
        start = end + 1;
    }
    None
}

fn decode_utf16(bytes: &[u8], big_endian: bool) -> Result<String, TextError> {
    let units = bytes.chunks(2).map(|c| match (c, big_endian) {
        ([a, b], false) => u16::from_le_bytes([*a, *b]),
        ([a, b], true) => u16::from_be_bytes([*a, *b]),
        // An odd trailing byte: invalid, reported below by its offset.
        _ => 0xDC00,
    });
    let mut out = String::with_capacity(bytes.len() / 2);
    for (i, r) in char::decode_utf16(units).enumerate() {
        match r {
            Ok('\0') => return Err(TextError::Binary { offset: 2 + i * 2 }),
            Ok(c) => out.push(c),
            Err(_) => return Err(TextError::InvalidUtf16 { offset: 2 + i * 2 }),
        }
    }
    Ok(out)
}

/// Byte offset → 1-based line and column (columns count characters, as editors do).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                // A lone CR ends a line too (old Mac files); CRLF counts once, at the LF.
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts }
    }

    /// 1-based (line, column) of a byte offset; offsets past the end clamp to the end.
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(text.len());
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let col = text[start..end].chars().count() + 1;
        (line + 1, col)
    }

    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).copied()
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Line and column of a byte offset in raw bytes that are not valid text (for encoding errors).
pub fn byte_position(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_and_all_line_endings() {
        let t = "a: 1\r\nb: ü\rc: 3\n";
        let li = LineIndex::new(t);
        assert_eq!(li.position(t, 0), (1, 1));
        assert_eq!(li.position(t, t.find('b').unwrap()), (2, 1));
        assert_eq!(li.position(t, t.find('c').unwrap()), (3, 1));
        assert_eq!(li.position(t, t.find('3').unwrap()), (3, 4));
        let after_u = t.find('ü').unwrap() + 'ü'.len_utf8();
        assert_eq!(li.position(t, after_u), (2, 5));
    }

    #[test]
    fn decodes_utf16_and_rejects_binary_and_bad_utf8() {
        let lim = Limits::default();
        let mut le = vec![0xFF, 0xFE];
        for u in "mode: ipvs".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le, &lim).unwrap().0, "mode: ipvs");
        assert_eq!(
            decode(b"a: 1\n\0\0", &lim),
            Err(TextError::Binary { offset: 5 })
        );
        assert_eq!(
            decode(b"a: \xff", &lim),
            Err(TextError::InvalidUtf8 { offset: 3 })
        );
        assert_eq!(byte_position(b"a: 1\nb: \xff", 8), (2, 4));
    }
}
