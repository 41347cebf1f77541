//! Data merging: values deep-merged over one another (the user's settings
//! over the built-in ones, `--data` files), and `--data` files read as values.
//!
//! Separate from reading the config because `test` and `scan` both merge
//! data, with or without a config file.

use regorus::Value;

use crate::diagnostic::{Diagnostic, Mark};
use crate::source::{SourceFile, Span};
use crate::yaml;

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

/// Reads a `--data` file (JSON or YAML 1.2) as a value.
pub fn load_data(display: &str, text: &str) -> Result<Value, Vec<Diagnostic>> {
    let source = SourceFile::new(display, text.to_owned());
    match yaml::parse_documents(&source.text, yaml::Typing::Core, &yaml::Limits::default()) {
        Ok(docs) => Ok(docs
            .into_iter()
            .find_map(|d| d.root)
            .map(|root| root.to_value())
            .unwrap_or_else(Value::new_object)),
        Err(e) => Err(vec![Mark::new(&source, Span::new(e.offset, e.offset))
            .error(format!("not valid JSON or YAML: {}", e.message))]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
