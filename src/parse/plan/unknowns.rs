//! Unknown values: `after_unknown` of `resource_changes`, by address, turned
//! into the paths of values only apply will know. Some Terraform versions
//! also write such a value as `null` in `planned_values`; it is removed from
//! `config` here, as unknown values are absent from it everywhere else.

use std::collections::HashMap;

use regorus::Value;

use super::document::{array, expect_object, non_null, required_str};
use crate::model::{PathSeg, ValuePath};
use crate::parse::ParseError;
use crate::yaml::{Node, NodeValue};

/// `change.after_unknown` of every current resource instance, by address.
pub(super) fn after_unknown_by_address(root: &Node) -> Result<HashMap<&str, &Node>, ParseError> {
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

/// Every path whose mark in `after_unknown` is `true`. Objects are walked by
/// key; lists by index, where known elements are marked `false`.
pub(super) fn unknown_paths(marks: &Node, path: &mut ValuePath, out: &mut Vec<ValuePath>) {
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

/// Removes a `null` that stands for an unknown value from an object, so unknown
/// values are left out of `config` (docs/architecture.md "Input model") also in
/// plans whose Terraform wrote them as null. List items stay: their indexes
/// must not move.
pub(super) fn remove_null(config: &mut Value, path: &[PathSeg]) {
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

#[cfg(test)]
mod tests {
    use crate::model::Cause;
    use crate::parse::plan::testing::{fixture, get, path, unknown};

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
}
