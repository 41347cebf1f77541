//! Which paths ignore rules hide: the repository as git sees it.
//!
//! Inside a git work tree a file is scanned when git tracks it or when it is
//! untracked and the repository's own ignore rules (`.gitignore` files from
//! the work tree's top down, `.git/info/exclude`) do not exclude it. Ignore
//! files above the work tree, the user's global excludes file and ripgrep's
//! `.ignore` never apply: a repository under review must not be able to hide
//! its own inputs, and the runner's settings must not change the verdict.
//! Outside a git work tree no ignore file applies.
//!
//! What git tracks is asked of git itself (`git ls-files`), since reading
//! `.git/index` would need a heavy dependency. When `.git` holds a repository
//! (it has `HEAD`, or is a worktree's `.git` file) but git cannot list it —
//! git missing, a corrupt index — the `.gitignore` files are applied as git
//! would apply them to untracked files, and a warning says that tracked files
//! may have been hidden: scanning less without saying so is never an option.
//! A `.git` directory without `HEAD` is not a repository: nothing is tracked,
//! so applying its `.gitignore` files is exactly git's view.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;

use ignore::gitignore::{Gitignore, GitignoreBuilder};

/// The ignore rules in force for one walk.
#[derive(Debug)]
pub enum GitView {
    /// Outside a git work tree, or `--no-ignore`: nothing is hidden.
    Everything,
    /// What `git ls-files` listed (tracked, plus untracked not ignored),
    /// relative to the work tree's top.
    Listed {
        top: PathBuf,
        listed: HashSet<PathBuf>,
        /// Every directory holding a listed path, so that directories with
        /// nothing listed (ignored ones) are not entered.
        dirs: HashSet<PathBuf>,
    },
    /// `.gitignore` files from `top` down, read as the walk reaches them.
    Gitignore {
        top: PathBuf,
        exclude: Option<Gitignore>,
        files: Mutex<HashMap<PathBuf, Option<Gitignore>>>,
    },
}

/// A view and, when git could not be asked, why.
#[derive(Debug)]
pub struct Resolved {
    pub view: GitView,
    /// Set when `.git` looks like a repository but git failed to list it.
    pub git_failure: Option<String>,
}

/// The nearest directory at or above `dir` that has a `.git` entry.
pub fn work_tree_top(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// The view for a walk of `dir` (absolute, normalised).
pub fn resolve(dir: &Path, no_ignore: bool) -> Resolved {
    let everything = Resolved {
        view: GitView::Everything,
        git_failure: None,
    };
    if no_ignore {
        return everything;
    }
    let Some(top) = work_tree_top(dir) else {
        return everything;
    };
    let dot_git = top.join(".git");
    let is_repository = dot_git.is_file() || dot_git.join("HEAD").is_file();
    let fallback = |git_failure: Option<String>| Resolved {
        view: GitView::Gitignore {
            exclude: info_exclude(&dot_git),
            top: top.clone(),
            files: Mutex::new(HashMap::new()),
        },
        git_failure,
    };
    if !is_repository {
        return fallback(None);
    }
    match git_ls_files(&top) {
        Ok(paths) => {
            let mut dirs = HashSet::new();
            for path in &paths {
                for ancestor in path.ancestors().skip(1) {
                    if !dirs.insert(ancestor.to_path_buf()) {
                        break;
                    }
                }
            }
            Resolved {
                view: GitView::Listed {
                    top,
                    listed: paths.into_iter().collect(),
                    dirs,
                },
                git_failure: None,
            }
        }
        Err(reason) => fallback(Some(reason)),
    }
}

fn info_exclude(dot_git: &Path) -> Option<Gitignore> {
    let path = dot_git.join("info").join("exclude");
    if !path.is_file() {
        return None;
    }
    let top = dot_git.parent()?;
    let mut builder = GitignoreBuilder::new(top);
    builder.add(&path);
    builder.build().ok()
}

/// Tracked paths plus untracked ones the repository's own rules keep.
fn git_ls_files(top: &Path) -> Result<Vec<PathBuf>, String> {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(top)
        // The user's global excludes file is not the repository's rule.
        .args(["-c", "core.excludesFile=", "-c", "core.quotePath=false"])
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped());
    // A hook or wrapper may point git elsewhere; the walk is about `top`.
    for variable in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_COMMON_DIR",
    ] {
        command.env_remove(variable);
    }
    if let Some(parent) = top.parent() {
        // Never let git find a repository above `top`.
        command.env("GIT_CEILING_DIRECTORIES", parent);
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!(
            "git ls-files failed: {}",
            stderr.lines().next().unwrap_or("").trim()
        ));
    }
    Ok(output
        .stdout
        .split(|b| *b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(bytes_to_os(p)))
        .collect())
}

#[cfg(unix)]
fn bytes_to_os(bytes: &[u8]) -> OsString {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::OsStr::from_bytes(bytes).to_os_string()
}

#[cfg(not(unix))]
fn bytes_to_os(bytes: &[u8]) -> OsString {
    OsString::from(String::from_utf8_lossy(bytes).into_owned())
}

impl GitView {
    /// Whether ignore rules hide `path` (absolute, under the walked
    /// directory) from the scan.
    pub fn hides(&self, path: &Path, is_dir: bool) -> bool {
        match self {
            GitView::Everything => false,
            GitView::Listed { top, listed, dirs } => {
                let Ok(rel) = path.strip_prefix(top) else {
                    return false;
                };
                if rel.as_os_str().is_empty() {
                    return false;
                }
                // A listed symlink or submodule covers what is under it.
                let covered = rel
                    .ancestors()
                    .take_while(|a| !a.as_os_str().is_empty())
                    .any(|a| listed.contains(a));
                !(covered || (is_dir && dirs.contains(rel)))
            }
            GitView::Gitignore {
                top,
                exclude,
                files,
            } => {
                let Ok(rel) = path.strip_prefix(top) else {
                    return false;
                };
                if rel.as_os_str().is_empty() || rel.starts_with(".git") {
                    return false;
                }
                let mut ignored = exclude
                    .as_ref()
                    .is_some_and(|g| g.matched(path, is_dir).is_ignore());
                let mut cache = files.lock().unwrap_or_else(|e| e.into_inner());
                // Deeper files take precedence, as in git.
                let mut dirs: Vec<&Path> = path
                    .ancestors()
                    .skip(1)
                    .take_while(|a| a.starts_with(top))
                    .collect();
                dirs.reverse();
                for dir in dirs {
                    let gitignore = cache
                        .entry(dir.to_path_buf())
                        .or_insert_with(|| read_gitignore(dir));
                    if let Some(gitignore) = gitignore {
                        let matched = gitignore.matched(path, is_dir);
                        if matched.is_ignore() {
                            ignored = true;
                        } else if matched.is_whitelist() {
                            ignored = false;
                        }
                    }
                }
                ignored
            }
        }
    }
}

fn read_gitignore(dir: &Path) -> Option<Gitignore> {
    let path = dir.join(".gitignore");
    if !path.is_file() {
        return None;
    }
    let mut builder = GitignoreBuilder::new(dir);
    builder.add(&path);
    builder.build().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_paths_and_their_directories_are_kept() {
        let top = PathBuf::from("/repo");
        let listed: HashSet<PathBuf> = ["a/main.tf", "link"].iter().map(PathBuf::from).collect();
        let dirs: HashSet<PathBuf> = [PathBuf::from("a"), PathBuf::from("")].into();
        let view = GitView::Listed { top, listed, dirs };
        assert!(!view.hides(Path::new("/repo/a/main.tf"), false));
        assert!(!view.hides(Path::new("/repo/a"), true));
        assert!(!view.hides(Path::new("/repo/link/x.tf"), false));
        assert!(view.hides(Path::new("/repo/a/other.tf"), false));
        assert!(view.hides(Path::new("/repo/build"), true));
    }
}
