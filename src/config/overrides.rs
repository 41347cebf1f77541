//! The `rules:` section: each entry read as a [`RuleOverride`] (off, a
//! severity, or `{enabled, severity, ignorable}`), with a message for every
//! near miss of that grammar.
//!
//! Separate from the rest of the config because its grammar is the one with
//! the most ways to be written wrong, and the most messages.

use std::collections::BTreeMap;

use super::RULE_KEYS;
use crate::diagnostic::Mark;
use crate::did_you_mean::{closest, unknown_key};
use crate::model::Severity;
use crate::yaml::check::{found, Errors};
use crate::yaml::{Key, Node, NodeValue};

/// How config changes a rule: `off`, a severity, or both plus `ignorable`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleOverride {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub ignorable: Option<bool>,
}

pub(super) fn rule_overrides(
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
