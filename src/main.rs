//! The process edge: parse arguments, call the library, print, exit. Exit codes
//! (docs/architecture.md "Output contract"): 0 clean, 1 findings at or above
//! the gate, 2 bad usage, config or policy, or a rule that could not run.

mod cli;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, FailOnArg, FormatArg, ScanArgs};
use scalegate::baseline::Baseline;
use scalegate::memory::{self, CountingAllocator};
use scalegate::model::{Report, Severity};
use scalegate::report::{self, OutputFormat, RenderOptions};
use scalegate::scan::{self, Options, ScanError};
use scalegate::suppress::Date;

// mimalloc: +36–48 % on the parse pipelines, where the system allocator
// serialises the many small allocations of parallel parsing. Counted, so
// that the scan can stay under its memory ceiling (`--max-memory`) and give
// up a file cleanly instead of aborting on a failed allocation.
#[global_allocator]
static GLOBAL: CountingAllocator<mimalloc::MiMalloc> = CountingAllocator(mimalloc::MiMalloc);

/// mimalloc's `mi_option_purge_delay`, which `libmimalloc-sys` has no
/// constant for; the test below checks it by the option's default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed pages go back to the system after 1 ms instead of mimalloc's 1 s:
/// a Terraform scan frees each group of modules' syntax trees while it
/// builds the next group's resources, and with the default delay both were
/// resident at once (peak RSS 184 -> 171 MB on the benchmark set, at no
/// measurable cost in time; 0 ms cost a tenth more wall time in system
/// calls). `MIMALLOC_PURGE_DELAY` still wins when set.
fn return_freed_memory_promptly() {
    // SAFETY: sets an integer option; mimalloc reads options at any time.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, 1) };
}

const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    // The policy engine creates (and discards) `anyhow` errors on ordinary
    // paths; with RUST_BACKTRACE=1 each captures a backtrace, which made a
    // scan 3-4x slower. Library backtraces are off unless asked for by
    // name; panics still follow RUST_BACKTRACE. Set before any thread runs.
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
    return_freed_memory_promptly();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_USAGE
            } else {
                EXIT_CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Scan(args) => run_scan(*args),
        Command::Inspect(args) => run_inspect(args),
        Command::Rules(args) => run_rules(args),
        Command::Test(args) => run_test(args),
        Command::Explain(args) => run_explain(args),
        Command::Init(args) => run_init(args),
        Command::Baseline(cli::BaselineCommand::Create(args)) => run_baseline_create(args),
        Command::Docs(args) => run_docs(args),
        Command::Schema(args) => run_schema(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Failure::Usage(message)) => {
            eprintln!("{message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

enum Failure {
    Usage(String),
}

impl From<ScanError> for Failure {
    fn from(e: ScanError) -> Self {
        Failure::Usage(format!("scalegate: {e}"))
    }
}

fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // `scalegate scan | head`: the reader left. That only ends the
        // writing; the exit code is still the gate's verdict, so a pipeline
        // under `set -o pipefail` fails when the gate does.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Usage(format!(
            "scalegate: cannot write to stdout: {e}"
        ))),
    }
}

fn write_file(path: &std::path::Path, text: &str) -> Result<(), Failure> {
    scalegate::report_file::write(path, text)
        .map_err(|e| Failure::Usage(format!("scalegate: cannot write {}: {e}", path.display())))
}

fn options(input: cli::InputArgs, fail_on: Option<FailOnArg>) -> Result<Options, Failure> {
    let cwd = working_dir()?;
    let ceiling = match &input.max_memory {
        Some(text) => memory::parse_size(text)
            .map_err(|message| Failure::Usage(format!("scalegate: error: {message}")))?,
        None => memory::DEFAULT_CEILING,
    };
    memory::set_ceiling(ceiling);
    let mut stdin_over_budget = false;
    let stdin =
        if input.paths.iter().any(|p| p.as_os_str() == "-") {
            // The file budget holds for stdin too: an endless stream
            // (`yes | scalegate scan -`) is read up to the budget, then reported.
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(scan::MAX_FILE_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::Usage(format!("scalegate: cannot read stdin: {e}")))?;
            if bytes.len() as u64 > scan::MAX_FILE_BYTES {
                stdin_over_budget = true;
                bytes = Vec::new();
            }
            Some(String::from_utf8(bytes).map_err(|e| {
                Failure::Usage(format!("scalegate: cannot read stdin: not UTF-8: {e}"))
            })?)
        } else {
            None
        };
    Ok(Options {
        paths: input.paths,
        cwd,
        config_file: input.config,
        policy_dirs: input.policies,
        data_files: input.data,
        exclude: input.exclude,
        threads: input.threads,
        stdin,
        stdin_over_budget,
        stdin_filename: input.stdin_filename,
        helm_chart: input.helm_chart,
        helm_bin: input.helm_bin,
        helm_values: input.helm_values,
        helm_set: input.helm_set,
        search_path: std::env::var_os("PATH"),
        kustomize_bin: input.kustomize_bin,
        var_files: input.var_files,
        vars: input.vars,
        today: Some(today()?),
        no_inline_suppressions: input.no_inline_suppressions,
        no_config: input.no_config,
        rule_selection: scan::RuleSelection::default(),
        no_ignore: input.no_ignore,
        baseline: None,
        timings: false,
        fail_on: fail_on.map(|f| match f {
            FailOnArg::Critical => Some(Severity::Critical),
            FailOnArg::High => Some(Severity::High),
            FailOnArg::Medium => Some(Severity::Medium),
            FailOnArg::Low => Some(Severity::Low),
            FailOnArg::Never => None,
        }),
    })
}

/// "Today" for suppression expiry: `SCALEGATE_NOW=YYYY-MM-DD` (for tests
/// and for checking what will expire), else the clock, in UTC.
fn today() -> Result<Date, Failure> {
    match std::env::var("SCALEGATE_NOW") {
        Ok(text) if !text.is_empty() => Date::parse(&text).ok_or_else(|| {
            Failure::Usage(format!(
                "scalegate: SCALEGATE_NOW={text:?} is not a date; write YYYY-MM-DD"
            ))
        }),
        _ => Ok(Date::today_utc()),
    }
}

fn run_scan(args: ScanArgs) -> Result<u8, Failure> {
    let started = std::time::Instant::now();
    // Read the baseline first: a missing or broken one is a usage error,
    // before any scanning.
    let baseline = match &args.baseline {
        Some(path) => {
            let shown = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::Usage(format!("scalegate: error: {shown}: {e}")))?;
            let parsed = Baseline::parse(&shown, &text)
                .map_err(|e| Failure::Usage(format!("scalegate: error: {e}")))?;
            Some((shown, parsed))
        }
        None => None,
    };
    let options = Options {
        baseline,
        timings: args.timings,
        rule_selection: scan::RuleSelection {
            only: args.rules,
            skip: args.skip_rules,
        },
        ..options(args.input, args.fail_on)?
    };
    let (_, project_root) = scan::locate_project(&options);
    let (mut report, fail_on) = scan::scan(&options)?;
    let color = !args.no_color
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && args.output.is_none()
        && std::io::stdout().is_terminal();
    let render_options = RenderOptions {
        sarif_category: args.sarif_category,
        color,
        show_suppressed: args.show_suppressed,
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        fail_on,
        link_base: String::new(),
    };
    let format = match args.format {
        FormatArg::Text => OutputFormat::Text,
        FormatArg::Json => OutputFormat::Json,
        FormatArg::Sarif => OutputFormat::Sarif,
        FormatArg::Github => OutputFormat::Github,
        FormatArg::Compact => OutputFormat::Compact,
        FormatArg::Junit => OutputFormat::Junit,
        FormatArg::Gitlab => OutputFormat::Gitlab,
        FormatArg::Html => OutputFormat::Html,
    };
    if let Some(timings) = report.timings.clone() {
        // Rendering is part of reporting, but the report holds the timings:
        // render once to time it, then again with the figures in.
        let rendering = std::time::Instant::now();
        drop(report::render(&report, format, &render_options));
        report.timings = Some(scalegate::timings::Timings {
            report: timings.report + rendering.elapsed(),
            total: started.elapsed(),
            ..timings
        });
    }
    for (path, side_format) in [
        (&args.sarif_file, OutputFormat::Sarif),
        (&args.json_file, OutputFormat::Json),
        (&args.junit_file, OutputFormat::Junit),
        (&args.gitlab_file, OutputFormat::Gitlab),
    ] {
        if let Some(path) = path {
            write_file(path, &report::render(&report, side_format, &render_options))?;
        }
    }
    if let Some(path) = &args.html_file {
        let options = RenderOptions {
            link_base: html_link_base(path, &project_root),
            ..render_options.clone()
        };
        write_file(path, &report::render(&report, OutputFormat::Html, &options))?;
    }
    if format == OutputFormat::Github {
        write_step_summary(&report);
    }
    let render_options = RenderOptions {
        // On stdout the report most likely lands in the working directory
        // (`> report.html`).
        link_base: match &args.output {
            Some(path) => html_link_base(path, &project_root),
            None => html_link_base(&options.cwd.join("report.html"), &project_root),
        },
        ..render_options
    };
    let rendered = report::render(&report, format, &render_options);
    match &args.output {
        Some(path) => write_file(path, &rendered)?,
        None => write_stdout(&rendered)?,
    }
    if format == OutputFormat::Compact {
        // stdout holds only the finding lines; what the run says about
        // itself goes where a person, not a parser, reads it.
        eprint!("{}", report::compact::epilogue(&report));
    }
    if report.could_not_run() {
        // The reports are written (the other rules' findings are in them),
        // but what the failed rules would have found is unknown: the gate
        // can neither pass nor fail on it.
        for e in &report.rule_errors {
            eprintln!(
                "scalegate: error: could not run: {}:{}:{}: {}",
                e.file,
                e.line,
                e.column,
                e.headline()
            );
        }
        return Ok(EXIT_USAGE);
    }
    Ok(if report.fails(fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

/// How the HTML report written to `path` links to the project's files.
fn html_link_base(path: &std::path::Path, project_root: &std::path::Path) -> String {
    let written = scalegate::discover::normalize(path);
    let dir = written.parent().unwrap_or(&written);
    report::html::link_base(dir, project_root)
}

fn write_step_summary(report: &Report) {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return;
    };
    let summary = report::github::step_summary(report);
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(summary.as_bytes()));
    if let Err(e) = written {
        eprintln!("scalegate: warning: cannot write GITHUB_STEP_SUMMARY: {e}");
    }
}

fn run_inspect(args: cli::InspectArgs) -> Result<u8, Failure> {
    let options = options(args.input, None)?;
    let (inputs, notifications, failures) = scan::inspect(&options, args.explain_unknown)?;
    for n in &notifications {
        eprintln!(
            "scalegate: {}: {}",
            n.file.as_deref().unwrap_or("-"),
            n.message
        );
    }
    for (source, error) in &failures {
        let (line, column) = source.position(error.offset);
        eprintln!(
            "scalegate: {}:{line}:{column}: {}",
            source.path, error.message
        );
    }
    let json = serde_json::to_string_pretty(&inputs)
        .map_err(|e| Failure::Usage(format!("scalegate: {e}")))?;
    write_stdout(&format!("{json}\n"))?;
    Ok(if failures.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// The process's working directory, where the project root is looked for.
fn working_dir() -> Result<PathBuf, Failure> {
    std::env::current_dir()
        .map_err(|e| Failure::Usage(format!("scalegate: no working directory: {e}")))
}

/// The config and policies of the project around the working directory, for
/// the commands that only need the rules (`rules`, `explain`).
fn prepare_policies(
    config: Option<PathBuf>,
    policies: Vec<PathBuf>,
    no_config: bool,
) -> Result<scan::Prepared, Failure> {
    let options = Options {
        cwd: working_dir()?,
        config_file: config,
        policy_dirs: policies,
        no_config,
        ..Options::default()
    };
    Ok(scan::prepare(&options)?)
}

fn run_rules(args: cli::RulesArgs) -> Result<u8, Failure> {
    use scalegate::rule_list;

    let prepared = prepare_policies(args.config, args.policies, args.no_config)?;
    let rules = scan::reported_rules(&prepared);
    write_stdout(&match args.format {
        cli::RulesFormatArg::Text => rule_list::text(&rules),
        cli::RulesFormatArg::Json => rule_list::json(&rules),
    })?;
    Ok(EXIT_CLEAN)
}

fn run_explain(args: cli::ExplainArgs) -> Result<u8, Failure> {
    use scalegate::{docs, explain};

    let prepared = prepare_policies(args.config, args.policies, false)?;
    let catalog = docs::catalog(&prepared.policies.rules);
    let rule = explain::find(&catalog, &args.rule)
        .map_err(|message| Failure::Usage(format!("scalegate: error: {message}")))?;
    let configured = rule
        .names()
        .find_map(|name| prepared.config.rules.get(name));
    write_stdout(&explain::render(rule, configured))?;
    Ok(EXIT_CLEAN)
}

fn run_baseline_create(args: cli::BaselineCreateArgs) -> Result<u8, Failure> {
    let options = options(args.input, None)?;
    let (report, _) = scan::scan(&options)?;
    let baseline = Baseline::from_report(&report);
    write_file(&args.output, &baseline.to_json())?;
    eprintln!(
        "scalegate: recorded {} finding(s) in {}",
        baseline.findings.len(),
        args.output.display()
    );
    Ok(EXIT_CLEAN)
}

fn run_init(args: cli::InitArgs) -> Result<u8, Failure> {
    let cwd = working_dir()?;
    let path = scalegate::init::write(&cwd, args.force)
        .map_err(|e| Failure::Usage(format!("scalegate: error: {e}")))?;
    eprintln!("scalegate: wrote {}", path.display());
    Ok(EXIT_CLEAN)
}

/// The built-in rules as documented: METADATA severities, no config.
fn builtin_catalog() -> Result<Vec<scalegate::docs::RuleDoc>, Failure> {
    scalegate::docs::builtin_catalog().map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("scalegate: error: policy {e}"))
            .collect();
        Failure::Usage(lines.join("\n"))
    })
}

fn run_docs(args: cli::DocsArgs) -> Result<u8, Failure> {
    use scalegate::docs;

    let catalog = builtin_catalog()?;
    let files = docs::generate(&catalog, &args.fixtures).map_err(|e| {
        Failure::Usage(format!(
            "scalegate: cannot read {}: {e}",
            args.fixtures.display()
        ))
    })?;
    let sync = docs::sync(&args.out, &files, !args.check)
        .map_err(|e| Failure::Usage(format!("scalegate: {}: {e}", args.out.display())))?;
    if args.check {
        for path in &sync.changed {
            eprintln!("scalegate: {} is missing or stale", path.display());
        }
        for path in &sync.stale {
            eprintln!(
                "scalegate: {} documents a rule that no longer exists",
                path.display()
            );
        }
        if sync.changed.is_empty() && sync.stale.is_empty() {
            return Ok(EXIT_CLEAN);
        }
        eprintln!(
            "scalegate: run `scalegate docs --out {}` and commit the result",
            args.out.display()
        );
        return Ok(EXIT_FINDINGS);
    }
    eprintln!(
        "scalegate: {} pages in {}: {} written, {} removed",
        files.len(),
        args.out.display(),
        sync.changed.len(),
        sync.stale.len()
    );
    Ok(EXIT_CLEAN)
}

fn run_schema(args: cli::SchemaArgs) -> Result<u8, Failure> {
    use scalegate::schema;

    let catalog = builtin_catalog()?;
    let text = if args.ignore_file {
        schema::render_ignore_file(&catalog)
    } else {
        schema::render(&catalog)
    };
    let Some(path) = &args.out else {
        write_stdout(&text)?;
        return Ok(EXIT_CLEAN);
    };
    let current = std::fs::read_to_string(path).ok();
    if args.check {
        if current.as_deref() == Some(text.as_str()) {
            return Ok(EXIT_CLEAN);
        }
        eprintln!(
            "scalegate: {} is missing or stale; run `scalegate schema{} --out {}` and commit the result",
            path.display(),
            if args.ignore_file { " --ignore-file" } else { "" },
            path.display()
        );
        return Ok(EXIT_FINDINGS);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::Usage(format!("scalegate: {}: {e}", dir.display())))?;
    }
    write_file(path, &text)?;
    Ok(EXIT_CLEAN)
}

fn run_test(args: cli::TestArgs) -> Result<u8, Failure> {
    use scalegate::assets::embedded_policies;
    use scalegate::diagnostic::Diagnostic;
    use scalegate::policy::loader;
    use scalegate::policy::testing::{self, Outcome};

    let cwd = working_dir()?;
    let mut files = Vec::new();
    if args.dirs.is_empty() {
        files = embedded_policies(true);
    }
    for dir in &args.dirs {
        if !dir.exists() {
            return Err(Failure::Usage(format!(
                "scalegate: error: {}: no such file or directory",
                dir.display()
            )));
        }
        let display = |p: &std::path::Path| {
            p.strip_prefix(&cwd)
                .unwrap_or(p)
                .display()
                .to_string()
                .replace('\\', "/")
        };
        let dir_files = loader::read_policy_dir(dir, true, &display)
            .map_err(|e: Diagnostic| Failure::Usage(format!("scalegate: error: {e}")))?;
        files.extend(dir_files);
    }
    // Users' policies may import the pack's helpers; the pack's own
    // directory already holds them.
    let has_pack = files.iter().any(|f| {
        f.text
            .lines()
            .any(|l| l.trim_start().starts_with("package scalegate."))
    });
    if !has_pack {
        files.extend(embedded_policies(false));
    }
    let mut data = scan::load_data_files(&args.data)?;
    scalegate::config::merge(&mut data, &scalegate::settings::settings_data(None));
    let results = testing::run_tests(&files, data)
        .map_err(|e| Failure::Usage(format!("scalegate: error: {e:#}")))?;
    let mut out = String::new();
    let (mut passed, mut failed) = (0, 0);
    for r in &results {
        let label = match &r.outcome {
            Outcome::Pass => {
                passed += 1;
                "PASS"
            }
            Outcome::Fail => {
                failed += 1;
                "FAIL"
            }
            Outcome::Error(_) => {
                failed += 1;
                "ERROR"
            }
        };
        if args.verbose || r.outcome != Outcome::Pass {
            out.push_str(&format!("{label}: {}: {}.{}\n", r.file, r.package, r.name));
            if let Outcome::Error(message) = &r.outcome {
                for line in message.lines() {
                    out.push_str(&format!("  {line}\n"));
                }
            }
        }
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    write_stdout(&out)?;
    Ok(if failed == 0 && !results.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_mimallocs_and_main_shortens_it() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        // mimalloc 3's default for this option (its `options.c`), and for
        // none of its neighbours.
        assert_eq!(get(), 1000);
        return_freed_memory_promptly();
        assert_eq!(get(), 1);
    }
}
