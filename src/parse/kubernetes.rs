//! Kubernetes manifests (and rendered Helm output): every YAML document with
//! `apiVersion` and `kind` becomes a resource with id
//! `<group>/<Kind>/<namespace>/<name>` (DESIGN.md §4).
//!
//! Documents that are not objects (empty, comment-only, scalars, mappings
//! without `apiVersion`/`kind`) are skipped without a word: multi-document
//! files routinely hold them, and they are not resources. `List` objects are
//! unpacked, as `kubectl apply` does.

use std::collections::BTreeMap;

use regorus::Value;

use crate::model::{Format, HelmSource, Resource};
use crate::parse::yaml::{parse_documents, Limits, Node, NodeValue, Typing};
use crate::parse::{helm, ParseError};
use crate::source::{SharedSource, Span};

/// Parses a (multi-document) manifest file into resources.
pub fn parse(source: &SharedSource) -> Result<Vec<Resource>, ParseError> {
    let docs = parse_documents(&source.text, Typing::Kubernetes, &Limits::YAML)?;
    let helm_sources = helm::document_sources(&docs);
    let mut resources = Vec::new();
    for (doc, helm_source) in docs.iter().zip(helm_sources) {
        if let Some(root) = &doc.root {
            collect(root, None, source, &helm_source, &mut resources);
        }
    }
    Ok(resources)
}

/// What an object's `apiVersion` and `kind` say, or what a typed list
/// (`DeploymentList`) implies for items that omit them.
struct Identity<'a> {
    api_version: &'a str,
    kind: &'a str,
    /// The `kind:` entry, from key start to value end.
    header: Option<Span>,
}

fn identity(node: &Node) -> Option<Identity<'_>> {
    let api_version = node.get("apiVersion")?.as_str()?;
    let (kind_key, kind_node) = node.entry("kind")?;
    let kind = kind_node.as_str()?;
    if api_version.is_empty() || kind.is_empty() {
        return None;
    }
    Some(Identity {
        api_version,
        kind,
        header: Some(Span::new(kind_key.span.start, kind_node.span.end)),
    })
}

/// Turns one object into resources: itself, or a list's items.
/// `implied` is what a typed list gives items without `apiVersion`/`kind`.
fn collect(
    node: &Node,
    implied: Option<&Identity<'_>>,
    source: &SharedSource,
    helm_source: &Option<HelmSource>,
    out: &mut Vec<Resource>,
) {
    if !matches!(node.value, NodeValue::Map(_)) {
        return;
    }
    let found = identity(node);
    let Some(id) = found.as_ref().or(implied) else {
        return;
    };
    let items = node.get("items").and_then(|items| match &items.value {
        NodeValue::Seq(items) => Some(items),
        _ => None,
    });
    if id.kind == "List" || (id.kind.ends_with("List") && items.is_some()) {
        let item_identity = (id.kind != "List").then(|| Identity {
            api_version: id.api_version,
            kind: &id.kind[..id.kind.len() - "List".len()],
            header: None,
        });
        for item in items.into_iter().flatten() {
            collect(item, item_identity.as_ref(), source, helm_source, out);
        }
        return;
    }
    out.push(resource(node, id, source, helm_source));
}

fn resource(
    node: &Node,
    id: &Identity<'_>,
    source: &SharedSource,
    helm_source: &Option<HelmSource>,
) -> Resource {
    let metadata = node.get("metadata");
    let name = metadata
        .and_then(|m| m.get("name"))
        .and_then(Node::scalar_text)
        .map(|n| n.into_owned())
        .unwrap_or_default();
    let namespace = metadata
        .and_then(|m| m.get("namespace"))
        .and_then(Node::scalar_text)
        .filter(|n| !n.is_empty())
        .map(|n| n.into_owned());
    let group = id
        .api_version
        .split_once('/')
        .map_or("core", |(group, _)| group);
    let (config, spans) = node.to_value_and_spans(None);
    let tags = match &config["metadata"]["labels"] {
        labels @ Value::Object(_) => labels.clone(),
        _ => Value::from(BTreeMap::new()),
    };
    Resource {
        id: format!(
            "{group}/{}/{}/{name}",
            id.kind,
            namespace.as_deref().unwrap_or("_")
        ),
        format: Format::Kubernetes,
        kind: id.kind.to_owned(),
        name,
        namespace,
        provider: None,
        source: source.clone(),
        config,
        unknown: Vec::new(),
        references: BTreeMap::new(),
        tags,
        spans,
        // An item of a typed list has no `kind:` of its own: its first key.
        header: id
            .header
            .or_else(|| node.first_key_span())
            .unwrap_or(node.span),
        helm_source: helm_source.clone(),
    }
}
