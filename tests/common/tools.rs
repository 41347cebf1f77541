//! External tools the rendering tests need (Helm, kubectl), found the way CI
//! installs them.

use std::path::{Path, PathBuf};

/// The tool `name`: in `SCALEGATE_TEST_TOOLS` (a bin directory), else in
/// `target/tools/bin` under the crate root, else on PATH. Panics with how
/// to install it when absent: a test that needs it must not pass without it.
pub fn tool(name: &str) -> PathBuf {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("SCALEGATE_TEST_TOOLS") {
        dirs.push(PathBuf::from(dir));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/bin"));
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.iter()
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("{name} not found: run `bash .ci/install-helm` (it installs Helm and kubectl into target/tools/bin) or set SCALEGATE_TEST_TOOLS to a directory holding {name}")
        })
}
