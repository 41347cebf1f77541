//! What every family of functions shares: [`Stop`], the way a function
//! ends early (unknown, or rejected as Terraform would reject it), the
//! argument helpers that check a count or a type and say which argument is
//! wrong, Terraform's string-to-number conversion, and the type unification
//! that `coalesce`, `setunion` and the conversions apply.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use regorus::Value;

use super::semantics::scalar_to_string;
use crate::model::Cause;
use crate::parse::terraform::value::Partial;

/// Why a function stopped before producing a value. `?` carries both out of
/// the argument helpers, so a function body reads as the known case.
#[derive(Debug)]
pub(super) enum Stop {
    /// Something the function needs is unknown: so is its result.
    Unknown(Cause),
    /// Terraform would reject the call.
    Fail(String),
}

pub(super) type Outcome = Result<Partial, Stop>;

pub(super) fn fail<T>(message: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Fail(message.into()))
}

/// The result of a call we can see is valid but do not evaluate.
pub(super) fn unsupported(function: &str) -> Stop {
    Stop::Unknown(Cause::Function(function.to_owned()))
}

/// Stops with the first reason `value` is not fully known.
pub(super) fn require_known(value: &Partial) -> Result<(), Stop> {
    match value.first_cause() {
        Some(cause) => Err(Stop::Unknown(cause.clone())),
        None => Ok(()),
    }
}

/// What a value is, for messages.
pub(super) fn kind(value: &Partial) -> &'static str {
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

pub(super) fn arity_message(min: usize, max: usize, got: usize) -> String {
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
pub(super) fn take<const N: usize>(args: Vec<Partial>) -> Result<[Partial; N], Stop> {
    let got = args.len();
    <[Partial; N]>::try_from(args).map_err(|_| Stop::Fail(arity_message(N, N, got)))
}

/// Between `min` and `max` arguments (`usize::MAX`: no upper bound).
pub(super) fn arity(args: &[Partial], min: usize, max: usize) -> Result<(), Stop> {
    if (min..=max).contains(&args.len()) {
        Ok(())
    } else {
        fail(arity_message(min, max, args.len()))
    }
}

/// The items of a list (or tuple, or set) argument.
pub(super) fn list(value: Partial, position: usize) -> Result<Vec<Partial>, Stop> {
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
pub(super) type Entries = (BTreeMap<String, Partial>, Option<Cause>);

pub(super) fn map(value: Partial, position: usize) -> Result<Entries, Stop> {
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
pub(super) fn string(value: &Partial, position: usize) -> Result<String, Stop> {
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
pub(super) fn item_string(value: &Partial) -> Option<String> {
    match value {
        Partial::Scalar(Value::Null) => None,
        Partial::Scalar(scalar) => scalar_to_string(scalar),
        _ => None,
    }
}

/// A number argument; strings convert when they spell a number.
pub(super) fn number(value: &Partial, position: usize) -> Result<Value, Stop> {
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
pub(super) fn integer(value: &Partial, position: usize) -> Result<i64, Stop> {
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
pub(super) fn parse_number(text: &str) -> Option<Value> {
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
pub(super) fn float_value(float: f64) -> Value {
    match Partial::number(float) {
        Partial::Scalar(value) => value,
        _ => Value::from(float),
    }
}

pub(super) fn count(n: usize) -> Partial {
    Partial::Scalar(Value::from(n))
}

/// Whether Terraform's type unification turns the known scalars among
/// `values` into strings (a string among numbers or bools makes them all
/// strings), or fails (numbers with bools, scalars with collections, lists
/// with maps). Null and unknown values fit any type.
pub(super) fn unify_to_strings<'a>(
    values: impl IntoIterator<Item = &'a Partial>,
) -> Result<bool, Stop> {
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

pub(super) fn stringify(value: &mut Partial) {
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
pub(super) fn into_set(mut items: Vec<Partial>) -> Result<Vec<Partial>, Stop> {
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
