//! Turns a finding's value path into a location (docs/architecture.md "Locations").
//!
//! * An existing scalar → its span; an existing container → its key (one
//!   line, rather than a frame over the whole mapping).
//! * A missing value → the deepest existing ancestor: a mapping entry's key,
//!   a list item's first key line; the resource header when nothing of the
//!   path exists.
//! * No path → the resource header.
//! * Rendered Helm output read from stdin → the template file under the
//!   project root, at the one line whose text matches the rendered line, else
//!   line 1. The `# Source:` path comes from the scanned text, so it must
//!   stay inside its chart directory, and that directory inside the project
//!   root (or be the chart named by `--helm-chart`): a path that leaves them
//!   (`web//etc/passwd`, `../x`, a symlink out) is never read, and a warning
//!   says so.
//! * A kustomize-rendered object → its origin file (the resource's spans
//!   are the origin's), with the patch that last wrote the value related
//!   (`locate/kustomize.rs`).

mod kustomize;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::discover::contained;
use crate::model::{
    Cause, Location, ModuleCall, Notification, NotificationLevel, PathSeg, RelatedLocation,
    Resource, SpanChildren,
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
    /// Files the location or related locations point into besides the
    /// resource's own (a Helm template, a module's caller), so reports can
    /// show their code frames.
    pub extra_sources: Vec<SharedSource>,
}

/// Resolves Helm templates for rendered output read from stdin.
#[derive(Debug)]
pub struct HelmTemplates {
    root: PathBuf,
    chart_dir: Option<PathBuf>,
    cache: Mutex<HashMap<String, Option<SharedSource>>>,
    /// `# Source:` paths that would have left their chart or the root.
    escaped: Mutex<BTreeSet<String>>,
}

impl HelmTemplates {
    /// `chart_dir` is `--helm-chart DIR`, if given.
    pub fn new(root: &Path, chart_dir: Option<PathBuf>) -> HelmTemplates {
        HelmTemplates {
            root: root.to_path_buf(),
            chart_dir,
            cache: Mutex::new(HashMap::new()),
            escaped: Mutex::new(BTreeSet::new()),
        }
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
    fn template(&self, source_path: &str) -> Option<SharedSource> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(source_path.to_owned())
            .or_insert_with(|| self.load(source_path))
            .clone()
    }

    fn load(&self, source_path: &str) -> Option<SharedSource> {
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
        let mut file = None;
        for dir in chart_dirs.into_iter().flatten() {
            match contained(&dir, &dir, rest) {
                Some(path) if path.is_file() => {
                    file = Some(path);
                    break;
                }
                Some(_) => {}
                None => escapes = true,
            }
        }
        let Some(file) = file else {
            if escapes {
                self.escaped
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(source_path.to_owned());
            }
            return None;
        };
        let text = std::fs::read_to_string(&file).ok()?;
        let display =
            crate::discover::display_path(&self.root, &file, &crate::discover::escaped(&file));
        Some(Arc::new(SourceFile::new(display, text)))
    }
}

/// Locates a finding on `resource` at `path`. `from_stdin` selects the Helm
/// template mapping for rendered output that has no file of its own.
pub fn locate(
    resource: &Resource,
    path: &[PathSeg],
    from_stdin: bool,
    helm: &HelmTemplates,
) -> Located {
    let source = &resource.source;
    let span = span_of(resource, path);
    let rendered = Location {
        file: source.path.clone(),
        region: source.region(span),
    };
    if !resource.module_calls.is_empty() {
        return through_modules(resource, rendered);
    }
    if let Some(origin) = &resource.kustomize {
        let mut located = Located {
            location: rendered,
            related: Vec::new(),
            extra_sources: Vec::new(),
        };
        kustomize::relate(&mut located, origin, path);
        return located;
    }
    let Some(helm_source) = &resource.helm_source else {
        return Located {
            location: rendered,
            related: Vec::new(),
            extra_sources: Vec::new(),
        };
    };
    if !from_stdin {
        return Located {
            location: rendered,
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
    let Some(template) = helm.template(&helm_source.template) else {
        return Located {
            location: rendered,
            related: Vec::new(),
            extra_sources: Vec::new(),
        };
    };
    let rendered_line = source.line_text(rendered.region.start_line).trim();
    let matches: Vec<usize> = (1..=template.line_count())
        .filter(|&l| template.line_text(l).trim() == rendered_line)
        .collect();
    let region = match matches.as_slice() {
        [line] => {
            let text = template.line_text(*line);
            let indent = text.chars().take_while(|c| c.is_whitespace()).count();
            Region {
                start_line: *line,
                start_column: indent + 1,
                end_line: *line,
                end_column: text.chars().count() + 1,
            }
        }
        _ => Region::FILE_START,
    };
    Located {
        location: Location {
            file: template.path.clone(),
            region,
        },
        related: Vec::new(),
        extra_sources: vec![template],
    }
}

/// A finding on a resource of a called module. In a local module it stays
/// at the module's own line, and each `module` block it was reached through
/// is related. In a downloaded module (under `.terraform/modules`, not the
/// user's code) it moves to the first downloaded module's call site, with
/// the line inside the module related.
fn through_modules(resource: &Resource, inner: Location) -> Located {
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
                location: at_call(call),
                related,
                extra_sources,
            }
        }
        None => Located {
            location: inner,
            related: calls.iter().map(called_here).collect(),
            extra_sources,
        },
    }
}
