//! Helm charts rendered with the real Helm: discovery finds chart roots,
//! each render is its own bundle (`web[prod]`) named in ids and reports,
//! a chart that cannot render is SG-PARSE-001 where Helm (or a missing
//! dependency) says, and a project with charts but no Helm stops with
//! exit 2. Every chart here is small and written for the one thing its
//! test pins.

mod common;

use common::tools::tool;
use common::{notifications, of_rule, Project};
use serde_json::Value;

/// A chart `web` with one Deployment whose replica count and image come
/// from values: enough for the autoscaling rule (SG-K8S-003) to tell the
/// renders apart.
fn web_chart(p: &Project) {
    p.write(
        "web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    );
    p.write("web/values.yaml", "replicas: 1\nimage: nginx:1.27\n");
    p.write(
        "web/templates/deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
",
    );
}

/// `scan ARGS --format json --helm-bin HELM`.
fn scan(p: &Project, args: &[&str]) -> (i32, Value, String) {
    let helm = tool("helm");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--helm-bin", helm.to_str().unwrap()]);
    p.scan_json(&all)
}

/// (rule, file, line, column, bundle) of every finding.
fn placed(report: &Value) -> Vec<(String, String, u64, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["file"].as_str().unwrap().to_owned(),
                f["start_line"].as_u64().unwrap(),
                f["start_column"].as_u64().unwrap(),
                f["bundle"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn bundles(report: &Value) -> Vec<String> {
    let mut names: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["bundle"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn a_chart_is_rendered_into_a_bundle_named_by_chart_and_render() {
    let p = Project::new();
    web_chart(&p);
    let (code, report, stderr) = scan(&p, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(bundles(&report), ["web[default]"]);
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["summary"]["resources"], 1);
    let autoscaling = of_rule(&report, "SG-K8S-003");
    assert_eq!(autoscaling.len(), 1);
    assert_eq!(
        autoscaling[0]["resource"],
        "web[default]:apps/Deployment/_/release-name-web"
    );
    // Rendered objects are reported in the chart's own template.
    assert_eq!(autoscaling[0]["file"], "web/templates/deploy.yaml");
    assert!(placed(&report).iter().all(|f| f.0 != "SG-PARSE-001"));
}

#[test]
fn a_subchart_is_rendered_by_its_parent_not_alone() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "web/charts/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
    );
    p.write(
        "web/charts/db/templates/sts.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 1\n",
    );
    let (_, report, stderr) = scan(&p, &[]);
    assert_eq!(bundles(&report), ["web[default]"], "{stderr}");
    assert_eq!(report["summary"]["resources"], 2);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["resource"].as_str())
        .collect();
    assert!(
        ids.contains(&"web[default]:apps/StatefulSet/_/db"),
        "{ids:?}"
    );
}

#[test]
fn each_configured_render_is_its_own_bundle_with_its_values() {
    let p = Project::new();
    web_chart(&p);
    p.write("envs/prod.yaml", "replicas: 4\n");
    p.write(
        ".scalegate.yaml",
        "helm:
  charts:
    - path: web
      renders:
        - name: prod
          release: shop
          namespace: prod
          values: [envs/prod.yaml]
        - name: staging
          set: {image: \"nginx:1.28\"}
",
    );
    let (_, report, stderr) = scan(&p, &[]);
    assert_eq!(bundles(&report), ["web[prod]", "web[staging]"], "{stderr}");
    // prod runs 4 replicas: only staging's single replica is a finding.
    let autoscaling: Vec<&str> = of_rule(&report, "SG-K8S-003")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        autoscaling,
        ["web[staging]:apps/Deployment/_/release-name-web"]
    );
    // The release name reaches the rendered object (the namespace is
    // `.Release.Namespace`, which this template does not write).
    let prod_ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["bundle"] == "web[prod]")
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert!(!prod_ids.is_empty());
    assert!(prod_ids
        .iter()
        .all(|id| *id == "web[prod]:apps/Deployment/_/shop-web"));
    // The text report says which render a finding belongs to.
    let helm = tool("helm");
    let text = p.run(&["scan", "--helm-bin", helm.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("--> in render web[staging]"), "{text}");
    assert!(text.contains("--> in render web[prod]"), "{text}");
}

#[test]
fn a_missing_required_value_is_reported_where_helm_names_it() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "web/templates/deploy.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    tag: {{ required \"tag is required\" .Values.tag }}
",
    );
    let (code, report, _) = scan(&p, &[]);
    assert_eq!(code, 1);
    // Helm says `deploy.yaml:6:12`, counting bytes from 0: the `required` call.
    assert_eq!(
        placed(&report),
        [(
            "SG-PARSE-001".to_owned(),
            "web/templates/deploy.yaml".to_owned(),
            6,
            13,
            String::new()
        )]
    );
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("web[default]"), "{message}");
    assert!(message.contains("tag is required"), "{message}");
}

#[test]
fn a_template_error_is_reported_on_its_line() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "web/templates/broken.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | nosuchfunction }}\n",
    );
    let (code, report, _) = scan(&p, &[]);
    assert_eq!(code, 1);
    // A parse error names the line only: column 1 of it.
    assert_eq!(
        placed(&report),
        [(
            "SG-PARSE-001".to_owned(),
            "web/templates/broken.yaml".to_owned(),
            4,
            1,
            String::new()
        )]
    );
    assert!(report["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("nosuchfunction"));
}

#[test]
fn a_dependency_that_is_not_vendored_is_reported_at_its_entry_without_running_helm() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "web/Chart.yaml",
        "apiVersion: v2
name: web
version: 0.1.0
dependencies:
  - name: common
    version: 1.0.0
    repository: file://../common
  - name: redis
    version: 17.0.0
    repository: https://charts.example.com
",
    );
    // `file://` dependencies are local: not reported here (Helm judges them).
    let (code, report, _) = scan(&p, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        placed(&report),
        [(
            "SG-PARSE-001".to_owned(),
            "web/Chart.yaml".to_owned(),
            8,
            5,
            String::new()
        )]
    );
    let message = report["findings"][0]["message"].as_str().unwrap();
    assert!(message.contains("`redis`"), "{message}");
    assert!(message.contains("never downloads"), "{message}");
}

#[test]
fn a_vendored_dependency_renders() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\ndependencies:\n  - name: db\n    version: 0.1.0\n    repository: https://charts.example.com\n",
    );
    p.write(
        "web/charts/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
    );
    let (_, report, stderr) = scan(&p, &[]);
    assert!(
        placed(&report).iter().all(|f| f.0 != "SG-PARSE-001"),
        "{stderr}"
    );
    assert_eq!(bundles(&report), ["web[default]"]);
}

#[test]
fn charts_without_helm_stop_the_scan_with_how_to_fix_it() {
    let p = Project::new();
    web_chart(&p);
    let empty = p.path().join("empty-bin");
    std::fs::create_dir_all(&empty).unwrap();
    let output = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(p.path())
        .env("PATH", &empty)
        .args(["scan"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for hint in ["install Helm", "--helm-bin", "helm.binary", "render: false"] {
        assert!(stderr.contains(hint), "{hint}: {stderr}");
    }
    // Helm on PATH is found.
    let helm_dir = tool("helm").parent().unwrap().to_path_buf();
    let output = assert_cmd::Command::cargo_bin("scalegate")
        .unwrap()
        .current_dir(p.path())
        .env("PATH", &helm_dir)
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_program_that_is_not_helm_stops_the_scan() {
    let p = Project::new();
    web_chart(&p);
    let output = p.run(&["scan", "--helm-bin", "/nonexistent/helm"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("/nonexistent/helm"));
}

#[test]
fn with_rendering_off_each_chart_is_a_warning_and_the_summary_counts_them() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "api/Chart.yaml",
        "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    );
    p.write(".scalegate.yaml", "helm:\n  render: false\n");
    // No Helm is needed to skip charts.
    let (code, report, _) = p.scan_json(&["--helm-bin", "/nonexistent/helm"]);
    assert_eq!(code, 0);
    assert_eq!(report["summary"]["charts_not_rendered"], 2);
    let notes = notifications(&report);
    assert_eq!(
        notes
            .iter()
            .filter(|n| n.contains("not scanned: `helm.render` is false"))
            .count(),
        2,
        "{notes:?}"
    );
    let text = p.run(&["scan"]);
    assert!(String::from_utf8_lossy(&text.stdout)
        .contains("; 2 Helm charts not scanned (helm.render is false)"));
}

#[test]
fn a_changed_chart_file_selects_its_chart_and_command_line_values_apply() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "web/templates/worker.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: 1\n",
    );
    p.write("web/templates/_helpers.tpl", "{{/* helpers */}}\n");
    p.write(
        "other/deploy.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: other\n",
    );
    p.write("prod.yaml", "replicas: 5\n");
    // A changed helper (no manifest at all) selects the whole chart, and
    // every finding its render produces is reported, in any template.
    let (_, report, _) = scan(&p, &["web/templates/_helpers.tpl"]);
    let autoscaling: Vec<&str> = of_rule(&report, "SG-K8S-003")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        autoscaling,
        [
            "web[default]:apps/Deployment/_/release-name-web",
            "web[default]:apps/Deployment/_/worker"
        ]
    );
    // `--helm-values` and `--helm-set` apply to the chart named.
    let (_, report, _) = scan(
        &p,
        &[
            "web/values.yaml",
            "--helm-values",
            "prod.yaml",
            "--helm-set",
            "image=nginx:1.28",
        ],
    );
    let autoscaling: Vec<&str> = of_rule(&report, "SG-K8S-003")
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(autoscaling, ["web[default]:apps/Deployment/_/worker"]);
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["file"] != "other/deploy.yaml"));
    let helm = tool("helm");
    let bad = p.run(&[
        "scan",
        "web",
        "--helm-set",
        "novalue",
        "--helm-bin",
        helm.to_str().unwrap(),
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("--helm-set \"novalue\": expected KEY=VALUE")
    );
}

#[test]
fn renders_are_the_same_at_any_thread_count() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "api/Chart.yaml",
        "apiVersion: v2\nname: api\nversion: 0.1.0\n",
    );
    p.write(
        "api/templates/d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n",
    );
    let (_, one, _) = scan(&p, &["--threads", "1"]);
    let (_, four, _) = scan(&p, &["--threads", "4"]);
    assert_eq!(one, four);
    assert_eq!(bundles(&one), ["api[default]", "web[default]"]);
}

#[test]
fn an_error_in_a_subchart_is_reported_in_the_subchart_template() {
    let p = Project::new();
    web_chart(&p);
    p.write(
        "web/charts/db/Chart.yaml",
        "apiVersion: v2\nname: db\nversion: 0.1.0\n",
    );
    p.write(
        "web/charts/db/templates/sts.yaml",
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {{ required \"db name\" .Values.name }}\n",
    );
    let (_, report, _) = scan(&p, &[]);
    // Helm says `web/charts/db/templates/sts.yaml:4:11`.
    assert_eq!(
        placed(&report),
        [(
            "SG-PARSE-001".to_owned(),
            "web/charts/db/templates/sts.yaml".to_owned(),
            4,
            12,
            String::new()
        )]
    );
}

#[test]
fn a_chart_at_the_project_root_is_named_by_its_directory() {
    let p = Project::new();
    p.write("Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.1.0\n");
    p.write(
        "templates/d.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    );
    let (_, report, _) = scan(&p, &[]);
    let dir = p.path().file_name().unwrap().to_str().unwrap().to_owned();
    assert_eq!(bundles(&report), [format!("{dir}[default]")]);
    assert_eq!(
        of_rule(&report, "SG-K8S-003")[0]["file"],
        "templates/d.yaml"
    );
}

#[test]
fn a_suppression_in_a_template_is_reported_and_applied_at_its_template_line() {
    // Helm copies the template's comments into the render; the directive
    // covers the rendered node below it, and both the suppression's source
    // and a problem with a directive point at the template, not at the
    // render's output, which is no file anyone edits.
    let p = Project::new();
    web_chart(&p);
    let template = std::fs::read_to_string(p.path().join("web/templates/deploy.yaml")).unwrap();
    let with_directives = template
        .replacen(
            "  selector:\n",
            "  # scalegate:ignore SG-K8S-008 reason=\"the platform chart ships the PDB\"\n  selector:\n",
            1,
        )
        .replacen(
            "  template:\n",
            "  # scalegate:ignore SG-K8S-011\n  template:\n",
            1,
        );
    p.write("web/templates/deploy.yaml", with_directives);
    p.write("web/values.yaml", "replicas: 3\nimage: nginx:1.27\n");
    let (_, report, stderr) = scan(&p, &["."]);
    assert!(!stderr.contains("error:"), "{stderr}");
    let pdb = of_rule(&report, "SG-K8S-008");
    assert_eq!(pdb.len(), 1, "{report:#}");
    assert_eq!(pdb[0]["suppression"]["kind"], "inline");
    assert_eq!(
        pdb[0]["suppression"]["source"],
        "web/templates/deploy.yaml:7"
    );
    // The second directive has no reason: SG-SUP-001 at its template line
    // and columns (the `#` to the end of the comment).
    let no_reason = of_rule(&report, "SG-SUP-001");
    assert_eq!(no_reason.len(), 1, "{report:#}");
    let at = no_reason[0];
    assert_eq!(
        (
            at["file"].as_str().unwrap(),
            at["start_line"].as_u64().unwrap(),
            at["start_column"].as_u64().unwrap(),
            at["end_line"].as_u64().unwrap(),
            at["end_column"].as_u64().unwrap()
        ),
        ("web/templates/deploy.yaml", 10, 3, 10, 32)
    );
}

#[test]
fn a_template_suppression_in_helm_output_on_stdin_is_reported_in_the_template() {
    // The same placement serves `helm template … | scan - --helm-chart`.
    let p = Project::new();
    web_chart(&p);
    let template = std::fs::read_to_string(p.path().join("web/templates/deploy.yaml")).unwrap();
    p.write(
        "web/templates/deploy.yaml",
        template.replacen(
            "  template:\n",
            "  # scalegate:ignore SG-K8S-011\n  template:\n",
            1,
        ),
    );
    let rendered = std::process::Command::new(tool("helm"))
        .args(["template", "rel", "web"])
        .current_dir(p.path())
        .output()
        .unwrap();
    assert!(rendered.status.success());
    let out = p.run_with_stdin(
        &[
            "scan",
            "-",
            "--helm-chart",
            "web",
            "--format",
            "json",
            "--fail-on",
            "never",
        ],
        Some(&String::from_utf8(rendered.stdout).unwrap()),
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let no_reason = of_rule(&report, "SG-SUP-001");
    assert_eq!(no_reason.len(), 1, "{report:#}");
    assert_eq!(
        (
            no_reason[0]["file"].as_str().unwrap(),
            no_reason[0]["start_line"].as_u64().unwrap(),
            no_reason[0]["start_column"].as_u64().unwrap()
        ),
        ("web/templates/deploy.yaml", 9, 3)
    );
}
