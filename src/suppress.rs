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
pub(crate) mod comments;
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
    Bundle, Finding, FindingKind, Location, ModuleCall, Resource, RuleInfo, Suppression,
};
use crate::policy::loader::LoadedRule;
use crate::rules::{EngineRule, EXPIRED_RULE, META_RULE, NO_REASON_RULE, PARSE_RULE, UNUSED_RULE};
use crate::source::SharedSource;

/// The annotation key prefix; the rule id or slug follows it.
pub const ANNOTATION_PREFIX: &str = "scalegate.dev/ignore.";

/// The names a suppression may use for rules, and what config says about
/// each rule.
#[derive(Debug, Default)]
pub struct RuleCatalog {
    /// Id, slug or alias → id.
    names: BTreeMap<String, String>,
    /// Rules that inline comments and annotations cannot suppress.
    not_ignorable: BTreeSet<String>,
    /// Rules turned off in config: a suppression of one is not stale.
    disabled: BTreeSet<String>,
}

impl RuleCatalog {
    /// The loaded rules plus the engine's own.
    pub fn new(rules: &[LoadedRule], engine_rules: &[EngineRule]) -> RuleCatalog {
        let mut catalog = RuleCatalog::default();
        for rule in rules {
            let id = &rule.info.id;
            for name in [id, &rule.info.slug].into_iter().chain(&rule.aliases) {
                catalog.names.insert(name.clone(), id.clone());
            }
            if !rule.ignorable {
                catalog.not_ignorable.insert(id.clone());
            }
            if !rule.has_deny && !rule.has_unverified {
                catalog.disabled.insert(id.clone());
            }
        }
        for rule in engine_rules {
            let id = &rule.info.id;
            catalog.names.insert(id.clone(), id.clone());
            catalog.names.insert(rule.info.slug.clone(), id.clone());
            if !rule.ignorable {
                catalog.not_ignorable.insert(id.clone());
            }
            if !rule.enabled {
                catalog.disabled.insert(id.clone());
            }
        }
        // A gate must not pass a file it could not read because of a
        // comment in that file.
        catalog.not_ignorable.insert(PARSE_RULE.to_owned());
        catalog
    }

    /// The rule id a name stands for.
    pub fn resolve(&self, name: &str) -> Option<&str> {
        self.names.get(name).map(String::as_str)
    }

    /// What follows "unknown rule `name`": a did-you-mean, or where to
    /// find the rules.
    pub fn unknown_hint(&self, name: &str) -> String {
        let names: Vec<&str> = self.names.keys().map(String::as_str).collect();
        crate::did_you_mean::unknown_rule_hint(name, &names)
    }
}

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
    pub catalog: &'a RuleCatalog,
    pub ignore_file: Option<&'a IgnoreFile>,
    /// Rule information by id, for the SG-SUP findings.
    pub rules: &'a BTreeMap<&'a str, &'a RuleInfo>,
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
    fn kind(self) -> &'static str {
        match self {
            Origin::Inline => "inline",
            Origin::Annotation => "annotation",
            Origin::IgnoreFile => "file",
        }
    }
}

/// What a suppression covers.
enum Scope {
    /// A range of one file; for an object's annotation, also every finding
    /// on that object wherever it points (a Helm template, say).
    Range {
        file: String,
        start: (usize, usize),
        end: (usize, usize),
        object: Option<(String, String)>,
    },
    /// An ignore-file entry (by index).
    Entry(usize),
}

/// One suppression. As read, `rules` holds the names as written; once
/// [`Collector::add`] has checked them, the rule ids, each with whether it
/// suppressed anything.
struct Suppressor {
    origin: Origin,
    rules: Vec<(String, bool)>,
    reason: Option<String>,
    owner: Option<String>,
    expires: Option<Date>,
    /// Where it is written.
    at: Location,
    source: SharedSource,
    scope: Scope,
}

/// Marks suppressed findings and returns the findings about suppressions.
/// `findings` must not yet hold baseline suppressions.
pub fn apply(findings: &mut [Finding], bundles: &[Bundle], settings: &Settings) -> Outcome {
    let mut collector = Collector {
        settings,
        suppressors: Vec::new(),
        outcome: Outcome::default(),
    };
    if settings.inline {
        collector.collect_comments(bundles);
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
    let mut by_object: BTreeMap<(&str, &str), Vec<usize>> = BTreeMap::new();
    let mut entries = Vec::new();
    for (index, s) in suppressors.iter().enumerate() {
        match &s.scope {
            Scope::Range { file, object, .. } => {
                by_file.entry(file).or_default().push(index);
                if let Some((bundle, resource)) = object {
                    by_object.entry((bundle, resource)).or_default().push(index);
                }
            }
            Scope::Entry(_) => entries.push(index),
        }
    }
    // Comments are also matched through the finding's resource: a finding
    // reported elsewhere (a Helm template, a module's call site) is still
    // covered where its resource is written, and one on a resource of a
    // called module by a comment on a `module` block it was reached through.
    let resources: BTreeMap<(&str, &str), &Resource> = if by_file.is_empty() {
        BTreeMap::new()
    } else {
        bundles
            .iter()
            .flat_map(|b| {
                b.resources
                    .iter()
                    .map(move |r| ((b.path.as_str(), r.id.as_str()), r))
            })
            .collect()
    };
    let mut matches: Vec<(usize, usize, usize)> = Vec::new();
    for (finding_index, finding) in findings.iter().enumerate() {
        let resource = match (&finding.bundle, &finding.resource) {
            (Some(bundle), Some(id)) => resources.get(&(bundle.as_str(), id.as_str())).copied(),
            _ => None,
        };
        let calls: &[ModuleCall] = resource.map_or(&[], |r| &r.module_calls);
        let mut candidates: Vec<usize> = std::iter::once(finding.location.file.as_str())
            .chain(resource.map(|r| r.source.path.as_str()))
            .chain(calls.iter().map(|c| c.source.path.as_str()))
            .filter_map(|file| by_file.get(file))
            .flatten()
            .copied()
            .collect();
        if let (Some(bundle), Some(resource)) = (&finding.bundle, &finding.resource) {
            candidates.extend(
                by_object
                    .get(&(bundle.as_str(), resource.as_str()))
                    .into_iter()
                    .flatten(),
            );
        }
        candidates.extend(&entries);
        candidates.sort_unstable();
        candidates.dedup();
        for index in candidates {
            let s = &suppressors[index];
            let Some(rule) = s.rules.iter().position(|(id, _)| covers_rule(id, finding)) else {
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
                kind: s.origin.kind().to_owned(),
                source: format!("{}:{}", s.at.file, s.at.region.start_line),
                reason: s.reason.clone(),
                expires: s.expires.map(|d| d.to_string()),
                owner: s.owner.clone(),
            });
        }
    }
    if !settings.named_files {
        for s in &suppressors {
            for (rule, used) in &s.rules {
                if !used && !settings.catalog.disabled.contains(rule) {
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
    let info = settings.rules[rule];
    Finding {
        rule_id: info.id.clone(),
        slug: info.slug.clone(),
        severity: info.severity,
        kind: FindingKind::Violation,
        title: info.title.clone(),
        message,
        remediation: info.remediation.clone(),
        location: at.clone(),
        resource: None,
        path: Vec::new(),
        bundle: None,
        key: Some(key),
        related: Vec::new(),
        fingerprint: String::new(),
        suppression: None,
    }
}
