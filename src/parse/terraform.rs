//! Terraform (`.tf`, `.tf.json`, `.tfvars`, `.tfvars.json`) with `hcl-edit`;
//! a `.tf.json` file is translated into the HCL it stands for first
//! (`json_syntax`), its spans mapped back into the JSON.
//!
//! Files are parsed one by one ([`parse`], in parallel); then each root
//! module is evaluated with the modules it calls ([`evaluate`]): variables,
//! locals, functions, `count`/`for_each`, module calls and provider
//! `default_tags`, so that every resource carries what Terraform would see
//! (docs/architecture.md "Input model"). Every addressable block becomes a
//! [`Resource`] with its Terraform address, known values in `config`, unknown
//! paths in `unknown`, resolved `references`, effective `tags` and a span for
//! every value.

mod budget;
pub(crate) mod comments;
mod compact;
mod eval;
mod functions;
mod instance;
mod json_syntax;
mod module;
mod recover;
mod refs;
mod span_map;
mod tags;
#[cfg(test)]
mod tests;
mod types;
mod unclosed;
pub mod value;
mod walk;

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::structure::Body;
use rayon::prelude::*;

use self::eval::{NoNames, Scope};
use self::instance::Project;
use self::module::{join_dir, Module};
pub(crate) use self::tags::google_label_attributes;
use self::value::Partial;
use crate::model::{FileComments, Notification, NotificationLevel, Resource};
use crate::parse::ParseError;
use crate::source::SharedSource;
use crate::yaml;

/// One parsed Terraform file.
#[derive(Debug)]
pub struct TerraformFile {
    pub source: SharedSource,
    content: Content,
    /// The original names of object keys the parser only took renamed (see
    /// `recover`), by the byte offset where each key starts.
    renamed_keys: BTreeMap<usize, String>,
    /// For a `.tf.json` file, the HCL text it was translated to and the
    /// map from that text back into the JSON; `None` for HCL files.
    translated: Option<json_syntax::Translated>,
    /// The comments suppressions are read from, when the file holds a
    /// directive; taken by [`Modules::take_comments`].
    comments: Option<FileComments>,
}

#[derive(Debug)]
enum Content {
    /// A `.tf` file.
    Config(Body),
    /// A `.tfvars` or `.tfvars.json` file: variable values.
    Values(BTreeMap<String, Partial>),
}

impl TerraformFile {
    /// Whether this is a `.tf` file (part of a module), not a values file.
    pub fn is_config(&self) -> bool {
        matches!(self.content, Content::Config(_))
    }

    fn body(&self) -> &Body {
        static EMPTY: std::sync::OnceLock<Body> = std::sync::OnceLock::new();
        match &self.content {
            Content::Config(body) => body,
            Content::Values(_) => EMPTY.get_or_init(Body::default),
        }
    }

    /// The HCL text the body's spans point into: the file's own text, or
    /// what a `.tf.json` file was translated to.
    fn hcl_text(&self) -> &str {
        match &self.translated {
            Some(translated) => &translated.hcl,
            None => &self.source.text,
        }
    }

    /// A span of the body as a span of the file.
    fn span(&self, span: crate::source::Span) -> crate::source::Span {
        match &self.translated {
            Some(translated) => translated.map.span(span),
            None => span,
        }
    }

    /// A span tree of the body as spans of the file.
    fn spans(&self, node: crate::model::SpanNode) -> crate::model::SpanNode {
        match &self.translated {
            Some(translated) => translated.map.node(node),
            None => node,
        }
    }

    /// The values a `.tfvars` file sets (empty for a `.tf` file).
    fn values(&self) -> Option<&BTreeMap<String, Partial>> {
        match &self.content {
            Content::Values(values) => Some(values),
            Content::Config(_) => None,
        }
    }
}

/// Parses one Terraform file: a `.tf` or `.tf.json` module file, or a
/// `.tfvars` / `.tfvars.json` values file.
///
/// # Errors
///
/// A syntax error (or a nesting limit) is reported where the parser gave
/// up; in a `.tf.json` file, also what Terraform rejects in its JSON syntax.
pub fn parse(source: &SharedSource) -> Result<TerraformFile, ParseError> {
    if source.path.ends_with(".tf.json") {
        return parse_config_json(source);
    }
    if source.path.ends_with(".json") {
        return parse_values_json(source);
    }
    if source.text.len() > MAX_HCL_BYTES {
        return Err(ParseError::new(
            0,
            format!(
                "file is {} MB, over the {} MB budget for HCL; not parsed",
                source.text.len() >> 20,
                MAX_HCL_BYTES >> 20
            ),
        ));
    }
    if let Some((at, message)) = unclosed::deeply_open(&source.text) {
        return Err(ParseError::new(at, message));
    }
    let parsed = recover::parse_body(&source.text).map_err(|err| {
        let location = err.location();
        let offset = source.offset_of(location.line(), location.column());
        // Reported where the parser had to give up, as Terraform does.
        match unclosed::refine(&source.text, offset) {
            Some((at, message)) => ParseError::new(at, message),
            None => ParseError::new(offset, err.message()),
        }
    })?;
    let content = if source.path.ends_with(".tfvars") {
        // Values files hold constants only; anything else is an error
        // Terraform reports, and unknown here.
        let mut values = BTreeMap::new();
        for attr in parsed.body.attributes() {
            let mut scope = Scope::new(&NoNames, &parsed.renamed_keys);
            values.insert(
                attr.key.as_str().to_owned(),
                eval::value(&attr.value, &mut scope),
            );
        }
        Content::Values(values)
    } else {
        // Top-level attributes are a Terraform error but valid HCL; they
        // declare nothing, so evaluation passes over them.
        let mut body = parsed.body;
        compact::compact(&mut body);
        Content::Config(body)
    };
    Ok(TerraformFile {
        source: source.clone(),
        content,
        renamed_keys: parsed.renamed_keys,
        translated: None,
        comments: comments::handed(&source.text),
    })
}

/// A `.tf.json` module file: translated into HCL text, parsed as a `.tf`
/// file is, with every span mapped back into the JSON.
fn parse_config_json(source: &SharedSource) -> Result<TerraformFile, ParseError> {
    let translated = json_syntax::translate(&source.text)?;
    let parsed = recover::parse_body(&translated.hcl).map_err(|err| {
        // The translation only writes what HCL reads; what still fails is
        // an expression the JSON held, reported where it is written.
        ParseError::new(translated.map.start(err.location().offset()), err.message())
    })?;
    let mut body = parsed.body;
    compact::compact(&mut body);
    Ok(TerraformFile {
        source: source.clone(),
        content: Content::Config(body),
        renamed_keys: parsed.renamed_keys,
        translated: Some(translated),
        comments: None,
    })
}

fn parse_values_json(source: &SharedSource) -> Result<TerraformFile, ParseError> {
    let documents = yaml::parse_documents(&source.text, yaml::Typing::Core, &yaml::Limits::JSON)?;
    let mut values = BTreeMap::new();
    if let Some(root) = documents.first().and_then(|d| d.root.as_ref()) {
        match root.to_value() {
            regorus::Value::Object(map) => {
                for (key, value) in map.iter() {
                    if let regorus::Value::String(key) = key {
                        values.insert(key.to_string(), Partial::from_value(value));
                    }
                }
            }
            _ => {
                return Err(ParseError::new(
                    0,
                    "a .tfvars.json file must hold one JSON object",
                ))
            }
        }
    }
    Ok(TerraformFile {
        source: source.clone(),
        content: Content::Values(values),
        renamed_keys: BTreeMap::new(),
        translated: None,
        comments: None,
    })
}

/// Variable values given on the command line, applied to every root module
/// after its own `terraform.tfvars` and `*.auto.tfvars` files.
#[derive(Debug, Default)]
pub struct CommandLineValues {
    /// `--var-file` files, in the order given.
    pub files: Vec<TerraformFile>,
    /// `--var NAME=VALUE`, in the order given, after the files.
    pub vars: Vec<(String, String)>,
}

impl CommandLineValues {
    fn values(&self) -> BTreeMap<String, Partial> {
        let mut values = BTreeMap::new();
        for file in &self.files {
            values.extend(file.values().cloned().unwrap_or_default());
        }
        for (name, raw) in &self.vars {
            values.insert(name.clone(), command_line_value(raw));
        }
        values
    }
}

/// A `--var` value: an HCL list or object when it looks like one (as
/// Terraform reads values of complex type), else the string as given. Text
/// left open deep inside brackets is not handed to the parser, whose
/// backtracking on it takes minutes; it fails to parse anyway.
fn command_line_value(raw: &str) -> Partial {
    let trimmed = raw.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && unclosed::deeply_open(raw).is_none()
    {
        if let Ok(expr) = raw.parse::<hcl_edit::expr::Expression>() {
            let renamed = BTreeMap::new();
            let mut scope = Scope::new(&NoNames, &renamed);
            return eval::value(&expr, &mut scope);
        }
    }
    Partial::string(raw)
}

/// The Terraform files of the scan, by module directory (relative to the
/// project root, `.` for the root itself), and where `terraform init` put
/// downloaded modules.
#[derive(Debug, Default)]
pub struct Modules {
    /// Directories discovery found, with their files.
    pub scanned: BTreeMap<String, Vec<TerraformFile>>,
    /// Directories read only because a module call names them.
    pub called: BTreeMap<String, Vec<TerraformFile>>,
    /// Root directory → `modules.json` key → downloaded module directory.
    pub downloaded: BTreeMap<String, BTreeMap<String, String>>,
}

impl Modules {
    /// The comments every loaded file handed on, by reported path; each
    /// file gives them up once.
    pub fn take_comments(&mut self) -> Vec<(String, FileComments)> {
        self.scanned
            .values_mut()
            .chain(self.called.values_mut())
            .flatten()
            .filter_map(|file| {
                let comments = file.comments.take()?;
                Some((file.source.path.clone(), comments))
            })
            .collect()
    }

    /// Directories that local module calls (and `modules.json` entries)
    /// name but that are not loaded yet. The caller reads them and adds
    /// them to `called`, until nothing is missing.
    pub fn missing_dirs(&self) -> BTreeSet<String> {
        let mut missing = BTreeSet::new();
        let loaded = |dir: &str| self.scanned.contains_key(dir) || self.called.contains_key(dir);
        for (dir, files) in self.scanned.iter().chain(&self.called) {
            let refs: Vec<&TerraformFile> = files.iter().collect();
            let module = Module::index(dir, &refs);
            for target in module.local_call_dirs() {
                if !loaded(&target) {
                    missing.insert(target);
                }
            }
        }
        for dirs in self.downloaded.values() {
            for dir in dirs.values() {
                if !loaded(dir) {
                    missing.insert(dir.clone());
                }
            }
        }
        missing
    }
}

/// A module directory named relative to `dir` (as in `modules.json`),
/// relative to the project root; `None` when it leaves the root.
pub fn join_module_dir(dir: &str, relative: &str) -> Option<String> {
    join_dir(dir, relative)
}

/// The largest HCL file parsed. The syntax tree takes 30 to 170 times the
/// text in memory (a 60 MB file needed 6.5 GB), so the 64 MB file budget is
/// far too much for HCL; real `.tf` files stay under 200 KB.
pub const MAX_HCL_BYTES: usize = 8 << 20;

/// What evaluation produced: one resource list per root module directory.
#[derive(Debug, Default)]
pub struct Evaluated {
    pub roots: Vec<(String, Vec<Resource>)>,
    pub notifications: Vec<Notification>,
    /// Invalid `count` values and expansions over a budget, once each even
    /// when several roots reach the same module.
    pub failures: Vec<(SharedSource, ParseError)>,
}

/// Evaluates every root module: every scanned directory that no other
/// scanned module calls. Roots are evaluated in parallel; each result lists
/// the root's resources and those of the modules it calls.
///
/// Roots that reach a common module directory form one group, evaluated
/// together; the files of a group are dropped as soon as its roots are done.
/// The syntax trees take some twenty times the text in memory, so a scan
/// that held them all until every root was evaluated peaked at trees and
/// resources together.
pub fn evaluate(mut modules: Modules, command_line: &CommandLineValues) -> Evaluated {
    let plan = plan_evaluation(&modules, command_line);
    let mut notifications = plan.notifications;
    let cli_values = command_line.values();
    let downloaded = std::mem::take(&mut modules.downloaded);
    let mut files_of = |dir: &str| {
        modules
            .scanned
            .remove(dir)
            .or_else(|| modules.called.remove(dir))
            .unwrap_or_default()
    };
    let groups: Vec<(Vec<String>, Files)> = plan
        .groups
        .into_iter()
        .map(|group| {
            let files = group
                .dirs
                .into_iter()
                .map(|dir| {
                    let files = files_of(&dir);
                    (dir, files)
                })
                .collect();
            (group.roots, files)
        })
        .collect();
    // What no root reaches (values files of a directory without `.tf`
    // files) is not needed any more.
    drop(modules);
    let mut results: Vec<(String, instance::Output)> = groups
        .into_par_iter()
        .flat_map_iter(|(roots, files)| {
            let (project, values_files) = index_dirs(files.iter(), &downloaded);
            // Roots in chunks of one per thread, repeated declarations
            // dropped after each: a group of 65 examples of one module held
            // 65 copies of its variables and outputs until the last was
            // done. No other group reaches this group's modules, so what is
            // dropped here is all of them.
            let mut outputs = Vec::with_capacity(roots.len());
            let mut declared = BTreeSet::new();
            for chunk in roots.chunks(rayon::current_num_threads()) {
                let mut evaluated: Vec<(String, instance::Output)> = chunk
                    .par_iter()
                    .map(|dir| {
                        let values = root_values(dir, &values_files, &cli_values);
                        (dir.clone(), instance::evaluate_root(&project, dir, values))
                    })
                    .collect();
                drop_repeated_declarations(&mut evaluated, &mut declared);
                outputs.extend(evaluated);
            }
            outputs
        })
        .collect();
    results.sort_by(|a, b| a.0.cmp(&b.0));
    let mut roots_out = Vec::with_capacity(results.len());
    let mut seen = BTreeSet::new();
    let mut failed = BTreeSet::new();
    let mut failures = Vec::new();
    for (dir, output) in results {
        for n in output.notifications {
            let key = (n.file.clone(), n.line, n.column, n.message.clone());
            if seen.insert(key) {
                notifications.push(n);
            }
        }
        for (source, error) in output.failures {
            if failed.insert((source.path.clone(), error.offset, error.message.clone())) {
                failures.push((source, error));
            }
        }
        roots_out.push((dir, output.resources));
    }
    Evaluated {
        roots: roots_out,
        notifications,
        failures,
    }
}

/// Parsed files by module directory.
type Files = BTreeMap<String, Vec<TerraformFile>>;

/// Which roots are evaluated, grouped by the module directories they share,
/// and the warnings about command-line values no root declares.
struct EvaluationPlan {
    groups: Vec<RootGroup>,
    notifications: Vec<Notification>,
}

/// Roots evaluated together because they reach a common directory.
#[derive(Default)]
struct RootGroup {
    /// Sorted.
    roots: Vec<String>,
    /// Every module directory the roots reach, the roots included.
    dirs: BTreeSet<String>,
}

fn plan_evaluation(modules: &Modules, command_line: &CommandLineValues) -> EvaluationPlan {
    let (project, _) = index_dirs(
        modules.scanned.iter().chain(&modules.called),
        &modules.downloaded,
    );
    // A directory another scanned module calls is evaluated as part of its
    // callers, not on its own with default values.
    let mut called = BTreeSet::new();
    for dir in modules.scanned.keys() {
        if let Some(module) = project.modules.get(dir) {
            for target in module.local_call_dirs() {
                if target != *dir {
                    called.insert(target);
                }
            }
        }
    }
    let mut roots: Vec<&str> = modules
        .scanned
        .keys()
        .filter(|dir| project.modules.contains_key(*dir) && !called.contains(*dir))
        .map(String::as_str)
        .collect();
    // Modules that only call each other have no root above them: the first
    // of each such group is evaluated as a root, so none is left unchecked.
    let mut reached = reachable(&project, &roots);
    while let Some(dir) = modules
        .scanned
        .keys()
        .find(|dir| project.modules.contains_key(*dir) && !reached.contains(dir.as_str()))
    {
        roots.push(dir);
        reached = reachable(&project, &roots);
    }
    roots.sort();
    let mut notifications = Vec::new();
    let declared_by_a_root = |name: &str| {
        roots
            .iter()
            .any(|dir| project.modules[*dir].variables.contains_key(name))
    };
    for (name, _) in &command_line.vars {
        if !declared_by_a_root(name) {
            notifications.push(Notification {
                level: NotificationLevel::Warning,
                file: None,
                line: None,
                column: None,
                message: format!("--var {name}: no root module declares variable {name:?}"),
            });
        }
    }
    for file in &command_line.files {
        for name in file.values().into_iter().flat_map(|v| v.keys()) {
            if !declared_by_a_root(name) {
                let (line, column) = file.source.position(0);
                notifications.push(Notification {
                    level: NotificationLevel::Warning,
                    file: Some(file.source.path.clone()),
                    line: Some(line),
                    column: Some(column),
                    message: format!("no root module declares variable {name:?}"),
                });
            }
        }
    }
    EvaluationPlan {
        groups: group_roots(&project, &roots),
        notifications,
    }
}

/// Roots whose reachable directories overlap, merged into groups. A root
/// reaches what its local calls name and what `terraform init` downloaded
/// for it (which may stand in for a local source), and what those call.
fn group_roots(project: &Project, roots: &[&str]) -> Vec<RootGroup> {
    let mut groups: Vec<RootGroup> = Vec::new();
    let mut group_of: BTreeMap<String, usize> = BTreeMap::new();
    for root in roots {
        let mut seeds = vec![*root];
        if let Some(downloaded) = project.downloaded.get(*root) {
            seeds.extend(downloaded.values().map(String::as_str));
        }
        let reached: BTreeSet<String> = reachable(project, &seeds)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut joined: BTreeSet<usize> = reached
            .iter()
            .filter_map(|d| group_of.get(d).copied())
            .collect();
        let target = joined.pop_first().unwrap_or_else(|| {
            groups.push(RootGroup::default());
            groups.len() - 1
        });
        // A merged group leaves an empty entry behind, dropped below.
        for other in joined {
            let merged = std::mem::take(&mut groups[other]);
            for dir in &merged.dirs {
                group_of.insert(dir.clone(), target);
            }
            groups[target].roots.extend(merged.roots);
            groups[target].dirs.extend(merged.dirs);
        }
        for dir in &reached {
            group_of.insert(dir.clone(), target);
        }
        groups[target].roots.push((*root).to_owned());
        groups[target].dirs.extend(reached);
    }
    groups.retain(|group| !group.roots.is_empty());
    for group in &mut groups {
        group.roots.sort();
    }
    groups
}

/// The module index of some directories' files, and their values files,
/// each directory's files in name order.
fn index_dirs<'f>(
    dirs: impl Iterator<Item = (&'f String, &'f Vec<TerraformFile>)>,
    downloaded: &BTreeMap<String, BTreeMap<String, String>>,
) -> (Project<'f>, BTreeMap<&'f str, Vec<&'f TerraformFile>>) {
    let mut project = Project {
        modules: BTreeMap::new(),
        downloaded: downloaded.clone(),
    };
    let mut values_files: BTreeMap<&str, Vec<&TerraformFile>> = BTreeMap::new();
    for (dir, files) in dirs {
        let mut sorted: Vec<&TerraformFile> = files.iter().collect();
        sorted.sort_by(|a, b| a.source.path.cmp(&b.source.path));
        values_files.insert(
            dir,
            sorted.iter().copied().filter(|f| !f.is_config()).collect(),
        );
        if sorted.iter().any(|f| f.is_config()) {
            project
                .modules
                .insert(dir.clone(), Module::index(dir, &sorted));
        }
    }
    (project, values_files)
}

/// A called module's declarations (providers, variables, locals, outputs)
/// are the same whichever root reaches it: the first root in name order
/// that lists them keeps them, so their findings are not repeated per root
/// and policies do not evaluate them again. `outputs` come in root order,
/// after those that listed the module directories in `declared`. Each list
/// is then shrunk: resources are large (over 500 bytes each) and the lists
/// grew by doubling.
fn drop_repeated_declarations(
    outputs: &mut [(String, instance::Output)],
    declared: &mut BTreeSet<String>,
) {
    for (_, output) in outputs {
        let mut listed_here = BTreeSet::new();
        output.resources.retain(|r| {
            if r.module_calls.is_empty() || !is_declaration(r) {
                return true;
            }
            let module_dir = r.source.path.rsplit_once('/').map_or(".", |(d, _)| d);
            if declared.contains(module_dir) {
                return false;
            }
            listed_here.insert(module_dir.to_owned());
            true
        });
        declared.extend(listed_here);
        output.resources.shrink_to_fit();
    }
}

/// Whether a resource stands for a declaration rather than an object:
/// a provider configuration, variable, local or output.
fn is_declaration(resource: &Resource) -> bool {
    matches!(
        resource.kind.as_str(),
        "provider" | "variable" | "locals" | "output"
    )
}

/// The module directories evaluating `roots` reaches through local calls.
fn reachable<'p>(project: &'p Project, roots: &[&str]) -> BTreeSet<&'p str> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut stack: Vec<&str> = roots
        .iter()
        .filter_map(|r| project.modules.get_key_value(*r).map(|(k, _)| k.as_str()))
        .collect();
    while let Some(dir) = stack.pop() {
        if !seen.insert(dir) {
            continue;
        }
        let Some(module) = project.modules.get(dir) else {
            continue;
        };
        for target in module.local_call_dirs() {
            if let Some((key, _)) = project.modules.get_key_value(target.as_str()) {
                stack.push(key.as_str());
            }
        }
    }
    seen
}

/// A root's variable values by Terraform's precedence: `terraform.tfvars`,
/// `terraform.tfvars.json`, `*.auto.tfvars(.json)` in name order, then the
/// command line.
fn root_values(
    dir: &str,
    values_files: &BTreeMap<&str, Vec<&TerraformFile>>,
    cli: &BTreeMap<String, Partial>,
) -> BTreeMap<String, Partial> {
    let mut values = BTreeMap::new();
    let files = values_files.get(dir).cloned().unwrap_or_default();
    let name = |f: &TerraformFile| {
        f.source
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    for wanted in ["terraform.tfvars", "terraform.tfvars.json"] {
        for file in files.iter().filter(|f| name(f) == wanted) {
            values.extend(file.values().cloned().unwrap_or_default());
        }
    }
    for file in files
        .iter()
        .filter(|f| name(f).ends_with(".auto.tfvars") || name(f).ends_with(".auto.tfvars.json"))
    {
        values.extend(file.values().cloned().unwrap_or_default());
    }
    values.extend(cli.iter().map(|(k, v)| (k.clone(), v.clone())));
    values
}

/// Evaluates in-memory files as a scan of them would, each file in the
/// directory its path names; resources by root directory. For tests.
#[cfg(test)]
pub(crate) fn evaluate_sources(
    sources: &[SharedSource],
    vars: &[(&str, &str)],
) -> BTreeMap<String, Vec<Resource>> {
    let mut modules = Modules::default();
    for source in sources {
        let dir = match source.path.rsplit_once('/') {
            Some((dir, _)) => dir.to_owned(),
            None => ".".to_owned(),
        };
        let file = parse(source).expect("parses");
        modules.scanned.entry(dir).or_default().push(file);
    }
    let cli = CommandLineValues {
        files: Vec::new(),
        vars: vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    };
    evaluate(modules, &cli).roots.into_iter().collect()
}
