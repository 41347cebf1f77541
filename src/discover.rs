//! Which files to read, and as what.
//!
//! Walking uses `ignore` with its own ignore-file handling off: what ignore
//! rules hide is git's view of the repository ([`git_view`]); `.git`,
//! `.terraform` and `node_modules` are never entered; symlinks, to files and
//! to directories alike, are followed only while they stay inside the
//! project root. The decision for YAML and JSON needs the file's text, so it
//! is made by [`classify`] after the file is read, in parallel with parsing.
//!
//! Paths are kept as the operating system gives them (`PathBuf`); the
//! reported form escapes bytes that are not UTF-8 (`m\xff.tf`), so two names
//! that differ only there stay two files.

mod charts;
mod git_view;
pub mod kustomize;
mod project_index;
mod scope;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use globset::GlobSet;

use crate::model::{Notification, NotificationLevel};
pub use charts::{chart_of_file, ChartRoot};
pub use git_view::GitView;
pub use kustomize::KustomizeRoot;
pub use project_index::ProjectIndex;
pub use scope::{classify, decode, Scope};

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
    /// `.json`: in scope only if it is a Terraform plan or a Kubernetes
    /// manifest.
    Json,
}

/// A file the walk found; whether it is in scope may still depend on its text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// The path as reported (relative to the project root, `/` separators,
    /// bytes that are not UTF-8 escaped).
    pub display: String,
    /// The path to open.
    pub path: PathBuf,
    pub kind: FileKind,
    /// The bundle directory, as reported (`.` for the root).
    pub dir: String,
    /// Named on the command line: a YAML or JSON file that does not parse
    /// is then reported, since the user asked for it.
    pub named: bool,
}

impl Candidate {
    /// A discovered (not named) file.
    pub fn new(display: String, path: PathBuf, kind: FileKind) -> Candidate {
        Candidate {
            dir: parent_display(&display),
            display,
            path,
            kind,
            named: false,
        }
    }
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Sorted by display path, without duplicates.
    pub files: Vec<Candidate>,
    pub notifications: Vec<Notification>,
    /// When file arguments were given: only findings in these files are reported.
    pub focus: Option<BTreeSet<String>>,
    /// Files and directories that ignore rules kept out of the walk (a
    /// directory counts once; what it holds is not walked).
    pub ignored_paths: usize,
    /// Helm charts to render, sorted by directory; their files are not in
    /// `files`.
    pub charts: Vec<ChartRoot>,
    /// Kustomization roots to render, sorted by directory: those the walk
    /// reached, and those a named file belongs to. Their files are not in
    /// `files`.
    pub kustomize_roots: Vec<KustomizeRoot>,
    /// Kustomization files the walk met (absolute).
    kustomization_files: BTreeSet<PathBuf>,
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

/// A path as reported: UTF-8 as is, every other byte as `\xNN`.
pub fn escaped(path: &Path) -> String {
    escape_bytes(path.as_os_str())
}

#[cfg(unix)]
fn escape_bytes(os: &std::ffi::OsStr) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in os.as_bytes().utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

#[cfg(not(unix))]
fn escape_bytes(os: &std::ffi::OsStr) -> String {
    os.to_string_lossy().into_owned()
}

/// The path of `path` as reported: relative to `root` with `/` separators, or
/// as given when outside the root.
pub fn display_path(root: &Path, path: &Path, as_given: &str) -> String {
    let normalized = normalize(path);
    match normalized.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".to_owned(),
        Ok(rel) => rel
            .components()
            .map(|c| escape_bytes(c.as_os_str()))
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

/// `relative` (a path written in a scanned file) joined onto `base`, or
/// `None` when it would leave `within`: absolute paths, `..` above `within`,
/// and symlinks resolving outside it all count as leaving. Nothing is read.
pub fn contained(within: &Path, base: &Path, relative: &str) -> Option<PathBuf> {
    let written = Path::new(relative);
    if written.is_absolute()
        || written
            .components()
            .any(|c| matches!(c, Component::RootDir | Component::Prefix(_)))
    {
        return None;
    }
    let within = normalize(within);
    let joined = normalize(&base.join(written));
    if !joined.starts_with(&within) {
        return None;
    }
    // Symlinks: what exists must resolve inside; what does not exist
    // cannot be read anyway.
    if let (Ok(real_within), Ok(real)) = (
        std::fs::canonicalize(&within),
        std::fs::canonicalize(&joined),
    ) {
        if !real.starts_with(real_within) {
            return None;
        }
    }
    Some(joined)
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
/// is how files outside the project root are reported. `no_ignore` turns
/// every ignore rule off.
pub fn discover(
    root: &Path,
    args: &[(PathBuf, String)],
    exclude: &GlobSet,
    no_ignore: bool,
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
    let mut named_charts = BTreeSet::new();
    let mut views = Views {
        no_ignore,
        by_top: BTreeMap::new(),
        notifications: Vec::new(),
        root: root.to_path_buf(),
    };
    for (arg, as_given) in args {
        let as_given = as_given.clone();
        let absolute = normalize(arg);
        let metadata = std::fs::metadata(&absolute);
        if metadata.as_ref().is_ok_and(|m| m.is_file()) {
            // A file argument evaluates its whole directory (its bundle) but
            // reports findings only in the file itself.
            let display = display_path(root, &absolute, &as_given);
            focus.insert(display.clone());
            // A file of a chart (a template, a values file, `Chart.yaml`,
            // a helper) selects the chart: it is rendered whole.
            if let Some(chart) = chart_of_file(root, &absolute) {
                named_charts.insert(chart);
                continue;
            }
            let dir = absolute.parent().map(Path::to_path_buf).unwrap_or_default();
            let dir_given = Path::new(&as_given)
                .parent()
                .map(escaped)
                .unwrap_or_default();
            let view = views.for_dir(&dir);
            Walk {
                root,
                canonical_root: &canonical_root,
                exclude,
                found: &mut found,
                discovery: &mut discovery,
            }
            .run(view, &dir, &dir_given, Some(1));
            if let Some(kind) = kind_of(&display) {
                let candidate = found
                    .entry(display.clone())
                    .or_insert_with(|| Candidate::new(display, absolute, kind));
                candidate.named = true;
            }
        } else if metadata.as_ref().is_ok_and(|m| m.is_dir()) {
            // A chart directory, or one inside a chart, names that chart.
            if let Some(chart) = chart_of_file(root, &absolute.join("_")) {
                named_charts.insert(chart);
            }
            let before: BTreeSet<String> = found.keys().cloned().collect();
            let view = views.for_dir(&absolute);
            Walk {
                root,
                canonical_root: &canonical_root,
                exclude,
                found: &mut found,
                discovery: &mut discovery,
            }
            .run(view, &absolute, &as_given, None);
            // Everything under a directory argument is reported, even when
            // file arguments beside it narrow the report to themselves.
            walked_dirs.extend(found.keys().filter(|k| !before.contains(*k)).cloned());
        } else if metadata.is_ok() {
            let display = display_path(root, &absolute, &as_given);
            discovery.notifications.push(not_regular(display));
        } else {
            // A dangling symlink named on the command line: reading it
            // fails loudly.
            let display = display_path(root, &absolute, &as_given);
            focus.insert(display.clone());
            let kind = kind_of(&display).unwrap_or(FileKind::Yaml);
            let mut candidate = Candidate::new(display.clone(), absolute, kind);
            candidate.named = true;
            found.insert(display, candidate);
        }
    }
    // With file arguments, the callers and the kustomizations come from one
    // walk of the whole project.
    let mut index = None;
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
        let view = views.for_dir(root);
        let built = ProjectIndex::build(root, &canonical_root, view, !named_tf_dirs.is_empty());
        for caller in built.callers(&named_tf_dirs) {
            let given = display_path(root, &caller, &escaped(&caller));
            let view = views.for_dir(&caller);
            Walk {
                root,
                canonical_root: &canonical_root,
                exclude,
                found: &mut found,
                discovery: &mut discovery,
            }
            .run(view, &caller, &given, Some(1));
        }
        index = Some(built);
    }
    discovery.notifications.append(&mut views.notifications);
    discovery.charts = charts::take_charts(root, &mut found, &named_charts);
    if !discovery.kustomization_files.is_empty() || !focus.is_empty() {
        let view = views.for_dir(root);
        let index =
            index.unwrap_or_else(|| ProjectIndex::build(root, &canonical_root, view, false));
        select_kustomizations(
            root,
            &index.kustomization_files,
            exclude,
            &mut found,
            &mut focus,
            &mut discovery,
        );
    }
    discovery.files = found.into_values().collect();
    if !focus.is_empty() {
        discovery.focus = Some(focus);
    }
    discovery.notifications.sort();
    discovery.notifications.dedup();
    Ok(discovery)
}

/// What a walk lets through, shared with the walker's entry filter: ignore
/// rules (git's view), the directories never entered, and symlinks that
/// leave the project root.
struct WalkFilter {
    root: PathBuf,
    canonical_root: PathBuf,
    view: Arc<GitView>,
    /// Files and directories ignore rules kept out of the walk.
    ignored: AtomicUsize,
    notifications: Mutex<Vec<Notification>>,
}

impl WalkFilter {
    fn new(root: &Path, canonical_root: &Path, view: Arc<GitView>) -> WalkFilter {
        WalkFilter {
            root: root.to_path_buf(),
            canonical_root: canonical_root.to_path_buf(),
            view,
            ignored: AtomicUsize::new(0),
            notifications: Mutex::new(Vec::new()),
        }
    }

    fn note(&self, level: NotificationLevel, path: &Path, message: String) {
        let display = display_path(&self.root, path, &escaped(path));
        self.notifications
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Notification::file(level, display, message));
    }

    /// Whether the walk may go to `entry` (and, for a directory, into it).
    fn admits(&self, entry: &ignore::DirEntry) -> bool {
        if entry.depth() == 0 {
            return true;
        }
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        let name = entry.file_name();
        if is_dir && NEVER_ENTER.iter().any(|n| name == *n) {
            return false;
        }
        if entry.path_is_symlink() {
            // Directories are checked like files: `ext -> /outside` must not
            // be entered, nor a link to a `node_modules`.
            let scanned_kind = kind_of(&name.to_string_lossy()).is_some();
            let Ok(target) = std::fs::canonicalize(entry.path()) else {
                // Dangling: a file in scope by name still fails loudly later.
                return true;
            };
            let Ok(inside) = target.strip_prefix(&self.canonical_root) else {
                if is_dir || scanned_kind {
                    self.note(
                        NotificationLevel::Warning,
                        entry.path(),
                        "symlink points outside the project root; not followed".to_owned(),
                    );
                }
                return false;
            };
            if inside
                .components()
                .any(|c| NEVER_ENTER.iter().any(|n| c.as_os_str() == *n))
            {
                if is_dir || scanned_kind {
                    self.note(
                        NotificationLevel::Note,
                        entry.path(),
                        "symlink into .git, .terraform or node_modules; not followed".to_owned(),
                    );
                }
                return false;
            }
        }
        if self.view.hides(entry.path(), is_dir) {
            self.ignored.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        true
    }
}

/// A walk of `dir` as discovery does it: hidden files included, symlinks
/// followed while they stay inside the project root, and `filter` deciding
/// what ignore rules hide. The `ignore` crate's own ignore-file handling is
/// off: it would read files above the work tree and ripgrep's `.ignore`.
fn project_walker(dir: &Path, filter: &Arc<WalkFilter>) -> ignore::WalkBuilder {
    let mut builder = ignore::WalkBuilder::new(dir);
    let filter = Arc::clone(filter);
    builder
        .standard_filters(false)
        .follow_links(true)
        .sort_by_file_path(|a, b| a.as_os_str().cmp(b.as_os_str()))
        .filter_entry(move |entry| filter.admits(entry));
    builder
}

/// The ignore rules for walks under `dir`, one per git work tree.
struct Views {
    no_ignore: bool,
    by_top: BTreeMap<Option<PathBuf>, Arc<GitView>>,
    notifications: Vec<Notification>,
    root: PathBuf,
}

impl Views {
    fn for_dir(&mut self, dir: &Path) -> Arc<GitView> {
        let top = if self.no_ignore {
            None
        } else {
            git_view::work_tree_top(dir)
        };
        if let Some(view) = self.by_top.get(&top) {
            return Arc::clone(view);
        }
        let resolved = git_view::resolve(dir, self.no_ignore);
        if let (Some(reason), Some(top)) = (&resolved.git_failure, &top) {
            self.notifications.push(Notification::file(
                NotificationLevel::Warning,
                display_path(&self.root, top, &escaped(top)),
                format!(
                    "{reason}; the repository's .gitignore files were applied without knowing which files git tracks, so a tracked file they list was not scanned (use --no-ignore to scan everything)"
                ),
            ));
        }
        let view = Arc::new(resolved.view);
        self.by_top.insert(top, Arc::clone(&view));
        view
    }
}

/// One walk of `dir`: candidates into `found`, notices into `discovery`.
struct Walk<'a> {
    root: &'a Path,
    canonical_root: &'a Path,
    exclude: &'a GlobSet,
    found: &'a mut BTreeMap<String, Candidate>,
    discovery: &'a mut Discovery,
}

impl Walk<'_> {
    fn run(&mut self, view: Arc<GitView>, dir: &Path, dir_given: &str, max_depth: Option<usize>) {
        let filter = Arc::new(WalkFilter::new(self.root, self.canonical_root, view));
        let walker = project_walker(dir, &filter).max_depth(max_depth).build();
        let root = self.root;
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
                            let display = display_path(root, &path, &escaped(&path));
                            self.found
                                .entry(display.clone())
                                .or_insert_with(|| Candidate::new(display, path, kind));
                            continue;
                        }
                    }
                    self.discovery
                        .notifications
                        .push(walk_error(root, dir_given, &error));
                    continue;
                }
            };
            let Some(file_type) = entry.file_type() else {
                continue;
            };
            if file_type.is_dir() {
                continue;
            }
            let path = entry.path();
            if kustomize::is_kustomization_name(&entry.file_name().to_string_lossy())
                && file_type.is_file()
            {
                let display = display_path(root, path, &escaped(path));
                if entry.depth() == 0 || !self.exclude.is_match(&display) {
                    self.discovery.kustomization_files.insert(normalize(path));
                }
            }
            let Some(kind) = kind_of(&entry.file_name().to_string_lossy()) else {
                continue;
            };
            let given = Path::new(dir_given).join(path.strip_prefix(dir).unwrap_or(path));
            let display = display_path(root, path, &escaped(&given));
            if !file_type.is_file() {
                // Reading a FIFO blocks and a device never ends: say so
                // rather than skip in silence.
                self.discovery.notifications.push(not_regular(display));
                continue;
            }
            if entry.depth() > 0 && self.exclude.is_match(&display) {
                continue;
            }
            self.found
                .entry(display.clone())
                .or_insert_with(|| Candidate::new(display, path.to_path_buf(), kind));
        }
        self.discovery.ignored_paths += filter.ignored.load(Ordering::Relaxed);
        let notes = std::mem::take(
            &mut *filter
                .notifications
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        );
        self.discovery.notifications.extend(notes);
    }
}

fn not_regular(display: String) -> Notification {
    Notification::file(
        NotificationLevel::Warning,
        display,
        "not a regular file (a FIFO, socket or device); not read",
    )
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
        .map(|p| display_path(root, &p, &escaped(&p)))
        .unwrap_or_else(|| fallback.to_owned());
    let message = match loop_target {
        Some(ancestor) => format!(
            "symlink loop: points back to {}; not followed",
            display_path(root, &ancestor, &escaped(&ancestor))
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

/// Finds the kustomization roots whose builds read something the walk
/// reached (or a named file), takes every file those builds read out of
/// plain scanning, and, with file arguments, reports on all of them.
///
/// Which directories are roots is a property of the whole project (a base
/// is a root only when nothing uses it), so every kustomization under the
/// project root is read, not only those the walk met. An excluded
/// kustomization is not rendered, but still counts as using its bases.
fn select_kustomizations(
    root: &Path,
    kustomization_files: &[PathBuf],
    exclude: &GlobSet,
    found: &mut BTreeMap<String, Candidate>,
    focus: &mut BTreeSet<String>,
    discovery: &mut Discovery,
) {
    let mut dirs: BTreeSet<PathBuf> = discovery
        .kustomization_files
        .iter()
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    let mut excluded = BTreeSet::new();
    for file in kustomization_files {
        if let Some(dir) = file.parent() {
            let display = display_path(root, file, &escaped(file));
            if exclude.is_match(&display) {
                excluded.insert(normalize(dir));
            }
            dirs.insert(normalize(dir));
        }
    }
    if dirs.is_empty() {
        return;
    }
    let reached: BTreeSet<PathBuf> = found
        .values()
        .map(|c| normalize(&c.path))
        .chain(discovery.kustomization_files.iter().cloned())
        .collect();
    // With file arguments, a root is selected by a named file (or a file
    // of a named directory) it reads, not by a neighbour of one.
    let focus_paths: BTreeSet<PathBuf> = focus.iter().map(|d| normalize(&root.join(d))).collect();
    let selects = if focus.is_empty() {
        &reached
    } else {
        &focus_paths
    };
    for selected in kustomize::roots(root, &dirs) {
        // A file a build reads is never a plain manifest (a patch is a
        // fragment), even beside a named file whose root is not selected.
        found.retain(|_, c| !selected.closure.contains(&normalize(&c.path)));
        let reaches = selected.closure.iter().any(|f| selects.contains(f));
        if !reaches || excluded.contains(&selected.dir) {
            continue;
        }
        if selected.component {
            discovery.notifications.push(Notification::file(
                NotificationLevel::Note,
                selected.display.clone(),
                format!(
                    "kustomize component used by no kustomization: not rendered, and its {} file(s) are checked only through a kustomization that lists it",
                    selected.closure.len()
                ),
            ));
            continue;
        }
        if !focus.is_empty() {
            focus.extend(
                selected
                    .closure
                    .iter()
                    .map(|f| display_path(root, f, &escaped(f))),
            );
        }
        discovery.kustomize_roots.push(selected);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_escaped_byte_for_byte() {
        use std::os::unix::ffi::OsStrExt;
        let root = Path::new("/repo");
        let ff = Path::new(std::ffi::OsStr::from_bytes(b"/repo/m\xff.tf"));
        let fe = Path::new(std::ffi::OsStr::from_bytes(b"/repo/m\xfe.tf"));
        assert_eq!(display_path(root, ff, "x"), "m\\xff.tf");
        assert_eq!(display_path(root, fe, "x"), "m\\xfe.tf");
    }

    #[test]
    fn contained_paths_stay_under_their_root() {
        let root = Path::new("/repo");
        assert_eq!(
            contained(root, Path::new("/repo/charts/web"), "templates/a.yaml"),
            Some(PathBuf::from("/repo/charts/web/templates/a.yaml"))
        );
        assert_eq!(contained(root, Path::new("/repo/web"), "/etc/passwd"), None);
        assert_eq!(
            contained(root, Path::new("/repo/web"), "../../etc/passwd"),
            None
        );
        assert_eq!(
            contained(root, Path::new("/repo/web"), "a/../../../etc/passwd"),
            None
        );
    }
}
