//! The built-in pack's files, embedded at build time (`build.rs` writes one
//! entry per file under `policies/`), so the binary never reads or
//! downloads them. The policy loader, the settings defaults and `init` all
//! read them from here: the table sits below every module that consults it.

include!(concat!(env!("OUT_DIR"), "/embedded_policies.rs"));

/// One policy file's path (as reported) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    pub path: String,
    pub text: String,
}

/// The built-in pack's policy files (no tests, no data).
pub fn embedded_policies(include_tests: bool) -> Vec<PolicyFile> {
    EMBEDDED_POLICIES
        .iter()
        .filter(|(path, _)| path.ends_with(".rego") && (include_tests || !is_test_file(path)))
        .map(|(path, text)| PolicyFile {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
        })
        .collect()
}

/// The text of the embedded file at `path` (`policies/…`).
pub fn embedded_text(path: &str) -> Option<&'static str> {
    EMBEDDED_POLICIES
        .iter()
        .find(|(embedded, _)| *embedded == path)
        .map(|(_, text)| *text)
}

/// The text of `policies/defaults.yaml`.
pub fn embedded_defaults() -> &'static str {
    embedded_text("policies/defaults.yaml").unwrap_or("{}\n")
}

/// `*_test.rego`: a policy test, loaded only by `scalegate test`.
pub(crate) fn is_test_file(path: &str) -> bool {
    path.ends_with("_test.rego")
}
