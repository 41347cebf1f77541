//! `jsonencode` and `jsondecode`, and the JSON writer `format` uses for
//! collections: Terraform's JSON, with object keys sorted and strings escaped
//! like Go's `encoding/json`.

use regorus::Value;

use super::args::{fail, float_value, kind, string, take, unsupported, Outcome, Stop};
use super::semantics::scalar_to_string;
use crate::parse::terraform::value::Partial;

/// `jsonencode(value)`: needs the whole value.
pub(super) fn jsonencode(args: Vec<Partial>) -> Outcome {
    let [value] = take(args)?;
    Ok(Partial::string(json(&value)?))
}

/// `jsondecode(s)`: integral numbers become integers.
pub(super) fn jsondecode(args: Vec<Partial>) -> Outcome {
    let [text] = take(args)?;
    let text = string(&text, 1)?;
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) => from_json(value),
        Err(e) => fail(format!("invalid JSON: {e}")),
    }
}

fn from_json(value: serde_json::Value) -> Outcome {
    Ok(match value {
        serde_json::Value::Null => Partial::null(),
        serde_json::Value::Bool(b) => Partial::bool(b),
        serde_json::Value::String(s) => Partial::string(s),
        serde_json::Value::Number(n) => {
            Partial::Scalar(match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Value::from(i),
                (None, Some(u), _) => Value::from(u),
                (None, None, Some(f)) if f.is_finite() => float_value(f),
                _ => return Err(unsupported("jsondecode")),
            })
        }
        serde_json::Value::Array(items) => {
            Partial::List(items.into_iter().map(from_json).collect::<Result<_, _>>()?)
        }
        serde_json::Value::Object(entries) => Partial::map(
            entries
                .into_iter()
                .map(|(k, v)| Ok((k, from_json(v)?)))
                .collect::<Result<_, Stop>>()?,
        ),
    })
}

/// `value` as Terraform writes JSON: no spaces, object keys sorted, strings
/// escaped like Go's `encoding/json` (which also escapes `<`, `>`, `&`).
pub(super) fn json(value: &Partial) -> Result<String, Stop> {
    let mut out = String::new();
    write_json(value, &mut out)?;
    Ok(out)
}

fn write_json(value: &Partial, out: &mut String) -> Result<(), Stop> {
    match value {
        Partial::Unknown(cause) | Partial::Map(_, Some(cause)) => {
            return Err(Stop::Unknown(cause.clone()))
        }
        Partial::Scalar(Value::Null) => out.push_str("null"),
        Partial::Scalar(Value::String(s)) => json_quote(s, out),
        Partial::Scalar(scalar) => match scalar_to_string(scalar) {
            Some(text) => out.push_str(&text),
            None => return fail(format!("cannot encode {} as JSON", kind(value))),
        },
        Partial::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Partial::Map(entries, None) => {
            out.push('{');
            for (i, (key, item)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_quote(key, out);
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

pub(super) fn json_quote(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use regorus::Value;

    use crate::parse::terraform::functions::testing::{
        b, err, float, list, map, n, null, ok, open, s, unknown,
    };
    use crate::parse::terraform::value::Partial;

    #[test]
    fn jsonencode_writes_like_terraform() {
        let value = map([
            ("b", s("x")),
            ("a", n(1)),
            ("c", list([b(true), null(), float(1.5), float(2.0)])),
            ("d", map([])),
        ]);
        assert_eq!(
            ok("jsonencode", [value]),
            s(r#"{"a":1,"b":"x","c":[true,null,1.5,2],"d":{}}"#)
        );
        assert_eq!(
            ok("jsonencode", [s("<a&b>\n\"\\\u{1}\u{8}\u{2028}é")]),
            s(r#""\u003ca\u0026b\u003e\n\"\\\u0001\b\u2028é""#)
        );
    }

    #[test]
    fn jsonencode_needs_the_whole_value() {
        assert_eq!(ok("jsonencode", [map([("a", unknown("x"))])]), unknown("x"));
        assert_eq!(ok("jsonencode", [open([("a", n(1))], "m")]), unknown("m"));
        assert_eq!(ok("jsonencode", [list([n(1), unknown("y")])]), unknown("y"));
    }

    #[test]
    fn jsondecode_reads_integers_as_integers() {
        assert_eq!(
            ok(
                "jsondecode",
                [s(r#"{"a": 1, "b": [1.5, 2.0, "x", null, true], "c": {}}"#)]
            ),
            map([
                ("a", n(1)),
                ("b", list([float(1.5), n(2), s("x"), null(), b(true)])),
                ("c", map([])),
            ])
        );
        assert_eq!(
            ok("jsondecode", [s("18446744073709551615")]),
            Partial::Scalar(Value::from(u64::MAX))
        );
        assert_eq!(ok("jsondecode", [n(5)]), n(5));
        assert_eq!(ok("jsondecode", [unknown("j")]), unknown("j"));
    }

    #[test]
    fn jsondecode_of_invalid_json_fails() {
        for text in ["nope", "", "1 2", "{\"a\":}", "[1,]"] {
            assert!(
                err("jsondecode", [s(text)]).starts_with("jsondecode(): invalid JSON"),
                "{text}"
            );
        }
    }

    #[test]
    fn json_round_trips() {
        let value = map([
            ("tags", map([("a", s("x<y"))])),
            ("n", list([n(-3), float(0.25)])),
        ]);
        let text = ok("jsonencode", [value.clone()]);
        assert_eq!(ok("jsondecode", [text]), value);
    }
}
