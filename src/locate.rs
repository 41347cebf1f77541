//! Turns a finding's value path into a location (docs/architecture.md "Locations").
//!
//! * An existing scalar → its span; an existing container → its key (one
//!   line, rather than a frame over the whole mapping).
//! * A missing value → the deepest existing ancestor: a mapping entry's key,
//!   a list item's first key line; the resource header when nothing of the
//!   path exists.
//! * No path → the resource header.
//! * Rendered Helm output (read from stdin, or a bundle rendered from a
//!   chart) → the template file, at the line that writes the key, else the
//!   action that generates it, else line 1 with a note (`helm_template`),
//!   with the values file that set the value related (`helm_values`). The
//!   `# Source:` path comes from the scanned text, so it must stay inside its
//!   chart directory, and that directory inside the project root (or be the
//!   chart named by `--helm-chart`): a path that leaves them
//!   (`web//etc/passwd`, `../x`, a symlink out) is never read, and a warning
//!   says so. Values files are read from inside the chart directory, or are
//!   the ones the user named.
//! * A kustomize-rendered object → its origin file (the resource's spans
//!   are the origin's), with the patch that last wrote the value related
//!   (`locate/kustomize.rs`).

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod helm_template;
mod helm_values;
mod kustomize;

use self::helm_template::{Placement, Template};
use self::helm_values::{Layer, ValuesFile};
use crate::discover::contained;
use crate::model::{
    dotted, Cause, ChartRender, FileComments, Location, ModuleCall, Notification,
    NotificationLevel, PathSeg, RelatedLocation, Resource, SpanChildren, DIRECTIVE_MARKER,
};
use crate::source::{Region, SharedSource, SourceFile, Span};

/// Places a note on a resource of a called module whose value is unknown
/// because a variable has no value at the module call the value comes in
/// through, the resource's own place kept as related: one note at the call
/// rather than one per resource of the module, since the fix is at the call.
/// Returns the call and the cause when it moved the note; `None` leaves
/// `located` as it was.
pub fn place_note_at_call<'r>(
    located: &mut Located,
    resource: &'r Resource,
    path: &[PathSeg],
) -> Option<(&'r ModuleCall, &'r Cause)> {
    let (call, cause) = missing_input(resource, path)?;
    located.related = vec![RelatedLocation {
        location: located.location.clone(),
        message: format!("{} is one of them", resource.id),
    }];
    located.location = Location {
        file: call.source.path.clone(),
        region: call.source.region(call.header),
    };
    Some((call, cause))
}

/// For a note on a resource of a called module whose value is unknown
/// because a variable has no value: the module call the value comes in
/// through, and the cause.
fn missing_input<'r>(
    resource: &'r Resource,
    path: &[PathSeg],
) -> Option<(&'r ModuleCall, &'r Cause)> {
    let tags = matches!(path.first(), Some(PathSeg::Key(k)) if k == "tags");
    let cause = if tags && resource.tags_cause.is_some() {
        resource.tags_cause.as_ref()
    } else {
        resource
            .unknown
            .iter()
            .find(|u| u.path.starts_with(path) || path.starts_with(&u.path))
            .map(|u| &u.cause)
    }?;
    let Cause::Variable { module, .. } = cause else {
        return None;
    };
    let call = resource
        .module_calls
        .iter()
        .find(|c| c.address == *module)
        .or_else(|| resource.module_calls.first())?;
    Some((call, cause))
}

/// The byte span a path resolves to inside the resource's own file.
pub fn span_of(resource: &Resource, path: &[PathSeg]) -> Span {
    if path.is_empty() {
        return resource.header;
    }
    let (node, depth) = resource.spans.deepest(path);
    if depth == 0 {
        return resource.header;
    }
    let is_leaf = matches!(node.children, SpanChildren::Leaf);
    if depth == path.len() && is_leaf {
        return node.value;
    }
    node.key
        .unwrap_or(Span::new(node.value.start, node.value.start))
}

/// Where a finding is reported, with its related locations.
#[derive(Debug, Clone)]
pub struct Located {
    pub location: Location,
    pub related: Vec<RelatedLocation>,
    /// Where the resource's own file writes the value (line, column),
    /// wherever the finding is reported.
    pub written: (usize, usize),
    /// Files the location or related locations point into besides the
    /// resource's own (a Helm template, a module's caller), so reports can
    /// show their code frames.
    pub extra_sources: Vec<SharedSource>,
}

/// A template file read for mapping, with the chart it belongs to.
#[derive(Debug)]
struct ChartTemplate {
    source: SharedSource,
    template: Template,
    /// The top chart's directory.
    chart_dir: PathBuf,
    /// Subcharts from the top chart down to the template's own chart
    /// (`web/charts/db/templates/x.yaml` → `["db"]`).
    subcharts: Vec<String>,
}

/// Resolves Helm templates and values files for rendered output.
#[derive(Debug)]
pub struct HelmTemplates {
    root: PathBuf,
    chart_dir: Option<PathBuf>,
    /// Values files given to the render, in order, with display paths.
    values_files: Vec<(PathBuf, String)>,
    cache: Mutex<HashMap<String, Option<Arc<ChartTemplate>>>>,
    values: Mutex<HashMap<PathBuf, Option<Arc<ValuesFile>>>>,
    /// `# Source:` paths that would have left their chart or the root.
    escaped: Mutex<BTreeSet<String>>,
}

impl HelmTemplates {
    /// `chart_dir` is `--helm-chart DIR`, if given.
    pub fn new(root: &Path, chart_dir: Option<PathBuf>) -> HelmTemplates {
        HelmTemplates {
            root: root.to_path_buf(),
            chart_dir,
            values_files: Vec::new(),
            cache: Mutex::new(HashMap::new()),
            values: Mutex::new(HashMap::new()),
            escaped: Mutex::new(BTreeSet::new()),
        }
    }

    /// For a render described by a bundle: its chart directory and values
    /// files are display paths, relative to the project root.
    pub fn for_chart(root: &Path, chart: &ChartRender) -> HelmTemplates {
        let dir = crate::discover::normalize(&root.join(&chart.chart_dir));
        // The chart's own values.yaml is read as the chart's, not as a
        // `-f` file (a subchart's values sit under its name in a parent's).
        let own = dir.join("values.yaml");
        let files = chart
            .values_files
            .iter()
            .map(|f| (crate::discover::normalize(&root.join(f)), f.clone()))
            .filter(|(file, _)| *file != own)
            .collect();
        HelmTemplates::new(root, Some(dir)).with_values(files)
    }

    /// The values files given to the render besides the chart's own
    /// `values.yaml` (file, display path), in the order Helm applied them.
    pub fn with_values(mut self, files: Vec<(PathBuf, String)>) -> HelmTemplates {
        self.values_files = files;
        self
    }

    /// One warning per `# Source:` path that was refused for leaving its
    /// chart or the project root.
    pub fn escapes(&self) -> Vec<Notification> {
        let escaped = self.escaped.lock().unwrap_or_else(|e| e.into_inner());
        escaped
            .iter()
            .map(|source| Notification {
                level: NotificationLevel::Warning,
                file: None,
                line: None,
                column: None,
                message: format!(
                    "`# Source: {}` points outside its chart or the project root; the template was not read",
                    source.escape_debug()
                ),
            })
            .collect()
    }

    /// The template file for a `# Source:` path like `web/templates/a.yaml`.
    /// The suppression directives among rendered output's comments, each
    /// given where its template writes it: Helm copies a template's
    /// comments into the output, under the `# Source:` of that template,
    /// and the output is no file a person edits. A directive is found by its
    /// text on one line of the template; one written on no line or on
    /// several (a template that builds it) stays where it was rendered.
    pub fn place_comments(&self, comments: &mut FileComments) {
        let FileComments::Yaml(documents) = comments else {
            return;
        };
        let mut template: Option<String> = None;
        for comment in documents.iter_mut().flat_map(|d| &mut d.comments) {
            if let Some(path) = crate::parse::helm::source_path(&comment.text) {
                template = Some(path.to_owned());
                continue;
            }
            if !comment.text.contains(DIRECTIVE_MARKER) {
                continue;
            }
            let Some(source) = template
                .as_deref()
                .and_then(|path| self.template(path))
                .map(|t| t.source.clone())
            else {
                continue;
            };
            let written = format!("#{}", comment.text.trim_end());
            let mut at = source
                .text
                .match_indices(written.as_str())
                .map(|(start, _)| Span::new(start, start + written.len()));
            if let (Some(span), None) = (at.next(), at.next()) {
                comment.written = Some((source, span));
            }
        }
    }

    fn template(&self, source_path: &str) -> Option<Arc<ChartTemplate>> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(source_path.to_owned())
            .or_insert_with(|| self.load(source_path).map(Arc::new))
            .clone()
    }

    fn load(&self, source_path: &str) -> Option<ChartTemplate> {
        let (chart, rest) = source_path.split_once('/')?;
        // Each chart directory is checked, and the template inside it:
        // `None` from `contained` means the written path leaves them.
        let chart_dirs: Vec<Option<PathBuf>> = match &self.chart_dir {
            Some(dir) => vec![Some(dir.clone())],
            None => ["", "charts", "helm"]
                .iter()
                .map(|parent| contained(&self.root, &self.root.join(parent), chart))
                .collect(),
        };
        let mut escapes = chart_dirs.iter().any(Option::is_none);
        let mut found = None;
        for dir in chart_dirs.into_iter().flatten() {
            match contained(&dir, &dir, rest) {
                Some(path) if path.is_file() => {
                    found = Some((path, dir));
                    break;
                }
                Some(_) => {}
                None => escapes = true,
            }
        }
        let Some((file, chart_dir)) = found else {
            if escapes {
                self.escaped
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(source_path.to_owned());
            }
            return None;
        };
        let text = read_chart_file(&file)?;
        let template = Template::parse(&text);
        Some(ChartTemplate {
            source: Arc::new(SourceFile::new(self.display(&file), text)),
            template,
            chart_dir,
            subcharts: subcharts(rest),
        })
    }

    fn display(&self, file: &Path) -> String {
        crate::discover::display_path(&self.root, file, &crate::discover::escaped(file))
    }

    fn values_file(&self, path: PathBuf, display: String) -> Option<Arc<ValuesFile>> {
        let mut cache = self.values.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(path.clone())
            .or_insert_with(|| {
                let text = read_chart_file(&path)?;
                ValuesFile::parse(display, text).map(Arc::new)
            })
            .clone()
    }

    /// Where `.Values.<path>` of a template's chart is set, as a related
    /// location, with the values file's source.
    fn values_location(
        &self,
        template: &ChartTemplate,
        path: &[PathSeg],
    ) -> Option<(RelatedLocation, SharedSource)> {
        let chain = &template.subcharts;
        // Lowest precedence first: the template's own chart, then each
        // parent up to the top chart, then the render's files.
        let mut files: Vec<(Arc<ValuesFile>, Vec<PathSeg>)> = Vec::new();
        for depth in (0..=chain.len()).rev() {
            let mut dir = template.chart_dir.clone();
            for sub in &chain[..depth] {
                dir = dir.join("charts").join(sub);
            }
            let own = dir.join("values.yaml");
            let prefix = chain[depth..]
                .iter()
                .map(|s| PathSeg::Key(s.clone()))
                .collect();
            if let Some(file) = contained(&template.chart_dir, &dir, "values.yaml")
                .filter(|p| p.is_file())
                .and_then(|p| self.values_file(p, self.display(&own)))
            {
                files.push((file, prefix));
            }
        }
        let top: Vec<PathSeg> = chain.iter().map(|s| PathSeg::Key(s.clone())).collect();
        for (path, display) in &self.values_files {
            if let Some(file) = self.values_file(path.clone(), display.clone()) {
                files.push((file, top.clone()));
            }
        }
        let layers: Vec<Layer<'_>> = files
            .iter()
            .map(|(file, prefix)| Layer {
                file,
                prefix: prefix.clone(),
            })
            .collect();
        let helm_values::Setting {
            file,
            span,
            written,
            prefix,
        } = helm_values::setting(&layers, path)?;
        // A parent chart's file holds a subchart's values under its name.
        let as_written = |p: &[PathSeg]| {
            let full: Vec<PathSeg> = prefix.iter().chain(p).cloned().collect();
            if prefix.is_empty() {
                format!("`.Values.{}`", dotted(p))
            } else {
                format!("`.Values.{}` (`{}` here)", dotted(p), dotted(&full))
            }
        };
        let message = if written == path.len() {
            format!("the value comes from {}, set here", as_written(path))
        } else {
            format!(
                "the value comes from `.Values.{}`; {} is set here",
                dotted(path),
                as_written(&path[..written])
            )
        };
        Some((
            RelatedLocation {
                location: Location {
                    file: file.source.path.clone(),
                    region: file.source.region(span),
                },
                message,
            },
            file.source.clone(),
        ))
    }
}

/// The most of a template or values file read for mapping: the budget of a
/// scanned file. A larger one is not read; the finding stays on the output.
const MAX_CHART_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// A chart's template or values file, if it is a regular file (a FIFO named
/// as a values file would block the read forever) within the budget.
fn read_chart_file(path: &Path) -> Option<String> {
    let metadata = std::fs::metadata(path).ok()?;
    if !metadata.is_file() || metadata.len() > MAX_CHART_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

/// The subcharts a chart-relative template path goes through:
/// `charts/db/charts/cache/templates/x.yaml` → `["db", "cache"]`.
fn subcharts(mut rest: &str) -> Vec<String> {
    let mut chain = Vec::new();
    while let Some(inner) = rest.strip_prefix("charts/") {
        let Some((name, after)) = inner.split_once('/') else {
            break;
        };
        chain.push(name.to_owned());
        rest = after;
    }
    chain
}

/// Locates a finding on `resource` at `path`. `rendered` selects the Helm
/// template mapping, for rendered output whose lines are not the user's.
pub fn locate(
    resource: &Resource,
    path: &[PathSeg],
    rendered: bool,
    helm: &HelmTemplates,
) -> Located {
    let source = &resource.source;
    let span = span_of(resource, path);
    let written = source.position(span.start);
    let rendered_at = Location {
        file: source.path.clone(),
        region: source.region(span),
    };
    if !resource.module_calls.is_empty() {
        return through_modules(resource, rendered_at, written);
    }
    if let Some(origin) = &resource.kustomize {
        let mut located = Located {
            written,
            location: rendered_at,
            related: Vec::new(),
            extra_sources: Vec::new(),
        };
        kustomize::relate(&mut located, origin, path);
        return located;
    }
    let Some(helm_source) = &resource.helm_source else {
        return Located {
            written,
            location: rendered_at,
            related: Vec::new(),
            extra_sources: Vec::new(),
        };
    };
    if !rendered {
        return Located {
            written,
            location: rendered_at,
            related: vec![RelatedLocation {
                location: Location {
                    file: source.path.clone(),
                    region: source.region(helm_source.comment),
                },
                message: format!("rendered from the Helm template {}", helm_source.template),
            }],
            extra_sources: Vec::new(),
        };
    }
    match helm.template(&helm_source.template) {
        Some(template) => on_template(resource, path, helm, &template, written),
        None => Located {
            written,
            location: rendered_at,
            related: Vec::new(),
            extra_sources: Vec::new(),
        },
    }
}

/// A finding on rendered output, placed on the template line that writes
/// its key (the key of the deepest part of the path the object has, as for
/// a file of its own), else on the action that generates it, else on the
/// template's first line; with the values file that set the value related.
fn on_template(
    resource: &Resource,
    path: &[PathSeg],
    helm: &HelmTemplates,
    template: &ChartTemplate,
    written: (usize, usize),
) -> Located {
    let (_, depth) = resource.spans.deepest(path);
    let walked: Vec<PathSeg> = if depth == 0 {
        // The resource header: its `kind:` entry.
        vec![PathSeg::Key("kind".to_owned())]
    } else {
        path[..depth].to_vec()
    };
    let source = &template.source;
    let region = |line: usize, start: usize, end: usize| Region {
        start_line: line,
        start_column: start + 1,
        end_line: line,
        end_column: end + 1,
    };
    let mut related = Vec::new();
    // The rendered scalar at a path, to tell apart what `if`/`else`
    // branches write and list items an `if` left out.
    let rendered = |at: &[PathSeg]| -> Option<String> {
        let mut value = &resource.config;
        for seg in at {
            value = match seg {
                PathSeg::Key(k) => &value[k.as_str()],
                PathSeg::Index(i) => &value[*i],
            };
        }
        match value {
            regorus::Value::String(text) => Some(text.to_string()),
            regorus::Value::Number(_) | regorus::Value::Bool(_) => Some(value.to_string()),
            _ => None,
        }
    };
    let placement = template
        .template
        .place(&resource.kind, &resource.name, &walked, &rendered);
    let (region, values) = match placement {
        Placement::Literal {
            line,
            start,
            end,
            values,
        } => (region(line, start, end), values),
        Placement::Generated {
            line,
            start,
            end,
            action,
            values,
        } => {
            let at = region(line, start, end);
            related.push(RelatedLocation {
                location: Location {
                    file: source.path.clone(),
                    region: at,
                },
                message: format!(
                    "`{}` is generated here by `{{{{ {} }}}}`, not written literally in the template",
                    dotted(&walked),
                    short(&action)
                ),
            });
            (at, values)
        }
        Placement::Unknown => {
            let first = region(1, 0, source.line_text(1).chars().count());
            related.push(RelatedLocation {
                location: Location {
                    file: source.path.clone(),
                    region: first,
                },
                message: format!(
                    "`{}` is generated by the template {} or written where its layout cannot be followed; shown at its first line",
                    dotted(&walked),
                    source.path
                ),
            });
            (first, Vec::new())
        }
    };
    let mut extra_sources = vec![source.clone()];
    for path in &values {
        if let Some((location, file)) = helm.values_location(template, path) {
            related.push(location);
            extra_sources.push(file);
        }
    }
    Located {
        written,
        location: Location {
            file: source.path.clone(),
            region,
        },
        related,
        extra_sources,
    }
}

/// An action's text cut to a readable length for a message.
fn short(action: &str) -> String {
    const MAX: usize = 60;
    if action.chars().count() <= MAX {
        return action.to_owned();
    }
    let cut: String = action.chars().take(MAX).collect();
    format!("{cut}…")
}

/// A finding on a resource of a called module. In a local module it stays
/// at the module's own line, and each `module` block it was reached through
/// is related. In a downloaded module (under `.terraform/modules`, not the
/// user's code) it moves to the first downloaded module's call site, with
/// the line inside the module related.
fn through_modules(resource: &Resource, inner: Location, written: (usize, usize)) -> Located {
    let calls = &resource.module_calls;
    let at_call = |call: &ModuleCall| Location {
        file: call.source.path.clone(),
        region: call.source.region(call.header),
    };
    let called_here = |call: &ModuleCall| RelatedLocation {
        location: at_call(call),
        message: format!("{} is called here", call.address),
    };
    let extra_sources = calls.iter().map(|c| c.source.clone()).collect();
    match calls.iter().position(|c| c.downloaded) {
        Some(first) => {
            let call = &calls[first];
            let mut related: Vec<RelatedLocation> =
                calls[..first].iter().map(called_here).collect();
            related.push(RelatedLocation {
                location: inner,
                message: format!(
                    "{} is defined here, in the downloaded module {}",
                    resource.id, call.address
                ),
            });
            Located {
                written,
                location: at_call(call),
                related,
                extra_sources,
            }
        }
        None => Located {
            written,
            location: inner,
            related: calls.iter().map(called_here).collect(),
            extra_sources,
        },
    }
}
