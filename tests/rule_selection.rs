//! `scan --rule` and `--skip-rule`: rules chosen by id, slug or glob run,
//! the others are not evaluated at all, a pattern that matches no rule is a
//! usage error with a did-you-mean, and SG-PARSE-001 always runs, so no
//! selection turns a file that cannot be read into a passing gate.

mod common;

// SG-K8S-008 at line 8; no resources, labels or probes either, which
// other rules report.
use common::Project;
use common::DEPLOYMENT_WITHOUT_PDB as WEB;
use serde_json::Value;

/// A Kubernetes file that does not parse: SG-PARSE-001 at 4:1.
const BROKEN: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n";

fn rule_ids(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn rule_by_id_slug_and_glob_runs_only_those_rules() {
    let project = Project::new();
    project.write("k8s/web.yaml", WEB);
    // Everything: several rules report on the Deployment.
    let (_, all, _) = project.scan_json(&[]);
    assert_eq!(
        rule_ids(&all),
        [
            "SG-K8S-001",
            "SG-K8S-002",
            "SG-K8S-008",
            "SG-K8S-010",
            "SG-K8S-011"
        ]
    );

    let (code, report, _) = project.scan_json(&["--rule", "SG-K8S-008"]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), ["SG-K8S-008"]);
    let (_, by_slug, _) = project.scan_json(&["--rule", "pdb-coverage"]);
    assert_eq!(by_slug["findings"], report["findings"]);

    let (_, report, _) = project.scan_json(&["--rule", "SG-K8S-01*", "--rule", "required-labels"]);
    assert_eq!(
        rule_ids(&report),
        ["SG-K8S-001", "SG-K8S-010", "SG-K8S-011"]
    );

    // `pdb-*` is pdb-coverage and pdb-allows-disruption (SG-K8S-009).
    let (_, report, _) = project.scan_json(&["--skip-rule", "SG-K8S-01?", "--skip-rule", "pdb-*"]);
    assert_eq!(rule_ids(&report), ["SG-K8S-001", "SG-K8S-002"]);
    assert_eq!(
        report["configuration"]["skipped_rules"],
        serde_json::json!([
            "SG-K8S-008",
            "SG-K8S-009",
            "SG-K8S-010",
            "SG-K8S-011",
            "SG-K8S-012",
            "SG-K8S-013"
        ])
    );
}

#[test]
fn a_pattern_that_matches_no_rule_is_a_usage_error_naming_the_closest() {
    let project = Project::new();
    project.write("k8s/web.yaml", WEB);
    let output = project.run(&[
        "scan",
        "--rule",
        "pdb-coverag",
        "--skip-rule",
        "SG-NOPE-*",
        "--skip-rule",
        "SG-PARSE-001",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output),
        "scalegate: error: `--rule pdb-coverag` matches no rule — did you mean `pdb-coverage`?\n\
         error: `--skip-rule SG-NOPE-*` matches no rule; `scalegate rules` lists them\n\
         error: `--skip-rule SG-PARSE-001`: SG-PARSE-001 cannot be skipped: a file that cannot be read or parsed always fails the gate (exclude the file, or accept it in .scalegate-ignore.yaml)\n"
    );
}

#[test]
fn a_file_that_cannot_be_read_fails_the_gate_whatever_the_selection() {
    let project = Project::new();
    project.write("k8s/broken.yaml", BROKEN);
    for selection in [
        &["--rule", "pdb-coverage"][..],
        &["--skip-rule", "SG-*"][..],
        &["--rule", "SG-TAG-*", "--skip-rule", "*"][..],
    ] {
        let (code, report, _) = project.scan_json(selection);
        assert_eq!(code, 1, "{selection:?}");
        assert_eq!(
            common::findings(&report),
            [(
                "SG-PARSE-001".to_owned(),
                "k8s/broken.yaml".to_owned(),
                4,
                1
            )],
            "{selection:?}"
        );
    }
}

#[test]
fn a_skipped_rule_is_not_evaluated_so_its_error_cannot_stop_the_scan() {
    // A complete rule whose two definitions disagree: the engine finds the
    // conflict only by evaluating it, which stops the run with exit 2.
    let project = Project::new();
    project.write("k8s/web.yaml", WEB);
    project.write(
        "policy/conflict.rego",
        "# METADATA\n# custom:\n#   id: ACME-003\n#   severity: high\npackage acme.conflict\n\n\
         level := 1 if { true }\nlevel := 2 if { count(input.resources) > 0 }\n\n\
         deny contains \"too high\" if {\n  level > 5\n}\n",
    );
    let (code, _, _) = project.scan_json(&[
        "--policy",
        "policy",
        "--rule",
        "pdb-coverage",
        "--rule",
        "ACME-*",
    ]);
    assert_eq!(code, 2, "the conflicting rule ran");
    let (code, report, stderr) =
        project.scan_json(&["--policy", "policy", "--skip-rule", "ACME-003"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(report["notifications"].as_array().unwrap().is_empty());
    assert_eq!(
        report["configuration"]["skipped_rules"],
        serde_json::json!(["ACME-003"])
    );
}

#[test]
fn a_suppression_of_a_rule_not_run_is_not_called_stale() {
    // One comment for pdb-coverage where it reports, one for
    // container-resources where it never does (a stale one).
    let project = Project::new();
    project.write(
        "k8s/web.yaml",
        WEB.replace(
            "  selector:\n",
            "  # scalegate:ignore SG-K8S-008 reason=\"drained by the mesh\"\n  selector:\n",
        )
        .replace(
            "  replicas: 3\n",
            "  # scalegate:ignore SG-K8S-002 reason=\"set by the mesh\"\n  replicas: 3\n",
        ),
    );
    // Both rules run: the first comment suppresses, the second is stale.
    let (_, report, _) = project.scan_json(&["--rule", "SG-K8S-00[28]", "--rule", "SG-SUP-*"]);
    assert_eq!(
        rule_ids(&report),
        ["SG-K8S-002", "SG-K8S-008", "SG-SUP-003"]
    );
    let stale = common::of_rule(&report, "SG-SUP-003");
    assert_eq!(
        (stale.len(), &stale[0]["start_line"]),
        (1, &serde_json::json!(7))
    );
    // Neither runs: nothing for either comment to suppress, and that is
    // no news.
    let (code, report, _) = project.scan_json(&["--rule", "SG-K8S-001", "--rule", "SG-SUP-*"]);
    assert_eq!(code, 1);
    assert_eq!(rule_ids(&report), ["SG-K8S-001"]);
}

#[test]
fn a_policy_whose_metadata_does_not_read_is_reported_rather_than_the_pattern() {
    // `--rule ACME-*` matches nothing only because ACME-009's METADATA
    // lacks its severity: that is the error to show.
    let project = Project::new();
    project.write("k8s/web.yaml", WEB);
    project.write(
        "policy/nine.rego",
        "# METADATA\n# custom:\n#   id: ACME-009\npackage acme.nine\n\ndeny contains \"x\" if { false }\n",
    );
    let output = project.run(&["scan", "--policy", "policy", "--rule", "ACME-*"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "scalegate: error: policy policy/nine.rego:2:1: METADATA `custom.severity` is missing (critical, high, medium, low or info)\n"
    );
}
