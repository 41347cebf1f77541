//! Findings that say the same thing at the same place become one: a
//! module's resource reached through several callers or roots, a plan
//! resource and the configuration it was planned from.

use std::collections::BTreeMap;

use crate::model::{Finding, FindingKind, Location};
use crate::rules::META_RULE;

/// What makes two findings the same: rule, kind, location, value path, the
/// rule's key, the resource's address within its module, how (and whether)
/// it is suppressed, and the message as the module sees it.
type MergeKey = (
    String,
    FindingKind,
    Location,
    String,
    Option<String>,
    String,
    Option<(String, String)>,
    String,
);

/// Findings that say the same thing at the same place — one module's
/// resource reached through several callers or roots, a plan resource and
/// the configuration it was planned from — become one, with every related
/// location kept. The first in sort order is kept.
pub(super) fn merge_duplicates(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut index: BTreeMap<MergeKey, usize> = BTreeMap::new();
    for finding in findings {
        let local = finding
            .resource
            .as_deref()
            .map(crate::address::in_module)
            .unwrap_or_default();
        let key = (
            finding.rule_id.clone(),
            finding.kind,
            finding.location.clone(),
            crate::model::dotted(&finding.path),
            finding.key.clone(),
            if finding.kind == FindingKind::Note && finding.rule_id == META_RULE {
                // Notes moved to a module call merge whatever resource
                // they came from.
                String::new()
            } else {
                local.to_owned()
            },
            finding
                .suppression
                .as_ref()
                .map(|s| (s.kind.clone(), s.source.clone())),
            if finding.rule_id == META_RULE {
                // One note per rule and place says "could not verify"; its
                // message names just one of the resources behind it.
                String::new()
            } else {
                message_in_module(&finding)
            },
        );
        match index.get(&key) {
            Some(&at) => {
                for related in finding.related {
                    if !out[at].related.contains(&related) {
                        out[at].related.push(related);
                    }
                }
            }
            None => {
                index.insert(key, out.len());
                out.push(finding);
            }
        }
    }
    for finding in &mut out {
        finding.related.sort();
    }
    out
}

/// The finding's message as its module sees it: the module path of its
/// resource taken out. Two messages of one rule at one place are two
/// findings, but the same message reached through two callers
/// (`module.a.x is public`, `module.b.x is public`) is one.
fn message_in_module(finding: &Finding) -> String {
    let Some(resource) = finding.resource.as_deref() else {
        return finding.message.clone();
    };
    let local = crate::address::in_module(resource);
    match resource.strip_suffix(local) {
        Some(prefix) if !prefix.is_empty() => finding.message.replace(prefix, ""),
        _ => finding.message.clone(),
    }
}
