//! The compact report: one line per finding, `path:line:col: severity[ID]
//! message`, the form editors' error lists, `grep` and GitHub problem
//! matchers read (`.github/scalegate-problem-matcher.json`).
//!
//! stdout carries only those lines, so that `wc -l` counts findings and a
//! problem matcher sees nothing else. Suppressed findings are left out
//! unless `--show-suppressed` asks for them; they are then written
//! `suppressed severity[ID]`, which no problem matcher pattern takes for a
//! finding. Notifications and the summary line are for the person watching
//! the run: [`epilogue`] renders them, and `main.rs` writes that to stderr.

use super::printable::printable;
use super::{configuration_line, summary_line, RenderOptions};
use crate::model::{Finding, Report};

/// The finding lines, in report order (file, line, column).
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let mut out = String::new();
    for f in &report.findings {
        if f.suppression.is_none() || options.show_suppressed {
            out.push_str(&line(report, f));
            out.push('\n');
        }
    }
    out
}

/// One finding as a compact line, without the line break. Where the
/// location alone says too little (a finding about a whole bundle, one of
/// several chart renders) a parenthesis after the message says it.
pub(crate) fn line(report: &Report, f: &Finding) -> String {
    let rule = report.rule_of(f);
    let r = &f.location.region;
    let status = if f.suppression.is_some() {
        "suppressed "
    } else {
        ""
    };
    let mut out = format!(
        "{}:{}:{}: {status}{}[{}] {}",
        one_line(&f.location.file),
        r.start_line,
        r.start_column,
        rule.severity,
        one_line(&rule.id),
        message(report, f)
    );
    if let Some(s) = &f.suppression {
        out.push_str(&format!(
            " (suppressed by {} at {}: {}",
            s.kind,
            one_line(&s.source),
            one_line(s.reason.as_deref().unwrap_or("no reason given"))
        ));
        if let Some(owner) = &s.owner {
            out.push_str(&format!("; owner {}", one_line(owner)));
        }
        if let Some(expires) = &s.expires {
            out.push_str(&format!("; expires {}", one_line(expires)));
        }
        out.push(')');
    }
    out
}

/// A finding's message on one line, with what its location alone does not
/// say: that it is about a whole bundle, or which chart render it is from.
pub(crate) fn message(report: &Report, f: &Finding) -> String {
    let mut out = one_line(&f.message);
    if let Some(bundle) = report.concerns_bundle(f) {
        out.push_str(&format!(" (bundle {} as a whole)", one_line(bundle)));
    }
    if let Some(render) = report.render_of(f) {
        out.push_str(&format!(" (render {})", one_line(render)));
    }
    out
}

/// What the compact format writes to stderr: the notifications, then the
/// summary line, each prefixed with `scalegate:` so neither can be read as
/// a finding. Everything said about the run as a whole belongs here.
pub fn epilogue(report: &Report) -> String {
    let mut out = String::new();
    for n in &report.notifications {
        out.push_str(&format!("scalegate: {}: ", n.level.as_str()));
        if let Some(file) = &n.file {
            out.push_str(&one_line(file));
            for position in [n.line, n.column].into_iter().map_while(|p| p) {
                out.push_str(&format!(":{position}"));
            }
            out.push_str(": ");
        }
        out.push_str(&one_line(&n.message));
        out.push('\n');
    }
    // What configuration applied, as the text report says it: a reviewer
    // reading compact output (or a JUnit run suite) sees it too.
    if let Some(line) = configuration_line(report) {
        out.push_str(&format!("scalegate: {}\n", one_line(&line)));
    }
    out.push_str(&format!("scalegate: {}\n", summary_line(report)));
    out
}

/// `text` made printable ([`printable`]) and kept on one line: a line break
/// becomes `␊`, the stand-in `printable` uses for other controls, so one
/// finding is always one line.
pub(crate) fn one_line(text: &str) -> String {
    printable(text)
        .replace("\r\n", "\u{240a}")
        .replace('\n', "\u{240a}")
        .replace('\t', " ")
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
    fn one_line_per_unsuppressed_finding_in_report_order() {
        let report = fixture::report();
        let out = render(&report, &RenderOptions::default());
        assert_eq!(
            out.lines().next(),
            Some("infra/legacy módulo.tf:3:5: high[SG-PARSE-001] unexpected token `}` while parsing a block body")
        );
        assert_eq!(out.lines().count(), 7);
        assert!(!out.contains("SG-K8S-010"), "{out}");
    }

    #[test]
    fn show_suppressed_adds_them_marked_with_who_and_why() {
        let report = fixture::report();
        let options = RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        };
        let out = render(&report, &options);
        assert_eq!(out.lines().count(), 8);
        assert!(out.lines().any(|l| l
            == "k8s/web.yaml:17:11: suppressed medium[SG-K8S-010] Container 'web' of Deployment 'web' has no readinessProbe \
                (suppressed by inline at k8s/web.yaml:16: the service mesh sidecar answers readiness; owner @platform; expires 2026-06-30)"),
            "{out}");
    }

    #[test]
    fn line_breaks_tabs_and_controls_stay_on_one_line() {
        let mut report = fixture::report();
        report.findings[1].message = "first\r\nsecond\nthird\tx\u{1b}[8m".to_owned();
        let out = render(&report, &RenderOptions::default());
        assert_eq!(out.lines().count(), 7);
        assert!(
            out.contains("] first\u{240a}second\u{240a}third x\u{241b}[8m\n"),
            "{out}"
        );
    }

    #[test]
    fn epilogue_has_the_notifications_the_configuration_then_the_summary() {
        assert_eq!(
            epilogue(&fixture::report()),
            "scalegate: error: infra/legacy módulo.tf:3:5: could not parse the file: unexpected token `}`\n\
             scalegate: note: 2 files were excluded by .scalegate.yaml\n\
             scalegate: configuration: config .scalegate.yaml: fail_on medium, SG-NAM-002 off, SG-K8S-008 high, exclude examples/**; .scalegate-ignore.yaml suppressed 0 findings; comments suppressed 1 finding\n\
             scalegate: 7 findings (1 critical, 2 high, 1 medium, 2 low, 1 info) in 3 files scanned, 4 resources; 1 suppressed\n"
        );
    }
}
