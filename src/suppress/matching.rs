//! Whether a suppression covers a finding: the rule it names (or that
//! rule's "could not be verified" notes), and the place it reaches.
//!
//! Separate from collecting suppressions because matching is where a
//! finding reported away from its resource (a Helm template, a module call
//! site) is still found covered.

use super::{Covers, IgnoreFile, Suppressor};
use crate::model::{Finding, Resource, RuleRef};

/// Whether a suppression naming `rule` covers this finding: the rule's own
/// findings, and its "could not be verified" notes.
pub(super) fn covers_rule(rule: RuleRef, finding: &Finding) -> bool {
    finding.rule == rule || finding.unverified == Some(rule)
}

/// Whether the finding is in the suppression's reach: inside its range
/// where it is reported or where its resource writes the value, on its
/// object, or on a resource reached through a `module` block inside its
/// range.
pub(super) fn covers_place(
    s: &Suppressor,
    finding: &Finding,
    resource: Option<&Resource>,
    ignore_file: Option<&IgnoreFile>,
) -> bool {
    match &s.covers {
        Covers::Range {
            file,
            start,
            end,
            object,
        } => {
            let within = |path: &str, at: (usize, usize)| path == file && *start <= at && at < *end;
            let region = finding.location.region;
            let inside = within(
                &finding.location.file,
                (region.start_line, region.start_column),
            );
            let on_object = object.as_ref().is_some_and(|(bundle, resource)| {
                finding.subject.map(|s| s.bundle) == Some(*bundle)
                    && finding.resource.as_ref() == Some(resource)
            });
            let written_inside = resource.is_some_and(|r| {
                finding
                    .subject
                    .and_then(|s| s.written)
                    .is_some_and(|at| within(&r.source.path, at))
            });
            let through_call = resource.is_some_and(|r| {
                r.module_calls
                    .iter()
                    .any(|call| within(&call.source.path, call.source.position(call.header.start)))
            });
            inside || written_inside || on_object || through_call
        }
        Covers::Entry(index) => {
            let Some(entry) = ignore_file.and_then(|f| f.entries.get(*index)) else {
                return false;
            };
            entry.paths.is_match(&finding.location.file)
                && entry.resource.as_ref().is_none_or(|glob| {
                    finding
                        .resource
                        .as_deref()
                        .is_some_and(|id| glob.is_match(id))
                })
        }
    }
}
