//! The objects an expression refers to (`references` in docs/architecture.md
//! "Input model"). Cross-resource rules join through these, so they are
//! collected from every expression whether or not its value is known; the
//! module evaluator then resolves locals, variables and module outputs to the
//! resources behind them.

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use regorus::Value;

use super::eval::{evaluate, Scope};
use super::value::Partial;
use crate::model::Cause;

/// One reference as written: the object's address within its module
/// (`var.x`, `local.x`, `module.m`, `data.T.N`, `T.N`), the instance key when
/// one is given and known, and for a module the output read from it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct RawRef {
    pub address: String,
    pub key: Option<Partial>,
    pub output: Option<String>,
}

/// Names that are never another object: per-instance values, the file
/// system, the workspace.
const NOT_OBJECTS: [&str; 5] = ["each", "count", "self", "path", "terraform"];

/// Collects the addresses `expr` refers to into `out`. `scope` holds the
/// names bound around `expr` (for-expression variables, a dynamic block's
/// iterator), which shadow everything else.
pub(super) fn collect(expr: &Expression, scope: &mut Scope, out: &mut Vec<RawRef>) {
    match expr {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_)
        // A bare name is a keyword (`ignore_changes = all`) or a scoped
        // variable, never an object address: those need at least two parts.
        | Expression::Variable(_) => {}
        Expression::Array(array) => {
            for item in array.iter() {
                collect(item, scope, out);
            }
        }
        Expression::Object(object) => {
            for (key, value) in object.iter() {
                if let ObjectKey::Expression(key) = key {
                    collect(key, scope, out);
                }
                collect(value.expr(), scope, out);
            }
        }
        Expression::StringTemplate(t) => collect_template(t, scope, out),
        Expression::HeredocTemplate(h) => collect_template(&h.template, scope, out),
        Expression::Parenthesis(p) => collect(p.inner(), scope, out),
        Expression::Conditional(c) => {
            collect(&c.cond_expr, scope, out);
            collect(&c.true_expr, scope, out);
            collect(&c.false_expr, scope, out);
        }
        Expression::FuncCall(call) => {
            for arg in call.args.iter() {
                collect(arg, scope, out);
            }
        }
        Expression::Traversal(traversal) => {
            if let Expression::Variable(root) = &traversal.expr {
                if let Some(found) = reference(root.as_str(), &traversal.operators, scope) {
                    if !out.contains(&found) {
                        out.push(found);
                    }
                }
            } else {
                collect(&traversal.expr, scope, out);
            }
            for op in &traversal.operators {
                if let TraversalOperator::Index(index) = op.value() {
                    collect(index, scope, out);
                }
            }
        }
        Expression::UnaryOp(op) => collect(&op.expr, scope, out),
        Expression::BinaryOp(op) => {
            collect(&op.lhs_expr, scope, out);
            collect(&op.rhs_expr, scope, out);
        }
        Expression::ForExpr(for_expr) => {
            let intro = &for_expr.intro;
            collect(&intro.collection_expr, scope, out);
            let depth = scope.bound.len();
            bind(scope, intro.key_var.iter().chain([&intro.value_var]));
            if let Some(key_expr) = &for_expr.key_expr {
                collect(key_expr, scope, out);
            }
            collect(&for_expr.value_expr, scope, out);
            if let Some(cond) = &for_expr.cond {
                collect(&cond.expr, scope, out);
            }
            scope.bound.truncate(depth);
        }
    }
}

fn collect_template(template: &Template, scope: &mut Scope, out: &mut Vec<RawRef>) {
    for element in template.iter() {
        match element {
            Element::Literal(_) => {}
            Element::Interpolation(interpolation) => collect(&interpolation.expr, scope, out),
            Element::Directive(directive) => match directive.as_ref() {
                Directive::If(d) => {
                    collect(&d.if_expr.cond_expr, scope, out);
                    collect_template(&d.if_expr.template, scope, out);
                    if let Some(else_expr) = &d.else_expr {
                        collect_template(&else_expr.template, scope, out);
                    }
                }
                Directive::For(d) => {
                    let f = &d.for_expr;
                    collect(&f.collection_expr, scope, out);
                    let depth = scope.bound.len();
                    bind(scope, f.key_var.iter().chain([&f.value_var]));
                    collect_template(&f.template, scope, out);
                    scope.bound.truncate(depth);
                }
            },
        }
    }
}

/// Binds iteration variables while their body is collected, so that they
/// shadow objects of the same name; their values do not matter here.
fn bind<'i>(
    scope: &mut Scope,
    names: impl Iterator<Item = &'i hcl_edit::Decorated<hcl_edit::Ident>>,
) {
    for name in names {
        scope.bound.push((
            name.as_str().to_owned(),
            Partial::Unknown(Cause::Invalid("iteration variable".into())),
        ));
    }
}

/// The object a traversal from `root` names. Attributes after the address
/// (`.id`) are dropped: references name objects, not values; an index right
/// after it is kept when its value is known (`aws_instance.web[0]`).
fn reference(
    root: &str,
    operators: &[hcl_edit::Decorated<TraversalOperator>],
    scope: &mut Scope,
) -> Option<RawRef> {
    if NOT_OBJECTS.contains(&root) || scope.bound.iter().any(|(name, _)| name == root) {
        return None;
    }
    let attr = |i: usize| match operators.get(i).map(|op| op.value()) {
        Some(TraversalOperator::GetAttr(name)) => Some(name.as_str().to_owned()),
        _ => None,
    };
    let (address, next) = match root {
        "data" | "ephemeral" => (format!("{root}.{}.{}", attr(0)?, attr(1)?), 2),
        _ => (format!("{root}.{}", attr(0)?), 1),
    };
    let key = match operators.get(next).map(|op| op.value()) {
        // An index into a variable or local selects a value, not an instance.
        Some(TraversalOperator::Index(_)) if matches!(root, "var" | "local") => None,
        Some(TraversalOperator::Index(index)) => match evaluate(index, scope) {
            Ok(key @ Partial::Scalar(Value::Number(_) | Value::String(_))) => Some(key),
            _ => None,
        },
        Some(TraversalOperator::LegacyIndex(i)) => Some(Partial::Scalar(Value::from(*i.value()))),
        _ => None,
    };
    let output = match root {
        "module" => {
            let after_key = next
                + usize::from(matches!(
                    operators.get(next).map(|op| op.value()),
                    Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_))
                ));
            attr(after_key)
        }
        _ => None,
    };
    Some(RawRef {
        address,
        key,
        output,
    })
}
