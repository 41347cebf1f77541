//! Short constructors for the values the function tests pass and expect,
//! and [`ok`] / [`err`] to call a function by name, shared by every family's
//! tests.

use std::collections::BTreeMap;

use regorus::Value;

use super::call;
use crate::model::Cause;
use crate::parse::terraform::value::Partial;

pub(super) fn var(name: &str) -> Cause {
    Cause::Variable {
        module: String::new(),
        name: name.to_owned(),
    }
}

pub(super) fn unknown(name: &str) -> Partial {
    Partial::Unknown(var(name))
}

pub(super) fn s(text: &str) -> Partial {
    Partial::string(text)
}

pub(super) fn n(i: i64) -> Partial {
    Partial::Scalar(Value::from(i))
}

pub(super) fn float(x: f64) -> Partial {
    Partial::Scalar(Value::from(x))
}

pub(super) fn b(value: bool) -> Partial {
    Partial::bool(value)
}

pub(super) fn null() -> Partial {
    Partial::null()
}

pub(super) fn list<const N: usize>(items: [Partial; N]) -> Partial {
    Partial::List(items.into())
}

pub(super) fn strings(items: &[&str]) -> Partial {
    Partial::List(items.iter().map(|i| s(i)).collect())
}

pub(super) fn entries<const N: usize>(pairs: [(&str, Partial); N]) -> BTreeMap<String, Partial> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub(super) fn map<const N: usize>(pairs: [(&str, Partial); N]) -> Partial {
    Partial::map(entries(pairs))
}

pub(super) fn open<const N: usize>(pairs: [(&str, Partial); N], cause: &str) -> Partial {
    Partial::Map(entries(pairs), Some(var(cause)))
}

#[track_caller]
pub(super) fn ok<const N: usize>(name: &str, args: [Partial; N]) -> Partial {
    match call(name, args.into()) {
        Ok(value) => value,
        Err(message) => panic!("{name} failed: {message}"),
    }
}

#[track_caller]
pub(super) fn err<const N: usize>(name: &str, args: [Partial; N]) -> String {
    match call(name, args.into()) {
        Ok(value) => panic!("{name} succeeded with {value:?}"),
        Err(message) => message,
    }
}
