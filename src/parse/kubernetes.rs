//! Kubernetes manifests (and rendered Helm output): every YAML document with
//! `apiVersion` and `kind` becomes a resource with id
//! `<group>/<Kind>/<namespace>/<name>` (docs/architecture.md "Input model").
//!
//! Documents that are not objects (empty, comment-only, scalars, mappings
//! without `apiVersion`/`kind`) are skipped without a word: multi-document
//! files routinely hold them, and they are not resources. `List` objects are
//! unpacked, as `kubectl apply` does.

use std::collections::BTreeMap;

use regorus::Value;

use crate::model::{
    DocumentComments, FileComments, Format, HandedComment, HelmSource, Resource, DIRECTIVE_MARKER,
};
use crate::parse::{helm, ParseError};
use crate::source::{SharedSource, Span};
use crate::yaml::{duplicate_keys, parse_documents, Document, Limits, Node, NodeValue, Typing};

/// Parses a (multi-document) manifest file into resources.
pub fn parse(source: &SharedSource) -> Result<Vec<Resource>, ParseError> {
    parse_with_warnings(source).map(|parsed| parsed.resources)
}

/// A problem that does not stop the file being checked: byte offset, message.
pub type Warning = (usize, String);

/// What a manifest file holds.
#[derive(Debug)]
pub struct Parsed {
    pub resources: Vec<Resource>,
    /// One per mapping key written twice: the resources keep the last
    /// value, as `sigs.k8s.io/yaml` does, but `kubectl apply` rejects such
    /// a file, so what was checked may not be what gets applied.
    pub warnings: Vec<Warning>,
    /// The comments suppressions are read from, when the file holds a
    /// directive.
    pub comments: Option<FileComments>,
}

/// [`parse`], plus the warnings and the comments the file hands on.
pub fn parse_with_warnings(source: &SharedSource) -> Result<Parsed, ParseError> {
    let docs = parse_documents(&source.text, Typing::Kubernetes, &Limits::YAML)?;
    let warnings = docs
        .iter()
        .filter_map(|doc| doc.root.as_ref())
        .flat_map(duplicate_keys)
        .map(|(span, key)| {
            (
                span.start,
                format!(
                    "duplicate key {key:?}: kubectl rejects the file; the last value was checked"
                ),
            )
        })
        .collect();
    let helm_sources = helm::document_sources(&docs);
    let mut resources = Vec::new();
    for (doc, helm_source) in docs.iter().zip(helm_sources) {
        if let Some(root) = &doc.root {
            collect(root, None, source, &helm_source, &mut resources);
        }
    }
    let comments = source
        .text
        .contains(DIRECTIVE_MARKER)
        .then(|| handed_comments(docs));
    Ok(Parsed {
        resources,
        warnings,
        comments,
    })
}

/// Each document's comments, with the extent an `ignore-file` directive in
/// its leading comments covers.
fn handed_comments(docs: Vec<Document>) -> FileComments {
    let documents = docs
        .into_iter()
        .map(|doc| {
            let first = doc
                .comments
                .first()
                .map_or(doc.span.start, |c| c.span.start);
            DocumentComments {
                whole: Span::new(first.min(doc.span.start), doc.span.end),
                content_start: doc.root.as_ref().map(|root| root.span.start),
                comments: doc
                    .comments
                    .into_iter()
                    .map(|c| HandedComment {
                        span: c.span,
                        text: c.text,
                        written: None,
                    })
                    .collect(),
            }
        })
        .collect();
    FileComments::Yaml(documents)
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
        references: Vec::new(),
        tags,
        tags_unknown: Vec::new(),
        tags_cause: None,
        module_calls: Vec::new(),
        spans,
        // An item of a typed list has no `kind:` of its own: its first key.
        header: id
            .header
            .or_else(|| node.first_key_span())
            .unwrap_or(node.span),
        helm_source: helm_source.clone(),
        kustomize: None,
        declaration_only: false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::PathSeg;
    use crate::source::{Region, SourceFile};

    fn parse_text(text: &str) -> Vec<Resource> {
        parse(&Arc::new(SourceFile::new("m.yaml", text.to_owned()))).unwrap()
    }

    fn ids(resources: &[Resource]) -> Vec<&str> {
        resources.iter().map(|r| r.id.as_str()).collect()
    }

    fn region(resource: &Resource, span: Span) -> Region {
        resource.source.region(span)
    }

    const MULTI: &str = "\
# a manifest
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app: web
    tier: \"1\"
spec:
  replicas: 3
---
---
# just a comment
---
- not
- an object
---
apiVersion: v1
kind: Service
metadata: {name: web}
---
kind: Orphan
metadata: {name: no-api-version}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: 8080
  namespace: \"\"
---
apiVersion: v1
kind: ConfigMap
";

    #[test]
    fn documents_become_resources_with_ids() {
        let resources = parse_text(MULTI);
        assert_eq!(
            ids(&resources),
            [
                "apps/Deployment/shop/web",
                "core/Service/_/web",
                "networking.k8s.io/Ingress/_/8080",
                "core/ConfigMap/_/"
            ]
        );
        let web = &resources[0];
        assert_eq!(web.format, Format::Kubernetes);
        assert_eq!(web.kind, "Deployment");
        assert_eq!(web.name, "web");
        assert_eq!(web.namespace.as_deref(), Some("shop"));
        assert_eq!(web.provider, None);
        assert!(web.unknown.is_empty() && web.references.is_empty());
        assert_eq!(web.helm_source, None);
        assert_eq!(
            web.tags,
            Value::from_json_str(r#"{"app": "web", "tier": "1"}"#).unwrap()
        );
        assert_eq!(web.config["spec"]["replicas"], Value::from(3i64));
        assert_eq!(web.config["kind"], Value::from("Deployment"));
        assert_eq!(region(web, web.header), Region::new(3, 1, 3, 17));
        assert_eq!(region(web, web.spans.value), Region::new(2, 1, 11, 14));
        assert_eq!(web.spans.key, None);
        let replicas = web
            .spans
            .deepest(&[PathSeg::Key("spec".into()), PathSeg::Key("replicas".into())])
            .0;
        assert_eq!(region(web, replicas.value), Region::new(11, 13, 11, 14));

        let service = &resources[1];
        assert_eq!(service.namespace, None);
        assert_eq!(service.tags, Value::from(BTreeMap::new()));
        assert_eq!(region(service, service.header), Region::new(20, 1, 20, 14));
        assert_eq!(resources[2].namespace, None);
        assert_eq!(resources[3].name, "");
    }

    #[test]
    fn lists_are_unpacked_with_spans_rooted_at_each_item() {
        let text = "\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: a
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: b
    namespace: ns
- just: noise
---
apiVersion: apps/v1
kind: DeploymentList
items:
- metadata:
    name: c
---
apiVersion: v1
kind: List
";
        let resources = parse_text(text);
        assert_eq!(
            ids(&resources),
            [
                "core/Service/_/a",
                "apps/Deployment/ns/b",
                "apps/Deployment/_/c"
            ]
        );
        let b = &resources[1];
        assert_eq!(region(b, b.spans.value), Region::new(8, 3, 12, 18));
        assert_eq!(region(b, b.header), Region::new(9, 3, 9, 19));
        assert_eq!(b.spans.key, None);
        let name = b
            .spans
            .deepest(&[PathSeg::Key("metadata".into()), PathSeg::Key("name".into())])
            .0;
        assert_eq!(region(b, name.value), Region::new(11, 11, 11, 12));
        assert_eq!(b.config["apiVersion"], Value::from("apps/v1"));
        // A typed list's item has no `kind:`: its header is its first key.
        let c = &resources[2];
        assert_eq!(c.kind, "Deployment");
        assert_eq!(region(c, c.header), Region::new(18, 3, 18, 11));
    }

    #[test]
    fn crlf_bom_and_non_ascii_header_and_values() {
        let text = "\u{feff}apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: grüße\r\ndata:\r\n  k: \"ünï\"\r\n";
        let resources = parse_text(text);
        assert_eq!(ids(&resources), ["core/ConfigMap/_/grüße"]);
        let cm = &resources[0];
        assert!(cm.source.had_bom);
        assert_eq!(region(cm, cm.header), Region::new(2, 1, 2, 16));
        let k = cm
            .spans
            .deepest(&[PathSeg::Key("data".into()), PathSeg::Key("k".into())])
            .0;
        assert_eq!(region(cm, k.value), Region::new(6, 6, 6, 11));
        assert_eq!(region(cm, k.key.unwrap()), Region::new(6, 3, 6, 4));
    }

    #[test]
    fn helm_sources_are_attached() {
        let text = "\
---
# Source: shop/templates/ns.yaml
---
# Source: shop/templates/rbac.yaml
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: a}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: a}
---
# Source: shop/templates/svc.yaml
apiVersion: v1
kind: Service
metadata: {name: a}
";
        let resources = parse_text(text);
        let templates: Vec<(&str, &str, usize)> = resources
            .iter()
            .map(|r| {
                let source = r.helm_source.as_ref().unwrap();
                (
                    r.id.as_str(),
                    source.template.as_str(),
                    r.source.region(source.comment).start_line,
                )
            })
            .collect();
        assert_eq!(
            templates,
            [
                ("core/ServiceAccount/_/a", "shop/templates/rbac.yaml", 4),
                (
                    "rbac.authorization.k8s.io/Role/_/a",
                    "shop/templates/rbac.yaml",
                    4
                ),
                ("core/Service/_/a", "shop/templates/svc.yaml", 14)
            ]
        );
    }

    #[test]
    fn parse_errors_are_reported() {
        let source = Arc::new(SourceFile::new(
            "m.yaml",
            "apiVersion: v1\nkind: [\n".to_owned(),
        ));
        let err = parse(&source).unwrap_err();
        // Where the parser gave up: the end of the input, `[` never closed.
        assert_eq!(source.position(err.offset), (3, 1));
        assert!(!err.message.is_empty());
    }

    /// Parses every rendered Helm file under `SCALEGATE_HELM_CORPUS` (a
    /// directory of `helm template` output) and prints counts and throughput:
    /// `SCALEGATE_HELM_CORPUS=DIR cargo test --lib corpus_sanity -- --ignored --nocapture`.
    #[test]
    #[ignore = "reads the directory SCALEGATE_HELM_CORPUS names"]
    fn corpus_sanity() {
        let Some(root) = std::env::var_os("SCALEGATE_HELM_CORPUS") else {
            eprintln!("SCALEGATE_HELM_CORPUS is not set; nothing to parse");
            return;
        };
        let mut stack = vec![std::path::PathBuf::from(root)];
        let mut files = Vec::new();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "yaml") {
                    files.push(path);
                }
            }
        }
        files.sort();
        let sources: Vec<SharedSource> = files
            .iter()
            .map(|p| {
                let text = std::fs::read_to_string(p).unwrap();
                Arc::new(SourceFile::new(p.display().to_string(), text))
            })
            .collect();
        let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
        let started = std::time::Instant::now();
        let (mut resources, mut with_helm, mut errors) = (0, 0, 0);
        for source in &sources {
            match parse(source) {
                Ok(found) => {
                    resources += found.len();
                    with_helm += found.iter().filter(|r| r.helm_source.is_some()).count();
                }
                Err(e) => {
                    errors += 1;
                    let (line, column) = source.position(e.offset);
                    println!("{}:{line}:{column}: {}", source.path, e.message);
                }
            }
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{} files, {:.1} MB, {resources} resources ({with_helm} with # Source:), {errors} errors, {:.2} s, {:.1} MB/s",
            sources.len(),
            bytes as f64 / 1e6,
            seconds,
            bytes as f64 / 1e6 / seconds
        );
    }
}
