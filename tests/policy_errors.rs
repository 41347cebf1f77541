//! Users' policies fail loudly: a call that cannot run is refused at load,
//! before anything is scanned; a rule that errors while evaluating a bundle
//! makes the run exit 2 after the reports are written, with the other
//! rules' findings kept. And every distinct message of a rule is its own
//! finding, one about no resource concerning the whole bundle.

mod common;

use common::Project;
use serde_json::Value;

/// A user rule with the METADATA a rule needs.
fn rule(id: &str, package: &str, body: &str) -> String {
    format!("# METADATA\n# custom:\n#   id: {id}\n#   severity: high\npackage {package}\n\n{body}")
}

/// Two Deployments, `alpha` and `beta`, in one bundle `k8s`. `b.yaml`
/// holds `alpha` and sorts last, so the bundle's first file in path order
/// (`a.yaml`) is not the file of its first resource; `a.yaml` starts with
/// a comment, so its resource does not start at line 1.
fn two_deployments() -> Project {
    let p = Project::new();
    p.write(
        "k8s/a.yaml",
        "# beta runs the batch jobs\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: beta\n",
    );
    p.write(
        "k8s/b.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: alpha\n",
    );
    p
}

/// A rule that reports every Deployment by name, Conftest style: a bare
/// string, no resource.
const NAMED: &str = r#"deny contains sprintf("deployment %s is bad", [r.name]) if {
  some r in input.resources
  r.type == "Deployment"
}
"#;

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `(rule, message, file, line, column)` of the findings of rules `ACME-*`.
fn user_findings(report: &Value) -> Vec<(String, String, String, u64, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("ACME-"))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["start_line"].as_u64().unwrap(),
                f["start_column"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(
    rule: &str,
    message: &str,
    file: &str,
    line: u64,
    column: u64,
) -> (String, String, String, u64, u64) {
    (rule.into(), message.into(), file.into(), line, column)
}

#[test]
fn http_send_is_refused_at_load_with_its_position() {
    let p = two_deployments();
    p.write(
        "policy/fetch.rego",
        rule(
            "ACME-010",
            "acme.fetch",
            // The call sits behind a condition no input meets: refused all
            // the same, as it could only be found at evaluation otherwise.
            "deny contains \"x\" if {\n  false\n  resp := http.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n  resp.status_code == 200\n}\n",
        ),
    );
    let output = p.run(&["scan", "k8s", "--policy", "policy", "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("policy/fetch.rego:9:11: `http.send` is not available to policies: it reaches the network"),
        "{err}"
    );
    // Refused before anything is scanned: no report at all.
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn an_unknown_function_is_refused_at_load_with_a_hint() {
    let p = two_deployments();
    p.write(
        "policy/typo.rego",
        rule(
            "ACME-011",
            "acme.typo",
            "deny contains r.name if {\n  some r in input.resources\n  startwith(r.name, \"a\")\n}\n",
        ),
    );
    let output = p.run(&["scan", "k8s", "--policy", "policy"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("policy/typo.rego:9:3: could not find function `startwith`: no policy defines it and it is not a builtin (did you mean `startswith`?)"),
        "{err}"
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn functions_of_other_files_through_imports_and_full_paths_are_found() {
    // Not refused: a helper package imported under an alias, called by
    // alias and by full path, and a function of the rule's own package
    // defined in another file.
    let p = two_deployments();
    p.write(
        "policy/helpers.rego",
        "package acme.helpers\n\nshout(s) := upper(s)\n",
    );
    p.write(
        "policy/own.rego",
        "package acme.named\n\nlabel(r) := sprintf(\"deployment %s\", [r.name])\n",
    );
    p.write(
        "policy/named.rego",
        rule(
            "ACME-012",
            "acme.named",
            "import data.acme.helpers as h\n\ndeny contains msg if {\n  some r in input.resources\n  r.name == \"alpha\"\n  msg := h.shout(label(r))\n  data.acme.helpers.shout(\"x\") == \"X\"\n}\n",
        ),
    );
    let (code, report, err) = p.scan_json(&["k8s", "--policy", "policy"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        user_findings(&report),
        [owned("ACME-012", "DEPLOYMENT ALPHA", "k8s/a.yaml", 1, 1)]
    );
}

/// The rules of the runtime-error tests: ACME-001 reports each Deployment,
/// ACME-003 has a complete rule whose two definitions disagree on any
/// bundle with a resource, which the engine can only find evaluating it.
fn with_a_failing_rule() -> Project {
    let p = two_deployments();
    p.write("policy/named.rego", rule("ACME-001", "acme.named", NAMED));
    p.write(
        "policy/conflict.rego",
        rule(
            "ACME-003",
            "acme.conflict",
            "level := 1 if { true }\nlevel := 2 if { count(input.resources) > 0 }\n\ndeny contains \"too high\" if {\n  level > 5\n}\n",
        ),
    );
    p
}

#[test]
fn a_rule_that_errors_exits_2_after_writing_every_report() {
    let p = with_a_failing_rule();
    let output = p.run(&[
        "scan",
        "k8s",
        "--policy",
        "policy",
        "--sarif-file",
        "out.sarif",
        "--json-file",
        "out.json",
        "--no-color",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "could not run: policy/conflict.rego:8:1: rule ACME-003 could not run on bundle k8s: rule conflicts with rule at policy/conflict.rego:7:1"
        ),
        "{}",
        stderr(&output)
    );

    // JSON: the other rule's findings, and a notification naming the rule,
    // its file and line, and the bundle.
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(
        user_findings(&json),
        [
            owned("ACME-001", "deployment alpha is bad", "k8s/a.yaml", 1, 1),
            owned("ACME-001", "deployment beta is bad", "k8s/a.yaml", 1, 1),
        ]
    );
    let errors: Vec<&Value> = json["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let n = errors[0];
    assert_eq!(
        (
            &n["rule"],
            &n["bundle"],
            &n["file"],
            &n["line"],
            &n["column"]
        ),
        (
            &Value::from("ACME-003"),
            &Value::from("k8s"),
            &Value::from("policy/conflict.rego"),
            &Value::from(8),
            &Value::from(1)
        )
    );

    // SARIF: an `error` notification tied to the rule, at its line, with
    // the bundle as logical location; the results still there.
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("out.sarif")).unwrap())
            .unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    let note = &notes[0];
    assert_eq!(note["level"], "error");
    assert_eq!(note["associatedRule"]["id"], "ACME-003");
    let location = &note["locations"][0];
    assert_eq!(
        location["physicalLocation"]["artifactLocation"]["uri"],
        "policy/conflict.rego"
    );
    assert_eq!(location["physicalLocation"]["region"]["startLine"], 8);
    assert_eq!(location["logicalLocations"][0]["fullyQualifiedName"], "k8s");
    assert!(note["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("rule ACME-003 could not run on bundle k8s: "));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.iter().filter(|r| r["ruleId"] == "ACME-001").count(),
        2
    );

    // Text: the error with the engine's code frame of the failing line.
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "error: could not run: rule ACME-003 could not run on bundle k8s: rule conflicts with rule at policy/conflict.rego:7:1\n  --> policy/conflict.rego:8:1\n    |\n  8 | level := 2 if { count(input.resources) > 0 }\n"
        ),
        "{text}"
    );
    assert!(text.contains("deployment alpha is bad"), "{text}");
}

#[test]
fn a_rule_error_outranks_the_gate() {
    // `never` disables the gate, not the failure to run.
    let p = with_a_failing_rule();
    let output = p.run(&["scan", "k8s", "--policy", "policy", "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn builtin_errors_keep_opa_semantics() {
    // `to_number("x")` is an error in strict mode; OPA and scalegate make
    // the expression undefined, so the rule simply does not fire.
    let p = two_deployments();
    p.write(
        "policy/lenient.rego",
        rule(
            "ACME-004",
            "acme.lenient",
            "deny contains r.name if {\n  some r in input.resources\n  to_number(r.name) > 0\n}\n",
        ),
    );
    let (code, report, err) = p.scan_json(&["k8s", "--policy", "policy", "--fail-on", "never"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(user_findings(&report), []);
    assert!(report["notifications"].as_array().unwrap().is_empty());
}

#[test]
fn each_distinct_message_is_its_own_finding_about_the_bundle() {
    let p = two_deployments();
    p.write("policy/named.rego", rule("ACME-001", "acme.named", NAMED));
    let (code, report, _) = p.scan_json(&["k8s", "--policy", "policy"]);
    assert_eq!(code, 1);
    // Both messages, each once, at line 1 of the bundle's first file in
    // path order (not at either Deployment).
    assert_eq!(
        user_findings(&report),
        [
            owned("ACME-001", "deployment alpha is bad", "k8s/a.yaml", 1, 1),
            owned("ACME-001", "deployment beta is bad", "k8s/a.yaml", 1, 1),
        ]
    );
    let acme: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ACME-001")
        .collect();
    assert_eq!(acme[0]["resource"], Value::Null);
    assert_eq!(acme[0]["bundle"], "k8s");
    assert_ne!(acme[0]["fingerprint"], acme[1]["fingerprint"]);

    // SARIF and text say the finding concerns the bundle, not the line.
    let sarif = p.run(&["scan", "k8s", "--policy", "policy", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ACME-001")
        .unwrap()
        .clone();
    assert_eq!(
        result["message"]["text"],
        "deployment alpha is bad. (This concerns bundle k8s as a whole, not this line.)"
    );
    assert_eq!(
        result["locations"][0]["logicalLocations"][0],
        serde_json::json!({"fullyQualifiedName": "k8s", "kind": "bundle"})
    );
    let text = p.run(&["scan", "k8s", "--policy", "policy", "--no-color"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("deployment alpha is bad\n  │ --> in bundle k8s (filed at k8s/a.yaml:1:1)"),
        "{text}"
    );
}

#[test]
fn a_bundle_finding_keeps_its_fingerprint_when_its_number_changes() {
    // A message with a count in it must not reopen its alert when the
    // count changes: the fingerprint leaves the message out.
    let fingerprint = |replicas: u32| {
        let p = Project::new();
        p.write(
            "k8s/a.yaml",
            format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: {replicas}\n"),
        );
        p.write(
            "policy/total.rego",
            rule(
                "ACME-005",
                "acme.total",
                "deny contains sprintf(\"%d replicas in all\", [sum([n | some r in input.resources; n := r.config.spec.replicas])]) if { true }\n",
            ),
        );
        let (_, report, _) = p.scan_json(&["k8s", "--policy", "policy"]);
        let f = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == "ACME-005")
            .unwrap()
            .clone();
        (f["message"].clone(), f["fingerprint"].clone())
    };
    let (two, first) = fingerprint(2);
    let (three, second) = fingerprint(3);
    assert_eq!(
        (two, three),
        (
            Value::from("2 replicas in all"),
            Value::from("3 replicas in all")
        )
    );
    assert_eq!(first, second);
}
