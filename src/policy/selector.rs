//! A rule's input selector (METADATA `custom.input.selector`, as Trivy's
//! checks declare theirs): the resources a rule can report on, so that a
//! bundle holding none of them does not evaluate the rule at all.
//!
//! ```yaml
//! custom:
//!   input:
//!     selector:
//!       types: [aws_sqs_queue]      # resources of these types
//!       formats: [kubernetes]       # any resource of these formats
//! ```
//!
//! A bundle is evaluated by the rule when it holds a resource of one of the
//! `types` or one of the `formats` (either list may be absent, not both). A
//! rule without a selector runs on every bundle. A selector is a promise
//! about the rule's findings, not its reads: a rule may read other
//! resources, but reports only on bundles the selector admits, which the
//! pack's tests check rule by rule on every fixture.

/// The formats a selector may name: a resource's `format` in the input.
pub const FORMATS: [&str; 3] = ["terraform", "plan", "kubernetes"];

/// Which bundles a rule can report on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    /// Resource `type`s (Terraform resource types, Kubernetes kinds).
    pub types: Vec<String>,
    /// Resource `format`s: any resource of one of them admits the bundle.
    pub formats: Vec<String>,
}

impl Selector {
    /// Whether a bundle holding resources of `(format, type)` is admitted.
    pub fn admits<'a>(&self, mut resources: impl Iterator<Item = (&'a str, &'a str)>) -> bool {
        resources.any(|(format, kind)| {
            self.formats.iter().any(|f| f == format) || self.types.iter().any(|t| t == kind)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selector(types: &[&str], formats: &[&str]) -> Selector {
        Selector {
            types: types.iter().map(|t| t.to_string()).collect(),
            formats: formats.iter().map(|f| f.to_string()).collect(),
        }
    }

    #[test]
    fn a_type_or_a_format_admits_the_bundle() {
        let s = selector(&["aws_sqs_queue"], &["kubernetes"]);
        assert!(s.admits([("terraform", "aws_sqs_queue")].into_iter()));
        assert!(s.admits([("plan", "aws_sqs_queue")].into_iter()));
        assert!(s.admits([("kubernetes", "Service")].into_iter()));
        assert!(!s.admits([("terraform", "aws_s3_bucket"), ("plan", "Service")].into_iter()));
        assert!(!s.admits(std::iter::empty()));
    }
}
