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

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use regorus::Value;

use super::budget::{over_budget, MAX_VALUE_WEIGHT};
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

// Collections.

/// `merge(maps...)`: keys merged left to right, later wins. An argument whose
/// keys cannot all be seen (wholly unknown, or an open map) may overwrite any
/// key before it: those keys stay (merge never removes one) but their values
/// become unknown, and the result is open. Keys from later known maps keep
/// their values. Null arguments are skipped; if all are null, so is the
/// result.
fn merge(args: Vec<Partial>) -> Outcome {
    if !args.is_empty() && args.iter().all(Partial::is_null) {
        return Ok(Partial::null());
    }
    let mut merged = BTreeMap::new();
    let mut open: Option<Cause> = None;
    for (i, arg) in args.into_iter().enumerate() {
        let (entries, arg_open) = match arg {
            Partial::Scalar(Value::Null) => continue,
            Partial::Unknown(cause) => (BTreeMap::new(), Some(cause)),
            Partial::Map(entries, arg_open) => (entries, arg_open),
            other => {
                return fail(format!(
                    "argument {} must be a map or object, not {}",
                    i + 1,
                    kind(&other)
                ))
            }
        };
        if let Some(cause) = arg_open {
            for value in merged.values_mut() {
                *value = Partial::Unknown(cause.clone());
            }
            open.get_or_insert(cause);
        }
        merged.extend(entries);
    }
    Ok(Partial::Map(merged, open))
}

/// `lookup(map, key, default?)`: the key's value, even in a map whose other
/// values are unknown; unknown when the key is absent from an open map.
fn lookup(args: Vec<Partial>) -> Outcome {
    arity(&args, 2, 3)?;
    let mut args = args.into_iter();
    let (Some(map_arg), Some(key)) = (args.next(), args.next()) else {
        return fail(arity_message(2, 3, 0));
    };
    let default = args.next();
    if !matches!(map_arg, Partial::Map(..) | Partial::Unknown(_)) {
        return fail(format!(
            "argument 1 must be a map or object, not {}",
            kind(&map_arg)
        ));
    }
    let key = string(&key, 2)?;
    let (mut entries, open) = map(map_arg, 1)?;
    if let Some(value) = entries.remove(&key) {
        return Ok(value);
    }
    match (open, default) {
        (Some(cause), _) => Err(Stop::Unknown(cause)),
        (None, Some(default)) => Ok(default),
        (None, None) => fail(format!(
            "the map has no key {key:?} and no default was given"
        )),
    }
}

/// `keys(map)`: sorted; unknown when the map is open.
fn keys(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    match map(arg, 1)? {
        (_, Some(cause)) => Err(Stop::Unknown(cause)),
        (entries, None) => Ok(Partial::List(
            entries.into_keys().map(Partial::string).collect(),
        )),
    }
}

/// `values(map)`: in key order, unknown values as unknown items; unknown when
/// the map is open.
fn values(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    match map(arg, 1)? {
        (_, Some(cause)) => Err(Stop::Unknown(cause)),
        (entries, None) => Ok(Partial::List(entries.into_values().collect())),
    }
}

/// `length(value)`: items of a list (known even if they are not), keys of a
/// closed map, characters of a string.
fn length(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    match arg {
        Partial::Unknown(cause) | Partial::Map(_, Some(cause)) => Err(Stop::Unknown(cause)),
        Partial::List(items) => Ok(count(items.len())),
        Partial::Map(entries, None) => Ok(count(entries.len())),
        // Terraform counts grapheme clusters; without a segmentation table
        // we count characters, which differs only for combining sequences.
        Partial::Scalar(Value::String(s)) => Ok(count(s.chars().count())),
        Partial::Scalar(Value::Null) => fail("argument 1 must not be null"),
        other => fail(format!(
            "argument 1 must be a string, a collection or a structure, not {}",
            kind(&other)
        )),
    }
}

/// `concat(lists...)`: unknown items stay unknown items; a wholly unknown
/// list makes the result unknown (its length is).
fn concat(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let mut items = Vec::new();
    let mut unknown = None;
    for (i, arg) in args.into_iter().enumerate() {
        match list(arg, i + 1) {
            Ok(more) => items.extend(more),
            Err(Stop::Unknown(cause)) => {
                unknown.get_or_insert(cause);
            }
            Err(failure) => return Err(failure),
        }
    }
    match unknown {
        Some(cause) => Err(Stop::Unknown(cause)),
        None => Ok(Partial::List(items)),
    }
}

/// `coalesce(values...)`: the first value that is neither null nor an empty
/// string; unknown if an unknown value comes first. When strings are among
/// the values, Terraform unifies them all to strings.
fn coalesce(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let to_strings = unify_to_strings(&args)?;
    for mut arg in args {
        match &arg {
            Partial::Unknown(cause) => return Err(Stop::Unknown(cause.clone())),
            Partial::Scalar(Value::Null) => {}
            Partial::Scalar(Value::String(s)) if s.is_empty() => {}
            _ => {
                if to_strings {
                    stringify(&mut arg);
                }
                return Ok(arg);
            }
        }
    }
    fail("no non-null, non-empty-string arguments")
}

/// `coalescelist(lists...)`: the first non-empty list; unknown if an unknown
/// list comes first.
fn coalescelist(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    if let Some((i, other)) = args.iter().enumerate().find(|(_, a)| {
        !matches!(
            a,
            Partial::List(_) | Partial::Unknown(_) | Partial::Scalar(Value::Null)
        )
    }) {
        return fail(format!(
            "argument {} must be a list, not {}",
            i + 1,
            kind(other)
        ));
    }
    for arg in args {
        match arg {
            Partial::Unknown(cause) => return Err(Stop::Unknown(cause)),
            Partial::List(items) if !items.is_empty() => return Ok(Partial::List(items)),
            _ => {}
        }
    }
    fail("no non-empty list arguments")
}

/// `compact(list)`: drops nulls and empty strings. Needs every item: an
/// unknown one might be dropped, which moves the others.
fn compact(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    let items = list(arg, 1)?;
    items.iter().try_for_each(require_known)?;
    let mut kept = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.is_null() {
            continue;
        }
        match item_string(item) {
            Some(s) if s.is_empty() => {}
            Some(s) => kept.push(Partial::string(s)),
            None => return fail(format!("element {i} must be a string, not {}", kind(item))),
        }
    }
    Ok(Partial::List(kept))
}

/// `contains(list, value)`: true as soon as a known item equals the value,
/// even if others are unknown; false only when every item is known to differ.
fn contains(args: Vec<Partial>) -> Outcome {
    let [list_arg, value] = take(args)?;
    let items = list(list_arg, 1)?;
    let mut unknown = None;
    for item in &items {
        match equals(item, &value) {
            Some(true) => return Ok(Partial::bool(true)),
            Some(false) => {}
            None => {
                if unknown.is_none() {
                    unknown = item.first_cause().or(value.first_cause()).cloned();
                }
            }
        }
    }
    match unknown {
        Some(cause) => Err(Stop::Unknown(cause)),
        None => Ok(Partial::bool(false)),
    }
}

/// `distinct(list)`: first occurrences, in order. Needs every item: an
/// unknown one may or may not duplicate another.
fn distinct(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    let items = list(arg, 1)?;
    items.iter().try_for_each(require_known)?;
    let mut seen = BTreeSet::new();
    let kept = items
        .into_iter()
        .filter(|item| item.to_value().is_none_or(|v| seen.insert(v)))
        .collect();
    Ok(Partial::List(kept))
}

/// `element(list, index)`: wraps around modulo the length; the item may be
/// unknown.
fn element(args: Vec<Partial>) -> Outcome {
    let [list_arg, index] = take(args)?;
    let items = list(list_arg, 1)?;
    let index = integer(&index, 2)?;
    let Ok(index) = usize::try_from(index) else {
        return fail("cannot use element function with a negative index");
    };
    if items.is_empty() {
        return fail("cannot use element function with an empty list");
    }
    let at = index % items.len();
    Ok(items.into_iter().nth(at).unwrap_or_else(Partial::null))
}

/// `index(list, value)`: the first index of an equal item; unknown if an
/// unknown item comes before it.
fn index(args: Vec<Partial>) -> Outcome {
    let [list_arg, value] = take(args)?;
    let items = list(list_arg, 1)?;
    if items.is_empty() {
        return fail("cannot search an empty list");
    }
    for (i, item) in items.iter().enumerate() {
        match equals(item, &value) {
            Some(true) => return Ok(count(i)),
            Some(false) => {}
            None => {
                require_known(item)?;
                require_known(&value)?;
            }
        }
    }
    fail("item not found")
}

/// `flatten(list)`: splices nested lists in, recursively. An unknown item
/// might be a list, so it makes the result unknown; maps are items.
fn flatten(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    let mut flat = Vec::new();
    flatten_into(list(arg, 1)?, &mut flat)?;
    Ok(Partial::List(flat))
}

fn flatten_into(items: Vec<Partial>, flat: &mut Vec<Partial>) -> Result<(), Stop> {
    for item in items {
        match item {
            Partial::Unknown(cause) => return Err(Stop::Unknown(cause)),
            Partial::List(inner) => flatten_into(inner, flat)?,
            other => flat.push(other),
        }
    }
    Ok(())
}

/// `one(list)`: null for no item, the item for one, an error for more.
fn one(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    let mut items = list(arg, 1)?;
    match items.len() {
        0 => Ok(Partial::null()),
        1 => Ok(items.pop().unwrap_or_else(Partial::null)),
        n => fail(format!(
            "must be a list, set, or tuple value with either zero or one elements, not {n}"
        )),
    }
}

/// Terraform's own cap on `range`, against runaway memory.
const RANGE_LIMIT: usize = 1024;

/// `range(limit)`, `range(start, limit)`, `range(start, limit, step)`.
fn range(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, 3)?;
    let numbers = args
        .iter()
        .enumerate()
        .map(|(i, a)| number(a, i + 1))
        .collect::<Result<Vec<_>, _>>()?;
    let integers: Option<Vec<i64>> = numbers
        .iter()
        .map(|v| match v {
            Value::Number(n) if n.is_integer() => n.as_i64(),
            _ => None,
        })
        .collect();
    let values = match integers {
        Some(ints) => {
            let (start, end, step) = bounds(&ints, 0, 1);
            range_of(start, end, step, |n, step| n.checked_add(step), Value::from)?
        }
        None => {
            let floats = numbers
                .iter()
                .map(|v| match v {
                    Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
                    _ => f64::NAN,
                })
                .collect::<Vec<_>>();
            if floats.iter().any(|f| !f.is_finite()) {
                return Err(unsupported("range"));
            }
            let (start, end, step) = bounds(&floats, 0.0, 1.0);
            // cty adds in arbitrary precision, so 0.1 + 0.2 is 0.3; rounding
            // each f64 sum to 15 significant digits gives the same numbers.
            let tidy = |n: f64| format!("{n:.14e}").parse().unwrap_or(n);
            range_of(
                start,
                end,
                step,
                |n, step| Some(tidy(n + step)),
                float_value,
            )?
        }
    };
    Ok(Partial::List(
        values.into_iter().map(Partial::Scalar).collect(),
    ))
}

/// Start, end and step from `range`'s one to three arguments.
fn bounds<T: Copy + PartialOrd + std::ops::Neg<Output = T>>(
    args: &[T],
    zero: T,
    one: T,
) -> (T, T, T) {
    let toward = |start: T, end: T| if end < start { -one } else { one };
    match *args {
        [end] => (zero, end, toward(zero, end)),
        [start, end] => (start, end, toward(start, end)),
        [start, end, step, ..] => (start, end, step),
        [] => (zero, zero, one),
    }
}

fn range_of<T: Copy + PartialOrd + Default>(
    start: T,
    end: T,
    step: T,
    add: impl Fn(T, T) -> Option<T>,
    value: impl Fn(T) -> Value,
) -> Result<Vec<Value>, Stop> {
    let zero = T::default();
    if step == zero {
        return fail("step must not be zero");
    }
    let down = step < zero;
    if down && end > start {
        return fail("end must be less than start when step is negative");
    }
    if !down && end < start {
        return fail("end must be greater than start when step is positive");
    }
    let mut values = Vec::new();
    let mut n = start;
    while (down && n > end) || (!down && n < end) {
        if values.len() >= RANGE_LIMIT {
            return fail(format!(
                "more than {RANGE_LIMIT} values were generated; either decrease the \
                 difference between start and end or use a smaller step"
            ));
        }
        values.push(value(n));
        match add(n, step) {
            Some(next) => n = next,
            None => break,
        }
    }
    Ok(values)
}

/// `reverse(list)`.
fn reverse(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    let mut items = list(arg, 1)?;
    items.reverse();
    Ok(Partial::List(items))
}

/// `slice(list, start, end)`: items `start..end`, which may be unknown.
fn slice(args: Vec<Partial>) -> Outcome {
    let [list_arg, start, end] = take(args)?;
    let items = list(list_arg, 1)?;
    let (start, end) = (integer(&start, 2)?, integer(&end, 3)?);
    let len = items.len();
    let index = |i: i64, which: &str| -> Result<usize, Stop> {
        match usize::try_from(i) {
            Err(_) => fail(format!("{which} index must not be less than zero")),
            Ok(i) if i > len => fail(format!(
                "{which} index must not be greater than the length of the list"
            )),
            Ok(i) => Ok(i),
        }
    };
    let (start, end) = (index(start, "start")?, index(end, "end")?);
    if start > end {
        return fail("start index must not be greater than end index");
    }
    Ok(Partial::List(
        items.into_iter().skip(start).take(end - start).collect(),
    ))
}

/// `sort(list)`: strings in lexical order (numbers sort as their strings).
fn sort(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    let items = list(arg, 1)?;
    items.iter().try_for_each(require_known)?;
    let mut strings = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Partial::Scalar(Value::Null) => {
                return fail(format!(
                    "given list element {i} is null; a null string cannot be sorted"
                ))
            }
            other => match item_string(other) {
                Some(s) => strings.push(s),
                None => return fail(format!("element {i} must be a string, not {}", kind(other))),
            },
        }
    }
    strings.sort();
    Ok(Partial::List(
        strings.into_iter().map(Partial::string).collect(),
    ))
}

/// `setunion(sets...)`: every item of every set, once, in set order.
fn setunion(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let mut items = Vec::new();
    for (i, arg) in args.into_iter().enumerate() {
        items.extend(list(arg, i + 1)?);
    }
    Ok(Partial::List(into_set(items)?))
}

/// `zipmap(keys, values)`: the keys must be known; values may be unknown.
fn zipmap(args: Vec<Partial>) -> Outcome {
    let [keys_arg, values_arg] = take(args)?;
    let keys = list(keys_arg, 1)?;
    keys.iter().try_for_each(require_known)?;
    let values = list(values_arg, 2)?;
    if keys.len() != values.len() {
        return fail(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            values.len()
        ));
    }
    let mut zipped = BTreeMap::new();
    for (i, (key, value)) in keys.iter().zip(values).enumerate() {
        let key = match key {
            Partial::Scalar(Value::Null) => {
                return fail(format!("keys list has null value at index {i}"))
            }
            other => item_string(other).ok_or_else(|| {
                Stop::Fail(format!("key {i} must be a string, not {}", kind(other)))
            })?,
        };
        zipped.insert(key, value);
    }
    Ok(Partial::map(zipped))
}

// Strings.

/// A function of one string.
fn on_string(args: Vec<Partial>, f: impl FnOnce(&str) -> Partial) -> Outcome {
    let [arg] = take(args)?;
    Ok(f(&string(&arg, 1)?))
}

/// A function of two strings.
fn on_strings(args: Vec<Partial>, f: impl FnOnce(&str, &str) -> Partial) -> Outcome {
    let [first, second] = take(args)?;
    let first = string(&first, 1)?;
    let second = string(&second, 2)?;
    Ok(f(&first, &second))
}

// Go maps case rune by rune with Unicode's simple mappings (`ß` stays `ß`,
// `Σ` is always `σ`); Rust's full mappings may change a string's length.

fn upper_char(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn lower_char(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(text: &str) -> Partial {
    Partial::string(text.chars().map(upper_char).collect::<String>())
}

fn lower(text: &str) -> Partial {
    Partial::string(text.chars().map(lower_char).collect::<String>())
}

/// `title(s)`: Go's `strings.Title`, which starts a word after anything but
/// a letter, a digit or `_`.
fn title(text: &str) -> Partial {
    let separator = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !c.is_alphanumeric() && c.is_whitespace()
        }
    };
    let mut previous = ' ';
    let titled = text
        .chars()
        .map(|c| {
            let out = if separator(previous) {
                upper_char(c)
            } else {
                c
            };
            previous = c;
            out
        })
        .collect::<String>();
    Partial::string(titled)
}

/// `split(separator, s)`: Go's `strings.Split`, which splits into characters
/// on an empty separator.
fn split(separator: &str, text: &str) -> Partial {
    let parts = if separator.is_empty() {
        text.chars()
            .map(|c| Partial::string(c.to_string()))
            .collect()
    } else {
        text.split(separator).map(Partial::string).collect()
    };
    Partial::List(parts)
}

/// `join(separator, lists...)`: every item must be known.
fn join(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let mut args = args.into_iter();
    let separator = string(&args.next().unwrap_or_else(Partial::null), 1)?;
    let lists = args
        .enumerate()
        .map(|(i, arg)| list(arg, i + 2))
        .collect::<Result<Vec<_>, _>>()?;
    if lists.is_empty() {
        return fail("at least one list is required");
    }
    lists.iter().flatten().try_for_each(require_known)?;
    let mut parts = Vec::new();
    for (l, items) in lists.iter().enumerate() {
        for (i, item) in items.iter().enumerate() {
            match item_string(item) {
                Some(part) => parts.push(part),
                None if item.is_null() => {
                    return fail(format!(
                        "element {i} of list {} is null; cannot concatenate null values",
                        l + 1
                    ))
                }
                None => {
                    return fail(format!(
                        "element {i} of list {} must be a string, not {}",
                        l + 1,
                        kind(item)
                    ))
                }
            }
        }
    }
    // A long separator between many items multiplies: sized before it is built.
    let size = parts.iter().map(String::len).sum::<usize>().saturating_add(
        separator
            .len()
            .saturating_mul(parts.len().saturating_sub(1)),
    );
    if size > MAX_VALUE_WEIGHT {
        return Err(Stop::Unknown(over_budget()));
    }
    Ok(Partial::string(parts.join(&separator)))
}

/// `replace(s, search, replacement)`; a `/…/` search is a regular expression.
fn replace(args: Vec<Partial>) -> Outcome {
    let [text, search, replacement] = take(args)?;
    let text = string(&text, 1)?;
    let search = string(&search, 2)?;
    let replacement = string(&replacement, 3)?;
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        // Terraform matches with Go's RE2. scalegate does not depend on a
        // regex engine itself, and a near miss would be a wrong known value.
        return Err(unsupported("replace"));
    }
    // Sized before it is built: a short chain of replacements can ask for
    // gigabytes in one allocation.
    let matches = if search.is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(search.as_str()).count()
    };
    let size = text
        .len()
        .saturating_add(matches.saturating_mul(replacement.len()));
    if size > MAX_VALUE_WEIGHT {
        return Err(Stop::Unknown(over_budget()));
    }
    Ok(Partial::string(text.replace(&search, &replacement)))
}

/// `substr(s, offset, length)`: in characters; a negative offset counts from
/// the end, a negative length takes the rest.
fn substr(args: Vec<Partial>) -> Outcome {
    let [text, offset, length] = take(args)?;
    let text = string(&text, 1)?;
    let offset = integer(&offset, 2)?;
    let length = integer(&length, 3)?;
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let start = if offset < 0 {
        let total = text.chars().count();
        total.saturating_sub(to_usize(offset.unsigned_abs()))
    } else {
        to_usize(offset.unsigned_abs())
    };
    let rest = text.chars().skip(start);
    let sub: String = match u64::try_from(length) {
        Ok(length) => rest.take(to_usize(length)).collect(),
        Err(_) => rest.collect(),
    };
    Ok(Partial::string(sub))
}

/// `format(spec, values...)`: every value must be known (collections print
/// as JSON).
fn format(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let Some((spec, values)) = args.split_first() else {
        return fail(arity_message(1, usize::MAX, 0));
    };
    let spec = string(spec, 1)?;
    values.iter().try_for_each(require_known)?;
    let values = values.iter().collect::<Vec<_>>();
    Ok(Partial::string(format_values(&spec, &values)?))
}

/// `formatlist(spec, values...)`: one `format` per item of the list values
/// (which must have the same length), scalars repeated. A round with an
/// unknown value gives an unknown item; a wholly unknown value makes the
/// whole result unknown, as it may be a list of unknown length.
fn formatlist(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let Some((spec, values)) = args.split_first() else {
        return fail(arity_message(1, usize::MAX, 0));
    };
    let spec = string(spec, 1)?;
    let mut rounds: Option<(usize, usize)> = None;
    for (i, value) in values.iter().enumerate() {
        match (value, rounds) {
            (Partial::Unknown(cause), _) => return Err(Stop::Unknown(cause.clone())),
            (Partial::List(items), None) => rounds = Some((items.len(), i + 2)),
            (Partial::List(items), Some((len, position))) if items.len() != len => {
                return fail(format!(
                    "argument {} has length {}, which is inconsistent with argument \
                     {position} of length {len}",
                    i + 2,
                    items.len()
                ))
            }
            _ => {}
        }
    }
    let rounds = rounds.map_or(1, |(len, _)| len);
    let mut results = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let round_values = values
            .iter()
            .map(|value| match value {
                Partial::List(items) => items.get(round).unwrap_or(value),
                other => other,
            })
            .collect::<Vec<_>>();
        if let Some(cause) = round_values.iter().find_map(|v| v.first_cause()) {
            results.push(Partial::Unknown(cause.clone()));
            continue;
        }
        match format_values(&spec, &round_values) {
            Ok(text) => results.push(Partial::string(text)),
            Err(Stop::Fail(message)) => {
                return fail(format!("error on format iteration {round}: {message}"))
            }
            Err(unknown) => return Err(unknown),
        }
    }
    Ok(Partial::List(results))
}

/// One `%` directive of a format spec.
#[derive(Default)]
struct Directive<'a> {
    /// The directive as written, and where, for messages.
    text: &'a str,
    offset: usize,
    verb: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Directive<'_> {
    fn cannot_format(&self, why: &str) -> Stop {
        Stop::Fail(format!(
            "unsupported value for {:?} at {}: {why}",
            self.text, self.offset
        ))
    }

    fn sign(&self, negative: bool) -> &'static str {
        match (negative, self.plus, self.space) {
            (true, _, _) => "-",
            (false, true, _) => "+",
            (false, false, true) => " ",
            _ => "",
        }
    }
}

/// Widths and precisions beyond this are left unknown rather than padded out.
const FORMAT_SIZE_LIMIT: usize = 10_000;

type SpecChars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// cty's `format`: `%%`, flags `0#-+ `, an optional `[n]` argument index,
/// width, `.precision`, and a verb (`v t b d o x X e E f g G s q`).
fn format_values(spec: &str, values: &[&Partial]) -> Result<String, Stop> {
    let mut out = String::new();
    let mut chars = spec.char_indices().peekable();
    let mut next = 1usize;
    let mut highest = 0usize;
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.next_if(|&(_, c)| c == '%').is_some() {
            out.push('%');
            continue;
        }
        let mut d = Directive {
            offset: start,
            ..Directive::default()
        };
        while let Some((_, flag)) =
            chars.next_if(|&(_, c)| matches!(c, '0' | '#' | '-' | '+' | ' '))
        {
            match flag {
                '0' => d.zero = true,
                '#' => d.sharp = true,
                '-' => d.minus = true,
                '+' => d.plus = true,
                _ => d.space = true,
            }
        }
        let mut position = next;
        if chars.next_if(|&(_, c)| c == '[').is_some() {
            position = match (spec_number(&mut chars, false), chars.next()) {
                (Some(n), Some((_, ']'))) => n,
                (_, Some((at, c))) => return fail(unrecognized(c, at)),
                (_, None) => return fail(unfinished(start)),
            };
        }
        d.width = spec_number(&mut chars, false);
        if chars.next_if(|&(_, c)| c == '.').is_some() {
            d.precision = Some(spec_number(&mut chars, true).unwrap_or(0));
        }
        let end = match chars.next() {
            Some((at, verb)) if verb.is_ascii_alphabetic() => {
                d.verb = verb;
                at + 1
            }
            Some((at, c)) => return fail(unrecognized(c, at)),
            None => return fail(unfinished(start)),
        };
        d.text = spec.get(start..end).unwrap_or_default();
        let Some(value) = position.checked_sub(1).and_then(|i| values.get(i)) else {
            return fail(format!(
                "not enough arguments for {:?} at {start}: need index {position} but have {} total",
                d.text,
                values.len()
            ));
        };
        if d.width.max(d.precision) > Some(FORMAT_SIZE_LIMIT) {
            return Err(unsupported("format"));
        }
        format_one(&d, value, &mut out)?;
        next = position.saturating_add(1);
        highest = highest.max(position);
    }
    if highest < values.len() {
        return fail(if highest == 0 {
            "too many arguments; no verbs in format string".to_owned()
        } else {
            format!("too many arguments; only {highest} used by format string")
        });
    }
    Ok(out)
}

fn unrecognized(c: char, at: usize) -> String {
    format!("unrecognized format character {c:?} at offset {at}")
}

fn unfinished(start: usize) -> String {
    format!("invalid format string starting at offset {start}")
}

/// A decimal number in a format spec, saturating; `[1-9][0-9]*` unless
/// `leading_zero` (a leading `0` is a flag, except in a precision).
fn spec_number(chars: &mut SpecChars, leading_zero: bool) -> Option<usize> {
    let (_, first) = chars.next_if(|&(_, c)| c.is_ascii_digit() && (leading_zero || c != '0'))?;
    let digit = |c: char| c.to_digit(10).map_or(0, |d| d as usize);
    let mut n = digit(first);
    while let Some((_, c)) = chars.next_if(|&(_, c)| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(digit(c));
    }
    Some(n)
}

fn format_one(d: &Directive, value: &Partial, out: &mut String) -> Result<(), Stop> {
    if d.verb != 'v' && value.is_null() {
        return Err(d.cannot_format("null value cannot be formatted"));
    }
    match d.verb {
        'v' => {
            let text = match value {
                Partial::Scalar(Value::String(s)) if !d.sharp => s.to_string(),
                Partial::Scalar(number @ Value::Number(_)) if !d.sharp => {
                    let (negative, digits) =
                        decimal_of(number).ok_or_else(|| unsupported("format"))?;
                    let sign = if negative { "-" } else { "" };
                    format!("{sign}{}", go_float_text(digits, 'g', None))
                }
                other => json(other)?,
            };
            pad(d, &text, out);
        }
        't' => {
            let truth = match value {
                Partial::Scalar(Value::Bool(b)) => *b,
                Partial::Scalar(Value::String(s)) if &**s == "true" => true,
                Partial::Scalar(Value::String(s)) if &**s == "false" => false,
                _ => return Err(d.cannot_format("a bool is required")),
            };
            out.push_str(if truth { "true" } else { "false" });
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let number = match value {
                Partial::Scalar(number @ Value::Number(_)) => Some(number.clone()),
                Partial::Scalar(Value::String(s)) => parse_number(s),
                _ => None,
            }
            .ok_or_else(|| d.cannot_format("a number is required"))?;
            if matches!(d.verb, 'e' | 'E' | 'f' | 'g' | 'G') {
                format_float(d, &number, out)?;
            } else {
                format_integer(d, &number, out)?;
            }
        }
        's' | 'q' => {
            let text = item_string(value).ok_or_else(|| d.cannot_format("a string is required"))?;
            let text = match d.precision {
                Some(p) if p > 0 => text.chars().take(p).collect(),
                _ => text,
            };
            if d.verb == 'q' {
                let mut quoted = String::new();
                json_quote(&text, &mut quoted);
                pad(d, &quoted, out);
            } else {
                pad(d, &text, out);
            }
        }
        verb => {
            return fail(format!(
                "unsupported format verb {verb:?} in {:?} at offset {}",
                d.text, d.offset
            ))
        }
    }
    Ok(())
}

/// cty pads `%v`, `%s` and `%q` to the width itself, with zeros if asked,
/// even in front of a sign.
fn pad(d: &Directive, text: &str, out: &mut String) {
    let fill = d.width.unwrap_or(0).saturating_sub(text.chars().count());
    let c = if d.zero { '0' } else { ' ' };
    if d.minus {
        out.push_str(text);
        out.extend(std::iter::repeat_n(c, fill));
    } else {
        out.extend(std::iter::repeat_n(c, fill));
        out.push_str(text);
    }
}

/// `%b %d %o %x %X` as Go prints a `big.Int`: sign, `#` prefix, precision as
/// a minimum digit count, width padded with spaces (or zeros after the sign).
fn format_integer(d: &Directive, number: &Value, out: &mut String) -> Result<(), Stop> {
    let text = match number {
        Value::Number(n) if n.is_integer() => n.format_decimal(),
        _ => return Err(d.cannot_format("an integer is required")),
    };
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(magnitude) => (magnitude != "0", magnitude),
        None => (false, text.as_str()),
    };
    let digits = if d.verb == 'd' {
        magnitude.to_owned()
    } else {
        // Other bases need the value, which only fits up to u128.
        let m: u128 = magnitude.parse().map_err(|_| unsupported("format"))?;
        match d.verb {
            'b' => format!("{m:b}"),
            'o' => format!("{m:o}"),
            'x' => format!("{m:x}"),
            _ => format!("{m:X}"),
        }
    };
    let sign = d.sign(negative);
    let prefix = match (d.sharp, d.verb) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(precision) = d.precision {
        if digits.len() < precision {
            zeros = precision - digits.len();
        } else if digits == "0" && precision == 0 {
            return Ok(());
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(width) = d.width.filter(|&w| w > length) {
        let fill = width - length;
        if d.minus {
            right = fill;
        } else if d.zero && d.precision.is_none() {
            zeros = fill;
        } else {
            left = fill;
        }
    }
    out.extend(std::iter::repeat_n(' ', left));
    out.push_str(sign);
    out.push_str(prefix);
    out.extend(std::iter::repeat_n('0', zeros));
    out.push_str(&digits);
    out.extend(std::iter::repeat_n(' ', right));
    Ok(())
}

/// `%e %E %f %g %G` as Go prints a `big.Float`.
fn format_float(d: &Directive, number: &Value, out: &mut String) -> Result<(), Stop> {
    let (negative, digits) = decimal_of(number).ok_or_else(|| unsupported("format"))?;
    let precision = match d.verb {
        'e' | 'E' | 'f' => Some(d.precision.unwrap_or(6)),
        _ => d.precision,
    };
    let text = go_float_text(digits, d.verb, precision);
    let sign = d.sign(negative);
    let fill = d.width.unwrap_or(0).saturating_sub(sign.len() + text.len());
    if d.zero {
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(&text);
    } else if d.minus {
        out.push_str(sign);
        out.push_str(&text);
        out.extend(std::iter::repeat_n(' ', fill));
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(sign);
        out.push_str(&text);
    }
    Ok(())
}

/// A decimal `0.mant × 10^exp` with ASCII digits and no leading or trailing
/// zeros (zero has none): Go's `math/big` decimal, which its float
/// formatting rounds and prints.
#[derive(Debug, Clone, PartialEq)]
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn len(&self) -> i64 {
        i64::try_from(self.mant.len()).unwrap_or(i64::MAX)
    }

    fn digit(&self, i: i64) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.mant.get(i))
            .map_or('0', |&d| char::from(d))
    }

    fn trim(&mut self) {
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    /// Keeps `n` digits, rounding half to even like Go.
    fn round(&mut self, n: i64) {
        let Ok(n) = usize::try_from(n) else { return };
        let Some(&next) = self.mant.get(n) else {
            return;
        };
        let up = if next == b'5' && n + 1 == self.mant.len() {
            n > 0 && self.mant.get(n - 1).is_some_and(|d| (d - b'0') % 2 == 1)
        } else {
            next >= b'5'
        };
        self.mant.truncate(n);
        if !up {
            self.trim();
            return;
        }
        while self.mant.last() == Some(&b'9') {
            self.mant.pop();
        }
        match self.mant.last_mut() {
            Some(last) => *last += 1,
            None => {
                self.mant.push(b'1');
                self.exp += 1;
            }
        }
    }
}

/// The sign and digits of a number value. Integers come from their exact
/// decimal text, fractions from Rust's shortest round-trip form.
fn decimal_of(value: &Value) -> Option<(bool, Decimal)> {
    let Value::Number(n) = value else { return None };
    let text = if n.is_integer() {
        n.format_decimal()
    } else {
        format!("{:e}", n.as_f64()?)
    };
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (digits, exp) = match text.split_once('e') {
        Some((mantissa, exp)) => {
            let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            let exp = exp.parse::<i64>().ok()?;
            (
                format!("{whole}{fraction}"),
                exp + i64::try_from(whole.len()).ok()?,
            )
        }
        None => (text.to_owned(), i64::try_from(text.len()).ok()?),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let leading = digits.bytes().take_while(|&b| b == b'0').count();
    let mut decimal = Decimal {
        mant: digits.into_bytes().split_off(leading),
        exp: exp - i64::try_from(leading).ok()?,
    };
    decimal.trim();
    Some((negative, decimal))
}

/// Go's `big.Float.Text(verb, precision)` without the sign, for `e E f g G`;
/// `None` is the shortest form that reads back the same.
fn go_float_text(mut d: Decimal, verb: char, precision: Option<usize>) -> String {
    let shortest = precision.is_none();
    let mut prec = match precision {
        Some(p) => {
            let p = i64::try_from(p).unwrap_or(i64::MAX);
            match verb {
                'e' | 'E' => d.round(p.saturating_add(1)),
                'f' => d.round(d.exp.saturating_add(p)),
                _ => d.round(p.max(1)),
            }
            if matches!(verb, 'g' | 'G') {
                p.max(1)
            } else {
                p
            }
        }
        None => match verb {
            'e' | 'E' => d.len() - 1,
            'f' => (d.len() - d.exp).max(0),
            _ => d.len(),
        },
    };
    match verb {
        'e' | 'E' => go_exponent_form(&d, verb, prec),
        'f' => go_fixed_form(&d, prec),
        _ => {
            let mut eprec = if shortest { 6 } else { prec };
            if !shortest && eprec > d.len() && d.len() >= d.exp {
                eprec = d.len();
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                prec = prec.min(d.len());
                let verb = if verb == 'G' { 'E' } else { 'e' };
                go_exponent_form(&d, verb, prec - 1)
            } else {
                if prec > d.exp {
                    prec = d.len();
                }
                go_fixed_form(&d, (prec - d.exp).max(0))
            }
        }
    }
}

/// `d.ddde±xx`, `prec` digits after the point.
fn go_exponent_form(d: &Decimal, verb: char, prec: i64) -> String {
    let mut out = String::new();
    out.push(d.digit(0));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(d.digit(i));
        }
    }
    out.push(verb);
    let exp = if d.mant.is_empty() { 0 } else { d.exp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.unsigned_abs()));
    out
}

/// `ddd.ddd`, `prec` digits after the point.
fn go_fixed_form(d: &Decimal, prec: i64) -> String {
    let mut out = String::new();
    if d.exp > 0 {
        for i in 0..d.exp {
            out.push(d.digit(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(d.digit(d.exp + i));
        }
    }
    out
}

// Encoding.

/// `jsonencode(value)`: needs the whole value.
fn jsonencode(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    Ok(Partial::string(json(&value)?))
}

/// `jsondecode(s)`: integral numbers become integers.
fn jsondecode(args: Vec<Partial>) -> Outcome {
    let [text] = take(args)?;
    let text = string(&text, 1)?;
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => from_json(value),
        Err(e) => fail(format!("invalid JSON: {e}")),
    }
}

fn from_json(value: serde_json::Value) -> Outcome {
    Ok(match value {
        serde_json::Value::Null => Partial::null(),
        serde_json::Value::Bool(b) => Partial::bool(b),
        serde_json::Value::String(s) => Partial::string(s),
        serde_json::Value::Number(n) => {
            Partial::Scalar(match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Value::from(i),
                (None, Some(u), _) => Value::from(u),
                (None, None, Some(f)) if f.is_finite() => float_value(f),
                _ => return Err(unsupported("jsondecode")),
            })
        }
        serde_json::Value::Array(items) => {
            Partial::List(items.into_iter().map(from_json).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(entries) => Partial::map(
            entries
                .into_iter()
                .map(|(k, v)| Ok((k, from_json(v)?)))
                .collect::<Result<_, Stop>>()?,
        ),
    })
}

/// `value` as Terraform writes JSON: no spaces, object keys sorted, strings
/// escaped like Go's `encoding/json` (which also escapes `<`, `>`, `&`).
fn json(value: &Partial) -> Result<String, Stop> {
    let mut out = String::new();
    write_json(value, &mut out)?;
    Ok(out)
}

fn write_json(value: &Partial, out: &mut String) -> Result<(), Stop> {
    match value {
        Partial::Unknown(cause) | Partial::Map(_, Some(cause)) => {
            return Err(Stop::Unknown(cause.clone()))
        }
        Partial::Scalar(Value::Null) => out.push_str("null"),
        Partial::Scalar(Value::String(s)) => json_quote(s, out),
        Partial::Scalar(scalar) => match scalar_to_string(scalar) {
            Some(text) => out.push_str(&text),
            None => return fail(format!("cannot encode {} as JSON", kind(value))),
        },
        Partial::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Partial::Map(entries, None) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_quote(key, out);
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn json_quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

// Numbers.

/// `min(numbers...)` (`pick` Less) and `max(numbers...)` (`pick` Greater).
fn extreme(args: Vec<Partial>, pick: Ordering) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let mut best: Option<Value> = None;
    for (i, arg) in args.iter().enumerate() {
        let n = number(arg, i + 1)?;
        if best.as_ref().is_none_or(|b| n.cmp(b) == pick) {
            best = Some(n);
        }
    }
    Ok(best.map_or_else(Partial::null, Partial::Scalar))
}

/// A function of one number (`abs`, `ceil`, `floor`).
fn on_number(args: Vec<Partial>, f: impl FnOnce(Value) -> Value) -> Outcome {
    let [arg] = take(args)?;
    Ok(Partial::Scalar(f(number(&arg, 1)?)))
}

// Conversion.

/// `tostring(v)`: a primitive as a string; null stays null.
fn tostring(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    match value {
        Partial::Unknown(cause) => Err(Stop::Unknown(cause)),
        Partial::Scalar(Value::Null) => Ok(Partial::null()),
        other => item_string(&other)
            .map(Partial::string)
            .ok_or_else(|| Stop::Fail(format!("cannot convert {} to a string", kind(&other)))),
    }
}

/// `tonumber(v)`: a number, or a string that spells one; null stays null.
fn tonumber(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    match value {
        Partial::Unknown(cause) => Err(Stop::Unknown(cause)),
        Partial::Scalar(Value::Null | Value::Number(_)) => Ok(value),
        Partial::Scalar(Value::String(s)) => parse_number(&s)
            .map(Partial::Scalar)
            .ok_or_else(|| Stop::Fail(format!("cannot convert {s:?} to a number"))),
        other => fail(format!("cannot convert {} to a number", kind(&other))),
    }
}

/// `tobool(v)`: a bool, or the string `true` or `false`; null stays null.
fn tobool(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    match value {
        Partial::Unknown(cause) => Err(Stop::Unknown(cause)),
        Partial::Scalar(Value::Null | Value::Bool(_)) => Ok(value),
        Partial::Scalar(Value::String(s)) if &*s == "true" => Ok(Partial::bool(true)),
        Partial::Scalar(Value::String(s)) if &*s == "false" => Ok(Partial::bool(false)),
        other => fail(format!("cannot convert {} to a bool", kind(&other))),
    }
}

/// `tolist(v)`: items unified to one type, unknown items kept.
fn tolist(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    match value {
        Partial::Scalar(Value::Null) => Ok(Partial::null()),
        other => {
            let mut items = list(other, 1)?;
            if unify_to_strings(&items)? {
                items.iter_mut().for_each(stringify);
            }
            Ok(Partial::List(items))
        }
    }
}

/// `toset(v)`: items unified, deduplicated and ordered as Terraform orders
/// sets, unknown items kept (last).
fn toset(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    match value {
        Partial::Scalar(Value::Null) => Ok(Partial::null()),
        other => Ok(Partial::List(into_set(list(other, 1)?)?)),
    }
}

/// `tomap(v)`: values unified to one type; an open map stays open.
fn tomap(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    match value {
        Partial::Scalar(Value::Null) => Ok(Partial::null()),
        other => {
            let (mut entries, open) = map(other, 1)?;
            if unify_to_strings(entries.values())? {
                entries.values_mut().for_each(stringify);
            }
            Ok(Partial::Map(entries, open))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str) -> Cause {
        Cause::Variable {
            module: String::new(),
            name: name.to_owned(),
        }
    }

    fn unknown(name: &str) -> Partial {
        Partial::Unknown(var(name))
    }

    fn s(text: &str) -> Partial {
        Partial::string(text)
    }

    fn n(i: i64) -> Partial {
        Partial::Scalar(Value::from(i))
    }

    fn float(x: f64) -> Partial {
        Partial::Scalar(Value::from(x))
    }

    fn b(value: bool) -> Partial {
        Partial::bool(value)
    }

    fn null() -> Partial {
        Partial::null()
    }

    fn list<const N: usize>(items: [Partial; N]) -> Partial {
        Partial::List(items.into())
    }

    fn strings(items: &[&str]) -> Partial {
        Partial::List(items.iter().map(|i| s(i)).collect())
    }

    fn entries<const N: usize>(pairs: [(&str, Partial); N]) -> BTreeMap<String, Partial> {
        pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    fn map<const N: usize>(pairs: [(&str, Partial); N]) -> Partial {
        Partial::map(entries(pairs))
    }

    fn open<const N: usize>(pairs: [(&str, Partial); N], cause: &str) -> Partial {
        Partial::Map(entries(pairs), Some(var(cause)))
    }

    #[track_caller]
    fn ok<const N: usize>(name: &str, args: [Partial; N]) -> Partial {
        match call(name, args.into()) {
            Ok(value) => value,
            Err(message) => panic!("{name} failed: {message}"),
        }
    }

    #[track_caller]
    fn err<const N: usize>(name: &str, args: [Partial; N]) -> String {
        match call(name, args.into()) {
            Ok(value) => panic!("{name} succeeded with {value:?}"),
            Err(message) => message,
        }
    }

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

    // merge.

    #[test]
    fn merge_later_keys_win() {
        assert_eq!(
            ok(
                "merge",
                [map([("a", n(1)), ("b", n(2))]), map([("b", n(3))])]
            ),
            map([("a", n(1)), ("b", n(3))])
        );
    }

    #[test]
    fn merge_skips_nulls_and_all_nulls_give_null() {
        assert_eq!(
            ok("merge", [null(), map([("a", n(1))]), null()]),
            map([("a", n(1))])
        );
        assert_eq!(ok("merge", [null(), null()]), null());
        assert_eq!(ok("merge", []), map([]));
    }

    #[test]
    fn merge_with_an_unknown_argument_keeps_earlier_keys_with_unknown_values() {
        let merged = ok(
            "merge",
            [
                map([("team", s("web")), ("env", s("dev"))]),
                unknown("tags"),
                map([("owner", s("ops"))]),
            ],
        );
        assert_eq!(
            merged,
            open(
                [
                    ("team", unknown("tags")),
                    ("env", unknown("tags")),
                    ("owner", s("ops")),
                ],
                "tags"
            )
        );
    }

    #[test]
    fn merge_with_an_open_map_keeps_its_keys_and_opens_the_result() {
        let merged = ok(
            "merge",
            [
                map([("team", s("web")), ("env", s("dev"))]),
                open([("env", s("prod"))], "extra"),
            ],
        );
        assert_eq!(
            merged,
            open([("team", unknown("extra")), ("env", s("prod"))], "extra")
        );
    }

    #[test]
    fn merge_keeps_the_first_open_cause_and_unknown_values() {
        let merged = ok(
            "merge",
            [
                unknown("first"),
                map([("a", unknown("value"))]),
                unknown("second"),
                map([("b", n(1))]),
            ],
        );
        assert_eq!(
            merged,
            open([("a", unknown("second")), ("b", n(1))], "first")
        );
        assert_eq!(
            ok("merge", [map([("a", unknown("value"))])]),
            map([("a", unknown("value"))])
        );
    }

    #[test]
    fn merge_rejects_non_maps_even_after_an_unknown() {
        assert_eq!(
            err("merge", [unknown("x"), strings(&["a"])]),
            "merge(): argument 2 must be a map or object, not a list"
        );
        assert!(err("merge", [s("a")]).contains("not a string"));
    }

    // lookup.

    #[test]
    fn lookup_finds_a_key_among_unknown_values() {
        let tags = map([("team", s("web")), ("env", unknown("env"))]);
        assert_eq!(ok("lookup", [tags.clone(), s("team")]), s("web"));
        assert_eq!(ok("lookup", [tags, s("env"), s("none")]), unknown("env"));
    }

    #[test]
    fn lookup_of_an_absent_key_in_an_open_map_is_unknown() {
        let tags = open([("team", s("web"))], "tags");
        assert_eq!(
            ok("lookup", [tags.clone(), s("env"), s("dev")]),
            unknown("tags")
        );
        assert_eq!(ok("lookup", [tags, s("team")]), s("web"));
    }

    #[test]
    fn lookup_of_an_absent_key_in_a_closed_map_needs_a_default() {
        let tags = map([("team", s("web"))]);
        assert_eq!(ok("lookup", [tags.clone(), s("env"), s("dev")]), s("dev"));
        assert_eq!(
            err("lookup", [tags, s("env")]),
            r#"lookup(): the map has no key "env" and no default was given"#
        );
    }

    #[test]
    fn lookup_with_unknown_map_or_key_is_unknown() {
        assert_eq!(ok("lookup", [unknown("m"), s("a")]), unknown("m"));
        assert_eq!(ok("lookup", [map([]), unknown("k"), n(1)]), unknown("k"));
        assert_eq!(ok("lookup", [map([("1", s("one"))]), n(1)]), s("one"));
        assert!(err("lookup", [strings(&["a"]), s("a")]).contains("must be a map"));
        assert!(err("lookup", [map([]), null(), s("d")]).contains("must not be null"));
    }

    // keys, values, length.

    #[test]
    fn keys_and_values_in_key_order_with_unknown_values() {
        let m = map([("b", unknown("b")), ("a", n(1))]);
        assert_eq!(ok("keys", [m.clone()]), strings(&["a", "b"]));
        assert_eq!(ok("values", [m]), list([n(1), unknown("b")]));
        assert!(err("keys", [strings(&[])]).contains("must be a map"));
        assert_eq!(ok("keys", [unknown("m")]), unknown("m"));
    }

    #[test]
    fn keys_values_and_length_of_an_open_map_are_unknown() {
        let m = open([("a", n(1))], "more");
        assert_eq!(ok("keys", [m.clone()]), unknown("more"));
        assert_eq!(ok("values", [m.clone()]), unknown("more"));
        assert_eq!(ok("length", [m]), unknown("more"));
    }

    #[test]
    fn length_counts_items_keys_and_characters() {
        assert_eq!(ok("length", [list([unknown("x"), n(1)])]), n(2));
        assert_eq!(ok("length", [map([("a", unknown("x"))])]), n(1));
        assert_eq!(ok("length", [s("héllo")]), n(5));
        assert_eq!(ok("length", [unknown("s")]), unknown("s"));
        assert!(err("length", [n(5)]).contains("not a number"));
        assert!(err("length", [null()]).contains("must not be null"));
    }

    // concat, coalesce, coalescelist, compact.

    #[test]
    fn concat_keeps_unknown_items_but_not_unknown_lists() {
        assert_eq!(
            ok(
                "concat",
                [list([s("a"), unknown("x")]), strings(&["b"]), list([])]
            ),
            list([s("a"), unknown("x"), s("b")])
        );
        assert_eq!(
            ok("concat", [strings(&["a"]), unknown("l"), unknown("m")]),
            unknown("l")
        );
        assert!(err("concat", [strings(&["a"]), map([])]).contains("argument 2 must be a list"));
    }

    #[test]
    fn coalesce_takes_the_first_non_null_non_empty_value() {
        assert_eq!(ok("coalesce", [null(), s(""), s("a"), s("b")]), s("a"));
        assert_eq!(ok("coalesce", [s("a"), unknown("x")]), s("a"));
        assert_eq!(ok("coalesce", [null(), unknown("x"), s("a")]), unknown("x"));
        assert_eq!(ok("coalesce", [n(0), n(1)]), n(0));
        assert_eq!(ok("coalesce", [list([]), strings(&["a"])]), list([]));
        assert!(err("coalesce", [null(), s("")]).contains("no non-null"));
        assert!(err("coalesce", []).contains("at least 1"));
    }

    #[test]
    fn coalesce_unifies_to_strings_like_terraform() {
        assert_eq!(ok("coalesce", [s(""), n(1)]), s("1"));
        assert_eq!(ok("coalesce", [b(true), s("x")]), s("true"));
        assert!(err("coalesce", [n(1), b(true)]).contains("same type"));
        assert!(err("coalesce", [s("a"), strings(&["b"])]).contains("same type"));
    }

    #[test]
    fn coalescelist_takes_the_first_non_empty_list() {
        assert_eq!(
            ok("coalescelist", [list([]), strings(&["a"]), strings(&["b"])]),
            strings(&["a"])
        );
        assert_eq!(
            ok("coalescelist", [list([]), unknown("l"), strings(&["b"])]),
            unknown("l")
        );
        assert_eq!(
            ok("coalescelist", [strings(&["a"]), unknown("l")]),
            strings(&["a"])
        );
        assert!(err("coalescelist", [list([]), list([])]).contains("no non-empty"));
        assert!(err("coalescelist", [strings(&["a"]), s("b")]).contains("argument 2"));
    }

    #[test]
    fn compact_drops_nulls_and_empty_strings_and_needs_every_item() {
        assert_eq!(
            ok("compact", [list([s("a"), s(""), null(), n(2)])]),
            strings(&["a", "2"])
        );
        assert_eq!(ok("compact", [list([s("a"), unknown("x")])]), unknown("x"));
        assert!(err("compact", [list([strings(&["a"])])]).contains("element 0"));
    }

    // contains, index, element, distinct, flatten.

    #[test]
    fn contains_finds_a_known_item_next_to_unknown_ones() {
        let l = list([unknown("x"), s("a")]);
        assert_eq!(ok("contains", [l.clone(), s("a")]), b(true));
        assert_eq!(ok("contains", [l, s("b")]), unknown("x"));
        assert_eq!(ok("contains", [strings(&["a", "b"]), s("c")]), b(false));
        assert_eq!(
            ok("contains", [strings(&["a"]), unknown("v")]),
            unknown("v")
        );
        assert_eq!(ok("contains", [list([]), unknown("v")]), b(false));
        assert_eq!(ok("contains", [list([n(1)]), float(1.0)]), b(true));
        assert_eq!(ok("contains", [list([n(1)]), s("1")]), b(false));
        assert_eq!(ok("contains", [unknown("l"), s("a")]), unknown("l"));
        assert!(err("contains", [map([]), s("a")]).contains("must be a list"));
    }

    #[test]
    fn index_finds_the_first_equal_item() {
        assert_eq!(ok("index", [strings(&["a", "b", "b"]), s("b")]), n(1));
        assert_eq!(ok("index", [list([s("a"), unknown("x")]), s("a")]), n(0));
        assert_eq!(
            ok("index", [list([unknown("x"), s("a")]), s("a")]),
            unknown("x")
        );
        assert!(err("index", [strings(&["a"]), s("z")]).contains("item not found"));
        assert!(err("index", [list([]), s("z")]).contains("empty list"));
    }

    #[test]
    fn element_wraps_around() {
        let l = list([s("a"), unknown("x"), s("c")]);
        assert_eq!(ok("element", [l.clone(), n(0)]), s("a"));
        assert_eq!(ok("element", [l.clone(), n(1)]), unknown("x"));
        assert_eq!(ok("element", [l.clone(), n(5)]), s("c"));
        assert_eq!(ok("element", [l.clone(), s("3")]), s("a"));
        assert_eq!(ok("element", [l.clone(), unknown("i")]), unknown("i"));
        assert_eq!(ok("element", [unknown("l"), n(0)]), unknown("l"));
        assert!(err("element", [l.clone(), n(-1)]).contains("negative"));
        assert!(err("element", [l, float(1.5)]).contains("whole number"));
        assert!(err("element", [list([]), n(0)]).contains("empty list"));
    }

    #[test]
    fn distinct_keeps_first_occurrences_and_needs_every_item() {
        assert_eq!(
            ok(
                "distinct",
                [list([s("b"), s("a"), s("b"), n(1), float(1.0)])]
            ),
            list([s("b"), s("a"), n(1)])
        );
        assert_eq!(ok("distinct", [list([s("a"), unknown("x")])]), unknown("x"));
    }

    #[test]
    fn flatten_splices_nested_lists() {
        assert_eq!(
            ok(
                "flatten",
                [list([
                    s("a"),
                    list([s("b"), list([s("c")]), list([])]),
                    map([])
                ])]
            ),
            list([s("a"), s("b"), s("c"), map([])])
        );
        assert_eq!(
            ok("flatten", [list([s("a"), list([unknown("x")])])]),
            unknown("x")
        );
        assert!(err("flatten", [s("a")]).contains("must be a list"));
    }

    // one, reverse, slice, sort, setunion, zipmap, range.

    #[test]
    fn one_takes_zero_or_one_item() {
        assert_eq!(ok("one", [list([])]), null());
        assert_eq!(ok("one", [list([unknown("x")])]), unknown("x"));
        assert_eq!(ok("one", [unknown("l")]), unknown("l"));
        assert!(err("one", [strings(&["a", "b"])]).contains("zero or one"));
        assert!(err("one", [null()]).contains("not null"));
    }

    #[test]
    fn reverse_and_slice_keep_unknown_items() {
        assert_eq!(
            ok("reverse", [list([s("a"), unknown("x")])]),
            list([unknown("x"), s("a")])
        );
        let l = list([s("a"), unknown("x"), s("c")]);
        assert_eq!(
            ok("slice", [l.clone(), n(1), n(3)]),
            list([unknown("x"), s("c")])
        );
        assert_eq!(ok("slice", [l.clone(), n(3), n(3)]), list([]));
        assert!(err("slice", [l.clone(), n(2), n(1)]).contains("greater than end"));
        assert!(err("slice", [l.clone(), n(0), n(4)]).contains("length of the list"));
        assert!(err("slice", [l, n(-1), n(1)]).contains("less than zero"));
    }

    #[test]
    fn sort_orders_strings_lexically() {
        assert_eq!(
            ok("sort", [list([s("b"), n(10), s("a"), n(9)])]),
            strings(&["10", "9", "a", "b"])
        );
        assert_eq!(ok("sort", [list([s("b"), unknown("x")])]), unknown("x"));
        assert!(err("sort", [list([s("b"), null()])]).contains("null string"));
    }

    #[test]
    fn setunion_deduplicates_in_set_order() {
        assert_eq!(
            ok("setunion", [strings(&["b", "a"]), strings(&["c", "a"])]),
            strings(&["a", "b", "c"])
        );
        assert_eq!(
            ok("setunion", [strings(&["a"]), unknown("l")]),
            unknown("l")
        );
    }

    #[test]
    fn zipmap_needs_known_keys_and_keeps_unknown_values() {
        assert_eq!(
            ok("zipmap", [strings(&["a", "b"]), list([n(1), unknown("x")])]),
            map([("a", n(1)), ("b", unknown("x"))])
        );
        assert_eq!(
            ok("zipmap", [list([s("a"), unknown("k")]), list([n(1), n(2)])]),
            unknown("k")
        );
        assert_eq!(ok("zipmap", [strings(&["a"]), unknown("v")]), unknown("v"));
        assert_eq!(
            ok("zipmap", [strings(&["a", "a"]), list([n(1), n(2)])]),
            map([("a", n(2))])
        );
        assert!(err("zipmap", [strings(&["a"]), list([])]).contains("number of keys (1)"));
        assert!(err("zipmap", [list([null()]), list([n(1)])]).contains("null value"));
    }

    #[test]
    fn range_counts_up_and_down() {
        assert_eq!(ok("range", [n(3)]), list([n(0), n(1), n(2)]));
        assert_eq!(ok("range", [n(-2)]), list([n(0), n(-1)]));
        assert_eq!(ok("range", [n(1), n(4)]), list([n(1), n(2), n(3)]));
        assert_eq!(ok("range", [n(4), n(1)]), list([n(4), n(3), n(2)]));
        assert_eq!(ok("range", [n(0), n(10), n(4)]), list([n(0), n(4), n(8)]));
        assert_eq!(ok("range", [n(5), n(5)]), list([]));
        assert_eq!(ok("range", [s("2")]), list([n(0), n(1)]));
    }

    #[test]
    fn range_with_fractions_adds_like_decimals() {
        assert_eq!(
            ok("range", [n(0), float(0.3), float(0.1)]),
            list([n(0), float(0.1), float(0.2)])
        );
        assert_eq!(ok("range", [float(1.5)]), list([n(0), n(1)]));
    }

    #[test]
    fn range_rejects_bad_steps_and_huge_results() {
        assert!(err("range", [n(0), n(5), n(0)]).contains("must not be zero"));
        assert!(err("range", [n(0), n(5), n(-1)]).contains("step is negative"));
        assert!(err("range", [n(5), n(0), n(1)]).contains("step is positive"));
        assert!(err("range", [n(1025)]).contains("more than 1024"));
        assert!(err("range", [n(i64::MAX)]).contains("more than 1024"));
        assert_eq!(
            ok("range", [n(1024)])
                .to_value()
                .map(|v| v.as_array().map(|a| a.len()).ok()),
            Some(Some(1024))
        );
        assert_eq!(
            ok("range", [n(i64::MAX - 1), n(i64::MAX), n(i64::MAX)]),
            list([n(i64::MAX - 1)])
        );
        assert_eq!(ok("range", [unknown("n")]), unknown("n"));
    }

    // Strings.

    #[test]
    fn case_mapping_is_rune_by_rune_like_go() {
        assert_eq!(ok("upper", [s("straße")]), s("STRAßE"));
        assert_eq!(ok("lower", [s("ΣΑΣ")]), s("σασ"));
        assert_eq!(ok("lower", [s("İ")]), s("i"));
        assert_eq!(ok("upper", [n(5)]), s("5"));
        assert_eq!(ok("upper", [b(true)]), s("TRUE"));
    }

    #[test]
    fn title_starts_words_after_separators() {
        assert_eq!(
            ok("title", [s("hello world-foo_bar x1y")]),
            s("Hello World-Foo_bar X1y")
        );
        assert_eq!(ok("title", [s("élan vital")]), s("Élan Vital"));
    }

    #[test]
    fn string_arguments_convert_scalars_and_reject_the_rest() {
        assert_eq!(ok("upper", [unknown("s")]), unknown("s"));
        assert!(err("upper", [null()]).contains("argument 1 must not be null"));
        assert!(err("upper", [strings(&["a"])]).contains("must be a string, not a list"));
        assert_eq!(ok("startswith", [s("abc"), unknown("p")]), unknown("p"));
        assert!(err("startswith", [map([]), unknown("p")]).contains("argument 1"));
        assert!(err("upper", []).contains("expects 1 argument"));
    }

    #[test]
    fn split_follows_go() {
        assert_eq!(
            ok("split", [s(","), s("a,b,,c")]),
            strings(&["a", "b", "", "c"])
        );
        assert_eq!(ok("split", [s(","), s("")]), strings(&[""]));
        assert_eq!(ok("split", [s(""), s("ab")]), strings(&["a", "b"]));
        assert_eq!(ok("split", [s(""), s("")]), list([]));
    }

    #[test]
    fn join_needs_every_item() {
        assert_eq!(
            ok("join", [s(","), strings(&["a", "b"]), strings(&["c"])]),
            s("a,b,c")
        );
        assert_eq!(ok("join", [s("-"), list([n(1), b(true)])]), s("1-true"));
        assert_eq!(ok("join", [s(","), list([])]), s(""));
        assert_eq!(
            ok("join", [s(","), list([s("a"), unknown("x")])]),
            unknown("x")
        );
        assert_eq!(ok("join", [s(","), unknown("l")]), unknown("l"));
        assert!(
            err("join", [s(","), list([s("a"), null()])]).contains("element 1 of list 1 is null")
        );
        assert!(err("join", [s(",")]).contains("at least one list"));
        assert!(err("join", [s(","), list([list([])])]).contains("must be a string"));
    }

    #[test]
    fn replace_substitutes_every_occurrence() {
        assert_eq!(ok("replace", [s("a-b-c"), s("-"), s("+")]), s("a+b+c"));
        assert_eq!(ok("replace", [s("abc"), s(""), s("X")]), s("XaXbXcX"));
        assert_eq!(ok("replace", [s("a/b"), s("/"), s("_")]), s("a_b"));
    }

    #[test]
    fn replace_with_a_regular_expression_is_unknown() {
        assert_eq!(
            ok("replace", [s("abc"), s("/b+/"), s("x")]),
            Partial::Unknown(Cause::Function("replace".into()))
        );
        assert_eq!(
            ok("replace", [unknown("s"), s("/b/"), s("x")]),
            unknown("s")
        );
    }

    #[test]
    fn substr_counts_characters() {
        assert_eq!(ok("substr", [s("hello world"), n(1), n(4)]), s("ello"));
        assert_eq!(ok("substr", [s("hello"), n(-3), n(-1)]), s("llo"));
        assert_eq!(ok("substr", [s("hello"), n(1), n(100)]), s("ello"));
        assert_eq!(ok("substr", [s("hello"), n(0), n(0)]), s(""));
        assert_eq!(ok("substr", [s("hello"), n(10), n(2)]), s(""));
        assert_eq!(ok("substr", [s("hello"), n(-10), n(2)]), s("he"));
        assert_eq!(ok("substr", [s("héllo"), n(1), n(2)]), s("él"));
        assert_eq!(
            ok("substr", [s("hello"), n(i64::MIN), n(i64::MAX)]),
            s("hello")
        );
        assert!(err("substr", [s("abc"), float(1.5), n(1)]).contains("whole number"));
    }

    #[test]
    fn trims_and_affixes() {
        assert_eq!(ok("trimspace", [s(" \t a b \n")]), s("a b"));
        assert_eq!(ok("trim", [s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trim", [s("hello"), s("")]), s("hello"));
        assert_eq!(ok("trimprefix", [s("helloworld"), s("hello")]), s("world"));
        assert_eq!(ok("trimprefix", [s("hello"), s("x")]), s("hello"));
        assert_eq!(ok("trimsuffix", [s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("startswith", [s("hello"), s("he")]), b(true));
        assert_eq!(ok("startswith", [s("hello"), s("")]), b(true));
        assert_eq!(ok("endswith", [s("hello"), s("x")]), b(false));
        assert_eq!(ok("endswith", [unknown("s"), s("x")]), unknown("s"));
    }

    // format.

    #[track_caller]
    fn formats<const N: usize>(spec: &str, values: [Partial; N]) -> String {
        let mut args = vec![s(spec)];
        args.extend(values);
        match call("format", args) {
            Ok(Partial::Scalar(Value::String(text))) => text.to_string(),
            other => panic!("format({spec:?}) gave {other:?}"),
        }
    }

    #[track_caller]
    fn format_error<const N: usize>(spec: &str, values: [Partial; N]) -> String {
        let mut args = vec![s(spec)];
        args.extend(values);
        call("format", args).expect_err("format fails")
    }

    #[test]
    fn format_strings_bools_and_percent() {
        assert_eq!(formats("%s-%s", [s("a"), n(1)]), "a-1");
        assert_eq!(formats("%s %s", [float(1.5), b(true)]), "1.5 true");
        assert_eq!(formats("100%%", []), "100%");
        assert_eq!(formats("%t/%t", [b(true), s("false")]), "true/false");
        assert_eq!(formats("%q", [s("a\"b<")]), r#""a\"b\u003c""#);
        assert_eq!(
            formats("[%5s][%-5s][%.2s]", [s("ab"), s("ab"), s("abc")]),
            "[   ab][ab   ][ab]"
        );
        assert_eq!(formats("%05s", [s("ab")]), "000ab");
        assert_eq!(formats("%s", [s("héllo")]), "héllo");
    }

    #[test]
    fn format_integers_like_go() {
        assert_eq!(formats("%d", [n(42)]), "42");
        assert_eq!(formats("%d", [s("12")]), "12");
        assert_eq!(formats("%d", [float(3.0)]), "3");
        assert_eq!(formats("%05d|%05d", [n(42), n(-42)]), "00042|-0042");
        assert_eq!(formats("%-5d|%5d|", [n(42), n(42)]), "42   |   42|");
        assert_eq!(formats("%+d % d", [n(5), n(5)]), "+5  5");
        assert_eq!(
            formats("%x %X %o %b", [n(255), n(255), n(8), n(5)]),
            "ff FF 10 101"
        );
        assert_eq!(
            formats("%#x %#o %#b", [n(255), n(8), n(5)]),
            "0xff 010 0b101"
        );
        assert_eq!(formats("%x", [n(-255)]), "-ff");
        assert_eq!(
            formats("%.3d|%8.3d|%08.3d", [n(7), n(7), n(7)]),
            "007|     007|     007"
        );
        assert_eq!(formats("%d", [n(i64::MIN)]), "-9223372036854775808");
        assert_eq!(
            formats("%d", [Partial::Scalar(Value::from(u64::MAX))]),
            "18446744073709551615"
        );
    }

    #[test]
    fn format_floats_like_go() {
        assert_eq!(formats("%f", [float(1.23456)]), "1.234560");
        assert_eq!(formats("%.2f", [float(1.23456)]), "1.23");
        assert_eq!(formats("%.0f %.0f", [float(2.5), float(3.5)]), "2 4");
        assert_eq!(formats("%.1f", [float(0.96)]), "1.0");
        assert_eq!(formats("%.2f", [float(0.001)]), "0.00");
        assert_eq!(formats("%.2f", [n(5)]), "5.00");
        assert_eq!(
            formats("%8.2f|%-8.2f|", [float(1.23456), float(1.23456)]),
            "    1.23|1.23    |"
        );
        assert_eq!(
            formats("%08.2f %+.1f", [float(-1.23456), n(2)]),
            "-0001.23 +2.0"
        );
        assert_eq!(formats("%e", [float(1234.5678)]), "1.234568e+03");
        assert_eq!(formats("%.2E", [n(0)]), "0.00E+00");
        assert_eq!(formats("%e", [float(0.00012)]), "1.200000e-04");
        assert_eq!(
            formats("%g %g %g", [n(1_000_000), n(123_456), float(0.00001)]),
            "1e+06 123456 1e-05"
        );
        assert_eq!(
            formats("%.3g %G", [float(1.23456), float(1e-7)]),
            "1.23 1E-07"
        );
        assert_eq!(formats("%.2f", [float(9.999)]), "10.00");
    }

    #[test]
    fn format_v_is_the_default_form_and_json_for_the_rest() {
        assert_eq!(formats("%v %v %v", [s("a"), n(10), float(1.5)]), "a 10 1.5");
        assert_eq!(formats("%v %v", [n(1_000_000), float(-0.5)]), "1e+06 -0.5");
        assert_eq!(formats("%v %v", [b(true), null()]), "true null");
        assert_eq!(
            formats("%v", [map([("b", list([n(1), s("x")])), ("a", null())])]),
            r#"{"a":null,"b":[1,"x"]}"#
        );
        assert_eq!(formats("%#v %#v", [s("x"), n(1)]), r#""x" 1"#);
        assert_eq!(formats("%5v|", [n(1)]), "    1|");
    }

    #[test]
    fn format_argument_indexes() {
        assert_eq!(formats("%[2]s-%[1]s", [s("a"), s("b")]), "b-a");
        assert_eq!(formats("%[2]s %s", [s("a"), s("b"), s("c")]), "b c");
        assert_eq!(formats("%[1]s%[1]s", [s("a")]), "aa");
    }

    #[test]
    fn format_rejects_what_terraform_rejects() {
        assert!(format_error("%s %s", [s("a")]).contains("not enough arguments"));
        assert!(format_error("%s", [s("a"), s("b")]).contains("only 1 used"));
        assert!(format_error("plain", [s("a")]).contains("no verbs"));
        assert!(format_error("%[3]s", [s("a")]).contains("need index 3"));
        assert!(format_error("%z", [s("a")]).contains("unsupported format verb 'z'"));
        assert!(format_error("abc%", []).contains("invalid format string starting at offset 3"));
        assert!(format_error("%!", [s("a")]).contains("unrecognized format character '!'"));
        assert!(format_error("%[0]s", [s("a")]).contains("unrecognized"));
        assert!(format_error("%d", [float(1.5)]).contains("an integer is required"));
        assert!(format_error("%d", [s("abc")]).contains("a number is required"));
        assert!(format_error("%s", [strings(&["a"])]).contains("a string is required"));
        assert!(format_error("%s", [null()]).contains("null value cannot be formatted"));
        assert!(format_error("%t", [n(1)]).contains("a bool is required"));
        assert!(err("format", []).contains("expects at least 1"));
    }

    #[test]
    fn format_with_unknowns_or_huge_widths_is_unknown() {
        assert_eq!(ok("format", [s("%s"), unknown("x")]), unknown("x"));
        assert_eq!(ok("format", [s("%v"), list([unknown("x")])]), unknown("x"));
        assert_eq!(ok("format", [unknown("f"), s("a")]), unknown("f"));
        assert_eq!(
            ok("format", [s("%99999999999999999999999s"), s("a")]),
            Partial::Unknown(Cause::Function("format".into()))
        );
        assert_eq!(
            ok(
                "format",
                [
                    s("%x"),
                    Partial::Scalar(Value::from_numeric_string("1e40").unwrap())
                ]
            ),
            Partial::Unknown(Cause::Function("format".into()))
        );
    }

    #[test]
    fn formatlist_formats_each_item() {
        assert_eq!(
            ok("formatlist", [s("%s-%s"), strings(&["a", "b"]), s("x")]),
            strings(&["a-x", "b-x"])
        );
        assert_eq!(
            ok(
                "formatlist",
                [s("%s=%s"), strings(&["a", "b"]), list([n(1), n(2)])]
            ),
            strings(&["a=1", "b=2"])
        );
        assert_eq!(ok("formatlist", [s("hi")]), strings(&["hi"]));
        assert_eq!(ok("formatlist", [s("%s"), list([])]), list([]));
        assert!(err(
            "formatlist",
            [s("%s%s"), strings(&["a"]), strings(&["b", "c"])]
        )
        .contains("argument 3 has length 2, which is inconsistent with argument 2 of length 1"));
        assert!(
            err("formatlist", [s("%d"), strings(&["a"])]).contains("error on format iteration 0")
        );
    }

    #[test]
    fn formatlist_keeps_known_rounds_next_to_unknown_ones() {
        assert_eq!(
            ok("formatlist", [s("%s"), list([s("a"), unknown("x")])]),
            list([s("a"), unknown("x")])
        );
        assert_eq!(ok("formatlist", [s("%s"), unknown("l")]), unknown("l"));
        assert_eq!(
            ok(
                "formatlist",
                [s("%s%s"), strings(&["a", "b"]), unknown("l")]
            ),
            unknown("l")
        );
    }

    #[test]
    fn go_decimal_rounding_carries_and_keeps_half_to_even() {
        let (_, mut d) = decimal_of(&Value::from(9.995f64)).unwrap();
        assert_eq!(
            d,
            Decimal {
                mant: b"9995".to_vec(),
                exp: 1
            }
        );
        d.round(3);
        assert_eq!(
            d,
            Decimal {
                mant: b"1".to_vec(),
                exp: 2
            }
        );
        let (_, mut d) = decimal_of(&Value::from(0.125f64)).unwrap();
        d.round(2);
        assert_eq!(
            d,
            Decimal {
                mant: b"12".to_vec(),
                exp: 0
            }
        );
        let (negative, d) = decimal_of(&Value::from(-1200i64)).unwrap();
        assert!(negative);
        assert_eq!(
            d,
            Decimal {
                mant: b"12".to_vec(),
                exp: 4
            }
        );
    }

    // Encoding.

    #[test]
    fn jsonencode_writes_like_terraform() {
        let value = map([
            ("b", s("x")),
            ("a", n(1)),
            ("c", list([b(true), null(), float(1.5), float(2.0)])),
            ("d", map([])),
        ]);
        assert_eq!(
            ok("jsonencode", [value]),
            s(r#"{"a":1,"b":"x","c":[true,null,1.5,2],"d":{}}"#)
        );
        assert_eq!(
            ok("jsonencode", [s("<a&b>\n\"\\\u{1}\u{8}\u{2028}é")]),
            s(r#""\u003ca\u0026b\u003e\n\"\\\u0001\b\u2028é""#)
        );
    }

    #[test]
    fn jsonencode_needs_the_whole_value() {
        assert_eq!(ok("jsonencode", [map([("a", unknown("x"))])]), unknown("x"));
        assert_eq!(ok("jsonencode", [open([("a", n(1))], "m")]), unknown("m"));
        assert_eq!(ok("jsonencode", [list([n(1), unknown("y")])]), unknown("y"));
    }

    #[test]
    fn jsondecode_reads_integers_as_integers() {
        assert_eq!(
            ok(
                "jsondecode",
                [s(r#"{"a": 1, "b": [1.5, 2.0, "x", null, true], "c": {}}"#)]
            ),
            map([
                ("a", n(1)),
                ("b", list([float(1.5), n(2), s("x"), null(), b(true)])),
                ("c", map([])),
            ])
        );
        assert_eq!(
            ok("jsondecode", [s("18446744073709551615")]),
            Partial::Scalar(Value::from(u64::MAX))
        );
        assert_eq!(ok("jsondecode", [n(5)]), n(5));
        assert_eq!(ok("jsondecode", [unknown("j")]), unknown("j"));
    }

    #[test]
    fn jsondecode_of_invalid_json_fails() {
        for text in ["nope", "", "1 2", "{\"a\":}", "[1,]"] {
            assert!(
                err("jsondecode", [s(text)]).starts_with("jsondecode(): invalid JSON"),
                "{text}"
            );
        }
    }

    #[test]
    fn json_round_trips() {
        let value = map([
            ("tags", map([("a", s("x<y"))])),
            ("n", list([n(-3), float(0.25)])),
        ]);
        let text = ok("jsonencode", [value.clone()]);
        assert_eq!(ok("jsondecode", [text]), value);
    }

    // Numbers.

    #[test]
    fn min_and_max_compare_by_value() {
        assert_eq!(ok("max", [n(1), float(2.5), n(-3)]), float(2.5));
        assert_eq!(ok("min", [n(1), float(2.5), n(-3)]), n(-3));
        assert_eq!(ok("max", [s("10"), n(9)]), n(10));
        assert_eq!(ok("min", [n(1), unknown("x")]), unknown("x"));
        assert!(err("max", []).contains("at least 1"));
        assert!(err("min", [n(1), s("a")]).contains("cannot convert \"a\" to a number"));
        assert!(err("min", [b(true)]).contains("must be a number, not a bool"));
    }

    #[test]
    fn abs_ceil_floor() {
        assert_eq!(ok("abs", [n(-3)]), n(3));
        assert_eq!(ok("abs", [float(-1.5)]), float(1.5));
        assert_eq!(
            ok("abs", [n(i64::MIN)]),
            ok("tonumber", [s("9223372036854775808")])
        );
        assert_eq!(ok("ceil", [float(1.2)]), n(2));
        assert_eq!(ok("ceil", [float(-1.2)]), n(-1));
        assert_eq!(ok("floor", [float(-1.2)]), n(-2));
        assert_eq!(ok("floor", [n(5)]), n(5));
        assert_eq!(ok("floor", [s("2.7")]), n(2));
        assert_eq!(ok("floor", [unknown("x")]), unknown("x"));
        assert_eq!(
            scalar_to_string(&ok("ceil", [float(1.2)]).to_value().unwrap()).as_deref(),
            Some("2")
        );
    }

    // Conversion.

    #[test]
    fn tostring_converts_primitives() {
        assert_eq!(ok("tostring", [float(1.5)]), s("1.5"));
        assert_eq!(ok("tostring", [n(10)]), s("10"));
        assert_eq!(ok("tostring", [b(false)]), s("false"));
        assert_eq!(ok("tostring", [s("x")]), s("x"));
        assert_eq!(ok("tostring", [null()]), null());
        assert_eq!(ok("tostring", [unknown("x")]), unknown("x"));
        assert!(err("tostring", [strings(&["a"])]).contains("cannot convert a list"));
    }

    #[test]
    fn tonumber_parses_decimal_strings_only() {
        assert_eq!(ok("tonumber", [s("1.5")]), float(1.5));
        assert_eq!(ok("tonumber", [s("10")]), n(10));
        assert_eq!(ok("tonumber", [s("-1e3")]), n(-1000));
        assert_eq!(ok("tonumber", [s(".5")]), float(0.5));
        assert_eq!(ok("tonumber", [s("+7")]), n(7));
        assert_eq!(ok("tonumber", [n(3)]), n(3));
        assert_eq!(ok("tonumber", [null()]), null());
        assert_eq!(
            ok("tonumber", [s("123456789012345678901234567890")]),
            Partial::Scalar(Value::from_numeric_string("123456789012345678901234567890").unwrap())
        );
        for bad in [
            " 1",
            "1 ",
            "abc",
            "",
            ".",
            "1e",
            "1e+",
            "0x10",
            "inf",
            "NaN",
            "1_000",
            "1e999999999",
            "--1",
        ] {
            assert!(
                err("tonumber", [s(bad)]).contains("cannot convert"),
                "{bad:?}"
            );
        }
        assert!(err("tonumber", [b(true)]).contains("cannot convert a bool"));
    }

    #[test]
    fn tobool_accepts_bools_and_their_strings() {
        assert_eq!(ok("tobool", [s("true")]), b(true));
        assert_eq!(ok("tobool", [b(false)]), b(false));
        assert_eq!(ok("tobool", [null()]), null());
        assert!(err("tobool", [s("yes")]).contains("cannot convert a string"));
        assert!(err("tobool", [n(1)]).contains("cannot convert a number"));
    }

    #[test]
    fn tolist_unifies_items_and_keeps_unknown_ones() {
        assert_eq!(
            ok("tolist", [list([s("a"), n(1), b(true), null()])]),
            list([s("a"), s("1"), s("true"), null()])
        );
        assert_eq!(
            ok("tolist", [list([n(1), unknown("x")])]),
            list([n(1), unknown("x")])
        );
        assert_eq!(ok("tolist", [null()]), null());
        assert_eq!(ok("tolist", [unknown("l")]), unknown("l"));
        assert!(err("tolist", [list([n(1), b(true)])]).contains("same type"));
        assert!(err("tolist", [map([])]).contains("must be a list"));
    }

    #[test]
    fn toset_deduplicates_and_orders_like_terraform() {
        assert_eq!(
            ok("toset", [strings(&["b", "a", "b", "c"])]),
            strings(&["a", "b", "c"])
        );
        assert_eq!(
            ok("toset", [list([n(10), n(2), float(2.0), n(-1)])]),
            list([n(-1), n(2), n(10)])
        );
        assert_eq!(
            ok("toset", [list([b(true), b(false)])]),
            list([b(false), b(true)])
        );
        assert_eq!(ok("toset", [list([s("b"), n(1)])]), strings(&["1", "b"]));
        assert_eq!(
            ok("toset", [list([unknown("x"), s("b"), s("a"), s("b")])]),
            list([s("a"), s("b"), unknown("x")])
        );
        assert_eq!(
            ok(
                "toset",
                [list([
                    map([("k", n(2))]),
                    map([("k", n(1))]),
                    map([("k", n(2))])
                ])]
            ),
            list([map([("k", n(2))]), map([("k", n(1))])])
        );
        assert_eq!(ok("toset", [null()]), null());
    }

    #[test]
    fn tomap_unifies_values_and_stays_open() {
        assert_eq!(
            ok("tomap", [map([("a", n(1)), ("b", s("x"))])]),
            map([("a", s("1")), ("b", s("x"))])
        );
        assert_eq!(
            ok("tomap", [open([("a", n(1))], "m")]),
            open([("a", n(1))], "m")
        );
        assert_eq!(ok("tomap", [unknown("m")]), unknown("m"));
        assert_eq!(ok("tomap", [null()]), null());
        assert!(err("tomap", [strings(&["a"])]).contains("must be a map"));
        assert!(err("tomap", [map([("a", strings(&[])), ("b", map([]))])]).contains("same type"));
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
