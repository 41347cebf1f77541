//! Suppressions (DESIGN.md §7, issue 5): accepted exceptions, each with a
//! reason and an expiry, written
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

pub(crate) mod comments;
pub mod date;
pub(crate) mod directive;
pub mod ignore_file;

use std::collections::{BTreeMap, BTreeSet};

use regorus::Value;

pub use date::Date;
use directive::{Directive, Reach};
pub use ignore_file::IgnoreFile;

use crate::model::{
    Bundle, Finding, FindingKind, Format, Location, ModuleCall, PathSeg, Resource, RuleInfo,
    SpanNode, Suppression,
};
use crate::parse::yaml::{self, Limits, Typing};
use crate::policy::loader::LoadedRule;
use crate::rules::{EngineRule, EXPIRED_RULE, META_RULE, NO_REASON_RULE, PARSE_RULE, UNUSED_RULE};
use crate::source::{SharedSource, SourceFile, Span};

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
        crate::config::unknown_rule_hint(name, &names)
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

/// Whether a suppression naming rule `id` covers this finding: the rule's
/// own findings, and its "could not be verified" notes.
fn covers_rule(id: &str, finding: &Finding) -> bool {
    finding.rule_id == id || (finding.rule_id == META_RULE && finding.key.as_deref() == Some(id))
}

/// Whether the finding is in the suppression's reach: inside its range
/// where it is reported or where its resource writes the value, on its
/// object, or on a resource reached through a `module` block inside its
/// range.
fn covers_place(
    s: &Suppressor,
    finding: &Finding,
    resource: Option<&Resource>,
    ignore_file: Option<&IgnoreFile>,
) -> bool {
    match &s.scope {
        Scope::Range {
            file,
            start,
            end,
            object,
        } => {
            let within = |path: &str, at: (usize, usize)| path == file && *start <= at && at < *end;
            let region = finding.location.region;
            let inside = within(
                &finding.location.file,
                (region.start_line, region.start_column),
            );
            let on_object = object.as_ref().is_some_and(|(bundle, resource)| {
                finding.bundle.as_ref() == Some(bundle)
                    && finding.resource.as_ref() == Some(resource)
            });
            let written_inside = resource.is_some_and(|r| {
                r.source.path != finding.location.file && {
                    let span = crate::locate::span_of(r, &finding.path);
                    within(&r.source.path, r.source.position(span.start))
                }
            });
            let through_call = resource.is_some_and(|r| {
                r.module_calls
                    .iter()
                    .any(|call| within(&call.source.path, call.source.position(call.header.start)))
            });
            inside || written_inside || on_object || through_call
        }
        Scope::Entry(index) => {
            let Some(entry) = ignore_file.and_then(|f| f.entries.get(*index)) else {
                return false;
            };
            entry.paths.is_match(&finding.location.file)
                && entry.resource.as_ref().is_none_or(|glob| {
                    finding
                        .resource
                        .as_deref()
                        .is_some_and(|id| glob.is_match(id))
                })
        }
    }
}

fn describe(origin: Origin) -> &'static str {
    match origin {
        Origin::Inline => "this suppression",
        Origin::Annotation => "this annotation",
        Origin::IgnoreFile => "this ignore entry",
    }
}

struct Collector<'s, 'a> {
    settings: &'s Settings<'a>,
    suppressors: Vec<Suppressor>,
    outcome: Outcome,
}

impl Collector<'_, '_> {
    /// Checks a written suppression (rule names, governance, reason, expiry)
    /// and keeps it if it can still suppress something.
    fn add(&mut self, mut written: Suppressor) {
        let settings = self.settings;
        let mut rules: Vec<(String, bool)> = Vec::new();
        for (name, _) in std::mem::take(&mut written.rules) {
            let name = name.as_str();
            let Some(id) = settings.catalog.resolve(name) else {
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
            if written.origin != Origin::IgnoreFile && settings.catalog.not_ignorable.contains(id) {
                let why = if id == PARSE_RULE {
                    format!("{id} cannot be suppressed inline: a gate must not pass a file it could not read")
                } else {
                    format!("{id} is `ignorable: false` in the config, so comments and annotations cannot suppress it; ask for an entry in {}", ignore_file::FILE_NAME)
                };
                self.problem(&written, UNUSED_RULE, format!("not ignorable {id}"), why);
                continue;
            }
            if !rules.iter().any(|(r, _)| r == id) {
                rules.push((id.to_owned(), false));
            }
        }
        if rules.is_empty() {
            return;
        }
        let ids: Vec<&str> = rules.iter().map(|(id, _)| id.as_str()).collect();
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
    fn problem(&mut self, written: &Suppressor, rule: &str, key: String, message: String) {
        self.report(&written.source, &written.at, rule, key, message);
    }

    /// A directive that cannot be used (misplaced or malformed), at `span`.
    fn unusable(&mut self, source: &SharedSource, span: Span, message: String) {
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

    /// Inline comments in every Terraform and Kubernetes file.
    fn collect_comments(&mut self, bundles: &[Bundle]) {
        // Resources by file; whether a file has a directive at all is
        // looked up once per file, not once per resource.
        let mut files: BTreeMap<&str, (&SharedSource, Vec<&Resource>, bool)> = BTreeMap::new();
        for bundle in bundles {
            for resource in &bundle.resources {
                let entry = files
                    .entry(resource.source.path.as_str())
                    .or_insert_with(|| (&resource.source, Vec::new(), false));
                entry.1.push(resource);
                entry.2 |= resource.format == Format::Terraform;
            }
        }
        for (source, resources, hcl) in files.into_values() {
            if !source.text.contains(directive::MARKER) {
                continue;
            }
            let nodes = NodeIndex::new(source, &resources);
            if hcl {
                self.hcl_comments(source, &nodes);
            } else {
                self.yaml_comments(source, &nodes);
            }
        }
    }

    fn hcl_comments(&mut self, source: &SharedSource, nodes: &NodeIndex) {
        let text = &source.text;
        let mut leading = true;
        let mut last_line = 0;
        for comment in comments::hcl(text) {
            let (line, _) = source.position(comment.span.start);
            // Still in the file's first comment lines: nothing but blank
            // lines and comments before this one.
            leading = leading
                && (last_line + 1..line).all(|n| source.line_text(n).trim().is_empty())
                && !is_trailing(source, comment.span.start);
            last_line = line;
            let body = &text[comment.body.start..comment.body.end];
            let file = (leading, Span::new(0, text.len()));
            self.comment(source, comment.span, body, nodes, file);
        }
    }

    fn yaml_comments(&mut self, source: &SharedSource, nodes: &NodeIndex) {
        let Ok(documents) = yaml::parse_documents(&source.text, Typing::Kubernetes, &Limits::YAML)
        else {
            return;
        };
        for document in &documents {
            let first = document
                .comments
                .first()
                .map_or(document.span.start, |c| c.span.start);
            let whole = Span::new(first.min(document.span.start), document.span.end);
            for comment in &document.comments {
                let leading = document
                    .root
                    .as_ref()
                    .is_none_or(|root| comment.span.start < root.span.start);
                self.comment(source, comment.span, &comment.text, nodes, (leading, whole));
            }
        }
    }

    /// One comment: a directive is attached to its node (or its file or
    /// document when `file.0` says the comment is in the leading lines).
    fn comment(
        &mut self,
        source: &SharedSource,
        span: Span,
        body: &str,
        nodes: &NodeIndex,
        file: (bool, Span),
    ) {
        let directive: Directive = match directive::parse_comment(body) {
            None => return,
            Some(Ok(d)) => d,
            Some(Err(why)) => {
                return self.unusable(
                    source,
                    span,
                    format!("this suppression cannot be read: {why}"),
                )
            }
        };
        let range = match directive.reach {
            Reach::File if file.0 => file.1,
            Reach::File => {
                return self.unusable(
                    source,
                    span,
                    "`scalegate:ignore-file` counts only in the comment lines at the top of a file (or of a YAML document); move it there".to_owned(),
                )
            }
            Reach::Node => {
                let target = target_line(source, span.start);
                match target.and_then(|line| nodes.widest(line)) {
                    Some(range) => range,
                    None => {
                        return self.unusable(
                            source,
                            span,
                            "this suppression covers nothing: put it directly above a block, attribute or YAML node (no blank line between) or at the end of its first line".to_owned(),
                        )
                    }
                }
            }
        };
        let at = Location {
            file: source.path.clone(),
            region: source.region(span),
        };
        self.add(Suppressor {
            origin: Origin::Inline,
            rules: as_written(directive.rules),
            reason: directive.reason,
            owner: None,
            expires: directive.expires,
            at,
            source: source.clone(),
            scope: range_scope(source, range, None),
        });
    }

    /// `scalegate.dev/ignore.<ID>` annotations on Kubernetes objects and
    /// their pod templates.
    fn collect_annotations(&mut self, bundles: &[Bundle]) {
        const TEMPLATES: [&[&str]; 3] = [
            &[],
            &["spec", "template"],
            &["spec", "jobTemplate", "spec", "template"],
        ];
        for bundle in bundles.iter().filter(|b| b.format == Format::Kubernetes) {
            for resource in &bundle.resources {
                for template in TEMPLATES {
                    let mut value = &resource.config;
                    for key in template.iter().chain(&["metadata", "annotations"]) {
                        value = &value[*key];
                    }
                    let Ok(annotations) = value.as_object() else {
                        continue;
                    };
                    for (key, value) in annotations {
                        let Value::String(key) = key else {
                            continue;
                        };
                        let Some(rule) = key.strip_prefix(ANNOTATION_PREFIX) else {
                            continue;
                        };
                        // Kubernetes only accepts string annotation values;
                        // anything else here is a mistake worth saying.
                        let value = match value {
                            Value::String(value) => Some(value.as_ref()),
                            _ => None,
                        };
                        self.annotation(bundle, resource, template, key, rule, value);
                    }
                }
            }
        }
    }

    fn annotation(
        &mut self,
        bundle: &Bundle,
        resource: &Resource,
        template: &[&str],
        key: &str,
        rule: &str,
        value: Option<&str>,
    ) {
        let source = &resource.source;
        let path: Vec<PathSeg> = template
            .iter()
            .chain(&["metadata", "annotations", key])
            .map(|k| PathSeg::Key((*k).to_owned()))
            .collect();
        let entry = resource.spans.deepest(&path).0;
        let at_span = entry.key.map_or(entry.value, |k| k.join(entry.value));
        let parsed = value
            .ok_or_else(|| "its value is not a string; quote it".to_owned())
            .and_then(directive::parse_annotation);
        let (reason, expires) = match parsed {
            Ok(parsed) => parsed,
            Err(why) => {
                return self.unusable(
                    source,
                    at_span,
                    format!("annotation `{key}` cannot be read: {why}"),
                )
            }
        };
        let template_path: Vec<PathSeg> = path[..template.len()].to_vec();
        let (covered, depth) = resource.spans.deepest(&template_path);
        let range = if depth == template_path.len() {
            node_extent(covered)
        } else {
            node_extent(&resource.spans)
        };
        let object = template
            .is_empty()
            .then(|| (bundle.path.clone(), resource.id.clone()));
        self.add(Suppressor {
            origin: Origin::Annotation,
            rules: as_written(vec![rule.to_owned()]),
            reason,
            owner: None,
            expires,
            at: Location {
                file: source.path.clone(),
                region: source.region(at_span),
            },
            source: source.clone(),
            scope: range_scope(source, range, object),
        });
    }

    fn collect_ignore_file(&mut self, file: &IgnoreFile) {
        for (index, entry) in file.entries.iter().enumerate() {
            self.add(Suppressor {
                origin: Origin::IgnoreFile,
                rules: as_written(vec![entry.rule.clone()]),
                reason: entry.reason.clone(),
                owner: entry.owner.clone(),
                expires: entry.expires,
                at: Location {
                    file: file.source.path.clone(),
                    region: file.source.region(entry.rule_span),
                },
                source: file.source.clone(),
                scope: Scope::Entry(index),
            });
        }
    }
}

/// Rule names as written, none yet used.
fn as_written(names: Vec<String>) -> Vec<(String, bool)> {
    names.into_iter().map(|name| (name, false)).collect()
}

fn range_scope(source: &SourceFile, range: Span, object: Option<(String, String)>) -> Scope {
    Scope::Range {
        file: source.path.clone(),
        start: source.position(range.start),
        end: source.position(range.end),
        object,
    }
}

/// Whether something other than blanks precedes `offset` on its line.
fn is_trailing(source: &SourceFile, offset: usize) -> bool {
    let (line, _) = source.position(offset);
    let line_start = source.line_start(line);
    !source.text[line_start..offset].trim().is_empty()
}

/// The line a node directive at `offset` attaches to: its own line for a
/// trailing comment, else the next line that is not a comment or a YAML
/// `---`, provided no blank line comes first.
fn target_line(source: &SourceFile, offset: usize) -> Option<usize> {
    let (line, _) = source.position(offset);
    if is_trailing(source, offset) {
        return Some(line);
    }
    for next in line + 1..=source.line_count() {
        let text = source.line_text(next).trim();
        if text.is_empty() {
            return None;
        }
        if !(text.starts_with('#') || text.starts_with("//") || text == "---") {
            return Some(next);
        }
    }
    None
}

/// From a node's key (or value) to the end of its value.
fn node_extent(node: &SpanNode) -> Span {
    match node.key {
        Some(key) => key.join(node.value),
        None => node.value,
    }
}

/// For each line, the widest block, attribute or node that starts on it.
struct NodeIndex {
    widest: BTreeMap<usize, Span>,
}

impl NodeIndex {
    fn new(source: &SourceFile, resources: &[&Resource]) -> NodeIndex {
        let mut index = NodeIndex {
            widest: BTreeMap::new(),
        };
        for resource in resources {
            index.visit(source, &resource.spans);
        }
        index
    }

    fn visit(&mut self, source: &SourceFile, node: &SpanNode) {
        let extent = node_extent(node);
        if extent.end > extent.start {
            let (line, _) = source.position(extent.start);
            let widest = self.widest.entry(line).or_insert(extent);
            if extent.end - extent.start > widest.end - widest.start {
                *widest = extent;
            }
        }
        match &node.children {
            crate::model::SpanChildren::Leaf => {}
            crate::model::SpanChildren::Map(entries) => {
                entries.iter().for_each(|(_, n)| self.visit(source, n));
            }
            crate::model::SpanChildren::List(items) => {
                items.iter().for_each(|n| self.visit(source, n));
            }
        }
    }

    fn widest(&self, line: usize) -> Option<Span> {
        self.widest.get(&line).copied()
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
