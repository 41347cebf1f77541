//! The human-readable report: rustc/clippy-style diagnostics with code frames
//! (docs/architecture.md "Formats"), drawn by `miette`.
//!
//! miette's own `SourceCode` for strings rescans the text from the start for
//! every label (16 ms a finding on a 5 MB file); [`IndexedSource`] answers the
//! same questions from [`SourceFile`]'s line index instead.
//!
//! Everything that comes from a scanned file (code frames, messages, paths,
//! suppression reasons) goes through [`printable`] first, colour or not:
//! the report must not carry a repository's terminal escapes to the reader.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::printable::printable;
use super::{configuration_line, display_region, plural, summary_line, RenderOptions};
use crate::model::{Finding, FindingKind, Location, Report, RuleError, Severity};
use crate::source::{Region, SourceFile};
use crate::timings::{millis, Timings};

/// Wide enough for most code frames, narrow enough for a terminal; fixed so
/// the output does not depend on where it is rendered.
const WIDTH: usize = 100;

/// Renders the text report. Suppressed findings are left out (the summary
/// counts them); without `color` the output has no ANSI escapes.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_context_lines(1);

    let mut by_file: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.suppression.is_none()) {
        by_file.entry(&f.location.file).or_default().push(f);
    }

    let frames = Frames::new(report);
    let mut out = String::new();
    for (file, findings) in &by_file {
        out.push_str(&heading(&printable(file), options.color));
        out.push_str("\n\n");
        for f in findings {
            let diagnostic = FindingDiagnostic::new(report, &frames, f);
            // Writing into a String cannot fail; a rendering bug in miette
            // should not lose the finding, so fall back to one plain line.
            if handler.render_report(&mut out, &diagnostic).is_err() {
                let rule = report.rule_of(f);
                out.push_str(&format!(
                    "{}: {} [{}] {}\n",
                    at(&f.location),
                    rule.severity,
                    rule.id,
                    printable(&f.message)
                ));
            }
            out.push('\n');
        }
    }

    if options.show_suppressed {
        suppressed(report, &mut out);
    }

    if !report.notifications.is_empty() {
        for n in &report.notifications {
            out.push_str(n.level.as_str());
            out.push_str(": ");
            if let Some(file) = &n.file {
                out.push_str(&printable(file));
                if let Some(line) = n.line {
                    out.push_str(&format!(":{line}"));
                    if let Some(column) = n.column {
                        out.push_str(&format!(":{column}"));
                    }
                }
                out.push_str(": ");
            }
            out.push_str(&printable(&n.message));
            out.push('\n');
        }
        out.push('\n');
    }

    for e in &report.rule_errors {
        rule_error(e, &mut out);
    }

    if let Some(line) = configuration_line(report) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&summary_line(report));
    out.push('\n');
    if let Some(t) = &report.timings {
        timings(t, &mut out);
    }
    out
}

/// How many rules the text report's profile lists; JSON lists them all.
const SLOWEST_RULES: usize = 10;

/// `--timings`: the phases' wall times, then the slowest rules.
fn timings(t: &Timings, out: &mut String) {
    out.push_str("\ntimings (wall clock):\n");
    for (phase, time) in [
        ("discovery", t.discovery),
        ("parse", t.parse),
        ("terraform", t.terraform),
        ("policy", t.policy),
        ("report", t.report),
        ("total", t.total),
    ] {
        out.push_str(&format!("  {phase:<10} {:>10.2} ms\n", millis(time)));
    }
    if t.rules.is_empty() {
        return;
    }
    out.push_str("slowest rules (each evaluated on its own, summed over bundles):\n");
    for rule in t.rules.iter().take(SLOWEST_RULES) {
        out.push_str(&format!(
            "  {:<14} {:>10.2} ms  {}\n",
            rule.id,
            millis(rule.time),
            plural(rule.bundles, "bundle")
        ));
    }
}

/// A rule that could not run: the error, then the engine's code frame of
/// the failing expression (or where the rule is, when it gave none).
fn rule_error(e: &RuleError, out: &mut String) {
    out.push_str(&format!(
        "error: could not run: {}\n",
        printable(&e.headline())
    ));
    match &e.frame {
        Some(frame) => {
            for line in printable(frame).lines() {
                out.push_str(&format!("  {line}\n"));
            }
        }
        None => out.push_str(&format!("  --> {}:{}:{}\n", e.file, e.line, e.column)),
    }
    out.push('\n');
}

/// One line per suppressed finding: where, what, and who accepted it why.
fn suppressed(report: &Report, out: &mut String) {
    let mut any = false;
    for f in &report.findings {
        let Some(s) = &f.suppression else {
            continue;
        };
        if !any {
            out.push_str("suppressed:\n");
            any = true;
        }
        let rule = report.rule_of(f);
        out.push_str(&format!(
            "  {}: {} [{}] {}\n    suppressed by {} ({}): {}",
            at(&f.location),
            rule.severity,
            rule.id,
            printable(&f.message),
            s.kind,
            printable(&s.source),
            printable(s.reason.as_deref().unwrap_or("no reason given")),
        ));
        if let Some(owner) = &s.owner {
            out.push_str(&format!("; owner {}", printable(owner)));
        }
        if let Some(expires) = &s.expires {
            out.push_str(&format!("; expires {}", printable(expires)));
        }
        out.push('\n');
    }
    if any {
        out.push('\n');
    }
}

fn heading(file: &str, color: bool) -> String {
    if color {
        format!("\u{1b}[1m{file}\u{1b}[0m")
    } else {
        file.to_owned()
    }
}

/// `file:line:column`, the form editors and terminals make clickable.
fn at(loc: &Location) -> String {
    format!(
        "{}:{}:{}",
        printable(&loc.file),
        loc.region.start_line,
        loc.region.start_column
    )
}

/// A finding as miette sees it.
struct FindingDiagnostic<'a> {
    message: String,
    code: String,
    severity: miette::Severity,
    help: Option<&'a str>,
    source: Option<IndexedSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<RelatedDiagnostic<'a>>,
}

/// The sources code frames are drawn from: the scanned text, or a
/// [`printable`] copy of it where it holds control characters.
struct Frames<'a> {
    report: &'a Report,
    escaped: BTreeMap<&'a str, SourceFile>,
}

impl<'a> Frames<'a> {
    fn new(report: &'a Report) -> Self {
        let mut escaped = BTreeMap::new();
        for (path, source) in &report.sources {
            if let Cow::Owned(text) = printable(&source.text) {
                escaped.insert(path.as_str(), SourceFile::new(source.path.clone(), text));
            }
        }
        Frames { report, escaped }
    }

    fn get(&self, file: &str) -> Option<IndexedSource<'_>> {
        match self.escaped.get(file) {
            Some(source) => Some(IndexedSource(source)),
            None => self.report.sources.get(file).map(|s| IndexedSource(s)),
        }
    }
}

impl<'a> FindingDiagnostic<'a> {
    fn new(report: &'a Report, frames: &'a Frames<'a>, f: &'a Finding) -> Self {
        let rule = report.rule_of(f);
        let bundle = report.concerns_bundle(f);
        let mut message = printable(&f.message).into_owned();
        // A finding about the whole bundle has no line to frame: line 1 of
        // the bundle's first file is only where it is filed.
        let source = match bundle {
            Some(bundle) => {
                message.push_str(&format!(
                    "\n--> in bundle {} (filed at {})",
                    printable(bundle),
                    at(&f.location)
                ));
                None
            }
            None => frames.get(&f.location.file),
        };
        // Rendered charts: two renders put findings on one template line,
        // so the text says which render (`web[prod]`) each belongs to.
        if let Some(render) = report.render_of(f) {
            message.push_str(&format!("\n--> in render {}", printable(render)));
        }
        let mut labels = Vec::new();
        let mut related = Vec::new();
        match &source {
            Some(src) => {
                let span = src.span(display_region(report, &f.location.file, f.location.region));
                labels.push(LabeledSpan::new_primary_with_span(
                    Some(printable(&rule.title).into_owned()),
                    span,
                ));
            }
            // No text to frame (the file could not be read): say where.
            None if bundle.is_none() => message.push_str(&format!("\n--> {}", at(&f.location))),
            None => {}
        }
        for r in &f.related {
            let same_file = r.location.file == f.location.file;
            match &source {
                Some(src) if same_file => labels.push(LabeledSpan::new_with_span(
                    Some(printable(&r.message).into_owned()),
                    src.span(display_region(report, &r.location.file, r.location.region)),
                )),
                _ => related.push(RelatedDiagnostic::new(
                    report,
                    frames,
                    &r.location,
                    &r.message,
                )),
            }
        }
        FindingDiagnostic {
            message,
            code: format!("{}[{}]", rule.severity, rule.id),
            severity: severity(f.kind, rule.severity),
            help: (!rule.remediation.is_empty()).then_some(rule.remediation.as_str()),
            source,
            labels,
            related,
        }
    }
}

/// miette's three levels: errors fail builds, warnings should be fixed,
/// advice is informational (and notes are advice whatever their severity).
fn severity(kind: FindingKind, severity: Severity) -> miette::Severity {
    match (kind, severity) {
        (FindingKind::Note, _) => miette::Severity::Advice,
        (_, Severity::Critical | Severity::High) => miette::Severity::Error,
        (_, Severity::Medium) => miette::Severity::Warning,
        (_, Severity::Low | Severity::Info) => miette::Severity::Advice,
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FindingDiagnostic")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish()
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
        }
    }
}

/// A related location in another file, shown as advice with its own frame.
struct RelatedDiagnostic<'a> {
    message: String,
    source: Option<IndexedSource<'a>>,
    label: Option<LabeledSpan>,
}

impl<'a> RelatedDiagnostic<'a> {
    fn new(report: &'a Report, frames: &'a Frames<'a>, loc: &Location, message: &str) -> Self {
        let source = frames.get(&loc.file);
        let message = printable(message);
        match source {
            Some(src) => RelatedDiagnostic {
                message: message.into_owned(),
                label: Some(LabeledSpan::new_primary_with_span(
                    None,
                    src.span(display_region(report, &loc.file, loc.region)),
                )),
                source: Some(src),
            },
            None => RelatedDiagnostic {
                message: format!("{message}\n--> {}", at(loc)),
                source: None,
                label: None,
            },
        }
    }
}

impl fmt::Display for RelatedDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Debug for RelatedDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedDiagnostic<'_> {}

impl Diagnostic for RelatedDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|l| Box::new(std::iter::once(l)) as Box<dyn Iterator<Item = LabeledSpan>>)
    }
}

/// miette's view of a [`SourceFile`], answering from its line index.
#[derive(Clone, Copy)]
struct IndexedSource<'a>(&'a SourceFile);

impl IndexedSource<'_> {
    /// The byte span of a region (miette works in bytes, regions in code points).
    fn span(&self, region: Region) -> SourceSpan {
        let start = self.0.offset_of(region.start_line, region.start_column);
        let end = self
            .0
            .offset_of(region.end_line, region.end_column)
            .max(start);
        SourceSpan::new(start.into(), end - start)
    }
}

impl SourceCode for IndexedSource<'_> {
    /// Mirrors the contract of miette's own implementation for `str`: with
    /// context lines, whole lines from the first context line to the end of
    /// the last one (line break included); without, from the span's start,
    /// with its column; `line` and `column` 0-based.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = self.0;
        let text = file.text.as_str();
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(MietteError::OutOfBounds);
        }
        let (start_line, start_column) = file.position(start);
        let (end_line, _) = file.position(if end > start { end - 1 } else { start });
        let last_line = file.line_count().max(end_line);

        let first = start_line.saturating_sub(context_lines_before).max(1);
        let last = (end_line + context_lines_after).min(last_line);
        let (data_start, line, column) = if context_lines_before == 0 {
            (start, start_line, start_column)
        } else {
            (file.line_start(first), first, 1)
        };
        let data_end = if context_lines_after == 0 {
            end
        } else {
            file.line_start(last + 1)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            printable(&file.path).into_owned(),
            &text.as_bytes()[data_start..data_end],
            SourceSpan::new(data_start.into(), data_end - data_start),
            line - 1,
            column - 1,
            last - line + 1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn snapshot() {
        let out = render(&fixture::report(), &RenderOptions::default());
        insta::assert_snapshot!(out);
    }

    #[test]
    fn no_ansi_without_color_and_some_with_it() {
        let report = fixture::report();
        let plain = render(&report, &RenderOptions::default());
        assert!(!plain.contains('\u{1b}'));
        let options = RenderOptions {
            color: true,
            ..RenderOptions::default()
        };
        assert!(render(&report, &options).contains('\u{1b}'));
    }

    #[test]
    fn suppressed_findings_are_not_shown() {
        let out = render(&fixture::report(), &RenderOptions::default());
        assert!(!out.contains("SG-K8S-010"));
        assert!(out.ends_with("; 1 suppressed\n"));
    }

    #[test]
    fn show_suppressed_lists_them_with_the_reason() {
        let options = RenderOptions {
            show_suppressed: true,
            ..RenderOptions::default()
        };
        let out = render(&fixture::report(), &options);
        let start = out.find("suppressed:\n").expect("a suppressed section");
        let section: Vec<&str> = out[start..].lines().take(3).collect();
        insta::assert_snapshot!(section.join("\n"));
    }

    #[test]
    fn empty_report_is_one_line() {
        let out = render(&Report::default(), &RenderOptions::default());
        assert_eq!(out, "no findings in 0 files scanned, 0 resources\n");
    }

    #[test]
    fn indexed_source_reads_like_mietttes_own() {
        let file = SourceFile::new("k8s/web.yaml", fixture::WEB_YAML.to_owned());
        let source = IndexedSource(&file);
        // `équipe-données` on line 8: the same answers as miette's str impl,
        // except for the column, which is in characters rather than bytes.
        let span = source.span(Region {
            start_line: 8,
            start_column: 12,
            end_line: 8,
            end_column: 26,
        });
        for (before, after) in [(0, 0), (1, 1), (2, 3)] {
            let ours = source.read_span(&span, before, after).unwrap();
            let theirs = fixture::WEB_YAML.read_span(&span, before, after).unwrap();
            assert_eq!(ours.data(), theirs.data(), "{before} {after}");
            assert_eq!(ours.span(), theirs.span(), "{before} {after}");
            assert_eq!(ours.line(), theirs.line(), "{before} {after}");
            assert_eq!(ours.name(), Some("k8s/web.yaml"));
        }
        assert_eq!(source.read_span(&span, 0, 0).unwrap().column(), 11);
        let past = SourceSpan::new(fixture::WEB_YAML.len().into(), 1);
        assert!(source.read_span(&past, 1, 1).is_err());
    }
}
