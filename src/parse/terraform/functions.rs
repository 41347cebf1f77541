//! TEMPORARY stub until the function library lands.
use regorus::Value;

use super::value::Partial;
use crate::model::Cause;

pub(super) fn call(name: &str, _args: Vec<Partial>) -> Result<Partial, String> {
    Ok(Partial::Unknown(Cause::Function(name.to_owned())))
}

pub(super) fn scalar_to_string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        }),
        _ => None,
    }
}

pub(super) fn equals(a: &Partial, b: &Partial) -> Option<bool> {
    Some(a.to_value()? == b.to_value()?)
}
