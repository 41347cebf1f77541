//! One module directory, indexed: its variables, locals, outputs, module
//! calls, providers and resources by name, with `*_override.tf` files
//! attached to the blocks they override, as Terraform merges them.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block};

use super::TerraformFile;

/// A top-level block and the override-file blocks that amend it, in the
/// order Terraform applies them.
#[derive(Debug, Clone)]
pub(super) struct Item<'f> {
    pub file: &'f TerraformFile,
    pub block: &'f Block,
    pub overrides: Vec<(&'f TerraformFile, &'f Block)>,
}

impl<'f> Item<'f> {
    /// The effective top-level attribute `name`: the last override's, else
    /// the block's own.
    pub fn attribute(&self, name: &str) -> Option<(&'f TerraformFile, &'f Attribute)> {
        self.overrides
            .iter()
            .rev()
            .find_map(|(file, block)| block.body.get_attribute(name).map(|a| (*file, a)))
            .or_else(|| self.block.body.get_attribute(name).map(|a| (self.file, a)))
    }
}

/// A local value and the file it is written in.
pub(super) type Local<'f> = (&'f TerraformFile, &'f Attribute);

/// The indexed contents of one module directory.
#[derive(Debug, Default)]
pub(super) struct Module<'f> {
    /// The directory relative to the project root (`infra/prod`, `.`).
    pub dir: String,
    pub variables: BTreeMap<String, Item<'f>>,
    pub locals: BTreeMap<String, Local<'f>>,
    pub outputs: BTreeMap<String, Item<'f>>,
    pub calls: BTreeMap<String, Item<'f>>,
    pub providers: Vec<Item<'f>>,
    /// `resource` and `data` blocks (including a `check` block's scoped data
    /// sources), in file order.
    pub resources: Vec<Item<'f>>,
    /// Override blocks that match nothing: Terraform rejects them.
    pub unmatched_overrides: Vec<(&'f TerraformFile, &'f Block)>,
}

/// Whether Terraform treats the file as an override file.
pub(super) fn is_override(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let name = name.strip_suffix(".json").unwrap_or(name);
    name == "override.tf" || name.ends_with("_override.tf")
}

impl<'f> Module<'f> {
    /// Indexes the `.tf` files of one directory (sorted by name, as Terraform
    /// reads them). `.tfvars` files are not part of a module.
    pub fn index(dir: &str, files: &[&'f TerraformFile]) -> Module<'f> {
        let mut module = Module {
            dir: dir.to_owned(),
            ..Module::default()
        };
        let (overrides, base): (Vec<&&TerraformFile>, Vec<&&TerraformFile>) = files
            .iter()
            .filter(|f| f.is_config())
            .partition(|f| is_override(&f.source.path));
        for file in base {
            for block in file.body().blocks() {
                module.add(file, block);
            }
        }
        for file in overrides {
            for block in file.body().blocks() {
                module.add_override(file, block);
            }
        }
        module
    }

    fn add(&mut self, file: &'f TerraformFile, block: &'f Block) {
        let item = || Item {
            file,
            block,
            overrides: Vec::new(),
        };
        match (block.ident.as_str(), labels(block).as_slice()) {
            ("resource" | "data", [_, _]) => self.resources.push(item()),
            ("check", _) => {
                for inner in block.body.blocks() {
                    if inner.ident.as_str() == "data" && labels(inner).len() == 2 {
                        self.resources.push(Item {
                            file,
                            block: inner,
                            overrides: Vec::new(),
                        });
                    }
                }
            }
            ("variable", [name]) => {
                self.variables
                    .entry((*name).to_owned())
                    .or_insert_with(item);
            }
            ("output", [name]) => {
                self.outputs.entry((*name).to_owned()).or_insert_with(item);
            }
            ("module", [name]) => {
                self.calls.entry((*name).to_owned()).or_insert_with(item);
            }
            ("provider", [_]) => self.providers.push(item()),
            ("locals", []) => {
                for attr in block.body.attributes() {
                    self.locals
                        .entry(attr.key.as_str().to_owned())
                        .or_insert((file, attr));
                }
            }
            // `terraform`, `moved`, `import`, `removed` and anything unknown
            // or malformed declare nothing to evaluate.
            _ => {}
        }
    }

    fn add_override(&mut self, file: &'f TerraformFile, block: &'f Block) {
        let names = labels(block);
        let target = match (block.ident.as_str(), names.as_slice()) {
            ("locals", []) => {
                // Each local is replaced on its own.
                for attr in block.body.attributes() {
                    self.locals
                        .insert(attr.key.as_str().to_owned(), (file, attr));
                }
                return;
            }
            ("variable", [name]) => self.variables.get_mut(*name),
            ("output", [name]) => self.outputs.get_mut(*name),
            ("module", [name]) => self.calls.get_mut(*name),
            ("resource" | "data", [kind, name]) => self.resources.iter_mut().find(|item| {
                item.block.ident.as_str() == block.ident.as_str()
                    && labels(item.block).as_slice() == [*kind, *name]
            }),
            ("provider", [name]) => {
                let alias = alias_of(block);
                self.providers.iter_mut().find(|item| {
                    labels(item.block).as_slice() == [*name] && alias_of(item.block) == alias
                })
            }
            _ => None,
        };
        match target {
            Some(item) => item.overrides.push((file, block)),
            None => self.unmatched_overrides.push((file, block)),
        }
    }

    /// The directories this module's local calls (`./x`, `../x`) name,
    /// relative to the project root; calls that leave the root are left
    /// out (evaluation reports them).
    pub fn local_call_dirs(&self) -> Vec<String> {
        self.calls
            .values()
            .filter_map(|item| {
                item.attribute("source")
                    .and_then(|(_, a)| literal(&a.value))
            })
            .filter(|source| is_local_source(source))
            .filter_map(|source| join_dir(&self.dir, &source))
            .collect()
    }
}

/// A block's labels as strings.
pub(super) fn labels(block: &Block) -> Vec<&str> {
    block.labels.iter().map(|l| l.as_str()).collect()
}

/// A provider block's literal `alias`.
fn alias_of(block: &Block) -> Option<String> {
    block
        .body
        .get_attribute("alias")
        .and_then(|attr| literal(&attr.value))
}

/// A plain string literal.
pub(super) fn literal(expr: &Expression) -> Option<String> {
    match expr {
        Expression::String(s) => Some(s.value().clone()),
        _ => None,
    }
}

/// Whether a module source is a local path, which Terraform reads in place.
pub(super) fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// `dir` joined with a relative `source`, normalised lexically; `None` when
/// it leaves the project root.
pub(super) fn join_dir(dir: &str, source: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    for part in source.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    // A directory outside the project root is reported as given, possibly
    // absolute; it stays absolute.
    let lead = if dir.starts_with('/') { "/" } else { "" };
    Some(if parts.is_empty() {
        if lead.is_empty() {
            ".".to_owned()
        } else {
            lead.to_owned()
        }
    } else {
        format!("{lead}{}", parts.join("/"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_normalises_module_paths() {
        assert_eq!(
            join_dir("infra/prod", "../modules/vpc").as_deref(),
            Some("infra/modules/vpc")
        );
        assert_eq!(join_dir(".", "./modules/x/").as_deref(), Some("modules/x"));
        assert_eq!(join_dir("a", "..").as_deref(), Some("."));
        assert_eq!(join_dir(".", "../outside"), None);
        assert_eq!(
            join_dir("/tmp/infra", "../modules/x").as_deref(),
            Some("/tmp/modules/x")
        );
    }

    #[test]
    fn override_files_are_recognised_by_name() {
        assert!(is_override("infra/override.tf"));
        assert!(is_override("infra/main_override.tf"));
        assert!(!is_override("infra/overrides.tf"));
        assert!(is_override("infra/main_override.tf.json"));
    }
}
