//! The `# METADATA` block of a rule file, parsed by scalegate itself:
//! regorus ignores annotations and has no `rego.metadata.*`.
//!
//! The block is the run of comment lines directly above the `package` line
//! that starts with `# METADATA`; its body is YAML (after removing the `# `
//! prefix), read with YAML 1.2 core typing.

use crate::model::Severity;
use crate::policy::selector::{Selector, FORMATS};
use crate::yaml::{self, Node, NodeValue};

/// What a rule file declares about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    pub description: String,
    pub id: String,
    pub slug: String,
    pub severity: Severity,
    pub remediation: String,
    /// `custom.security: true` — a user rule that is a security rule.
    pub security: bool,
    /// Old ids this rule answered to (`custom.aliases`).
    pub aliases: Vec<String>,
    /// `related_resources` (OPA's annotation, beside `title`): the `ref` of
    /// each, in order. A built-in rule's first is its docs page.
    pub related_resources: Vec<String>,
    /// `custom.input.selector`: the bundles the rule can report on; `None`
    /// runs it on every bundle.
    pub selector: Option<Selector>,
    /// 1-based line of the `# METADATA` line.
    pub line: usize,
}

/// A METADATA problem: message and 1-based line in the policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataError {
    pub line: usize,
    pub message: String,
}

/// Finds the package line (1-based) of a Rego file.
pub fn package_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.starts_with("package ") || l.starts_with("package\t")
        })
        .map(|i| i + 1)
}

/// Parses the METADATA block above the `package` line.
///
/// `Ok(None)` when there is no block: the caller decides whether that is an
/// error (it is for a rule file, not for a library).
pub fn parse(text: &str) -> Result<Option<Metadata>, MetadataError> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(package_line) = package_line(text) else {
        return Ok(None);
    };
    // Walk up over the contiguous comment lines above `package`.
    let mut first = package_line - 1;
    while first > 0 && lines[first - 1].trim_start().starts_with('#') {
        first -= 1;
    }
    let Some(start) = (first..package_line - 1)
        .find(|&i| lines[i].trim_start().trim_start_matches('#').trim() == "METADATA")
    else {
        return Ok(None);
    };
    let meta_line = start + 1;
    let body: String = lines[start + 1..package_line - 1]
        .iter()
        .map(|l| {
            let l = l.trim_start().trim_start_matches('#');
            let l = l.strip_prefix(' ').unwrap_or(l);
            format!("{l}\n")
        })
        .collect();
    let error = |offset_line: usize, message: String| MetadataError {
        line: meta_line + offset_line,
        message,
    };
    let documents = yaml::parse_documents(&body, yaml::Typing::Core, &yaml::Limits::default())
        .map_err(|e| {
            let line = body[..e.offset.min(body.len())].matches('\n').count() + 1;
            error(line, format!("METADATA is not valid YAML: {}", e.message))
        })?;
    let Some(root) = documents.into_iter().find_map(|d| d.root) else {
        return Err(error(0, "METADATA block is empty".into()));
    };
    let line_of = |node: &Node| {
        body[..node.span.start.min(body.len())]
            .matches('\n')
            .count()
            + 1
    };
    let text_field = |map: &Node, key: &str| -> Option<String> {
        get(map, key).and_then(|n| match &n.value {
            NodeValue::String(s) => Some(s.trim().to_owned()),
            _ => None,
        })
    };
    let title = text_field(&root, "title").unwrap_or_default();
    let description = text_field(&root, "description").unwrap_or_default();
    let custom_line = root
        .entry("custom")
        .map(|(key, _)| body[..key.span.start.min(body.len())].matches('\n').count() + 1)
        .unwrap_or(0);
    let Some(custom) = get(&root, "custom") else {
        return Err(error(
            0,
            "METADATA has no `custom:` section; a rule needs `custom.id` and `custom.severity`"
                .into(),
        ));
    };
    let id = text_field(custom, "id").ok_or_else(|| {
        error(
            custom_line,
            "METADATA `custom.id` is missing (e.g. `id: ACME-001`)".into(),
        )
    })?;
    let severity_text = text_field(custom, "severity").ok_or_else(|| {
        error(
            custom_line,
            "METADATA `custom.severity` is missing (critical, high, medium, low or info)".into(),
        )
    })?;
    let severity = Severity::parse(&severity_text).ok_or_else(|| {
        error(
            get(custom, "severity").map(line_of).unwrap_or(0),
            format!(
                "METADATA `custom.severity` is {severity_text:?}; expected critical, high, medium, low or info"
            ),
        )
    })?;
    let slug = text_field(custom, "slug").unwrap_or_else(|| id.to_lowercase());
    let remediation = text_field(custom, "remediation").unwrap_or_default();
    let security = matches!(
        get(custom, "security").map(|n| &n.value),
        Some(NodeValue::Bool(true))
    );
    let aliases = match get(custom, "aliases").map(|n| &n.value) {
        Some(NodeValue::Seq(items)) => items
            .iter()
            .filter_map(|n| match &n.value {
                NodeValue::String(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let related_resources =
        related_resources(&root, &line_of).map_err(|(line, message)| error(line, message))?;
    let selector = match get(custom, "input").and_then(|input| get(input, "selector")) {
        Some(node) => {
            Some(selector(node, &line_of).map_err(|(line, message)| error(line, message))?)
        }
        None => None,
    };
    Ok(Some(Metadata {
        title: if title.is_empty() { id.clone() } else { title },
        description,
        id,
        slug,
        severity,
        remediation,
        security,
        aliases,
        related_resources,
        selector,
        line: meta_line,
    }))
}

/// `custom.input.selector`: a map with `types` and/or `formats`, each a
/// list of strings. Errors give the line within the block.
fn selector(node: &Node, line_of: &dyn Fn(&Node) -> usize) -> Result<Selector, (usize, String)> {
    const EXAMPLE: &str = "e.g. `selector: {types: [aws_sqs_queue]}` or `{formats: [kubernetes]}`";
    if !matches!(node.value, NodeValue::Map(_)) {
        return Err((
            line_of(node),
            format!("METADATA `custom.input.selector` must be a map of `types` and `formats` ({EXAMPLE})"),
        ));
    }
    let list = |key: &str| -> Result<Vec<String>, (usize, String)> {
        let Some(value) = get(node, key) else {
            return Ok(Vec::new());
        };
        let NodeValue::Seq(items) = &value.value else {
            return Err((
                line_of(value),
                format!("METADATA `custom.input.selector.{key}` must be a list of strings"),
            ));
        };
        items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    (
                        line_of(item),
                        format!("METADATA `custom.input.selector.{key}` must be a list of strings"),
                    )
                })
            })
            .collect()
    };
    let selector = Selector {
        types: list("types")?,
        formats: list("formats")?,
    };
    if let Some(unknown) = selector
        .formats
        .iter()
        .find(|f| !FORMATS.contains(&f.as_str()))
    {
        return Err((
            get(node, "formats")
                .map(line_of)
                .unwrap_or_else(|| line_of(node)),
            format!(
                "METADATA `custom.input.selector.formats` names {unknown:?}; expected {}",
                FORMATS.join(", ")
            ),
        ));
    }
    if selector.types.is_empty() && selector.formats.is_empty() {
        return Err((
            line_of(node),
            format!("METADATA `custom.input.selector` admits nothing; give `types` or `formats` ({EXAMPLE})"),
        ));
    }
    Ok(selector)
}

/// OPA's form: a list of `{ref: URL, description: TEXT}`; a bare URL string
/// is accepted too. Errors give the line within the block.
fn related_resources(
    root: &Node,
    line_of: &dyn Fn(&Node) -> usize,
) -> Result<Vec<String>, (usize, String)> {
    let Some(node) = get(root, "related_resources") else {
        return Ok(Vec::new());
    };
    let NodeValue::Seq(items) = &node.value else {
        return Err((
            line_of(node),
            "METADATA `related_resources` must be a list of `{ref: URL}`".into(),
        ));
    };
    items
        .iter()
        .map(|item| match &item.value {
            NodeValue::String(url) => Ok(url.trim().to_owned()),
            NodeValue::Map(_) => get(item, "ref")
                .and_then(Node::as_str)
                .map(|url| url.trim().to_owned())
                .ok_or_else(|| {
                    (
                        line_of(item),
                        "METADATA `related_resources` entry has no `ref: URL`".into(),
                    )
                }),
            _ => Err((
                line_of(item),
                "METADATA `related_resources` entries are `{ref: URL}`".into(),
            )),
        })
        .collect()
}

fn get<'a>(map: &'a Node, key: &str) -> Option<&'a Node> {
    match &map.value {
        NodeValue::Map(entries) => entries
            .iter()
            .rev()
            .find(|(k, _)| k.text == key)
            .map(|(_, v)| v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: &str = "# a comment not part of metadata\n\n# METADATA\n# title: Deployment has no PodDisruptionBudget\n# description: >-\n#   A multi-replica workload\n#   can lose its replicas.\n# custom:\n#   id: SG-K8S-008\n#   slug: pdb-coverage\n#   severity: medium\n#   remediation: Add a PDB.\npackage scalegate.rules.pdb_coverage\n";

    #[test]
    fn reads_the_block_above_package() {
        let meta = parse(RULE).unwrap().unwrap();
        assert_eq!(meta.id, "SG-K8S-008");
        assert_eq!(meta.slug, "pdb-coverage");
        assert_eq!(meta.severity, Severity::Medium);
        assert_eq!(meta.title, "Deployment has no PodDisruptionBudget");
        assert_eq!(
            meta.description,
            "A multi-replica workload can lose its replicas."
        );
        assert_eq!(meta.line, 3);
        assert!(!meta.security);
    }

    #[test]
    fn missing_severity_names_the_line() {
        let text = "# METADATA\n# title: x\n# custom:\n#   id: ACME-1\npackage acme.x\n";
        let err = parse(text).unwrap_err();
        assert!(err.message.contains("custom.severity"), "{}", err.message);
        assert_eq!(err.line, 3);
    }

    #[test]
    fn unknown_severity_is_rejected() {
        let text = "# METADATA\n# custom:\n#   id: ACME-1\n#   severity: urgent\npackage acme.x\n";
        let err = parse(text).unwrap_err();
        assert!(err.message.contains("\"urgent\""), "{}", err.message);
        assert_eq!(err.line, 4);
    }

    #[test]
    fn related_resources_are_read_in_order() {
        let text = "# METADATA\n# title: x\n# related_resources:\n# - ref: https://a.example/1\n#   description: one\n# - https://a.example/2\n# custom:\n#   id: ACME-1\n#   severity: low\npackage acme.x\n";
        let meta = parse(text).unwrap().unwrap();
        assert_eq!(
            meta.related_resources,
            ["https://a.example/1", "https://a.example/2"]
        );
        let bad = "# METADATA\n# related_resources:\n# - description: no ref\n# custom:\n#   id: ACME-1\n#   severity: low\npackage acme.x\n";
        let err = parse(bad).unwrap_err();
        assert_eq!(err.line, 3, "{}", err.message);
    }

    #[test]
    fn the_input_selector_is_read_and_checked() {
        let text = "# METADATA\n# custom:\n#   id: ACME-1\n#   severity: low\n#   input:\n#     selector:\n#       types: [aws_sqs_queue]\n#       formats: [kubernetes]\npackage acme.x\n";
        let meta = parse(text).unwrap().unwrap();
        assert_eq!(
            meta.selector,
            Some(Selector {
                types: vec!["aws_sqs_queue".into()],
                formats: vec!["kubernetes".into()],
            })
        );
        assert_eq!(parse(RULE).unwrap().unwrap().selector, None);
        let unknown = "# METADATA\n# custom:\n#   id: ACME-1\n#   severity: low\n#   input:\n#     selector:\n#       formats: [helm]\npackage acme.x\n";
        let err = parse(unknown).unwrap_err();
        assert_eq!(err.line, 7, "{}", err.message);
        assert!(err.message.contains("\"helm\""), "{}", err.message);
        let empty = "# METADATA\n# custom:\n#   id: ACME-1\n#   severity: low\n#   input:\n#     selector: {}\npackage acme.x\n";
        let err = parse(empty).unwrap_err();
        assert_eq!(err.line, 6, "{}", err.message);
        assert!(err.message.contains("admits nothing"), "{}", err.message);
    }

    #[test]
    fn no_block_is_none() {
        assert_eq!(parse("package acme.lib\n").unwrap(), None);
        assert_eq!(package_line("# x\npackage a.b\n"), Some(2));
    }
}
