//! A YAML document builder over `granit-parser` events: spans for every node,
//! Kubernetes' YAML 1.1 scalar typing, merge keys, and alias expansion under a
//! node budget.
//!
//! Shared infrastructure, not a parser of scanned input: the Kubernetes, Helm,
//! plan and Terraform JSON parsers read through it, and so do the config, the
//! settings, policy metadata, discovery and suppressions. `node` holds the
//! tree, `builder` turns events into it under the budgets, `resolve`
//! types scalars, and [`check`] collects the problems of a hand-written file.
//!
//! granit-parser is used at the event level because it is the only YAML
//! parser that gives byte offsets, comments and nesting limits
//! (docs/architecture.md "Dependencies"); the tree is ours. The builder keeps
//! its own stack of open collections instead of recursing, so hostile nesting
//! cannot overflow the thread's stack, and it counts every node an alias
//! copies, so a billion-laughs document fails after a bounded amount of work
//! and memory.
//! Every tree it returns is at most [`Limits::max_depth`] collections deep
//! (alias copies included), which is what lets [`Node::to_value_and_spans`]
//! and `Drop` recurse safely.

mod builder;
pub mod check;
mod node;
mod resolve;

pub use builder::{parse_documents, Limits};
pub use node::{duplicate_keys, Comment, CommentPlacement, Document, Key, Node, NodeValue};
pub use resolve::Typing;

/// Helpers the tests of the three files share: parse one document, type
/// one scalar, turn a span into a region.
#[cfg(test)]
mod test_support {
    pub(crate) use super::*;
    pub(crate) use crate::source::{Region, SourceFile, Span};
    pub(crate) use regorus::Value;
    pub(crate) use NodeValue::{Bool, Float, Int, Null, UInt};

    pub(crate) fn parse_one(text: &str, typing: Typing) -> Node {
        let mut docs = parse_documents(text, typing, &Limits::YAML).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0).root.unwrap()
    }

    pub(crate) fn scalar(text: &str, typing: Typing) -> NodeValue {
        parse_one(&format!("v: {text}\n"), typing)
            .get("v")
            .unwrap()
            .value
            .clone()
    }

    pub(crate) fn region(text: &str, span: Span) -> Region {
        SourceFile::new("t.yaml", text.to_owned()).region(span)
    }

    pub(crate) fn s(text: &str) -> NodeValue {
        NodeValue::String(text.to_owned())
    }
}
