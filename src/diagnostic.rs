//! The positioned problems the tool reports about its inputs:
//!
//! * [`Diagnostic`]: a file scalegate reads to know how to scan (the
//!   config, the ignore file, a `--data` file, a policy) is wrong. The run
//!   stops with exit 2 and prints `file:line:col: message`, with a code
//!   frame when the text is at hand ([`Mark`] makes one from a span).
//! * [`ParseError`]: a scanned file could not be read or parsed. It is not
//!   printed but becomes an SG-PARSE-001 finding, so it carries a byte
//!   offset into the file's text (which the parser has, while the path and
//!   line index belong to the caller's source), and whether the rest of
//!   the file was still checked.
//!
//! Separate, and below every reader, because parsers, the YAML builder, the
//! config readers and the policy loader all produce them; none of them may
//! depend on another to name its errors.

use std::fmt;

use crate::source::{SourceFile, Span};

/// Why a file could not be turned into resources: reported as SG-PARSE-001
/// at `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the file's text (BOM removed) where the problem was found.
    pub offset: usize,
    pub message: String,
    /// The file was read and the rest of it checked; only the part at
    /// `offset` was not (an invalid `count`, an expansion over a budget).
    pub partial: bool,
}

impl ParseError {
    /// A parse error at a byte offset: the file is skipped.
    pub fn new(offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            offset,
            message: message.into(),
            partial: false,
        }
    }

    /// A problem at a byte offset of a file whose other parts were checked.
    pub fn partial(offset: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            partial: true,
            ..ParseError::new(offset, message)
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// A place in a config file: what an error message points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The config file as reported.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Characters to underline (at least 1, never past the line's end).
    pub width: usize,
    /// The line's text, for the code frame.
    pub line_text: String,
}

impl Mark {
    /// The place `span` marks in `source`.
    pub fn new(source: &SourceFile, span: Span) -> Mark {
        let (line, column) = source.position(span.start);
        let line_text = source.line_text(line).to_owned();
        let (end_line, end_column) = source.position(span.end);
        let line_chars = line_text.chars().count();
        let end_column = if end_line == line {
            end_column
        } else {
            line_chars + 1
        };
        Mark {
            file: source.path.clone(),
            line,
            column,
            width: end_column.saturating_sub(column).max(1),
            line_text,
        }
    }

    /// An error at this place.
    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: Some(self.line),
            column: Some(self.column),
            message: message.into(),
            frame: Some(Frame {
                width: self.width,
                line_text: self.line_text.clone(),
            }),
        }
    }
}

/// A problem in a file scalegate reads to know how to scan: the config, the
/// ignore file, a data file or a policy. Always exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as reported.
    pub file: String,
    /// 1-based; `None` when the problem is the file as a whole, or the
    /// engine that found it did not say.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    /// What is wrong, and what to write instead when it can be said.
    pub message: String,
    /// The offending line, for a code frame, when its text is at hand.
    pub frame: Option<Frame>,
}

/// The line a [`Diagnostic`] points at, as its code frame shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Characters to underline (at least 1).
    pub width: usize,
    /// The line's text.
    pub line_text: String,
}

impl Diagnostic {
    /// A problem with a file as a whole.
    pub fn in_file(file: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            frame: None,
        }
    }

    /// A problem at a line (and column) whose text is not at hand.
    pub fn at(
        file: impl Into<String>,
        line: Option<usize>,
        column: Option<usize>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            line,
            column,
            ..Diagnostic::in_file(file, message)
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: message` (what editors and terminals link), then a
    /// code frame with the offending text underlined when there is one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message)?,
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message)?,
            _ => write!(f, "{}: {}", self.file, self.message)?,
        }
        let (Some(frame), Some(line), Some(column)) = (&self.frame, self.line, self.column) else {
            return Ok(());
        };
        writeln!(f)?;
        let gutter = line.to_string().len();
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{line} | {}", frame.line_text)?;
        let pad: String = frame
            .line_text
            .chars()
            .take(column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(
            f,
            "{:gutter$} | {pad}{}",
            "",
            "^".repeat(frame.width.max(1))
        )
    }
}
