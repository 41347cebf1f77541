//! The `helm:` section: which Helm to run, whether charts are rendered at
//! all, and per chart the renders (release, namespace, values files, `set`
//! values, Kubernetes and API versions) each scanned as its own bundle.

use std::collections::BTreeMap;

use crate::did_you_mean::unknown_key;
use crate::yaml::check::{found, string_list, Errors};
use crate::yaml::{Node, NodeValue};

/// The keys of `helm:`.
pub const HELM_KEYS: [&str; 3] = ["binary", "render", "charts"];
/// The keys of a `helm.charts` entry.
pub const CHART_KEYS: [&str; 2] = ["path", "renders"];
/// The keys of a render.
pub const RENDER_KEYS: [&str; 7] = [
    "name",
    "release",
    "namespace",
    "values",
    "set",
    "kube_version",
    "api_versions",
];

/// The validated `helm:` section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmConfig {
    /// `helm.binary`: the Helm program, relative to the config file.
    pub binary: Option<String>,
    /// `helm.render`: `false` skips every chart (with a warning each).
    pub render: bool,
    /// `helm.charts`, in the order written.
    pub charts: Vec<ChartConfig>,
}

impl Default for HelmConfig {
    fn default() -> HelmConfig {
        HelmConfig {
            binary: None,
            render: true,
            charts: Vec::new(),
        }
    }
}

/// One `helm.charts` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartConfig {
    /// The chart directory, relative to the config file.
    pub path: String,
    pub renders: Vec<RenderConfig>,
}

/// One render of a chart, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderConfig {
    pub name: String,
    pub release: Option<String>,
    pub namespace: Option<String>,
    /// Values files, relative to the config file, applied in order.
    pub values: Vec<String>,
    /// `--set` values by key.
    pub set: BTreeMap<String, String>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
}

pub(super) fn helm_config(node: &Node, errors: &mut Errors) -> HelmConfig {
    let mut config = HelmConfig::default();
    let entries = match &node.value {
        NodeValue::Null => return config,
        NodeValue::Map(entries) => entries,
        _ => {
            errors.at(
                node.span,
                format!(
                    "`helm` must be a mapping ({}), found {}",
                    HELM_KEYS.join(", "),
                    found(node)
                ),
            );
            return config;
        }
    };
    for (key, value) in entries {
        match key.text.as_str() {
            "binary" => config.binary = string(value, "helm.binary", "a path", errors),
            "render" => match value.value {
                NodeValue::Bool(b) => config.render = b,
                _ => errors.at(
                    value.span,
                    format!(
                        "`helm.render` must be true or false, found {}",
                        found(value)
                    ),
                ),
            },
            "charts" => config.charts = charts(value, errors),
            other => errors.at(key.span, unknown_key(other, Some("helm"), &HELM_KEYS)),
        }
    }
    config
}

fn charts(node: &Node, errors: &mut Errors) -> Vec<ChartConfig> {
    let items = match &node.value {
        NodeValue::Null => return Vec::new(),
        NodeValue::Seq(items) => items,
        _ => {
            errors.at(
                node.span,
                format!(
                    "`helm.charts` must be a list of {{path, renders}} (e.g. `- {{path: charts/web, renders: [{{name: prod, values: [envs/prod.yaml]}}]}}`), found {}",
                    found(node)
                ),
            );
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        let NodeValue::Map(entries) = &item.value else {
            errors.at(
                item.span,
                format!(
                    "`helm.charts` entries must be mappings {{path, renders}}, found {}",
                    found(item)
                ),
            );
            continue;
        };
        let mut path = None;
        let mut renders = Vec::new();
        for (key, value) in entries {
            match key.text.as_str() {
                "path" => path = string(value, "helm.charts path", "a directory", errors),
                "renders" => renders = render_list(value, errors),
                other => errors.at(
                    key.span,
                    unknown_key(other, Some("helm.charts"), &CHART_KEYS),
                ),
            }
        }
        match path {
            Some(path) => out.push(ChartConfig { path, renders }),
            None if entries.iter().all(|(k, _)| k.text != "path") => errors.at(
                item.span,
                "`helm.charts` entry without `path` (the chart directory)",
            ),
            None => {}
        }
    }
    out
}

fn render_list(node: &Node, errors: &mut Errors) -> Vec<RenderConfig> {
    let items = match &node.value {
        NodeValue::Null => return Vec::new(),
        NodeValue::Seq(items) => items,
        _ => {
            errors.at(
                node.span,
                format!(
                    "`renders` must be a list of {{{}}}, found {}",
                    RENDER_KEYS.join(", "),
                    found(node)
                ),
            );
            return Vec::new();
        }
    };
    let mut out: Vec<RenderConfig> = Vec::new();
    for item in items {
        let NodeValue::Map(entries) = &item.value else {
            errors.at(
                item.span,
                format!("a render must be a mapping, found {}", found(item)),
            );
            continue;
        };
        let mut render = RenderConfig::default();
        let mut named = false;
        for (key, value) in entries {
            match key.text.as_str() {
                "name" => {
                    if let Some(name) = string(value, "render name", "a name", errors) {
                        if name.is_empty() || name.contains(['[', ']', '/']) {
                            errors.at(
                                value.span,
                                "a render name must be non-empty, without `[`, `]` or `/` (it is shown as `chart[name]`)",
                            );
                        } else if out.iter().any(|r| r.name == name) {
                            errors.at(
                                value.span,
                                format!("render `{name}` is named twice for this chart"),
                            );
                        } else {
                            render.name = name;
                            named = true;
                        }
                    }
                }
                "release" => render.release = string(value, "release", "a name", errors),
                "namespace" => render.namespace = string(value, "namespace", "a name", errors),
                "values" => {
                    render.values = string_list(value, "values", "a file", errors)
                        .into_iter()
                        .map(|(v, _)| v)
                        .collect()
                }
                "set" => render.set = set_map(value, errors),
                "kube_version" => {
                    render.kube_version = match value.scalar_text() {
                        Some(text) => Some(text.into_owned()),
                        None => {
                            errors.at(
                                value.span,
                                format!(
                                    "`kube_version` must be a version like \"1.29\", found {}",
                                    found(value)
                                ),
                            );
                            None
                        }
                    }
                }
                "api_versions" => {
                    render.api_versions =
                        string_list(value, "api_versions", "an API version", errors)
                            .into_iter()
                            .map(|(v, _)| v)
                            .collect()
                }
                other => errors.at(key.span, unknown_key(other, Some("a render"), &RENDER_KEYS)),
            }
        }
        if !named && entries.iter().all(|(k, _)| k.text != "name") {
            errors.at(
                item.span,
                "a render needs a `name` (e.g. `name: prod`); it tells its findings apart",
            );
            continue;
        }
        if named {
            out.push(render);
        }
    }
    out
}

/// `set:` values: a mapping of Helm `--set` keys (`image.tag`) to scalars.
fn set_map(node: &Node, errors: &mut Errors) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match &node.value {
        NodeValue::Null => {}
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                match value.scalar_text() {
                    Some(text) => {
                        out.insert(key.text.clone(), text.into_owned());
                    }
                    None => errors.at(
                        value.span,
                        format!(
                            "`set.{}` must be a scalar (Helm `--set` takes `key=value`), found {}",
                            key.text,
                            found(value)
                        ),
                    ),
                }
            }
        }
        _ => errors.at(
            node.span,
            format!(
                "`set` must be a mapping of keys to values (e.g. `set: {{image.tag: \"1.2.3\"}}`), found {}",
                found(node)
            ),
        ),
    }
    out
}

fn string(node: &Node, what: &str, expected: &str, errors: &mut Errors) -> Option<String> {
    match node.as_str() {
        Some(text) => Some(text.to_owned()),
        None => {
            errors.at(
                node.span,
                format!(
                    "`{what}` must be a string ({expected}), found {}",
                    found(node)
                ),
            );
            None
        }
    }
}
