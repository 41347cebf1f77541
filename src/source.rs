//! One scanned file's text, and the conversion from byte spans to the 1-based
//! line/column regions every report uses.
//!
//! Columns are counted in Unicode code points (SARIF `columnKind:
//! unicodeCodePoints`), never in bytes, so a finding after a non-ASCII
//! character still points at the right place in an editor and in GitHub.
//! A UTF-8 byte-order mark is removed when the file is read: parsers never see
//! it, and it does not count as a column (editors do not show it).

use std::sync::Arc;

/// A half-open byte range `[start, end)` into a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets, end exclusive).
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A 1-based line/column range; `end_column` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Region {
    /// A region from 1-based start and end positions (`end_column` exclusive).
    pub const fn new(
        start_line: usize,
        start_column: usize,
        end_line: usize,
        end_column: usize,
    ) -> Region {
        Region {
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }

    /// The region of line 1, column 1 — used when nothing better is known.
    pub const FILE_START: Region = Region {
        start_line: 1,
        start_column: 1,
        end_line: 1,
        end_column: 1,
    };
}

/// A file's text with a line index.
#[derive(Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path as reported: relative to the project root with `/` separators,
    /// or `<stdin>` / the `--stdin-filename`.
    pub path: String,
    /// The text, without a leading byte-order mark.
    pub text: String,
    /// Whether the file started with a UTF-8 byte-order mark.
    pub had_bom: bool,
    line_starts: Vec<usize>,
}

/// Shared handle: a file is referenced by every resource and finding made from it.
pub type SharedSource = Arc<SourceFile>;

impl SourceFile {
    /// Builds the line index. A leading BOM is stripped.
    pub fn new(path: impl Into<String>, text: String) -> SourceFile {
        let (text, had_bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_owned(), true),
            None => (text, false),
        };
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr_newlines(text.as_bytes()).map(|i| i + 1));
        SourceFile {
            path: path.into(),
            text,
            had_bom,
            line_starts,
        }
    }

    /// Number of lines (a trailing newline does not start a new line).
    pub fn line_count(&self) -> usize {
        let n = self.line_starts.len();
        if n > 1 && self.line_starts[n - 1] == self.text.len() {
            n - 1
        } else {
            n
        }
    }

    /// The 1-based line and code-point column of a byte offset.
    /// Offsets past the end or inside a character are clamped.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line_index = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.line_starts[line_index];
        let column = self.text[line_start..offset].chars().count() + 1;
        (line_index + 1, column)
    }

    /// The region a byte span covers. A span that ends on a line break is
    /// shortened so the region does not spill onto the next line, and a CR
    /// before that break is not counted (CRLF files).
    pub fn region(&self, span: Span) -> Region {
        let start = self.clamp(span.start);
        let mut end = self.clamp(span.end).max(start);
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        let (start_line, start_column) = self.position(start);
        let (end_line, end_column) = self.position(end);
        Region {
            start_line,
            start_column,
            end_line,
            end_column,
        }
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return Span::new(self.text.len(), self.text.len());
        };
        let mut end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        Span::new(start, end)
    }

    /// The text of a 1-based line, without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let span = self.line_span(line);
        &self.text[span.start..span.end]
    }

    /// Byte offset where a 1-based line starts (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Byte offset of a 1-based line and code-point column.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let span = self.line_span(line);
        let text = &self.text[span.start..span.end];
        let within = text
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| i)
            .unwrap_or(text.len());
        span.start + within
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Offsets of the last byte of each line break: LF, CRLF, and a lone CR
/// (old Mac line ends, which YAML reads as line breaks too, so that the
/// lines reported are the lines the parser saw).
fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes.iter().enumerate().filter_map(|(i, &b)| {
        let lone_cr = b == b'\r' && bytes.get(i + 1) != Some(&b'\n');
        (b == b'\n' || lone_cr).then_some(i)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_code_points_not_bytes() {
        let file = SourceFile::new("a", "name: \"héllo\" x\n".to_owned());
        let x = file.text.find('x').unwrap();
        assert_eq!(file.position(x), (1, 15));
    }

    #[test]
    fn crlf_line_break_is_not_part_of_a_region() {
        let file = SourceFile::new("a", "a: 1\r\nb: 2\r\n".to_owned());
        let region = file.region(Span::new(6, 12));
        assert_eq!(
            region,
            Region {
                start_line: 2,
                start_column: 1,
                end_line: 2,
                end_column: 5
            }
        );
        assert_eq!(file.line_text(2), "b: 2");
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let f = SourceFile::new("a.yaml", "a: 1\rb: 2\r\nc: 3\n".to_owned());
        assert_eq!(f.line_count(), 3);
        assert_eq!(f.position(5), (2, 1));
        assert_eq!(f.line_text(2), "b: 2");
        assert_eq!(f.position(11), (3, 1));
    }

    #[test]
    fn bom_is_stripped_and_not_counted() {
        let file = SourceFile::new("a", "\u{feff}kind: Pod\n".to_owned());
        assert!(file.had_bom);
        assert_eq!(file.text, "kind: Pod\n");
        assert_eq!(file.position(0), (1, 1));
    }

    #[test]
    fn offset_of_inverts_position() {
        let file = SourceFile::new("a", "x\n  ünï: y\n".to_owned());
        let off = file.offset_of(2, 6);
        assert_eq!(&file.text[off..off + 1], ":");
        assert_eq!(file.position(off), (2, 6));
        assert_eq!(file.line_count(), 2);
    }
}
