//! `.scalegate.yaml`: finding it, reading it (YAML 1.2 core typing, so `off`
//! is a string), validating every key, and merging `settings` over the
//! built-in defaults (maps merge, lists replace).
//!
//! Like cargo-deny, every problem is collected before failing and each names
//! the file, line and column, with a did-you-mean for misspelt keys.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use regorus::Value;

use crate::model::Severity;
use crate::parse::yaml::{self, Key, Node, NodeValue};
use crate::policy::loader::RuleOverride;
use crate::source::SourceFile;

/// The config file's name.
pub const FILE_NAME: &str = ".scalegate.yaml";

/// The gate threshold: a severity, or never.
pub type FailOn = Option<Severity>;

/// A validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub exclude: Vec<String>,
    pub policies: Vec<PathBuf>,
    /// By id or slug, as written.
    pub rules: BTreeMap<String, RuleOverride>,
    /// The user's `settings`, not yet merged.
    pub settings: Option<Value>,
}

/// One problem in a config or data file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    /// The offending line's text, for a code frame.
    pub line_text: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        let gutter = self.line.to_string().len();
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{} | {}", self.line, self.line_text)?;
        let pad: String = self
            .line_text
            .chars()
            .take(self.column.saturating_sub(1))
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{:gutter$} | {pad}^", "")
    }
}

/// Parses a threshold name (`critical` … `low`, or `never`).
pub fn parse_fail_on(text: &str) -> Option<FailOn> {
    if text == "never" {
        Some(None)
    } else {
        Severity::parse(text)
            .filter(|s| *s != Severity::Info)
            .map(Some)
    }
}

/// Finds `.scalegate.yaml` by walking up from `start`.
pub fn find(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The project root (DESIGN.md §7): the config's directory, else the git
/// top-level, else `cwd`.
pub fn project_root(cwd: &Path, config: Option<&Path>) -> PathBuf {
    if let Some(dir) = config.and_then(Path::parent) {
        return dir.to_path_buf();
    }
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

const TOP_KEYS: [&str; 5] = ["fail_on", "exclude", "policies", "rules", "settings"];

struct Errors<'a> {
    source: &'a SourceFile,
    list: Vec<ConfigError>,
}

impl Errors<'_> {
    fn at(&mut self, span: crate::source::Span, message: String) {
        let (line, column) = self.source.position(span.start);
        self.list.push(ConfigError {
            file: self.source.path.clone(),
            line,
            column,
            message,
            line_text: self.source.line_text(line).to_owned(),
        });
    }
}

/// Reads and validates a config file's text. `display` is the path reported.
pub fn parse(display: &str, text: &str) -> Result<Config, Vec<ConfigError>> {
    let source = SourceFile::new(display, text.to_owned());
    let mut errors = Errors {
        source: &source,
        list: Vec::new(),
    };
    let documents =
        match yaml::parse_documents(&source.text, yaml::Typing::Core, &yaml::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                errors.at(
                    crate::source::Span::new(e.offset, e.offset),
                    format!("not valid YAML: {}", e.message),
                );
                return Err(errors.list);
            }
        };
    let mut config = Config::default();
    let Some(root) = documents.into_iter().find_map(|d| d.root) else {
        return Ok(config);
    };
    let NodeValue::Map(entries) = &root.value else {
        errors.at(
            root.span,
            "the config must be a mapping of keys (fail_on, exclude, policies, rules, settings)"
                .into(),
        );
        return Err(errors.list);
    };
    for (key, value) in entries {
        match key.text.as_str() {
            "fail_on" => match &value.value {
                NodeValue::String(s) => match parse_fail_on(s) {
                    Some(v) => config.fail_on = Some(v),
                    None => errors.at(
                        value.span,
                        format!(
                            "`fail_on` is {s:?}; expected critical, high, medium, low or never"
                        ),
                    ),
                },
                _ => errors.at(
                    value.span,
                    "`fail_on` must be one of critical, high, medium, low, never".into(),
                ),
            },
            "exclude" => config.exclude = string_list(value, "exclude", &mut errors),
            "policies" => {
                config.policies = string_list(value, "policies", &mut errors)
                    .into_iter()
                    .map(PathBuf::from)
                    .collect()
            }
            "rules" => config.rules = rule_overrides(value, &mut errors),
            "settings" => {
                if matches!(value.value, NodeValue::Map(_)) {
                    config.settings = Some(value.to_value());
                } else {
                    errors.at(value.span, "`settings` must be a mapping".into());
                }
            }
            other => errors.at(key.span, unknown_key(other, &TOP_KEYS)),
        }
    }
    if errors.list.is_empty() {
        Ok(config)
    } else {
        Err(errors.list)
    }
}

fn unknown_key(key: &str, valid: &[&str]) -> String {
    match closest(key, valid) {
        Some(s) => format!("unknown key `{key}`; did you mean `{s}`?"),
        None => format!("unknown key `{key}`; valid keys are {}", valid.join(", ")),
    }
}

/// The valid name closest to `word` by edit distance, if close enough.
pub fn closest<'a>(word: &str, valid: &[&'a str]) -> Option<&'a str> {
    valid
        .iter()
        .map(|v| (edit_distance(word, v), *v))
        .filter(|(d, v)| *d <= (v.len() / 3).max(2))
        .min()
        .map(|(_, v)| v)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

fn string_list(node: &Node, name: &str, errors: &mut Errors) -> Vec<String> {
    match &node.value {
        NodeValue::Seq(items) => items
            .iter()
            .filter_map(|item| match &item.value {
                NodeValue::String(s) => Some(s.clone()),
                _ => {
                    errors.at(item.span, format!("`{name}` entries must be strings"));
                    None
                }
            })
            .collect(),
        NodeValue::String(s) => vec![s.clone()],
        _ => {
            errors.at(node.span, format!("`{name}` must be a list of strings"));
            Vec::new()
        }
    }
}

fn rule_overrides(node: &Node, errors: &mut Errors) -> BTreeMap<String, RuleOverride> {
    let mut out = BTreeMap::new();
    let NodeValue::Map(entries) = &node.value else {
        errors.at(
            node.span,
            "`rules` must map rule ids or slugs to off, a severity, or {severity, ignorable}"
                .into(),
        );
        return out;
    };
    for (key, value) in entries {
        if let Some(o) = rule_override(key, value, errors) {
            out.insert(key.text.clone(), o);
        }
    }
    out
}

fn rule_override(key: &Key, value: &Node, errors: &mut Errors) -> Option<RuleOverride> {
    let severity_or_off = |text: &str, span, errors: &mut Errors| -> Option<RuleOverride> {
        match text {
            "off" => Some(RuleOverride {
                enabled: Some(false),
                ..RuleOverride::default()
            }),
            "on" => Some(RuleOverride {
                enabled: Some(true),
                ..RuleOverride::default()
            }),
            _ => match Severity::parse(text) {
                Some(severity) => Some(RuleOverride {
                    severity: Some(severity),
                    ..RuleOverride::default()
                }),
                None => {
                    errors.at(
                        span,
                        format!(
                            "`{}: {text}`: expected off, critical, high, medium, low or info",
                            key.text
                        ),
                    );
                    None
                }
            },
        }
    };
    match &value.value {
        NodeValue::String(s) => severity_or_off(s, value.span, errors),
        NodeValue::Bool(false) => severity_or_off("off", value.span, errors),
        NodeValue::Map(fields) => {
            let mut o = RuleOverride::default();
            for (k, v) in fields {
                match (k.text.as_str(), &v.value) {
                    ("severity", NodeValue::String(s)) => {
                        o.severity = severity_or_off(s, v.span, errors)?.severity
                    }
                    ("ignorable", NodeValue::Bool(b)) => o.ignorable = Some(*b),
                    ("enabled", NodeValue::Bool(b)) => o.enabled = Some(*b),
                    ("severity" | "ignorable" | "enabled", _) => {
                        errors.at(v.span, format!("`{}` has the wrong type", k.text))
                    }
                    (other, _) => errors.at(
                        k.span,
                        unknown_key(other, &["severity", "ignorable", "enabled"]),
                    ),
                }
            }
            Some(o)
        }
        _ => {
            errors.at(
                value.span,
                format!(
                    "rule `{}`: expected off, a severity, or {{severity, ignorable}}",
                    key.text
                ),
            );
            None
        }
    }
}

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
        Err(e) => {
            let (line, column) = source.position(e.offset);
            Err(vec![ConfigError {
                file: display.to_owned(),
                line,
                column,
                message: format!("not valid JSON or YAML: {}", e.message),
                line_text: source.line_text(line).to_owned(),
            }])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_for_misspelt_keys() {
        assert_eq!(closest("fail-on", &TOP_KEYS), Some("fail_on"));
        assert_eq!(closest("exlude", &TOP_KEYS), Some("exclude"));
        assert_eq!(closest("zzzzzzzz", &TOP_KEYS), None);
    }

    #[test]
    fn fail_on_accepts_never_but_not_info() {
        assert_eq!(parse_fail_on("never"), Some(None));
        assert_eq!(parse_fail_on("high"), Some(Some(Severity::High)));
        assert_eq!(parse_fail_on("info"), None);
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
    fn config_errors_are_all_reported_with_positions() {
        let text = "fail-on: high\nexclude: [1]\nrules:\n  SG-K8S-008: sometimes\n";
        let errors = parse(".scalegate.yaml", text).unwrap_err();
        let lines: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(lines, [(1, 1), (2, 11), (4, 15)], "{errors:?}");
        assert!(
            errors[0].message.contains("did you mean `fail_on`"),
            "{}",
            errors[0].message
        );
        assert!(
            errors[0].to_string().contains("1 | fail-on: high"),
            "{}",
            errors[0]
        );
    }

    #[test]
    fn rules_accept_off_a_severity_or_a_map() {
        let text = "rules:\n  SG-K8S-011: off\n  pdb-coverage: high\n  SG-STL-001: { severity: critical, ignorable: false }\n";
        let config = parse(".scalegate.yaml", text).unwrap();
        assert_eq!(config.rules["SG-K8S-011"].enabled, Some(false));
        assert_eq!(config.rules["pdb-coverage"].severity, Some(Severity::High));
        assert_eq!(config.rules["SG-STL-001"].ignorable, Some(false));
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
