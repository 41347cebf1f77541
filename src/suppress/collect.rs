//! Collecting suppressions: every one written (inline, annotation, ignore
//! file) is checked for rule names, governance, reason and expiry, and
//! kept if it can still suppress something; what is wrong with it becomes
//! an SG-SUP finding.
//!
//! Separate from matching because every source of suppressions funnels
//! through the same checks here; the sources themselves are in `inline`
//! and `annotations`.

use super::{
    describe, ignore_file, sup_finding, Covers, IgnoreFile, Origin, Outcome, Settings, Suppressor,
    EXPIRED_RULE, NO_REASON_RULE, PARSE_RULE, UNUSED_RULE,
};
use crate::model::{Location, RuleRef};
use crate::source::{SharedSource, SourceFile, Span};

pub(super) struct Collector<'s, 'a> {
    pub(super) settings: &'s Settings<'a>,
    pub(super) suppressors: Vec<Suppressor>,
    pub(super) outcome: Outcome,
}

impl Collector<'_, '_> {
    /// Checks a written suppression (rule names, governance, reason, expiry)
    /// and keeps it if it can still suppress something.
    pub(super) fn add(&mut self, mut written: Suppressor) {
        let settings = self.settings;
        let catalog = settings.catalog;
        let mut rules: Vec<(RuleRef, bool)> = Vec::new();
        for name in &written.names {
            let name = name.as_str();
            let Some(rule) = catalog.resolve(name) else {
                let hint = settings.catalog.unknown_hint(name);
                self.problem(
                    &written,
                    UNUSED_RULE,
                    format!("unknown {name}"),
                    format!(
                        "{} names `{name}`, which is no rule{hint}",
                        describe(written.origin)
                    ),
                );
                continue;
            };
            let id = catalog.info(rule).id.as_str();
            if written.origin != Origin::IgnoreFile && !catalog.ignorable(rule) {
                let why = if id == PARSE_RULE {
                    format!("{id} cannot be suppressed inline: a gate must not pass a file it could not read")
                } else {
                    format!("{id} is `ignorable: false` in the config, so comments and annotations cannot suppress it; ask for an entry in {}", ignore_file::FILE_NAME)
                };
                self.problem(&written, UNUSED_RULE, format!("not ignorable {id}"), why);
                continue;
            }
            if !rules.iter().any(|(r, _)| *r == rule) {
                rules.push((rule, false));
            }
        }
        if rules.is_empty() {
            return;
        }
        let ids: Vec<&str> = rules
            .iter()
            .map(|(rule, _)| catalog.info(*rule).id.as_str())
            .collect();
        let label = ids.join(", ");
        if let Some(expires) = written.expires.filter(|e| *e < settings.today) {
            self.problem(
                &written,
                EXPIRED_RULE,
                format!("{} {label}", written.origin.kind()),
                format!(
                    "{} of {label} expired on {expires}; the findings it covered are reported again",
                    describe(written.origin)
                ),
            );
            return;
        }
        if written.reason.is_none() {
            let how = match written.origin {
                Origin::Inline => "add reason=\"…\"",
                Origin::Annotation => "give the annotation a value: reason=\"…\"",
                Origin::IgnoreFile => "add `reason:`",
            };
            self.problem(
                &written,
                NO_REASON_RULE,
                format!("{} {label}", written.origin.kind()),
                format!(
                    "{} of {label} has no reason; {how} so reviewers know why the finding is accepted",
                    describe(written.origin)
                ),
            );
        }
        written.rules = rules;
        self.suppressors.push(written);
    }

    /// An SG-SUP finding about `written`, at the place it is written.
    pub(super) fn problem(
        &mut self,
        written: &Suppressor,
        rule: &str,
        key: String,
        message: String,
    ) {
        self.report(&written.source, &written.at, rule, key, message);
    }

    /// A directive that cannot be used (misplaced or malformed), at `span`.
    pub(super) fn unusable(&mut self, source: &SharedSource, span: Span, message: String) {
        let at = Location {
            file: source.path.clone(),
            region: source.region(span),
        };
        self.report(source, &at, UNUSED_RULE, "unusable".to_owned(), message);
    }

    fn report(
        &mut self,
        source: &SharedSource,
        at: &Location,
        rule: &str,
        key: String,
        message: String,
    ) {
        self.outcome
            .findings
            .push(sup_finding(self.settings, rule, at, key, message));
        self.outcome.sources.push(source.clone());
    }

    pub(super) fn collect_ignore_file(&mut self, file: &IgnoreFile) {
        for (index, entry) in file.entries.iter().enumerate() {
            self.add(Suppressor {
                origin: Origin::IgnoreFile,
                names: vec![entry.rule.clone()],
                rules: Vec::new(),
                reason: entry.reason.clone(),
                owner: entry.owner.clone(),
                expires: entry.expires,
                at: Location {
                    file: file.source.path.clone(),
                    region: file.source.region(entry.rule_span),
                },
                source: file.source.clone(),
                covers: Covers::Entry(index),
            });
        }
    }
}

pub(super) fn range_cover(
    source: &SourceFile,
    range: Span,
    object: Option<(u32, String)>,
) -> Covers {
    Covers::Range {
        file: source.path.clone(),
        start: source.position(range.start),
        end: source.position(range.end),
        object,
    }
}
