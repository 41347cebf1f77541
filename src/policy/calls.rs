//! Checks every function call in the loaded policies before anything is
//! scanned: a call to a function that no policy defines and no builtin
//! provides, or to a builtin a scan must not use, is a load error at the
//! call's `file:line:col`.
//!
//! regorus resolves function names only when it evaluates a call, so an
//! unknown function would otherwise surface per bundle, in the middle of a
//! scan, or never (when the call sits behind a condition no input meets).
//! The resolution below follows regorus's own order: an import alias, then
//! a rule of the calling package or a full `data.` path, then a builtin.

use std::collections::BTreeSet;

use regorus::unstable::{Expr, Literal, Module, Query, Rule, RuleHead, BUILTINS};
use regorus::utils::get_path_string;

use crate::diagnostic::Diagnostic;
use crate::policy::crypto;

/// Builtins regorus offers that a scan refuses, and why: a scan never
/// touches the network, and gives the same findings every time it runs.
const REFUSED: &[(&str, &str)] = &[
    (
        "http.send",
        "reaches the network, and a scan never touches the network; pass what the policy needs as data (`--data`) instead",
    ),
    (
        "net.lookup_ip_addr",
        "reaches the network (DNS), and a scan never touches the network",
    ),
    (
        "rand.intn",
        "returns a different number on every run, and a scan must give the same findings every time",
    ),
];

/// Every call in `modules` that cannot run in a scan, in file order.
pub fn check(modules: &[regorus::unstable::Ref<Module>]) -> Vec<Diagnostic> {
    let defined = defined_paths(modules);
    let mut errors = Vec::new();
    for module in modules {
        let Ok(package) = get_path_string(&module.package.refr, Some("data")) else {
            continue;
        };
        let scope = Scope {
            package,
            imports: imports(module),
            defined: &defined,
        };
        let mut calls = Vec::new();
        for rule in &module.policy {
            rule_exprs(rule, &mut |e| collect_calls(e, &mut calls));
        }
        for (span, path) in calls {
            if let Some(reason) = scope.refusal(&path) {
                errors.push(Diagnostic {
                    file: span.source.file().clone(),
                    line: Some(span.line as usize),
                    column: Some(span.col as usize),
                    message: reason,
                    frame: None,
                });
            }
        }
    }
    errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    errors.dedup();
    errors
}

/// What a call's name may refer to in one module.
struct Scope<'a> {
    /// `data.acme.rules.x`.
    package: String,
    /// Alias to imported path: `k8s` -> `data.lib.k8s`.
    imports: Vec<(String, String)>,
    /// Every rule and function path any module defines.
    defined: &'a BTreeSet<String>,
}

impl Scope<'_> {
    /// Why the call to `path` cannot run, or `None` when it can.
    fn refusal(&self, path: &str) -> Option<String> {
        let (head, rest) = match path.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        if let Some((_, target)) = self.imports.iter().find(|(alias, _)| alias == head) {
            let full = match rest {
                Some(rest) => format!("{target}.{rest}"),
                None => target.clone(),
            };
            if self.defined.contains(&full) {
                return None;
            }
        }
        if self.defined.contains(path) || self.defined.contains(&format!("{}.{path}", self.package))
        {
            return None;
        }
        if let Some((_, why)) = REFUSED.iter().find(|(name, _)| *name == path) {
            return Some(format!("`{path}` is not available to policies: it {why}"));
        }
        if path == "print" || BUILTINS.contains_key(path) || crypto::FUNCTIONS.contains(&path) {
            return None;
        }
        Some(format!(
            "could not find function `{path}`: no policy defines it and it is not a builtin{}",
            did_you_mean(path)
        ))
    }
}

/// A builtin whose name is close to `path`, as a hint.
fn did_you_mean(path: &str) -> String {
    let names: Vec<&str> = BUILTINS.keys().copied().collect();
    match crate::did_you_mean::closest(path, &names) {
        Some(name) => format!(" (did you mean `{name}`?)"),
        None => String::new(),
    }
}

fn imports(module: &Module) -> Vec<(String, String)> {
    module
        .imports
        .iter()
        .filter_map(|import| {
            let target = get_path_string(&import.refr, None).ok()?;
            let alias = match &import.r#as {
                Some(span) => span.text().to_owned(),
                None => target.rsplit('.').next()?.to_owned(),
            };
            Some((alias, target))
        })
        .collect()
}

/// `data.<package>.<rule>` for every rule and function of every module; a
/// ref head (`a.b.f(x)`) gives its full path, the one a call names.
fn defined_paths(modules: &[regorus::unstable::Ref<Module>]) -> BTreeSet<String> {
    let mut defined = BTreeSet::new();
    for module in modules {
        let Ok(package) = get_path_string(&module.package.refr, Some("data")) else {
            continue;
        };
        for rule in &module.policy {
            let refr = match rule.as_ref() {
                Rule::Spec { head, .. } => match head {
                    RuleHead::Compr { refr, .. }
                    | RuleHead::Set { refr, .. }
                    | RuleHead::Func { refr, .. } => refr,
                },
                Rule::Default { refr, .. } => refr,
            };
            if let Ok(path) = get_path_string(refr, Some(&package)) {
                defined.insert(path);
            }
        }
    }
    defined
}

/// Calls `f` on every top-level expression of `rule`.
fn rule_exprs(rule: &Rule, f: &mut dyn FnMut(&Expr)) {
    match rule {
        Rule::Spec { head, bodies, .. } => {
            match head {
                RuleHead::Compr { assign, .. } => {
                    if let Some(a) = assign {
                        f(&a.value);
                    }
                }
                RuleHead::Set { key, .. } => {
                    if let Some(k) = key {
                        f(k);
                    }
                }
                RuleHead::Func { args, assign, .. } => {
                    for a in args {
                        f(a);
                    }
                    if let Some(a) = assign {
                        f(&a.value);
                    }
                }
            }
            for body in bodies {
                if let Some(a) = &body.assign {
                    f(&a.value);
                }
                query_exprs(&body.query, f);
            }
        }
        Rule::Default { value, .. } => f(value),
    }
}

fn query_exprs(query: &Query, f: &mut dyn FnMut(&Expr)) {
    for stmt in &query.stmts {
        match &stmt.literal {
            Literal::SomeVars { .. } => {}
            Literal::SomeIn {
                key,
                value,
                collection,
                ..
            } => {
                if let Some(k) = key {
                    f(k);
                }
                f(value);
                f(collection);
            }
            Literal::Expr { expr, .. } | Literal::NotExpr { expr, .. } => f(expr),
            Literal::Every { domain, query, .. } => {
                f(domain);
                query_exprs(query, f);
            }
        }
        for with in &stmt.with_mods {
            f(&with.r#as);
        }
    }
}

/// Every call in `expr` (nested ones included) with its span and name.
fn collect_calls(expr: &Expr, calls: &mut Vec<(regorus::unstable::Span, String)>) {
    let mut nested = |e: &Expr| collect_calls(e, calls);
    match expr {
        Expr::Call { fcn, params, .. } => {
            if let Ok(path) = get_path_string(fcn, None) {
                calls.push((name_start(fcn).clone(), path));
            }
            let mut inner = Vec::new();
            for p in params {
                collect_calls(p, &mut inner);
            }
            calls.extend(inner);
        }
        Expr::String { .. }
        | Expr::RawString { .. }
        | Expr::Number { .. }
        | Expr::Bool { .. }
        | Expr::Null { .. }
        | Expr::Var { .. } => {}
        Expr::Array { items, .. } | Expr::Set { items, .. } => {
            for item in items {
                nested(item);
            }
        }
        Expr::Object { fields, .. } => {
            for (_, key, value) in fields {
                nested(key);
                nested(value);
            }
        }
        Expr::ArrayCompr { term, query, .. } | Expr::SetCompr { term, query, .. } => {
            nested(term);
            query_exprs(query, &mut nested);
        }
        Expr::ObjectCompr {
            key, value, query, ..
        } => {
            nested(key);
            nested(value);
            query_exprs(query, &mut nested);
        }
        Expr::UnaryExpr { expr, .. } => nested(expr),
        Expr::RefDot { refr, .. } => nested(refr),
        Expr::RefBrack { refr, index, .. } => {
            nested(refr);
            nested(index);
        }
        Expr::BinExpr { lhs, rhs, .. }
        | Expr::BoolExpr { lhs, rhs, .. }
        | Expr::ArithExpr { lhs, rhs, .. }
        | Expr::AssignExpr { lhs, rhs, .. } => {
            nested(lhs);
            nested(rhs);
        }
        Expr::Membership {
            key,
            value,
            collection,
            ..
        } => {
            if let Some(k) = key {
                nested(k);
            }
            nested(value);
            nested(collection);
        }
    }
}

/// Where a function's name starts: the span of its first segment (the
/// call's own span starts at `(`, a dotted name's at its last `.`).
fn name_start(fcn: &Expr) -> &regorus::unstable::Span {
    match fcn {
        Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => name_start(refr),
        other => other.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The load errors of `files` (path, text), parsed into one engine.
    fn refusals(files: &[(&str, &str)]) -> Vec<String> {
        let mut engine = regorus::Engine::new();
        for (path, text) in files {
            engine
                .add_policy((*path).to_owned(), (*text).to_owned())
                .unwrap();
        }
        check(engine.get_modules())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn calls_nested_anywhere_are_checked() {
        // In a comprehension, an `every` body, a function's value and a
        // call's argument: each one is found.
        let errors = refusals(&[(
            "p.rego",
            "package p\n\nxs := [y | some x in input; y := nope1(x)]\n\nok if {\n  every x in input { nope2(x) }\n}\n\nf(x) := nope3(x)\n\ng := count(nope4(1))\n",
        )]);
        assert_eq!(
            errors,
            [
                "p.rego:3:34: could not find function `nope1`: no policy defines it and it is not a builtin",
                "p.rego:6:22: could not find function `nope2`: no policy defines it and it is not a builtin",
                "p.rego:9:9: could not find function `nope3`: no policy defines it and it is not a builtin",
                "p.rego:11:12: could not find function `nope4`: no policy defines it and it is not a builtin",
            ]
        );
    }

    #[test]
    fn imports_packages_and_builtins_resolve() {
        // An import without `as` binds its last segment; a ref-head
        // function (`a.f`) is called through its path; `print` is no
        // builtin of the table but is always there.
        let errors = refusals(&[
            ("lib.rego", "package lib.k8s\n\nname(r) := r.name\n\na.f(x) := x\n"),
            (
                "p.rego",
                "package p\n\nimport data.lib.k8s\n\nx := k8s.name({\"name\": \"n\"}) if {\n  data.lib.k8s.a.f(1) == 1\n  k8s.a.f(1) == 1\n  print(\"x\")\n  startswith(\"ab\", \"a\")\n}\n",
            ),
        ]);
        assert_eq!(errors, Vec::<String>::new());
    }

    #[test]
    fn a_nondeterministic_builtin_is_refused() {
        let errors = refusals(&[("p.rego", "package p\n\nn := rand.intn(\"seed\", 10)\n")]);
        assert_eq!(
            errors,
            ["p.rego:3:6: `rand.intn` is not available to policies: it returns a different number on every run, and a scan must give the same findings every time"]
        );
    }

    #[test]
    fn a_policy_may_define_a_function_named_like_a_refused_builtin() {
        // Its own `send` in package `http` is no network call.
        let errors = refusals(&[
            ("http.rego", "package http\n\nsend(x) := x\n"),
            (
                "p.rego",
                "package p\n\nimport data.http\n\ny := http.send(1)\n",
            ),
        ]);
        assert_eq!(errors, Vec::<String>::new());
    }
}
