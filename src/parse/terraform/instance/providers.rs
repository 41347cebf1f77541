//! Provider configurations: a module's own `provider` blocks over those its
//! caller passes down, which one a resource uses, and which a module call
//! passes on. Separate because effective tags depend on it (AWS
//! `default_tags`) and a provider configured from a module output makes the
//! walk re-entrant.

use std::collections::BTreeMap;
use std::rc::Rc;

use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use regorus::Value;

use super::Instance;
use crate::model::Resource;
use crate::parse::terraform::eval::{NoNames, Scope};
use crate::parse::terraform::module::{labels, Item};
use crate::parse::terraform::refs;
use crate::parse::terraform::tags::ProviderTags;
use crate::parse::terraform::walk::Mode;

/// The provider configurations a module's resources use, and the resources
/// that stand for the module's own `provider` blocks.
pub(super) struct Providers {
    pub(super) by_key: BTreeMap<String, Rc<ProviderTags>>,
    pub(super) resources: Vec<Resource>,
}

/// This module's provider configurations: being walked (those known so
/// far), or walked.
pub(super) enum ProvidersState {
    Building(BTreeMap<String, Rc<ProviderTags>>),
    Done(Rc<Providers>),
}

impl<'e, 'p, 'f> Instance<'e, 'p, 'f> {
    /// The provider configurations this module's resources use: inherited
    /// ones, overridden by the module's own `provider` blocks.
    ///
    /// A provider configured from a module output (`host =
    /// module.eks.cluster_endpoint`) leads back here while the blocks are
    /// being walked: the configurations walked so far are returned then. The
    /// blocks that refer to no module are walked first, so an `aws` provider
    /// with `default_tags` is known to the modules a `kubernetes` provider
    /// makes Terraform evaluate.
    pub(super) fn own_providers(&self) -> Rc<Providers> {
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

    /// The provider configurations a module call passes to its child:
    /// every default (unaliased) configuration, then the `providers` map.
    pub(super) fn providers_for(&self, item: &Item<'f>) -> BTreeMap<String, Rc<ProviderTags>> {
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

/// The provider configuration a `provider = aws.west` meta-argument or a
/// `providers` map entry names.
pub(super) fn provider_ref(expr: &Expression) -> Option<String> {
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
