//! Per-rule evaluation time for `scan --timings`: each rule evaluated on
//! its own, so that its time is its own.
//!
//! A scan evaluates every rule of a bundle in one combined evaluation (see
//! [`crate::policy::combined::COMBINED_RULE`]), which cannot say which rule the
//! time went to. The profile is therefore a second pass, run only with
//! `--timings`: a rule's figure includes the library values it uses, which
//! the combined evaluation computes once per bundle for all rules. Its
//! results are discarded; findings and errors come from the first pass.

use std::time::{Duration, Instant};

use regorus::Engine;

use crate::model::Bundle;
use crate::policy::loader::PolicySet;

/// The time each rule of `set` took on `bundle`, indexed like
/// [`PolicySet::rules`]; `None` for a rule that did not run (disabled, or
/// its input selector does not admit the bundle).
pub fn profile(set: &PolicySet, engine: &mut Engine, bundle: &Bundle) -> Vec<Option<Duration>> {
    engine.set_input(crate::policy::input::bundle_input(bundle));
    set.rules
        .iter()
        .map(|rule| {
            let mut sets = rule.sets().peekable();
            sets.peek()?;
            if !rule.applies_to(bundle) {
                return None;
            }
            let started = Instant::now();
            for (name, _) in sets {
                // The first pass reported any error; only the time counts here.
                let _ = engine.eval_rule(format!("{}.{name}", rule.package));
            }
            Some(started.elapsed())
        })
        .collect()
}
