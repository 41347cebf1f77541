//! Terraform's JSON syntax (`.tf.json`) translated into the HCL native
//! syntax it stands for, so one evaluator serves both.
//!
//! The JSON is read with the YAML builder (JSON is YAML 1.2 flow, and the
//! builder already keeps a span for every key and value under the JSON
//! nesting budget); the HCL text is generated piece by piece, each piece
//! recorded in a [`SpanMap`] with the JSON it came from, so every span the
//! evaluator reports points into the `.tf.json` file. Generating text
//! rather than building `hcl_edit` nodes is deliberate: hcl-edit only gives
//! spans to what it parsed itself.
//!
//! What Terraform documents for the JSON syntax, and what is done here:
//!
//! * The top-level object's keys are block types; labels are nested object
//!   keys (`"resource": {"aws_s3_bucket": {"logs": {…}}}`), and an array of
//!   objects may stand for an object at any level. `"//"` keys of a block
//!   are comments. Any other key, a repeated key, or a top level that is
//!   not an object is a parse error at that key.
//! * Strings are templates: `"${var.name}"` alone is the expression itself
//!   (a number stays a number), `"prefix-${var.x}"` is a string template.
//!   Arguments Terraform reads as expressions (`depends_on`, `provider`,
//!   `providers`, `lifecycle.ignore_changes`, `replace_triggered_by`, a
//!   variable's `type`, a dynamic block's `iterator`) are parsed as written.
//! * Without provider schemas, an object (or an array of objects) inside a
//!   resource, data source or provider is a nested block — which is how a
//!   `.tf` file writes `versioning { … }` — unless its name is one of
//!   [`MAP_ATTRIBUTES`] (`tags`, `labels`, …) or one of its keys could not
//!   be an argument name (`"kubernetes.io/role"`): those are map
//!   attributes. Everything in `locals`, a module call, a variable's
//!   `default` and an output's `value` is a value.
//! * `terraform`, `moved`, `import` and `removed` blocks declare nothing
//!   the model evaluates; their content is checked as JSON only.

use hcl_edit::expr::Expression;
use hcl_edit::template::{Element, Strip, Template};
use hcl_edit::Span as _;

use super::span_map::SpanMap;
use crate::parse::ParseError;
use crate::source::Span;
use crate::yaml::{self, Key, Node, NodeValue};

/// Names of arguments that hold a map even though their value is written
/// as a JSON object of plain names: read as a nested block, they would lose
/// the shape the rules read (`tags.Name`, not `tags[0].Name`).
pub(super) const MAP_ATTRIBUTES: [&str; 6] = [
    "tags",
    "tags_all",
    "labels",
    "annotations",
    "variables",
    "triggers",
];

/// A `.tf.json` file as HCL text, with the map back into the JSON.
#[derive(Debug)]
pub(super) struct Translated {
    pub hcl: String,
    pub map: SpanMap,
}

/// Translates Terraform JSON syntax into HCL text.
///
/// # Errors
///
/// Invalid JSON, a repeated key, an unknown block type, a misplaced value
/// or an invalid template or expression, at the offset where it is found.
pub(super) fn translate(text: &str) -> Result<Translated, ParseError> {
    let documents = yaml::parse_documents(text, yaml::Typing::Core, &yaml::Limits::JSON)?;
    let root = match documents.as_slice() {
        [only] => only.root.as_ref(),
        _ => None,
    };
    let Some(root) = root else {
        let at = documents.get(1).map_or(0, |d| d.span.start);
        return Err(ParseError::new(
            at,
            "a .tf.json file must hold one JSON object",
        ));
    };
    check_json(text, root)?;
    let mut writer = Writer {
        text,
        out: String::with_capacity(text.len() + text.len() / 4),
        map: SpanMap::default(),
    };
    let NodeValue::Map(entries) = &root.value else {
        return Err(ParseError::new(
            root.span.start,
            "a .tf.json file must hold one JSON object whose keys are block types",
        ));
    };
    for (key, value) in entries {
        writer.top_level(key, value)?;
    }
    Ok(Translated {
        hcl: writer.out,
        map: writer.map,
    })
}

/// What the body of a block holds, which decides how each key is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// A resource or data source (meta-arguments allowed).
    Resource,
    /// A provider configuration or any nested block.
    Nested,
    Module,
    Variable,
    Output,
    Locals,
    Lifecycle,
    Dynamic,
    Check,
    /// Content the model does not evaluate: emitted empty.
    Ignored,
}

/// How one key of a body is read.
enum Item {
    Attribute(Mode),
    Block(Body),
    Labelled(usize, Body),
    Skip,
}

/// How a string value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// A string template (`"${…}"` alone is the expression).
    Template,
    /// An expression written as a string (`"aws.west"`, `"list(string)"`).
    Expression,
}

struct Writer<'t> {
    text: &'t str,
    out: String,
    map: SpanMap,
}

impl Writer<'_> {
    /// Generated text that stands for nothing in the JSON.
    fn layout(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Generated text standing for `original`.
    fn piece(&mut self, text: &str, original: Span) {
        let start = self.out.len();
        self.out.push_str(text);
        self.map.push(Span::new(start, self.out.len()), original);
    }

    fn top_level(&mut self, key: &Key, value: &Node) -> Result<(), ParseError> {
        let (labels, body) = match key.text.as_str() {
            "//" => return Ok(()),
            "resource" | "data" | "ephemeral" => (2, Body::Resource),
            "module" => (1, Body::Module),
            "variable" => (1, Body::Variable),
            "output" => (1, Body::Output),
            "provider" => (1, Body::Nested),
            "check" => (1, Body::Check),
            "locals" => (0, Body::Locals),
            "terraform" | "moved" | "import" | "removed" => (0, Body::Ignored),
            other => {
                return Err(ParseError::new(
                    key.span.start,
                    format!(
                        "unknown block type {other:?}: the keys of a .tf.json file are block types \
                         (resource, data, module, variable, output, locals, provider, terraform, \
                         check, moved, import, removed)"
                    ),
                ))
            }
        };
        self.labelled(key, value, &mut Vec::new(), labels, body)
    }

    /// A block type whose value nests `remaining` more labels as object keys.
    fn labelled<'n>(
        &mut self,
        ident: &Key,
        node: &'n Node,
        labels: &mut Vec<&'n Key>,
        remaining: usize,
        body: Body,
    ) -> Result<(), ParseError> {
        for object in objects(node, &ident.text)? {
            if remaining == 0 {
                self.block(ident, labels, object, body)?;
                continue;
            }
            for (key, value) in entries(object) {
                if key.text == "//" {
                    continue;
                }
                labels.push(key);
                self.labelled(ident, value, labels, remaining - 1, body)?;
                labels.pop();
            }
        }
        Ok(())
    }

    /// `ident "label" … { body }`. The block type stands for its innermost
    /// label's key in the JSON, so a resource's header is its name.
    fn block(
        &mut self,
        ident: &Key,
        labels: &[&Key],
        object: &Node,
        body: Body,
    ) -> Result<(), ParseError> {
        let name = labels.last().map_or(ident.span, |k| k.span);
        self.piece(&ident.text, name);
        for label in labels {
            self.layout(" ");
            self.piece(&quoted(&label.text), label.span);
        }
        self.layout(" ");
        self.piece("{", Span::new(object.span.start, object.span.start + 1));
        self.layout("\n");
        if body != Body::Ignored {
            self.body(object, body)?;
        }
        self.piece(
            "}",
            Span::new(object.span.end.saturating_sub(1), object.span.end),
        );
        self.layout("\n");
        Ok(())
    }

    fn body(&mut self, object: &Node, body: Body) -> Result<(), ParseError> {
        for (key, value) in entries(object) {
            if key.text == "//" {
                continue;
            }
            if !is_identifier(&key.text) {
                return Err(ParseError::new(
                    key.span.start,
                    format!("{:?} is not a valid argument or block name", key.text),
                ));
            }
            match item(body, &key.text, value) {
                Item::Attribute(mode) => {
                    self.piece(&key.text, key.span);
                    self.layout(" = ");
                    self.value(value, mode)?;
                    self.layout("\n");
                }
                Item::Block(inner) => {
                    for object in objects(value, &key.text)? {
                        self.block(key, &[], object, inner)?;
                    }
                }
                Item::Labelled(labels, inner) => {
                    self.labelled(key, value, &mut Vec::new(), labels, inner)?;
                }
                Item::Skip => {}
            }
        }
        Ok(())
    }

    fn value(&mut self, node: &Node, mode: Mode) -> Result<(), ParseError> {
        let span = node.span;
        match &node.value {
            NodeValue::Map(entries) => {
                self.piece("{", Span::new(span.start, span.start + 1));
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.layout(", ");
                    }
                    if mode == Mode::Expression && is_identifier(&key.text) {
                        self.piece(&key.text, key.span);
                    } else {
                        self.piece(&quoted(&key.text), key.span);
                    }
                    self.layout(" = ");
                    self.value(value, mode)?;
                }
                self.piece("}", Span::new(span.end.saturating_sub(1), span.end));
            }
            NodeValue::Seq(items) => {
                self.piece("[", Span::new(span.start, span.start + 1));
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.layout(", ");
                    }
                    self.value(item, mode)?;
                }
                self.piece("]", Span::new(span.end.saturating_sub(1), span.end));
            }
            NodeValue::String(_) => {
                let string = JsonString::read(self.text, span)?;
                match mode {
                    Mode::Template => self.template(&string)?,
                    Mode::Expression => self.expression(&string)?,
                }
            }
            _ => {
                let raw = self.text.get(span.start..span.end).unwrap_or("null");
                self.piece(raw, span);
            }
        }
        Ok(())
    }

    /// A string template; `"${expr}"` alone is the expression.
    fn template(&mut self, string: &JsonString) -> Result<(), ParseError> {
        let template = string.parse(|t| t.parse::<Template>(), "invalid template")?;
        let elements: Vec<&Element> = template.iter().collect();
        if let [Element::Interpolation(only)] = elements.as_slice() {
            let whole = only.span().unwrap_or_default();
            if only.strip == Strip::None && whole == (0..string.decoded.len()) {
                let expr = only.expr.span().unwrap_or(whole);
                self.copy(string, expr.start, expr.end);
                return Ok(());
            }
        }
        self.piece("\"", Span::new(string.span.start, string.span.start + 1));
        for element in elements {
            let range = element.span().unwrap_or_default();
            match element {
                Element::Literal(literal) => {
                    let original = string.original(range.start, range.end);
                    self.piece(&escape(literal.value()), original);
                }
                Element::Interpolation(_) | Element::Directive(_) => {
                    self.copy(string, range.start, range.end);
                }
            }
        }
        self.piece(
            "\"",
            Span::new(string.span.end.saturating_sub(1), string.span.end),
        );
        Ok(())
    }

    /// An expression written as a string, `${…}` around it or not.
    fn expression(&mut self, string: &JsonString) -> Result<(), ParseError> {
        let trimmed = string.decoded.trim();
        if trimmed.starts_with("${") && trimmed.ends_with('}') {
            return self.template(string);
        }
        string.parse(|t| t.parse::<Expression>(), "invalid expression")?;
        self.copy(string, 0, string.decoded.len());
        Ok(())
    }

    /// Part of a string's decoded text copied as it is. Line breaks become
    /// spaces (same length, so offsets still map one to one): HCL would
    /// end an argument at them, JSON cannot hold them raw.
    fn copy(&mut self, string: &JsonString, start: usize, end: usize) {
        let text: String = string.decoded[start..end]
            .chars()
            .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
            .collect();
        self.piece(&text, string.original(start, end));
    }
}

/// How `name` is read in a body of kind `body`.
fn item(body: Body, name: &str, value: &Node) -> Item {
    use Item::{Attribute, Block, Labelled, Skip};
    let template = Attribute(Mode::Template);
    let expression = Attribute(Mode::Expression);
    match (body, name) {
        (Body::Ignored, _) => Skip,
        (Body::Locals, _) => template,
        (Body::Module | Body::Output | Body::Resource, "depends_on") => expression,
        (Body::Module, "providers") => expression,
        (Body::Module, _) => template,
        (Body::Variable, "type") => expression,
        (Body::Variable, "validation") => Block(Body::Nested),
        (Body::Variable, _) => template,
        (Body::Output, "precondition") => Block(Body::Nested),
        (Body::Output, _) => template,
        (Body::Lifecycle, "ignore_changes" | "replace_triggered_by") => expression,
        (Body::Lifecycle, "precondition" | "postcondition") => Block(Body::Nested),
        (Body::Lifecycle, _) => template,
        (Body::Dynamic, "content") => Block(Body::Nested),
        (Body::Dynamic, "iterator") => expression,
        (Body::Dynamic, _) => template,
        (Body::Check, "data") => Labelled(2, Body::Resource),
        (Body::Check, "assert") => Block(Body::Nested),
        (Body::Check, _) => template,
        (Body::Resource, "provider") => expression,
        (Body::Resource, "lifecycle") => Block(Body::Lifecycle),
        (Body::Resource, "provisioner") => Labelled(1, Body::Nested),
        (Body::Resource | Body::Nested, "dynamic") => Labelled(1, Body::Dynamic),
        (Body::Resource | Body::Nested, _) if is_nested_block(name, value) => Block(Body::Nested),
        (Body::Resource | Body::Nested, _) => template,
    }
}

/// Whether a value inside a resource or provider is a nested block (see
/// the module documentation for the rule).
fn is_nested_block(name: &str, value: &Node) -> bool {
    if MAP_ATTRIBUTES.contains(&name) {
        return false;
    }
    let block_like = |node: &Node| match &node.value {
        NodeValue::Map(entries) => entries.iter().all(|(k, _)| is_identifier(&k.text)),
        _ => false,
    };
    match &value.value {
        NodeValue::Map(_) => block_like(value),
        NodeValue::Seq(items) => !items.is_empty() && items.iter().all(block_like),
        _ => false,
    }
}

/// The objects a block value stands for: the object, or each object of an
/// array.
fn objects<'n>(node: &'n Node, what: &str) -> Result<Vec<&'n Node>, ParseError> {
    let not_object = |at: usize| {
        ParseError::new(
            at,
            format!("{what:?} must be a JSON object (or an array of objects)"),
        )
    };
    match &node.value {
        NodeValue::Map(_) => Ok(vec![node]),
        NodeValue::Seq(items) => items
            .iter()
            .map(|item| match item.value {
                NodeValue::Map(_) => Ok(item),
                _ => Err(not_object(item.span.start)),
            })
            .collect(),
        _ => Err(not_object(node.span.start)),
    }
}

fn entries(node: &Node) -> &[(Key, Node)] {
    match &node.value {
        NodeValue::Map(entries) => entries,
        _ => &[],
    }
}

/// Rejects what the YAML reader accepts but JSON does not (unquoted or
/// single-quoted strings, block collections) and repeated keys, which
/// Terraform rejects.
fn check_json(text: &str, node: &Node) -> Result<(), ParseError> {
    let first = text.as_bytes().get(node.span.start).copied();
    let expected = match &node.value {
        NodeValue::Map(entries) => {
            let mut seen = std::collections::HashSet::with_capacity(entries.len());
            for (key, value) in entries {
                if text.as_bytes().get(key.span.start) != Some(&b'"') {
                    return Err(ParseError::new(
                        key.span.start,
                        "an object key must be a JSON string",
                    ));
                }
                if !seen.insert(key.text.as_str()) {
                    return Err(ParseError::new(
                        key.span.start,
                        format!(
                            "duplicate key {:?}: Terraform rejects a repeated key",
                            key.text
                        ),
                    ));
                }
                check_json(text, value)?;
            }
            first == Some(b'{')
        }
        NodeValue::Seq(items) => {
            for item in items {
                check_json(text, item)?;
            }
            first == Some(b'[')
        }
        NodeValue::String(_) => first == Some(b'"'),
        _ => matches!(first, Some(b'-' | b'0'..=b'9' | b't' | b'f' | b'n')),
    };
    if expected {
        Ok(())
    } else {
        Err(ParseError::new(node.span.start, "expected a JSON value"))
    }
}

/// A JSON string's text as Terraform reads it, with where each byte of it
/// is written in the file.
struct JsonString {
    decoded: String,
    /// `origins[i]`: the file offset of decoded byte `i`; one more entry for
    /// the end.
    origins: Vec<usize>,
    /// The string token, quotes included.
    span: Span,
}

impl JsonString {
    fn read(text: &str, span: Span) -> Result<JsonString, ParseError> {
        let inner_start = span.start + 1;
        let raw = text
            .get(inner_start..span.end.saturating_sub(1))
            .unwrap_or_default();
        let mut decoded = String::with_capacity(raw.len());
        let mut origins = Vec::with_capacity(raw.len() + 1);
        let mut chars = raw.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            let c = if c == '\\' {
                let bad = || ParseError::new(inner_start + at, "invalid escape in a JSON string");
                match chars.next().map(|(_, e)| e) {
                    Some('n') => '\n',
                    Some('t') => '\t',
                    Some('r') => '\r',
                    Some('b') => '\u{8}',
                    Some('f') => '\u{c}',
                    Some(e @ ('"' | '\\' | '/')) => e,
                    Some('u') => {
                        let mut code = hex4(&mut chars).ok_or_else(bad)?;
                        if (0xD800..0xDC00).contains(&code) {
                            // A surrogate pair: the low half follows as `\uXXXX`.
                            let (Some((_, '\\')), Some((_, 'u'))) = (chars.next(), chars.next())
                            else {
                                return Err(bad());
                            };
                            let low = hex4(&mut chars).ok_or_else(bad)?;
                            code = 0x10000 + ((code - 0xD800) << 10) + (low.wrapping_sub(0xDC00));
                        }
                        char::from_u32(code).ok_or_else(bad)?
                    }
                    _ => return Err(bad()),
                }
            } else {
                c
            };
            decoded.push(c);
            origins.resize(decoded.len(), inner_start + at);
        }
        origins.push(inner_start + raw.len());
        Ok(JsonString {
            decoded,
            origins,
            span,
        })
    }

    /// The file span of decoded bytes `start..end`.
    fn original(&self, start: usize, end: usize) -> Span {
        Span::new(self.origins[start], self.origins[end])
    }

    /// Parses the decoded text; an error points at its place in the file.
    fn parse<T>(
        &self,
        parse: impl FnOnce(&str) -> Result<T, hcl_edit::parser::Error>,
        what: &str,
    ) -> Result<T, ParseError> {
        parse(&self.decoded).map_err(|err| {
            let at = err.location().offset().min(self.decoded.len());
            ParseError::new(self.origins[at], format!("{what}: {}", err.message()))
        })
    }
}

fn hex4(chars: &mut impl Iterator<Item = (usize, char)>) -> Option<u32> {
    let mut code = 0;
    for _ in 0..4 {
        code = code * 16 + chars.next()?.1.to_digit(16)?;
    }
    Some(code)
}

/// Whether `name` can be an HCL argument or block name.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// A literal as an HCL quoted string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

/// A literal string's text escaped for an HCL quoted template: template
/// sequences stay literal (`$${`, `%%{`).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hcl(json: &str) -> String {
        translate(json).expect("translates").hcl
    }

    fn error(json: &str) -> (usize, String) {
        let err = translate(json).expect_err("fails");
        (err.offset, err.message)
    }

    #[test]
    fn resources_become_labelled_blocks_with_nested_blocks_and_maps() {
        let json = r#"{"resource": {"aws_s3_bucket": {"logs": {
            "bucket": "logs-${var.env}", "count": "${var.n}",
            "versioning": {"enabled": true}, "tags": {"Name": "x"},
            "rule": [{"id": "a"}, {"id": "b"}], "//": "a comment"}}}}"#;
        assert_eq!(
            hcl(json),
            "resource \"aws_s3_bucket\" \"logs\" {\nbucket = \"logs-${var.env}\"\ncount = var.n\n\
             versioning {\nenabled = true\n}\ntags = {\"Name\" = \"x\"}\n\
             rule {\nid = \"a\"\n}\nrule {\nid = \"b\"\n}\n}\n"
        );
    }

    #[test]
    fn expression_arguments_are_parsed_as_written() {
        let json = r#"{"resource": {"a_b": {"c": {"provider": "aws.west",
            "depends_on": ["a_b.d"], "lifecycle": {"ignore_changes": ["tags"]}}}},
            "variable": {"v": {"type": "list(string)", "default": ["${x}"]}}}"#;
        assert_eq!(
            hcl(json),
            "resource \"a_b\" \"c\" {\nprovider = aws.west\ndepends_on = [a_b.d]\n\
             lifecycle {\nignore_changes = [tags]\n}\n}\n\
             variable \"v\" {\ntype = list(string)\ndefault = [x]\n}\n"
        );
    }

    #[test]
    fn a_key_that_is_not_a_name_makes_an_object_a_map() {
        let json = r#"{"provider": {"aws": {"default_tags": {"tags": {"a": "b"}},
            "x": {"kubernetes.io/role": "elb"}}}}"#;
        assert_eq!(
            hcl(json),
            "provider \"aws\" {\ndefault_tags {\ntags = {\"a\" = \"b\"}\n}\n\
             x = {\"kubernetes.io/role\" = \"elb\"}\n}\n"
        );
    }

    #[test]
    fn escapes_are_decoded_and_literal_template_sequences_kept() {
        let json = r#"{"locals": {"a": "say \"hi\"\n$${x} ${upper(\"y\")}"}}"#;
        assert_eq!(
            hcl(json),
            "locals {\na = \"say \\\"hi\\\"\\n$${x} ${upper(\"y\")}\"\n}\n"
        );
    }

    #[test]
    fn spans_map_back_into_the_json() {
        let json = "{\"locals\": {\"a\": \"x-${var.y}\"}}";
        let translated = translate(json).unwrap();
        let at = translated.hcl.find("var.y").unwrap();
        let span = translated.map.span(Span::new(at, at + 5));
        assert_eq!(&json[span.start..span.end], "var.y");
        let key = translated.hcl.find("a =").unwrap();
        let span = translated.map.span(Span::new(key, key + 1));
        assert_eq!(&json[span.start..span.end], "\"a\"");
    }

    #[test]
    fn errors_point_at_the_offending_json() {
        let json = r#"{"locals": {"a": 1, "a": 2}}"#;
        assert_eq!(error(json).0, json.rfind("\"a\"").unwrap());
        assert!(error(json).1.contains("duplicate key \"a\""));
        let json = r#"{"resources": {}}"#;
        assert_eq!(error(json).0, 1);
        assert!(error(json)
            .1
            .starts_with("unknown block type \"resources\""));
        assert_eq!(error("[1]").0, 0);
        let json = r#"{"locals": {"a": "x-${var.}"}}"#;
        let (at, message) = error(json);
        assert!(message.starts_with("invalid template"), "{message}");
        assert_eq!(at, json.find("}\"").unwrap());
        let json = r#"{"locals": {"a": 'x'}}"#;
        assert_eq!(error(json).0, json.find('\'').unwrap());
    }
}
