//! Kustomization roots → bundles: each root built (in parallel, one build
//! per task), its output mapped back to the files a person edits, or an
//! SG-PARSE-001 at its kustomization file saying why it was not.
//!
//! A root whose kustomizations name something kustomize would download is
//! not built at all: the failure is at the entry.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Options, Prepared, ScanError, Unreadable};
use crate::discover::KustomizeRoot;
use crate::model::{Bundle, FileComments, Format, Notification, NotificationLevel};
use crate::parse::kustomize::{resources, Origins};
use crate::parse::ParseError;
use crate::render::kustomize::{build, Tool};
use crate::source::SourceFile;

/// What rendering the roots produced.
#[derive(Default)]
pub(super) struct Rendered {
    pub(super) bundles: Vec<Bundle>,
    pub(super) failures: Vec<Unreadable>,
    pub(super) notifications: Vec<Notification>,
    /// Files the builds read.
    pub(super) files: usize,
    /// The comments of origin files that hold a suppression directive.
    pub(super) comments: Vec<(String, FileComments)>,
}

/// The tool that builds kustomizations: `--kustomize-bin`, else
/// `kustomize.binary` (relative to the config file), else the first of
/// `kustomize` and `kubectl` on PATH.
fn tool(options: &Options, prepared: &Prepared) -> Option<Tool> {
    if let Some(bin) = &options.kustomize_bin {
        return Some(Tool::named(&options.cwd.join(bin)));
    }
    if let Some(bin) = &prepared.config.kustomize.binary {
        let dir = prepared
            .config
            .file
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| prepared.root.clone());
        return Some(Tool::named(&dir.join(bin)));
    }
    Tool::find(options.search_path.as_deref())
}

/// Builds every root. No tool with roots present stops the scan (exit 2):
/// the roots' files would otherwise go unchecked.
pub(super) fn render_roots(
    options: &Options,
    prepared: &Prepared,
    roots: &[KustomizeRoot],
    pool: &rayon::ThreadPool,
) -> Result<Rendered, ScanError> {
    let mut out = Rendered::default();
    if roots.is_empty() {
        return Ok(out);
    }
    if !prepared.config.kustomize.render {
        for root in roots {
            out.notifications.push(Notification::file(
                NotificationLevel::Warning,
                root.display.clone(),
                format!(
                    "kustomization not rendered (`kustomize.render: false`); its {} file(s) were not scanned",
                    root.closure.len()
                ),
            ));
        }
        return Ok(out);
    }
    let Some(tool) = tool(options, prepared) else {
        return Err(ScanError::Usage(format!(
            "{} kustomization root(s) to render (first: {}) but neither `kustomize` nor `kubectl` is on PATH: install one of them, pass --kustomize-bin PATH, or set `kustomize: {{render: false}}` in .scalegate.yaml to skip them",
            roots.len(),
            roots[0].display
        )));
    };
    let root_dir: PathBuf = prepared.root.clone();
    let origins = Origins::default();
    let results: Vec<Result<Bundle, Vec<Unreadable>>> = pool.install(|| {
        roots
            .par_iter()
            .map(|root| render_one(&tool, &root_dir, root, &origins))
            .collect()
    });
    // A base two overlays read is one file scanned.
    let read: std::collections::BTreeSet<&PathBuf> =
        roots.iter().flat_map(|r| &r.closure).collect();
    out.files = read.len();
    out.comments = origins.comments();
    for result in results {
        match result {
            Ok(bundle) => out.bundles.push(bundle),
            Err(failures) => out.failures.extend(failures),
        }
    }
    Ok(out)
}

/// For kustomize's "unknown field" and "cannot unmarshal … field
/// Kustomization.X" errors, the kustomization of the root's build that
/// writes that top-level key, and where.
fn blamed_key(project_root: &Path, root: &KustomizeRoot, message: &str) -> Option<Unreadable> {
    let field = match message.split_once("unknown field \"") {
        Some((_, rest)) => rest.split('"').next()?,
        None => message
            .split_once("Go struct field Kustomization.")?
            .1
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()?,
    };
    let kustomizations = root.closure.iter().filter(|p| {
        p.file_name().is_some_and(|n| {
            crate::discover::kustomize::is_kustomization_name(&n.to_string_lossy())
        })
    });
    for path in kustomizations {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let typing = crate::yaml::Typing::Core;
        let Ok(docs) = crate::yaml::parse_documents(&text, typing, &crate::yaml::Limits::YAML)
        else {
            continue;
        };
        let Some(node) = docs.into_iter().next().and_then(|d| d.root) else {
            continue;
        };
        if let Some((key, _)) = node.entry(field) {
            let display =
                crate::discover::display_path(project_root, path, &crate::discover::escaped(path));
            let offset = key.span.start;
            return Some((
                Arc::new(SourceFile::new(display, text)),
                ParseError::new(offset, String::new()),
            ));
        }
    }
    None
}

fn render_one(
    tool: &Tool,
    project_root: &Path,
    root: &KustomizeRoot,
    origins: &Origins,
) -> Result<Bundle, Vec<Unreadable>> {
    if !root.problems.is_empty() {
        return Err(root
            .problems
            .iter()
            .map(|p| {
                let source = Arc::new(SourceFile::new(p.display.clone(), p.text.clone()));
                (source, ParseError::new(p.offset, p.message.clone()))
            })
            .collect());
    }
    let at_root = |message: String| {
        let source = Arc::new(SourceFile::new(root.display.clone(), root.text.clone()));
        vec![(source, ParseError::new(0, message))]
    };
    let rendered = build(tool, &root.dir, &root.dir_display).map_err(|e| {
        // Bases are named by absolute path: reported paths are relative.
        let e = e.replace(&format!("{}/", project_root.display()), "");
        let message = format!("kustomize build failed: {e}");
        match blamed_key(project_root, root, &e) {
            Some((source, blame)) => vec![(source, ParseError::new(blame.offset, message))],
            None => at_root(message),
        }
    })?;
    let file = crate::discover::kustomize::file_in(&root.dir).unwrap_or_else(|| root.dir.clone());
    let resources = resources(
        project_root,
        &rendered.text,
        &rendered.base,
        &file,
        &root.display,
        origins,
    )
    .map_err(|e| at_root(e.message))?;
    Ok(Bundle {
        format: Format::Kubernetes,
        path: root.dir_display.clone(),
        resources,
        chart: None,
        kustomization: Some(root.display.clone()),
    })
}
