//! How many instances a block has and what each sees: `count` and
//! `for_each` evaluated into instance keys (within budgets, an invalid
//! count failing the gate), and a body walked for one instance with
//! `count.index`, `each` and its `dynamic` blocks expanded. Apart from
//! resources, because module calls expand the same way.

use std::collections::BTreeMap;

use regorus::Value;

use super::{header_span, Instance};
use crate::model::Cause;
use crate::parse::terraform::eval::{self, span_of, Scope};
use crate::parse::terraform::module::Item;
use crate::parse::terraform::refs::RawRef;
use crate::parse::terraform::value::Partial;
use crate::parse::terraform::walk::{Mode, Walked, Walker, MAX_GENERATED_BLOCKS};
use crate::parse::terraform::TerraformFile;
use crate::source::Span;

/// `count` or `for_each` with more instances than this is treated as
/// unknown: expanding it would cost more than it could tell.
const MAX_INSTANCES: usize = 10_000;
/// Once a root module and its calls have produced this many resources,
/// further `count`/`for_each` are not expanded (nested module instances
/// multiply, and a scan must finish).
const MAX_RESOURCES_PER_ROOT: usize = 100_000;

/// One instance of a block: its address suffix (`[0]`, `["a"]`) and the
/// values `count.index` or `each` take in it.
#[derive(Debug, Clone, Default)]
pub(super) struct InstanceKey {
    pub(super) suffix: String,
    pub(super) count_index: Option<Partial>,
    pub(super) each: Option<(Partial, Partial)>,
}

/// How many instances a block has.
pub(super) enum Instances {
    Single,
    Keys(Vec<InstanceKey>),
    /// `count` or `for_each` is unknown: the block is kept once.
    Unknown(&'static str, Cause),
}

impl Instances {
    /// The instances to evaluate, and what made them unknown: an unknown
    /// `count` or `for_each` is evaluated once, with `count.index` or
    /// `each` unknown.
    pub(super) fn keys(self) -> (Vec<InstanceKey>, Option<(&'static str, Cause)>) {
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

impl<'e, 'p, 'f> Instance<'e, 'p, 'f> {
    pub(super) fn walk(
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

    /// The instances a block's `count` or `for_each` expands to.
    pub(super) fn instances(&self, item: &Item<'f>) -> Instances {
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

/// Where a block's expansion is decided: its `count` or `for_each`, else its
/// header.
pub(super) fn expansion_site<'f>(item: &Item<'f>) -> (&'f TerraformFile, Span) {
    item.attribute("count")
        .or_else(|| item.attribute("for_each"))
        .map(|(file, attr)| (file, span_of(attr)))
        .unwrap_or((item.file, header_span(item.block)))
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
