//! Walks a block body into what policies see: evaluated values in `config`,
//! unknown paths with their causes, resolved references, and a span for
//! every value. Nested blocks become lists of objects; `dynamic` blocks with
//! a known `for_each` expand into the blocks they generate.

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use regorus::Value;

use super::eval::{self, span_of, Scope};
use super::refs::{self, RawRef};
use super::value::Partial;
use crate::model::{dotted, Cause, PathSeg, SpanChildren, SpanNode, Unknown, ValuePath};
use crate::source::Span;

/// What kind of block is walked; decides which meta-arguments are left out
/// of `config` and which attributes are not references.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Managed,
    Data,
    Provider,
    Module,
    Variable,
    Output,
}

/// Resolves a reference as written to the addresses behind it.
pub(super) type Resolve<'r> = dyn Fn(&RawRef) -> BTreeSet<String> + 'r;

/// The result of walking one body.
#[derive(Debug, Default)]
pub(super) struct Walked {
    pub config: BTreeMap<Value, Value>,
    pub spans: Vec<(String, SpanNode)>,
    pub unknown: Vec<Unknown>,
    pub references: BTreeMap<String, BTreeSet<String>>,
}

impl Walked {
    /// Applies an override body walked the same way: each of its top-level
    /// attributes and block types replaces the base's. Spans stay the base's
    /// (a resource points into one file); a new entry points at `header`.
    pub fn merge_override(&mut self, over: Walked, header: SpanNode) {
        let names: BTreeSet<String> = over.spans.iter().map(|(name, _)| name.clone()).collect();
        for name in &names {
            self.config.remove(&Value::from(name.as_str()));
            self.unknown
                .retain(|u| u.path.first() != Some(&PathSeg::Key(name.clone())));
            self.references
                .retain(|path, _| path != name && !path.starts_with(&format!("{name}.")));
            if !self.spans.iter().any(|(n, _)| n == name) {
                self.spans.push((name.clone(), header.clone()));
            }
        }
        self.config.extend(over.config);
        self.unknown.extend(over.unknown);
        self.references.extend(over.references);
    }
}

/// Walks bodies of one block kind in one scope.
pub(super) struct Walker<'w, 's> {
    pub mode: Mode,
    /// The block is one instance of an expanded `for_each`: the collection
    /// is left out of its config (each instance stands for one element, and
    /// repeating a large collection in every instance would cost quadratic
    /// memory); what it refers to is still recorded.
    pub for_each_expanded: bool,
    pub scope: &'w mut Scope<'s>,
    pub resolve: &'w Resolve<'w>,
    /// Blocks `dynamic` may still generate in this walk: nested `dynamic`
    /// blocks multiply (three over `range(1024)` make a billion blocks).
    pub generated_left: usize,
    /// The first `dynamic` block that would have gone over that budget; it
    /// was left unexpanded.
    pub over_budget: Option<Span>,
}

/// Blocks the `dynamic` blocks of one resource instance may generate.
pub(super) const MAX_GENERATED_BLOCKS: usize = 10_000;

impl Walker<'_, '_> {
    /// Walks `body`, whose path from the resource root is `path`.
    pub fn body(&mut self, body: &Body, path: &mut ValuePath, out: &mut Walked) {
        // Blocks of one type become one list, in order of appearance,
        // generated (dynamic) blocks included.
        let mut groups: Vec<(String, Vec<(Value, SpanNode)>)> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let name = attr.key.as_str();
                    if let Some(node) = self.attribute(attr, name, path, out) {
                        out.spans.push((name.to_owned(), node));
                    }
                }
                Structure::Block(block) if block.ident.as_str() == "dynamic" => {
                    self.dynamic(block, path, out, &mut groups);
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    let index = group(&mut groups, ident).len();
                    path.push(PathSeg::Key(ident.to_owned()));
                    path.push(PathSeg::Index(index));
                    let mut inner = Walked::default();
                    self.body(&block.body, path, &mut inner);
                    path.truncate(path.len() - 2);
                    absorb(out, &mut inner);
                    group(&mut groups, ident).push((
                        Value::from(inner.config),
                        SpanNode {
                            key: Some(span_of(&block.ident)),
                            value: span_of(block),
                            children: SpanChildren::Map(inner.spans),
                        },
                    ));
                }
            }
        }
        for (ident, items) in groups {
            if items.is_empty() {
                continue;
            }
            let whole = items
                .iter()
                .fold(items[0].1.value, |acc, (_, n)| acc.join(n.value));
            let key = items[0].1.key;
            let (values, nodes): (Vec<Value>, Vec<SpanNode>) = items.into_iter().unzip();
            out.config
                .insert(Value::from(ident.as_str()), Value::from(values));
            out.spans.push((
                ident,
                SpanNode {
                    key,
                    value: whole,
                    children: SpanChildren::List(nodes),
                },
            ));
        }
    }

    /// Evaluates one attribute into `out.config[name]`; returns its span
    /// node, or `None` for meta-arguments that are not values.
    fn attribute(
        &mut self,
        attr: &Attribute,
        name: &str,
        path: &mut ValuePath,
        out: &mut Walked,
    ) -> Option<SpanNode> {
        let top = path.is_empty();
        path.push(PathSeg::Key(name.to_owned()));
        // `provider` names a provider configuration, not an object;
        // `ignore_changes` lists attribute names; a module's `providers`
        // maps configurations.
        let meta_provider =
            top && name == "provider" && matches!(self.mode, Mode::Managed | Mode::Data);
        let ignore_changes = name == "ignore_changes"
            && matches!(path.first(), Some(PathSeg::Key(k)) if k == "lifecycle");
        let providers_map = top && name == "providers" && self.mode == Mode::Module;
        if !(meta_provider || ignore_changes || providers_map) {
            self.references(&attr.value, path, out);
        }
        let in_config = !(top
            && (meta_provider
                || name == "depends_on"
                || (name == "for_each" && self.for_each_expanded)));
        if in_config && !ignore_changes && !providers_map {
            let value = eval::value(&attr.value, self.scope);
            insert(out, path, value);
        } else if in_config && ignore_changes {
            // Attribute names, not values: kept as written
            // (`["tags", "desired_capacity"]`, or `"all"`).
            if let Some(names) = attribute_names(&attr.value) {
                out.config.insert(Value::from(name), names);
            }
        } else if in_config {
            // A module's `providers` map names configurations: kept where
            // it is literal.
            if let Some(v) = eval::evaluate(&attr.value, self.scope)
                .ok()
                .and_then(|v| v.to_value())
            {
                out.config.insert(Value::from(name), v);
            }
        }
        path.pop();
        Some(eval::spans(
            &attr.value,
            Some(span_of(&attr.key)),
            self.scope.renamed_keys,
        ))
    }

    fn references(&mut self, expr: &Expression, path: &ValuePath, out: &mut Walked) {
        let mut found = Vec::new();
        refs::collect(expr, self.scope, &mut found);
        let mut addresses = BTreeSet::new();
        for raw in &found {
            addresses.extend((self.resolve)(raw));
        }
        if !addresses.is_empty() {
            out.references
                .entry(dotted(path))
                .or_default()
                .extend(addresses);
        }
    }

    /// A `dynamic "x"` block: with a known `for_each`, one `x` block per
    /// element, its content evaluated with the iterator bound; otherwise the
    /// `x` blocks are unknown.
    fn dynamic(
        &mut self,
        block: &Block,
        path: &mut ValuePath,
        out: &mut Walked,
        groups: &mut Vec<(String, Vec<(Value, SpanNode)>)>,
    ) {
        let Some(label) = block.labels.first().map(|l| l.as_str().to_owned()) else {
            return;
        };
        let iterator = block
            .body
            .get_attribute("iterator")
            .and_then(|attr| match &attr.value {
                Expression::Variable(v) => Some(v.as_str().to_owned()),
                _ => None,
            })
            .unwrap_or_else(|| label.clone());
        let content = block.body.get_blocks("content").next();
        path.push(PathSeg::Key(label.clone()));
        let for_each = block.body.get_attribute("for_each");
        if let Some(attr) = for_each {
            self.references(&attr.value, path, out);
        }
        let elements = match for_each.map(|attr| eval::value(&attr.value, self.scope)) {
            Some(Partial::List(items))
                if items.iter().all(|i| !matches!(i, Partial::Unknown(_))) =>
            {
                Ok(items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (Partial::Scalar(Value::from(i as i64)), v))
                    .collect::<Vec<_>>())
            }
            Some(Partial::Map(entries, None)) => Ok(entries
                .into_iter()
                .map(|(k, v)| (Partial::string(k), v))
                .collect()),
            Some(other) => Err(other.first_cause().cloned().unwrap_or(Cause::Invalid(
                "dynamic for_each is not a collection".into(),
            ))),
            None => Err(Cause::Invalid("dynamic block without for_each".into())),
        };
        let elements = match elements {
            Ok(elements) if elements.len() > self.generated_left => {
                self.over_budget.get_or_insert(span_of(block));
                self.generated_left = 0;
                Err(Cause::Invalid(format!(
                    "dynamic blocks generate more than {MAX_GENERATED_BLOCKS} blocks; not expanded"
                )))
            }
            Ok(elements) => {
                self.generated_left -= elements.len();
                Ok(elements)
            }
            Err(cause) => Err(cause),
        };
        let (Ok(elements), Some(content)) = (elements, content) else {
            // Unknown blocks: their references still count, under `x`.
            let cause = Cause::Invalid("dynamic block over an unknown collection".into());
            if !out.unknown.iter().any(|u| &u.path == path) {
                out.unknown.push(Unknown {
                    path: path.clone(),
                    cause,
                });
            }
            if let Some(content) = content {
                self.bind_unknown(&iterator);
                self.content_references(&content.body, path, out);
                self.scope.bound.pop();
            }
            path.pop();
            if !groups.iter().any(|(n, _)| n == &label) {
                // Listed before static blocks of the same type, so a lookup
                // (which takes the last entry of a name) prefers those.
                out.spans.push((
                    label,
                    SpanNode::leaf(Some(span_of(&block.ident)), span_of(block)),
                ));
            }
            return;
        };
        path.pop();
        for (key, value) in elements {
            let mut bound = BTreeMap::new();
            bound.insert("key".to_owned(), key);
            bound.insert("value".to_owned(), value);
            self.scope
                .bound
                .push((iterator.clone(), Partial::map(bound)));
            let index = group(groups, &label).len();
            path.push(PathSeg::Key(label.clone()));
            path.push(PathSeg::Index(index));
            let mut inner = Walked::default();
            self.body(&content.body, path, &mut inner);
            path.truncate(path.len() - 2);
            self.scope.bound.pop();
            absorb(out, &mut inner);
            group(groups, &label).push((
                Value::from(inner.config),
                SpanNode {
                    key: Some(span_of(&block.ident)),
                    value: span_of(content),
                    children: SpanChildren::Map(inner.spans),
                },
            ));
        }
    }

    fn bind_unknown(&mut self, name: &str) {
        self.scope.bound.push((
            name.to_owned(),
            Partial::Unknown(Cause::Invalid("dynamic block iterator".into())),
        ));
    }

    /// Every reference inside an unexpanded dynamic block's content, recorded
    /// under the block's path.
    fn content_references(&mut self, body: &Body, path: &ValuePath, out: &mut Walked) {
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => self.references(&attr.value, path, out),
                Structure::Block(block) if block.ident.as_str() == "dynamic" => {
                    let iterator = block
                        .labels
                        .first()
                        .map(|l| l.as_str().to_owned())
                        .unwrap_or_default();
                    if let Some(attr) = block.body.get_attribute("for_each") {
                        self.references(&attr.value, path, out);
                    }
                    self.bind_unknown(&iterator);
                    for content in block.body.get_blocks("content") {
                        self.content_references(&content.body, path, out);
                    }
                    self.scope.bound.pop();
                }
                Structure::Block(block) => self.content_references(&block.body, path, out),
            }
        }
    }
}

fn group<'g>(
    groups: &'g mut Vec<(String, Vec<(Value, SpanNode)>)>,
    ident: &str,
) -> &'g mut Vec<(Value, SpanNode)> {
    let at = match groups.iter().position(|(name, _)| name == ident) {
        Some(at) => at,
        None => {
            groups.push((ident.to_owned(), Vec::new()));
            groups.len() - 1
        }
    };
    &mut groups[at].1
}

/// Moves a nested body's unknown paths and references (already full paths)
/// into the enclosing result.
fn absorb(out: &mut Walked, inner: &mut Walked) {
    out.unknown.append(&mut inner.unknown);
    for (path, addresses) in std::mem::take(&mut inner.references) {
        out.references.entry(path).or_default().extend(addresses);
    }
}

/// Puts an evaluated value at the last step of `path` in `out.config`,
/// recording its unknown parts under the full path.
fn insert(out: &mut Walked, path: &ValuePath, value: Partial) {
    let Some(PathSeg::Key(name)) = path.last() else {
        return;
    };
    let cause = value.first_cause().cloned();
    let (known, unknown) = value.into_config();
    match known {
        Some(known) => {
            out.config.insert(Value::from(name.as_str()), known);
            for (relative, cause) in unknown {
                let mut full = path.clone();
                full.extend(relative);
                out.unknown.push(Unknown { path: full, cause });
            }
        }
        None => {
            out.config.remove(&Value::from(name.as_str()));
            out.unknown.push(Unknown {
                path: path.clone(),
                cause: cause.unwrap_or(Cause::Invalid("unknown value".into())),
            });
        }
    }
}

/// `ignore_changes = [tags, root_block_device[0].size]` as the names written,
/// or `"all"`.
fn attribute_names(expr: &Expression) -> Option<Value> {
    match expr {
        Expression::Variable(v) => Some(Value::from(v.as_str())),
        Expression::Array(items) => items
            .iter()
            .map(attribute_name)
            .collect::<Option<Vec<_>>>()
            .map(|names| Value::from(names.into_iter().map(Value::from).collect::<Vec<_>>())),
        _ => None,
    }
}

fn attribute_name(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(v) => Some(v.as_str().to_owned()),
        Expression::String(s) => Some(s.value().clone()),
        Expression::Traversal(t) => {
            let mut name = attribute_name(&t.expr)?;
            for op in &t.operators {
                match op.value() {
                    hcl_edit::expr::TraversalOperator::GetAttr(a) => {
                        name.push('.');
                        name.push_str(a.as_str());
                    }
                    hcl_edit::expr::TraversalOperator::Index(Expression::Number(n)) => {
                        name.push_str(&format!("[{}]", n.value()));
                    }
                    hcl_edit::expr::TraversalOperator::Index(Expression::String(k)) => {
                        name.push_str(&format!("[{:?}]", k.value()));
                    }
                    hcl_edit::expr::TraversalOperator::LegacyIndex(i) => {
                        name.push_str(&format!(".{}", i.value()));
                    }
                    _ => return None,
                }
            }
            Some(name)
        }
        _ => None,
    }
}
