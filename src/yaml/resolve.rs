//! Scalar typing: Kubernetes' YAML 1.1 (as go-yaml v2 reads it) or the
//! YAML 1.2 core schema, explicit `!!` tags, and the string form of keys.
//!
//! Separate because it is a pure function of a scalar's text and style; the
//! tests here pin each typing rule without building documents by hand.

use std::borrow::Cow;

use granit_parser::ScalarStyle;

use super::node::{float_text, Key, Node, NodeValue};

/// How plain (unquoted) scalars are typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typing {
    /// YAML 1.1 as go-yaml v2 / `sigs.k8s.io/yaml` types it, which is what the
    /// API server sees: `on`/`yes`/`y` are booleans, `0777` is octal 511,
    /// `1_000` is 1000, and non-string mapping keys become strings.
    Kubernetes,
    /// The YAML 1.2 core schema: `off` stays a string, `0777` is 777 and
    /// `0o777` is octal. Used for `.scalegate.yaml`, `--data` files and JSON.
    Core,
}

/// Non-string keys become strings, as `sigs.k8s.io/yaml` converts them for
/// JSON; a collection key (rare, and an error there) keeps its source text.
pub(super) fn to_key(node: Node, text: &str) -> Key {
    let key_text = match node.value {
        NodeValue::String(s) => s,
        NodeValue::Null => "null".to_owned(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::UInt(u) => u.to_string(),
        NodeValue::Float(f) => float_text(f),
        NodeValue::Seq(_) | NodeValue::Map(_) => text
            .get(node.span.start..node.span.end)
            .unwrap_or_default()
            .to_owned(),
    };
    Key {
        text: key_text,
        span: node.span,
    }
}

/// Types one scalar. `core_tag` is the suffix of an explicit `!!` tag.
pub(super) fn resolve(
    value: Cow<'_, str>,
    style: ScalarStyle,
    core_tag: Option<&str>,
    typing: Typing,
) -> Result<NodeValue, String> {
    let typed = || match typing {
        Typing::Kubernetes => resolve_kubernetes(&value),
        Typing::Core => resolve_core(&value),
    };
    let wanted = match core_tag {
        Some("str") => return Ok(NodeValue::String(value.into_owned())),
        Some(tag @ ("null" | "bool" | "int" | "float")) => tag,
        // `!!map`/`!!seq` on a scalar, custom and unknown tags: typed normally.
        _ => {
            if style != ScalarStyle::Plain {
                return Ok(NodeValue::String(value.into_owned()));
            }
            return Ok(typed().unwrap_or_else(|| NodeValue::String(value.into_owned())));
        }
    };
    match (wanted, typed()) {
        ("null", Some(NodeValue::Null)) => Ok(NodeValue::Null),
        ("bool", Some(v @ NodeValue::Bool(_))) => Ok(v),
        ("int", Some(v @ (NodeValue::Int(_) | NodeValue::UInt(_)))) => Ok(v),
        ("float", Some(v @ NodeValue::Float(_))) => Ok(v),
        ("float", Some(NodeValue::Int(i))) => Ok(NodeValue::Float(i as f64)),
        ("float", Some(NodeValue::UInt(u))) => Ok(NodeValue::Float(u as f64)),
        _ => Err(format!("cannot read `{value}` as !!{wanted}")),
    }
}

/// go-yaml v2's `resolve` for untagged plain scalars. `None` means a string.
fn resolve_kubernetes(s: &str) -> Option<NodeValue> {
    let Some(&first) = s.as_bytes().first() else {
        return Some(NodeValue::Null);
    };
    match first {
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => {
            kubernetes_word(s)
        }
        b'.' => kubernetes_word(s).or_else(|| float_literal(s)),
        b'+' | b'-' | b'0'..=b'9' => kubernetes_word(s).or_else(|| {
            let plain = if s.contains('_') {
                Cow::Owned(s.replace('_', ""))
            } else {
                Cow::Borrowed(s)
            };
            go_int(&plain).or_else(|| float_literal(&plain))
        }),
        _ => None,
    }
}

/// go-yaml v2's table of YAML 1.1 words.
fn kubernetes_word(s: &str) -> Option<NodeValue> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            NodeValue::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            NodeValue::Bool(false)
        }
        "~" | "null" | "Null" | "NULL" => NodeValue::Null,
        _ => special_float(s)?,
    })
}

fn special_float(s: &str) -> Option<NodeValue> {
    Some(NodeValue::Float(match s {
        ".nan" | ".NaN" | ".NAN" => f64::NAN,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => f64::INFINITY,
        "-.inf" | "-.Inf" | "-.INF" => f64::NEG_INFINITY,
        _ => return None,
    }))
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint` (which takes no sign):
/// `0x`/`0o`/`0b` prefixes and a leading `0` for octal.
fn go_int(s: &str) -> Option<NodeValue> {
    let (negative, signed, rest) = match s.as_bytes().first()? {
        b'-' => (true, true, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    let lower = rest.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &rest[2..]),
        Some("0o") => (8, &rest[2..]),
        Some("0b") => (2, &rest[2..]),
        _ if rest.len() > 1 && rest.starts_with('0') => (8, &rest[1..]),
        _ => (10, rest),
    };
    let magnitude = parse_magnitude(digits, radix)?;
    integer(negative, signed, magnitude)
}

/// Digits only: `u64::from_str_radix` would also take a sign.
fn parse_magnitude(digits: &str, radix: u32) -> Option<u64> {
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

fn integer(negative: bool, signed: bool, magnitude: u64) -> Option<NodeValue> {
    if negative {
        return (magnitude <= i64::MAX as u64 + 1)
            .then(|| NodeValue::Int((magnitude as i64).wrapping_neg()));
    }
    match i64::try_from(magnitude) {
        Ok(i) => Some(NodeValue::Int(i)),
        Err(_) if !signed => Some(NodeValue::UInt(magnitude)),
        Err(_) => None,
    }
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` — go-yaml's float
/// pattern, which is also YAML 1.2's and JSON's (give or take).
fn float_literal(s: &str) -> Option<NodeValue> {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let from = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - from
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return None;
        }
    } else {
        if digits(&mut i) == 0 {
            return None;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().map(NodeValue::Float)
}

/// The YAML 1.2 core schema. `None` means a string.
fn resolve_core(s: &str) -> Option<NodeValue> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Some(NodeValue::Null),
        "true" | "True" | "TRUE" => return Some(NodeValue::Bool(true)),
        "false" | "False" | "FALSE" => return Some(NodeValue::Bool(false)),
        _ => {}
    }
    let first = *s.as_bytes().first()?;
    if !matches!(first, b'-' | b'+' | b'.' | b'0'..=b'9') {
        return None;
    }
    if let Some(v) = special_float(s) {
        return Some(v);
    }
    if let Some(octal) = s.strip_prefix("0o") {
        return parse_magnitude(octal, 8).and_then(|m| integer(false, false, m));
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return parse_magnitude(hex, 16).and_then(|m| integer(false, false, m));
    }
    let (negative, signed, digits) = match first {
        b'-' => (true, true, &s[1..]),
        b'+' => (false, true, &s[1..]),
        _ => (false, false, s),
    };
    if let Some(v) = parse_magnitude(digits, 10).and_then(|m| integer(negative, signed, m)) {
        return Some(v);
    }
    float_literal(s)
}

#[cfg(test)]
mod tests {
    use crate::yaml::test_support::*;

    #[test]
    fn plain_scalar_typing_yaml_1_1_versus_core() {
        let table: Vec<(&str, NodeValue, NodeValue)> = vec![
            ("true", Bool(true), Bool(true)),
            ("True", Bool(true), Bool(true)),
            ("TRUE", Bool(true), Bool(true)),
            ("tRUE", s("tRUE"), s("tRUE")),
            ("yes", Bool(true), s("yes")),
            ("Yes", Bool(true), s("Yes")),
            ("YES", Bool(true), s("YES")),
            ("y", Bool(true), s("y")),
            ("Y", Bool(true), s("Y")),
            ("on", Bool(true), s("on")),
            ("On", Bool(true), s("On")),
            ("ON", Bool(true), s("ON")),
            ("no", Bool(false), s("no")),
            ("n", Bool(false), s("n")),
            ("N", Bool(false), s("N")),
            ("off", Bool(false), s("off")),
            ("Off", Bool(false), s("Off")),
            ("OFF", Bool(false), s("OFF")),
            ("false", Bool(false), Bool(false)),
            ("~", Null, Null),
            ("null", Null, Null),
            ("Null", Null, Null),
            ("NULL", Null, Null),
            ("", Null, Null),
            ("nULL", s("nULL"), s("nULL")),
            ("0", Int(0), Int(0)),
            ("-0", Int(0), Int(0)),
            ("42", Int(42), Int(42)),
            ("+42", Int(42), Int(42)),
            ("-42", Int(-42), Int(-42)),
            ("0777", Int(511), Int(777)),
            ("0o777", Int(511), Int(511)),
            ("0x1F", Int(31), Int(31)),
            ("-0x1F", Int(-31), s("-0x1F")),
            ("0b101", Int(5), s("0b101")),
            ("1_000", Int(1000), s("1_000")),
            ("08", Float(8.0), Int(8)),
            ("9223372036854775807", Int(i64::MAX), Int(i64::MAX)),
            ("-9223372036854775808", Int(i64::MIN), Int(i64::MIN)),
            (
                "9223372036854775808",
                UInt(9_223_372_036_854_775_808),
                UInt(9_223_372_036_854_775_808),
            ),
            ("1e3", Float(1000.0), Float(1000.0)),
            ("1.5", Float(1.5), Float(1.5)),
            ("-.5", Float(-0.5), Float(-0.5)),
            ("1.", Float(1.0), Float(1.0)),
            (".5", Float(0.5), Float(0.5)),
            (".inf", Float(f64::INFINITY), Float(f64::INFINITY)),
            ("+.inf", Float(f64::INFINITY), Float(f64::INFINITY)),
            ("-.Inf", Float(f64::NEG_INFINITY), Float(f64::NEG_INFINITY)),
            ("1e", s("1e"), s("1e")),
            ("inf", s("inf"), s("inf")),
            ("0x", s("0x"), s("0x")),
            ("=", s("="), s("=")),
            ("--", s("--"), s("--")),
            ("1.2.3", s("1.2.3"), s("1.2.3")),
            ("2024-01-01", s("2024-01-01"), s("2024-01-01")),
            ("v1", s("v1"), s("v1")),
        ];
        for (text, kubernetes, core) in table {
            assert_eq!(
                scalar(text, Typing::Kubernetes),
                kubernetes,
                "{text:?} (1.1)"
            );
            assert_eq!(scalar(text, Typing::Core), core, "{text:?} (core)");
        }
        for text in [".nan", ".NaN"] {
            for typing in [Typing::Kubernetes, Typing::Core] {
                assert!(matches!(scalar(text, typing), Float(f) if f.is_nan()));
            }
        }
    }

    #[test]
    fn quoted_and_block_scalars_are_strings() {
        let node = parse_one(
            "a: 'on'\nb: \"0777\"\nc: |\n  yes\nd: >-\n  12\n",
            Typing::Kubernetes,
        );
        assert_eq!(node.get("a").unwrap().value, s("on"));
        assert_eq!(node.get("b").unwrap().value, s("0777"));
        assert_eq!(node.get("c").unwrap().value, s("yes\n"));
        assert_eq!(node.get("d").unwrap().value, s("12"));
    }

    #[test]
    fn explicit_core_tags_are_honoured_and_custom_tags_ignored() {
        let text = "a: !!str 12\nb: !!int \"12\"\nc: !!float 1\nd: !!bool \"yes\"\ne: !!null ''\nf: !Ref on\ng: !Sub \"on\"\nh: !!str\n";
        let node = parse_one(text, Typing::Kubernetes);
        let get = |k: &str| node.get(k).unwrap().value.clone();
        assert_eq!(get("a"), s("12"));
        assert_eq!(get("b"), Int(12));
        assert_eq!(get("c"), Float(1.0));
        assert_eq!(get("d"), Bool(true));
        assert_eq!(get("e"), Null);
        assert_eq!(get("f"), Bool(true));
        assert_eq!(get("g"), s("on"));
        assert_eq!(get("h"), s(""));
        let core = parse_one("d: !!bool \"true\"\n", Typing::Core);
        assert_eq!(core.get("d").unwrap().value, Bool(true));

        let text = "a: 1\nb: !!int twelve\n";
        let err = parse_documents(text, Typing::Kubernetes, &Limits::YAML).unwrap_err();
        assert_eq!(err.offset, text.find("twelve").unwrap());
        assert_eq!(err.message, "cannot read `twelve` as !!int");
    }

    #[test]
    fn non_string_keys_become_strings_and_duplicate_keys_keep_the_last() {
        let node = parse_one(
            "on: 1\n1: 2\n1.5: 3\n~: 4\na: 5\na: 6\n",
            Typing::Kubernetes,
        );
        let NodeValue::Map(entries) = &node.value else {
            panic!()
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.text.as_str()).collect();
        assert_eq!(keys, ["true", "1", "1.5", "null", "a", "a"]);
        assert_eq!(node.get("a").unwrap().value, Int(6));
        let value = node.to_value();
        assert_eq!(value["a"], Value::from(6i64));
        assert_eq!(value["true"], Value::from(1i64));
        let spans = node.span_node(None);
        let a = spans
            .child(&crate::model::PathSeg::Key("a".into()))
            .unwrap();
        assert_eq!(a.value, Span::new(31, 32));

        let core = parse_one("on: 1\n", Typing::Core);
        assert!(core.get("on").is_some());
    }
}
