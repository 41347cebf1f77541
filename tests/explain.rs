//! `scalegate explain <ID-or-slug>`: a rule's documentation in the terminal,
//! for the built-in pack and for users' policies.

mod common;

use common::Project;

fn run(p: &Project, args: &[&str]) -> (i32, String, String) {
    let output = p.run(args);
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn explains_a_built_in_rule_by_id_or_slug() {
    let p = Project::new();
    let (code, by_id, _) = run(&p, &["explain", "SG-K8S-008"]);
    assert_eq!(code, 0);
    assert!(
        by_id.starts_with(
            "SG-K8S-008 (pdb-coverage): Workload has no PodDisruptionBudget\n\nSeverity:   medium\nDefined in: policies/kubernetes/pdb-coverage.rego\nDocs:       https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-008.md\n\nWhy this matters\n  A multi-replica workload"
        ),
        "{by_id}"
    );
    assert!(
        by_id.contains("\n\nHow to fix\n  Add a PodDisruptionBudget"),
        "{by_id}"
    );
    assert_eq!(run(&p, &["explain", "pdb-coverage"]).1, by_id);
    assert_eq!(run(&p, &["explain", "sg-k8s-008"]).1, by_id);
}

#[test]
fn explains_the_engine_rules_too() {
    let (code, out, _) = run(&Project::new(), &["explain", "SG-PARSE-001"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with("SG-PARSE-001 (parse-error): File could not be read or parsed\n\nSeverity:   high\nDefined in: the scalegate engine\nDocs:       https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-PARSE-001.md\n"),
        "{out}"
    );
}

#[test]
fn an_unknown_rule_is_exit_2_with_a_suggestion() {
    let p = Project::new();
    assert_eq!(
        run(&p, &["explain", "pdb-coverag"]),
        (
            2,
            String::new(),
            "scalegate: error: unknown rule `pdb-coverag` — did you mean `pdb-coverage`?\n".into()
        )
    );
    assert_eq!(
        run(&p, &["explain", "no-such-thing-at-all"]).2,
        "scalegate: error: unknown rule `no-such-thing-at-all`; `scalegate rules` lists every rule\n"
    );
}

const USER_RULE: &str = "\
# METADATA
# title: Deployment runs fewer than three replicas
# description: Two replicas leave no headroom during a rollout.
# related_resources:
# - ref: https://wiki.example.com/replicas
# custom:
#   id: ACME-001
#   slug: three-replicas
#   severity: high
#   remediation: Set `spec.replicas` to 3 or more.
package acme.rules.replicas

deny contains {\"resource\": r.id, \"path\": [\"spec\", \"replicas\"], \"msg\": \"too few\"} if {
  some r in input.resources
  r.config.spec.replicas < 3
}
";

#[test]
fn explains_a_users_rule_with_its_own_docs_link_and_the_projects_config() {
    let p = Project::new();
    p.write("policy/replicas.rego", USER_RULE);
    let (code, out, err) = run(&p, &["explain", "three-replicas", "--policy", "policy"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "\
ACME-001 (three-replicas): Deployment runs fewer than three replicas

Severity:   high
Defined in: policy/replicas.rego
Docs:       https://wiki.example.com/replicas

Why this matters
  Two replicas leave no headroom during a rollout.

How to fix
  Set `spec.replicas` to 3 or more.
"
    );
    // Through the config's `policies:`, with its re-rating shown.
    p.write(
        ".scalegate.yaml",
        "policies: [policy/]\nrules:\n  ACME-001: { severity: critical, ignorable: false }\n",
    );
    let (code, out, _) = run(&p, &["explain", "ACME-001"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Severity:   high\nConfigured: severity critical, cannot be suppressed inline (.scalegate.yaml)\n"),
        "{out}"
    );
}

#[test]
fn a_users_rule_links_sarif_to_its_own_page_not_to_scalegates() {
    let p = Project::fixture("kubernetes");
    p.write("policy/replicas.rego", USER_RULE);
    let output = p.run(&["scan", "--policy", "policy", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let acme = rules
        .iter()
        .find(|r| r["id"] == "ACME-001")
        .expect("ACME-001 in SARIF");
    assert_eq!(acme["helpUri"], "https://wiki.example.com/replicas");
}
