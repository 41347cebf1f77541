//! Suppressions (docs/architecture.md "Output contract"): accepted
//! exceptions, each with a reason and an expiry, written
//!
//! * inline, as a comment directly above a block, attribute or YAML node, or
//!   at the end of its first line (`# scalegate:ignore ID reason="…" exp=…`),
//!   or for a whole file or YAML document (`# scalegate:ignore-file …`); on a
//!   `module` block it also covers the resources that call creates;
//! * as a Kubernetes annotation `scalegate.dev/ignore.<ID>: 'reason="…"'` on
//!   an object (covering the object) or on its pod template;
//! * in the central ignore file, `.scalegate-ignore.yaml`.
//!
//! A suppressed finding stays in the report, marked with where it was
//! accepted and why, and no longer fails the gate. The suppressions
//! themselves are checked: one without a reason adds SG-SUP-001, an expired
//! one stops suppressing and adds SG-SUP-002, and one that suppresses nothing
//! (misplaced, misspelt, or stale) adds SG-SUP-003. Baselines, applied after
//! these, are in [`crate::baseline`].

mod annotations;
mod collect;
pub mod date;
pub(crate) mod directive;
pub mod ignore_file;
mod inline;
mod matching;

use std::collections::{BTreeMap, BTreeSet};

use collect::Collector;
pub use date::Date;
pub use ignore_file::IgnoreFile;
use matching::{covers_place, covers_rule};

use crate::model::{
    Bundle, FileComments, Finding, FindingKind, Location, ModuleCall, RuleRef, Suppression,
    SuppressionKind,
};
use crate::rules::{Catalog, EXPIRED_RULE, NO_REASON_RULE, PARSE_RULE, UNUSED_RULE};
use crate::source::SharedSource;

/// The annotation key prefix; the rule id or slug follows it.
pub const ANNOTATION_PREFIX: &str = "scalegate.dev/ignore.";

/// What the suppression step needs to know about this scan.
pub struct Settings<'a> {
    /// "Today", for expiry (`SCALEGATE_NOW` or the clock).
    pub today: Date,
    /// `false` with `--no-inline-suppressions`: comments and annotations
    /// are not read at all.
    pub inline: bool,
    /// Files were named (pre-commit): findings elsewhere are not known, so a
    /// suppression that matches nothing is not reported as stale.
    pub named_files: bool,
    /// Every rule: the names a suppression may use, and whether config
    /// lets comments suppress each.
    pub catalog: &'a Catalog,
    pub ignore_file: Option<&'a IgnoreFile>,
}

/// What applying suppressions adds to the report.
#[derive(Debug, Default)]
pub struct Outcome {
    /// SG-SUP-001/002/003 findings (fingerprints not yet assigned).
    pub findings: Vec<Finding>,
    /// Files those findings point into.
    pub sources: Vec<SharedSource>,
}

/// Where a suppression is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Origin {
    Inline,
    Annotation,
    IgnoreFile,
}

impl Origin {
    fn kind(self) -> SuppressionKind {
        match self {
            Origin::Inline => SuppressionKind::Inline,
            Origin::Annotation => SuppressionKind::Annotation,
            Origin::IgnoreFile => SuppressionKind::File,
        }
    }
}

/// What a suppression covers.
enum Covers {
    /// A range of one file; for an object's annotation, also every finding
    /// on that object (bundle index, resource id) wherever it points (a
    /// Helm template, say).
    Range {
        file: String,
        start: (usize, usize),
        end: (usize, usize),
        object: Option<(u32, String)>,
    },
    /// An ignore-file entry (by index).
    Entry(usize),
}

/// One suppression: the rule names as written, and once [`Collector::add`]
/// has checked them, the rules they name, each with whether it suppressed
/// anything.
struct Suppressor {
    origin: Origin,
    names: Vec<String>,
    rules: Vec<(RuleRef, bool)>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<Date>,
    /// Where it is written.
    at: Location,
    source: SharedSource,
    covers: Covers,
}

/// Marks suppressed findings and returns the findings about suppressions.
/// `findings` must not yet hold baseline suppressions.
/// `comments` are the files' comments as their parsers handed them on.
pub fn apply(
    findings: &mut [Finding],
    bundles: &[Bundle],
    comments: &BTreeMap<String, FileComments>,
    settings: &Settings,
) -> Outcome {
    let mut collector = Collector {
        settings,
        suppressors: Vec::new(),
        outcome: Outcome::default(),
    };
    if settings.inline {
        collector.collect_comments(bundles, comments);
        collector.collect_annotations(bundles);
    }
    if let Some(file) = settings.ignore_file {
        collector.collect_ignore_file(file);
    }
    let Collector {
        mut suppressors,
        mut outcome,
        ..
    } = collector;

    let mut by_file: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_object: BTreeMap<(u32, &str), Vec<usize>> = BTreeMap::new();
    let mut entries = Vec::new();
    for (index, s) in suppressors.iter().enumerate() {
        match &s.covers {
            Covers::Range { file, object, .. } => {
                by_file.entry(file).or_default().push(index);
                if let Some((bundle, resource)) = object {
                    by_object
                        .entry((*bundle, resource))
                        .or_default()
                        .push(index);
                }
            }
            Covers::Entry(_) => entries.push(index),
        }
    }
    // Comments are also matched through the finding's resource: a finding
    // reported elsewhere (a Helm template, a module's call site) is still
    // covered where its resource is written, and one on a resource of a
    // called module by a comment on a `module` block it was reached through.
    let mut matches: Vec<(usize, usize, usize)> = Vec::new();
    for (finding_index, finding) in findings.iter().enumerate() {
        let resource = finding.subject.and_then(|s| {
            s.resource
                .map(|r| &bundles[s.bundle as usize].resources[r as usize])
        });
        let calls: &[ModuleCall] = resource.map_or(&[], |r| &r.module_calls);
        let mut candidates: Vec<usize> = std::iter::once(finding.location.file.as_str())
            .chain(resource.map(|r| r.source.path.as_str()))
            .chain(calls.iter().map(|c| c.source.path.as_str()))
            .filter_map(|file| by_file.get(file))
            .flatten()
            .copied()
            .collect();
        if let (Some(subject), Some(resource)) = (finding.subject, &finding.resource) {
            candidates.extend(
                by_object
                    .get(&(subject.bundle, resource.as_str()))
                    .into_iter()
                    .flatten(),
            );
        }
        candidates.extend(&entries);
        candidates.sort_unstable();
        candidates.dedup();
        for index in candidates {
            let s = &suppressors[index];
            let Some(rule) = s
                .rules
                .iter()
                .position(|(rule, _)| covers_rule(*rule, finding))
            else {
                continue;
            };
            if covers_place(s, finding, resource, settings.ignore_file) {
                matches.push((finding_index, index, rule));
            }
        }
    }
    // The first match in precedence order suppresses; every match counts as
    // used, so an outer suppression is not called stale because an inner
    // one got there first.
    matches.sort_by_key(|&(finding, index, _)| (finding, suppressors[index].origin, index));
    let mut done = BTreeSet::new();
    for (finding_index, index, rule) in matches {
        let s = &mut suppressors[index];
        s.rules[rule].1 = true;
        if done.insert(finding_index) {
            findings[finding_index].suppression = Some(Suppression {
                kind: s.origin.kind(),
                source: format!("{}:{}", s.at.file, s.at.region.start_line),
                reason: s.reason.clone(),
                expires: s.expires.map(|d| d.to_string()),
                owner: s.owner.clone(),
            });
        }
    }
    if !settings.named_files {
        for s in &suppressors {
            for &(rule, used) in &s.rules {
                if !used && settings.catalog.enabled(rule) {
                    let rule = &settings.catalog.info(rule).id;
                    outcome.findings.push(sup_finding(
                        settings,
                        UNUSED_RULE,
                        &s.at,
                        format!("{} {rule}", s.origin.kind()),
                        format!(
                            "{} of {rule} matches no finding; remove it",
                            describe(s.origin)
                        ),
                    ));
                    outcome.sources.push(s.source.clone());
                }
            }
        }
    }
    outcome
}

fn describe(origin: Origin) -> &'static str {
    match origin {
        Origin::Inline => "this suppression",
        Origin::Annotation => "this annotation",
        Origin::IgnoreFile => "this ignore entry",
    }
}

/// An SG-SUP finding at `at`.
fn sup_finding(
    settings: &Settings,
    rule: &str,
    at: &Location,
    key: String,
    message: String,
) -> Finding {
    Finding {
        rule: settings.catalog.engine(rule),
        kind: FindingKind::Violation,
        message,
        location: at.clone(),
        resource: None,
        path: Vec::new(),
        subject: None,
        key: Some(key),
        unverified: None,
        related: Vec::new(),
        fingerprint: String::new(),
        suppression: None,
    }
}
