//! The JSON Schema of `.scalegate-ignore.yaml`
//! (`schema/scalegate-ignore.schema.json`) and the ignore-file reader must
//! agree: the committed file is what `scalegate schema --ignore-file`
//! writes today, and a set of ignore files is accepted or rejected by both.

use std::path::Path;

use scalegate::suppress::IgnoreFile;
use scalegate::yaml;
use scalegate::{docs, schema, settings};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn json(text: &str) -> Value {
    yaml::parse_documents(text, yaml::Typing::Core, &yaml::Limits::default())
        .expect("valid YAML")
        .into_iter()
        .find_map(|d| d.root)
        .map(|root| settings::to_json(&root))
        .unwrap_or(Value::Null)
}

#[test]
fn the_committed_schema_is_what_the_generator_writes() {
    let catalog = docs::builtin_catalog().expect("the pack loads");
    let committed =
        std::fs::read_to_string(repo().join(schema::IGNORE_SCHEMA_PATH)).unwrap_or_default();
    assert!(
        committed == schema::render_ignore_file(&catalog),
        "{} is stale: regenerate with `cargo run -- schema --ignore-file --out {}`",
        schema::IGNORE_SCHEMA_PATH,
        schema::IGNORE_SCHEMA_PATH
    );
}

#[test]
fn the_schema_and_the_reader_accept_and_reject_the_same_files() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join(schema::IGNORE_SCHEMA_PATH)).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("a valid schema");
    let cases: &[(&str, &str, bool)] = &[
        ("empty", "", true),
        ("no entries", "ignore:\n", true),
        (
            "complete entry",
            "ignore:\n  - rule: SG-K8S-003\n    paths: [\"a/**\"]\n    resource: \"apps/*\"\n    reason: r\n    owner: o\n    expires: 2027-03-31\n",
            true,
        ),
        ("one path as a string", "ignore:\n  - rule: probes\n    paths: \"**\"\n", true),
        ("unknown top key", "ignores: []\n", false),
        ("unknown entry key", "ignore:\n  - rule: x\n    paths: [a]\n    path: [b]\n", false),
        ("no rule", "ignore:\n  - paths: [a]\n", false),
        ("no paths", "ignore:\n  - rule: SG-K8S-003\n", false),
        ("empty paths", "ignore:\n  - rule: SG-K8S-003\n    paths: []\n", false),
        ("not a date", "ignore:\n  - rule: x\n    paths: [a]\n    expires: soon\n", false),
        ("a list at the top", "- rule: x\n", false),
        ("entries not a list", "ignore: {rule: x}\n", false),
    ];
    for (name, text, valid) in cases {
        let by_schema = validator.is_valid(&json(text));
        let by_reader = IgnoreFile::parse(".scalegate-ignore.yaml", text).is_ok();
        assert_eq!(by_schema, *valid, "{name}: schema");
        assert_eq!(by_reader, *valid, "{name}: reader");
    }
}
