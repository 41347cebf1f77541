//! The second stage: discovery results (and stdin) → parsed files →
//! Terraform modules completed and evaluated → bundles, one per Kubernetes
//! directory, Terraform root module and plan file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use globset::{Glob, GlobSetBuilder};

use super::read::{
    file_size, parse_source, read_and_parse, read_and_parse_sized, within_ceiling, ParsedFile,
};
use super::schedule::costliest_first;
use super::{thread_pool, Options, Prepared, ScanError, Unreadable, STDIN_NAME};
use crate::discover::{self, Candidate, FileKind, Scope};
use crate::model::{Bundle, ChartRender, FileComments, Format, Notification, Resource};
use crate::module_loader;
use crate::parse::{self, ParseError};
use crate::source::SourceFile;
use crate::timings::Timings;

/// Everything read from disk (or stdin), grouped into bundles.
pub struct Loaded {
    pub bundles: Vec<Bundle>,
    pub failures: Vec<Unreadable>,
    pub notifications: Vec<Notification>,
    pub focus: Option<BTreeSet<String>>,
    pub files_scanned: usize,
    /// Files and directories ignore rules kept out of discovery.
    pub ignored_paths: usize,
    /// The path of the bundle read from stdin, if any.
    pub stdin_bundle: Option<String>,
    /// The comments of files that hold a suppression directive, by
    /// reported path, as their parsers handed them on.
    pub comments: BTreeMap<String, FileComments>,
    /// Helm charts not rendered because the config turns rendering off.
    pub charts_not_rendered: usize,
    /// The wall time of discovery, parsing and Terraform evaluation; the
    /// later phases are filled in as they run.
    pub timings: Timings,
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
    let mut timings = Timings::default();
    let started = Instant::now();
    let stdin_requested = options.paths.iter().any(|p| p.as_os_str() == "-");
    check_helm_flags(options, stdin_requested)?;
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
    for pair in &options.helm_set {
        if !pair.contains('=') {
            return Err(ScanError::Usage(format!(
                "--helm-set {pair:?}: expected KEY=VALUE"
            )));
        }
    }
    timings.discovery = started.elapsed();
    let started = Instant::now();
    let pool = thread_pool(options.threads);
    let charts = super::charts::render_charts(options, prepared, &discovery.charts, &pool)?;
    // A file's size stands for its cost, and decides whether it is read.
    let mut parsed: Vec<ParsedFile> = pool.install(|| {
        costliest_first(
            &discovery.files,
            file_size,
            || (),
            |_, c, size| read_and_parse_sized(c, size),
        )
    });

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
            ParsedFile::unparsed(
                candidate,
                scope,
                Some((
                    source,
                    ParseError::new(0, "stdin is over the 64 MB budget; not read".to_owned()),
                )),
            )
        } else {
            pool.install(|| within_ceiling(parse_source(candidate, scope, source)))
        };
        parsed.push(stdin_file);
    }

    let command_line = command_line_values(options)?;
    let rendered =
        super::kustomize::render_roots(options, prepared, &discovery.kustomize_roots, &pool)?;
    let mut notifications = discovery.notifications;
    notifications.extend(charts.notifications);
    notifications.extend(rendered.notifications);
    let mut failures = charts.failures;
    failures.extend(rendered.failures);
    let mut files_scanned = rendered.files;
    let mut groups: BTreeMap<(Format, String), Vec<Resource>> = BTreeMap::new();
    let mut focus = discovery.focus;
    let mut renders = BTreeMap::new();
    let mut comments: BTreeMap<String, FileComments> = rendered.comments.into_iter().collect();
    for (file, render) in charts.files {
        files_scanned += 1;
        notifications.extend(file.warnings);
        if let Some(handed) = file.comments {
            comments.insert(file.candidate.display.clone(), handed);
        }
        let bundle = file.candidate.display.clone();
        let mut resources = file.resources;
        // The render is part of each id, so `web[prod]` and `web[staging]`
        // findings on one template line stay apart (and in baselines).
        for resource in &mut resources {
            resource.id = format!("{bundle}:{}", resource.id);
        }
        if let Some(focus) = &mut focus {
            // A chart selected by one of its files reports everything its
            // renders produce, wherever a finding is located.
            focus.insert(bundle.clone());
            focus.extend(files_under(root, &render.chart_dir));
        }
        groups.insert((Format::Kubernetes, bundle.clone()), resources);
        renders.insert(bundle, render);
    }
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
        if let Some(handed) = file.comments {
            comments.insert(file.candidate.display.clone(), handed);
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
    timings.parse = started.elapsed();
    let started = Instant::now();
    comments.extend(modules.take_comments());
    // Evaluation takes the parsed files, to drop each group's syntax trees
    // as soon as its roots are evaluated.
    let evaluated = pool.install(|| parse::terraform::evaluate(modules, &command_line));
    timings.terraform = started.elapsed();
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
        let chart = match format {
            Format::Kubernetes => renders.remove(&path).or_else(|| {
                stdin_chart(options, root).filter(|_| stdin_bundle.as_deref() == Some(&path))
            }),
            _ => None,
        };
        bundles.push(Bundle {
            format,
            path,
            resources,
            chart,
            kustomization: None,
        });
    }
    for mut bundle in rendered.bundles {
        number_duplicate_ids(&mut bundle.resources);
        bundles.push(bundle);
    }
    Ok(Loaded {
        bundles,
        failures,
        notifications,
        focus,
        files_scanned,
        ignored_paths: discovery.ignored_paths,
        stdin_bundle,
        comments,
        charts_not_rendered: charts.not_rendered,
        timings,
    })
}

/// Every file under a chart directory (given as reported), as reported.
fn files_under(root: &std::path::Path, chart_dir: &str) -> Vec<String> {
    let dir = if chart_dir == "." {
        root.to_path_buf()
    } else {
        root.join(chart_dir)
    };
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else {
                out.push(discover::display_path(
                    root,
                    &path,
                    &discover::escaped(&path),
                ));
            }
        }
    }
    out
}

/// `--helm-chart` describes Helm output read from stdin: without `-` among
/// the paths there is nothing for it to apply to, and ignoring it would let
/// a user believe a chart was checked. `--helm-values` applies to the charts
/// named as paths, or to stdin's chart, which `--helm-chart` must then name.
fn check_helm_flags(options: &Options, stdin_requested: bool) -> Result<(), ScanError> {
    if options.helm_chart.is_some() && !stdin_requested {
        return Err(ScanError::Usage(
            "--helm-chart names the chart of Helm output read from stdin; pipe the output in and scan `-`, e.g. `helm template charts/web | scalegate scan - --helm-chart charts/web`".to_owned(),
        ));
    }
    if stdin_requested && !options.helm_values.is_empty() && options.helm_chart.is_none() {
        return Err(ScanError::Usage(
            "--helm-values needs --helm-chart: `helm template charts/web -f prod.yaml | scalegate scan - --helm-chart charts/web --helm-values prod.yaml`".to_owned(),
        ));
    }
    Ok(())
}

/// The chart stdin was rendered from (`--helm-chart`), with its values
/// files (`--helm-values`) as display paths.
fn stdin_chart(options: &Options, root: &Path) -> Option<ChartRender> {
    let display =
        |p: &PathBuf| discover::display_path(root, &options.cwd.join(p), &p.display().to_string());
    let chart_dir = options.helm_chart.as_ref()?;
    Some(ChartRender {
        chart_dir: display(chart_dir),
        render: "default".to_owned(),
        values_files: options.helm_values.iter().map(display).collect(),
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
