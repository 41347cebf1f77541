//! The configuration a scan applied ([`AppliedConfiguration`]) as data: the
//! JSON report's top-level `configuration` object, which SARIF carries as
//! the run property `scalegate/configuration`, so both say the same.

use serde_json::{json, Map, Value};

use crate::model::AppliedConfiguration;

/// The `configuration` object. Every key is always present (`null` or an
/// empty list when there is nothing), so consumers need no defaults.
pub(crate) fn to_json(applied: &AppliedConfiguration) -> Value {
    let applied_or_ignored = |applied: bool| if applied { "applied" } else { "ignored" };
    let config = applied.config.as_ref().map(|config| {
        let severities: Map<String, Value> = config
            .severity_changes
            .iter()
            .map(|(id, severity)| (id.clone(), json!(severity.as_str())))
            .collect();
        json!({
            "path": config.path,
            "source": if config.given { "--config" } else { "found" },
            "fail_on": config.fail_on,
            "rules_off": config.rules_off,
            "severity_overrides": severities,
            "exclude": config.exclude,
        })
    });
    let ignore_file = applied.ignore_file.as_ref().map(|file| {
        json!({
            "path": file.path,
            "suppressed": file.suppressed,
        })
    });
    json!({
        "repository_config": applied_or_ignored(!applied.repository_ignored),
        "config": config,
        "ignore_file": ignore_file,
        "inline_suppressions": applied_or_ignored(!applied.inline_suppressions_ignored),
        "suppressed_inline": applied.suppressed_inline,
        "suppressed_by_annotation": applied.suppressed_by_annotation,
        "skipped_rules": applied.skipped_rules,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_present_even_with_nothing_applied() {
        assert_eq!(
            to_json(&AppliedConfiguration::default()),
            json!({
                "repository_config": "applied",
                "config": null,
                "ignore_file": null,
                "inline_suppressions": "applied",
                "suppressed_inline": 0,
                "suppressed_by_annotation": 0,
                "skipped_rules": [],
            })
        );
    }

    #[test]
    fn the_fixture_configuration() {
        let report = crate::report::fixture::report();
        assert_eq!(
            to_json(&report.configuration),
            json!({
                "repository_config": "applied",
                "config": {
                    "path": ".scalegate.yaml",
                    "source": "found",
                    "fail_on": "medium",
                    "rules_off": ["SG-NAM-002"],
                    "severity_overrides": {"SG-K8S-008": "high"},
                    "exclude": ["examples/**"],
                },
                "ignore_file": {"path": ".scalegate-ignore.yaml", "suppressed": 0},
                "inline_suppressions": "applied",
                "suppressed_inline": 1,
                "suppressed_by_annotation": 0,
                "skipped_rules": [],
            })
        );
    }
}
