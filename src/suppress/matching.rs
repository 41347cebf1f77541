//! Whether a suppression covers a finding: the rule it names (or that
//! rule's "could not be verified" notes), and the place it reaches.
//!
//! Separate from collecting suppressions because matching is where a
//! finding reported away from its resource (a Helm template, a module call
//! site) is still found covered.

use super::{IgnoreFile, Scope, Suppressor, META_RULE};
use crate::model::{Finding, Resource};

/// Whether a suppression naming rule `id` covers this finding: the rule's
/// own findings, and its "could not be verified" notes.
pub(super) fn covers_rule(id: &str, finding: &Finding) -> bool {
    finding.rule_id == id || (finding.rule_id == META_RULE && finding.key.as_deref() == Some(id))
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
    match &s.scope {
        Scope::Range {
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
                finding.bundle.as_ref() == Some(bundle)
                    && finding.resource.as_ref() == Some(resource)
            });
            let written_inside = resource.is_some_and(|r| {
                r.source.path != finding.location.file && {
                    let span = crate::locate::span_of(r, &finding.path);
                    within(&r.source.path, r.source.position(span.start))
                }
            });
            let through_call = resource.is_some_and(|r| {
                r.module_calls
                    .iter()
                    .any(|call| within(&call.source.path, call.source.position(call.header.start)))
            });
            inside || written_inside || on_object || through_call
        }
        Scope::Entry(index) => {
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
