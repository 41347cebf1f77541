//! The value budget: how much a computed value may weigh, and the check that
//! spends it. Evaluation and the built-in functions both stop a value that
//! grows past it, so the limit lives below both rather than in either.

use regorus::Value;

use super::value::Partial;
use crate::model::Cause;

/// The most a computed value may weigh (one per list item, map entry and
/// scalar, plus the bytes of its strings). Terraform has no such limit, but
/// a chain of locals that doubles a list or a string at each step must end
/// in an unknown value rather than exhaust memory.
pub(super) const MAX_VALUE_WEIGHT: usize = 1 << 20;

/// Why a value over [`MAX_VALUE_WEIGHT`] is unknown.
pub(super) fn over_budget() -> Cause {
    Cause::Invalid(format!(
        "value weighs more than {MAX_VALUE_WEIGHT} items and bytes; not evaluated"
    ))
}

/// Spends the weight of `value` from `budget`, stopping as soon as it runs
/// out, so checking a huge value costs no more than the budget.
pub(super) fn fits(value: &Partial, budget: &mut usize) -> bool {
    let own = 1 + match value {
        Partial::Scalar(Value::String(s)) => s.len(),
        _ => 0,
    };
    if *budget < own {
        return false;
    }
    *budget -= own;
    match value {
        Partial::List(items) => items.iter().all(|i| fits(i, budget)),
        Partial::Map(entries, _) => entries.iter().all(|(k, v)| {
            if *budget < k.len() {
                return false;
            }
            *budget -= k.len();
            fits(v, budget)
        }),
        _ => true,
    }
}
