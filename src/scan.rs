//! The whole pipeline for `scalegate scan` and `scalegate inspect`:
//! config → policies → discovery → read & parse (parallel per file) →
//! bundles → evaluation (parallel per bundle, one engine clone per worker) →
//! locations → suppressions → findings, sorted and fingerprinted.
//!
//! Output never depends on scheduling: every parallel stage's results are
//! sorted before use.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobSetBuilder};
use rayon::prelude::*;
use regorus::Value;

use crate::assets::PolicyFile;
use crate::config::{self, Config, ConfigError, FailOn};
use crate::discover::{self, Candidate, FileKind, MissingPath, Scope};
use crate::locate::{self, HelmTemplates, Located};
use crate::model::{
    Bundle, Cause, Finding, FindingKind, Format, Location, ModuleCall, Notification,
    NotificationLevel, PathSeg, RelatedLocation, Report, Resource, RuleError, RuleInfo, Severity,
    Summary,
};
use crate::module_loader;
use crate::parse::{self, ParseError};
use crate::policy::evaluate::{evaluate, EvalError, RawFinding};
use crate::policy::loader::{self, engine_error, LoadError, LoadedRule, PolicySet};
use crate::rules::{
    self, builtin_rules, configured_engine_rules, EngineRule, META_RULE, PARSE_RULE,
};
use crate::source::{Region, SharedSource, SourceFile, Span};
use crate::suppress::{self, Date, IgnoreFile, RuleCatalog};

/// Files larger than this are not read (DESIGN.md §7 budgets).
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
    pub helm_chart: Option<PathBuf>,
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
    /// `--no-ignore`: no ignore rule hides a file (git's or any other).
    pub no_ignore: bool,
}

/// Why a scan could not run at all (exit 2).
#[derive(Debug)]
pub enum ScanError {
    Config(Vec<ConfigError>),
    Policy(Vec<LoadError>),
    MissingPaths(Vec<MissingPath>),
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
            ScanError::Usage(message) => vec![format!("error: {message}")],
        };
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for ScanError {}

/// Config, policies and gate, ready to scan with.
pub struct Prepared {
    pub root: PathBuf,
    pub config: Config,
    pub policies: PolicySet,
    pub fail_on: FailOn,
    /// Rule names suppressions may use.
    pub catalog: RuleCatalog,
    /// `.scalegate-ignore.yaml` at the project root, when there is one.
    pub ignore_file: Option<IgnoreFile>,
    /// The engine's own rules, as config leaves them.
    pub engine_rules: Vec<EngineRule>,
}

/// Finds the project root and config, and loads every policy.
pub fn prepare(options: &Options) -> Result<Prepared, ScanError> {
    let cwd = discover::normalize(&options.cwd);
    let config_path = match &options.config_file {
        Some(path) => Some(discover::normalize(path)),
        None => config::find(&cwd),
    };
    let root = config::project_root(&cwd, config_path.as_deref());
    let (config, mut config_errors) = match &config_path {
        Some(path) => {
            let display = discover::display_path(&root, path, &path.display().to_string());
            let text = std::fs::read_to_string(path).map_err(|e| {
                ScanError::Usage(format!("cannot read config {}: {e}", path.display()))
            })?;
            let (mut config, errors) = config::parse_partial(&display, &text);
            config.file = Some(path.clone());
            (config, errors)
        }
        None => (Config::default(), Vec::new()),
    };

    let mut data = load_data_files(&options.data_files)?;
    config::merge(
        &mut data,
        &crate::settings::settings_data(config.settings.as_ref()),
    );

    let config_dir = config_path
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(&root)
        .to_path_buf();
    // Config entries are reported at their line in the config; flags by name.
    let dirs = config
        .policies
        .iter()
        .zip(config.marks.policies.iter().map(Some))
        .map(|(p, mark)| (config_dir.join(p), mark))
        .chain(options.policy_dirs.iter().map(|p| (cwd.join(p), None)));
    let mut user_files: Vec<PolicyFile> = Vec::new();
    let mut load_errors = Vec::new();
    for (dir, mark) in dirs {
        if !dir.exists() {
            match mark {
                Some(mark) => config_errors.push(mark.error(format!(
                    "policy directory {} does not exist (paths in `policies` are relative to the config file)",
                    dir.display()
                ))),
                None => load_errors.push(LoadError {
                    file: dir.display().to_string(),
                    line: None,
                    column: None,
                    message: "policy directory does not exist".into(),
                }),
            }
            continue;
        }
        let display = |p: &Path| discover::display_path(&root, p, &p.display().to_string());
        match loader::read_policy_dir(&dir, false, &display) {
            Ok(files) => user_files.extend(files),
            Err(e) => load_errors.push(e),
        }
    }
    // Config problems come first: a policy error may only be the
    // consequence of a misconfigured `policies:`.
    let config_failure = |mut errors: Vec<ConfigError>| {
        errors.sort_by_key(|e| (e.line, e.column));
        ScanError::Config(errors)
    };
    if !load_errors.is_empty() {
        return Err(if config_errors.is_empty() {
            ScanError::Policy(load_errors)
        } else {
            config_failure(config_errors)
        });
    }
    let policies = match loader::load(&user_files, data, &config.rules) {
        Ok(policies) => policies,
        Err(_) if !config_errors.is_empty() => return Err(config_failure(config_errors)),
        Err(e) => return Err(ScanError::Policy(e)),
    };
    config_errors.extend(rules::check_rule_names(
        &config,
        &policies.rules,
        &builtin_rules(),
    ));
    let engine_rules = configured_engine_rules(&config.rules);
    let catalog = RuleCatalog::new(&policies.rules, &engine_rules);
    let ignore_file = read_ignore_file(&root, &catalog, &mut config_errors)?;
    if !config_errors.is_empty() {
        return Err(config_failure(config_errors));
    }
    let fail_on = options
        .fail_on
        .or(config.fail_on)
        .unwrap_or(Some(Severity::Low));
    Ok(Prepared {
        root,
        config,
        policies,
        fail_on,
        catalog,
        ignore_file,
        engine_rules,
    })
}

/// Reads `.scalegate-ignore.yaml` at the project root, if there is one. Its
/// problems, unknown rule names included, are config errors (exit 2): a
/// broken exception list must not silently accept or reject findings.
fn read_ignore_file(
    root: &Path,
    catalog: &RuleCatalog,
    errors: &mut Vec<ConfigError>,
) -> Result<Option<IgnoreFile>, ScanError> {
    let path = root.join(suppress::ignore_file::FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ScanError::Usage(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    match IgnoreFile::parse(suppress::ignore_file::FILE_NAME, &text) {
        Ok(file) => {
            for entry in &file.entries {
                if catalog.resolve(&entry.rule).is_none() {
                    let hint = catalog.unknown_hint(&entry.rule);
                    let span = entry.rule_span;
                    errors.push(
                        config::Mark::new(&file.source, span)
                            .error(format!("`rule`: unknown rule `{}`{hint}", entry.rule)),
                    );
                }
            }
            Ok(Some(file))
        }
        Err(problems) => {
            errors.extend(problems);
            Ok(None)
        }
    }
}

/// Reads `--data` files (JSON or YAML 1.2) and merges them, in order.
pub fn load_data_files(files: &[PathBuf]) -> Result<Value, ScanError> {
    let mut data = Value::new_object();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| {
            ScanError::Usage(format!("cannot read data file {}: {e}", file.display()))
        })?;
        let value =
            config::load_data(&file.display().to_string(), &text).map_err(ScanError::Config)?;
        config::merge(&mut data, &value);
    }
    Ok(data)
}

/// One file after reading and parsing.
struct ParsedFile {
    candidate: Candidate,
    scope: Scope,
    source: Option<SharedSource>,
    resources: Vec<Resource>,
    /// A parsed Terraform file, evaluated with its module once all are read.
    terraform: Option<parse::terraform::TerraformFile>,
    failure: Option<(SharedSource, ParseError)>,
    /// What was read but deserves a warning (a key written twice).
    warnings: Vec<Notification>,
}

/// Everything read from disk (or stdin), grouped into bundles.
pub struct Loaded {
    pub bundles: Vec<Bundle>,
    pub failures: Vec<(SharedSource, ParseError)>,
    pub notifications: Vec<Notification>,
    pub focus: Option<BTreeSet<String>>,
    pub files_scanned: usize,
    /// Files and directories ignore rules kept out of discovery.
    pub ignored_paths: usize,
    /// The path of the bundle read from stdin, if any.
    pub stdin_bundle: Option<String>,
}

fn thread_pool(threads: Option<usize>) -> rayon::ThreadPool {
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

/// Discovers, reads and parses every input, and groups resources into bundles.
pub fn load_inputs(options: &Options, prepared: &Prepared) -> Result<Loaded, ScanError> {
    let root = &prepared.root;
    let mut globs = GlobSetBuilder::new();
    for pattern in prepared.config.exclude.iter().chain(&options.exclude) {
        let glob = Glob::new(pattern).map_err(|e| {
            ScanError::Usage(format!("bad --exclude/exclude pattern {pattern:?}: {e}"))
        })?;
        globs.add(glob);
    }
    let exclude = globs
        .build()
        .map_err(|e| ScanError::Usage(format!("bad exclude patterns: {e}")))?;
    let stdin_requested = options.paths.iter().any(|p| p.as_os_str() == "-");
    let file_args: Vec<(PathBuf, String)> = options
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .map(|p| {
            let absolute = if p.is_absolute() {
                p.clone()
            } else {
                options.cwd.join(p)
            };
            (absolute, p.display().to_string())
        })
        .collect();
    let discovery = if file_args.is_empty() {
        discover::Discovery::default()
    } else {
        discover::discover(root, &file_args, &exclude, options.no_ignore)
            .map_err(ScanError::MissingPaths)?
    };
    let pool = thread_pool(options.threads);
    let mut parsed: Vec<ParsedFile> =
        pool.install(|| discovery.files.par_iter().map(read_and_parse).collect());

    let mut stdin_bundle = None;
    if stdin_requested {
        let name = options
            .stdin_filename
            .clone()
            .unwrap_or_else(|| STDIN_NAME.to_owned());
        let text = options.stdin.clone().unwrap_or_default();
        let kind = discover::kind_of(&name).unwrap_or(FileKind::Yaml);
        let candidate = Candidate {
            display: name.clone(),
            path: PathBuf::from(&name),
            kind,
            dir: name.clone(),
            named: true,
        };
        stdin_bundle = Some(name.clone());
        let source = Arc::new(SourceFile::new(name, text));
        // stdin is always in scope: the user sent it to us on purpose.
        let scope = match discover::classify(kind, &source.text, true) {
            Scope::OutOfScope => Scope::Kubernetes,
            other => other,
        };
        let stdin_file = if options.stdin_over_budget {
            ParsedFile {
                candidate,
                scope,
                source: None,
                resources: Vec::new(),
                terraform: None,
                failure: Some((
                    source,
                    ParseError::new(0, "stdin is over the 64 MB budget; not read".to_owned()),
                )),
                warnings: Vec::new(),
            }
        } else {
            pool.install(|| within_ceiling(parse_source(candidate, scope, source)))
        };
        parsed.push(stdin_file);
    }

    let command_line = command_line_values(options)?;
    let mut notifications = discovery.notifications;
    let mut failures = Vec::new();
    let mut files_scanned = 0;
    let mut groups: BTreeMap<(Format, String), Vec<Resource>> = BTreeMap::new();
    let mut modules = parse::terraform::Modules::default();
    let mut plans = Vec::new();
    for file in parsed {
        if file.scope == Scope::OutOfScope {
            continue;
        }
        files_scanned += 1;
        notifications.extend(file.warnings);
        if let Some(failure) = file.failure {
            failures.push(failure);
            continue;
        }
        if let Some(terraform) = file.terraform {
            modules
                .scanned
                .entry(file.candidate.dir.clone())
                .or_default()
                .push(terraform);
            continue;
        }
        if file.scope == Scope::Plan {
            plans.push((
                file.candidate.dir.clone(),
                file.candidate.display.clone(),
                file.resources,
            ));
            continue;
        }
        if file.scope == Scope::Kubernetes && file.source.is_some() {
            groups
                .entry((Format::Kubernetes, file.candidate.dir.clone()))
                .or_default()
                .extend(file.resources);
        }
    }
    let read_module_file = |candidate: &Candidate| {
        let file = read_and_parse(candidate);
        match (file.failure, file.terraform) {
            (Some(failure), _) => Err(failure),
            (None, Some(terraform)) => Ok(terraform),
            (None, None) => Err((
                Arc::new(SourceFile::new(candidate.display.clone(), String::new())),
                ParseError::new(0, "not a Terraform file"),
            )),
        }
    };
    failures.extend(pool.install(|| {
        module_loader::complete(root, &mut modules, &read_module_file, &mut notifications)
    }));
    let evaluated = pool.install(|| parse::terraform::evaluate(&modules, &command_line));
    notifications.extend(evaluated.notifications);
    failures.extend(evaluated.failures);
    for (dir, resources) in evaluated.roots {
        groups.insert((Format::Terraform, dir), resources);
    }
    // A plan points at the configuration it was planned from when that is
    // the root module in the plan file's directory.
    for (dir, path, mut resources) in plans {
        if let Some(configuration) = groups.get(&(Format::Terraform, dir)) {
            parse::plan::relocate(&mut resources, configuration);
        }
        groups.insert((Format::Plan, path), resources);
    }
    let mut bundles = Vec::new();
    for ((format, path), mut resources) in groups {
        // Terraform rejects duplicate addresses, but copies of examples and
        // test fixtures have them; numbering keeps ids unique either way.
        number_duplicate_ids(&mut resources);
        bundles.push(Bundle {
            format,
            path,
            resources,
        });
    }
    Ok(Loaded {
        bundles,
        failures,
        notifications,
        focus: discovery.focus,
        files_scanned,
        ignored_paths: discovery.ignored_paths,
        stdin_bundle,
    })
}

/// A second object with the same id in a bundle gets `#2`, a third `#3`.
fn number_duplicate_ids(resources: &mut [Resource]) {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for resource in resources {
        let count = seen.entry(resource.id.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            resource.id = format!("{}#{}", resource.id, count);
        }
    }
}

fn read_and_parse(candidate: &Candidate) -> ParsedFile {
    let fail = |candidate: &Candidate, text: String, offset: usize, message: String| {
        let source = Arc::new(SourceFile::new(candidate.display.clone(), text));
        ParsedFile {
            candidate: candidate.clone(),
            scope: Scope::Terraform,
            source: None,
            resources: Vec::new(),
            terraform: None,
            failure: Some((source, ParseError::new(offset, message))),
            warnings: Vec::new(),
        }
    };
    let size = std::fs::metadata(&candidate.path)
        .map(|m| m.len())
        .unwrap_or(0);
    if size > MAX_FILE_BYTES {
        return fail(
            candidate,
            String::new(),
            0,
            format!(
                "file is {} MB, over the 64 MB budget; not read",
                size / (1024 * 1024)
            ),
        );
    }
    let bytes = match std::fs::read(&candidate.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            return fail(
                candidate,
                String::new(),
                0,
                format!("cannot read file: {e}"),
            )
        }
    };
    // UTF-16 and UTF-32 with a byte order mark are decoded for YAML and
    // JSON (editors on Windows write them); Terraform itself reads only
    // UTF-8, so a `.tf` in UTF-16 stays a parse error.
    let decoded = match candidate.kind {
        FileKind::Yaml | FileKind::Json => discover::decode(&bytes),
        _ => None,
    };
    let bytes = match decoded {
        None => bytes,
        Some(Ok(text)) => text.into_bytes(),
        Some(Err(message)) => return fail(candidate, String::new(), 0, message),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            // Out-of-scope YAML/JSON (a binary file named .yaml) is not ours to judge.
            if discover::classify(candidate.kind, &lossy, candidate.named) == Scope::OutOfScope {
                return ParsedFile {
                    candidate: candidate.clone(),
                    scope: Scope::OutOfScope,
                    source: None,
                    resources: Vec::new(),
                    terraform: None,
                    failure: None,
                    warnings: Vec::new(),
                };
            }
            let offset = String::from_utf8_lossy(&e.as_bytes()[..valid]).len();
            let offset = offset.saturating_sub(usize::from(lossy.starts_with('\u{feff}')) * 3);
            return fail(
                candidate,
                lossy,
                offset,
                format!("file is not valid UTF-8 (invalid byte at offset {valid})"),
            );
        }
    };
    let scope = discover::classify(candidate.kind, &text, candidate.named);
    if scope == Scope::OutOfScope {
        return ParsedFile {
            candidate: candidate.clone(),
            scope,
            source: None,
            resources: Vec::new(),
            terraform: None,
            failure: None,
            warnings: Vec::new(),
        };
    }
    let source = Arc::new(SourceFile::new(candidate.display.clone(), text));
    if let Some(message) = crate::memory::over_ceiling() {
        // Other files' work took the scan to its ceiling: this one is not
        // parsed, and says so.
        return ParsedFile {
            candidate: candidate.clone(),
            scope,
            source: None,
            resources: Vec::new(),
            terraform: None,
            failure: Some((source, ParseError::new(0, message))),
            warnings: Vec::new(),
        };
    }
    within_ceiling(parse_source(candidate.clone(), scope, source))
}

/// `file`, or, when parsing it took the scan over its memory ceiling, a
/// failure in its place: its resources are dropped here, which frees the
/// memory for the files that follow.
fn within_ceiling(file: ParsedFile) -> ParsedFile {
    if file.failure.is_some() {
        return file;
    }
    let Some(message) = crate::memory::over_ceiling() else {
        return file;
    };
    let Some(source) = file.source else {
        return file;
    };
    ParsedFile {
        candidate: file.candidate,
        scope: file.scope,
        source: None,
        resources: Vec::new(),
        terraform: None,
        failure: Some((source, ParseError::new(0, message))),
        warnings: file.warnings,
    }
}

fn parse_source(candidate: Candidate, scope: Scope, source: SharedSource) -> ParsedFile {
    let mut terraform = None;
    let mut warnings = Vec::new();
    let result = match scope {
        Scope::Terraform | Scope::TerraformJson | Scope::TerraformVars => {
            parse::terraform::parse(&source).map(|file| {
                terraform = Some(file);
                Vec::new()
            })
        }
        Scope::Kubernetes => {
            parse::kubernetes::parse_with_warnings(&source).map(|(resources, found)| {
                for (offset, message) in found {
                    let (line, column) = source.position(offset);
                    warnings.push(Notification {
                        level: NotificationLevel::Warning,
                        file: Some(source.path.clone()),
                        line: Some(line),
                        column: Some(column),
                        message,
                    });
                }
                resources
            })
        }
        Scope::Plan => parse::plan::parse(&source),
        Scope::OutOfScope => Ok(Vec::new()),
    };
    let (resources, failure) = match result {
        Ok(resources) => (resources, None),
        Err(error) => (Vec::new(), Some((source.clone(), error))),
    };
    ParsedFile {
        candidate,
        scope,
        source: Some(source),
        resources,
        terraform,
        failure,
        warnings,
    }
}

/// `--var-file` and `--var` values; a file that cannot be read or parsed,
/// or a `--var` without `=`, stops the scan (exit 2).
fn command_line_values(
    options: &Options,
) -> Result<parse::terraform::CommandLineValues, ScanError> {
    let mut values = parse::terraform::CommandLineValues::default();
    for path in &options.var_files {
        let absolute = options.cwd.join(path);
        let display = path.display().to_string();
        let text = std::fs::read_to_string(&absolute)
            .map_err(|e| ScanError::Usage(format!("--var-file {display}: {e}")))?;
        let source = Arc::new(SourceFile::new(display.clone(), text));
        let file = parse::terraform::parse(&source).map_err(|e| {
            let (line, column) = source.position(e.offset);
            ScanError::Usage(format!(
                "--var-file {display}:{line}:{column}: {}",
                e.message
            ))
        })?;
        values.files.push(file);
    }
    for var in &options.vars {
        let Some((name, value)) = var.split_once('=') else {
            return Err(ScanError::Usage(format!(
                "--var {var:?}: expected NAME=VALUE"
            )));
        };
        values.vars.push((name.trim().to_owned(), value.to_owned()));
    }
    Ok(values)
}

/// Runs the whole scan.
pub fn scan(options: &Options) -> Result<(Report, FailOn), ScanError> {
    let prepared = prepare(options)?;
    let loaded = load_inputs(options, &prepared)?;
    let report = evaluate_loaded(options, &prepared, loaded);
    Ok((report, prepared.fail_on))
}

/// Evaluates loaded bundles and builds the report.
pub fn evaluate_loaded(options: &Options, prepared: &Prepared, loaded: Loaded) -> Report {
    let policies = &prepared.policies;
    let pool = thread_pool(options.threads);
    let helm = HelmTemplates::new(&prepared.root, options.helm_chart.clone());
    // `None`: the bundle was not evaluated, the scan being over its memory
    // ceiling when its turn came.
    type Evaluated = Option<(Vec<RawFinding>, Vec<EvalError>)>;
    let evaluated: Vec<Evaluated> = pool.install(|| {
        loaded
            .bundles
            .par_iter()
            .map_init(
                || policies.engine.clone(),
                |engine, bundle| match crate::memory::over_ceiling() {
                    Some(_) => None,
                    None => Some(evaluate(policies, engine, bundle)),
                },
            )
            .collect()
    });

    let mut rules: Vec<RuleInfo> = policies.rules.iter().map(|r| r.info.clone()).collect();
    rules.extend(prepared.engine_rules.iter().map(|r| r.info.clone()));
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let rule_info: BTreeMap<&str, &RuleInfo> = rules.iter().map(|r| (r.id.as_str(), r)).collect();

    let mut report = Report::default();
    let mut notifications = loaded.notifications;
    let mut rule_errors = Vec::new();
    let mut findings = Vec::new();
    let mut sources: BTreeMap<String, SharedSource> = BTreeMap::new();

    for (bundle, evaluated) in loaded.bundles.iter().zip(evaluated) {
        let Some((raw, errors)) = evaluated else {
            report.incomplete = true;
            notifications.push(Notification::file(
                NotificationLevel::Error,
                bundle.path.clone(),
                format!(
                    "bundle {} was not evaluated: {}",
                    bundle.path,
                    crate::memory::over_ceiling().unwrap_or_else(|| format!(
                        "memory ceiling of {} reached (raise it with --max-memory)",
                        crate::memory::show_size(crate::memory::ceiling())
                    ))
                ),
            ));
            continue;
        };
        let from_stdin = loaded.stdin_bundle.as_ref() == Some(&bundle.path);
        for error in errors {
            rule_errors.push(rule_error(&policies.rules[error.rule], bundle, &error));
        }
        let bundle_file = first_file(bundle);
        let by_id: BTreeMap<&str, &Resource> = bundle
            .resources
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect();
        let mut noted: BTreeSet<(usize, Option<String>)> = BTreeSet::new();
        for finding in raw {
            let rule = &policies.rules[finding.rule].info;
            let resource = finding
                .resource
                .as_deref()
                .and_then(|id| by_id.get(id).copied());
            let (mut located, resource_id) = match resource {
                Some(resource) => {
                    let located = locate::locate(resource, &finding.path, from_stdin, &helm);
                    (located, Some(resource.id.clone()))
                }
                None => {
                    // A finding about no resource of the bundle concerns the
                    // bundle as a whole: it is reported once, at line 1 of
                    // the bundle's first file, so it still has a place.
                    let Some(first) = bundle_file else {
                        continue;
                    };
                    let located = Located {
                        location: Location {
                            file: first.path.clone(),
                            region: point_region(first, 0),
                        },
                        related: Vec::new(),
                        extra_sources: Vec::new(),
                    };
                    (located, finding.resource.clone())
                }
            };
            for extra in &located.extra_sources {
                sources.insert(extra.path.clone(), extra.clone());
            }
            if let Some(resource) = resource {
                sources.insert(resource.source.path.clone(), resource.source.clone());
            }
            let (rule_id, info, message, kind) = match finding.kind {
                FindingKind::Violation => (
                    rule.id.clone(),
                    rule,
                    finding.message.clone(),
                    FindingKind::Violation,
                ),
                FindingKind::Note => {
                    if !noted.insert((finding.rule, resource_id.clone())) {
                        continue;
                    }
                    let meta = rule_info[META_RULE];
                    let message = match resource.and_then(|r| missing_input(r, &finding.path)) {
                        // One note at the module call rather than one per
                        // resource of the module: the fix is at the call.
                        Some((call, cause)) => {
                            located.related = vec![RelatedLocation {
                                location: located.location.clone(),
                                message: format!(
                                    "{} is one of them",
                                    resource_id.as_deref().unwrap_or("")
                                ),
                            }];
                            located.location = Location {
                                file: call.source.path.clone(),
                                region: call.source.region(call.header),
                            };
                            format!(
                                "{} ({}) could not be verified for resources of {}: {cause}",
                                rule.id, rule.slug, call.address
                            )
                        }
                        None => format!(
                            "{} ({}) could not be verified: {}",
                            rule.id, rule.slug, finding.message
                        ),
                    };
                    (META_RULE.to_owned(), meta, message, FindingKind::Note)
                }
            };
            findings.push(Finding {
                rule_id,
                slug: info.slug.clone(),
                severity: info.severity,
                kind,
                title: info.title.clone(),
                message,
                remediation: info.remediation.clone(),
                location: located.location,
                resource: resource_id,
                path: finding.path,
                bundle: Some(bundle.path.clone()),
                key: if kind == FindingKind::Note {
                    Some(rule.id.clone())
                } else {
                    finding.key
                },
                related: located.related,
                fingerprint: String::new(),
                suppression: None,
            });
        }
    }

    let parse_rule = rule_info[PARSE_RULE];
    for (source, error) in &loaded.failures {
        let region = point_region(source, error.offset);
        notifications.push(Notification {
            level: NotificationLevel::Error,
            file: Some(source.path.clone()),
            line: Some(region.start_line),
            column: Some(region.start_column),
            message: if error.partial {
                format!("{}: {}", source.path, error.message)
            } else {
                format!("{} skipped: {}", source.path, error.message)
            },
        });
        sources.insert(source.path.clone(), source.clone());
        findings.push(Finding {
            rule_id: PARSE_RULE.into(),
            slug: parse_rule.slug.clone(),
            severity: parse_rule.severity,
            kind: FindingKind::Violation,
            title: parse_rule.title.clone(),
            message: error.message.clone(),
            remediation: parse_rule.remediation.clone(),
            location: Location {
                file: source.path.clone(),
                region,
            },
            resource: None,
            path: Vec::new(),
            bundle: None,
            key: None,
            related: Vec::new(),
            fingerprint: String::new(),
            suppression: None,
        });
    }

    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Suppressions apply before merging, to each module instance on its
    // own: `module.b`'s copy of a finding may be accepted while
    // `module.a`'s is not, and then the two stay apart.
    let suppressed = suppress::apply(
        &mut findings,
        &loaded.bundles,
        &suppress::Settings {
            today: options.today.unwrap_or_else(Date::today_utc),
            inline: !options.no_inline_suppressions,
            named_files: loaded.focus.is_some(),
            catalog: &prepared.catalog,
            ignore_file: prepared.ignore_file.as_ref(),
            rules: &rule_info,
        },
    );
    let mut findings = merge_duplicates(findings);
    findings.extend(suppressed.findings);
    for source in suppressed.sources {
        sources.insert(source.path.clone(), source);
    }
    let engine_off: BTreeSet<&str> = prepared
        .engine_rules
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.info.id.as_str())
        .collect();
    findings.retain(|f| {
        !engine_off.contains(f.rule_id.as_str())
            && loaded
                .focus
                .as_ref()
                .is_none_or(|focus| focus.contains(&f.location.file))
    });
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    crate::fingerprint::assign(&mut findings);
    notifications.extend(helm.escapes());
    notifications.sort();
    notifications.dedup();
    // Keep only the files a reported finding points into (the focus filter
    // may have removed the rest).
    let referenced: BTreeSet<&str> = findings
        .iter()
        .flat_map(|f| {
            std::iter::once(f.location.file.as_str())
                .chain(f.related.iter().map(|r| r.location.file.as_str()))
        })
        .collect();
    sources.retain(|path, _| referenced.contains(path.as_str()));

    report.summary = Summary {
        files_scanned: loaded.files_scanned,
        ignored_paths: loaded.ignored_paths,
        bundles: loaded.bundles.len(),
        // A block with no instance creates nothing: it is not counted.
        resources: loaded
            .bundles
            .iter()
            .flat_map(|b| &b.resources)
            .filter(|r| !r.declaration_only)
            .count(),
    };
    report.findings = findings;
    report.notifications = notifications;
    rule_errors.sort();
    rule_errors.dedup();
    report.rule_errors = rule_errors;
    report.rules = rules;
    report.sources = sources;
    report
}

/// The bundle's first file in path order: where findings that concern the
/// whole bundle are reported.
fn first_file(bundle: &Bundle) -> Option<&SharedSource> {
    bundle
        .resources
        .iter()
        .map(|r| &r.source)
        .min_by(|a, b| a.path.cmp(&b.path))
}

/// A rule's evaluation error on `bundle`, at the position the engine names
/// in the rule's files, else at the rule's `package` line.
fn rule_error(rule: &LoadedRule, bundle: &Bundle, error: &EvalError) -> RuleError {
    let located = engine_error(&rule.info.file, &error.message);
    let (message, frame) = match located.message.split_once('\n') {
        Some((headline, frame)) => (headline.to_owned(), Some(frame.to_owned())),
        None => (located.message.clone(), None),
    };
    let (line, column) = match (located.line, located.column) {
        (Some(line), Some(column)) => (line, column),
        _ => (rule.package_line, 1),
    };
    RuleError {
        rule: rule.info.id.clone(),
        file: located.file,
        line,
        column,
        bundle: bundle.path.clone(),
        message,
        frame,
    }
}

/// For a note on a resource of a called module whose value is unknown
/// because a variable has no value: the module call the value comes in
/// through, and the cause.
fn missing_input<'r>(
    resource: &'r Resource,
    path: &[PathSeg],
) -> Option<(&'r ModuleCall, &'r Cause)> {
    let tags = matches!(path.first(), Some(PathSeg::Key(k)) if k == "tags");
    let cause = if tags && resource.tags_cause.is_some() {
        resource.tags_cause.as_ref()
    } else {
        resource
            .unknown
            .iter()
            .find(|u| u.path.starts_with(path) || path.starts_with(&u.path))
            .map(|u| &u.cause)
    }?;
    let Cause::Variable { module, .. } = cause else {
        return None;
    };
    let call = resource
        .module_calls
        .iter()
        .find(|c| c.address == *module)
        .or_else(|| resource.module_calls.first())?;
    Some((call, cause))
}

/// What makes two findings the same: rule, kind, location, value path, the
/// rule's key, the resource's address within its module, how (and whether)
/// it is suppressed, and the message as the module sees it.
type MergeKey = (
    String,
    FindingKind,
    Location,
    String,
    Option<String>,
    String,
    Option<(String, String)>,
    String,
);

/// Findings that say the same thing at the same place — one module's
/// resource reached through several callers or roots, a plan resource and
/// the configuration it was planned from — become one, with every related
/// location kept. The first in sort order is kept.
fn merge_duplicates(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    let mut index: BTreeMap<MergeKey, usize> = BTreeMap::new();
    for finding in findings {
        let local = finding
            .resource
            .as_deref()
            .map(crate::address::in_module)
            .unwrap_or_default();
        let key = (
            finding.rule_id.clone(),
            finding.kind,
            finding.location.clone(),
            crate::model::dotted(&finding.path),
            finding.key.clone(),
            if finding.kind == FindingKind::Note && finding.rule_id == META_RULE {
                // Notes moved to a module call merge whatever resource
                // they came from.
                String::new()
            } else {
                local.to_owned()
            },
            finding
                .suppression
                .as_ref()
                .map(|s| (s.kind.clone(), s.source.clone())),
            if finding.rule_id == META_RULE {
                // One note per rule and place says "could not verify"; its
                // message names just one of the resources behind it.
                String::new()
            } else {
                message_in_module(&finding)
            },
        );
        match index.get(&key) {
            Some(&at) => {
                for related in finding.related {
                    if !out[at].related.contains(&related) {
                        out[at].related.push(related);
                    }
                }
            }
            None => {
                index.insert(key, out.len());
                out.push(finding);
            }
        }
    }
    for finding in &mut out {
        finding.related.sort();
    }
    out
}

/// The finding's message as its module sees it: the module path of its
/// resource taken out. Two messages of one rule at one place are two
/// findings, but the same message reached through two callers
/// (`module.a.x is public`, `module.b.x is public`) is one.
fn message_in_module(finding: &Finding) -> String {
    let Some(resource) = finding.resource.as_deref() else {
        return finding.message.clone();
    };
    let local = crate::address::in_module(resource);
    match resource.strip_suffix(local) {
        Some(prefix) if !prefix.is_empty() => finding.message.replace(prefix, ""),
        _ => finding.message.clone(),
    }
}

/// A one-character region at `offset` (or an empty one at the end of a line).
fn point_region(source: &SourceFile, offset: usize) -> Region {
    let mut region = source.region(Span::new(offset, offset));
    let line = source.line_text(region.start_line);
    if region.start_column <= line.chars().count() {
        region.end_column = region.start_column + 1;
    }
    region
}

/// A file that could not be read or parsed, and why.
pub type Failure = (SharedSource, ParseError);

/// `scalegate inspect`: the input of every bundle, as policies see it.
/// With `explain_unknown`, each resource also lists why its unknown values
/// are unknown (`unknown_causes`), which policies never see.
pub fn inspect(
    options: &Options,
    explain_unknown: bool,
) -> Result<(Value, Vec<Notification>, Vec<Failure>), ScanError> {
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
