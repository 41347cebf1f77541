//! Reviewer mode and rule selection: `scan --no-config` reads nothing the
//! scanned repository says about how to scan it (its `.scalegate.yaml`,
//! `.scalegate-ignore.yaml`, comments, annotations, the programs its config
//! names), only the reviewer's own `--config`; every report says which
//! configuration applied; `--rule` / `--skip-rule` choose the rules run.
//!
//! Each source of repository configuration gets one test, run both ways:
//! without `--no-config` it changes the result (so the test can fail), with
//! it the result is the plain one. `--rule pdb-coverage` keeps each to one
//! known finding.

mod common;

use std::path::Path;

use common::Project;
use common::DEPLOYMENT_WITHOUT_PDB as WEB;
use serde_json::{json, Value};

/// The one finding of [`WEB`] as `rule file:line:col-line:col suppression`.
const WEB_FINDING: &str = "SG-K8S-008 k8s/web.yaml:8:3-8:11";

/// `rule file:line:col-line:col` and the suppression kind (or `-`) of
/// every finding.
fn rows(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let kind = f["suppression"]["kind"].as_str().unwrap_or("-");
            format!("{} {kind}", common::located(f))
        })
        .collect()
}

fn project_with_web() -> Project {
    let project = Project::new();
    project.write("k8s/web.yaml", WEB);
    project
}

/// `configuration` of a JSON report with the reviewer's flags.
const IGNORED: &str = "ignored";

#[test]
fn a_root_config_with_fail_on_never_passes_the_gate_until_no_config() {
    let project = project_with_web();
    project.write(".scalegate.yaml", "fail_on: never\n");
    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage"]);
    assert_eq!(code, 0, "the repository's config turned the gate off");
    assert_eq!(rows(&report), [format!("{WEB_FINDING} -")]);
    assert_eq!(
        report["configuration"]["config"],
        json!({
            "path": ".scalegate.yaml",
            "source": "found",
            "fail_on": "never",
            "rules_off": [],
            "severity_overrides": {},
            "exclude": [],
        })
    );
    assert_eq!(report["configuration"]["repository_config"], "applied");

    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage", "--no-config"]);
    assert_eq!(code, 1);
    assert_eq!(rows(&report), [format!("{WEB_FINDING} -")]);
    assert_eq!(report["configuration"]["repository_config"], IGNORED);
    assert_eq!(report["configuration"]["config"], Value::Null);
}

#[test]
fn a_config_found_by_walking_up_from_a_subdirectory_is_ignored_too() {
    // The config turns the rule off and excludes nothing else; run from
    // inside `k8s/`, it is found by walking up.
    let project = project_with_web();
    project.write(".scalegate.yaml", "rules:\n  pdb-coverage: off\n");
    let run = |extra: &[&str]| {
        let mut cmd = assert_cmd::Command::cargo_bin("scalegate").unwrap();
        cmd.current_dir(project.path().join("k8s"))
            .args(["scan", ".", "--rule", "SG-K8S-00[78]", "--format", "json"])
            .args(extra)
            .env("NO_COLOR", "1")
            .env("SCALEGATE_NOW", common::TODAY);
        let output = cmd.output().unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap();
        (output.status.code().unwrap(), report)
    };
    let (code, report) = run(&[]);
    assert_eq!(code, 0);
    assert!(rows(&report).is_empty(), "{:?}", rows(&report));
    assert_eq!(
        report["configuration"]["config"]["rules_off"],
        json!(["SG-K8S-008"])
    );
    let (code, report) = run(&["--no-config"]);
    assert_eq!(code, 1);
    assert_eq!(rows(&report), [format!("{WEB_FINDING} -")]);
}

#[test]
fn the_ignore_file_is_not_read_at_all_in_reviewer_mode() {
    let project = project_with_web();
    project.write(
        ".scalegate-ignore.yaml",
        "ignore:\n  - rule: pdb-coverage\n    paths: [\"k8s/**\"]\n    reason: \"the mesh drains pods\"\n",
    );
    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage"]);
    assert_eq!(code, 0);
    assert_eq!(rows(&report), [format!("{WEB_FINDING} file")]);
    assert_eq!(
        report["configuration"]["ignore_file"],
        json!({"path": ".scalegate-ignore.yaml", "suppressed": 1})
    );

    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage", "--no-config"]);
    assert_eq!(code, 1);
    assert_eq!(rows(&report), [format!("{WEB_FINDING} -")]);
    assert_eq!(report["configuration"]["ignore_file"], Value::Null);

    // Not even parsed: a broken ignore file stops a normal scan (exit 2)
    // and is no concern of a reviewer's.
    project.write(
        ".scalegate-ignore.yaml",
        "ignore:\n  - rule: no-such-rule\n",
    );
    let output = project.run(&["scan", "--rule", "pdb-coverage"]);
    assert_eq!(output.status.code(), Some(2));
    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage", "--no-config"]);
    assert_eq!(code, 1);
    assert_eq!(rows(&report), [format!("{WEB_FINDING} -")]);
}

#[test]
fn a_suppression_comment_does_not_apply_in_reviewer_mode() {
    let project = Project::new();
    project.write(
        "k8s/web.yaml",
        WEB.replace(
            "  selector:\n",
            "  # scalegate:ignore pdb-coverage reason=\"drained by the mesh\"\n  selector:\n",
        ),
    );
    let finding = "SG-K8S-008 k8s/web.yaml:9:3-9:11";
    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage"]);
    assert_eq!(code, 0);
    assert_eq!(rows(&report), [format!("{finding} inline")]);
    assert_eq!(report["configuration"]["suppressed_inline"], 1);
    assert_eq!(report["configuration"]["inline_suppressions"], "applied");

    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage", "--no-config"]);
    assert_eq!(code, 1);
    assert_eq!(rows(&report), [format!("{finding} -")]);
    assert_eq!(report["configuration"]["suppressed_inline"], 0);
    assert_eq!(report["configuration"]["inline_suppressions"], IGNORED);
}

#[test]
fn a_suppression_annotation_does_not_apply_in_reviewer_mode() {
    let project = Project::new();
    project.write(
        "k8s/web.yaml",
        WEB.replace(
            "  namespace: shop\n",
            "  namespace: shop\n  annotations:\n    scalegate.dev/ignore.SG-K8S-008: 'reason=\"drained by the mesh\"'\n",
        ),
    );
    let finding = "SG-K8S-008 k8s/web.yaml:10:3-10:11";
    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage"]);
    assert_eq!(code, 0);
    assert_eq!(rows(&report), [format!("{finding} annotation")]);
    assert_eq!(report["configuration"]["suppressed_by_annotation"], 1);

    let (code, report, _) = project.scan_json(&["--rule", "pdb-coverage", "--no-config"]);
    assert_eq!(code, 1);
    assert_eq!(rows(&report), [format!("{finding} -")]);
    assert_eq!(report["configuration"]["suppressed_by_annotation"], 0);
}

/// A stand-in for Helm: says it is 3.14, records that it ran in `marker`,
/// and renders one Deployment for `template`.
#[cfg(unix)]
fn fake_helm(path: &Path, marker: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let manifest = format!("---\n# Source: web/templates/deploy.yaml\n{WEB}");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!(
            "#!/bin/sh\necho ran >> '{}'\nif [ \"$1\" = version ]; then echo v3.14.0; exit 0; fi\ncat <<'EOF'\n{manifest}EOF\n",
            marker.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn the_repository_config_cannot_choose_the_helm_program_in_reviewer_mode() {
    let project = Project::new();
    project.write(
        "charts/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    project.write("charts/web/templates/deploy.yaml", WEB);
    let theirs = project.path().join("repo-marker");
    let ours_marker = project.path().join("reviewer-marker");
    fake_helm(&project.path().join("tools/helm"), &theirs);
    let reviewer = tempfile::tempdir().unwrap();
    let ours = reviewer.path().join("helm");
    fake_helm(&ours, &ours_marker);
    project.write(".scalegate.yaml", "helm:\n  binary: tools/helm\n");

    // Without --no-config the repository's program runs.
    let (code, report, stderr) = project.scan_json(&["--rule", "pdb-coverage"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(theirs.exists());
    assert_eq!(
        rows(&report),
        ["SG-K8S-008 charts/web/templates/deploy.yaml:8:3-8:11 -"]
    );
    std::fs::remove_file(&theirs).unwrap();

    // In reviewer mode only the reviewer's --helm-bin runs (or `helm` on
    // PATH); the repository's never does.
    let (code, report, stderr) = project.scan_json(&[
        "--rule",
        "pdb-coverage",
        "--no-config",
        "--helm-bin",
        ours.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!theirs.exists(), "the repository's helm.binary ran");
    assert!(ours_marker.exists());
    assert_eq!(
        rows(&report),
        ["SG-K8S-008 charts/web/templates/deploy.yaml:8:3-8:11 -"]
    );
}

#[test]
fn the_reviewers_own_config_applies_and_the_root_stays_the_scanned_tree() {
    let project = project_with_web();
    project.write(".scalegate.yaml", "fail_on: never\n");
    let reviewer = tempfile::tempdir().unwrap();
    let config = reviewer.path().join("review.yaml");
    std::fs::write(&config, "fail_on: high\nrules:\n  pdb-coverage: high\n").unwrap();
    let config = config.to_str().unwrap();
    let (code, report, _) =
        project.scan_json(&["--rule", "pdb-coverage", "--no-config", "--config", config]);
    assert_eq!(code, 1, "pdb-coverage is high in the reviewer's config");
    // Paths are the scanned tree's, not relative to the reviewer's file.
    assert_eq!(rows(&report), [format!("{WEB_FINDING} -")]);
    assert_eq!(report["findings"][0]["severity"], "high");
    assert_eq!(
        report["configuration"]["config"],
        json!({
            "path": config,
            "source": "--config",
            "fail_on": "high",
            "rules_off": [],
            "severity_overrides": {"SG-K8S-008": "high"},
            "exclude": [],
        })
    );
}

#[test]
fn every_format_says_the_repository_configuration_was_ignored() {
    let project = project_with_web();
    // Every rule but pdb-coverage, SG-META-001 and SG-PARSE-001.
    let rules = project.run(&["rules"]).stdout;
    let not_run = String::from_utf8(rules).unwrap().lines().count() - 3;
    let output = project.run(&["scan", "--no-config", "--rule", "pdb-coverage"]);
    let text = String::from_utf8(output.stdout).unwrap();
    let tail: Vec<&str> = text.lines().rev().take(2).collect();
    let line = format!(
        "configuration: repository configuration ignored (--no-config): no .scalegate.yaml, \
         .scalegate-ignore.yaml, comment or annotation of the scanned tree applied; \
         {not_run} rules not run (--rule/--skip-rule)"
    );
    assert_eq!(
        tail,
        [
            "1 finding (1 medium) in 1 file scanned, 1 resource",
            line.as_str(),
        ]
    );

    let output = project.run(&[
        "scan",
        "--no-config",
        "--skip-rule",
        "SG-TAG-*",
        "--format",
        "sarif",
    ]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let configuration = &sarif["runs"][0]["properties"]["scalegate/configuration"];
    assert_eq!(configuration["repository_config"], IGNORED);
    assert_eq!(configuration["inline_suppressions"], IGNORED);
    assert_eq!(
        configuration["skipped_rules"],
        json!([
            "SG-TAG-001",
            "SG-TAG-002",
            "SG-TAG-003",
            "SG-TAG-004",
            "SG-TAG-005"
        ])
    );

    let summary = project.path().join("summary.md");
    let mut cmd = assert_cmd::Command::cargo_bin("scalegate").unwrap();
    cmd.current_dir(project.path())
        .args([
            "scan",
            "--no-config",
            "--rule",
            "pdb-coverage",
            "--format",
            "github",
        ])
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("SCALEGATE_NOW", common::TODAY);
    cmd.output().unwrap();
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(
        summary.contains(&format!("\nC{}.\n", &line[1..])),
        "{summary}"
    );
}

#[test]
fn inspect_takes_no_config_too() {
    // The repository's config excludes its manifests: `inspect` shows no
    // bundle until its config is ignored.
    let project = project_with_web();
    project.write(".scalegate.yaml", "exclude: [\"k8s/**\"]\n");
    let ids = |args: &[&str]| -> Vec<String> {
        let output = project.run(args);
        assert_eq!(output.status.code(), Some(0));
        let bundles: Value = serde_json::from_slice(&output.stdout).unwrap();
        bundles
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["resources"].as_array().unwrap().clone())
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ids(&["inspect"]).is_empty());
    assert_eq!(
        ids(&["inspect", "--no-config"]),
        ["apps/Deployment/shop/web"]
    );
}
