//! Raw findings → findings: each located in its file, with handles to its
//! rule, bundle and resource, files that failed → SG-PARSE-001 findings, then suppressions
//! applied, duplicates merged, disabled rules and files outside the focus
//! dropped, and the rest sorted and fingerprinted.
//!
//! Separate from evaluation because none of it touches the engine: it is
//! the same for every bundle, whoever evaluated it.

use std::collections::{BTreeMap, BTreeSet};

use super::merge::merge_duplicates;
use super::{Loaded, Options, Prepared, Unreadable};
use crate::locate::{self, HelmTemplates, Located};
use crate::model::{
    Bundle, Finding, FindingKind, Location, Notification, NotificationLevel, RuleRef, Subject,
};
use crate::policy::evaluate::{Named, RawFinding};
use crate::rules::META_RULE;
use crate::source::{Region, SharedSource, SourceFile, Span};
use crate::suppress::{self, Date};

/// A bundle's raw findings as findings, located in their files; the files
/// they point into are added to `sources`. `bundle_index` is the bundle's
/// place in the report's bundle table.
pub(super) fn bundle_findings(
    prepared: &Prepared,
    (bundle_index, bundle): (usize, &Bundle),
    raw: Vec<RawFinding>,
    rendered: bool,
    helm: &HelmTemplates,
    sources: &mut BTreeMap<String, SharedSource>,
) -> Vec<Finding> {
    let catalog = &prepared.catalog;
    let meta = catalog.engine(META_RULE);
    let mut findings = Vec::new();
    let bundle_file = first_file(bundle);
    let mut noted: BTreeSet<(usize, Option<&Named>)> = BTreeSet::new();
    for finding in &raw {
        let rule = prepared.policy_rules[finding.rule];
        let held = match &finding.resource {
            Some(Named::Held(index)) => Some((*index, &bundle.resources[*index])),
            _ => None,
        };
        let mut located = match held {
            Some((_, resource)) => locate::locate(resource, &finding.path, rendered, helm),
            None => {
                // A finding about no resource of the bundle concerns the
                // bundle as a whole: it is reported once, at line 1 of
                // the bundle's first file, so it still has a place.
                let Some(first) = bundle_file else {
                    continue;
                };
                Located {
                    location: Location {
                        file: first.path.clone(),
                        region: point_region(first, 0),
                    },
                    written: (1, 1),
                    related: Vec::new(),
                    extra_sources: Vec::new(),
                }
            }
        };
        for extra in &located.extra_sources {
            sources.insert(extra.path.clone(), extra.clone());
        }
        if let Some((_, resource)) = held {
            sources.insert(resource.source.path.clone(), resource.source.clone());
        }
        let (reported_rule, message, unverified) = match finding.kind {
            FindingKind::Violation => (rule, finding.message.clone(), None),
            FindingKind::Note => {
                if !noted.insert((finding.rule, finding.resource.as_ref())) {
                    continue;
                }
                let info = catalog.info(rule);
                let placed = held
                    .and_then(|(_, r)| locate::place_note_at_call(&mut located, r, &finding.path));
                let message = match placed {
                    Some((call, cause)) => format!(
                        "{} ({}) could not be verified for resources of {}: {cause}",
                        info.id, info.slug, call.address
                    ),
                    None => format!(
                        "{} ({}) could not be verified: {}",
                        info.id, info.slug, finding.message
                    ),
                };
                (meta, message, Some(rule))
            }
        };
        let resource = match &finding.resource {
            Some(Named::Held(index)) => Some(bundle.resources[*index].id.clone()),
            Some(Named::Other(id)) => Some(id.clone()),
            None => None,
        };
        // Suppressions written in the resource's own file still cover a
        // finding reported elsewhere (a template, a call site).
        let written = held
            .filter(|(_, r)| r.source.path != located.location.file)
            .map(|_| located.written);
        findings.push(Finding {
            rule: reported_rule,
            kind: finding.kind,
            message,
            location: located.location,
            resource,
            path: finding.path.clone(),
            subject: Some(Subject {
                bundle: bundle_index as u32,
                resource: held.map(|(index, _)| index as u32),
                written,
            }),
            key: match finding.kind {
                FindingKind::Violation => finding.key.clone(),
                FindingKind::Note => None,
            },
            unverified,
            related: located.related,
            fingerprint: String::new(),
            suppression: None,
        });
    }
    findings
}

/// Files that could not be read or parsed: an SG-PARSE-001 finding and an
/// error notification each.
pub(super) fn failure_findings(
    failures: &[Unreadable],
    parse_rule: RuleRef,
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
            rule: parse_rule,
            kind: FindingKind::Violation,
            message: error.message.clone(),
            location: Location {
                file: source.path.clone(),
                region,
            },
            resource: None,
            path: Vec::new(),
            subject: None,
            key: None,
            unverified: None,
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
    loaded: &Loaded,
    sources: &mut BTreeMap<String, SharedSource>,
) -> Vec<Finding> {
    let focus = loaded.focus.as_ref();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Suppressions apply before merging, to each module instance on its
    // own: `module.b`'s copy of a finding may be accepted while
    // `module.a`'s is not, and then the two stay apart.
    let suppressed = suppress::apply(
        &mut findings,
        &loaded.bundles,
        &loaded.comments,
        &suppress::Settings {
            today: options.today.unwrap_or_else(Date::today_utc),
            inline: options.reads_inline_suppressions(),
            named_files: focus.is_some(),
            catalog: &prepared.catalog,
            ignore_file: prepared.ignore_file.as_ref(),
        },
    );
    let mut findings = merge_duplicates(findings, &prepared.catalog);
    findings.extend(suppressed.findings);
    for source in suppressed.sources {
        sources.insert(source.path.clone(), source);
    }
    // A rule config turned off reports nothing; for policy rules that
    // happened at evaluation, for the engine's own it happens here.
    findings.retain(|f| {
        prepared.catalog.enabled(f.rule)
            && focus.is_none_or(|focus| focus.contains(&f.location.file))
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::fingerprint::assign(&mut findings, prepared.catalog.rules());
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
