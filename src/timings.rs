//! `scan --timings`: where a scan's wall time went, phase by phase, and what
//! each rule's evaluation cost, so a policy author can see what their own
//! Rego costs.
//!
//! Phases run one after another, never overlapping: discovery, then reading
//! and parsing (module sources fetched from disk included), then Terraform
//! evaluation, then rule evaluation, then building and rendering the report.
//! Loading the config and the policies comes before them all and is counted
//! only in the total.

use std::time::Duration;

/// The wall time of each phase of one scan, and the per-rule profile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings {
    pub discovery: Duration,
    /// Reading and parsing every file, module sources included.
    pub parse: Duration,
    /// Evaluating Terraform modules into resources.
    pub terraform: Duration,
    /// Evaluating every rule on every bundle, as a scan without
    /// `--timings` does.
    pub policy: Duration,
    /// Locating, suppressing and sorting findings, and rendering.
    pub report: Duration,
    /// The whole run, from the start of the command to the report.
    pub total: Duration,
    /// Rules by evaluation time, slowest first (ties by id).
    pub rules: Vec<RuleTiming>,
}

/// One rule's evaluation time summed over the bundles it ran on.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleTiming {
    pub id: String,
    pub time: Duration,
    pub bundles: usize,
}

impl Timings {
    /// Parse-only time: discovery, parsing and Terraform evaluation, the
    /// work a scan does before any policy runs.
    pub fn parse_only(&self) -> Duration {
        self.discovery + self.parse + self.terraform
    }
}

/// Sorts a profile slowest first, ties by id, so equal times list stably.
pub fn sort_slowest_first(rules: &mut [RuleTiming]) {
    rules.sort_by(|a, b| b.time.cmp(&a.time).then_with(|| a.id.cmp(&b.id)));
}

/// Milliseconds with two decimals: finer than a machine's noise, coarse
/// enough to read.
pub fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 100_000.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, micros: u64) -> RuleTiming {
        RuleTiming {
            id: id.into(),
            time: Duration::from_micros(micros),
            bundles: 1,
        }
    }

    #[test]
    fn slowest_rules_come_first_and_ties_keep_id_order() {
        let mut rules = vec![rule("B", 5), rule("A", 5), rule("C", 9)];
        sort_slowest_first(&mut rules);
        let ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["C", "A", "B"]);
    }

    #[test]
    fn millis_keeps_two_decimals() {
        assert_eq!(millis(Duration::from_micros(12_345)), 12.35);
        assert_eq!(millis(Duration::from_micros(4)), 0.0);
    }
}
