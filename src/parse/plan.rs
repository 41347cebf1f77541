//! Terraform plan JSON, the output of `terraform show -json PLANFILE`
//! (DESIGN.md §4): every resource instance of `planned_values`, at every
//! module level, becomes a [`Resource`] whose `config` is its planned
//! `values`, whose `unknown` paths come from `after_unknown` in
//! `resource_changes`, and whose `references` come from the unevaluated
//! expressions in `configuration`.
//!
//! The file is read with our YAML/JSON builder (JSON is YAML): every value
//! keeps its span, and the JSON depth budget applies. Terraform writes this
//! format itself, so an entry without what the format promises (an address, a
//! type) means the file is not what it claims to be: it is reported at that
//! entry, never skipped, so a broken plan cannot pass a gate by being half
//! read. Inside `configuration` expressions the format asks readers to ignore
//! what they do not recognise; shapes there that are neither an expression nor
//! a block hold no reference and are passed over.
//!
//! Plan resources point into the plan file until [`relocate`] points them at
//! the `.tf` blocks they were planned from.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use regorus::Value;

use crate::address::{module_steps, steps};
use crate::model::{
    dotted, Cause, Format, PathSeg, Resource, SpanChildren, SpanNode, Unknown, ValuePath,
};
use crate::parse::ParseError;
use crate::source::{SharedSource, Span};
use crate::yaml::{duplicate_keys, parse_documents, Key, Limits, Node, NodeValue, Typing};

/// Resources of one plan file: every resource of `planned_values` at every
/// module level, in file order (a module's own resources before its child
/// modules').
///
/// # Errors
///
/// Text that is not JSON, nesting beyond the JSON depth budget, a file that is
/// not a plan (no `planned_values`, a `format_version` other than 1.x) and an
/// entry that lacks what the format promises are reported at their position.
pub fn parse(source: &SharedSource) -> Result<Vec<Resource>, ParseError> {
    let root = plan_root(&source.text)?;
    // JSON readers keep the last of two equal keys, so a second
    // `"planned_values": {}` would empty the plan; Terraform never writes one.
    if let Some((span, key)) = duplicate_keys(&root).into_iter().next() {
        return Err(ParseError::new(
            span.start,
            format!("duplicate key {key:?}: a plan's objects never repeat a key, and the later value would hide the earlier"),
        ));
    }
    check_format_version(&root)?;
    let Some(planned) = root.get("planned_values") else {
        return Err(ParseError::new(
            root.span.start,
            "not a Terraform plan: no `planned_values` (expected the output of `terraform show -json PLANFILE`)",
        ));
    };
    expect_object(planned, "`planned_values`")?;
    let plan = Plan {
        source,
        after_unknown: after_unknown_by_address(&root)?,
        configuration: configuration_index(&root)?,
    };
    let mut resources = Vec::new();
    if let Some(module) = non_null(planned.get("root_module")) {
        plan.module(module, &mut resources)?;
    }
    Ok(resources)
}

/// Points plan resources at the Terraform source they come from: for each
/// plan resource whose address (`module.a.aws_s3_bucket.b["k"]`) matches the
/// id of a resource in `terraform` (the resources of the Terraform bundle
/// evaluated from the plan file's directory, same address scheme), its
/// `source`, `spans`, `header` and `module_calls` become that Terraform
/// resource's, so findings point at the `.tf` file and line.
///
/// The address is tried as written, then without its last instance key (a
/// resource whose `count`/`for_each` is unknown is kept once without a key),
/// then without module instance keys (the same for a module call), then
/// without either. Unmatched resources keep pointing into the plan file.
pub fn relocate(plan: &mut [Resource], terraform: &[Resource]) {
    let mut by_id: HashMap<&str, &Resource> = HashMap::new();
    for resource in terraform.iter().filter(|r| r.format == Format::Terraform) {
        // Terraform rejects two blocks with one address; should a broken
        // configuration have them, the first one written is the one shown.
        by_id.entry(resource.id.as_str()).or_insert(resource);
    }
    for resource in plan.iter_mut() {
        let found = relocation_candidates(&resource.id)
            .iter()
            .find_map(|id| by_id.get(id.as_str()).copied());
        if let Some(written) = found {
            resource.source = written.source.clone();
            resource.spans = written.spans.clone();
            resource.header = written.header;
            // The call chain decides where a finding inside a downloaded
            // module is reported, so it travels with the location.
            resource.module_calls = written.module_calls.clone();
        }
    }
}

/// What every resource of one plan is read against.
struct Plan<'a> {
    source: &'a SharedSource,
    /// `change.after_unknown` of each resource instance, by address.
    after_unknown: HashMap<&'a str, &'a Node>,
    /// Configuration resources by module call names (`["logs"]` for
    /// `module.logs`) and module-local address (`aws_s3_bucket.b`).
    configuration: HashMap<(Vec<&'a str>, String), &'a Node>,
}

impl Plan<'_> {
    /// The resources of one module of `planned_values` and of its children.
    fn module(&self, module: &Node, out: &mut Vec<Resource>) -> Result<(), ParseError> {
        expect_object(module, "a module of `planned_values`")?;
        for entry in array(module.get("resources"), "`resources` of a planned module")? {
            out.push(self.resource(entry)?);
        }
        for child in array(module.get("child_modules"), "`child_modules`")? {
            self.module(child, out)?;
        }
        Ok(())
    }

    fn resource(&self, entry: &Node) -> Result<Resource, ParseError> {
        expect_object(entry, "a resource of `planned_values`")?;
        let (address_key, address_node) = entry.entry("address").ok_or_else(|| {
            ParseError::new(
                entry.span.start,
                "a resource of `planned_values` has no `address`",
            )
        })?;
        let address = address_node.as_str().ok_or_else(|| {
            ParseError::new(
                address_node.span.start,
                "the `address` of a planned resource is not a string",
            )
        })?;
        let what = format!("planned resource `{address}`");
        let kind = required_str(entry, "type", &what)?;
        let name = required_str(entry, "name", &what)?;
        let data = optional_str(entry, "mode", &what)? == Some("data");

        let (prefix, calls) = module_instance(address);
        let local = if data {
            format!("data.{kind}.{name}")
        } else {
            format!("{kind}.{name}")
        };
        let configured = self.configuration.get(&(calls, local)).copied();
        let (mut config, spans) = values(entry, &what)?;

        let marks = self.after_unknown.get(address).copied();
        let mut paths = Vec::new();
        if let Some(marks) = marks {
            unknown_paths(marks, &mut Vec::new(), &mut paths);
        }
        paths.sort();
        paths.dedup();
        for path in &paths {
            remove_null(&mut config, path);
        }
        let cause = if data {
            Cause::DataSource
        } else {
            Cause::Resource
        };
        let (tags, tags_unknown) = tags(kind, &config, marks);

        let provider_key = match configured {
            Some(resource) => {
                optional_str(resource, "provider_config_key", "a configuration resource")?
            }
            None => None,
        };

        Ok(Resource {
            id: address.to_owned(),
            format: Format::Plan,
            kind: kind.to_owned(),
            name: name.to_owned(),
            namespace: None,
            provider: Some(provider_name(provider_key, kind)),
            source: self.source.clone(),
            config,
            unknown: paths
                .into_iter()
                .map(|path| Unknown {
                    path,
                    cause: cause.clone(),
                })
                .collect(),
            references: configured.map_or_else(BTreeMap::new, |r| references(r, &prefix)),
            tags,
            tags_cause: (!tags_unknown.is_empty()).then_some(Cause::Resource),
            tags_unknown,
            module_calls: Vec::new(),
            spans,
            header: Span::new(address_key.span.start, address_node.span.end),
            helm_source: None,
            declaration_only: false,
        })
    }
}

/// The module instance a resource address is in, as an address prefix
/// (`module.a["k"].`, empty at the root), and the names of the module calls
/// that lead to it in `configuration` (`["a"]`).
fn module_instance(address: &str) -> (String, Vec<&str>) {
    let steps = steps(address);
    let module = &steps[..module_steps(&steps)];
    let prefix = module
        .iter()
        .map(|step| format!("{}{}.", step.name, step.key))
        .collect();
    let calls = module
        .iter()
        .skip(1)
        .step_by(2)
        .map(|step| step.name)
        .collect();
    (prefix, calls)
}

/// The planned `values` of a resource as `config`, with their spans.
fn values(entry: &Node, what: &str) -> Result<(Value, SpanNode), ParseError> {
    match entry.entry("values") {
        Some((key, values)) if matches!(values.value, NodeValue::Map(_)) => {
            Ok(values.to_value_and_spans(Some(key.span)))
        }
        Some((_, values)) if !matches!(values.value, NodeValue::Null) => Err(ParseError::new(
            values.span.start,
            format!("the `values` of {what} is not an object"),
        )),
        // Terraform omits `values` when no attribute is known yet. The spans
        // cover the resource object, so a finding still lands inside it.
        _ => Ok((
            Value::new_object(),
            SpanNode {
                key: None,
                value: entry.span,
                children: SpanChildren::Map(Vec::new()),
            },
        )),
    }
}

/// The provider configuration a resource uses, named as the Terraform parser
/// names it (`aws`, `aws.west`): from `provider_config_key`, else Terraform's
/// default, the type name up to its first underscore.
fn provider_name(key: Option<&str>, kind: &str) -> String {
    key
        // Keys of provider configurations inherited inside a module are
        // written `module.x:aws` by some Terraform versions.
        .and_then(|key| key.rsplit(':').next())
        .filter(|key| !key.is_empty())
        .unwrap_or_else(|| kind.split('_').next().unwrap_or(kind))
        .to_owned()
}

/// The one JSON object of the file.
fn plan_root(text: &str) -> Result<Node, ParseError> {
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
fn check_format_version(root: &Node) -> Result<(), ParseError> {
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

/// `change.after_unknown` of every current resource instance, by address.
fn after_unknown_by_address(root: &Node) -> Result<HashMap<&str, &Node>, ParseError> {
    let mut found = HashMap::new();
    for change in array(root.get("resource_changes"), "`resource_changes`")? {
        expect_object(change, "a resource change")?;
        let address = required_str(change, "address", "a resource change")?;
        // A deposed object is on its way out; `planned_values` describes the
        // current one.
        if non_null(change.get("deposed")).is_some() {
            continue;
        }
        let what = format!("resource change `{address}`");
        let body = change
            .get("change")
            .ok_or_else(|| ParseError::new(change.span.start, format!("{what} has no `change`")))?;
        expect_object(body, &format!("the `change` of {what}"))?;
        if let Some(marks) = non_null(body.get("after_unknown")) {
            found.insert(address, marks);
        }
    }
    Ok(found)
}

/// Every resource of `configuration`, by module call names and module-local
/// address.
fn configuration_index(root: &Node) -> Result<HashMap<(Vec<&str>, String), &Node>, ParseError> {
    let mut index = HashMap::new();
    if let Some(configuration) = non_null(root.get("configuration")) {
        expect_object(configuration, "`configuration`")?;
        if let Some(module) = non_null(configuration.get("root_module")) {
            index_module(module, &mut Vec::new(), &mut index)?;
        }
    }
    Ok(index)
}

fn index_module<'a>(
    module: &'a Node,
    calls: &mut Vec<&'a str>,
    index: &mut HashMap<(Vec<&'a str>, String), &'a Node>,
) -> Result<(), ParseError> {
    expect_object(module, "a configuration module")?;
    for resource in array(
        module.get("resources"),
        "`resources` of a configuration module",
    )? {
        expect_object(resource, "a configuration resource")?;
        let address = required_str(resource, "address", "a configuration resource")?;
        index.insert((calls.clone(), address.to_owned()), resource);
    }
    for (name, call) in entries(module.get("module_calls"), "`module_calls`")? {
        expect_object(call, &format!("module call `{}`", name.text))?;
        if let Some(child) = non_null(call.get("module")) {
            calls.push(&name.text);
            index_module(child, calls, index)?;
            calls.pop();
        }
    }
    Ok(())
}

/// What each attribute of a configuration resource refers to: attribute
/// paths as the model writes them (nested blocks as `block.0.attr`), object
/// addresses prefixed with the resource's module instance.
fn references(resource: &Node, prefix: &str) -> BTreeMap<String, Vec<String>> {
    let mut found: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(expressions) = resource.get("expressions") {
        block_references(expressions, &mut Vec::new(), prefix, &mut found);
    }
    // The meta-arguments, under the names the Terraform parser uses.
    for (field, path) in [
        ("count_expression", "count"),
        ("for_each_expression", "for_each"),
    ] {
        if let Some(expression) = resource.get(field) {
            expression_references(expression, path, prefix, &mut found);
        }
    }
    if let Some(NodeValue::Seq(items)) = resource.get("depends_on").map(|d| &d.value) {
        let addresses = items
            .iter()
            .filter_map(Node::as_str)
            .filter_map(object_address)
            .map(|address| format!("{prefix}{address}"));
        found
            .entry("depends_on".to_owned())
            .or_default()
            .extend(addresses);
    }
    found
        .into_iter()
        .filter(|(_, addresses)| !addresses.is_empty())
        .map(|(path, addresses)| (path, addresses.into_iter().collect()))
        .collect()
}

/// The references of a block expressions representation: attributes map to
/// expressions, nested blocks to one block (nesting mode "single") or a list
/// of blocks.
fn block_references(
    block: &Node,
    path: &mut ValuePath,
    prefix: &str,
    out: &mut BTreeMap<String, BTreeSet<String>>,
) {
    let NodeValue::Map(attributes) = &block.value else {
        return;
    };
    for (key, value) in attributes {
        path.push(PathSeg::Key(key.text.clone()));
        match &value.value {
            NodeValue::Map(_) if is_expression(value) => {
                expression_references(value, &dotted(path), prefix, out);
            }
            // A single nested block is written as one object; the model
            // makes every nested block a list (DESIGN.md §4).
            NodeValue::Map(_) => {
                path.push(PathSeg::Index(0));
                block_references(value, path, prefix, out);
                path.pop();
            }
            NodeValue::Seq(blocks) => {
                for (i, nested) in blocks.iter().enumerate() {
                    path.push(PathSeg::Index(i));
                    if is_expression(nested) {
                        expression_references(nested, &dotted(path), prefix, out);
                    } else {
                        block_references(nested, path, prefix, out);
                    }
                    path.pop();
                }
            }
            _ => {}
        }
        path.pop();
    }
}

/// Whether an object is an expression representation (`references` and/or
/// `constant_value`) rather than a nested block. An empty object is either
/// and refers to nothing.
fn is_expression(node: &Node) -> bool {
    let NodeValue::Map(entries) = &node.value else {
        return false;
    };
    entries.iter().all(|(key, value)| match key.text.as_str() {
        "references" => matches!(value.value, NodeValue::Seq(_)),
        "constant_value" => true,
        _ => false,
    })
}

fn expression_references(
    expression: &Node,
    path: &str,
    prefix: &str,
    out: &mut BTreeMap<String, BTreeSet<String>>,
) {
    let Some(NodeValue::Seq(references)) = expression.get("references").map(|r| &r.value) else {
        return;
    };
    let addresses: Vec<String> = references
        .iter()
        .filter_map(Node::as_str)
        .filter_map(object_address)
        .map(|address| format!("{prefix}{address}"))
        .collect();
    if !addresses.is_empty() {
        out.entry(path.to_owned()).or_default().extend(addresses);
    }
}

/// The address of the object a reference names, as the Terraform parser
/// writes it: `var.x`, `local.x`, `module.m`, `data.T.N`, `T.N`. Terraform
/// lists every step of a traversal (`aws_s3_bucket.b.id` and
/// `aws_s3_bucket.b`); instance keys and attributes are dropped, and
/// per-instance values (`count.index`, `each.key`, `self`, `path`,
/// `terraform`) are not objects.
fn object_address(reference: &str) -> Option<String> {
    let steps = steps(reference);
    let name = |i: usize| {
        steps
            .get(i)
            .map(|step| step.name)
            .filter(|name| !name.is_empty())
    };
    let root = name(0)?;
    match root {
        "each" | "count" | "self" | "path" | "terraform" => None,
        "data" | "ephemeral" => Some(format!("{root}.{}.{}", name(1)?, name(2)?)),
        _ => Some(format!("{root}.{}", name(1)?)),
    }
}

/// Every path whose mark in `after_unknown` is `true`. Objects are walked by
/// key; lists by index, where known elements are marked `false`.
fn unknown_paths(marks: &Node, path: &mut ValuePath, out: &mut Vec<ValuePath>) {
    match &marks.value {
        // A `true` for the whole object would be an empty path, which names
        // no value; Terraform writes an object for every resource.
        NodeValue::Bool(true) if !path.is_empty() => out.push(path.clone()),
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                path.push(PathSeg::Key(key.text.clone()));
                unknown_paths(value, path, out);
                path.pop();
            }
        }
        NodeValue::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                unknown_paths(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Removes a `null` that stands for an unknown value from an object, so
/// unknown values are left out of `config` (DESIGN.md §4) also in plans whose
/// Terraform wrote them as null. List items stay: their indexes must not move.
fn remove_null(config: &mut Value, path: &[PathSeg]) {
    let Some((PathSeg::Key(last), parents)) = path.split_last() else {
        return;
    };
    // Look first, so objects are only copied (they are shared) when an entry
    // is really removed.
    if lookup(config, path) != Some(&Value::Null) {
        return;
    }
    let mut value = config;
    for seg in parents {
        let next = match seg {
            PathSeg::Key(key) => value
                .as_object_mut()
                .ok()
                .and_then(|object| object.get_mut(&Value::from(key.as_str()))),
            PathSeg::Index(i) => value
                .as_array_mut()
                .ok()
                .and_then(|items| items.get_mut(*i)),
        };
        match next {
            Some(next) => value = next,
            None => return,
        }
    }
    if let Ok(object) = value.as_object_mut() {
        object.remove(&Value::from(last.as_str()));
    }
}

fn lookup<'v>(value: &'v Value, path: &[PathSeg]) -> Option<&'v Value> {
    path.iter()
        .try_fold(value, |value, seg| match (value, seg) {
            (Value::Object(object), PathSeg::Key(key)) => object.get(&Value::from(key.as_str())),
            (Value::Array(items), PathSeg::Index(i)) => items.get(*i),
            _ => None,
        })
}

/// Effective tags and the tag keys whose values are unknown.
///
/// AWS writes the provider's `default_tags` merged with the resource's own
/// tags into `tags_all`; Google writes `default_labels` merged with `labels`
/// into `effective_labels` (a Google `tags` is something else: network tags
/// or resource-manager tags). The first attribute that holds an object wins.
/// An earlier attribute that is unknown as a whole (`tags_all` when a tag
/// value is unknown) may hold keys nobody can see yet: `*`.
fn tags(kind: &str, config: &Value, marks: Option<&Node>) -> (Value, Vec<String>) {
    let attributes: &[&str] = if kind.starts_with("google_") {
        &["effective_labels", "labels"]
    } else {
        &["tags_all", "tags"]
    };
    let mut unknown = BTreeSet::new();
    for attribute in attributes {
        let mark = marks.and_then(|m| m.get(attribute)).map(|m| &m.value);
        let value = &config[*attribute];
        if matches!(value, Value::Object(_)) {
            if let Some(NodeValue::Map(keys)) = mark {
                unknown.extend(
                    keys.iter()
                        .filter(|(_, v)| matches!(v.value, NodeValue::Bool(true)))
                        .map(|(k, _)| k.text.clone()),
                );
            }
            return (value.clone(), unknown.into_iter().collect());
        }
        if matches!(mark, Some(NodeValue::Bool(true))) {
            unknown.insert("*".to_owned());
        }
    }
    (Value::new_object(), unknown.into_iter().collect())
}

/// The ids a plan address may have among Terraform resources, most exact
/// first: as written, without the resource's instance key, without module
/// instance keys, without either.
fn relocation_candidates(address: &str) -> Vec<String> {
    let steps = steps(address);
    let module_len = module_steps(&steps);
    let render = |module_keys: bool, resource_key: bool| -> String {
        let last = steps.len().saturating_sub(1);
        let parts: Vec<String> = steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let keep = if i < module_len {
                    module_keys
                } else if i == last {
                    resource_key
                } else {
                    true
                };
                if keep {
                    format!("{}{}", step.name, step.key)
                } else {
                    step.name.to_owned()
                }
            })
            .collect();
        parts.join(".")
    };
    let mut candidates: Vec<String> = Vec::with_capacity(4);
    for (module_keys, resource_key) in [(true, true), (true, false), (false, true), (false, false)]
    {
        let candidate = render(module_keys, resource_key);
        if !candidates.contains(&candidate) {
            candidates.push(candidate);
        }
    }
    candidates
}

/// `None` for an absent or `null` member: Terraform omits or nulls empty ones.
fn non_null(node: Option<&Node>) -> Option<&Node> {
    node.filter(|n| !matches!(n.value, NodeValue::Null))
}

fn expect_object(node: &Node, what: &str) -> Result<(), ParseError> {
    match node.value {
        NodeValue::Map(_) => Ok(()),
        _ => Err(ParseError::new(
            node.span.start,
            format!("{what} is not an object"),
        )),
    }
}

/// The items of an array member; an absent or `null` member has none.
fn array<'a>(node: Option<&'a Node>, what: &str) -> Result<&'a [Node], ParseError> {
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
fn entries<'a>(node: Option<&'a Node>, what: &str) -> Result<&'a [(Key, Node)], ParseError> {
    match non_null(node).map(|n| (&n.value, n.span)) {
        None => Ok(&[]),
        Some((NodeValue::Map(entries), _)) => Ok(entries),
        Some((_, span)) => Err(ParseError::new(
            span.start,
            format!("{what} is not an object"),
        )),
    }
}

fn required_str<'a>(object: &'a Node, key: &str, what: &str) -> Result<&'a str, ParseError> {
    optional_str(object, key, what)?
        .ok_or_else(|| ParseError::new(object.span.start, format!("{what} has no `{key}`")))
}

/// A string member; `None` when absent or `null`.
fn optional_str<'a>(
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

    use super::*;
    use crate::source::{Region, SourceFile};

    const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/terraform/plan");

    fn fixture_source(rel: &str) -> SharedSource {
        let text = std::fs::read_to_string(format!("{FIXTURE}/{rel}")).unwrap();
        Arc::new(SourceFile::new(format!("plan/{rel}"), text))
    }

    fn fixture() -> Vec<Resource> {
        parse(&fixture_source("plan.json")).unwrap()
    }

    fn parse_text(text: &str) -> Vec<Resource> {
        parse(&Arc::new(SourceFile::new("plan.json", text.to_owned()))).unwrap()
    }

    /// The error's 1-based line and column, and its message.
    fn error(text: &str) -> ((usize, usize), String) {
        let source = Arc::new(SourceFile::new("plan.json", text.to_owned()));
        let err = parse(&source).unwrap_err();
        (source.position(err.offset), err.message)
    }

    fn get<'a>(resources: &'a [Resource], id: &str) -> &'a Resource {
        resources
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no {id}"))
    }

    fn json(text: &str) -> Value {
        Value::from_json_str(text).unwrap()
    }

    /// `rule.0.days` → [Key("rule"), Index(0), Key("days")].
    fn path(dotted: &str) -> ValuePath {
        dotted
            .split('.')
            .map(|seg| match seg.parse() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::Key(seg.to_owned()),
            })
            .collect()
    }

    fn unknown(resource: &Resource) -> Vec<String> {
        resource.unknown.iter().map(|u| dotted(&u.path)).collect()
    }

    fn refs(entries: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|a| a.to_string()).collect()))
            .collect()
    }

    fn region(resource: &Resource, span: Span) -> Region {
        resource.source.region(span)
    }

    #[test]
    fn every_planned_resource_at_every_module_level() {
        let resources = fixture();
        let ids: Vec<&str> = resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "aws_instance.web[0]",
                "aws_instance.web[1]",
                "aws_s3_bucket.logs",
                "aws_s3_bucket_lifecycle_configuration.logs",
                "data.aws_iam_policy_document.logs",
                "module.logs.aws_cloudwatch_log_group.this",
            ]
        );
        let shape: Vec<(&str, &str, Option<&str>)> = resources
            .iter()
            .map(|r| (r.kind.as_str(), r.name.as_str(), r.provider.as_deref()))
            .collect();
        assert_eq!(
            shape,
            [
                ("aws_instance", "web", Some("aws.west")),
                ("aws_instance", "web", Some("aws.west")),
                ("aws_s3_bucket", "logs", Some("aws")),
                ("aws_s3_bucket_lifecycle_configuration", "logs", Some("aws")),
                ("aws_iam_policy_document", "logs", Some("aws")),
                ("aws_cloudwatch_log_group", "this", Some("aws")),
            ]
        );
        for r in &resources {
            assert_eq!(r.format, Format::Plan);
            assert_eq!(r.namespace, None);
            assert_eq!(r.source.path, "plan/plan.json");
            assert!(r.module_calls.is_empty() && r.helm_source.is_none());
        }
    }

    #[test]
    fn config_is_the_planned_values() {
        let resources = fixture();
        assert_eq!(
            get(&resources, "aws_s3_bucket.logs").config,
            json(
                r#"{"bucket": "shop-logs", "force_destroy": false, "timeouts": null,
                    "tags": {"Name": "shop-logs"},
                    "tags_all": {"Name": "shop-logs", "cost-center": "cc-1001",
                                 "environment": "production", "owner": "platform"}}"#
            )
        );
        let web = get(&resources, "aws_instance.web[1]");
        assert_eq!(web.config["tags"], json(r#"{"Name": "web-1"}"#));
        assert_eq!(web.config["launch_template"], json("[]"));
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        assert_eq!(
            lifecycle.config["rule"][0]["expiration"],
            json(r#"[{"date": null, "days": 90}]"#)
        );
        // Unknown values are not in the plan's values, so not in config.
        assert_eq!(lifecycle.config["bucket"], Value::Undefined);
    }

    #[test]
    fn unknown_paths_come_from_after_unknown() {
        let resources = fixture();
        assert_eq!(
            unknown(get(&resources, "aws_s3_bucket.logs")),
            [
                "acceleration_status",
                "arn",
                "bucket_domain_name",
                "bucket_regional_domain_name",
                "hosted_zone_id",
                "id",
                "object_lock_enabled",
                "region",
                "server_side_encryption_configuration",
                "versioning",
            ]
        );
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        assert_eq!(
            unknown(lifecycle),
            [
                "bucket",
                "id",
                "rule.0.expiration.0.expired_object_delete_marker"
            ]
        );
        assert_eq!(
            lifecycle.unknown[2].path,
            path("rule.0.expiration.0.expired_object_delete_marker")
        );
        assert!(lifecycle.unknown.iter().all(|u| u.cause == Cause::Resource));
        // Known list items are marked `false` and skipped; a data source
        // read at apply is unknown because it is a data source.
        let data = get(&resources, "data.aws_iam_policy_document.logs");
        assert_eq!(
            unknown(data),
            ["id", "json", "minified_json", "statement.0.resources"]
        );
        assert!(data.unknown.iter().all(|u| u.cause == Cause::DataSource));
        let web = get(&resources, "aws_instance.web[0]");
        assert!(unknown(web).contains(&"tags.Bucket".to_owned()));
        assert!(unknown(web).contains(&"tags_all".to_owned()));
        assert_eq!(web.unknown.len(), 13);
    }

    #[test]
    fn references_come_from_configuration_expressions() {
        let resources = fixture();
        let web = refs(&[
            ("count", &["var.instance_count"]),
            ("tags", &["aws_s3_bucket.logs"]),
        ]);
        assert_eq!(get(&resources, "aws_instance.web[0]").references, web);
        assert_eq!(get(&resources, "aws_instance.web[1]").references, web);
        assert!(get(&resources, "aws_s3_bucket.logs").references.is_empty());
        assert_eq!(
            get(&resources, "aws_s3_bucket_lifecycle_configuration.logs").references,
            refs(&[
                ("bucket", &["aws_s3_bucket.logs"]),
                ("rule.0.expiration.0.days", &["var.log_retention_days"]),
            ])
        );
        assert_eq!(
            get(&resources, "data.aws_iam_policy_document.logs").references,
            refs(&[("statement.0.resources", &["aws_s3_bucket.logs"])])
        );
        assert_eq!(
            get(&resources, "module.logs.aws_cloudwatch_log_group.this").references,
            refs(&[("name", &["module.logs.var.bucket"])])
        );
    }

    #[test]
    fn tags_are_tags_all_and_unknown_tag_keys_are_listed() {
        let resources = fixture();
        let bucket = get(&resources, "aws_s3_bucket.logs");
        assert_eq!(bucket.tags, bucket.config["tags_all"]);
        assert!(bucket.tags_unknown.is_empty());
        // `tags_all` is unknown as a whole (a tag value is): the known own
        // tags, with `*` for what the defaults may add and the unknown key.
        let web = get(&resources, "aws_instance.web[0]");
        assert_eq!(web.tags, json(r#"{"Name": "web-0"}"#));
        assert_eq!(web.tags_unknown, ["*", "Bucket"]);
        let module = get(&resources, "module.logs.aws_cloudwatch_log_group.this");
        assert_eq!(
            module.tags,
            json(
                r#"{"component": "logs", "cost-center": "cc-1001",
                    "environment": "production", "owner": "platform"}"#
            )
        );
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        assert_eq!(lifecycle.tags, Value::new_object());
        assert!(lifecycle.tags_unknown.is_empty());
    }

    #[test]
    fn header_and_spans_point_into_the_plan() {
        let resources = fixture();
        let bucket = get(&resources, "aws_s3_bucket.logs");
        // `"address": "aws_s3_bucket.logs"`
        assert_eq!(region(bucket, bucket.header), Region::new(72, 11, 72, 42));
        assert_eq!(
            region(bucket, bucket.spans.key.unwrap()),
            Region::new(78, 11, 78, 19)
        );
        assert_eq!(
            region(bucket, bucket.spans.value),
            Region::new(78, 21, 91, 12)
        );
        let owner = bucket.spans.deepest(&path("tags_all.owner"));
        assert_eq!(owner.1, 2);
        assert_eq!(region(bucket, owner.0.value), Region::new(88, 24, 88, 34));
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        let days = lifecycle.spans.deepest(&path("rule.0.expiration.0.days"));
        assert_eq!(days.1, 5);
        assert_eq!(
            region(lifecycle, days.0.value),
            Region::new(112, 29, 112, 31)
        );
        let module = get(&resources, "module.logs.aws_cloudwatch_log_group.this");
        assert_eq!(region(module, module.header), Region::new(211, 15, 211, 69));
    }

    /// Module instance keys, old-style provider keys, `for_each`,
    /// `depends_on`, a single nested block, Google labels, a deposed change,
    /// a resource without known values.
    const MODULES: &str = r#"{
  "format_version": "1.0",
  "planned_values": {
    "root_module": {
      "child_modules": [
        {
          "address": "module.app[\"eu.west\"]",
          "resources": [
            {
              "address": "module.app[\"eu.west\"].aws_sqs_queue.q[\"jobs\"]",
              "mode": "managed", "type": "aws_sqs_queue", "name": "q", "index": "jobs",
              "values": {"name": "jobs", "policy": null, "redrive": [null], "tags": {"team": "core"}}
            }
          ],
          "child_modules": [
            {
              "address": "module.app[\"eu.west\"].module.gcp",
              "resources": [
                {
                  "address": "module.app[\"eu.west\"].module.gcp.google_storage_bucket.b",
                  "mode": "managed", "type": "google_storage_bucket", "name": "b",
                  "values": {"labels": {"team": "core"}, "effective_labels": {"env": "prod", "team": "core"}, "tags": {"x": "y"}}
                },
                {
                  "address": "module.app[\"eu.west\"].module.gcp.google_compute_instance.vm",
                  "mode": "managed", "type": "google_compute_instance", "name": "vm"
                }
              ]
            }
          ]
        }
      ]
    }
  },
  "resource_changes": [
    {
      "address": "module.app[\"eu.west\"].aws_sqs_queue.q[\"jobs\"]",
      "deposed": "00000001",
      "change": {"actions": ["delete"], "after_unknown": {"name": true}}
    },
    {
      "address": "module.app[\"eu.west\"].aws_sqs_queue.q[\"jobs\"]",
      "change": {"actions": ["create"], "after_unknown": {"arn": true, "policy": true, "redrive": [true], "tags": {}, "tags_all": true}}
    },
    {
      "address": "module.app[\"eu.west\"].module.gcp.google_compute_instance.vm",
      "change": {"actions": ["create"], "after_unknown": {"effective_labels": true, "labels": true, "tags": true}}
    }
  ],
  "configuration": {
    "root_module": {
      "module_calls": {
        "app": {
          "source": "./app",
          "for_each_expression": {"references": ["var.regions"]},
          "module": {
            "resources": [
              {
                "address": "aws_sqs_queue.q",
                "mode": "managed", "type": "aws_sqs_queue", "name": "q",
                "provider_config_key": "module.app:aws.east",
                "expressions": {
                  "name": {"references": ["each.key"]},
                  "redrive_policy": {"references": ["module.dlq.arn", "module.dlq", "path.module", "terraform.workspace"]},
                  "encryption": {"kms_key": {"references": ["data.aws_kms_key.k[0].arn", "data.aws_kms_key.k[0]", "data.aws_kms_key.k"]}},
                  "tags": {"constant_value": {"team": "core"}}
                },
                "for_each_expression": {"references": ["local.queues"]},
                "depends_on": ["aws_iam_role.r", "module.dlq"]
              }
            ],
            "module_calls": {
              "gcp": {
                "source": "./gcp",
                "module": {
                  "resources": [
                    {
                      "address": "google_storage_bucket.b",
                      "mode": "managed", "type": "google_storage_bucket", "name": "b",
                      "provider_config_key": "module.app.module.gcp:google",
                      "expressions": {"labels": {"references": ["var.labels"]}}
                    }
                  ]
                }
              }
            }
          }
        }
      }
    }
  }
}"#;

    #[test]
    fn modules_with_instance_keys_and_old_provider_keys() {
        let resources = parse_text(MODULES);
        let queue = get(
            &resources,
            r#"module.app["eu.west"].aws_sqs_queue.q["jobs"]"#,
        );
        assert_eq!(queue.provider.as_deref(), Some("aws.east"));
        let m = r#"module.app["eu.west"]."#;
        assert_eq!(
            queue.references,
            refs(&[
                (
                    "depends_on",
                    &[&format!("{m}aws_iam_role.r"), &format!("{m}module.dlq"),]
                ),
                ("encryption.0.kms_key", &[&format!("{m}data.aws_kms_key.k")]),
                ("for_each", &[&format!("{m}local.queues")]),
                ("redrive_policy", &[&format!("{m}module.dlq")]),
            ])
        );
        // The deposed object's change is not the planned one.
        assert_eq!(unknown(queue), ["arn", "policy", "redrive.0", "tags_all"]);
        // A null standing for an unknown value leaves config; a list item
        // keeps its place.
        assert_eq!(
            queue.config,
            json(r#"{"name": "jobs", "redrive": [null], "tags": {"team": "core"}}"#)
        );
        assert_eq!(queue.tags, json(r#"{"team": "core"}"#));
        assert_eq!(queue.tags_unknown, ["*"]);

        let bucket = get(
            &resources,
            r#"module.app["eu.west"].module.gcp.google_storage_bucket.b"#,
        );
        assert_eq!(bucket.provider.as_deref(), Some("google"));
        assert_eq!(bucket.tags, json(r#"{"env": "prod", "team": "core"}"#));
        assert_eq!(
            bucket.references,
            refs(&[("labels", &[&format!("{m}module.gcp.var.labels")])])
        );

        // No configuration entry: the provider comes from the type. No
        // values: an empty config, spans over the resource object.
        let vm = get(
            &resources,
            r#"module.app["eu.west"].module.gcp.google_compute_instance.vm"#,
        );
        assert_eq!(vm.provider.as_deref(), Some("google"));
        assert_eq!(vm.config, Value::new_object());
        assert_eq!(vm.spans.children, SpanChildren::Map(Vec::new()));
        assert_eq!(vm.source.text.as_bytes()[vm.spans.value.start], b'{');
        assert!(vm.references.is_empty());
        assert_eq!(vm.tags, Value::new_object());
        assert_eq!(vm.tags_unknown, ["*"]);
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

    #[test]
    fn no_input_panics() {
        let text = std::fs::read_to_string(format!("{FIXTURE}/plan.json")).unwrap();
        let mut inputs: Vec<String> = (0..text.len())
            .step_by(211)
            .filter(|&end| text.is_char_boundary(end))
            .map(|end| text[..end].to_owned())
            .collect();
        // Every member of a plan with modules and configuration in turn
        // holding the wrong kind of value.
        let plan: serde_json::Value = serde_json::from_str(MODULES).unwrap();
        let mut pointers = Vec::new();
        json_pointers(&plan, String::new(), &mut pointers);
        for pointer in &pointers {
            for wrong in [
                serde_json::json!([]),
                serde_json::json!({}),
                serde_json::json!(true),
            ] {
                let mut broken = plan.clone();
                if let Some(slot) = broken.pointer_mut(pointer) {
                    *slot = wrong;
                }
                inputs.push(broken.to_string());
            }
        }
        assert!(inputs.len() > 300);
        for input in inputs {
            let _ = parse(&Arc::new(SourceFile::new("plan.json", input)));
        }
    }

    fn json_pointers(value: &serde_json::Value, at: String, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    json_pointers(
                        child,
                        format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")),
                        out,
                    );
                }
            }
            serde_json::Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    json_pointers(child, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
        out.push(at);
    }

    #[test]
    fn relocate_points_plan_resources_at_their_blocks() {
        let mut resources = fixture();
        let sources = [
            fixture_source("main.tf"),
            fixture_source("modules/logs/main.tf"),
        ];
        let terraform = crate::parse::terraform::evaluate_sources(&sources, &[])
            .remove("plan")
            .unwrap();
        relocate(&mut resources, &terraform);
        let at = |id: &str| {
            let r = get(&resources, id);
            (r.source.path.clone(), region(r, r.header))
        };
        let main = "plan/main.tf".to_owned();
        assert_eq!(
            at("aws_s3_bucket.logs"),
            (main.clone(), Region::new(41, 1, 41, 32))
        );
        // `count = var.instance_count` (default 2): each instance has its
        // own resource, at the same block.
        assert_eq!(
            at("aws_instance.web[0]"),
            (main.clone(), Region::new(66, 1, 66, 30))
        );
        assert_eq!(
            at("aws_instance.web[1]"),
            (main.clone(), Region::new(66, 1, 66, 30))
        );
        assert_eq!(
            at("data.aws_iam_policy_document.logs"),
            (main.clone(), Region::new(78, 1, 78, 38))
        );
        // A module's resources land in the module's file.
        assert_eq!(
            at("module.logs.aws_cloudwatch_log_group.this"),
            (
                "plan/modules/logs/main.tf".to_owned(),
                Region::new(8, 1, 8, 43)
            )
        );
        // Findings on a value land on its attribute in the .tf file; values
        // the .tf does not write fall back to the block header.
        let lifecycle = get(&resources, "aws_s3_bucket_lifecycle_configuration.logs");
        let days = crate::locate::span_of(lifecycle, &path("rule.0.expiration.0.days"));
        assert_eq!(lifecycle.source.region(days).start_line, 61);
        let bucket = get(&resources, "aws_s3_bucket.logs");
        let tags_all = crate::locate::span_of(bucket, &path("tags_all.owner"));
        assert_eq!(tags_all, bucket.header);
        // What policies see is still the plan's.
        assert_eq!(bucket.format, Format::Plan);
        assert_eq!(bucket.config["tags_all"]["owner"], Value::from("platform"));
    }

    #[test]
    fn relocate_prefers_the_exact_instance() {
        // Two one-file roots, so both blocks are evaluated.
        let tf = |path: &str, text: &str| {
            let source = Arc::new(SourceFile::new(path, text.to_owned()));
            crate::parse::terraform::evaluate_sources(&[source], &[])
                .remove(".")
                .unwrap()
        };
        let mut terraform = tf(
            "a.tf",
            "resource \"aws_instance\" \"web\" {\n  count = 2\n}\n",
        );
        terraform.extend(tf(
            "b.tf",
            "variable \"n\" {}\nresource \"aws_instance\" \"web\" {\n  count = var.n\n}\n",
        ));
        terraform.retain(|r| r.kind == "aws_instance");
        let ids: Vec<&str> = terraform.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "aws_instance.web[0]",
                "aws_instance.web[1]",
                "aws_instance.web"
            ]
        );
        let mut plan = parse_text(
            r#"{"planned_values": {"root_module": {"resources": [
                {"address": "aws_instance.web[1]", "type": "aws_instance", "name": "web", "values": {}},
                {"address": "aws_instance.web[5]", "type": "aws_instance", "name": "web", "values": {}},
                {"address": "aws_instance.db", "type": "aws_instance", "name": "db", "values": {}}
            ]}}}"#,
        );
        relocate(&mut plan, &terraform);
        let files: Vec<&str> = plan.iter().map(|r| r.source.path.as_str()).collect();
        assert_eq!(files, ["a.tf", "b.tf", "plan.json"]);
        assert_eq!(plan[1].source.region(plan[1].header).start_line, 2);
    }

    #[test]
    fn relocation_candidates_drop_instance_keys() {
        assert_eq!(
            relocation_candidates("aws_s3_bucket.b"),
            ["aws_s3_bucket.b"]
        );
        assert_eq!(
            relocation_candidates(r#"module.a["x.y"].module.b[0].aws_s3_bucket.c["k"]"#),
            [
                r#"module.a["x.y"].module.b[0].aws_s3_bucket.c["k"]"#,
                r#"module.a["x.y"].module.b[0].aws_s3_bucket.c"#,
                r#"module.a.module.b.aws_s3_bucket.c["k"]"#,
                "module.a.module.b.aws_s3_bucket.c",
            ]
        );
        assert_eq!(
            relocation_candidates("module.m.data.aws_ami.x[0]"),
            ["module.m.data.aws_ami.x[0]", "module.m.data.aws_ami.x"]
        );
    }

    #[test]
    fn references_reduce_to_object_addresses() {
        let reduce = |r| object_address(r);
        assert_eq!(
            reduce("aws_s3_bucket.b.id").as_deref(),
            Some("aws_s3_bucket.b")
        );
        assert_eq!(
            reduce("aws_instance.w[0].id").as_deref(),
            Some("aws_instance.w")
        );
        assert_eq!(
            reduce(r#"data.template_file.f[1].vars["baz"]"#).as_deref(),
            Some("data.template_file.f")
        );
        assert_eq!(reduce("module.m.out").as_deref(), Some("module.m"));
        assert_eq!(reduce("var.list[0]").as_deref(), Some("var.list"));
        assert_eq!(reduce("local.tags").as_deref(), Some("local.tags"));
        for not_an_object in [
            "count.index",
            "each.value",
            "self.id",
            "path.module",
            "terraform.workspace",
            "var",
            "data.x",
            "",
        ] {
            assert_eq!(reduce(not_an_object), None, "{not_an_object}");
        }
    }
}
