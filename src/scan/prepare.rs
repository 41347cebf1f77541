//! The first stage: the project root and config, every policy loaded, the
//! engine's own rules configured, the ignore file read. Everything here can
//! stop the scan (exit 2) before any input is read.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use regorus::Value;

use super::{Options, ScanError};
use crate::assets::PolicyFile;
use crate::config::{self, Config, FailOn};
use crate::diagnostic::{Diagnostic, Mark};
use crate::discover;
use crate::model::{RuleRef, Severity};
use crate::policy::loader::{self, PolicySet};
use crate::policy::metadata::{self, Metadata};
use crate::rules::{self, builtin_rules, configured_engine_rules, Catalog, CatalogEntry};
use crate::suppress::{self, IgnoreFile};

/// Config, policies and gate, ready to scan with.
pub struct Prepared {
    pub root: PathBuf,
    pub config: Config,
    pub policies: PolicySet,
    pub fail_on: FailOn,
    /// Every rule the scan reports under, as config leaves it.
    pub catalog: Catalog,
    /// Each of `policies.rules` in the catalog, by the same index.
    pub policy_rules: Vec<RuleRef>,
    /// `.scalegate-ignore.yaml` at the project root, when there is one
    /// (never with `--no-config`).
    pub ignore_file: Option<IgnoreFile>,
    /// Rules `--rule` / `--skip-rule` left out (not evaluated), by id.
    pub skipped_rules: BTreeSet<String>,
}

/// The config file in force (`--config`, else the one found walking up
/// from the working directory) and the project root reported paths are
/// relative to, both absolute.
pub fn locate_project(options: &Options) -> (Option<PathBuf>, PathBuf) {
    let cwd = discover::normalize(&options.cwd);
    // Reviewer mode reads no config the scanned tree (or any directory
    // above the working directory) holds: only the one named with --config.
    let config_path = match &options.config_file {
        Some(path) => Some(discover::normalize(path)),
        None if options.no_config => None,
        None => config::find(&cwd),
    };
    // A reviewer's own config usually lives outside the tree under review:
    // in reviewer mode it does not move the project root there, so paths,
    // fingerprints and `exclude` globs are those of the scanned tree.
    let root_config = config_path.as_deref().filter(|_| !options.no_config);
    let root = config::project_root(&cwd, root_config);
    (config_path, root)
}

/// Finds the project root and config, and loads every policy.
pub fn prepare(options: &Options) -> Result<Prepared, ScanError> {
    let cwd = discover::normalize(&options.cwd);
    let (config_path, root) = locate_project(options);
    let (config, mut config_errors) = match &config_path {
        Some(path) => {
            let display = discover::display_path(&root, path, &path.display().to_string());
            let text = std::fs::read_to_string(path).map_err(|e| {
                ScanError::Usage(format!("cannot read config {}: {e}", path.display()))
            })?;
            let (mut config, errors) = config::parse_partial(&display, &text);
            config.file = Some(path.clone());
            (config, errors)
        }
        None => (Config::default(), Vec::new()),
    };

    let mut data = load_data_files(&options.data_files)?;
    config::merge(
        &mut data,
        &crate::settings::settings_data(config.settings.as_ref()),
    );

    let config_dir = config_path
        .as_deref()
        .and_then(Path::parent)
        .unwrap_or(&root)
        .to_path_buf();
    // Config entries are reported at their line in the config; flags by name.
    let dirs = config
        .policies
        .iter()
        .zip(config.marks.policies.iter().map(Some))
        .map(|(p, mark)| (config_dir.join(p), mark))
        .chain(options.policy_dirs.iter().map(|p| (cwd.join(p), None)));
    let mut user_files: Vec<PolicyFile> = Vec::new();
    let mut load_errors = Vec::new();
    for (dir, mark) in dirs {
        if !dir.exists() {
            match mark {
                Some(mark) => config_errors.push(mark.error(format!(
                    "policy directory {} does not exist (paths in `policies` are relative to the config file)",
                    dir.display()
                ))),
                None => load_errors.push(Diagnostic {
                    file: dir.display().to_string(),
                    line: None,
                    column: None,
                    message: "policy directory does not exist".into(),
                    frame: None,
                }),
            }
            continue;
        }
        let display = |p: &Path| discover::display_path(&root, p, &p.display().to_string());
        match loader::read_policy_dir(&dir, false, &display) {
            Ok(files) => user_files.extend(files),
            Err(e) => load_errors.push(e),
        }
    }
    // Config problems come first: a policy error may only be the
    // consequence of a misconfigured `policies:`.
    let config_failure = |mut errors: Vec<Diagnostic>| {
        errors.sort_by_key(|e| (e.line, e.column));
        ScanError::Config(errors)
    };
    if !load_errors.is_empty() {
        return Err(if config_errors.is_empty() {
            ScanError::Policy(load_errors)
        } else {
            config_failure(config_errors)
        });
    }
    let (overrides, skipped_rules) = match select_rules(options, &config, &user_files) {
        Ok(selected) => selected,
        // A bad config may be why a pattern matches nothing (its
        // `policies:` add rules): its errors come first.
        Err(_) if !config_errors.is_empty() => return Err(config_failure(config_errors)),
        // So may a policy whose METADATA does not read: its error is the
        // one to fix.
        Err(e) => {
            return Err(match loader::load(&user_files, data, &config.rules) {
                Err(policy_errors) => ScanError::Policy(policy_errors),
                Ok(_) => e,
            })
        }
    };
    let policies = match loader::load(&user_files, data, &overrides) {
        Ok(policies) => policies,
        Err(_) if !config_errors.is_empty() => return Err(config_failure(config_errors)),
        Err(e) => return Err(ScanError::Policy(e)),
    };
    config_errors.extend(rules::check_rule_names(
        &config,
        &policies.rules,
        &builtin_rules(),
    ));
    let catalog = rule_catalog(&policies, &overrides);
    let policy_rules = policies
        .rules
        .iter()
        .map(|r| {
            catalog
                .by_id(&r.info.id)
                .expect("every policy rule is catalogued")
        })
        .collect();
    let ignore_file = if options.no_config {
        None
    } else {
        read_ignore_file(&root, &catalog, &mut config_errors)?
    };
    if !config_errors.is_empty() {
        return Err(config_failure(config_errors));
    }
    let fail_on = options
        .fail_on
        .or(config.fail_on)
        .unwrap_or(Some(Severity::Low));
    Ok(Prepared {
        root,
        config,
        policies,
        fail_on,
        catalog,
        policy_rules,
        ignore_file,
        skipped_rules,
    })
}

/// The overrides the policies are loaded with: the config's `rules:`, plus
/// `off` for every rule `--rule` / `--skip-rule` leaves out, so that those
/// are not evaluated at all. The patterns are matched against the rules'
/// names before anything is loaded: from each policy file's METADATA (a
/// file without it is a library, or an error the loader reports) and the
/// engine's own table.
fn select_rules(
    options: &Options,
    config: &Config,
    user_files: &[PolicyFile],
) -> Result<(rules::Overrides, BTreeSet<String>), ScanError> {
    let mut overrides = config.rules.clone();
    if options.rule_selection.is_empty() {
        return Ok((overrides, BTreeSet::new()));
    }
    let builtin = crate::assets::embedded_policies(false);
    let metadata: Vec<Metadata> = builtin
        .iter()
        .chain(user_files)
        .filter_map(|file| metadata::parse(&file.text).ok().flatten())
        .collect();
    let engine = builtin_rules();
    let names: Vec<Vec<&str>> = metadata
        .iter()
        .map(|m| {
            [m.id.as_str(), m.slug.as_str()]
                .into_iter()
                .chain(m.aliases.iter().map(String::as_str))
                .collect()
        })
        .chain(engine.iter().map(|r| vec![r.id.as_str(), r.slug.as_str()]))
        .collect();
    let skipped = options
        .rule_selection
        .skipped(&names)
        .map_err(ScanError::Selection)?;
    for id in &skipped {
        overrides.entry(id.clone()).or_default().enabled = Some(false);
    }
    Ok((overrides, skipped))
}

/// The policies' rules and the engine's own, as config leaves them. A
/// policy rule that defines neither `deny` nor `unverified` is one config
/// turned off.
fn rule_catalog(policies: &PolicySet, overrides: &rules::Overrides) -> Catalog {
    let policy = policies.rules.iter().map(|rule| CatalogEntry {
        info: rule.info.clone(),
        aliases: rule.aliases.clone(),
        ignorable: rule.ignorable,
        enabled: rule.has_deny || rule.has_unverified,
    });
    let engine = configured_engine_rules(overrides)
        .into_iter()
        .map(|rule| CatalogEntry {
            info: rule.info,
            aliases: Vec::new(),
            ignorable: rule.ignorable,
            enabled: rule.enabled,
        });
    Catalog::new(policy.chain(engine).collect())
}

/// Reads `.scalegate-ignore.yaml` at the project root, if there is one. Its
/// problems, unknown rule names included, are config errors (exit 2): a
/// broken exception list must not silently accept or reject findings.
fn read_ignore_file(
    root: &Path,
    catalog: &Catalog,
    errors: &mut Vec<Diagnostic>,
) -> Result<Option<IgnoreFile>, ScanError> {
    let path = root.join(suppress::ignore_file::FILE_NAME);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ScanError::Usage(format!(
                "cannot read {}: {e}",
                path.display()
            )))
        }
    };
    match IgnoreFile::parse(suppress::ignore_file::FILE_NAME, &text) {
        Ok(file) => {
            for entry in &file.entries {
                if catalog.resolve(&entry.rule).is_none() {
                    let hint = catalog.unknown_hint(&entry.rule);
                    let span = entry.rule_span;
                    errors.push(
                        Mark::new(&file.source, span)
                            .error(format!("`rule`: unknown rule `{}`{hint}", entry.rule)),
                    );
                }
            }
            Ok(Some(file))
        }
        Err(problems) => {
            errors.extend(problems);
            Ok(None)
        }
    }
}

/// Reads `--data` files (JSON or YAML 1.2) and merges them, in order.
pub fn load_data_files(files: &[PathBuf]) -> Result<Value, ScanError> {
    let mut data = Value::new_object();
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| {
            ScanError::Usage(format!("cannot read data file {}: {e}", file.display()))
        })?;
        let value =
            config::load_data(&file.display().to_string(), &text).map_err(ScanError::Config)?;
        config::merge(&mut data, &value);
    }
    Ok(data)
}
