//! [`Partial`]: a Terraform value as far as it can be known before Terraform
//! runs. Known parts are plain values; unknown parts say why they are unknown.
//! The evaluator and the function library compute with it, and
//! [`Partial::into_config`] turns it into what policies see: known values in
//! `config`, unknown paths in `unknown` (docs/architecture.md "Input model").

use std::collections::BTreeMap;

use regorus::Value;

use crate::model::{Cause, PathSeg, ValuePath};

/// A value that may be partly or wholly unknown.
#[derive(Debug, Clone, PartialEq)]
pub enum Partial {
    /// Known only when Terraform runs.
    Unknown(Cause),
    /// `null`, a bool, a number or a string (a `regorus::Value` of that kind).
    Scalar(Value),
    /// A list, tuple or set (sets keep first-seen order, without duplicates).
    List(Vec<Partial>),
    /// A map or object. `open` is `Some` when the map may also hold keys that
    /// cannot be seen (`merge(var.tags, {...})`), with the reason.
    Map(BTreeMap<String, Partial>, Option<Cause>),
}

impl Partial {
    /// `null`.
    pub fn null() -> Partial {
        Partial::Scalar(Value::Null)
    }

    /// A known string.
    pub fn string(s: impl AsRef<str>) -> Partial {
        Partial::Scalar(Value::from(s.as_ref()))
    }

    /// A known bool.
    pub fn bool(b: bool) -> Partial {
        Partial::Scalar(Value::from(b))
    }

    /// A known number (integers stay integers).
    pub fn number(n: f64) -> Partial {
        if n.fract() == 0.0 && n.abs() < 9.0e15 {
            Partial::Scalar(Value::from(n as i64))
        } else {
            Partial::Scalar(Value::from(n))
        }
    }

    /// A closed map.
    pub fn map(entries: BTreeMap<String, Partial>) -> Partial {
        Partial::Map(entries, None)
    }

    /// Whether nothing inside is unknown (and no map is open).
    pub fn is_known(&self) -> bool {
        match self {
            Partial::Unknown(_) => false,
            Partial::Scalar(_) => true,
            Partial::List(items) => items.iter().all(Partial::is_known),
            Partial::Map(entries, open) => {
                open.is_none() && entries.values().all(Partial::is_known)
            }
        }
    }

    /// The first reason something inside is unknown.
    pub fn first_cause(&self) -> Option<&Cause> {
        match self {
            Partial::Unknown(cause) => Some(cause),
            Partial::Scalar(_) => None,
            Partial::List(items) => items.iter().find_map(Partial::first_cause),
            Partial::Map(entries, open) => open
                .as_ref()
                .or_else(|| entries.values().find_map(Partial::first_cause)),
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Partial::Scalar(Value::Null))
    }

    /// The string, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Partial::Scalar(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// The fully known value, if nothing inside is unknown.
    pub fn to_value(&self) -> Option<Value> {
        match self {
            Partial::Unknown(_) => None,
            Partial::Scalar(v) => Some(v.clone()),
            Partial::List(items) => items
                .iter()
                .map(Partial::to_value)
                .collect::<Option<Vec<_>>>()
                .map(Value::from),
            Partial::Map(entries, None) => entries
                .iter()
                .map(|(k, v)| Some((Value::from(k.as_str()), v.to_value()?)))
                .collect::<Option<BTreeMap<_, _>>>()
                .map(Value::from),
            Partial::Map(_, Some(_)) => None,
        }
    }

    /// A fully known value as a `Partial`.
    pub fn from_value(value: &Value) -> Partial {
        match value {
            Value::Array(items) => Partial::List(items.iter().map(Partial::from_value).collect()),
            Value::Set(items) => Partial::List(items.iter().map(Partial::from_value).collect()),
            Value::Object(map) => Partial::Map(
                map.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Value::String(s) => s.to_string(),
                            other => other.to_string(),
                        };
                        (key, Partial::from_value(v))
                    })
                    .collect(),
                None,
            ),
            other => Partial::Scalar(other.clone()),
        }
    }

    /// Splits the value into what policies see: the known value (`None` when
    /// the whole value is unknown) and the unknown paths inside it, relative
    /// to this value, each with its cause.
    ///
    /// A list with a wholly unknown item is unknown as a whole: dropping the
    /// item would shift the indexes of the others. An open map keeps its known
    /// keys and gets `["*"]`.
    pub fn into_config(self) -> (Option<Value>, Vec<(ValuePath, Cause)>) {
        let mut unknown = Vec::new();
        let value = split(self, &mut Vec::new(), &mut unknown);
        if value.is_none() {
            unknown.clear();
        }
        (value, unknown)
    }
}

fn split(
    value: Partial,
    path: &mut ValuePath,
    unknown: &mut Vec<(ValuePath, Cause)>,
) -> Option<Value> {
    match value {
        Partial::Unknown(_) => None,
        Partial::Scalar(v) => Some(v),
        Partial::List(items) => {
            if let Some(cause) = items.iter().find_map(|i| match i {
                Partial::Unknown(c) => Some(c.clone()),
                _ => None,
            }) {
                unknown.push((path.clone(), cause));
                return None;
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                path.push(PathSeg::Index(i));
                out.extend(split(item, path, unknown));
                path.pop();
            }
            Some(Value::from(out))
        }
        Partial::Map(entries, open) => {
            let mut out = BTreeMap::new();
            for (key, item) in entries {
                path.push(PathSeg::Key(key.clone()));
                match split(item.clone(), path, unknown) {
                    Some(v) => {
                        out.insert(Value::from(key.as_str()), v);
                    }
                    None => {
                        // A list with an unknown item already recorded its
                        // own path; a wholly unknown value is recorded here.
                        if let Partial::Unknown(cause) = item {
                            unknown.push((path.clone(), cause));
                        }
                    }
                }
                path.pop();
            }
            if let Some(cause) = open {
                let mut star = path.clone();
                star.push(PathSeg::Key("*".to_owned()));
                unknown.push((star, cause));
            }
            Some(Value::from(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str) -> Cause {
        Cause::Variable {
            module: String::new(),
            name: name.to_owned(),
        }
    }

    #[test]
    fn open_map_keeps_known_keys_and_gets_star() {
        let mut entries = BTreeMap::new();
        entries.insert("team".to_owned(), Partial::string("web"));
        entries.insert("env".to_owned(), Partial::Unknown(var("env")));
        let (value, unknown) = Partial::Map(entries, Some(var("tags"))).into_config();
        assert_eq!(value.unwrap().to_string(), r#"{"team":"web"}"#);
        let paths: Vec<String> = unknown
            .iter()
            .map(|(p, _)| crate::model::dotted(p))
            .collect();
        assert_eq!(paths, ["env", "*"]);
    }

    #[test]
    fn list_with_an_unknown_item_is_unknown_at_its_path() {
        let mut entries = BTreeMap::new();
        entries.insert(
            "ids".to_owned(),
            Partial::List(vec![
                Partial::string("a"),
                Partial::Unknown(Cause::Resource),
            ]),
        );
        let (value, unknown) = Partial::map(entries).into_config();
        assert_eq!(value.unwrap().to_string(), "{}");
        assert_eq!(
            unknown,
            vec![(vec![PathSeg::Key("ids".into())], Cause::Resource)]
        );
    }

    #[test]
    fn wholly_unknown_has_no_paths() {
        let (value, unknown) = Partial::Unknown(Cause::DataSource).into_config();
        assert!(value.is_none() && unknown.is_empty());
    }
}
