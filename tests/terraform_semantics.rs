//! Terraform as Terraform would see it: variables and their
//! precedence, override files, locals, functions, instances, modules,
//! references, effective tags and plan JSON. Each fixture under
//! `fixtures/terraform-semantics/` is one bullet; `inspect` snapshots pin
//! the exact input model, scans pin the exact findings.

mod common;

use common::{findings, notifications, of_rule, Project};
use serde_json::Value;

fn tuple(rule: &str, file: &str, line: u64, column: u64) -> (String, String, u64, u64) {
    (rule.to_owned(), file.to_owned(), line, column)
}

/// SG-TAG-001's violations and notes, in report order: these fixtures are
/// about what Terraform evaluation makes of tags; the other rules' findings
/// on them are not the point here.
fn tag_findings(report: &Value) -> Vec<(String, String, u64, u64)> {
    let notes_of_tag001: Vec<bool> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["rule_id"] == "SG-TAG-001"
                || (f["rule_id"] == "SG-META-001"
                    && f["message"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with("SG-TAG-001 "))
        })
        .collect();
    findings(report)
        .into_iter()
        .zip(notes_of_tag001)
        .filter_map(|(f, keep)| keep.then_some(f))
        .collect()
}

/// `scalegate inspect ARGS` in a copy of the fixture: the exit code, the
/// pretty JSON and stderr.
fn inspect(project: &Project, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["inspect"];
    all.extend_from_slice(args);
    let output = project.run(&all);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    )
}

fn semantics(name: &str) -> Project {
    Project::fixture(&format!("terraform-semantics/{name}"))
}

/// The resource with `id` in the inspect output.
fn resource<'a>(bundles: &'a Value, id: &str) -> &'a Value {
    bundles
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["resources"].as_array().unwrap())
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no resource {id}"))
}

#[test]
fn variables_follow_terraform_precedence() {
    let p = semantics("variables");
    let (code, json, _) = inspect(&p, &["."]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("variables", json);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    let bucket = resource(&bundles, "aws_s3_bucket.data");
    // default env, team from terraform.tfvars, region from the last
    // *.auto.tfvars file in name order (the .json one).
    assert_eq!(bucket["config"]["bucket"], "payments-dev-ap-south-1");
    // An optional object attribute's default, from the variable's type.
    assert_eq!(bucket["config"]["object_lock_enabled"], true);
    assert_eq!(bucket["tags_unknown"], serde_json::json!(["cost-center"]));

    // --var-file and --var come last, in that order.
    let (code, json, _) = inspect(
        &p,
        &[
            ".",
            "--var-file",
            "extra.tfvars",
            "--var",
            "cost_center=cc-7",
        ],
    );
    assert_eq!(code, 0);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    let bucket = resource(&bundles, "aws_s3_bucket.data");
    assert_eq!(bucket["config"]["bucket"], "payments-prod-ap-south-1");
    assert_eq!(bucket["tags"]["cost-center"], "cc-7");
    assert_eq!(bucket["tags_unknown"], serde_json::json!([]));
}

#[test]
fn command_line_variables_no_root_declares_are_reported() {
    let p = semantics("variables");
    let (_, report, _) = p.scan_json(&[".", "--var", "nope=1"]);
    assert!(
        notifications(&report)
            .contains(&"-: --var nope: no root module declares variable \"nope\"".to_owned()),
        "{:?}",
        notifications(&report)
    );
    let output = p.run(&["scan", ".", "--var", "no-equals-sign"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("expected NAME=VALUE"));
}

#[test]
fn a_value_without_a_value_is_unverified_not_a_violation() {
    let p = semantics("variables");
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        tag_findings(&report),
        [tuple("SG-META-001", "main.tf", 14, 10)],
        "tags = var.queue_tags is a note; the bucket's cost-center is written, its value unknown"
    );
}

#[test]
fn override_files_replace_attributes_and_locals() {
    let p = semantics("overrides");
    let (code, json, _) = inspect(&p, &["."]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("overrides", json);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    let web = resource(&bundles, "aws_instance.web");
    assert_eq!(web["config"]["instance_type"], "m5.large");
    assert_eq!(
        web["config"]["tags"]["owner"], "web-team",
        "kept from main.tf"
    );
    assert_eq!(resource(&bundles, "local.size")["config"]["value"], "large");
    assert_eq!(resource(&bundles, "local.zone")["config"]["value"], "a");
}

#[test]
fn locals_evaluate_in_dependency_order_and_cycles_are_reported() {
    let p = semantics("locals");
    let (code, json, _) = inspect(&p, &["."]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("locals", json);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    let api = resource(&bundles, "aws_sqs_queue.api");
    assert_eq!(api["config"]["name"], "prod-shop-api");
    assert_eq!(api["unknown"], serde_json::json!([["tags", "loop"]]));
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(
        notifications(&report),
        [
            "main.tf: local.a is part of a cycle between locals; its value is unknown",
            "main.tf: local.b is part of a cycle between locals; its value is unknown",
        ]
    );
}

#[test]
fn functions_compute_tags_and_names() {
    let p = semantics("functions");
    let (code, json, _) = inspect(&p, &[".", "--explain-unknown"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("functions", json);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    let api = resource(&bundles, "aws_instance.api");
    assert_eq!(api["config"]["instance_type"], "m5.large");
    assert_eq!(api["tags"]["Name"], "SHOP_PROD_API");
    assert_eq!(api["tags"]["cost-center"], "cc-0042");
    assert_eq!(api["tags"]["azs"], "eu-west-1a,eu-west-1b");
    assert_eq!(api["unknown"], serde_json::json!([]));
    // merge(local.common_tags, var.extra): the keys are there, their values
    // and any further keys are not known.
    let extra = resource(&bundles, "aws_instance.extra");
    assert_eq!(
        extra["tags_unknown"],
        serde_json::json!(["cost-center", "environment", "owner", "*"])
    );
}

#[test]
fn count_for_each_and_dynamic_blocks_expand() {
    let p = semantics("instances");
    let (code, json, _) = inspect(&p, &["."]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("instances", json);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    for id in [
        r#"aws_sqs_queue.q["emails"]"#,
        r#"aws_sqs_queue.q["orders"]"#,
        "aws_instance.node[0]",
        "aws_instance.node[1]",
    ] {
        resource(&bundles, id);
    }
    assert_eq!(
        resource(&bundles, "aws_instance.node[1]")["tags"]["Name"],
        "node-1"
    );
    let worker = resource(&bundles, "aws_instance.worker");
    assert_eq!(worker["unknown"], serde_json::json!([["count"]]));
    let sg = resource(&bundles, "aws_security_group.web");
    let ports: Vec<&Value> = sg["config"]["ingress"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["from_port"])
        .collect();
    assert_eq!(ports, [80, 443]);
}

#[test]
fn modules_are_evaluated_with_their_callers_inputs_and_providers() {
    let p = semantics("modules");
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 1);
    assert_eq!(
        tag_findings(&report),
        [
            // The downloaded module's finding, at the `module "vpc"` call.
            tuple("SG-TAG-001", "main.tf", 33, 1),
            tuple("SG-TAG-001", "main.tf", 33, 1),
            tuple("SG-TAG-001", "main.tf", 33, 1),
            // The local module through aws.west (no default_tags): at the
            // child's own line. Through the default provider it is silent.
            tuple("SG-TAG-001", "modules/bucket/main.tf", 7, 1),
            tuple("SG-TAG-001", "modules/bucket/main.tf", 7, 1),
            tuple("SG-TAG-001", "modules/bucket/main.tf", 7, 1),
        ]
    );
    let tags = of_rule(&report, "SG-TAG-001");
    assert_eq!(
        tags[0]["related"][0]["file"],
        ".terraform/modules/vpc/main.tf"
    );
    assert_eq!(tags[0]["related"][0]["start_line"], 7);
    assert_eq!(tags[3]["resource"], "module.logs_west.aws_s3_bucket.this");
    assert_eq!(tags[3]["related"][0]["file"], "main.tf");
    assert_eq!(tags[3]["related"][0]["start_line"], 27);
    assert_eq!(
        tags[3]["related"][0]["message"],
        "module.logs_west is called here"
    );
    assert_eq!(
        notifications(&report),
        ["main.tf: module.eks: source \"terraform-aws-modules/eks/aws\" is not downloaded (no entry in .terraform/modules/modules.json; run `terraform init`); its resources are not checked"]
    );

    let (_, json, _) = inspect(&p, &["."]);
    insta::assert_snapshot!("modules", json);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        bundles.as_array().unwrap().len(),
        1,
        "the child is not a root"
    );
    // References resolve through the module output to the child's resource.
    let lifecycle = resource(&bundles, "aws_s3_bucket_lifecycle_configuration.logs");
    assert_eq!(
        lifecycle["references"]["bucket"],
        serde_json::json!(["module.logs_east.aws_s3_bucket.this"])
    );
    let east = resource(&bundles, "module.logs_east.aws_s3_bucket.this");
    assert_eq!(east["config"]["bucket"], "logs-east");
    assert_eq!(east["tags"]["owner"], "platform");
}

#[test]
fn effective_tags_follow_each_provider() {
    let p = semantics("tags");
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 1);
    assert_eq!(
        tag_findings(&report),
        [
            // The ASG's tag blocks carry team and owner; default_tags do
            // not apply to it.
            tuple("SG-TAG-001", "aws/main.tf", 34, 1),
            tuple("SG-TAG-001", "aws/main.tf", 34, 1),
            // labels lacks two keys (reported at the header: the rule's
            // path is `tags`); the GKE cluster's resource_labels and the
            // Azure group's capitalised keys are complete.
            tuple("SG-TAG-001", "google/main.tf", 13, 1),
            tuple("SG-TAG-001", "google/main.tf", 13, 1),
        ]
    );
    let (_, json, _) = inspect(&p, &["."]);
    insta::assert_snapshot!("tags", json);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    let defaults = resource(&bundles, "aws_s3_bucket.defaults_only");
    assert_eq!(
        defaults["tags"],
        serde_json::json!({"owner": "platform", "environment": "production", "cost-center": "cc-1001"}),
        "ignore_tags drops kubernetes.io/ keys"
    );
    let merged = resource(&bundles, "aws_s3_bucket.merged");
    assert_eq!(
        merged["tags"],
        serde_json::json!({"environment": "staging"})
    );
}

#[test]
fn unknown_tags_are_one_note_per_resource_and_one_per_module_call() {
    let p = semantics("unverified");
    let (_, report, _) = p.scan_json(&["."]);
    // Notes never fail the gate; other rules may.
    assert_eq!(
        tag_findings(&report),
        [
            tuple("SG-META-001", "main.tf", 7, 12),
            tuple("SG-META-001", "main.tf", 10, 1),
        ]
    );
    let notes = of_rule(&report, "SG-META-001");
    assert_eq!(
        notes[1]["message"],
        "SG-TAG-001 (required-tags) could not be verified for resources of module.queue: variable var.tags has no value"
    );
    let related: Vec<(&str, u64)> = notes[1]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap(),
                r["start_line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        related,
        [("modules/queue/main.tf", 7), ("modules/queue/main.tf", 12)]
    );
}

#[test]
fn plan_findings_point_at_the_configuration() {
    let p = Project::fixture("terraform/plan");
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 1);
    // aws_instance.web uses aws.west, which has no default_tags: three
    // missing tags per instance, each reported once although the plan and
    // the configuration both say so, at the tags in main.tf. The plan's
    // `tags_all` is unknown (one tag value comes from another resource), so
    // its view is one unverified note.
    assert_eq!(
        tag_findings(&report),
        [
            tuple("SG-META-001", "main.tf", 72, 3),
            tuple("SG-TAG-001", "main.tf", 72, 3),
            tuple("SG-TAG-001", "main.tf", 72, 3),
            tuple("SG-TAG-001", "main.tf", 72, 3),
            tuple("SG-TAG-001", "main.tf", 72, 3),
            tuple("SG-TAG-001", "main.tf", 72, 3),
            tuple("SG-TAG-001", "main.tf", 72, 3),
        ]
    );
    let bundles: Vec<&str> = of_rule(&report, "SG-TAG-001")
        .iter()
        .map(|f| f["bundle"].as_str().unwrap())
        .collect();
    assert_eq!(bundles, ["."; 6], "the configuration's findings are kept");
    let (_, json, _) = inspect(&p, &["plan.json"]);
    let bundles: Value = serde_json::from_str(&json).unwrap();
    let plan = bundles
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bundle"]["format"] == "plan")
        .expect("a plan bundle");
    assert_eq!(plan["bundle"]["path"], "plan.json");
    let only_plan = Value::Array(vec![plan.clone()]);
    let bucket = resource(&only_plan, "aws_s3_bucket.logs");
    assert_eq!(bucket["format"], "plan");
    assert_eq!(
        bucket["tags"]["owner"], "platform",
        "tags_all from the plan"
    );
}

#[test]
fn one_finding_however_many_callers_reach_it() {
    let p = Project::new();
    for (dir, name) in [("prod", "a"), ("staging", "b")] {
        p.write(
            &format!("{dir}/main.tf"),
            format!(
                "module \"queue\" {{\n  source = \"../modules/queue\"\n  name   = \"{name}\"\n}}\n"
            ),
        );
    }
    p.write(
        "modules/queue/main.tf",
        "variable \"name\" {}\n\nresource \"aws_sqs_queue\" \"q\" {\n  name = var.name\n  tags = { owner = \"o\", environment = \"e\" }\n}\n",
    );
    let (code, report, _) = p.scan_json(&["."]);
    assert_eq!(code, 1);
    assert_eq!(
        tag_findings(&report),
        [tuple("SG-TAG-001", "modules/queue/main.tf", 5, 3)]
    );
    let related: Vec<(&str, u64, &str)> = of_rule(&report, "SG-TAG-001")[0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap(),
                r["start_line"].as_u64().unwrap(),
                r["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            ("prod/main.tf", 1, "module.queue is called here"),
            ("staging/main.tf", 1, "module.queue is called here"),
        ]
    );
}

#[test]
fn a_provider_configured_from_a_module_does_not_hide_default_tags_from_it() {
    let p = Project::new();
    // The kubernetes provider needs module.eks, so evaluating it evaluates
    // the module: the aws provider's default_tags must be known by then.
    p.write(
        "main.tf",
        r#"provider "kubernetes" {
  host = module.eks.endpoint
}

provider "aws" {
  default_tags {
    tags = { owner = "platform", environment = "prod", "cost-center" = "cc-1" }
  }
}

module "eks" {
  source = "./eks"
}
"#,
    );
    p.write(
        "eks/main.tf",
        "resource \"aws_eks_cluster\" \"this\" {\n  name = \"main\"\n}\n\noutput \"endpoint\" {\n  value = aws_eks_cluster.this.endpoint\n}\n",
    );
    let (_, report, _) = p.scan_json(&["."]);
    assert_eq!(tag_findings(&report), []);
}

#[test]
fn a_named_file_in_a_called_module_is_evaluated_through_its_callers() {
    let p = Project::new();
    p.write(
        "live/main.tf",
        "module \"queue\" {\n  source = \"../modules/queue\"\n  tags   = { owner = \"o\", environment = \"e\" }\n}\n\nresource \"aws_sqs_queue\" \"untagged\" {}\n",
    );
    p.write(
        "modules/queue/main.tf",
        "variable \"tags\" {\n  type = map(string)\n}\n\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n  tags = var.tags\n}\n",
    );
    // What a pre-commit hook passes: only the changed module file. On its
    // own the module's tags are unknown (a note); through its caller they
    // are known and lack cost-center.
    let (_, report, _) = p.scan_json(&["modules/queue/main.tf"]);
    assert_eq!(
        tag_findings(&report),
        [tuple("SG-TAG-001", "modules/queue/main.tf", 7, 10)]
    );
    let finding = &of_rule(&report, "SG-TAG-001")[0];
    assert_eq!(finding["related"][0]["file"], "live/main.tf");
    // The caller's own findings are not the named file's: not reported.
    assert!(findings(&report)
        .iter()
        .all(|f| f.1 == "modules/queue/main.tf"));
}

/// The caller search follows calls up through modules that are themselves
/// called, reads only local `source`s (a registry module or a `source`
/// word inside a string calls nothing), and finds the callers wherever they
/// are in the project, also beside a kustomization.
#[test]
fn a_named_file_is_evaluated_through_the_callers_of_its_callers() {
    let p = Project::new();
    p.write(
        "live/main.tf",
        "module \"stack\" {\r\n  source = \"../stacks/queues\"\r\n  tags   = { owner = \"o\", environment = \"e\" }\r\n}\r\n",
    );
    p.write(
        "stacks/queues/main.tf",
        "variable \"tags\" {\n  type = map(string)\n}\n\nmodule \"queue\" {\n  source = \"../../modules/queue\"\n  tags   = var.tags\n}\n",
    );
    p.write(
        "modules/queue/main.tf",
        "variable \"tags\" {\n  type = map(string)\n}\n\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n  tags = var.tags\n}\n",
    );
    // Not callers: a registry module, and `source` inside a value.
    p.write(
        "other/main.tf",
        "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n\nlocals {\n  note = \"source = ../modules/queue\"\n}\n",
    );
    p.write(
        "k8s/kustomization.yaml",
        "resources:\n  - deployment.yaml\n",
    );
    p.write(
        "k8s/deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
    );
    let (_, report, stderr) = p.scan_json(&["modules/queue/main.tf"]);
    assert_eq!(
        tag_findings(&report),
        [tuple("SG-TAG-001", "modules/queue/main.tf", 7, 10)],
        "{stderr}"
    );
    let finding = &of_rule(&report, "SG-TAG-001")[0];
    let related: Vec<&str> = finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert!(related.contains(&"live/main.tf"), "{related:?}");
    assert!(findings(&report)
        .iter()
        .all(|f| f.1 == "modules/queue/main.tf"));
}

/// A `count` known to be empty — literally, or through three-valued logic
/// (`unknown && false`) — creates nothing: `inspect` shows the block once with
/// `"instances": 0`; the label rule reports it, value rules do not, and the
/// summary does not count it.
#[test]
fn a_block_with_no_instance_is_a_declaration_only() {
    let project = Project::new();
    // The cache-failover rule's fixture (cloudposse's shape), with a label
    // the naming rule rejects.
    let fixture = std::fs::read_to_string("fixtures/rules/cache-failover/pass.zero-count.tf")
        .unwrap()
        .replace(
            "\"aws_elasticache_replication_group\" \"default\"",
            "\"aws_elasticache_replication_group\" \"Redis\"",
        );
    assert!(fixture.contains("\"Redis\""));
    project.write("main.tf", &fixture);
    let (code, stdout, stderr) = inspect(&project, &["."]);
    assert_eq!(code, 0, "{stderr}");
    let bundles: Value = serde_json::from_str(&stdout).unwrap();
    let group = resource(&bundles, "aws_elasticache_replication_group.Redis");
    assert_eq!(group["instances"], 0);
    assert_eq!(resource(&bundles, "local.create")["config"]["value"], false);
    assert!(resource(&bundles, "var.enabled").get("instances").is_none());

    let (_, report, stderr) = project.scan_json(&["."]);
    let rules: Vec<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert_eq!(
        findings(&report),
        [tuple("SG-NAM-002", "main.tf", 17, 1)],
        "{stderr}"
    );
    assert!(!rules.contains(&"SG-AWS-011".to_owned()));
    assert_eq!(report["summary"]["resources"], 3);
}
