//! Benchmarks on real repositories (`benches/corpus.txt`; docs/architecture.md
//! "Performance model"): discovery, parse-only and a full scan with the
//! built-in pack, on one thread and on all cores.
//!
//! `cargo bench` prints medians; the README's performance table is made from
//! them. Nothing here asserts a time: the machines are shared and noisy.

mod corpus;

use std::path::Path;

use scalegate::scan::{self, Options};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn options(threads: usize) -> Options {
    let corpus = corpus::directory().expect("corpus present");
    Options {
        paths: vec![corpus.clone()],
        cwd: corpus,
        threads: Some(threads),
        search_path: corpus::search_path(),
        ..Options::default()
    }
}

fn thread_counts() -> Vec<usize> {
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    if all > 1 {
        vec![1, all]
    } else {
        vec![1]
    }
}

fn main() {
    // As the binary does: no backtraces for the engine's discarded errors.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    let Some(corpus) = corpus::directory() else {
        return;
    };
    let prepared = scan::prepare(&options(1)).expect("built-in pack loads");
    let loaded = scan::load_inputs(&options(1), &prepared).expect("corpus loads");
    let bytes: u64 = walk_bytes(&corpus);
    eprintln!(
        "corpus: {} ({} files in scope, {} bundles, {} resources, {:.1} MB of candidate files)",
        corpus.display(),
        loaded.files_scanned,
        loaded.bundles.len(),
        loaded
            .bundles
            .iter()
            .map(|b| b.resources.len())
            .sum::<usize>(),
        bytes as f64 / 1e6
    );
    divan::main();
}

fn walk_bytes(dir: &Path) -> u64 {
    ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .build()
        .flatten()
        .filter(|e| {
            e.file_type().is_some_and(|t| t.is_file())
                && scalegate::discover::kind_of(&e.file_name().to_string_lossy()).is_some()
        })
        .filter_map(|e| e.metadata().ok().map(|m| m.len()))
        .sum()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn discovery(bencher: divan::Bencher) {
    let corpus = corpus::directory().expect("corpus present");
    let exclude = globset::GlobSet::empty();
    bencher.bench(|| {
        scalegate::discover::discover(
            &corpus,
            &[(corpus.clone(), corpus.display().to_string())],
            &exclude,
            false,
        )
        .expect("corpus exists")
        .files
        .len()
    });
}

#[divan::bench(args = thread_counts(), sample_count = 5, sample_size = 1)]
fn parse_only(bencher: divan::Bencher, threads: usize) {
    let options = options(threads);
    let prepared = scan::prepare(&options).expect("built-in pack loads");
    bencher.bench(|| {
        scan::load_inputs(&options, &prepared)
            .expect("corpus loads")
            .bundles
            .len()
    });
}

#[divan::bench(args = thread_counts(), sample_count = 5, sample_size = 1)]
fn full_scan(bencher: divan::Bencher, threads: usize) {
    let options = options(threads);
    bencher.bench(|| {
        let (report, _) = scan::scan(&options).expect("scan runs");
        report.findings.len()
    });
}
