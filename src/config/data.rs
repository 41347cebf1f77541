//! Data merging: values deep-merged over one another (the user's settings
//! over the built-in ones, `--data` files), and `--data` files read as values.
//!
//! Separate from reading the config because `test` and `scan` both merge
//! data, with or without a config file.

use regorus::Value;

use crate::diagnostic::{Diagnostic, Mark};
use crate::source::{SourceFile, Span};
use crate::yaml::{self, NodeValue};

/// Deep-merges `overlay` into `base`: objects merge key by key, anything else
/// (lists included) replaces.
pub fn merge(base: &mut Value, overlay: &Value) {
    if let (Value::Object(_), Value::Object(over)) = (&*base, overlay) {
        let target = base.as_object_mut().expect("checked above");
        for (k, v) in over.iter() {
            match target.get_mut(k) {
                Some(existing) => merge(existing, v),
                None => {
                    target.insert(k.clone(), v.clone());
                }
            }
        }
    } else {
        *base = overlay.clone();
    }
}

/// Reads a `--data` file (JSON or YAML 1.2) as a value: one mapping, merged
/// under `data.`. An empty file is an empty mapping. Anything else at the
/// top level, or a second document, is an error at its position: merged,
/// it would replace or drop what the policies read, and a scan would go on
/// as if the file said nothing.
pub fn load_data(display: &str, text: &str) -> Result<Value, Vec<Diagnostic>> {
    let source = SourceFile::new(display, text.to_owned());
    let docs = yaml::parse_documents(&source.text, yaml::Typing::Core, &yaml::Limits::default())
        .map_err(|e| {
            vec![Mark::new(&source, Span::new(e.offset, e.offset))
                .error(format!("not valid JSON or YAML: {}", e.message))]
        })?;
    let mut roots = docs.into_iter().filter_map(|d| d.root);
    let Some(root) = roots.next() else {
        return Ok(Value::new_object());
    };
    if let Some(second) = roots.next() {
        return Err(vec![Mark::new(&source, second.span).error(
            "a data file holds one document; this is a second one (split it into files, each given with --data)",
        )]);
    }
    let kind = match &root.value {
        NodeValue::Map(_) => return Ok(root.to_value()),
        NodeValue::Seq(_) => "a list",
        NodeValue::String(_) => "a string",
        NodeValue::Null => "null",
        NodeValue::Bool(_) => "a boolean",
        NodeValue::Int(_) | NodeValue::UInt(_) | NodeValue::Float(_) => "a number",
    };
    Err(vec![Mark::new(&source, root.span).error(format!(
        "a data file holds a mapping of names to values, merged under `data.`; this one holds {kind}"
    ))])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(display: &str, text: &str) -> String {
        let errors = load_data(display, text).expect_err("an error");
        assert_eq!(errors.len(), 1);
        errors[0].to_string()
    }

    #[test]
    fn a_data_file_is_one_mapping_or_empty() {
        assert_eq!(
            load_data("d.yaml", "a:\n  b: 1\n").unwrap(),
            Value::from_json_str(r#"{"a": {"b": 1}}"#).unwrap()
        );
        assert_eq!(
            load_data("d.json", "{\"a\": [1]}").unwrap(),
            Value::from_json_str(r#"{"a": [1]}"#).unwrap()
        );
        assert_eq!(load_data("d.yaml", "").unwrap(), Value::new_object());
        assert_eq!(
            load_data("d.yaml", "# only a comment\n").unwrap(),
            Value::new_object()
        );
    }

    #[test]
    fn a_data_file_holding_anything_but_a_mapping_is_an_error_at_its_value() {
        for (text, kind) in [
            ("[1, 2]", "a list"),
            ("- a\n- b\n", "a list"),
            ("hello\n", "a string"),
            ("42\n", "a number"),
            ("null\n", "null"),
            ("true\n", "a boolean"),
        ] {
            let shown = message("d.yaml", text);
            assert!(
                shown.contains(&format!("this one holds {kind}")),
                "{text:?}: {shown}"
            );
            assert!(shown.contains("d.yaml:1:1"), "{text:?}: {shown}");
        }
    }

    #[test]
    fn a_second_document_is_an_error_at_its_start() {
        let shown = message("d.yaml", "a: 1\n---\nb: 2\n");
        assert!(shown.contains("d.yaml:3:1"), "{shown}");
        assert!(shown.contains("a second one"), "{shown}");
    }

    #[test]
    fn merge_maps_and_replace_lists() {
        let mut base =
            Value::from_json_str(r#"{"tags": {"required": ["a", "b"], "x": 1}}"#).unwrap();
        let over = Value::from_json_str(r#"{"tags": {"required": ["c"]}}"#).unwrap();
        merge(&mut base, &over);
        assert_eq!(
            base,
            Value::from_json_str(r#"{"tags": {"required": ["c"], "x": 1}}"#).unwrap()
        );
    }
}
