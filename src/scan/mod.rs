//! The whole pipeline for `scalegate scan` and `scalegate inspect`:
//! config → policies → discovery → read & parse (parallel per file) →
//! bundles → evaluation (parallel per bundle, one engine clone per worker) →
//! locations → suppressions → findings, sorted and fingerprinted →
//! baseline.
//!
//! Output never depends on scheduling: every parallel stage's results are
//! sorted before use.
//!
//! Each stage has its file: `prepare.rs` (config, policies, engine rules),
//! `load.rs` (discovery results → parsed files → bundles, one file read in
//! `read.rs`), `schedule.rs` (which worker takes which file or bundle),
//! `evaluate.rs` (bundles → report), `findings.rs` (raw
//! findings → located, suppressed, sorted findings), `merge.rs` (duplicates
//! → one finding), `selection.rs` (`--rule` / `--skip-rule`), `applied.rs`
//! (the report's account of the configuration applied). This module holds
//! what they share: the options, the errors, the thread pool and the public
//! entry points.

use std::fmt;
use std::path::PathBuf;

use regorus::Value;

use crate::baseline::Baseline;
use crate::config::FailOn;
use crate::diagnostic::Diagnostic;
use crate::discover::MissingPath;
use crate::model::{Notification, Report};
use crate::parse::ParseError;
use crate::source::SharedSource;
use crate::suppress::Date;

mod applied;
mod charts;
mod evaluate;
mod findings;
mod kustomize;
mod load;
mod merge;
mod prepare;
mod read;
mod schedule;
mod selection;

pub use evaluate::{evaluate_loaded, reported_rules};
pub use load::{load_inputs, Loaded};
pub use prepare::{load_data_files, locate_project, prepare, Prepared};
pub use selection::RuleSelection;

/// Files larger than this are not read (docs/architecture.md "Budgets").
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Stack for parser threads: parsers recurse, and deep nesting must end in
/// a clean error rather than a stack overflow.
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Name reported for stdin when `--stdin-filename` is not given.
pub const STDIN_NAME: &str = "<stdin>";

/// What `scan` and `inspect` are asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Paths to scan; `-` is stdin.
    pub paths: Vec<PathBuf>,
    /// The working directory (the project root is found from it).
    pub cwd: PathBuf,
    pub config_file: Option<PathBuf>,
    pub policy_dirs: Vec<PathBuf>,
    pub data_files: Vec<PathBuf>,
    pub exclude: Vec<String>,
    /// Worker threads; `None` = one per core.
    pub threads: Option<usize>,
    /// The text of stdin, when a path is `-` (read by the caller).
    pub stdin: Option<String>,
    /// stdin held more than [`MAX_FILE_BYTES`]; `stdin` is then empty and
    /// the scan reports the budget instead of parsing a prefix.
    pub stdin_over_budget: bool,
    pub stdin_filename: Option<String>,
    /// `--helm-chart`: the chart Helm output read from stdin was rendered
    /// from, for mapping findings onto its templates.
    pub helm_chart: Option<PathBuf>,
    /// `--helm-bin`: the Helm program, overriding `helm.binary` and PATH.
    pub helm_bin: Option<PathBuf>,
    /// `--helm-values`: values files for charts named on the command line.
    pub helm_values: Vec<PathBuf>,
    /// `--helm-set K=V`: values for charts named on the command line.
    pub helm_set: Vec<String>,
    /// `PATH`, where `helm`, `kustomize` and `kubectl` are looked for when
    /// no flag or config key names them.
    pub search_path: Option<std::ffi::OsString>,
    /// `--kustomize-bin`, overriding `kustomize.binary`.
    pub kustomize_bin: Option<PathBuf>,
    /// `--fail-on`, overriding the config.
    pub fail_on: Option<FailOn>,
    /// `--var-file`: Terraform variable values for every root module.
    pub var_files: Vec<PathBuf>,
    /// `--var NAME=VALUE`, applied after the var files.
    pub vars: Vec<String>,
    /// "Today" for suppression expiry (`SCALEGATE_NOW`); `None` = the clock.
    pub today: Option<Date>,
    /// `--no-inline-suppressions`: ignore comments and annotations (the
    /// ignore file and a baseline still apply).
    pub no_inline_suppressions: bool,
    /// `--no-config`: nothing the scanned tree says about how to scan it
    /// applies — no config found by walking up, no ignore file, no comment
    /// or annotation. `config_file` (the reviewer's own) still does.
    pub no_config: bool,
    /// `--rule` / `--skip-rule`: which rules are evaluated.
    pub rule_selection: RuleSelection,
    /// `--no-ignore`: no ignore rule hides a file (git's or any other).
    pub no_ignore: bool,
    /// `--baseline`: the file as the user named it, and the findings it
    /// records; they are reported as suppressed.
    pub baseline: Option<(String, Baseline)>,
    /// `--timings`: measure each phase and profile each rule, and put both
    /// in the report.
    pub timings: bool,
}

/// Why a scan could not run at all (exit 2).
#[derive(Debug)]
pub enum ScanError {
    Config(Vec<Diagnostic>),
    Policy(Vec<Diagnostic>),
    MissingPaths(Vec<MissingPath>),
    /// `--rule` / `--skip-rule` patterns that select nothing or cannot be
    /// read, each one message.
    Selection(Vec<String>),
    Usage(String),
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = match self {
            // Code frames read best apart, as rustc prints them.
            ScanError::Config(errors) => {
                let frames: Vec<String> = errors.iter().map(|e| format!("error: {e}")).collect();
                return f.write_str(&frames.join("\n\n"));
            }
            ScanError::Policy(errors) => errors
                .iter()
                .map(|e| format!("error: policy {e}"))
                .collect(),
            ScanError::MissingPaths(paths) => paths
                .iter()
                .map(|p| format!("error: {}: no such file or directory", p.0))
                .collect(),
            ScanError::Selection(problems) => {
                problems.iter().map(|p| format!("error: {p}")).collect()
            }
            ScanError::Usage(message) => vec![format!("error: {message}")],
        };
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for ScanError {}

impl Options {
    /// Whether suppression comments and annotations are read: not with
    /// `--no-inline-suppressions`, nor in reviewer mode (`--no-config`),
    /// where the scanned tree must not be able to silence a finding.
    pub fn reads_inline_suppressions(&self) -> bool {
        !self.no_inline_suppressions && !self.no_config
    }
}

pub(super) fn thread_pool(threads: Option<usize>) -> rayon::ThreadPool {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK_BYTES);
    if let Some(n) = threads {
        builder = builder.num_threads(n.max(1));
    }
    builder.build().unwrap_or_else(|_| {
        rayon::ThreadPoolBuilder::new()
            .build()
            .expect("a thread pool")
    })
}

/// Runs the whole scan.
pub fn scan(options: &Options) -> Result<(Report, FailOn), ScanError> {
    let prepared = prepare(options)?;
    let loaded = load_inputs(options, &prepared)?;
    let mut report = evaluate_loaded(options, &prepared, loaded);
    report.configuration = applied::describe(options, &prepared, &report.findings);
    Ok((report, prepared.fail_on))
}

/// A file that could not be read or parsed, and why: an SG-PARSE-001
/// finding at the error's position.
pub type Unreadable = (SharedSource, ParseError);

/// `scalegate inspect`: the input of every bundle, as policies see it.
/// With `explain_unknown`, each resource also lists why its unknown values
/// are unknown (`unknown_causes`), which policies never see.
pub fn inspect(
    options: &Options,
    explain_unknown: bool,
) -> Result<(Value, Vec<Notification>, Vec<Unreadable>), ScanError> {
    let prepared = prepare(options)?;
    let loaded = load_inputs(options, &prepared)?;
    let inputs: Vec<Value> = loaded
        .bundles
        .iter()
        .map(|bundle| {
            if explain_unknown {
                crate::policy::input::bundle_input_explained(bundle)
            } else {
                crate::policy::input::bundle_input(bundle)
            }
        })
        .collect();
    Ok((Value::from(inputs), loaded.notifications, loaded.failures))
}
