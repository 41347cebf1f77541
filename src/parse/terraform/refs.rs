//! The addresses an expression refers to (`references` in DESIGN.md §4).
//! Cross-resource rules join through these, so they are collected from every
//! expression whether or not its value is known.

use std::collections::BTreeSet;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};

/// Names that are never another object: per-instance values, the file
/// system, the workspace.
const NOT_OBJECTS: [&str; 5] = ["each", "count", "self", "path", "terraform"];

/// Collects the addresses `expr` refers to into `out`. `scope` holds the
/// names bound around `expr` (for-expression variables, a dynamic block's
/// iterator), which shadow everything else.
pub(super) fn collect(expr: &Expression, scope: &mut Vec<String>, out: &mut BTreeSet<String>) {
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
                if let Some(address) = address(root.as_str(), &traversal.operators, scope) {
                    out.insert(address);
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
            let depth = scope.len();
            scope.extend(intro.key_var.iter().map(|k| k.as_str().to_owned()));
            scope.push(intro.value_var.as_str().to_owned());
            if let Some(key_expr) = &for_expr.key_expr {
                collect(key_expr, scope, out);
            }
            collect(&for_expr.value_expr, scope, out);
            if let Some(cond) = &for_expr.cond {
                collect(&cond.expr, scope, out);
            }
            scope.truncate(depth);
        }
    }
}

fn collect_template(template: &Template, scope: &mut Vec<String>, out: &mut BTreeSet<String>) {
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
                    let depth = scope.len();
                    scope.extend(f.key_var.iter().map(|k| k.as_str().to_owned()));
                    scope.push(f.value_var.as_str().to_owned());
                    collect_template(&f.template, scope, out);
                    scope.truncate(depth);
                }
            },
        }
    }
}

/// The address of the object a traversal from `root` names: `var.x`,
/// `local.x`, `module.m`, `data.T.N`, `T.N`. Indexes and attributes after
/// the address (`[0].id`) are dropped: references name objects, not values.
fn address(
    root: &str,
    operators: &[hcl_edit::Decorated<TraversalOperator>],
    scope: &[String],
) -> Option<String> {
    if NOT_OBJECTS.contains(&root) || scope.iter().any(|s| s == root) {
        return None;
    }
    let attr = |i: usize| match operators.get(i).map(|op| op.value()) {
        Some(TraversalOperator::GetAttr(name)) => Some(name.as_str()),
        _ => None,
    };
    match root {
        "data" | "ephemeral" => Some(format!("{root}.{}.{}", attr(0)?, attr(1)?)),
        _ => Some(format!("{root}.{}", attr(0)?)),
    }
}
