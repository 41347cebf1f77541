//! Data merging: the built-in settings with the user's merged over, and
//! `--data` files read as values.
//!
//! Separate from reading the config because `test` and `scan` both merge
//! data, with or without a config file.

use regorus::Value;

use crate::diagnostic::{ConfigError, Mark};
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

/// The built-in settings (`policies/defaults.yaml`) with the user's merged over.
pub fn effective_settings(user: Option<&Value>) -> Value {
    let defaults = crate::policy::loader::embedded_defaults();
    let mut settings =
        yaml::parse_documents(defaults, yaml::Typing::Core, &yaml::Limits::default())
            .ok()
            .and_then(|docs| docs.into_iter().find_map(|d| d.root))
            .map(|root| root.to_value())
            .unwrap_or_else(Value::new_object);
    if let Some(user) = user {
        merge(&mut settings, user);
    }
    settings
}

/// Reads a `--data` file (JSON or YAML 1.2) as a value.
pub fn load_data(display: &str, text: &str) -> Result<Value, Vec<ConfigError>> {
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
