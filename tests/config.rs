//! `.scalegate.yaml` as a user meets it (docs/architecture.md "Configuration"):
//! every error at once with a code frame, flags over the file, settings merged
//! over the defaults, and `scalegate init`.

mod common;

use common::{findings, of_rule, Project};

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_bad_config_is_exit_2_with_every_error_and_a_code_frame() {
    let p = Project::fixture("terraform");
    p.write(
        ".scalegate.yaml",
        "fail-on: high\nrules:\n  pdb-coverag: off\n  SG-K8S-008: high\n  pdb-coverage: low\nsettings:\n  tags:\n    requried: [owner]\n    allowed_values: [prod]\n",
    );
    let output = p.run(&["scan"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(output.stdout, b"");
    assert_eq!(
        stderr(&output),
        "\
scalegate: error: .scalegate.yaml:1:1: unknown key `fail-on` — did you mean `fail_on`?
  |
1 | fail-on: high
  | ^^^^^^^

error: .scalegate.yaml:3:3: `rules`: unknown rule `pdb-coverag` — did you mean `pdb-coverage`?
  |
3 |   pdb-coverag: off
  |   ^^^^^^^^^^^

error: .scalegate.yaml:5:3: `rules`: SG-K8S-008 is configured twice, as `SG-K8S-008` and `pdb-coverage`; keep one
  |
5 |   pdb-coverage: low
  |   ^^^^^^^^^^^^

error: .scalegate.yaml:8:5: unknown key `requried` in settings.tags — did you mean `required`?
  |
8 |     requried: [owner]
  |     ^^^^^^^^

error: .scalegate.yaml:9:21: `settings.tags.allowed_values` must be a mapping of tag key to a list of strings, found a list
  |
9 |     allowed_values: [prod]
  |                     ^^^^^^
"
    );
}

#[test]
fn a_missing_policy_directory_is_reported_at_its_line() {
    let p = Project::fixture("terraform");
    p.write(".scalegate.yaml", "policies:\n  - policy/\n");
    let output = p.run(&["scan"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.starts_with("scalegate: error: .scalegate.yaml:2:5: policy directory "),
        "{text}"
    );
    assert!(
        text.contains("does not exist (paths in `policies` are relative to the config file)\n  |\n2 |   - policy/\n  |     ^^^^^^^"),
        "{text}"
    );
}

#[test]
fn flags_add_to_and_override_the_file() {
    let p = Project::fixture("terraform");
    p.write(
        "policy/replicas.rego",
        "# METADATA\n# title: Queue\n# custom:\n#   id: ACME-001\n#   severity: info\npackage acme.rules.queue\n\ndeny contains {\"resource\": r.id, \"path\": [], \"msg\": \"a queue\"} if {\n  some r in input.resources\n  r.type == \"aws_sqs_queue\"\n}\n",
    );
    p.write(
        ".scalegate.yaml",
        "fail_on: high\nexclude: [\"plan/**\"]\npolicies: [policy/]\nrules:\n  ACME-001: low\n",
    );
    // The file: its gate, its exclude, its policies and their re-rating.
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 0);
    assert_eq!(of_rule(&report, "ACME-001")[0]["severity"], "low");
    assert!(findings(&report).iter().all(|f| f.1.starts_with("basic/")));
    // --fail-on overrides `fail_on`; --exclude adds to `exclude`.
    let (code, report, _) = p.scan_json(&["--fail-on", "low", "--exclude", "basic/**"]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(findings(&report), []);
}

#[test]
fn settings_merge_over_the_defaults_maps_merge_lists_replace() {
    let p = Project::fixture("terraform");
    // A sibling key: `tags.required` keeps its default, so the bucket
    // (no cost-center) is still reported.
    p.write(
        ".scalegate.yaml",
        "settings:\n  tags:\n    production_values: [live]\n",
    );
    let (_, report, _) = p.scan_json(&["basic"]);
    assert_eq!(of_rule(&report, "SG-TAG-001").len(), 1, "{report:#}");
    // The list itself: replaced, not extended.
    p.write(
        ".scalegate.yaml",
        "settings:\n  tags:\n    required: [owner]\n",
    );
    let (_, report, _) = p.scan_json(&["basic"]);
    assert!(of_rule(&report, "SG-TAG-001").is_empty(), "{report:#}");
}

#[test]
fn init_writes_a_starter_that_loads_and_refuses_to_overwrite() {
    let p = Project::fixture("terraform");
    let output = p.run(&["init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = std::fs::read_to_string(p.path().join(".scalegate.yaml")).unwrap();
    assert_eq!(written, scalegate::init::starter());
    assert!(written.starts_with(&format!(
        "# yaml-language-server: $schema={}\n",
        scalegate::schema::SCHEMA_URL
    )));
    // It loads: the scan runs (exit 1: the fixture has findings) and the
    // starter's `fail_on: low` is the default gate.
    let (code, _, err) = p.scan_json(&[]);
    assert_eq!(code, 1, "{err}");

    p.write(".scalegate.yaml", "fail_on: high\n");
    let output = p.run(&["init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).ends_with(".scalegate.yaml already exists; use --force to overwrite it\n"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        std::fs::read_to_string(p.path().join(".scalegate.yaml")).unwrap(),
        "fail_on: high\n"
    );
    assert_eq!(p.run(&["init", "--force"]).status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(p.path().join(".scalegate.yaml")).unwrap(),
        written
    );
}
