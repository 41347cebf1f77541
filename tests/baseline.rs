//! Baselines as a team adopting the gate uses them: record today's
//! findings, then see only new ones.

mod common;

use common::{findings, notifications, Project};

const UNTAGGED: &str = "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n";

#[test]
fn a_baseline_round_trip_reports_only_new_findings() {
    let p = Project::new();
    p.write("infra/main.tf", UNTAGGED);
    let output = p.run(&["baseline", "create", "."]);
    assert_eq!(output.status.code(), Some(0));
    let text = std::fs::read_to_string(p.path().join(".scalegate-baseline.json")).unwrap();
    let baseline: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(baseline["version"], 1);
    let recorded = baseline["findings"].as_array().unwrap().len();
    assert!(recorded > 0);

    // Nothing new: the gate passes, the old findings are there, suppressed.
    let (code, report, _) = p.scan_json(&[".", "--baseline", ".scalegate-baseline.json"]);
    assert_eq!(code, 0, "{report:#}");
    let all = report["findings"].as_array().unwrap();
    assert_eq!(all.len(), recorded);
    assert!(all.iter().all(|f| f["suppressed"] == true
        && f["suppression"]["kind"] == "baseline"
        && f["suppression"]["source"] == "baseline"));
    assert!(notifications(&report).contains(&format!(
        ".scalegate-baseline.json: baseline: {recorded} finding(s) match its entries and are suppressed; 0 of its {recorded} entries are fixed"
    )));

    // Lines above a finding do not make it new (fingerprints have no lines).
    p.write("infra/main.tf", format!("# a comment\n\n{UNTAGGED}"));
    let (code, _, _) = p.scan_json(&[".", "--baseline", ".scalegate-baseline.json"]);
    assert_eq!(code, 0);

    // A new resource is new; fixing the old one counts its entries as fixed.
    p.write(
        "infra/main.tf",
        "resource \"aws_sqs_queue\" \"emails\" {\n  name = \"emails\"\n}\n",
    );
    let (code, report, _) = p.scan_json(&[".", "--baseline", ".scalegate-baseline.json"]);
    assert_eq!(code, 1);
    let unsuppressed: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"] == false)
        .collect();
    assert_eq!(unsuppressed.len(), findings(&report).len());
    assert!(unsuppressed
        .iter()
        .all(|f| f["resource"] == "aws_sqs_queue.emails"));
    assert!(notifications(&report).iter().any(|n| n.contains(&format!(
        "0 finding(s) match its entries and are suppressed; {recorded} of its {recorded} entries are fixed"
    ))));

    // SARIF: the suppression is external.
    p.write("infra/main.tf", UNTAGGED);
    let output = p.run(&[
        "scan",
        ".",
        "--baseline",
        ".scalegate-baseline.json",
        "--format",
        "sarif",
    ]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["suppressions"][0]["kind"], "external");
}

#[test]
fn a_baseline_of_another_version_or_no_baseline_at_all_is_exit_2() {
    let p = Project::new();
    p.write("main.tf", UNTAGGED);
    p.write(
        "old.json",
        r#"{"version": 9, "tool": "scalegate", "findings": []}"#,
    );
    let output = p.run(&["scan", ".", "--baseline", "old.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("baseline version 9 is not supported"));
    let output = p.run(&["scan", ".", "--baseline", "missing.json"]);
    assert_eq!(output.status.code(), Some(2));
}
