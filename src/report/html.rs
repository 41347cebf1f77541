//! The HTML report: one self-contained page a reviewer opens, filters and
//! clicks through (README "Output formats").
//!
//! The summary (by severity, rule and directory) and the notifications are
//! written as HTML here, so they show without script. The findings travel
//! as one JSON document in a `<script type="application/json">` block and
//! the page's own script draws the table from it, a few hundred rows at a
//! time, and a finding's code frame only when its row is opened: 10,000
//! findings written as rows with their frames would be tens of megabytes of
//! markup, parsed and laid out before the page answers a click.
//!
//! Nothing is loaded from anywhere: the style and script are inlined, and a
//! Content-Security-Policy allows exactly those two (by hash) and nothing
//! else, so a report cannot phone home even if some text escaped. Every
//! text from the scan is HTML-escaped here, or set as text by the script;
//! in the JSON block `<` is written `\u003c`, so a message cannot close it.
//!
//! Each finding links to its file relative to where the report is written
//! ([`RenderOptions::link_base`]) with `#L<line>`, the fragment code hosts
//! use for a line; its row has the anchor `#finding-<fingerprint prefix>`,
//! which stays the same from run to run while the finding does.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{configuration_line, display_region, plural, summary_line, Counts, RenderOptions};
use crate::model::{Finding, FindingKind, Report, Severity, Suppression};

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Lines of context above and below a finding's region in its code frame.
const CONTEXT_LINES: usize = 2;
/// A region longer than this is framed by its first lines only.
const MAX_FRAME_LINES: usize = 12;
/// Characters of a framed line kept: a minified file's one line must not
/// be copied into the report once per finding.
const MAX_LINE_CHARS: usize = 300;
/// Directories listed in the summary before the rest are folded away.
const DIRECTORIES_SHOWN: usize = 12;
/// Hex digits of the fingerprint in a finding's anchor: unique among far
/// more findings than a report holds, short enough to paste.
const ANCHOR_DIGITS: usize = 16;

/// Renders the HTML report.
pub fn render(report: &Report, options: &RenderOptions) -> String {
    let style_hash = csp_hash(STYLE);
    let script_hash = csp_hash(SCRIPT);
    let mut out = String::with_capacity(64 * 1024 + report.findings.len() * 600);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src '{style_hash}'; script-src '{script_hash}'; img-src data:; \
         base-uri 'none'; form-action 'none'\">"
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>scalegate report</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n");
    header(report, options, &mut out);
    out.push_str("<main>\n");
    by_severity(report, &mut out);
    out.push_str("<div class=\"columns\">\n");
    by_rule(report, &mut out);
    by_directory(report, &mut out);
    out.push_str("</div>\n");
    notifications(report, &mut out);
    findings_section(&mut out);
    out.push_str("</main>\n<script type=\"application/json\" id=\"report-data\">");
    out.push_str(&data_json(report, options));
    out.push_str("</script>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// The page header: what was scanned and the one-line verdict. One place
/// for every line a report states about the run as a whole.
fn header(report: &Report, options: &RenderOptions, out: &mut String) {
    let _ = writeln!(
        out,
        "<header>\n<h1>scalegate report</h1>\n<p class=\"verdict\" id=\"summary-line\">{}</p>\n\
         <p class=\"scope\">{} scanned · {} · {} · scalegate {}</p>",
        escape(&summary_line(report)),
        plural(report.summary.files_scanned, "file"),
        plural(report.summary.bundles, "bundle"),
        plural(report.summary.resources, "resource"),
        escape(&options.tool_version),
    );
    if let Some(line) = configuration_line(report) {
        let _ = writeln!(
            out,
            "<p class=\"scope\" id=\"configuration-line\">{}</p>",
            escape(&line)
        );
    }
    if report.could_not_run() {
        out.push_str(
            "<p class=\"alert\">Some rules could not run: what they would have found is \
             unknown, and the gate fails. See the notifications below.</p>\n",
        );
    }
    out.push_str("</header>\n");
}

/// Five cards, one per severity, then the suppressed count; each is a
/// button that filters the table.
fn by_severity(report: &Report, out: &mut String) {
    let counts = Counts::of(report);
    out.push_str("<section class=\"cards\" aria-label=\"Findings by severity\">\n");
    for (severity, n) in Severity::ALL.iter().zip(counts.by_severity) {
        let _ = writeln!(
            out,
            "<button type=\"button\" class=\"card tone-{severity}{zero}\" data-filter-severity=\"{severity}\">\
             <span class=\"count\" id=\"count-{severity}\">{n}</span>\
             <span class=\"label\">{severity}</span></button>",
            zero = if n == 0 { " zero" } else { "" },
        );
    }
    let _ = writeln!(
        out,
        "<button type=\"button\" class=\"card suppressed\" data-filter-status=\"suppressed\">\
         <span class=\"count\" id=\"count-suppressed\">{}</span>\
         <span class=\"label\">suppressed</span></button>",
        counts.suppressed
    );
    out.push_str("</section>\n");
}

/// The rules that found something, most findings first: open and
/// suppressed counts, and the rule's title linked to its documentation.
fn by_rule(report: &Report, out: &mut String) {
    let mut counts: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for f in &report.findings {
        let entry = counts.entry(f.rule.index()).or_default();
        if f.suppression.is_some() {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }
    let mut rows: Vec<(usize, (usize, usize))> = counts.into_iter().collect();
    // Stable: rules with equal counts stay in id order.
    rows.sort_by_key(|&(_, counts)| std::cmp::Reverse(counts));
    out.push_str(
        "<section class=\"panel\" aria-labelledby=\"by-rule\">\n<h2 id=\"by-rule\">By rule</h2>\n",
    );
    if rows.is_empty() {
        out.push_str("<p class=\"empty\">No findings.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<table class=\"summary\" id=\"rule-summary\"><thead><tr><th>Rule</th><th>Severity</th>\
         <th class=\"num\">Open</th><th class=\"num\">Suppressed</th></tr></thead><tbody>\n",
    );
    for (index, (open, suppressed)) in rows {
        let rule = &report.rules[index];
        let _ = writeln!(
            out,
            "<tr data-rule=\"{id}\"><td><button type=\"button\" class=\"link\" data-filter-rule=\"{id}\">{id}</button> \
             <span class=\"title\">{title}</span></td><td><span class=\"sev sev-{sev}\">{sev}</span></td>\
             <td class=\"num\" data-open=\"{open}\">{open}</td><td class=\"num\">{suppressed}</td></tr>",
            id = escape(&rule.id),
            title = escape(&rule.title),
            sev = rule.severity,
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
}

/// Open findings per directory, most first, by severity; the long tail is
/// folded under a `<details>`.
fn by_directory(report: &Report, out: &mut String) {
    let mut counts: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.suppression.is_none()) {
        let dir = directory(&f.location.file);
        counts.entry(dir).or_default()[report.rule_of(f).severity as usize] += 1;
    }
    let mut rows: Vec<(&str, [usize; 5])> = counts.into_iter().collect();
    rows.sort_by_key(|(_, by)| std::cmp::Reverse(by.iter().sum::<usize>()));
    out.push_str(
        "<section class=\"panel\" aria-labelledby=\"by-directory\">\n\
         <h2 id=\"by-directory\">By directory</h2>\n",
    );
    if rows.is_empty() {
        out.push_str("<p class=\"empty\">No open findings.</p>\n</section>\n");
        return;
    }
    let head = "<table class=\"summary\"><thead><tr><th>Directory</th>\
                <th class=\"num\">Open</th><th>By severity</th></tr></thead><tbody>\n";
    out.push_str(head);
    for (i, (dir, by)) in rows.iter().enumerate() {
        if i == DIRECTORIES_SHOWN {
            let rest = rows.len() - DIRECTORIES_SHOWN;
            let noun = if rest == 1 {
                "directory"
            } else {
                "directories"
            };
            let _ = write!(
                out,
                "</tbody></table>\n<details><summary>{rest} more {noun}</summary>\n{head}"
            );
        }
        // A directory filters the table by its path; the project root's
        // files have no prefix to search for.
        let name = if *dir == "." {
            "(project root)".to_owned()
        } else {
            format!(
                "<button type=\"button\" class=\"link\" data-filter-text=\"{dir}/\">{dir}/</button>",
                dir = escape(dir)
            )
        };
        let _ = write!(
            out,
            "<tr><td>{name}</td><td class=\"num\">{}</td><td class=\"bar\">",
            by.iter().sum::<usize>(),
        );
        for (severity, n) in Severity::ALL.iter().zip(by) {
            if *n > 0 {
                let _ = write!(
                    out,
                    "<span class=\"sev sev-{severity}\" title=\"{n} {severity}\">{n}</span>"
                );
            }
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table>\n");
    if rows.len() > DIRECTORIES_SHOWN {
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
}

/// The directory part of a reported path (`.` for a file at the root).
fn directory(file: &str) -> &str {
    file.rsplit_once('/').map_or(".", |(dir, _)| dir)
}

/// Messages about the scan itself, and rules that could not run.
fn notifications(report: &Report, out: &mut String) {
    if report.notifications.is_empty() && report.rule_errors.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section class=\"panel\" aria-labelledby=\"notifications\">\n\
         <h2 id=\"notifications\">Notifications <span class=\"muted\">({})</span></h2>\n\
         <ul class=\"notifications\">",
        report.notifications.len() + report.rule_errors.len()
    );
    for n in &report.notifications {
        let level = n.level.as_str();
        let mut at = String::new();
        if let Some(file) = &n.file {
            at = file.clone();
            if let Some(line) = n.line {
                let _ = write!(at, ":{line}");
                if let Some(column) = n.column {
                    let _ = write!(at, ":{column}");
                }
            }
        }
        let _ = writeln!(
            out,
            "<li class=\"{level}\"><span class=\"level\">{level}</span> <code>{}</code> {}</li>",
            escape(&at),
            escape(&n.message)
        );
    }
    for e in &report.rule_errors {
        let _ = write!(
            out,
            "<li class=\"error\"><span class=\"level\">error</span> <code>{}:{}:{}</code> \
             could not run: {}",
            escape(&e.file),
            e.line,
            e.column,
            escape(&e.headline())
        );
        if let Some(frame) = &e.frame {
            let _ = write!(out, "<pre>{}</pre>", escape(frame));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n</section>\n");
}

/// The filters and the empty table the script fills.
fn findings_section(out: &mut String) {
    out.push_str(
        "<section class=\"panel findings\" aria-labelledby=\"findings\">\n\
<h2 id=\"findings\">Findings</h2>\n\
<form class=\"filters\" id=\"filters\" role=\"search\">\n\
<label>Status <select id=\"filter-status\"><option value=\"open\">open</option>\
<option value=\"suppressed\">suppressed</option><option value=\"all\">all</option></select></label>\n\
<label>Severity <select id=\"filter-severity\"><option value=\"\">any</option>\
<option value=\"critical\">critical</option><option value=\"high\">high</option>\
<option value=\"medium\">medium</option><option value=\"low\">low</option>\
<option value=\"info\">info</option></select></label>\n\
<label>Rule <select id=\"filter-rule\"><option value=\"\">any</option></select></label>\n\
<label class=\"grow\">Search <input type=\"search\" id=\"filter-text\" \
placeholder=\"message, path, resource, rule\" autocomplete=\"off\"></label>\n\
<button type=\"reset\" id=\"filter-reset\">Reset</button>\n\
</form>\n\
<p class=\"shown\" id=\"shown\" aria-live=\"polite\"></p>\n\
<noscript><p class=\"alert\">The findings table is drawn by the page's script; \
the JSON report (<code>--format json</code>) holds the same findings.</p></noscript>\n\
<table class=\"findings\" id=\"findings-table\"><thead><tr>\
<th><button type=\"button\" data-sort=\"severity\">Severity</button></th>\
<th><button type=\"button\" data-sort=\"rule\">Rule</button></th>\
<th><button type=\"button\" data-sort=\"location\">Location</button></th>\
<th><button type=\"button\" data-sort=\"message\">Message</button></th>\
<th><button type=\"button\" data-sort=\"resource\">Resource</button></th>\
</tr></thead><tbody id=\"findings-body\"></tbody></table>\n\
<p><button type=\"button\" id=\"more\" hidden>Show more</button></p>\n\
</section>\n",
    );
}

#[derive(Serialize)]
struct Data<'a> {
    rules: Vec<DataRule<'a>>,
    findings: Vec<DataFinding<'a>>,
}

#[derive(Serialize)]
struct DataRule<'a> {
    id: &'a str,
    slug: &'a str,
    title: &'a str,
    severity: Severity,
    description: &'a str,
    remediation: &'a str,
    help: &'a str,
}

/// A finding as the script reads it; absent fields are left out (`null`s
/// and empty lists were 5 % of the corpus report's bytes).
#[derive(Serialize)]
struct DataFinding<'a> {
    /// An index into `rules`.
    rule: usize,
    kind: FindingKind,
    message: &'a str,
    file: &'a str,
    line: usize,
    column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<&'a str>,
    /// The bundle, when the finding concerns it as a whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    bundle: Option<&'a str>,
    /// The chart render it came from (`web[prod]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    render: Option<&'a str>,
    /// The file, relative to the report, with `#L<line>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
    anchor: String,
    fingerprint: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    frame: Option<Frame<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<DataRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<&'a Suppression>,
}

#[derive(Serialize)]
struct DataRelated<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

/// The source lines around a finding, and the region to mark in them
/// (widened as the text report does, so a position shows as a character).
#[derive(Serialize)]
struct Frame<'a> {
    /// The line number of `lines[0]`.
    first: usize,
    lines: Vec<Cow<'a, str>>,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    /// Lines of the region left out (a region longer than the frame).
    omitted: usize,
}

/// The findings as the script reads them, with `<` escaped so that no
/// text can end the `<script>` element it sits in.
fn data_json(report: &Report, options: &RenderOptions) -> String {
    let data = Data {
        rules: report
            .rules
            .iter()
            .map(|r| DataRule {
                id: &r.id,
                slug: &r.slug,
                title: &r.title,
                severity: r.severity,
                description: &r.description,
                remediation: &r.remediation,
                help: &r.help_uri,
            })
            .collect(),
        findings: report
            .findings
            .iter()
            .map(|f| data_finding(report, options, f))
            .collect(),
    };
    let json = serde_json::to_string(&data).expect("the report data is serialisable");
    json.replace('<', "\\u003c")
}

fn data_finding<'a>(
    report: &'a Report,
    options: &RenderOptions,
    f: &'a Finding,
) -> DataFinding<'a> {
    let bundle = report.concerns_bundle(f);
    DataFinding {
        rule: f.rule.index(),
        kind: f.kind,
        message: &f.message,
        file: &f.location.file,
        line: f.location.region.start_line,
        column: f.location.region.start_column,
        resource: f.resource.as_deref(),
        bundle,
        render: report.render_of(f),
        link: link(options, &f.location.file, f.location.region.start_line),
        anchor: anchor(&f.fingerprint),
        fingerprint: &f.fingerprint,
        // A finding about a whole bundle is only filed at its first line.
        frame: if bundle.is_some() {
            None
        } else {
            frame(report, f)
        },
        related: f
            .related
            .iter()
            .map(|r| DataRelated {
                file: &r.location.file,
                line: r.location.region.start_line,
                column: r.location.region.start_column,
                message: &r.message,
                link: link(options, &r.location.file, r.location.region.start_line),
            })
            .collect(),
        suppression: f.suppression.as_ref(),
    }
}

/// The anchor of a finding's row: `finding-` and the fingerprint's start.
pub fn anchor(fingerprint: &str) -> String {
    let digits = fingerprint.get(..ANCHOR_DIGITS).unwrap_or(fingerprint);
    format!("finding-{digits}")
}

fn frame<'a>(report: &'a Report, f: &Finding) -> Option<Frame<'a>> {
    let source = report.sources.get(&f.location.file)?;
    let region = display_region(report, &f.location.file, f.location.region);
    let count = source.line_count();
    if region.start_line == 0 || region.start_line > count.max(1) {
        return None;
    }
    let first = region.start_line.saturating_sub(CONTEXT_LINES).max(1);
    let region_end = region.end_line.min(region.start_line + MAX_FRAME_LINES - 1);
    let last = (region_end + CONTEXT_LINES).min(count.max(region.start_line));
    let lines = (first..=last)
        .map(|n| shorten(source.line_text(n)))
        .collect();
    Some(Frame {
        first,
        lines,
        start_line: region.start_line,
        start_column: region.start_column,
        end_line: region.end_line,
        end_column: region.end_column,
        omitted: region.end_line - region_end,
    })
}

/// A framed line, cut at [`MAX_LINE_CHARS`] characters.
fn shorten(line: &str) -> Cow<'_, str> {
    match line.char_indices().nth(MAX_LINE_CHARS) {
        Some((cut, _)) => Cow::Owned(format!("{}…", &line[..cut])),
        None => Cow::Borrowed(line),
    }
}

/// The link to a reported file from the report: the link base, the path
/// percent-encoded, `#L<line>`; a file outside the project root, reported
/// by its absolute path, gets a `file://` URL. Stdin has no file to link to.
fn link(options: &RenderOptions, file: &str, line: usize) -> Option<String> {
    if file == "<stdin>" {
        return None;
    }
    let mut out = if file.starts_with('/') {
        "file://".to_owned()
    } else {
        options.link_base.clone()
    };
    for b in file.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    let _ = write!(out, "#L{line}");
    Some(out)
}

/// The prefix that leads from the directory a report is written to
/// (`report_dir`) to the project root that reported paths start from:
/// `../../` for a report in `target/browser/`. Both paths absolute and
/// normalised; a root on another drive has no relative way, and gets a
/// `file://` URL.
pub fn link_base(report_dir: &Path, root: &Path) -> String {
    let from: Vec<Component> = report_dir.components().collect();
    let to: Vec<Component> = root.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return format!("file://{}/", root.display());
    }
    let mut base = "../".repeat(from.len() - common);
    for part in &to[common..] {
        base.push_str(&part.as_os_str().to_string_lossy());
        base.push('/');
    }
    base
}

/// `&`, `<`, `>`, `"` and `'` as character references: safe in text and in
/// quoted attribute values.
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A CSP source for an inline element's text: `sha256-<base64>`.
fn csp_hash(text: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(text.as_bytes())))
}

/// Standard base64 with padding (the only encoder the report needs).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use crate::source::Region;

    /// The JSON block the page's script reads.
    fn data(page: &str) -> serde_json::Value {
        let start = page.find("id=\"report-data\">").expect("the data block") + 17;
        let end = start + page[start..].find("</script>").expect("its end");
        serde_json::from_str(&page[start..end]).expect("valid JSON")
    }

    fn finding_at<'a>(data: &'a serde_json::Value, file: &str, line: u64) -> &'a serde_json::Value {
        data["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["file"] == file && f["line"] == line)
            .expect("the finding")
    }

    #[test]
    fn the_same_report_renders_to_the_same_bytes() {
        let report = fixture::report();
        let options = RenderOptions::default();
        assert_eq!(render(&report, &options), render(&report, &options));
    }

    #[test]
    fn counts_by_severity_rule_and_directory() {
        let page = render(&fixture::report(), &RenderOptions::default());
        for (severity, n) in [
            ("critical", 1),
            ("high", 2),
            ("medium", 1),
            ("low", 2),
            ("info", 1),
            ("suppressed", 1),
        ] {
            let card = format!("<span class=\"count\" id=\"count-{severity}\">{n}</span>");
            assert!(page.contains(&card), "{card}");
        }
        assert!(page.contains(
            "<p class=\"verdict\" id=\"summary-line\">7 findings (1 critical, 2 high, 1 medium, \
             2 low, 1 info) in 3 files scanned, 4 resources; 1 suppressed</p>"
        ));
        // SG-K8S-010: its only finding is suppressed.
        let probes = &page[page.find("<tr data-rule=\"SG-K8S-010\">").unwrap()..];
        let probes = &probes[..probes.find("</tr>").unwrap()];
        assert!(
            probes.ends_with("<td class=\"num\" data-open=\"0\">0</td><td class=\"num\">1</td>")
        );
        // infra/ holds four open findings (one in the unreadable file), k8s/ three.
        let infra =
            page.find("data-filter-text=\"infra/\">infra/</button></td><td class=\"num\">4</td>");
        let k8s = page.find("data-filter-text=\"k8s/\">k8s/</button></td><td class=\"num\">3</td>");
        assert!(infra.unwrap() < k8s.unwrap(), "most findings first");
        // A file at the root is counted under the root, which has no filter.
        let mut report = fixture::report();
        report.findings[0].location.file = "main.tf".to_owned();
        let page = render(&report, &RenderOptions::default());
        assert!(page.contains("<tr><td>(project root)</td><td class=\"num\">1</td>"));
    }

    #[test]
    fn the_header_says_what_configuration_applied() {
        let page = render(&fixture::report(), &RenderOptions::default());
        assert!(
            page.contains(
                "<p class=\"scope\" id=\"configuration-line\">configuration: config .scalegate.yaml: \
                 fail_on medium, SG-NAM-002 off, SG-K8S-008 high, exclude examples/**; \
                 .scalegate-ignore.yaml suppressed 0 findings; comments suppressed 1 finding</p>"
            ),
            "{page}"
        );
        let mut reviewer = fixture::report();
        reviewer.configuration = Default::default();
        reviewer.configuration.repository_ignored = true;
        let page = render(&reviewer, &RenderOptions::default());
        assert!(page.contains(
            "id=\"configuration-line\">configuration: repository configuration ignored (--no-config)"
        ));
        let page = render(&Report::default(), &RenderOptions::default());
        assert!(!page.contains("configuration-line"));
    }

    #[test]
    fn markup_in_scanned_text_is_escaped() {
        let mut report = fixture::report();
        report.findings[0].message = "</script><script>alert(1)</script> & <b>".to_owned();
        report.notifications[0].message = "<img src=x onerror=alert(2)>".to_owned();
        report.rules[0].title = "\"><script>alert(3)</script>".to_owned();
        let page = render(&report, &RenderOptions::default());
        assert_eq!(
            page.matches("<script").count(),
            2,
            "the data block and the script"
        );
        assert_eq!(page.matches("</script>").count(), 2);
        assert!(!page.contains("<img"));
        assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;"));
        assert!(page.contains("&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"));
        // The script reads the message back exactly as written.
        assert_eq!(
            data(&page)["findings"][0]["message"],
            "</script><script>alert(1)</script> & <b>"
        );
    }

    #[test]
    fn the_content_security_policy_allows_only_the_inlined_style_and_script() {
        let page = render(&fixture::report(), &RenderOptions::default());
        let style = &page[page.find("<style>").unwrap() + 7..page.find("</style>").unwrap()];
        let script_start = page.rfind("<script>").unwrap() + 8;
        let script =
            &page[script_start..script_start + page[script_start..].find("</script>").unwrap()];
        let policy = format!(
            "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:; base-uri 'none'; form-action 'none'",
            csp_hash(style),
            csp_hash(script)
        );
        assert!(page.contains(&format!("content=\"{policy}\"")), "{policy}");
        // Nothing in the markup loads from elsewhere.
        let markup = &page[..page.find("id=\"report-data\"").unwrap()];
        for attribute in [" src=", "href=\"http", "@import", "url("] {
            assert!(!markup.contains(attribute), "{attribute}");
        }
    }

    #[test]
    fn a_finding_carries_its_frame_link_anchor_and_rule() {
        let page = render(
            &fixture::report(),
            &RenderOptions {
                link_base: "../".to_owned(),
                ..RenderOptions::default()
            },
        );
        let data = data(&page);
        let tags = finding_at(&data, "infra/main.tf", 9);
        let rule = &data["rules"][tags["rule"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], "SG-TAG-001");
        assert_eq!(
            rule["help"],
            "https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-TAG-001.md"
        );
        assert_eq!(
            rule["remediation"],
            "Fix required-tags as the documentation shows."
        );
        assert_eq!(tags["link"], "../infra/main.tf#L9");
        let fingerprint = tags["fingerprint"].as_str().unwrap();
        assert_eq!(tags["anchor"], format!("finding-{}", &fingerprint[..16]));
        assert_eq!(
            tags["frame"],
            serde_json::json!({
                "first": 7,
                "lines": [
                    "resource \"aws_s3_bucket\" \"logs\" {",
                    "  bucket = \"Logs_Bucket\"",
                    "  tags   = local.common_tags",
                    "}",
                ],
                "start_line": 9,
                "start_column": 12,
                "end_line": 9,
                "end_column": 29,
                "omitted": 0,
            })
        );
        assert_eq!(
            tags["related"][0],
            serde_json::json!({
                "file": "infra/main.tf",
                "line": 2,
                "column": 3,
                "message": "the tags come from local.common_tags",
                "link": "../infra/main.tf#L2",
            })
        );
        // The unreadable file has no frame; its path is percent-encoded.
        let broken = finding_at(&data, fixture::BROKEN_TF, 3);
        assert_eq!(broken.get("frame"), None);
        assert_eq!(broken["link"], "../infra/legacy%20m%C3%B3dulo.tf#L3");
        // Who accepted the suppressed finding, and why.
        let suppressed = finding_at(&data, "k8s/web.yaml", 17);
        assert_eq!(
            suppressed["suppression"],
            serde_json::json!({
                "kind": "inline",
                "source": "k8s/web.yaml:16",
                "reason": "the service mesh sidecar answers readiness",
                "expires": "2026-06-30",
                "owner": "@platform",
            })
        );
    }

    #[test]
    fn an_empty_region_is_widened_and_a_long_region_cut() {
        let mut report = fixture::report();
        // The note at 18:11 points at a position: framed as one character.
        let data_before = data(&render(&report, &RenderOptions::default()));
        let note = finding_at(&data_before, "k8s/web.yaml", 18);
        assert_eq!(
            (
                &note["frame"]["first"],
                &note["frame"]["end_line"],
                &note["frame"]["end_column"]
            ),
            (&16.into(), &18.into(), &12.into())
        );
        let web = report.sources["k8s/web.yaml"].line_count();
        let f = report
            .findings
            .iter_mut()
            .find(|f| f.location.file == "k8s/web.yaml" && f.location.region.start_line == 11)
            .unwrap();
        f.location.region = Region::new(1, 1, web, 5);
        let data = data(&render(&report, &RenderOptions::default()));
        let whole = finding_at(&data, "k8s/web.yaml", 1);
        assert_eq!(whole["frame"]["first"], 1);
        assert_eq!(
            whole["frame"]["lines"].as_array().unwrap().len(),
            MAX_FRAME_LINES + CONTEXT_LINES
        );
        assert_eq!(whole["frame"]["omitted"], web - MAX_FRAME_LINES);
    }

    #[test]
    fn long_lines_are_cut_in_frames() {
        let line = "x".repeat(MAX_LINE_CHARS + 50);
        assert_eq!(shorten(&line).chars().count(), MAX_LINE_CHARS + 1);
        assert!(shorten(&line).ends_with('…'));
        assert_eq!(shorten("short"), "short");
    }

    #[test]
    fn notifications_are_listed() {
        let page = render(&fixture::report(), &RenderOptions::default());
        assert!(page.contains(
            "<li class=\"error\"><span class=\"level\">error</span> \
             <code>infra/legacy módulo.tf:3:5</code> could not parse the file: unexpected token `}`</li>"
        ));
        assert!(page.contains(
            "<li class=\"note\"><span class=\"level\">note</span> <code></code> \
             2 files were excluded by .scalegate.yaml</li>"
        ));
    }

    #[test]
    fn link_base_leads_from_the_report_to_the_project_root() {
        let base = |dir: &str, root: &str| link_base(Path::new(dir), Path::new(root));
        assert_eq!(base("/p/target/browser", "/p"), "../../");
        assert_eq!(base("/p", "/p"), "");
        assert_eq!(base("/p/out", "/p/examples/shop"), "../examples/shop/");
        assert_eq!(base("/elsewhere", "/p"), "../p/");
        let options = RenderOptions::default();
        assert_eq!(link(&options, "<stdin>", 3), None);
        assert_eq!(
            link(&options, "/outside/the root.tf", 2).as_deref(),
            Some("file:///outside/the%20root.tf#L2")
        );
        assert_eq!(
            link(&options, "a#b/c?d.yaml", 3).as_deref(),
            Some("a%23b/c%3Fd.yaml#L3")
        );
    }

    #[test]
    fn base64_matches_the_standard_vectors() {
        for (text, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(text.as_bytes()), encoded, "{text}");
        }
    }
}
