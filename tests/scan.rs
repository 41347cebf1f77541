//! The CLI as a user runs it: exact findings (rule, file, line, column),
//! exit codes, file arguments, stdin, config, and the other subcommands.

mod common;

use common::{findings, of_rule, Project};

fn tuple(rule: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (rule.to_owned(), file.to_owned(), line, column)
}

/// The findings of the rules a test is about, in report order: the fixtures
/// here predate most of the pack, and other rules' findings on them are
/// tested by `tests/rule_fixtures.rs`.
fn findings_of(report: &serde_json::Value, rules: &[&str]) -> Vec<(String, String, u64, u64)> {
    findings(report)
        .into_iter()
        .filter(|f| rules.contains(&f.0.as_str()))
        .collect()
}

/// The rules the Terraform fixture was written for.
const TF_FIXTURE_RULES: [&str; 2] = ["SG-NAM-002", "SG-TAG-001"];

/// The rules the Kubernetes fixtures were written for.
const K8S_FIXTURE_RULES: [&str; 3] = ["SG-K8S-002", "SG-K8S-008", "SG-STL-001"];

#[test]
fn kubernetes_findings_point_at_the_exact_value() {
    let p = Project::fixture("kubernetes");
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings_of(&report, &K8S_FIXTURE_RULES),
        [
            // `spec.selector` exists: its key.
            tuple("SG-K8S-008", "web/deployment.yaml", 11, 3),
            // `resources.limits` is missing: the nearest existing key, `resources`.
            tuple("SG-K8S-002", "web/deployment.yaml", 22, 11),
            // The `hostPath` key of the first volume.
            tuple("SG-STL-001", "web/deployment.yaml", 28, 11),
        ]
    );
    let hostpath = &of_rule(&report, "SG-STL-001")[0];
    assert_eq!(
        (
            hostpath["end_line"].as_u64(),
            hostpath["end_column"].as_u64()
        ),
        (Some(28), Some(19))
    );
    assert_eq!(hostpath["resource"], "apps/Deployment/shop/web");
    assert_eq!(hostpath["bundle"], "web");
    assert_eq!(hostpath["severity"], "high");
    assert_eq!(hostpath["fingerprint"].as_str().unwrap().len(), 64);
}

#[test]
fn terraform_findings_point_at_the_attribute_or_the_header() {
    let p = Project::fixture("terraform");
    // `basic` only: the tree also holds the plan fixture and its configuration.
    let (code, report, _) = p.scan_json(&["basic"]);
    assert_eq!(code, 1);
    assert_eq!(
        findings_of(&report, &TF_FIXTURE_RULES),
        [
            tuple("SG-TAG-001", "basic/main.tf", 4, 3),
            tuple("SG-NAM-002", "basic/main.tf", 10, 1),
        ]
    );
    let label = &of_rule(&report, "SG-NAM-002")[0];
    // The header: `resource "aws_sqs_queue" "orderEvents"`.
    assert_eq!(label["end_column"], 39);
    assert_eq!(label["resource"], "aws_sqs_queue.orderEvents");
}

#[test]
fn rendered_helm_output_keeps_its_template_as_a_related_location() {
    let p = Project::fixture("helm");
    let helm = common::tools::tool("helm");
    let (_, report, _) = p.scan_json(&["--helm-bin", helm.to_str().unwrap()]);
    let in_rendered_file: Vec<_> = findings_of(&report, &K8S_FIXTURE_RULES)
        .into_iter()
        .filter(|f| f.1 == "rendered/web.yaml")
        .collect();
    assert_eq!(
        in_rendered_file,
        [
            tuple("SG-K8S-008", "rendered/web.yaml", 22, 3),
            tuple("SG-K8S-002", "rendered/web.yaml", 33, 11),
        ]
    );
    let in_rendered = of_rule(&report, "SG-K8S-008")
        .into_iter()
        .find(|f| f["file"] == "rendered/web.yaml")
        .unwrap();
    let related = &in_rendered["related"][0];
    assert_eq!(related["file"], "rendered/web.yaml");
    assert_eq!(related["start_line"], 13);
    assert!(related["message"]
        .as_str()
        .unwrap()
        .contains("web/templates/deployment.yaml"));
    // The chart beside it is rendered on its own, as a bundle of its own;
    // its templates are not read as manifests.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["bundle"] == "charts/web[default]"));
    assert_eq!(report["summary"]["files_scanned"], 2);
}

#[test]
fn helm_output_from_stdin_is_reported_on_the_template() {
    let p = Project::fixture("helm");
    let rendered = std::fs::read_to_string(p.path().join("rendered/web.yaml")).unwrap();
    let output = p.run_with_stdin(
        &[
            "scan",
            "-",
            "--helm-chart",
            "charts/web",
            "--format",
            "json",
        ],
        Some(&rendered),
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings_of(&report, &K8S_FIXTURE_RULES),
        [
            // `selector:` appears once in the template.
            tuple("SG-K8S-008", "charts/web/templates/deployment.yaml", 9, 3),
            // `resources:` too.
            tuple("SG-K8S-002", "charts/web/templates/deployment.yaml", 20, 11),
        ]
    );
}

#[test]
fn stdin_without_a_chart_is_reported_as_stdin_or_its_given_name() {
    let p = Project::new();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      volumes: []\n  volumes:\n    - name: h\n      hostPath: {path: /x}\n";
    let output = p.run_with_stdin(&["scan", "-", "--format", "json"], Some(pod));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        findings(&report).contains(&tuple("SG-STL-001", "<stdin>", 12, 7)),
        "{report:#}"
    );
    let output = p.run_with_stdin(
        &[
            "scan",
            "-",
            "--stdin-filename",
            "k8s/pod.yaml",
            "--format",
            "json",
        ],
        Some(pod),
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(findings(&report).contains(&tuple("SG-STL-001", "k8s/pod.yaml", 12, 7)));
}

#[test]
fn a_file_argument_evaluates_its_bundle_but_reports_only_that_file() {
    let p = Project::new();
    // The PDB lives in another file of the same directory: without it the
    // Deployment would break SG-K8S-008.
    p.write(
        "k8s/web.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n          resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 1Mi}}\n",
    );
    p.write(
        "k8s/pdb.yaml",
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels: {app: web}\n",
    );
    p.write(
        "k8s/other.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: o\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n",
    );
    let (_, report, _) = p.scan_json(&["k8s/web.yaml"]);
    assert!(
        findings_of(&report, &K8S_FIXTURE_RULES).is_empty(),
        "{report:#}"
    );
    // The whole directory still breaks rules in other.yaml.
    let (code, report, _) = p.scan_json(&["k8s"]);
    assert_eq!(code, 1);
    assert!(findings_of(&report, &K8S_FIXTURE_RULES)
        .iter()
        .all(|f| f.1 == "k8s/other.yaml"));
    assert!(!findings_of(&report, &K8S_FIXTURE_RULES).is_empty());
}

#[test]
fn crlf_and_non_ascii_do_not_shift_columns() {
    let p = Project::new();
    let text = "apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata:\r\n  name: wéb\r\n  annotations: {note: \"größe ✓\"}\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: c\r\n          image: nginx:1.27\r\n          resources: {requests: {cpu: 1m, memory: 1Mi}, limits: {memory: 1Mi}}\r\n      volumes:\r\n        - {name: ü, hostPath: {path: /x}}\r\n";
    p.write("crlf.yaml", text);
    let (_, report, _) = p.scan_json(&[]);
    let f = &of_rule(&report, "SG-STL-001")[0];
    // `- {name: ü, hostPath:` — `hostPath` starts at code point 21.
    assert_eq!(
        (f["start_line"].as_u64(), f["start_column"].as_u64()),
        (Some(14), Some(21))
    );
    assert_eq!(f["end_column"], 29);
}

#[test]
fn fail_on_sets_the_gate() {
    let p = Project::fixture("terraform");
    // Findings are medium and low.
    assert_eq!(p.scan_json(&["--fail-on", "high"]).0, 0);
    assert_eq!(p.scan_json(&["--fail-on", "medium"]).0, 1);
    assert_eq!(p.scan_json(&["--fail-on", "never"]).0, 0);
    p.write(".scalegate.yaml", "fail_on: high\n");
    assert_eq!(p.scan_json(&[]).0, 0);
    // The flag wins over the config.
    assert_eq!(p.scan_json(&["--fail-on", "low"]).0, 1);
}

#[test]
fn config_rules_turn_off_and_re_rate_rules() {
    let p = Project::fixture("terraform");
    p.write(
        ".scalegate.yaml",
        "rules:\n  terraform-label-case: off\n  SG-TAG-001: high\n",
    );
    let (_, report, _) = p.scan_json(&["basic"]);
    assert_eq!(
        findings_of(&report, &TF_FIXTURE_RULES),
        [tuple("SG-TAG-001", "basic/main.tf", 4, 3)]
    );
    assert_eq!(of_rule(&report, "SG-TAG-001")[0]["severity"], "high");
}

#[test]
fn config_settings_reach_the_policies() {
    let p = Project::fixture("terraform");
    p.write(
        ".scalegate.yaml",
        "settings:\n  tags:\n    required: [owner]\n",
    );
    let (_, report, _) = p.scan_json(&["basic"]);
    assert!(of_rule(&report, "SG-TAG-001").is_empty(), "{report:#}");
}

#[test]
fn user_policies_with_data_are_evaluated() {
    let p = Project::fixture("kubernetes");
    p.write(
        "policy/replicas.rego",
        "# METADATA\n# title: Too few replicas\n# custom:\n#   id: ACME-001\n#   severity: critical\npackage acme.rules.replicas\n\ndeny contains {\"resource\": r.id, \"path\": [\"spec\", \"replicas\"], \"msg\": \"too few\"} if {\n  some r in input.resources\n  r.type == \"Deployment\"\n  r.config.spec.replicas < data.acme.min\n}\n",
    );
    p.write("data.yaml", "acme:\n  min: 5\n");
    let (code, report, _) = p.scan_json(&[
        "--policy",
        "policy",
        "--data",
        "data.yaml",
        "--fail-on",
        "critical",
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&report)[0],
        tuple("ACME-001", "web/deployment.yaml", 10, 13)
    );
}

#[test]
fn a_data_file_that_is_not_a_mapping_stops_the_scan_naming_it() {
    // Merged, a list would have replaced `data.` and the policies read
    // nothing from it: the gate must not pass on such a run.
    let p = Project::fixture("kubernetes");
    p.write("data.json", "[1, 2]\n");
    let output = p.run(&["scan", "--data", "data.json", "--fail-on", "never"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("data.json:1:1: a data file holds a mapping of names to values, merged under `data.`; this one holds a list"),
        "{stderr}"
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let p = Project::fixture("kubernetes");
    p.write(
        "tf/main.tf",
        "resource \"aws_s3_bucket\" \"B\" {\n  bucket = \"b\"\n}\n",
    );
    let one = p
        .run(&["scan", "--threads", "1", "--format", "sarif"])
        .stdout;
    let many = p
        .run(&["scan", "--threads", "8", "--format", "sarif"])
        .stdout;
    assert!(!one.is_empty());
    assert_eq!(
        String::from_utf8(one).unwrap(),
        String::from_utf8(many).unwrap()
    );
}

#[test]
fn several_reports_in_one_run() {
    let p = Project::fixture("kubernetes");
    let output = p.run(&[
        "scan",
        "--format",
        "github",
        "--sarif-file",
        "out.sarif",
        "--json-file",
        "out.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("::error file=web/deployment.yaml,line=28,col=11"),
        "{stdout}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("out.sarif")).unwrap())
            .unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("out.json")).unwrap()).unwrap();
    let count = json["findings"].as_array().unwrap().len();
    assert!(count >= 3, "the fixture's three findings at least");
    assert_eq!(json["summary"]["findings"], count);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), count);
}

#[test]
fn inspect_prints_the_input_model() {
    let p = Project::fixture("terraform");
    let output = p.run(&["inspect", "basic"]);
    assert_eq!(output.status.code(), Some(0));
    let bundles: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let bundle = &bundles[0];
    assert_eq!(bundle["bundle"]["format"], "terraform");
    assert_eq!(bundle["bundle"]["path"], "basic");
    let bucket = &bundle["resources"][0];
    assert_eq!(bucket["id"], "aws_s3_bucket.logs");
    assert_eq!(bucket["type"], "aws_s3_bucket");
    assert_eq!(bucket["provider"], "aws");
    assert_eq!(bucket["file"], "basic/main.tf");
    assert_eq!(bucket["config"]["bucket"], "shop-logs");
    assert_eq!(bucket["tags"]["owner"], "platform");
}

#[test]
fn rules_lists_the_catalog() {
    let p = Project::new();
    let output = p.run(&["rules"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rows: Vec<Vec<&str>> = stdout
        .lines()
        .map(|l| l.split_whitespace().take(3).collect())
        .collect();
    for row in [
        ["SG-K8S-002", "container-resources", "medium"],
        ["SG-K8S-008", "pdb-coverage", "medium"],
        ["SG-META-001", "unverified", "info"],
        ["SG-NAM-002", "terraform-label-case", "low"],
        ["SG-PARSE-001", "parse-error", "high"],
        ["SG-STL-001", "no-hostpath", "high"],
        ["SG-TAG-001", "required-tags", "medium"],
    ] {
        assert!(rows.contains(&row.to_vec()), "missing {row:?} in\n{stdout}");
    }
}

#[test]
fn test_runs_the_pack_and_users_tests() {
    let p = Project::new();
    let output = p.run(&["test"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");

    p.write(
        "policy/x_test.rego",
        "package acme.x_test\n\ntest_ok if { 1 == 1 }\n\ntest_broken if { 1 == 2 }\n",
    );
    let output = p.run(&["test", "policy"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout.contains("FAIL: policy/x_test.rego: data.acme.x_test.test_broken"),
        "{stdout}"
    );
    assert!(stdout.ends_with("1 passed, 1 failed\n"), "{stdout}");
}

#[test]
fn a_directory_argument_beside_a_file_argument_is_reported_whole() {
    let p = Project::new();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx\n";
    p.write("a/named.yaml", pod);
    p.write("a/sibling.yaml", pod);
    p.write("b/inside.yaml", pod);
    let (code, report, _) = p.scan_json(&["a/named.yaml", "b"]);
    assert_eq!(code, 1);
    let files: std::collections::BTreeSet<String> =
        findings(&report).into_iter().map(|f| f.1).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        ["a/named.yaml", "b/inside.yaml"]
    );
}
