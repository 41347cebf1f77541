//! The JSON report: version 1 of a public contract (README; docs/architecture.md
//! "Formats").
//!
//! Field names and order are the contract, so the output is built from
//! dedicated structs rather than by serialising the model types, which are
//! free to change. Every key is always present (`null` when absent) so
//! consumers can rely on one shape.

use serde::Serialize;

use super::{Counts, RenderOptions};
use crate::model::{
    Finding, FindingKind, Notification, NotificationLevel, PathSeg, RelatedLocation, Report,
    RuleError, Severity, Suppression,
};
use crate::timings::{millis, Timings};

/// The contract version; bump only for incompatible changes.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    tool: Tool<'a>,
    summary: JsonSummary,
    /// Which config and ignore file applied, or that the repository's own
    /// were ignored (`--no-config`).
    configuration: serde_json::Value,
    findings: Vec<JsonFinding<'a>>,
    notifications: Vec<JsonNotification<'a>>,
    /// Only with `--timings`: the one part of a report that differs
    /// between runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    timings: Option<JsonTimings<'a>>,
}

/// Milliseconds of wall time per phase; `rules` slowest first.
#[derive(Serialize)]
struct JsonTimings<'a> {
    discovery_ms: f64,
    parse_ms: f64,
    terraform_ms: f64,
    policy_ms: f64,
    report_ms: f64,
    total_ms: f64,
    rules: Vec<JsonRuleTiming<'a>>,
}

#[derive(Serialize)]
struct JsonRuleTiming<'a> {
    id: &'a str,
    ms: f64,
    bundles: usize,
}

fn timings(t: &Timings) -> JsonTimings<'_> {
    JsonTimings {
        discovery_ms: millis(t.discovery),
        parse_ms: millis(t.parse),
        terraform_ms: millis(t.terraform),
        policy_ms: millis(t.policy),
        report_ms: millis(t.report),
        total_ms: millis(t.total),
        rules: t
            .rules
            .iter()
            .map(|r| JsonRuleTiming {
                id: &r.id,
                ms: millis(r.time),
                bundles: r.bundles,
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    files_scanned: usize,
    /// Files and directories ignore rules kept out of the scan.
    ignored_paths: usize,
    /// Helm charts not scanned because `helm.render` is false (only when
    /// there are some).
    #[serde(skip_serializing_if = "is_zero")]
    charts_not_rendered: usize,
    bundles: usize,
    resources: usize,
    /// Unsuppressed findings.
    findings: usize,
    /// Unsuppressed findings by severity; every severity is a key.
    by_severity: BySeverity,
    suppressed: usize,
}

#[derive(Serialize)]
struct BySeverity {
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule_id: &'a str,
    slug: &'a str,
    severity: Severity,
    kind: FindingKind,
    title: &'a str,
    message: &'a str,
    remediation: &'a str,
    file: &'a str,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    resource: Option<&'a str>,
    path: &'a [PathSeg],
    bundle: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    fingerprint: &'a str,
    suppressed: bool,
    suppression: Option<&'a Suppression>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonNotification<'a> {
    level: NotificationLevel,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    message: std::borrow::Cow<'a, str>,
    /// The rule that could not run, for a rule error.
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    /// The bundle it could not run on.
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<&'a str>,
}

/// Renders the version-1 JSON report, pretty-printed, with a trailing newline.
///
/// Regions are written exactly as located (end column exclusive, possibly
/// equal to the start): JSON consumers do their own drawing.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let counts = Counts::of(report);
    let [critical, high, medium, low, info] = counts.by_severity;
    let doc = JsonReport {
        version: VERSION,
        tool: Tool {
            name: "scalegate",
            version: &options.tool_version,
        },
        summary: JsonSummary {
            files_scanned: report.summary.files_scanned,
            ignored_paths: report.summary.ignored_paths,
            charts_not_rendered: report.summary.charts_not_rendered,
            bundles: report.summary.bundles,
            resources: report.summary.resources,
            findings: counts.total(),
            by_severity: BySeverity {
                critical,
                high,
                medium,
                low,
                info,
            },
            suppressed: counts.suppressed,
        },
        configuration: super::configuration::to_json(&report.configuration),
        findings: report.findings.iter().map(|f| finding(report, f)).collect(),
        notifications: report
            .notifications
            .iter()
            .map(notification)
            .chain(report.rule_errors.iter().map(rule_error))
            .collect(),
        timings: report.timings.as_ref().map(timings),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("the JSON report is serialisable");
    out.push('\n');
    out
}

fn finding<'a>(report: &'a Report, f: &'a Finding) -> JsonFinding<'a> {
    let r = &f.location.region;
    let rule = report.rule_of(f);
    JsonFinding {
        rule_id: &rule.id,
        slug: &rule.slug,
        severity: rule.severity,
        kind: f.kind,
        title: &rule.title,
        message: &f.message,
        remediation: &rule.remediation,
        file: &f.location.file,
        start_line: r.start_line,
        start_column: r.start_column,
        end_line: r.end_line,
        end_column: r.end_column,
        resource: f.resource.as_deref(),
        path: &f.path,
        bundle: report.bundle_of(f),
        related: f.related.iter().map(related).collect(),
        fingerprint: &f.fingerprint,
        suppressed: f.suppression.is_some(),
        suppression: f.suppression.as_ref(),
    }
}

fn related(r: &RelatedLocation) -> JsonRelated<'_> {
    let region = &r.location.region;
    JsonRelated {
        file: &r.location.file,
        start_line: region.start_line,
        start_column: region.start_column,
        end_line: region.end_line,
        end_column: region.end_column,
        message: &r.message,
    }
}

fn notification(n: &Notification) -> JsonNotification<'_> {
    JsonNotification {
        level: n.level,
        file: n.file.as_deref(),
        line: n.line,
        column: n.column,
        message: n.message.as_str().into(),
        rule: None,
        bundle: None,
    }
}

/// A rule that could not run, as an `error` notification at the failing
/// expression in its policy file.
fn rule_error(e: &RuleError) -> JsonNotification<'_> {
    let message = match &e.frame {
        Some(frame) => format!("{}\n{frame}", e.headline()),
        None => e.headline(),
    };
    JsonNotification {
        level: NotificationLevel::Error,
        file: Some(&e.file),
        line: Some(e.line),
        column: Some(e.column),
        message: message.into(),
        rule: Some(&e.rule),
        bundle: Some(&e.bundle),
    }
}

/// `charts_not_rendered` is written only when some chart was skipped.
fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn snapshot() {
        let options = RenderOptions {
            tool_version: "1.2.3".to_owned(),
            ..RenderOptions::default()
        };
        let out = render(&fixture::report(), &options);
        assert!(out.ends_with("}\n"));
        insta::assert_snapshot!(out);
    }

    #[test]
    fn summary_has_every_severity_and_counts_only_unsuppressed() {
        let out = render(&fixture::report(), &RenderOptions::default());
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        let summary = &doc["summary"];
        assert_eq!(summary["findings"], 7);
        assert_eq!(summary["suppressed"], 1);
        let keys: Vec<&String> = summary["by_severity"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["critical", "high", "medium", "low", "info"]);
        assert_eq!(summary["by_severity"]["medium"], 1);
        assert_eq!(doc["findings"].as_array().unwrap().len(), 8);
    }

    #[test]
    fn empty_report_keeps_the_shape() {
        let out = render(&Report::default(), &RenderOptions::default());
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "version",
                "tool",
                "summary",
                "configuration",
                "findings",
                "notifications"
            ]
        );
        assert_eq!(doc["summary"]["by_severity"]["info"], 0);
    }
}
