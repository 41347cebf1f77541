//! What a run with file arguments needs to know about the rest of the
//! project, gathered in one walk: which directories call which through a
//! local module `source`, and where the kustomization files are.
//!
//! A named file is evaluated through the modules that call it and a
//! kustomization root is selected by any file its build reads, so both are
//! questions about the whole project, not the named files' directories. They
//! share one parallel walk (a pre-commit run with one changed file spends
//! most of its time here); only `.tf` files that contain `source` are split
//! into lines, and the results are sorted, so they do not depend on the
//! order the walker's threads meet the files in.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};

use ignore::WalkState;
use memchr::memmem;

use super::{kustomize, normalize, project_walker, GitView, WalkFilter};

/// The local module calls and kustomization files under a project root.
#[derive(Debug, Default)]
pub struct ProjectIndex {
    /// `(calling directory, called directory)`, both normalised; sorted,
    /// without duplicates.
    pub calls: Vec<(PathBuf, PathBuf)>,
    /// Kustomization files, as the walk reached them (root-joined, not
    /// normalised); sorted, without duplicates.
    pub kustomization_files: Vec<PathBuf>,
}

impl ProjectIndex {
    /// Walks `root` once, through `view`'s ignore rules. `read_calls: false`
    /// skips reading `.tf` files (nothing asks for callers).
    pub fn build(
        root: &Path,
        canonical_root: &Path,
        view: Arc<GitView>,
        read_calls: bool,
    ) -> ProjectIndex {
        let filter = Arc::new(WalkFilter::new(root, canonical_root, view));
        let calls = Mutex::new(Vec::new());
        let kustomization_files = Mutex::new(Vec::new());
        project_walker(root, &filter).build_parallel().run(|| {
            Box::new(|entry| {
                // Unreadable entries are reported by the walks of the
                // directories they belong to, not by this search.
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    return WalkState::Continue;
                }
                let path = entry.path();
                if kustomize::is_kustomization_name(&entry.file_name().to_string_lossy()) {
                    lock(&kustomization_files).push(path.to_path_buf());
                } else if read_calls && path.extension().is_some_and(|e| e == "tf") {
                    let found = module_calls(path);
                    if !found.is_empty() {
                        lock(&calls).extend(found);
                    }
                }
                WalkState::Continue
            })
        });
        let mut calls = calls.into_inner().unwrap_or_else(|e| e.into_inner());
        calls.sort();
        calls.dedup();
        let mut kustomization_files = kustomization_files
            .into_inner()
            .unwrap_or_else(|e| e.into_inner());
        kustomization_files.sort();
        kustomization_files.dedup();
        ProjectIndex {
            calls,
            kustomization_files,
        }
    }

    /// The directories whose `.tf` files call a module in one of `targets`
    /// (or in a caller of one, and so on).
    pub fn callers(&self, targets: &BTreeSet<PathBuf>) -> BTreeSet<PathBuf> {
        let mut wanted: BTreeSet<PathBuf> = targets.clone();
        let mut found = BTreeSet::new();
        loop {
            let new: Vec<PathBuf> = self
                .calls
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
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// The local module calls (`source = "./…"` or `"../…"`) of one `.tf` file,
/// found by reading lines, not by parsing: a file that is not UTF-8 has
/// none.
fn module_calls(path: &Path) -> Vec<(PathBuf, PathBuf)> {
    let (Ok(text), Some(dir)) = (std::fs::read_to_string(path), path.parent()) else {
        return Vec::new();
    };
    source_lines(&text)
        .filter_map(local_source)
        .map(|value| (normalize(dir), normalize(&dir.join(value))))
        .collect()
}

/// The lines of `text` whose first word starts with `source`, found from
/// the occurrences of `source` rather than by splitting every line: most
/// lines of a `.tf` file are not looked at. memchr's vectorised search, as
/// `source` is common in Terraform (`source_arn`, data sources), and this
/// search runs over every `.tf` file of the project.
fn source_lines(text: &str) -> impl Iterator<Item = &str> {
    static SOURCE: LazyLock<memmem::Finder<'static>> =
        LazyLock::new(|| memmem::Finder::new("source"));
    let bytes = text.as_bytes();
    SOURCE.find_iter(bytes).filter_map(move |at| {
        let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |n| n + 1);
        if !text[start..at].trim_start().is_empty() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |n| at + n);
        Some(&text[start..end])
    })
}

/// The value of a `source = "./…"` / `"../…"` line.
fn local_source(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("source")?;
    let value = rest.trim_start().strip_prefix('=')?;
    let value = value.trim().trim_matches('"');
    (value.starts_with("./") || value.starts_with("../")).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_sources_are_calls() {
        assert_eq!(
            local_source("  source = \"../modules/vpc\""),
            Some("../modules/vpc")
        );
        assert_eq!(local_source("source=\"./net\""), Some("./net"));
        assert_eq!(
            local_source("  source = \"terraform-aws-modules/vpc/aws\""),
            None
        );
        assert_eq!(local_source("  source_ranges = [\"./x\"]"), None);
        assert_eq!(local_source("  # source = \"./commented\""), None);
    }

    #[test]
    fn source_lines_are_the_lines_that_start_with_source() {
        let text = "module \"a\" {\r\n  source = \"./a\"\r\n  x = \"source\"\r\n}\nsource=\"../b\"";
        let lines: Vec<&str> = source_lines(text).collect();
        assert_eq!(lines, ["  source = \"./a\"\r", "source=\"../b\""]);
        let calls: Vec<&str> = lines.into_iter().filter_map(local_source).collect();
        assert_eq!(calls, ["./a", "../b"]);
    }

    #[test]
    fn source_lines_read_around_multibyte_text_and_without_a_final_newline() {
        let text =
            "source = \"./first\"\n# é source\n\u{a0} source = \"./nbsp\"\n\tsource = \"./last\"";
        let lines: Vec<&str> = source_lines(text).collect();
        assert_eq!(
            lines,
            [
                "source = \"./first\"",
                "\u{a0} source = \"./nbsp\"",
                "\tsource = \"./last\""
            ]
        );
    }

    #[test]
    fn callers_follow_chains_of_calls() {
        let p = |s: &str| PathBuf::from(s);
        let index = ProjectIndex {
            calls: vec![
                (p("/r/app"), p("/r/mid")),
                (p("/r/mid"), p("/r/leaf")),
                (p("/r/other"), p("/r/unrelated")),
            ],
            kustomization_files: Vec::new(),
        };
        let targets = BTreeSet::from([p("/r/leaf")]);
        assert_eq!(
            index.callers(&targets),
            BTreeSet::from([p("/r/app"), p("/r/mid")])
        );
    }
}
