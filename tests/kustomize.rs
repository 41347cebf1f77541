//! Kustomize overlays rendered as they are deployed: findings on the base or
//! patch line a person edits, the patch that last changed the value related,
//! bases judged only through their overlays, builds that cannot run failing
//! the gate, and file arguments selecting the roots that read them.
//!
//! The fixture `fixtures/kustomize` is a base (1 replica, untagged image)
//! with a `prod` overlay (4 replicas, pinned image, a strategic-merge patch
//! that adds resources and switches to Recreate, a JSON 6902 patch that adds
//! probes) and a `staging` overlay (1 replica, image tag `latest`).

mod common;

use common::tools::tool;
use common::{notifications, Project};
use serde_json::Value;

/// `scalegate scan ARGS --format json --kustomize-bin <kubectl>`.
fn scan(p: &Project, args: &[&str]) -> (i32, Value) {
    let kubectl = tool("kubectl");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--kustomize-bin", kubectl.to_str().unwrap()]);
    let (code, report, stderr) = p.scan_json(&all);
    assert!(!stderr.contains("error:"), "{stderr}");
    (code, report)
}

/// Each finding as `rule bundle file:line:col-line:col`, then its related
/// locations the same way, indented.
fn described(report: &Value) -> Vec<String> {
    let region = |v: &Value| {
        format!(
            "{}:{}:{}-{}:{}",
            v["file"].as_str().unwrap(),
            v["start_line"],
            v["start_column"],
            v["end_line"],
            v["end_column"]
        )
    };
    let mut out = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        out.push(format!(
            "{} {} {}",
            f["rule_id"].as_str().unwrap(),
            f["bundle"].as_str().unwrap_or("-"),
            region(f)
        ));
        for r in f["related"].as_array().unwrap() {
            out.push(format!(
                "  {} ({})",
                region(r),
                r["message"].as_str().unwrap()
            ));
        }
    }
    out
}

#[test]
fn overlays_are_judged_as_rendered_on_the_base_and_patch_lines() {
    let p = Project::fixture("kustomize");
    let (code, report) = scan(&p, &["."]);
    assert_eq!(code, 1);
    // The base is not a bundle of its own: its untagged image and single
    // replica are reported only where an overlay leaves them so (staging),
    // and prod's 4 replicas bring the PDB, spread and rollout findings.
    assert_eq!(
        described(&report),
        [
            "SG-K8S-012 overlays/prod base/deployment.yaml:8:1-8:5",
            "  overlays/prod/deployment-patch.yaml:7:5-7:19 (last changed by the patch overlays/prod/deployment-patch.yaml)",
            "SG-K8S-003 overlays/staging base/deployment.yaml:9:13-9:14",
            "  overlays/staging/kustomization.yaml:5:5-5:13 (replicas set by overlays/staging/kustomization.yaml)",
            "SG-K8S-008 overlays/prod base/deployment.yaml:10:3-10:11",
            "SG-K8S-011 overlays/prod base/deployment.yaml:18:5-18:9",
            "SG-K8S-002 overlays/staging base/deployment.yaml:20:11-20:15",
            "SG-K8S-002 overlays/staging base/deployment.yaml:20:11-20:15",
            "SG-K8S-002 overlays/staging base/deployment.yaml:20:11-20:15",
            "SG-K8S-010 overlays/staging base/deployment.yaml:20:11-20:15",
            "SG-K8S-010 overlays/staging base/deployment.yaml:20:11-20:15",
            "SG-K8S-013 overlays/staging base/deployment.yaml:21:18-21:29",
            "  overlays/staging/kustomization.yaml:8:5-8:19 (image set by overlays/staging/kustomization.yaml)",
        ]
    );
    let image = &common::of_rule(&report, "SG-K8S-013")[0];
    assert!(
        image["message"]
            .as_str()
            .unwrap()
            .contains("example/api:latest"),
        "policies see the rendered image: {image}"
    );
    assert_eq!(report["summary"]["bundles"], 2);
    assert_eq!(report["summary"]["files_scanned"], 6);
    // Patches are read through the render, not skipped with a note.
    assert_eq!(notifications(&report), Vec::<String>::new());
}

#[test]
fn a_json_6902_patch_is_related_at_its_operation() {
    let p = Project::fixture("kustomize");
    // The JSON 6902 patch runs after the strategic-merge one and takes the
    // CPU request it added away again: it is the last writer of that path.
    p.write(
        "overlays/prod/probes.yaml",
        "- op: add\n  path: /spec/template/spec/containers/0/readinessProbe\n  value:\n    httpGet:\n      path: /ready\n      port: 8080\n- op: remove\n  path: /spec/template/spec/containers/0/resources/requests/cpu\n",
    );
    let (_, report) = scan(&p, &["overlays/prod"]);
    let lines = described(&report);
    let cpu = lines
        .iter()
        .position(|l| l.starts_with("SG-K8S-002"))
        .expect("resources finding");
    assert_eq!(
        lines[cpu..cpu + 2],
        [
            "SG-K8S-002 overlays/prod base/deployment.yaml:20:11-20:15".to_owned(),
            "  overlays/prod/probes.yaml:8:3-8:64 (last changed by the patch overlays/prod/probes.yaml)".to_owned(),
        ]
    );
    assert!(common::of_rule(&report, "SG-K8S-002")[0]["message"]
        .as_str()
        .unwrap()
        .contains("resources.requests.cpu"));
}

#[test]
fn origin_annotations_never_reach_policies() {
    let p = Project::fixture("kustomize");
    let kubectl = tool("kubectl");
    let out = p.run(&[
        "inspect",
        "overlays/prod",
        "--kustomize-bin",
        kubectl.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("\"replicas\": 4"), "{text}");
    assert!(!text.contains("config.kubernetes.io"), "{text}");
    assert!(!text.contains("annotations"), "{text}");
}

#[test]
fn a_kustomization_that_does_not_build_fails_the_gate_at_its_file() {
    let p = Project::new();
    p.write("app/kustomization.yaml", "resources:\n  - broken.yaml\n");
    p.write("app/broken.yaml", "kind: [\n");
    let (code, report) = scan(&p, &["."]);
    assert_eq!(code, 1);
    assert_eq!(
        described(&report),
        ["SG-PARSE-001 - app/kustomization.yaml:1:1-1:2"]
    );
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("kustomize build failed: "), "{message}");
    assert!(message.contains("broken.yaml"), "{message}");
    assert!(
        !message.contains("scalegate-kustomize-"),
        "temporary path leaked: {message}"
    );
}

#[test]
fn remote_resources_are_refused_at_their_entry_without_a_build() {
    let p = Project::new();
    p.write(
        "app/kustomization.yaml",
        "resources:\n  - deployment.yaml\n  - https://github.com/example/repo//base?ref=v1\n",
    );
    p.write(
        "app/deployment.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    // A binary that does not exist: the build must not even be tried.
    let (code, report, stderr) = p.scan_json(&[".", "--kustomize-bin", "/nonexistent/kustomize"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        described(&report),
        ["SG-PARSE-001 - app/kustomization.yaml:3:5-3:6"]
    );
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not fetched"));
}

#[test]
fn a_changed_patch_selects_its_root_and_reports_everything_it_renders() {
    let p = Project::fixture("kustomize");
    let (_, report) = scan(&p, &["overlays/prod/probes.yaml"]);
    let bundles: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bundle"].as_str().unwrap())
        .collect();
    assert_eq!(bundles, ["overlays/prod"].into());
    assert_eq!(report["findings"].as_array().unwrap().len(), 3);
}

#[test]
fn a_changed_base_file_selects_every_overlay_that_uses_it() {
    let p = Project::fixture("kustomize");
    let (_, report) = scan(&p, &["base/deployment.yaml"]);
    let bundles: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bundle"].as_str().unwrap())
        .collect();
    assert_eq!(bundles, ["overlays/prod", "overlays/staging"].into());
    assert_eq!(report["findings"].as_array().unwrap().len(), 10);
}

#[test]
fn without_kustomize_or_kubectl_the_scan_cannot_run() {
    let p = Project::fixture("kustomize");
    let out = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(p.path())
        .args(["scan", "."])
        .env("PATH", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--kustomize-bin"), "{stderr}");
    assert!(stderr.contains("render: false"), "{stderr}");
}

#[test]
fn render_false_warns_per_root_and_scans_none_of_its_files() {
    let p = Project::fixture("kustomize");
    p.write(".scalegate.yaml", "kustomize:\n  render: false\n");
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    assert_eq!(
        notifications(&report),
        [
            "overlays/prod/kustomization.yaml: kustomization not rendered (`kustomize.render: false`); its 5 file(s) were not scanned",
            "overlays/staging/kustomization.yaml: kustomization not rendered (`kustomize.render: false`); its 3 file(s) were not scanned",
        ]
    );
}

#[test]
fn a_changed_kustomization_selects_only_its_own_root() {
    let p = Project::fixture("kustomize");
    let (_, report) = scan(&p, &["overlays/staging/kustomization.yaml"]);
    let bundles: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bundle"].as_str().unwrap())
        .collect();
    assert_eq!(bundles, ["overlays/staging"].into());
    assert_eq!(report["summary"]["bundles"], 1);
}

#[test]
fn a_file_beside_a_kustomization_that_no_build_reads_leaves_the_patches_alone() {
    let p = Project::fixture("kustomize");
    p.write(
        "overlays/prod/notes.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n",
    );
    let (code, report) = scan(&p, &["overlays/prod/notes.yaml"]);
    assert_eq!(code, 0);
    // Only the ConfigMap: the strategic-merge patch beside it is a
    // fragment, not a Deployment of its own.
    assert_eq!(report["summary"]["resources"], 1);
    assert_eq!(report["summary"]["bundles"], 1);
}

#[test]
fn rendering_gives_the_same_report_at_any_thread_count() {
    let p = Project::fixture("kustomize");
    let (_, one) = scan(&p, &[".", "--threads", "1"]);
    let (_, four) = scan(&p, &[".", "--threads", "4"]);
    assert_eq!(one, four);
    assert!(!one["findings"].as_array().unwrap().is_empty());
}

#[test]
fn a_field_kustomize_rejects_is_reported_at_its_key_in_the_base() {
    let p = Project::fixture("kustomize");
    p.write(
        "base/kustomization.yaml",
        "resources:\n  - deployment.yaml\nnamePrefx: shop-\n",
    );
    let (code, report) = scan(&p, &["overlays/staging"]);
    assert_eq!(code, 1);
    assert_eq!(
        described(&report),
        ["SG-PARSE-001 - base/kustomization.yaml:3:1-3:2"]
    );
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("unknown field \"namePrefx\""), "{message}");
}

#[test]
fn a_kustomization_that_is_not_yaml_is_reported_where_it_breaks_without_a_build() {
    let p = Project::fixture("kustomize");
    p.write(
        "base/kustomization.yaml",
        "resources:\n  - deployment.yaml\npatches: [\n",
    );
    let (code, report, stderr) = p.scan_json(&[
        "overlays/staging",
        "--kustomize-bin",
        "/nonexistent/kustomize",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let lines = described(&report);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("SG-PARSE-001 - base/kustomization.yaml:4:"),
        "{lines:?}"
    );
}

/// kustomize resolves symlinks before it writes origin paths: a project
/// reached through a linked directory still gets findings in its files.
#[cfg(unix)]
#[test]
fn a_project_reached_through_a_symlink_keeps_its_locations() {
    let p = Project::fixture("kustomize");
    let links = tempfile::tempdir().unwrap();
    let linked = links.path().join("project");
    std::os::unix::fs::symlink(p.path(), &linked).unwrap();
    let kubectl = tool("kubectl");
    let out = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(&linked)
        .args([
            "scan",
            "overlays/staging",
            "--format",
            "json",
            "--kustomize-bin",
        ])
        .arg(&kubectl)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["base/deployment.yaml"].into());
}

#[test]
fn helm_charts_in_a_kustomization_are_not_inflated_and_say_so_at_the_key() {
    let p = Project::new();
    p.write(
        "app/kustomization.yaml",
        "resources:\n  - cm.yaml\nhelmCharts:\n  - name: web\n    repo: https://charts.example.com\n",
    );
    p.write(
        "app/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n",
    );
    let (code, report, stderr) = p.scan_json(&[".", "--kustomize-bin", "/nonexistent/kustomize"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        described(&report),
        ["SG-PARSE-001 - app/kustomization.yaml:3:1-3:2"]
    );
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`helmCharts` is not rendered"));
}

#[test]
fn an_excluded_overlay_is_not_rendered_but_still_keeps_its_base_from_being_a_root() {
    let p = Project::fixture("kustomize");
    let (_, report) = scan(&p, &[".", "--exclude", "overlays/staging/**"]);
    let bundles: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["bundle"].as_str().unwrap())
        .collect();
    assert_eq!(bundles, ["overlays/prod"].into());
    assert_eq!(report["summary"]["bundles"], 1);
}

#[test]
fn a_suppression_comment_in_a_base_covers_what_an_overlay_renders_from_it() {
    // The base file is read only through the render; its comments are
    // handed on by the parse of the origin file, so a directive there
    // suppresses the staging finding placed on the line below it.
    let p = Project::fixture("kustomize");
    let base = std::fs::read_to_string(p.path().join("base/deployment.yaml")).unwrap();
    let commented = base.replacen(
        "  replicas: 1\n",
        "  # scalegate:ignore SG-K8S-003 reason=\"staging runs one replica on purpose\"\n  replicas: 1\n",
        1,
    );
    assert_ne!(base, commented);
    p.write("base/deployment.yaml", commented);
    let (_, report) = scan(&p, &["."]);
    let single: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "SG-K8S-003")
        .collect();
    assert_eq!(single.len(), 1, "{single:#?}");
    assert_eq!(single[0]["file"], "base/deployment.yaml");
    assert_eq!(single[0]["start_line"], 10);
    assert_eq!(single[0]["suppression"]["kind"], "inline");
    assert_eq!(single[0]["suppression"]["source"], "base/deployment.yaml:9");
    // The suppression was used, so it is not reported as stale.
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule_id"] != "SG-SUP-003"));
}
