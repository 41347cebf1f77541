//! Finding the line comments of an HCL file (`#…` and `//…`), skipping what
//! only looks like one: text inside strings, template interpolations and
//! heredocs. The parser hands them on for suppressions when the file holds
//! a directive; hcl-edit keeps comments only as raw decoration scattered
//! over the syntax tree, so one linear pass finds them more simply. YAML
//! comments come from the YAML parser, which already knows block scalars
//! from comments.

use crate::model::{FileComments, HandedComment, DIRECTIVE_MARKER};
use crate::source::Span;

/// The comments to hand on from an HCL file: `None` unless the file holds a
/// suppression directive.
pub fn handed(text: &str) -> Option<FileComments> {
    if !text.contains(DIRECTIVE_MARKER) {
        return None;
    }
    let comments = hcl(text)
        .into_iter()
        .map(|c| HandedComment {
            span: c.span,
            text: text[c.body.start..c.body.end].to_owned(),
            written: None,
        })
        .collect();
    Some(FileComments::Hcl(comments))
}

/// A line comment: the span of the whole comment (marker included, line
/// break excluded) and of its text after `#` or `//`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineComment {
    pub span: Span,
    pub body: Span,
}

/// What the lexer is inside of.
enum Frame {
    /// A quoted string.
    String,
    /// A `${…}` or `%{…}` inside a string, with its count of open braces.
    Template(usize),
}

/// Every top-level line comment of an HCL file, in order. Comments inside a
/// template interpolation are left out: nothing can be suppressed there.
pub fn hcl(text: &str) -> Vec<LineComment> {
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut out = Vec::new();
    let mut i = 0;
    let line_end = |from: usize| memchr_newline(bytes, from);
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match stack.last_mut() {
            Some(Frame::String) => match b {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    stack.pop();
                }
                b'$' | b'%' if next == Some(b) && bytes.get(i + 2) == Some(&b'{') => i += 2,
                b'$' | b'%' if next == Some(b'{') => {
                    stack.push(Frame::Template(0));
                    i += 1;
                }
                _ => {}
            },
            frame => match (b, next) {
                (b'#', _) | (b'/', Some(b'/')) => {
                    let end = line_end(i);
                    if frame.is_none() {
                        let marker = if b == b'#' { 1 } else { 2 };
                        let end_trimmed = if bytes.get(end.wrapping_sub(1)) == Some(&b'\r') {
                            end - 1
                        } else {
                            end
                        };
                        out.push(LineComment {
                            span: Span::new(i, end_trimmed),
                            body: Span::new(i + marker, end_trimmed),
                        });
                    }
                    i = end;
                    continue;
                }
                (b'/', Some(b'*')) => {
                    i = text[i + 2..]
                        .find("*/")
                        .map_or(bytes.len(), |at| i + 2 + at + 2);
                    continue;
                }
                (b'"', _) => stack.push(Frame::String),
                (b'<', Some(b'<')) => {
                    if let Some(end) = heredoc_end(text, i) {
                        i = end;
                        continue;
                    }
                }
                (b'{', _) => {
                    if let Some(Frame::Template(depth)) = stack.last_mut() {
                        *depth += 1;
                    }
                }
                (b'}', _) => match stack.last_mut() {
                    Some(Frame::Template(0)) => {
                        stack.pop();
                    }
                    Some(Frame::Template(depth)) => *depth -= 1,
                    _ => {}
                },
                _ => {}
            },
        }
        i += 1;
    }
    out
}

/// For `<<EOT` or `<<-EOT` at `at` (ending its line), the offset just past
/// the closing `EOT` line; `None` when this is not a heredoc opener.
fn heredoc_end(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let ident_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    if ident_len == 0 {
        return None;
    }
    let ident = &rest[..ident_len];
    let after = &rest[ident_len..];
    let after = after.strip_prefix('\r').unwrap_or(after);
    if !after.starts_with('\n') {
        return None;
    }
    let mut offset = text.len() - after.len() + 1;
    for line in text[offset..].split_inclusive('\n') {
        offset += line.len();
        if line.trim() == ident {
            return Some(offset);
        }
    }
    Some(text.len())
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<&str> {
        hcl(text)
            .into_iter()
            .map(|c| &text[c.body.start..c.body.end])
            .collect()
    }

    #[test]
    fn both_markers_and_trailing_comments() {
        let text = "# one\nresource \"a\" \"b\" { // two\r\n  x = 1 # three\n}\n";
        assert_eq!(bodies(text), [" one", " two", " three"]);
        let first = hcl(text)[0];
        assert_eq!(first.span, Span::new(0, 5));
    }

    #[test]
    fn strings_templates_and_heredocs_hide_comment_markers() {
        let text = concat!(
            "a = \"# not \\\" # still not ${ \"#\" } $${x} # nor\" # yes 1\n",
            "b = \"${ { k = \"}#\" }[\"k\"] } # no\" // yes 2\n",
            "c = <<-EOT\n  # inside a heredoc\n  EOT\n",
            "/* # block\n # comment */ d = 1 # yes 3\n",
            "e = \"http://example.com\" # yes 4\n",
        );
        assert_eq!(bodies(text), [" yes 1", " yes 2", " yes 3", " yes 4"]);
    }

    #[test]
    fn unterminated_constructs_end_at_the_end() {
        assert!(bodies("a = <<EOT\n# in\n").is_empty());
        assert!(bodies("/* # open").is_empty());
        assert_eq!(bodies("a = \"open\n# after"), [" after"]);
    }

    #[test]
    fn only_a_file_with_a_directive_hands_its_comments_on() {
        assert_eq!(handed("# a comment\nx = 1\n"), None);
        let text = "x = 1 # scalegate:ignore SG-X-001\n";
        assert_eq!(
            handed(text),
            Some(FileComments::Hcl(vec![HandedComment {
                span: Span::new(6, 33),
                text: " scalegate:ignore SG-X-001".to_owned(),
                written: None,
            }]))
        );
    }
}
