//! Scope by content: whether a YAML or JSON file is a Kubernetes manifest,
//! a Terraform plan, or none of scalegate's business.
//!
//! A `.yaml`/`.yml`/`.json` file is Kubernetes when one of its parsed
//! documents is a mapping with string `apiVersion` and `kind`, whatever its
//! formatting (flow style, JSON, quoted keys, CR line ends); a JSON document
//! with `format_version` and `planned_values` among its top-level keys, in
//! any order, is a plan. Parsing every YAML file would be slow and noisy
//! (values files and CI files are often not valid YAML until rendered), so a
//! text pre-scan runs first, and it can only say "yes" or "maybe", never
//! "no" to a file that could be a manifest:
//!
//! * a YAML file with top-level `apiVersion:` and `kind:` lines, or a
//!   `# Source:` line (Helm output), is Kubernetes without more ado;
//! * a file that holds both words of a pair (or a backslash, which could spell them
//!   with escapes), or that was named on the command line, is parsed to
//!   decide;
//! * anything else cannot hold those keys, so it is out of scope.
//!
//! A file that was only "maybe" and does not parse is out of scope when
//! discovered (a Go template named `.yaml`, a JSON-with-comments config) but
//! in scope when named on the command line, so that its parse error is
//! reported as SG-PARSE-001.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use super::FileKind;
use crate::yaml::{self, NodeValue};

/// What a file's text says about its scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Terraform,
    TerraformJson,
    TerraformVars,
    Kubernetes,
    Plan,
    /// Not a file scalegate reads (CI config, values files, …).
    OutOfScope,
}

/// Decides scope from the kind and, for YAML and JSON, the text. `named`:
/// the file was named on the command line.
pub fn classify(kind: FileKind, text: &str, named: bool) -> Scope {
    match kind {
        FileKind::Terraform => Scope::Terraform,
        FileKind::TerraformJson => Scope::TerraformJson,
        FileKind::TerraformVars => Scope::TerraformVars,
        FileKind::Yaml => {
            if yaml_lines_say_kubernetes(text) {
                return Scope::Kubernetes;
            }
            if !named && !could_hold(text, "apiVersion", "kind") {
                return Scope::OutOfScope;
            }
            match yaml::parse_documents(text, yaml::Typing::Kubernetes, &yaml::Limits::YAML) {
                Ok(docs)
                    if docs
                        .iter()
                        .any(|d| d.root.as_ref().is_some_and(is_manifest)) =>
                {
                    Scope::Kubernetes
                }
                Ok(_) => Scope::OutOfScope,
                Err(_) if named => Scope::Kubernetes,
                Err(_) => Scope::OutOfScope,
            }
        }
        FileKind::Json => {
            if !named
                && !could_hold(text, "format_version", "planned_values")
                && !could_hold(text, "apiVersion", "kind")
            {
                return Scope::OutOfScope;
            }
            match top_level_keys(text) {
                Ok(keys) if keys.is_plan() => Scope::Plan,
                Ok(keys) if keys.api_version && keys.kind => Scope::Kubernetes,
                Ok(_) => Scope::OutOfScope,
                // Named but not JSON: the plan reader reports where it breaks.
                Err(()) if named => Scope::Plan,
                Err(()) => Scope::OutOfScope,
            }
        }
    }
}

/// The fast "yes": top-level `apiVersion:` and `kind:` lines, or a
/// `# Source:` line.
fn yaml_lines_say_kubernetes(text: &str) -> bool {
    let mut api_version = false;
    let mut kind = false;
    for line in text.lines() {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        if line.starts_with("# Source:") {
            return true;
        }
        api_version |= line.starts_with("apiVersion:") || line.starts_with("\"apiVersion\":");
        kind |= line.starts_with("kind:") || line.starts_with("\"kind\":");
        if api_version && kind {
            return true;
        }
    }
    false
}

/// The "maybe": both words appear, or a backslash escape could spell them.
fn could_hold(text: &str, a: &str, b: &str) -> bool {
    (text.contains(a) && text.contains(b)) || text.contains('\\')
}

fn is_manifest(root: &yaml::Node) -> bool {
    let NodeValue::Map(entries) = &root.value else {
        return false;
    };
    let string_at = |name: &str| {
        entries
            .iter()
            .any(|(k, v)| k.text == name && matches!(v.value, NodeValue::String(_)))
    };
    string_at("apiVersion") && string_at("kind")
}

/// Which of the keys that decide scope a JSON object has at its top level.
#[derive(Debug, Default)]
struct TopLevel {
    format_version: bool,
    planned_values: bool,
    /// A string `apiVersion`.
    api_version: bool,
    /// A string `kind`.
    kind: bool,
}

impl TopLevel {
    fn is_plan(&self) -> bool {
        self.format_version && self.planned_values
    }
}

/// Reads the top-level keys of a JSON text without building its values.
fn top_level_keys(text: &str) -> Result<TopLevel, ()> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = TopLevel;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
            let mut seen = TopLevel::default();
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "apiVersion" | "kind" => {
                        let value: serde_json::Value = map.next_value()?;
                        let is_string = value.is_string();
                        if key == "kind" {
                            seen.kind |= is_string;
                        } else {
                            seen.api_version |= is_string;
                        }
                    }
                    other => {
                        seen.format_version |= other == "format_version";
                        seen.planned_values |= other == "planned_values";
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(seen)
        }
        // Arrays, strings and numbers are not objects: nothing to find.
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(TopLevel::default())
        }
        fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
            Ok(TopLevel::default())
        }
        fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
            Ok(TopLevel::default())
        }
        fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
            Ok(TopLevel::default())
        }
        fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
            Ok(TopLevel::default())
        }
        fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
            Ok(TopLevel::default())
        }
        fn visit_unit<E>(self) -> Result<TopLevel, E> {
            Ok(TopLevel::default())
        }
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let keys = match (&mut deserializer).deserialize_any(Keys) {
        Ok(keys) => keys,
        // Too deep to scan cheaply: let the reader that applies the nesting
        // budget decide (and report), rather than call it out of scope.
        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
            return Ok(TopLevel {
                format_version: could_hold(text, "format_version", "planned_values"),
                planned_values: could_hold(text, "format_version", "planned_values"),
                api_version: could_hold(text, "apiVersion", "kind"),
                kind: could_hold(text, "apiVersion", "kind"),
            })
        }
        Err(_) => return Err(()),
    };
    deserializer.end().map_err(|_| ())?;
    Ok(keys)
}

/// Decodes UTF-16 or UTF-32 text that starts with a byte order mark;
/// `None` when `bytes` has no such mark (UTF-8 is read as it is). `Err`
/// says where decoding failed.
pub fn decode(bytes: &[u8]) -> Option<Result<String, String>> {
    let (width, big_endian) = match bytes {
        [0xFF, 0xFE, 0, 0, ..] => (4, false),
        [0, 0, 0xFE, 0xFF, ..] => (4, true),
        [0xFF, 0xFE, ..] => (2, false),
        [0xFE, 0xFF, ..] => (2, true),
        _ => return None,
    };
    let body = &bytes[width..];
    let name = format!("UTF-{}{}", width * 8, if big_endian { "BE" } else { "LE" });
    if !body.len().is_multiple_of(width) {
        return Some(Err(format!(
            "file starts with a {name} byte order mark but its length is not a multiple of {width} bytes"
        )));
    }
    let units = body.chunks_exact(width).map(|c| {
        let mut value = 0u32;
        for i in 0..width {
            let byte = if big_endian { c[i] } else { c[width - 1 - i] };
            value = (value << 8) | u32::from(byte);
        }
        value
    });
    let mut out = String::with_capacity(body.len() / width);
    if width == 2 {
        let units: Vec<u16> = units.map(|u| u as u16).collect();
        for (i, c) in char::decode_utf16(units).enumerate() {
            match c {
                Ok(c) => out.push(c),
                Err(_) => {
                    return Some(Err(format!(
                        "invalid {name}: unpaired surrogate at byte {}",
                        width * (i + 1)
                    )))
                }
            }
        }
    } else {
        for (i, unit) in units.enumerate() {
            match char::from_u32(unit) {
                Some(c) => out.push(c),
                None => {
                    return Some(Err(format!(
                        "invalid {name}: code point {unit:#x} at byte {}",
                        width * (i + 1)
                    )))
                }
            }
        }
    }
    Some(Ok(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Scope {
        classify(FileKind::Yaml, text, false)
    }

    fn json(text: &str) -> Scope {
        classify(FileKind::Json, text, false)
    }

    #[test]
    fn yaml_scope_needs_top_level_api_version_and_kind() {
        assert_eq!(yaml("apiVersion: v1\nkind: Pod\n"), Scope::Kubernetes);
        assert_eq!(yaml("on: push\njobs: {}\n"), Scope::OutOfScope);
        // Nested keys (a values file describing a manifest) do not count.
        assert_eq!(
            yaml("x:\n  apiVersion: v1\n  kind: Pod\n"),
            Scope::OutOfScope
        );
        assert_eq!(
            yaml("---\n# Source: web/templates/a.yaml\n"),
            Scope::Kubernetes
        );
    }

    #[test]
    fn any_yaml_formatting_of_a_manifest_is_kubernetes() {
        // Flow style, JSON, quoted keys, CR-only line ends, a later document.
        for text in [
            "{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\"}\n",
            "{apiVersion: v1, kind: Pod}\n",
            "'apiVersion': v1\n'kind': Pod\n",
            "apiVersion: v1\rkind: Pod\r",
            "a: 1\n---\n\"kind\": Pod\n\"apiVersion\": v1\n",
            "\"api\\u0056ersion\": v1\n\"kind\": Pod\n",
        ] {
            assert_eq!(yaml(text), Scope::Kubernetes, "{text:?}");
        }
        // `kind` must be a string: a number is not a manifest.
        assert_eq!(yaml("{apiVersion: v1, kind: 3}"), Scope::OutOfScope);
    }

    #[test]
    fn a_maybe_that_does_not_parse_is_out_of_scope_unless_named() {
        let template = "apiVersion: v1\n  {{ if .x }}kind: Pod{{ end }}\n: : :\n";
        assert_eq!(yaml(template), Scope::OutOfScope);
        assert_eq!(classify(FileKind::Yaml, template, true), Scope::Kubernetes);
        assert_eq!(json("{\"kind\": \"Pod\", apiVersion"), Scope::OutOfScope);
        assert_eq!(classify(FileKind::Json, "{oops", true), Scope::Plan);
    }

    #[test]
    fn json_scope_reads_top_level_keys_in_any_order() {
        let padding = format!("\"a\": \"{}\", ", "x".repeat(5000));
        let sorted = format!("{{{padding}\"format_version\": \"1.2\", \"planned_values\": {{}}}}");
        assert_eq!(json(&sorted), Scope::Plan);
        assert_eq!(
            json("{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"data\": {}}"),
            Scope::Kubernetes
        );
        // Nested keys are not top-level ones.
        assert_eq!(
            json("{\"x\": {\"format_version\": \"1\", \"planned_values\": {}}}"),
            Scope::OutOfScope
        );
        assert_eq!(json("{\"name\": \"left-pad\"}"), Scope::OutOfScope);
        assert_eq!(json("[1, 2]"), Scope::OutOfScope);
    }

    #[test]
    fn utf16_and_utf32_with_a_bom_are_decoded() {
        let text = "kind: Pod\n";
        let mut le16 = vec![0xFF, 0xFE];
        le16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode(&le16), Some(Ok(text.to_owned())));
        let mut be16 = vec![0xFE, 0xFF];
        be16.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode(&be16), Some(Ok(text.to_owned())));
        let mut le32 = vec![0xFF, 0xFE, 0, 0];
        le32.extend(text.chars().flat_map(|c| u32::from(c).to_le_bytes()));
        assert_eq!(decode(&le32), Some(Ok(text.to_owned())));
        let mut be32 = vec![0, 0, 0xFE, 0xFF];
        be32.extend(text.chars().flat_map(|c| u32::from(c).to_be_bytes()));
        assert_eq!(decode(&be32), Some(Ok(text.to_owned())));
        assert!(matches!(decode(&[0xFF, 0xFE, 0x00, 0xD8]), Some(Err(_))));
        assert!(matches!(decode(&[0xFF, 0xFE, 0x41]), Some(Err(_))));
        assert_eq!(decode(b"kind: Pod\n"), None);
    }
}
