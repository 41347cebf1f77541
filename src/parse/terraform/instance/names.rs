//! What the named values of a module instance stand for: `var.*`, `local.*`
//! (computed on demand, cycles reported), `module.*` and `path.*`, and a
//! variable's value as its declaration converts or defaults it. Kept apart
//! from the references they lead to, which follow the same names to
//! addresses rather than to values.

use super::{Instance, Slot};
use crate::model::Cause;
use crate::parse::terraform::eval::{self, span_of, Names, NoNames, Scope};
use crate::parse::terraform::module::Item;
use crate::parse::terraform::types;
use crate::parse::terraform::value::Partial;

/// A variable's value converted to its declared type.
pub(super) fn typed(item: &Item, value: Partial) -> Partial {
    match item.attribute("type") {
        Some((_, attr)) => types::conform(&attr.value, value),
        None => value,
    }
}

/// A variable's literal default.
pub(super) fn default_of(item: &Item) -> Option<Partial> {
    let (file, attr) = item.attribute("default")?;
    let mut scope = Scope::new(&NoNames, &file.renamed_keys);
    Some(eval::value(&attr.value, &mut scope))
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
