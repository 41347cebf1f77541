//! GitHub Actions output (docs/architecture.md "Formats"): workflow commands that
//! become annotations on the pull request, and a Markdown table for the job
//! summary (`$GITHUB_STEP_SUMMARY`).
//!
//! Escaping follows `@actions/core` (`toolkit/packages/core/src/command.ts`):
//! in the message `%`, CR and LF are percent-encoded; in properties also `:`
//! and `,`, which would otherwise end the value.

use super::printable::printable;
use super::{configuration_line, display_region, is_empty, summary_line, Counts};
use crate::model::{Finding, NotificationLevel, Report, Severity};

/// GitHub rejects a step summary over 1 MiB; rows beyond this are counted
/// instead of listed.
const MAX_SUMMARY_ROWS: usize = 1000;

/// The workflow command for a severity (docs/architecture.md "Severity").
pub fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "notice",
    }
}

/// One workflow command per unsuppressed finding, then one per notification.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in report.findings.iter().filter(|f| f.suppression.is_none()) {
        let rule = report.rule_of(f);
        let r = display_region(report, &f.location.file, f.location.region);
        let title = format!("{} ({})", rule.id, rule.slug);
        // The Actions log renders ANSI escapes, so a scanned file's control
        // characters are made visible here as in the text report.
        let mut message = printable(&f.message).into_owned();
        if let Some(bundle) = report.concerns_bundle(f) {
            message.push_str(&format!(
                " (This concerns bundle {} as a whole, not this line.)",
                printable(bundle)
            ));
        }
        if !rule.remediation.is_empty() {
            message.push_str("\nhelp: ");
            message.push_str(&rule.remediation);
        }
        // An empty region (nothing to widen it to) gets no end column, as in
        // SARIF: GitHub then marks the line rather than nothing.
        let end_column = if is_empty(&r) {
            String::new()
        } else {
            format!(",endColumn={}", r.end_column)
        };
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={}{end_column},title={}::{}\n",
            command(rule.severity),
            escape_property(&printable(&f.location.file)),
            r.start_line,
            r.start_column,
            r.end_line,
            escape_property(&title),
            escape_data(&message),
        ));
    }
    for n in &report.notifications {
        let command = match n.level {
            NotificationLevel::Error => "error",
            NotificationLevel::Warning => "warning",
            NotificationLevel::Note => "notice",
        };
        let mut props = Vec::new();
        if let Some(file) = &n.file {
            props.push(format!("file={}", escape_property(&printable(file))));
            if let Some(line) = n.line {
                props.push(format!("line={line}"));
            }
            if let Some(column) = n.column {
                props.push(format!("col={column}"));
            }
        }
        props.push("title=scalegate".to_owned());
        out.push_str(&format!(
            "::{command} {}::{}\n",
            props.join(","),
            escape_data(&printable(&n.message))
        ));
    }
    for e in &report.rule_errors {
        out.push_str(&format!(
            "::error file={},line={},col={},title={}::{}\n",
            escape_property(&e.file),
            e.line,
            e.column,
            escape_property(&format!("scalegate: {} could not run", e.rule)),
            escape_data(&printable(&e.headline()))
        ));
    }
    out
}

/// The job summary: a heading, the summary line, and a table of the
/// unsuppressed findings, most severe first.
pub fn step_summary(report: &Report) -> String {
    let mut out = String::from("## scalegate\n\n");
    out.push_str(&markdown_cell(&capitalise(&summary_line(report))));
    out.push_str(".\n");
    if let Some(line) = configuration_line(report) {
        out.push_str(&format!("\n{}.\n", markdown_cell(&capitalise(&line))));
    }

    let mut findings: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppression.is_none())
        .collect();
    if !findings.is_empty() {
        // Stable: within a severity, the report order (file, line) stays.
        findings.sort_by_key(|f| report.rule_of(f).severity);
        out.push_str("\n| Severity | Rule | Location | Message |\n|---|---|---|---|\n");
        for f in findings.iter().take(MAX_SUMMARY_ROWS) {
            let rule = report.rule_of(f);
            out.push_str(&format!(
                "| {} | {} ({}) | `{}:{}` | {} |\n",
                rule.severity,
                markdown_cell(&rule.id),
                markdown_cell(&rule.slug),
                code_cell(&f.location.file),
                f.location.region.start_line,
                markdown_cell(&f.message),
            ));
        }
        let total = Counts::of(report).total();
        if total > MAX_SUMMARY_ROWS {
            out.push_str(&format!(
                "\n{} more findings are not listed here; the SARIF or JSON report has all of them.\n",
                total - MAX_SUMMARY_ROWS
            ));
        }
    }
    if !report.notifications.is_empty() {
        out.push_str("\n<details><summary>Notifications</summary>\n\n");
        for n in &report.notifications {
            out.push_str(&format!("- **{}**: ", n.level.as_str()));
            if let Some(file) = &n.file {
                out.push_str(&format!("`{}`: ", code_cell(file)));
            }
            out.push_str(&markdown_cell(&n.message));
            out.push('\n');
        }
        out.push_str("\n</details>\n");
    }
    out
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Escapes a workflow command's message (`escapeData` in `@actions/core`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command property value (`escapeProperty`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Text for a Markdown table cell: `|` would end the cell and a line break
/// the row; `<`, `>` and `&` would be read as HTML (GitHub drops unknown tags,
/// so `<stdin>` would vanish); `\`, `` ` ``, `*`, `_`, `[` and `]` as markup.
fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\r' => {}
            '\n' => out.push_str("<br>"),
            _ => out.push(c),
        }
    }
    out
}

/// Text inside a code span in a table cell: only `|` must still be escaped
/// (GFM splits cells before it parses code spans); a backtick would end the
/// span, so it becomes a lookalike.
fn code_cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('`', "\u{2035}")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn snapshot() {
        insta::assert_snapshot!(render(&fixture::report()));
    }

    #[test]
    fn step_summary_snapshot() {
        insta::assert_snapshot!(step_summary(&fixture::report()));
    }

    #[test]
    fn escaping_follows_the_actions_toolkit() {
        assert_eq!(escape_data("50%\r\nnext: a,b"), "50%25%0D%0Anext: a,b");
        assert_eq!(
            escape_property("SG-1 (x): a,b%\n"),
            "SG-1 (x)%3A a%2Cb%25%0A"
        );
        assert_eq!(markdown_cell("a|b <stdin>\nc"), "a\\|b &lt;stdin&gt;<br>c");
        assert_eq!(code_cell("a|b`c"), "a\\|b\u{2035}c");
    }

    #[test]
    fn commands_follow_the_severity_table() {
        assert_eq!(command(Severity::Critical), "error");
        assert_eq!(command(Severity::High), "error");
        assert_eq!(command(Severity::Medium), "warning");
        assert_eq!(command(Severity::Low), "notice");
        assert_eq!(command(Severity::Info), "notice");
    }

    #[test]
    fn one_line_per_unsuppressed_finding_and_notification() {
        let report = fixture::report();
        let out = render(&report);
        assert_eq!(out.lines().count(), 7 + 2);
        assert!(out.lines().all(|l| l.starts_with("::")));
        assert!(
            !out.contains("SG-K8S-010"),
            "suppressed findings are not annotated"
        );
    }
}
