//! Report writers, one per output format (docs/architecture.md "Output contract").
//!
//! Every writer is a pure function from a [`Report`] to a `String`: no clock,
//! no environment, no absolute paths, so the same report always renders to the
//! same bytes (snapshot tests and GitHub's alert matching both rely on it).
//! `main.rs` decides where the text goes and whether colour is wanted.

pub mod compact;
mod configuration;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod json;
pub mod junit;
pub mod printable;
pub mod sarif;
pub mod text;

#[cfg(test)]
mod fixture;

use std::fmt;
use std::str::FromStr;

use crate::model::{Report, Severity};
use crate::source::Region;

/// An output format for `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputFormat {
    /// Human-readable diagnostics with code frames.
    Text,
    /// The version-1 JSON contract (a public interface, see the README).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// One `path:line:col: severity[ID] message` line per finding.
    Compact,
    /// JUnit XML for CI test views (Jenkins, GitLab, Azure DevOps, CircleCI).
    Junit,
    /// GitLab Code Quality JSON (the Code Climate issue format).
    Gitlab,
    /// A self-contained page to open, filter and click through.
    Html,
}

impl OutputFormat {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [OutputFormat; 8] = [
        OutputFormat::Text,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Compact,
        OutputFormat::Junit,
        OutputFormat::Gitlab,
        OutputFormat::Html,
    ];

    /// The name accepted by `--format`.
    pub fn as_str(self) -> &'static str {
        match self {
            OutputFormat::Text => "text",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Compact => "compact",
            OutputFormat::Junit => "junit",
            OutputFormat::Gitlab => "gitlab",
            OutputFormat::Html => "html",
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutputFormat {
    type Err = String;

    /// Parses a `--format` value; the error lists the accepted names.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                let names: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.as_str()).collect();
                format!(
                    "unknown output format `{s}`; expected one of: {}",
                    names.join(", ")
                )
            })
    }
}

/// What a writer needs beyond the report itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// SARIF `automationDetails.id` (`--sarif-category`). GitHub keeps one set
    /// of alerts per category, so two scalegate uploads for different parts of
    /// a repository need different categories.
    pub sarif_category: String,
    /// ANSI colour in the text format (a terminal without `NO_COLOR`).
    pub color: bool,
    /// List suppressed findings too, in the text format (`--show-suppressed`).
    pub show_suppressed: bool,
    /// The version written into SARIF and JSON.
    pub tool_version: String,
    /// The gate in force (`None` = `never`): JUnit marks the findings that
    /// fail it as failures, and only those.
    pub fail_on: Option<Severity>,
    /// What the HTML report puts before a reported path to link to the
    /// file from where the report is written (`../../`, see
    /// [`html::link_base`]); empty for a report beside the project root.
    pub link_base: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            sarif_category: sarif::DEFAULT_CATEGORY.to_owned(),
            color: false,
            show_suppressed: false,
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            // The gate a scan uses when neither flag nor config sets one.
            fail_on: Some(Severity::Low),
            link_base: String::new(),
        }
    }
}

/// Renders `report` in `format`. The result ends with a newline unless it is
/// empty (the GitHub format with nothing to annotate).
pub fn render(report: &Report, format: OutputFormat, options: &RenderOptions) -> String {
    match format {
        OutputFormat::Text => text::render(report, options),
        OutputFormat::Json => json::render(report, options),
        OutputFormat::Sarif => sarif::render(report, options),
        OutputFormat::Github => github::render(report),
        OutputFormat::Compact => compact::render(report, options),
        OutputFormat::Junit => junit::render(report, options),
        OutputFormat::Gitlab => gitlab::render(report),
        OutputFormat::Html => html::render(report, options),
    }
}

/// Counts of unsuppressed findings by severity, the numbers every summary shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    /// Indexed like [`Severity::ALL`].
    pub by_severity: [usize; 5],
    pub suppressed: usize,
}

impl Counts {
    pub fn of(report: &Report) -> Counts {
        let mut counts = Counts::default();
        for f in &report.findings {
            if f.suppression.is_some() {
                counts.suppressed += 1;
            } else {
                counts.by_severity[report.rule_of(f).severity as usize] += 1;
            }
        }
        counts
    }

    /// Unsuppressed findings.
    pub fn total(&self) -> usize {
        self.by_severity.iter().sum()
    }

    /// `1 high, 2 medium`: only the severities that occur, most severe first.
    pub fn breakdown(&self) -> String {
        let parts: Vec<String> = Severity::ALL
            .iter()
            .zip(self.by_severity)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        parts.join(", ")
    }
}

/// `1 finding` / `2 findings`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The one-line summary the text and GitHub step summary end with:
/// `3 findings (1 high, 2 medium) in 4 files scanned, 7 resources`.
pub(crate) fn summary_line(report: &Report) -> String {
    let counts = Counts::of(report);
    let scope = format!(
        "in {} scanned, {}",
        plural(report.summary.files_scanned, "file"),
        plural(report.summary.resources, "resource")
    );
    let mut line = if counts.total() == 0 {
        format!("no findings {scope}")
    } else {
        format!(
            "{} ({}) {scope}",
            plural(counts.total(), "finding"),
            counts.breakdown()
        )
    };
    if counts.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", counts.suppressed));
    }
    if report.summary.ignored_paths > 0 {
        line.push_str(&format!(
            "; {} skipped by ignore rules",
            plural(report.summary.ignored_paths, "path")
        ));
    }
    // Helm charts: only when `helm.render: false` left some unscanned.
    if report.summary.charts_not_rendered > 0 {
        line.push_str(&format!(
            "; {} not scanned (helm.render is false)",
            plural(report.summary.charts_not_rendered, "Helm chart")
        ));
    }
    line
}

/// The line the text report and the GitHub step summary give the
/// configuration the scan applied (JSON and SARIF carry it as data):
/// `configuration: config .scalegate.yaml: fail_on never; …`. `None` when
/// there is nothing to say: no config or ignore file, comments and
/// annotations read but suppressing nothing, every rule run.
pub(crate) fn configuration_line(report: &Report) -> Option<String> {
    let applied = &report.configuration;
    let mut parts = Vec::new();
    if applied.repository_ignored {
        parts.push(
            "repository configuration ignored (--no-config): no .scalegate.yaml, \
             .scalegate-ignore.yaml, comment or annotation of the scanned tree applied"
                .to_owned(),
        );
    }
    if let Some(config) = &applied.config {
        let mut changes = Vec::new();
        if let Some(fail_on) = &config.fail_on {
            changes.push(format!("fail_on {fail_on}"));
        }
        changes.extend(config.rules_off.iter().map(|id| format!("{id} off")));
        changes.extend(
            config
                .severity_changes
                .iter()
                .map(|(id, severity)| format!("{id} {severity}")),
        );
        if !config.exclude.is_empty() {
            // Globs come from the scanned repository's file: shown with
            // control characters escaped, like every scanned text.
            changes.push(format!(
                "exclude {}",
                printable::printable(&config.exclude.join(" "))
            ));
        }
        let how = if config.given { " (--config)" } else { "" };
        let changes = if changes.is_empty() {
            String::new()
        } else {
            format!(": {}", changes.join(", "))
        };
        parts.push(format!(
            "config {}{how}{changes}",
            printable::printable(&config.path)
        ));
    }
    if let Some(ignore) = &applied.ignore_file {
        parts.push(format!(
            "{} suppressed {}",
            ignore.path,
            plural(ignore.suppressed, "finding")
        ));
    }
    if applied.inline_suppressions_ignored && !applied.repository_ignored {
        parts.push("comments and annotations ignored (--no-inline-suppressions)".to_owned());
    }
    if applied.suppressed_inline > 0 {
        parts.push(format!(
            "comments suppressed {}",
            plural(applied.suppressed_inline, "finding")
        ));
    }
    if applied.suppressed_by_annotation > 0 {
        parts.push(format!(
            "annotations suppressed {}",
            plural(applied.suppressed_by_annotation, "finding")
        ));
    }
    if !applied.skipped_rules.is_empty() {
        parts.push(format!(
            "{} not run (--rule/--skip-rule)",
            plural(applied.skipped_rules.len(), "rule")
        ));
    }
    (!parts.is_empty()).then(|| format!("configuration: {}", parts.join("; ")))
}

/// The region to show for a location, made non-empty where the line allows.
///
/// Policies can point at a position rather than a value (a missing key is
/// reported at its parent's key, and a file that failed to parse at a single
/// offset). SARIF viewers and GitHub draw nothing for an empty region, so it is
/// widened to the character under it. At the end of a line, or without the
/// file's text, nothing can be widened and the region stays empty; callers
/// that need `end > start` omit the end column then.
pub(crate) fn display_region(report: &Report, file: &str, region: Region) -> Region {
    let mut region = region;
    if region.end_line < region.start_line
        || (region.end_line == region.start_line && region.end_column < region.start_column)
    {
        region.end_line = region.start_line;
        region.end_column = region.start_column;
    }
    if region.end_line == region.start_line && region.end_column == region.start_column {
        if let Some(source) = report.sources.get(file) {
            let line_len = source.line_text(region.start_line).chars().count();
            if region.start_column <= line_len {
                region.end_column = region.start_column + 1;
            }
        }
    }
    region
}

/// Whether a region is empty (see [`display_region`]).
pub(crate) fn is_empty(region: &Region) -> bool {
    region.start_line == region.end_line && region.start_column == region.end_column
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in OutputFormat::ALL {
            assert_eq!(format.as_str().parse::<OutputFormat>(), Ok(format));
        }
        assert_eq!("SARIF".parse::<OutputFormat>(), Ok(OutputFormat::Sarif));
        let err = "xml".parse::<OutputFormat>().unwrap_err();
        assert!(
            err.contains("text, json, sarif, github, compact, junit, gitlab, html"),
            "{err}"
        );
    }

    #[test]
    fn empty_regions_are_widened_where_the_line_allows() {
        let report = fixture::report();
        let at = |line, column| Region {
            start_line: line,
            start_column: column,
            end_line: line,
            end_column: column,
        };
        // `metadata:` on line 3 of k8s/web.yaml.
        let widened = display_region(&report, "k8s/web.yaml", at(3, 1));
        assert_eq!((widened.end_line, widened.end_column), (3, 2));
        // Past the end of the line there is nothing to cover.
        assert!(is_empty(&display_region(
            &report,
            "k8s/web.yaml",
            at(3, 10)
        )));
        // Without the text, nothing is known about the line.
        assert!(is_empty(&display_region(&report, "gone.tf", at(1, 1))));
    }

    #[test]
    fn configuration_line_says_what_applied_and_nothing_when_nothing_did() {
        assert_eq!(
            configuration_line(&fixture::report()).as_deref(),
            Some(
                "configuration: config .scalegate.yaml: fail_on medium, SG-NAM-002 off, \
                 SG-K8S-008 high, exclude examples/**; .scalegate-ignore.yaml suppressed 0 findings; \
                 comments suppressed 1 finding"
            )
        );
        assert_eq!(configuration_line(&Report::default()), None);
        let mut reviewer = Report::default();
        reviewer.configuration.repository_ignored = true;
        reviewer.configuration.config = Some(crate::model::AppliedConfigFile {
            path: "../review.yaml".to_owned(),
            given: true,
            ..Default::default()
        });
        reviewer.configuration.skipped_rules = vec!["SG-TAG-001".to_owned()];
        assert_eq!(
            configuration_line(&reviewer).as_deref(),
            Some(
                "configuration: repository configuration ignored (--no-config): no .scalegate.yaml, \
                 .scalegate-ignore.yaml, comment or annotation of the scanned tree applied; \
                 config ../review.yaml (--config); 1 rule not run (--rule/--skip-rule)"
            )
        );
    }

    #[test]
    fn summary_line_counts_unsuppressed_findings() {
        let report = fixture::report();
        assert_eq!(
            summary_line(&report),
            "7 findings (1 critical, 2 high, 1 medium, 2 low, 1 info) in 3 files scanned, 4 resources; 1 suppressed"
        );
        assert_eq!(
            summary_line(&Report::default()),
            "no findings in 0 files scanned, 0 resources"
        );
    }
}
