//! The rule catalog: the engine's own rules (ids, prose, the page each
//! links to), how config overrides change any rule, and the check of the
//! `rules:` names a config writes.
//!
//! It sits below orchestration and below the policy loader: the loader,
//! suppressions, baselines, docs, `explain` and the scan consult it, and it
//! reads nothing above the config whose `rules:` entries it checks, so no
//! lower layer has to reach up into the scan for a rule id.

mod catalog;

use std::collections::BTreeMap;

pub use catalog::{Catalog, CatalogEntry};

use crate::config::{Config, RuleOverride};
use crate::diagnostic::Diagnostic;
use crate::did_you_mean::unknown_rule_hint;
use crate::model::{RuleInfo, Severity};

/// The rule for files that cannot be read or parsed.
pub const PARSE_RULE: &str = "SG-PARSE-001";
/// The rule unverified notes are reported under.
pub const META_RULE: &str = "SG-META-001";

/// The engine rule for a suppression without a reason.
pub const NO_REASON_RULE: &str = "SG-SUP-001";
/// The engine rule for an expired suppression.
pub const EXPIRED_RULE: &str = "SG-SUP-002";
/// The engine rule for a suppression that suppresses nothing.
pub const UNUSED_RULE: &str = "SG-SUP-003";

/// Where rule documentation is published; one page per rule id.
pub const DOCS_BASE: &str = "https://github.com/scalegate/scalegate/blob/main/docs/rules/";

/// A rule's page file name: `SG-K8S-008.md`.
pub fn page_name(id: &str) -> String {
    format!("{id}.md")
}

/// A built-in rule's published page.
pub fn page_url(id: &str) -> String {
    format!("{DOCS_BASE}{}", page_name(id))
}

/// `rules:` overrides by the name they are written under (id, slug or old id).
pub type Overrides = BTreeMap<String, RuleOverride>;

/// The rules scalegate itself reports under.
pub fn builtin_rules() -> Vec<RuleInfo> {
    let rule =
        |id: &str, slug: &str, severity, title: &str, description: &str, remediation: &str| {
            RuleInfo {
                id: id.into(),
                slug: slug.into(),
                title: title.into(),
                description: description.into(),
                remediation: remediation.into(),
                severity,
                security: false,
                builtin: true,
                help_uri: page_url(id),
                file: "<built-in>".into(),
            }
        };
    vec![
        rule(
            META_RULE,
            "unverified",
            Severity::Info,
            "Check could not be verified",
            "A rule's check depended on a value that cannot be known without running Terraform (a variable without a value, a data source, another resource's attribute). scalegate reports a note instead of guessing.",
            "Give the value a literal, a default or a tfvars entry so the rule can check it, or review it by hand.",
        ),
        rule(
            PARSE_RULE,
            "parse-error",
            Severity::High,
            "File could not be read or parsed",
            "A file in scope could not be read, is not UTF-8, does not parse, or exceeds a budget (size, nesting depth, alias expansion). Its resources were not checked, so the gate fails rather than pass a file it could not read.",
            "Fix the syntax error at the reported position, or exclude the file if it is not an infrastructure definition.",
        ),
        rule(
            NO_REASON_RULE,
            "suppression-without-reason",
            Severity::Low,
            "Suppression has no reason",
            "A suppression (inline comment, annotation or ignore-file entry) gives no reason. It still suppresses, but an exception nobody can explain is one nobody can review or retire, so it is reported where it is written.",
            "Add the reason: `reason=\"…\"` in a comment or annotation, `reason:` in an ignore-file entry. Add an expiry (`exp=YYYY-MM-DD`, `expires:`) if the exception is temporary.",
        ),
        rule(
            EXPIRED_RULE,
            "suppression-expired",
            Severity::Info,
            "Suppression has expired",
            "A suppression's expiry date has passed (dates are UTC and inclusive), so it no longer suppresses: the findings it covered are reported again, and this note points at the suppression.",
            "Fix the findings and remove the suppression, or, if the exception still holds, move its expiry date after review.",
        ),
        rule(
            UNUSED_RULE,
            "suppression-unused",
            Severity::Info,
            "Suppression suppresses nothing",
            "A suppression matches no finding: the finding was fixed, the rule name is misspelt, the comment is not attached to a block, attribute or node, or config does not allow the rule to be suppressed inline. When files are named on the command line (pre-commit), a suppression is not called stale, because findings elsewhere are not known.",
            "Remove the suppression, correct the rule name, or move the comment directly above the block, attribute or node (no blank line between) or to the end of its first line.",
        ),
    ]
}

/// An engine rule as the project's config leaves it.
#[derive(Debug, Clone)]
pub struct EngineRule {
    /// With the configured severity.
    pub info: RuleInfo,
    pub enabled: bool,
    /// `false` when comments and annotations cannot suppress it.
    pub ignorable: bool,
}

/// The engine's rules with `rules:` overrides (by id or slug) applied.
/// SG-PARSE-001 is never configurable ([`check_rule_names`] refuses it).
pub fn configured_engine_rules(overrides: &Overrides) -> Vec<EngineRule> {
    builtin_rules()
        .into_iter()
        .map(|info| {
            let mut configured = Configured {
                severity: info.severity,
                enabled: true,
                ignorable: true,
            };
            if info.id != PARSE_RULE {
                configured = configure(
                    [info.id.as_str(), info.slug.as_str()],
                    overrides,
                    configured,
                );
            }
            EngineRule {
                info: RuleInfo {
                    severity: configured.severity,
                    ..info
                },
                enabled: configured.enabled,
                ignorable: configured.ignorable,
            }
        })
        .collect()
}

/// What `rules:` in the config may change about a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Configured {
    pub severity: Severity,
    /// `false`: the rule reports nothing.
    pub enabled: bool,
    /// `false` when comments and annotations cannot suppress it.
    pub ignorable: bool,
}

/// The one place config changes a rule: the overrides written under any of
/// its `names` (id, slug, old ids), applied over `rule` in that order. The
/// policy rules and the engine's own both go through here, so `off`, a
/// severity and `ignorable` mean the same for either.
pub fn configure<'a>(
    names: impl IntoIterator<Item = &'a str>,
    overrides: &Overrides,
    mut rule: Configured,
) -> Configured {
    for name in names {
        if let Some(o) = overrides.get(name) {
            if let Some(severity) = o.severity {
                rule.severity = severity;
            }
            if let Some(ignorable) = o.ignorable {
                rule.ignorable = ignorable;
            }
            if o.enabled == Some(false) {
                rule.enabled = false;
            }
        }
    }
    rule
}

/// A rule as `rules:` keys may name it.
pub trait RuleNames {
    /// Its names, id first, then slug and old ids.
    fn names(&self) -> Vec<&str>;
}

/// Checks `rules:` against the loaded rules and the engine's own: every key
/// names a rule (by id, slug or old id), no rule is configured under two of
/// its names, and SG-PARSE-001 is not configured at all.
pub fn check_rule_names(
    config: &Config,
    rules: &[impl RuleNames],
    engine: &[RuleInfo],
) -> Vec<Diagnostic> {
    if config.marks.policies_invalid {
        return Vec::new();
    }
    // Each rule's names, id first.
    let mut rule_names: Vec<Vec<&str>> = rules.iter().map(|rule| rule.names()).collect();
    rule_names.extend(
        engine
            .iter()
            .map(|rule| vec![rule.id.as_str(), rule.slug.as_str()]),
    );
    let names: Vec<&str> = rule_names.iter().flatten().copied().collect();
    let mut problems = Vec::new();
    for (key, mark) in &config.marks.rules {
        if rule_names
            .iter()
            .any(|n| n[0] == PARSE_RULE && n.contains(&key.as_str()))
        {
            problems.push(mark.error(format!(
                "`rules`: {} cannot be configured: a file that cannot be read or parsed always fails the gate (exclude the file, or accept it in .scalegate-ignore.yaml)",
                PARSE_RULE
            )));
        } else if !names.contains(&key.as_str()) {
            let hint = unknown_rule_hint(key, &names);
            problems.push(mark.error(format!("`rules`: unknown rule `{key}`{hint}")));
        }
    }
    for names in &rule_names {
        let written: Vec<&str> = names
            .iter()
            .copied()
            .filter(|name| config.marks.rules.contains_key(*name))
            .collect();
        if written.len() > 1 {
            // Point at the one written last: the first is the one to keep.
            let mark = written
                .iter()
                .map(|name| &config.marks.rules[*name])
                .max_by_key(|m| (m.line, m.column))
                .expect("two or more");
            problems.push(mark.error(format!(
                "`rules`: {} is configured twice, as {}; keep one",
                names[0],
                written
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn overrides(entries: &[(&str, RuleOverride)]) -> Overrides {
        entries
            .iter()
            .map(|(name, o)| ((*name).to_owned(), o.clone()))
            .collect()
    }

    const DEFAULT: Configured = Configured {
        severity: Severity::Medium,
        enabled: true,
        ignorable: true,
    };

    #[test]
    fn overrides_under_any_name_apply_and_off_only_turns_off() {
        let written = overrides(&[
            (
                "old-name",
                RuleOverride {
                    severity: Some(Severity::High),
                    ..RuleOverride::default()
                },
            ),
            (
                "SG-X-001",
                RuleOverride {
                    enabled: Some(false),
                    ignorable: Some(false),
                    ..RuleOverride::default()
                },
            ),
        ]);
        let configured = configure(["SG-X-001", "x-rule", "old-name"], &written, DEFAULT);
        assert_eq!(
            configured,
            Configured {
                severity: Severity::High,
                enabled: false,
                ignorable: false,
            }
        );
        // `enabled: true` leaves a rule as it was; names not written change nothing.
        let on = overrides(&[(
            "x-rule",
            RuleOverride {
                enabled: Some(true),
                ..RuleOverride::default()
            },
        )]);
        assert_eq!(configure(["SG-X-001", "x-rule"], &on, DEFAULT), DEFAULT);
        assert_eq!(configure(["SG-Y-001"], &written, DEFAULT), DEFAULT);
    }

    #[test]
    fn the_parse_rule_ignores_overrides_and_other_engine_rules_take_them() {
        let written = overrides(&[
            (
                PARSE_RULE,
                RuleOverride {
                    enabled: Some(false),
                    ..RuleOverride::default()
                },
            ),
            (
                "suppression-unused",
                RuleOverride {
                    severity: Some(Severity::Low),
                    ignorable: Some(false),
                    ..RuleOverride::default()
                },
            ),
        ]);
        let rules = configured_engine_rules(&written);
        let parse = rules.iter().find(|r| r.info.id == PARSE_RULE).unwrap();
        assert!(parse.enabled && parse.ignorable);
        assert_eq!(parse.info.severity, Severity::High);
        let unused = rules.iter().find(|r| r.info.id == UNUSED_RULE).unwrap();
        assert!(unused.enabled && !unused.ignorable);
        assert_eq!(unused.info.severity, Severity::Low);
    }
}
