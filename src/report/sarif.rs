//! SARIF 2.1.0, shaped for GitHub code scanning (docs/architecture.md "Formats").
//!
//! Built from `serde-sarif`'s typed structs so the output cannot drift from
//! the schema. Beyond schema validity, the output must pass Microsoft's SARIF
//! validator with GitHub's ingestion rules (`.ci/validate-sarif`), which is
//! where most of the small choices below come from: messages end with a
//! period, rules carry a PascalCase `name` and a `helpUri`, URIs are relative
//! to `%SRCROOT%` and percent-encoded, regions are never empty.

use std::collections::BTreeMap;

use serde_json::json;
use serde_sarif::sarif;

use super::{display_region, is_empty, RenderOptions};
use crate::model::{
    Finding, FindingKind, Location, Notification, NotificationLevel, Report, RuleError, RuleInfo,
    Severity, SuppressionKind,
};
use crate::source::Region;

/// The `automationDetails.id` used when `--sarif-category` is not given.
pub const DEFAULT_CATEGORY: &str = "scalegate/";

/// GitHub rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

/// The base every artifact URI is relative to. Its absolute location is left
/// out on purpose: it would be a path on the machine that ran the scan, which
/// differs between runs and leaks into uploaded files; GitHub resolves
/// `%SRCROOT%` to the checkout.
pub const SRCROOT: &str = "%SRCROOT%";

/// Where users learn about the tool (`tool.driver.informationUri`).
pub const INFORMATION_URI: &str = "https://github.com/scalegate/scalegate";

const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key of scalegate's own fingerprint.
const FINGERPRINT_KEY: &str = "scalegate/v1";

/// The run property holding the configuration the scan applied (the JSON
/// report's `configuration` object).
pub const CONFIGURATION_PROPERTY: &str = "scalegate/configuration";

/// Renders `report` as a pretty-printed SARIF log with one run.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let log = build(report, options, MAX_RESULTS);
    let mut out = serde_json::to_string_pretty(&log).expect("a SARIF log is serialisable");
    out.push('\n');
    out
}

/// The SARIF log, with at most `max_results` results (a parameter so tests
/// can exercise the cap without building 25,000 findings every time).
fn build(report: &Report, options: &RenderOptions, max_results: usize) -> sarif::Sarif {
    // `ruleIndex` is the finding's rule handle: descriptors follow the
    // report's rule table.
    let rules: Vec<sarif::ReportingDescriptor> = report.rules.iter().map(descriptor).collect();
    let (kept, dropped) = cap(report, max_results);
    let results: Vec<sarif::Result> = kept.iter().map(|f| result(report, f)).collect();

    let mut notifications: Vec<sarif::Notification> =
        report.notifications.iter().map(notification).collect();
    notifications.extend(report.rule_errors.iter().map(rule_error));
    if dropped > 0 {
        notifications.push(notification(&Notification {
            level: NotificationLevel::Warning,
            file: None,
            line: None,
            column: None,
            message: format!(
                "{} findings exceed GitHub's limit of {max_results} results per run; \
                 the {dropped} least severe were left out of this SARIF file \
                 (the JSON report has all of them)",
                report.findings.len()
            ),
        }));
    }
    let mut invocation = sarif::Invocation::builder()
        .execution_successful(!report.could_not_run())
        .build();
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }

    let mut driver = sarif::ToolComponent::builder()
        .name("scalegate")
        .version(options.tool_version.clone())
        .information_uri(INFORMATION_URI)
        // GitHub requires the array even when no rule ran (GH1018).
        .rules(rules)
        .build();
    if is_semver(&options.tool_version) {
        driver.semantic_version = Some(options.tool_version.clone());
    }

    let base = sarif::ArtifactLocation::builder()
        .description(text_message(
            "The project root: the directory of .scalegate.yaml, else the git top-level, \
             else the working directory.",
        ))
        .build();

    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .automation_details(
            sarif::RunAutomationDetails::builder()
                .id(automation_id(&options.sarif_category))
                .build(),
        )
        .column_kind(json!("unicodeCodePoints"))
        .original_uri_base_ids(BTreeMap::from([(SRCROOT.to_owned(), base)]))
        .invocations(vec![invocation])
        .results(results)
        .properties(
            // GitHub keeps unknown properties as they are; a namespaced key
            // cannot collide with SARIF's own or another tool's.
            sarif::PropertyBag::builder()
                .additional_properties(BTreeMap::from([(
                    CONFIGURATION_PROPERTY.to_owned(),
                    super::configuration::to_json(&report.configuration),
                )]))
                .build(),
        )
        .build();

    sarif::Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// `automationDetails.id` from `--sarif-category`. GitHub reads the part
/// before the last `/` as the category; a bare name would be taken as a run id
/// with an empty category, so it gets the `/` that GitHub's own upload action
/// appends too.
pub fn automation_id(category: &str) -> String {
    let category = category.trim();
    if category.is_empty() {
        DEFAULT_CATEGORY.to_owned()
    } else if category.contains('/') {
        category.to_owned()
    } else {
        format!("{category}/")
    }
}

/// The findings that fit in one run, in report order, and how many were left
/// out. Unsuppressed findings go before suppressed ones (a dropped suppressed
/// finding costs nobody an alert), then the most severe; the sort is stable,
/// so among equals the report order decides.
fn cap(report: &Report, max: usize) -> (Vec<&Finding>, usize) {
    let findings = &report.findings;
    if findings.len() <= max {
        return (findings.iter().collect(), 0);
    }
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| {
        let f = &findings[i];
        (f.suppression.is_some(), report.rule_of(f).severity)
    });
    let mut keep = order[..max].to_vec();
    keep.sort_unstable();
    (
        keep.into_iter().map(|i| &findings[i]).collect(),
        findings.len() - max,
    )
}

fn descriptor(rule: &RuleInfo) -> sarif::ReportingDescriptor {
    let description = sentence(&rule.description);
    let remediation = sentence(&rule.remediation);
    let help_uri = if rule.help_uri.is_empty() {
        // GitHub links the rule's help from every alert; a user rule without
        // documentation links to the tool rather than to nothing.
        INFORMATION_URI.to_owned()
    } else {
        rule.help_uri.clone()
    };
    let help_text = if remediation.is_empty() {
        description.clone()
    } else {
        format!("{description}\n\nRemediation: {remediation}")
    };
    let mut help_markdown = format!("**{}**\n\n{description}", markdown_text(&rule.title));
    if !remediation.is_empty() {
        help_markdown.push_str(&format!("\n\n**Remediation:** {remediation}"));
    }
    if !rule.help_uri.is_empty() {
        help_markdown.push_str(&format!(
            "\n\n[{} documentation]({help_uri})",
            markdown_text(&rule.id)
        ));
    }

    let mut tags = vec!["scalegate".to_owned(), area(rule)];
    let mut extra = BTreeMap::new();
    extra.insert(
        "problem.severity".to_owned(),
        json!(problem_severity(rule.severity)),
    );
    if rule.security && !rule.builtin {
        tags.push("security".to_owned());
        if let Some(score) = security_severity(rule.severity) {
            extra.insert("security-severity".to_owned(), json!(score));
        }
    }

    sarif::ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(pascal_case(if rule.slug.is_empty() {
            &rule.id
        } else {
            &rule.slug
        }))
        .short_description(multiformat(sentence(&rule.title)))
        .full_description(multiformat(description))
        .help(
            sarif::MultiformatMessageString::builder()
                .text(help_text)
                .markdown(help_markdown)
                .build(),
        )
        .help_uri(help_uri)
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(json!(level(rule.severity)))
                .build(),
        )
        .properties(
            sarif::PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build()
}

fn result(report: &Report, f: &Finding) -> sarif::Result {
    let rule = report.rule_of(f);
    let mut location = location(report, &f.location);
    if let Some(resource) = &f.resource {
        location.logical_locations = Some(vec![sarif::LogicalLocation::builder()
            .fully_qualified_name(resource.clone())
            .kind("resource")
            .build()]);
    }
    let mut message = sentence(&f.message);
    if let Some(bundle) = report.concerns_bundle(f) {
        location.logical_locations = Some(vec![bundle_location(bundle)]);
        // GitHub shows the message and the line, not logical locations.
        message.push_str(&format!(
            " (This concerns bundle {bundle} as a whole, not this line.)"
        ));
    }
    let related: Vec<sarif::Location> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut loc = self::location(report, &r.location);
            loc.id = Some(i as i64 + 1);
            loc.message = Some(text_message(&sentence(&r.message)));
            loc
        })
        .collect();

    let level = match f.kind {
        FindingKind::Note => sarif::ResultLevel::Note,
        FindingKind::Violation => level(rule.severity),
    };
    let mut result = sarif::Result::builder()
        .rule_id(rule.id.clone())
        .rule_index(f.rule.index() as i64)
        .kind(sarif::ResultKind::Fail)
        .level(level)
        .message(text_message(&message))
        .locations(vec![location])
        .partial_fingerprints(BTreeMap::from([
            (FINGERPRINT_KEY.to_owned(), f.fingerprint.clone()),
            // GitHub computes this one itself from the line's text when it is
            // missing, which would tie the alert to the line; ours does not.
            ("primaryLocationLineHash".to_owned(), f.fingerprint.clone()),
        ]))
        .build();
    if !related.is_empty() {
        result.related_locations = Some(related);
    }
    if let Some(s) = &f.suppression {
        let kind = match s.kind {
            SuppressionKind::Inline | SuppressionKind::Annotation => "inSource",
            SuppressionKind::File | SuppressionKind::Baseline => "external",
        };
        let mut props = BTreeMap::new();
        props.insert("scalegate/kind".to_owned(), json!(s.kind));
        props.insert("scalegate/source".to_owned(), json!(s.source));
        if let Some(expires) = &s.expires {
            props.insert("scalegate/expires".to_owned(), json!(expires));
        }
        if let Some(owner) = &s.owner {
            props.insert("scalegate/owner".to_owned(), json!(owner));
        }
        let mut suppression = sarif::Suppression::builder()
            .kind(json!(kind))
            .status(json!("accepted"))
            .properties(
                sarif::PropertyBag::builder()
                    .additional_properties(props)
                    .build(),
            )
            .build();
        suppression.justification = s.reason.clone();
        result.suppressions = Some(vec![suppression]);
    }
    result
}

fn location(report: &Report, loc: &Location) -> sarif::Location {
    sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(artifact(&loc.file))
                .region(region(display_region(report, &loc.file, loc.region)))
                .build(),
        )
        .build()
}

fn artifact(file: &str) -> sarif::ArtifactLocation {
    sarif::ArtifactLocation::builder()
        .uri(relative_uri(file))
        .uri_base_id(SRCROOT)
        .build()
}

/// A SARIF region. An empty one (see [`display_region`]) gets no end column:
/// SARIF reads that as "to the end of the line", which is the nearest thing to
/// a point that viewers draw, while `endColumn == startColumn` is drawn as
/// nothing by some and rejected by others.
fn region(r: Region) -> sarif::Region {
    let mut region = sarif::Region::builder()
        .start_line(r.start_line as i64)
        .start_column(r.start_column as i64)
        .end_line(r.end_line as i64)
        .build();
    if !is_empty(&r) {
        region.end_column = Some(r.end_column as i64);
    }
    region
}

/// The logical location of a bundle (a directory, or `<stdin>`).
fn bundle_location(bundle: &str) -> sarif::LogicalLocation {
    sarif::LogicalLocation::builder()
        .fully_qualified_name(bundle.to_owned())
        .kind("bundle")
        .build()
}

/// A rule that could not run: an `error` notification tied to the rule,
/// at the failing expression in its policy file, naming the bundle.
fn rule_error(e: &RuleError) -> sarif::Notification {
    let mut region = sarif::Region::builder().start_line(e.line as i64).build();
    region.start_column = Some(e.column as i64);
    let mut location = sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(artifact(&e.file))
                .region(region)
                .build(),
        )
        .build();
    location.logical_locations = Some(vec![bundle_location(&e.bundle)]);
    let mut out = sarif::Notification::builder()
        .level(json!("error"))
        .message(text_message(&sentence(&e.headline())))
        .locations(vec![location])
        .build();
    out.associated_rule = Some(
        sarif::ReportingDescriptorReference::builder()
            .id(e.rule.clone())
            .build(),
    );
    out
}

fn notification(n: &Notification) -> sarif::Notification {
    let level = match n.level {
        NotificationLevel::Error => "error",
        NotificationLevel::Warning => "warning",
        NotificationLevel::Note => "note",
    };
    let mut out = sarif::Notification::builder()
        .level(json!(level))
        .message(text_message(&sentence(&n.message)))
        .build();
    if let Some(file) = &n.file {
        let mut physical = sarif::PhysicalLocation::builder()
            .artifact_location(artifact(file))
            .build();
        if let Some(line) = n.line {
            let mut region = sarif::Region::builder().start_line(line as i64).build();
            region.start_column = n.column.map(|c| c as i64);
            physical.region = Some(region);
        }
        out.locations = Some(vec![sarif::Location::builder()
            .physical_location(physical)
            .build()]);
    }
    out
}

/// SARIF `level` for a severity (docs/architecture.md "Severity").
pub fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Critical | Severity::High => sarif::ResultLevel::Error,
        Severity::Medium => sarif::ResultLevel::Warning,
        Severity::Low | Severity::Info => sarif::ResultLevel::Note,
    }
}

/// GitHub's `problem.severity` for a severity (docs/architecture.md "Severity").
pub fn problem_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "recommendation",
    }
}

/// GitHub's `security-severity` score, only for users' rules that declare
/// `security: true`. GitHub buckets scores: over 9.0 critical, 7.0–8.9 high,
/// 4.0–6.9 medium, 0.1–3.9 low; `info` has no score.
pub fn security_severity(severity: Severity) -> Option<&'static str> {
    match severity {
        Severity::Critical => Some("9.5"),
        Severity::High => Some("8.0"),
        Severity::Medium => Some("5.5"),
        Severity::Low => Some("3.0"),
        Severity::Info => None,
    }
}

/// The second tag of a rule: the pack's area from its id (`SG-K8S-008` →
/// `k8s`), or `custom` for users' rules, whose ids follow no scheme.
fn area(rule: &RuleInfo) -> String {
    let mut parts = rule.id.split('-');
    match (rule.builtin, parts.next(), parts.next(), parts.next()) {
        (true, Some("SG"), Some(area), Some(_)) if !area.is_empty() => area.to_ascii_lowercase(),
        (true, ..) => "builtin".to_owned(),
        (false, ..) => "custom".to_owned(),
    }
}

/// `pdb-coverage` → `PdbCoverage`: the validator wants rule names to be
/// PascalCase identifiers.
fn pascal_case(slug: &str) -> String {
    slug.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            first.unwrap_or_default() + chars.as_str()
        })
        .collect()
}

/// Text ending in a full stop, as the validator wants of every message and
/// description (SARIF2001). Text already ending in punctuation is kept.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() || text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// Escapes the characters that would turn plain text into Markdown markup.
fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn text_message(text: &str) -> sarif::Message {
    sarif::Message::builder().text(text.to_owned()).build()
}

fn multiformat(text: String) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(text)
        .build()
}

/// A reported path as a relative URI reference: `/` separators kept, every
/// byte outside RFC 3986's unreserved set percent-encoded (spaces, non-ASCII,
/// `%`, `#`, `?`, and `:`, which would otherwise read as a scheme).
pub fn relative_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn is_semver(version: &str) -> bool {
    let core = version.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// The rendered SARIF as a JSON value, for tests.
#[cfg(test)]
fn to_value(report: &Report, max: usize) -> serde_json::Value {
    serde_json::to_value(build(report, &RenderOptions::default(), max)).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FindingKind;
    use crate::report::fixture;
    use crate::source::Region;

    fn options() -> RenderOptions {
        RenderOptions {
            tool_version: "1.2.3".to_owned(),
            ..RenderOptions::default()
        }
    }

    #[test]
    fn snapshot() {
        let out = render(&fixture::report(), &options());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn output_is_deterministic() {
        let report = fixture::report();
        assert_eq!(render(&report, &options()), render(&report, &options()));
    }

    #[test]
    fn severity_mapping_follows_the_design_table() {
        use sarif::ResultLevel::{Error, Note, Warning};
        let table = [
            (Severity::Critical, Error, "error", Some("9.5")),
            (Severity::High, Error, "error", Some("8.0")),
            (Severity::Medium, Warning, "warning", Some("5.5")),
            (Severity::Low, Note, "recommendation", Some("3.0")),
            (Severity::Info, Note, "recommendation", None),
        ];
        for (severity, lvl, problem, security) in table {
            assert_eq!(level(severity), lvl, "{severity}");
            assert_eq!(problem_severity(severity), problem, "{severity}");
            assert_eq!(security_severity(severity), security, "{severity}");
        }
    }

    #[test]
    fn only_user_security_rules_get_security_properties() {
        let doc = to_value(&fixture::report(), MAX_RESULTS);
        for rule in doc["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
        {
            let tags = rule["properties"]["tags"].as_array().unwrap();
            let has_score = rule["properties"].get("security-severity").is_some();
            if rule["id"] == "ACME-001" {
                assert_eq!(
                    tags,
                    &[json!("scalegate"), json!("custom"), json!("security")]
                );
                assert_eq!(rule["properties"]["security-severity"], "9.5");
            } else {
                assert!(!tags.contains(&json!("security")), "{rule}");
                assert!(!has_score, "{rule}");
            }
        }
    }

    #[test]
    fn notes_are_level_note_whatever_the_severity() {
        let mut report = fixture::report();
        for f in &mut report.findings {
            f.kind = FindingKind::Note;
        }
        let doc = to_value(&report, MAX_RESULTS);
        for r in doc["runs"][0]["results"].as_array().unwrap() {
            assert_eq!(r["level"], "note");
        }
    }

    #[test]
    fn regions_are_never_empty_and_uris_are_encoded() {
        let doc = to_value(&fixture::report(), MAX_RESULTS);
        let results = doc["runs"][0]["results"].as_array().unwrap();
        // The parse error: no text for the file, so no end column.
        let parse = &results[0]["locations"][0]["physicalLocation"];
        assert_eq!(
            parse["artifactLocation"]["uri"],
            "infra/legacy%20m%C3%B3dulo.tf"
        );
        assert_eq!(parse["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(parse["region"].get("endColumn").is_none());
        // The zero-width note on `image:` covers its first character.
        let note = results
            .iter()
            .find(|r| r["ruleId"] == "SG-META-001")
            .unwrap();
        let region = &note["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startColumn"].clone(), region["endColumn"].clone()),
            (json!(11), json!(12))
        );
    }

    #[test]
    fn relative_uris() {
        assert_eq!(relative_uri("k8s/web.yaml"), "k8s/web.yaml");
        assert_eq!(relative_uri("./a b/c#d.tf"), "a%20b/c%23d.tf");
        assert_eq!(relative_uri("<stdin>"), "%3Cstdin%3E");
        assert_eq!(relative_uri("C:\\x\\é.tf"), "C%3A/x/%C3%A9.tf");
        assert_eq!(relative_uri("100%.tf"), "100%25.tf");
    }

    #[test]
    fn automation_ids_name_a_category() {
        assert_eq!(automation_id(""), "scalegate/");
        assert_eq!(automation_id("scalegate/"), "scalegate/");
        assert_eq!(automation_id("infra"), "infra/");
        assert_eq!(automation_id("infra/run-42"), "infra/run-42");
    }

    #[test]
    fn helpers() {
        assert_eq!(pascal_case("pdb-coverage"), "PdbCoverage");
        assert_eq!(pascal_case("s3_encryption"), "S3Encryption");
        assert_eq!(sentence("No period"), "No period.");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(sentence("Really?  "), "Really?");
        assert!(is_semver("0.1.0") && is_semver("1.2.3-rc.1+abc"));
        assert!(!is_semver("1.2") && !is_semver("dev"));
    }

    #[test]
    fn cap_keeps_the_most_severe_in_report_order() {
        let template = fixture::report().findings[1].clone();
        let mut report = fixture::report();
        report.findings.clear();
        let rule = |id: &str| report.rule_ref(id).unwrap();
        let (critical, high, low) = (rule("ACME-001"), rule("SG-TAG-001"), rule("SG-K8S-004"));
        assert_eq!(report.rules[high.index()].severity, Severity::High);
        assert_eq!(report.rules[low.index()].severity, Severity::Low);
        // 25,010 findings: every tenth is high, one suppressed critical, the
        // rest low; 10 must go, and they must be low ones.
        for i in 0..MAX_RESULTS + 10 {
            let mut f = template.clone();
            f.location.region = Region {
                start_line: i + 1,
                start_column: 1,
                end_line: i + 1,
                end_column: 2,
            };
            f.rule = if i % 10 == 0 { high } else { low };
            f.fingerprint = format!("{i}");
            report.findings.push(f);
        }
        report.findings[5].rule = critical;
        report.findings[5].suppression = Some(crate::model::Suppression {
            kind: crate::model::SuppressionKind::Baseline,
            source: ".scalegate-baseline.json".to_owned(),
            reason: None,
            expires: None,
            owner: None,
        });

        let (kept, dropped) = cap(&report, MAX_RESULTS);
        assert_eq!((kept.len(), dropped), (MAX_RESULTS, 10));
        let kept_ids: Vec<usize> = kept
            .iter()
            .map(|f| f.fingerprint.parse().unwrap())
            .collect();
        assert!(kept_ids.windows(2).all(|w| w[0] < w[1]), "report order");
        let highs = kept.iter().filter(|f| f.rule == high).count();
        assert_eq!(highs, (MAX_RESULTS + 10) / 10);
        // The suppressed finding is the first to go, then the last lows.
        assert!(!kept_ids.contains(&5));
        let dropped_ids: Vec<usize> = (0..MAX_RESULTS + 10)
            .filter(|i| !kept_ids.contains(i))
            .collect();
        assert_eq!(dropped_ids.len(), 10);
        assert!(dropped_ids[1..]
            .iter()
            .all(|&i| report.findings[i].rule == low));
        let last_lows: Vec<usize> = (25_001..=25_009).collect();
        assert_eq!(dropped_ids[1..], last_lows[..]);

        let doc = to_value(&report, MAX_RESULTS);
        let run = &doc["runs"][0];
        assert_eq!(run["results"].as_array().unwrap().len(), MAX_RESULTS);
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        let last = notes.last().unwrap();
        assert_eq!(last["level"], "warning");
        let text = last["message"]["text"].as_str().unwrap();
        assert!(text.contains("the 10 least severe were left out"), "{text}");
    }
}
