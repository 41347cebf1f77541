//! `scalegate explain <ID-or-slug>`: one rule's documentation in the
//! terminal, from the same METADATA fields as its docs page and SARIF help
//! (ruff's `ruff rule CODE`).

use std::fmt::Write as _;

use crate::config::RuleOverride;
use crate::did_you_mean::closest;
use crate::docs::RuleDoc;

/// Width prose is wrapped to.
const WIDTH: usize = 80;

/// The rule `query` names: its id, slug or an old id, in any letter case.
/// The error says what was asked for and the closest name there is.
pub fn find<'a>(rules: &'a [RuleDoc], query: &str) -> Result<&'a RuleDoc, String> {
    let exact = rules.iter().find(|r| r.names().any(|n| n == query));
    if let Some(rule) = exact.or_else(|| {
        rules
            .iter()
            .find(|r| r.names().any(|n| n.eq_ignore_ascii_case(query)))
    }) {
        return Ok(rule);
    }
    let names: Vec<&str> = rules.iter().flat_map(RuleDoc::names).collect();
    let hint = match closest(query, &names) {
        Some(name) => format!(" — did you mean `{name}`?"),
        None => "; `scalegate rules` lists every rule".to_owned(),
    };
    Err(format!("unknown rule `{query}`{hint}"))
}

/// The text `explain` prints. `configured` is what the project's config
/// sets for the rule, if anything.
pub fn render(rule: &RuleDoc, configured: Option<&RuleOverride>) -> String {
    let info = &rule.info;
    let mut out = String::new();
    let _ = writeln!(out, "{} ({}): {}\n", info.id, info.slug, info.title);
    let _ = writeln!(out, "Severity:   {}", info.severity.as_str());
    if let Some(o) = configured {
        let mut parts = Vec::new();
        if o.enabled == Some(false) {
            parts.push("off".to_owned());
        }
        if let Some(s) = o.severity {
            parts.push(format!("severity {}", s.as_str()));
        }
        if o.ignorable == Some(false) {
            parts.push("cannot be suppressed inline".to_owned());
        }
        if !parts.is_empty() {
            let _ = writeln!(out, "Configured: {} (.scalegate.yaml)", parts.join(", "));
        }
    }
    if !rule.aliases.is_empty() {
        let _ = writeln!(out, "Formerly:   {}", rule.aliases.join(", "));
    }
    let defined_in = if rule.engine {
        "the scalegate engine"
    } else {
        info.file.as_str()
    };
    let _ = writeln!(out, "Defined in: {defined_in}");
    if !info.help_uri.is_empty() {
        let _ = writeln!(out, "Docs:       {}", info.help_uri);
    }
    for (heading, text) in [
        ("Why this matters", &info.description),
        ("How to fix", &info.remediation),
    ] {
        if !text.trim().is_empty() {
            let _ = write!(out, "\n{heading}\n{}", wrap(text.trim(), "  "));
        }
    }
    out
}

/// Wraps prose to [`WIDTH`] with `indent` before each line. Lines that
/// start with white space and ``` blocks are code: kept as written.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || line.trim_start().starts_with("```") || line.starts_with([' ', '\t']) {
            let _ = writeln!(out, "{indent}{line}");
            continue;
        }
        let mut current = String::new();
        for word in line.split_whitespace() {
            if !current.is_empty() && indent.len() + current.len() + 1 + word.len() > WIDTH {
                let _ = writeln!(out, "{indent}{current}");
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        let _ = writeln!(out, "{indent}{current}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RuleInfo, Severity};

    fn rule(id: &str, slug: &str) -> RuleDoc {
        RuleDoc {
            info: RuleInfo {
                id: id.into(),
                slug: slug.into(),
                title: "Workload has no PodDisruptionBudget".into(),
                description: "A multi-replica workload without a PodDisruptionBudget can lose all of its replicas at once during node drains.".into(),
                remediation: "Add a PodDisruptionBudget:\n```yaml\nspec:\n  maxUnavailable: 1\n```".into(),
                severity: Severity::Medium,
                security: false,
                builtin: true,
                help_uri: crate::rules::page_url(id),
                file: "policies/kubernetes/pdb-coverage.rego".into(),
            },
            aliases: vec![],
            related_resources: vec![],
            engine: false,
        }
    }

    #[test]
    fn finds_by_id_slug_or_any_case_and_suggests_otherwise() {
        let rules = [
            rule("SG-K8S-008", "pdb-coverage"),
            rule("SG-K8S-002", "container-resources"),
        ];
        assert_eq!(find(&rules, "pdb-coverage").unwrap().info.id, "SG-K8S-008");
        assert_eq!(find(&rules, "sg-k8s-002").unwrap().info.id, "SG-K8S-002");
        assert_eq!(
            find(&rules, "pdb-coverag").unwrap_err(),
            "unknown rule `pdb-coverag` — did you mean `pdb-coverage`?"
        );
        assert_eq!(
            find(&rules, "nothing-like-it").unwrap_err(),
            "unknown rule `nothing-like-it`; `scalegate rules` lists every rule"
        );
    }

    #[test]
    fn renders_metadata_with_wrapped_prose_and_code_kept() {
        let configured = RuleOverride {
            severity: Some(Severity::High),
            ..RuleOverride::default()
        };
        assert_eq!(
            render(&rule("SG-K8S-008", "pdb-coverage"), Some(&configured)),
            "\
SG-K8S-008 (pdb-coverage): Workload has no PodDisruptionBudget

Severity:   medium
Configured: severity high (.scalegate.yaml)
Defined in: policies/kubernetes/pdb-coverage.rego
Docs:       https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-K8S-008.md

Why this matters
  A multi-replica workload without a PodDisruptionBudget can lose all of its
  replicas at once during node drains.

How to fix
  Add a PodDisruptionBudget:
  ```yaml
  spec:
    maxUnavailable: 1
  ```
"
        );
    }
}
