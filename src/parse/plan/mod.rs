//! Terraform plan JSON, the output of `terraform show -json PLANFILE`
//! (docs/architecture.md "Input model"): every resource instance of
//! `planned_values`, at every module level, becomes a [`Resource`] whose
//! `config` is its planned `values`, whose `unknown` paths come from `after_unknown` in
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
//! Plan resources point into the plan file until [`relocate()`] points them at
//! the `.tf` blocks they were planned from.
//!
//! Each step has its own file: `document.rs` reads and checks the file,
//! `planned.rs` walks `planned_values` into resources, `unknowns.rs` reads
//! `after_unknown`, `references.rs` reads `configuration`, and `relocate.rs`
//! maps the resources back to their blocks.

mod document;
mod planned;
mod references;
mod relocate;
mod unknowns;

use self::document::{check_format_version, expect_object, non_null, plan_root};
use self::planned::Plan;
use self::references::configuration_index;
use self::unknowns::after_unknown_by_address;
use crate::model::Resource;
use crate::parse::ParseError;
use crate::source::SharedSource;
use crate::yaml::duplicate_keys;

pub use self::relocate::relocate;

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

#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::testing::{FIXTURE, MODULES};
    use super::*;
    use crate::source::SourceFile;

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
}
