//! The plan fixture, a plan with modules, and short helpers shared by the
//! plan reader's tests.

use std::sync::Arc;

use regorus::Value;

use super::parse;
use crate::model::{dotted, PathSeg, Resource, ValuePath};
use crate::source::{Region, SharedSource, SourceFile, Span};

pub(super) const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/terraform/plan");

pub(super) fn fixture_source(rel: &str) -> SharedSource {
    let text = std::fs::read_to_string(format!("{FIXTURE}/{rel}")).unwrap();
    Arc::new(SourceFile::new(format!("plan/{rel}"), text))
}

pub(super) fn fixture() -> Vec<Resource> {
    parse(&fixture_source("plan.json")).unwrap()
}

pub(super) fn parse_text(text: &str) -> Vec<Resource> {
    parse(&Arc::new(SourceFile::new("plan.json", text.to_owned()))).unwrap()
}

pub(super) fn get<'a>(resources: &'a [Resource], id: &str) -> &'a Resource {
    resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

pub(super) fn json(text: &str) -> Value {
    Value::from_json_str(text).unwrap()
}

/// `rule.0.days` → [Key("rule"), Index(0), Key("days")].
pub(super) fn path(dotted: &str) -> ValuePath {
    dotted
        .split('.')
        .map(|seg| match seg.parse() {
            Ok(i) => PathSeg::Index(i),
            Err(_) => PathSeg::Key(seg.to_owned()),
        })
        .collect()
}

pub(super) fn unknown(resource: &Resource) -> Vec<String> {
    resource.unknown.iter().map(|u| dotted(&u.path)).collect()
}

pub(super) fn refs(entries: &[(&str, &[&str])]) -> crate::model::References {
    let mut refs: crate::model::References = entries
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|a| a.to_string()).collect()))
        .collect();
    refs.sort();
    refs
}

pub(super) fn region(resource: &Resource, span: Span) -> Region {
    resource.source.region(span)
}

/// Module instance keys, old-style provider keys, `for_each`,
/// `depends_on`, a single nested block, Google labels, a deposed change,
/// a resource without known values.
pub(super) const MODULES: &str = r#"{
  "format_version": "1.0",
  "planned_values": {
"root_module": {
  "child_modules": [
    {
      "address": "module.app[\"eu.west\"]",
      "resources": [
        {
          "address": "module.app[\"eu.west\"].aws_sqs_queue.q[\"jobs\"]",
          "mode": "managed", "type": "aws_sqs_queue", "name": "q", "index": "jobs",
          "values": {"name": "jobs", "policy": null, "redrive": [null], "tags": {"team": "core"}}
        }
      ],
      "child_modules": [
        {
          "address": "module.app[\"eu.west\"].module.gcp",
          "resources": [
            {
              "address": "module.app[\"eu.west\"].module.gcp.google_storage_bucket.b",
              "mode": "managed", "type": "google_storage_bucket", "name": "b",
              "values": {"labels": {"team": "core"}, "effective_labels": {"env": "prod", "team": "core"}, "tags": {"x": "y"}}
            },
            {
              "address": "module.app[\"eu.west\"].module.gcp.google_compute_instance.vm",
              "mode": "managed", "type": "google_compute_instance", "name": "vm"
            }
          ]
        }
      ]
    }
  ]
}
  },
  "resource_changes": [
{
  "address": "module.app[\"eu.west\"].aws_sqs_queue.q[\"jobs\"]",
  "deposed": "00000001",
  "change": {"actions": ["delete"], "after_unknown": {"name": true}}
},
{
  "address": "module.app[\"eu.west\"].aws_sqs_queue.q[\"jobs\"]",
  "change": {"actions": ["create"], "after_unknown": {"arn": true, "policy": true, "redrive": [true], "tags": {}, "tags_all": true}}
},
{
  "address": "module.app[\"eu.west\"].module.gcp.google_compute_instance.vm",
  "change": {"actions": ["create"], "after_unknown": {"effective_labels": true, "labels": true, "tags": true}}
}
  ],
  "configuration": {
"root_module": {
  "module_calls": {
    "app": {
      "source": "./app",
      "for_each_expression": {"references": ["var.regions"]},
      "module": {
        "resources": [
          {
            "address": "aws_sqs_queue.q",
            "mode": "managed", "type": "aws_sqs_queue", "name": "q",
            "provider_config_key": "module.app:aws.east",
            "expressions": {
              "name": {"references": ["each.key"]},
              "redrive_policy": {"references": ["module.dlq.arn", "module.dlq", "path.module", "terraform.workspace"]},
              "encryption": {"kms_key": {"references": ["data.aws_kms_key.k[0].arn", "data.aws_kms_key.k[0]", "data.aws_kms_key.k"]}},
              "tags": {"constant_value": {"team": "core"}}
            },
            "for_each_expression": {"references": ["local.queues"]},
            "depends_on": ["aws_iam_role.r", "module.dlq"]
          }
        ],
        "module_calls": {
          "gcp": {
            "source": "./gcp",
            "module": {
              "resources": [
                {
                  "address": "google_storage_bucket.b",
                  "mode": "managed", "type": "google_storage_bucket", "name": "b",
                  "provider_config_key": "module.app.module.gcp:google",
                  "expressions": {"labels": {"references": ["var.labels"]}}
                }
              ]
            }
          }
        }
      }
    }
  }
}
  }
}"#;
