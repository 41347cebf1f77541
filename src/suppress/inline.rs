//! Inline suppressions: directives in the comments of Terraform and YAML
//! files, and the node, document or file each one attaches to.
//!
//! Separate because attaching a comment to what it covers (the line below,
//! the end of a line, the leading comment lines) is its own set of rules.

use std::collections::BTreeMap;

use super::collect::{range_cover, Collector};
use super::directive::{self, Directive, Reach};
use super::{Origin, Suppressor};
use crate::model::{
    Bundle, DocumentComments, FileComments, HandedComment, Location, Resource, SpanNode,
};
use crate::source::{SharedSource, SourceFile, Span};

impl Collector<'_, '_> {
    /// Inline comments in every Terraform and Kubernetes file that holds a
    /// directive, as its parser handed them on.
    pub(super) fn collect_comments(
        &mut self,
        bundles: &[Bundle],
        comments: &BTreeMap<String, FileComments>,
    ) {
        // Resources by file: a directive attaches to a node of one of them.
        let mut files: BTreeMap<&str, (&SharedSource, Vec<&Resource>)> = BTreeMap::new();
        for bundle in bundles {
            for resource in &bundle.resources {
                if comments.contains_key(&resource.source.path) {
                    files
                        .entry(resource.source.path.as_str())
                        .or_insert_with(|| (&resource.source, Vec::new()))
                        .1
                        .push(resource);
                }
            }
        }
        for (path, (source, resources)) in files {
            let nodes = NodeIndex::new(source, &resources);
            match &comments[path] {
                FileComments::Hcl(handed) => self.hcl_comments(source, handed, &nodes),
                FileComments::Yaml(documents) => self.yaml_comments(source, documents, &nodes),
            }
        }
    }

    fn hcl_comments(&mut self, source: &SharedSource, handed: &[HandedComment], nodes: &NodeIndex) {
        let mut leading = true;
        let mut last_line = 0;
        for comment in handed {
            let (line, _) = source.position(comment.span.start);
            // Still in the file's first comment lines: nothing but blank
            // lines and comments before this one.
            leading = leading
                && (last_line + 1..line).all(|n| source.line_text(n).trim().is_empty())
                && !is_trailing(source, comment.span.start);
            last_line = line;
            let file = (leading, Span::new(0, source.text.len()));
            self.comment(source, comment, nodes, file);
        }
    }

    fn yaml_comments(
        &mut self,
        source: &SharedSource,
        documents: &[DocumentComments],
        nodes: &NodeIndex,
    ) {
        for document in documents {
            for comment in &document.comments {
                let leading = document
                    .content_start
                    .is_none_or(|start| comment.span.start < start);
                let whole = (leading, document.whole);
                self.comment(source, comment, nodes, whole);
            }
        }
    }

    /// One comment: a directive is attached to its node (or its file or
    /// document when `file.0` says the comment is in the leading lines).
    /// What it covers is found in `source`, the file parsed; it is reported
    /// where a person wrote it.
    fn comment(
        &mut self,
        source: &SharedSource,
        comment: &HandedComment,
        nodes: &NodeIndex,
        file: (bool, Span),
    ) {
        let span = comment.span;
        let (shown, shown_span) = comment
            .written
            .as_ref()
            .map_or((source, span), |(written, at)| (written, *at));
        let directive: Directive = match directive::parse_comment(&comment.text) {
            None => return,
            Some(Ok(d)) => d,
            Some(Err(why)) => {
                return self.unusable(
                    shown,
                    shown_span,
                    format!("this suppression cannot be read: {why}"),
                )
            }
        };
        let range = match directive.reach {
            Reach::File if file.0 => file.1,
            Reach::File => {
                return self.unusable(
                    shown,
                    shown_span,
                    "`scalegate:ignore-file` counts only in the comment lines at the top of a file (or of a YAML document); move it there".to_owned(),
                )
            }
            Reach::Node => {
                let target = target_line(source, span.start);
                match target.and_then(|line| nodes.widest(line)) {
                    Some(range) => range,
                    None => {
                        return self.unusable(
                            shown,
                            shown_span,
                            "this suppression covers nothing: put it directly above a block, attribute or YAML node (no blank line between) or at the end of its first line".to_owned(),
                        )
                    }
                }
            }
        };
        let at = Location {
            file: shown.path.clone(),
            region: shown.region(shown_span),
        };
        self.add(Suppressor {
            origin: Origin::Inline,
            names: directive.rules,
            rules: Vec::new(),
            reason: directive.reason,
            owner: None,
            expires: directive.expires,
            at,
            source: shown.clone(),
            covers: range_cover(source, range, None),
        });
    }
}

/// Whether something other than blanks precedes `offset` on its line.
fn is_trailing(source: &SourceFile, offset: usize) -> bool {
    let (line, _) = source.position(offset);
    let line_start = source.line_start(line);
    !source.text[line_start..offset].trim().is_empty()
}

/// The line a node directive at `offset` attaches to: its own line for a
/// trailing comment, else the next line that is not a comment or a YAML
/// `---`, provided no blank line comes first.
fn target_line(source: &SourceFile, offset: usize) -> Option<usize> {
    let (line, _) = source.position(offset);
    if is_trailing(source, offset) {
        return Some(line);
    }
    for next in line + 1..=source.line_count() {
        let text = source.line_text(next).trim();
        if text.is_empty() {
            return None;
        }
        if !(text.starts_with('#') || text.starts_with("//") || text == "---") {
            return Some(next);
        }
    }
    None
}

/// From a node's key (or value) to the end of its value.
pub(super) fn node_extent(node: &SpanNode) -> Span {
    match node.key {
        Some(key) => key.join(node.value),
        None => node.value,
    }
}

/// For each line, the widest block, attribute or node that starts on it.
struct NodeIndex {
    widest: BTreeMap<usize, Span>,
}

impl NodeIndex {
    fn new(source: &SourceFile, resources: &[&Resource]) -> NodeIndex {
        let mut index = NodeIndex {
            widest: BTreeMap::new(),
        };
        for resource in resources {
            index.visit(source, &resource.spans);
        }
        index
    }

    fn visit(&mut self, source: &SourceFile, node: &SpanNode) {
        let extent = node_extent(node);
        if extent.end > extent.start {
            let (line, _) = source.position(extent.start);
            let widest = self.widest.entry(line).or_insert(extent);
            if extent.end - extent.start > widest.end - widest.start {
                *widest = extent;
            }
        }
        match &node.children {
            crate::model::SpanChildren::Leaf => {}
            crate::model::SpanChildren::Map(entries) => {
                entries.iter().for_each(|(_, n)| self.visit(source, n));
            }
            crate::model::SpanChildren::List(items) => {
                items.iter().for_each(|n| self.visit(source, n));
            }
        }
    }

    fn widest(&self, line: usize) -> Option<Span> {
        self.widest.get(&line).copied()
    }
}
