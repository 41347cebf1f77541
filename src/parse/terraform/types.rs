//! Variable type constraints, applied the way Terraform converts a value to
//! its variable's type: optional object attributes the value leaves out get
//! their default (or null), attributes the type does not declare are
//! dropped, and primitives convert (`1` to `"1"` for a `string`).
//!
//! Without this, `var.settings.retention` on an `object({ retention =
//! optional(number, 7) })` variable would be a missing attribute, and every
//! value computed from it unknown.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};
use regorus::Value;

use super::eval::{self, NoNames, Scope};
use super::functions;
use super::value::Partial;

/// `value` converted to the type constraint `ty`. Whatever cannot be
/// converted is left as it is: Terraform would reject it, and the value
/// stays what the configuration says.
pub(super) fn conform(ty: &Expression, value: Partial) -> Partial {
    if value.is_null() || matches!(value, Partial::Unknown(_)) {
        return value;
    }
    match ty {
        Expression::Variable(name) => primitive(name.as_str(), value),
        Expression::FuncCall(call) if call.name.namespace.is_empty() => {
            let args: Vec<&Expression> = call.args.iter().collect();
            match (call.name.name.as_str(), args.as_slice()) {
                ("object", [Expression::Object(attrs)]) => object(attrs, value),
                ("map", [inner]) => match value {
                    Partial::Map(entries, open) => Partial::Map(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k, conform(inner, v)))
                            .collect(),
                        open,
                    ),
                    other => other,
                },
                ("list" | "set", [inner]) => match value {
                    Partial::List(items) => {
                        Partial::List(items.into_iter().map(|v| conform(inner, v)).collect())
                    }
                    other => other,
                },
                ("tuple", [Expression::Array(types)]) => match value {
                    Partial::List(items) if items.len() == types.len() => Partial::List(
                        items
                            .into_iter()
                            .zip(types.iter())
                            .map(|(v, t)| conform(t, v))
                            .collect(),
                    ),
                    other => other,
                },
                ("optional", [inner, ..]) => conform(inner, value),
                _ => value,
            }
        }
        _ => value,
    }
}

/// A primitive type's conversion of a known scalar.
fn primitive(name: &str, value: Partial) -> Partial {
    let Partial::Scalar(v) = &value else {
        return value;
    };
    match (name, v) {
        ("string", Value::Number(_) | Value::Bool(_)) => {
            functions::scalar_to_string(v).map_or(value, Partial::string)
        }
        ("number", Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map_or(value, Partial::number),
        ("bool", Value::String(s)) if &**s == "true" => Partial::bool(true),
        ("bool", Value::String(s)) if &**s == "false" => Partial::bool(false),
        _ => value,
    }
}

/// An object type's conversion: declared attributes converted, optional
/// ones filled in, undeclared ones dropped (only when every key is known).
fn object(attrs: &hcl_edit::expr::Object, value: Partial) -> Partial {
    let Partial::Map(mut entries, open) = value else {
        return value;
    };
    let mut out = BTreeMap::new();
    for (key, attr_type) in attrs.iter() {
        let name = match key {
            ObjectKey::Ident(ident) => ident.as_str().to_owned(),
            ObjectKey::Expression(Expression::String(s)) => s.value().clone(),
            _ => continue,
        };
        let attr_type = attr_type.expr();
        match entries.remove(&name) {
            Some(v) => {
                out.insert(name, conform(attr_type, v));
            }
            None if open.is_none() => {
                if let Some(default) = optional_default(attr_type) {
                    out.insert(name, default);
                }
            }
            // The attribute may be among the keys we cannot see.
            None => {}
        }
    }
    if open.is_some() {
        // Keys we cannot see may be declared ones; keep what we have.
        out.extend(entries);
    }
    Partial::Map(out, open)
}

/// The value Terraform gives an absent `optional(T[, default])` attribute:
/// the default converted to `T`, or null. `None` for a required attribute.
fn optional_default(ty: &Expression) -> Option<Partial> {
    let Expression::FuncCall(call) = ty else {
        return None;
    };
    if call.name.name.as_str() != "optional" || !call.name.namespace.is_empty() {
        return None;
    }
    let args: Vec<&Expression> = call.args.iter().collect();
    match args.as_slice() {
        [inner, default] => {
            let renamed = BTreeMap::new();
            let mut scope = Scope::new(&NoNames, &renamed);
            Some(conform(inner, eval::value(default, &mut scope)))
        }
        _ => Some(Partial::null()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(text: &str) -> Expression {
        text.parse().expect("a type expression")
    }

    fn value(text: &str) -> Partial {
        let expr: Expression = text.parse().expect("a value expression");
        let renamed = BTreeMap::new();
        let mut scope = Scope::new(&NoNames, &renamed);
        eval::value(&expr, &mut scope)
    }

    /// Compact JSON (the test values hold no spaces).
    fn json(p: &Partial) -> String {
        let text = p.to_value().expect("known").to_json_str().unwrap();
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn optional_attributes_get_their_defaults_and_extra_ones_go() {
        let t = ty(
            r#"object({ name = string, retention = optional(number, 7), tags = optional(map(string)), extra = optional(object({ on = optional(bool, true) }), {}) })"#,
        );
        let v = conform(&t, value(r#"{ name = "logs", stray = 1 }"#));
        assert_eq!(
            json(&v),
            r#"{"extra":{"on":true},"name":"logs","retention":7,"tags":null}"#
        );
    }

    #[test]
    fn collections_convert_each_element() {
        let t = ty(r#"map(object({ size = optional(string, "small"), count = number }))"#);
        let v = conform(
            &t,
            value(r#"{ a = { count = "2" }, b = { size = 3, count = 1 } }"#),
        );
        assert_eq!(
            json(&v),
            r#"{"a":{"count":2,"size":"small"},"b":{"count":1,"size":"3"}}"#
        );
        let t = ty("list(object({ x = optional(bool, false) }))");
        assert_eq!(
            json(&conform(&t, value("[{}, { x = true }]"))),
            r#"[{"x":false},{"x":true}]"#
        );
    }

    #[test]
    fn open_maps_keep_what_they_have_and_unknowns_stay() {
        let t = ty("object({ a = optional(string, \"x\") })");
        let mut open = BTreeMap::new();
        open.insert("b".to_owned(), Partial::string("y"));
        let v = conform(&t, Partial::Map(open, Some(crate::model::Cause::Resource)));
        let Partial::Map(entries, Some(_)) = v else {
            panic!("still open")
        };
        assert_eq!(entries.keys().collect::<Vec<_>>(), ["b"]);
        let unknown = Partial::Unknown(crate::model::Cause::DataSource);
        assert_eq!(conform(&t, unknown.clone()), unknown);
        assert!(conform(&t, Partial::null()).is_null());
    }
}
