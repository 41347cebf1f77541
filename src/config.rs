//! `.scalegate.yaml`: finding it, reading it (YAML 1.2 core typing, so `off`,
//! `on` and `yes` are strings), validating every key, and merging `settings`
//! over the built-in defaults (maps merge, lists replace).
//!
//! Like cargo-deny, every problem is collected before failing and each names
//! the file, line and column, with a code frame and a did-you-mean for
//! misspelt keys. Reading happens in two steps: [`parse`] checks everything
//! the file alone can tell; `rules::check_rule_names` checks the
//! `rules:` keys once the policies (built-in and the user's) are loaded.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use regorus::Value;

use crate::model::Severity;
use crate::parse::yaml::{self, Key, Node, NodeValue};
use crate::source::{SourceFile, Span};

/// The config file's name.
pub const FILE_NAME: &str = ".scalegate.yaml";

/// The gate threshold: a severity, or never.
pub type FailOn = Option<Severity>;

/// How config changes a rule: `off`, a severity, or both plus `ignorable`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleOverride {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub ignorable: Option<bool>,
}

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
    /// Where things were written, for problems found after policies load.
    pub marks: Marks,
}

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

/// A place in a config file: what an error message points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// The config file as reported.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Characters to underline (at least 1, never past the line's end).
    pub width: usize,
    /// The line's text, for the code frame.
    pub line_text: String,
}

impl Mark {
    /// The place `span` marks in `source`.
    pub fn new(source: &SourceFile, span: Span) -> Mark {
        let (line, column) = source.position(span.start);
        let line_text = source.line_text(line).to_owned();
        let (end_line, end_column) = source.position(span.end);
        let line_chars = line_text.chars().count();
        let end_column = if end_line == line {
            end_column
        } else {
            line_chars + 1
        };
        Mark {
            file: source.path.clone(),
            line,
            column,
            width: end_column.saturating_sub(column).max(1),
            line_text,
        }
    }

    /// An error at this place.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            width: self.width,
            message: message.into(),
            line_text: self.line_text.clone(),
        }
    }
}

/// One problem in a config or data file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file as reported.
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Characters to underline in the code frame (at least 1).
    pub width: usize,
    /// What is wrong, and what to write instead when it can be said.
    pub message: String,
    /// The offending line's text, for a code frame.
    pub line_text: String,
}

impl fmt::Display for ConfigError {
    /// `file:line:col: message` (what editors and terminals link), then a
    /// code frame with the offending text underlined.
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
        write!(f, "{:gutter$} | {pad}{}", "", "^".repeat(self.width.max(1)))
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

/// The keys a config file may hold, in the order they are documented.
pub const TOP_KEYS: [&str; 5] = ["fail_on", "exclude", "policies", "rules", "settings"];

/// The keys of a rule's mapping form.
pub const RULE_KEYS: [&str; 3] = ["enabled", "severity", "ignorable"];

/// What `fail_on` accepts, most severe first.
pub const FAIL_ON_VALUES: [&str; 5] = ["critical", "high", "medium", "low", "never"];

/// Problems found in one YAML file, each at its place.
pub(crate) struct Errors<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) list: Vec<ConfigError>,
}

impl Errors<'_> {
    pub(crate) fn mark(&self, span: Span) -> Mark {
        Mark::new(self.source, span)
    }

    pub(crate) fn at(&mut self, span: Span, message: impl Into<String>) {
        let error = self.mark(span).error(message);
        self.list.push(error);
    }
}

/// Reads and validates a config file's text. `display` is the path reported.
///
/// Every problem the file alone shows is reported; `rules:` keys are checked
/// against the loaded policies by `rules::check_rule_names`.
pub fn parse(display: &str, text: &str) -> Result<Config, Vec<ConfigError>> {
    let (config, errors) = parse_partial(display, text);
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// The root of a one-document YAML 1.2 file (`.scalegate.yaml`, the ignore
/// file), with a second document and duplicate keys reported. `Ok(None)` for
/// an empty file; `Err` when it is not YAML at all (reported too). `what`
/// names the file in messages ("the config").
pub(crate) fn one_document(errors: &mut Errors, what: &str) -> Result<Option<Node>, ()> {
    let documents = match yaml::parse_documents(
        &errors.source.text,
        yaml::Typing::Core,
        &yaml::Limits::default(),
    ) {
        Ok(documents) => documents,
        Err(e) => {
            errors.at(
                Span::new(e.offset, e.offset),
                format!("not valid YAML: {}", e.message),
            );
            return Err(());
        }
    };
    let mut roots = documents.into_iter().filter_map(|d| d.root);
    let Some(root) = roots.next() else {
        return Ok(None);
    };
    if let Some(extra) = roots.next() {
        errors.at(
            extra.span,
            format!("a second YAML document; {what} is one document (remove the `---`)"),
        );
    }
    duplicate_keys(&root, errors);
    Ok(Some(root))
}

/// [`parse`], returning what could be read along with the errors, so that
/// checks that need the policies can still run and report in the same go.
pub fn parse_partial(display: &str, text: &str) -> (Config, Vec<ConfigError>) {
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
            other => errors.at(key.span, unknown_key(other, None, &TOP_KEYS)),
        }
    }
    (config, errors.list)
}

/// `unknown key `x` — did you mean `y`?`; `place` is where the key sits
/// (`settings.tags`), `None` at the top level.
pub(crate) fn unknown_key(key: &str, place: Option<&str>, valid: &[&str]) -> String {
    let place = place.map(|p| format!(" in {p}")).unwrap_or_default();
    match closest(key, valid) {
        Some(s) => format!("unknown key `{key}`{place} — did you mean `{s}`?"),
        None => format!(
            "unknown key `{key}`{place}; expected one of: {}",
            valid.join(", ")
        ),
    }
}

/// How a value is named in messages.
pub(crate) fn found(node: &Node) -> String {
    match &node.value {
        NodeValue::Null => "nothing".into(),
        NodeValue::Bool(b) => format!("the boolean `{b}`"),
        NodeValue::Int(_) | NodeValue::UInt(_) | NodeValue::Float(_) => {
            format!("the number `{}`", node.scalar_text().unwrap_or_default())
        }
        NodeValue::String(s) => format!("`{s}`"),
        NodeValue::Seq(_) => "a list".into(),
        NodeValue::Map(_) => "a mapping".into(),
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

/// What follows "unknown rule `x`": the closest of `names`, or where to
/// find them all.
pub fn unknown_rule_hint(name: &str, names: &[&str]) -> String {
    match closest(name, names) {
        Some(s) => format!(" — did you mean `{s}`?"),
        None => "; `scalegate rules` lists them".to_owned(),
    }
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

/// A key written twice in one mapping. YAML forbids it, and the reader
/// would silently keep the last one.
fn duplicate_keys(node: &Node, errors: &mut Errors) {
    match &node.value {
        NodeValue::Map(entries) => {
            let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
            for (key, value) in entries {
                // Entries a merge key (`<<: *base`) copied carry the span of
                // the anchored mapping, outside this one: not duplicates.
                let written_here =
                    key.span.start >= node.span.start && key.span.end <= node.span.end;
                if let Some(first) = seen.get(key.text.as_str()) {
                    if written_here {
                        let line = errors.source.position(first.start).0;
                        errors.at(
                            key.span,
                            format!(
                                "duplicate key `{}` (first written on line {line}); keep one",
                                key.text
                            ),
                        );
                    }
                } else if written_here {
                    seen.insert(&key.text, key.span);
                }
                duplicate_keys(value, errors);
            }
        }
        NodeValue::Seq(items) => items.iter().for_each(|i| duplicate_keys(i, errors)),
        _ => {}
    }
}

/// A list of strings with each one's span; nothing (`exclude:` with every
/// entry commented out) is an empty list.
pub(crate) fn string_list(
    node: &Node,
    name: &str,
    what: &str,
    errors: &mut Errors,
) -> Vec<(String, Span)> {
    match &node.value {
        NodeValue::Null => Vec::new(),
        NodeValue::Seq(items) => items
            .iter()
            .filter_map(|item| match &item.value {
                NodeValue::String(s) => Some((s.clone(), item.span)),
                _ => {
                    errors.at(
                        item.span,
                        format!(
                            "`{name}` entries must be strings ({what}), found {}",
                            found(item)
                        ),
                    );
                    None
                }
            })
            .collect(),
        _ => {
            let example = node
                .scalar_text()
                .map(|t| format!(" (e.g. `{name}: [\"{t}\"]`)"))
                .unwrap_or_default();
            errors.at(
                node.span,
                format!(
                    "`{name}` must be a list of strings, found {}{example}",
                    found(node)
                ),
            );
            Vec::new()
        }
    }
}

fn rule_overrides(
    node: &Node,
    errors: &mut Errors,
    marks: &mut BTreeMap<String, Mark>,
) -> BTreeMap<String, RuleOverride> {
    let mut out = BTreeMap::new();
    let entries = match &node.value {
        NodeValue::Null => return out,
        NodeValue::Map(entries) => entries,
        _ => {
            errors.at(
                node.span,
                format!(
                    "`rules` must map rule ids or slugs to off, a severity, or {{enabled, severity, ignorable}}, found {}",
                    found(node)
                ),
            );
            return out;
        }
    };
    for (key, value) in entries {
        marks.insert(key.text.clone(), errors.mark(key.span));
        if let Some(o) = rule_override(key, value, errors) {
            out.insert(key.text.clone(), o);
        }
    }
    out
}

const RULE_GRAMMAR: &str =
    "off, a severity (critical, high, medium, low, info) or {enabled, severity, ignorable}";

fn rule_override(key: &Key, value: &Node, errors: &mut Errors) -> Option<RuleOverride> {
    let rule = &key.text;
    match &value.value {
        NodeValue::String(s) if s == "off" => Some(RuleOverride {
            enabled: Some(false),
            ..RuleOverride::default()
        }),
        NodeValue::String(s) => match Severity::parse(s) {
            Some(severity) => Some(RuleOverride {
                severity: Some(severity),
                ..RuleOverride::default()
            }),
            None => {
                let hint = if s == "on" {
                    "; rules are on unless turned off (remove the entry, or write `{enabled: true}`)"
                        .to_owned()
                } else {
                    closest(s, &["off", "critical", "high", "medium", "low", "info"])
                        .map(|c| format!(" — did you mean `{c}`?"))
                        .unwrap_or_default()
                };
                errors.at(
                    value.span,
                    format!("rule `{rule}`: `{s}` is not {RULE_GRAMMAR}{hint}"),
                );
                None
            }
        },
        NodeValue::Bool(b) => {
            let hint = if *b {
                "rules are on unless turned off: remove the entry, or write `{enabled: true}`"
            } else {
                "write `off` to turn the rule off"
            };
            errors.at(
                value.span,
                format!("rule `{rule}`: `{b}` is not {RULE_GRAMMAR}; {hint}"),
            );
            None
        }
        NodeValue::Map(fields) => {
            let mut o = RuleOverride::default();
            let mut ok = true;
            for (k, v) in fields {
                match (k.text.as_str(), &v.value) {
                    ("severity", NodeValue::String(s)) => match Severity::parse(s) {
                        Some(severity) => o.severity = Some(severity),
                        None => {
                            ok = false;
                            let hint = if s == "off" {
                                format!("; to turn the rule off write `{rule}: off` or `enabled: false`")
                            } else {
                                String::new()
                            };
                            errors.at(
                                v.span,
                                format!("rule `{rule}`: `severity` must be critical, high, medium, low or info, found `{s}`{hint}"),
                            );
                        }
                    },
                    ("ignorable", NodeValue::Bool(b)) => o.ignorable = Some(*b),
                    ("enabled", NodeValue::Bool(b)) => o.enabled = Some(*b),
                    (name @ ("enabled" | "ignorable"), _) => {
                        ok = false;
                        let yaml_1_1 = if v.as_str().is_some() {
                            " (only `true` and `false` are booleans in this file)"
                        } else {
                            ""
                        };
                        errors.at(
                            v.span,
                            format!(
                                "rule `{rule}`: `{name}` must be true or false, found {}{yaml_1_1}",
                                found(v)
                            ),
                        );
                    }
                    ("severity", _) => {
                        ok = false;
                        errors.at(
                            v.span,
                            format!("rule `{rule}`: `severity` must be critical, high, medium, low or info, found {}", found(v)),
                        );
                    }
                    (other, _) => {
                        ok = false;
                        errors.at(
                            k.span,
                            unknown_key(other, Some(&format!("rules.{rule}")), &RULE_KEYS),
                        );
                    }
                }
            }
            ok.then_some(o)
        }
        _ => {
            errors.at(
                value.span,
                format!(
                    "rule `{rule}`: expected {RULE_GRAMMAR}, found {}",
                    found(value)
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

    /// Every error as `line:column: message`.
    fn errors(text: &str) -> Vec<String> {
        parse_partial(".scalegate.yaml", text)
            .1
            .iter()
            .map(|e| format!("{}:{}: {}", e.line, e.column, e.message))
            .collect()
    }

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
