//! The values file that set a `.Values` path, as Helm merges them: a
//! subchart's own `values.yaml`, then each parent's `values.yaml` under the
//! subchart's name, then the values files given to the render, in order —
//! the last one that sets the path wins.
//!
//! A file that sets only a prefix of the path (`resources: {}` for
//! `.Values.resources.limits.cpu`) still counts when no file sets the whole
//! path: that is where the missing key would be added.

use std::path::PathBuf;

use crate::model::{PathSeg, SpanNode};
use crate::source::{SharedSource, Span};
use crate::yaml::{parse_documents, Limits, Typing};

/// One values file read for its spans.
#[derive(Debug)]
pub struct ValuesFile {
    pub source: SharedSource,
    spans: SpanNode,
}

impl ValuesFile {
    /// Reads a values file; `None` when it cannot be read or parsed (Helm
    /// would have refused to render with it, so there is nothing to point at).
    pub fn read(path: &PathBuf, display: String) -> Option<ValuesFile> {
        let text = std::fs::read_to_string(path).ok()?;
        let docs = parse_documents(&text, Typing::Kubernetes, &Limits::YAML).ok()?;
        let spans = docs
            .first()
            .and_then(|d| d.root.as_ref())
            .map(|root| root.to_value_and_spans(None).1)
            .unwrap_or_default();
        Some(ValuesFile {
            source: std::sync::Arc::new(crate::source::SourceFile::new(display, text)),
            spans,
        })
    }
}

/// A values file and the keys its chart's values sit under in it (a
/// parent's file holds a subchart's values under the subchart's name).
pub struct Layer<'a> {
    pub file: &'a ValuesFile,
    pub prefix: Vec<PathSeg>,
}

/// What set a values path: the file, the span of the deepest key it
/// writes, how many steps of the path that is, and the file's prefix.
pub struct Setting<'a> {
    pub file: &'a ValuesFile,
    pub span: Span,
    pub written: usize,
    pub prefix: &'a [PathSeg],
}

/// The layer (of `layers`, lowest precedence first) that sets `path`.
pub fn setting<'a>(layers: &'a [Layer<'a>], path: &[PathSeg]) -> Option<Setting<'a>> {
    let mut best: Option<Setting<'a>> = None;
    // Highest precedence first, so a tie keeps the file Helm applies last.
    for layer in layers.iter().rev() {
        let full: Vec<PathSeg> = layer.prefix.iter().chain(path).cloned().collect();
        let (node, depth) = layer.file.spans.deepest(&full);
        let Some(written) = depth.checked_sub(layer.prefix.len()).filter(|&d| d > 0) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| written > b.written) {
            best = Some(Setting {
                file: layer.file,
                span: node.key.unwrap_or(node.value),
                written,
                prefix: &layer.prefix,
            });
        }
        if written == path.len() {
            break;
        }
    }
    best
}
