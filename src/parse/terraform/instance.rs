//! Evaluates one root module and the modules it calls, the way Terraform
//! would before it talks to any provider: variables from their values and
//! defaults, locals on demand (cycles reported), `count`/`for_each`
//! expanded into instances, child modules evaluated with the caller's inputs
//! and providers, and every resource given its address, known values,
//! unknown paths, resolved references and effective tags.
//!
//! Named values are computed lazily and memoised per module instance, so the
//! order of declarations never matters and each value is computed once.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Attribute, Block};
use regorus::Value;

use super::eval::{self, span_of, Names, NoNames, Scope};
use super::module::{is_local_source, join_dir, labels, literal, Item, Module};
use super::refs::{self, RawRef};
use super::tags::{self, ProviderTags};
use super::types;
use super::value::Partial;
use super::walk::{Mode, Walked, Walker, MAX_GENERATED_BLOCKS};
use super::TerraformFile;
use crate::model::{
    Cause, Format, ModuleCall, Notification, NotificationLevel, PathSeg, Resource, SpanChildren,
    SpanNode, Unknown,
};
use crate::parse::ParseError;
use crate::source::{SharedSource, Span};

/// Module calls nested deeper than this are not followed (Terraform has no
/// limit, but real configurations stay far below it and a cycle must stop).
const MAX_MODULE_DEPTH: usize = 32;
/// `count` or `for_each` with more instances than this is treated as
/// unknown: expanding it would cost more than it could tell.
const MAX_INSTANCES: usize = 10_000;
/// What the resources of one root module and its calls may weigh, in
/// approximate bytes (see [`weigh`]): `count = 10000` over a block with a
/// thousand tags would otherwise build ten million values. Real roots weigh
/// a few megabytes.
const MAX_ROOT_WEIGHT: usize = 256 << 20;
/// What one value node is counted as in [`MAX_ROOT_WEIGHT`], besides the
/// bytes of its strings: roughly its size in memory.
const NODE_WEIGHT: usize = 64;
/// Once a root module and its calls have produced this many resources,
/// further `count`/`for_each` are not expanded (nested module instances
/// multiply, and a scan must finish).
const MAX_RESOURCES_PER_ROOT: usize = 100_000;

/// Every module directory of the scan, and the modules `terraform init`
/// downloaded for each root.
#[derive(Debug, Default)]
pub(super) struct Project<'f> {
    pub modules: BTreeMap<String, Module<'f>>,
    /// Root directory → `modules.json` key (`vpc`, `vpc.subnets`) → the
    /// directory of the downloaded copy.
    pub downloaded: BTreeMap<String, BTreeMap<String, String>>,
}

/// What evaluating one root produced.
#[derive(Debug, Default)]
pub(super) struct Output {
    pub resources: Vec<Resource>,
    pub notifications: Vec<Notification>,
    /// What Terraform would reject (`count = -1`) or what goes over a
    /// budget: SG-PARSE-001 at the offending line.
    pub failures: Vec<(SharedSource, ParseError)>,
}

/// Evaluates the root module in `dir` with the given variable values.
pub(super) fn evaluate_root(
    project: &Project,
    dir: &str,
    values: BTreeMap<String, Partial>,
) -> Output {
    let Some(module) = project.modules.get(dir) else {
        return Output::default();
    };
    let evaluation = Evaluation {
        project,
        root: dir,
        out: RefCell::new(Output::default()),
        reported: RefCell::new(BTreeSet::new()),
        declared: RefCell::new(BTreeSet::new()),
        weight_left: Cell::new(MAX_ROOT_WEIGHT),
    };
    let vars = module
        .variables
        .iter()
        .map(|(name, item)| {
            let value = values
                .get(name)
                .cloned()
                .or_else(|| default_of(item))
                .unwrap_or_else(|| {
                    Partial::Unknown(Cause::Variable {
                        module: String::new(),
                        name: name.clone(),
                    })
                });
            (name.clone(), typed(item, value))
        })
        .collect();
    let root = Instance {
        ev: &evaluation,
        module,
        address: String::new(),
        key_path: Vec::new(),
        calls: Vec::new(),
        dirs: vec![dir.to_owned()],
        downloaded: false,
        vars,
        var_refs: None,
        inherited: BTreeMap::new(),
        locals: RefCell::default(),
        local_stack: RefCell::default(),
        cyclic: RefCell::default(),
        local_refs: RefCell::default(),
        children: RefCell::default(),
        providers: RefCell::new(None),
    };
    root.run();
    for (file, block) in &module.unmatched_overrides {
        evaluation.note(
            file,
            span_of(*block),
            "override block matches no block of the module; Terraform rejects it, so it is not applied",
        );
    }
    evaluation.out.into_inner()
}

/// A variable's value converted to its declared type.
fn typed(item: &Item, value: Partial) -> Partial {
    match item.attribute("type") {
        Some((_, attr)) => types::conform(&attr.value, value),
        None => value,
    }
}

/// A variable's literal default.
fn default_of(item: &Item) -> Option<Partial> {
    let (file, attr) = item.attribute("default")?;
    let mut scope = Scope::new(&NoNames, &file.renamed_keys);
    Some(eval::value(&attr.value, &mut scope))
}

struct Evaluation<'p, 'f> {
    project: &'p Project<'f>,
    root: &'p str,
    out: RefCell<Output>,
    /// Notifications already given, so a problem met through several
    /// instances is reported once.
    reported: RefCell<BTreeSet<(String, usize, String)>>,
    /// Module directories whose declarations were already listed.
    declared: RefCell<BTreeSet<String>>,
    /// What the resources built so far may still weigh ([`MAX_ROOT_WEIGHT`]).
    weight_left: Cell<usize>,
}

impl Evaluation<'_, '_> {
    /// SG-PARSE-001 at `span`, once per place and message.
    fn fail(&self, file: &TerraformFile, span: Span, message: &str) {
        let key = (file.source.path.clone(), span.start, message.to_owned());
        if !self.reported.borrow_mut().insert(key) {
            return;
        }
        self.out.borrow_mut().failures.push((
            file.source.clone(),
            ParseError::partial(span.start, message),
        ));
    }

    /// Spends the weight of `config` from the root's budget; false once it
    /// is spent.
    fn spend(&self, config: &Value) -> bool {
        let mut left = self.weight_left.get();
        let fits = weigh(config, &mut left);
        self.weight_left.set(if fits { left } else { 0 });
        fits
    }

    fn note(&self, file: &TerraformFile, span: Span, message: &str) {
        let key = (file.source.path.clone(), span.start, message.to_owned());
        if !self.reported.borrow_mut().insert(key) {
            return;
        }
        let (line, column) = file.source.position(file.span(span).start);
        self.out.borrow_mut().notifications.push(Notification {
            level: NotificationLevel::Note,
            file: Some(file.source.path.clone()),
            line: Some(line),
            column: Some(column),
            message: message.to_owned(),
        });
    }
}

/// A value being computed or computed: `Busy` seen again means a cycle.
enum Slot<T> {
    Busy,
    Done(T),
}

/// A called module, evaluated: the value `module.<name>` stands for and,
/// per output, the addresses it refers to.
struct Child {
    value: Partial,
    /// Instance key suffix (`""`, `[0]`, `["a"]`) → output → addresses.
    output_refs: Vec<(String, BTreeMap<String, BTreeSet<String>>)>,
}

/// The provider configurations a module's resources use, and the resources
/// that stand for the module's own `provider` blocks.
struct Providers {
    by_key: BTreeMap<String, Rc<ProviderTags>>,
    resources: Vec<Resource>,
}

/// One instance of a block: its address suffix (`[0]`, `["a"]`) and the
/// values `count.index` or `each` take in it.
#[derive(Debug, Clone, Default)]
struct InstanceKey {
    suffix: String,
    count_index: Option<Partial>,
    each: Option<(Partial, Partial)>,
}

impl Instances {
    /// The instances to evaluate, and what made them unknown: an unknown
    /// `count` or `for_each` is evaluated once, with `count.index` or
    /// `each` unknown.
    fn keys(self) -> (Vec<InstanceKey>, Option<(&'static str, Cause)>) {
        match self {
            Instances::Single => (vec![InstanceKey::default()], None),
            Instances::Keys(keys) => (keys, None),
            Instances::Unknown(meta, cause) => {
                let unknown = || Partial::Unknown(cause.clone());
                let key = InstanceKey {
                    suffix: String::new(),
                    count_index: (meta == "count").then(unknown),
                    each: (meta == "for_each").then(|| (unknown(), unknown())),
                };
                (vec![key], Some((meta, cause)))
            }
        }
    }
}

/// This module's provider configurations: being walked (those known so
/// far), or walked.
enum ProvidersState {
    Building(BTreeMap<String, Rc<ProviderTags>>),
    Done(Rc<Providers>),
}

/// How many instances a block has.
enum Instances {
    Single,
    Keys(Vec<InstanceKey>),
    /// `count` or `for_each` is unknown: the block is kept once.
    Unknown(&'static str, Cause),
}

struct Instance<'e, 'p, 'f> {
    ev: &'e Evaluation<'p, 'f>,
    module: &'p Module<'f>,
    /// `""` for the root, else `module.a`, `module.a["x"].module.b`.
    address: String,
    /// Call names from the root, for `modules.json` keys.
    key_path: Vec<String>,
    calls: Vec<ModuleCall>,
    /// Directories on the call path, to stop a module calling itself.
    dirs: Vec<String>,
    /// Whether this module is a downloaded copy under `.terraform/modules`.
    downloaded: bool,
    vars: BTreeMap<String, Partial>,
    /// For a child: the addresses each input expression of the call refers
    /// to. `None` for a root, whose variables refer to nothing.
    var_refs: Option<BTreeMap<String, BTreeSet<String>>>,
    /// Provider configurations passed down by the caller, by the key this
    /// module knows them by (`aws`, `aws.west`).
    inherited: BTreeMap<String, Rc<ProviderTags>>,
    locals: RefCell<BTreeMap<String, Slot<Partial>>>,
    /// The locals being evaluated, innermost last, and those found on a
    /// cycle: each gets one notification.
    local_stack: RefCell<Vec<String>>,
    cyclic: RefCell<BTreeSet<String>>,
    local_refs: RefCell<BTreeMap<String, Slot<BTreeSet<String>>>>,
    children: RefCell<BTreeMap<String, Slot<Rc<Child>>>>,
    /// This module's own provider blocks, walked once: their tags by key
    /// (inherited ones included) and the resources that stand for them.
    providers: RefCell<Option<ProvidersState>>,
}

impl Names for Instance<'_, '_, '_> {
    fn variable(&self, name: &str) -> Partial {
        self.vars.get(name).cloned().unwrap_or_else(|| {
            Partial::Unknown(Cause::Invalid(format!("var.{name} is not declared")))
        })
    }

    fn local(&self, name: &str) -> Partial {
        match self.locals.borrow().get(name) {
            Some(Slot::Done(v)) => return v.clone(),
            Some(Slot::Busy) => {
                // Every local from `name` up the evaluation stack is on the
                // cycle; those that merely use one of them are not.
                let stack = self.local_stack.borrow();
                let from = stack.iter().position(|n| n == name).unwrap_or(0);
                self.cyclic
                    .borrow_mut()
                    .extend(stack[from..].iter().cloned());
                return Partial::Unknown(Cause::Invalid(format!("local.{name} depends on itself")));
            }
            None => {}
        }
        let Some((file, attr)) = self.module.locals.get(name) else {
            return Partial::Unknown(Cause::Invalid(format!("local.{name} is not declared")));
        };
        self.locals.borrow_mut().insert(name.to_owned(), Slot::Busy);
        self.local_stack.borrow_mut().push(name.to_owned());
        let mut scope = Scope::new(self, &file.renamed_keys);
        let value = eval::value(&attr.value, &mut scope);
        self.local_stack.borrow_mut().pop();
        if self.cyclic.borrow().contains(name) {
            self.ev.note(
                file,
                span_of(&attr.key),
                &format!("local.{name} is part of a cycle between locals; its value is unknown"),
            );
        }
        self.locals
            .borrow_mut()
            .insert(name.to_owned(), Slot::Done(value.clone()));
        value
    }

    fn module(&self, name: &str) -> Partial {
        match self.child(name) {
            Some(child) => child.value.clone(),
            None => Partial::Unknown(Cause::Invalid(format!("module.{name} is not declared"))),
        }
    }

    fn path(&self, attr: &str) -> Partial {
        match attr {
            "module" => Partial::string(relative(self.ev.root, &self.module.dir)),
            "root" => Partial::string("."),
            _ => Partial::Unknown(Cause::Invalid(format!(
                "path.{attr} depends on the machine"
            ))),
        }
    }
}

impl<'e, 'p, 'f> Instance<'e, 'p, 'f> {
    fn prefix(&self) -> String {
        if self.address.is_empty() {
            String::new()
        } else {
            format!("{}.", self.address)
        }
    }

    /// Emits every resource of this module instance and of the modules it
    /// calls; returns the outputs and what each refers to.
    fn run(&self) -> (Partial, BTreeMap<String, BTreeSet<String>>) {
        // A module's providers, variables, locals and outputs are the same
        // declarations in every instance: they are listed for its first
        // instance in this root only, so a module called many times does not
        // multiply them (and `evaluate` keeps one root's list per scan).
        let first = self
            .ev
            .declared
            .borrow_mut()
            .insert(self.module.dir.clone());
        let providers = self.own_providers();
        if first {
            self.emit_all(providers.resources.clone());
            for (name, item) in &self.module.variables {
                self.emit_block(item, Mode::Variable, "variable", name);
            }
            for name in self.module.locals.keys() {
                self.emit_local(name);
            }
        }
        for item in &self.module.resources {
            let names = labels(item.block);
            let mode = if item.block.ident.as_str() == "data" {
                Mode::Data
            } else {
                Mode::Managed
            };
            self.emit_block(item, mode, names[0], names[1]);
        }
        for (name, item) in &self.module.calls {
            self.emit_block(item, Mode::Module, "module", name);
            self.child(name);
        }
        let mut outputs = BTreeMap::new();
        let mut output_refs = BTreeMap::new();
        for (name, item) in &self.module.outputs {
            if first {
                self.emit_block(item, Mode::Output, "output", name);
            }
            if let Some((file, attr)) = item.attribute("value") {
                let mut scope = Scope::new(self, &file.renamed_keys);
                outputs.insert(name.clone(), eval::value(&attr.value, &mut scope));
                output_refs.insert(name.clone(), self.expression_refs(&attr.value, file));
            }
        }
        (Partial::map(outputs), output_refs)
    }

    fn emit_all(&self, resources: Vec<Resource>) {
        self.ev.out.borrow_mut().resources.extend(resources);
    }

    /// The provider configurations this module's resources use: inherited
    /// ones, overridden by the module's own `provider` blocks.
    ///
    /// A provider configured from a module output (`host =
    /// module.eks.cluster_endpoint`) leads back here while the blocks are
    /// being walked: the configurations walked so far are returned then. The
    /// blocks that refer to no module are walked first, so an `aws` provider
    /// with `default_tags` is known to the modules a `kubernetes` provider
    /// makes Terraform evaluate.
    fn own_providers(&self) -> Rc<Providers> {
        match &*self.providers.borrow() {
            Some(ProvidersState::Done(p)) => return p.clone(),
            Some(ProvidersState::Building(partial)) => {
                return Rc::new(Providers {
                    by_key: partial.clone(),
                    resources: Vec::new(),
                })
            }
            None => {}
        }
        *self.providers.borrow_mut() = Some(ProvidersState::Building(self.inherited.clone()));
        let mut items: Vec<&Item<'f>> = self.module.providers.iter().collect();
        items.sort_by_key(|item| refers_to_a_module(&item.block.body));
        let mut resources = Vec::new();
        for item in items {
            let name = labels(item.block)[0];
            for resource in self.build(item, Mode::Provider, "provider", name) {
                let key = match resource
                    .config
                    .as_object()
                    .ok()
                    .and_then(|o| o.get(&Value::from("alias")))
                {
                    Some(Value::String(alias)) => format!("{name}.{alias}"),
                    _ => name.to_owned(),
                };
                let tags = Rc::new(ProviderTags::from_provider(
                    &resource.config,
                    &resource.unknown,
                ));
                if let Some(ProvidersState::Building(partial)) = &mut *self.providers.borrow_mut() {
                    partial.insert(key, tags);
                }
                resources.push(resource);
            }
        }
        let by_key = match self.providers.borrow_mut().take() {
            Some(ProvidersState::Building(map)) => map,
            _ => self.inherited.clone(),
        };
        let providers = Rc::new(Providers { by_key, resources });
        *self.providers.borrow_mut() = Some(ProvidersState::Done(providers.clone()));
        providers
    }

    fn emit_block(&self, item: &Item<'f>, mode: Mode, kind: &str, name: &str) {
        let resources = self.build(item, mode, kind, name);
        self.emit_all(resources);
    }

    /// The resources one addressable block stands for: one per instance.
    fn build(&self, item: &Item<'f>, mode: Mode, kind: &str, name: &str) -> Vec<Resource> {
        let header = header_span(item.block);
        let instances = match mode {
            Mode::Managed | Mode::Data | Mode::Module => self.instances(item),
            _ => Instances::Single,
        };
        let (mut keys, unknown_meta) = instances.keys();
        // A `count` or `for_each` known to be empty creates nothing, but the
        // block is still written: it is kept once, marked, so that rules about
        // how blocks are written (labels) see it and rules about values skip
        // it. `count.index` and `each` have no value in it.
        let declaration_only = keys.is_empty();
        if declaration_only {
            let none = || Partial::Unknown(Cause::Invalid("the block has no instance".into()));
            keys.push(InstanceKey {
                suffix: String::new(),
                count_index: item.attribute("count").is_some().then(none),
                each: item
                    .attribute("for_each")
                    .is_some()
                    .then(|| (none(), none())),
            });
        }
        let base_id = match mode {
            Mode::Managed => format!("{kind}.{name}"),
            Mode::Data => format!("data.{kind}.{name}"),
            Mode::Provider => format!("provider.{name}"),
            Mode::Module => format!("module.{name}"),
            Mode::Variable => format!("var.{name}"),
            Mode::Output => format!("output.{name}"),
        };
        let provider = match mode {
            Mode::Managed | Mode::Data => Some(
                item.attribute("provider")
                    .and_then(|(_, attr)| provider_ref(&attr.value))
                    .unwrap_or_else(|| kind.split('_').next().unwrap_or(kind).to_owned()),
            ),
            _ => None,
        };
        if self.ev.weight_left.get() == 0 {
            // Reported where the budget ran out; nothing more is built.
            return Vec::new();
        }
        let mut out = Vec::with_capacity(keys.len());
        for key in keys {
            let mut walked = self.walk(item.file, &item.block.body, mode, &key);
            for (file, block) in &item.overrides {
                let over = self.walk(file, &block.body, mode, &key);
                walked.merge_override(over, SpanNode::leaf(Some(header), header));
            }
            if mode == Mode::Variable {
                // A type constraint is not a value; show it as written.
                if let Some((file, attr)) = item.attribute("type") {
                    let span = span_of(&attr.value);
                    let text = file
                        .hcl_text()
                        .get(span.start..span.end)
                        .unwrap_or_default();
                    walked
                        .config
                        .insert(Value::from("type"), Value::from(text.trim()));
                    walked
                        .unknown
                        .retain(|u| u.path.first() != Some(&PathSeg::Key("type".into())));
                }
            }
            if let Some((meta, cause)) = unknown_meta.clone() {
                let path = vec![PathSeg::Key(meta.to_owned())];
                if !walked.unknown.iter().any(|u| u.path == path) {
                    walked.unknown.push(Unknown { path, cause });
                }
            }
            let config = Value::from(walked.config);
            if !self.ev.spend(&config) {
                let (file, span) = expansion_site(item);
                self.ev.fail(
                    file,
                    span,
                    &format!(
                        "the resources of this root module weigh more than {} MB; {base_id}{} and what follows were not built",
                        MAX_ROOT_WEIGHT >> 20,
                        key.suffix
                    ),
                );
                break;
            }
            if let Some(message) = crate::memory::over_ceiling() {
                // Nothing more of this root is built; what was is dropped
                // with the failing file's data.
                self.ev.weight_left.set(0);
                let (file, span) = expansion_site(item);
                self.ev
                    .fail(file, span, &format!("{base_id}{}: {message}", key.suffix));
                break;
            }
            let mut id = format!("{}{}", self.prefix(), base_id);
            if mode == Mode::Provider {
                if let Some(Value::String(alias)) = config
                    .as_object()
                    .ok()
                    .and_then(|o| o.get(&Value::from("alias")))
                {
                    id = format!("{}provider.{name}.{alias}", self.prefix());
                }
            }
            id.push_str(&key.suffix);
            let (tags, tags_unknown, tags_cause) = match mode {
                Mode::Managed => {
                    let key = provider.clone().unwrap_or_default();
                    let providers = self.own_providers();
                    tags::effective(
                        kind,
                        &config,
                        &walked.unknown,
                        providers.by_key.get(&key).map(|p| &**p),
                    )
                }
                _ => (Value::new_object(), Vec::new(), None),
            };
            out.push(Resource {
                id,
                format: Format::Terraform,
                kind: kind.to_owned(),
                name: name.to_owned(),
                namespace: None,
                provider: provider.clone(),
                source: item.file.source.clone(),
                config,
                unknown: walked.unknown,
                references: walked
                    .references
                    .into_iter()
                    .map(|(path, addresses)| (path, addresses.into_iter().collect()))
                    .collect(),
                tags,
                tags_unknown,
                tags_cause,
                module_calls: self.calls.clone(),
                spans: item.file.spans(SpanNode {
                    key: Some(header),
                    value: body_span(item.file, item.block, header),
                    children: SpanChildren::Map(walked.spans),
                }),
                header: item.file.span(header),
                helm_source: None,
                declaration_only,
            });
        }
        out
    }

    fn walk(
        &self,
        file: &TerraformFile,
        body: &hcl_edit::structure::Body,
        mode: Mode,
        key: &InstanceKey,
    ) -> Walked {
        let mut scope = Scope::new(self, &file.renamed_keys);
        scope.count_index = key.count_index.clone();
        scope.each = key.each.clone();
        let resolve = |raw: &RawRef| self.resolve(raw);
        let mut walker = Walker {
            mode,
            for_each_expanded: key.each.is_some() && !key.suffix.is_empty(),
            scope: &mut scope,
            resolve: &resolve,
            generated_left: MAX_GENERATED_BLOCKS,
            over_budget: None,
        };
        let mut walked = Walked::default();
        walker.body(body, &mut Vec::new(), &mut walked);
        if let Some(span) = walker.over_budget {
            self.ev.fail(
                file,
                span,
                &format!(
                    "dynamic blocks generate more than {MAX_GENERATED_BLOCKS} blocks in one instance; not expanded"
                ),
            );
        }
        walked
    }

    /// One `locals` entry as a resource whose `config` is `{"value": …}`.
    fn emit_local(&self, name: &str) {
        let Some((file, attr)) = self.module.locals.get(name) else {
            return;
        };
        let key = span_of(&attr.key);
        let value = self.local(name);
        let (known, unknown) = value.clone().into_config();
        let mut config = BTreeMap::new();
        let mut unknown_paths = Vec::new();
        let value_path = vec![PathSeg::Key("value".to_owned())];
        match known {
            Some(v) => {
                config.insert(Value::from("value"), v);
                for (rel, cause) in unknown {
                    let mut path = value_path.clone();
                    path.extend(rel);
                    unknown_paths.push(Unknown { path, cause });
                }
            }
            None => unknown_paths.push(Unknown {
                path: value_path,
                cause: value
                    .first_cause()
                    .cloned()
                    .unwrap_or(Cause::Invalid("unknown".into())),
            }),
        }
        let refs = self.local_refs(name);
        let mut references = BTreeMap::new();
        if !refs.is_empty() {
            references.insert("value".to_owned(), refs.into_iter().collect());
        }
        let resource = Resource {
            id: format!("{}local.{name}", self.prefix()),
            format: Format::Terraform,
            kind: "locals".to_owned(),
            name: name.to_owned(),
            namespace: None,
            provider: None,
            source: file.source.clone(),
            config: Value::from(config),
            unknown: unknown_paths,
            references,
            tags: Value::new_object(),
            tags_unknown: Vec::new(),
            tags_cause: None,
            module_calls: self.calls.clone(),
            spans: file.spans(SpanNode {
                key: Some(key),
                value: span_of(*attr),
                children: SpanChildren::Map(vec![(
                    "value".to_owned(),
                    eval::spans(&attr.value, Some(key), &file.renamed_keys),
                )]),
            }),
            header: file.span(key),
            helm_source: None,
            declaration_only: false,
        };
        self.emit_all(vec![resource]);
    }

    /// The instances a block's `count` or `for_each` expands to.
    fn instances(&self, item: &Item<'f>) -> Instances {
        let has_meta = item.attribute("count").is_some() || item.attribute("for_each").is_some();
        if has_meta && self.ev.out.borrow().resources.len() >= MAX_RESOURCES_PER_ROOT {
            self.ev.fail(
                item.file,
                header_span(item.block),
                &format!(
                    "this root module already has {MAX_RESOURCES_PER_ROOT} resources; further count/for_each are not expanded"
                ),
            );
            let meta = if item.attribute("count").is_some() {
                "count"
            } else {
                "for_each"
            };
            return Instances::Unknown(
                meta,
                Cause::Invalid(format!(
                    "over {MAX_RESOURCES_PER_ROOT} resources in one root"
                )),
            );
        }
        if let Some((file, attr)) = item.attribute("count") {
            let mut scope = Scope::new(self, &file.renamed_keys);
            let value = eval::value(&attr.value, &mut scope);
            let n = match &value {
                Partial::Scalar(v) => eval::to_number(v).filter(|n| n.fract() == 0.0 && *n >= 0.0),
                _ => None,
            };
            if let (None, Partial::Scalar(v)) = (n, &value) {
                // Terraform stops here ("Invalid count argument"); so does
                // the gate, rather than check one instance of a block that
                // would never be planned.
                self.ev.fail(
                    file,
                    span_of(attr),
                    &format!(
                        "invalid count argument: {}; count must be a whole number, 0 or more",
                        invalid_count(v)
                    ),
                );
            }
            if n.is_some_and(|n| n > MAX_INSTANCES as f64) {
                self.ev.fail(
                    file,
                    span_of(attr),
                    &format!("count is over the budget of {MAX_INSTANCES} instances; not expanded"),
                );
            }
            return match n {
                Some(n) if n as usize <= MAX_INSTANCES => Instances::Keys(
                    (0..n as i64)
                        .map(|i| InstanceKey {
                            suffix: format!("[{i}]"),
                            count_index: Some(Partial::Scalar(Value::from(i))),
                            each: None,
                        })
                        .collect(),
                ),
                Some(_) => Instances::Unknown(
                    "count",
                    Cause::Invalid(format!("count over {MAX_INSTANCES}")),
                ),
                None => Instances::Unknown(
                    "count",
                    value
                        .first_cause()
                        .cloned()
                        .unwrap_or(Cause::Invalid("count is not a whole number".into())),
                ),
            };
        }
        let Some((file, attr)) = item.attribute("for_each") else {
            return Instances::Single;
        };
        let mut scope = Scope::new(self, &file.renamed_keys);
        let value = eval::value(&attr.value, &mut scope);
        let pairs: Option<Vec<(String, Partial)>> = match &value {
            // Keys are known even where values are not.
            Partial::Map(entries, None) => Some(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
            // A set of strings: Terraform dedups and sorts it.
            Partial::List(items) => items
                .iter()
                .map(|item| item.as_str().map(|s| (s.to_owned(), item.clone())))
                .collect::<Option<BTreeMap<_, _>>>()
                .map(|set| set.into_iter().collect()),
            _ => None,
        };
        match pairs {
            Some(pairs) if pairs.len() <= MAX_INSTANCES => Instances::Keys(
                pairs
                    .into_iter()
                    .map(|(k, v)| InstanceKey {
                        suffix: format!("[{}]", quote(&k)),
                        count_index: None,
                        each: Some((Partial::string(&k), v)),
                    })
                    .collect(),
            ),
            Some(_) => {
                self.ev.fail(
                    file,
                    span_of(attr),
                    &format!(
                        "for_each is over the budget of {MAX_INSTANCES} instances; not expanded"
                    ),
                );
                Instances::Unknown(
                    "for_each",
                    Cause::Invalid(format!("for_each over {MAX_INSTANCES}")),
                )
            }
            None => Instances::Unknown(
                "for_each",
                value.first_cause().cloned().unwrap_or(Cause::Invalid(
                    "for_each is not a map or set of strings".into(),
                )),
            ),
        }
    }

    /// The addresses behind a reference: locals, variables and module
    /// outputs are followed to the objects they are computed from.
    fn resolve(&self, raw: &RawRef) -> BTreeSet<String> {
        let prefix = self.prefix();
        let name = raw.address.split_once('.').map_or("", |(_, n)| n);
        if raw.address.starts_with("var.") {
            return match &self.var_refs {
                Some(refs) if refs.contains_key(name) => refs[name].clone(),
                _ => BTreeSet::from([format!("{prefix}{}", raw.address)]),
            };
        }
        if raw.address.starts_with("local.") {
            return self.local_refs(name);
        }
        let key = match &raw.key {
            Some(Partial::Scalar(Value::Number(n))) => n.as_i64().map(|i| format!("[{i}]")),
            Some(Partial::Scalar(Value::String(s))) => Some(format!("[{}]", quote(s))),
            _ => None,
        };
        if raw.address.starts_with("module.") {
            if let Some(child) = self.child(name) {
                if !child.output_refs.is_empty() {
                    let mut found = BTreeSet::new();
                    for (suffix, outputs) in &child.output_refs {
                        if key.as_ref().is_some_and(|k| k != suffix) {
                            continue;
                        }
                        match &raw.output {
                            Some(output) => {
                                found.extend(outputs.get(output).cloned().unwrap_or_default())
                            }
                            None => found.extend(outputs.values().flatten().cloned()),
                        }
                    }
                    return found;
                }
            }
        }
        BTreeSet::from([format!(
            "{prefix}{}{}",
            raw.address,
            key.unwrap_or_default()
        )])
    }

    fn local_refs(&self, name: &str) -> BTreeSet<String> {
        match self.local_refs.borrow().get(name) {
            Some(Slot::Done(refs)) => return refs.clone(),
            Some(Slot::Busy) => return BTreeSet::new(),
            None => {}
        }
        let Some((file, attr)) = self.module.locals.get(name) else {
            // Terraform rejects an undeclared local; the name is all we have.
            return BTreeSet::from([format!("{}local.{name}", self.prefix())]);
        };
        self.local_refs
            .borrow_mut()
            .insert(name.to_owned(), Slot::Busy);
        let refs = self.expression_refs(&attr.value, file);
        self.local_refs
            .borrow_mut()
            .insert(name.to_owned(), Slot::Done(refs.clone()));
        refs
    }

    fn expression_refs(&self, expr: &Expression, file: &TerraformFile) -> BTreeSet<String> {
        let mut scope = Scope::new(self, &file.renamed_keys);
        let mut raw = Vec::new();
        refs::collect(expr, &mut scope, &mut raw);
        raw.iter().flat_map(|r| self.resolve(r)).collect()
    }

    /// The module call `name`, evaluated once: its child instances emit
    /// their resources, and the call's value is their outputs.
    fn child(&self, name: &str) -> Option<Rc<Child>> {
        match self.children.borrow().get(name) {
            Some(Slot::Done(child)) => return Some(child.clone()),
            Some(Slot::Busy) => {
                return Some(Rc::new(Child {
                    value: Partial::Unknown(Cause::Invalid(format!(
                        "module.{name} depends on itself"
                    ))),
                    output_refs: Vec::new(),
                }))
            }
            None => {}
        }
        let item = self.module.calls.get(name)?;
        self.children
            .borrow_mut()
            .insert(name.to_owned(), Slot::Busy);
        let child = Rc::new(self.call(name, item));
        self.children
            .borrow_mut()
            .insert(name.to_owned(), Slot::Done(child.clone()));
        Some(child)
    }

    fn call(&self, name: &str, item: &Item<'f>) -> Child {
        let address = format!("{}module.{name}", self.prefix());
        let unread = |why: String| {
            self.ev.note(item.file, header_span(item.block), &why);
            Child {
                value: Partial::Unknown(Cause::Module),
                output_refs: Vec::new(),
            }
        };
        let source = item
            .attribute("source")
            .and_then(|(_, attr)| literal(&attr.value));
        let Some(source) = source else {
            return unread(format!(
                "{address} has no literal `source`; its resources are not checked"
            ));
        };
        let mut key_path = self.key_path.clone();
        key_path.push(name.to_owned());
        let downloaded_dir = self
            .ev
            .project
            .downloaded
            .get(self.ev.root)
            .and_then(|keys| keys.get(&key_path.join(".")));
        let (dir, downloaded) = match (downloaded_dir, is_local_source(&source)) {
            (Some(dir), local) => (dir.clone(), self.downloaded || !local),
            (None, true) => match join_dir(&self.module.dir, &source) {
                Some(dir) => (dir, self.downloaded),
                None => {
                    return unread(format!(
                        "{address}: source {source:?} is outside the project root; its resources are not checked"
                    ))
                }
            },
            (None, false) => {
                return unread(format!(
                    "{address}: source {source:?} is not downloaded (no entry in .terraform/modules/modules.json; run `terraform init`); its resources are not checked"
                ))
            }
        };
        let Some(module) = self.ev.project.modules.get(&dir) else {
            return unread(format!(
                "{address}: {dir} holds no Terraform file that could be read and parsed; its resources are not checked"
            ));
        };
        if self.dirs.contains(&dir) || self.dirs.len() > MAX_MODULE_DEPTH {
            return unread(format!(
                "{address}: {dir} calls itself (directly or through other modules); not followed"
            ));
        }
        let (instances, unknown_meta) = self.instances(item).keys();
        let unknown_instances = unknown_meta.is_some();
        let by_count = item.attribute("count").is_some();
        let mut values = Vec::new();
        let mut output_refs = Vec::new();
        for key in instances {
            let address = format!("{}module.{name}{}", self.prefix(), key.suffix);
            let mut call = ModuleCall {
                address: address.clone(),
                source: item.file.source.clone(),
                header: item.file.span(header_span(item.block)),
                downloaded,
            };
            call.address = address.clone();
            let (vars, var_refs) = self.inputs(item, module, &address, &key);
            let mut calls = self.calls.clone();
            calls.push(call);
            let mut dirs = self.dirs.clone();
            dirs.push(dir.clone());
            let child = Instance {
                ev: self.ev,
                module,
                address,
                key_path: key_path.clone(),
                calls,
                dirs,
                downloaded,
                vars,
                var_refs: Some(var_refs),
                inherited: self.providers_for(item),
                locals: RefCell::default(),
                local_stack: RefCell::default(),
                cyclic: RefCell::default(),
                local_refs: RefCell::default(),
                children: RefCell::default(),
                providers: RefCell::new(None),
            };
            let (outputs, refs) = child.run();
            values.push((key.suffix.clone(), key.each.map(|(k, _)| k), outputs));
            output_refs.push((key.suffix, refs));
        }
        let value = if unknown_instances {
            Partial::Unknown(Cause::Invalid(format!(
                "module.{name} has an unknown count or for_each"
            )))
        } else if by_count {
            Partial::List(values.into_iter().map(|(_, _, v)| v).collect())
        } else if item.attribute("for_each").is_some() {
            Partial::map(
                values
                    .into_iter()
                    .filter_map(|(_, key, v)| Some((key?.as_str()?.to_owned(), v)))
                    .collect(),
            )
        } else {
            values
                .pop()
                .map_or(Partial::map(BTreeMap::new()), |(_, _, v)| v)
        };
        Child { value, output_refs }
    }

    /// A child instance's variable values and what each input refers to.
    #[allow(clippy::type_complexity)]
    fn inputs(
        &self,
        item: &Item<'f>,
        module: &Module<'f>,
        address: &str,
        key: &InstanceKey,
    ) -> (
        BTreeMap<String, Partial>,
        BTreeMap<String, BTreeSet<String>>,
    ) {
        let mut given: BTreeMap<String, (&TerraformFile, &Attribute)> = BTreeMap::new();
        let blocks = std::iter::once((item.file, item.block)).chain(item.overrides.iter().copied());
        for (file, block) in blocks {
            for attr in block.body.attributes() {
                let name = attr.key.as_str();
                if !matches!(
                    name,
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    given.insert(name.to_owned(), (file, attr));
                }
            }
        }
        let mut vars = BTreeMap::new();
        let mut refs = BTreeMap::new();
        for (name, declared) in &module.variables {
            let value = match given.get(name) {
                Some((file, attr)) => {
                    let mut scope = Scope::new(self, &file.renamed_keys);
                    scope.count_index = key.count_index.clone();
                    scope.each = key.each.clone();
                    let value = eval::value(&attr.value, &mut scope);
                    let mut raw = Vec::new();
                    refs::collect(&attr.value, &mut scope, &mut raw);
                    refs.insert(
                        name.clone(),
                        raw.iter().flat_map(|r| self.resolve(r)).collect(),
                    );
                    let not_nullable = declared.attribute("nullable").is_some_and(
                        |(_, a)| matches!(&a.value, Expression::Bool(b) if !*b.value()),
                    );
                    if value.is_null() && not_nullable {
                        default_of(declared).unwrap_or(value)
                    } else {
                        value
                    }
                }
                None => default_of(declared).unwrap_or_else(|| {
                    Partial::Unknown(Cause::Variable {
                        module: address.to_owned(),
                        name: name.clone(),
                    })
                }),
            };
            vars.insert(name.clone(), typed(declared, value));
        }
        (vars, refs)
    }

    /// The provider configurations a module call passes to its child:
    /// every default (unaliased) configuration, then the `providers` map.
    fn providers_for(&self, item: &Item<'f>) -> BTreeMap<String, Rc<ProviderTags>> {
        let providers = self.own_providers();
        let mine = &providers.by_key;
        let mut passed: BTreeMap<String, Rc<ProviderTags>> = mine
            .iter()
            .filter(|(key, _)| !key.contains('.'))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some((_, attr)) = item.attribute("providers") {
            if let Expression::Object(object) = &attr.value {
                for (key, value) in object.iter() {
                    let child_key = match key {
                        ObjectKey::Ident(ident) => Some(ident.as_str().to_owned()),
                        ObjectKey::Expression(expr) => provider_ref(expr),
                    };
                    let (Some(child_key), Some(parent_key)) =
                        (child_key, provider_ref(value.expr()))
                    else {
                        continue;
                    };
                    match mine.get(&parent_key) {
                        Some(tags) => {
                            passed.insert(child_key, tags.clone());
                        }
                        None => {
                            passed.remove(&child_key);
                        }
                    }
                }
            }
        }
        passed
    }
}

/// Whether anything in `body` refers to `module.*`.
fn refers_to_a_module(body: &hcl_edit::structure::Body) -> bool {
    body.iter().any(|structure| match structure {
        hcl_edit::structure::Structure::Attribute(attr) => expression_mentions_module(&attr.value),
        hcl_edit::structure::Structure::Block(block) => refers_to_a_module(&block.body),
    })
}

fn expression_mentions_module(expr: &Expression) -> bool {
    let mut raw = Vec::new();
    let renamed = BTreeMap::new();
    let mut scope = Scope::new(&NoNames, &renamed);
    refs::collect(expr, &mut scope, &mut raw);
    raw.iter().any(|r| r.address.starts_with("module."))
}

/// From the block type to the end of its last label:
/// `resource "aws_s3_bucket" "logs"`.
pub(super) fn header_span(block: &Block) -> Span {
    let ident = span_of(&block.ident);
    match block.labels.last() {
        Some(label) => ident.join(span_of(label)),
        None => ident,
    }
}

/// From the block's `{` to its `}`; hcl-edit does not record a span for
/// one-line bodies, so it is found after the header.
fn body_span(file: &TerraformFile, block: &Block, header: Span) -> Span {
    let whole = span_of(block);
    let open = file
        .hcl_text()
        .get(header.end..whole.end)
        .and_then(|rest| rest.find('{'))
        .map_or(whole.start, |i| header.end + i);
    Span::new(open, whole.end)
}

/// The provider configuration a `provider = aws.west` meta-argument or a
/// `providers` map entry names.
fn provider_ref(expr: &Expression) -> Option<String> {
    match expr {
        Expression::Variable(name) => Some(name.as_str().to_owned()),
        // Terraform 0.11 wrote it as a string.
        Expression::String(s) => Some(s.value().clone()),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let mut name = root.as_str().to_owned();
            for op in &t.operators {
                let TraversalOperator::GetAttr(attr) = op.value() else {
                    return None;
                };
                name.push('.');
                name.push_str(attr.as_str());
            }
            Some(name)
        }
        _ => None,
    }
}

/// A string as Terraform writes it in an instance key.
pub(super) fn quote(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 2);
    out.push('"');
    for c in key.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `path.module` as Terraform gives it: the module directory relative to
/// the root module's.
fn relative(root: &str, dir: &str) -> String {
    if root == dir {
        return ".".to_owned();
    }
    let split = |p: &str| -> Vec<String> {
        p.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(str::to_owned)
            .collect()
    };
    let (from, to) = (split(root), split(dir));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(to[common..].iter().cloned());
    if parts.first().is_some_and(|p| p != "..") {
        parts.insert(0, ".".to_owned());
    }
    parts.join("/")
}

/// Where a block's expansion is decided: its `count` or `for_each`, else its
/// header.
fn expansion_site<'f>(item: &Item<'f>) -> (&'f TerraformFile, Span) {
    item.attribute("count")
        .or_else(|| item.attribute("for_each"))
        .map(|(file, attr)| (file, span_of(attr)))
        .unwrap_or((item.file, header_span(item.block)))
}

/// Spends the weight of `value` from `budget`: [`NODE_WEIGHT`] per node plus
/// the bytes of its strings; stops (false) as soon as it runs out, so a huge
/// value costs no more than the budget to weigh.
fn weigh(value: &Value, budget: &mut usize) -> bool {
    let own = NODE_WEIGHT
        + match value {
            Value::String(s) => s.len(),
            _ => 0,
        };
    let Some(left) = budget.checked_sub(own) else {
        return false;
    };
    *budget = left;
    match value {
        Value::Array(items) => items.iter().all(|i| weigh(i, budget)),
        Value::Set(items) => items.iter().all(|i| weigh(i, budget)),
        Value::Object(entries) => entries
            .iter()
            .all(|(k, v)| weigh(k, budget) && weigh(v, budget)),
        _ => true,
    }
}

/// Why a known `count` value is not a count, in Terraform's words.
fn invalid_count(value: &Value) -> String {
    match eval::to_number(value) {
        Some(n) if n < 0.0 => format!("{n} is less than zero"),
        Some(n) if n.is_finite() => format!("{n} is not a whole number"),
        Some(_) => "the number is out of range".to_owned(),
        None => format!("{value} is not a number"),
    }
}

#[cfg(test)]
mod tests {
    use super::relative;

    #[test]
    fn path_module_is_relative_to_the_root() {
        assert_eq!(relative("infra/prod", "infra/prod"), ".");
        assert_eq!(
            relative("infra/prod", "infra/modules/vpc"),
            "../modules/vpc"
        );
        assert_eq!(relative(".", "modules/vpc"), "./modules/vpc");
    }
}
