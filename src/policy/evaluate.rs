//! Evaluates every rule of a [`PolicySet`] against one bundle and reads back
//! the `deny` / `unverified` sets (docs/architecture.md "Policies").

use std::collections::HashMap;

use regorus::{Engine, Value};

use crate::model::{Bundle, FindingKind, PathSeg, ValuePath};
use crate::policy::combined::{self, COMBINED_RULE};
use crate::policy::input::bundle_input;
use crate::policy::loader::{Evaluator, LoadedRule, PolicySet};

/// A finding as a policy produced it, before it has a location.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawFinding {
    /// Index into [`PolicySet::rules`].
    pub rule: usize,
    pub kind: FindingKind,
    pub resource: Option<Named>,
    pub path: ValuePath,
    pub message: String,
    pub key: Option<String>,
}

/// The resource a finding names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Named {
    /// One of the bundle's resources, by index.
    Held(usize),
    /// An id the bundle holds no resource for: the finding concerns the
    /// bundle as a whole, and reports keep the id the rule wrote.
    Other(String),
}

/// A rule that failed at evaluation time: the run could not run (exit 2),
/// and reports carry it as an `error` notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError {
    pub rule: usize,
    pub message: String,
}

/// Runs every enabled rule on `bundle` with `evaluator`, the calling worker
/// thread's own (see [`PolicySet::evaluator`]).
pub fn evaluate(
    set: &PolicySet,
    evaluator: &mut Evaluator,
    bundle: &Bundle,
) -> (Vec<RawFinding>, Vec<EvalError>) {
    let input = bundle_input(bundle);
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    // One evaluation for all rules, by the VM when the pack is compiled
    // (it evaluates every rule; what a rule's selector leaves out is not
    // read below), else by the interpreter (only the rules that apply). If
    // that fails, one evaluation per rule by the interpreter, so that the
    // error is attributed to its rule and the other rules still report.
    let by_vm = evaluator.vm.as_mut().and_then(|vm| {
        vm.set_input(input.clone());
        match vm.execute_entry_point_by_name(COMBINED_RULE) {
            Ok(Value::Object(results)) => Some(results),
            _ => None,
        }
    });
    let mut engine = None;
    let mut unavailable = String::new();
    let combined = match by_vm {
        Some(results) => Some(results),
        None => match evaluator.engine(set) {
            Ok(loaded) => {
                loaded.set_input(input);
                let combined = match combined_evaluation(set, loaded, bundle) {
                    Ok(Value::Object(results)) => Some(results),
                    _ => None,
                };
                engine = Some(loaded);
                combined
            }
            Err(message) => {
                unavailable = message;
                None
            }
        },
    };
    for (index, rule) in set.rules.iter().enumerate() {
        if !rule.applies_to(bundle) {
            continue;
        }
        for (name, kind) in rule.sets() {
            let value = match (&combined, &mut engine) {
                (Some(results), _) => Ok(results
                    .get(&Value::from(combined::key(&rule.package, name)))
                    .cloned()
                    .unwrap_or(Value::Undefined)),
                (None, Some(engine)) => engine
                    .eval_rule(format!("{}.{name}", rule.package))
                    .map_err(|e| e.to_string()),
                (None, None) => Err(unavailable.clone()),
            };
            match value {
                Ok(value) => read_set(&value, index, kind, &mut findings, &mut errors),
                Err(message) => errors.push(EvalError {
                    rule: index,
                    message,
                }),
            }
        }
    }
    name_resources(bundle, &mut findings);
    findings.sort();
    findings.dedup();
    (findings, errors)
}

/// Every rule that applies to `bundle`, in one evaluation: the prepared
/// entry point when they all do, else a query naming only those. A rule
/// left out is never evaluated, library values only it needs included.
fn combined_evaluation(
    set: &PolicySet,
    engine: &mut Engine,
    bundle: &Bundle,
) -> anyhow::Result<Value> {
    let applying: Vec<&LoadedRule> = set
        .rules
        .iter()
        .filter(|rule| rule.applies_to(bundle))
        .collect();
    if applying.len() == set.rules.len() {
        return engine.eval_rule(COMBINED_RULE.into());
    }
    let sets = applying.iter().flat_map(|rule| rule.combined_sets());
    let results = engine.eval_query(combined::object(sets), false)?;
    Ok(results
        .result
        .into_iter()
        .next()
        .and_then(|r| r.expressions.into_iter().next())
        .map_or(Value::Undefined, |e| e.value))
}

/// The ids rules wrote, turned into the bundle's resources they name: the
/// one lookup by id a finding's resource ever needs.
fn name_resources(bundle: &Bundle, findings: &mut [RawFinding]) {
    if findings.iter().all(|f| f.resource.is_none()) {
        return;
    }
    // Should two resources share an id, the last one is named.
    let by_id: HashMap<&str, usize> = bundle
        .resources
        .iter()
        .enumerate()
        .map(|(index, r)| (r.id.as_str(), index))
        .collect();
    for finding in findings {
        if let Some(Named::Other(id)) = &finding.resource {
            if let Some(&index) = by_id.get(id.as_str()) {
                finding.resource = Some(Named::Held(index));
            }
        }
    }
}

fn read_set(
    value: &Value,
    rule: usize,
    kind: FindingKind,
    findings: &mut Vec<RawFinding>,
    errors: &mut Vec<EvalError>,
) {
    let items: Vec<&Value> = match value {
        Value::Set(set) => set.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        Value::Undefined | Value::Null => return,
        other => {
            errors.push(EvalError {
                rule,
                message: format!("`deny`/`unverified` must be a set of findings, got {other}"),
            });
            return;
        }
    };
    for item in items {
        match read_finding(item) {
            Some((resource, path, message, key)) => findings.push(RawFinding {
                rule,
                kind,
                resource: resource.map(Named::Other),
                path,
                message,
                key,
            }),
            None => errors.push(EvalError {
                rule,
                message: format!(
                    "a finding must be an object with `msg` (and `resource`, `path`, `key`), got {item}"
                ),
            }),
        }
    }
}

type Fields = (Option<String>, ValuePath, String, Option<String>);

fn read_finding(item: &Value) -> Option<Fields> {
    // A bare string is accepted as a message, as Conftest does.
    if let Value::String(msg) = item {
        return Some((None, Vec::new(), msg.to_string(), None));
    }
    let field = |name: &str| match item {
        Value::Object(map) => map.get(&Value::from(name)).cloned(),
        _ => None,
    };
    let message = match field("msg")? {
        Value::String(s) => s.to_string(),
        other => other.to_string(),
    };
    let resource = match field("resource") {
        Some(Value::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let path = match field("path") {
        Some(Value::Array(items)) => items.iter().filter_map(path_seg).collect(),
        _ => Vec::new(),
    };
    let key = match field("key") {
        Some(Value::String(s)) => Some(s.to_string()),
        Some(Value::Undefined) | Some(Value::Null) | None => None,
        Some(other) => Some(other.to_string()),
    };
    Some((resource, path, message, key))
}

fn path_seg(value: &Value) -> Option<PathSeg> {
    match value {
        Value::String(s) => Some(PathSeg::Key(s.to_string())),
        Value::Number(n) => n.as_u64().map(|i| PathSeg::Index(i as usize)),
        _ => None,
    }
}
