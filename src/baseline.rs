//! Baselines: a versioned file of today's findings, by
//! fingerprint, so that a legacy repository can adopt the gate without
//! fixing everything first. `scan --baseline FILE` then reports only new
//! findings; baseline matches stay in every output as suppressed (SARIF
//! `external`, source `baseline`), and the entries nothing matches any more
//! are counted as fixed.
//!
//! Fingerprints leave line numbers out (docs/architecture.md "Output
//! contract"), so editing above a finding keeps it matched; renaming its file
//! makes it new.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::model::{Notification, NotificationLevel, Report, Suppression, SuppressionKind};
use crate::rules::PARSE_RULE;

/// The format version this build writes and reads.
pub const VERSION: u64 = 1;

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u64,
    pub tool: String,
    /// Sorted by fingerprint, one per recorded finding.
    pub findings: Vec<Entry>,
}

/// One recorded finding: the fingerprint matches; the rest tells a reader
/// of the file what it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule_id: String,
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    pub message: String,
}

/// Why a baseline file cannot be used.
#[derive(Debug)]
pub enum BaselineError {
    Invalid { path: String, message: String },
    Version { path: String, found: u64 },
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BaselineError::Invalid { path, message } => {
                write!(f, "{path}: not a scalegate baseline: {message}")
            }
            BaselineError::Version { path, found } => write!(
                f,
                "{path}: baseline version {found} is not supported (this scalegate reads version {VERSION}); recreate it with `scalegate baseline create`"
            ),
        }
    }
}

impl std::error::Error for BaselineError {}

impl Baseline {
    /// Today's unsuppressed findings. Parse errors are never recorded: a
    /// gate must not pass a file it could not read.
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .findings
            .iter()
            .filter(|f| f.suppression.is_none() && report.rule_of(f).id != PARSE_RULE)
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule_id: report.rule_of(f).id.clone(),
                file: f.location.file.clone(),
                resource: f.resource.clone(),
                message: f.message.clone(),
            })
            .collect();
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: VERSION,
            tool: "scalegate".to_owned(),
            findings,
        }
    }

    /// The file's text: pretty JSON, one entry per finding, stable order.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads a baseline file's text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<Baseline, BaselineError> {
        let invalid = |message: String| BaselineError::Invalid {
            path: path.to_owned(),
            message,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(VERSION) => {}
            Some(found) => {
                return Err(BaselineError::Version {
                    path: path.to_owned(),
                    found,
                })
            }
            None => return Err(invalid("no `version`".to_owned())),
        }
        serde_json::from_value(value).map_err(|e| invalid(e.to_string()))
    }
}

/// Marks the findings the baseline records as suppressed (they no longer
/// fail the gate) and adds a note saying how many matched and how many
/// entries are fixed. `path` is the baseline file as the user named it.
pub fn apply(report: &mut Report, baseline: &Baseline, path: &str) {
    let recorded: BTreeMap<&str, &Entry> = baseline
        .findings
        .iter()
        .map(|e| (e.fingerprint.as_str(), e))
        .collect();
    let mut matched = BTreeSet::new();
    let parse_rule = report.rule_ref(PARSE_RULE);
    for finding in &mut report.findings {
        if finding.suppression.is_some() || Some(finding.rule) == parse_rule {
            continue;
        }
        if recorded.contains_key(finding.fingerprint.as_str()) {
            matched.insert(finding.fingerprint.clone());
            finding.suppression = Some(Suppression {
                kind: SuppressionKind::Baseline,
                source: "baseline".to_owned(),
                reason: Some(format!("recorded in {path}")),
                expires: None,
                owner: None,
            });
        }
    }
    let fixed = recorded.len() - matched.len();
    report.notifications.push(Notification {
        level: NotificationLevel::Note,
        file: Some(path.to_owned()),
        line: None,
        column: None,
        message: format!(
            "baseline: {} finding(s) match its entries and are suppressed; {fixed} of its {} entries are fixed",
            matched.len(),
            recorded.len()
        ),
    });
    report.notifications.sort();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_versions_and_other_files_are_refused() {
        let err = Baseline::parse(
            "b.json",
            r#"{"version": 2, "tool": "scalegate", "findings": []}"#,
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("version 2 is not supported"),
            "{err}"
        );
        let err = Baseline::parse("b.json", "[]").unwrap_err();
        assert!(err.to_string().contains("no `version`"), "{err}");
        let ok = Baseline::parse(
            "b.json",
            r#"{"version": 1, "tool": "scalegate", "findings": [{"fingerprint": "ab", "rule_id": "SG-X", "file": "a.tf", "message": "m"}]}"#,
        )
        .unwrap();
        assert_eq!(ok.findings[0].resource, None);
    }

    /// The messages are written out by hand (no derive): pin them whole.
    #[test]
    fn error_messages_name_the_file_and_say_what_to_do() {
        let invalid = BaselineError::Invalid {
            path: "b.json".to_owned(),
            message: "no `version`".to_owned(),
        };
        assert_eq!(
            invalid.to_string(),
            "b.json: not a scalegate baseline: no `version`"
        );
        let version = BaselineError::Version {
            path: "b.json".to_owned(),
            found: 9,
        };
        assert_eq!(
            version.to_string(),
            "b.json: baseline version 9 is not supported (this scalegate reads version 1); recreate it with `scalegate baseline create`"
        );
    }
}
