//! Terraform's JSON syntax: the same configuration written as `.tf` and as
//! `.tf.json` gives the same normalised input and the same findings, with
//! locations in the JSON file; what Terraform rejects in a `.tf.json` file
//! is a parse error where it is written.

mod common;

use common::{of_rule, Project};
use serde_json::Value;

/// Writes `files` into a fresh project.
fn project(files: &[(&str, &str)]) -> Project {
    let p = Project::new();
    for (path, text) in files {
        p.write(path, text);
    }
    p
}

/// `scalegate inspect` output without `file` fields, which name the file
/// each resource is written in and so differ between the two syntaxes.
fn inspect(p: &Project) -> Value {
    let output = p.run(&["inspect", "."]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut json: Value = serde_json::from_slice(&output.stdout).expect("inspect prints JSON");
    strip_files(&mut json);
    json
}

fn strip_files(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("file");
            map.values_mut().for_each(strip_files);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_files),
        _ => {}
    }
}

/// Findings as (rule, resource, path), sorted.
fn findings(report: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_owned(),
                f["resource"].as_str().unwrap_or("").to_owned(),
                f["path"].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Asserts both projects give the same `inspect` output and findings;
/// returns the JSON project's report.
fn assert_same(hcl: &[(&str, &str)], json: &[(&str, &str)]) -> Value {
    let (hcl, json) = (project(hcl), project(json));
    let inspected = inspect(&json);
    assert_eq!(inspect(&hcl), inspected);
    // Something was evaluated, not two empty outputs compared.
    assert!(
        inspected.to_string().contains("\"resources\""),
        "{inspected:#}"
    );
    let (hcl_code, hcl_report, _) = hcl.scan_json(&[]);
    let (json_code, json_report, _) = json.scan_json(&[]);
    assert_eq!(
        of_rule(&json_report, "SG-PARSE-001").len(),
        0,
        "{json_report:#}"
    );
    assert_eq!(findings(&hcl_report), findings(&json_report));
    assert_eq!(hcl_code, json_code);
    json_report
}

/// (start line, start column, end line, end column) of the one finding of
/// `rule` on `resource`.
fn location(report: &Value, rule: &str, resource: &str) -> (String, u64, u64, u64, u64) {
    let found: Vec<&Value> = of_rule(report, rule)
        .into_iter()
        .filter(|f| f["resource"] == resource)
        .collect();
    assert_eq!(found.len(), 1, "{rule} on {resource}: {report:#}");
    let f = found[0];
    let n = |k: &str| f[k].as_u64().unwrap();
    (
        f["file"].as_str().unwrap().to_owned(),
        n("start_line"),
        n("start_column"),
        n("end_line"),
        n("end_column"),
    )
}

// A root module with variables, locals, provider default_tags, tags built
// with a function, count, for_each, a nested block, a list of nested
// blocks and a reference between resources.
const ROOT_TF: &str = r#"variable "env" {
  type    = string
  default = "prod"
}

locals {
  name = "logs-${var.env}"
  tags = { Team = "core" }
}

provider "aws" {
  region = "eu-west-1"
  default_tags {
    tags = { Owner = "ops" }
  }
}

resource "aws_s3_bucket" "logs" {
  count  = 2
  bucket = "${local.name}-${count.index}"
  tags   = merge(local.tags, { Name = local.name })
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs[0].id
  versioning_configuration {
    status = "Disabled"
  }
}

resource "aws_security_group" "web" {
  for_each = toset(["a", "b"])
  name     = "web-${each.key}"
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#;

const ROOT_TF_JSON: &str = r#"{
  "//": "written as CDK for Terraform would",
  "variable": {
    "env": {
      "type": "string",
      "default": "prod"
    }
  },
  "locals": {
    "name": "logs-${var.env}",
    "tags": { "Team": "core" }
  },
  "provider": {
    "aws": {
      "region": "eu-west-1",
      "default_tags": {
        "tags": { "Owner": "ops" }
      }
    }
  },
  "resource": {
    "aws_s3_bucket": {
      "logs": {
        "count": 2,
        "bucket": "${local.name}-${count.index}",
        "tags": "${merge(local.tags, { Name = local.name })}"
      }
    },
    "aws_s3_bucket_versioning": {
      "logs": {
        "bucket": "${aws_s3_bucket.logs[0].id}",
        "versioning_configuration": {
          "status": "Disabled"
        }
      }
    },
    "aws_security_group": {
      "web": {
        "for_each": "${toset([\"a\", \"b\"])}",
        "name": "web-${each.key}",
        "ingress": [{
          "from_port": 22,
          "to_port": 22,
          "protocol": "tcp",
          "cidr_blocks": ["0.0.0.0/0"]
        }]
      }
    }
  }
}
"#;

#[test]
fn a_root_module_in_json_is_evaluated_as_its_hcl_twin() {
    let report = assert_same(&[("main.tf", ROOT_TF)], &[("main.tf.json", ROOT_TF_JSON)]);
    // A finding on a resource points at its name key in the JSON …
    assert_eq!(
        location(&report, "SG-AWS-009", "aws_s3_bucket.logs[0]"),
        ("main.tf.json".into(), 23, 7, 23, 13)
    );
    // … and one on a value at the expression inside `${…}`.
    let tags: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"] == "aws_s3_bucket.logs[1]" && f["path"][0] == "tags")
        .collect();
    assert!(!tags.is_empty(), "{report:#}");
    for f in tags {
        let at = (
            &f["start_line"],
            &f["start_column"],
            &f["end_line"],
            &f["end_column"],
        );
        assert_eq!(
            at,
            (&26.into(), &20.into(), &26.into(), &60.into()),
            "{f:#}"
        );
    }
}

const CHILD_TF: &str = r#"variable "name" {
  type = string
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = var.tags
}

output "arn" {
  value = aws_s3_bucket.this.arn
}
"#;

const CHILD_TF_JSON: &str = r#"{
  "variable": {
    "name": { "type": "string" },
    "tags": { "type": "map(string)", "default": {} }
  },
  "resource": {
    "aws_s3_bucket": {
      "this": {
        "bucket": "${var.name}",
        "tags": "${var.tags}"
      }
    }
  },
  "output": {
    "arn": { "value": "${aws_s3_bucket.this.arn}" }
  }
}
"#;

const CALLER_TF: &str = r#"module "logs" {
  source = "./modules/bucket"
  name   = "logs"
  tags   = { Env = "prod" }
}

module "data" {
  source = "./modules/bucket"
  count  = 1
  name   = "data-${count.index}"
}
"#;

const CALLER_TF_JSON: &str = r#"{
  "module": {
    "logs": {
      "source": "./modules/bucket",
      "name": "logs",
      "tags": { "Env": "prod" }
    },
    "data": {
      "source": "./modules/bucket",
      "count": 1,
      "name": "data-${count.index}"
    }
  }
}
"#;

#[test]
fn a_child_module_in_json_called_from_json_is_evaluated_per_call() {
    let report = assert_same(
        &[("main.tf", CALLER_TF), ("modules/bucket/main.tf", CHILD_TF)],
        &[
            ("main.tf.json", CALLER_TF_JSON),
            ("modules/bucket/main.tf.json", CHILD_TF_JSON),
        ],
    );
    // The child's finding (one for both calls) is reported in the child's
    // JSON file, at the resource's name key.
    assert_eq!(
        location(&report, "SG-AWS-009", "module.data[0].aws_s3_bucket.this"),
        ("modules/bucket/main.tf.json".into(), 8, 7, 8, 13)
    );
}

#[test]
fn a_module_mixing_both_syntaxes_sees_across_its_files() {
    // Variables and locals in HCL, the resource that uses them in JSON,
    // and the reverse for the versioning resource that refers to it.
    let hcl = [
        (
            "vars.tf",
            "variable \"env\" {\n  default = \"dev\"\n}\nlocals {\n  prefix = \"app-${var.env}\"\n}\n",
        ),
        (
            "main.tf",
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"${local.prefix}-b\"\n  tags   = { Env = var.env }\n}\n",
        ),
        (
            "versioning.tf",
            "resource \"aws_s3_bucket_versioning\" \"b\" {\n  bucket = aws_s3_bucket.b.id\n  versioning_configuration {\n    status = \"Enabled\"\n  }\n}\n",
        ),
    ];
    let json = [
        hcl[0],
        (
            "main.tf.json",
            r#"{"resource": {"aws_s3_bucket": {"b": {"bucket": "${local.prefix}-b", "tags": {"Env": "${var.env}"}}}}}"#,
        ),
        hcl[2],
    ];
    assert_same(&hcl, &json);
}

#[test]
fn meta_arguments_dynamic_blocks_and_lifecycle_read_as_in_hcl() {
    let hcl = r#"variable "ports" {
  type    = list(number)
  default = [22, 443]
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

resource "aws_security_group" "sg" {
  provider = aws.west
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
  lifecycle {
    ignore_changes = [tags]
  }
}

resource "aws_instance" "i" {
  ami                    = "ami-123"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.sg.id]
  depends_on             = [aws_security_group.sg]
}
"#;
    let json = r#"{
  "variable": {"ports": {"type": "list(number)", "default": [22, 443]}},
  "provider": {"aws": [{"alias": "west", "region": "us-west-2"}]},
  "resource": {
    "aws_security_group": {"sg": {
      "provider": "aws.west",
      "dynamic": {"ingress": {
        "for_each": "${var.ports}",
        "content": {
          "from_port": "${ingress.value}",
          "to_port": "${ingress.value}",
          "protocol": "tcp",
          "cidr_blocks": ["0.0.0.0/0"]
        }
      }},
      "lifecycle": {"ignore_changes": ["tags"]}
    }},
    "aws_instance": {"i": {
      "ami": "ami-123",
      "instance_type": "t3.micro",
      "vpc_security_group_ids": ["${aws_security_group.sg.id}"],
      "depends_on": ["aws_security_group.sg"]
    }}
  }
}"#;
    assert_same(&[("main.tf", hcl)], &[("main.tf.json", json)]);
}

/// The one SG-PARSE-001 of a scan of `text` as `main.tf.json`:
/// (line, column, message).
fn parse_error(text: &str) -> (u64, u64, String) {
    let p = project(&[("main.tf.json", text)]);
    let (code, report, _) = p.scan_json(&[]);
    assert_eq!(code, 1, "{report:#}");
    let errors = of_rule(&report, "SG-PARSE-001");
    assert_eq!(errors.len(), 1, "{report:#}");
    let e = errors[0];
    assert_eq!(e["file"], "main.tf.json");
    (
        e["start_line"].as_u64().unwrap(),
        e["start_column"].as_u64().unwrap(),
        e["message"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn a_repeated_key_is_a_parse_error_at_the_second_one() {
    let (line, column, message) = parse_error("{\"locals\": {\n  \"a\": 1,\n  \"a\": 2\n}}\n");
    assert_eq!((line, column), (3, 3));
    assert!(message.contains("duplicate key \"a\""), "{message}");
}

#[test]
fn a_top_level_that_is_not_an_object_is_a_parse_error() {
    let (line, column, message) = parse_error("\n  [\"resource\"]\n");
    assert_eq!((line, column), (2, 3));
    assert!(message.contains("one JSON object"), "{message}");
}

#[test]
fn an_unknown_block_type_is_a_parse_error_at_its_key() {
    let (line, column, message) = parse_error("{\n  \"locals\": {},\n  \"resources\": {}\n}\n");
    assert_eq!((line, column), (3, 3));
    assert!(
        message.contains("unknown block type \"resources\""),
        "{message}"
    );
}

#[test]
fn a_bad_template_is_a_parse_error_inside_the_string() {
    // `var.` lacks its name: the error is at the `}` that ends it.
    let (line, column, message) = parse_error("{\"locals\": {\n  \"name\": \"logs-${var.}\"\n}}\n");
    assert_eq!((line, column), (2, 23));
    assert!(message.starts_with("invalid template"), "{message}");
}

#[test]
fn a_scan_of_a_json_module_has_no_syntax_only_notification() {
    let p = project(&[("main.tf.json", ROOT_TF_JSON)]);
    let (_, report, _) = p.scan_json(&[]);
    assert_eq!(report["notifications"], serde_json::json!([]), "{report:#}");
    assert!(
        report["summary"]["resources"].as_u64().unwrap() > 0,
        "{report:#}"
    );
}

#[test]
fn module_providers_for_each_validation_provisioners_and_for_expressions_read_as_in_hcl() {
    // Expression-valued arguments (`providers`, `iterator`), a block inside
    // a variable, a labelled provisioner, a string with an escaped line
    // break, a `for` expression and a map key that is not a name.
    let hcl_root = r#"provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
variable "names" {
  type    = list(string)
  default = ["a", "b"]
  validation {
    condition     = length(var.names) > 0
    error_message = "need names"
  }
}
module "m" {
  source   = "./m"
  for_each = toset(var.names)
  name     = "q-${each.value}"
  providers = {
    aws = aws.west
  }
}
resource "aws_security_group" "sg" {
  name = "sg\nline2"
  dynamic "ingress" {
    for_each = [22, 80]
    iterator = port
    content {
      from_port = port.value
      to_port   = port.value
      protocol  = "tcp"
    }
  }
  provisioner "local-exec" {
    command = "echo hi"
  }
}
output "ids" {
  value     = [for k, v in module.m : v.arn]
  sensitive = true
}
"#;
    let hcl_child = r#"variable "name" {}
resource "aws_sqs_queue" "q" {
  name = var.name
  tags = { "kubernetes.io/cluster" = "x", Team = "t" }
}
output "arn" { value = aws_sqs_queue.q.arn }
"#;
    let json_root = r#"{
  "provider": {"aws": {"alias": "west", "region": "us-west-2"}},
  "variable": {"names": {"type": "list(string)", "default": ["a", "b"],
    "validation": {"condition": "${length(var.names) > 0}", "error_message": "need names"}}},
  "module": {"m": {"source": "./m", "for_each": "${toset(var.names)}", "name": "q-${each.value}",
    "providers": {"aws": "aws.west"}}},
  "resource": {"aws_security_group": {"sg": {
    "name": "sg\nline2",
    "dynamic": {"ingress": {"for_each": "${[22, 80]}", "iterator": "port",
      "content": {"from_port": "${port.value}", "to_port": "${port.value}", "protocol": "tcp"}}},
    "provisioner": {"local-exec": {"command": "echo hi"}}
  }}},
  "output": {"ids": {"value": "${[for k, v in module.m : v.arn]}", "sensitive": true}}
}"#;
    let json_child = r#"{"variable": {"name": {}},
 "resource": {"aws_sqs_queue": {"q": {"name": "${var.name}",
   "tags": {"kubernetes.io/cluster": "x", "Team": "t"}}}},
 "output": {"arn": {"value": "${aws_sqs_queue.q.arn}"}}}"#;
    assert_same(
        &[("main.tf", hcl_root), ("m/main.tf", hcl_child)],
        &[("main.tf.json", json_root), ("m/main.tf.json", json_child)],
    );
}
