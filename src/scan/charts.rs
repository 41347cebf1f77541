//! Helm charts found by discovery → one rendered file per render, parsed
//! like any Kubernetes manifest and grouped into its own bundle
//! (`web[prod]`), or a failure at the place Helm (or a missing dependency)
//! names.
//!
//! Renders run in parallel; their results are put back in (chart, render)
//! order, so the output is the same at any thread count.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::read::{parse_source, within_ceiling, ParsedFile};
use super::{Options, Prepared, ScanError, MAX_FILE_BYTES};
use crate::config::helm::RenderConfig;
use crate::discover::{self, Candidate, ChartRoot, FileKind, Scope};
use crate::model::{ChartRender, Notification, NotificationLevel};
use crate::parse::ParseError;
use crate::render::helm::{self, HelmHome, RenderSpec};
use crate::source::{SharedSource, SourceFile};

/// What rendering the charts produced.
#[derive(Default)]
pub(super) struct Rendered {
    /// Each render's output, parsed, with the chart it came from.
    pub(super) files: Vec<(ParsedFile, ChartRender)>,
    pub(super) failures: Vec<(SharedSource, ParseError)>,
    pub(super) notifications: Vec<Notification>,
    /// Charts skipped because the config says `helm.render: false`.
    pub(super) not_rendered: usize,
}

/// One render to run: the chart, the spec, and its values files as reported.
struct Job<'a> {
    chart: &'a ChartRoot,
    spec: RenderSpec,
    values_display: Vec<String>,
}

/// Renders every chart (each render its own file), or exits 2 when charts
/// are present and no usable Helm is.
pub(super) fn render_charts(
    options: &Options,
    prepared: &Prepared,
    charts: &[ChartRoot],
    pool: &rayon::ThreadPool,
) -> Result<Rendered, ScanError> {
    let mut rendered = Rendered::default();
    if charts.is_empty() {
        return Ok(rendered);
    }
    let config = &prepared.config.helm;
    if !config.render {
        for chart in charts {
            rendered.notifications.push(Notification::file(
                NotificationLevel::Warning,
                chart.display.clone(),
                format!(
                    "Helm chart {} not scanned: `helm.render` is false in the config",
                    chart.display
                ),
            ));
        }
        rendered.not_rendered = charts.len();
        return Ok(rendered);
    }
    let root = &prepared.root;
    let explicit = options.helm_bin.clone().or_else(|| {
        config.binary.as_ref().map(|b| {
            let base = prepared
                .config
                .file
                .as_deref()
                .and_then(Path::parent)
                .unwrap_or(root);
            base.join(b)
        })
    });
    let Some(helm_bin) = helm::find_helm(explicit.as_deref(), options.search_path.as_deref())
    else {
        return Err(ScanError::Usage(helm::NO_HELM.to_owned()));
    };
    helm::check_version(&helm_bin)
        .map_err(|e| ScanError::Usage(format!("{e}\n{}", helm::NO_HELM)))?;
    let home = HelmHome::new()
        .map_err(|e| ScanError::Usage(format!("cannot make a temporary Helm home: {e}")))?;

    let mut jobs = Vec::new();
    for chart in charts {
        let chart_yaml = read_chart_yaml(chart);
        let missing = helm::missing_dependencies(&chart.path, &chart_yaml);
        if !missing.is_empty() {
            rendered
                .failures
                .extend(missing.into_iter().map(|e| (chart_yaml.clone(), e)));
            continue;
        }
        for render in renders_of(prepared, chart) {
            jobs.push(job(options, root, chart, &render));
        }
    }
    let results: Vec<Result<ParsedFile, (SharedSource, ParseError)>> = pool.install(|| {
        jobs.par_iter()
            .map(|job| render_one(&helm_bin, &home, job))
            .collect()
    });
    for (job, result) in jobs.iter().zip(results) {
        match result {
            Ok(file) => rendered.files.push((
                file,
                ChartRender {
                    chart_dir: job.chart.display.clone(),
                    render: job.spec.name.clone(),
                    values_files: job.values_display.clone(),
                },
            )),
            Err(failure) => rendered.failures.push(failure),
        }
    }
    Ok(rendered)
}

/// The renders the config names for `chart`, else the default one.
fn renders_of(prepared: &Prepared, chart: &ChartRoot) -> Vec<RenderConfig> {
    let root = &prepared.root;
    let configured = prepared
        .config
        .helm
        .charts
        .iter()
        .find(|c| discover::normalize(&root.join(&c.path)) == chart.path);
    match configured {
        Some(c) if !c.renders.is_empty() => c.renders.clone(),
        _ => vec![RenderConfig {
            name: "default".to_owned(),
            ..RenderConfig::default()
        }],
    }
}

/// The spec for one render: the config's values (relative to the project
/// root), then, for a chart named on the command line, `--helm-values`
/// (relative to the working directory) and `--helm-set`.
fn job<'a>(options: &Options, root: &Path, chart: &'a ChartRoot, render: &RenderConfig) -> Job<'a> {
    let mut values: Vec<(PathBuf, String)> = render
        .values
        .iter()
        .map(|v| {
            let path = discover::normalize(&root.join(v));
            let display = discover::display_path(root, &path, v);
            (path, display)
        })
        .collect();
    let mut set = helm::set_pairs(&render.set);
    if chart.named {
        for v in &options.helm_values {
            let path = discover::normalize(&options.cwd.join(v));
            let display = discover::display_path(root, &path, &v.display().to_string());
            values.push((path, display));
        }
        for pair in &options.helm_set {
            if let Some((k, v)) = pair.split_once('=') {
                set.push((k.to_owned(), v.to_owned()));
            }
        }
    }
    let own_values = chart.path.join("values.yaml");
    let mut values_display = Vec::new();
    if own_values.is_file() {
        values_display.push(discover::display_path(
            root,
            &own_values,
            &own_values.display().to_string(),
        ));
    }
    values_display.extend(values.iter().map(|(_, d)| d.clone()));
    Job {
        chart,
        spec: RenderSpec {
            name: render.name.clone(),
            release: render.release.clone(),
            namespace: render.namespace.clone(),
            values: values.into_iter().map(|(p, _)| p).collect(),
            set,
            kube_version: render.kube_version.clone(),
            api_versions: render.api_versions.clone(),
        },
        values_display,
    }
}

/// `Chart.yaml` as a source, where chart-level failures are reported.
fn read_chart_yaml(chart: &ChartRoot) -> SharedSource {
    let path = chart.path.join("Chart.yaml");
    let display = if chart.display == "." {
        "Chart.yaml".to_owned()
    } else {
        format!("{}/Chart.yaml", chart.display)
    };
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    Arc::new(SourceFile::new(display, text))
}

/// Runs one render and parses its output as the file `chart[render]`.
fn render_one(
    helm_bin: &Path,
    home: &HelmHome,
    job: &Job,
) -> Result<ParsedFile, (SharedSource, ParseError)> {
    let name = ChartRender::bundle_name(&chart_label(job.chart), &job.spec.name);
    let output = match helm::render(helm_bin, home, &job.chart.path, &job.spec, MAX_FILE_BYTES) {
        Ok(output) => output,
        Err(failure) => {
            let source = match &failure.file {
                Some(file) => {
                    let display = chart_file_display(job.chart, file)
                        .unwrap_or_else(|| file.display().to_string());
                    let text = std::fs::read_to_string(file).unwrap_or_default();
                    Arc::new(SourceFile::new(display, text))
                }
                None => read_chart_yaml(job.chart),
            };
            let mut error = failure.parse_error(&source);
            error.message = format!("{name}: {}", error.message);
            return Err((source, error));
        }
    };
    let candidate = Candidate {
        display: name.clone(),
        path: PathBuf::from(&name),
        kind: FileKind::Yaml,
        dir: name.clone(),
        named: true,
    };
    let source = Arc::new(SourceFile::new(name, output));
    if let Some(message) = crate::memory::over_ceiling() {
        return Err((source, ParseError::new(0, message)));
    }
    let file = within_ceiling(parse_source(candidate, Scope::Kubernetes, source));
    match file.failure {
        Some(failure) => Err(failure),
        None => Ok(file),
    }
}

/// A file inside a chart as reported: the chart's display path joined with
/// its path inside the chart.
fn chart_file_display(chart: &ChartRoot, file: &Path) -> Option<String> {
    let inside = file.strip_prefix(&chart.path).ok()?;
    let inside = inside
        .components()
        .map(|c| discover::escaped(Path::new(c.as_os_str())))
        .collect::<Vec<_>>()
        .join("/");
    Some(if chart.display == "." {
        inside
    } else {
        format!("{}/{inside}", chart.display)
    })
}

/// How a chart is named in bundle names: its directory as reported, or for
/// a chart at the project root, the root directory's own name (`.[prod]`
/// would tell a reader nothing).
fn chart_label(chart: &ChartRoot) -> String {
    if chart.display != "." {
        return chart.display.clone();
    }
    chart
        .path
        .file_name()
        .map(|n| discover::escaped(Path::new(n)))
        .unwrap_or_else(|| "chart".to_owned())
}
