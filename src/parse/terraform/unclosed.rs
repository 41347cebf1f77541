//! Where an HCL text leaves something open: a block, bracket, string,
//! heredoc or comment that is never closed.
//!
//! hcl-edit backtracks: when an attribute's value never ends, it reports
//! the error at the start of the attribute (`tags = {` left open is
//! reported at `tags`), not where it had to give up. This scanner follows
//! only the tokens that open and close things, so it finds where the text
//! actually stops making sense; [`refine`] uses that position when the
//! parser's own error is such a backtracked one.

/// Something opened and not closed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Open {
    /// `{`, `[`, `(`, `${` or `%{`.
    Bracket(&'static str),
    Quote,
    Heredoc(String),
    Comment,
}

/// What the scan found: where the text stops making sense, what was open
/// and where it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    at: usize,
    open: Open,
    opened_at: usize,
}

/// The position and message to report for a parse error hcl-edit gave at
/// `error_at`, when the error is an artifact of backtracking out of
/// something left open; `None` to keep the parser's own.
pub(super) fn refine(text: &str, error_at: usize) -> Option<(usize, String)> {
    let problem = scan(text)?;
    if problem.at < error_at {
        return None;
    }
    let literal = matches!(problem.open, Open::Quote | Open::Heredoc(_) | Open::Comment);
    let backtracked = problem.opened_at >= error_at
        || (literal && problem.opened_at <= error_at)
        || text
            .get(error_at..)
            .is_some_and(|rest| rest.trim().is_empty());
    if !backtracked {
        return None;
    }
    Some(describe(text, &problem))
}

/// Brackets left open where a text stops making sense, from which
/// hcl-edit's backtracking takes time exponential in their number: each
/// level that fails at the end of the input (or at a string left open) is
/// retried as every other expression it could have been, so 24 levels took
/// seconds and a few more minutes. Beyond this many the parser is not run.
const MAX_OPEN_BRACKETS: usize = 8;

/// The position and message to report, without running the parser, for a
/// text left open (a bracket at its end, a string at its line end) inside
/// more than [`MAX_OPEN_BRACKETS`] brackets: the report [`refine`] gives for
/// such a text.
pub(super) fn deeply_open(text: &str) -> Option<(usize, String)> {
    let (problem, open_brackets) = scan_with_depth(text)?;
    (open_brackets > MAX_OPEN_BRACKETS).then(|| describe(text, &problem))
}

/// The report for something left open: where the scan stopped, and what was
/// opened where.
fn describe(text: &str, problem: &Problem) -> (usize, String) {
    let (line, column) = line_column(text, problem.opened_at);
    let what = match &problem.open {
        Open::Bracket("{") => "block or object `{`".to_owned(),
        Open::Bracket(b) => format!("`{b}`"),
        Open::Quote => {
            return (
                problem.at,
                format!(
                    "unclosed string (opened at line {line}, column {column}): a quoted string must end on the line it starts"
                ),
            )
        }
        Open::Heredoc(delimiter) => format!("heredoc (no `{delimiter}` line)"),
        Open::Comment => "comment `/*`".to_owned(),
    };
    (
        problem.at,
        format!(
            "unclosed {what} (opened at line {line}, column {column}): the file ends before it is closed"
        ),
    )
}

/// The first thing left open, or `None` when everything closes (or a
/// closing bracket does not match, which the parser reports well itself).
fn scan(text: &str) -> Option<Problem> {
    scan_with_depth(text).map(|(problem, _)| problem)
}

/// [`scan`], with the number of brackets still open where it stopped.
fn scan_with_depth(text: &str) -> Option<(Problem, usize)> {
    let bytes = text.as_bytes();
    let mut stack: Vec<(Open, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        match stack.last() {
            Some((Open::Quote, opened_at)) => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%' if text[i + 1..].starts_with(&format!("{}{{", c as char)) => {
                    // `$${` and `%%{` are literal.
                    i += 2;
                }
                b'$' | b'%' if next == Some(b'{') => {
                    stack.push((Open::Bracket(if c == b'$' { "${" } else { "%{" }), i));
                    i += 1;
                }
                b'\n' => {
                    let problem = Problem {
                        at: i,
                        open: Open::Quote,
                        opened_at: *opened_at,
                    };
                    return Some((problem, brackets(&stack)));
                }
                _ => {}
            },
            Some((Open::Heredoc(delimiter), _)) => {
                // `i` is at a line start inside the heredoc.
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                if text[i..end].trim() == delimiter {
                    stack.pop();
                }
                i = end;
            }
            _ => match c {
                b'#' => i = text[i..].find('\n').map_or(text.len(), |n| i + n),
                b'/' if next == Some(b'/') => {
                    i = text[i..].find('\n').map_or(text.len(), |n| i + n);
                }
                b'/' if next == Some(b'*') => match text[i + 2..].find("*/") {
                    Some(n) => i += n + 3,
                    None => {
                        let problem = Problem {
                            at: text.len(),
                            open: Open::Comment,
                            opened_at: i,
                        };
                        return Some((problem, brackets(&stack)));
                    }
                },
                b'"' => stack.push((Open::Quote, i)),
                b'<' if next == Some(b'<') => {
                    if let Some((delimiter, body)) = heredoc_start(text, i) {
                        stack.push((Open::Heredoc(delimiter), i));
                        i = body;
                        continue;
                    }
                }
                b'{' => stack.push((Open::Bracket("{"), i)),
                b'[' => stack.push((Open::Bracket("["), i)),
                b'(' => stack.push((Open::Bracket("("), i)),
                b'}' | b']' | b')' => {
                    let closes = match stack.last() {
                        Some((Open::Bracket(open), _)) => matches!(
                            (*open, c),
                            ("{" | "${" | "%{", b'}') | ("[", b']') | ("(", b')')
                        ),
                        _ => false,
                    };
                    if !closes {
                        return None;
                    }
                    stack.pop();
                }
                _ => {}
            },
        }
        i += 1;
    }
    let depth = brackets(&stack);
    let (open, opened_at) = stack.pop()?;
    let problem = Problem {
        at: text.len(),
        open,
        opened_at,
    };
    Some((problem, depth))
}

/// How many brackets of `stack` are open.
fn brackets(stack: &[(Open, usize)]) -> usize {
    stack
        .iter()
        .filter(|(open, _)| matches!(open, Open::Bracket(_)))
        .count()
}

/// `<<EOT` or `<<-EOT` at `at`, followed by a line break: the delimiter and
/// the offset where the heredoc's content starts.
fn heredoc_start(text: &str, at: usize) -> Option<(String, usize)> {
    let rest = text[at + 2..].strip_prefix('-').unwrap_or(&text[at + 2..]);
    let name_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    let after = &rest[name_len..];
    let line_break = if after.starts_with("\r\n") {
        2
    } else if after.starts_with('\n') {
        1
    } else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    let body = text.len() - after.len() + line_break;
    Some((name.to_owned(), body))
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_innermost_open_bracket_at_the_end() {
        let text = "a {\n  b = {\n    c = 1\n";
        let problem = scan(text).unwrap();
        assert_eq!(problem.at, text.len());
        assert_eq!(problem.opened_at, text.find("{\n    c").unwrap());
    }

    #[test]
    fn strings_heredocs_comments_and_interpolations_are_followed() {
        assert_eq!(scan("a = \"}${b[\"x\"]}$${\"\n# {\n/* [ */ c = 1\n"), None);
        assert_eq!(scan("a = <<EOT\n  { ${x}\n  EOT\n"), None);
        let text = "a = \"x\nb = 1\n";
        assert_eq!(
            scan(text),
            Some(Problem {
                at: 6,
                open: Open::Quote,
                opened_at: 4
            })
        );
        let text = "a = <<-EOT\nx\n";
        assert_eq!(scan(text).unwrap().open, Open::Heredoc("EOT".into()));
    }

    /// Beyond eight brackets open where the text stops, the parser is not
    /// run: the report is the one `refine` gives, at the innermost bracket
    /// or at the line end of the open string.
    #[test]
    fn a_text_left_open_deep_inside_brackets_is_reported_without_the_parser() {
        let eight = format!("a = {}1\n", "f(".repeat(8));
        assert_eq!(deeply_open(&eight), None);
        let nine = format!("a = {}1\n", "f(".repeat(9));
        let innermost = nine.rfind('(').unwrap();
        assert_eq!(
            deeply_open(&nine),
            Some((
                nine.len(),
                "unclosed `(` (opened at line 1, column 22): the file ends before it is closed"
                    .to_owned()
            ))
        );
        assert_eq!(innermost, 21);
        let string = format!("a = {}\"x\nb = 1\n", "{ k = ".repeat(9));
        assert_eq!(
            deeply_open(&string),
            Some((
                string.find('\n').unwrap(),
                "unclosed string (opened at line 1, column 59): a quoted string must end on the line it starts"
                    .to_owned()
            ))
        );
        // Everything closed: nothing to say, however deep.
        let closed = format!("a = {}1{}\n", "f(".repeat(20), ")".repeat(20));
        assert_eq!(deeply_open(&closed), None);
    }

    #[test]
    fn a_real_error_before_what_is_left_open_is_kept() {
        // The parser's error at `*` is where it gave up, not an artifact.
        let text = "locals {\n  a = 1 +* 2\n";
        assert_eq!(refine(text, text.find('*').unwrap()), None);
        // A mismatched bracket is left to the parser.
        assert_eq!(scan("a = [1}\n"), None);
    }
}
