//! Expression evaluation: what Terraform would compute for an expression,
//! as far as that is knowable without credentials, state or network.
//!
//! Variables, locals, module outputs, `count.index`, `each.*`, `path.*`,
//! operators, conditionals, `for` expressions, splats, templates and the
//! functions of [`functions`] are evaluated. Data sources, other resources'
//! attributes and variables without a value are [`Partial::Unknown`], and
//! unknown parts propagate exactly as far as they have to (docs/architecture.md
//! "Input model").
//!
//! Spans are syntactic ([`spans`]): a value that is unknown still points at
//! the expression that produced it.

use std::collections::BTreeMap;

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::{Decorated, Number};
use regorus::Value;

use super::budget::{fits, over_budget, MAX_VALUE_WEIGHT};
use super::functions;
use super::value::Partial;
use crate::model::{Cause, SpanChildren, SpanNode};
use crate::source::Span;

/// The named values an expression of one module instance can refer to.
/// Implemented by the module evaluator, which computes them on demand.
pub(super) trait Names {
    /// `var.<name>`.
    fn variable(&self, name: &str) -> Partial;
    /// `local.<name>`.
    fn local(&self, name: &str) -> Partial;
    /// `module.<name>`: an object of outputs, or a list / map of them for a
    /// call with `count` / `for_each`.
    fn module(&self, name: &str) -> Partial;
    /// `path.module`, `path.root`, `path.cwd`.
    fn path(&self, attr: &str) -> Partial;
}

/// Names without values: for `.tfvars` files, which may not refer to anything.
pub(super) struct NoNames;

impl Names for NoNames {
    fn variable(&self, _: &str) -> Partial {
        invalid("a .tfvars value cannot refer to variables")
    }
    fn local(&self, _: &str) -> Partial {
        invalid("a .tfvars value cannot refer to locals")
    }
    fn module(&self, _: &str) -> Partial {
        invalid("a .tfvars value cannot refer to modules")
    }
    fn path(&self, _: &str) -> Partial {
        invalid("a .tfvars value cannot refer to path")
    }
}

/// Everything an expression is evaluated against.
pub(super) struct Scope<'a> {
    pub names: &'a dyn Names,
    /// The original names of object keys the parser only took renamed (see
    /// `recover`), by the byte offset where each key starts.
    pub renamed_keys: &'a BTreeMap<usize, String>,
    /// `count.index` inside a resource or module with `count`.
    pub count_index: Option<Partial>,
    /// `each.key` and `each.value` inside a resource or module with `for_each`.
    pub each: Option<(Partial, Partial)>,
    /// Names bound by `for` expressions and dynamic-block iterators,
    /// innermost last; they shadow everything else.
    pub bound: Vec<(String, Partial)>,
}

impl<'a> Scope<'a> {
    /// A scope without instance values or bound names.
    pub fn new(names: &'a dyn Names, renamed_keys: &'a BTreeMap<usize, String>) -> Scope<'a> {
        Scope {
            names,
            renamed_keys,
            count_index: None,
            each: None,
            bound: Vec::new(),
        }
    }
}

/// `value`, or an error when it weighs more than [`MAX_VALUE_WEIGHT`].
fn bounded(value: Partial) -> Eval {
    // The scan's memory ceiling is checked where values grow: a value built
    // past it is dropped here, before anything larger is built from it.
    if let Some(message) = crate::memory::over_ceiling() {
        return Err(message);
    }
    let mut budget = MAX_VALUE_WEIGHT;
    if fits(&value, &mut budget) {
        Ok(value)
    } else {
        Err(format!(
            "value weighs more than {MAX_VALUE_WEIGHT} items and bytes; not evaluated"
        ))
    }
}

/// The result of evaluation: `Err` where Terraform itself would fail
/// (wrong types, a missing attribute of a known object); `try` and `can`
/// observe it, everything else turns it into an unknown value.
pub(super) type Eval = Result<Partial, String>;

/// Evaluates `expr`, turning an evaluation error into an unknown value.
pub(super) fn value(expr: &Expression, scope: &mut Scope) -> Partial {
    evaluate(expr, scope).unwrap_or_else(|e| Partial::Unknown(Cause::Invalid(e)))
}

fn invalid(why: &str) -> Partial {
    Partial::Unknown(Cause::Invalid(why.to_owned()))
}

/// Evaluates `expr` in `scope`.
pub(super) fn evaluate(expr: &Expression, scope: &mut Scope) -> Eval {
    match expr {
        Expression::Null(_) => Ok(Partial::null()),
        Expression::Bool(b) => Ok(Partial::bool(*b.value())),
        Expression::Number(n) => match scope.renamed_keys.get(&span_of(n).start) {
            // A number patched for the parser (see `recover`): valid in
            // Terraform, beyond what a 64-bit float holds.
            Some(original) => Ok(Partial::Unknown(Cause::Invalid(format!(
                "number {original} is out of range"
            )))),
            None => Ok(Partial::Scalar(number(n.value(), false))),
        },
        Expression::String(s) => Ok(Partial::string(s.value().as_str())),
        Expression::StringTemplate(t) => template(t, scope).and_then(bounded),
        Expression::HeredocTemplate(h) => template(&h.template, scope).and_then(bounded),
        Expression::Parenthesis(p) => evaluate(p.inner(), scope),
        Expression::Array(array) => array
            .iter()
            .map(|item| evaluate(item, scope))
            .collect::<Result<Vec<_>, _>>()
            .map(Partial::List)
            .and_then(bounded),
        Expression::Object(object) => {
            let mut entries = BTreeMap::new();
            let mut open = None;
            for (key, value) in object.iter() {
                let item = evaluate(value.expr(), scope)?;
                match object_key(key, scope)? {
                    Ok(name) => {
                        entries.insert(name, item);
                    }
                    Err(cause) => open = Some(cause),
                }
            }
            bounded(Partial::Map(entries, open))
        }
        Expression::Variable(name) => variable(name.as_str(), scope),
        Expression::Traversal(traversal) => {
            let (mut current, skip) = match &traversal.expr {
                Expression::Variable(root) => {
                    root_value(root.as_str(), &traversal.operators, scope)?
                }
                other => (evaluate(other, scope)?, 0),
            };
            let ops = &traversal.operators[skip..];
            current = apply_operators(current, ops, scope)?;
            Ok(current)
        }
        Expression::Conditional(c) => match evaluate(&c.cond_expr, scope)? {
            Partial::Scalar(Value::Bool(true)) => evaluate(&c.true_expr, scope),
            Partial::Scalar(Value::Bool(false)) => evaluate(&c.false_expr, scope),
            Partial::Scalar(Value::String(s)) if &*s == "true" => evaluate(&c.true_expr, scope),
            Partial::Scalar(Value::String(s)) if &*s == "false" => evaluate(&c.false_expr, scope),
            // Either branch may be taken; when both give the same known value,
            // that value is the result whichever it is.
            Partial::Unknown(cause) => {
                let (when_true, when_false) = (
                    evaluate(&c.true_expr, scope),
                    evaluate(&c.false_expr, scope),
                );
                Ok(match (when_true, when_false) {
                    (Ok(a), Ok(b)) if a.is_known() && functions::equals(&a, &b) == Some(true) => a,
                    _ => Partial::Unknown(cause),
                })
            }
            other => Err(format!("condition is not a bool: {}", describe(&other))),
        },
        Expression::FuncCall(call) => {
            let name = call.name.name.as_str();
            if !call.name.namespace.is_empty() {
                let mut full: Vec<&str> = call.name.namespace.iter().map(|n| n.as_str()).collect();
                full.push(name);
                return Ok(Partial::Unknown(Cause::Function(full.join("::"))));
            }
            match name {
                "try" => try_call(call.args.iter(), scope),
                "can" => Ok(
                    match evaluate(
                        call.args.iter().next().ok_or("can() needs an argument")?,
                        scope,
                    ) {
                        Ok(v) if v.is_known() => Partial::bool(true),
                        Ok(v) => {
                            Partial::Unknown(v.first_cause().cloned().unwrap_or(Cause::Resource))
                        }
                        Err(_) => Partial::bool(false),
                    },
                ),
                _ => {
                    let mut args = call
                        .args
                        .iter()
                        .map(|a| evaluate(a, scope))
                        .collect::<Result<Vec<_>, _>>()?;
                    if call.args.expand_final() {
                        match args.pop() {
                            Some(Partial::List(items)) => args.extend(items),
                            Some(Partial::Unknown(cause)) => return Ok(Partial::Unknown(cause)),
                            Some(other) => {
                                return Err(format!("cannot expand {} with ...", describe(&other)))
                            }
                            None => {}
                        }
                    }
                    functions::call(name, args).and_then(bounded)
                }
            }
        }
        Expression::UnaryOp(op) => {
            let operand = evaluate(&op.expr, scope)?;
            match (op.operator.value(), operand) {
                (_, Partial::Unknown(cause)) => Ok(Partial::Unknown(cause)),
                (UnaryOperator::Neg, Partial::Scalar(v)) => match to_number(&v) {
                    Some(n) => Ok(Partial::number(-n)),
                    None => Err(format!("cannot negate {v}")),
                },
                (UnaryOperator::Not, Partial::Scalar(v)) => match to_bool(&v) {
                    Some(b) => Ok(Partial::bool(!b)),
                    None => Err(format!("cannot apply ! to {v}")),
                },
                (_, other) => Err(format!("operator on {}", describe(&other))),
            }
        }
        Expression::BinaryOp(op) => binary(*op.operator.value(), &op.lhs_expr, &op.rhs_expr, scope),
        Expression::ForExpr(for_expr) => for_expression(for_expr, scope).and_then(bounded),
    }
}

/// A bare name: a bound iterator, or a keyword (`ignore_changes = all`)
/// that has no value of its own.
fn variable(name: &str, scope: &Scope) -> Eval {
    if let Some((_, v)) = scope.bound.iter().rev().find(|(n, _)| n == name) {
        return Ok(v.clone());
    }
    Ok(match name {
        "count" | "each" | "var" | "local" | "module" | "path" | "data" | "terraform" => {
            return Err(format!("`{name}` cannot be used on its own"))
        }
        _ => Partial::Unknown(Cause::Invalid(format!("`{name}` is not a value here"))),
    })
}

/// The value a traversal starts from, and how many of its operators that
/// consumed (`var.x` consumes `.x`).
fn root_value(
    root: &str,
    ops: &[Decorated<TraversalOperator>],
    scope: &mut Scope,
) -> Result<(Partial, usize), String> {
    if let Some((_, v)) = scope.bound.iter().rev().find(|(n, _)| n == root) {
        return Ok((v.clone(), 0));
    }
    let attr = |i: usize| match ops.get(i).map(|op| op.value()) {
        Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
        _ => None,
    };
    let names = scope.names;
    Ok(match root {
        "var" => match attr(0) {
            Some(name) => (names.variable(name), 1),
            None => return Err("`var` must be followed by a variable name".into()),
        },
        "local" => match attr(0) {
            Some(name) => (names.local(name), 1),
            None => return Err("`local` must be followed by a name".into()),
        },
        "module" => match attr(0) {
            Some(name) => (names.module(name), 1),
            None => return Err("`module` must be followed by a name".into()),
        },
        "path" => match attr(0) {
            Some(name) => (names.path(name), 1),
            None => return Err("`path` must be followed by an attribute".into()),
        },
        "count" => match (attr(0), &scope.count_index) {
            (Some("index"), Some(i)) => (i.clone(), 1),
            _ => return Err("`count.index` is only valid in a block with `count`".into()),
        },
        "each" => match (attr(0), &scope.each) {
            (Some("key"), Some((key, _))) => (key.clone(), 1),
            (Some("value"), Some((_, value))) => (value.clone(), 1),
            _ => return Err("`each` is only valid in a block with `for_each`".into()),
        },
        "terraform" => match attr(0) {
            Some("workspace") => (Partial::string("default"), 1),
            _ => (
                Partial::Unknown(Cause::Invalid("terraform.* attribute".into())),
                ops.len(),
            ),
        },
        "data" | "ephemeral" => (Partial::Unknown(Cause::DataSource), ops.len()),
        // `self` and `<type>.<name>`: attributes of managed resources.
        _ => (Partial::Unknown(Cause::Resource), ops.len()),
    })
}

fn apply_operators(
    mut current: Partial,
    ops: &[Decorated<TraversalOperator>],
    scope: &mut Scope,
) -> Eval {
    let mut i = 0;
    while i < ops.len() {
        match ops[i].value() {
            TraversalOperator::GetAttr(name) => current = get(current, name.as_str())?,
            TraversalOperator::Index(index) => {
                let key = evaluate(index, scope)?;
                current = index_into(current, key)?;
            }
            TraversalOperator::LegacyIndex(n) => {
                current = index_into(current, Partial::Scalar(Value::from(*n.value())))?;
            }
            splat @ (TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_)) => {
                // `.*` applies only the attribute lookups right after it to
                // each element; `[*]` applies every operator that follows.
                let end = if matches!(splat, TraversalOperator::FullSplat(_)) {
                    ops.len()
                } else {
                    ops[i + 1..]
                        .iter()
                        .position(|op| !matches!(op.value(), TraversalOperator::GetAttr(_)))
                        .map_or(ops.len(), |p| i + 1 + p)
                };
                let items = match current {
                    Partial::Unknown(cause) => return Ok(Partial::Unknown(cause)),
                    Partial::List(items) => items,
                    Partial::Scalar(Value::Null) => Vec::new(),
                    other => vec![other],
                };
                let per_item = &ops[i + 1..end];
                current = Partial::List(
                    items
                        .into_iter()
                        .map(|item| apply_operators(item, per_item, scope))
                        .collect::<Result<_, _>>()?,
                );
                i = end;
                continue;
            }
        }
        i += 1;
    }
    Ok(current)
}

/// `value.name`.
fn get(value: Partial, name: &str) -> Eval {
    match value {
        Partial::Unknown(cause) => Ok(Partial::Unknown(cause)),
        Partial::Map(mut entries, open) => match entries.remove(name) {
            Some(v) => Ok(v),
            None => match open {
                Some(cause) => Ok(Partial::Unknown(cause)),
                None => Err(format!("object has no attribute `{name}`")),
            },
        },
        other => Err(format!("cannot read `.{name}` of {}", describe(&other))),
    }
}

/// `value[key]`.
fn index_into(value: Partial, key: Partial) -> Eval {
    let key = match key {
        Partial::Unknown(cause) => return Ok(Partial::Unknown(cause)),
        Partial::Scalar(k) => k,
        other => return Err(format!("cannot index with {}", describe(&other))),
    };
    match value {
        Partial::Unknown(cause) => Ok(Partial::Unknown(cause)),
        Partial::List(mut items) => {
            let i = to_number(&key)
                .filter(|n| n.fract() == 0.0 && *n >= 0.0)
                .ok_or_else(|| format!("list index {key} is not a whole number"))?;
            let i = i as usize;
            if i < items.len() {
                Ok(items.swap_remove(i))
            } else {
                Err(format!(
                    "index {i} is out of range for a list of {}",
                    items.len()
                ))
            }
        }
        Partial::Map(..) => {
            let name = functions::scalar_to_string(&key)
                .ok_or_else(|| format!("map key {key} is not a string"))?;
            get(value, &name)
        }
        other => Err(format!("cannot index {}", describe(&other))),
    }
}

fn binary(op: BinaryOperator, lhs: &Expression, rhs: &Expression, scope: &mut Scope) -> Eval {
    let left = evaluate(lhs, scope)?;
    // `false && x` and `true || x` are known whatever `x` is.
    match (op, &left) {
        (BinaryOperator::And, Partial::Scalar(Value::Bool(false))) => return Ok(left),
        (BinaryOperator::Or, Partial::Scalar(Value::Bool(true))) => return Ok(left),
        _ => {}
    }
    let right = evaluate(rhs, scope)?;
    // Three-valued logic: `unknown && false` is false and `unknown || true` is
    // true whatever the unknown turns out to be, so a known right operand that
    // decides wins over an unknown left one (as Terraform's own refinements do).
    if let (Partial::Unknown(_), Partial::Scalar(r)) = (&left, &right) {
        match (op, to_bool(r)) {
            (BinaryOperator::And, Some(false)) | (BinaryOperator::Or, Some(true)) => {
                return Ok(Partial::bool(op == BinaryOperator::Or))
            }
            _ => {}
        }
    }
    if let BinaryOperator::Eq | BinaryOperator::NotEq = op {
        return Ok(match functions::equals(&left, &right) {
            Some(eq) => Partial::bool(eq == (op == BinaryOperator::Eq)),
            None => Partial::Unknown(unknown_cause(&left, &right)),
        });
    }
    let (l, r) = match (left, right) {
        (Partial::Scalar(l), Partial::Scalar(r)) => (l, r),
        (l, r) if !l.is_known() || !r.is_known() => {
            return Ok(Partial::Unknown(unknown_cause(&l, &r)))
        }
        (l, _) => return Err(format!("operator on {}", describe(&l))),
    };
    match op {
        BinaryOperator::And | BinaryOperator::Or => {
            let (Some(a), Some(b)) = (to_bool(&l), to_bool(&r)) else {
                return Err(format!("logical operator on {l} and {r}"));
            };
            Ok(Partial::bool(if op == BinaryOperator::And {
                a && b
            } else {
                a || b
            }))
        }
        _ => {
            let (Some(a), Some(b)) = (to_number(&l), to_number(&r)) else {
                return Err(format!("arithmetic on {l} and {r}"));
            };
            Ok(match op {
                BinaryOperator::Plus => Partial::number(a + b),
                BinaryOperator::Minus => Partial::number(a - b),
                BinaryOperator::Mul => Partial::number(a * b),
                BinaryOperator::Div if b == 0.0 => return Err("division by zero".into()),
                BinaryOperator::Div => Partial::number(a / b),
                BinaryOperator::Mod if b == 0.0 => return Err("modulo by zero".into()),
                BinaryOperator::Mod => Partial::number(a % b),
                BinaryOperator::Less => Partial::bool(a < b),
                BinaryOperator::LessEq => Partial::bool(a <= b),
                BinaryOperator::Greater => Partial::bool(a > b),
                BinaryOperator::GreaterEq => Partial::bool(a >= b),
                _ => unreachable!("equality and logic are handled above"),
            })
        }
    }
}

fn unknown_cause(a: &Partial, b: &Partial) -> Cause {
    a.first_cause()
        .or_else(|| b.first_cause())
        .cloned()
        .unwrap_or(Cause::Invalid("unknown operand".into()))
}

/// `try(a, b, …)`: the first argument that evaluates without an error. An
/// unknown argument makes the result unknown, since Terraform could still
/// fail on it when the value is known.
fn try_call<'e>(args: impl Iterator<Item = &'e Expression>, scope: &mut Scope) -> Eval {
    let mut last = String::from("try() needs an argument");
    for arg in args {
        match evaluate(arg, scope) {
            Ok(v) => return Ok(v),
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn for_expression(for_expr: &ForExpr, scope: &mut Scope) -> Eval {
    let intro = &for_expr.intro;
    let collection = evaluate(&intro.collection_expr, scope)?;
    let (pairs, open): (Vec<(Partial, Partial)>, Option<Cause>) = match collection {
        Partial::Unknown(cause) => return Ok(Partial::Unknown(cause)),
        Partial::List(items) => (
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Partial::Scalar(Value::from(i as i64)), v))
                .collect(),
            None,
        ),
        Partial::Map(entries, open) => (
            entries
                .into_iter()
                .map(|(k, v)| (Partial::string(k), v))
                .collect(),
            open,
        ),
        Partial::Scalar(Value::Null) => return Err("cannot iterate over null".into()),
        Partial::Scalar(v) => return Err(format!("cannot iterate over {v}")),
    };
    let depth = scope.bound.len();
    let mut list = Vec::new();
    let mut object: BTreeMap<String, Partial> = BTreeMap::new();
    let mut groups: BTreeMap<String, Vec<Partial>> = BTreeMap::new();
    let mut result_open = open.clone();
    // Weighed as it grows: `[for i in range(1024) : local.big]` would build
    // a thousand copies of a large value before `bounded` saw the result.
    let mut weight_left = MAX_VALUE_WEIGHT;
    for (key, value) in pairs {
        scope.bound.truncate(depth);
        if let Some(key_var) = &intro.key_var {
            scope.bound.push((key_var.as_str().to_owned(), key));
        }
        scope
            .bound
            .push((intro.value_var.as_str().to_owned(), value));
        let keep = match &for_expr.cond {
            Some(cond) => evaluate(&cond.expr, scope),
            None => Ok(Partial::bool(true)),
        };
        let keep = match keep {
            Ok(k) => k,
            Err(e) => {
                scope.bound.truncate(depth);
                return Err(e);
            }
        };
        match keep {
            Partial::Scalar(Value::Bool(true)) => {}
            Partial::Scalar(Value::Bool(false)) => continue,
            Partial::Unknown(cause) => {
                // Whether this element is in the result is unknown: a list
                // loses its indexes, an object may or may not hold the key.
                if for_expr.key_expr.is_none() {
                    scope.bound.truncate(depth);
                    return Ok(Partial::Unknown(cause));
                }
                result_open = Some(cause);
                continue;
            }
            other => {
                scope.bound.truncate(depth);
                return Err(format!("for condition is not a bool: {}", describe(&other)));
            }
        }
        let item = evaluate(&for_expr.value_expr, scope);
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                scope.bound.truncate(depth);
                return Err(e);
            }
        };
        if !fits(&item, &mut weight_left) {
            scope.bound.truncate(depth);
            return Ok(Partial::Unknown(over_budget()));
        }
        match &for_expr.key_expr {
            None => list.push(item),
            Some(key_expr) => {
                let key = evaluate(key_expr, scope);
                match key {
                    Ok(Partial::Scalar(k)) => match functions::scalar_to_string(&k) {
                        Some(k) if for_expr.grouping => groups.entry(k).or_default().push(item),
                        Some(k) => {
                            if object.insert(k.clone(), item).is_some() {
                                scope.bound.truncate(depth);
                                return Err(format!("duplicate key {k:?} in for expression"));
                            }
                        }
                        None => {
                            scope.bound.truncate(depth);
                            return Err("for expression key is null".into());
                        }
                    },
                    Ok(Partial::Unknown(cause)) => result_open = Some(cause),
                    Ok(other) => {
                        scope.bound.truncate(depth);
                        return Err(format!("for expression key is {}", describe(&other)));
                    }
                    Err(e) => {
                        scope.bound.truncate(depth);
                        return Err(e);
                    }
                }
            }
        }
    }
    scope.bound.truncate(depth);
    if for_expr.key_expr.is_none() {
        return Ok(match open {
            Some(cause) => Partial::Unknown(cause),
            None => Partial::List(list),
        });
    }
    if for_expr.grouping {
        object.extend(groups.into_iter().map(|(k, v)| (k, Partial::List(v))));
    }
    Ok(Partial::Map(object, result_open))
}

/// A string template: literals and interpolations, with `%{if}` and
/// `%{for}` directives and `~` whitespace stripping.
fn template(template: &Template, scope: &mut Scope) -> Eval {
    let mut out = String::new();
    match render(template, scope, &mut out)? {
        // Checked as it grows: a template repeating a large string a
        // thousand times must stop before it holds them all.
        _ if out.len() > MAX_VALUE_WEIGHT => Ok(Partial::Unknown(over_budget())),
        Some(cause) => Ok(Partial::Unknown(cause)),
        None => Ok(Partial::string(out)),
    }
}

/// Appends the rendered template to `out`; `Some(cause)` when part of it is
/// unknown.
fn render(
    template: &Template,
    scope: &mut Scope,
    out: &mut String,
) -> Result<Option<Cause>, String> {
    let mut strip_next = false;
    for element in template.iter() {
        match element {
            _ if out.len() > MAX_VALUE_WEIGHT => return Ok(Some(over_budget())),
            Element::Literal(literal) => {
                let text = literal.value().as_str();
                if strip_next {
                    out.push_str(text.trim_start());
                } else {
                    out.push_str(text);
                }
                strip_next = false;
            }
            Element::Interpolation(interpolation) => {
                if interpolation.strip.strip_start() {
                    out.truncate(out.trim_end().len());
                }
                strip_next = interpolation.strip.strip_end();
                match evaluate(&interpolation.expr, scope)? {
                    Partial::Scalar(v) => match functions::scalar_to_string(&v) {
                        Some(s) => out.push_str(&s),
                        None => return Err("cannot interpolate null".into()),
                    },
                    Partial::Unknown(cause) => return Ok(Some(cause)),
                    other if !other.is_known() => {
                        return Ok(Some(
                            other.first_cause().cloned().unwrap_or(Cause::Resource),
                        ))
                    }
                    other => return Err(format!("cannot interpolate {}", describe(&other))),
                }
            }
            Element::Directive(directive) => match directive.as_ref() {
                Directive::If(d) => {
                    match evaluate(&d.if_expr.cond_expr, scope)? {
                        Partial::Scalar(Value::Bool(true)) => {
                            if let Some(cause) = render(&d.if_expr.template, scope, out)? {
                                return Ok(Some(cause));
                            }
                        }
                        Partial::Scalar(Value::Bool(false)) => {
                            if let Some(else_expr) = &d.else_expr {
                                if let Some(cause) = render(&else_expr.template, scope, out)? {
                                    return Ok(Some(cause));
                                }
                            }
                        }
                        Partial::Unknown(cause) => return Ok(Some(cause)),
                        other => return Err(format!("%{{if}} condition is {}", describe(&other))),
                    }
                    strip_next = d.endif_expr.strip.strip_end();
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    let pairs: Vec<(Partial, Partial)> = match evaluate(&f.collection_expr, scope)?
                    {
                        Partial::List(items) => items
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| (Partial::Scalar(Value::from(i as i64)), v))
                            .collect(),
                        Partial::Map(entries, None) => entries
                            .into_iter()
                            .map(|(k, v)| (Partial::string(k), v))
                            .collect(),
                        Partial::Map(_, Some(cause)) | Partial::Unknown(cause) => {
                            return Ok(Some(cause))
                        }
                        other => return Err(format!("%{{for}} over {}", describe(&other))),
                    };
                    let depth = scope.bound.len();
                    for (key, value) in pairs {
                        scope.bound.truncate(depth);
                        if let Some(key_var) = &f.key_var {
                            scope.bound.push((key_var.as_str().to_owned(), key));
                        }
                        scope.bound.push((f.value_var.as_str().to_owned(), value));
                        let rendered = render(&f.template, scope, out);
                        if !matches!(rendered, Ok(None)) {
                            scope.bound.truncate(depth);
                            return rendered;
                        }
                    }
                    scope.bound.truncate(depth);
                    strip_next = d.endfor_expr.strip.strip_end();
                }
            },
        }
    }
    Ok(None)
}

/// The name of an object key: `Ok(Ok(name))` when known, `Ok(Err(cause))`
/// when it is an expression whose value is unknown.
fn object_key(key: &ObjectKey, scope: &mut Scope) -> Result<Result<String, Cause>, String> {
    let span = span_of(key);
    if let Some(original) = scope.renamed_keys.get(&span.start) {
        return Ok(Ok(original.clone()));
    }
    match key {
        ObjectKey::Ident(ident) => Ok(Ok(ident.as_str().to_owned())),
        ObjectKey::Expression(expr) => {
            // `(var.name) = …` and `"${local.prefix}-x" = …` are
            // expressions; a bare name in parentheses is evaluated too.
            match evaluate(expr, scope)? {
                Partial::Scalar(v) => functions::scalar_to_string(&v)
                    .map(Ok)
                    .ok_or_else(|| format!("object key {v} is not a string")),
                Partial::Unknown(cause) => Ok(Err(cause)),
                other => Err(format!("object key is {}", describe(&other))),
            }
        }
    }
}

/// The literal name of an object key, for spans (which must not depend on
/// evaluation).
pub(super) fn literal_key(
    key: &ObjectKey,
    renamed_keys: &BTreeMap<usize, String>,
) -> Option<String> {
    if let Some(original) = renamed_keys.get(&span_of(key).start) {
        return Some(original.clone());
    }
    match key {
        ObjectKey::Ident(ident) => Some(ident.as_str().to_owned()),
        ObjectKey::Expression(Expression::String(s)) => Some(s.value().clone()),
        ObjectKey::Expression(Expression::Number(n)) => Some(n.value().to_string()),
        ObjectKey::Expression(Expression::StringTemplate(t)) => {
            let mut text = String::new();
            for element in t.iter() {
                match element {
                    Element::Literal(literal) => text.push_str(literal.value()),
                    _ => return None,
                }
            }
            Some(text)
        }
        ObjectKey::Expression(_) => None,
    }
}

/// Where `expr` and its literal parts are written; `key` is the span of the
/// attribute or object key it is the value of.
pub(super) fn spans(
    expr: &Expression,
    key: Option<Span>,
    renamed_keys: &BTreeMap<usize, String>,
) -> SpanNode {
    let span = span_of(expr);
    match expr {
        Expression::Parenthesis(p) => {
            let mut inner = spans(p.inner(), key, renamed_keys);
            inner.value = span;
            inner
        }
        Expression::Array(array) => SpanNode {
            key,
            value: span,
            children: SpanChildren::List(
                array
                    .iter()
                    .map(|item| spans(item, None, renamed_keys))
                    .collect(),
            ),
        },
        Expression::Object(object) => SpanNode {
            key,
            value: span,
            children: SpanChildren::Map(
                object
                    .iter()
                    .filter_map(|(k, v)| {
                        let name = literal_key(k, renamed_keys)?;
                        Some((name, spans(v.expr(), Some(span_of(k)), renamed_keys)))
                    })
                    .collect(),
            ),
        },
        _ => SpanNode::leaf(key, span),
    }
}

/// Converts a byte range from hcl-edit into a [`Span`]; every node the parser
/// produced has one, so the fallback never shows up in practice.
pub(super) fn span_of(node: &impl hcl_edit::Span) -> Span {
    node.span()
        .map(|r| Span::new(r.start, r.end))
        .unwrap_or_default()
}

/// A short description of a value's kind for error messages.
fn describe(value: &Partial) -> &'static str {
    match value {
        Partial::Unknown(_) => "an unknown value",
        Partial::Scalar(Value::Null) => "null",
        Partial::Scalar(Value::Bool(_)) => "a bool",
        Partial::Scalar(Value::Number(_)) => "a number",
        Partial::Scalar(Value::String(_)) => "a string",
        Partial::Scalar(_) => "a value",
        Partial::List(_) => "a list",
        Partial::Map(..) => "an object",
    }
}

/// A number, or a string Terraform would convert to one.
pub(super) fn to_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
}

/// A bool, or the strings `"true"` / `"false"` Terraform converts.
fn to_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if &**s == "true" => Some(true),
        Value::String(s) if &**s == "false" => Some(false),
        _ => None,
    }
}

/// An HCL number literal as a value; integers stay integers.
pub(super) fn number(n: &Number, negate: bool) -> Value {
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
