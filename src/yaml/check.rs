//! Checking a hand-written YAML file (the config, the ignore file): problems
//! collected at their places rather than stopping at the first, one
//! document only, duplicate keys, lists of strings, and how a value is named
//! in messages.
//!
//! Separate from the tree and builder because only files a user writes by
//! hand are checked this way; scanned files go through the parsers.

use std::collections::BTreeMap;

use super::{Node, NodeValue};
use crate::diagnostic::{Diagnostic, Mark};
use crate::source::{SourceFile, Span};
use crate::yaml;

/// Problems found in one YAML file, each at its place.
pub(crate) struct Errors<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) list: Vec<Diagnostic>,
}

impl Errors<'_> {
    pub(crate) fn mark(&self, span: Span) -> Mark {
        Mark::new(self.source, span)
    }

    pub(crate) fn at(&mut self, span: Span, message: impl Into<String>) {
        let error = self.mark(span).error(message);
        self.list.push(error);
    }
}

/// The root of a one-document YAML 1.2 file (`.scalegate.yaml`, the ignore
/// file), with a second document and duplicate keys reported. `Ok(None)` for
/// an empty file; `Err` when it is not YAML at all (reported too). `what`
/// names the file in messages ("the config").
pub(crate) fn one_document(errors: &mut Errors, what: &str) -> Result<Option<Node>, ()> {
    let documents = match yaml::parse_documents(
        &errors.source.text,
        yaml::Typing::Core,
        &yaml::Limits::default(),
    ) {
        Ok(documents) => documents,
        Err(e) => {
            errors.at(
                Span::new(e.offset, e.offset),
                format!("not valid YAML: {}", e.message),
            );
            return Err(());
        }
    };
    let mut roots = documents.into_iter().filter_map(|d| d.root);
    let Some(root) = roots.next() else {
        return Ok(None);
    };
    if let Some(extra) = roots.next() {
        errors.at(
            extra.span,
            format!("a second YAML document; {what} is one document (remove the `---`)"),
        );
    }
    duplicate_keys(&root, errors);
    Ok(Some(root))
}

/// How a value is named in messages.
pub(crate) fn found(node: &Node) -> String {
    match &node.value {
        NodeValue::Null => "nothing".into(),
        NodeValue::Bool(b) => format!("the boolean `{b}`"),
        NodeValue::Int(_) | NodeValue::UInt(_) | NodeValue::Float(_) => {
            format!("the number `{}`", node.scalar_text().unwrap_or_default())
        }
        NodeValue::String(s) => format!("`{s}`"),
        NodeValue::Seq(_) => "a list".into(),
        NodeValue::Map(_) => "a mapping".into(),
    }
}
/// A key written twice in one mapping. YAML forbids it, and the reader
/// would silently keep the last one.
fn duplicate_keys(node: &Node, errors: &mut Errors) {
    match &node.value {
        NodeValue::Map(entries) => {
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            for (key, value) in entries {
                // Entries a merge key (`<<: *base`) copied carry the span of
                // the anchored mapping, outside this one: not duplicates.
                let written_here =
                    key.span.start >= node.span.start && key.span.end <= node.span.end;
                if let Some(first) = seen.get(key.text.as_str()) {
                    if written_here {
                        let line = errors.source.position(first.start).0;
                        errors.at(
                            key.span,
                            format!(
                                "duplicate key `{}` (first written on line {line}); keep one",
                                key.text
                            ),
                        );
                    }
                } else if written_here {
                    seen.insert(&key.text, key.span);
                }
                duplicate_keys(value, errors);
            }
        }
        NodeValue::Seq(items) => items.iter().for_each(|i| duplicate_keys(i, errors)),
        _ => {}
    }
}

/// A list of strings with each one's span; nothing (`exclude:` with every
/// entry commented out) is an empty list.
pub(crate) fn string_list(
    node: &Node,
    name: &str,
    what: &str,
    errors: &mut Errors,
) -> Vec<(String, Span)> {
    match &node.value {
        NodeValue::Null => Vec::new(),
        NodeValue::Seq(items) => items
            .iter()
            .filter_map(|item| match &item.value {
                NodeValue::String(s) => Some((s.clone(), item.span)),
                _ => {
                    errors.at(
                        item.span,
                        format!(
                            "`{name}` entries must be strings ({what}), found {}",
                            found(item)
                        ),
                    );
                    None
                }
            })
            .collect(),
        _ => {
            let example = node
                .scalar_text()
                .map(|t| format!(" (e.g. `{name}: [\"{t}\"]`)"))
                .unwrap_or_default();
            errors.at(
                node.span,
                format!(
                    "`{name}` must be a list of strings, found {}{example}",
                    found(node)
                ),
            );
            Vec::new()
        }
    }
}
