//! Bad input, as a user meets it: every case ends in a clear message that
//! names the file and position, the rest of the scan goes on, and no panic
//! or stack overflow reaches the user.

mod common;

use common::{notifications, of_rule, Project};

/// A Pod no built-in rule objects to.
const GOOD_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: ok\n  labels: {app.kubernetes.io/name: ok, owner: platform}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n      readinessProbe: {httpGet: {path: /, port: 80}}\n      livenessProbe: {httpGet: {path: /, port: 80}}\n      resources:\n        requests: {cpu: 10m, memory: 16Mi}\n        limits: {memory: 16Mi}\n";

/// The one SG-PARSE-001 finding of a report, as (file, line, column, message).
fn parse_error(report: &serde_json::Value) -> (String, u64, u64, String) {
    let errors = of_rule(report, "SG-PARSE-001");
    assert_eq!(errors.len(), 1, "{report:#}");
    let e = errors[0];
    (
        e["file"].as_str().unwrap().to_owned(),
        e["start_line"].as_u64().unwrap(),
        e["start_column"].as_u64().unwrap(),
        e["message"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn malformed_yaml_is_reported_at_the_parser_position_and_the_scan_goes_on() {
    let p = Project::new();
    p.write(
        "k8s/bad.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n",
    );
    p.write("k8s/good.yaml", GOOD_POD);
    let (code, report, _) = p.scan_json(&["--fail-on", "critical"]);
    // SG-PARSE-001 fails every gate but `never`.
    assert_eq!(code, 1);
    // Where the parser gave up: the end of the input, the `[` never closed.
    let (file, line, column, message) = parse_error(&report);
    assert_eq!((file.as_str(), line, column), ("k8s/bad.yaml", 5, 1));
    assert!(message.contains("unclosed bracket"), "{message}");
    assert!(message.contains("opened at line 4, column 9"), "{message}");
    assert_eq!(report["summary"]["files_scanned"], 2);
    assert!(
        report["summary"]["resources"].as_u64().unwrap() >= 1,
        "good.yaml still scanned"
    );
    assert!(notifications(&report)
        .iter()
        .any(|n| n.starts_with("k8s/bad.yaml:")));
}

#[test]
fn malformed_hcl_is_reported_at_the_parser_position() {
    let p = Project::new();
    p.write(
        "tf/main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"x\"\n  tags = {\n}\n",
    );
    p.write("tf/ok.tf", "variable \"env\" {\n  default = \"dev\"\n}\n");
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    let (file, line, column, message) = parse_error(&report);
    // The `}` on line 4 closes `tags`; the resource block is still open
    // at the end of the input, where the parser gave up.
    assert_eq!((file.as_str(), line, column), ("tf/main.tf", 5, 1));
    assert!(
        message.contains("unclosed block or object `{` (opened at line 1, column 30)"),
        "{message}"
    );
}

#[test]
fn a_gate_of_never_passes_even_parse_errors() {
    let p = Project::new();
    p.write("bad.yaml", "apiVersion: v1\nkind: Pod\n  : : :\n");
    let (code, report, _) = p.scan_json(&["--fail-on", "never"]);
    assert_eq!(code, 0);
    assert_eq!(of_rule(&report, "SG-PARSE-001").len(), 1);
}

#[test]
fn invalid_utf8_names_the_file_and_line() {
    let p = Project::new();
    let mut bytes = b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: ".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b'\n']);
    p.write("pod.yaml", bytes);
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    let (file, line, column, message) = parse_error(&report);
    assert_eq!((file.as_str(), line, column), ("pod.yaml", 4, 9));
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn a_bom_is_not_an_error_and_columns_ignore_it() {
    let p = Project::new();
    p.write("pod.yaml", format!("\u{feff}{GOOD_POD}"));
    p.write(
        "main.tf",
        "\u{feff}variable \"env\" {\n  default = \"dev\"\n}\n",
    );
    let (_, report, _) = p.scan_json(&[]);
    assert!(of_rule(&report, "SG-PARSE-001").is_empty(), "{report:#}");
    assert_eq!(report["summary"]["files_scanned"], 2);
}

#[test]
fn empty_files_are_fine() {
    let p = Project::new();
    p.write("empty.tf", "");
    p.write("empty.yaml", "");
    p.write("comments.yaml", "# Source: x/templates/a.yaml\n---\n");
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert!(report["findings"].as_array().unwrap().is_empty());
}

#[test]
fn a_ten_megabyte_file_is_scanned() {
    let p = Project::new();
    let mut text = String::with_capacity(11 << 20);
    let mut i = 0;
    while text.len() < 10 << 20 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  key: \"{}\"\n",
            "x".repeat(200)
        ));
        i += 1;
    }
    p.write("big.yaml", &text);
    let (_, report, _) = p.scan_json(&[]);
    assert!(of_rule(&report, "SG-PARSE-001").is_empty());
    assert_eq!(report["summary"]["resources"].as_u64().unwrap(), i as u64);
}

#[test]
fn deep_nesting_is_a_parse_error_not_a_crash() {
    let p = Project::new();
    let depth = 100_000;
    p.write(
        "deep.yaml",
        format!(
            "apiVersion: v1\nkind: ConfigMap\ndata: {}{}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    p.write(
        "deep.tf",
        format!(
            "locals {{\n  x = {}{}\n}}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    p.write(
        "deep.tf.json",
        format!(
            "{{\"locals\": {}1{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
    );
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    let files: Vec<&str> = of_rule(&report, "SG-PARSE-001")
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["deep.tf", "deep.tf.json", "deep.yaml"],
        "{report:#}"
    );
}

#[test]
fn a_billion_laughs_document_is_stopped_by_the_alias_budget() {
    let p = Project::new();
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        let refs = vec![format!("*{}", w[0]); 9].join(",");
        text.push_str(&format!("  {}: &{} [{refs}]\n", w[1], w[1]));
    }
    p.write("lol.yaml", &text);
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1);
    let (file, _, _, message) = parse_error(&report);
    assert_eq!(file, "lol.yaml");
    assert!(message.contains("alias"), "{message}");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_a_notification_and_the_scan_goes_on() {
    let p = Project::new();
    p.write("k8s/pod.yaml", GOOD_POD);
    std::os::unix::fs::symlink(p.path().join("k8s"), p.path().join("k8s/loop")).unwrap();
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert!(
        notifications(&report)
            .iter()
            .any(|n| n.contains("symlink loop")),
        "{:?}",
        notifications(&report)
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_in_scope_fails_the_gate() {
    // Root can read a mode-000 file, so the unreadable file is a dangling
    // symlink: in scope by name, impossible to read.
    let p = Project::new();
    std::os::unix::fs::symlink(p.path().join("missing-target.tf"), p.path().join("main.tf"))
        .unwrap();
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1, "{report:#}");
    let (file, line, column, message) = parse_error(&report);
    assert_eq!((file.as_str(), line, column), ("main.tf", 1, 1));
    assert!(message.contains("cannot read"), "{message}");
}

#[test]
fn a_nonexistent_path_is_exit_2() {
    let p = Project::new();
    let output = p.run(&["scan", "no/such/dir"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no/such/dir: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn a_broken_user_policy_is_exit_2_with_file_line_and_column() {
    let p = Project::new();
    p.write("k8s/pod.yaml", GOOD_POD);
    p.write(
        "policy/broken.rego",
        "package acme.broken\n\ndeny contains msg if {\n  msg := \n}\n",
    );
    let output = p.run(&["scan", ".", "--policy", "policy"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("policy/broken.rego:4:"), "{stderr}");
}

#[test]
fn a_user_rule_without_metadata_is_exit_2() {
    let p = Project::new();
    p.write("k8s/pod.yaml", GOOD_POD);
    p.write(
        "policy/rule.rego",
        "package acme.rule\n\ndeny contains \"x\" if { true }\n",
    );
    let output = p.run(&["scan", ".", "--policy", "policy"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("policy/rule.rego:1:1") && stderr.contains("METADATA"),
        "{stderr}"
    );
}

/// The reader leaving stops the writing, not the verdict: the exit code is
/// the one the same scan gives with its output read.
#[test]
fn a_closed_stdout_keeps_the_verdict() {
    use std::process::{Command, Stdio};
    let p = Project::new();
    // Enough findings that the report is larger than a pipe buffer.
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n"
        ));
    }
    p.write("many.yaml", &text);
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("scalegate"))
        .current_dir(p.path())
        .args(["scan", ".", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let read = p.run(&["scan", ".", "--format", "json"]);
    assert_eq!(read.status.code(), Some(1));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
}

/// A bucket with every required tag, so only what a test is about is found.
const TAGGED_BUCKET: &str = "resource \"aws_s3_bucket\" \"b\" {\n  tags = { owner = \"o\", environment = \"e\", \"cost-center\" = \"c\" }\n}\n";

#[test]
fn locals_that_double_a_value_end_unknown_instead_of_exhausting_memory() {
    let p = Project::new();
    let mut text = String::from("locals {\n  l0 = [\"xxxxxxxx\"]\n  s0 = \"abcdefgh\"\n");
    for i in 1..=64 {
        text.push_str(&format!(
            "  l{i} = concat(local.l{p}, local.l{p})\n  s{i} = \"${{local.s{p}}}${{local.s{p}}}\"\n",
            p = i - 1
        ));
    }
    text.push_str("}\n");
    text.push_str("resource \"aws_s3_bucket\" \"b\" {\n  bucket = local.s64\n  tags = { owner = \"o\", environment = \"e\", \"cost-center\" = \"c\", n = length(local.l64) }\n}\n");
    p.write("main.tf", text);
    let output = p.run(&["inspect", "."]);
    assert_eq!(output.status.code(), Some(0));
    let bundles: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let bucket = bundles[0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "aws_s3_bucket.b")
        .unwrap();
    assert_eq!(
        bucket["unknown"],
        serde_json::json!([["bucket"], ["tags", "n"]])
    );
}

#[test]
fn modules_that_call_each_other_are_still_evaluated() {
    let p = Project::new();
    p.write(
        "a/main.tf",
        format!("module \"b\" {{\n  source = \"../b\"\n}}\n{TAGGED_BUCKET}"),
    );
    p.write(
        "b/main.tf",
        "module \"a\" {\n  source = \"../a\"\n}\nresource \"aws_sqs_queue\" \"q\" {}\n",
    );
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 1, "b's untagged queue is found: {report:#}");
    assert_eq!(of_rule(&report, "SG-TAG-001").len(), 3);
    assert_eq!(
        notifications(&report),
        ["b/main.tf: module.b.module.a: a calls itself (directly or through other modules); not followed"]
    );
}

#[test]
fn a_module_calling_itself_is_a_note() {
    let p = Project::new();
    p.write(
        "main.tf",
        format!("module \"me\" {{\n  source = \"./\"\n}}\n{TAGGED_BUCKET}"),
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        notifications(&report),
        ["main.tf: module.me: . calls itself (directly or through other modules); not followed"]
    );
    assert!(of_rule(&report, "SG-PARSE-001").is_empty());
}

#[test]
fn a_huge_count_is_kept_once_as_unknown() {
    let p = Project::new();
    p.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  count = 100000000\n  tags = { owner = \"o\", environment = \"e\", \"cost-center\" = \"c\" }\n}\n",
    );
    let output = p.run(&["inspect", "."]);
    // Over the instance budget: kept once, and the file fails the gate.
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("main.tf:2:3: count is over the budget of 10000 instances; not expanded"),
        "{stderr}"
    );
    let bundles: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let resources = bundles[0]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1);
    assert_eq!(resources[0]["id"], "aws_s3_bucket.b");
    assert_eq!(resources[0]["unknown"], serde_json::json!([["count"]]));
}

#[test]
fn a_broken_child_module_file_fails_the_gate_and_the_caller_is_still_checked() {
    let p = Project::new();
    p.write(
        "live/main.tf",
        format!("module \"m\" {{\n  source = \"../modules/m\"\n}}\n{TAGGED_BUCKET}"),
    );
    p.write("modules/m/main.tf", "resource \"aws_sqs_queue\" \"q\" {\n");
    let (code, report, _) = p.scan_json(&["live"]);
    assert_eq!(code, 1);
    let (file, line, _, _) = parse_error(&report);
    // The end of the input, where the unclosed block stops the parser.
    assert_eq!((file.as_str(), line), ("modules/m/main.tf", 2));
}
