//! Expression evaluation, literal stage: literals become values, anything
//! that needs Terraform's evaluation context is unknown.
//!
//! [`evaluate`] is the single entry point the block walker uses, so a real
//! evaluator (variables, locals, functions) can replace it without touching
//! the walker.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey, UnaryOperator};
use hcl_edit::template::{Element, Template};
use hcl_edit::Number;
use regorus::Value;

use crate::model::{PathSeg, SpanChildren, SpanNode, ValuePath};
use crate::source::Span;

/// What evaluation knows besides the expression itself.
pub(super) struct Context<'a> {
    /// The original names of object keys the parser only took renamed
    /// (see `recover`), by the byte offset where each key starts.
    pub renamed_keys: &'a BTreeMap<usize, String>,
}

/// What evaluation made of one expression.
#[derive(Debug)]
pub(super) struct Evaluated {
    /// `None` when the value cannot be known without running Terraform.
    pub value: Option<Value>,
    /// Parts of a known container that are not known, relative to the
    /// expression (`["team"]`, `["*"]` for keys we cannot see). Empty when
    /// `value` is `None`: the whole value is unknown then.
    pub unknown: Vec<ValuePath>,
    /// Where the value and its parts are written. Spans are syntactic even
    /// for unknown values, so a note about an unknown value still points at
    /// the expression that produced it (DESIGN.md §7).
    pub spans: SpanNode,
}

/// Converts a byte range from hcl-edit into a [`Span`]; every node the parser
/// produced has one, so the fallback never shows up in practice.
pub(super) fn span_of(node: &impl hcl_edit::Span) -> Span {
    node.span()
        .map(|r| Span::new(r.start, r.end))
        .unwrap_or_default()
}

/// Evaluates `expr`; `key` is the span of the attribute or object key it is
/// the value of.
pub(super) fn evaluate(expr: &Expression, key: Option<Span>, cx: &Context) -> Evaluated {
    let span = span_of(expr);
    let known = |value: Value| Evaluated {
        value: Some(value),
        unknown: Vec::new(),
        spans: SpanNode::leaf(key, span),
    };
    match expr {
        Expression::Null(_) => known(Value::Null),
        Expression::Bool(b) => known(Value::from(*b.value())),
        Expression::Number(n) => known(number(n.value(), false)),
        Expression::String(s) => known(Value::from(s.value().as_str())),
        Expression::StringTemplate(t) => {
            literal_template(t).map_or_else(|| unknown(key, span), |s| known(Value::from(s)))
        }
        Expression::HeredocTemplate(h) => literal_template(&h.template)
            .map_or_else(|| unknown(key, span), |s| known(Value::from(s))),
        Expression::UnaryOp(op) => match (op.operator.value(), &op.expr) {
            // `-1` is an operation in the grammar but a literal to every reader.
            (UnaryOperator::Neg, Expression::Number(n)) => known(number(n.value(), true)),
            _ => unknown(key, span),
        },
        Expression::Parenthesis(p) => {
            let mut inner = evaluate(p.inner(), key, cx);
            inner.spans.value = span;
            inner
        }
        Expression::Array(array) => {
            let mut values = Vec::with_capacity(array.len());
            let mut unknown_paths = Vec::new();
            let mut items = Vec::with_capacity(array.len());
            let mut all_known = true;
            for (i, item) in array.iter().enumerate() {
                let ev = evaluate(item, None, cx);
                items.push(ev.spans);
                match ev.value {
                    Some(v) if all_known => {
                        values.push(v);
                        unknown_paths.extend(prefixed(PathSeg::Index(i), ev.unknown));
                    }
                    // Dropping an item would shift the indexes of the
                    // others, so one unknown item makes the list unknown.
                    _ => all_known = false,
                }
            }
            Evaluated {
                value: all_known.then(|| Value::from(values)),
                unknown: if all_known { unknown_paths } else { Vec::new() },
                spans: SpanNode {
                    key,
                    value: span,
                    children: SpanChildren::List(items),
                },
            }
        }
        Expression::Object(object) => {
            let mut map = BTreeMap::new();
            let mut unknown_paths: Vec<ValuePath> = Vec::new();
            let mut entries = Vec::with_capacity(object.len());
            for (k, v) in object.iter() {
                let key_span = span_of(k);
                let ev = evaluate(v.expr(), Some(key_span), cx);
                let renamed = cx.renamed_keys.get(&key_span.start).cloned();
                let Some(name) = renamed.or_else(|| object_key(k)) else {
                    let star = vec![PathSeg::Key("*".to_owned())];
                    if !unknown_paths.contains(&star) {
                        unknown_paths.push(star);
                    }
                    continue;
                };
                // A repeated key replaces the earlier entry entirely.
                unknown_paths.retain(|p| p.first() != Some(&PathSeg::Key(name.clone())));
                match ev.value {
                    Some(value) => {
                        map.insert(Value::from(name.as_str()), value);
                        unknown_paths.extend(prefixed(PathSeg::Key(name.clone()), ev.unknown));
                    }
                    None => {
                        map.remove(&Value::from(name.as_str()));
                        unknown_paths.push(vec![PathSeg::Key(name.clone())]);
                    }
                }
                entries.push((name, ev.spans));
            }
            Evaluated {
                value: Some(Value::from(map)),
                unknown: unknown_paths,
                spans: SpanNode {
                    key,
                    value: span,
                    children: SpanChildren::Map(entries),
                },
            }
        }
        Expression::Variable(_)
        | Expression::Conditional(_)
        | Expression::FuncCall(_)
        | Expression::Traversal(_)
        | Expression::BinaryOp(_)
        | Expression::ForExpr(_) => unknown(key, span),
    }
}

fn unknown(key: Option<Span>, span: Span) -> Evaluated {
    Evaluated {
        value: None,
        unknown: Vec::new(),
        spans: SpanNode::leaf(key, span),
    }
}

/// Prepends `seg` to each path.
pub(super) fn prefixed(seg: PathSeg, paths: Vec<ValuePath>) -> impl Iterator<Item = ValuePath> {
    paths.into_iter().map(move |mut p| {
        p.insert(0, seg.clone());
        p
    })
}

/// The key of an object entry when it is written literally: a bare
/// identifier, a string or a number (Terraform turns those into strings).
fn object_key(key: &ObjectKey) -> Option<String> {
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str().to_owned()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
        ObjectKey::Expression(Expression::Number(n)) => Some(n.value().to_string()),
        ObjectKey::Expression(Expression::StringTemplate(t)) => literal_template(t),
        ObjectKey::Expression(_) => None,
    }
}

/// The text of a template without interpolations or directives (a plain
/// heredoc, or a string whose `$${` escape made it a template).
fn literal_template(template: &Template) -> Option<String> {
    let mut text = String::new();
    for element in template.iter() {
        match element {
            Element::Literal(literal) => text.push_str(literal.value()),
            Element::Interpolation(_) | Element::Directive(_) => return None,
        }
    }
    Some(text)
}

fn number(n: &Number, negate: bool) -> Value {
    if let Some(i) = n.as_i64() {
        if !negate {
            return Value::from(i);
        }
        if let Some(neg) = i.checked_neg() {
            return Value::from(neg);
        }
    } else if let Some(u) = n.as_u64() {
        if !negate {
            return Value::from(u);
        }
    }
    let f = n.as_f64().unwrap_or(f64::NAN);
    Value::from(if negate { -f } else { f })
}
