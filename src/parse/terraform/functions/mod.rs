//! Terraform's built-in functions over [`Partial`] values: [`call`] runs one,
//! [`equals`] is Terraform's `==` and [`scalar_to_string`] its conversion of a
//! primitive to a string.
//!
//! A function whose result depends on something unknown returns
//! `Partial::Unknown` with the first reason, but keeps whatever can still be
//! known: `merge` keeps every key it can see, `lookup` finds a known key in a
//! map whose other values are unknown, `contains` finds a known item next to
//! unknown ones. Policies check tag keys, so a known key is worth keeping.
//!
//! `Err` is for calls Terraform itself rejects (the evaluator turns it into
//! the failure `try` and `can` catch). A function we do not implement is not
//! an error: its result is unknown, like `timestamp()`'s.
//!
//! This file holds only the table that maps a name to its function. Each
//! family has its own file (`collections.rs`, `strings.rs`, `format.rs` for
//! Go's `fmt` engine, `encoding.rs` for JSON, `numeric.rs`, `convert.rs`);
//! what they all use lies below them: the argument helpers and [`Stop`] in
//! `args.rs`, equality and string conversion in `semantics.rs`. Imports go
//! one way, from the table down to the families and from them to the
//! shared helpers.

mod args;
mod collections;
mod convert;
mod encoding;
mod format;
mod numeric;
mod semantics;
mod strings;

use std::cmp::Ordering;

use regorus::Value;

use self::args::Stop;
use self::collections::{
    coalesce, coalescelist, compact, concat, contains, distinct, element, flatten, index, keys,
    length, lookup, merge, one, range, reverse, setunion, slice, sort, values, zipmap,
};
use self::convert::{tobool, tolist, tomap, tonumber, toset, tostring};
use self::encoding::{jsondecode, jsonencode};
use self::format::{format, formatlist};
use self::numeric::{extreme, on_number};
use self::strings::{join, lower, on_string, on_strings, replace, split, substr, title, upper};
use super::value::Partial;
use crate::model::Cause;

pub(super) use self::semantics::{equals, scalar_to_string};

/// Calls Terraform function `name` on evaluated arguments.
///
/// Returns `Ok(Partial::Unknown(Cause::Function(name)))` for a function we do
/// not implement (provider functions `provider::x::y`, `timestamp`, `uuid`,
/// `file`, …), and `Err` with a message where Terraform itself would fail:
/// wrong argument type or count, index out of range, `jsondecode` of invalid
/// JSON.
pub(super) fn call(name: &str, args: Vec<Partial>) -> Result<Partial, String> {
    // Terraform 1.8 lets built-in functions be called as `core::name` too.
    let builtin = name.strip_prefix("core::").unwrap_or(name);
    let result = match builtin {
        // Collections.
        "coalesce" => coalesce(args),
        "coalescelist" => coalescelist(args),
        "compact" => compact(args),
        "concat" => concat(args),
        "contains" => contains(args),
        "distinct" => distinct(args),
        "element" => element(args),
        "flatten" => flatten(args),
        "index" => index(args),
        "keys" => keys(args),
        "length" => length(args),
        "lookup" => lookup(args),
        "merge" => merge(args),
        "one" => one(args),
        "range" => range(args),
        "reverse" => reverse(args),
        "setunion" => setunion(args),
        "slice" => slice(args),
        "sort" => sort(args),
        "values" => values(args),
        "zipmap" => zipmap(args),
        // Strings.
        "endswith" => on_strings(args, |s, suffix| Partial::bool(s.ends_with(suffix))),
        "format" => format(args),
        "formatlist" => formatlist(args),
        "join" => join(args),
        "lower" => on_string(args, lower),
        "replace" => replace(args),
        "split" => on_strings(args, split),
        "startswith" => on_strings(args, |s, prefix| Partial::bool(s.starts_with(prefix))),
        "substr" => substr(args),
        "title" => on_string(args, title),
        "trim" => on_strings(args, |s, cutset| {
            Partial::string(s.trim_matches(|c| cutset.contains(c)))
        }),
        "trimprefix" => on_strings(args, |s, prefix| {
            Partial::string(s.strip_prefix(prefix).unwrap_or(s))
        }),
        "trimspace" => on_string(args, |s| Partial::string(s.trim())),
        "trimsuffix" => on_strings(args, |s, suffix| {
            Partial::string(s.strip_suffix(suffix).unwrap_or(s))
        }),
        "upper" => on_string(args, upper),
        // Encoding.
        "jsondecode" => jsondecode(args),
        "jsonencode" => jsonencode(args),
        // Numbers.
        "abs" => on_number(args, |v| match v {
            Value::Number(n) => Value::Number(n.abs()),
            other => other,
        }),
        "ceil" => on_number(args, |v| match v {
            Value::Number(n) => Value::Number(n.ceil()),
            other => other,
        }),
        "floor" => on_number(args, |v| match v {
            Value::Number(n) => Value::Number(n.floor()),
            other => other,
        }),
        "max" => extreme(args, Ordering::Greater),
        "min" => extreme(args, Ordering::Less),
        // Conversion.
        "tobool" => tobool(args),
        "tolist" => tolist(args),
        "tomap" => tomap(args),
        "tonumber" => tonumber(args),
        "toset" => toset(args),
        "tostring" => tostring(args),
        _ => Err(Stop::Unknown(Cause::Function(name.to_owned()))),
    };
    match result {
        Ok(value) => Ok(value),
        Err(Stop::Unknown(cause)) => Ok(Partial::Unknown(cause)),
        Err(Stop::Fail(message)) => Err(format!("{name}(): {message}")),
    }
}

#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::terraform::functions::testing::{
        b, err, float, list, map, n, null, ok, open, s, strings, unknown,
    };

    // Dispatch.

    #[test]
    fn functions_we_do_not_implement_are_unknown_by_name() {
        for name in [
            "timestamp",
            "uuid",
            "file",
            "provider::aws::arn_parse",
            "try",
        ] {
            assert_eq!(
                ok(name, [s("x")]),
                Partial::Unknown(Cause::Function(name.to_owned()))
            );
        }
    }

    #[test]
    fn core_namespace_reaches_builtins() {
        assert_eq!(ok("core::length", [strings(&["a", "b"])]), n(2));
    }

    #[test]
    fn errors_name_the_function_and_wrong_counts_fail() {
        assert_eq!(err("keys", []), "keys(): expects 1 argument, got 0");
        assert_eq!(
            err("lookup", [map([])]),
            "lookup(): expects 2 to 3 arguments, got 1"
        );
        assert_eq!(
            err("concat", []),
            "concat(): expects at least 1 argument, got 0"
        );
    }

    // Robustness.

    const IMPLEMENTED: [&str; 56] = [
        "coalesce",
        "coalescelist",
        "compact",
        "concat",
        "contains",
        "distinct",
        "element",
        "flatten",
        "index",
        "keys",
        "length",
        "lookup",
        "merge",
        "one",
        "range",
        "reverse",
        "setunion",
        "slice",
        "sort",
        "values",
        "zipmap",
        "endswith",
        "format",
        "formatlist",
        "join",
        "lower",
        "replace",
        "split",
        "startswith",
        "substr",
        "title",
        "trim",
        "trimprefix",
        "trimspace",
        "trimsuffix",
        "upper",
        "jsondecode",
        "jsonencode",
        "abs",
        "ceil",
        "floor",
        "max",
        "min",
        "tobool",
        "tolist",
        "tomap",
        "tonumber",
        "toset",
        "tostring",
        "core::merge",
        "core::format",
        "core::range",
        "core::substr",
        "core::element",
        "core::jsondecode",
        "core::tonumber",
    ];

    #[test]
    fn implemented_functions_are_not_unknown_by_name() {
        for name in IMPLEMENTED {
            if let Ok(Partial::Unknown(Cause::Function(f))) = call(name, vec![s("1")]) {
                panic!("{name} is not dispatched ({f})");
            }
        }
    }

    #[test]
    fn no_arguments_make_any_function_panic() {
        let pool = [
            null(),
            b(true),
            n(0),
            n(-1),
            float(1.5),
            n(i64::MAX),
            n(i64::MIN),
            Partial::Scalar(Value::from(u64::MAX)),
            float(1e300),
            s(""),
            s("%[9999999999999999999999]v%"),
            s("/x/"),
            s("1e999"),
            list([]),
            list([n(1), s("a"), null()]),
            list([unknown("i"), list([map([])])]),
            map([]),
            map([("a", n(1)), ("b", unknown("v"))]),
            open([("a", n(1))], "m"),
            unknown("x"),
        ];
        let mut calls = 0;
        for name in IMPLEMENTED {
            let _ = call(name, vec![]);
            for a in &pool {
                let _ = call(name, vec![a.clone()]);
                for b in &pool {
                    let _ = call(name, vec![a.clone(), b.clone()]);
                    for c in &pool {
                        let _ = call(name, vec![a.clone(), b.clone(), c.clone()]);
                        calls += 1;
                    }
                }
            }
        }
        assert_eq!(calls, IMPLEMENTED.len() * pool.len().pow(3));
    }
}
