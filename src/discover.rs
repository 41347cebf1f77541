//! Which files to read, and as what (DESIGN.md §7 "Scope").
//!
//! Walking uses `ignore` (`.gitignore` honoured even outside a git
//! repository, `.git`/`.terraform`/`node_modules` never entered, symlinks
//! followed only while they stay inside the project root). The decision for
//! YAML and JSON needs the file's text, so it is made by [`classify`] after the
//! file is read, in parallel with parsing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use globset::GlobSet;

use crate::model::{Notification, NotificationLevel};
use crate::parse::yaml::{self, NodeValue};

/// How a candidate file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// `.tf`
    Terraform,
    /// `.tf.json`
    TerraformJson,
    /// `.tfvars`, `.tfvars.json`
    TerraformVars,
    /// `.yaml`/`.yml`: in scope only if [`classify`] says Kubernetes.
    Yaml,
    /// `.json`: in scope only if it is a Terraform plan.
    Json,
}

/// A file the walk found; whether it is in scope may still depend on its text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path as reported (relative to the project root, `/` separators).
    pub display: String,
    /// The path to open.
    pub path: PathBuf,
    pub kind: FileKind,
    /// The bundle directory, as reported (`.` for the root).
    pub dir: String,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Sorted by display path, without duplicates.
    pub files: Vec<Candidate>,
    pub notifications: Vec<Notification>,
    /// When file arguments were given: only findings in these files are reported.
    pub focus: Option<BTreeSet<String>>,
}

/// A path argument that does not exist (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingPath(pub String);

/// Directories never entered, whatever the ignore files say.
const NEVER_ENTER: [&str; 3] = [".git", ".terraform", "node_modules"];

/// The file kind implied by a name, if any.
pub fn kind_of(name: &str) -> Option<FileKind> {
    let name = name.to_ascii_lowercase();
    if name.ends_with(".tf") {
        Some(FileKind::Terraform)
    } else if name.ends_with(".tf.json") {
        Some(FileKind::TerraformJson)
    } else if name.ends_with(".tfvars") || name.ends_with(".tfvars.json") {
        Some(FileKind::TerraformVars)
    } else if name.ends_with(".yaml") || name.ends_with(".yml") {
        Some(FileKind::Yaml)
    } else if name.ends_with(".json") {
        Some(FileKind::Json)
    } else {
        None
    }
}

/// The path of `path` as reported: relative to `root` with `/` separators, or
/// as given when outside the root.
pub fn display_path(root: &Path, path: &Path, as_given: &str) -> String {
    let normalized = normalize(path);
    match normalized.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => as_given.replace('\\', "/"),
    }
}

/// Makes a path absolute and removes `.`/`..` without touching the file
/// system (symlinks are resolved separately, where it matters).
pub fn normalize(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn parent_display(display: &str) -> String {
    match display.rfind('/') {
        Some(i) => display[..i].to_owned(),
        None => ".".to_owned(),
    }
}

/// Walks the path arguments. `root` must be absolute and normalised.
///
/// `args` pairs each absolute path with the path as the user gave it, which
/// is how files outside the project root are reported.
pub fn discover(
    root: &Path,
    args: &[(PathBuf, String)],
    exclude: &GlobSet,
) -> Result<Discovery, Vec<MissingPath>> {
    let missing: Vec<MissingPath> = args
        .iter()
        .filter(|(a, _)| std::fs::symlink_metadata(a).is_err())
        .map(|(_, given)| MissingPath(given.clone()))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut discovery = Discovery::default();
    let mut found: BTreeMap<String, Candidate> = BTreeMap::new();
    let mut focus = BTreeSet::new();
    let mut walked_dirs = BTreeSet::new();
    for (arg, as_given) in args {
        let as_given = as_given.clone();
        let absolute = normalize(arg);
        if absolute.is_file() {
            // A file argument evaluates its whole directory (its bundle) but
            // reports findings only in the file itself.
            let display = display_path(root, &absolute, &as_given);
            focus.insert(display.clone());
            let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
            let dir_given = Path::new(&as_given)
                .parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            walk(
                root,
                &canonical_root,
                &dir,
                &dir_given,
                Some(1),
                exclude,
                &mut found,
                &mut discovery.notifications,
            );
            if let Some(kind) = kind_of(&display) {
                found.entry(display.clone()).or_insert_with(|| Candidate {
                    dir: parent_display(&display),
                    display,
                    path: absolute,
                    kind,
                });
            }
        } else {
            let before: BTreeSet<String> = found.keys().cloned().collect();
            walk(
                root,
                &canonical_root,
                &absolute,
                &as_given,
                None,
                exclude,
                &mut found,
                &mut discovery.notifications,
            );
            // Everything under a directory argument is reported, even when
            // file arguments beside it narrow the report to themselves.
            walked_dirs.extend(found.keys().filter(|k| !before.contains(*k)).cloned());
        }
    }
    if !focus.is_empty() {
        focus.extend(walked_dirs);
        // A named file in a module other modules call is evaluated through
        // its callers (with their inputs and providers), so they are read
        // too; finding them is a text search, not an evaluation.
        let named_tf_dirs: BTreeSet<PathBuf> = found
            .values()
            .filter(|c| focus.contains(&c.display) && c.kind == FileKind::Terraform)
            .filter_map(|c| c.path.parent().map(normalize))
            .collect();
        for caller in callers(root, &named_tf_dirs) {
            let given = display_path(root, &caller, &caller.display().to_string());
            walk(
                root,
                &canonical_root,
                &caller,
                &given,
                Some(1),
                exclude,
                &mut found,
                &mut discovery.notifications,
            );
        }
    }
    skip_chart_templates(&mut found, &mut discovery.notifications);
    skip_kustomize_patches(&mut found, &mut discovery.notifications);
    discovery.files = found.into_values().collect();
    if !focus.is_empty() {
        discovery.focus = Some(focus);
    }
    discovery.notifications.sort();
    discovery.notifications.dedup();
    Ok(discovery)
}

/// A walk of `dir` as discovery does it: hidden files included, `.gitignore`
/// honoured with or without git, and the `NEVER_ENTER` directories skipped.
fn project_walker(dir: &Path) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(dir);
    builder
        .hidden(false)
        .require_git(false)
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            !(entry.depth() > 0
                && entry.file_type().is_some_and(|t| t.is_dir())
                && NEVER_ENTER.contains(&name.as_ref()))
        });
    builder
}

/// The directories under `root` whose `.tf` files call a module in one of
/// `targets` (or in a caller of one, and so on) through a local `source =
/// "./…"` / `"../…"`, found by reading `source` lines.
fn callers(root: &Path, targets: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
    let mut calls: Vec<(PathBuf, PathBuf)> = Vec::new();
    let walker = project_walker(root).build();
    for entry in walker.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "tf") {
            continue;
        }
        let (Ok(text), Some(dir)) = (std::fs::read_to_string(path), path.parent()) else {
            continue;
        };
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix("source") else {
                continue;
            };
            let Some(value) = rest.trim_start().strip_prefix('=') else {
                continue;
            };
            let value = value.trim().trim_matches('"');
            if value.starts_with("./") || value.starts_with("../") {
                calls.push((normalize(dir), normalize(&dir.join(value))));
            }
        }
    }
    let mut wanted: BTreeSet<PathBuf> = targets.clone();
    let mut found = BTreeSet::new();
    loop {
        let new: Vec<PathBuf> = calls
            .iter()
            .filter(|(caller, callee)| wanted.contains(callee) && !found.contains(caller))
            .map(|(caller, _)| caller.clone())
            .collect();
        if new.is_empty() {
            return found;
        }
        for caller in new {
            wanted.insert(caller.clone());
            found.insert(caller);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn walk(
    root: &Path,
    canonical_root: &Path,
    dir: &Path,
    dir_given: &str,
    max_depth: Option<usize>,
    exclude: &GlobSet,
    found: &mut BTreeMap<String, Candidate>,
    notifications: &mut Vec<Notification>,
) {
    let walker = project_walker(dir)
        .follow_links(true)
        .max_depth(max_depth)
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                // A file in scope by name that cannot even be stat'ed (a
                // dangling symlink) is still read, so that reading fails
                // loudly as SG-PARSE-001 instead of being skipped.
                if let Some(path) = error_path(&error).filter(|p| !p.is_dir()) {
                    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                    if let Some(kind) = name.as_deref().and_then(kind_of) {
                        let display = display_path(root, &path, &path.display().to_string());
                        found.entry(display.clone()).or_insert_with(|| Candidate {
                            dir: parent_display(&display),
                            display,
                            path,
                            kind,
                        });
                        continue;
                    }
                }
                notifications.push(walk_error(root, dir_given, &error));
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let Some(kind) = kind_of(&name) else {
            continue;
        };
        let given = Path::new(dir_given).join(path.strip_prefix(dir).unwrap_or(path));
        let display = display_path(root, path, &given.display().to_string());
        if entry.path_is_symlink() {
            let target = std::fs::canonicalize(path).unwrap_or_default();
            if !target.starts_with(canonical_root) {
                notifications.push(Notification::file(
                    NotificationLevel::Warning,
                    display,
                    format!(
                        "symlink points outside the project root ({}); not followed",
                        target.display()
                    ),
                ));
                continue;
            }
        }
        if entry.depth() > 0 && exclude.is_match(&display) {
            continue;
        }
        found.entry(display.clone()).or_insert_with(|| Candidate {
            dir: parent_display(&display),
            display,
            path: path.to_path_buf(),
            kind,
        });
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        _ => None,
    }
}

fn walk_error(root: &Path, fallback: &str, error: &ignore::Error) -> Notification {
    let mut path = None;
    let mut loop_target = None;
    let mut current = error;
    loop {
        match current {
            ignore::Error::WithPath { path: p, err } => {
                path.get_or_insert_with(|| p.clone());
                current = err;
            }
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                current = err;
            }
            ignore::Error::Loop { ancestor, child } => {
                path.get_or_insert_with(|| child.clone());
                loop_target = Some(ancestor.clone());
                break;
            }
            _ => break,
        }
    }
    let file = path
        .map(|p| display_path(root, &p, &p.display().to_string()))
        .unwrap_or_else(|| fallback.to_owned());
    let message = match loop_target {
        Some(ancestor) => format!(
            "symlink loop: points back to {}; not followed",
            display_path(root, &ancestor, &ancestor.display().to_string())
        ),
        None => format!("cannot read: {}", strip_path_prefix(&error.to_string())),
    };
    Notification::file(NotificationLevel::Warning, file, message)
}

fn strip_path_prefix(message: &str) -> String {
    // ignore's errors read "path: reason"; the path is already in `file`.
    match message.rsplit_once(": ") {
        Some((_, reason)) => reason.to_owned(),
        None => message.to_owned(),
    }
}

/// Chart templates are Go templates, not YAML: skip them, once per chart.
fn skip_chart_templates(
    found: &mut BTreeMap<String, Candidate>,
    notifications: &mut Vec<Notification>,
) {
    let charts: BTreeSet<String> = found
        .values()
        .filter_map(|c| c.display.strip_suffix("Chart.yaml").map(str::to_owned))
        .filter(|prefix| prefix.is_empty() || prefix.ends_with('/'))
        .collect();
    for chart in charts {
        let templates = format!("{chart}templates/");
        let before = found.len();
        found.retain(|display, _| !display.starts_with(&templates));
        if found.len() != before {
            let chart_dir = chart.trim_end_matches('/');
            notifications.push(Notification::file(
                NotificationLevel::Note,
                if chart_dir.is_empty() { ".".to_owned() } else { chart_dir.to_owned() },
                format!(
                    "Helm chart: {} unrendered template file(s) under {templates} skipped; scan `helm template` output instead",
                    before - found.len()
                ),
            ));
        }
    }
}

/// Files a `kustomization.yaml` names as patches are fragments, not objects.
fn skip_kustomize_patches(
    found: &mut BTreeMap<String, Candidate>,
    notifications: &mut Vec<Notification>,
) {
    let kustomizations: Vec<Candidate> = found
        .values()
        .filter(|c| {
            let name = c.display.rsplit('/').next().unwrap_or("");
            matches!(
                name,
                "kustomization.yaml" | "kustomization.yml" | "Kustomization"
            )
        })
        .cloned()
        .collect();
    for k in kustomizations {
        let Ok(text) = std::fs::read_to_string(&k.path) else {
            continue;
        };
        for patch in kustomize_patch_paths(&text) {
            let display = if k.dir == "." {
                patch.clone()
            } else {
                format!("{}/{}", k.dir, patch)
            };
            if found.remove(&display).is_some() {
                notifications.push(Notification::file(
                    NotificationLevel::Note,
                    display,
                    format!(
                        "kustomize patch named by {}; skipped (a fragment, not an object)",
                        k.display
                    ),
                ));
            }
        }
    }
}

/// The relative paths a kustomization lists under `patches`,
/// `patchesStrategicMerge` and `patchesJson6902`.
pub fn kustomize_patch_paths(text: &str) -> Vec<String> {
    let Ok(docs) = yaml::parse_documents(text, yaml::Typing::Core, &yaml::Limits::default()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for root in docs.into_iter().filter_map(|d| d.root) {
        let NodeValue::Map(entries) = root.value else {
            continue;
        };
        for (key, value) in entries {
            if !matches!(
                key.text.as_str(),
                "patches" | "patchesStrategicMerge" | "patchesJson6902"
            ) {
                continue;
            }
            let NodeValue::Seq(items) = value.value else {
                continue;
            };
            for item in items {
                match item.value {
                    NodeValue::String(path) if !path.contains('\n') => out.push(path),
                    NodeValue::Map(fields) => {
                        if let Some((_, v)) = fields.into_iter().find(|(k, _)| k.text == "path") {
                            if let NodeValue::String(path) = v.value {
                                out.push(path);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    out.into_iter()
        .map(|p| p.trim_start_matches("./").to_owned())
        .collect()
}

/// What a file's text says about its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Terraform,
    TerraformJson,
    TerraformVars,
    Kubernetes,
    Plan,
    /// Not a file scalegate reads (CI config, values files, …).
    OutOfScope,
}

/// Decides scope from the kind and, for YAML and JSON, a cheap line-based
/// pre-scan: a YAML file is Kubernetes when a line starts with `apiVersion:`
/// and one with `kind:` (top level), or has a `# Source:` line.
pub fn classify(kind: FileKind, text: &str) -> Scope {
    match kind {
        FileKind::Terraform => Scope::Terraform,
        FileKind::TerraformJson => Scope::TerraformJson,
        FileKind::TerraformVars => Scope::TerraformVars,
        FileKind::Yaml => {
            let mut api_version = false;
            let mut kind = false;
            for line in text.lines() {
                let line = line.strip_prefix('\u{feff}').unwrap_or(line);
                if line.starts_with("# Source:") {
                    return Scope::Kubernetes;
                }
                api_version |=
                    line.starts_with("apiVersion:") || line.starts_with("\"apiVersion\":");
                kind |= line.starts_with("kind:") || line.starts_with("\"kind\":");
                if api_version && kind {
                    return Scope::Kubernetes;
                }
            }
            Scope::OutOfScope
        }
        FileKind::Json => {
            let head = &text[..text.len().min(4096)];
            if text.contains("\"planned_values\"") && head.contains("\"format_version\"") {
                Scope::Plan
            } else {
                Scope::OutOfScope
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_scope_needs_top_level_api_version_and_kind() {
        assert_eq!(
            classify(FileKind::Yaml, "apiVersion: v1\nkind: Pod\n"),
            Scope::Kubernetes
        );
        assert_eq!(
            classify(FileKind::Yaml, "on: push\njobs: {}\n"),
            Scope::OutOfScope
        );
        // Nested keys (a values file describing a manifest) do not count.
        assert_eq!(
            classify(FileKind::Yaml, "x:\n  apiVersion: v1\n  kind: Pod\n"),
            Scope::OutOfScope
        );
        assert_eq!(
            classify(FileKind::Yaml, "---\n# Source: web/templates/a.yaml\n"),
            Scope::Kubernetes
        );
    }

    #[test]
    fn kinds_follow_the_file_name() {
        assert_eq!(kind_of("main.tf"), Some(FileKind::Terraform));
        assert_eq!(kind_of("main.tf.json"), Some(FileKind::TerraformJson));
        assert_eq!(kind_of("prod.tfvars"), Some(FileKind::TerraformVars));
        assert_eq!(kind_of("a.YML"), Some(FileKind::Yaml));
        assert_eq!(kind_of("README.md"), None);
    }

    #[test]
    fn display_paths_are_root_relative_with_slashes() {
        let root = Path::new("/repo");
        assert_eq!(
            display_path(root, Path::new("/repo/k8s/a.yaml"), "x"),
            "k8s/a.yaml"
        );
        assert_eq!(
            display_path(root, Path::new("/other/a.yaml"), "../other/a.yaml"),
            "../other/a.yaml"
        );
        assert_eq!(parent_display("k8s/a.yaml"), "k8s");
        assert_eq!(parent_display("a.yaml"), ".");
    }
}
