//! The resources an instance emits: one per instance of each addressable
//! block (resources, data sources, providers, module calls, variables,
//! outputs) and one per local, each with its address, known values, unknown
//! paths, references, effective tags and spans.

use std::collections::BTreeMap;

use hcl_edit::structure::Block;
use regorus::Value;

use super::expand::{expansion_site, InstanceKey, Instances};
use super::providers::provider_ref;
use super::{header_span, Instance, MAX_ROOT_WEIGHT};
use crate::model::{Cause, Format, PathSeg, Resource, SpanChildren, SpanNode, Unknown};
use crate::parse::terraform::eval::{self, span_of, Names};
use crate::parse::terraform::module::Item;
use crate::parse::terraform::tags;
use crate::parse::terraform::value::Partial;
use crate::parse::terraform::walk::Mode;
use crate::parse::terraform::TerraformFile;
use crate::source::Span;

impl<'e, 'p, 'f> Instance<'e, 'p, 'f> {
    pub(super) fn emit_block(&self, item: &Item<'f>, mode: Mode, kind: &str, name: &str) {
        let resources = self.build(item, mode, kind, name);
        self.emit_all(resources);
    }

    /// The resources one addressable block stands for: one per instance.
    pub(super) fn build(
        &self,
        item: &Item<'f>,
        mode: Mode,
        kind: &str,
        name: &str,
    ) -> Vec<Resource> {
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
            let mut spans = item.file.spans(SpanNode {
                key: Some(header),
                value: body_span(item.file, item.block, header),
                children: SpanChildren::Map(walked.spans),
            });
            spans.shrink_to_fit();
            let mut unknown = walked.unknown;
            unknown.shrink_to_fit();
            out.push(Resource {
                id,
                format: Format::Terraform,
                kind: kind.to_owned(),
                name: name.to_owned(),
                namespace: None,
                provider: provider.clone(),
                source: item.file.source.clone(),
                config,
                unknown,
                references: walked
                    .references
                    .into_iter()
                    .map(|(path, addresses)| (path, addresses.into_iter().collect()))
                    .collect(),
                tags,
                tags_unknown,
                tags_cause,
                module_calls: self.calls.clone(),
                spans,
                header: item.file.span(header),
                helm_source: None,
                kustomize: None,
                declaration_only,
            });
        }
        out
    }

    /// One `locals` entry as a resource whose `config` is `{"value": …}`.
    pub(super) fn emit_local(&self, name: &str) {
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
        let mut references = Vec::new();
        if !refs.is_empty() {
            references.push(("value".to_owned(), refs.into_iter().collect()));
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
            kustomize: None,
            declaration_only: false,
        };
        self.emit_all(vec![resource]);
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
