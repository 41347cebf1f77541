//! The central ignore file, `.scalegate-ignore.yaml` at the project root:
//! accepted exceptions a platform team keeps in one reviewed place, each
//! with the files it covers, a reason, an owner and an expiry.
//!
//! ```yaml
//! ignore:
//!   - rule: SG-K8S-008            # id or slug
//!     paths: ["batch/**"]         # globs, relative to the project root
//!     resource: "batch/Job/*"     # optional: a glob on the resource id
//!     reason: "batch jobs run one replica by design"
//!     owner: "@platform"
//!     expires: 2027-03-31         # UTC, inclusive
//! ```

use std::sync::Arc;

use globset::{Glob, GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};

use super::date::Date;
use crate::diagnostic::Diagnostic;
use crate::did_you_mean::unknown_key;
use crate::source::{SharedSource, SourceFile, Span};
use crate::yaml::check::{found, one_document, string_list, Errors};
use crate::yaml::{Node, NodeValue};

/// The file's name at the project root.
pub const FILE_NAME: &str = ".scalegate-ignore.yaml";

const TOP_KEYS: [&str; 1] = ["ignore"];
const ENTRY_KEYS: [&str; 6] = ["rule", "paths", "resource", "reason", "owner", "expires"];

/// A read ignore file.
#[derive(Debug)]
pub struct IgnoreFile {
    pub source: SharedSource,
    pub entries: Vec<IgnoreEntry>,
}

/// One accepted exception.
#[derive(Debug)]
pub struct IgnoreEntry {
    /// The rule as written (id or slug).
    pub rule: String,
    /// The `rule:` entry, where findings about this entry point.
    pub rule_span: Span,
    pub paths: GlobSet,
    pub resource: Option<GlobMatcher>,
    pub reason: Option<String>,
    pub owner: Option<String>,
    pub expires: Option<Date>,
}

impl IgnoreFile {
    /// Reads and validates the file's text; `display` is the path reported.
    /// Every problem is reported, each at its line and column.
    pub fn parse(display: &str, text: &str) -> Result<IgnoreFile, Vec<Diagnostic>> {
        let source = Arc::new(SourceFile::new(display, text.to_owned()));
        let mut errors = Errors {
            source: &source,
            list: Vec::new(),
        };
        let entries = read(&mut errors);
        if errors.list.is_empty() {
            Ok(IgnoreFile {
                source: source.clone(),
                entries,
            })
        } else {
            Err(errors.list)
        }
    }
}

fn read(errors: &mut Errors) -> Vec<IgnoreEntry> {
    let Ok(Some(root)) = one_document(errors, "the ignore file") else {
        return Vec::new();
    };
    let top = match &root.value {
        NodeValue::Map(top) => top,
        NodeValue::Null => return Vec::new(),
        _ => {
            errors.at(
                root.span,
                format!(
                    "the ignore file must be a mapping with `ignore:`, found {}",
                    found(&root)
                ),
            );
            return Vec::new();
        }
    };
    let mut entries = Vec::new();
    for (key, value) in top {
        if key.text != "ignore" {
            errors.at(key.span, unknown_key(&key.text, None, &TOP_KEYS));
            continue;
        }
        match &value.value {
            NodeValue::Null => {}
            NodeValue::Seq(items) => {
                entries.extend(items.iter().filter_map(|item| entry(item, errors)));
            }
            _ => errors.at(
                value.span,
                format!("`ignore` must be a list of entries, found {}", found(value)),
            ),
        }
    }
    entries
}

fn entry(node: &Node, errors: &mut Errors) -> Option<IgnoreEntry> {
    let NodeValue::Map(fields) = &node.value else {
        errors.at(
            node.span,
            format!(
                "an `ignore` entry must be a mapping with {}, found {}",
                ENTRY_KEYS.join(", "),
                found(node)
            ),
        );
        return None;
    };
    let before = errors.list.len();
    let mut rule = None;
    let mut paths = None;
    let mut resource = None;
    let mut reason = None;
    let mut owner = None;
    let mut expires = None;
    for (key, value) in fields {
        let text = || match &value.value {
            NodeValue::Null => None,
            _ => value.scalar_text().map(|t| t.trim().to_owned()),
        };
        match key.text.as_str() {
            "rule" => match value.as_str() {
                Some(name) if !name.is_empty() => {
                    rule = Some((name.to_owned(), Span::new(key.span.start, value.span.end)));
                }
                _ => errors.at(
                    value.span,
                    format!("`rule` must be a rule id or slug, found {}", found(value)),
                ),
            },
            "paths" => {
                let written = match &value.value {
                    NodeValue::String(s) => vec![(s.clone(), value.span)],
                    _ => string_list(value, "paths", "a glob", errors),
                };
                let mut set = GlobSetBuilder::new();
                for (pattern, span) in &written {
                    match path_glob(pattern) {
                        Ok(glob) => {
                            set.add(glob);
                        }
                        Err(e) => {
                            errors.at(*span, format!("`paths`: not a valid glob: {}", e.kind()))
                        }
                    }
                }
                if written.is_empty() {
                    errors.at(
                        value.span,
                        "`paths` is empty; name the files this entry covers (`**` for all)",
                    );
                }
                paths = set.build().ok();
            }
            "resource" => match value.as_str().map(|p| GlobBuilder::new(p).build()) {
                Some(Ok(glob)) => resource = Some(glob.compile_matcher()),
                Some(Err(e)) => errors.at(
                    value.span,
                    format!("`resource`: not a valid glob: {}", e.kind()),
                ),
                None => errors.at(
                    value.span,
                    format!(
                        "`resource` must be a resource id or a glob, found {}",
                        found(value)
                    ),
                ),
            },
            "reason" => reason = text().filter(|t| !t.is_empty()),
            "owner" => owner = text().filter(|t| !t.is_empty()),
            "expires" => match value.as_str().and_then(Date::parse) {
                Some(date) => expires = Some(date),
                None => errors.at(
                    value.span,
                    format!(
                        "`expires` must be a date (YYYY-MM-DD), found {}",
                        found(value)
                    ),
                ),
            },
            other => errors.at(
                key.span,
                unknown_key(other, Some("an `ignore` entry"), &ENTRY_KEYS),
            ),
        }
    }
    let first_key = fields.first().map_or(node.span, |(k, _)| k.span);
    if rule.is_none() && errors.list.len() == before {
        errors.at(
            first_key,
            "this entry has no `rule`; name the rule it accepts",
        );
    }
    if paths.is_none() && errors.list.len() == before {
        errors.at(
            first_key,
            "this entry has no `paths`; name the files it covers (`**` for all)",
        );
    }
    let (rule, rule_span) = rule?;
    Some(IgnoreEntry {
        rule,
        rule_span,
        paths: paths?,
        resource,
        reason,
        owner,
        expires,
    })
}

/// A path glob: `*` stays within one directory, `**` crosses them.
fn path_glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern.trim_start_matches("./"))
        .literal_separator(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        IgnoreFile::parse(FILE_NAME, text)
            .unwrap_err()
            .iter()
            .map(|e| format!("{}:{}: {}", e.line.unwrap(), e.column.unwrap(), e.message))
            .collect()
    }

    #[test]
    fn a_complete_entry() {
        let text = "ignore:\n  - rule: SG-K8S-008\n    paths: [\"batch/**\", legacy/*.yaml]\n    resource: \"batch/Job/*\"\n    reason: batch jobs run one replica\n    owner: \"@platform\"\n    expires: 2027-03-31\n";
        let file = IgnoreFile::parse(FILE_NAME, text).unwrap();
        let entry = &file.entries[0];
        assert_eq!(entry.rule, "SG-K8S-008");
        assert_eq!(file.source.region(entry.rule_span).start_line, 2);
        assert!(entry.paths.is_match("batch/cron/job.yaml"));
        assert!(entry.paths.is_match("legacy/a.yaml"));
        assert!(
            !entry.paths.is_match("legacy/sub/a.yaml"),
            "* stays in its directory"
        );
        assert!(entry
            .resource
            .as_ref()
            .unwrap()
            .is_match("batch/Job/default/nightly"));
        assert_eq!(entry.reason.as_deref(), Some("batch jobs run one replica"));
        assert_eq!(entry.owner.as_deref(), Some("@platform"));
        assert_eq!(entry.expires.unwrap().to_string(), "2027-03-31");
    }

    #[test]
    fn an_empty_file_has_no_entries() {
        assert!(IgnoreFile::parse(FILE_NAME, "").unwrap().entries.is_empty());
        assert!(IgnoreFile::parse(FILE_NAME, "ignore:\n")
            .unwrap()
            .entries
            .is_empty());
    }

    #[test]
    fn every_mistake_is_reported_at_its_place() {
        let text = "ignore:\n  - rule: SG-K8S-008\n    path: [a]\n    expires: 2027-02-30\n  - paths: a/**\n  - rule: x\n    paths: [\"a/[\"]\nignores: []\n";
        assert_eq!(
            errors(text),
            [
                "3:5: unknown key `path` in an `ignore` entry — did you mean `paths`?",
                "4:14: `expires` must be a date (YYYY-MM-DD), found `2027-02-30`",
                "5:5: this entry has no `rule`; name the rule it accepts",
                "7:13: `paths`: not a valid glob: unclosed character class; missing ']'",
                "8:1: unknown key `ignores` — did you mean `ignore`?",
            ]
        );
        assert_eq!(
            errors("- rule: x\n"),
            ["1:1: the ignore file must be a mapping with `ignore:`, found a list"]
        );
        assert_eq!(
            errors("ignore: [\n"),
            ["2:1: not valid YAML: unclosed bracket '[' (opened at line 1, column 9): the input ends before it is closed"]
        );
    }
}
