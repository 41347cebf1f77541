//! Reads the Terraform module directories that discovery does not walk but
//! that evaluation needs: local module sources outside the scanned paths,
//! and the copies `terraform init` downloaded under `.terraform/modules`
//! (listed in `.terraform/modules/modules.json` of a root module).

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::discover::{Candidate, FileKind};
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
            let candidates = tf_files(root, &dir);
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

/// The `.tf` and `.tf.json` files directly in `root/dir`, sorted, as
/// candidates.
fn tf_files(root: &Path, dir: &str) -> Vec<Candidate> {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".tf") || name.ends_with(".tf.json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| Candidate {
            display: if dir == "." {
                name.clone()
            } else {
                format!("{dir}/{name}")
            },
            path: root.join(dir).join(&name),
            kind: if name.ends_with(".json") {
                FileKind::TerraformJson
            } else {
                FileKind::Terraform
            },
            dir: dir.to_owned(),
        })
        .collect()
}

/// `modules.json` key → module directory (relative to the project root) for
/// the root module in `dir`, if `terraform init` ran there.
fn downloaded_modules(
    root: &Path,
    dir: &str,
    notifications: &mut Vec<Notification>,
) -> Option<BTreeMap<String, String>> {
    let manifest = Path::new(dir).join(".terraform/modules/modules.json");
    let text = std::fs::read_to_string(root.join(&manifest)).ok()?;
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
