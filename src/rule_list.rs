//! `scalegate rules`: every rule of the project (the built-in pack, the
//! user's policies, the engine's own), as an aligned table or as JSON for
//! tools, both in id order and with the severities config leaves.

use serde::Serialize;

use crate::model::{RuleInfo, Severity};

/// One line per rule: id, slug, severity, title, in columns.
pub fn text(rules: &[RuleInfo]) -> String {
    let slug_width = rules.iter().map(|r| r.slug.len()).max().unwrap_or(0);
    let mut out = String::new();
    for rule in rules {
        out.push_str(&format!(
            "{:<13} {:<slug_width$} {:<8} {}\n",
            rule.id,
            rule.slug,
            rule.severity.as_str(),
            rule.title
        ));
    }
    out
}

/// The version of `rules --format json`; bump only for incompatible changes.
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonRules<'a> {
    version: u32,
    rules: Vec<JsonRule<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    slug: &'a str,
    severity: Severity,
    title: &'a str,
    /// The rule's documentation page; `null` for a user rule that names none.
    help_uri: Option<&'a str>,
    /// The `settings:` keys (dotted paths) the rule reads.
    settings: Vec<&'static str>,
}

/// `{"version": 1, "rules": [{id, slug, severity, title, help_uri,
/// settings}]}`, pretty-printed, in the order given (id order).
pub fn json(rules: &[RuleInfo]) -> String {
    let doc = JsonRules {
        version: JSON_VERSION,
        rules: rules
            .iter()
            .map(|rule| JsonRule {
                id: &rule.id,
                slug: &rule.slug,
                severity: rule.severity,
                title: &rule.title,
                help_uri: Some(rule.help_uri.as_str()).filter(|u| !u.is_empty()),
                // Only the built-in pack's settings are declared; a user
                // rule reads what it likes under `settings.custom`.
                settings: if rule.builtin {
                    crate::settings::read_by(&rule.id)
                } else {
                    Vec::new()
                },
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("the rule list is serialisable");
    out.push('\n');
    out
}
