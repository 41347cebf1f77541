//! JUnit XML, the test-report format Jenkins, GitLab, Azure DevOps and
//! CircleCI show in their test views.
//!
//! The mapping (the README's "JUnit" section is the user's version):
//!
//! * a `<testsuites>` root, then one `<testsuite>` per rule that ran, in
//!   rule-id order, and last a `scalegate run` suite with no test cases
//!   whose `<system-out>` says what the run said about itself
//!   (notifications and the summary line);
//! * in a rule's suite, one `<testcase>` per resource the rule reported on
//!   (`name` the resource id, or the file or bundle when the finding is
//!   about no resource; `classname` the file), and a single passing
//!   `no findings` case when it reported nothing: a CI system that is
//!   handed a report with no tests at all (Jenkins by default) fails the
//!   build, which a clean scan must not do;
//! * a case *fails* when one of its findings fails the gate (`--fail-on`,
//!   exactly the findings that make the exit code 1): one `<failure>`
//!   whose `message` is the finding's message and whose text holds each
//!   such finding as a compact line (`file:line:col: severity[ID] message`)
//!   and the rule's remediation;
//! * its other findings (below the gate, or suppressed) go to the case's
//!   `<system-out>`, as compact lines; a case whose findings are all
//!   suppressed is `<skipped>`, with who accepted it and why;
//! * a rule that could not run on a bundle is an `<error>` case, and a run
//!   that left bundles unevaluated gets an `<error>` case in the `scalegate
//!   run` suite: what was not checked must not read as passed.
//!
//! No `time` attributes: the same report renders to the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::compact;
use super::printable::printable;
use super::RenderOptions;
use crate::model::{Finding, NotificationLevel, Report, RuleError, Severity};

/// The last suite's name: the run itself rather than a rule.
pub const RUN_SUITE: &str = "scalegate run";

/// Renders the JUnit XML document.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let suites = suites(report, options.fail_on);
    let mut total = Counts::default();
    for suite in &suites {
        total.add(&suite.counts());
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"scalegate\" {}>",
        total.attributes()
    );
    for suite in &suites {
        suite.write(&mut out);
    }
    out.push_str("</testsuites>\n");
    out
}

/// A test case's outcome, with what its element carries.
#[derive(Debug, Default)]
struct Case {
    name: String,
    classname: String,
    /// `message`, `type` and text of a `<failure>`.
    failure: Option<(String, String, String)>,
    /// `message`, `type` and text of an `<error>`.
    error: Option<(String, String, String)>,
    /// The `message` of a `<skipped>`.
    skipped: Option<String>,
    /// Lines for `<system-out>`.
    output: Vec<String>,
}

#[derive(Debug)]
struct Suite {
    name: String,
    cases: Vec<Case>,
    /// Lines for the suite's `<system-out>`.
    output: Vec<String>,
}

/// The four counts JUnit consumers read from `tests`, `failures`, `errors`
/// and `skipped`.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }

    fn attributes(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

impl Suite {
    fn counts(&self) -> Counts {
        Counts {
            tests: self.cases.len(),
            failures: self.cases.iter().filter(|c| c.failure.is_some()).count(),
            errors: self.cases.iter().filter(|c| c.error.is_some()).count(),
            skipped: self.cases.iter().filter(|c| c.skipped.is_some()).count(),
        }
    }

    fn write(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" {}>",
            attribute(&self.name),
            self.counts().attributes()
        );
        for case in &self.cases {
            case.write(out);
        }
        write_output(out, "    ", &self.output);
        out.push_str("  </testsuite>\n");
    }
}

impl Case {
    fn write(&self, out: &mut String) {
        let _ = write!(
            out,
            "    <testcase name=\"{}\" classname=\"{}\"",
            attribute(&self.name),
            attribute(&self.classname)
        );
        if self.failure.is_none()
            && self.error.is_none()
            && self.skipped.is_none()
            && self.output.is_empty()
        {
            out.push_str("/>\n");
            return;
        }
        out.push_str(">\n");
        for (element, outcome) in [("failure", &self.failure), ("error", &self.error)] {
            if let Some((message, kind, body)) = outcome {
                let _ = writeln!(
                    out,
                    "      <{element} message=\"{}\" type=\"{}\">{}</{element}>",
                    attribute(message),
                    attribute(kind),
                    text(body)
                );
            }
        }
        if let Some(message) = &self.skipped {
            let _ = writeln!(out, "      <skipped message=\"{}\"/>", attribute(message));
        }
        write_output(out, "      ", &self.output);
        out.push_str("    </testcase>\n");
    }
}

fn write_output(out: &mut String, indent: &str, lines: &[String]) {
    if lines.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{indent}<system-out>{}</system-out>",
        text(&lines.join("\n"))
    );
}

/// Every suite, in the order they are written.
fn suites(report: &Report, fail_on: Option<Severity>) -> Vec<Suite> {
    // A group of findings per rule, file and resource, in the order
    // findings are reported (file, line).
    let mut groups: Vec<Vec<(String, String, Vec<&Finding>)>> =
        vec![Vec::new(); report.rules.len()];
    let mut index: HashMap<(usize, &str, String), usize> = HashMap::new();
    for f in &report.findings {
        let rule = f.rule.index();
        let name = case_name(report, f);
        let rule_groups = &mut groups[rule];
        let at = *index
            .entry((rule, f.location.file.as_str(), name.clone()))
            .or_insert_with(|| {
                rule_groups.push((name, f.location.file.clone(), Vec::new()));
                rule_groups.len() - 1
            });
        rule_groups[at].2.push(f);
    }
    let mut suites: Vec<Suite> = report
        .rules
        .iter()
        .zip(groups)
        .map(|(rule, groups)| Suite {
            name: format!("{} ({})", rule.id, rule.slug),
            cases: groups
                .into_iter()
                .map(|(name, classname, findings)| {
                    case(report, name, classname, &findings, fail_on)
                })
                .collect(),
            output: Vec::new(),
        })
        .collect();
    for e in &report.rule_errors {
        let case = rule_error(e);
        match report.rule_ref(&e.rule) {
            Some(rule) => suites[rule.index()].cases.push(case),
            None => suites.push(Suite {
                name: e.rule.clone(),
                cases: vec![case],
                output: Vec::new(),
            }),
        }
    }
    for suite in &mut suites {
        if suite.cases.is_empty() {
            suite.cases.push(Case {
                name: "no findings".to_owned(),
                // The rule looked at the whole scan: the project root.
                classname: ".".to_owned(),
                ..Case::default()
            });
        }
    }
    suites.push(run_suite(report));
    suites
}

/// What a case is about: the resource (and the chart render, which two
/// renders of one template tell apart), else the bundle a finding is about
/// as a whole, else the file.
fn case_name(report: &Report, f: &Finding) -> String {
    match (&f.resource, report.render_of(f)) {
        (Some(resource), Some(render)) => format!("{resource} ({render})"),
        (Some(resource), None) => resource.clone(),
        (None, _) => match report.concerns_bundle(f) {
            Some(bundle) => format!("bundle {bundle}"),
            None => f.location.file.clone(),
        },
    }
}

/// One rule's findings on one resource as a test case: failed when any
/// fails the gate, skipped when every one is suppressed, else passed.
fn case(
    report: &Report,
    name: String,
    classname: String,
    findings: &[&Finding],
    fail_on: Option<Severity>,
) -> Case {
    let (failing, other): (Vec<&Finding>, Vec<&Finding>) = findings
        .iter()
        .partition(|f| report.finding_fails(f, fail_on));
    let failure = failing.first().map(|first| {
        let rule = report.rule_of(first);
        let mut lines: Vec<String> = failing.iter().map(|f| compact::line(report, f)).collect();
        if !rule.remediation.is_empty() {
            lines.push(format!("help: {}", rule.remediation));
        }
        if !rule.help_uri.is_empty() {
            lines.push(format!("see {}", rule.help_uri));
        }
        let mut message = first.message.clone();
        if failing.len() > 1 {
            message.push_str(&format!(" (and {} more)", failing.len() - 1));
        }
        (message, rule.severity.to_string(), lines.join("\n"))
    });
    let skipped = match (&failure, findings.iter().all(|f| f.suppression.is_some())) {
        (None, true) => findings[0].suppression.as_ref().map(|s| {
            format!(
                "suppressed by {} at {}: {}",
                s.kind,
                s.source,
                s.reason.as_deref().unwrap_or("no reason given")
            )
        }),
        _ => None,
    };
    Case {
        name,
        classname,
        failure,
        error: None,
        skipped,
        output: other.iter().map(|f| compact::line(report, f)).collect(),
    }
}

fn rule_error(e: &RuleError) -> Case {
    let mut body = format!("{}:{}:{}: {}", e.file, e.line, e.column, e.message);
    if let Some(frame) = &e.frame {
        body.push('\n');
        body.push_str(frame);
    }
    Case {
        name: format!("bundle {}", e.bundle),
        classname: e.bundle.clone(),
        error: Some((e.headline(), "rule-error".to_owned(), body)),
        ..Case::default()
    }
}

/// The run's own suite: its output is the compact format's epilogue
/// (notifications and the summary line); a run that left bundles
/// unevaluated adds an error case whose text is the run's error
/// notifications, the bundles not evaluated among them (the report does
/// not tell those from the rest).
fn run_suite(report: &Report) -> Suite {
    let mut cases = Vec::new();
    if report.incomplete {
        let errors: Vec<String> = report
            .notifications
            .iter()
            .filter(|n| n.level == NotificationLevel::Error)
            .map(|n| n.message.clone())
            .collect();
        cases.push(Case {
            name: "every bundle evaluated".to_owned(),
            classname: ".".to_owned(),
            error: Some((
                "some bundles were not evaluated: their findings are unknown".to_owned(),
                "incomplete".to_owned(),
                errors.join("\n"),
            )),
            ..Case::default()
        });
    }
    Suite {
        name: RUN_SUITE.to_owned(),
        cases,
        output: compact::epilogue(report)
            .lines()
            .map(str::to_owned)
            .collect(),
    }
}

/// Text made safe for XML: an attribute value (`in_attribute`) or
/// character data. XML 1.0 cannot carry most control characters even as
/// references, so they become [`printable`]'s stand-ins (and U+FFFE/U+FFFF,
/// no XML characters either, U+FFFD). A carriage return is a reference,
/// which parsers would otherwise fold into the line feed after it; in an
/// attribute so are line feeds and tabs, which attribute normalisation
/// would turn into spaces.
fn escape(value: &str, in_attribute: bool) -> String {
    let mut out = String::with_capacity(value.len());
    for c in printable(value).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn attribute(value: &str) -> String {
    escape(value, true)
}

fn text(value: &str) -> String {
    escape(value, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&fixture::report(), &RenderOptions::default()));
    }

    #[test]
    fn escaping_keeps_markup_quotes_and_controls_out() {
        assert_eq!(
            attribute("a<b>&\"c\"\n\t\r\u{1}\u{ffff}'"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#10;&#9;\u{240d}\u{2401}\u{fffd}'"
        );
        assert_eq!(
            text("x<y>&\"\r\n\u{1b}"),
            "x&lt;y&gt;&amp;\"&#13;\n\u{241b}"
        );
    }

    #[test]
    fn the_gate_decides_which_findings_fail() {
        let report = fixture::report();
        let at = |fail_on| {
            render(
                &report,
                &RenderOptions {
                    fail_on,
                    ..RenderOptions::default()
                },
            )
        };
        // Default gate `low`: critical, high, medium and low fail; info and
        // the suppressed finding do not.
        assert!(at(Some(Severity::Low)).contains(
            "<testsuites name=\"scalegate\" tests=\"8\" failures=\"6\" errors=\"0\" skipped=\"1\">"
        ));
        // `high`: the critical, the two highs (SG-PARSE-001 is one).
        assert!(at(Some(Severity::High)).contains(
            "<testsuites name=\"scalegate\" tests=\"8\" failures=\"3\" errors=\"0\" skipped=\"1\">"
        ));
        // `never`: nothing fails, not even SG-PARSE-001.
        assert!(at(None).contains(
            "<testsuites name=\"scalegate\" tests=\"8\" failures=\"0\" errors=\"0\" skipped=\"1\">"
        ));
    }

    #[test]
    fn a_rule_with_no_findings_is_one_passing_case() {
        let mut report = fixture::report();
        report
            .findings
            .retain(|f| report.rules[f.rule.index()].id != "SG-K8S-008");
        let out = render(&report, &RenderOptions::default());
        assert!(out.contains(
            "  <testsuite name=\"SG-K8S-008 (pdb-coverage)\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    \
             <testcase name=\"no findings\" classname=\".\"/>\n  </testsuite>\n"
        ), "{out}");
    }

    #[test]
    fn two_failing_findings_on_one_resource_are_one_failure() {
        let mut report = fixture::report();
        let mut second = report.findings[1].clone();
        second.message = "a second finding".to_owned();
        second.location.region.start_line = 8;
        report.findings.insert(2, second);
        let out = render(&report, &RenderOptions::default());
        assert!(out.contains(
            "<failure message=\"S3 bucket &quot;logs&quot; has no server_side_encryption_configuration (and 1 more)\" type=\"critical\">\
             infra/main.tf:7:10: critical[ACME-001] S3 bucket \"logs\" has no server_side_encryption_configuration\n\
             infra/main.tf:8:10: critical[ACME-001] a second finding\n\
             help: Add a server-side encryption configuration.</failure>"
        ), "{out}");
    }

    #[test]
    fn a_run_that_left_bundles_unevaluated_ends_in_an_error() {
        let mut report = fixture::report();
        report.incomplete = true;
        report.notifications.push(crate::model::Notification::file(
            NotificationLevel::Error,
            "k8s",
            "bundle k8s was not evaluated: memory ceiling of 2G reached",
        ));
        let out = render(&report, &RenderOptions::default());
        assert!(out.contains(
            "  <testsuite name=\"scalegate run\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    \
             <testcase name=\"every bundle evaluated\" classname=\".\">\n      \
             <error message=\"some bundles were not evaluated: their findings are unknown\" type=\"incomplete\">\
             could not parse the file: unexpected token `}`\n\
             bundle k8s was not evaluated: memory ceiling of 2G reached</error>\n"
        ), "{out}");
    }

    #[test]
    fn a_rule_that_could_not_run_is_an_error() {
        let mut report = fixture::report();
        report.rule_errors.push(fixture::rule_error());
        let out = render(&report, &RenderOptions::default());
        assert!(
            out.contains(
                "    <testcase name=\"bundle k8s\" classname=\"k8s\">\n      \
             <error message=\"rule SG-K8S-008 could not run on bundle k8s: division by zero\" \
             type=\"rule-error\">policies/kubernetes/pdb.rego:12:5: division by zero</error>\n"
            ),
            "{out}"
        );
        assert!(out.contains("errors=\"1\""), "{out}");
    }
}
