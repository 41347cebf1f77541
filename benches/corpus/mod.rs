//! Where the benchmarks find their corpus: the real repositories listed in
//! `benches/corpus.txt`, fetched by `benches/fetch-corpus` into
//! `target/bench-corpus`, or any directory named by `SCALEGATE_BENCH_CORPUS`.
//! Nothing is downloaded by a benchmark itself.

use std::path::{Path, PathBuf};

/// The corpus directory, canonical, or `None` (with the reason printed)
/// when it is not there.
pub fn directory() -> Option<PathBuf> {
    let path = match std::env::var_os("SCALEGATE_BENCH_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-corpus"),
    };
    if !path.is_dir() {
        eprintln!(
            "{} not found: run benches/fetch-corpus, or set SCALEGATE_BENCH_CORPUS; nothing to benchmark",
            path.display()
        );
        return None;
    }
    Some(path.canonicalize().unwrap_or(path))
}

/// `PATH` with `target/tools/bin` first, where `.ci/install-helm` puts Helm
/// and kubectl: the corpus holds charts and kustomizations, which a scan
/// renders (and without a renderer refuses to scan).
pub fn search_path() -> Option<std::ffi::OsString> {
    let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/bin");
    let mut dirs = vec![tools];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).ok()
}
