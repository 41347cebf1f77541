//! Parsers: one module per input format, each turning a [`SourceFile`] into
//! [`Resource`]s with a span for every value.
//!
//! [`SourceFile`]: crate::source::SourceFile
//! [`Resource`]: crate::model::Resource

pub mod helm;
pub mod kubernetes;
pub mod kustomize;
pub mod plan;
pub mod terraform;

pub use crate::diagnostic::ParseError;
