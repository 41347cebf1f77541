//! Terraform (`.tf`, `.tfvars`) with `hcl-edit`: every addressable top-level
//! block becomes a [`Resource`] with its Terraform address, its known values
//! in `config`, the paths it cannot know in `unknown`, the addresses it refers
//! to, and a span for every value (DESIGN.md §4, §7).
//!
//! This is the literal stage: only literal expressions have values
//! ([`eval::evaluate`]); variables, locals and function calls are unknown
//! until an evaluator replaces that one function.

mod eval;
mod functions;
mod recover;
mod refs;
#[cfg(test)]
mod tests;
pub mod value;

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use regorus::Value;

use crate::model::{dotted, Format, PathSeg, Resource, SpanChildren, SpanNode, ValuePath};
use crate::parse::ParseError;
use crate::source::{SharedSource, Span};

use self::eval::{evaluate, span_of, Context};

/// Parses one Terraform file into the resources it declares.
///
/// Resources and data sources get their addresses (`aws_s3_bucket.logs`,
/// `data.aws_ami.x`, expanded to `[0]` / `["key"]` instances when `count` or
/// `for_each` is literal); providers, modules, variables, outputs and locals
/// appear as `provider.aws[.alias]`, `module.m`, `var.v`, `output.o` and
/// `local.l`. A `.tfvars` file is checked for syntax and yields nothing: its
/// values are read by the evaluator.
///
/// # Errors
///
/// A syntax error (or hcl-edit's nesting limit) is reported at its position.
pub fn parse(source: &SharedSource) -> Result<Vec<Resource>, ParseError> {
    let parsed = recover::parse_body(&source.text).map_err(|err| {
        let location = err.location();
        ParseError::new(
            source.offset_of(location.line(), location.column()),
            err.message(),
        )
    })?;
    let mut resources = Vec::new();
    if source.path.ends_with(".tfvars") {
        return Ok(resources);
    }
    // Top-level attributes are a Terraform error but valid HCL; they declare
    // nothing, so they are passed over.
    let cx = Context {
        renamed_keys: &parsed.renamed_keys,
    };
    for block in parsed.body.blocks() {
        top_level_block(source, block, &cx, &mut resources);
    }
    Ok(resources)
}

/// What kind of top-level block a resource comes from; decides the address
/// and which meta-arguments apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Managed,
    Data,
    Provider,
    Module,
    Variable,
    Output,
    Local,
}

fn top_level_block(source: &SharedSource, block: &Block, cx: &Context, out: &mut Vec<Resource>) {
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    match (block.ident.as_str(), labels.as_slice()) {
        ("resource", [kind, name]) => {
            addressable(source, block, cx, Mode::Managed, kind, name, out)
        }
        ("data", [kind, name]) => addressable(source, block, cx, Mode::Data, kind, name, out),
        ("check", _) => {
            // A check's scoped data sources are real data sources with
            // ordinary addresses; its assertions declare nothing.
            for inner in block.body.blocks() {
                if let ("data", [kind, name]) = (inner.ident.as_str(), labels_of(inner).as_slice())
                {
                    addressable(source, inner, cx, Mode::Data, kind, name, out);
                }
            }
        }
        ("provider", [name]) => {
            addressable(source, block, cx, Mode::Provider, "provider", name, out)
        }
        ("module", [name]) => addressable(source, block, cx, Mode::Module, "module", name, out),
        ("variable", [name]) => {
            addressable(source, block, cx, Mode::Variable, "variable", name, out)
        }
        ("output", [name]) => addressable(source, block, cx, Mode::Output, "output", name, out),
        ("locals", []) => {
            for attr in block.body.attributes() {
                out.push(local(source, attr, cx));
            }
        }
        // `terraform`, `moved`, `import`, `removed` and anything unknown or
        // malformed declare no object to check.
        _ => {}
    }
}

fn labels_of(block: &Block) -> Vec<&str> {
    block.labels.iter().map(|l| l.as_str()).collect()
}

/// Builds the resource(s) of a block with a Terraform address.
fn addressable(
    source: &SharedSource,
    block: &Block,
    cx: &Context,
    mode: Mode,
    kind: &str,
    name: &str,
    out: &mut Vec<Resource>,
) {
    let header = header_span(block);
    let mut walker = Walker::new(mode, cx);
    let (config, children) = walker.body(&block.body, &mut Vec::new());
    let provider = match mode {
        Mode::Managed | Mode::Data => Some(
            block
                .body
                .get_attribute("provider")
                .and_then(|attr| provider_ref(&attr.value))
                .unwrap_or_else(|| kind.split('_').next().unwrap_or(kind).to_owned()),
        ),
        _ => None,
    };
    let base_id = match mode {
        Mode::Managed => format!("{kind}.{name}"),
        Mode::Data => format!("data.{kind}.{name}"),
        Mode::Provider => match config.get(&Value::from("alias")) {
            Some(Value::String(alias)) => format!("provider.{name}.{alias}"),
            _ => format!("provider.{name}"),
        },
        Mode::Module => format!("module.{name}"),
        Mode::Variable => format!("var.{name}"),
        Mode::Output => format!("output.{name}"),
        Mode::Local => format!("local.{name}"),
    };
    let instances = match mode {
        Mode::Managed | Mode::Data | Mode::Module => instance_keys(&config, &mut walker.unknown),
        _ => None,
    };
    let tags = match config.get(&Value::from("tags")) {
        Some(tags @ Value::Object(_)) => tags.clone(),
        _ => Value::new_object(),
    };
    let spans = SpanNode {
        key: Some(header),
        value: body_span(source, block, header),
        children: SpanChildren::Map(children),
    };
    let resource = Resource {
        id: base_id,
        format: Format::Terraform,
        kind: kind.to_owned(),
        name: name.to_owned(),
        namespace: None,
        provider,
        source: source.clone(),
        config: Value::from(config),
        references: walker.finish_references(),
        unknown: pending(walker.unknown),
        tags,
        tags_unknown: Vec::new(),
        module_calls: Vec::new(),
        spans,
        header,
        helm_source: None,
    };
    match instances {
        None => out.push(resource),
        Some(keys) => {
            for key in keys {
                let mut instance = resource.clone();
                instance.id.push_str(&key);
                out.push(instance);
            }
        }
    }
}

/// One `locals` entry as a resource whose `config` is `{"value": …}`.
fn local(source: &SharedSource, attr: &Attribute, cx: &Context) -> Resource {
    let name = attr.key.as_str();
    let key = span_of(&attr.key);
    let mut walker = Walker::new(Mode::Local, cx);
    let mut config = BTreeMap::new();
    let node = walker.attribute(attr, "value", &mut Vec::new(), &mut config);
    Resource {
        id: format!("local.{name}"),
        format: Format::Terraform,
        kind: "locals".to_owned(),
        name: name.to_owned(),
        namespace: None,
        provider: None,
        source: source.clone(),
        config: Value::from(config),
        references: walker.finish_references(),
        unknown: pending(walker.unknown),
        tags: Value::new_object(),
        tags_unknown: Vec::new(),
        module_calls: Vec::new(),
        spans: SpanNode {
            key: Some(key),
            value: span_of(attr),
            children: SpanChildren::Map(vec![("value".to_owned(), node)]),
        },
        header: key,
        helm_source: None,
    }
}

/// From the block type to the end of its last label:
/// `resource "aws_s3_bucket" "logs"`.
fn header_span(block: &Block) -> Span {
    let ident = span_of(&block.ident);
    match block.labels.last() {
        Some(label) => ident.join(span_of(label)),
        None => ident,
    }
}

/// From the block's `{` to its `}`; hcl-edit does not record a span for
/// one-line bodies, so it is found after the header.
fn body_span(source: &SharedSource, block: &Block, header: Span) -> Span {
    let whole = span_of(block);
    let open = source
        .text
        .get(header.end..whole.end)
        .and_then(|rest| rest.find('{'))
        .map_or(whole.start, |i| header.end + i);
    Span::new(open, whole.end)
}

/// The provider configuration a `provider = aws.west` meta-argument names.
fn provider_ref(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(name) => Some(name.as_str().to_owned()),
        // Terraform 0.11 wrote it as a string.
        Expression::String(s) => Some(s.value().clone()),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let mut name = root.as_str().to_owned();
            for op in &t.operators {
                let TraversalOperator::GetAttr(attr) = op.value() else {
                    return None;
                };
                name.push('.');
                name.push_str(attr.as_str());
            }
            Some(name)
        }
        _ => None,
    }
}

/// The instance-key suffixes (`[0]`, `["a"]`) a literal `count` or
/// `for_each` expands to; `None` for a single, unexpanded resource. An
/// unusable value is treated as unknown, so the resource is kept once.
fn instance_keys(
    config: &BTreeMap<Value, Value>,
    unknown: &mut Vec<ValuePath>,
) -> Option<Vec<String>> {
    let mark_unknown = |unknown: &mut Vec<ValuePath>, name: &str| {
        let path = vec![PathSeg::Key(name.to_owned())];
        if !unknown.contains(&path) {
            unknown.push(path);
        }
    };
    if let Some(count) = config.get(&Value::from("count")) {
        let n = match count {
            Value::Number(n) => n.as_u64().filter(|_| n.is_integer()),
            Value::String(s) => s.parse::<u64>().ok(),
            _ => None,
        };
        return match n {
            Some(n) => Some((0..n).map(|i| format!("[{i}]")).collect()),
            None => {
                mark_unknown(unknown, "count");
                None
            }
        };
    }
    let for_each = config.get(&Value::from("for_each"))?;
    let keys: Option<BTreeSet<String>> = match for_each {
        Value::Object(map) => {
            let star = [
                PathSeg::Key("for_each".to_owned()),
                PathSeg::Key("*".to_owned()),
            ];
            if unknown.iter().any(|p| p.as_slice() == star) {
                None
            } else {
                // Entries whose value is unknown still have known keys.
                let unknown_values = unknown.iter().filter_map(|p| match p.as_slice() {
                    [PathSeg::Key(f), PathSeg::Key(k)] if f == "for_each" => Some(k.clone()),
                    _ => None,
                });
                map.keys()
                    .map(|k| k.as_string().ok().map(|s| s.to_string()))
                    .chain(unknown_values.map(Some))
                    .collect()
            }
        }
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_string().ok().map(|s| s.to_string()))
            .collect(),
        _ => None,
    };
    match keys {
        Some(keys) => Some(keys.iter().map(|k| format!("[{}]", quote(k))).collect()),
        None => {
            mark_unknown(unknown, "for_each");
            None
        }
    }
}

/// A string as Terraform writes it in an instance key.
fn quote(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    out.push('"');
    for c in key.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Walks a block body into config values and spans, collecting unknown
/// paths and references on the way.
struct Walker<'a> {
    mode: Mode,
    cx: &'a Context<'a>,
    unknown: Vec<ValuePath>,
    references: BTreeMap<String, BTreeSet<String>>,
    scope: Vec<String>,
}

impl<'a> Walker<'a> {
    fn new(mode: Mode, cx: &'a Context<'a>) -> Walker<'a> {
        Walker {
            mode,
            cx,
            unknown: Vec::new(),
            references: BTreeMap::new(),
            scope: Vec::new(),
        }
    }

    fn finish_references(&mut self) -> BTreeMap<String, Vec<String>> {
        std::mem::take(&mut self.references)
            .into_iter()
            .map(|(path, addresses)| (path, addresses.into_iter().collect()))
            .collect()
    }

    /// The object a body stands for and the span nodes of its entries.
    /// `path` is the body's path from the resource root.
    fn body(
        &mut self,
        body: &Body,
        path: &mut ValuePath,
    ) -> (BTreeMap<Value, Value>, Vec<(String, SpanNode)>) {
        let mut config = BTreeMap::new();
        let mut spans = Vec::new();
        // Blocks of one type become one list, in order of appearance.
        let mut groups: Vec<(&str, Vec<&Block>)> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    let node = self.attribute(attr, name, path, &mut config);
                    spans.push((name.to_owned(), node));
                }
                Structure::Block(block) if block.ident.as_str() == "dynamic" => {
                    if let Some(node) = self.dynamic(block, path) {
                        spans.push(node);
                    }
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    match groups.iter_mut().find(|(name, _)| *name == ident) {
                        Some((_, blocks)) => blocks.push(block),
                        None => groups.push((ident, vec![block])),
                    }
                }
            }
        }
        for (ident, blocks) in groups {
            let mut items = Vec::with_capacity(blocks.len());
            let mut nodes = Vec::with_capacity(blocks.len());
            path.push(PathSeg::Key(ident.to_owned()));
            for (i, block) in blocks.iter().enumerate() {
                path.push(PathSeg::Index(i));
                let (object, children) = self.body(&block.body, path);
                path.pop();
                items.push(Value::from(object));
                nodes.push(SpanNode {
                    key: Some(span_of(&block.ident)),
                    value: span_of(*block),
                    children: SpanChildren::Map(children),
                });
            }
            path.pop();
            let first = &nodes[0];
            let whole = nodes.iter().fold(first.value, |acc, n| acc.join(n.value));
            let list = SpanNode {
                key: first.key,
                value: whole,
                children: SpanChildren::List(nodes),
            };
            config.insert(Value::from(ident), Value::from(items));
            spans.push((ident.to_owned(), list));
        }
        (config, spans)
    }

    /// Evaluates one attribute into `config[name]`, recording what is
    /// unknown and what it refers to; returns its span node.
    fn attribute(
        &mut self,
        attr: &Attribute,
        name: &str,
        path: &mut ValuePath,
        config: &mut BTreeMap<Value, Value>,
    ) -> SpanNode {
        let top = path.is_empty();
        path.push(PathSeg::Key(name.to_owned()));
        // `provider` names a provider configuration, not an object; the
        // others below are addresses or attribute names, handled elsewhere
        // or by Terraform itself.
        let meta_provider =
            top && name == "provider" && matches!(self.mode, Mode::Managed | Mode::Data);
        let ignore_changes = name == "ignore_changes"
            && matches!(path.first(), Some(PathSeg::Key(k)) if k == "lifecycle");
        let providers_map = top && name == "providers" && self.mode == Mode::Module;
        if !(meta_provider || ignore_changes || providers_map) {
            let mut found = BTreeSet::new();
            refs::collect(&attr.value, &mut self.scope, &mut found);
            if !found.is_empty() {
                self.references
                    .entry(dotted(path))
                    .or_default()
                    .extend(found);
            }
        }
        let evaluated = evaluate(&attr.value, Some(span_of(&attr.key)), self.cx);
        let in_config = !(top && (meta_provider || name == "depends_on"));
        if in_config {
            match evaluated.value {
                Some(value) => {
                    config.insert(Value::from(name), value);
                    let base = path.clone();
                    self.unknown
                        .extend(evaluated.unknown.into_iter().map(|rel| {
                            let mut full = base.clone();
                            full.extend(rel);
                            full
                        }));
                }
                None => self.unknown.push(path.clone()),
            }
        }
        path.pop();
        evaluated.spans
    }

    /// A `dynamic "x"` block: its blocks cannot be known, but what its
    /// `for_each` and content refer to is recorded under `x`.
    fn dynamic(&mut self, block: &Block, path: &mut ValuePath) -> Option<(String, SpanNode)> {
        let label = block.labels.first()?.as_str();
        path.push(PathSeg::Key(label.to_owned()));
        if !self.unknown.contains(path) {
            self.unknown.push(path.clone());
        }
        let mut found = BTreeSet::new();
        dynamic_references(block, &mut self.scope, &mut found);
        if !found.is_empty() {
            self.references
                .entry(dotted(path))
                .or_default()
                .extend(found);
        }
        path.pop();
        // Listed before static blocks of the same type, so a lookup (which
        // takes the last entry of a name) prefers those.
        Some((
            label.to_owned(),
            SpanNode::leaf(Some(span_of(&block.ident)), span_of(block)),
        ))
    }
}

/// What a dynamic block's `for_each` and content refer to; the iterator
/// (`x.value`) is not an object.
fn dynamic_references(block: &Block, scope: &mut Vec<String>, out: &mut BTreeSet<String>) {
    let iterator = block
        .body
        .get_attribute("iterator")
        .and_then(|attr| match &attr.value {
            Expression::Variable(v) => Some(v.as_str().to_owned()),
            _ => None,
        })
        .or_else(|| block.labels.first().map(|l| l.as_str().to_owned()))
        .unwrap_or_default();
    if let Some(for_each) = block.body.get_attribute("for_each") {
        refs::collect(&for_each.value, scope, out);
    }
    scope.push(iterator);
    for content in block.body.get_blocks("content") {
        body_references(&content.body, scope, out);
    }
    scope.pop();
}

/// Every reference made anywhere inside a body, with dynamic blocks'
/// iterators in scope for their content.
fn body_references(body: &Body, scope: &mut Vec<String>, out: &mut BTreeSet<String>) {
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => refs::collect(&attr.value, scope, out),
            Structure::Block(block) if block.ident.as_str() == "dynamic" => {
                dynamic_references(block, scope, out);
            }
            Structure::Block(block) => body_references(&block.body, scope, out),
        }
    }
}

fn pending(paths: Vec<ValuePath>) -> Vec<crate::model::Unknown> {
    paths
        .into_iter()
        .map(|path| crate::model::Unknown {
            path,
            cause: crate::model::Cause::Invalid("not evaluated yet".to_owned()),
        })
        .collect()
}
