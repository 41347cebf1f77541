//! Findings that say the same thing at the same place become one: a
//! module's resource reached through several callers or roots, a plan
//! resource and the configuration it was planned from.

use std::collections::BTreeMap;

use crate::model::{Finding, FindingKind, Location, RuleRef, SuppressionKind};
use crate::rules::{Catalog, META_RULE};

/// What makes two findings the same.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct MergeKey {
    rule: RuleRef,
    kind: FindingKind,
    location: Location,
    /// The value path, dotted.
    path: String,
    /// The rule's discriminator, or the rule a note could not verify.
    key: Option<String>,
    unverified: Option<RuleRef>,
    /// The resource's address within its module: the same module resource
    /// reached through two callers is one.
    resource_in_module: String,
    /// How (and whether) it is suppressed.
    suppression: Option<(SuppressionKind, String)>,
    /// The message as the module sees it.
    message: String,
}

/// Findings that say the same thing at the same place — one module's
/// resource reached through several callers or roots, a plan resource and
/// the configuration it was planned from — become one, with every related
/// location kept. The first in sort order is kept.
pub(super) fn merge_duplicates(findings: Vec<Finding>, catalog: &Catalog) -> Vec<Finding> {
    let meta = catalog.engine(META_RULE);
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut index: BTreeMap<MergeKey, usize> = BTreeMap::new();
    for finding in findings {
        let local = finding
            .resource
            .as_deref()
            .map(crate::address::in_module)
            .unwrap_or_default();
        let note = finding.rule == meta;
        let key = MergeKey {
            rule: finding.rule,
            kind: finding.kind,
            location: finding.location.clone(),
            path: crate::model::dotted(&finding.path),
            key: finding.key.clone(),
            unverified: finding.unverified,
            resource_in_module: if note && finding.kind == FindingKind::Note {
                // Notes moved to a module call merge whatever resource
                // they came from.
                String::new()
            } else {
                local.to_owned()
            },
            suppression: finding
                .suppression
                .as_ref()
                .map(|s| (s.kind, s.source.clone())),
            message: if note {
                // One note per rule and place says "could not verify"; its
                // message names just one of the resources behind it.
                String::new()
            } else {
                message_in_module(&finding)
            },
        };
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
