//! GitLab Code Quality: a JSON array of Code Climate issues, which GitLab
//! shows in merge requests (`artifacts: reports: codequality`).
//!
//! Each unsuppressed finding is one issue with the fields the Code Climate
//! spec requires (`type`, `check_name`, `description`, `categories`,
//! `location` with `path` and `lines`) and those GitLab requires besides
//! (`fingerprint`, `severity`). The fingerprint is the finding's own
//! (`src/fingerprint.rs`): unique in a report and free of line numbers, so
//! GitLab's comparison with the target branch does not call a finding new
//! because a line was inserted above it. Suppressed findings are left out:
//! the merge request shows what still needs a decision. A rule that could
//! not run on a bundle is a `blocker` issue at its policy, so a broken rule
//! never reads as "issues fixed".

use serde_json::{json, Value};

use super::compact;
use super::display_region;
use crate::fingerprint;
use crate::model::{Finding, Report, RuleError, Severity};

/// The Code Quality severity of a rule severity, rank for rank: both
/// scales have five steps.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}

/// Renders the Code Quality report.
pub fn render(report: &Report) -> String {
    let issues: Vec<Value> = report
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .map(|f| issue(report, f))
        .chain(report.rule_errors.iter().map(rule_error))
        .collect();
    let mut out =
        serde_json::to_string_pretty(&issues).expect("a Code Quality report is serialisable");
    out.push('\n');
    out
}

fn issue(report: &Report, f: &Finding) -> Value {
    let rule = report.rule_of(f);
    let r = display_region(report, &f.location.file, f.location.region);
    // The spec's categories describe code; ours say whether a rule guards
    // security (`custom.security`) or the reliability of what is deployed.
    let category = if rule.security {
        "Security"
    } else {
        "Bug Risk"
    };
    json!({
        "type": "issue",
        "check_name": rule.id,
        // The spec asks for one line of text.
        "description": compact::message(report, f),
        "categories": [category],
        "severity": severity(rule.severity),
        "fingerprint": f.fingerprint,
        "location": {
            "path": f.location.file,
            "lines": { "begin": r.start_line, "end": r.end_line },
        },
    })
}

fn rule_error(e: &RuleError) -> Value {
    json!({
        "type": "issue",
        "check_name": e.rule,
        "description": compact::one_line(&e.headline()),
        "categories": ["Bug Risk"],
        "severity": "blocker",
        "fingerprint": fingerprint::of_rule_error(e),
        "location": {
            "path": e.file,
            "lines": { "begin": e.line, "end": e.line },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&fixture::report()));
    }

    #[test]
    fn severities_map_rank_for_rank() {
        let mapped: Vec<&str> = Severity::ALL.into_iter().map(severity).collect();
        assert_eq!(mapped, ["blocker", "critical", "major", "minor", "info"]);
    }

    #[test]
    fn suppressed_findings_are_left_out_and_rule_errors_are_blockers() {
        let mut report = fixture::report();
        report.rule_errors.push(fixture::rule_error());
        let issues: Vec<Value> = serde_json::from_str(&render(&report)).unwrap();
        assert_eq!(issues.len(), 7 + 1);
        assert!(issues.iter().all(|i| i["check_name"] != "SG-K8S-010"));
        let last = &issues[7];
        assert_eq!(last["severity"], "blocker");
        assert_eq!(
            last["description"],
            "rule SG-K8S-008 could not run on bundle k8s: division by zero"
        );
        assert_eq!(last["location"]["path"], "policies/kubernetes/pdb.rego");
        assert_eq!(last["location"]["lines"]["begin"], 12);
    }
}
