//! Evaluates one root module and the modules it calls, the way Terraform
//! would before it talks to any provider: variables from their values and
//! defaults, locals on demand (cycles reported), `count`/`for_each`
//! expanded into instances, child modules evaluated with the caller's inputs
//! and providers, and every resource given its address, known values,
//! unknown paths, resolved references and effective tags.
//!
//! Named values are computed lazily and memoised per module instance, so the
//! order of declarations never matters and each value is computed once.
//!
//! This file holds the evaluation of a root, its budgets and the
//! [`Instance`] every part works on; each part is an `impl Instance` block
//! of its own: [`expand`] (`count`, `for_each`, `dynamic`), [`resources`]
//! (what an instance emits), [`calls`] (module calls), [`providers`]
//! (provider configurations), [`names`] (`var`, `local`, `module`, `path`)
//! and [`references`] (the addresses a reference stands for).

mod calls;
mod expand;
mod names;
mod providers;
mod references;
mod resources;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use hcl_edit::structure::Block;
use regorus::Value;

use self::calls::Child;
use self::names::{default_of, typed};
use self::providers::ProvidersState;
use super::eval::{self, span_of, Scope};
use super::module::{labels, Module};
use super::tags::ProviderTags;
use super::value::Partial;
use super::walk::Mode;
use super::TerraformFile;
use crate::model::{Cause, ModuleCall, Notification, NotificationLevel, Resource};
use crate::parse::ParseError;
use crate::source::{SharedSource, Span};

/// What the resources of one root module and its calls may weigh, in
/// approximate bytes (see [`weigh`]): `count = 10000` over a block with a
/// thousand tags would otherwise build ten million values. Real roots weigh
/// a few megabytes.
const MAX_ROOT_WEIGHT: usize = 256 << 20;
/// What one value node is counted as in [`MAX_ROOT_WEIGHT`], besides the
/// bytes of its strings: roughly its size in memory.
const NODE_WEIGHT: usize = 64;

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

/// One instance of a module (the root, or one instance of a call): its
/// address, inputs, providers and the values computed in it so far.
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
