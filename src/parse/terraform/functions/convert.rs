//! The type conversions: `tostring`, `tonumber`, `tobool`, `tolist`, `toset`
//! and `tomap`. They follow Terraform's type unification (a string among
//! numbers makes them all strings; a set is ordered as cty orders sets),
//! whose shared pieces live in the parent module with the other families'
//! helpers.

use regorus::Value;

use super::args::{fail, into_set, item_string, kind, list, map, parse_number, stringify, take};
use super::args::{unify_to_strings, Outcome, Stop};
use crate::parse::terraform::value::Partial;

/// `tostring(v)`: a primitive as a string; null stays null.
pub(super) fn tostring(args: Vec<Partial>) -> Outcome {
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
pub(super) fn tonumber(args: Vec<Partial>) -> Outcome {
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
pub(super) fn tobool(args: Vec<Partial>) -> Outcome {
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
pub(super) fn tolist(args: Vec<Partial>) -> Outcome {
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
pub(super) fn toset(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    match value {
        Partial::Scalar(Value::Null) => Ok(Partial::null()),
        other => Ok(Partial::List(into_set(list(other, 1)?)?)),
    }
}

/// `tomap(v)`: values unified to one type; an open map stays open.
pub(super) fn tomap(args: Vec<Partial>) -> Outcome {
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
    use regorus::Value;

    use crate::parse::terraform::functions::testing::{
        b, err, float, list, map, n, null, ok, open, s, strings, unknown,
    };
    use crate::parse::terraform::value::Partial;

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
}
