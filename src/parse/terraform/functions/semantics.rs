//! Terraform's value semantics that the evaluator shares with the
//! functions: [`equals`] is its `==` and [`scalar_to_string`] its conversion
//! of a primitive to a string. They sit below both, so that neither the
//! argument helpers nor the evaluator depend on the function table.

use std::collections::BTreeMap;

use regorus::Value;

use crate::model::Cause;
use crate::parse::terraform::value::Partial;

/// A scalar as Terraform converts it to a string (string interpolation,
/// `join`, `format("%s")`): numbers in plain decimal without a trailing `.0`,
/// bools as `true`/`false`. `None` for null, lists and maps, which do not
/// convert.
pub(crate) fn scalar_to_string(value: &Value) -> Option<String> {
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
pub(crate) fn equals(a: &Partial, b: &Partial) -> Option<bool> {
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use regorus::Value;

    use super::{equals, scalar_to_string};
    use crate::parse::terraform::functions::testing::{
        float, list, map, n, null, open, s, strings, unknown,
    };

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
}
