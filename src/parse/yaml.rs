//! A YAML document builder over `granit-parser` events: spans for every node,
//! Kubernetes' YAML 1.1 scalar typing, merge keys, and alias expansion under a
//! node budget.
//!
//! granit-parser is used at the event level because it is the only YAML
//! parser that gives byte offsets, comments and nesting limits (DESIGN.md
//! §11); the tree is ours. The builder keeps its own stack of open
//! collections instead of recursing, so hostile nesting cannot overflow the
//! thread's stack, and it counts every node an alias copies, so a
//! billion-laughs document fails after a bounded amount of work and memory.
//! Every tree it returns is at most [`Limits::max_depth`] collections deep
//! (alias copies included), which is what lets [`Node::to_value_and_spans`]
//! and `Drop` recurse safely.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use granit_parser::{ErrorKind, Event, Parser, Placement, ScalarStyle, ScanError, StructureStyle};
use regorus::Value;

use crate::model::{SpanChildren, SpanNode};
use crate::parse::ParseError;
use crate::source::Span;

/// How plain (unquoted) scalars are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// YAML 1.1 as go-yaml v2 / `sigs.k8s.io/yaml` types it, which is what the
    /// API server sees: `on`/`yes`/`y` are booleans, `0777` is octal 511,
    /// `1_000` is 1000, and non-string mapping keys become strings.
    Kubernetes,
    /// The YAML 1.2 core schema: `off` stays a string, `0777` is 777 and
    /// `0o777` is octal. Used for `.scalegate.yaml`, `--data` files and JSON.
    Core,
}

/// Budgets that protect the scan from hostile or broken input (DESIGN.md §7).
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
fn float_text(f: f64) -> String {
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

/// Comments are rarely this many in a row; the cap only exists because
/// granit needs one (its default, 96, rejects long license headers).
const MAX_BUFFERED_COMMENTS: usize = 1 << 20;

/// Parses every document of a YAML stream (also JSON, which is YAML).
///
/// Fails at the first scanner error or exceeded budget, with the byte offset
/// where it was found.
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

/// Non-string keys become strings, as `sigs.k8s.io/yaml` converts them for
/// JSON; a collection key (rare, and an error there) keeps its source text.
fn to_key(node: Node, text: &str) -> Key {
    let key_text = match node.value {
        NodeValue::String(s) => s,
        NodeValue::Null => "null".to_owned(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::UInt(u) => u.to_string(),
        NodeValue::Float(f) => float_text(f),
        NodeValue::Seq(_) | NodeValue::Map(_) => text
            .get(node.span.start..node.span.end)
            .unwrap_or_default()
            .to_owned(),
    };
    Key {
        text: key_text,
        span: node.span,
    }
}

/// Types one scalar. `core_tag` is the suffix of an explicit `!!` tag.
fn resolve(
    value: Cow<'_, str>,
    style: ScalarStyle,
    core_tag: Option<&str>,
    typing: Typing,
) -> Result<NodeValue, String> {
    let typed = || match typing {
        Typing::Kubernetes => resolve_kubernetes(&value),
        Typing::Core => resolve_core(&value),
    };
    let wanted = match core_tag {
        Some("str") => return Ok(NodeValue::String(value.into_owned())),
        Some(tag @ ("null" | "bool" | "int" | "float")) => tag,
        // `!!map`/`!!seq` on a scalar, custom and unknown tags: typed normally.
        _ => {
            if style != ScalarStyle::Plain {
                return Ok(NodeValue::String(value.into_owned()));
            }
            return Ok(typed().unwrap_or_else(|| NodeValue::String(value.into_owned())));
        }
    };
    match (wanted, typed()) {
        ("null", Some(NodeValue::Null)) => Ok(NodeValue::Null),
        ("bool", Some(v @ NodeValue::Bool(_))) => Ok(v),
        ("int", Some(v @ (NodeValue::Int(_) | NodeValue::UInt(_)))) => Ok(v),
        ("float", Some(v @ NodeValue::Float(_))) => Ok(v),
        ("float", Some(NodeValue::Int(i))) => Ok(NodeValue::Float(i as f64)),
        ("float", Some(NodeValue::UInt(u))) => Ok(NodeValue::Float(u as f64)),
        _ => Err(format!("cannot read `{value}` as !!{wanted}")),
    }
}

/// go-yaml v2's `resolve` for untagged plain scalars. `None` means a string.
fn resolve_kubernetes(s: &str) -> Option<NodeValue> {
    let Some(&first) = s.as_bytes().first() else {
        return Some(NodeValue::Null);
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            kubernetes_word(s)
        }
        b'.' => kubernetes_word(s).or_else(|| float_literal(s)),
        b'+' | b'-' | b'0'..=b'9' => kubernetes_word(s).or_else(|| {
            let plain = if s.contains('_') {
                Cow::Owned(s.replace('_', ""))
            } else {
                Cow::Borrowed(s)
            };
            go_int(&plain).or_else(|| float_literal(&plain))
        }),
        _ => None,
    }
}

/// go-yaml v2's table of YAML 1.1 words.
fn kubernetes_word(s: &str) -> Option<NodeValue> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            NodeValue::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            NodeValue::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => NodeValue::Null,
        _ => special_float(s)?,
    })
}

fn special_float(s: &str) -> Option<NodeValue> {
    Some(NodeValue::Float(match s {
        ".nan" | ".NaN" | ".NAN" => f64::NAN,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => f64::INFINITY,
        "-.inf" | "-.Inf" | "-.INF" => f64::NEG_INFINITY,
        _ => return None,
    }))
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint` (which takes no sign):
/// `0x`/`0o`/`0b` prefixes and a leading `0` for octal.
fn go_int(s: &str) -> Option<NodeValue> {
    let (negative, signed, rest) = match s.as_bytes().first()? {
        b'-' => (true, true, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let lower = rest.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &rest[2..]),
        Some("0o") => (8, &rest[2..]),
        Some("0b") => (2, &rest[2..]),
        _ if rest.len() > 1 && rest.starts_with('0') => (8, &rest[1..]),
        _ => (10, rest),
    };
    let magnitude = parse_magnitude(digits, radix)?;
    integer(negative, signed, magnitude)
}

/// Digits only: `u64::from_str_radix` would also take a sign.
fn parse_magnitude(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

fn integer(negative: bool, signed: bool, magnitude: u64) -> Option<NodeValue> {
    if negative {
        return (magnitude <= i64::MAX as u64 + 1)
            .then(|| NodeValue::Int((magnitude as i64).wrapping_neg()));
    }
    match i64::try_from(magnitude) {
        Ok(i) => Some(NodeValue::Int(i)),
        Err(_) if !signed => Some(NodeValue::UInt(magnitude)),
        Err(_) => None,
    }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` — go-yaml's float
/// pattern, which is also YAML 1.2's and JSON's (give or take).
fn float_literal(s: &str) -> Option<NodeValue> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - from
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    } else {
        if digits(&mut i) == 0 {
            return None;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().map(NodeValue::Float)
}

/// The YAML 1.2 core schema. `None` means a string.
fn resolve_core(s: &str) -> Option<NodeValue> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Some(NodeValue::Null),
        "true" | "True" | "TRUE" => return Some(NodeValue::Bool(true)),
        "false" | "False" | "FALSE" => return Some(NodeValue::Bool(false)),
        _ => {}
    }
    let first = *s.as_bytes().first()?;
    if !matches!(first, b'-' | b'+' | b'.' | b'0'..=b'9') {
        return None;
    }
    if let Some(v) = special_float(s) {
        return Some(v);
    }
    if let Some(octal) = s.strip_prefix("0o") {
        return parse_magnitude(octal, 8).and_then(|m| integer(false, false, m));
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return parse_magnitude(hex, 16).and_then(|m| integer(false, false, m));
    }
    let (negative, signed, digits) = match first {
        b'-' => (true, true, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    if let Some(v) = parse_magnitude(digits, 10).and_then(|m| integer(negative, signed, m)) {
        return Some(v);
    }
    float_literal(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Region, SourceFile};

    fn parse_one(text: &str, typing: Typing) -> Node {
        let mut docs = parse_documents(text, typing, &Limits::YAML).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0).root.unwrap()
    }

    fn scalar(text: &str, typing: Typing) -> NodeValue {
        parse_one(&format!("v: {text}\n"), typing)
            .get("v")
            .unwrap()
            .value
            .clone()
    }

    fn region(text: &str, span: Span) -> Region {
        SourceFile::new("t.yaml", text.to_owned()).region(span)
    }

    use NodeValue::{Bool, Float, Int, Null, UInt};

    fn s(text: &str) -> NodeValue {
        NodeValue::String(text.to_owned())
    }

    #[test]
    fn plain_scalar_typing_yaml_1_1_versus_core() {
        let table: Vec<(&str, NodeValue, NodeValue)> = vec![
            ("true", Bool(true), Bool(true)),
            ("True", Bool(true), Bool(true)),
            ("TRUE", Bool(true), Bool(true)),
            ("tRUE", s("tRUE"), s("tRUE")),
            ("yes", Bool(true), s("yes")),
            ("Yes", Bool(true), s("Yes")),
            ("YES", Bool(true), s("YES")),
            ("y", Bool(true), s("y")),
            ("Y", Bool(true), s("Y")),
            ("on", Bool(true), s("on")),
            ("On", Bool(true), s("On")),
            ("ON", Bool(true), s("ON")),
            ("no", Bool(false), s("no")),
            ("n", Bool(false), s("n")),
            ("N", Bool(false), s("N")),
            ("off", Bool(false), s("off")),
            ("Off", Bool(false), s("Off")),
            ("OFF", Bool(false), s("OFF")),
            ("false", Bool(false), Bool(false)),
            ("~", Null, Null),
            ("null", Null, Null),
            ("Null", Null, Null),
            ("NULL", Null, Null),
            ("", Null, Null),
            ("nULL", s("nULL"), s("nULL")),
            ("0", Int(0), Int(0)),
            ("-0", Int(0), Int(0)),
            ("42", Int(42), Int(42)),
            ("+42", Int(42), Int(42)),
            ("-42", Int(-42), Int(-42)),
            ("0777", Int(511), Int(777)),
            ("0o777", Int(511), Int(511)),
            ("0x1F", Int(31), Int(31)),
            ("-0x1F", Int(-31), s("-0x1F")),
            ("0b101", Int(5), s("0b101")),
            ("1_000", Int(1000), s("1_000")),
            ("08", Float(8.0), Int(8)),
            ("9223372036854775807", Int(i64::MAX), Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN), Int(i64::MIN)),
            (
                "9223372036854775808",
                UInt(9_223_372_036_854_775_808),
                UInt(9_223_372_036_854_775_808),
            ),
            ("1e3", Float(1000.0), Float(1000.0)),
            ("1.5", Float(1.5), Float(1.5)),
            ("-.5", Float(-0.5), Float(-0.5)),
            ("1.", Float(1.0), Float(1.0)),
            (".5", Float(0.5), Float(0.5)),
            (".inf", Float(f64::INFINITY), Float(f64::INFINITY)),
            ("+.inf", Float(f64::INFINITY), Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY), Float(f64::NEG_INFINITY)),
            ("1e", s("1e"), s("1e")),
            ("inf", s("inf"), s("inf")),
            ("0x", s("0x"), s("0x")),
            ("=", s("="), s("=")),
            ("--", s("--"), s("--")),
            ("1.2.3", s("1.2.3"), s("1.2.3")),
            ("2024-01-01", s("2024-01-01"), s("2024-01-01")),
            ("v1", s("v1"), s("v1")),
        ];
        for (text, kubernetes, core) in table {
            assert_eq!(
                scalar(text, Typing::Kubernetes),
                kubernetes,
                "{text:?} (1.1)"
            );
            assert_eq!(scalar(text, Typing::Core), core, "{text:?} (core)");
        }
        for text in [".nan", ".NaN"] {
            for typing in [Typing::Kubernetes, Typing::Core] {
                assert!(matches!(scalar(text, typing), Float(f) if f.is_nan()));
            }
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        let node = parse_one(
            "a: 'on'\nb: \"0777\"\nc: |\n  yes\nd: >-\n  12\n",
            Typing::Kubernetes,
        );
        assert_eq!(node.get("a").unwrap().value, s("on"));
        assert_eq!(node.get("b").unwrap().value, s("0777"));
        assert_eq!(node.get("c").unwrap().value, s("yes\n"));
        assert_eq!(node.get("d").unwrap().value, s("12"));
    }

    #[test]
    fn explicit_core_tags_are_honoured_and_custom_tags_ignored() {
        let text = "a: !!str 12\nb: !!int \"12\"\nc: !!float 1\nd: !!bool \"yes\"\ne: !!null ''\nf: !Ref on\ng: !Sub \"on\"\nh: !!str\n";
        let node = parse_one(text, Typing::Kubernetes);
        let get = |k: &str| node.get(k).unwrap().value.clone();
        assert_eq!(get("a"), s("12"));
        assert_eq!(get("b"), Int(12));
        assert_eq!(get("c"), Float(1.0));
        assert_eq!(get("d"), Bool(true));
        assert_eq!(get("e"), Null);
        assert_eq!(get("f"), Bool(true));
        assert_eq!(get("g"), s("on"));
        assert_eq!(get("h"), s(""));
        let core = parse_one("d: !!bool \"true\"\n", Typing::Core);
        assert_eq!(core.get("d").unwrap().value, Bool(true));

        let text = "a: 1\nb: !!int twelve\n";
        let err = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(err.offset, text.find("twelve").unwrap());
        assert_eq!(err.message, "cannot read `twelve` as !!int");
    }

    #[test]
    fn non_string_keys_become_strings_and_duplicate_keys_keep_the_last() {
        let node = parse_one(
            "on: 1\n1: 2\n1.5: 3\n~: 4\na: 5\na: 6\n",
            Typing::Kubernetes,
        );
        let NodeValue::Map(entries) = &node.value else {
            panic!()
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.text.as_str()).collect();
        assert_eq!(keys, ["true", "1", "1.5", "null", "a", "a"]);
        assert_eq!(node.get("a").unwrap().value, Int(6));
        let value = node.to_value();
        assert_eq!(value["a"], Value::from(6i64));
        assert_eq!(value["true"], Value::from(1i64));
        let spans = node.span_node(None);
        let a = spans
            .child(&crate::model::PathSeg::Key("a".into()))
            .unwrap();
        assert_eq!(a.value, Span::new(31, 32));

        let core = parse_one("on: 1\n", Typing::Core);
        assert!(core.get("on").is_some());
    }

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
