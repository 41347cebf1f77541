//! Findings on `helm template` output piped into `scalegate scan -
//! --helm-chart DIR` land on the template line a person edits, with the
//! values file that set the value related. The chart is rendered by the real
//! Helm (`bash .ci/install-helm`), so the rendered text is what users pipe.

mod common;

use common::tools::tool;
use common::Project;
use serde_json::Value;

/// `helm template rel charts/shop -f env/prod.yaml` in the fixture project.
fn rendered(p: &Project) -> String {
    let output = std::process::Command::new(tool("helm"))
        .current_dir(p.path())
        .args(["template", "rel", "charts/shop", "-f", "env/prod.yaml"])
        .output()
        .expect("helm runs");
    assert!(
        output.status.success(),
        "helm template failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

fn scan(p: &Project, stdin: &str) -> Value {
    let output = p.run_with_stdin(
        &[
            "scan",
            "-",
            "--helm-chart",
            "charts/shop",
            "--helm-values",
            "env/prod.yaml",
            "--format",
            "json",
        ],
        Some(stdin),
    );
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    serde_json::from_slice(&output.stdout).expect("JSON report")
}

/// file, start line, start column, end line, end column.
type Place = (String, u64, u64, u64, u64);

fn place(v: &Value) -> Place {
    (
        v["file"].as_str().unwrap().to_owned(),
        v["start_line"].as_u64().unwrap(),
        v["start_column"].as_u64().unwrap(),
        v["end_line"].as_u64().unwrap(),
        v["end_column"].as_u64().unwrap(),
    )
}

fn at(file: &str, line: u64, start: u64, end: u64) -> Place {
    (file.to_owned(), line, start, line, end)
}

/// The one finding of `rule` at `path` (dotted) on the resource `resource`.
fn finding<'a>(report: &'a Value, rule: &str, resource: &str, path: &str) -> &'a Value {
    let matching: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let dotted: Vec<String> = f["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| match s {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            f["rule_id"] == rule && f["resource"] == resource && dotted.join(".") == path
        })
        .collect();
    assert_eq!(matching.len(), 1, "{rule} {resource} {path}: {report:#}");
    matching[0]
}

/// Related locations as (place, message).
fn related(finding: &Value) -> Vec<(Place, String)> {
    finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (place(r), r["message"].as_str().unwrap().to_owned()))
        .collect()
}

const WEB: &str = "apps/Deployment/_/rel-web";
const WEB_T: &str = "charts/shop/templates/web.yaml";

#[test]
fn literal_keys_are_found_through_with_range_and_default() {
    let p = Project::fixture("helm-mapping");
    let report = scan(&p, &rendered(&p));

    // `replicas: {{ .Values.replicaCount | default 2 }}`: the key, and the
    // values file that set it last (`-f env/prod.yaml`, over values.yaml).
    let replicas = finding(&report, "SG-K8S-003", WEB, "spec.replicas");
    assert_eq!(place(replicas), at(WEB_T, 8, 3, 11));
    assert_eq!(
        related(replicas),
        [(
            at("env/prod.yaml", 1, 1, 13),
            "the value comes from `.Values.replicaCount`, set here".to_owned()
        )]
    );

    // A list item of a literal list: its first key; both values the image
    // is built from are related.
    let image = finding(
        &report,
        "SG-K8S-013",
        WEB,
        "spec.template.spec.containers.0.image",
    );
    assert_eq!(place(image), at(WEB_T, 23, 11, 16));
    let files: Vec<Place> = related(image).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        files,
        [
            at("charts/shop/values.yaml", 3, 3, 13),
            at("charts/shop/values.yaml", 4, 3, 6)
        ]
    );

    // The second container comes from `{{- range .Values.sidecars }}`: the
    // item the range repeats.
    let sidecar = finding(
        &report,
        "SG-K8S-010",
        WEB,
        "spec.template.spec.containers.1.livenessProbe",
    );
    assert_eq!(place(sidecar), at(WEB_T, 27, 11, 15));
    // `image: {{ .image }}` in that range is the first sidecar's image.
    let image = finding(
        &report,
        "SG-K8S-013",
        WEB,
        "spec.template.spec.containers.1.image",
    );
    assert_eq!(place(image), at(WEB_T, 28, 11, 16));
    assert_eq!(
        related(image),
        [(
            at("charts/shop/values.yaml", 12, 5, 10),
            "the value comes from `.Values.sidecars.0.image`, set here".to_owned()
        )]
    );

    // Inside `{{- with .Values.nodeSelector }}`, after it: the emptyDir.
    let scratch = finding(
        &report,
        "SG-STL-004",
        WEB,
        "spec.template.spec.volumes.0.emptyDir.sizeLimit",
    );
    assert_eq!(place(scratch), at(WEB_T, 32, 11, 19));
    assert!(related(scratch).is_empty());

    // A literal key of the second template of the chart.
    let pdb = finding(
        &report,
        "SG-K8S-008",
        "apps/Deployment/_/rel-worker",
        "spec.selector",
    );
    assert_eq!(
        place(pdb),
        at("charts/shop/templates/worker.yaml", 7, 3, 11)
    );
}

#[test]
fn keys_written_by_to_yaml_land_on_its_line_with_the_values_key() {
    let p = Project::fixture("helm-mapping");
    let report = scan(&p, &rendered(&p));
    // `resources:` is literal; what is under it is `toYaml .Values.resources`.
    let limits = finding(
        &report,
        "SG-K8S-002",
        WEB,
        "spec.template.spec.containers.0.resources.limits.memory",
    );
    assert_eq!(place(limits), at(WEB_T, 24, 11, 20));
    assert_eq!(
        related(limits),
        [(
            at("charts/shop/values.yaml", 5, 1, 10),
            "the value comes from `.Values.resources`, set here".to_owned()
        )]
    );
    let requests = finding(
        &report,
        "SG-K8S-002",
        WEB,
        "spec.template.spec.containers.0.resources.requests.memory",
    );
    assert_eq!(place(requests), at(WEB_T, 25, 13, 57));
    assert_eq!(
        related(requests),
        [
            (
                at(WEB_T, 25, 13, 57),
                "`spec.template.spec.containers.0.resources.requests` is generated here by \
                 `{{ toYaml .Values.resources | nindent 12 }}`, not written literally in the template"
                    .to_owned()
            ),
            (
                at("charts/shop/values.yaml", 6, 3, 11),
                "the value comes from `.Values.resources.requests`, set here".to_owned()
            )
        ]
    );
}

#[test]
fn an_included_helpers_output_is_located_at_the_include_line() {
    let p = Project::fixture("helm-mapping");
    let report = scan(&p, &rendered(&p));
    let probe = finding(
        &report,
        "SG-K8S-010",
        "apps/Deployment/_/rel-worker",
        "spec.template.spec.containers.0.livenessProbe",
    );
    let include = at("charts/shop/templates/worker.yaml", 15, 7, 50);
    assert_eq!(place(probe), include);
    assert_eq!(
        related(probe),
        [(
            include,
            "`spec.template.spec.containers.0` is generated here by \
             `{{ include \"shop.podSpec\" . | nindent 6 }}`, not written literally in the template"
                .to_owned()
        )]
    );
}

#[test]
fn a_layout_that_cannot_be_followed_falls_back_to_the_first_line_with_a_note() {
    let p = Project::fixture("helm-mapping");
    let report = scan(&p, &rendered(&p));
    // `resources:` is written under the `proxy` item, which is not
    // rendered; Helm's output puts it under the first container.
    let limits = finding(
        &report,
        "SG-K8S-002",
        "apps/Deployment/_/rel-exporter",
        "spec.template.spec.containers.0.resources.limits.memory",
    );
    let first = at("charts/shop/templates/exporter.yaml", 1, 1, 20);
    assert_eq!(place(limits), first);
    assert_eq!(
        related(limits),
        [(
            first,
            "`spec.template.spec.containers.0.resources` is generated by the template \
             charts/shop/templates/exporter.yaml or written where its layout cannot be \
             followed; shown at its first line"
                .to_owned()
        )]
    );
}

#[test]
fn subchart_findings_point_into_the_subchart_with_the_parents_override_through_with() {
    let p = Project::fixture("helm-mapping");
    let report = scan(&p, &rendered(&p));
    let replicas = finding(
        &report,
        "SG-K8S-003",
        "apps/StatefulSet/_/rel-cache",
        "spec.replicas",
    );
    assert_eq!(
        place(replicas),
        at(
            "charts/shop/charts/cache/templates/statefulset.yaml",
            7,
            3,
            11
        )
    );
    // `replicas: {{ . }}` inside `{{- with .Values.replicas }}`; the
    // parent's `cache.replicas: 1` overrides the subchart's own 3.
    assert_eq!(
        related(replicas),
        [(
            at("charts/shop/values.yaml", 15, 3, 11),
            "the value comes from `.Values.replicas` (`cache.replicas` here), set here".to_owned()
        )]
    );
}

#[test]
fn without_the_render_values_file_the_charts_own_values_are_related() {
    let p = Project::fixture("helm-mapping");
    let output = p.run_with_stdin(
        &[
            "scan",
            "-",
            "--helm-chart",
            "charts/shop",
            "--format",
            "json",
        ],
        Some(&rendered(&p)),
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let replicas = finding(&report, "SG-K8S-003", WEB, "spec.replicas");
    assert_eq!(
        related(replicas),
        [(
            at("charts/shop/values.yaml", 1, 1, 13),
            "the value comes from `.Values.replicaCount`, set here".to_owned()
        )]
    );
}

#[test]
fn helm_flags_without_stdin_are_a_usage_error() {
    let p = Project::fixture("helm-mapping");
    let output = p.run(&["scan", "charts/shop", "--helm-chart", "charts/shop"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--helm-chart names the chart of Helm output read from stdin"),
        "{stderr}"
    );
    let output = p.run_with_stdin(
        &["scan", "-", "--helm-values", "env/prod.yaml"],
        Some("kind: A\n"),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--helm-values needs --helm-chart"));
}
