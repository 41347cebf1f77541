//! Effective tags (docs/architecture.md "Input model" `tags`): what the cloud
//! would apply to a resource, as far as it is known. AWS merges the provider's
//! `default_tags` under the resource's own `tags` and drops `ignore_tags`;
//! autoscaling groups take their `tag {}` blocks instead; Azure uses `tags`
//! (keys compare without case, in the policies); Google uses labels, whose
//! attribute depends on the type.

use std::collections::BTreeMap;

use regorus::Value;

use crate::model::{Cause, PathSeg, Unknown, ValuePath};

/// Google types whose labels are not in `labels`, and where they are.
/// Every other `google_*` type uses `labels`. Reflects hashicorp/google 6.x.
/// The one copy: the policies read it as data ([`google_label_attributes`]).
const GOOGLE_LABEL_PATHS: [(&str, &[&str]); 3] = [
    ("google_container_cluster", &["resource_labels"]),
    (
        "google_sql_database_instance",
        &["settings", "0", "user_labels"],
    ),
    (
        "google_container_node_pool",
        &["node_config", "0", "labels"],
    ),
];

/// [`GOOGLE_LABEL_PATHS`] as the policies read it,
/// `data.scalegate.google_label_attributes`: type → path in `config`, a list
/// index as a number (`["settings", 0, "user_labels"]`). The pack's tag
/// library finds where a label is written from it, so the parser and the
/// rules cannot disagree on where a type keeps its labels.
pub(crate) fn google_label_attributes() -> Value {
    let table: BTreeMap<Value, Value> = GOOGLE_LABEL_PATHS
        .iter()
        .map(|(kind, path)| {
            let path: Vec<Value> = path
                .iter()
                .map(|s| match s.parse::<u64>() {
                    Ok(i) => Value::from(i),
                    Err(_) => Value::from(*s),
                })
                .collect();
            (Value::from(*kind), Value::from(path))
        })
        .collect();
    Value::from(table)
}

/// A tag map as far as it is known: the known entries, the keys whose
/// value is unknown, and whether it may hold keys that cannot be seen.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct TagMap {
    pub known: BTreeMap<String, Value>,
    pub unknown_keys: Vec<String>,
    pub open: Option<Cause>,
    /// Why the first of `unknown_keys` is unknown.
    pub unknown_cause: Option<Cause>,
}

impl TagMap {
    /// The map at `path` of a walked block: its known entries from `config`
    /// and what `unknown` says about it.
    pub fn at(config: &Value, unknown: &[Unknown], path: &[PathSeg]) -> TagMap {
        let mut map = TagMap::default();
        let mut value = config;
        let mut found = true;
        for seg in path {
            let next = match seg {
                PathSeg::Key(k) => value
                    .as_object()
                    .ok()
                    .and_then(|o| o.get(&Value::from(k.as_str()))),
                PathSeg::Index(i) => value.as_array().ok().and_then(|a| a.get(*i)),
            };
            match next {
                Some(v) => value = v,
                None => {
                    found = false;
                    break;
                }
            }
        }
        if found {
            if let Ok(object) = value.as_object() {
                for (k, v) in object.iter() {
                    if let Value::String(k) = k {
                        map.known.insert(k.to_string(), v.clone());
                    }
                }
            }
        }
        for u in unknown {
            // The map itself or one of its ancestors is unknown.
            if path.starts_with(&u.path) {
                map.open = Some(u.cause.clone());
                continue;
            }
            if u.path.len() > path.len() && u.path.starts_with(path) {
                match &u.path[path.len()] {
                    PathSeg::Key(k) if k == "*" => map.open = Some(u.cause.clone()),
                    PathSeg::Key(k) => {
                        if !map.unknown_keys.contains(k) {
                            map.unknown_keys.push(k.clone());
                        }
                        map.unknown_cause.get_or_insert_with(|| u.cause.clone());
                    }
                    PathSeg::Index(_) => {}
                }
            }
        }
        map
    }

    /// `self` with `over` merged on top, the way `merge()` and AWS
    /// `default_tags` combine: `over` wins for every key it may hold.
    fn overlay(mut self, over: TagMap) -> TagMap {
        if let Some(cause) = &over.open {
            // Any key of `self` may be replaced by one we cannot see.
            for key in std::mem::take(&mut self.known).into_keys() {
                if !self.unknown_keys.contains(&key) {
                    self.unknown_keys.push(key);
                }
            }
            self.open = Some(cause.clone());
        }
        if over.unknown_cause.is_some() {
            self.unknown_cause = over.unknown_cause.clone();
        }
        for key in &over.unknown_keys {
            self.known.remove(key);
            if !self.unknown_keys.contains(key) {
                self.unknown_keys.push(key.clone());
            }
        }
        for (key, value) in over.known {
            self.unknown_keys.retain(|k| *k != key);
            self.known.insert(key, value);
        }
        self
    }
}

/// What a provider configuration contributes to its resources' tags.
#[derive(Debug, Clone, Default)]
pub(super) struct ProviderTags {
    pub default_tags: TagMap,
    pub ignore_keys: Vec<String>,
    pub ignore_prefixes: Vec<String>,
}

impl ProviderTags {
    /// Reads `default_tags { tags = … }` and `ignore_tags { keys, key_prefixes }`
    /// from a walked `provider "aws"` block.
    pub fn from_provider(config: &Value, unknown: &[Unknown]) -> ProviderTags {
        let path = |segs: &[&str]| -> ValuePath {
            segs.iter()
                .map(|s| match s.parse::<usize>() {
                    Ok(i) => PathSeg::Index(i),
                    Err(_) => PathSeg::Key((*s).to_owned()),
                })
                .collect()
        };
        let strings = |segs: &[&str]| -> Vec<String> {
            let mut value = config;
            for seg in segs {
                let next = match seg.parse::<usize>() {
                    Ok(i) => value.as_array().ok().and_then(|a| a.get(i)),
                    Err(_) => value
                        .as_object()
                        .ok()
                        .and_then(|o| o.get(&Value::from(*seg))),
                };
                match next {
                    Some(v) => value = v,
                    None => return Vec::new(),
                }
            }
            value
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|v| v.as_string().ok().map(|s| s.to_string()))
                        .collect()
                })
                .unwrap_or_default()
        };
        ProviderTags {
            default_tags: TagMap::at(config, unknown, &path(&["default_tags", "0", "tags"])),
            ignore_keys: strings(&["ignore_tags", "0", "keys"]),
            ignore_prefixes: strings(&["ignore_tags", "0", "key_prefixes"]),
        }
    }
}

/// The effective tags of a resource of type `kind` and the keys among them
/// whose value is unknown (`*` when it may hold more), from its walked
/// `config` and `unknown` paths and its provider configuration.
pub(super) fn effective(
    kind: &str,
    config: &Value,
    unknown: &[Unknown],
    provider: Option<&ProviderTags>,
) -> (Value, Vec<String>, Option<Cause>) {
    let key = |k: &str| vec![PathSeg::Key(k.to_owned())];
    let map = match kind.split('_').next().unwrap_or_default() {
        "aws" if kind == "aws_autoscaling_group" => autoscaling_tags(config, unknown),
        "aws" => {
            let own = TagMap::at(config, unknown, &key("tags"));
            let mut map = match provider {
                Some(p) => p.default_tags.clone().overlay(own),
                None => own,
            };
            if let Some(p) = provider {
                let ignored = |k: &str| {
                    p.ignore_keys.iter().any(|i| i == k)
                        || p.ignore_prefixes
                            .iter()
                            .any(|prefix| k.starts_with(prefix.as_str()))
                };
                map.known.retain(|k, _| !ignored(k));
                map.unknown_keys.retain(|k| !ignored(k));
            }
            map
        }
        "google" => {
            let path: ValuePath = GOOGLE_LABEL_PATHS
                .iter()
                .find(|(t, _)| *t == kind)
                .map(|(_, p)| {
                    p.iter()
                        .map(|s| match s.parse::<usize>() {
                            Ok(i) => PathSeg::Index(i),
                            Err(_) => PathSeg::Key((*s).to_owned()),
                        })
                        .collect()
                })
                .unwrap_or_else(|| key("labels"));
            TagMap::at(config, unknown, &path)
        }
        _ => TagMap::at(config, unknown, &key("tags")),
    };
    finish(map)
}

/// An autoscaling group's tags: its `tag { key, value }` blocks and the
/// legacy `tags = [{ key, value, … }]` list; provider `default_tags` do not
/// apply to it.
fn autoscaling_tags(config: &Value, unknown: &[Unknown]) -> TagMap {
    let mut map = TagMap::default();
    for attr in ["tag", "tags"] {
        let path = vec![PathSeg::Key(attr.to_owned())];
        for u in unknown {
            if u.path.starts_with(&path) || path.starts_with(&u.path) {
                // Whether it is the whole list or one entry's key/value, we
                // cannot tell which tag it is.
                map.open = Some(u.cause.clone());
            }
        }
        let Some(Ok(items)) = config
            .as_object()
            .ok()
            .and_then(|o| o.get(&Value::from(attr)))
            .map(|v| v.as_array())
        else {
            continue;
        };
        for item in items {
            let Ok(entry) = item.as_object() else {
                continue;
            };
            if let Some(Value::String(k)) = entry.get(&Value::from("key")) {
                let value = entry
                    .get(&Value::from("value"))
                    .cloned()
                    .unwrap_or(Value::Null);
                map.known.insert(k.to_string(), value);
            }
        }
    }
    map
}

/// The tags as policies see them, the keys that are unknown, and why.
fn finish(map: TagMap) -> (Value, Vec<String>, Option<Cause>) {
    let known: BTreeMap<Value, Value> = map
        .known
        .into_iter()
        .map(|(k, v)| (Value::from(k), v))
        .collect();
    let mut unknown = map.unknown_keys;
    unknown.sort();
    if map.open.is_some() {
        unknown.push("*".to_owned());
    }
    let cause = map
        .open
        .or_else(|| (!unknown.is_empty()).then_some(map.unknown_cause?));
    (Value::from(known), unknown, cause)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        Value::from_json_str(text).unwrap()
    }

    fn unknown(path: &[&str]) -> Unknown {
        Unknown {
            path: path
                .iter()
                .map(|s| match s.parse::<usize>() {
                    Ok(i) => PathSeg::Index(i),
                    Err(_) => PathSeg::Key((*s).to_owned()),
                })
                .collect(),
            cause: Cause::Resource,
        }
    }

    #[test]
    fn aws_default_tags_merge_under_resource_tags_minus_ignored() {
        let provider = ProviderTags::from_provider(
            &json(
                r#"{"default_tags":[{"tags":{"owner":"platform","env":"prod","kubernetes.io/x":"1"}}],
                     "ignore_tags":[{"key_prefixes":["kubernetes.io/"]}]}"#,
            ),
            &[],
        );
        let (tags, unknown, _) = effective(
            "aws_s3_bucket",
            &json(r#"{"tags":{"env":"dev","Name":"logs"}}"#),
            &[],
            Some(&provider),
        );
        assert_eq!(
            tags,
            json(r#"{"Name":"logs","env":"dev","owner":"platform"}"#)
        );
        assert!(unknown.is_empty());
    }

    #[test]
    fn unknown_default_tags_leave_resource_keys_known_but_open() {
        let provider = ProviderTags::from_provider(
            &json(r#"{"default_tags":[{}]}"#),
            &[unknown(&["default_tags", "0", "tags"])],
        );
        let (tags, unknown, _) = effective(
            "aws_s3_bucket",
            &json(r#"{"tags":{"Name":"logs"}}"#),
            &[],
            Some(&provider),
        );
        assert_eq!(tags, json(r#"{"Name":"logs"}"#));
        assert_eq!(unknown, ["*"]);
    }

    #[test]
    fn open_resource_tags_make_default_keys_unknown_values() {
        let provider = ProviderTags::from_provider(
            &json(r#"{"default_tags":[{"tags":{"owner":"platform"}}]}"#),
            &[],
        );
        let (tags, unknown, _) = effective(
            "aws_instance",
            &json(r#"{"tags":{"Name":"web"}}"#),
            &[unknown(&["tags", "*"])],
            Some(&provider),
        );
        assert_eq!(tags, json(r#"{"Name":"web"}"#));
        assert_eq!(unknown, ["owner", "*"]);
    }

    #[test]
    fn autoscaling_groups_ignore_default_tags() {
        let provider = ProviderTags::from_provider(
            &json(r#"{"default_tags":[{"tags":{"owner":"platform"}}]}"#),
            &[],
        );
        let (tags, unknown, _) = effective(
            "aws_autoscaling_group",
            &json(r#"{"tag":[{"key":"team","value":"web","propagate_at_launch":true}]}"#),
            &[],
            Some(&provider),
        );
        assert_eq!(tags, json(r#"{"team":"web"}"#));
        assert!(unknown.is_empty());
    }

    #[test]
    fn google_label_attributes_are_the_table_with_numeric_indexes() {
        assert_eq!(
            google_label_attributes(),
            json(
                r#"{"google_container_cluster": ["resource_labels"],
                    "google_container_node_pool": ["node_config", 0, "labels"],
                    "google_sql_database_instance": ["settings", 0, "user_labels"]}"#
            )
        );
    }

    /// Every `.rego` file under `dir`, with its path.
    fn rego_files(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                rego_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rego") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }

    #[test]
    fn the_policies_read_the_label_table_and_hold_no_copy() {
        // A second literal table could drift from this one; the pack must
        // read the one handed to it as data.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
        let mut files = Vec::new();
        rego_files(&root, &mut files);
        assert!(files.len() > 10, "the pack was not found under {root:?}");
        for (path, text) in &files {
            let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            for (kind, _) in GOOGLE_LABEL_PATHS {
                assert!(
                    !compact.contains(&format!("\"{kind}\":[")),
                    "{path} holds its own label path for {kind}"
                );
            }
        }
        let (_, library) = files
            .iter()
            .find(|(path, _)| path.ends_with("lib/tags.rego"))
            .unwrap();
        assert!(library.contains("label_paths := data.scalegate.google_label_attributes"));
    }

    #[test]
    fn google_labels_come_from_the_type_specific_attribute() {
        let (tags, _, _) = effective(
            "google_container_cluster",
            &json(r#"{"resource_labels":{"team":"data"},"labels":{"x":"y"}}"#),
            &[],
            None,
        );
        assert_eq!(tags, json(r#"{"team":"data"}"#));
        let (tags, _, _) = effective(
            "google_sql_database_instance",
            &json(r#"{"settings":[{"user_labels":{"team":"db"}}]}"#),
            &[],
            None,
        );
        assert_eq!(tags, json(r#"{"team":"db"}"#));
    }
}
