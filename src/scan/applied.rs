//! The report's account of the configuration it applied
//! ([`AppliedConfiguration`]): read off what `prepare` loaded and the
//! suppressions the findings carry, once the findings are settled.

use crate::discover;
use crate::model::{
    AppliedConfigFile, AppliedConfiguration, AppliedIgnoreFile, Finding, Severity, SuppressionKind,
};
use crate::suppress::ignore_file;

use super::{Options, Prepared};

/// What `prepared` applied and how many of `findings` each source of
/// suppressions accepted.
pub(super) fn describe(
    options: &Options,
    prepared: &Prepared,
    findings: &[Finding],
) -> AppliedConfiguration {
    let suppressed = |kind: SuppressionKind| {
        findings
            .iter()
            .filter(|f| f.suppression.as_ref().is_some_and(|s| s.kind == kind))
            .count()
    };
    AppliedConfiguration {
        repository_ignored: options.no_config,
        config: config_file(options, prepared),
        ignore_file: prepared.ignore_file.as_ref().map(|_| AppliedIgnoreFile {
            path: ignore_file::FILE_NAME.to_owned(),
            suppressed: suppressed(SuppressionKind::File),
        }),
        inline_suppressions_ignored: !options.reads_inline_suppressions(),
        suppressed_inline: suppressed(SuppressionKind::Inline),
        suppressed_by_annotation: suppressed(SuppressionKind::Annotation),
        skipped_rules: prepared.skipped_rules.iter().cloned().collect(),
    }
}

/// The config file and what it says; `None` when none was read.
fn config_file(options: &Options, prepared: &Prepared) -> Option<AppliedConfigFile> {
    let config = &prepared.config;
    let path = config.file.as_ref()?;
    let shown = match &options.config_file {
        // As the user wrote it: a reviewer's own file usually lives
        // outside the tree under review.
        Some(given) => given.display().to_string().replace('\\', "/"),
        None => discover::display_path(&prepared.root, path, &path.display().to_string()),
    };
    let mut rules_off = Vec::new();
    let mut severity_changes: Vec<(String, Severity)> = Vec::new();
    for (name, rule_override) in &config.rules {
        let Some(rule) = prepared.catalog.resolve(name) else {
            continue;
        };
        let id = prepared.catalog.info(rule).id.clone();
        if rule_override.enabled == Some(false) {
            rules_off.push(id.clone());
        }
        if let Some(severity) = rule_override.severity {
            severity_changes.push((id, severity));
        }
    }
    rules_off.sort();
    severity_changes.sort();
    Some(AppliedConfigFile {
        path: shown,
        given: options.config_file.is_some(),
        fail_on: config.fail_on.map(|f| match f {
            Some(severity) => severity.as_str().to_owned(),
            None => "never".to_owned(),
        }),
        rules_off,
        severity_changes,
        exclude: config.exclude.clone(),
    })
}
