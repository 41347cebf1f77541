//! Rendered Helm output: the `# Source:` comment that heads each document.
//!
//! `helm template` writes `---` and `# Source: <chart>/templates/<file>`
//! before the output of each template. A template that itself starts with
//! `---`, or renders nothing, leaves that comment alone in an empty document,
//! and the objects that follow (up to the next `# Source:`) still come from
//! that template. So a document's template is the last `# Source:` comment
//! written before its content, wherever the parser filed the comment.

use crate::model::HelmSource;
use crate::yaml::{Comment, CommentPlacement, Document};

/// The template named by a `# Source:` comment, if this is one.
pub fn template(comment: &Comment) -> Option<&str> {
    if comment.placement == CommentPlacement::Right {
        return None;
    }
    source_path(&comment.text)
}

/// The template a comment's text (after `#`) names, when it is a
/// `Source:` line.
pub fn source_path(text: &str) -> Option<&str> {
    let template = text.trim_start().strip_prefix("Source:")?.trim();
    (!template.is_empty()).then_some(template)
}

fn helm_source(comment: &Comment) -> Option<HelmSource> {
    template(comment).map(|template| HelmSource {
        template: template.to_owned(),
        comment: comment.span,
    })
}

/// The `# Source:` comment a document itself carries: the last one before
/// its content, or for an empty document the last one in it. A document
/// whose template comment sits in an earlier, empty document gets `None`
/// here; [`document_sources`] resolves those.
pub fn source_comment(doc: &Document) -> Option<HelmSource> {
    let content_start = doc.root.as_ref().map_or(usize::MAX, |root| root.span.start);
    doc.comments
        .iter()
        .filter(|c| c.span.start < content_start)
        .filter_map(helm_source)
        .next_back()
}

/// The template of every document of a stream, in order: a document's own
/// `# Source:` comment, else the last one written before it (Helm's own
/// rule: a template's output runs until the next `# Source:`).
pub fn document_sources(docs: &[Document]) -> Vec<Option<HelmSource>> {
    let mut current: Option<HelmSource> = None;
    let mut sources = Vec::with_capacity(docs.len());
    for doc in docs {
        let content_start = doc.root.as_ref().map_or(usize::MAX, |root| root.span.start);
        let (before, after): (Vec<&Comment>, Vec<&Comment>) = doc
            .comments
            .iter()
            .partition(|c| c.span.start < content_start);
        for comment in before {
            if let Some(source) = helm_source(comment) {
                current = Some(source);
            }
        }
        sources.push(current.clone());
        // A `# Source:` after the content (before the next `---`) heads
        // what follows.
        for comment in after {
            if let Some(source) = helm_source(comment) {
                current = Some(source);
            }
        }
    }
    sources
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::yaml::{parse_documents, Limits, Typing};

    fn templates(text: &str) -> Vec<Option<String>> {
        let docs = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap();
        document_sources(&docs)
            .into_iter()
            .map(|s| s.map(|s| s.template))
            .collect()
    }

    #[test]
    fn source_comment_after_separator_heads_its_document() {
        let text = "---\n# Source: web/templates/a.yaml\nkind: A\n---\n# Source: web/templates/b.yaml\nkind: B\n";
        let docs = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap();
        assert_eq!(docs.len(), 2);
        let b = source_comment(&docs[1]).unwrap();
        assert_eq!(b.template, "web/templates/b.yaml");
        let file = SourceFile::new("x", text.to_owned());
        assert_eq!(file.region(b.comment).start_line, 5);
        assert_eq!(file.region(b.comment).end_column, 31);
        assert_eq!(
            templates(text),
            vec![
                Some("web/templates/a.yaml".to_owned()),
                Some("web/templates/b.yaml".to_owned())
            ]
        );
    }

    #[test]
    fn source_comment_before_the_first_separator() {
        let text = "# Source: web/templates/a.yaml\n---\nkind: A\n";
        let docs = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(
            source_comment(&docs[0]).unwrap().template,
            "web/templates/a.yaml"
        );
        let text = "# Source: web/templates/a.yaml\nkind: A\n";
        assert_eq!(
            templates(text),
            vec![Some("web/templates/a.yaml".to_owned())]
        );
    }

    #[test]
    fn empty_source_only_documents_do_not_steal_the_next_source() {
        // As linkerd's rendered output: empty templates, and a template that
        // starts with its own `---`.
        let text = "---\n# Source: c/templates/namespace.yaml\n---\n# Source: c/templates/rbac.yaml\n---\n###\n### RBAC\n###\nkind: Role\n---\nkind: RoleBinding\n---\n# Source: c/templates/podmonitor.yaml\n\n---\n# Source: c/templates/config.yaml\nkind: ConfigMap\n";
        let docs = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap();
        let own: Vec<Option<String>> = docs
            .iter()
            .map(|d| source_comment(d).map(|s| s.template))
            .collect();
        let s = |t: &str| Some(format!("c/templates/{t}"));
        assert_eq!(
            own,
            vec![
                s("namespace.yaml"),
                s("rbac.yaml"),
                None,
                None,
                s("podmonitor.yaml"),
                s("config.yaml")
            ]
        );
        assert_eq!(
            templates(text),
            vec![
                s("namespace.yaml"),
                s("rbac.yaml"),
                s("rbac.yaml"),
                s("rbac.yaml"),
                s("podmonitor.yaml"),
                s("config.yaml")
            ]
        );
        assert!(docs[0].root.is_none() && docs[4].root.is_none());
    }

    #[test]
    fn trailing_source_comment_heads_the_next_document() {
        let text = "kind: A\n# Source: c/templates/b.yaml\n---\nkind: B\n";
        assert_eq!(
            templates(text),
            vec![None, Some("c/templates/b.yaml".to_owned())]
        );
    }

    #[test]
    fn comment_only_stream_is_one_empty_document() {
        let text = "# Source: c/templates/empty.yaml\n";
        let docs = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap();
        assert_eq!(docs.len(), 1);
        assert!(docs[0].root.is_none());
        assert_eq!(
            source_comment(&docs[0]).unwrap().template,
            "c/templates/empty.yaml"
        );
    }

    #[test]
    fn other_comments_are_not_sources() {
        let text = "# Sources: x\nkind: A # Source: y\n";
        assert_eq!(templates(text), vec![None]);
    }
}
