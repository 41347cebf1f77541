//! Reading the plan file as the one JSON object Terraform writes, checking
//! its `format_version`, and the typed access to its members that reports an
//! absent or mistyped member at its position.
//!
//! Every part of the reader goes through these helpers, so a plan that lacks
//! what the format promises fails the same way wherever the gap is.

use crate::parse::ParseError;
use crate::yaml::{parse_documents, Key, Limits, Node, NodeValue, Typing};

/// The one JSON object of the file.
pub(super) fn plan_root(text: &str) -> Result<Node, ParseError> {
    let mut roots = parse_documents(text, Typing::Core, &Limits::JSON)?
        .into_iter()
        .filter_map(|document| document.root);
    let Some(root) = roots.next() else {
        return Err(ParseError::new(
            0,
            "empty file: a Terraform plan is a JSON object",
        ));
    };
    if let Some(extra) = roots.next() {
        return Err(ParseError::new(
            extra.span.start,
            "more than one document: a Terraform plan is one JSON object",
        ));
    }
    // The builder also reads YAML; a YAML mapping with the same keys is not
    // what Terraform writes.
    let braced = text.as_bytes().get(root.span.start) == Some(&b'{');
    if !braced || !matches!(root.value, NodeValue::Map(_)) {
        return Err(ParseError::new(
            root.span.start,
            "a Terraform plan is a JSON object",
        ));
    }
    Ok(root)
}

/// Terraform promises to bump the major version for incompatible changes and
/// asks readers to reject majors they do not know.
pub(super) fn check_format_version(root: &Node) -> Result<(), ParseError> {
    let Some(version) = root.get("format_version") else {
        return Ok(());
    };
    let Some(text) = version.as_str() else {
        return Err(ParseError::new(
            version.span.start,
            "`format_version` is not a string",
        ));
    };
    if text.split('.').next() != Some("1") {
        return Err(ParseError::new(
            version.span.start,
            format!("unsupported plan format_version \"{text}\": scalegate reads format 1.x"),
        ));
    }
    Ok(())
}

/// `None` for an absent or `null` member: Terraform omits or nulls empty ones.
pub(super) fn non_null(node: Option<&Node>) -> Option<&Node> {
    node.filter(|n| !matches!(n.value, NodeValue::Null))
}

pub(super) fn expect_object(node: &Node, what: &str) -> Result<(), ParseError> {
    match node.value {
        NodeValue::Map(_) => Ok(()),
        _ => Err(ParseError::new(
            node.span.start,
            format!("{what} is not an object"),
        )),
    }
}

/// The items of an array member; an absent or `null` member has none.
pub(super) fn array<'a>(node: Option<&'a Node>, what: &str) -> Result<&'a [Node], ParseError> {
    match non_null(node).map(|n| (&n.value, n.span)) {
        None => Ok(&[]),
        Some((NodeValue::Seq(items), _)) => Ok(items),
        Some((_, span)) => Err(ParseError::new(
            span.start,
            format!("{what} is not an array"),
        )),
    }
}

/// The entries of an object member; an absent or `null` member has none.
pub(super) fn entries<'a>(
    node: Option<&'a Node>,
    what: &str,
) -> Result<&'a [(Key, Node)], ParseError> {
    match non_null(node).map(|n| (&n.value, n.span)) {
        None => Ok(&[]),
        Some((NodeValue::Map(entries), _)) => Ok(entries),
        Some((_, span)) => Err(ParseError::new(
            span.start,
            format!("{what} is not an object"),
        )),
    }
}

pub(super) fn required_str<'a>(
    object: &'a Node,
    key: &str,
    what: &str,
) -> Result<&'a str, ParseError> {
    optional_str(object, key, what)?
        .ok_or_else(|| ParseError::new(object.span.start, format!("{what} has no `{key}`")))
}

/// A string member; `None` when absent or `null`.
pub(super) fn optional_str<'a>(
    object: &'a Node,
    key: &str,
    what: &str,
) -> Result<Option<&'a str>, ParseError> {
    match non_null(object.get(key)) {
        None => Ok(None),
        Some(value) => value.as_str().map(Some).ok_or_else(|| {
            ParseError::new(
                value.span.start,
                format!("the `{key}` of {what} is not a string"),
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::parse::plan::parse;
    use crate::parse::plan::testing::{json, parse_text, region};
    use crate::source::{Region, SourceFile};

    /// The error's 1-based line and column, and its message.
    fn error(text: &str) -> ((usize, usize), String) {
        let source = Arc::new(SourceFile::new("plan.json", text.to_owned()));
        let err = parse(&source).unwrap_err();
        (source.position(err.offset), err.message)
    }

    #[test]
    fn compact_json_as_terraform_writes_it() {
        let text = r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q","values":{"name":"q\/\u00e9","delay_seconds":0}}]}}}"#;
        let resources = parse_text(text);
        assert_eq!(
            resources[0].config,
            json(r#"{"name": "q/é", "delay_seconds": 0}"#)
        );
        assert_eq!(
            region(&resources[0], resources[0].header),
            Region::new(1, 72, 1, 99)
        );
        // A plan without resources has none.
        assert!(parse_text(r#"{"format_version": "1.2", "planned_values": {}}"#).is_empty());
        assert!(parse_text(
            "{\n\t\"format_version\": \"1.2\",\n\t\"planned_values\": {\"root_module\": {}}\n}\n"
        )
        .is_empty());
    }

    #[test]
    fn text_that_is_not_json_is_an_error_at_its_position() {
        let (at, message) = error("{\"format_version\": \"1.2\",\n \"planned_values\": {\"a\" 1}}");
        assert_eq!(at, (2, 25));
        assert!(!message.is_empty());
        assert_eq!(
            error("{\"format_version\": \"1.2\",\n \"planned_values\": {").0,
            (2, 21)
        );
        assert_eq!(
            error("format_version: '1.2'\nplanned_values: {}\n"),
            ((1, 1), "a Terraform plan is a JSON object".to_owned())
        );
        assert_eq!(error("[1, 2]").1, "a Terraform plan is a JSON object");
        assert_eq!(error("").1, "empty file: a Terraform plan is a JSON object");
        let deep = format!(
            "{{\"planned_values\": {}{}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let (at, message) = error(&deep);
        assert_eq!(message, "nesting deeper than 128 levels");
        assert_eq!(at, (1, 147));
    }

    #[test]
    fn a_file_that_is_not_a_plan_names_what_is_missing() {
        let (at, message) = error("{\n  \"format_version\": \"1.0\",\n  \"values\": {}\n}");
        assert_eq!(at, (1, 1));
        assert!(message.contains("no `planned_values`"), "{message}");
        let (at, message) = error("{\"format_version\": \"2.0\", \"planned_values\": {}}");
        assert_eq!(at, (1, 20));
        assert!(message.contains("format_version \"2.0\""), "{message}");
        assert_eq!(
            error("{\"planned_values\": []}"),
            ((1, 20), "`planned_values` is not an object".to_owned())
        );
        assert_eq!(
            error("{\"planned_values\": {\"root_module\": {\"resources\": {}}}}").1,
            "`resources` of a planned module is not an array"
        );
    }

    #[test]
    fn malformed_entries_are_errors_at_the_entry() {
        let text = "{\"planned_values\": {\"root_module\": {\"resources\": [\n  {\"address\": \"a_b.c\", \"type\": \"a_b\", \"name\": \"c\"},\n  {\"type\": \"a_b\", \"name\": \"d\"}\n]}}}";
        assert_eq!(
            error(text),
            (
                (3, 3),
                "a resource of `planned_values` has no `address`".to_owned()
            )
        );
        let text = "{\"planned_values\": {\"root_module\": {\"resources\": [\n  {\"address\": \"a_b.c\", \"name\": \"c\"}\n]}}}";
        assert_eq!(
            error(text),
            ((2, 3), "planned resource `a_b.c` has no `type`".to_owned())
        );
        let text = "{\"planned_values\": {\"root_module\": {\"resources\": [\n  {\"address\": \"a_b.c\", \"type\": \"a_b\", \"name\": \"c\", \"values\": []}\n]}}}";
        assert_eq!(
            error(text),
            (
                (2, 62),
                "the `values` of planned resource `a_b.c` is not an object".to_owned()
            )
        );
        let text = "{\"planned_values\": {}, \"resource_changes\": [\n  {\"change\": {}}\n]}";
        assert_eq!(
            error(text),
            ((2, 3), "a resource change has no `address`".to_owned())
        );
        let text = "{\"planned_values\": {}, \"configuration\": {\"root_module\": {\"resources\": [\n  {\"address\": 7}\n]}}}";
        assert_eq!(
            error(text),
            (
                (2, 15),
                "the `address` of a configuration resource is not a string".to_owned()
            )
        );
    }
}
