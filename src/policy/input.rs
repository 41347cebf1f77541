//! Turns a bundle into the `input` document policies see (docs/architecture.md
//! "Input model"), building `regorus::Value`s directly: a round trip through
//! serde_json costs more than parsing the files did.

use std::collections::BTreeMap;

use regorus::Value;

use crate::model::{Bundle, PathSeg, Resource};

fn s(text: &str) -> Value {
    Value::from(text)
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    let map: BTreeMap<Value, Value> = entries.into_iter().map(|(k, v)| (s(k), v)).collect();
    Value::from(map)
}

/// A value path as a Rego array.
pub fn path_value(path: &[PathSeg]) -> Value {
    Value::from(
        path.iter()
            .map(|seg| match seg {
                PathSeg::Key(k) => s(k),
                PathSeg::Index(i) => Value::from(*i as u64),
            })
            .collect::<Vec<_>>(),
    )
}

/// One resource as policies see it.
pub fn resource_value(resource: &Resource) -> Value {
    let references: BTreeMap<Value, Value> = resource
        .references
        .iter()
        .map(|(k, v)| {
            (
                s(k),
                Value::from(v.iter().map(|a| s(a)).collect::<Vec<_>>()),
            )
        })
        .collect();
    let opt = |v: &Option<String>| v.as_deref().map(s).unwrap_or(Value::Null);
    let mut value = object(vec![
        ("id", s(&resource.id)),
        ("format", s(resource.format.as_str())),
        ("type", s(&resource.kind)),
        ("name", s(&resource.name)),
        ("namespace", opt(&resource.namespace)),
        ("provider", opt(&resource.provider)),
        ("file", s(&resource.source.path)),
        ("config", resource.config.clone()),
        (
            "unknown",
            Value::from(
                resource
                    .unknown
                    .iter()
                    .map(|u| path_value(&u.path))
                    .collect::<Vec<_>>(),
            ),
        ),
        ("references", Value::from(references)),
        ("tags", resource.tags.clone()),
        (
            "tags_unknown",
            Value::from(
                resource
                    .tags_unknown
                    .iter()
                    .map(|k| s(k))
                    .collect::<Vec<_>>(),
            ),
        ),
    ]);
    if resource.declaration_only {
        // Only on blocks that create nothing, so that every other resource
        // reads exactly as before and a policy testing `r.instances == 0`
        // needs no default.
        if let Ok(map) = value.as_object_mut() {
            map.insert(s("instances"), Value::from(0u64));
        }
    }
    value
}

/// The whole `input` for one bundle.
pub fn bundle_input(bundle: &Bundle) -> Value {
    bundle_value(bundle, resource_value)
}

fn bundle_value(bundle: &Bundle, resource: impl Fn(&Resource) -> Value) -> Value {
    object(vec![
        (
            "bundle",
            object(vec![
                ("format", s(bundle.format.as_str())),
                ("path", s(&bundle.path)),
            ]),
        ),
        (
            "resources",
            Value::from(bundle.resources.iter().map(resource).collect::<Vec<_>>()),
        ),
    ])
}

/// [`bundle_input`] with `unknown_causes` on each resource: `[{path, cause}]`
/// for every unknown path, and `{path: ["tags"], cause}` when the effective
/// tags are not fully known (`scalegate inspect --explain-unknown`).
pub fn bundle_input_explained(bundle: &Bundle) -> Value {
    bundle_value(bundle, |resource| {
        let mut value = resource_value(resource);
        let mut causes: Vec<Value> = resource
            .unknown
            .iter()
            .map(|u| {
                object(vec![
                    ("path", path_value(&u.path)),
                    ("cause", s(&u.cause.to_string())),
                ])
            })
            .collect();
        if let Some(cause) = &resource.tags_cause {
            causes.push(object(vec![
                ("path", path_value(&[PathSeg::Key("tags".into())])),
                ("cause", s(&cause.to_string())),
            ]));
        }
        if let Ok(map) = value.as_object_mut() {
            map.insert(s("unknown_causes"), Value::from(causes));
        }
        value
    })
}
