//! The walk over `planned_values`: every module level, and for each planned
//! resource instance the [`Resource`] policies see (its planned `values` as
//! `config`, its provider, its effective tags), combined with what
//! [`super::unknowns`] and [`super::references`] found for it.

use std::collections::{BTreeSet, HashMap};

use regorus::Value;

use super::document::{array, expect_object, optional_str, required_str};
use super::references::references;
use super::unknowns::{remove_null, unknown_paths};
use crate::address::{module_steps, steps};
use crate::model::{Cause, Format, Resource, SpanChildren, SpanNode, Unknown};
use crate::parse::ParseError;
use crate::source::{SharedSource, Span};
use crate::yaml::{Node, NodeValue};

/// What every resource of one plan is read against.
pub(super) struct Plan<'a> {
    pub(super) source: &'a SharedSource,
    /// `change.after_unknown` of each resource instance, by address.
    pub(super) after_unknown: HashMap<&'a str, &'a Node>,
    /// Configuration resources by module call names (`["logs"]` for
    /// `module.logs`) and module-local address (`aws_s3_bucket.b`).
    pub(super) configuration: HashMap<(Vec<&'a str>, String), &'a Node>,
}

impl Plan<'_> {
    /// The resources of one module of `planned_values` and of its children.
    pub(super) fn module(&self, module: &Node, out: &mut Vec<Resource>) -> Result<(), ParseError> {
        expect_object(module, "a module of `planned_values`")?;
        for entry in array(module.get("resources"), "`resources` of a planned module")? {
            out.push(self.resource(entry)?);
        }
        for child in array(module.get("child_modules"), "`child_modules`")? {
            self.module(child, out)?;
        }
        Ok(())
    }

    fn resource(&self, entry: &Node) -> Result<Resource, ParseError> {
        expect_object(entry, "a resource of `planned_values`")?;
        let (address_key, address_node) = entry.entry("address").ok_or_else(|| {
            ParseError::new(
                entry.span.start,
                "a resource of `planned_values` has no `address`",
            )
        })?;
        let address = address_node.as_str().ok_or_else(|| {
            ParseError::new(
                address_node.span.start,
                "the `address` of a planned resource is not a string",
            )
        })?;
        let what = format!("planned resource `{address}`");
        let kind = required_str(entry, "type", &what)?;
        let name = required_str(entry, "name", &what)?;
        let data = optional_str(entry, "mode", &what)? == Some("data");

        let (prefix, calls) = module_instance(address);
        let local = if data {
            format!("data.{kind}.{name}")
        } else {
            format!("{kind}.{name}")
        };
        let configured = self.configuration.get(&(calls, local)).copied();
        let (mut config, spans) = values(entry, &what)?;

        let marks = self.after_unknown.get(address).copied();
        let mut paths = Vec::new();
        if let Some(marks) = marks {
            unknown_paths(marks, &mut Vec::new(), &mut paths);
        }
        paths.sort();
        paths.dedup();
        for path in &paths {
            remove_null(&mut config, path);
        }
        let cause = if data {
            Cause::DataSource
        } else {
            Cause::Resource
        };
        let (tags, tags_unknown) = tags(kind, &config, marks);

        let provider_key = match configured {
            Some(resource) => {
                optional_str(resource, "provider_config_key", "a configuration resource")?
            }
            None => None,
        };

        Ok(Resource {
            id: address.to_owned(),
            format: Format::Plan,
            kind: kind.to_owned(),
            name: name.to_owned(),
            namespace: None,
            provider: Some(provider_name(provider_key, kind)),
            source: self.source.clone(),
            config,
            unknown: paths
                .into_iter()
                .map(|path| Unknown {
                    path,
                    cause: cause.clone(),
                })
                .collect(),
            references: configured.map_or_else(Vec::new, |r| references(r, &prefix)),
            tags,
            tags_cause: (!tags_unknown.is_empty()).then_some(Cause::Resource),
            tags_unknown,
            module_calls: Vec::new(),
            spans,
            header: Span::new(address_key.span.start, address_node.span.end),
            helm_source: None,
            kustomize: None,
            declaration_only: false,
        })
    }
}

/// The module instance a resource address is in, as an address prefix
/// (`module.a["k"].`, empty at the root), and the names of the module calls
/// that lead to it in `configuration` (`["a"]`).
fn module_instance(address: &str) -> (String, Vec<&str>) {
    let steps = steps(address);
    let module = &steps[..module_steps(&steps)];
    let prefix = module
        .iter()
        .map(|step| format!("{}{}.", step.name, step.key))
        .collect();
    let calls = module
        .iter()
        .skip(1)
        .step_by(2)
        .map(|step| step.name)
        .collect();
    (prefix, calls)
}

/// The planned `values` of a resource as `config`, with their spans.
fn values(entry: &Node, what: &str) -> Result<(Value, SpanNode), ParseError> {
    match entry.entry("values") {
        Some((key, values)) if matches!(values.value, NodeValue::Map(_)) => {
            Ok(values.to_value_and_spans(Some(key.span)))
        }
        Some((_, values)) if !matches!(values.value, NodeValue::Null) => Err(ParseError::new(
            values.span.start,
            format!("the `values` of {what} is not an object"),
        )),
        // Terraform omits `values` when no attribute is known yet. The spans
        // cover the resource object, so a finding still lands inside it.
        _ => Ok((
            Value::new_object(),
            SpanNode {
                key: None,
                value: entry.span,
                children: SpanChildren::Map(Vec::new()),
            },
        )),
    }
}

/// The provider configuration a resource uses, named as the Terraform parser
/// names it (`aws`, `aws.west`): from `provider_config_key`, else Terraform's
/// default, the type name up to its first underscore.
fn provider_name(key: Option<&str>, kind: &str) -> String {
    key
        // Keys of provider configurations inherited inside a module are
        // written `module.x:aws` by some Terraform versions.
        .and_then(|key| key.rsplit(':').next())
        .filter(|key| !key.is_empty())
        .unwrap_or_else(|| kind.split('_').next().unwrap_or(kind))
        .to_owned()
}

/// Effective tags and the tag keys whose values are unknown.
///
/// AWS writes the provider's `default_tags` merged with the resource's own
/// tags into `tags_all`; Google writes `default_labels` merged with `labels`
/// into `effective_labels` (a Google `tags` is something else: network tags
/// or resource-manager tags). The first attribute that holds an object wins.
/// An earlier attribute that is unknown as a whole (`tags_all` when a tag
/// value is unknown) may hold keys nobody can see yet: `*`.
fn tags(kind: &str, config: &Value, marks: Option<&Node>) -> (Value, Vec<String>) {
    let attributes: &[&str] = if kind.starts_with("google_") {
        &["effective_labels", "labels"]
    } else {
        &["tags_all", "tags"]
    };
    let mut unknown = BTreeSet::new();
    for attribute in attributes {
        let mark = marks.and_then(|m| m.get(attribute)).map(|m| &m.value);
        let value = &config[*attribute];
        if matches!(value, Value::Object(_)) {
            if let Some(NodeValue::Map(keys)) = mark {
                unknown.extend(
                    keys.iter()
                        .filter(|(_, v)| matches!(v.value, NodeValue::Bool(true)))
                        .map(|(k, _)| k.text.clone()),
                );
            }
            return (value.clone(), unknown.into_iter().collect());
        }
        if matches!(mark, Some(NodeValue::Bool(true))) {
            unknown.insert("*".to_owned());
        }
    }
    (Value::new_object(), unknown.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use regorus::Value;

    use crate::model::{Format, SpanChildren};
    use crate::parse::plan::testing::{
        fixture, get, json, parse_text, path, refs, region, unknown, MODULES,
    };
    use crate::source::Region;

    #[test]
    fn every_planned_resource_at_every_module_level() {
        let resources = fixture();
        let ids: Vec<&str> = resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "aws_instance.web[0]",
                "aws_instance.web[1]",
                "aws_s3_bucket.logs",
                "aws_s3_bucket_lifecycle_configuration.logs",
                "data.aws_iam_policy_document.logs",
                "module.logs.aws_cloudwatch_log_group.this",
            ]
        );
        let shape: Vec<(&str, &str, Option<&str>)> = resources
            .iter()
            .map(|r| (r.kind.as_str(), r.name.as_str(), r.provider.as_deref()))
            .collect();
        assert_eq!(
            shape,
            [
                ("aws_instance", "web", Some("aws.west")),
                ("aws_instance", "web", Some("aws.west")),
                ("aws_s3_bucket", "logs", Some("aws")),
                ("aws_s3_bucket_lifecycle_configuration", "logs", Some("aws")),
                ("aws_iam_policy_document", "logs", Some("aws")),
                ("aws_cloudwatch_log_group", "this", Some("aws")),
            ]
        );
        for r in &resources {
            assert_eq!(r.format, Format::Plan);
            assert_eq!(r.namespace, None);
            assert_eq!(r.source.path, "plan/plan.json");
            assert!(r.module_calls.is_empty() && r.helm_source.is_none());
        }
    }

    #[test]
    fn config_is_the_planned_values() {
        let resources = fixture();
        assert_eq!(
            get(&resources, "aws_s3_bucket.logs").config,
            json(
                r#"{"bucket": "shop-logs", "force_destroy": false, "timeouts": null,
                    "tags": {"Name": "shop-logs"},
                    "tags_all": {"Name": "shop-logs", "cost-center": "cc-1001",
                                 "environment": "production", "owner": "platform"}}"#
            )
        );
        let web = get(&resources, "aws_instance.web[1]");
        assert_eq!(web.config["tags"], json(r#"{"Name": "web-1"}"#));
        assert_eq!(web.config["launch_template"], json("[]"));
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        assert_eq!(
            lifecycle.config["rule"][0]["expiration"],
            json(r#"[{"date": null, "days": 90}]"#)
        );
        // Unknown values are not in the plan's values, so not in config.
        assert_eq!(lifecycle.config["bucket"], Value::Undefined);
    }

    #[test]
    fn tags_are_tags_all_and_unknown_tag_keys_are_listed() {
        let resources = fixture();
        let bucket = get(&resources, "aws_s3_bucket.logs");
        assert_eq!(bucket.tags, bucket.config["tags_all"]);
        assert!(bucket.tags_unknown.is_empty());
        // `tags_all` is unknown as a whole (a tag value is): the known own
        // tags, with `*` for what the defaults may add and the unknown key.
        let web = get(&resources, "aws_instance.web[0]");
        assert_eq!(web.tags, json(r#"{"Name": "web-0"}"#));
        assert_eq!(web.tags_unknown, ["*", "Bucket"]);
        let module = get(&resources, "module.logs.aws_cloudwatch_log_group.this");
        assert_eq!(
            module.tags,
            json(
                r#"{"component": "logs", "cost-center": "cc-1001",
                    "environment": "production", "owner": "platform"}"#
            )
        );
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        assert_eq!(lifecycle.tags, Value::new_object());
        assert!(lifecycle.tags_unknown.is_empty());
    }

    #[test]
    fn header_and_spans_point_into_the_plan() {
        let resources = fixture();
        let bucket = get(&resources, "aws_s3_bucket.logs");
        // `"address": "aws_s3_bucket.logs"`
        assert_eq!(region(bucket, bucket.header), Region::new(72, 11, 72, 42));
        assert_eq!(
            region(bucket, bucket.spans.key.unwrap()),
            Region::new(78, 11, 78, 19)
        );
        assert_eq!(
            region(bucket, bucket.spans.value),
            Region::new(78, 21, 91, 12)
        );
        let owner = bucket.spans.deepest(&path("tags_all.owner"));
        assert_eq!(owner.1, 2);
        assert_eq!(region(bucket, owner.0.value), Region::new(88, 24, 88, 34));
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        let days = lifecycle.spans.deepest(&path("rule.0.expiration.0.days"));
        assert_eq!(days.1, 5);
        assert_eq!(
            region(lifecycle, days.0.value),
            Region::new(112, 29, 112, 31)
        );
        let module = get(&resources, "module.logs.aws_cloudwatch_log_group.this");
        assert_eq!(region(module, module.header), Region::new(211, 15, 211, 69));
    }

    #[test]
    fn modules_with_instance_keys_and_old_provider_keys() {
        let resources = parse_text(MODULES);
        let queue = get(
            &resources,
            r#"module.app["eu.west"].aws_sqs_queue.q["jobs"]"#,
        );
        assert_eq!(queue.provider.as_deref(), Some("aws.east"));
        let m = r#"module.app["eu.west"]."#;
        assert_eq!(
            queue.references,
            refs(&[
                (
                    "depends_on",
                    &[&format!("{m}aws_iam_role.r"), &format!("{m}module.dlq"),]
                ),
                ("encryption.0.kms_key", &[&format!("{m}data.aws_kms_key.k")]),
                ("for_each", &[&format!("{m}local.queues")]),
                ("redrive_policy", &[&format!("{m}module.dlq")]),
            ])
        );
        // The deposed object's change is not the planned one.
        assert_eq!(unknown(queue), ["arn", "policy", "redrive.0", "tags_all"]);
        // A null standing for an unknown value leaves config; a list item
        // keeps its place.
        assert_eq!(
            queue.config,
            json(r#"{"name": "jobs", "redrive": [null], "tags": {"team": "core"}}"#)
        );
        assert_eq!(queue.tags, json(r#"{"team": "core"}"#));
        assert_eq!(queue.tags_unknown, ["*"]);

        let bucket = get(
            &resources,
            r#"module.app["eu.west"].module.gcp.google_storage_bucket.b"#,
        );
        assert_eq!(bucket.provider.as_deref(), Some("google"));
        assert_eq!(bucket.tags, json(r#"{"env": "prod", "team": "core"}"#));
        assert_eq!(
            bucket.references,
            refs(&[("labels", &[&format!("{m}module.gcp.var.labels")])])
        );

        // No configuration entry: the provider comes from the type. No
        // values: an empty config, spans over the resource object.
        let vm = get(
            &resources,
            r#"module.app["eu.west"].module.gcp.google_compute_instance.vm"#,
        );
        assert_eq!(vm.provider.as_deref(), Some("google"));
        assert_eq!(vm.config, Value::new_object());
        assert_eq!(vm.spans.children, SpanChildren::Map(Vec::new()));
        assert_eq!(vm.source.text.as_bytes()[vm.spans.value.start], b'{');
        assert!(vm.references.is_empty());
        assert_eq!(vm.tags, Value::new_object());
        assert_eq!(vm.tags_unknown, ["*"]);
    }
}
