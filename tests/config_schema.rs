//! The published JSON Schema (`schema/scalegate.schema.json`) and the config
//! loader must agree: the committed file is what `scalegate schema` writes
//! today; its settings section is `policies/defaults.yaml`, key for key; and
//! a set of valid and invalid configs is accepted or rejected by both alike
//! — with the few checks only the loader can make named and explained.

use std::path::Path;

use scalegate::config;
use scalegate::docs::{self, RuleDoc};
use scalegate::yaml;
use scalegate::{init, schema, settings};
use serde_json::Value;

const REGENERATE: &str = "cargo run -- schema --out schema/scalegate.schema.json";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn catalog() -> Vec<RuleDoc> {
    docs::builtin_catalog().expect("the built-in pack loads")
}

fn committed_schema() -> Value {
    let text = std::fs::read_to_string(repo().join(schema::SCHEMA_PATH))
        .unwrap_or_else(|e| panic!("{}: {e}; run `{REGENERATE}`", schema::SCHEMA_PATH));
    serde_json::from_str(&text).expect("the schema is JSON")
}

#[test]
fn the_committed_schema_is_what_the_generator_writes() {
    let committed = std::fs::read_to_string(repo().join(schema::SCHEMA_PATH)).unwrap_or_default();
    assert!(
        committed == schema::render(&catalog()),
        "{} is stale: regenerate with `{REGENERATE}` and commit it",
        schema::SCHEMA_PATH
    );
}

/// The YAML tree of `policies/defaults.yaml`, as JSON.
fn defaults() -> Value {
    let text = std::fs::read_to_string(repo().join("policies/defaults.yaml")).unwrap();
    yaml_json(&text)
}

fn yaml_json(text: &str) -> Value {
    let docs = yaml::parse_documents(text, yaml::Typing::Core, &yaml::Limits::default())
        .expect("valid YAML");
    docs.into_iter()
        .find_map(|d| d.root)
        .map(|root| settings::to_json(&root))
        .unwrap_or(Value::Null)
}

/// Walks the schema's settings section beside the defaults: every key of a
/// fixed-key mapping is in both, in the same order, with the default shown.
fn compare(schema: &Value, defaults: &Value, path: &str, problems: &mut Vec<String>) {
    if let Some(default) = schema.get("default") {
        if default != defaults {
            problems.push(format!(
                "{path}: the schema's default {default} is not the defaults' {defaults}"
            ));
        }
    }
    if schema
        .get("description")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        problems.push(format!("{path}: no description"));
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let Some(values) = defaults.as_object() else {
        problems.push(format!(
            "{path}: a mapping in the schema, not in the defaults"
        ));
        return;
    };
    let schema_keys: Vec<&String> = properties.keys().collect();
    let default_keys: Vec<&String> = values.keys().collect();
    if schema_keys != default_keys {
        problems.push(format!(
            "{path}: the schema has keys {schema_keys:?}, policies/defaults.yaml {default_keys:?}"
        ));
    }
    for (key, sub) in properties {
        if let Some(value) = values.get(key) {
            compare(sub, value, &format!("{path}.{key}"), problems);
        }
    }
}

#[test]
fn the_schema_settings_are_policies_defaults_yaml_key_for_key() {
    let schema = committed_schema();
    let mut problems = Vec::new();
    compare(
        &schema["properties"]["settings"],
        &defaults(),
        "settings",
        &mut problems,
    );
    assert!(
        problems.is_empty(),
        "{}\nIf policies/defaults.yaml changed, describe new keys in src/settings.rs and run `{REGENERATE}`.",
        problems.join("\n")
    );
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        // `format: regex` is an annotation unless asked for; editors check it.
        .should_validate_formats(true)
        .build(&committed_schema())
        .expect("the schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, text: &str) -> Vec<String> {
    validator
        .iter_errors(&yaml_json(text))
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

/// Everything the loader checks of a config file: the file alone, then
/// `rules:` against the built-in pack.
fn loader_errors(text: &str) -> Vec<String> {
    let (config, mut errors) = config::parse_partial(".scalegate.yaml", text);
    let set = scalegate::policy::loader::load(
        &[],
        scalegate::settings::settings_data(None),
        &config.rules,
    )
    .expect("the pack loads");
    errors.extend(scalegate::rules::check_rule_names(
        &config,
        &set.rules,
        &scalegate::rules::builtin_rules(),
    ));
    errors.iter().map(|e| e.message.clone()).collect()
}

enum Expect {
    Valid,
    /// Both reject; the loader's only message contains this.
    Invalid(&'static str),
    /// Only the loader can tell (the reason is the text).
    LoaderOnly(&'static str, &'static str),
}

use Expect::*;

/// A configuration using every top-level key, with rules that exist in every
/// version of the pack.
const FULL_EXAMPLE: &str = r#"
fail_on: medium                       # critical | high | medium | low | never
exclude: ["examples/**", "**/testdata/**"]
policies: ["policy/"]                 # extra policy directories
rules:                                # by id or slug (both for one rule is an error)
  SG-NAM-002: off
  pdb-coverage: high                  # a severity
  SG-STL-001: { severity: critical, ignorable: false }
settings:                             # becomes data.scalegate.settings
  tags:
    required: [owner, cost-center, environment]
    allowed_values: { environment: [production, prod, staging, development, dev, test] }
    patterns: { cost-center: "^cc-[0-9]{4}$" }
    production_values: [production, prod]
    exclude_types: []
  naming:
    terraform_labels: "^[a-z][a-z0-9]*(_[a-z0-9]+)*$"
    types: { aws_s3_bucket: { attribute: bucket, pattern: "^[a-z0-9][a-z0-9.-]{2,62}$" } }
  kubernetes:
    required_labels: [app.kubernetes.io/name, owner]
    min_replicas: 2
    container_resources: { requests: [cpu, memory], limits: [memory] }
    probes: [readiness, liveness]
  stateless:
    hostpath_exempt_kinds: [DaemonSet]
    standalone_exempt_tag: scalegate.dev/standalone
  aws:
    backup_retention_min_days: 7
    log_retention_days: { min: 1, max: 3653 }
  custom: {}                          # free-form, for users' own policies
helm:                                 # how Helm charts are rendered
  binary: tools/helm
  render: true
  charts:
    - path: charts/web
      renders:
        - { name: prod, release: web, namespace: prod, values: [envs/prod.yaml], set: { replicas: 3 }, kube_version: "1.30", api_versions: [monitoring.coreos.com/v1] }
"#;

fn cases() -> Vec<(&'static str, String, Expect)> {
    let s = |t: &str| t.to_owned();
    let defaults_text = std::fs::read_to_string(repo().join("policies/defaults.yaml")).unwrap();
    let defaults_as_settings: String = std::iter::once("settings:\n".to_owned())
        .chain(defaults_text.lines().map(|l| format!("  {l}\n")))
        .collect();
    vec![
        ("empty file", s(""), Valid),
        ("comments only", s("# nothing yet\n"), Valid),
        ("a configuration using every key", s(FULL_EXAMPLE), Valid),
        ("policies/defaults.yaml as settings", defaults_as_settings, Valid),
        ("init's starter", init::starter(), Valid),
        ("empty sections", s("exclude:\npolicies:\nrules:\nsettings:\n"), Valid),
        ("rule map form", s("rules:\n  SG-TAG-001: { enabled: true }\n  no-hostpath: {}\n"), Valid),
        ("yaml 1.2 words as strings", s("exclude: [on, yes, no]\nsettings:\n  tags:\n    required: [on, off]\n"), Valid),
        ("user-keyed settings", s("settings:\n  tags:\n    allowed_values: { team: [a, b] }\n    patterns: { team: \"^[a-z]+$\" }\n  naming:\n    types: { aws_kinesis_stream: { attribute: name, pattern: \"^k-\" } }\n  custom: { anything: [1, { a: b }] }\n"), Valid),
        ("fail_on never", s("fail_on: never\n"), Valid),
        ("helm render off", s("helm:\n  render: false\n"), Valid),
        ("helm render a word", s("helm:\n  render: no\n"), Invalid("`helm.render` must be true or false")),
        ("helm unknown key", s("helm:\n  binray: helm\n"), Invalid("unknown key `binray` in helm — did you mean `binary`?")),
        ("helm chart without path", s("helm:\n  charts:\n    - renders: []\n"), Invalid("without `path`")),
        ("helm render without name", s("helm:\n  charts:\n    - path: web\n      renders:\n        - values: [a.yaml]\n"), Invalid("a render needs a `name`")),
        ("helm render unknown key", s("helm:\n  charts:\n    - path: web\n      renders:\n        - { name: prod, value: [a.yaml] }\n"), Invalid("did you mean `values`?")),
        ("helm set a list", s("helm:\n  charts:\n    - path: web\n      renders:\n        - { name: prod, set: { a: [1] } }\n"), Invalid("`set.a` must be a scalar")),
        ("a number where a float is fine", s("settings:\n  aws:\n    log_retention_days: { min: 1, max: 400 }\n"), Valid),
        ("not a mapping", s("- fail_on\n"), Invalid("the config must be a mapping")),
        ("unknown top-level key", s("fail-on: high\n"), Invalid("unknown key `fail-on` — did you mean `fail_on`?")),
        ("fail_on info", s("fail_on: info\n"), Invalid("`fail_on` must be one of")),
        ("fail_on a number", s("fail_on: 3\n"), Invalid("`fail_on` must be one of")),
        ("exclude a string", s("exclude: \"examples/**\"\n"), Invalid("`exclude` must be a list of strings")),
        ("exclude a number entry", s("exclude: [1]\n"), Invalid("`exclude` entries must be strings")),
        ("policies a mapping", s("policies: { a: b }\n"), Invalid("`policies` must be a list of strings")),
        ("rules a list", s("rules: [SG-TAG-001]\n"), Invalid("`rules` must map rule ids or slugs")),
        ("rule value unknown", s("rules:\n  SG-TAG-001: sometimes\n"), Invalid("`sometimes` is not off, a severity")),
        ("rule value on", s("rules:\n  SG-TAG-001: on\n"), Invalid("rules are on unless turned off")),
        ("rule value false", s("rules:\n  SG-TAG-001: false\n"), Invalid("write `off` to turn the rule off")),
        ("rule value empty", s("rules:\n  SG-TAG-001:\n"), Invalid("found nothing")),
        ("rule value a list", s("rules:\n  SG-TAG-001: [high]\n"), Invalid("found a list")),
        ("rule severity off", s("rules:\n  SG-TAG-001: { severity: off }\n"), Invalid("`severity` must be critical")),
        ("rule enabled yes", s("rules:\n  SG-TAG-001: { enabled: yes }\n"), Invalid("only `true` and `false` are booleans")),
        ("rule map unknown key", s("rules:\n  SG-TAG-001: { severty: high }\n"), Invalid("unknown key `severty` in rules.SG-TAG-001 — did you mean `severity`?")),
        ("rule by id and slug", s("rules:\n  SG-TAG-001: off\n  required-tags: high\n"), Invalid("SG-TAG-001 is configured twice")),
        ("settings a list", s("settings: [tags]\n"), Invalid("`settings` must be a mapping")),
        ("settings unknown section", s("settings:\n  tagz: {}\n"), Invalid("unknown key `tagz` in settings — did you mean `tags`?")),
        ("settings unknown key", s("settings:\n  tags:\n    requried: [owner]\n"), Invalid("unknown key `requried` in settings.tags — did you mean `required`?")),
        ("settings list where a map is expected", s("settings:\n  tags:\n    allowed_values: [prod]\n"), Invalid("`settings.tags.allowed_values` must be a mapping of tag key to a list of strings, found a list")),
        ("settings map where a list is expected", s("settings:\n  tags:\n    required: { owner: true }\n"), Invalid("`settings.tags.required` must be a list of strings, found a mapping")),
        ("settings number where a string is expected", s("settings:\n  tags:\n    required: [owner, 2024]\n"), Invalid("quote it: \"2024\"")),
        ("settings string where an integer is expected", s("settings:\n  kubernetes:\n    min_replicas: \"2\"\n"), Invalid("must be an integer")),
        ("settings float where an integer is expected", s("settings:\n  aws:\n    backup_retention_min_days: 7.5\n"), Invalid("must be an integer")),
        ("settings empty value", s("settings:\n  tags:\n    required:\n"), Invalid("found nothing (null)")),
        ("settings bad regex", s("settings:\n  naming:\n    terraform_labels: \"^[a-z\"\n"), Invalid("is not a valid regular expression")),
        ("settings user-keyed value of the wrong shape", s("settings:\n  naming:\n    types: { aws_lb: { attribute: 1, pattern: x } }\n"), Invalid("`settings.naming.types.aws_lb.attribute` must be a string")),
        ("settings user-keyed record with an unknown key", s("settings:\n  naming:\n    types: { aws_lb: { attribute: name, patern: x } }\n"), Invalid("did you mean `pattern`?")),
        ("custom not a mapping", s("settings:\n  custom: [a]\n"), Invalid("`settings.custom` must be a mapping")),
        ("engine rules re-rated", s("rules:\n  SG-SUP-002: high\n  suppression-unused: off\n  SG-META-001: { enabled: false }\n"), Valid),
        (
            "engine rule under two names",
            s("rules:\n  SG-SUP-002: high\n  suppression-expired: low\n"),
            Invalid("SG-SUP-002 is configured twice"),
        ),
        (
            "parse errors are not configurable",
            s("rules:\n  SG-PARSE-001: low\n"),
            Invalid("SG-PARSE-001 cannot be configured"),
        ),
        (
            "unknown rule",
            s("rules:\n  pdb-coverag: off\n"),
            LoaderOnly("unknown rule `pdb-coverag` — did you mean `pdb-coverage`?", "users' policies add rules the schema cannot know"),
        ),
        (
            "duplicate key",
            s("fail_on: low\nfail_on: high\n"),
            LoaderOnly("duplicate key `fail_on`", "the JSON view of a YAML file keeps one of two equal keys"),
        ),
        (
            "bad glob",
            s("exclude: [\"[x\"]\n"),
            LoaderOnly("not a valid glob", "JSON Schema has no glob format"),
        ),
        (
            "two documents",
            s("fail_on: low\n---\nfail_on: high\n"),
            LoaderOnly("a second YAML document", "a schema sees one document"),
        ),
    ]
}

#[test]
fn the_schema_and_the_loader_accept_and_reject_the_same_configs() {
    let validator = validator();
    let mut problems = Vec::new();
    for (name, text, expect) in cases() {
        let loader = loader_errors(&text);
        let schema = schema_errors(&validator, &text);
        match expect {
            Valid => {
                if !loader.is_empty() || !schema.is_empty() {
                    problems.push(format!(
                        "{name}: valid, but loader: {loader:?}, schema: {schema:?}"
                    ));
                }
            }
            Invalid(message) => {
                if loader.len() != 1 || !loader[0].contains(message) {
                    problems.push(format!(
                        "{name}: the loader should say only {message:?}, said {loader:?}"
                    ));
                }
                if schema.is_empty() {
                    problems.push(format!("{name}: the schema accepts it"));
                }
            }
            LoaderOnly(message, why) => {
                if loader.len() != 1 || !loader[0].contains(message) {
                    problems.push(format!(
                        "{name}: the loader should say only {message:?}, said {loader:?}"
                    ));
                }
                if !schema.is_empty() {
                    problems.push(format!(
                        "{name}: the schema rejects it too ({schema:?}); it was listed as loader-only because {why}"
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_schema_lists_the_built_in_rules_for_completion() {
    let schema = committed_schema();
    let rules = &schema["properties"]["rules"]["properties"];
    for rule in catalog().iter().filter(|r| !r.engine) {
        for name in rule.names() {
            assert_eq!(rules[name]["$ref"], "#/$defs/rule", "{name}");
        }
    }
    assert_eq!(schema["$id"], schema::SCHEMA_URL);
}
