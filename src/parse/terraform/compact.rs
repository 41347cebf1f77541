//! Gives back the spare capacity of a parsed body. hcl-edit collects a
//! body's structures (over 300 bytes each) into a list that grew by
//! doubling, and a scan holds every module's syntax tree until the roots
//! that reach it are evaluated: that spare room was several percent of a
//! Terraform scan's peak memory.

use hcl_edit::structure::Body;
use hcl_edit::Decorate;

/// Rebuilds `body`, and every block body inside it, with lists of exactly
/// their length; decor and layout preferences are kept (the
/// body's own span is not: nothing reads it).
pub(super) fn compact(body: &mut Body) {
    for block in body.blocks_mut() {
        compact(&mut block.body);
    }
    let mut structures = Vec::with_capacity(body.len());
    while let Some(structure) = body.pop() {
        structures.push(structure);
    }
    structures.reverse();
    let mut compacted = Body::from(structures);
    compacted.set_prefer_oneline(body.prefer_oneline());
    compacted.set_prefer_omit_trailing_newline(body.prefer_omit_trailing_newline());
    *compacted.decor_mut() = body.decor().clone();
    *body = compacted;
}

#[cfg(test)]
mod tests {
    use super::compact;

    /// Compaction moves structures and changes none: comments, blank
    /// lines, one-line blocks and nested blocks print as they were read.
    #[test]
    fn a_compacted_body_prints_as_it_was_read() {
        let text = "# top\nlocals {\n  a = 1 # one\n\n  b = [1, 2]\n}\n\n\
                    resource \"x\" \"y\" {\n  inner { c = 3 }\n  dynamic \"d\" {\n    \
                    content {\n      e = 4\n    }\n  }\n}\nempty {}\n";
        let mut body = hcl_edit::parser::parse_body(text).expect("valid HCL");
        compact(&mut body);
        assert_eq!(body.to_string(), text);
        let resource = body.get_blocks("resource").next().expect("resource");
        let inner = resource.body.get_blocks("inner").next().expect("inner");
        assert_eq!(inner.body.len(), 1);
        assert!(inner.body.prefer_oneline());
    }
}
