//! References from the unevaluated expressions of `configuration`: every
//! configuration resource by module call and address, and for each of its
//! attributes the objects it refers to, as the Terraform parser names them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::document::{array, entries, expect_object, non_null, required_str};
use crate::address::steps;
use crate::model::{dotted, PathSeg, References, ValuePath};
use crate::parse::ParseError;
use crate::yaml::{Node, NodeValue};

/// Every resource of `configuration`, by module call names and module-local
/// address.
pub(super) fn configuration_index(
    root: &Node,
) -> Result<HashMap<(Vec<&str>, String), &Node>, ParseError> {
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
pub(super) fn references(resource: &Node, prefix: &str) -> References {
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
            // makes every nested block a list (docs/architecture.md "Input model").
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

#[cfg(test)]
mod tests {
    use super::object_address;
    use crate::parse::plan::testing::{fixture, get, refs};

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
