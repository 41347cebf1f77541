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
//! This file holds the table that maps a name to its function, Terraform's
//! equality and string conversion, and the argument helpers every family
//! shares ([`Stop`], [`take`], [`list`], [`string`], type unification, ...).
//! Each family of functions has its own file: [`collections`], [`strings`],
//! [`format`] (Go's `fmt` engine), [`encoding`] (JSON), [`numeric`] and
//! [`convert`].

mod collections;
mod convert;
mod encoding;
mod format;
mod numeric;
mod strings;
#[cfg(test)]
mod testing;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use regorus::Value;

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

/// A scalar as Terraform converts it to a string (string interpolation,
/// `join`, `format("%s")`): numbers in plain decimal without a trailing `.0`,
/// bools as `true`/`false`. `None` for null, lists and maps, which do not
/// convert.
pub(super) fn scalar_to_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        // Integers print their digits; an integral float prints without a
        // fraction and a fractional one as its shortest exact decimal, never
        // with an exponent, like Go's `big.Float.Text('f', -1)`.
        Value::Number(n) => Some(n.format_decimal()),
        _ => None,
    }
}

/// Terraform's equality (`==`, `!=`, `contains`, `distinct`): numbers compare
/// by value (`1 == 1.0`), values of different types are unequal (`1 != "1"`).
///
/// `None` when the answer depends on something unknown. A difference that is
/// already visible (lists of different lengths, a known item that differs, a
/// key only one closed map has) makes it `Some(false)` even when other parts
/// are unknown: whatever the unknown parts turn out to be, the values differ.
pub(super) fn equals(a: &Partial, b: &Partial) -> Option<bool> {
    match (a, b) {
        (Partial::Unknown(_), _) | (_, Partial::Unknown(_)) => None,
        (Partial::Scalar(x), Partial::Scalar(y)) => Some(x == y),
        (Partial::List(xs), Partial::List(ys)) => {
            if xs.len() != ys.len() {
                return Some(false);
            }
            all_equal(xs.iter().zip(ys))
        }
        (Partial::Map(xs, x_open), Partial::Map(ys, y_open)) => {
            let lacks = |from: &BTreeMap<String, Partial>,
                         to: &BTreeMap<String, Partial>,
                         to_open: &Option<Cause>| {
                to_open.is_none() && from.keys().any(|k| !to.contains_key(k))
            };
            if lacks(xs, ys, y_open) || lacks(ys, xs, x_open) {
                return Some(false);
            }
            let common = xs.iter().filter_map(|(k, x)| ys.get(k).map(|y| (x, y)));
            match all_equal(common) {
                Some(true) if x_open.is_some() || y_open.is_some() => None,
                answer => answer,
            }
        }
        _ => Some(false),
    }
}

fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Partial, &'a Partial)>) -> Option<bool> {
    let mut answer = Some(true);
    for (x, y) in pairs {
        match equals(x, y) {
            Some(false) => return Some(false),
            None => answer = None,
            Some(true) => {}
        }
    }
    answer
}

// Shared machinery.

/// Why a function stopped before producing a value. `?` carries both out of
/// the argument helpers, so a function body reads as the known case.
#[derive(Debug)]
enum Stop {
    /// Something the function needs is unknown: so is its result.
    Unknown(Cause),
    /// Terraform would reject the call.
    Fail(String),
}

type Outcome = Result<Partial, Stop>;

fn fail<T>(message: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Fail(message.into()))
}

/// The result of a call we can see is valid but do not evaluate.
fn unsupported(function: &str) -> Stop {
    Stop::Unknown(Cause::Function(function.to_owned()))
}

/// Stops with the first reason `value` is not fully known.
fn require_known(value: &Partial) -> Result<(), Stop> {
    match value.first_cause() {
        Some(cause) => Err(Stop::Unknown(cause.clone())),
        None => Ok(()),
    }
}

/// What a value is, for messages.
fn kind(value: &Partial) -> &'static str {
    match value {
        Partial::Unknown(_) => "an unknown value",
        Partial::Scalar(Value::Null | Value::Undefined) => "null",
        Partial::Scalar(Value::Bool(_)) => "a bool",
        Partial::Scalar(Value::Number(_)) => "a number",
        Partial::Scalar(Value::String(_)) => "a string",
        Partial::Scalar(Value::Object(_)) | Partial::Map(..) => "a map",
        Partial::Scalar(_) | Partial::List(_) => "a list",
    }
}

fn arity_message(min: usize, max: usize, got: usize) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    if min == max {
        format!("expects {min} argument{}, got {got}", plural(min))
    } else if max == usize::MAX {
        format!("expects at least {min} argument{}, got {got}", plural(min))
    } else {
        format!("expects {min} to {max} arguments, got {got}")
    }
}

/// Exactly `N` arguments, destructured.
fn take<const N: usize>(args: Vec<Partial>) -> Result<[Partial; N], Stop> {
    let got = args.len();
    <[Partial; N]>::try_from(args).map_err(|_| Stop::Fail(arity_message(N, N, got)))
}

/// Between `min` and `max` arguments (`usize::MAX`: no upper bound).
fn arity(args: &[Partial], min: usize, max: usize) -> Result<(), Stop> {
    if (min..=max).contains(&args.len()) {
        Ok(())
    } else {
        fail(arity_message(min, max, args.len()))
    }
}

/// The items of a list (or tuple, or set) argument.
fn list(value: Partial, position: usize) -> Result<Vec<Partial>, Stop> {
    match value {
        Partial::List(items) => Ok(items),
        Partial::Unknown(cause) => Err(Stop::Unknown(cause)),
        other => fail(format!(
            "argument {position} must be a list, not {}",
            kind(&other)
        )),
    }
}

/// The entries of a map (or object) argument, and whether it may hold keys
/// that cannot be seen.
type Entries = (BTreeMap<String, Partial>, Option<Cause>);

fn map(value: Partial, position: usize) -> Result<Entries, Stop> {
    match value {
        Partial::Map(entries, open) => Ok((entries, open)),
        Partial::Unknown(cause) => Err(Stop::Unknown(cause)),
        other => fail(format!(
            "argument {position} must be a map or object, not {}",
            kind(&other)
        )),
    }
}

/// A string argument; numbers and bools convert as Terraform converts them.
fn string(value: &Partial, position: usize) -> Result<String, Stop> {
    match value {
        Partial::Unknown(cause) => Err(Stop::Unknown(cause.clone())),
        Partial::Scalar(Value::Null) => fail(format!("argument {position} must not be null")),
        other => item_string(other).ok_or_else(|| {
            Stop::Fail(format!(
                "argument {position} must be a string, not {}",
                kind(other)
            ))
        }),
    }
}

/// A known, non-null scalar as a string.
fn item_string(value: &Partial) -> Option<String> {
    match value {
        Partial::Scalar(Value::Null) => None,
        Partial::Scalar(scalar) => scalar_to_string(scalar),
        _ => None,
    }
}

/// A number argument; strings convert when they spell a number.
fn number(value: &Partial, position: usize) -> Result<Value, Stop> {
    match value {
        Partial::Unknown(cause) => Err(Stop::Unknown(cause.clone())),
        Partial::Scalar(n @ Value::Number(_)) => Ok(n.clone()),
        Partial::Scalar(Value::String(s)) => parse_number(s).ok_or_else(|| {
            Stop::Fail(format!(
                "argument {position}: cannot convert {s:?} to a number"
            ))
        }),
        Partial::Scalar(Value::Null) => fail(format!("argument {position} must not be null")),
        other => fail(format!(
            "argument {position} must be a number, not {}",
            kind(other)
        )),
    }
}

/// A whole-number argument that fits in an `i64`.
fn integer(value: &Partial, position: usize) -> Result<i64, Stop> {
    match number(value, position)? {
        Value::Number(n) if n.is_integer() => n
            .as_i64()
            .ok_or_else(|| Stop::Fail(format!("argument {position} is out of range"))),
        _ => fail(format!("argument {position} must be a whole number")),
    }
}

/// Parses a number the way Terraform converts a string to a number: decimal
/// digits with an optional sign, fraction and exponent, nothing else (no
/// spaces, no `inf`, no hex).
fn parse_number(text: &str) -> Option<Value> {
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    let has_digits = !whole.is_empty() || fraction.is_some_and(|f| !f.is_empty());
    if !(digits(whole) && fraction.is_none_or(digits) && has_digits && exponent_ok) {
        return None;
    }
    if fraction.is_none() && exponent.is_none() {
        // Digits only, so arbitrary precision costs no more than the text.
        return match text.parse::<i64>() {
            Ok(i) => Some(Value::from(i)),
            Err(_) => Value::from_numeric_string(text).ok(),
        };
    }
    // Not `from_numeric_string`: it expands `1e999999999` into a big integer.
    let float: f64 = text.parse().ok()?;
    float.is_finite().then(|| float_value(float))
}

/// A float as a number value, integral floats as integers.
fn float_value(float: f64) -> Value {
    match Partial::number(float) {
        Partial::Scalar(value) => value,
        _ => Value::from(float),
    }
}

fn count(n: usize) -> Partial {
    Partial::Scalar(Value::from(n))
}

/// Whether Terraform's type unification turns the known scalars among
/// `values` into strings (a string among numbers or bools makes them all
/// strings), or fails (numbers with bools, scalars with collections, lists
/// with maps). Null and unknown values fit any type.
fn unify_to_strings<'a>(values: impl IntoIterator<Item = &'a Partial>) -> Result<bool, Stop> {
    let (mut string, mut number, mut boolean, mut list, mut map) =
        (false, false, false, false, false);
    for value in values {
        match value {
            Partial::Scalar(Value::String(_)) => string = true,
            Partial::Scalar(Value::Number(_)) => number = true,
            Partial::Scalar(Value::Bool(_)) => boolean = true,
            Partial::List(_) => list = true,
            Partial::Map(..) => map = true,
            _ => {}
        }
    }
    let scalar = string || number || boolean;
    if (scalar && (list || map)) || (list && map) || (number && boolean && !string) {
        return fail("all values must have the same type");
    }
    Ok(string && (number || boolean))
}

fn stringify(value: &mut Partial) {
    if let Partial::Scalar(scalar @ (Value::Number(_) | Value::Bool(_))) = value {
        if let Some(text) = scalar_to_string(scalar) {
            *scalar = Value::from(text);
        }
    }
}

/// `items` as a Terraform set: unified, without duplicates, in the order cty
/// iterates sets (strings lexically, numbers by value, bools false first,
/// unknown items last). Unknown items stay: they may or may not duplicate a
/// known one, which only Terraform will know.
fn into_set(mut items: Vec<Partial>) -> Result<Vec<Partial>, Stop> {
    if unify_to_strings(&items)? {
        items.iter_mut().for_each(stringify);
    }
    let mut seen = BTreeSet::new();
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for item in items {
        match item.to_value() {
            Some(value) => {
                if seen.insert(value) {
                    known.push(item);
                }
            }
            None => unknown.push(item),
        }
    }
    let same_kind = |pattern: fn(&Value) -> bool| {
        known
            .iter()
            .all(|i| matches!(i, Partial::Scalar(v) if pattern(v)))
    };
    if same_kind(|v| matches!(v, Value::String(_)))
        || same_kind(|v| matches!(v, Value::Number(_)))
        || same_kind(|v| matches!(v, Value::Bool(_)))
    {
        known.sort_by(|a, b| match (a, b) {
            (Partial::Scalar(x), Partial::Scalar(y)) => x.cmp(y),
            _ => Ordering::Equal,
        });
    }
    known.extend(unknown);
    Ok(known)
}

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

    // scalar_to_string and equals.

    #[test]
    fn numbers_convert_to_strings_without_trailing_zero() {
        let text = |v: Value| scalar_to_string(&v);
        assert_eq!(text(Value::from(10i64)).as_deref(), Some("10"));
        assert_eq!(text(Value::from(1.0f64)).as_deref(), Some("1"));
        assert_eq!(text(Value::from(1.5f64)).as_deref(), Some("1.5"));
        assert_eq!(text(Value::from(-0.25f64)).as_deref(), Some("-0.25"));
        assert_eq!(text(Value::from(0.1f64)).as_deref(), Some("0.1"));
        assert_eq!(
            text(Value::from(1e21f64)).as_deref(),
            Some("1000000000000000000000")
        );
        assert_eq!(
            text(Value::from(u64::MAX)).as_deref(),
            Some("18446744073709551615")
        );
    }

    #[test]
    fn bools_and_strings_convert_null_and_collections_do_not() {
        assert_eq!(
            scalar_to_string(&Value::from(true)).as_deref(),
            Some("true")
        );
        assert_eq!(scalar_to_string(&Value::from("x")).as_deref(), Some("x"));
        assert_eq!(scalar_to_string(&Value::Null), None);
        assert_eq!(
            scalar_to_string(&Value::from(vec![Value::from(1i64)])),
            None
        );
        assert_eq!(scalar_to_string(&Value::from(BTreeMap::new())), None);
    }

    #[test]
    fn equality_compares_numbers_by_value_and_types_strictly() {
        assert_eq!(equals(&n(1), &float(1.0)), Some(true));
        assert_eq!(equals(&s("a"), &s("a")), Some(true));
        assert_eq!(equals(&n(1), &s("1")), Some(false));
        assert_eq!(equals(&null(), &null()), Some(true));
        assert_eq!(equals(&null(), &s("")), Some(false));
        assert_eq!(equals(&list([]), &map([])), Some(false));
        assert_eq!(
            equals(&list([n(1), s("a")]), &list([float(1.0), s("a")])),
            Some(true)
        );
        assert_eq!(
            equals(&map([("a", n(1))]), &map([("a", float(1.0))])),
            Some(true)
        );
    }

    #[test]
    fn equality_is_unknown_only_while_no_difference_is_visible() {
        assert_eq!(equals(&unknown("x"), &s("a")), None);
        assert_eq!(equals(&null(), &unknown("x")), None);
        assert_eq!(
            equals(&list([s("a"), unknown("x")]), &strings(&["a", "b"])),
            None
        );
        assert_eq!(
            equals(&list([s("a"), unknown("x")]), &strings(&["z", "b"])),
            Some(false)
        );
        assert_eq!(
            equals(&list([unknown("x")]), &strings(&["a", "b"])),
            Some(false)
        );
        assert_eq!(
            equals(&map([("a", unknown("x"))]), &map([("a", n(1))])),
            None
        );
        assert_eq!(
            equals(&map([("a", n(1))]), &map([("b", n(1))])),
            Some(false)
        );
        // An open map may hold the key the closed one has; not the reverse.
        assert_eq!(equals(&open([], "m"), &map([("a", n(1))])), None);
        assert_eq!(equals(&open([("a", n(1))], "m"), &map([])), Some(false));
        assert_eq!(
            equals(&open([("a", n(1))], "m"), &map([("a", n(2))])),
            Some(false)
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
