//! Helm charts rendered with the real Helm (`helm template`), the way they
//! are deployed, rather than guessed at in-process: the output is what the
//! cluster would receive, whatever template functions the chart uses.
//!
//! Nothing is downloaded. Dependencies must be vendored under `charts/`
//! (or be `file://` paths); one that is not is reported at its entry in
//! `Chart.yaml` before Helm runs. Helm itself runs with its config, cache
//! and data homes in a fresh temporary directory, so no repository list,
//! registry login or plugin of the user's is used, and without
//! `--dependency-update`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::{run_tool, ToolError, RENDER_TIMEOUT};
use crate::diagnostic::ParseError;
use crate::source::SourceFile;
use crate::yaml::{self, NodeValue};

/// What to tell a user whose project has charts but no Helm.
pub const NO_HELM: &str = "Helm charts were found but no `helm` program: install Helm 3.8 or later (https://helm.sh/docs/intro/install/), pass `--helm-bin PATH`, set `helm.binary` in .scalegate.yaml, or set `helm: {render: false}` to skip charts";

/// One render of a chart: the arguments `helm template` gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderSpec {
    /// The render's name, shown in bundle names (`web[prod]`).
    pub name: String,
    /// The release name (`.Release.Name`).
    pub release: Option<String>,
    pub namespace: Option<String>,
    /// Values files (`-f`), already resolved, in order.
    pub values: Vec<PathBuf>,
    /// `--set` values, in order.
    pub set: Vec<(String, String)>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
}

impl RenderSpec {
    /// The render a chart gets when nothing names one: its own values.
    pub fn default_render() -> RenderSpec {
        RenderSpec {
            name: "default".to_owned(),
            ..RenderSpec::default()
        }
    }
}

/// The release name Helm itself uses when none is given.
const DEFAULT_RELEASE: &str = "release-name";

/// Where a render failed: a file of the chart (an absolute path), a
/// 1-based line and a 0-based byte column as Helm counts them, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderFailure {
    /// The file Helm names, when it names one inside the chart.
    pub file: Option<PathBuf>,
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl RenderFailure {
    /// The failure as a parse error in `source` (the file it names).
    pub fn parse_error(&self, source: &SourceFile) -> ParseError {
        let span = source.line_span(self.line);
        let line = &source.text[span.start..span.end];
        // Helm (Go's text/template) counts columns in bytes from 0.
        let mut within = self.column.unwrap_or(0).min(line.len());
        while !line.is_char_boundary(within) {
            within -= 1;
        }
        ParseError::new(span.start + within, self.message.clone())
    }
}

/// The Helm program to use: `explicit` (`--helm-bin`, `helm.binary`), else
/// `helm` on `PATH`. `None` when there is none.
pub fn find_helm(explicit: Option<&Path>, path_var: Option<&std::ffi::OsStr>) -> Option<PathBuf> {
    if let Some(explicit) = explicit {
        return Some(explicit.to_path_buf());
    }
    super::on_path("helm", path_var)
}

/// Checks that `helm` runs and is 3.8 or later (the first version whose
/// `template` takes every flag used here); returns its version.
pub fn check_version(helm: &Path) -> Result<String, String> {
    let output = run_tool(
        helm,
        &["version".to_owned(), "--short".to_owned()],
        &[],
        Path::new("."),
        RENDER_TIMEOUT,
        64 * 1024,
    )
    .map_err(|e| format!("`{} version` {e}", helm.display()))?;
    let version = output.stdout.trim().to_owned();
    if !output.success {
        return Err(format!(
            "`{} version` failed: {}",
            helm.display(),
            output.stderr.trim()
        ));
    }
    match parse_version(&version) {
        Some((major, minor)) if major > 3 || (major == 3 && minor >= 8) => Ok(version),
        Some(_) => Err(format!(
            "{} is Helm {version}; scalegate needs Helm 3.8 or later",
            helm.display()
        )),
        None => Err(format!(
            "{} does not look like Helm: `version --short` printed {version:?}",
            helm.display()
        )),
    }
}

/// `v3.14.2+gabc` → `(3, 14)`.
fn parse_version(text: &str) -> Option<(u32, u32)> {
    let text = text.strip_prefix('v')?;
    let mut parts = text.split(['.', '+', '-']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

/// The dependencies `Chart.yaml` (its text in `chart_yaml`) declares that
/// are neither vendored under `charts/` nor `file://` paths: each a parse
/// error at its entry. Helm would otherwise stop at the first with a
/// message naming no line, or need the network to fetch them.
pub fn missing_dependencies(chart_dir: &Path, chart_yaml: &SourceFile) -> Vec<ParseError> {
    let Ok(docs) = yaml::parse_documents(
        &chart_yaml.text,
        yaml::Typing::Core,
        &yaml::Limits::default(),
    ) else {
        return Vec::new(); // Helm reports a Chart.yaml it cannot read.
    };
    let vendored = vendored_charts(chart_dir);
    let mut missing = Vec::new();
    for root in docs.into_iter().filter_map(|d| d.root) {
        let NodeValue::Map(entries) = root.value else {
            continue;
        };
        for (key, value) in entries {
            if key.text != "dependencies" {
                continue;
            }
            let NodeValue::Seq(items) = value.value else {
                continue;
            };
            for item in items {
                let span = item.span;
                let NodeValue::Map(fields) = item.value else {
                    continue;
                };
                let field = |name: &str| {
                    fields
                        .iter()
                        .find(|(k, _)| k.text == name)
                        .and_then(|(_, v)| v.as_str().map(str::to_owned))
                };
                let Some(name) = field("name") else {
                    continue;
                };
                let repository = field("repository").unwrap_or_default();
                if repository.starts_with("file://") || vendored.contains(&name) {
                    continue;
                }
                let from = if repository.is_empty() {
                    String::new()
                } else {
                    format!(" (from {repository})")
                };
                missing.push(ParseError::new(
                    span.start,
                    format!(
                        "chart dependency `{name}`{from} is not vendored under charts/; scalegate never downloads charts: run `helm dependency build` and commit charts/, or use a file:// repository"
                    ),
                ));
            }
        }
    }
    missing
}

/// The chart names under `charts/`: directories by name, archives by the
/// name before their version (`redis-17.3.1.tgz` → `redis`).
fn vendored_charts(chart_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(chart_dir.join("charts")) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() {
            names.push(name);
        } else if let Some(stem) = name.strip_suffix(".tgz") {
            // The version starts at the last `-` followed by a digit.
            let cut = stem
                .match_indices('-')
                .filter(|(i, _)| stem[i + 1..].starts_with(|c: char| c.is_ascii_digit()))
                .map(|(i, _)| i)
                .next_back();
            names.push(cut.map_or(stem, |i| &stem[..i]).to_owned());
        }
    }
    names
}

/// A temporary Helm home (config, cache, data), removed when dropped.
pub struct HelmHome {
    dir: PathBuf,
}

impl HelmHome {
    /// Makes a fresh, empty directory under the system temp dir.
    pub fn new() -> std::io::Result<HelmHome> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "scalegate-helm-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        Ok(HelmHome { dir })
    }

    /// The environment that keeps Helm inside this home, away from the
    /// user's repositories, registries, plugins and clusters.
    fn env(&self) -> Vec<(String, String)> {
        let at = |name: &str| self.dir.join(name).display().to_string();
        vec![
            ("HELM_CONFIG_HOME".to_owned(), at("config")),
            ("HELM_CACHE_HOME".to_owned(), at("cache")),
            ("HELM_DATA_HOME".to_owned(), at("data")),
            ("HELM_PLUGINS".to_owned(), at("plugins")),
            (
                "HELM_REPOSITORY_CONFIG".to_owned(),
                at("config/repositories.yaml"),
            ),
            ("HELM_REPOSITORY_CACHE".to_owned(), at("cache/repository")),
            (
                "HELM_REGISTRY_CONFIG".to_owned(),
                at("config/registry.json"),
            ),
            ("HELM_NO_PLUGINS".to_owned(), "1".to_owned()),
            ("KUBECONFIG".to_owned(), at("kubeconfig")),
        ]
    }
}

impl Drop for HelmHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The `helm template` arguments for one render of `chart_dir`.
pub fn template_args(chart_dir: &Path, spec: &RenderSpec) -> Vec<String> {
    let mut args = vec![
        "template".to_owned(),
        spec.release
            .clone()
            .unwrap_or_else(|| DEFAULT_RELEASE.to_owned()),
        chart_dir.display().to_string(),
        // Test hooks are run by `helm test`, never deployed by an install.
        "--skip-tests".to_owned(),
    ];
    if let Some(namespace) = &spec.namespace {
        args.extend(["--namespace".to_owned(), namespace.clone()]);
    }
    for values in &spec.values {
        args.extend(["--values".to_owned(), values.display().to_string()]);
    }
    for (key, value) in &spec.set {
        args.extend(["--set".to_owned(), format!("{key}={value}")]);
    }
    if let Some(version) = &spec.kube_version {
        args.extend(["--kube-version".to_owned(), version.clone()]);
    }
    for api in &spec.api_versions {
        args.extend(["--api-versions".to_owned(), api.clone()]);
    }
    args
}

/// Renders one chart: its manifests, or where and why Helm refused.
pub fn render(
    helm: &Path,
    home: &HelmHome,
    chart_dir: &Path,
    spec: &RenderSpec,
    max_bytes: u64,
) -> Result<String, RenderFailure> {
    let at_chart = |message: String| RenderFailure {
        file: None,
        line: 1,
        column: None,
        message,
    };
    let output = run_tool(
        helm,
        &template_args(chart_dir, spec),
        &home.env(),
        chart_dir,
        RENDER_TIMEOUT,
        max_bytes,
    )
    .map_err(|e| match e {
        ToolError::Start(_) => at_chart(format!("`{}` {e}", helm.display())),
        _ => at_chart(format!("helm template {e}")),
    })?;
    if output.success {
        return Ok(output.stdout);
    }
    Err(failure_from_stderr(chart_dir, &output.stderr))
}

/// Helm's error message, located at the chart file it names
/// (`web/templates/a.yaml:12:8`, `(web/templates/a.yaml:12)`), else at the
/// chart itself.
pub fn failure_from_stderr(chart_dir: &Path, stderr: &str) -> RenderFailure {
    let message: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Use --debug flag"))
        .collect();
    let message = message.join(" ");
    let message = message.strip_prefix("Error: ").unwrap_or(&message);
    let message = format!("helm template failed: {message}");
    let mut failure = RenderFailure {
        file: None,
        line: 1,
        column: None,
        message,
    };
    if let Some((rest, line, column)) = named_position(stderr) {
        // `rest` is the path inside the chart; it must stay there.
        if let Some(path) = crate::discover::contained(chart_dir, chart_dir, &rest) {
            if path.is_file() {
                failure.file = Some(path);
                failure.line = line;
                failure.column = column;
            }
        }
    }
    failure
}

/// The first `chart/templates/…:LINE[:COL]` in Helm's message, as the path
/// below the chart's own directory, the line and the column.
fn named_position(stderr: &str) -> Option<(String, usize, Option<usize>)> {
    let pattern = regex::Regex::new(
        r"([^\s():]+?/(?:charts/[^\s():/]+/)*templates/[^\s():]+):(\d+)(?::(\d+))?",
    )
    .ok()?;
    let Some(captures) = pattern.captures(stderr) else {
        // `YAML parse error on web/templates/a.yaml: … line 37` names a
        // line of the rendered output, not of the template: the file only.
        let file_only = regex::Regex::new(
            r"([^\s():]+?/(?:charts/[^\s():/]+/)*templates/[^\s():]+?\.(?:ya?ml|tpl|json|txt)):",
        )
        .ok()?;
        let written = file_only.captures(stderr)?.get(1)?.as_str();
        let (_chart, rest) = written.split_once('/')?;
        return Some((rest.to_owned(), 1, None));
    };
    let written = captures.get(1)?.as_str();
    let (_chart, rest) = written.split_once('/')?;
    let line = captures.get(2)?.as_str().parse().ok()?;
    let column = captures.get(3).and_then(|c| c.as_str().parse().ok());
    Some((rest.to_owned(), line, column))
}

/// `--set` values from the config, in key order (a mapping has no other
/// order Helm could rely on).
pub fn set_pairs(set: &BTreeMap<String, String>) -> Vec<(String, String)> {
    set.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_short_output() {
        assert_eq!(parse_version("v4.1.4+g05fa379"), Some((4, 1)));
        assert_eq!(parse_version("v3.8.0+gd141386"), Some((3, 8)));
        assert_eq!(parse_version("v3.7.2"), Some((3, 7)));
        assert_eq!(parse_version("version.BuildInfo{}"), None);
    }

    #[test]
    fn helm_positions_are_found_in_each_message_form() {
        assert_eq!(
            named_position("Error: execution error at (web/templates/deploy.yaml:10:20): image.tag is required"),
            Some(("templates/deploy.yaml".to_owned(), 10, Some(20)))
        );
        assert_eq!(
            named_position(
                "Error: parse error at (web/templates/deploy.yaml:10): function \"x\" not defined"
            ),
            Some(("templates/deploy.yaml".to_owned(), 10, None))
        );
        assert_eq!(
            named_position("Error: web/templates/a.yaml:11:10\n  executing \"web/templates/a.yaml\" at <.Values.a.b>:"),
            Some(("templates/a.yaml".to_owned(), 11, Some(10)))
        );
        assert_eq!(
            named_position("Error: template: web/charts/db/templates/s.yaml:3:4: executing"),
            Some(("charts/db/templates/s.yaml".to_owned(), 3, Some(4)))
        );
        assert_eq!(
            named_position("Error: found in Chart.yaml, but missing in charts/ directory: redis"),
            None
        );
    }

    #[test]
    fn helm_columns_count_bytes_from_zero() {
        let source = SourceFile::new("t.yaml", "a: 1\n  é: {{ x }}\n".to_owned());
        let failure = RenderFailure {
            file: None,
            line: 2,
            column: Some(6),
            message: "m".to_owned(),
        };
        // `  é: ` is 6 bytes (é is two), so column 6 is the `{`.
        assert_eq!(source.position(failure.parse_error(&source).offset), (2, 6));
    }

    #[test]
    fn archives_are_vendored_by_name_without_version() {
        let dir = std::env::temp_dir().join(format!("sg-vendored-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("charts/common")).unwrap();
        std::fs::write(dir.join("charts/kube-state-metrics-5.1.0.tgz"), "").unwrap();
        let mut names = vendored_charts(&dir);
        names.sort();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(names, ["common", "kube-state-metrics"]);
    }

    #[test]
    fn arguments_follow_the_render() {
        let spec = RenderSpec {
            name: "prod".to_owned(),
            release: Some("shop".to_owned()),
            namespace: Some("prod".to_owned()),
            values: vec![PathBuf::from("/v/prod.yaml")],
            set: vec![("replicas".to_owned(), "3".to_owned())],
            kube_version: Some("1.29".to_owned()),
            api_versions: vec!["monitoring.coreos.com/v1".to_owned()],
        };
        assert_eq!(
            template_args(Path::new("/c"), &spec).join(" "),
            "template shop /c --skip-tests --namespace prod --values /v/prod.yaml --set replicas=3 --kube-version 1.29 --api-versions monitoring.coreos.com/v1"
        );
    }
}
