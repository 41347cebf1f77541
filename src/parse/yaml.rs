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
    /// Most nodes alias expansion may copy, over a whole document.
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
        let (event, span) = item.map_err(|e| scan_error(&e, limits))?;
        builder.event(event, span)?;
    }
    Ok(builder.finish())
}

fn scan_error(error: &ScanError, limits: &Limits) -> ParseError {
    let offset = error.marker().byte_offset().unwrap_or(0);
    if matches!(error.kind(), ErrorKind::RecursionLimitExceeded) {
        return depth_error(offset, limits);
    }
    ParseError::new(offset, error.info())
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
        // Anchors are scoped to their document.
        self.anchors.clear();
        self.alias_nodes = 0;
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
        match merge.value {
            NodeValue::Map(map) => sources.push(map),
            NodeValue::Seq(items) => {
                for item in items {
                    match item.value {
                        NodeValue::Map(map) => sources.push(map),
                        _ => return Err(merge_error(item.span.start)),
                    }
                }
            }
            _ => return Err(merge_error(merge.span.start)),
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
