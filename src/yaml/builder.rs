//! The event builder: turns granit-parser's events into [`Document`]s with
//! its own stack of open collections, merge keys and alias expansion, under
//! the nesting and alias budgets of [`Limits`].
//!
//! Separate from the tree because this is where hostile input is contained:
//! no recursion, every alias copy counted, every error at a byte offset.

use std::collections::{HashMap, HashSet};

use granit_parser::{ErrorKind, Event, Parser, Placement, ScalarStyle, ScanError, StructureStyle};

use super::node::{Comment, CommentPlacement, Document, Key, Node, NodeValue};
use super::resolve::{resolve, to_key, Typing};
use crate::diagnostic::ParseError;
use crate::source::Span;

/// Budgets that protect the scan from hostile or broken input
/// (docs/architecture.md "Budgets").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Deepest allowed nesting of collections (the root collection is level 1).
    pub max_depth: usize,
    /// Most nodes alias expansion may copy, over the whole stream: a budget
    /// per document would let a file of many small bombs grow without bound.
    pub max_alias_nodes: usize,
}

impl Limits {
    /// The budgets for YAML files.
    pub const YAML: Limits = Limits {
        max_depth: 255,
        max_alias_nodes: 100_000,
    };
    /// The budgets for JSON files (`.tf.json`, plans).
    pub const JSON: Limits = Limits {
        max_depth: 128,
        max_alias_nodes: 100_000,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::YAML
    }
}

/// Comments are rarely this many in a row; the cap only exists because
/// granit needs one (its default, 96, rejects long license headers).
const MAX_BUFFERED_COMMENTS: usize = 1 << 20;

/// Parses every document of a YAML stream (also JSON, which is YAML).
///
/// Fails at the first scanner error or exceeded budget, with the byte offset
/// where it was found.
pub fn parse_documents(
    text: &str,
    typing: Typing,
    limits: &Limits,
) -> Result<Vec<Document>, ParseError> {
    let options = granit_parser::options! {
        flow_nesting_limit: limits.max_depth,
        block_nesting_limit: limits.max_depth,
        max_buffered_comment_events: MAX_BUFFERED_COMMENTS,
    };
    let mut builder = Builder::new(text, typing, *limits);
    for item in Parser::new_from_str_with_options(text, options) {
        let (event, span) = item.map_err(|e| scan_error(text, &e, limits))?;
        builder.event(event, span)?;
    }
    Ok(builder.finish())
}

/// A scanner error where the parser gave up. granit marks where the
/// construct that failed began (an unclosed `[` or quote, a scalar a tab
/// interrupts); the position reported is where it could not go on: the end
/// of the input for what is never closed (the opener is named in the
/// message), the tab itself for a tab.
fn scan_error(text: &str, error: &ScanError, limits: &Limits) -> ParseError {
    let offset = error.marker().byte_offset().unwrap_or(0);
    match error.kind() {
        ErrorKind::RecursionLimitExceeded => depth_error(offset, limits),
        ErrorKind::UnclosedFlowCollection { .. }
        | ErrorKind::UnclosedQuotedScalar
        | ErrorKind::UnexpectedEofFlowSequence
        | ErrorKind::UnexpectedEofFlowMapping
        | ErrorKind::UnexpectedEofImplicitFlowMapping
        | ErrorKind::UnexpectedEof
            if offset < text.len() =>
        {
            let (line, column) = line_column(text, offset);
            ParseError::new(
                text.len(),
                format!(
                    "{} (opened at line {line}, column {column}): the input ends before it is closed",
                    error.info()
                ),
            )
        }
        ErrorKind::TabInBlockIndentation
        | ErrorKind::TabInIndentation
        | ErrorKind::TabNotAllowed => {
            let before = offset
                .checked_sub(1)
                .filter(|&i| text.as_bytes()[i] == b'\t');
            let tab = before.or_else(|| text.get(offset..)?.find('\t').map(|i| offset + i));
            ParseError::new(tab.unwrap_or(offset), error.info())
        }
        _ => ParseError::new(offset, error.info()),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

fn depth_error(offset: usize, limits: &Limits) -> ParseError {
    ParseError::new(
        offset,
        format!("nesting deeper than {} levels", limits.max_depth),
    )
}

fn span_of(span: &granit_parser::Span) -> Span {
    Span::new(
        span.start.byte_offset().unwrap_or(0),
        span.end.byte_offset().unwrap_or(0),
    )
}

/// The offset of the `?` that opens an empty explicit key, looking back from
/// `next` (the token after the key) over blanks, blank lines and comments.
fn explicit_key_indicator(text: &str, next: usize) -> Option<usize> {
    let mut end = next;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        // A comment starts at a `#` at the line's start or after a blank.
        let code = line
            .char_indices()
            .find(|&(i, c)| c == '#' && (i == 0 || line[..i].ends_with([' ', '\t'])))
            .map_or(line, |(i, _)| &line[..i])
            .trim_end_matches([' ', '\t', '\r']);
        if let Some(before) = code.strip_suffix('?') {
            let opens = before.is_empty() || before.ends_with([' ', '\t', '{', ',', '[']);
            return opens.then_some(start + before.len());
        }
        if !code.trim_start_matches([' ', '\t']).is_empty() || start == 0 {
            return None;
        }
        end = start - 1;
    }
}

/// An open collection.
struct Frame {
    start: usize,
    flow: bool,
    anchor: usize,
    /// Nodes in the subtree, this one included (keys count too).
    nodes: usize,
    /// Collections on the longest path down, this one included.
    height: usize,
    /// End of the last child, which is where a block collection really ends
    /// (granit's end event sits at the next token, past comments and blank lines).
    last_end: usize,
    body: Body,
}

enum Body {
    Seq(Vec<Node>),
    Map {
        entries: Vec<(Key, Node)>,
        /// A key waiting for its value; `true` when it is a plain `<<`.
        key: Option<(Node, bool)>,
        merges: Vec<Node>,
    },
}

/// A finished anchored node, kept for its aliases.
struct Anchored {
    node: Node,
    nodes: usize,
    height: usize,
}

struct OpenDocument {
    start: usize,
    root: Option<Node>,
    comments: Vec<Comment>,
}

struct Builder<'a> {
    text: &'a str,
    typing: Typing,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Anchored>,
    alias_nodes: usize,
    document: Option<OpenDocument>,
    /// Comments seen outside a document: they belong to the next one.
    pending_comments: Vec<Comment>,
    documents: Vec<Document>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, typing: Typing, limits: Limits) -> Builder<'a> {
        Builder {
            text,
            typing,
            limits,
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            document: None,
            pending_comments: Vec::new(),
            documents: Vec::new(),
        }
    }

    fn event(&mut self, event: Event<'_>, span: granit_parser::Span) -> Result<(), ParseError> {
        let span = span_of(&span);
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let core = tag.as_deref().and_then(|t| t.core_suffix());
                let merge = style == ScalarStyle::Plain && tag.is_none() && value == "<<";
                let mut span = span;
                if span.start == span.end
                    && style == ScalarStyle::Plain
                    && tag.is_none()
                    && anchor == 0
                    && self.awaits_key()
                {
                    // An empty node has no text (granit says `~`); granit
                    // places an empty key at the token after it (the
                    // `:` of `?` / `: x`, often a line below); a finding on
                    // the key belongs at its `?`.
                    if let Some(at) = explicit_key_indicator(self.text, span.start) {
                        span = Span::new(at, at);
                    }
                }
                let value = resolve(value, style, core, self.typing)
                    .map_err(|message| ParseError::new(span.start, message))?;
                self.add(Node { value, span }, 1, 0, anchor, merge);
            }
            Event::SequenceStart(style, anchor, _) => self.open(span, style, anchor, false)?,
            Event::MappingStart(style, anchor, _) => self.open(span, style, anchor, true)?,
            Event::SequenceEnd | Event::MappingEnd => self.close(span)?,
            Event::Alias(id) => self.alias(id, span)?,
            Event::Comment(text, placement) => {
                let comment = Comment {
                    text: text.into_owned(),
                    span,
                    placement: match placement {
                        Placement::Above => CommentPlacement::Above,
                        Placement::Right => CommentPlacement::Right,
                        Placement::Last => CommentPlacement::Last,
                        _ => CommentPlacement::Free,
                    },
                };
                match &mut self.document {
                    Some(document) => document.comments.push(comment),
                    None => self.pending_comments.push(comment),
                }
            }
            Event::DocumentStart(..) => {
                self.document = Some(OpenDocument {
                    start: span.start,
                    root: None,
                    comments: std::mem::take(&mut self.pending_comments),
                });
            }
            Event::DocumentEnd => self.end_document(span),
            Event::UnresolvedAlias(name) => {
                // Only emitted when asked for; kept as an error for safety.
                return Err(ParseError::new(
                    span.start,
                    format!("unknown anchor `{name}`"),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn open(
        &mut self,
        span: Span,
        style: StructureStyle,
        anchor: usize,
        map: bool,
    ) -> Result<(), ParseError> {
        if self.stack.len() >= self.limits.max_depth {
            return Err(depth_error(span.start, &self.limits));
        }
        let body = if map {
            Body::Map {
                entries: Vec::new(),
                key: None,
                merges: Vec::new(),
            }
        } else {
            Body::Seq(Vec::new())
        };
        self.stack.push(Frame {
            start: span.start,
            flow: style == StructureStyle::Flow,
            anchor,
            nodes: 1,
            height: 1,
            last_end: span.end,
            body,
        });
        Ok(())
    }

    fn close(&mut self, span: Span) -> Result<(), ParseError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let end = if frame.flow { span.end } else { frame.last_end };
        let value = match frame.body {
            Body::Seq(items) => NodeValue::Seq(items),
            Body::Map {
                mut entries,
                merges,
                ..
            } => {
                if !merges.is_empty() {
                    apply_merges(&mut entries, merges)?;
                }
                NodeValue::Map(entries)
            }
        };
        let node = Node {
            value,
            span: Span::new(frame.start, end),
        };
        self.add(node, frame.nodes, frame.height, frame.anchor, false);
        Ok(())
    }

    fn alias(&mut self, id: usize, span: Span) -> Result<(), ParseError> {
        let Some(anchored) = self.anchors.get(&id) else {
            return Err(ParseError::new(
                span.start,
                "alias refers to its own anchor (recursive alias)",
            ));
        };
        self.alias_nodes += anchored.nodes;
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(ParseError::new(
                span.start,
                format!(
                    "alias expansion exceeds {} nodes (billion-laughs protection)",
                    self.limits.max_alias_nodes
                ),
            ));
        }
        if self.stack.len() + anchored.height > self.limits.max_depth {
            return Err(depth_error(span.start, &self.limits));
        }
        let (nodes, height) = (anchored.nodes, anchored.height);
        let mut node = anchored.node.clone();
        // The copy's parts keep the anchor's spans (that is where they are
        // written); the copy itself is reported where it is used.
        node.span = span;
        self.add(node, nodes, height, 0, false);
        Ok(())
    }

    /// Whether the next node is a mapping key.
    fn awaits_key(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame {
                body: Body::Map { key: None, .. },
                ..
            })
        )
    }

    /// Hands a finished node to its parent (or makes it the document root).
    fn add(&mut self, node: Node, nodes: usize, height: usize, anchor: usize, merge: bool) {
        if anchor != 0 {
            self.anchors.insert(
                anchor,
                Anchored {
                    node: node.clone(),
                    nodes,
                    height,
                },
            );
        }
        let Some(frame) = self.stack.last_mut() else {
            if let Some(document) = &mut self.document {
                document.root = Some(node);
            }
            return;
        };
        frame.nodes += nodes;
        frame.height = frame.height.max(height + 1);
        frame.last_end = frame.last_end.max(node.span.end);
        match &mut frame.body {
            Body::Seq(items) => items.push(node),
            Body::Map {
                entries,
                key,
                merges,
            } => match key.take() {
                None => *key = Some((node, merge)),
                Some((_, true)) => merges.push(node),
                Some((key_node, false)) => entries.push((to_key(key_node, self.text), node)),
            },
        }
    }

    fn end_document(&mut self, span: Span) {
        let Some(open) = self.document.take() else {
            return;
        };
        // The implicit null of an empty document has an empty span; an
        // explicit `~` does not.
        let root = open
            .root
            .filter(|n| !(n.value == NodeValue::Null && n.span.start == n.span.end));
        let mut end = open.start;
        if let Some(root) = &root {
            end = end.max(root.span.end);
        }
        if let Some(last) = open.comments.last() {
            end = end.max(last.span.end);
        }
        if span.start != span.end {
            end = end.max(span.end); // an explicit `...`
        }
        self.documents.push(Document {
            root,
            comments: open.comments,
            span: Span::new(open.start, end),
        });
        // Anchors are scoped to their document; the alias budget is not.
        self.anchors.clear();
    }

    fn finish(mut self) -> Vec<Document> {
        let comments = std::mem::take(&mut self.pending_comments);
        if let Some(first) = comments.first() {
            match self.documents.last_mut() {
                Some(last) => {
                    last.span = last.span.join(first.span);
                    last.comments.extend(comments);
                }
                None => {
                    let span = first.span.join(comments[comments.len() - 1].span);
                    self.documents.push(Document {
                        root: None,
                        comments,
                        span,
                    });
                }
            }
        }
        self.documents
    }
}

/// Applies `<<` merge keys: explicit keys win, and among merged mappings the
/// earlier one wins (the YAML merge-key spec; go-yaml v3 and kubectl agree).
fn apply_merges(entries: &mut Vec<(Key, Node)>, merges: Vec<Node>) -> Result<(), ParseError> {
    let mut sources = Vec::new();
    for merge in merges {
        // Reported at the `<<` value as written: an alias copy's parts point
        // into the anchor, which may be far away.
        let offset = merge.span.start;
        match merge.value {
            NodeValue::Map(map) => sources.push(map),
            NodeValue::Seq(items) => {
                for item in items {
                    match item.value {
                        NodeValue::Map(map) => sources.push(map),
                        _ => return Err(merge_error(offset)),
                    }
                }
            }
            _ => return Err(merge_error(offset)),
        }
    }
    let mut present: HashSet<String> = entries.iter().map(|(k, _)| k.text.clone()).collect();
    for source in sources {
        for (key, node) in source {
            if !present.contains(&key.text) {
                present.insert(key.text.clone());
                entries.push((key, node));
            }
        }
    }
    Ok(())
}

fn merge_error(offset: usize) -> ParseError {
    ParseError::new(
        offset,
        "a merge key `<<` needs a mapping or a list of mappings, e.g. `<<: *defaults`",
    )
}

#[cfg(test)]
mod tests {
    use crate::yaml::test_support::*;

    #[test]
    fn merge_keys_explicit_keys_win_and_earlier_maps_win() {
        let text = "\
base: &base {a: 1, b: 1}
other: &other {b: 2, c: 2, d: 2}
one:
  a: 0
  <<: *base
many:
  <<: [*base, *other]
  d: 3
quoted:
  \"<<\": *base
";
        let node = parse_one(text, Typing::Kubernetes);
        let expected = Value::from_json_str(
            r#"{"base": {"a": 1, "b": 1}, "other": {"b": 2, "c": 2, "d": 2},
                "one": {"a": 0, "b": 1},
                "many": {"a": 1, "b": 1, "c": 2, "d": 3},
                "quoted": {"<<": {"a": 1, "b": 1}}}"#,
        )
        .unwrap();
        assert_eq!(node.to_value(), expected);
        // A merged entry keeps the span where it is written: in the anchor.
        let b = node.get("one").unwrap().get("b").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "1");
        assert_eq!(b.span.start, text.find("b: 1").unwrap() + 3);

        let bad = "a: &a [1]\nb:\n  <<: *a\n";
        let err = parse_documents(bad, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(err.offset, bad.rfind("*a").unwrap());
        assert!(err.message.contains("merge key"), "{}", err.message);
    }

    #[test]
    fn aliases_are_expanded() {
        let text = "a: &x {k: [1, 2]}\nb: *x\nc: &s hello\nd: *s\n";
        let node = parse_one(text, Typing::Kubernetes);
        assert_eq!(
            node.get("b").unwrap().to_value(),
            node.get("a").unwrap().to_value()
        );
        assert_eq!(node.get("d").unwrap().value, s("hello"));
        // The copy itself is reported where it is used; its parts where written.
        let b = node.get("b").unwrap();
        assert_eq!(&text[b.span.start..b.span.end], "*x");
        let k = b.get("k").unwrap();
        assert_eq!(&text[k.span.start..k.span.end], "[1, 2]");

        let err = parse_documents("a: &a [*a]\n", Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(err.offset, 7);
    }

    #[test]
    fn billion_laughs_fails_fast_at_the_alias_over_budget() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (prev, name) in ('a'..='h').zip('b'..='i') {
            let row = vec![format!("*{prev}"); 9].join(",");
            text.push_str(&format!("{name}: &{name} [{row}]\n"));
        }
        let started = std::time::Instant::now();
        let err = parse_documents(&text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert!(started.elapsed().as_secs() < 5);
        // a=10 nodes, b=91, c=820, d=7381, e=66430: copies of a..d cost
        // 74,718 nodes; the first copy of e, in f, passes 100,000.
        assert_eq!(err.offset, text.find("*e").unwrap());
        assert_eq!(
            err.message,
            "alias expansion exceeds 100000 nodes (billion-laughs protection)"
        );
        let file = SourceFile::new("lol.yaml", text.clone());
        assert_eq!(file.position(err.offset), (6, 8));
    }

    #[test]
    fn alias_budget_covers_the_whole_stream() {
        let limits = Limits {
            max_depth: 255,
            max_alias_nodes: 10,
        };
        // Each copy of `a` is 4 nodes: 8 in the first document, 12 by the
        // third copy.
        let text = "a: &a [1, 2, 3]\nb: [*a, *a]\n---\na: &a [1, 2, 3]\nb: *a\n";
        let err = parse_documents(text, Typing::Kubernetes, &limits).unwrap_err();
        assert_eq!(err.offset, text.rfind("*a").unwrap());
        assert_eq!(
            err.message,
            "alias expansion exceeds 10 nodes (billion-laughs protection)"
        );
    }

    #[test]
    fn deep_flow_nesting_is_an_error_not_a_stack_overflow() {
        let text = "[".repeat(100_000);
        let err = parse_documents(&text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(err.message, "nesting deeper than 255 levels");
        assert_eq!(err.offset, 255);
        let json = parse_documents(&text, Typing::Core, &Limits::JSON).unwrap_err();
        assert_eq!(json.message, "nesting deeper than 128 levels");
        assert_eq!(json.offset, 128);
    }

    #[test]
    fn deep_block_nesting_is_an_error_not_a_stack_overflow() {
        let text = "- ".repeat(100_000);
        let err = parse_documents(&text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(err.message, "nesting deeper than 255 levels");
        assert_eq!(err.offset, 510);
        let text: String = (0..100_000)
            .map(|i| format!("{}k:\n", " ".repeat(i % 1000)))
            .collect();
        let err = parse_documents(&text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(err.message, "nesting deeper than 255 levels");
    }

    #[test]
    fn mixed_block_and_flow_depth_is_counted_by_the_builder() {
        let limits = Limits {
            max_depth: 4,
            max_alias_nodes: 100,
        };
        let text = "a:\n  b:\n    c: [[1]]\n";
        let err = parse_documents(text, Typing::Kubernetes, &limits).unwrap_err();
        assert_eq!(err.offset, text.find("[1").unwrap());
        assert_eq!(err.message, "nesting deeper than 4 levels");
        assert!(parse_documents("a:\n  b:\n    c: [1]\n", Typing::Kubernetes, &limits).is_ok());

        // An alias copy counts with its own depth.
        let limits = Limits {
            max_depth: 3,
            max_alias_nodes: 100,
        };
        let text = "a: &x [[1]]\nb: [*x]\n";
        let err = parse_documents(text, Typing::Kubernetes, &limits).unwrap_err();
        assert_eq!(err.offset, text.find("*x").unwrap());
    }

    #[test]
    fn scanner_errors_point_at_the_marker() {
        let text = "kind: Pod\nmetadata:\n  name: x: y\n";
        let err = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(
            err.message,
            "mapping values are not allowed in this context"
        );
        let file = SourceFile::new("t.yaml", text.to_owned());
        assert_eq!(
            file.region(Span::new(err.offset, err.offset)),
            Region::new(3, 10, 3, 10)
        );

        let text = "a: [1, 2\nb: 3\n";
        let err = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        let file = SourceFile::new("t.yaml", text.to_owned());
        assert!(!err.message.is_empty());
        assert_eq!(file.position(err.offset).0, 2);
    }

    #[test]
    fn spans_of_nested_values_keys_and_list_items() {
        let text = "\
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: web
          image: \"nginx:1.25\"
        - name: side
  labels: {app: web}
";
        let node = parse_one(text, Typing::Kubernetes);
        let spans = node.span_node(None);
        use crate::model::PathSeg::{Index, Key as K};
        let path = [
            K("spec".into()),
            K("template".into()),
            K("spec".into()),
            K("containers".into()),
            Index(0),
            K("image".into()),
        ];
        let (image, depth) = spans.deepest(&path);
        assert_eq!(depth, 6);
        assert_eq!(region(text, image.value), Region::new(7, 18, 7, 30));
        assert_eq!(region(text, image.key.unwrap()), Region::new(7, 11, 7, 16));
        // A list item's key is its first mapping key.
        let (item, _) = spans.deepest(&path[..5]);
        assert_eq!(region(text, item.key.unwrap()), Region::new(6, 11, 6, 15));
        assert_eq!(region(text, item.value), Region::new(6, 11, 7, 30));
        let (containers, _) = spans.deepest(&path[..4]);
        assert_eq!(region(text, containers.value), Region::new(6, 9, 8, 21));
        let labels = spans.deepest(&[K("spec".into()), K("labels".into())]).0;
        assert_eq!(region(text, labels.value), Region::new(9, 11, 9, 21));
        let app = labels.child(&K("app".into())).unwrap();
        assert_eq!(region(text, app.value), Region::new(9, 17, 9, 20));
        assert_eq!(region(text, spans.value), Region::new(1, 1, 9, 21));
    }

    /// An empty explicit key is located at its `?`, not at the `:` that
    /// follows it (which may be lines below, past comments).
    #[test]
    fn an_empty_explicit_key_is_at_its_question_mark() {
        let key_region = |text: &str| {
            let root = parse_one(text, Typing::Kubernetes);
            let NodeValue::Map(entries) = &root.value else {
                panic!("{text:?} is not a mapping")
            };
            let (key, _) = entries.iter().find(|(k, _)| k.text == "null").unwrap();
            region(text, key.span)
        };
        assert_eq!(key_region("?\n: x\n"), Region::new(1, 1, 1, 1));
        assert_eq!(key_region("a: 1\n? \n: x\n"), Region::new(2, 1, 2, 1));
        assert_eq!(
            key_region("? # why\n\n  # more\n: x\n"),
            Region::new(1, 1, 1, 1)
        );
        assert_eq!(key_region("{a: 1, ? : x}\n"), Region::new(1, 8, 1, 8));
        assert_eq!(key_region("?\r\n: x\r\n"), Region::new(1, 1, 1, 1));
        // An empty implicit key (`: x`) stays at its `:`.
        assert_eq!(key_region("{: x}\n"), Region::new(1, 2, 1, 2));
        // An empty value is not a key: `b:` keeps its place.
        let root = parse_one("b:\n", Typing::Kubernetes);
        assert_eq!(
            region("b:\n", root.get("b").unwrap().span),
            Region::new(1, 2, 1, 2)
        );
    }

    #[test]
    fn crlf_bom_and_non_ascii_spans() {
        let text = "\u{feff}kind: Pod\r\nmetadata:\r\n  name: \"héllo wörld\"\r\n  note: ü\r\n";
        let file = SourceFile::new("t.yaml", text.to_owned());
        assert!(file.had_bom);
        let node = parse_one(&file.text, Typing::Kubernetes);
        let metadata = node.get("metadata").unwrap();
        let name = metadata.get("name").unwrap();
        assert_eq!(name.value, s("héllo wörld"));
        assert_eq!(file.region(name.span), Region::new(3, 9, 3, 22));
        let note = metadata.entry("note").unwrap();
        assert_eq!(file.region(note.0.span), Region::new(4, 3, 4, 7));
        assert_eq!(file.region(note.1.span), Region::new(4, 9, 4, 10));
        assert_eq!(file.region(metadata.span), Region::new(3, 3, 4, 10));
        assert_eq!(
            file.region(node.get("kind").unwrap().span),
            Region::new(1, 7, 1, 10)
        );
    }

    #[test]
    fn documents_comments_and_empty_documents() {
        let text = "# head\n---\na: 1 # right\n---\n# only a comment\n---\n~\n---\n- x\n# tail\n";
        let docs = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap();
        assert_eq!(docs.len(), 4);
        let comments: Vec<Vec<(&str, CommentPlacement)>> = docs
            .iter()
            .map(|d| {
                d.comments
                    .iter()
                    .map(|c| (c.text.as_str(), c.placement))
                    .collect()
            })
            .collect();
        assert_eq!(
            comments[0],
            [
                (" head", CommentPlacement::Above),
                (" right", CommentPlacement::Right)
            ]
        );
        assert_eq!(comments[1], [(" only a comment", CommentPlacement::Above)]);
        assert!(comments[2].is_empty());
        assert_eq!(comments[3].len(), 1);
        assert_eq!(docs[0].comments[1].span, Span::new(16, 23));
        assert!(docs[0].root.is_some());
        assert!(docs[1].root.is_none());
        assert_eq!(docs[2].root.as_ref().unwrap().value, Null);
        assert_eq!(
            docs[3].root.as_ref().unwrap().to_value(),
            Value::from(vec![Value::from("x")])
        );
        assert!(parse_documents("", Typing::Kubernetes, &Limits::YAML)
            .unwrap()
            .is_empty());
    }
}
