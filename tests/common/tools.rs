//! External tools the tests run (Helm, kubectl), found the way CI installs
//! them: `SCALEGATE_TEST_TOOLS` (a bin directory), else `target/tools/bin`
//! under the crate (what `.ci/install-helm` fills), else `PATH`. A missing
//! tool fails the test: skipping would pass a gate that checked nothing.

#![allow(dead_code)]

use std::path::PathBuf;

/// The path of the tool `name` (`helm`, `kubectl`), or a panic saying how
/// to install it.
pub fn tool(name: &str) -> std::path::PathBuf {
    let file = if cfg!(windows) {
        format!("{name}.exe")
    } else {
        name.to_owned()
    };
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
        .unwrap_or_else(|| {
            panic!(
                "`{name}` not found in $SCALEGATE_TEST_TOOLS, target/tools/bin or PATH: run `bash .ci/install-helm` (it installs helm and kubectl into target/tools/bin)"
            )
        })
}
