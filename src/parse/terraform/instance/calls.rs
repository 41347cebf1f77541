//! Module calls: where a call's source is (a local directory or the copy
//! `terraform init` downloaded), the child instances it expands to, the
//! inputs each receives, and the value `module.<name>` takes from their
//! outputs. A call that cannot be followed is a note, not a failure.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::Attribute;

use super::expand::InstanceKey;
use super::names::{default_of, typed};
use super::{header_span, Instance, Slot};
use crate::model::{Cause, ModuleCall};
use crate::parse::terraform::eval::{self, Scope};
use crate::parse::terraform::module::{is_local_source, join_dir, literal, Item, Module};
use crate::parse::terraform::refs;
use crate::parse::terraform::value::Partial;
use crate::parse::terraform::TerraformFile;

/// Module calls nested deeper than this are not followed (Terraform has no
/// limit, but real configurations stay far below it and a cycle must stop).
const MAX_MODULE_DEPTH: usize = 32;

/// A called module, evaluated: the value `module.<name>` stands for and,
/// per output, the addresses it refers to.
pub(super) struct Child {
    pub(super) value: Partial,
    /// Instance key suffix (`""`, `[0]`, `["a"]`) → output → addresses.
    pub(super) output_refs: Vec<(String, BTreeMap<String, BTreeSet<String>>)>,
}

impl<'e, 'p, 'f> Instance<'e, 'p, 'f> {
    /// The module call `name`, evaluated once: its child instances emit
    /// their resources, and the call's value is their outputs.
    pub(super) fn child(&self, name: &str) -> Option<Rc<Child>> {
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
}
