//! The collection functions: `merge`, `lookup`, `keys`, `values`, `length`,
//! `concat`, `coalesce`, `coalescelist`, `compact`, `contains`, `distinct`,
//! `element`, `index`, `flatten`, `one`, `range`, `reverse`, `slice`, `sort`,
//! `setunion` and `zipmap`.
//!
//! They are where unknown values matter most: each keeps what it can still
//! know (a known key, a known item, a known length) next to what it cannot,
//! so these rules live together rather than among the string functions.

use std::collections::{BTreeMap, BTreeSet};

use regorus::Value;

use super::args::{
    arity, arity_message, count, fail, float_value, integer, into_set, item_string, kind, list,
    map, number, require_known, string, stringify, take, unify_to_strings, unsupported, Outcome,
    Stop,
};
use super::semantics::equals;
use crate::model::Cause;
use crate::parse::terraform::value::Partial;

/// `merge(maps...)`: keys merged left to right, later wins. An argument whose
/// keys cannot all be seen (wholly unknown, or an open map) may overwrite any
/// key before it: those keys stay (merge never removes one) but their values
/// become unknown, and the result is open. Keys from later known maps keep
/// their values. Null arguments are skipped; if all are null, so is the
/// result.
pub(super) fn merge(args: Vec<Partial>) -> Outcome {
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
pub(super) fn lookup(args: Vec<Partial>) -> Outcome {
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
pub(super) fn keys(args: Vec<Partial>) -> Outcome {
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
pub(super) fn values(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    match map(arg, 1)? {
        (_, Some(cause)) => Err(Stop::Unknown(cause)),
        (entries, None) => Ok(Partial::List(entries.into_values().collect())),
    }
}

/// `length(value)`: items of a list (known even if they are not), keys of a
/// closed map, characters of a string.
pub(super) fn length(args: Vec<Partial>) -> Outcome {
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
pub(super) fn concat(args: Vec<Partial>) -> Outcome {
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
pub(super) fn coalesce(args: Vec<Partial>) -> Outcome {
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
pub(super) fn coalescelist(args: Vec<Partial>) -> Outcome {
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
pub(super) fn compact(args: Vec<Partial>) -> Outcome {
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
pub(super) fn contains(args: Vec<Partial>) -> Outcome {
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
pub(super) fn distinct(args: Vec<Partial>) -> Outcome {
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
pub(super) fn element(args: Vec<Partial>) -> Outcome {
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
pub(super) fn index(args: Vec<Partial>) -> Outcome {
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
pub(super) fn flatten(args: Vec<Partial>) -> Outcome {
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
pub(super) fn one(args: Vec<Partial>) -> Outcome {
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
pub(super) fn range(args: Vec<Partial>) -> Outcome {
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
pub(super) fn reverse(args: Vec<Partial>) -> Outcome {
    let [arg] = take(args)?;
    let mut items = list(arg, 1)?;
    items.reverse();
    Ok(Partial::List(items))
}

/// `slice(list, start, end)`: items `start..end`, which may be unknown.
pub(super) fn slice(args: Vec<Partial>) -> Outcome {
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
pub(super) fn sort(args: Vec<Partial>) -> Outcome {
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
pub(super) fn setunion(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let mut items = Vec::new();
    for (i, arg) in args.into_iter().enumerate() {
        items.extend(list(arg, i + 1)?);
    }
    Ok(Partial::List(into_set(items)?))
}

/// `zipmap(keys, values)`: the keys must be known; values may be unknown.
pub(super) fn zipmap(args: Vec<Partial>) -> Outcome {
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

#[cfg(test)]
mod tests {
    use crate::parse::terraform::functions::testing::{
        b, err, float, list, map, n, null, ok, open, s, strings, unknown,
    };

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
}
