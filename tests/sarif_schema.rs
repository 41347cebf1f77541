//! The SARIF writer's output must be valid against the official SARIF 2.1.0
//! JSON schema (docs/architecture.md "Output contract"), vendored in
//! `tests/schemas/` (see the README there for where it comes from and the one
//! change made to it).
//!
//! The report is the writers' snapshot fixture, included by path so both
//! tests check the same document. The SARIF is also written to
//! `target/tmp/scalegate-fixture.sarif` (and an empty report's to
//! `target/tmp/scalegate-empty.sarif`) for `.ci/validate-sarif`, which runs
//! Microsoft's validator with GitHub's ingestion rules over them.

use scalegate::report::{render, OutputFormat, RenderOptions};
// The fixture names types through `crate::…`; these make those paths resolve
// in this test crate as they do inside the library.
#[allow(unused_imports)]
use scalegate::{fingerprint, model, source};

#[allow(dead_code)]
#[path = "../src/report/fixture.rs"]
mod fixture;

const SCHEMA: &str = include_str!("schemas/sarif-schema-2.1.0.json");

fn validator() -> jsonschema::Validator {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("the schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the vendored schema compiles")
}

fn errors(validator: &jsonschema::Validator, sarif: &str) -> Vec<String> {
    let instance: serde_json::Value = serde_json::from_str(sarif).expect("SARIF output is JSON");
    validator
        .iter_errors(&instance)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

#[test]
fn fixture_sarif_is_valid_against_the_official_schema() {
    let options = RenderOptions {
        tool_version: "0.1.0".to_owned(),
        ..RenderOptions::default()
    };
    let sarif = render(&fixture::report(), OutputFormat::Sarif, &options);
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("scalegate-fixture.sarif");
    std::fs::write(&path, &sarif).expect("write the SARIF for .ci/validate-sarif");

    let errors = errors(&validator(), &sarif);
    assert!(
        errors.is_empty(),
        "{} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn empty_report_sarif_is_valid_against_the_official_schema() {
    let sarif = render(
        &model::Report::default(),
        OutputFormat::Sarif,
        &RenderOptions::default(),
    );
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("scalegate-empty.sarif");
    std::fs::write(&path, &sarif).expect("write the SARIF for .ci/validate-sarif");
    let errors = errors(&validator(), &sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn the_schema_catches_a_broken_log() {
    // Guards against a vendored schema that accepts everything.
    let errors = errors(
        &validator(),
        r#"{"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal"}]}]}"#,
    );
    assert!(errors.len() >= 2, "{errors:?}");
}

#[test]
fn a_rule_error_and_a_bundle_finding_are_valid_sarif() {
    // The fixture plus what a user's policy can add: a rule that could not
    // run (a notification tied to the rule, with the bundle as logical
    // location) and a finding about a whole bundle.
    let mut report = fixture::report();
    let mut bundle_wide = report.findings[1].clone();
    bundle_wide.resource = None;
    bundle_wide.subject = Some(model::Subject {
        bundle: 0,
        resource: None,
        written: None,
    });
    assert_eq!(report.bundles[0].path, "infra");
    report.findings.push(bundle_wide);
    report.rule_errors.push(model::RuleError {
        rule: "ACME-001".to_owned(),
        file: "policy/acme.rego".to_owned(),
        line: 8,
        column: 1,
        bundle: "infra".to_owned(),
        message: "rule conflicts with rule at policy/acme.rego:7:1".to_owned(),
        frame: None,
    });
    let options = RenderOptions {
        tool_version: "0.1.0".to_owned(),
        ..RenderOptions::default()
    };
    let sarif = render(&report, OutputFormat::Sarif, &options);
    assert!(sarif.contains("\"kind\": \"bundle\""), "{sarif}");
    let errors = errors(&validator(), &sarif);
    assert!(
        errors.is_empty(),
        "{} schema errors:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
