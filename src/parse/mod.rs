//! Parsers: one module per input format, each turning a [`SourceFile`] into
//! [`Resource`]s with a span for every value.
//!
//! [`SourceFile`]: crate::source::SourceFile
//! [`Resource`]: crate::model::Resource

pub mod helm;
pub mod kubernetes;
pub mod plan;
pub mod terraform;
pub mod yaml;

use std::fmt;

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
