//! Hostile inputs end in a report and exit 1 or 2, never in an abort, a hang
//! or an unchecked value: budgets on evaluated values, on expansions and on
//! what is read, plus the values Terraform itself rejects or accepts.
//!
//! The memory-hungry inputs run under `prlimit --as` (util-linux), so an
//! unbounded allocation shows up as an abort (134) instead of swapping the
//! machine. Large inputs are generated here, never committed.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::{findings, Project};
use serde_json::Value;

/// Address space for one scan: far below what the inputs asked for before
/// they were budgeted (4 to 7 GB), above what a budgeted scan needs.
const ADDRESS_SPACE: &str = "--as=3000000000";

fn limited(project: &Project, args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("scalegate");
    let mut cmd = Command::new("prlimit");
    cmd.arg(ADDRESS_SPACE)
        .arg(bin)
        .args(args)
        .current_dir(project.path())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("SCALEGATE_NOW", common::TODAY);
    cmd.output().expect("prlimit runs")
}

/// Scans the project under the address-space limit: exit 1 and the report.
fn scan_limited(project: &Project) -> Value {
    let output = limited(project, &["scan", ".", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

fn parse_failures(report: &Value) -> Vec<(String, u64, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "SG-PARSE-001")
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_owned(),
                f["start_line"].as_u64().unwrap(),
                f["start_column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// One `replace()` that would build a 4 GiB string: the value is unknown,
/// the scan goes on.
#[test]
fn a_replace_chain_asking_for_gigabytes_becomes_unknown() {
    let project = Project::new();
    let a = "x".repeat(65_536);
    project.write(
        "main.tf",
        format!(
            "locals {{\n  a = \"{a}\"\n  b = replace(local.a, \"x\", local.a)\n}}\n\
             resource \"aws_s3_bucket\" \"b\" {{\n  bucket = local.b\n}}\n"
        ),
    );
    let report = scan_limited(&project);
    assert!(parse_failures(&report).is_empty(), "{report}");
    assert!(findings(&report)
        .iter()
        .any(|(rule, file, ..)| rule == "SG-TAG-001" && file == "main.tf"));
}

/// Three nested `dynamic` blocks over `range(1024)`: a billion blocks. The
/// one that goes over the budget is SG-PARSE-001 at its line.
#[test]
fn nested_dynamic_blocks_over_the_budget_are_a_parse_failure_at_the_block() {
    let project = Project::new();
    project.write(
        "main.tf",
        r#"resource "aws_security_group" "g" {
  dynamic "ingress" {
    for_each = range(1024)
    content {
      dynamic "a" {
        for_each = range(1024)
        content {
          dynamic "b" {
            for_each = range(1024)
            content { x = 1 }
          }
        }
      }
    }
  }
}
"#,
    );
    let report = scan_limited(&project);
    assert_eq!(
        parse_failures(&report),
        [(
            "main.tf".to_owned(),
            8,
            11,
            "dynamic blocks generate more than 10000 blocks in one instance; not expanded"
                .to_owned()
        )]
    );
}

/// A `count` past the instance budget fails at the `count` line.
#[test]
fn count_over_the_instance_budget_is_a_parse_failure_at_count() {
    let project = Project::new();
    project.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  count  = 20000\n}\n",
    );
    let report = scan_limited(&project);
    assert_eq!(
        parse_failures(&report),
        [(
            "main.tf".to_owned(),
            3,
            3,
            "count is over the budget of 10000 instances; not expanded".to_owned()
        )]
    );
}

/// `count = 10000` over a large value: the instances built are bounded by
/// the root's weight budget, reported at `count`.
#[test]
fn instances_over_the_root_weight_budget_are_a_parse_failure_at_count() {
    let project = Project::new();
    let big = "x".repeat(1 << 20);
    project.write(
        "main.tf",
        format!(
            "locals {{\n  big = \"{big}\"\n}}\n\
             resource \"aws_s3_bucket\" \"b\" {{\n  count  = 10000\n  bucket = local.big\n}}\n"
        ),
    );
    let report = scan_limited(&project);
    let failures = parse_failures(&report);
    assert_eq!(failures.len(), 1, "{failures:?}");
    let (file, line, column, message) = &failures[0];
    assert_eq!((file.as_str(), *line, *column), ("main.tf", 5, 3));
    assert!(
        message.starts_with(
            "the resources of this root module weigh more than 256 MB; aws_s3_bucket.b["
        ),
        "{message}"
    );
}

/// A 60 MB `.tf` and a 20 MB HCL list: over the HCL budget, reported
/// without being parsed.
#[test]
fn large_hcl_files_hit_the_hcl_budget_cleanly() {
    let project = Project::new();
    let mut list = String::from("locals {\n  l = [\n");
    let mut i = 0;
    while list.len() < 20 << 20 {
        list.push_str(&format!("    \"item-{i}\",\n"));
        i += 1;
    }
    list.push_str("  ]\n}\n");
    project.write("list/main.tf", &list);
    let mut big = String::new();
    let mut i = 0;
    while big.len() < 60 << 20 {
        big.push_str(&format!(
            "resource \"aws_s3_bucket\" \"b{i}\" {{\n  bucket = \"bucket-{i}\"\n}}\n"
        ));
        i += 1;
    }
    project.write("big/main.tf", &big);
    let report = scan_limited(&project);
    assert_eq!(
        parse_failures(&report),
        [
            (
                "big/main.tf".to_owned(),
                1,
                1,
                "file is 60 MB, over the 8 MB budget for HCL; not parsed".to_owned()
            ),
            (
                "list/main.tf".to_owned(),
                1,
                1,
                "file is 20 MB, over the 8 MB budget for HCL; not parsed".to_owned()
            ),
        ]
    );
}

/// `yes | scalegate scan -`: stdin is read up to the 64 MB budget.
#[test]
fn an_endless_stdin_is_read_up_to_the_file_budget() {
    let project = Project::new();
    let bin = assert_cmd::cargo::cargo_bin("scalegate");
    let mut child = Command::new("prlimit")
        .arg(ADDRESS_SPACE)
        .arg(bin)
        .args(["scan", "-", "--format", "json"])
        .current_dir(project.path())
        .env("SCALEGATE_NOW", common::TODAY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = "y\n".repeat(32 * 1024);
        // Ends when scalegate stops reading and closes the pipe.
        while stdin.write_all(chunk.as_bytes()).is_ok() {}
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        parse_failures(&report),
        [(
            "<stdin>".to_owned(),
            1,
            1,
            "stdin is over the 64 MB budget; not read".to_owned()
        )]
    );
}

/// `count` values Terraform rejects: SG-PARSE-001 at the `count` line.
#[test]
fn an_invalid_count_is_a_parse_failure_at_its_line() {
    for (count, why) in [
        ("-1", "-1 is less than zero"),
        ("1.5", "1.5 is not a whole number"),
        ("\"abc\"", "\"abc\" is not a number"),
    ] {
        let project = Project::new();
        project.write(
            "main.tf",
            format!(
                "resource \"aws_s3_bucket\" \"b\" {{\n  bucket = \"b\"\n  count = {count}\n}}\n"
            ),
        );
        let (code, report, _) = project.scan_json(&["."]);
        assert_eq!(code, 1, "{count}");
        assert_eq!(
            parse_failures(&report),
            [(
                "main.tf".to_owned(),
                3,
                3,
                format!("invalid count argument: {why}; count must be a whole number, 0 or more")
            )],
            "{count}"
        );
    }
}

#[test]
fn a_valid_count_is_not_a_failure() {
    let project = Project::new();
    project.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  count = \"2\"\n}\n",
    );
    let (_, report, _) = project.scan_json(&["."]);
    assert!(parse_failures(&report).is_empty(), "{report}");
}

/// A second `planned_values` would empty the plan: the plan fails at it.
#[test]
fn a_duplicate_key_in_a_plan_is_a_parse_failure_at_the_second_key() {
    let project = Project::new();
    let plan = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/terraform/plan/plan.json"),
    )
    .unwrap();
    let end = plan.trim_end().rfind('}').unwrap();
    let text = format!(
        "{},\n  \"planned_values\": {{}}\n}}\n",
        plan[..end].trim_end()
    );
    let line = text.lines().count() as u64 - 1;
    project.write("plan.json", &text);
    let (code, report, _) = project.scan_json(&["plan.json"]);
    assert_eq!(code, 1);
    assert_eq!(
        parse_failures(&report),
        [(
            "plan.json".to_owned(),
            line,
            3,
            "duplicate key \"planned_values\": a plan's objects never repeat a key, and the later value would hide the earlier".to_owned()
        )]
    );
}

/// kubectl rejects a manifest with a repeated key; scalegate checks the last
/// value, as the API machinery reads it, and warns at the repeat.
#[test]
fn a_duplicate_key_in_a_manifest_is_a_warning_at_the_second_key() {
    let project = Project::new();
    project.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  k: v\n",
    );
    let (_, report, _) = project.scan_json(&["."]);
    let warnings: Vec<_> = report["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == "warning")
        .map(|n| {
            (
                n["file"].as_str().unwrap().to_owned(),
                n["line"].as_u64().unwrap(),
                n["column"].as_u64().unwrap(),
                n["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        warnings,
        [(
            "cm.yaml".to_owned(),
            5,
            3,
            "duplicate key \"name\": kubectl rejects the file; the last value was checked"
                .to_owned()
        )]
    );
    assert!(parse_failures(&report).is_empty());
}

/// A merge key's entries may be overridden: that is no duplicate.
#[test]
fn overriding_a_merged_key_is_not_a_duplicate() {
    let project = Project::new();
    project.write(
        "cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  base: &base {k: v}\n  more:\n    <<: *base\n    k: w\n",
    );
    let (_, report, _) = project.scan_json(&["."]);
    let warnings = report["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["level"] == "warning")
        .count();
    assert_eq!(warnings, 0, "{report}");
}

/// Terraform reads numbers as arbitrary-precision floats: `1e400` is valid.
/// It parses, and its value is unknown (out of a 64-bit float's range).
#[test]
fn a_number_beyond_a_float_parses_and_is_unknown() {
    let project = Project::new();
    project.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"b\"\n  tags = { size = 1e400 }\n}\n",
    );
    let (_, report, _) = project.scan_json(&["."]);
    assert!(parse_failures(&report).is_empty(), "{report}");
    let output = project.run(&["inspect", ".", "--explain-unknown"]);
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("\"cause\": \"number 1e400 is out of range\""),
        "{text}"
    );
}

/// `count = 20` over a thousand tags: the tag rules look each key up rather
/// than compare it with every required key, so this finishes in seconds (it
/// ran for minutes when the cost grew with tags times required keys) and each
/// instance still gets its own finding from each tag rule, at the tag.
#[test]
fn many_instances_with_a_thousand_tags_are_all_checked() {
    const INSTANCES: usize = 20;
    let project = Project::new();
    // Three tags the rules act on, then filler keys up to 1,024.
    let filler: String = (0..1021)
        .map(|i| format!("    key{i:04} = \"value{i}\"\n"))
        .collect();
    project.write(
        "main.tf",
        format!(
            "resource \"aws_s3_bucket\" \"b\" {{\n  count  = {INSTANCES}\n  bucket = \"logs\"\n  tags = {{\n\
             \x20   owner       = \"team-a\"\n\
             \x20   Cost_Center = \"cc-1\"\n\
             \x20   environment = \"qa\"\n{filler}  }}\n}}\n"
        ),
    );
    let report = scan_limited(&project);
    let mut expected = Vec::new();
    for (rule, line, column) in [
        ("SG-AWS-009", 1, 1),
        ("SG-TAG-001", 4, 3),
        ("SG-TAG-003", 6, 19),
        ("SG-TAG-002", 7, 19),
    ] {
        expected
            .extend((0..INSTANCES).map(|_| (rule.to_owned(), "main.tf".to_owned(), line, column)));
    }
    let mut actual = findings(&report);
    actual.sort();
    expected.sort();
    assert_eq!(actual, expected);
    // One finding per instance, not one repeated.
    let near_misses: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "SG-TAG-003")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(near_misses.len(), INSTANCES);
    assert!(near_misses.contains(
        "aws_s3_bucket.b[19]: tag key \"Cost_Center\" differs from the required key \"cost-center\" only by case or separators, so it is a different tag"
    ));
}

/// Twelve files that each fit every per-file budget but together need more
/// than `--max-memory 64M`: the files parsed after the ceiling was reached
/// are SG-PARSE-001 at their first line, naming the ceiling, and every file
/// is accounted for (parsed, or reported as not checked).
#[test]
fn files_past_the_memory_ceiling_are_reported_not_dropped() {
    const FILES: usize = 12;
    let project = Project::new();
    let list: Vec<String> = (0..150_000).map(|i| i.to_string()).collect();
    let text = format!("locals {{\n  big = [{}]\n}}\n", list.join(","));
    for i in 0..FILES {
        project.write(&format!("f{i:02}.tf"), &text);
    }
    let output = limited(
        &project,
        &["scan", ".", "--format", "json", "--max-memory", "64M"],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["summary"]["files_scanned"], FILES);
    let failures = parse_failures(&report);
    assert!(!failures.is_empty(), "the ceiling was never reached");
    for (file, line, column, message) in &failures {
        assert!(file.starts_with('f') && file.ends_with(".tf"), "{file}");
        assert_eq!((*line, *column), (1, 1), "{file}");
        assert_eq!(
            message,
            "memory ceiling of 64M reached; not checked (raise it with --max-memory)"
        );
    }
    // The locals hold no resource: a parse failure is the only finding.
    assert_eq!(report["summary"]["findings"], failures.len());
}

/// The same repository under the default ceiling (2G) is scanned in full.
#[test]
fn the_default_memory_ceiling_leaves_ordinary_scans_alone() {
    let project = Project::new();
    let list: Vec<String> = (0..150_000).map(|i| i.to_string()).collect();
    for i in 0..3 {
        project.write(
            &format!("f{i}.tf"),
            format!("locals {{\n  big = [{}]\n}}\n", list.join(",")),
        );
    }
    let output = limited(&project, &["scan", ".", "--format", "json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["summary"]["files_scanned"], 3);
    assert_eq!(report["summary"]["findings"], 0);
}

/// A ceiling that is not a size, or too low for any scan, is a usage error.
#[test]
fn a_bad_memory_ceiling_is_a_usage_error() {
    let project = Project::new();
    project.write("main.tf", "locals {}\n");
    for (value, expected) in [
        (
            "lots",
            "scalegate: error: --max-memory \"lots\" is not a size; write bytes or a number with K, M or G, e.g. 2G or 512M",
        ),
        (
            "16M",
            "scalegate: error: --max-memory \"16M\" is below the least a scan needs (64M), e.g. 512M",
        ),
    ] {
        let output = limited(&project, &["scan", ".", "--max-memory", value]);
        assert_eq!(output.status.code(), Some(2), "{value}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr).trim_end(),
            expected,
            "{value}"
        );
        assert!(output.stdout.is_empty(), "{value}");
    }
}

/// Found by fuzzing `.tfvars`: objects left open two dozen deep made the
/// HCL parser backtrack (3 s of CPU in a release build, 84 s in debug).
/// Deeply open text is reported without running the parser; the scan runs
/// under a CPU-time limit far above what it needs now and far below what
/// the backtracking took, so a return of it fails here instead of hanging CI.
#[test]
fn text_left_open_deep_inside_brackets_is_reported_at_once() {
    const FOUND: &str = "n = fn<qe/gi<l<regiigkgi%{ if <l<EFEegkgi%{ ikgegii<EFE<l<rvar.nameEegkgi!=i%{ ifi<EFE<l<rvar.nameEegkgi<l<EFEegkni%{ if <l<rea.*.value%{h.value%{ngkgi<l<EFEegkni%{ if <l<rea.*.value%{h.value%{n<rekgi<l<regkgi<l<Eegkni%{ if <l<rea.*.value%{h.value%{ngkgi<l<EFEegkni%{ if <l<rea.*.value%{h.value%{n<rekgi<l<regkgi<l<regii<EFEF<EF <l<EFEegkgi%{ ikgegii<EFE<l<rvar.nameEegkgi<l<EFEegkni%{ if <l<rea.*.value%{h.value%{ngkgi<l<EFEegkni%{ if <l<rea.*.value%{h.value%{n<rekgi<l<regkgi<l<Eegkni%{ if <l<rea.*.value%{h.value%{ngkgi<l<EFEegkni%{ if <l<rea.*.value%{h.value%{n<rekgi<l<regkgi<l<regii<EFEF<EFEegkgFo";
    let project = Project::new();
    project.write("terraform.tfvars", FOUND);
    let bin = assert_cmd::cargo::cargo_bin("scalegate");
    let output = Command::new("prlimit")
        .args(["--cpu=20", ADDRESS_SPACE])
        .arg(bin)
        .args(["scan", ".", "--format", "json"])
        .current_dir(project.path())
        .env("SCALEGATE_NOW", common::TODAY)
        .output()
        .expect("prlimit runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(
        parse_failures(&report),
        [(
            "terraform.tfvars".to_owned(),
            1,
            604,
            "unclosed block or object `{` (opened at line 1, column 564): the file ends before it is closed".to_owned()
        )]
    );
}

/// Found by fuzzing `--var` values: an object left open inside two dozen
/// brackets made the HCL parser backtrack (2.3 s of CPU in a release build,
/// about a minute in debug). It stays the string it is, at once.
#[test]
fn a_var_left_open_deep_inside_brackets_is_a_string_at_once() {
    const FOUND: &str = "{{!---------------{!---------------9-----ac<l<reach.value%{n<rekreach.value%{n<rekge%{n<rekreach.value%{h.value%{n<rekge%{n8rekreach.valegn=gvr.4||nl<regkgi<l---9-----a----------9-----ac<l<reach.value%{n<rekreach.value%{n<rekge%{n<rekreach.value%{h.value%{n<rekge%{n8rekreach.valegn=gvr.4||nl<regkgi<l---9-----ac<l<reach.value%{n<rekreach.value%{n<rekge%{n<rekreach.value%{h.value%{n<rekge%{n8rekreach.valegn=gvr.4||nl<regkgi<l--------------c<l<reach.value%{n<rekreach.value%{n<rekge%{n<rekreach.value%{h.value%{n<rekge%{n8rekreach.valegn=gvr.4||nl<regkgi<l---------------y";
    let project = Project::new();
    project.write("main.tf", "variable \"tags\" {}\n");
    let bin = assert_cmd::cargo::cargo_bin("scalegate");
    let output = Command::new("prlimit")
        .args(["--cpu=20", ADDRESS_SPACE])
        .arg(bin)
        .args(["scan", ".", "--format", "json", "--var"])
        .arg(format!("tags={FOUND}"))
        .current_dir(project.path())
        .env("SCALEGATE_NOW", common::TODAY)
        .output()
        .expect("prlimit runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    assert_eq!(report["summary"]["findings"], 0);
}
