//! Loads the embedded pack and users' policy directories into one prepared
//! `regorus` engine, and validates every rule's METADATA.
//!
//! All problems are collected before failing, so a user with three broken
//! policies sees three messages in one run, each naming file and line.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use regorus::rvm::vm::RegoVM;
use regorus::{Engine, Value};

use crate::assets::{embedded_policies, embedded_text, is_test_file, PolicyFile};
use crate::model::{FindingKind, RuleInfo, Severity};
use crate::policy::metadata::{self, Metadata};
use crate::policy::selector::Selector;
use crate::policy::vm::{builtin_rule_sets, CompiledPack};
use crate::policy::{calls, combined, crypto};
use crate::rules::{self, Configured, Overrides, RuleNames};

/// The package prefix reserved for the built-in pack.
const RESERVED_PREFIX: &str = "data.scalegate.";

use crate::diagnostic::Diagnostic;

/// A rule ready to evaluate.
#[derive(Debug, Clone)]
pub struct LoadedRule {
    pub info: RuleInfo,
    /// `data.scalegate.rules.pdb_coverage`.
    pub package: String,
    pub has_deny: bool,
    pub has_unverified: bool,
    pub aliases: Vec<String>,
    /// METADATA `related_resources` refs, in order.
    pub related_resources: Vec<String>,
    /// The severity METADATA gives, before config overrides.
    pub default_severity: Severity,
    /// `false` when config says the rule cannot be suppressed inline.
    pub ignorable: bool,
    /// The line of its `package` statement, where an error the engine
    /// cannot place is reported.
    pub package_line: usize,
    /// METADATA `custom.input.selector`: the bundles the rule can report
    /// on; `None` runs it on every bundle.
    pub selector: Option<Selector>,
}

impl LoadedRule {
    /// The sets this rule defines and is enabled for, with the kind of
    /// finding each holds.
    pub fn sets(&self) -> impl Iterator<Item = (&'static str, FindingKind)> {
        [
            (self.has_deny, "deny", FindingKind::Violation),
            (self.has_unverified, "unverified", FindingKind::Note),
        ]
        .into_iter()
        .filter_map(|(present, name, kind)| present.then_some((name, kind)))
    }

    /// The enabled sets as `(package, set)`, the entries of the combined
    /// entry point ([`combined::object`]).
    pub fn combined_sets(&self) -> impl Iterator<Item = (&str, &'static str)> + '_ {
        self.sets().map(|(set, _)| (self.package.as_str(), set))
    }
}

impl LoadedRule {
    /// Whether the rule runs on `bundle`: it has no input selector, or the
    /// bundle holds a resource its selector admits.
    pub fn applies_to(&self, bundle: &crate::model::Bundle) -> bool {
        self.selector.as_ref().is_none_or(|selector| {
            selector.admits(
                bundle
                    .resources
                    .iter()
                    .map(|r| (r.format.as_str(), r.kind.as_str())),
            )
        })
    }
}

impl RuleNames for LoadedRule {
    fn names(&self) -> Vec<&str> {
        [self.info.id.as_str(), self.info.slug.as_str()]
            .into_iter()
            .chain(self.aliases.iter().map(String::as_str))
            .collect()
    }
}

/// The rules of a scan, and what evaluates them: the built-in pack's
/// compiled program, and the interpreter.
#[derive(Clone)]
pub struct PolicySet {
    pub rules: Vec<LoadedRule>,
    /// The built-in pack compiled for the VM (`build.rs`), when only it is
    /// loaded: every bundle is then evaluated by the VM (see
    /// [`crate::policy::vm`]).
    pub pack: Option<CompiledPack>,
    /// The interpreter: policies and data loaded, prepared; cloned once per
    /// worker thread. With a compiled pack it is loaded only when first
    /// asked for (a bundle the VM fails on, `--timings`), which a scan the
    /// VM evaluates whole never does.
    engine: Arc<OnceLock<Result<Engine, String>>>,
    /// The `data` document, for loading the interpreter later.
    data: Value,
}

/// What one worker thread evaluates bundles with.
pub struct Evaluator {
    /// The interpreter, once the worker needed it: every user policy, and
    /// any bundle the VM fails on.
    engine: Option<Result<Engine, String>>,
    pub vm: Option<RegoVM>,
}

impl Evaluator {
    /// An evaluator with `vm`, else the interpreter alone.
    pub fn new(vm: Option<RegoVM>) -> Evaluator {
        Evaluator { engine: None, vm }
    }

    /// This worker's interpreter, cloned from `set`'s when first used.
    pub fn engine(&mut self, set: &PolicySet) -> Result<&mut Engine, String> {
        self.engine
            .get_or_insert_with(|| set.engine().cloned())
            .as_mut()
            .map_err(|e| e.clone())
    }
}

impl PolicySet {
    /// The interpreter, prepared: loaded now if it was not yet. An error
    /// can only come from the built-in pack, which its tests load.
    pub fn engine(&self) -> Result<&Engine, String> {
        self.engine
            .get_or_init(|| {
                let builtin = embedded_policies(false);
                load_engine(&builtin, &[], self.data.clone())
                    .and_then(|(mut engine, _)| {
                        prepare_engine(&mut engine, &self.rules).map(|()| engine)
                    })
                    .map_err(|errors| {
                        let messages: Vec<String> = errors
                            .iter()
                            .map(|e| format!("{}: {}", e.file, e.message))
                            .collect();
                        format!("cannot load the built-in policies: {}", messages.join("; "))
                    })
            })
            .as_ref()
            .map_err(|e| e.clone())
    }

    /// A worker's own evaluator: a VM when the pack is compiled, and the
    /// interpreter when it is first needed.
    pub fn evaluator(&self) -> Evaluator {
        // A VM that cannot be set up leaves the interpreter to it.
        Evaluator::new(self.pack.as_ref().and_then(|c| c.vm().ok()))
    }
}

impl fmt::Debug for PolicySet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicySet")
            .field("rules", &self.rules)
            .finish()
    }
}

/// Reads every `.rego` file under `dir`, sorted by path. `display` turns a
/// file path into the path reported in messages.
pub fn read_policy_dir(
    dir: &Path,
    include_tests: bool,
    display: &dyn Fn(&Path) -> String,
) -> Result<Vec<PolicyFile>, Diagnostic> {
    let mut files = Vec::new();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .sort_by_file_path(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = entry.map_err(|e| Diagnostic {
            file: display(dir),
            line: None,
            column: None,
            message: format!("cannot read policy directory: {e}"),
            frame: None,
        })?;
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file())
            || path.extension().and_then(|e| e.to_str()) != Some("rego")
        {
            continue;
        }
        let shown = display(path);
        if !include_tests && is_test_file(&shown) {
            continue;
        }
        let text = std::fs::read_to_string(path).map_err(|e| Diagnostic {
            file: shown.clone(),
            line: None,
            column: None,
            message: format!("cannot read policy: {e}"),
            frame: None,
        })?;
        files.push(PolicyFile { path: shown, text });
    }
    Ok(files)
}

/// Loads the built-in pack and `user_files` with `data` (the whole `data`
/// document, settings included): METADATA validated, overrides applied.
/// With only the built-in pack and the build's compiled program, the rules
/// come from the build's table and the interpreter is left for later.
pub fn load(
    user_files: &[PolicyFile],
    data: Value,
    overrides: &Overrides,
) -> Result<PolicySet, Vec<Diagnostic>> {
    let pack = if user_files.is_empty() {
        CompiledPack::builtin(data.clone())
    } else {
        None
    };
    let (engine, mut rules) = match &pack {
        Some(_) => (None, builtin_rules(&data)?),
        None => {
            let (engine, rules) = load_engine(&embedded_policies(false), user_files, data.clone())?;
            (Some(engine), rules)
        }
    };
    for rule in &mut rules {
        let configured = rules::configure(
            rule.names(),
            overrides,
            Configured {
                severity: rule.info.severity,
                enabled: true,
                ignorable: rule.ignorable,
            },
        );
        rule.info.severity = configured.severity;
        rule.ignorable = configured.ignorable;
        if !configured.enabled {
            rule.has_deny = false;
            rule.has_unverified = false;
        }
    }
    rules.sort_by(|a, b| a.info.id.cmp(&b.info.id));
    let loaded = OnceLock::new();
    if let Some(mut engine) = engine {
        prepare_engine(&mut engine, &rules)?;
        let _ = loaded.set(Ok(engine));
    }
    Ok(PolicySet {
        rules,
        pack,
        engine: Arc::new(loaded),
        data,
    })
}

/// The built-in rules as the build compiled them: each file's package and
/// sets from the build's table, its METADATA read here. `data` is checked
/// as the interpreter would check it.
fn builtin_rules(data: &Value) -> Result<Vec<LoadedRule>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if data.as_object().is_err() {
        errors.push(data_error("data must be object"));
    }
    let mut rules = Vec::new();
    for &(path, package, has_deny, has_unverified) in builtin_rule_sets() {
        let Some(text) = embedded_text(path) else {
            errors.push(Diagnostic::in_file(path.to_owned(), "not embedded"));
            continue;
        };
        let sets = Sets {
            package: package.to_owned(),
            has_deny,
            has_unverified,
        };
        match rule_from(path, text, sets, true) {
            Ok(Some(rule)) => rules.push(rule),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    check_unique_ids(&rules, &mut errors);
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// An interpreter holding `builtin` and `user` policy files and `data`,
/// with the rules they define; every problem found, or none.
fn load_engine(
    builtin: &[PolicyFile],
    user: &[PolicyFile],
    data: Value,
) -> Result<(Engine, Vec<LoadedRule>), Vec<Diagnostic>> {
    let mut engine = Engine::new();
    engine.set_strict_builtin_errors(false);
    let mut errors = Vec::new();
    if let Err(e) = crypto::register(&mut engine) {
        errors.push(engine_error("<crypto>", &e.to_string()));
    }
    let mut rules = Vec::new();
    let all = builtin
        .iter()
        .map(|f| (f, true))
        .chain(user.iter().map(|f| (f, false)));
    for (file, is_builtin) in all {
        match add_file(&mut engine, file, is_builtin) {
            Ok(Some(rule)) => rules.push(rule),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    if let Err(e) = engine.add_data(data) {
        errors.push(data_error(&e.to_string()));
    }
    check_unique_ids(&rules, &mut errors);
    if errors.is_empty() {
        // Only once every file parsed: a call may name a function that a
        // later file defines.
        errors.extend(calls::check(engine.get_modules()));
    }
    if errors.is_empty() {
        Ok((engine, rules))
    } else {
        Err(errors)
    }
}

fn data_error(message: &str) -> Diagnostic {
    Diagnostic {
        file: "<data>".into(),
        line: None,
        column: None,
        message: format!("cannot load data: {message}"),
        frame: None,
    }
}

/// Adds the combined entry point over the enabled sets of `rules`, and
/// prepares the engine: add_policy only parses, and rule conflicts and
/// unsafe variables surface when the engine is prepared, so this happens
/// once, before scanning, and every worker's clone starts prepared.
fn prepare_engine(engine: &mut Engine, rules: &[LoadedRule]) -> Result<(), Vec<Diagnostic>> {
    let module = combined::module(rules.iter().flat_map(LoadedRule::combined_sets));
    engine
        .add_policy("<scalegate:evaluate>".into(), module)
        .map_err(|e| vec![engine_error("<scalegate:evaluate>", &e.to_string())])?;
    engine
        .eval_query("true".into(), false)
        .map_err(|e| vec![engine_error("<policies>", &e.to_string())])?;
    Ok(())
}

/// What the engine found in a rule file: its package and sets.
struct Sets {
    package: String,
    has_deny: bool,
    has_unverified: bool,
}

fn add_file(
    engine: &mut Engine,
    file: &PolicyFile,
    is_builtin: bool,
) -> Result<Option<LoadedRule>, Diagnostic> {
    let package = engine
        .add_policy(file.path.clone(), file.text.clone())
        .map_err(|e| engine_error(&file.path, &e.to_string()))?;
    if !is_builtin && package.starts_with(RESERVED_PREFIX) {
        return Err(Diagnostic {
            file: file.path.clone(),
            line: metadata::package_line(&file.text),
            column: Some(1),
            message: format!(
                "package `{}` is in the `scalegate.` namespace, which is reserved for the built-in pack; rename it (e.g. `package acme.rules.my_rule`)",
                package.trim_start_matches("data.")
            ),
            frame: None,
        });
    }
    let has = |name: &str| {
        engine
            .has_declared_rule_rooted_at(&file.path, name)
            .unwrap_or(false)
    };
    let sets = Sets {
        has_deny: has("deny"),
        has_unverified: has("unverified"),
        package,
    };
    rule_from(&file.path, &file.text, sets, is_builtin)
}

/// The rule a policy file defines, from its METADATA: `None` when it
/// defines neither `deny` nor `unverified` (a library).
fn rule_from(
    path: &str,
    text: &str,
    sets: Sets,
    is_builtin: bool,
) -> Result<Option<LoadedRule>, Diagnostic> {
    if !sets.has_deny && !sets.has_unverified {
        return Ok(None);
    }
    let meta: Metadata = match metadata::parse(text) {
        Ok(Some(meta)) => meta,
        Ok(None) => {
            return Err(Diagnostic {
                file: path.to_owned(),
                line: metadata::package_line(text),
                column: Some(1),
                message: "a rule (a package with `deny` or `unverified`) needs a `# METADATA` block above `package` with `custom.id` and `custom.severity`".into(),
                frame: None,
            })
        }
        Err(e) => {
            return Err(Diagnostic {
                file: path.to_owned(),
                line: Some(e.line),
                column: Some(1),
                message: e.message,
                frame: None,
            })
        }
    };
    // A built-in rule links to its generated page; a user rule to the first
    // page its METADATA names, if any (never to scalegate's docs).
    let help_uri = if is_builtin {
        rules::page_url(&meta.id)
    } else {
        meta.related_resources.first().cloned().unwrap_or_default()
    };
    Ok(Some(LoadedRule {
        info: RuleInfo {
            help_uri,
            id: meta.id,
            slug: meta.slug,
            title: meta.title,
            description: meta.description,
            remediation: meta.remediation,
            severity: meta.severity,
            security: meta.security && !is_builtin,
            builtin: is_builtin,
            file: path.to_owned(),
        },
        package: sets.package,
        has_deny: sets.has_deny,
        has_unverified: sets.has_unverified,
        aliases: meta.aliases,
        related_resources: meta.related_resources,
        default_severity: meta.severity,
        ignorable: true,
        package_line: metadata::package_line(text).unwrap_or(1),
        selector: meta.selector,
    }))
}

fn check_unique_ids(rules: &[LoadedRule], errors: &mut Vec<Diagnostic>) {
    // The engine's own rules (SG-PARSE-001, SG-META-001, SG-SUP-00x) share
    // the report's rule table: a policy may not take their names either.
    let engine = rules::builtin_rules();
    let mut seen: BTreeMap<&str, &LoadedRule> = BTreeMap::new();
    for rule in rules {
        for key in [&rule.info.id, &rule.info.slug] {
            if engine.iter().any(|e| e.id == *key || e.slug == *key) {
                errors.push(Diagnostic::in_file(
                    rule.info.file.clone(),
                    format!(
                        "rule id or slug `{key}` is one of scalegate's own rules; choose another"
                    ),
                ));
                continue;
            }
            if let Some(first) = seen.insert(key, rule) {
                if !std::ptr::eq(first, rule) {
                    errors.push(Diagnostic {
                        file: rule.info.file.clone(),
                        line: None,
                        column: None,
                        message: format!(
                            "rule id or slug `{key}` is already used by {}",
                            first.info.file
                        ),
                        frame: None,
                    });
                }
            }
        }
    }
}

/// Turns a regorus error (which names `--> file:line:col`) into a Diagnostic.
pub fn engine_error(file: &str, message: &str) -> Diagnostic {
    let mut error = Diagnostic::in_file(file, message.trim());
    if let Some(pos) = message.find("--> ") {
        let rest = &message[pos + 4..];
        let location = rest.split_whitespace().next().unwrap_or("");
        let mut parts = location.rsplitn(3, ':');
        let column = parts.next().and_then(|c| c.parse().ok());
        let line = parts.next().and_then(|l| l.parse().ok());
        if let (Some(line), Some(column), Some(path)) = (line, column, parts.next()) {
            error.file = path.to_owned();
            error.line = Some(line);
            error.column = Some(column);
        }
        // Lead with regorus's `error:` line; keep its code frame below it.
        if let Some(headline) = message
            .lines()
            .find_map(|l| l.trim().strip_prefix("error: "))
        {
            let frame: Vec<&str> = message
                .lines()
                .filter(|l| !l.trim().starts_with("error: ") && !l.trim().is_empty())
                .collect();
            error.message = format!("{headline}\n{}", frame.join("\n"));
        }
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(path: &str, text: &str) -> PolicyFile {
        PolicyFile {
            path: path.into(),
            text: text.into(),
        }
    }

    #[test]
    fn a_compile_error_names_file_line_and_column() {
        let files = [user(
            "my/broken.rego",
            "package acme.x\n\ndeny contains x if {\n  x := \n}\n",
        )];
        let errors = load(&files, Value::new_object(), &BTreeMap::new()).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file, "my/broken.rego");
        assert_eq!((errors[0].line, errors[0].column), (Some(4), Some(5)));
        assert!(
            errors[0].message.starts_with("expecting `}`"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_user_rule_without_metadata_is_an_error() {
        let files = [user(
            "my/rule.rego",
            "package acme.x\n\ndeny contains 1 if { true }\n",
        )];
        let errors = load(&files, Value::new_object(), &BTreeMap::new()).unwrap_err();
        assert_eq!(errors[0].line, Some(1));
        assert!(
            errors[0].message.contains("METADATA"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_user_rule_may_not_take_an_engine_rules_id_or_slug() {
        for (id, slug) in [("SG-PARSE-001", "mine"), ("ACME-001", "suppression-unused")] {
            let text = format!(
                "# METADATA\n# title: T\n# custom:\n#   id: {id}\n#   slug: {slug}\n#   severity: low\npackage acme.x\n\ndeny contains \"m\" if {{ false }}\n"
            );
            let files = [user("my/rule.rego", &text)];
            let errors = load(&files, Value::new_object(), &BTreeMap::new()).unwrap_err();
            assert!(
                errors.iter().any(|e| e.file == "my/rule.rego"
                    && e.message.contains("one of scalegate's own rules")),
                "{errors:?}"
            );
        }
    }

    #[test]
    fn the_scalegate_namespace_is_reserved() {
        let files = [user(
            "my/lib.rego",
            "package scalegate.lib.mine\n\nx := 1\n",
        )];
        let errors = load(&files, Value::new_object(), &BTreeMap::new()).unwrap_err();
        assert!(
            errors[0].message.contains("reserved"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn engine_error_parses_the_arrow_location() {
        let e = engine_error("x", "error: bad\n --> my/p.rego:4:7\n  |\n");
        assert_eq!(
            (e.file.as_str(), e.line, e.column),
            ("my/p.rego", Some(4), Some(7))
        );
    }
}
