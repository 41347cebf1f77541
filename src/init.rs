//! `scalegate init`: a commented starter `.scalegate.yaml`.
//!
//! The file names the JSON Schema for editors, explains each key, and lists
//! every built-in setting with its default — commented out, taken from
//! `policies/defaults.yaml` as it is compiled in, so it never drifts. As
//! written it loads and changes nothing; uncommented, it still loads.

use std::fmt;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::config::FILE_NAME;
use crate::schema::SCHEMA_URL;

const HEAD: &str = "\
#
# scalegate configuration. Every key is optional; what is commented out shows
# the form or the built-in default. Documentation:
# https://github.com/scalegate/scalegate#configuration-scalegateyaml
# `scalegate rules` lists the rules; `scalegate explain <ID>` documents one.

# The lowest severity that fails a scan (exit 1): critical, high, medium, low
# or never. `--fail-on` overrides it.
fail_on: low

# Paths to skip: globs relative to this file's directory. `--exclude` adds more.
exclude:
  # - \"examples/**\"
  # - \"**/testdata/**\"

# Directories of your own Rego policies, relative to this file.
policies:
  # - policy/

# Rules to turn off or re-rate, by id or slug (not both for one rule): off, a
# severity (critical, high, medium, low, info), or {enabled: true|false,
# severity: SEVERITY, ignorable: true|false} (ignorable: false means inline
# comments and annotations cannot suppress it; .scalegate-ignore.yaml still can).
rules:
  # terraform-label-case: off
  # pdb-coverage: high
  # SG-STL-001: { severity: critical, ignorable: false }
  # SG-SUP-002: high        # an expired suppression fails the gate

# Helm charts (a directory with Chart.yaml) are rendered with `helm template`
# (Helm 3.8+; `--helm-bin` overrides `binary`), each render scanned as its own
# bundle named chart[render]. A chart not listed here gets one render,
# `default`, with its own values.yaml. Paths are relative to this file.
# `render: false` skips charts (each is a warning). Nothing is downloaded:
# dependencies must be vendored under charts/ or be file:// paths.
helm:
  # binary: tools/helm
  # render: true
  # charts:
  #   - path: charts/web
  #     renders:
  #       - name: prod
  #         release: web
  #         namespace: prod
  #         values: [envs/prod/values.yaml]
  #         set: { image.tag: \"1.4.2\" }
  #         kube_version: \"1.30\"
  #         api_versions: [monitoring.coreos.com/v1]
  #       - name: staging
  #         values: [envs/staging/values.yaml]

# Kustomization roots are built with `kustomize build` (or `kubectl kustomize`,
# whichever is found first on PATH) and their output is scanned, findings on
# the base or patch line. `--kustomize-bin` overrides `binary`.
kustomize:
  # render: true            # false: skip each root with a warning
  # binary: /usr/local/bin/kustomize

# Settings the built-in rules read (data.scalegate.settings), merged over the
# defaults below: mappings merge key by key, lists replace. Uncomment and
# change what you need; `custom` is free-form, for your own policies.
settings:
";

/// The starter file's text.
pub fn starter() -> String {
    let mut out = format!("# yaml-language-server: $schema={SCHEMA_URL}\n{HEAD}");
    let defaults = crate::assets::embedded_defaults();
    // Skip the defaults file's own header comment: it speaks about itself.
    let body = defaults
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
    for line in body {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str("  # ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Why `init` wrote nothing.
#[derive(Debug)]
pub enum InitError {
    /// The file is there and `--force` was not given.
    Exists(PathBuf),
    /// The file could not be written.
    Io(PathBuf, io::Error),
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InitError::Exists(path) => write!(
                f,
                "{} already exists; use --force to overwrite it",
                path.display()
            ),
            InitError::Io(path, e) => write!(f, "cannot write {}: {e}", path.display()),
        }
    }
}

impl std::error::Error for InitError {}

/// Writes the starter into `dir`, refusing to replace an existing file
/// unless `force`. Returns the path written.
pub fn write(dir: &Path, force: bool) -> Result<PathBuf, InitError> {
    let path = dir.join(FILE_NAME);
    let text = starter();
    let result = if force {
        std::fs::write(&path, text)
    } else {
        // create_new: the check and the creation are one step, so a file
        // that appears in between is not overwritten.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
    };
    match result {
        Ok(()) => Ok(path),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(InitError::Exists(path)),
        Err(e) => Err(InitError::Io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The starter with every indented `# ` line uncommented.
    fn uncommented(text: &str) -> String {
        text.lines()
            .map(|l| {
                let indent = l.len() - l.trim_start().len();
                match l.trim_start().strip_prefix("# ") {
                    Some(rest) if indent > 0 => format!("{}{rest}\n", &l[..indent]),
                    _ => format!("{l}\n"),
                }
            })
            .collect()
    }

    #[test]
    fn the_starter_loads_and_changes_nothing() {
        let config = crate::config::parse(FILE_NAME, &starter()).unwrap();
        assert_eq!(config.fail_on, Some(Some(crate::model::Severity::Low)));
        assert!(config.rules.is_empty() && config.settings.is_none());
        assert_eq!(config.helm, crate::config::helm::HelmConfig::default());
        assert!(starter().starts_with(
            "# yaml-language-server: $schema=https://raw.githubusercontent.com/scalegate/scalegate/main/schema/scalegate.schema.json\n"
        ));
    }

    #[test]
    fn uncommented_it_loads_with_the_defaults() {
        let text = uncommented(&starter());
        let config =
            crate::config::parse(FILE_NAME, &text).unwrap_or_else(|e| panic!("{}\n{text}", e[0]));
        assert_eq!(config.exclude, ["examples/**", "**/testdata/**"]);
        assert_eq!(config.rules.len(), 4);
        let chart = &config.helm.charts[0];
        assert_eq!(chart.path, "charts/web");
        assert_eq!(chart.renders[0].set["image.tag"], "1.4.2");
        assert_eq!(chart.renders[1].values, ["envs/staging/values.yaml"]);
        assert_eq!(
            crate::settings::effective_settings(config.settings.as_ref()),
            crate::settings::effective_settings(None)
        );
    }
}
