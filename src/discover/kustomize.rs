//! Kustomizations: which directories are roots, what each root reads, and
//! what must stop a build before it starts.
//!
//! A root is a directory with a kustomization file that no other
//! kustomization in the project uses as a resource, base or component.
//! Bases are judged through the overlays that use them (like called
//! Terraform modules), so their files are never scanned on their own: every
//! file a selected root reads, directly or through its bases, is taken out of
//! plain scanning and reaches policies through the rendered output.
//!
//! The files are read here (not built): a resource that is remote (a URL, a
//! git repository) or that does not exist would make kustomize fetch it, so
//! it becomes a problem at its entry and the root is not built at all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::{contained, display_path, escaped, normalize};
use crate::source::Span;
use crate::yaml::{self, Node, NodeValue};

/// The names kustomize reads, in its order of preference.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of `dir`, if it has one.
pub fn file_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|p| p.is_file())
}

/// Whether a file name is one kustomize reads as a kustomization.
pub fn is_kustomization_name(name: &str) -> bool {
    FILE_NAMES.contains(&name)
}

/// Something in a kustomization that stops its root from being built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The kustomization file, as reported.
    pub display: String,
    /// Its text (the failure is placed in it).
    pub text: String,
    /// Byte offset of the entry at fault.
    pub offset: usize,
    pub message: String,
}

/// A kustomization root selected for rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KustomizeRoot {
    /// The root directory (absolute).
    pub dir: PathBuf,
    /// The directory as reported (`.` for the project root).
    pub dir_display: String,
    /// The root's kustomization file, as reported.
    pub display: String,
    /// Its text.
    pub text: String,
    /// Every file the build reads (kustomization files included), absolute.
    pub closure: BTreeSet<PathBuf>,
    /// Entries that stop the build; empty when it can run.
    pub problems: Vec<Problem>,
    /// Whether some kustomization of the root uses `helmCharts`.
    pub helm_charts: bool,
    /// A component no kustomization uses: it cannot be built on its own,
    /// so it is not rendered (and its files are not scanned as manifests:
    /// its patches are fragments).
    pub component: bool,
}

/// One kustomization file, read.
#[derive(Debug, Clone, Default)]
struct Kustomization {
    display: String,
    text: String,
    /// Directories it uses as resources, bases or components.
    dirs: Vec<PathBuf>,
    /// Files it reads.
    files: Vec<PathBuf>,
    problems: Vec<Problem>,
    helm_charts: bool,
    /// `kind: Component`: only ever built as part of a kustomization that
    /// lists it, so never a root.
    component: bool,
}

/// Fields whose items are paths of resources: a file, or a directory with a
/// kustomization (a base). kustomize fetches an entry it cannot find locally.
const RESOURCE_FIELDS: [&str; 3] = ["resources", "bases", "components"];

/// Fields whose items are file paths (or, for strategic-merge patches,
/// inline patches).
const FILE_FIELDS: [&str; 6] = [
    "patchesStrategicMerge",
    "crds",
    "transformers",
    "generators",
    "validators",
    "configurations",
];

/// Fields whose items are mappings with a `path`.
const PATH_ITEM_FIELDS: [&str; 3] = ["patches", "patchesJson6902", "replacements"];

/// An entry that names something kustomize would download.
fn looks_remote(entry: &str) -> bool {
    entry.contains("://")
        || entry.starts_with("git@")
        || entry.starts_with("github.com/")
        || entry.starts_with("gitlab.com/")
        || entry.starts_with("bitbucket.org/")
        || entry.contains("?ref=")
        || entry.contains(".git//")
}

impl Kustomization {
    fn read(root: &Path, file: &Path) -> Kustomization {
        let display = display_path(root, file, &escaped(file));
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let mut k = Kustomization {
            display,
            text,
            ..Kustomization::default()
        };
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let docs = match yaml::parse_documents(&k.text, yaml::Typing::Core, &yaml::Limits::YAML) {
            Ok(docs) => docs,
            // kustomize's own message names a line but not the file, when
            // the broken file is a base's.
            Err(e) => {
                k.problem(
                    Span::new(e.offset, e.offset),
                    format!("kustomization is not valid YAML: {}", e.message),
                );
                return k;
            }
        };
        let Some(NodeValue::Map(entries)) = docs
            .into_iter()
            .next()
            .and_then(|d| d.root)
            .map(|r| r.value)
        else {
            return k;
        };
        for (key, value) in &entries {
            let field = key.text.as_str();
            if field == "kind" && value.as_str() == Some("Component") {
                k.component = true;
            }
            if field == "helmCharts" || field == "helmChartInflationGenerator" {
                k.helm_charts = true;
                k.problem(
                    key.span,
                    format!("`{field}` is not rendered: scalegate does not inflate Helm charts inside kustomizations; render the chart on its own or vendor its output as a resource"),
                );
                continue;
            }
            let NodeValue::Seq(items) = &value.value else {
                if field == "openapi" {
                    if let Some(path) = value.get("path") {
                        k.file_entry(root, &dir, path);
                    }
                }
                continue;
            };
            for item in items {
                if RESOURCE_FIELDS.contains(&field) {
                    k.resource_entry(root, &dir, item);
                } else if FILE_FIELDS.contains(&field) {
                    k.file_entry(root, &dir, item);
                } else if PATH_ITEM_FIELDS.contains(&field) {
                    if let Some(path) = item.get("path") {
                        k.file_entry(root, &dir, path);
                    }
                } else if field == "configMapGenerator" || field == "secretGenerator" {
                    for list in ["files", "envs"] {
                        if let Some(NodeValue::Seq(files)) = item.get(list).map(|n| &n.value) {
                            for f in files {
                                k.file_entry(root, &dir, f);
                            }
                        }
                    }
                    if let Some(env) = item.get("env") {
                        k.file_entry(root, &dir, env);
                    }
                }
            }
        }
        k
    }

    fn problem(&mut self, span: Span, message: String) {
        self.problems.push(Problem {
            display: self.display.clone(),
            text: self.text.clone(),
            offset: span.start,
            message,
        });
    }

    /// A `resources`/`bases`/`components` entry: a local file or
    /// directory, else a problem (kustomize would fetch it).
    fn resource_entry(&mut self, root: &Path, dir: &Path, item: &Node) {
        let Some(entry) = item.as_str() else {
            return;
        };
        if looks_remote(entry) {
            self.problem(
                item.span,
                format!("remote resource {entry:?} is not fetched (scalegate never reaches the network); vendor it into the repository to have it checked"),
            );
            return;
        }
        let Some(path) = contained(root, dir, entry) else {
            self.problem(
                item.span,
                format!("resource {entry:?} leaves the project root; not read"),
            );
            return;
        };
        if path.is_dir() {
            self.dirs.push(path);
        } else if path.is_file() {
            self.files.push(path);
        } else {
            self.problem(
                item.span,
                format!("resource {entry:?} does not exist (kustomize would try to download it; scalegate does not)"),
            );
        }
    }

    /// A path of a file the build reads. `k=path` (generators) names the
    /// file after `=`; a multi-line entry is an inline patch.
    fn file_entry(&mut self, root: &Path, dir: &Path, item: &Node) {
        let Some(entry) = item.as_str() else {
            return;
        };
        if entry.contains('\n') {
            return;
        }
        let entry = entry.rsplit_once('=').map_or(entry, |(_, path)| path);
        if let Some(path) = contained(root, dir, entry) {
            self.files.push(path);
        }
    }
}

/// Every kustomization reachable from `seeds` (directories), read once.
fn read_graph(root: &Path, seeds: &BTreeSet<PathBuf>) -> BTreeMap<PathBuf, Kustomization> {
    let mut graph: BTreeMap<PathBuf, Kustomization> = BTreeMap::new();
    let mut todo: Vec<PathBuf> = seeds.iter().cloned().collect();
    while let Some(dir) = todo.pop() {
        if graph.contains_key(&dir) {
            continue;
        }
        let Some(file) = file_in(&dir) else {
            continue;
        };
        let k = Kustomization::read(root, &file);
        todo.extend(k.dirs.iter().cloned());
        graph.insert(dir, k);
    }
    graph
}

/// The roots among `kustomization_dirs` (every kustomization directory of
/// the project, absolute) and what each reads, sorted by directory; unused
/// components are among them, marked.
pub fn roots(root: &Path, kustomization_dirs: &BTreeSet<PathBuf>) -> Vec<KustomizeRoot> {
    let seeds: BTreeSet<PathBuf> = kustomization_dirs.iter().map(|d| normalize(d)).collect();
    let graph = read_graph(root, &seeds);
    let used: BTreeSet<&PathBuf> = graph.values().flat_map(|k| &k.dirs).collect();
    let mut out = Vec::new();
    let roots = graph
        .iter()
        .filter(|(d, _)| !used.contains(d) && seeds.contains(*d))
        .map(|(d, _)| d);
    for dir in roots {
        let mut closure = BTreeSet::new();
        let mut problems = Vec::new();
        let mut helm_charts = false;
        let mut seen = BTreeSet::new();
        let mut todo = vec![dir.clone()];
        while let Some(current) = todo.pop() {
            if !seen.insert(current.clone()) {
                continue;
            }
            let Some(k) = graph.get(&current) else {
                continue;
            };
            if let Some(file) = file_in(&current) {
                closure.insert(file);
            }
            closure.extend(k.files.iter().cloned());
            problems.extend(k.problems.iter().cloned());
            helm_charts |= k.helm_charts;
            todo.extend(k.dirs.iter().cloned());
        }
        let k = &graph[dir];
        out.push(KustomizeRoot {
            dir: dir.clone(),
            dir_display: display_path(root, dir, &escaped(dir)),
            display: k.display.clone(),
            text: k.text.clone(),
            closure,
            problems,
            helm_charts,
            component: k.component,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn a_base_used_by_an_overlay_is_not_a_root_and_the_overlay_reads_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = normalize(tmp.path());
        write(
            &root,
            "base/kustomization.yaml",
            "resources:\n  - app.yaml\n",
        );
        write(&root, "base/app.yaml", "kind: ConfigMap\n");
        write(
            &root,
            "prod/kustomization.yaml",
            "resources:\n  - ../base\npatches:\n  - path: p.yaml\n",
        );
        write(&root, "prod/p.yaml", "kind: ConfigMap\n");
        let dirs = BTreeSet::from([root.join("base"), root.join("prod")]);
        let roots = roots(&root, &dirs);
        assert_eq!(roots.len(), 1);
        assert_eq!(roots[0].display, "prod/kustomization.yaml");
        let closure: Vec<String> = roots[0]
            .closure
            .iter()
            .map(|p| display_path(&root, p, ""))
            .collect();
        assert_eq!(
            closure,
            [
                "base/app.yaml",
                "base/kustomization.yaml",
                "prod/kustomization.yaml",
                "prod/p.yaml"
            ]
        );
        assert!(roots[0].problems.is_empty());
    }

    #[test]
    fn an_unused_component_is_marked_as_one() {
        let tmp = tempfile::tempdir().unwrap();
        let root = normalize(tmp.path());
        write(
            &root,
            "extra/kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n",
        );
        let found = roots(&root, &BTreeSet::from([root.join("extra")]));
        assert!(found[0].component);
    }

    #[test]
    fn remote_and_missing_resources_are_problems_at_their_entry() {
        let tmp = tempfile::tempdir().unwrap();
        let root = normalize(tmp.path());
        let text = "resources:\n  - https://github.com/x/y//base?ref=v1\n  - gone\n";
        write(&root, "app/kustomization.yaml", text);
        let roots = roots(&root, &BTreeSet::from([root.join("app")]));
        let offsets: Vec<usize> = roots[0].problems.iter().map(|p| p.offset).collect();
        assert_eq!(offsets, [15, 55]);
        assert!(roots[0].problems[0].message.contains("not fetched"));
        assert!(roots[0].problems[1].message.contains("does not exist"));
    }
}
