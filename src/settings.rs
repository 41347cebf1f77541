//! The built-in settings (`data.scalegate.settings`): what each key holds and
//! means, and the check of a user's `settings:` against that.
//!
//! The defaults live once, in `policies/defaults.yaml`, and the shape of each
//! setting is read from its default value: a list of strings stays a list of
//! strings, a mapping keeps its keys. What a default cannot show is declared
//! here — mappings whose keys the user chooses (tag keys, resource types),
//! what an empty list holds, which strings are regular expressions — with a
//! description of every setting for the JSON Schema. [`built_in`] reports
//! where the two drift apart (a declaration for a key that is gone, an empty
//! default whose shape nobody declared), and a test fails on it.
//!
//! [`effective_settings`] merges a user's `settings:` over the defaults, and
//! [`settings_data`] wraps them as the `data` document policies read, for
//! the scanner, the docs and the policy tests alike.

use std::sync::OnceLock;

use regorus::Value;

use crate::source::Span;
use crate::yaml::{self, Node, NodeValue};

/// The built-in settings (`policies/defaults.yaml`) with the user's merged over.
pub fn effective_settings(user: Option<&Value>) -> Value {
    let defaults = crate::assets::embedded_defaults();
    let mut settings =
        yaml::parse_documents(defaults, yaml::Typing::Core, &yaml::Limits::default())
            .ok()
            .and_then(|docs| docs.into_iter().find_map(|d| d.root))
            .map(|root| root.to_value())
            .unwrap_or_else(Value::new_object);
    if let Some(user) = user {
        crate::config::data::merge(&mut settings, user);
    }
    settings
}

/// `{"scalegate": {"settings": ..., "google_label_attributes": ...}}`: the
/// built-in settings with the user's merged over them, as the scanner and the
/// tests see them, and the parser's table of where Google types keep their
/// labels, which the pack's tag library reads rather than copies.
pub fn settings_data(user_settings: Option<&Value>) -> Value {
    let settings = effective_settings(user_settings);
    let mut scalegate = Value::new_object();
    if let Ok(map) = scalegate.as_object_mut() {
        map.insert(Value::from("settings"), settings);
        map.insert(
            Value::from("google_label_attributes"),
            crate::parse::terraform::google_label_attributes(),
        );
    }
    let mut data = Value::new_object();
    if let Ok(map) = data.as_object_mut() {
        map.insert(Value::from("scalegate"), scalegate);
    }
    data
}

/// What a setting holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// `true` or `false`.
    Bool,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// A string.
    String,
    /// A regular expression, as Rego's `regex.match` reads it. regorus
    /// compiles patterns with the `regex` crate, so that crate is the judge.
    Regex,
    /// A list of one kind of item.
    List(Box<Shape>),
    /// A mapping with these keys only.
    Record(Vec<Field>),
    /// A mapping whose keys the user chooses.
    Dict {
        /// What the keys are, for messages: "tag key".
        key: &'static str,
        /// What every value holds.
        value: Box<Shape>,
    },
    /// Anything at all (`settings.custom` is free-form).
    Any,
}

/// One key of a [`Shape::Record`].
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key.
    pub name: String,
    /// What its value holds.
    pub shape: Shape,
    /// What it means, for the JSON Schema.
    pub description: Option<&'static str>,
    /// The built-in default, from `policies/defaults.yaml`.
    pub default: Option<serde_json::Value>,
}

/// The settings tree and what does not line up between `defaults.yaml` and
/// the declarations of this module.
#[derive(Debug)]
pub struct BuiltIn {
    /// Always a [`Shape::Record`].
    pub shape: Shape,
    /// Drift between `policies/defaults.yaml` and this module, one line each.
    pub problems: Vec<String>,
}

/// Settings whose shape their default cannot show. A new setting whose
/// default is an empty list or mapping, or whose keys are chosen by the user,
/// must be added here (a test names it).
fn declared() -> Vec<(&'static str, Shape)> {
    use Shape::*;
    let strings = || List(Box::new(String));
    vec![
        (
            "tags.allowed_values",
            Dict {
                key: "tag key",
                value: Box::new(strings()),
            },
        ),
        (
            "tags.patterns",
            Dict {
                key: "tag key",
                value: Box::new(Regex),
            },
        ),
        ("tags.exclude_types", strings()),
        ("naming.terraform_labels", Regex),
        (
            "naming.types",
            Dict {
                key: "resource type",
                value: Box::new(Record(vec![
                    field(
                        "attribute",
                        String,
                        "The attribute that holds the resource's name (`bucket`, `name`, `identifier`).",
                    ),
                    field(
                        "pattern",
                        Regex,
                        "The regular expression the name must match.",
                    ),
                ])),
            },
        ),
        (
            "custom",
            Dict {
                key: "key",
                value: Box::new(Any),
            },
        ),
    ]
}

fn field(name: &str, shape: Shape, description: &'static str) -> Field {
    Field {
        name: name.to_owned(),
        shape,
        description: Some(description),
        default: None,
    }
}

/// What each setting of `policies/defaults.yaml` means (docs/architecture.md
/// "Configuration").
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("tags", "Cost-attribution tagging: Terraform tags and, for Kubernetes, labels."),
    ("tags.required", "Tag keys every taggable resource must carry in its effective tags (SG-TAG-001); also the keys checked for near misses (SG-TAG-003), in provider `default_tags` (SG-TAG-004) and for propagation to instances (SG-TAG-005)."),
    ("tags.allowed_values", "Per tag key, the values it may take (SG-TAG-002)."),
    ("tags.patterns", "Per tag key, a regular expression its value must match (SG-TAG-002), e.g. `cost-center: \"^cc-[0-9]{4}$\"`."),
    ("tags.production_values", "Values of the `environment` tag that mean production, for the production-only AWS rules (SG-AWS-007, SG-AWS-013)."),
    ("tags.exclude_types", "Resource types never checked for required tags (SG-TAG-001), e.g. `aws_iam_role`."),
    ("naming", "Naming conventions."),
    ("naming.terraform_labels", "The regular expression Terraform block labels and `locals` names must match (SG-NAM-002)."),
    ("naming.types", "Per resource type, the attribute holding its name and the pattern the name must match (SG-NAM-001); types not listed are not checked."),
    ("kubernetes", "Standards for Kubernetes workloads."),
    ("kubernetes.required_labels", "Labels every workload must carry on `metadata.labels` and on its pod template (SG-K8S-001)."),
    ("kubernetes.min_replicas", "The fewest replicas a Deployment or StatefulSet without an autoscaler may run (SG-K8S-003), and the lowest `minReplicas` an HPA may set (SG-K8S-004)."),
    ("kubernetes.container_resources", "The resource requests and limits every container must set (SG-K8S-002)."),
    ("kubernetes.container_resources.requests", "Resources every container must request, e.g. `cpu`, `memory`."),
    ("kubernetes.container_resources.limits", "Resources every container must limit, e.g. `memory`."),
    ("kubernetes.probes", "Probes every long-running container must have (SG-K8S-010): `readiness`, `liveness`, `startup`."),
    ("stateless", "Stateless design: components that can scale horizontally."),
    ("stateless.hostpath_exempt_kinds", "Workload kinds that may mount `hostPath` volumes (SG-STL-001)."),
    ("stateless.standalone_exempt_tag", "The tag whose value (a reason) exempts a standalone compute instance (SG-STL-005)."),
    ("aws", "Thresholds of the AWS resilience rules."),
    ("aws.backup_retention_min_days", "The fewest days of automated backups a production database may keep (SG-AWS-007)."),
    ("aws.log_retention_days", "Bounds for a CloudWatch log group's `retention_in_days` (SG-AWS-008)."),
    ("aws.log_retention_days.min", "The fewest days a log group may keep its logs."),
    ("aws.log_retention_days.max", "The most days a log group may keep its logs."),
    ("custom", "Free-form settings for your own policies, read as `data.scalegate.settings.custom`."),
];

/// The built-in settings a rule reads, as dotted paths (`tags.required`),
/// in the order they are documented: those whose description names the
/// rule's id. The descriptions are where a setting says which rules it
/// changes, for the JSON Schema and the docs alike; a test checks them
/// against what each rule's policy reads.
pub fn read_by(rule_id: &str) -> Vec<&'static str> {
    DESCRIPTIONS
        .iter()
        .filter(|(_, description)| names_rule(description, rule_id))
        .map(|(path, _)| *path)
        .collect()
}

/// Whether `text` names `rule_id` as a whole word (`SG-TAG-001`, not a
/// prefix of a longer id).
fn names_rule(text: &str, rule_id: &str) -> bool {
    text.match_indices(rule_id).any(|(at, _)| {
        let word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let before = text[..at].chars().next_back();
        let after = text[at + rule_id.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// The shape of the built-in settings, read once from the embedded
/// `policies/defaults.yaml`.
pub fn built_in() -> &'static BuiltIn {
    static BUILT_IN: OnceLock<BuiltIn> = OnceLock::new();
    BUILT_IN.get_or_init(|| from_defaults(crate::assets::embedded_defaults()))
}

/// Builds the shape from a defaults file's text.
pub fn from_defaults(text: &str) -> BuiltIn {
    let mut problems = Vec::new();
    let root = yaml::parse_documents(text, yaml::Typing::Core, &yaml::Limits::default())
        .map_err(|e| {
            problems.push(format!(
                "policies/defaults.yaml is not valid YAML: {}",
                e.message
            ))
        })
        .ok()
        .and_then(|docs| docs.into_iter().find_map(|d| d.root));
    let declared = declared();
    let shape = match &root {
        Some(
            node @ Node {
                value: NodeValue::Map(_),
                ..
            },
        ) => infer("", node, &declared, &mut problems),
        _ => {
            problems.push("policies/defaults.yaml must be a mapping".into());
            Shape::Record(Vec::new())
        }
    };
    let mut paths = Vec::new();
    collect_paths(&shape, "", &mut paths);
    for (path, _) in &declared {
        if !paths.iter().any(|p| p == path) {
            problems.push(format!(
                "settings.rs declares the shape of `{path}`, which policies/defaults.yaml does not have"
            ));
        }
    }
    for (path, _) in DESCRIPTIONS {
        if !paths.iter().any(|p| p == path) {
            problems.push(format!(
                "settings.rs describes `{path}`, which policies/defaults.yaml does not have"
            ));
        }
    }
    for path in &paths {
        if !DESCRIPTIONS.iter().any(|(p, _)| p == path) {
            problems.push(format!(
                "`{path}` in policies/defaults.yaml has no description in settings.rs DESCRIPTIONS"
            ));
        }
    }
    if let Some(root) = &root {
        validate(root, &shape, "", &mut |_, message| {
            problems.push(format!("policies/defaults.yaml: {message}"))
        });
    }
    BuiltIn { shape, problems }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn infer(path: &str, node: &Node, declared: &[(&str, Shape)], problems: &mut Vec<String>) -> Shape {
    if let Some((_, shape)) = declared.iter().find(|(p, _)| *p == path) {
        return shape.clone();
    }
    match &node.value {
        NodeValue::Map(entries) if entries.is_empty() => {
            problems.push(format!(
                "`{path}` defaults to an empty mapping: declare in settings.rs what it holds"
            ));
            Shape::Dict {
                key: "key",
                value: Box::new(Shape::Any),
            }
        }
        NodeValue::Map(entries) => Shape::Record(
            entries
                .iter()
                .map(|(key, value)| {
                    let child = join(path, &key.text);
                    Field {
                        name: key.text.clone(),
                        shape: infer(&child, value, declared, problems),
                        description: DESCRIPTIONS
                            .iter()
                            .find(|(p, _)| *p == child)
                            .map(|(_, d)| *d),
                        default: Some(to_json(value)),
                    }
                })
                .collect(),
        ),
        NodeValue::Seq(items) => match items.first() {
            Some(first) => Shape::List(Box::new(infer(
                &format!("{path}[]"),
                first,
                declared,
                problems,
            ))),
            None => {
                problems.push(format!(
                    "`{path}` defaults to an empty list: declare in settings.rs what it holds"
                ));
                Shape::List(Box::new(Shape::Any))
            }
        },
        NodeValue::String(_) => Shape::String,
        NodeValue::Int(_) | NodeValue::UInt(_) => Shape::Integer,
        NodeValue::Float(_) => Shape::Number,
        NodeValue::Bool(_) => Shape::Bool,
        NodeValue::Null => Shape::Any,
    }
}

/// Every key path of a record tree (`tags`, `tags.required`, …); the keys
/// of user-keyed mappings are not paths.
fn collect_paths(shape: &Shape, path: &str, out: &mut Vec<String>) {
    if let Shape::Record(fields) = shape {
        for f in fields {
            let child = join(path, &f.name);
            out.push(child.clone());
            collect_paths(&f.shape, &child, out);
        }
    }
}

/// The JSON view of a YAML value, mapping order kept: what a JSON Schema
/// validator (and an editor) sees of a config file.
pub fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        NodeValue::Null => J::Null,
        NodeValue::Bool(b) => J::Bool(*b),
        NodeValue::Int(i) => J::from(*i),
        NodeValue::UInt(u) => J::from(*u),
        NodeValue::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        NodeValue::String(s) => J::String(s.clone()),
        NodeValue::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        NodeValue::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| (k.text.clone(), to_json(v)))
                .collect(),
        ),
    }
}

/// How a shape is named in messages: "a list of strings".
pub fn describe(shape: &Shape) -> String {
    match shape {
        Shape::Bool => "true or false".into(),
        Shape::Integer => "an integer".into(),
        Shape::Number => "a number".into(),
        Shape::String => "a string".into(),
        Shape::Regex => "a regular expression (a string)".into(),
        Shape::List(item) => format!("a list of {}", plural(item)),
        Shape::Record(_) => "a mapping".into(),
        Shape::Dict { key, value } => format!("a mapping of {key} to {}", describe(value)),
        Shape::Any => "any value".into(),
    }
}

fn plural(shape: &Shape) -> String {
    match shape {
        Shape::Bool => "booleans".into(),
        Shape::Integer => "integers".into(),
        Shape::Number => "numbers".into(),
        Shape::String => "strings".into(),
        Shape::Regex => "regular expressions".into(),
        Shape::List(item) => format!("lists of {}", plural(item)),
        Shape::Record(_) | Shape::Dict { .. } => "mappings".into(),
        Shape::Any => "values".into(),
    }
}

/// How a value is named in messages: "a list", "the integer 3".
fn found(node: &Node) -> String {
    match &node.value {
        NodeValue::Null => "nothing (null)".into(),
        NodeValue::Bool(b) => format!("the boolean {b}"),
        NodeValue::Int(i) => format!("the integer {i}"),
        NodeValue::UInt(u) => format!("the integer {u}"),
        NodeValue::Float(_) => "a number".into(),
        NodeValue::String(s) => format!("the string {s:?}"),
        NodeValue::Seq(_) => "a list".into(),
        NodeValue::Map(_) => "a mapping".into(),
    }
}

/// Checks a user's settings node (`path` is where it sits, "" for the
/// `settings:` mapping itself) and calls `report` with the span and message
/// of every problem.
pub fn validate(node: &Node, shape: &Shape, path: &str, report: &mut dyn FnMut(Span, String)) {
    let shown = |path: &str| format!("settings{}{path}", if path.is_empty() { "" } else { "." });
    let wrong = |report: &mut dyn FnMut(Span, String)| {
        let mut message = format!(
            "`{}` must be {}, found {}",
            shown(path),
            describe(shape),
            found(node)
        );
        // YAML 1.2 reads `2024` as a number and `yes` as a string; say how
        // to write what was probably meant.
        if matches!(shape, Shape::String | Shape::Regex) {
            if let Some(text) = node.scalar_text() {
                message.push_str(&format!("; quote it: \"{text}\""));
            }
        }
        if matches!(shape, Shape::Bool) && node.as_str().is_some() {
            message.push_str(" (only `true` and `false` are booleans in this file)");
        }
        report(node.span, message)
    };
    match (shape, &node.value) {
        (Shape::Any, _) => {}
        (Shape::Record(fields), NodeValue::Map(entries)) => {
            let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            for (key, value) in entries {
                match fields.iter().find(|f| f.name == key.text) {
                    Some(f) => validate(value, &f.shape, &join(path, &f.name), report),
                    None => {
                        let place = if path.is_empty() {
                            "settings".to_owned()
                        } else {
                            shown(path)
                        };
                        let hint = match crate::did_you_mean::closest(&key.text, &names) {
                            Some(s) => format!(" — did you mean `{s}`?"),
                            None => format!("; expected one of: {}", names.join(", ")),
                        };
                        report(
                            key.span,
                            format!("unknown key `{}` in {place}{hint}", key.text),
                        );
                    }
                }
            }
        }
        (Shape::Dict { value: item, .. }, NodeValue::Map(entries)) => {
            for (key, value) in entries {
                validate(value, item, &join(path, &key.text), report);
            }
        }
        (Shape::List(item), NodeValue::Seq(items)) => {
            for (i, value) in items.iter().enumerate() {
                validate(value, item, &format!("{path}[{i}]"), report);
            }
        }
        (Shape::String, NodeValue::String(_))
        | (Shape::Bool, NodeValue::Bool(_))
        | (Shape::Integer, NodeValue::Int(_) | NodeValue::UInt(_))
        | (Shape::Number, NodeValue::Int(_) | NodeValue::UInt(_) | NodeValue::Float(_)) => {}
        (Shape::Regex, NodeValue::String(pattern)) => {
            if let Err(e) = regex::Regex::new(pattern) {
                report(
                    node.span,
                    format!(
                        "`{}` is not a valid regular expression: {}",
                        shown(path),
                        regex_error(&e)
                    ),
                );
            }
        }
        _ => wrong(report),
    }
}

/// The one-line reason of a regex error (its text also draws the pattern).
fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or(text.lines().last().unwrap_or(""))
        .to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_settings_a_rule_reads_are_those_naming_it() {
        assert_eq!(
            read_by("SG-TAG-001"),
            ["tags.required", "tags.exclude_types"]
        );
        assert_eq!(
            read_by("SG-AWS-007"),
            ["tags.production_values", "aws.backup_retention_min_days"]
        );
        assert!(read_by("SG-K8S-008").is_empty());
        assert!(read_by("SG-TAG-00").is_empty());
        assert!(names_rule("rules (SG-AWS-007, SG-AWS-013).", "SG-AWS-013"));
        assert!(!names_rule("SG-AWS-0130", "SG-AWS-013"));
    }

    /// Every `data.scalegate.settings.…` path a built-in rule's own policy
    /// file reads is declared for it (the declaration may say more: a
    /// library the rule calls can read settings too).
    #[test]
    fn every_setting_a_built_in_rule_reads_is_declared_for_it() {
        const PREFIX: &str = "data.scalegate.settings.";
        for file in crate::assets::embedded_policies(false) {
            let Ok(Some(meta)) = crate::policy::metadata::parse(&file.text) else {
                continue;
            };
            let declared = read_by(&meta.id);
            for (at, _) in file.text.match_indices(PREFIX) {
                let path: String = file.text[at + PREFIX.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '.')
                    .collect();
                let path = path.trim_end_matches('.');
                assert!(
                    declared
                        .iter()
                        .any(|d| *d == path || d.starts_with(&format!("{path}."))),
                    "{} ({}) reads settings.{path}, but no description in settings.rs DESCRIPTIONS names {}",
                    file.path,
                    meta.id,
                    meta.id
                );
            }
        }
    }

    use super::*;

    fn errors(yaml_text: &str) -> Vec<String> {
        let docs =
            yaml::parse_documents(yaml_text, yaml::Typing::Core, &yaml::Limits::default()).unwrap();
        let root = docs.into_iter().find_map(|d| d.root).unwrap();
        let mut out = Vec::new();
        validate(&root, &built_in().shape, "", &mut |_, m| out.push(m));
        out
    }

    #[test]
    fn built_in_defaults_load_and_user_settings_merge_over_them() {
        let user = Value::from_json_str(r#"{"tags": {"required": ["team"]}, "custom": {"x": 1}}"#)
            .unwrap();
        let settings = effective_settings(Some(&user));
        assert_eq!(
            settings["tags"]["required"],
            Value::from_json_str(r#"["team"]"#).unwrap()
        );
        // Untouched defaults survive the merge.
        assert_eq!(settings["kubernetes"]["min_replicas"], Value::from(2u64));
        assert_eq!(settings["custom"]["x"], Value::from(1u64));
        let defaults = effective_settings(None);
        assert_eq!(
            defaults["tags"]["required"],
            Value::from_json_str(r#"["owner", "cost-center", "environment"]"#).unwrap()
        );
    }

    #[test]
    fn the_built_in_settings_and_their_declarations_agree() {
        assert_eq!(built_in().problems, Vec::<String>::new());
    }

    #[test]
    fn drift_is_named() {
        let b = from_defaults("tags:\n  required: []\n  fresh: {}\n");
        assert!(b.problems.contains(
            &"`tags.fresh` defaults to an empty mapping: declare in settings.rs what it holds"
                .to_owned()
        ));
        assert!(b.problems.contains(
            &"`tags.required` defaults to an empty list: declare in settings.rs what it holds"
                .to_owned()
        ));
        assert!(b.problems.contains(
            &"settings.rs declares the shape of `naming.types`, which policies/defaults.yaml does not have"
                .to_owned()
        ));
    }

    #[test]
    fn unknown_keys_get_a_did_you_mean() {
        assert_eq!(
            errors("tags:\n  requried: [owner]\n"),
            ["unknown key `requried` in settings.tags — did you mean `required`?"]
        );
        assert_eq!(
            errors("tagz: {}\n"),
            ["unknown key `tagz` in settings — did you mean `tags`?"]
        );
    }

    #[test]
    fn wrong_types_name_the_setting_and_what_it_needs() {
        assert_eq!(
            errors("tags:\n  allowed_values: [prod]\n  required: [owner, 2024]\nkubernetes:\n  min_replicas: two\n"),
            [
                "`settings.tags.allowed_values` must be a mapping of tag key to a list of strings, found a list",
                "`settings.tags.required[1]` must be a string, found the integer 2024; quote it: \"2024\"",
                "`settings.kubernetes.min_replicas` must be an integer, found the string \"two\"",
            ]
        );
    }

    #[test]
    fn user_keyed_mappings_accept_any_key_and_check_values() {
        assert_eq!(
            errors("tags:\n  patterns: { cost-center: \"^cc-[0-9]{4}$\", team: \"^[a-z\" }\nnaming:\n  types:\n    aws_kinesis_stream: { attribute: name, patern: x }\ncustom: { anything: [1, {a: b}] }\n"),
            [
                "`settings.tags.patterns.team` is not a valid regular expression: unclosed character class",
                "unknown key `patern` in settings.naming.types.aws_kinesis_stream — did you mean `pattern`?",
            ]
        );
    }

    #[test]
    fn yaml_1_2_words_are_strings() {
        // `on` and `yes` are strings here, so they are fine as tag keys.
        assert_eq!(
            errors("tags:\n  required: [on, yes, off]\n"),
            Vec::<String>::new()
        );
    }
}
