//! The values file that set a `.Values` path, as Helm merges them: a
//! subchart's own `values.yaml`, then each parent's `values.yaml` under the
//! subchart's name, then the values files given to the render, in order —
//! the last one that sets the path wins.
//!
//! A file that sets only a prefix of the path (`resources: {}` for
//! `.Values.resources.limits.cpu`) still counts when no file sets the whole
//! path: that is where the missing key would be added.

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
    /// A values file's text read for its spans; `None` when it does not
    /// parse (Helm would have refused to render with it, so there is nothing
    /// to point at).
    pub fn parse(display: String, text: String) -> Option<ValuesFile> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> ValuesFile {
        ValuesFile::parse(name.to_owned(), text.to_owned()).unwrap()
    }

    fn keys(dotted: &str) -> Vec<PathSeg> {
        dotted
            .split('.')
            .map(|k| PathSeg::Key(k.to_owned()))
            .collect()
    }

    /// (file, line) of the setting.
    fn set(layers: &[Layer<'_>], path: &str) -> Option<(String, usize, usize)> {
        setting(layers, &keys(path)).map(|s| {
            let line = s.file.source.region(s.span).start_line;
            (s.file.source.path.clone(), line, s.written)
        })
    }

    #[test]
    fn the_last_file_that_sets_the_whole_path_wins() {
        let chart = file("values.yaml", "a:\n  b: 1\nc: 2\n");
        let prod = file("prod.yaml", "a:\n  x: 0\n  b: 3\n");
        let layers = [
            Layer {
                file: &chart,
                prefix: Vec::new(),
            },
            Layer {
                file: &prod,
                prefix: Vec::new(),
            },
        ];
        assert_eq!(set(&layers, "a.b"), Some(("prod.yaml".into(), 3, 2)));
        // prod.yaml writes `a` but not `a.c`; values.yaml writes `c` only
        // at the top: the deepest prefix, from the file applied last.
        assert_eq!(set(&layers, "a.c"), Some(("prod.yaml".into(), 1, 1)));
        assert_eq!(set(&layers, "c"), Some(("values.yaml".into(), 3, 1)));
        assert_eq!(set(&layers, "zz"), None);
    }

    #[test]
    fn a_parent_file_sets_a_subcharts_values_under_its_name() {
        let own = file("charts/db/values.yaml", "replicas: 3\n");
        let parent = file("values.yaml", "db:\n  replicas: 1\nreplicas: 9\n");
        let layers = [
            Layer {
                file: &own,
                prefix: Vec::new(),
            },
            Layer {
                file: &parent,
                prefix: keys("db"),
            },
        ];
        assert_eq!(set(&layers, "replicas"), Some(("values.yaml".into(), 2, 1)));
        // Only the prefix `db` is written: that does not count as setting.
        let parent = file("values.yaml", "db: {}\n");
        let layers = [
            Layer {
                file: &own,
                prefix: Vec::new(),
            },
            Layer {
                file: &parent,
                prefix: keys("db"),
            },
        ];
        assert_eq!(
            set(&layers, "replicas"),
            Some(("charts/db/values.yaml".into(), 1, 1))
        );
    }
}
