//! A kustomization root's rendered output → resources that point back at
//! the files a person edits.
//!
//! Each rendered object carries kustomize's `config.kubernetes.io/origin`
//! (the file it was read from) and `alpha.config.kubernetes.io/transformations`
//! (the transformers that changed it, in order) annotations. Both are taken
//! off before policies see the object. The resource keeps the rendered
//! values but the origin file's source, spans and header, so a finding lands
//! on the key's line in the base; each transformer that wrote a value is
//! kept as a [`KustomizeChange`] at the patch line (or kustomization entry)
//! that wrote it, for `locate` to relate.
//!
//! kustomize names the patch *kind* that ran, not the patch: the n-th
//! `PatchTransformer` of a kustomization on an object is the n-th entry of
//! its `patches` that targets the object. What a patch wrote is read from
//! the patch itself (a strategic-merge patch's keys, list items matched by
//! `name`; a JSON 6902 operation's `path` and `value`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use regorus::Value;

use crate::discover::{display_path, escaped, normalize};
use crate::model::{
    FileComments, KustomizeChange, KustomizeOrigin, Location, PathSeg, Resource, SpanNode,
    ValuePath,
};
use crate::parse::{kubernetes, ParseError};
use crate::source::{SharedSource, SourceFile, Span};
use crate::yaml::{self, Node, NodeValue};

const ORIGIN: &str = "config.kubernetes.io/origin";
const TRANSFORMATIONS: &str = "alpha.config.kubernetes.io/transformations";

/// Files read while mapping renders, shared by all roots of a scan.
#[derive(Debug, Default)]
pub struct Origins {
    files: Mutex<HashMap<PathBuf, Option<OriginFile>>>,
}

#[derive(Debug, Clone)]
struct OriginFile {
    source: SharedSource,
    resources: Arc<Vec<Resource>>,
    root: Option<Arc<Node>>,
    /// Its comments, when it holds a suppression directive: the findings
    /// placed in it are suppressed by them as in a plain manifest.
    comments: Option<Arc<FileComments>>,
}

impl Origins {
    /// The file at `path` (absolute), read and parsed once; `None` when it
    /// is outside `root` or cannot be read.
    fn get(&self, root: &Path, path: &Path) -> Option<OriginFile> {
        let mut path = normalize(path);
        if !path.starts_with(root) {
            // kustomize resolves symlinks: a project under a linked
            // directory comes back by its real path.
            let real_root = std::fs::canonicalize(root).ok()?;
            let real = std::fs::canonicalize(&path).ok()?;
            path = root.join(real.strip_prefix(&real_root).ok()?);
        }
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files
            .entry(path.clone())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(&path).ok()?;
                let display = display_path(root, &path, &escaped(&path));
                let source: SharedSource = Arc::new(SourceFile::new(display, text));
                let (resources, comments) = match kubernetes::parse_with_warnings(&source) {
                    Ok(parsed) => (parsed.resources, parsed.comments.map(Arc::new)),
                    Err(_) => (Vec::new(), None),
                };
                let root =
                    yaml::parse_documents(&source.text, yaml::Typing::Core, &yaml::Limits::YAML)
                        .ok()
                        .and_then(|docs| docs.into_iter().next())
                        .and_then(|d| d.root)
                        .map(Arc::new);
                Some(OriginFile {
                    source,
                    resources: Arc::new(resources),
                    root,
                    comments,
                })
            })
            .clone()
    }

    /// The comments the origin files read so far handed on, by reported
    /// path.
    pub fn comments(&self) -> Vec<(String, FileComments)> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files
            .values()
            .flatten()
            .filter_map(|f| Some((f.source.path.clone(), (**f.comments.as_ref()?).clone())))
            .collect()
    }
}

/// The objects of one root's rendered output. `base` is the directory
/// origin paths are relative to; `kustomization` the root's file (absolute)
/// and `display` its reported path.
pub fn resources(
    root: &Path,
    text: &str,
    base: &Path,
    kustomization: &Path,
    display: &str,
    origins: &Origins,
) -> Result<Vec<Resource>, ParseError> {
    let rendered: SharedSource = Arc::new(SourceFile::new(
        format!("{display} (rendered)"),
        text.to_owned(),
    ));
    let mut resources = kubernetes::parse(&rendered).map_err(|e| {
        ParseError::new(
            0,
            format!("the rendered output could not be read: {}", e.message),
        )
    })?;
    for resource in &mut resources {
        let origin = take_annotation(&mut resource.config, ORIGIN);
        let transformations = take_annotation(&mut resource.config, TRANSFORMATIONS);
        let origin = origin.as_deref().and_then(single_map).unwrap_or_default();
        let mut info = KustomizeOrigin {
            kustomization: display.to_owned(),
            changes: Vec::new(),
            unlocated: None,
        };
        place(
            resource,
            &origin,
            root,
            base,
            kustomization,
            origins,
            &mut info,
        );
        if let Some(list) = transformations.as_deref() {
            info.changes = changes(resource, list, root, base, origins);
        }
        resource.helm_source = None;
        resource.kustomize = Some(info);
    }
    Ok(resources)
}

/// Puts `resource` at its object in the origin file, or at the start of
/// what made it, saying why.
fn place(
    resource: &mut Resource,
    origin: &BTreeMap<String, String>,
    root: &Path,
    base: &Path,
    kustomization: &Path,
    origins: &Origins,
    info: &mut KustomizeOrigin,
) {
    let fallback = |resource: &mut Resource,
                    file: Option<OriginFile>,
                    why: String,
                    info: &mut KustomizeOrigin| {
        let file = file.or_else(|| origins.get(root, kustomization));
        if let Some(file) = file {
            resource.source = file.source.clone();
        }
        resource.spans = SpanNode::default();
        resource.header = Span::new(0, 0);
        info.unlocated = Some(why);
    };
    if let Some(path) = origin.get("path").filter(|_| !origin.contains_key("repo")) {
        let file = origins.get(root, &base.join(path));
        let Some(file) = file else {
            fallback(
                resource,
                None,
                format!(
                    "{} comes from a file outside the project; reported at the kustomization",
                    resource.id
                ),
                info,
            );
            return;
        };
        let name = &resource.name;
        let same_kind = file.resources.iter().filter(|r| r.kind == resource.kind);
        let found = same_kind.clone().find(|r| &r.name == name).or_else(|| {
            same_kind
                .clone()
                .find(|r| !r.name.is_empty() && name.contains(&r.name))
        });
        match found {
            Some(object) => {
                resource.source = file.source.clone();
                resource.spans = object.spans.clone();
                resource.header = object.header;
            }
            None => {
                let why = format!(
                    "{} was not found in {} as written; reported at the file's start",
                    resource.id, file.source.path
                );
                fallback(resource, Some(file), why, info);
            }
        }
        return;
    }
    let made_by = match (origin.get("configuredIn"), origin.get("repo")) {
        (Some(k), _) => {
            let file = origins.get(root, &base.join(k));
            let shown = file.as_ref().map_or(k.as_str(), |f| f.source.path.as_str());
            let why = format!(
                "{} is generated by {shown}; reported at its start",
                resource.id
            );
            fallback(resource, file, why, info);
            return;
        }
        (None, Some(repo)) => format!(
            "{} comes from the remote {repo}; reported at the kustomization",
            resource.id
        ),
        (None, None) => format!(
            "{} has no origin in kustomize's output; reported at the kustomization",
            resource.id
        ),
    };
    fallback(resource, None, made_by, info);
}

/// Removes `metadata.annotations[key]` (and `annotations` when it is left
/// empty: kustomize added it), returning its text.
fn take_annotation(config: &mut Value, key: &str) -> Option<String> {
    let metadata = config
        .as_object_mut()
        .ok()?
        .get_mut(&Value::from("metadata"))?;
    let metadata = metadata.as_object_mut().ok()?;
    let annotations_key = Value::from("annotations");
    let annotations = metadata.get_mut(&annotations_key)?.as_object_mut().ok()?;
    let removed = annotations.remove(&Value::from(key))?;
    if annotations.is_empty() {
        metadata.remove(&annotations_key);
    }
    removed.as_string().ok().map(|s| s.to_string())
}

fn parse_yaml(text: &str) -> Option<Node> {
    yaml::parse_documents(text, yaml::Typing::Core, &yaml::Limits::YAML)
        .ok()?
        .into_iter()
        .next()?
        .root
}

/// A flat mapping of strings (an origin annotation).
fn single_map(text: &str) -> Option<BTreeMap<String, String>> {
    let NodeValue::Map(entries) = parse_yaml(text)?.value else {
        return None;
    };
    Some(
        entries
            .into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k.text, s.to_owned())))
            .collect(),
    )
}

/// The field of a kustomization each patching transformer reads.
fn patch_field(transformer: &str) -> Option<&'static str> {
    match transformer {
        "PatchTransformer" => Some("patches"),
        "PatchStrategicMergeTransformer" => Some("patchesStrategicMerge"),
        "PatchJson6902Transformer" => Some("patchesJson6902"),
        _ => None,
    }
}

/// What the transformations annotation says changed the object, as
/// changes at the lines that made them, in the order they ran.
fn changes(
    resource: &Resource,
    list: &str,
    root: &Path,
    base: &Path,
    origins: &Origins,
) -> Vec<KustomizeChange> {
    let Some(NodeValue::Seq(items)) = parse_yaml(list).map(|n| n.value) else {
        return Vec::new();
    };
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut out = Vec::new();
    for item in &items {
        let (Some(configured_in), Some(kind)) = (
            item.get("configuredIn").and_then(Node::as_str),
            item.get("configuredBy")
                .and_then(|b| b.get("kind"))
                .and_then(Node::as_str),
        ) else {
            continue;
        };
        let nth = seen
            .entry((configured_in.to_owned(), kind.to_owned()))
            .or_insert(0);
        let index = *nth;
        *nth += 1;
        let Some(file) = origins.get(root, &base.join(configured_in)) else {
            continue;
        };
        let Some(k) = file.root.as_deref() else {
            continue;
        };
        let dir = base
            .join(configured_in)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let occurrences = items
            .iter()
            .filter(|i| {
                i.get("configuredIn").and_then(Node::as_str) == Some(configured_in)
                    && i.get("configuredBy")
                        .and_then(|b| b.get("kind"))
                        .and_then(Node::as_str)
                        == Some(kind)
            })
            .count();
        if let Some(field) = patch_field(kind) {
            let Some(NodeValue::Seq(entries)) = k.get(field).map(|n| &n.value) else {
                continue;
            };
            let targeting: Vec<&Node> = entries
                .iter()
                .filter(|e| targets(e, resource, root, &dir, origins))
                .collect();
            let chosen: Vec<&Node> = if targeting.len() >= occurrences {
                targeting
            } else {
                entries.iter().collect()
            };
            if let Some(entry) = chosen.get(index) {
                out.extend(patch_changes(resource, entry, &file, root, &dir, origins));
            }
        } else if kind == "ReplicaCountTransformer" {
            out.extend(replica_changes(resource, k, &file));
        } else if kind == "ImageTagTransformer" {
            out.extend(image_changes(resource, k, &file));
        }
    }
    out
}

/// Whether a patch entry (`patches` item, or a strategic-merge path)
/// targets the object: by its `target` selector, else by the patch's own
/// kind and name. Unknowable cases count as targeting.
fn targets(entry: &Node, resource: &Resource, root: &Path, dir: &Path, origins: &Origins) -> bool {
    if let Some(target) = entry.get("target") {
        let kind_ok = target
            .get("kind")
            .and_then(Node::as_str)
            .is_none_or(|k| k == resource.kind);
        let name_ok = target
            .get("name")
            .and_then(Node::as_str)
            .is_none_or(|n| resource.name.contains(n) || n.contains('*') || n.contains('^'));
        return kind_ok && name_ok;
    }
    let Some((patch, _)) = patch_body(entry, root, dir, origins) else {
        return true;
    };
    match (&patch.value, patch.get("kind").and_then(Node::as_str)) {
        (NodeValue::Map(_), Some(kind)) => {
            let name = patch
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str);
            kind == resource.kind && name.is_none_or(|n| resource.name.contains(n))
        }
        _ => true,
    }
}

/// A patch entry's body, and whether it is written in its own file (spans
/// point into it) or inline (spans point into a string).
fn patch_body(
    entry: &Node,
    root: &Path,
    dir: &Path,
    origins: &Origins,
) -> Option<(Node, Option<OriginFile>)> {
    let path = match &entry.value {
        NodeValue::String(s) if !s.contains('\n') => Some(s.as_str()),
        NodeValue::Map(_) => entry.get("path").and_then(Node::as_str),
        _ => None,
    };
    if let Some(path) = path {
        let file = origins.get(root, &dir.join(path))?;
        let body = parse_yaml(&file.source.text)?;
        return Some((body, Some(file)));
    }
    let inline = match &entry.value {
        NodeValue::String(s) => s.as_str(),
        _ => entry.get("patch").and_then(Node::as_str)?,
    };
    Some((parse_yaml(inline)?, None))
}

/// What one patch entry wrote, as changes.
fn patch_changes(
    resource: &Resource,
    entry: &Node,
    kustomization: &OriginFile,
    root: &Path,
    dir: &Path,
    origins: &Origins,
) -> Vec<KustomizeChange> {
    let Some((body, file)) = patch_body(entry, root, dir, origins) else {
        return Vec::new();
    };
    let mut written: Vec<(ValuePath, Span)> = Vec::new();
    match &body.value {
        NodeValue::Seq(ops) => {
            for op in ops {
                json6902(op, &resource.config, &mut written);
            }
        }
        NodeValue::Map(_) => smp(
            &body,
            &resource.config,
            &mut Vec::new(),
            body.span,
            &mut written,
            true,
        ),
        _ => {}
    }
    let (source, message) = match &file {
        Some(file) => (
            file.source.clone(),
            format!("last changed by the patch {}", file.source.path),
        ),
        None => (
            kustomization.source.clone(),
            format!(
                "last changed by an inline patch in {}",
                kustomization.source.path
            ),
        ),
    };
    written
        .into_iter()
        .map(|(path, span)| {
            // An inline patch's spans are inside a string: the entry is
            // the place to show.
            let span = if file.is_some() { span } else { entry.span };
            KustomizeChange {
                path,
                location: Location {
                    file: source.path.clone(),
                    region: source.region(span),
                },
                message: message.clone(),
                source: source.clone(),
            }
        })
        .collect()
}

/// The leaves a strategic-merge patch writes, as rendered paths: list
/// items are matched to the rendered ones by `name`.
fn smp(
    node: &Node,
    rendered: &Value,
    path: &mut ValuePath,
    span: Span,
    out: &mut Vec<(ValuePath, Span)>,
    top: bool,
) {
    match &node.value {
        NodeValue::Map(entries) => {
            for (key, child) in entries {
                if key.text.starts_with('$')
                    || (top && matches!(key.text.as_str(), "apiVersion" | "kind"))
                    || (path.len() == 1
                        && path[0] == PathSeg::Key("metadata".into())
                        && matches!(key.text.as_str(), "name" | "namespace"))
                {
                    continue;
                }
                path.push(PathSeg::Key(key.text.clone()));
                let entry_span = Span::new(key.span.start, child.span.end.max(key.span.end));
                smp(
                    child,
                    &rendered[key.text.as_str()],
                    path,
                    entry_span,
                    out,
                    false,
                );
                path.pop();
            }
        }
        NodeValue::Seq(items)
            if items.iter().all(|i| i.get("name").is_some()) && !items.is_empty() =>
        {
            let list = rendered.as_array().ok();
            for item in items {
                let name = item.get("name").and_then(Node::as_str);
                let index = list.and_then(|l| {
                    l.iter()
                        .position(|v| v["name"].as_string().ok().map(|s| s.as_ref()) == name)
                });
                let Some(index) = index else {
                    continue;
                };
                path.push(PathSeg::Index(index));
                let first = item.first_key_span().unwrap_or(item.span);
                smp(
                    item,
                    &list.map(|l| l[index].clone()).unwrap_or(Value::Undefined),
                    path,
                    first,
                    out,
                    false,
                );
                path.pop();
            }
        }
        _ => out.push((path.clone(), span)),
    }
}

/// What one JSON 6902 operation writes: its `path` (at the `path:` entry),
/// and each leaf of its `value` below that path.
fn json6902(op: &Node, rendered: &Value, out: &mut Vec<(ValuePath, Span)>) {
    let Some((path_key, pointer)) = op.entry("path") else {
        return;
    };
    let Some(text) = pointer.as_str() else {
        return;
    };
    let mut path = Vec::new();
    let mut current = rendered.clone();
    for raw in text.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let step = match current.as_array() {
            Ok(list) if seg == "-" => PathSeg::Index(list.len().saturating_sub(1)),
            Ok(_) => match seg.parse::<usize>() {
                Ok(i) => PathSeg::Index(i),
                Err(_) => PathSeg::Key(seg),
            },
            Err(_) => PathSeg::Key(seg),
        };
        current = match &step {
            PathSeg::Index(i) => current
                .as_array()
                .ok()
                .and_then(|l| l.get(*i).cloned())
                .unwrap_or(Value::Undefined),
            PathSeg::Key(k) => current[k.as_str()].clone(),
        };
        path.push(step);
    }
    out.push((
        path.clone(),
        Span::new(path_key.span.start, pointer.span.end),
    ));
    if let Some((value_key, value)) = op.entry("value") {
        let span = Span::new(value_key.span.start, value.span.end);
        smp(value, &current, &mut path, span, out, false);
    }
}

/// `replicas` entries naming the object: they write `spec.replicas`.
fn replica_changes(resource: &Resource, k: &Node, file: &OriginFile) -> Vec<KustomizeChange> {
    let Some(NodeValue::Seq(items)) = k.get("replicas").map(|n| &n.value) else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|i| {
            i.get("name")
                .and_then(Node::as_str)
                .is_some_and(|n| resource.name.contains(n))
        })
        .filter_map(|i| i.entry("count"))
        .map(|(key, value)| KustomizeChange {
            path: vec![PathSeg::Key("spec".into()), PathSeg::Key("replicas".into())],
            location: Location {
                file: file.source.path.clone(),
                region: file
                    .source
                    .region(Span::new(key.span.start, value.span.end)),
            },
            message: format!("replicas set by {}", file.source.path),
            source: file.source.clone(),
        })
        .collect()
}

/// `images` entries: they write every `image` whose name they match.
fn image_changes(resource: &Resource, k: &Node, file: &OriginFile) -> Vec<KustomizeChange> {
    let Some(NodeValue::Seq(items)) = k.get("images").map(|n| &n.value) else {
        return Vec::new();
    };
    let mut images = Vec::new();
    image_paths(&resource.config, &mut Vec::new(), &mut images);
    let mut out = Vec::new();
    for item in items {
        let Some(name) = item
            .get("newName")
            .or_else(|| item.get("name"))
            .and_then(Node::as_str)
        else {
            continue;
        };
        let Some((key, value)) = ["digest", "newTag", "newName"]
            .iter()
            .find_map(|f| item.entry(f))
        else {
            continue;
        };
        for (path, image) in &images {
            let repo = image.split('@').next().unwrap_or(image);
            let repo = match repo.rsplit_once(':') {
                Some((r, tag)) if !tag.contains('/') => r,
                _ => repo,
            };
            if repo == name {
                out.push(KustomizeChange {
                    path: path.clone(),
                    location: Location {
                        file: file.source.path.clone(),
                        region: file
                            .source
                            .region(Span::new(key.span.start, value.span.end)),
                    },
                    message: format!("image set by {}", file.source.path),
                    source: file.source.clone(),
                });
            }
        }
    }
    out
}

/// Every `image` string of containers in the object, with its path.
fn image_paths(value: &Value, path: &mut ValuePath, out: &mut Vec<(ValuePath, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter() {
                let Ok(key) = k.as_string() else {
                    continue;
                };
                path.push(PathSeg::Key(key.to_string()));
                if key.as_ref() == "image" {
                    if let Ok(s) = v.as_string() {
                        out.push((path.clone(), s.to_string()));
                    }
                } else {
                    image_paths(v, path, out);
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(PathSeg::Index(i));
                image_paths(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(c: &KustomizeChange) -> (String, usize, usize, usize, usize) {
        let r = c.location.region;
        (
            c.location.file.clone(),
            r.start_line,
            r.start_column,
            r.end_line,
            r.end_column,
        )
    }

    /// kustomize's output for `app/`, as the wrapper in `w/` sees it: a
    /// Deployment from `app/deploy.yaml` changed by an inline patch, and a
    /// generated ConfigMap.
    const RENDERED: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    alpha.config.kubernetes.io/transformations: |
      - configuredIn: ../app/kustomization.yaml
        configuredBy:
          apiVersion: builtin
          kind: PatchTransformer
    config.kubernetes.io/origin: |
      path: ../app/deploy.yaml
    team: web
  name: prod-web
spec:
  replicas: 3
---
apiVersion: v1
kind: ConfigMap
metadata:
  annotations:
    config.kubernetes.io/origin: |
      configuredIn: ../app/kustomization.yaml
      configuredBy:
        apiVersion: builtin
        kind: ConfigMapGenerator
  name: settings-5h2f
";

    #[test]
    fn objects_move_to_their_origin_and_keep_what_changed_them() {
        let tmp = tempfile::tempdir().unwrap();
        let root = normalize(tmp.path());
        std::fs::create_dir_all(root.join("app")).unwrap();
        let kustomization = "namePrefix: prod-\nresources:\n  - deploy.yaml\npatches:\n  - patch: |-\n      kind: Deployment\n      metadata:\n        name: web\n      spec:\n        replicas: 3\n";
        std::fs::write(root.join("app/kustomization.yaml"), kustomization).unwrap();
        std::fs::write(
            root.join("app/deploy.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n",
        )
        .unwrap();
        let resources = resources(
            &root,
            RENDERED,
            &root.join("w"),
            &root.join("app/kustomization.yaml"),
            "app/kustomization.yaml",
            &Origins::default(),
        )
        .unwrap();
        let deployment = &resources[0];
        assert_eq!(deployment.source.path, "app/deploy.yaml");
        // The rendered value, the origin's place: `replicas: 1` at 6:13.
        assert_eq!(deployment.config["spec"]["replicas"], Value::from(3));
        let span = crate::locate::span_of(
            deployment,
            &[PathSeg::Key("spec".into()), PathSeg::Key("replicas".into())],
        );
        assert_eq!(deployment.source.position(span.start), (6, 13));
        // The user's annotation stays; kustomize's are gone.
        let annotations = &deployment.config["metadata"]["annotations"];
        assert_eq!(annotations["team"], Value::from("web"));
        assert_eq!(annotations[ORIGIN], Value::Undefined);
        assert_eq!(annotations[TRANSFORMATIONS], Value::Undefined);
        // An inline patch is shown at its entry in the kustomization.
        let origin = deployment.kustomize.as_ref().unwrap();
        assert_eq!(origin.unlocated, None);
        let changes: Vec<_> = origin.changes.iter().map(region).collect();
        assert_eq!(
            changes,
            [("app/kustomization.yaml".to_owned(), 5, 5, 10, 20)]
        );
        assert_eq!(
            origin.changes[0].path,
            [PathSeg::Key("spec".into()), PathSeg::Key("replicas".into())]
        );

        // A generated object has no place of its own: the kustomization's
        // start, saying why; no annotations are left at all.
        let generated = &resources[1];
        assert_eq!(generated.source.path, "app/kustomization.yaml");
        assert_eq!(generated.header, Span::new(0, 0));
        assert_eq!(
            generated.kustomize.as_ref().unwrap().unlocated.as_deref(),
            Some("core/ConfigMap/_/settings-5h2f is generated by app/kustomization.yaml; reported at its start")
        );
        assert_eq!(
            generated.config["metadata"]["annotations"],
            Value::Undefined
        );
    }
}
