//! What a report says about the configuration a scan applied: the config
//! file and ignore file that came into play and what each did, or that the
//! scanned repository's own were ignored (`--no-config`). Every writer
//! renders it, so whoever reads a report can tell whether the repository
//! under review could have changed its verdict.

use super::Severity;

/// Which configuration a scan applied, and what it did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedConfiguration {
    /// `--no-config`: no `.scalegate.yaml` found by walking up, no
    /// `.scalegate-ignore.yaml`, no comment or annotation was read.
    pub repository_ignored: bool,
    /// The config file applied, if any (with `--no-config`, only one given
    /// with `--config`).
    pub config: Option<AppliedConfigFile>,
    /// The ignore file applied, if there was one.
    pub ignore_file: Option<AppliedIgnoreFile>,
    /// Suppression comments and annotations were not read
    /// (`--no-inline-suppressions`, or `--no-config`).
    pub inline_suppressions_ignored: bool,
    /// Findings suppressed by comments.
    pub suppressed_inline: usize,
    /// Findings suppressed by annotations.
    pub suppressed_by_annotation: usize,
    /// Rules not evaluated because of `--rule` / `--skip-rule`, by id.
    pub skipped_rules: Vec<String>,
}

/// A config file and what it changed. Rules it turns off and paths it
/// excludes are never evaluated, so how many findings they would have
/// produced is not known; what the file says is reported instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedConfigFile {
    /// Relative to the project root (as given when outside it).
    pub path: String,
    /// Named with `--config`, rather than found by walking up.
    pub given: bool,
    /// Its `fail_on` (`never`, `high`, …), when it sets one.
    pub fail_on: Option<String>,
    /// Rules it turns off, by id.
    pub rules_off: Vec<String>,
    /// Rules whose severity it changes, by id, with the new severity.
    pub severity_changes: Vec<(String, Severity)>,
    /// Its `exclude` globs.
    pub exclude: Vec<String>,
}

/// An ignore file and how many findings its entries suppressed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppliedIgnoreFile {
    /// Relative to the project root.
    pub path: String,
    pub suppressed: usize,
}
