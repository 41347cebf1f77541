//! The plain data every stage passes along: resources and bundles (what
//! policies see, docs/architecture.md "Input model"), findings and
//! notifications (what reports show, "Output contract"), and the rule
//! descriptions reports are built from, and the configuration a scan applied.

use std::collections::BTreeMap;
use std::fmt;

use regorus::Value;
use serde::Serialize;

use crate::source::{Region, SharedSource, Span};

mod applied_config;

pub use applied_config::{AppliedConfigFile, AppliedConfiguration, AppliedIgnoreFile};

/// The input format a resource or bundle came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Terraform,
    Kubernetes,
    Plan,
}

impl Format {
    /// The name used in the input model and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Terraform => "terraform",
            Format::Kubernetes => "kubernetes",
            Format::Plan => "plan",
        }
    }
}

/// A rule's severity. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// The lower-case name used in METADATA, config and reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// Parses a lower-case severity name.
    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether a finding of this severity fails a gate set at `threshold`.
    /// `info` never fails a gate.
    pub fn fails(self, threshold: Severity) -> bool {
        self != Severity::Info && self <= threshold
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a value path: a mapping key or a list index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl fmt::Display for PathSeg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSeg::Key(k) => f.write_str(k),
            PathSeg::Index(i) => write!(f, "{i}"),
        }
    }
}

/// A path into a resource's `config`.
pub type ValuePath = Vec<PathSeg>;

/// Joins a path with dots, the way `references` keys are written (`launch_template.0.id`).
pub fn dotted(path: &[PathSeg]) -> String {
    let parts: Vec<String> = path.iter().map(ToString::to_string).collect();
    parts.join(".")
}

/// Where a value of `config` is written, mirroring the value's shape.
///
/// Kept beside the value rather than inside it so policies see plain data;
/// only the `locate` stage reads it, when a finding needs a location.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpanNode {
    /// The key of a mapping entry or attribute; for a list item, its first
    /// key (YAML block mappings) or `None`.
    pub key: Option<Span>,
    /// The value itself (for a container, all of it).
    pub value: Span,
    pub children: SpanChildren,
}

/// The children of a [`SpanNode`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SpanChildren {
    #[default]
    Leaf,
    Map(Vec<(String, SpanNode)>),
    List(Vec<SpanNode>),
}

impl SpanNode {
    /// Gives back the spare capacity of every list of children in the tree:
    /// the lists grow by doubling while a body is walked, and a scan keeps
    /// every resource's tree until its report is written.
    pub fn shrink_to_fit(&mut self) {
        match &mut self.children {
            SpanChildren::Leaf => {}
            SpanChildren::Map(entries) => {
                entries.shrink_to_fit();
                entries
                    .iter_mut()
                    .for_each(|(_, node)| node.shrink_to_fit());
            }
            SpanChildren::List(items) => {
                items.shrink_to_fit();
                items.iter_mut().for_each(SpanNode::shrink_to_fit);
            }
        }
    }

    /// A node without children.
    pub fn leaf(key: Option<Span>, value: Span) -> SpanNode {
        SpanNode {
            key,
            value,
            children: SpanChildren::Leaf,
        }
    }

    /// The child at one path step, if it exists.
    pub fn child(&self, seg: &PathSeg) -> Option<&SpanNode> {
        match (&self.children, seg) {
            (SpanChildren::Map(entries), PathSeg::Key(k)) => entries
                .iter()
                .rev()
                .find(|(name, _)| name == k)
                .map(|(_, n)| n),
            (SpanChildren::List(items), PathSeg::Index(i)) => items.get(*i),
            // Policies sometimes index with a string ("0") for list items.
            (SpanChildren::List(items), PathSeg::Key(k)) => {
                k.parse::<usize>().ok().and_then(|i| items.get(i))
            }
            _ => None,
        }
    }

    /// Follows `path` as far as it exists. Returns the deepest node reached
    /// and how many steps were followed.
    pub fn deepest<'a>(&'a self, path: &[PathSeg]) -> (&'a SpanNode, usize) {
        let mut node = self;
        for (depth, seg) in path.iter().enumerate() {
            match node.child(seg) {
                Some(next) => node = next,
                None => return (node, depth),
            }
        }
        (node, path.len())
    }
}

/// The `# Source:` template a rendered Helm document came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmSource {
    /// The template path as written, e.g. `web/templates/deployment.yaml`.
    pub template: String,
    /// The span of the `# Source:` comment in the rendered file.
    pub comment: Span,
}

/// Where a kustomize-rendered object came from and what changed it. The
/// resource's `source`, `spans` and `header` are those of the object in its
/// origin file; the values are the rendered ones.
#[derive(Debug, Clone)]
pub struct KustomizeOrigin {
    /// The root's kustomization file, as reported.
    pub kustomization: String,
    /// The transformers that changed the object, in the order they ran.
    pub changes: Vec<KustomizeChange>,
    /// Set when the object was not found in an origin file the user
    /// writes (a generated object, an origin outside the project): the
    /// location is then the start of what made it, and this says why.
    pub unlocated: Option<String>,
}

/// One change a kustomization made to an object: a value path it wrote and
/// where that is written.
#[derive(Debug, Clone)]
pub struct KustomizeChange {
    /// The path of the rendered object the change wrote (a value, or a
    /// whole subtree).
    pub path: ValuePath,
    /// The patch line (or kustomization entry) that wrote it.
    pub location: Location,
    /// What the change was, for the related location's message.
    pub message: String,
    /// The file `location` points into, for code frames.
    pub source: SharedSource,
}

/// One normalised resource (docs/architecture.md "Input model").
#[derive(Debug, Clone)]
pub struct Resource {
    /// Terraform address or `<group>/<Kind>/<namespace>/<name>`.
    pub id: String,
    pub format: Format,
    /// Terraform block type, or the Kubernetes kind.
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
    pub provider: Option<String>,
    /// The file the resource is written in.
    pub source: SharedSource,
    /// Known values; for Kubernetes the whole object.
    pub config: Value,
    /// Paths whose values cannot be known without running Terraform.
    pub unknown: Vec<Unknown>,
    /// Attribute path (dotted) → addresses its expression refers to.
    pub references: References,
    /// Effective tags (Terraform) or labels (Kubernetes), as an object.
    pub tags: Value,
    /// Effective tags whose value is unknown, plus `*` when the tags may hold
    /// keys that cannot be seen before Terraform runs. Always empty for
    /// Kubernetes.
    pub tags_unknown: Vec<String>,
    /// Why the effective tags are not fully known (the first reason), when
    /// `tags_unknown` is not empty.
    pub tags_cause: Option<Cause>,
    /// The `module` blocks this resource was reached through, outermost first;
    /// empty for a root module's own resources and for Kubernetes.
    pub module_calls: Vec<ModuleCall>,
    /// Spans of `config` values.
    pub spans: SpanNode,
    /// The resource header: a Terraform block's labels, a manifest's `kind:` entry.
    pub header: Span,
    /// For rendered Helm output, the template the document came from.
    pub helm_source: Option<HelmSource>,
    /// For an object a kustomization rendered: what changed it on the way
    /// from its origin file (`source`) to the output.
    pub kustomize: Option<KustomizeOrigin>,
    /// True for a Terraform block whose `count` or `for_each` is known to be
    /// empty: it creates nothing, but is kept once (address without an
    /// instance key) so that rules about how a block is written still see
    /// it. Policies see it as `"instances": 0`; rules about values skip it.
    pub declaration_only: bool,
}

/// Attribute paths (dotted) with the addresses their expressions refer to,
/// sorted by path, each path once. A list rather than a map: most resources
/// hold one to three entries, and a `BTreeMap`'s first node alone takes over
/// 500 bytes, which came to a twentieth of a Terraform scan's peak memory.
pub type References = Vec<(String, Vec<String>)>;

/// One path of a resource's `config` whose value is unknown, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub path: ValuePath,
    pub cause: Cause,
}

/// Why a value cannot be known before Terraform runs. Policies see only the
/// paths; the cause tells a missing module input (one note at the call) from
/// everything else, and feeds the unknown-value statistics.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cause {
    /// A variable without a value; `module` is the module address of the
    /// variable's module (`""` for a root module).
    Variable { module: String, name: String },
    /// An attribute of a managed resource: known only after apply.
    Resource,
    /// A data source: read only when Terraform runs.
    DataSource,
    /// A function scalegate does not evaluate (`timestamp`, `file`, …).
    Function(String),
    /// The output of a module whose source could not be read.
    Module,
    /// Something Terraform would reject, or we cannot follow: a type error, a
    /// cycle between locals, a for_each over an unknown collection.
    Invalid(String),
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::Variable { module, name } if module.is_empty() => {
                write!(f, "variable var.{name} has no value")
            }
            Cause::Variable { module, name } => {
                write!(f, "input var.{name} of {module} has no value")
            }
            Cause::Resource => f.write_str("resource attribute"),
            Cause::DataSource => f.write_str("data source"),
            Cause::Function(name) => write!(f, "function {name}()"),
            Cause::Module => f.write_str("output of a module that was not read"),
            Cause::Invalid(why) => f.write_str(why),
        }
    }
}

/// One `module` block a resource was reached through.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// `module.web`, `module.web["a"]`, with the caller's own prefix.
    pub address: String,
    /// The file holding the `module` block.
    pub source: SharedSource,
    /// The block's header: `module "web"`.
    pub header: Span,
    /// Whether the called module is a downloaded (registry or git) copy
    /// under `.terraform/modules`: its findings are reported at the call.
    pub downloaded: bool,
}

/// A set of resources evaluated together (docs/architecture.md "Input model").
#[derive(Debug, Clone)]
pub struct Bundle {
    pub format: Format,
    /// The bundle's directory relative to the project root, or `<stdin>`;
    /// for a rendered chart, the chart and render (`web[prod]`).
    pub path: String,
    pub resources: Vec<Resource>,
    /// For a bundle rendered from a Helm chart: which chart, which render.
    pub chart: Option<ChartRender>,
    /// For the output of a kustomization root: its kustomization file, as
    /// reported.
    pub kustomization: Option<String>,
}

/// A Helm chart render a bundle came from, so findings can be mapped back
/// onto the chart's templates and values files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartRender {
    /// The chart directory, as reported (`.` for the project root).
    pub chart_dir: String,
    /// The render's name (`default` unless the config names it).
    pub render: String,
    /// The values files, as reported, in the order Helm applies them: the
    /// chart's own `values.yaml` (when it has one), then each `-f` file.
    pub values_files: Vec<String>,
}

impl ChartRender {
    /// The bundle name of a render: `chart_dir[render]`.
    pub fn bundle_name(chart_dir: &str, render: &str) -> String {
        format!("{chart_dir}[{render}]")
    }
}

/// What a comment must hold for its parser to hand it on: the suppression
/// directive's marker (`scalegate:ignore`, `scalegate:ignore-file`).
pub const DIRECTIVE_MARKER: &str = "scalegate:ignore";

/// A comment handed on by a parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandedComment {
    /// The whole comment, marker included, line break excluded.
    pub span: Span,
    /// Its text after `#` or `//`.
    pub text: String,
    /// Where a person wrote it, when that is another file than the one
    /// parsed: a chart template's comment that Helm copied into the
    /// render's output. Suppressions are reported there.
    pub written: Option<(SharedSource, Span)>,
}

/// The comments of a file that holds a suppression directive, handed on by
/// the parser that read it, so the suppression stage needs no second pass
/// over the file. Files without the marker hand on nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileComments {
    /// HCL: the file's line comments in order (none inside a template
    /// interpolation, where nothing can be suppressed).
    Hcl(Vec<HandedComment>),
    /// YAML: each document's comments.
    Yaml(Vec<DocumentComments>),
}

/// One YAML document's comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentComments {
    pub comments: Vec<HandedComment>,
    /// From its first comment or content to its end: what an
    /// `ignore-file` directive in its leading comments covers.
    pub whole: Span,
    /// Where its content starts; `None` for a comment-only document.
    pub content_start: Option<usize>,
}

/// Whether a finding is a violation or an unverified note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingKind {
    Violation,
    Note,
}

/// A file and region.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    pub file: String,
    pub region: Region,
}

/// A secondary location: where a value was defined, the Helm template, …
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelatedLocation {
    pub location: Location,
    pub message: String,
}

/// Where the exception that suppressed a finding is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionKind {
    /// A `scalegate:ignore` comment.
    Inline,
    /// A `scalegate.dev/ignore.<rule>` annotation.
    Annotation,
    /// An entry of the ignore file.
    File,
    /// A `--baseline` file.
    Baseline,
}

impl SuppressionKind {
    /// The name reports use: `inline`, `annotation`, `file` or `baseline`.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Inline => "inline",
            SuppressionKind::Annotation => "annotation",
            SuppressionKind::File => "file",
            SuppressionKind::Baseline => "baseline",
        }
    }
}

impl fmt::Display for SuppressionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a finding was suppressed (filled by the suppression stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub kind: SuppressionKind,
    /// `file:line` of the suppression, or the baseline file.
    pub source: String,
    pub reason: Option<String>,
    pub expires: Option<String>,
    /// Who owns the exception (ignore-file entries' `owner:`).
    pub owner: Option<String>,
}

/// A rule's place in the report's rule table ([`Report::rules`], sorted by
/// id). Findings refer to their rule by it rather than carry copies of its
/// metadata; ordering by it is ordering by rule id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleRef(pub u32);

impl RuleRef {
    /// The index into [`Report::rules`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a finding was evaluated on: a bundle (an index into
/// [`Report::bundles`]) and, when the finding is about one of its
/// resources, that resource (an index into [`Bundle::resources`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Subject {
    pub bundle: u32,
    pub resource: Option<u32>,
    /// Where the resource writes the finding's value (line, column), when
    /// the finding is reported in another file (a Helm template, a
    /// downloaded module's call site): suppressions there still cover it.
    pub written: Option<(usize, usize)>,
}

/// One reported finding. Its rule and its bundle are handles into the
/// report's tables; everything else is what this finding says.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: RuleRef,
    pub kind: FindingKind,
    pub message: String,
    pub location: Location,
    /// The resource id, when the finding is about a resource (as the rule
    /// named it: a bundle-wide finding may name a resource the bundle does
    /// not hold).
    pub resource: Option<String>,
    pub path: ValuePath,
    /// The bundle (and resource) the finding was evaluated on; `None` for
    /// findings about a file (parse errors, suppressions).
    pub subject: Option<Subject>,
    /// The rule's optional discriminator between two findings on one resource.
    pub key: Option<String>,
    /// For an SG-META-001 note: the rule that could not be verified.
    pub unverified: Option<RuleRef>,
    pub related: Vec<RelatedLocation>,
    /// `partialFingerprints["scalegate/v1"]`, filled by the `fingerprint` stage.
    pub fingerprint: String,
    pub suppression: Option<Suppression>,
}

impl Finding {
    /// The order findings are reported in: file, line, column, rule id
    /// (rule handles sort as their ids), message.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            &self.location.file,
            self.location.region,
            self.rule,
            &self.message,
            self.resource.as_deref(),
            &self.path,
        )
    }
}

/// Severity of a tool notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NotificationLevel {
    Error,
    Warning,
    Note,
}

impl NotificationLevel {
    /// The name reports use: `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationLevel::Error => "error",
            NotificationLevel::Warning => "warning",
            NotificationLevel::Note => "note",
        }
    }
}

/// A message about the scan itself (a file skipped, a symlink loop, …).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Notification {
    pub level: NotificationLevel,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Notification {
    /// A notification about a file, without a position.
    pub fn file(
        level: NotificationLevel,
        file: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Notification {
            level,
            file: Some(file.into()),
            line: None,
            column: None,
            message: message.into(),
        }
    }
}

/// What reports need to know about a rule (SARIF descriptors, text help).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub remediation: String,
    /// The severity in force (METADATA, possibly overridden by config).
    pub severity: Severity,
    /// A user rule that declared `custom.security: true`.
    pub security: bool,
    /// Built into scalegate (the pack and the SG-PARSE/META/SUP rules).
    pub builtin: bool,
    /// Where the rule is documented.
    pub help_uri: String,
    /// The policy file that defines it, for error messages.
    pub file: String,
}

/// A bundle as reports name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportedBundle {
    /// Its path (directory, file, or `chart[render]`).
    pub path: String,
    /// Rendered from a Helm chart: two renders can put findings on one
    /// template line, so reports say which render each belongs to.
    pub chart_render: bool,
}

/// Counts for the summary of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files_scanned: usize,
    /// Files and directories ignore rules kept out of the scan (a directory
    /// counts once).
    pub ignored_paths: usize,
    pub bundles: usize,
    pub resources: usize,
    /// Helm charts left unscanned because `helm.render` is false.
    pub charts_not_rendered: usize,
}

/// Everything a scan produced, ready for the reporters.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Sorted by [`Finding::sort_key`].
    pub findings: Vec<Finding>,
    /// Sorted.
    pub notifications: Vec<Notification>,
    /// Every rule that ran, sorted by id: the table [`RuleRef`]s index.
    pub rules: Vec<RuleInfo>,
    /// Every bundle evaluated: the table [`Subject::bundle`] indexes.
    pub bundles: Vec<ReportedBundle>,
    pub summary: Summary,
    /// The files findings point into, by reported path (for code frames).
    pub sources: BTreeMap<String, SharedSource>,
    /// Rules that failed while evaluating a bundle, sorted. Any makes the
    /// run "could not run" (exit 2), after the reports are written.
    pub rule_errors: Vec<RuleError>,
    /// Some bundle was not evaluated (the memory ceiling was reached before
    /// its turn): the scan could not run in full, whatever the findings.
    pub incomplete: bool,
    /// Where the time went (`--timings`); `None` otherwise, so that every
    /// other report is deterministic.
    pub timings: Option<crate::timings::Timings>,
    /// Which config and ignore file applied and what each did, or that the
    /// repository's own were ignored (`--no-config`).
    pub configuration: AppliedConfiguration,
}

/// A rule that raised an error while evaluating a bundle. Its findings on
/// that bundle are unknown, so the gate cannot pass; the other rules'
/// findings are still reported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleError {
    /// The rule's id.
    pub rule: String,
    /// The policy file, and where in it the error was raised (the rule's
    /// `package` line when the engine does not say).
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The bundle (directory, or file) being evaluated.
    pub bundle: String,
    /// The engine's message, one line.
    pub message: String,
    /// The engine's code frame of the failing expression, if it gave one.
    pub frame: Option<String>,
}

impl RuleError {
    /// One line naming the rule, the bundle and the error.
    pub fn headline(&self) -> String {
        format!(
            "rule {} could not run on bundle {}: {}",
            self.rule, self.bundle, self.message
        )
    }
}

impl Report {
    /// A rule by id.
    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rule_ref(id).map(|r| &self.rules[r.index()])
    }

    /// A rule's handle, by id.
    pub fn rule_ref(&self, id: &str) -> Option<RuleRef> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| RuleRef(i as u32))
    }

    /// The rule a finding belongs to.
    pub fn rule_of(&self, finding: &Finding) -> &RuleInfo {
        &self.rules[finding.rule.index()]
    }

    /// The bundle a finding was evaluated on.
    pub fn bundle_of(&self, finding: &Finding) -> Option<&str> {
        finding
            .subject
            .map(|s| self.bundles[s.bundle as usize].path.as_str())
    }

    /// The chart render (`web[prod]`) a finding on a resource came from.
    pub fn render_of(&self, finding: &Finding) -> Option<&str> {
        let subject = finding.subject?;
        let bundle = &self.bundles[subject.bundle as usize];
        (bundle.chart_render && finding.resource.is_some()).then_some(bundle.path.as_str())
    }

    /// The bundle a finding concerns as a whole: one about no resource (a
    /// bare message, as Conftest policies write). It is placed at line 1 of
    /// the bundle's first file only so it has a place; reports say so.
    pub fn concerns_bundle(&self, finding: &Finding) -> Option<&str> {
        match finding.resource {
            None => self.bundle_of(finding),
            Some(_) => None,
        }
    }

    /// Whether a rule could not run: the run's outcome is unknown, whatever
    /// the gate (exit 2).
    pub fn could_not_run(&self) -> bool {
        !self.rule_errors.is_empty() || self.incomplete
    }

    /// Whether any unsuppressed finding fails a gate at `threshold`
    /// (`None` = `never`).
    pub fn fails(&self, threshold: Option<Severity>) -> bool {
        self.findings
            .iter()
            .any(|f| self.finding_fails(f, threshold))
    }

    /// Whether one finding fails a gate at `threshold` (`None` = `never`):
    /// unsuppressed and severe enough. Reports that mark findings against
    /// the gate (JUnit failures) ask this, so they agree with the exit code.
    pub fn finding_fails(&self, finding: &Finding, threshold: Option<Severity>) -> bool {
        let Some(threshold) = threshold else {
            return false;
        };
        // SG-PARSE-001 fails every gate but `never`: a gate must not pass a
        // file it could not read.
        let rule = self.rule_of(finding);
        finding.suppression.is_none()
            && (rule.severity.fails(threshold) || rule.id == "SG-PARSE-001")
    }
}
