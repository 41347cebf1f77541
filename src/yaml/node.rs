//! The YAML tree every reader walks: typed values with the byte span each
//! was written at, keys in their string form, comments, documents; and its
//! conversion to policy input (values and the span tree `locate` reads).
//!
//! Separate from the builder so that readers of parsed YAML (config,
//! settings, discovery, parsers) depend on plain data, not on how it is built.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use regorus::Value;

use crate::model::{SpanChildren, SpanNode};
use crate::source::Span;

/// A value with the byte span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    /// A scalar's text (quotes included; a block scalar's content), a
    /// collection's whole extent, or for an alias copy the `*alias` token.
    pub span: Span,
}

/// A typed YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    Null,
    Bool(bool),
    Int(i64),
    /// An integer above `i64::MAX` that still fits `u64` (go-yaml keeps these).
    UInt(u64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    /// Entries in source order. Duplicate keys are kept; readers take the
    /// last one, as `sigs.k8s.io/yaml` does. Entries that came from merge keys
    /// follow the explicit ones.
    Map(Vec<(Key, Node)>),
}

/// A mapping key, converted to its string form as `sigs.k8s.io/yaml` does
/// (`1` → `"1"`, Kubernetes-typed `on` → `"true"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub text: String,
    /// The key as written.
    pub span: Span,
}

/// Where a comment sits relative to the YAML around it (granit's best-effort hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentPlacement {
    /// On its own line, directly above the next token.
    Above,
    /// After content on the same line.
    Right,
    /// On its own line, separated from what follows.
    Free,
    /// On its own line at the end of the stream.
    Last,
}

/// A `#` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, leading spaces kept.
    pub text: String,
    /// The whole comment, `#` included, line break excluded.
    pub span: Span,
    pub placement: CommentPlacement,
}

/// One document of a YAML stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// `None` for an empty or comment-only document.
    pub root: Option<Node>,
    /// The comments of this document in source order, including those
    /// directly before its `---` or content.
    pub comments: Vec<Comment>,
    pub span: Span,
}

impl Node {
    /// The value of a mapping entry (the last one when a key is repeated).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, node)| node)
    }

    /// A mapping entry with its key (the last one when a key is repeated).
    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        match &self.value {
            NodeValue::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.text == key)
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }

    /// The string, if this is a string scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar written as text (`name: 123` gives `"123"`); `None` for null
    /// and collections.
    pub fn scalar_text(&self) -> Option<Cow<'_, str>> {
        match &self.value {
            NodeValue::String(s) => Some(Cow::Borrowed(s)),
            NodeValue::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
            NodeValue::Int(i) => Some(Cow::Owned(i.to_string())),
            NodeValue::UInt(u) => Some(Cow::Owned(u.to_string())),
            NodeValue::Float(f) => Some(Cow::Owned(float_text(*f))),
            NodeValue::Null | NodeValue::Seq(_) | NodeValue::Map(_) => None,
        }
    }

    /// The span of a mapping's first key; `None` for anything else. This is
    /// the `key` of a list item's [`SpanNode`], so a finding on the item
    /// points at its first line.
    pub fn first_key_span(&self) -> Option<Span> {
        match &self.value {
            NodeValue::Map(entries) => entries.first().map(|(k, _)| k.span),
            _ => None,
        }
    }

    /// The value policies see.
    pub fn to_value(&self) -> Value {
        match &self.value {
            NodeValue::Seq(items) => {
                Value::from(items.iter().map(Node::to_value).collect::<Vec<_>>())
            }
            NodeValue::Map(entries) => Value::from(
                entries
                    .iter()
                    .map(|(k, v)| (Value::from(k.text.as_str()), v.to_value()))
                    .collect::<BTreeMap<_, _>>(),
            ),
            scalar => scalar_value(scalar),
        }
    }

    /// The span tree mirroring [`Node::to_value`]; `key` is the span of the
    /// mapping key this node is the value of.
    pub fn span_node(&self, key: Option<Span>) -> SpanNode {
        let children = match &self.value {
            NodeValue::Seq(items) => SpanChildren::List(
                items
                    .iter()
                    .map(|item| item.span_node(item.first_key_span()))
                    .collect(),
            ),
            NodeValue::Map(entries) => SpanChildren::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.text.clone(), v.span_node(Some(k.span))))
                    .collect(),
            ),
            _ => SpanChildren::Leaf,
        };
        SpanNode {
            key,
            value: self.span,
            children,
        }
    }

    /// [`Node::to_value`] and [`Node::span_node`] in one walk, which is what
    /// resource building needs.
    pub fn to_value_and_spans(&self, key: Option<Span>) -> (Value, SpanNode) {
        let (value, children) = match &self.value {
            NodeValue::Seq(items) => {
                let mut values = Vec::with_capacity(items.len());
                let mut spans = Vec::with_capacity(items.len());
                for item in items {
                    let (v, s) = item.to_value_and_spans(item.first_key_span());
                    values.push(v);
                    spans.push(s);
                }
                (Value::from(values), SpanChildren::List(spans))
            }
            NodeValue::Map(entries) => {
                let mut values = BTreeMap::new();
                let mut spans = Vec::with_capacity(entries.len());
                for (k, node) in entries {
                    let (v, s) = node.to_value_and_spans(Some(k.span));
                    values.insert(Value::from(k.text.as_str()), v);
                    spans.push((k.text.clone(), s));
                }
                (Value::from(values), SpanChildren::Map(spans))
            }
            scalar => (scalar_value(scalar), SpanChildren::Leaf),
        };
        let spans = SpanNode {
            key,
            value: self.span,
            children,
        };
        (value, spans)
    }
}

fn scalar_value(value: &NodeValue) -> Value {
    match value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::from(*b),
        NodeValue::Int(i) => Value::from(*i),
        NodeValue::UInt(u) => Value::from(*u),
        // NaN and ±inf become null: regorus has no non-finite numbers.
        NodeValue::Float(f) => Value::from(*f),
        NodeValue::String(s) => Value::from(s.as_str()),
        NodeValue::Seq(_) | NodeValue::Map(_) => Value::Undefined,
    }
}

/// Floats as go-yaml writes them, so a float key reads the same as in kubectl.
pub(super) fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_owned()
    } else if f == f64::INFINITY {
        ".inf".to_owned()
    } else if f == f64::NEG_INFINITY {
        "-.inf".to_owned()
    } else {
        f.to_string()
    }
}

/// Every key written twice in one mapping under `root`: the second key's
/// span and its text, in document order. Keys a merge (`<<: *base`) brought
/// in are not counted: overriding them is what merge keys are for, and they
/// are written outside the mapping that received them.
pub fn duplicate_keys(root: &Node) -> Vec<(Span, String)> {
    let mut found = Vec::new();
    // Iterative: a tree is bounded in depth, but not by the thread's stack.
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            NodeValue::Map(entries) => {
                let mut seen: HashSet<&str> = HashSet::new();
                for (key, _) in entries {
                    let written_here =
                        key.span.start >= node.span.start && key.span.end <= node.span.end;
                    if written_here && !seen.insert(key.text.as_str()) {
                        found.push((key.span, key.text.clone()));
                    }
                }
                stack.extend(entries.iter().rev().map(|(_, value)| value));
            }
            NodeValue::Seq(items) => stack.extend(items.iter().rev()),
            _ => {}
        }
    }
    found.sort_by_key(|(span, _)| span.start);
    found
}

#[cfg(test)]
mod tests {
    use crate::yaml::test_support::*;

    #[test]
    fn value_conversion_matches_json() {
        let text = "a: [1, 2.5, true, null, 'x', {b: c}]\nd: {}\ne: []\nf: .inf\n";
        let node = parse_one(text, Typing::Kubernetes);
        let expected = Value::from_json_str(
            r#"{"a": [1, 2.5, true, null, "x", {"b": "c"}], "d": {}, "e": [], "f": null}"#,
        )
        .unwrap();
        assert_eq!(node.to_value(), expected);
        let (value, spans) = node.to_value_and_spans(None);
        assert_eq!(value, expected);
        assert_eq!(spans, node.span_node(None));
        let json = parse_one(r#"{"n": 10, "f": 1.0e2, "s": "on", "z": -0}"#, Typing::Core);
        assert_eq!(
            json.to_value(),
            Value::from_json_str(r#"{"n": 10, "f": 100.0, "s": "on", "z": 0}"#).unwrap()
        );
    }
}
