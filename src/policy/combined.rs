//! The combined entry point: one Rego object reading every rule's `deny`
//! and `unverified` sets. regorus forgets computed rule values between
//! `eval_rule` calls, so evaluating rules one by one recomputes the shared
//! library (indexes over the bundle's resources) for each; one combined
//! evaluation computes it once per bundle.
//!
//! `build.rs` includes this file as well: it compiles the built-in pack's
//! combined entry point for the VM at build time, and the scan reads the
//! results back with the same keys.

/// The rule holding every rule's sets in one object.
pub const COMBINED_RULE: &str = "data.scalegate.internal.evaluate.results";

/// The key of a rule's `set` (`deny`, `unverified`) in the combined object:
/// its package, so that a program compiled at build time, which holds every
/// built-in rule, is read the same way as an object holding only some.
pub fn key(package: &str, set: &str) -> String {
    format!("{package}/{set}")
}

/// A Rego object reading each `(package, set)`, under [`key`].
pub fn object<'a, 'b>(sets: impl Iterator<Item = (&'a str, &'b str)>) -> String {
    let mut text = String::from("{\n");
    for (package, set) in sets {
        let quoted = key(package, set).replace('\\', "\\\\").replace('"', "\\\"");
        text.push_str(&format!("  \"{quoted}\": {package}.{set},\n"));
    }
    text.push('}');
    text
}

/// The module defining [`COMBINED_RULE`] over `sets`.
pub fn module<'a, 'b>(sets: impl Iterator<Item = (&'a str, &'b str)>) -> String {
    format!(
        "package scalegate.internal.evaluate\n\nresults := {}\n",
        object(sets)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_object_reads_each_set_under_its_key() {
        let text = module([("data.acme.a", "deny"), ("data.acme.a", "unverified")].into_iter());
        assert_eq!(
            text,
            "package scalegate.internal.evaluate\n\nresults := {\n  \
             \"data.acme.a/deny\": data.acme.a.deny,\n  \
             \"data.acme.a/unverified\": data.acme.a.unverified,\n}\n"
        );
    }

    #[test]
    fn a_key_escapes_quotes_and_backslashes() {
        let text = object([("data.acme[\"x\\\\y\"]", "deny")].into_iter());
        assert!(
            text.contains(r#""data.acme[\"x\\\\y\"]/deny": data.acme["x\\y"].deny"#),
            "{text}"
        );
    }
}
