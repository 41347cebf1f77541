//! The positioned problems the tool reports about its inputs: [`ParseError`]
//! (a byte offset in a scanned file, turned into SG-PARSE-001), and
//! [`ConfigError`] at a [`Mark`] (file, line, column and a code frame, for
//! config, ignore and data files, which fail the run instead), and
//! [`LoadError`] (a policy that cannot be used, at its file and position).
//!
//! Separate, and below every reader, because parsers, the YAML builder and
//! the config readers all produce them; none of them may depend on another
//! to name its errors.

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
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            width: self.width,
            message: message.into(),
            line_text: self.line_text.clone(),
        }
    }
}

/// One problem in a config or data file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as reported.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Characters to underline in the code frame (at least 1).
    pub width: usize,
    /// What is wrong, and what to write instead when it can be said.
    pub message: String,
    /// The offending line's text, for a code frame.
    pub line_text: String,
}

impl fmt::Display for ConfigError {
    /// `file:line:col: message` (what editors and terminals link), then a
    /// code frame with the offending text underlined.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        let gutter = self.line.to_string().len();
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", self.line, self.line_text)?;
        let pad: String = self
            .line_text
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{:gutter$} | {pad}{}", "", "^".repeat(self.width.max(1)))
    }
}

/// A policy that cannot be used: a compile error, missing METADATA, a
/// reserved package. Always exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}
