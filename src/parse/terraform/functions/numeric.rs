//! The number functions: `min`, `max`, `abs`, `ceil` and `floor`. Numbers
//! keep regorus's arbitrary precision; the argument helpers convert strings
//! that spell a number, as Terraform does.

use std::cmp::Ordering;

use regorus::Value;

use super::args::{arity, number, take, Outcome};
use crate::parse::terraform::value::Partial;

/// `min(numbers...)` (`pick` Less) and `max(numbers...)` (`pick` Greater).
pub(super) fn extreme(args: Vec<Partial>, pick: Ordering) -> Outcome {
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
pub(super) fn on_number(args: Vec<Partial>, f: impl FnOnce(Value) -> Value) -> Outcome {
    let [arg] = take(args)?;
    Ok(Partial::Scalar(f(number(&arg, 1)?)))
}

#[cfg(test)]
mod tests {
    use crate::parse::terraform::functions::scalar_to_string;
    use crate::parse::terraform::functions::testing::{b, err, float, n, ok, s, unknown};

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
}
