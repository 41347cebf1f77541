//! Kubernetes annotation suppressions: `scalegate.dev/ignore.<ID>` on an
//! object (covering the object wherever its findings point) or on its pod
//! template.
//!
//! Separate because annotations are read from the parsed object, not from
//! comments, and reach differently.

use regorus::Value;

use super::collect::{range_cover, Collector};
use super::inline::node_extent;
use super::{directive, Origin, Suppressor, ANNOTATION_PREFIX};
use crate::model::{Bundle, Format, Location, PathSeg, Resource};

impl Collector<'_, '_> {
    /// `scalegate.dev/ignore.<ID>` annotations on Kubernetes objects and
    /// their pod templates.
    pub(super) fn collect_annotations(&mut self, bundles: &[Bundle]) {
        const TEMPLATES: [&[&str]; 3] = [
            &[],
            &["spec", "template"],
            &["spec", "jobTemplate", "spec", "template"],
        ];
        for (index, bundle) in bundles.iter().enumerate() {
            if bundle.format != Format::Kubernetes {
                continue;
            }
            for resource in &bundle.resources {
                for template in TEMPLATES {
                    let mut value = &resource.config;
                    for key in template.iter().chain(&["metadata", "annotations"]) {
                        value = &value[*key];
                    }
                    let Ok(annotations) = value.as_object() else {
                        continue;
                    };
                    for (key, value) in annotations {
                        let Value::String(key) = key else {
                            continue;
                        };
                        let Some(rule) = key.strip_prefix(ANNOTATION_PREFIX) else {
                            continue;
                        };
                        // Kubernetes only accepts string annotation values;
                        // anything else here is a mistake worth saying.
                        let value = match value {
                            Value::String(value) => Some(value.as_ref()),
                            _ => None,
                        };
                        self.annotation(index as u32, resource, template, key, rule, value);
                    }
                }
            }
        }
    }

    fn annotation(
        &mut self,
        bundle: u32,
        resource: &Resource,
        template: &[&str],
        key: &str,
        rule: &str,
        value: Option<&str>,
    ) {
        let source = &resource.source;
        let path: Vec<PathSeg> = template
            .iter()
            .chain(&["metadata", "annotations", key])
            .map(|k| PathSeg::Key((*k).to_owned()))
            .collect();
        let entry = resource.spans.deepest(&path).0;
        let at_span = entry.key.map_or(entry.value, |k| k.join(entry.value));
        let parsed = value
            .ok_or_else(|| "its value is not a string; quote it".to_owned())
            .and_then(directive::parse_annotation);
        let (reason, expires) = match parsed {
            Ok(parsed) => parsed,
            Err(why) => {
                return self.unusable(
                    source,
                    at_span,
                    format!("annotation `{key}` cannot be read: {why}"),
                )
            }
        };
        let template_path: Vec<PathSeg> = path[..template.len()].to_vec();
        let (covered, depth) = resource.spans.deepest(&template_path);
        let range = if depth == template_path.len() {
            node_extent(covered)
        } else {
            node_extent(&resource.spans)
        };
        let object = template.is_empty().then(|| (bundle, resource.id.clone()));
        self.add(Suppressor {
            origin: Origin::Annotation,
            names: vec![rule.to_owned()],
            rules: Vec::new(),
            reason,
            owner: None,
            expires,
            at: Location {
                file: source.path.clone(),
                region: source.region(at_span),
            },
            source: source.clone(),
            covers: range_cover(source, range, object),
        });
    }
}
