//! Raw findings → findings: each located in its file and given its rule's
//! metadata, files that failed → SG-PARSE-001 findings, then suppressions
//! applied, duplicates merged, disabled rules and files outside the focus
//! dropped, and the rest sorted and fingerprinted.
//!
//! Separate from evaluation because none of it touches the engine: it is
//! the same for every bundle, whoever evaluated it.

use std::collections::{BTreeMap, BTreeSet};

use super::merge::merge_duplicates;
use super::{Failure, Options, Prepared};
use crate::locate::{self, HelmTemplates, Located};
use crate::model::{
    Bundle, Finding, FindingKind, Location, Notification, NotificationLevel, Resource, RuleInfo,
};
use crate::policy::evaluate::RawFinding;
use crate::policy::loader::PolicySet;
use crate::rules::{META_RULE, PARSE_RULE};
use crate::source::{Region, SharedSource, SourceFile, Span};
use crate::suppress::{self, Date};

/// A bundle's raw findings as findings, located in their files; the files
/// they point into are added to `sources`. `meta` is the rule notes are
/// reported under.
pub(super) fn bundle_findings(
    policies: &PolicySet,
    meta: &RuleInfo,
    bundle: &Bundle,
    raw: Vec<RawFinding>,
    rendered: bool,
    helm: &HelmTemplates,
    sources: &mut BTreeMap<String, SharedSource>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    let bundle_file = first_file(bundle);
    let by_id: BTreeMap<&str, &Resource> = bundle
        .resources
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let mut noted: BTreeSet<(usize, Option<String>)> = BTreeSet::new();
    for finding in raw {
        let rule = &policies.rules[finding.rule].info;
        let resource = finding
            .resource
            .as_deref()
            .and_then(|id| by_id.get(id).copied());
        let (mut located, resource_id) = match resource {
            Some(resource) => {
                let located = locate::locate(resource, &finding.path, rendered, helm);
                (located, Some(resource.id.clone()))
            }
            None => {
                // A finding about no resource of the bundle concerns the
                // bundle as a whole: it is reported once, at line 1 of
                // the bundle's first file, so it still has a place.
                let Some(first) = bundle_file else {
                    continue;
                };
                let located = Located {
                    location: Location {
                        file: first.path.clone(),
                        region: point_region(first, 0),
                    },
                    related: Vec::new(),
                    extra_sources: Vec::new(),
                };
                (located, finding.resource.clone())
            }
        };
        for extra in &located.extra_sources {
            sources.insert(extra.path.clone(), extra.clone());
        }
        if let Some(resource) = resource {
            sources.insert(resource.source.path.clone(), resource.source.clone());
        }
        let (rule_id, info, message, kind) = match finding.kind {
            FindingKind::Violation => (
                rule.id.clone(),
                rule,
                finding.message.clone(),
                FindingKind::Violation,
            ),
            FindingKind::Note => {
                if !noted.insert((finding.rule, resource_id.clone())) {
                    continue;
                }
                let placed = resource
                    .and_then(|r| locate::place_note_at_call(&mut located, r, &finding.path));
                let message = match placed {
                    Some((call, cause)) => format!(
                        "{} ({}) could not be verified for resources of {}: {cause}",
                        rule.id, rule.slug, call.address
                    ),
                    None => format!(
                        "{} ({}) could not be verified: {}",
                        rule.id, rule.slug, finding.message
                    ),
                };
                (META_RULE.to_owned(), meta, message, FindingKind::Note)
            }
        };
        findings.push(Finding {
            rule_id,
            slug: info.slug.clone(),
            severity: info.severity,
            kind,
            title: info.title.clone(),
            message,
            remediation: info.remediation.clone(),
            location: located.location,
            resource: resource_id,
            path: finding.path,
            bundle: Some(bundle.path.clone()),
            key: if kind == FindingKind::Note {
                Some(rule.id.clone())
            } else {
                finding.key
            },
            related: located.related,
            fingerprint: String::new(),
            suppression: None,
        });
    }
    findings
}

/// Files that could not be read or parsed: an SG-PARSE-001 finding and an
/// error notification each. `parse_rule` is that rule as configured.
pub(super) fn failure_findings(
    failures: &[Failure],
    parse_rule: &RuleInfo,
    notifications: &mut Vec<Notification>,
    sources: &mut BTreeMap<String, SharedSource>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (source, error) in failures {
        let region = point_region(source, error.offset);
        notifications.push(Notification {
            level: NotificationLevel::Error,
            file: Some(source.path.clone()),
            line: Some(region.start_line),
            column: Some(region.start_column),
            message: if error.partial {
                format!("{}: {}", source.path, error.message)
            } else {
                format!("{} skipped: {}", source.path, error.message)
            },
        });
        sources.insert(source.path.clone(), source.clone());
        findings.push(Finding {
            rule_id: PARSE_RULE.into(),
            slug: parse_rule.slug.clone(),
            severity: parse_rule.severity,
            kind: FindingKind::Violation,
            title: parse_rule.title.clone(),
            message: error.message.clone(),
            remediation: parse_rule.remediation.clone(),
            location: Location {
                file: source.path.clone(),
                region,
            },
            resource: None,
            path: Vec::new(),
            bundle: None,
            key: None,
            related: Vec::new(),
            fingerprint: String::new(),
            suppression: None,
        });
    }
    findings
}

/// Suppressions applied, duplicates merged, findings of disabled engine
/// rules and of files outside the focus dropped, the rest sorted and
/// fingerprinted. Files suppression notes point into are added to `sources`.
pub(super) fn settle(
    mut findings: Vec<Finding>,
    options: &Options,
    prepared: &Prepared,
    bundles: &[Bundle],
    focus: Option<&BTreeSet<String>>,
    rule_info: &BTreeMap<&str, &RuleInfo>,
    sources: &mut BTreeMap<String, SharedSource>,
) -> Vec<Finding> {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Suppressions apply before merging, to each module instance on its
    // own: `module.b`'s copy of a finding may be accepted while
    // `module.a`'s is not, and then the two stay apart.
    let suppressed = suppress::apply(
        &mut findings,
        bundles,
        &suppress::Settings {
            today: options.today.unwrap_or_else(Date::today_utc),
            inline: !options.no_inline_suppressions,
            named_files: focus.is_some(),
            catalog: &prepared.catalog,
            ignore_file: prepared.ignore_file.as_ref(),
            rules: rule_info,
        },
    );
    let mut findings = merge_duplicates(findings);
    findings.extend(suppressed.findings);
    for source in suppressed.sources {
        sources.insert(source.path.clone(), source);
    }
    let engine_off: BTreeSet<&str> = prepared
        .engine_rules
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.info.id.as_str())
        .collect();
    findings.retain(|f| {
        !engine_off.contains(f.rule_id.as_str())
            && focus.is_none_or(|focus| focus.contains(&f.location.file))
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::fingerprint::assign(&mut findings);
    findings
}

/// The bundle's first file in path order: where findings that concern the
/// whole bundle are reported.
fn first_file(bundle: &Bundle) -> Option<&SharedSource> {
    bundle
        .resources
        .iter()
        .map(|r| &r.source)
        .min_by(|a, b| a.path.cmp(&b.path))
}

/// A one-character region at `offset` (or an empty one at the end of a line).
fn point_region(source: &SourceFile, offset: usize) -> Region {
    let mut region = source.region(Span::new(offset, offset));
    let line = source.line_text(region.start_line);
    if region.start_column <= line.chars().count() {
        region.end_column = region.start_column + 1;
    }
    region
}
