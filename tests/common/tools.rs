//! External tools the tests run for real (Helm, kubectl): found through
//! `SCALEGATE_TEST_TOOLS` (a bin directory), then `target/tools/bin` under
//! the crate root (where `.ci/install-helm` puts them), then `PATH`. A
//! missing tool fails the test: a skipped test would pass without checking
//! anything.

use std::path::{Path, PathBuf};

/// The path of the tool `name`, or a panic saying how to install it.
pub fn tool(name: &str) -> PathBuf {
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("SCALEGATE_TEST_TOOLS") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("tools")
            .join("bin"),
    );
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter()
        .map(|dir| dir.join(&file))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` was not found in $SCALEGATE_TEST_TOOLS, target/tools/bin or PATH; \
                 run `bash .ci/install-helm` (it installs Helm and kubectl into target/tools/bin)"
            )
        })
}
