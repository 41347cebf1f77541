//! The addresses a reference stands for: a local, a variable or a module
//! output is followed, through the expressions that compute it, to the
//! objects it is built from, so a resource's `references` name resources
//! and not the names in between.

use std::collections::BTreeSet;

use hcl_edit::expr::Expression;
use regorus::Value;

use super::expand::quote;
use super::{Instance, Slot};
use crate::parse::terraform::eval::Scope;
use crate::parse::terraform::refs::{self, RawRef};
use crate::parse::terraform::value::Partial;
use crate::parse::terraform::TerraformFile;

impl<'e, 'p, 'f> Instance<'e, 'p, 'f> {
    /// The addresses behind a reference: locals, variables and module
    /// outputs are followed to the objects they are computed from.
    pub(super) fn resolve(&self, raw: &RawRef) -> BTreeSet<String> {
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

    pub(super) fn local_refs(&self, name: &str) -> BTreeSet<String> {
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

    pub(super) fn expression_refs(
        &self,
        expr: &Expression,
        file: &TerraformFile,
    ) -> BTreeSet<String> {
        let mut scope = Scope::new(self, &file.renamed_keys);
        let mut raw = Vec::new();
        refs::collect(expr, &mut scope, &mut raw);
        raw.iter().flat_map(|r| self.resolve(r)).collect()
    }
}
