//! The GitHub Action as far as it can run here: `action.yml` has the
//! structure GitHub expects, and its scan step runs under bash with the
//! environment a runner sets (GITHUB_WORKSPACE, GITHUB_OUTPUT,
//! GITHUB_STEP_SUMMARY).

mod common;

use std::path::Path;
use std::process::Command;

use common::Project;
use scalegate::parse::yaml::{parse_documents, Limits, Typing};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn action() -> serde_json::Value {
    let text = std::fs::read_to_string(repo().join("action.yml")).unwrap();
    let docs = parse_documents(&text, Typing::Core, &Limits::YAML).expect("action.yml parses");
    let root = docs.into_iter().find_map(|d| d.root).expect("one document");
    serde_json::from_str(&root.to_value().to_json_str().unwrap()).unwrap()
}

#[test]
fn action_yml_is_a_composite_action_with_the_documented_inputs() {
    let action = action();
    let inputs: Vec<&str> = action["inputs"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        inputs,
        [
            "baseline",
            "category",
            "config",
            "fail-on",
            "paths",
            "policy",
            "sarif-file",
            "upload-sarif",
            "version"
        ]
    );
    for (name, input) in action["inputs"].as_object().unwrap() {
        assert!(
            input["description"].is_string(),
            "{name} has no description"
        );
    }
    assert_eq!(action["inputs"]["upload-sarif"]["default"], "true");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    for step in steps {
        if step.get("run").is_some() {
            assert_eq!(step["shell"], "bash", "{step}");
        } else {
            assert!(step["uses"].is_string(), "{step}");
        }
    }
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    let at = |name: &str| names.iter().position(|n| *n == name).unwrap();
    // The upload happens before the gate fails the job, and cannot fail it.
    let upload = &steps[at("Upload SARIF to code scanning")];
    assert!(upload["uses"]
        .as_str()
        .unwrap()
        .starts_with("github/codeql-action/upload-sarif@"));
    assert_eq!(upload["continue-on-error"], true);
    assert!(at("Upload SARIF to code scanning") < at("Gate"));
    assert_eq!(names.last(), Some(&"Gate"));
    assert!(steps[at("Scan")]["run"]
        .as_str()
        .unwrap()
        .contains("action/scan.sh"));
    assert!(
        steps[at("Build scalegate from the action's checkout")]["run"]
            .as_str()
            .unwrap()
            .contains("cargo install --locked --path")
    );
}

#[test]
fn the_scan_step_annotates_writes_sarif_and_summary_and_records_the_exit_code() {
    let p = Project::new();
    p.write(
        "infra/main.tf",
        "resource \"aws_sqs_queue\" \"jobs\" {\n  name = \"jobs\"\n}\n",
    );
    let output_file = p.path().join("github_output");
    let summary_file = p.path().join("step_summary.md");
    let out = Command::new("bash")
        .arg(repo().join("action/scan.sh"))
        .env("SCALEGATE_BIN", env!("CARGO_BIN_EXE_scalegate"))
        .env("GITHUB_WORKSPACE", p.path())
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("INPUT_PATHS", "infra\n")
        .env("INPUT_CATEGORY", "infra/")
        .env("INPUT_SARIF_FILE", "out.sarif")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the gate step fails the job, not this one"
    );
    assert!(
        stdout.contains("::warning file=infra/main.tf,line=1"),
        "{stdout}"
    );
    let outputs = std::fs::read_to_string(&output_file).unwrap();
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("sarif-written=true\n"), "{outputs}");
    assert!(outputs.contains("sarif-file=out.sarif\n"), "{outputs}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p.path().join("out.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["runs"][0]["automationDetails"]["id"], "infra/");
    let summary = std::fs::read_to_string(&summary_file).unwrap();
    assert!(summary.contains("scalegate"), "{summary}");

    // A broken input is exit 2, recorded the same way.
    let out = Command::new("bash")
        .arg(repo().join("action/scan.sh"))
        .env("SCALEGATE_BIN", env!("CARGO_BIN_EXE_scalegate"))
        .env("GITHUB_WORKSPACE", p.path())
        .env("GITHUB_OUTPUT", &output_file)
        .env("INPUT_PATHS", "does-not-exist")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&output_file)
        .unwrap()
        .contains("exit-code=2\n"));
}
