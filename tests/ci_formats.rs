//! The CI report formats as their consumers read them: the GitHub problem
//! matcher over `--format compact`, JUnit XML through `xmllint` and the
//! `junitparser` library, GitLab Code Quality against the fields the Code
//! Climate spec and GitLab require, and the side files (`--junit-file`,
//! `--gitlab-file`) against the standalone formats, byte for byte.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Project;
use regex::Regex;
use serde_json::Value;
// The writers' fixture names types through `crate::…`; these make those
// paths resolve here as they do inside the library.
#[allow(unused_imports)]
use scalegate::{fingerprint, model, source};

#[allow(dead_code)]
#[path = "../src/report/fixture.rs"]
mod fixture;

/// The demo repository's files, under a directory whose name holds a space
/// and a colon (what a problem matcher's file pattern must not stop at),
/// and a Deployment whose name holds `<&">` and a control character (what
/// XML must escape). Findings of every GitHub level, and suppressed ones.
fn project() -> Project {
    let project = Project::new();
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    for file in [
        "k8s/storefront.yaml",
        "k8s/image-worker.yaml",
        "infra/main.tf",
    ] {
        project.write(
            &format!("team a: shop/{file}"),
            std::fs::read(shop.join(file)).unwrap(),
        );
    }
    project.write(
        "odd/odd.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"web<&\\\">\\x01\"\n\
         spec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    \
         metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        \
         - name: web\n          image: nginx:1.27\n",
    );
    project
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8")
}

/// One matcher of `.github/scalegate-problem-matcher.json`.
struct Matcher {
    owner: String,
    severity: String,
    regex: Regex,
    groups: [usize; 5],
}

impl Matcher {
    /// `(file, line, column, code, message)` when the line matches.
    fn capture(&self, line: &str) -> Option<[String; 5]> {
        let caps = self.regex.captures(line)?;
        Some(self.groups.map(|g| caps[g].to_owned()))
    }
}

/// Loads the matcher file, checking what the Actions runner checks when
/// it is added (`IssueMatchersConfig.Validate`): unique non-empty owners,
/// a default severity it knows, and groups that exist.
fn matchers() -> Vec<Matcher> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/scalegate-problem-matcher.json");
    let config: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut owners = BTreeSet::new();
    let mut out = Vec::new();
    for m in config["problemMatcher"].as_array().expect("problemMatcher") {
        let owner = m["owner"].as_str().expect("owner").to_owned();
        assert!(
            !owner.is_empty() && owners.insert(owner.to_lowercase()),
            "{owner}"
        );
        let severity = m["severity"].as_str().expect("severity").to_owned();
        assert!(
            ["error", "warning", "notice"].contains(&severity.as_str()),
            "{severity}"
        );
        let patterns = m["pattern"].as_array().expect("pattern");
        assert_eq!(
            patterns.len(),
            1,
            "one line per finding: single-line matchers"
        );
        let pattern = &patterns[0];
        assert!(
            pattern.get("severity").is_none(),
            "the runner drops severities other than error/warning/notice"
        );
        let regex = Regex::new(pattern["regexp"].as_str().unwrap()).unwrap();
        let groups = ["file", "line", "column", "code", "message"].map(|key| {
            let g = pattern[key]
                .as_u64()
                .unwrap_or_else(|| panic!("{owner}: no {key}")) as usize;
            assert!(
                g > 0 && g < regex.captures_len(),
                "{owner}: {key} group {g}"
            );
            g
        });
        out.push(Matcher {
            owner,
            severity,
            regex,
            groups,
        });
    }
    assert_eq!(out.len(), 3);
    out
}

#[test]
fn problem_matcher_reads_each_compact_line_as_its_finding() {
    let project = project();
    let output = project.run(&[
        "scan",
        ".",
        "--format",
        "compact",
        "--show-suppressed",
        "--json-file",
        "report.json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(project.path().join("report.json")).unwrap())
            .unwrap();
    let findings = report["findings"].as_array().unwrap();
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    // --show-suppressed: every finding, one line each, in report order.
    assert_eq!(lines.len(), findings.len(), "{out}");
    let matchers = matchers();
    let mut levels = BTreeSet::new();
    let mut suppressed = 0;
    for (line, f) in lines.iter().zip(findings) {
        let matched: Vec<(&Matcher, [String; 5])> = matchers
            .iter()
            .filter_map(|m| m.capture(line).map(|c| (m, c)))
            .collect();
        if f["suppressed"] == true {
            suppressed += 1;
            assert!(
                matched.is_empty(),
                "a suppressed finding is annotated: {line}"
            );
            continue;
        }
        assert_eq!(matched.len(), 1, "{line}");
        let (matcher, captured) = &matched[0];
        let severity = scalegate::model::Severity::parse(f["severity"].as_str().unwrap()).unwrap();
        assert_eq!(
            matcher.severity,
            scalegate::report::github::command(severity),
            "{}: {line}",
            matcher.owner
        );
        levels.insert(matcher.severity.clone());
        assert_eq!(
            captured,
            &[
                f["file"].as_str().unwrap().to_owned(),
                f["start_line"].to_string(),
                f["start_column"].to_string(),
                f["rule_id"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            ],
            "{line}"
        );
    }
    assert_eq!(suppressed, 2);
    assert_eq!(
        levels.len(),
        3,
        "every GitHub level is exercised: {levels:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("team a: shop/k8s/storefront.yaml:")),
        "{out}"
    );
    // stderr: the summary and notifications, which no matcher takes.
    let err = stderr(&output);
    assert!(
        err.ends_with(" suppressed\n") && err.starts_with("scalegate: "),
        "{err}"
    );
    for line in err.lines() {
        assert!(matchers.iter().all(|m| m.capture(line).is_none()), "{line}");
    }
}

/// `xmllint`, or `None` outside CI (the caller skips, loudly). In CI (`CI`
/// set) a missing xmllint fails: `.ci/run` installs it.
fn xmllint() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("xmllint"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "xmllint is not installed; .ci/run installs it (Debian's libxml2-utils)"
        );
        eprintln!("SKIPPED: xmllint is not installed (apt-get install libxml2-utils); the JUnit report was not checked for well-formedness");
    }
    found
}

/// Runs `xmllint --noout` on `file` (see [`xmllint`] for when it skips).
fn assert_well_formed(file: &Path) {
    let Some(xmllint) = xmllint() else {
        return;
    };
    let check = Command::new(xmllint)
        .arg("--noout")
        .arg(file)
        .output()
        .unwrap();
    assert!(
        check.status.success() && check.stderr.is_empty(),
        "{}: {}",
        file.display(),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn junit_report_is_well_formed_xml() {
    let project = project();
    let output = project.run(&["scan", ".", "--format", "junit", "-o", "report.xml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_well_formed(&project.path().join("report.xml"));
}

/// A message holding markup, quotes and control characters: well-formed,
/// and read back as written but for the controls' visible stand-ins.
#[test]
fn junit_escapes_markup_and_control_characters_in_messages() {
    let mut report = fixture::report();
    let acme = report.rule_ref("ACME-001").unwrap();
    let finding = report.findings.iter_mut().find(|f| f.rule == acme).unwrap();
    finding.message = "bucket <&\"'> \u{1}\u{1b}[8m\tend".to_owned();
    let xml = scalegate::report::render(
        &report,
        scalegate::report::OutputFormat::Junit,
        &scalegate::report::RenderOptions::default(),
    );
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scalegate-escaping.xml");
    std::fs::write(&file, &xml).unwrap();
    assert_well_formed(&file);
    let read = read_back(&file);
    let case = &suite(&read, "ACME-001")["cases"][0];
    assert_eq!(case["outcome"], "Failure");
    assert_eq!(case["message"], "bucket <&\"'> \u{2401}\u{241b}[8m\tend");
    assert_eq!(
        case["text"].as_str().unwrap().lines().next().unwrap(),
        // The compact line puts a tab as a space: one finding, one line.
        "infra/main.tf:7:10: critical[ACME-001] bucket <&\"'> \u{2401}\u{241b}[8m end"
    );
    assert_eq!(read["written"], serde_json::json!([8, 6, 0, 1]));
}

/// The python of a venv with junitparser (`.ci/install-junitparser`,
/// pinned; it installs once and is a no-op after).
fn junitparser_python() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join(".ci/install-junitparser"))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        ".ci/install-junitparser failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

/// What junitparser reads: the counts as written and as counted from the
/// cases, and every case with its outcome.
const READ_BACK: &str = r#"
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
suites = []
for suite in xml:
    cases = []
    for case in suite:
        result = case.result[0] if case.result else None
        cases.append({
            "name": case.name, "classname": case.classname,
            "outcome": type(result).__name__ if result is not None else "Passed",
            "message": result.message if result is not None else None,
            "type": result.type if result is not None else None,
            "text": result.text if result is not None else None,
            "system_out": case.system_out,
        })
    suites.append({"name": suite.name, "written": [suite.tests, suite.failures, suite.errors, suite.skipped], "cases": cases})
print(json.dumps({"written": [xml.tests, xml.failures, xml.errors, xml.skipped], "suites": suites}))
"#;

/// The rule id a suite is named after (`SG-K8S-008 (pdb-coverage)`).
fn rule_of(suite: &Value) -> &str {
    suite["name"].as_str().unwrap().split(' ').next().unwrap()
}

/// The suite of a rule, as junitparser read it.
fn suite<'a>(xml: &'a Value, rule: &str) -> &'a Value {
    xml["suites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| rule_of(s) == rule)
        .unwrap_or_else(|| panic!("no suite for {rule}"))
}

/// The JUnit report at `file` as junitparser reads it ([`READ_BACK`]).
fn read_back(file: &Path) -> Value {
    let read = Command::new(junitparser_python())
        .arg("-c")
        .arg(READ_BACK)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        read.status.success(),
        "{}",
        String::from_utf8_lossy(&read.stderr)
    );
    serde_json::from_slice(&read.stdout).unwrap()
}

#[test]
fn junit_report_is_read_back_by_junitparser() {
    let project = project();
    let output = project.run(&[
        "scan",
        ".",
        "--format",
        "junit",
        "--fail-on",
        "medium",
        "-o",
        "report.xml",
        "--json-file",
        "report.json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let xml = read_back(&project.path().join("report.xml"));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(project.path().join("report.json")).unwrap())
            .unwrap();

    // The written counts are the counted ones, per suite and in total.
    let mut total = [0u64; 4];
    let mut failing = BTreeSet::new();
    for suite in xml["suites"].as_array().unwrap() {
        let cases = suite["cases"].as_array().unwrap();
        let count = |outcome: &str| cases.iter().filter(|c| c["outcome"] == outcome).count() as u64;
        let counted = [
            cases.len() as u64,
            count("Failure"),
            count("Error"),
            count("Skipped"),
        ];
        assert_eq!(
            suite["written"],
            serde_json::json!(counted),
            "{}",
            suite["name"]
        );
        for (t, c) in total.iter_mut().zip(counted) {
            *t += c;
        }
        let id = rule_of(suite).to_owned();
        for case in cases.iter().filter(|c| c["outcome"] == "Failure") {
            failing.insert((
                id.clone(),
                case["classname"].as_str().unwrap().to_owned(),
                case["name"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert_eq!(xml["written"], serde_json::json!(total));
    assert_eq!(
        total[3], 1,
        "the suppressed probes of image-worker are one skipped case"
    );

    // The failing cases are the rule, file and resource of each finding
    // that fails the gate (medium), and nothing else.
    let expected: BTreeSet<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["suppressed"] == false
                && ["critical", "high", "medium"].contains(&f["severity"].as_str().unwrap())
        })
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                // XML cannot carry the control character: the report
                // writes its visible stand-in, as the text report does.
                f["resource"].as_str().unwrap().replace('\u{1}', "\u{2401}"),
            )
        })
        .collect();
    assert_eq!(failing, expected);

    // Markup, quotes and a control character come back as written, the
    // control character as its visible stand-in.
    let odd = suite(&xml, "SG-K8S-008")["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["classname"] == "odd/odd.yaml")
        .unwrap();
    assert_eq!(odd["name"], "apps/Deployment/_/web<&\">\u{2401}");
    assert_eq!(odd["outcome"], "Failure");
    assert_eq!(odd["type"], "medium");
    assert_eq!(
        odd["message"],
        "Deployment \"web<&\\\">\\x01\" has 3 replicas but no PodDisruptionBudget in odd selects its pods"
    );
    assert_eq!(
        odd["text"].as_str().unwrap().lines().next().unwrap(),
        "odd/odd.yaml:7:3: medium[SG-K8S-008] Deployment \"web<&\\\">\\x01\" has 3 replicas but no PodDisruptionBudget in odd selects its pods"
    );
    // Below the gate: passed, the finding in the case's output.
    let case = &suite(&xml, "SG-K8S-011")["cases"][0];
    assert_eq!(case["outcome"], "Passed");
    assert!(
        case["system_out"]
            .as_str()
            .unwrap()
            .contains(": low[SG-K8S-011] "),
        "{case}"
    );
    // A rule that found nothing is one passing case, so no suite is empty.
    assert_eq!(
        suite(&xml, "SG-AWS-001")["cases"],
        serde_json::json!([{
            "name": "no findings", "classname": ".", "outcome": "Passed",
            "message": null, "type": null, "text": null, "system_out": null,
        }])
    );
}

#[test]
fn junit_failures_follow_the_gate_of_the_config() {
    let project = project();
    project.write(".scalegate.yaml", "fail_on: high\n");
    let output = project.run(&["scan", ".", "--format", "junit"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let xml = stdout(&output);
    // Only SG-STL-001 (high) in image-worker fails; every medium passes.
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(
        xml.contains(
            "<failure message=\"Deployment &quot;image-worker&quot; mounts the hostPath volume"
        ),
        "{xml}"
    );
}

/// The Code Climate spec's categories.
const CATEGORIES: [&str; 8] = [
    "Bug Risk",
    "Clarity",
    "Compatibility",
    "Complexity",
    "Duplication",
    "Performance",
    "Security",
    "Style",
];

#[test]
fn gitlab_report_has_the_fields_code_climate_and_gitlab_require() {
    let project = project();
    let output = project.run(&[
        "scan",
        ".",
        "--format",
        "gitlab",
        "--json-file",
        "report.json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let issues: Vec<Value> = serde_json::from_str(&stdout(&output)).unwrap();
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(project.path().join("report.json")).unwrap())
            .unwrap();
    let unsuppressed: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"] == false)
        .collect();
    assert_eq!(issues.len(), unsuppressed.len());
    let mut fingerprints = BTreeSet::new();
    for (issue, f) in issues.iter().zip(&unsuppressed) {
        // Code Climate: type, check_name, description (one line),
        // categories (one or more, from the list), location.
        assert_eq!(issue["type"], "issue");
        assert_eq!(issue["check_name"], f["rule_id"]);
        let description = issue["description"].as_str().unwrap();
        assert!(!description.is_empty() && !description.contains('\n'));
        assert_eq!(description, f["message"].as_str().unwrap());
        let categories = issue["categories"].as_array().unwrap();
        assert!(!categories.is_empty());
        assert!(categories
            .iter()
            .all(|c| CATEGORIES.contains(&c.as_str().unwrap())));
        // GitLab: fingerprint (unique in the report), severity,
        // location.path and location.lines.begin.
        let fingerprint = issue["fingerprint"].as_str().unwrap();
        assert_eq!(fingerprint, f["fingerprint"].as_str().unwrap());
        assert!(
            fingerprints.insert(fingerprint.to_owned()),
            "duplicate {fingerprint}"
        );
        let severity = scalegate::model::Severity::parse(f["severity"].as_str().unwrap()).unwrap();
        assert_eq!(
            issue["severity"],
            scalegate::report::gitlab::severity(severity)
        );
        let location = &issue["location"];
        assert_eq!(location["path"], f["file"]);
        assert!(!location["path"].as_str().unwrap().starts_with('/'));
        assert_eq!(location["lines"]["begin"], f["start_line"]);
        assert!(
            location["lines"]["end"].as_u64().unwrap()
                >= location["lines"]["begin"].as_u64().unwrap()
        );
    }
    assert!(issues.len() > 10, "{}", issues.len());
}

#[test]
fn one_run_writes_every_side_report_as_the_standalone_formats_do() {
    let project = project();
    let output = project.run(&[
        "scan",
        ".",
        "--fail-on",
        "medium",
        "--format",
        "compact",
        "-o",
        "out.txt",
        "--sarif-file",
        "side.sarif",
        "--json-file",
        "side.json",
        "--junit-file",
        "side.xml",
        "--gitlab-file",
        "side-gl.json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    for (format, file) in [
        ("compact", "out.txt"),
        ("sarif", "side.sarif"),
        ("json", "side.json"),
        ("junit", "side.xml"),
        ("gitlab", "side-gl.json"),
    ] {
        let alone = project.run(&["scan", ".", "--fail-on", "medium", "--format", format]);
        assert_eq!(alone.status.code(), Some(1), "{format}");
        let written = std::fs::read(project.path().join(file)).unwrap();
        assert!(!written.is_empty(), "{format}");
        assert!(
            written == alone.stdout,
            "{file} differs from --format {format}"
        );
    }
}

#[test]
fn the_documented_gitlab_job_writes_the_reports_it_uploads() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/gitlab-ci.md"))
            .unwrap();
    let command = doc
        .lines()
        .find_map(|l| l.trim().strip_prefix("- scalegate "))
        .expect("the job's script runs scalegate");
    let args: Vec<&str> = command.split_whitespace().collect();
    let project = project();
    let output = project.run(&args);
    // The gate fails on the demo's medium findings; the log has them.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).contains(": medium[SG-K8S-008] "));
    // What the job uploads is what the run wrote.
    for (report, format) in [
        ("codequality: gl-code-quality.json", "gitlab"),
        ("junit: scalegate-junit.xml", "junit"),
    ] {
        assert!(doc.contains(report), "{report}");
        let file = report.split(": ").nth(1).unwrap();
        let alone = project.run(&["scan", ".", "--fail-on", "medium", "--format", format]);
        assert!(
            std::fs::read(project.path().join(file)).unwrap() == alone.stdout,
            "{file}"
        );
    }
}
