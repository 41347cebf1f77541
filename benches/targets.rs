//! The performance targets, measured as a user meets them: the release
//! binary run as a whole process on two sets of the benchmark corpus
//! (`benches/corpus.txt`) and on one file of it, medians of several runs.
//!
//! * the 13 terraform-aws-modules repositories, and kubernetes/examples with
//!   kube-prometheus, each read as plain files: copied once into
//!   `target/bench-sets/` without the `kustomization.yaml` and `Chart.yaml`
//!   files that would have scalegate render them;
//! * for each set: the wall time of a whole scan, its peak memory, and the
//!   scan's time over its parse-only time in the same run (`scan --timings`:
//!   discovery + parse + Terraform evaluation, against that plus rule
//!   evaluation and reporting);
//! * a pre-commit run: one module file of the whole corpus, named on the
//!   command line, evaluated through its callers.
//!
//! `cargo bench --bench targets` prints the figures; nothing here asserts a
//! time, the machines being shared and noisy. `SCALEGATE_BENCH_RUNS` sets the
//! number of runs (default 5); `SCALEGATE_BENCH_BINARY` measures another
//! build of scalegate instead (one from before a change, to compare), or
//! several, separated by `:` as in `PATH` and run in turn within each round,
//! so that before and after share the machine's load.

mod corpus;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A set of corpus repositories, scanned as one directory.
struct Set {
    name: &'static str,
    /// Repository directories of the corpus, by name or name prefix.
    repositories: &'static [&'static str],
}

const SETS: [Set; 2] = [
    Set {
        name: "terraform",
        repositories: &["terraform-aws-modules__"],
    },
    Set {
        name: "kubernetes",
        repositories: &[
            "kubernetes__examples",
            "prometheus-operator__kube-prometheus",
        ],
    },
];

/// Files that make scalegate render a directory instead of reading it.
const RENDER_TRIGGERS: [&str; 4] = [
    "kustomization.yaml",
    "kustomization.yml",
    "Kustomization",
    "Chart.yaml",
];

/// The pre-commit case: a module file with callers elsewhere in the corpus.
const PRE_COMMIT_FILE: &str =
    "terraform-aws-modules__terraform-aws-vpc/modules/vpc-endpoints/main.tf";

/// A scan of a whole set, from inside its copy. The copy is under `target/`,
/// which this repository's `.gitignore` leaves out: hence `--no-ignore`.
const SET_SCAN: &[&str] = &[
    "scan",
    "--no-ignore",
    ".",
    "--fail-on",
    "never",
    "--format",
    "json",
];

/// What one process run measured.
struct Run {
    wall: Duration,
    peak_rss_bytes: u64,
}

/// What several runs of one binary measured, for one set.
#[derive(Default)]
struct SetFigures {
    walls: Vec<f64>,
    peaks: Vec<f64>,
    parse_only: Vec<f64>,
    ratios: Vec<f64>,
}

fn main() {
    let Some(corpus) = corpus::directory() else {
        return;
    };
    // Other builds (releases before a change) to compare with, separated as
    // in `PATH`; each is measured in turn within every round of runs.
    let binaries: Vec<PathBuf> = match std::env::var_os("SCALEGATE_BENCH_BINARY") {
        Some(list) => std::env::split_paths(&list).collect(),
        None => vec![PathBuf::from(env!("CARGO_BIN_EXE_scalegate"))],
    };
    let runs: usize = std::env::var("SCALEGATE_BENCH_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5)
        .max(1);
    let sets_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-sets");
    println!("{runs} runs each, interleaved; medians");
    let mut lines: Vec<Vec<String>> = vec![Vec::new(); binaries.len()];
    for set in &SETS {
        let dir = sets_dir.join(set.name);
        let files = copy_set(&corpus, set, &dir);
        let mut figures: Vec<SetFigures> = binaries.iter().map(|_| SetFigures::default()).collect();
        // Interleaved, so a change in the machine's load touches every
        // binary and both figures alike.
        for _ in 0..runs {
            for (binary, figures) in binaries.iter().zip(&mut figures) {
                let run = run(binary, &dir, &[SET_SCAN, &["-o", "/dev/null"]].concat());
                figures.walls.push(run.wall.as_secs_f64());
                figures.peaks.push(run.peak_rss_bytes as f64);
                let (parse, scan) = phases(binary, &dir);
                figures.parse_only.push(parse);
                figures.ratios.push(scan / parse);
            }
        }
        for (lines, mut figures) in lines.iter_mut().zip(figures) {
            lines.push(format!(
                "{} set ({files} files): scan {:.3} s wall, peak {:.0} MB; parse-only {:.3} s, scan / parse-only {:.2}x",
                set.name,
                median(&mut figures.walls),
                median(&mut figures.peaks) / 1e6,
                median(&mut figures.parse_only) / 1000.0,
                median(&mut figures.ratios),
            ));
        }
    }
    let mut walls: Vec<Vec<f64>> = vec![Vec::new(); binaries.len()];
    for _ in 0..runs {
        for (binary, walls) in binaries.iter().zip(&mut walls) {
            let run = run(
                binary,
                &corpus,
                &[
                    "scan",
                    PRE_COMMIT_FILE,
                    "--fail-on",
                    "never",
                    "--format",
                    "json",
                    "-o",
                    "/dev/null",
                ],
            );
            walls.push(run.wall.as_secs_f64());
        }
    }
    for ((binary, lines), mut walls) in binaries.iter().zip(lines).zip(walls) {
        println!("binary: {}", binary.display());
        for line in lines {
            println!("{line}");
        }
        println!(
            "pre-commit, one module file of the whole corpus ({PRE_COMMIT_FILE}): {:.3} s wall",
            median(&mut walls)
        );
    }
}

/// Copies the set's repositories from the corpus into `dir`, leaving out the
/// files that would have them rendered and any symbolic link; done once (a
/// `.complete` marker records it). Returns the number of files.
fn copy_set(corpus: &Path, set: &Set, dir: &Path) -> usize {
    let marker = dir.join(".complete");
    if !marker.exists() {
        let _ = fs::remove_dir_all(dir);
        let mut repositories: Vec<PathBuf> = fs::read_dir(corpus)
            .expect("corpus readable")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                path.is_dir() && set.repositories.iter().any(|r| name.starts_with(r))
            })
            .collect();
        repositories.sort();
        for repository in repositories {
            let name = repository.file_name().expect("a directory name");
            copy_tree(&repository, &dir.join(name));
        }
        fs::write(&marker, "").expect("bench-sets writable");
    }
    count_files(dir)
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("bench-sets writable");
    for entry in fs::read_dir(from).expect("corpus readable").flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let name = entry.file_name();
        if kind.is_dir() {
            copy_tree(&path, &to.join(&name));
        } else if kind.is_file() && !RENDER_TRIGGERS.iter().any(|t| name == *t) {
            fs::copy(&path, to.join(&name)).expect("bench-sets writable");
        }
    }
}

fn count_files(dir: &Path) -> usize {
    fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => count_files(&entry.path()),
            Ok(kind) if kind.is_file() && entry.file_name() != ".complete" => 1,
            _ => 0,
        })
        .sum()
}

/// The binary run in `dir` with `args`, Helm and kubectl on its `PATH`,
/// its stderr (notes on undownloaded modules, …) dropped.
fn scalegate(binary: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(binary);
    command
        .args(args)
        .current_dir(dir)
        .env("PATH", corpus::search_path().unwrap_or_default())
        .stderr(Stdio::null());
    command
}

/// Runs the binary in `dir` and measures its wall time and peak resident
/// memory (the kernel's high-water mark for the child, from `wait4`).
// The child is reaped by `wait4`, which also gives its peak memory;
// `Child::wait` would reap it without.
#[allow(clippy::zombie_processes)]
fn run(binary: &Path, dir: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let child = scalegate(binary, dir, args)
        .stdout(Stdio::null())
        .spawn()
        .expect("the scalegate binary starts");
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `child.id()` is our own child, not yet waited for, and both
    // pointers are to live locals of the right types.
    let waited = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert!(waited > 0, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) <= 1,
        "scalegate {args:?} in {} did not finish its scan (status {status})",
        dir.display()
    );
    Run {
        wall,
        // Linux reports kilobytes.
        peak_rss_bytes: usage.ru_maxrss as u64 * 1024,
    }
}

/// One `scan --timings` run: its parse-only time and its scan time (the
/// same plus rule evaluation and reporting), in milliseconds. The per-rule
/// profile `--timings` adds after the scan is in neither.
fn phases(binary: &Path, dir: &Path) -> (f64, f64) {
    let output = scalegate(binary, dir, &[SET_SCAN, &["--timings"]].concat())
        .output()
        .expect("the scalegate binary starts");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a JSON report");
    let ms = |key: &str| {
        report["timings"][key]
            .as_f64()
            .unwrap_or_else(|| panic!("timings.{key} in the JSON report"))
    };
    assert!(
        report["summary"]["files_scanned"].as_u64() > Some(0),
        "no file scanned in {}: {}",
        dir.display(),
        report["summary"]
    );
    let parse_only = ms("discovery_ms") + ms("parse_ms") + ms("terraform_ms");
    (parse_only, parse_only + ms("policy_ms") + ms("report_ms"))
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
