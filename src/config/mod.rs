//! `.scalegate.yaml`: finding it, reading it (YAML 1.2 core typing, so `off`,
//! `on` and `yes` are strings), validating every key, and merging `settings`
//! over the built-in defaults (maps merge, lists replace).
//!
//! Like cargo-deny, every problem is collected before failing and each names
//! the file, line and column, with a code frame and a did-you-mean for
//! misspelt keys. Reading happens in two steps: [`parse`] checks everything
//! the file alone can tell; `rules::check_rule_names` checks the `rules:` keys
//! once the policies (built-in and the user's) are loaded.

pub mod data;
pub mod helm;
mod overrides;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regorus::Value;

pub use crate::diagnostic::{Diagnostic, Mark};
use crate::did_you_mean::unknown_key;
use crate::model::Severity;
use crate::source::SourceFile;
use crate::yaml::check::{found, one_document, string_list, Errors};
use crate::yaml::NodeValue;
pub use data::{load_data, merge};
use overrides::rule_overrides;
pub use overrides::RuleOverride;

/// The config file's name.
pub const FILE_NAME: &str = ".scalegate.yaml";

/// The gate threshold: a severity, or never.
pub type FailOn = Option<Severity>;

/// A validated configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    /// `fail_on`: `Some(None)` is `never`; `None` when the file does not say.
    pub fail_on: Option<FailOn>,
    /// `exclude` globs, as written.
    pub exclude: Vec<String>,
    /// `policies` directories, relative to the config file.
    pub policies: Vec<PathBuf>,
    /// By id or slug, as written.
    pub rules: BTreeMap<String, RuleOverride>,
    /// The user's `settings`, validated, not yet merged.
    pub settings: Option<Value>,
    /// `helm`: how charts are rendered.
    pub helm: helm::HelmConfig,
    /// `kustomize:`: how kustomization roots are rendered.
    pub kustomize: KustomizeConfig,
    /// Where things were written, for problems found after policies load.
    pub marks: Marks,
}

/// The `kustomize:` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KustomizeConfig {
    /// `render`: build kustomization roots (default true). With `false`
    /// each root is a warning and its files are not scanned.
    pub render: bool,
    /// `binary`: the `kustomize` or `kubectl` to run, relative to the
    /// config file; found on `PATH` when absent.
    pub binary: Option<PathBuf>,
}

impl Default for KustomizeConfig {
    fn default() -> Self {
        KustomizeConfig {
            render: true,
            binary: None,
        }
    }
}

/// The keys of the `kustomize:` section.
pub const KUSTOMIZE_KEYS: [&str; 2] = ["render", "binary"];

/// Positions kept from parsing for the checks that need loaded policies.
#[derive(Debug, Clone, Default)]
pub struct Marks {
    /// Each `rules:` key.
    pub rules: BTreeMap<String, Mark>,
    /// Each `policies:` entry, in order.
    pub policies: Vec<Mark>,
    /// `policies:` had an error, so the user's rules are not all known and
    /// `rules:` keys cannot be checked against them.
    pub policies_invalid: bool,
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

/// The project root (docs/architecture.md "Output contract"): the config's
/// directory, else the git top-level, else `cwd`.
pub fn project_root(cwd: &Path, config: Option<&Path>) -> PathBuf {
    if let Some(dir) = config.and_then(Path::parent) {
        return dir.to_path_buf();
    }
    cwd.ancestors()
        .find(|dir| dir.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

/// The keys a config file may hold, in the order they are documented.
pub const TOP_KEYS: [&str; 7] = [
    "fail_on",
    "exclude",
    "policies",
    "rules",
    "kustomize",
    "settings",
    "helm",
];

/// The keys of a rule's mapping form.
pub const RULE_KEYS: [&str; 3] = ["enabled", "severity", "ignorable"];

/// What `fail_on` accepts, most severe first.
pub const FAIL_ON_VALUES: [&str; 5] = ["critical", "high", "medium", "low", "never"];

/// Reads and validates a config file's text. `display` is the path reported.
///
/// Every problem the file alone shows is reported; `rules:` keys are checked
/// against the loaded policies by `rules::check_rule_names`.
pub fn parse(display: &str, text: &str) -> Result<Config, Vec<Diagnostic>> {
    let (config, errors) = parse_partial(display, text);
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}
/// [`parse`], returning what could be read along with the errors, so that
/// checks that need the policies can still run and report in the same go.
pub fn parse_partial(display: &str, text: &str) -> (Config, Vec<Diagnostic>) {
    let source = SourceFile::new(display, text.to_owned());
    let mut errors = Errors {
        source: &source,
        list: Vec::new(),
    };
    let mut config = Config::default();
    let root = match one_document(&mut errors, "the config") {
        Ok(Some(root)) => root,
        Ok(None) => return (config, errors.list),
        Err(()) => {
            config.marks.policies_invalid = true;
            return (config, errors.list);
        }
    };
    let entries = match &root.value {
        NodeValue::Map(entries) => entries,
        NodeValue::Null => return (config, errors.list),
        _ => {
            errors.at(
                root.span,
                format!(
                    "the config must be a mapping of keys ({})",
                    TOP_KEYS.join(", ")
                ),
            );
            config.marks.policies_invalid = true;
            return (config, errors.list);
        }
    };
    for (key, value) in entries {
        match key.text.as_str() {
            "fail_on" => match value.as_str().map(|s| (s, parse_fail_on(s))) {
                Some((_, Some(v))) => config.fail_on = Some(v),
                _ => errors.at(
                    value.span,
                    format!(
                        "`fail_on` must be one of {}, found {}",
                        FAIL_ON_VALUES.join(", "),
                        found(value)
                    ),
                ),
            },
            "exclude" => {
                config.exclude = string_list(value, "exclude", "a glob", &mut errors)
                    .into_iter()
                    .filter_map(|(glob, span)| match globset::Glob::new(&glob) {
                        Ok(_) => Some(glob),
                        Err(e) => {
                            errors.at(span, format!("`exclude`: not a valid glob: {}", e.kind()));
                            None
                        }
                    })
                    .collect()
            }
            "policies" => {
                let before = errors.list.len();
                for (path, span) in string_list(value, "policies", "a directory", &mut errors) {
                    config.policies.push(PathBuf::from(path));
                    config.marks.policies.push(errors.mark(span));
                }
                config.marks.policies_invalid |= errors.list.len() > before;
            }
            "rules" => {
                config.rules = rule_overrides(value, &mut errors, &mut config.marks.rules)
            }
            "settings" => match &value.value {
                NodeValue::Null => {}
                NodeValue::Map(_) => {
                    let before = errors.list.len();
                    crate::settings::validate(
                        value,
                        &crate::settings::built_in().shape,
                        "",
                        &mut |span, message| errors.at(span, message),
                    );
                    if errors.list.len() == before {
                        config.settings = Some(value.to_value());
                    }
                }
                _ => errors.at(
                    value.span,
                    format!(
                        "`settings` must be a mapping (e.g. `settings: {{tags: {{required: [owner]}}}}`), found {}",
                        found(value)
                    ),
                ),
            },
            "helm" => config.helm = helm::helm_config(value, &mut errors),
            "kustomize" => config.kustomize = kustomize_section(value, &mut errors),
            other => errors.at(key.span, unknown_key(other, None, &TOP_KEYS)),
        }
    }
    (config, errors.list)
}

/// `kustomize: {render: BOOL, binary: PATH}`.
fn kustomize_section(value: &crate::yaml::Node, errors: &mut Errors) -> KustomizeConfig {
    let mut out = KustomizeConfig::default();
    let NodeValue::Map(entries) = &value.value else {
        if !matches!(value.value, NodeValue::Null) {
            errors.at(
                value.span,
                format!(
                    "`kustomize` must be a mapping (e.g. `kustomize: {{render: false}}`), found {}",
                    found(value)
                ),
            );
        }
        return out;
    };
    for (key, v) in entries {
        match (key.text.as_str(), &v.value) {
            ("render", NodeValue::Bool(b)) => out.render = *b,
            ("render", _) => errors.at(
                v.span,
                format!(
                    "`kustomize.render` must be true or false, found {}",
                    found(v)
                ),
            ),
            ("binary", NodeValue::String(path)) => out.binary = Some(PathBuf::from(path)),
            ("binary", _) => errors.at(
                v.span,
                format!(
                    "`kustomize.binary` must be a path (e.g. `/usr/local/bin/kustomize`), found {}",
                    found(v)
                ),
            ),
            (other, _) => errors.at(
                key.span,
                unknown_key(other, Some("kustomize"), &KUSTOMIZE_KEYS),
            ),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error as `line:column: message`.
    fn errors(text: &str) -> Vec<String> {
        parse_partial(".scalegate.yaml", text)
            .1
            .iter()
            .map(|e| format!("{}:{}: {}", e.line.unwrap(), e.column.unwrap(), e.message))
            .collect()
    }

    #[test]
    fn fail_on_accepts_never_but_not_info() {
        assert_eq!(parse_fail_on("never"), Some(None));
        assert_eq!(parse_fail_on("high"), Some(Some(Severity::High)));
        assert_eq!(parse_fail_on("info"), None);
    }
    #[test]
    fn config_errors_are_all_reported_with_positions() {
        let text = "fail-on: high\nexclude: [1]\nrules:\n  SG-K8S-008: sometimes\nsettings:\n  tags:\n    requried: [owner]\n";
        assert_eq!(
            errors(text),
            [
                "1:1: unknown key `fail-on` — did you mean `fail_on`?",
                "2:11: `exclude` entries must be strings (a glob), found the number `1`",
                "4:15: rule `SG-K8S-008`: `sometimes` is not off, a severity (critical, high, medium, low, info) or {enabled, severity, ignorable}",
                "7:5: unknown key `requried` in settings.tags — did you mean `required`?",
            ]
        );
    }

    #[test]
    fn the_code_frame_underlines_the_offending_text() {
        let (_, errors) = parse_partial(
            ".scalegate.yaml",
            "settings:\n  tags:\n    requried: [owner]\n",
        );
        assert_eq!(
            errors[0].to_string(),
            ".scalegate.yaml:3:5: unknown key `requried` in settings.tags — did you mean `required`?\n  |\n3 |     requried: [owner]\n  |     ^^^^^^^^"
        );
    }

    #[test]
    fn the_kustomize_section_takes_render_and_binary() {
        let (config, errs) = parse_partial(
            ".scalegate.yaml",
            "kustomize:\n  render: false\n  binary: bin/kustomize\n",
        );
        assert!(errs.is_empty());
        assert!(!config.kustomize.render);
        assert_eq!(
            config.kustomize.binary,
            Some(PathBuf::from("bin/kustomize"))
        );
        assert_eq!(
            errors("kustomize:\n  render: sometimes\n  binnary: x\n"),
            [
                "2:11: `kustomize.render` must be true or false, found `sometimes`",
                "3:3: unknown key `binnary` in kustomize — did you mean `binary`?",
            ]
        );
    }

    #[test]
    fn rules_accept_off_a_severity_or_a_map() {
        let text = "rules:\n  SG-K8S-011: off\n  pdb-coverage: high\n  SG-STL-001: { severity: critical, ignorable: false }\n  SG-TAG-001: { enabled: false }\n";
        let config = parse(".scalegate.yaml", text).unwrap();
        assert_eq!(config.rules["SG-K8S-011"].enabled, Some(false));
        assert_eq!(config.rules["pdb-coverage"].severity, Some(Severity::High));
        assert_eq!(config.rules["SG-STL-001"].ignorable, Some(false));
        assert_eq!(
            config.rules["SG-STL-001"].severity,
            Some(Severity::Critical)
        );
        assert_eq!(config.rules["SG-TAG-001"].enabled, Some(false));
        assert_eq!(config.marks.rules["pdb-coverage"].line, 3);
    }

    #[test]
    fn the_rules_grammar_is_exact() {
        let text = "rules:\n  a: on\n  b: false\n  c: { severity: off }\n  d: { enabled: yes }\n  e: { severty: high }\n  f: [high]\n  g:\n  h: hihg\n";
        assert_eq!(
            errors(text),
            [
                "2:6: rule `a`: `on` is not off, a severity (critical, high, medium, low, info) or {enabled, severity, ignorable}; rules are on unless turned off (remove the entry, or write `{enabled: true}`)",
                "3:6: rule `b`: `false` is not off, a severity (critical, high, medium, low, info) or {enabled, severity, ignorable}; write `off` to turn the rule off",
                "4:18: rule `c`: `severity` must be critical, high, medium, low or info, found `off`; to turn the rule off write `c: off` or `enabled: false`",
                "5:17: rule `d`: `enabled` must be true or false, found `yes` (only `true` and `false` are booleans in this file)",
                "6:8: unknown key `severty` in rules.e — did you mean `severity`?",
                "7:6: rule `f`: expected off, a severity (critical, high, medium, low, info) or {enabled, severity, ignorable}, found a list",
                "8:4: rule `g`: expected off, a severity (critical, high, medium, low, info) or {enabled, severity, ignorable}, found nothing",
                "9:6: rule `h`: `hihg` is not off, a severity (critical, high, medium, low, info) or {enabled, severity, ignorable} — did you mean `high`?",
            ]
        );
    }

    #[test]
    fn yaml_1_2_typing_keeps_on_yes_and_off_as_strings() {
        let config = parse(
            ".scalegate.yaml",
            "exclude: [on, yes]\nsettings:\n  tags:\n    required: [off, no, y]\n",
        )
        .unwrap();
        assert_eq!(config.exclude, ["on", "yes"]);
        assert_eq!(
            config.settings.unwrap()["tags"]["required"],
            Value::from_json_str(r#"["off", "no", "y"]"#).unwrap()
        );
    }

    #[test]
    fn empty_sections_are_allowed() {
        // What `scalegate init` writes: every entry commented out.
        let config = parse(
            ".scalegate.yaml",
            "exclude:\npolicies:\nrules:\nsettings:\n",
        )
        .unwrap();
        assert!(config.exclude.is_empty() && config.rules.is_empty() && config.settings.is_none());
        assert!(parse(".scalegate.yaml", "").is_ok());
        assert!(parse(".scalegate.yaml", "# only a comment\n").is_ok());
    }

    #[test]
    fn shapes_and_duplicates_are_errors() {
        let text = "exclude: \"examples/**\"\npolicies: [\"a/\", \"[b\"]\nexclude: [\"[x\"]\nsettings: [tags]\nfail_on: info\n---\nx: 1\n";
        assert_eq!(
            errors(text),
            [
                "7:1: a second YAML document; the config is one document (remove the `---`)",
                "3:1: duplicate key `exclude` (first written on line 1); keep one",
                "1:10: `exclude` must be a list of strings, found `examples/**` (e.g. `exclude: [\"examples/**\"]`)",
                "3:11: `exclude`: not a valid glob: unclosed character class; missing ']'",
                "4:11: `settings` must be a mapping (e.g. `settings: {tags: {required: [owner]}}`), found a list",
                "5:10: `fail_on` must be one of critical, high, medium, low, never, found `info`",
            ]
        );
    }
}
