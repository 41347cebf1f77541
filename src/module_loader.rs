//! Reads the Terraform module directories that discovery does not walk but
//! that evaluation needs: local module sources outside the scanned paths,
//! and the copies `terraform init` downloaded under `.terraform/modules`
//! (listed in `.terraform/modules/modules.json` of a root module).

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::discover::{self, Candidate, FileKind};
use crate::model::{Notification, NotificationLevel};
use crate::parse::terraform::{Modules, TerraformFile};
use crate::parse::ParseError;
use crate::source::SharedSource;

/// Reads one candidate file; `Err` for a file that cannot be read or parsed.
pub type ReadFile<'r> =
    dyn Fn(&Candidate) -> Result<TerraformFile, (SharedSource, ParseError)> + Sync + 'r;

/// Reads `modules.json` of every scanned directory, then every directory a
/// module call or `modules.json` names, until nothing is missing. Files that
/// fail to parse are returned, to be reported like any other.
pub fn complete(
    root: &Path,
    modules: &mut Modules,
    read: &ReadFile,
    notifications: &mut Vec<Notification>,
) -> Vec<(SharedSource, ParseError)> {
    let mut failures = Vec::new();
    let scanned: Vec<String> = modules.scanned.keys().cloned().collect();
    for dir in scanned {
        if let Some(entries) = downloaded_modules(root, &dir, notifications) {
            modules.downloaded.insert(dir, entries);
        }
    }
    loop {
        let missing = modules.missing_dirs();
        if missing.is_empty() {
            break;
        }
        for dir in missing {
            let candidates = tf_files(root, &dir, notifications);
            let read_files: Vec<_> = candidates.par_iter().map(read).collect();
            let mut files = Vec::new();
            for file in read_files {
                match file {
                    Ok(file) => files.push(file),
                    Err(failure) => failures.push(failure),
                }
            }
            // An empty entry still marks the directory as looked at.
            modules.called.insert(dir, files);
        }
    }
    failures
}

/// The `.tf` and `.tf.json` files directly in `root/dir`, sorted, as candidates. A
/// directory or file that resolves outside the project root (through a
/// symlink) is not read: a module path comes from scanned content.
fn tf_files(root: &Path, dir: &str, notifications: &mut Vec<Notification>) -> Vec<Candidate> {
    // Directories outside the root were named on the command line (their
    // module paths are absolute); the rest must stay inside.
    let (within, dir_path) = if Path::new(dir).is_absolute() {
        let path = discover::normalize(Path::new(dir));
        (path.clone(), Some(path))
    } else {
        (root.to_path_buf(), discover::contained(root, root, dir))
    };
    let Some(dir_path) = dir_path else {
        notifications.push(outside_root(dir));
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir_path) else {
        return Vec::new();
    };
    let mut names: Vec<std::ffi::OsString> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .filter(|name| {
            let name = name.to_string_lossy();
            name.ends_with(".tf") || name.ends_with(".tf.json")
        })
        .collect();
    names.sort();
    let mut candidates = Vec::new();
    for name in names {
        let display_name = discover::escaped(Path::new(&name));
        let display = if dir == "." {
            display_name.clone()
        } else {
            format!("{dir}/{display_name}")
        };
        let path = dir_path.join(&name);
        if !resolves_inside(&within, &path) {
            notifications.push(outside_root(&display));
            continue;
        }
        if !path.is_file() {
            continue;
        }
        let kind = if display.ends_with(".json") {
            FileKind::TerraformJson
        } else {
            FileKind::Terraform
        };
        candidates.push(Candidate {
            display,
            path,
            kind,
            dir: dir.to_owned(),
            named: false,
        });
    }
    candidates
}

/// Whether `path`, symlinks resolved, is under `within` (a path that does
/// not resolve is left to the reader, which fails loudly).
fn resolves_inside(within: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(within), std::fs::canonicalize(path)) {
        (Ok(within), Ok(path)) => path.starts_with(within),
        _ => true,
    }
}

fn outside_root(display: &str) -> Notification {
    Notification::file(
        NotificationLevel::Warning,
        display.to_owned(),
        "module path resolves outside the project root (a symlink); not read",
    )
}

/// `modules.json` key → module directory (relative to the project root) for
/// the root module in `dir`, if `terraform init` ran there.
fn downloaded_modules(
    root: &Path,
    dir: &str,
    notifications: &mut Vec<Notification>,
) -> Option<BTreeMap<String, String>> {
    let manifest = Path::new(dir).join(".terraform/modules/modules.json");
    let module_dir = discover::normalize(&root.join(dir));
    // `.terraform` may be a symlink: the manifest must be the module's own.
    let manifest_path =
        discover::contained(&module_dir, &module_dir, ".terraform/modules/modules.json")?;
    let text = std::fs::read_to_string(manifest_path).ok()?;
    let display = manifest
        .to_string_lossy()
        .trim_start_matches("./")
        .to_owned();
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(e) => {
            notifications.push(Notification::file(
                NotificationLevel::Warning,
                display,
                format!(
                    "cannot read the module manifest ({e}); downloaded modules are not checked"
                ),
            ));
            return None;
        }
    };
    let mut entries = BTreeMap::new();
    for module in json["Modules"].as_array().into_iter().flatten() {
        let (Some(key), Some(module_dir)) = (module["Key"].as_str(), module["Dir"].as_str()) else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        let joined = crate::parse::terraform::join_module_dir(dir, module_dir);
        match joined {
            Some(path) => {
                entries.insert(key.to_owned(), path);
            }
            None => notifications.push(Notification::file(
                NotificationLevel::Warning,
                display.clone(),
                format!("module {key:?} is outside the project root ({module_dir}); not checked"),
            )),
        }
    }
    Some(entries)
}
