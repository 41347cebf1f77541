//! Suppressions as teams write them: inline comments in Terraform and
//! Kubernetes YAML, annotations, the central ignore file, and the checks on
//! the suppressions themselves (SG-SUP-001/002/003). `SCALEGATE_NOW` is
//! fixed at 2026-11-27 by the harness unless a test says otherwise.

mod common;

use common::Project;
use serde_json::Value;

/// `(rule, line, column, suppression)` of the findings of `rules`, where
/// suppression is `kind source reason [expires]` or `-`.
fn rows(report: &Value, rules: &[&str]) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.contains(&f["rule_id"].as_str().unwrap()))
        .map(|f| {
            let s = &f["suppression"];
            let suppression = if s.is_null() {
                "-".to_owned()
            } else {
                let mut text = format!(
                    "{} {} {}",
                    s["kind"].as_str().unwrap(),
                    s["source"].as_str().unwrap(),
                    s["reason"].as_str().unwrap_or("(no reason)")
                );
                if let Some(expires) = s["expires"].as_str() {
                    text.push_str(&format!(" until {expires}"));
                }
                if let Some(owner) = s["owner"].as_str() {
                    text.push_str(&format!(" owner {owner}"));
                }
                text
            };
            assert_eq!(f["suppressed"], !s.is_null());
            format!(
                "{} {}:{}:{} {}",
                f["rule_id"].as_str().unwrap(),
                f["file"].as_str().unwrap(),
                f["start_line"],
                f["start_column"],
                suppression
            )
        })
        .collect()
}

/// The SG-SUP findings as `rule file:line:col-line:col message`.
fn sup_rows(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("SG-SUP-"))
        .map(|f| format!("{} {}", common::located(f), f["message"].as_str().unwrap()))
        .collect()
}

const MANIFEST: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    scalegate.dev/ignore.SG-K8S-013: 'reason="tag set by the deploy tool" exp=2027-03-31'
spec:
  # scalegate:ignore SG-K8S-003 reason="scaled by hand during the migration"
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations:
        scalegate.dev/ignore.container-resources: batch sizing is measured per run
    spec:
      containers:
        - name: web  # scalegate:ignore SG-K8S-010 reason="probes come from the mesh"
          image: web
---
# scalegate:ignore-file SG-K8S-013 reason="second document only"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: api
"#;

const K8S_RULES: [&str; 4] = ["SG-K8S-002", "SG-K8S-003", "SG-K8S-010", "SG-K8S-013"];

#[test]
fn yaml_comments_and_annotations_cover_their_node_and_nothing_else() {
    let p = Project::new();
    p.write("k8s/web.yaml", MANIFEST);
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        rows(&report, &K8S_RULES),
        [
            // Above `replicas:`: that entry only.
            "SG-K8S-003 k8s/web.yaml:9:13 inline k8s/web.yaml:8 scaled by hand during the migration",
            // The pod template's annotation covers the template's containers.
            "SG-K8S-002 k8s/web.yaml:18:11 annotation k8s/web.yaml:15 batch sizing is measured per run",
            "SG-K8S-002 k8s/web.yaml:18:11 annotation k8s/web.yaml:15 batch sizing is measured per run",
            "SG-K8S-002 k8s/web.yaml:18:11 annotation k8s/web.yaml:15 batch sizing is measured per run",
            // At the end of the list item's first line: the whole item.
            "SG-K8S-010 k8s/web.yaml:18:11 inline k8s/web.yaml:18 probes come from the mesh",
            "SG-K8S-010 k8s/web.yaml:18:11 inline k8s/web.yaml:18 probes come from the mesh",
            // The object's annotation covers the object.
            "SG-K8S-013 k8s/web.yaml:19:18 annotation k8s/web.yaml:6 tag set by the deploy tool until 2027-03-31",
            // The second document: only its own ignore-file comment applies.
            "SG-K8S-003 k8s/web.yaml:27:13 -",
            "SG-K8S-002 k8s/web.yaml:34:11 -",
            "SG-K8S-002 k8s/web.yaml:34:11 -",
            "SG-K8S-002 k8s/web.yaml:34:11 -",
            "SG-K8S-010 k8s/web.yaml:34:11 -",
            "SG-K8S-010 k8s/web.yaml:34:11 -",
            "SG-K8S-013 k8s/web.yaml:35:18 inline k8s/web.yaml:21 second document only",
        ]
    );
    assert!(sup_rows(&report).is_empty(), "{:#?}", sup_rows(&report));
}

const TERRAFORM: &str = r#"# scalegate:ignore SG-TAG-001 reason="tagged by the org's tag policy" exp=2027-03-31
resource "aws_sqs_queue" "Jobs" {
  name = "jobs"
}

resource "aws_sqs_queue" "Mail" { // scalegate:ignore SG-TAG-001,terraform-label-case reason='legacy'
  name = "mail"
  policy = <<-EOT
    # scalegate:ignore SG-TAG-001 reason="inside a heredoc: not a comment"
  EOT
}

resource "aws_sqs_queue" "Spam" {
  # scalegate:ignore SG-NAM-002 reason="the label is inside the block, not above it"
  name = "spam"
}
"#;

#[test]
fn terraform_comments_cover_their_block_with_either_marker() {
    let p = Project::new();
    p.write("infra/main.tf", TERRAFORM);
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        rows(&report, &["SG-TAG-001", "SG-NAM-002"]),
        [
            "SG-NAM-002 infra/main.tf:2:1 -",
            "SG-TAG-001 infra/main.tf:2:1 inline infra/main.tf:1 tagged by the org's tag policy until 2027-03-31",
            "SG-TAG-001 infra/main.tf:2:1 inline infra/main.tf:1 tagged by the org's tag policy until 2027-03-31",
            "SG-TAG-001 infra/main.tf:2:1 inline infra/main.tf:1 tagged by the org's tag policy until 2027-03-31",
            "SG-NAM-002 infra/main.tf:6:1 inline infra/main.tf:6 legacy",
            "SG-TAG-001 infra/main.tf:6:1 inline infra/main.tf:6 legacy",
            "SG-TAG-001 infra/main.tf:6:1 inline infra/main.tf:6 legacy",
            "SG-TAG-001 infra/main.tf:6:1 inline infra/main.tf:6 legacy",
            "SG-NAM-002 infra/main.tf:13:1 -",
            "SG-TAG-001 infra/main.tf:13:1 -",
            "SG-TAG-001 infra/main.tf:13:1 -",
            "SG-TAG-001 infra/main.tf:13:1 -",
        ]
    );
    assert_eq!(
        sup_rows(&report),
        ["SG-SUP-003 infra/main.tf:14:3-14:85 this suppression of SG-NAM-002 matches no finding; remove it"]
    );
}

const QUEUE: &str = "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n";

#[test]
fn a_suppression_without_a_reason_suppresses_and_is_reported_at_the_comment() {
    let p = Project::new();
    p.write(
        "main.tf",
        format!("# scalegate:ignore required-tags exp=2027-01-31\n{QUEUE}"),
    );
    let (code, report, _) = p.scan_json(&[".", "--fail-on", "low"]);
    assert_eq!(
        rows(&report, &["SG-TAG-001"])[0],
        "SG-TAG-001 main.tf:2:1 inline main.tf:1 (no reason) until 2027-01-31"
    );
    assert_eq!(
        sup_rows(&report),
        ["SG-SUP-001 main.tf:1:1-1:48 this suppression of SG-TAG-001 has no reason; add reason=\"…\" so reviewers know why the finding is accepted"]
    );
    let sup = &common::of_rule(&report, "SG-SUP-001")[0];
    assert_eq!(sup["severity"], "low");
    // SG-SUP-001 is low: it fails a gate at low, as the missing reason should.
    assert_eq!(code, 1);
}

#[test]
fn expiry_is_inclusive_and_an_expired_suppression_stops_suppressing() {
    let p = Project::new();
    p.write(
        "main.tf",
        format!(
            "# scalegate:ignore SG-TAG-001 reason=\"until the migration\" exp=2027-01-31\n{QUEUE}"
        ),
    );
    let (_, report, _) = p.scan_json_on("2027-01-31", &["."]);
    assert!(common::of_rule(&report, "SG-TAG-001")
        .iter()
        .all(|f| f["suppressed"] == true));
    assert!(sup_rows(&report).is_empty());

    let (code, report, _) = p.scan_json_on("2027-02-01", &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        rows(&report, &["SG-TAG-001"]),
        [
            "SG-TAG-001 main.tf:2:1 -",
            "SG-TAG-001 main.tf:2:1 -",
            "SG-TAG-001 main.tf:2:1 -"
        ]
    );
    assert_eq!(
        sup_rows(&report),
        ["SG-SUP-002 main.tf:1:1-1:74 this suppression of SG-TAG-001 expired on 2027-01-31; the findings it covered are reported again"]
    );
    assert_eq!(
        common::of_rule(&report, "SG-SUP-002")[0]["severity"],
        "info"
    );
}

#[test]
fn scalegate_now_must_be_a_date() {
    let p = Project::new();
    p.write("main.tf", QUEUE);
    let output = p.run_on("next tuesday", &["scan", "."], None);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "scalegate: SCALEGATE_NOW=\"next tuesday\" is not a date; write YYYY-MM-DD\n"
    );
}

#[test]
fn suppressions_that_cannot_work_are_reported_where_they_are_written() {
    let p = Project::new();
    p.write(
        "main.tf",
        concat!(
            "# scalegate:ignore SG-TAG-01 reason=\"typo\"\n",
            "resource \"aws_sqs_queue\" \"a\" {\n  name = \"a\"\n}\n\n",
            "# scalegate:ignore SG-TAG-001 reason=\"a blank line follows\"\n\n",
            "resource \"aws_sqs_queue\" \"b\" {\n  name = \"b\"\n}\n",
            "resource \"aws_sqs_queue\" \"c\" {\n  name = \"c\"\n} # scalegate:ignore SG-TAG-001 reason=\"last line\"\n",
            "# scalegate:ignore SG-TAG-001 exp=someday\n",
            "resource \"aws_sqs_queue\" \"d\" {\n  name = \"d\"\n}\n",
            "# scalegate:ignore-file SG-TAG-001 reason=\"not at the top\"\n",
            "# scalegate:ignore SG-AWS-003 reason=\"nothing to suppress\"\n",
            "resource \"aws_sqs_queue\" \"e\" {\n  name = \"e\"\n}\n",
        ),
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        sup_rows(&report),
        [
            "SG-SUP-003 main.tf:1:1-1:43 this suppression names `SG-TAG-01`, which is no rule — did you mean `SG-TAG-001`?",
            "SG-SUP-003 main.tf:6:1-6:60 this suppression covers nothing: put it directly above a block, attribute or YAML node (no blank line between) or at the end of its first line",
            "SG-SUP-003 main.tf:13:3-13:51 this suppression covers nothing: put it directly above a block, attribute or YAML node (no blank line between) or at the end of its first line",
            "SG-SUP-003 main.tf:14:1-14:42 this suppression cannot be read: `exp=someday` is not a date; write exp=YYYY-MM-DD",
            "SG-SUP-003 main.tf:18:1-18:59 `scalegate:ignore-file` counts only in the comment lines at the top of a file (or of a YAML document); move it there",
            "SG-SUP-003 main.tf:19:1-19:59 this suppression of SG-AWS-003 matches no finding; remove it",
        ]
    );
    // None of them suppressed anything.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["suppressed"] == false));
}

#[test]
fn with_named_files_a_suppression_matching_nothing_is_not_called_stale() {
    let p = Project::new();
    p.write(
        "main.tf",
        format!("# scalegate:ignore SG-AWS-003 reason=\"x\"\n{QUEUE}# scalegate:ignore SG-TAG-01 reason=\"typo\"\n{}", QUEUE.replace("jobs", "mail")),
    );
    let (_, report, _) = p.scan_json(&["main.tf"]);
    // Misspelt names are still known to be wrong; staleness is not.
    assert_eq!(
        sup_rows(&report),
        ["SG-SUP-003 main.tf:5:1-5:43 this suppression names `SG-TAG-01`, which is no rule — did you mean `SG-TAG-001`?"]
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(sup_rows(&report).len(), 2);
}

#[test]
fn governance_ignorable_false_and_no_inline_suppressions() {
    let p = Project::new();
    p.write("k8s/web.yaml", MANIFEST);
    p.write(
        ".scalegate.yaml",
        "rules:\n  SG-K8S-003: { ignorable: false }\n",
    );
    let (_, report, _) = p.scan_json(&["."]);
    let rows_003 = rows(&report, &["SG-K8S-003"]);
    assert_eq!(
        rows_003,
        [
            "SG-K8S-003 k8s/web.yaml:9:13 -",
            "SG-K8S-003 k8s/web.yaml:27:13 -"
        ]
    );
    assert_eq!(
        sup_rows(&report),
        ["SG-SUP-003 k8s/web.yaml:8:3-8:77 SG-K8S-003 is `ignorable: false` in the config, so comments and annotations cannot suppress it; ask for an entry in .scalegate-ignore.yaml"]
    );
    // The ignore file still applies to it.
    p.write(
        ".scalegate-ignore.yaml",
        "ignore:\n  - rule: autoscaling\n    paths: [\"k8s/*.yaml\"]\n    resource: \"apps/Deployment/*/api\"\n    reason: api scales with its queue\n    owner: \"@platform\"\n    expires: 2027-06-30\n",
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        rows(&report, &["SG-K8S-003"]),
        [
            "SG-K8S-003 k8s/web.yaml:9:13 -",
            "SG-K8S-003 k8s/web.yaml:27:13 file .scalegate-ignore.yaml:2 api scales with its queue until 2027-06-30 owner @platform",
        ]
    );

    // A reviewer's view: no comment or annotation counts, and none is checked.
    let (_, report, _) = p.scan_json(&[".", "--no-inline-suppressions"]);
    let suppressed: Vec<String> = rows(&report, &K8S_RULES)
        .into_iter()
        .filter(|r| !r.ends_with(" -"))
        .collect();
    assert_eq!(
        suppressed,
        ["SG-K8S-003 k8s/web.yaml:27:13 file .scalegate-ignore.yaml:2 api scales with its queue until 2027-06-30 owner @platform"]
    );
    assert!(sup_rows(&report).is_empty());
}

#[test]
fn ignore_file_entries_match_paths_and_resources() {
    let p = Project::new();
    p.write("legacy/main.tf", QUEUE);
    p.write("new/main.tf", QUEUE);
    p.write(
        ".scalegate-ignore.yaml",
        concat!(
            "ignore:\n",
            "  - rule: required-tags\n    paths: [\"legacy/**\"]\n    reason: legacy stack, retired in Q2\n    expires: 2027-06-30\n",
            "  - rule: SG-TAG-001\n    paths: [\"**\"]\n    resource: \"aws_s3_bucket.*\"\n    reason: no bucket here\n",
            "  - rule: SG-AWS-010\n    paths: [\"new/*.tf\"]\n",
            "  - rule: SG-NAM-002\n    paths: [\"**\"]\n    reason: old\n    expires: 2026-01-01\n",
        ),
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        rows(&report, &["SG-TAG-001", "SG-AWS-010"]),
        [
            "SG-AWS-010 legacy/main.tf:1:1 -",
            "SG-TAG-001 legacy/main.tf:1:1 file .scalegate-ignore.yaml:2 legacy stack, retired in Q2 until 2027-06-30",
            "SG-TAG-001 legacy/main.tf:1:1 file .scalegate-ignore.yaml:2 legacy stack, retired in Q2 until 2027-06-30",
            "SG-TAG-001 legacy/main.tf:1:1 file .scalegate-ignore.yaml:2 legacy stack, retired in Q2 until 2027-06-30",
            "SG-AWS-010 new/main.tf:1:1 file .scalegate-ignore.yaml:10 (no reason)",
            "SG-TAG-001 new/main.tf:1:1 -",
            "SG-TAG-001 new/main.tf:1:1 -",
            "SG-TAG-001 new/main.tf:1:1 -",
        ]
    );
    assert_eq!(
        sup_rows(&report),
        [
            "SG-SUP-003 .scalegate-ignore.yaml:6:5-6:21 this ignore entry of SG-TAG-001 matches no finding; remove it",
            "SG-SUP-001 .scalegate-ignore.yaml:10:5-10:21 this ignore entry of SG-AWS-010 has no reason; add `reason:` so reviewers know why the finding is accepted",
            "SG-SUP-002 .scalegate-ignore.yaml:12:5-12:21 this ignore entry of SG-NAM-002 expired on 2026-01-01; the findings it covered are reported again",
        ]
    );
}

#[test]
fn a_broken_ignore_file_stops_the_scan_with_its_positions() {
    let p = Project::new();
    p.write("main.tf", QUEUE);
    p.write(
        ".scalegate-ignore.yaml",
        "ignore:\n  - rule: SG-TAG-01\n    paths: [\"**\"]\n    reasn: x\n",
    );
    let output = p.run(&["scan", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".scalegate-ignore.yaml:4:5: unknown key `reasn` in an `ignore` entry — did you mean `reason`?"),
        "{stderr}"
    );
    // Rule names are checked once the file itself is valid.
    p.write(
        ".scalegate-ignore.yaml",
        "ignore:\n  - rule: SG-TAG-01\n    paths: [\"**\"]\n    reason: x\n",
    );
    let output = p.run(&["scan", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".scalegate-ignore.yaml:2:5: `rule`: unknown rule `SG-TAG-01` — did you mean `SG-TAG-001`?"),
        "{stderr}"
    );
}

#[test]
fn parse_errors_cannot_be_suppressed_inline_but_can_be_accepted_in_the_ignore_file() {
    let p = Project::new();
    p.write(
        "main.tf",
        format!("# scalegate:ignore SG-PARSE-001 reason=\"no\"\n{QUEUE}"),
    );
    p.write(
        "broken/bad.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [\n",
    );
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 1);
    assert_eq!(
        sup_rows(&report),
        ["SG-SUP-003 main.tf:1:1-1:44 SG-PARSE-001 cannot be suppressed inline: a gate must not pass a file it could not read"]
    );
    assert_eq!(
        rows(&report, &["SG-PARSE-001"]),
        ["SG-PARSE-001 broken/bad.yaml:4:1 -"]
    );

    p.write(
        ".scalegate-ignore.yaml",
        "ignore:\n  - rule: SG-PARSE-001\n    paths: [\"broken/**\"]\n    reason: a fixture for a YAML parser test\n",
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        rows(&report, &["SG-PARSE-001"]),
        ["SG-PARSE-001 broken/bad.yaml:4:1 file .scalegate-ignore.yaml:2 a fixture for a YAML parser test"]
    );
}

#[test]
fn a_fully_suppressed_scan_passes_the_gate_and_every_output_keeps_the_findings() {
    let p = Project::new();
    p.write(
        "main.tf",
        "# scalegate:ignore-file SG-TAG-001 SG-AWS-010 reason=\"sandbox account\"\nresource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n",
    );
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 0, "{report:#}");
    assert!(!report["findings"].as_array().unwrap().is_empty());
    assert_eq!(report["summary"]["suppressed"], 4);

    let output = p.run(&["scan", ".", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let result = &results[0];
    assert_eq!(
        result["suppressions"],
        serde_json::json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": "sandbox account",
            "properties": {"scalegate/kind": "inline", "scalegate/source": "main.tf:1"}
        }])
    );

    let output = p.run(&["scan", "."]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("SG-TAG-001"), "{text}");
    let output = p.run(&["scan", ".", "--show-suppressed"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with("suppressed:\n") && text.contains("\n  main.tf:2:1: medium [SG-TAG-001] aws_sqs_queue.jobs does not set the required tag \"cost-center\"\n    suppressed by inline (main.tf:1): sandbox account\n"),
        "{text}"
    );

    let output = p.run(&["scan", ".", "--format", "github"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(!text.contains("SG-TAG-001"), "{text}");
}

#[test]
fn stacked_directives_and_a_document_marker_between_comment_and_object() {
    let p = Project::new();
    p.write(
        "k8s/web.yaml",
        concat!(
            "# scalegate:ignore SG-K8S-013 reason=\"pinned at deploy\"\n",
            "# scalegate:ignore probes reason=\"mesh\"\n",
            "---\n",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n",
            "spec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n",
            "  template:\n    metadata: {labels: {app: web}}\n",
            "    spec:\n      containers:\n        - name: web\n          image: web\n",
        ),
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        rows(&report, &["SG-K8S-010", "SG-K8S-013"]),
        [
            "SG-K8S-010 k8s/web.yaml:14:11 inline k8s/web.yaml:2 mesh",
            "SG-K8S-010 k8s/web.yaml:14:11 inline k8s/web.yaml:2 mesh",
            "SG-K8S-013 k8s/web.yaml:15:18 inline k8s/web.yaml:1 pinned at deploy",
        ]
    );
    assert!(sup_rows(&report).is_empty(), "{:#?}", sup_rows(&report));
}

#[test]
fn engine_rules_can_be_re_rated_or_turned_off_but_not_parse_errors() {
    let p = Project::new();
    p.write(
        "main.tf",
        format!(
            "# scalegate:ignore SG-TAG-001 reason=\"until the migration\" exp=2026-10-31\n{QUEUE}# scalegate:ignore SG-AWS-003 reason=\"stale\"\n{}",
            QUEUE.replace("jobs", "mail")
        ),
    );
    // Expired exceptions fail the gate; stale ones are not reported.
    p.write(
        ".scalegate.yaml",
        "fail_on: high\nrules:\n  SG-SUP-002: high\n  suppression-unused: off\n  SG-TAG-001: low\n  SG-AWS-010: low\n",
    );
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(
        sup_rows(&report),
        ["SG-SUP-002 main.tf:1:1-1:74 this suppression of SG-TAG-001 expired on 2026-10-31; the findings it covered are reported again"]
    );
    assert_eq!(
        common::of_rule(&report, "SG-SUP-002")[0]["severity"],
        "high"
    );
    assert_eq!(
        code, 1,
        "an expired suppression rated high fails a high gate"
    );
    let output = p.run(&["rules"]);
    let listing = String::from_utf8_lossy(&output.stdout);
    assert!(
        listing.contains("SG-SUP-002    suppression-expired          high"),
        "{listing}"
    );

    p.write(".scalegate.yaml", "rules:\n  parse-error: off\n");
    let output = p.run(&["scan", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(".scalegate.yaml:2:3: `rules`: SG-PARSE-001 cannot be configured: a file that cannot be read or parsed always fails the gate (exclude the file, or accept it in .scalegate-ignore.yaml)"),
        "{stderr}"
    );
}

#[test]
fn annotations_that_cannot_be_read_are_reported_at_the_annotation() {
    let p = Project::new();
    p.write(
        "k8s/web.yaml",
        concat!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n",
            "    scalegate.dev/ignore.SG-K8S-013: 2027\n",
            "    scalegate.dev/ignore.probes: 'reason=\"mesh\" exp=soon'\n",
            "    scalegate.dev/ignore.SG-K8S-03: 'reason=\"typo\"'\n",
            "spec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n",
            "  template:\n    metadata: {labels: {app: web}}\n",
            "    spec:\n      containers:\n        - name: web\n          image: web\n",
        ),
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        sup_rows(&report),
        [
            "SG-SUP-003 k8s/web.yaml:6:5-6:42 annotation `scalegate.dev/ignore.SG-K8S-013` cannot be read: its value is not a string; quote it",
            "SG-SUP-003 k8s/web.yaml:7:5-7:58 annotation `scalegate.dev/ignore.probes` cannot be read: `exp=soon` is not a date; write exp=YYYY-MM-DD",
            "SG-SUP-003 k8s/web.yaml:8:5-8:52 this annotation names `SG-K8S-03`, which is no rule — did you mean `SG-K8S-003`?",
        ]
    );
    assert!(rows(&report, &["SG-K8S-010", "SG-K8S-013"])
        .iter()
        .all(|r| r.ends_with(" -")));
}

#[test]
fn crlf_line_ends_and_a_byte_order_mark_do_not_move_suppressions() {
    let p = Project::new();
    p.write(
        "main.tf",
        "\u{feff}# scalegate:ignore SG-TAG-001 reason=\"windows\"\r\nresource \"aws_sqs_queue\" \"jobs\" {\r\n  name = \"jobs\"\r\n}\r\n",
    );
    p.write(
        "web.yaml",
        "\u{feff}apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata: {name: web}\r\nspec:\r\n  # scalegate:ignore SG-K8S-003 reason=\"windows\"\r\n  replicas: 1\r\n  selector: {matchLabels: {app: web}}\r\n",
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        rows(&report, &["SG-TAG-001", "SG-K8S-003"]),
        [
            "SG-TAG-001 main.tf:2:1 inline main.tf:1 windows",
            "SG-TAG-001 main.tf:2:1 inline main.tf:1 windows",
            "SG-TAG-001 main.tf:2:1 inline main.tf:1 windows",
            "SG-K8S-003 web.yaml:6:13 inline web.yaml:5 windows",
        ]
    );
    assert!(sup_rows(&report).is_empty(), "{:#?}", sup_rows(&report));
}

#[test]
fn a_comment_on_a_module_block_covers_what_that_call_creates_and_nothing_else() {
    let p = Project::new();
    p.write("modules/queue/main.tf", QUEUE);
    p.write(
        "main.tf",
        concat!(
            "module \"orders\" {\n  source = \"./modules/queue\"\n}\n\n",
            "# scalegate:ignore SG-TAG-001 reason=\"sandbox copy, torn down nightly\"\n",
            "module \"sandbox\" {\n  source = \"./modules/queue\"\n}\n",
        ),
    );
    let (_, report, _) = p.scan_json(&["."]);
    let tag = |suppressed: bool| -> Vec<String> {
        common::of_rule(&report, "SG-TAG-001")
            .iter()
            .filter(|f| f["suppressed"] == suppressed)
            .map(|f| {
                format!(
                    "{} {}:{} {}",
                    f["resource"].as_str().unwrap(),
                    f["file"].as_str().unwrap(),
                    f["start_line"],
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    };
    // The same line of the module, once per call: accepted for one only.
    assert_eq!(
        tag(true),
        [
            "module.sandbox.aws_sqs_queue.jobs modules/queue/main.tf:1 module.sandbox.aws_sqs_queue.jobs does not set the required tag \"cost-center\"",
            "module.sandbox.aws_sqs_queue.jobs modules/queue/main.tf:1 module.sandbox.aws_sqs_queue.jobs does not set the required tag \"environment\"",
            "module.sandbox.aws_sqs_queue.jobs modules/queue/main.tf:1 module.sandbox.aws_sqs_queue.jobs does not set the required tag \"owner\"",
        ]
    );
    assert_eq!(
        tag(false),
        [
            "module.orders.aws_sqs_queue.jobs modules/queue/main.tf:1 module.orders.aws_sqs_queue.jobs does not set the required tag \"cost-center\"",
            "module.orders.aws_sqs_queue.jobs modules/queue/main.tf:1 module.orders.aws_sqs_queue.jobs does not set the required tag \"environment\"",
            "module.orders.aws_sqs_queue.jobs modules/queue/main.tf:1 module.orders.aws_sqs_queue.jobs does not set the required tag \"owner\"",
        ]
    );
    assert!(sup_rows(&report).is_empty(), "{:#?}", sup_rows(&report));

    // The ignore file does the same by resource glob.
    p.write("main.tf", "module \"orders\" {\n  source = \"./modules/queue\"\n}\nmodule \"sandbox\" {\n  source = \"./modules/queue\"\n}\n");
    p.write(
        ".scalegate-ignore.yaml",
        "ignore:\n  - rule: SG-TAG-001\n    paths: [\"modules/**\"]\n    resource: \"module.orders.*\"\n    reason: orders are tagged by the account\n",
    );
    let (_, report, _) = p.scan_json(&["."]);
    let suppressed: Vec<&str> = common::of_rule(&report, "SG-TAG-001")
        .iter()
        .map(|f| {
            if f["suppressed"] == true {
                f["resource"].as_str().unwrap()
            } else {
                "-"
            }
        })
        .collect();
    assert_eq!(
        suppressed
            .iter()
            .filter(|r| **r == "module.orders.aws_sqs_queue.jobs")
            .count(),
        3
    );
    assert_eq!(suppressed.iter().filter(|r| **r == "-").count(), 3);
}

#[test]
fn comments_in_rendered_helm_output_cover_findings_reported_on_the_template() {
    let p = Project::fixture("helm");
    let rendered = std::fs::read_to_string(p.path().join("rendered/web.yaml"))
        .unwrap()
        .replace(
            "          resources:\n",
            "          # scalegate:ignore SG-K8S-002 reason=\"sized by the platform team\"\n          resources:\n",
        );
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
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        rows(&report, &["SG-K8S-002"]),
        ["SG-K8S-002 charts/web/templates/deployment.yaml:20:11 inline <stdin>:33 sized by the platform team"]
    );
    assert!(sup_rows(&report).is_empty(), "{:#?}", sup_rows(&report));
}
