//! Every input selector of the built-in pack keeps its promise: on every
//! fixture, a rule evaluated with its selector ignored never reports on a
//! bundle the selector skips; and every selector admits the bundles its
//! rule's own fixture reports on, so a misspelt type cannot silence a rule.

mod common;

use std::path::{Path, PathBuf};

use regorus::Value;
use scalegate::scan::{self, Options};

/// Every directory of hand-written inputs: each rule's fixture, the
/// integration fixtures and the example project.
fn input_trees() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut trees = Vec::new();
    for parent in ["fixtures", "fixtures/rules", "fixtures/terraform-semantics"] {
        for entry in std::fs::read_dir(root.join(parent)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if path.is_dir() && !matches!(name.as_str(), "rules" | "terraform-semantics") {
                trees.push(path);
            }
        }
    }
    trees.push(root.join("examples"));
    trees.sort();
    trees
}

/// What a rule's `deny` and `unverified` hold, as text, one per finding.
fn reported(engine: &mut regorus::Engine, package: &str, sets: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for set in sets {
        match engine.eval_rule(format!("{package}.{set}")) {
            Ok(Value::Set(items)) => found.extend(items.iter().map(|i| i.to_string())),
            Ok(Value::Array(items)) => found.extend(items.iter().map(|i| i.to_string())),
            Ok(Value::Undefined) => {}
            other => panic!("{package}.{set}: {other:?}"),
        }
    }
    found
}

#[test]
fn rules_report_only_on_bundles_their_selectors_admit() {
    let mut skipped = 0;
    let mut reporting_admitted: std::collections::BTreeSet<String> = Default::default();
    for tree in input_trees() {
        // Charts and overlays among the trees are rendered, so rules are
        // also checked on rendered bundles.
        let options = Options {
            paths: vec![tree.clone()],
            cwd: tree.clone(),
            helm_bin: Some(common::tools::tool("helm")),
            kustomize_bin: Some(common::tools::tool("kubectl")),
            ..Options::default()
        };
        let prepared = scan::prepare(&options).expect("the pack loads");
        let loaded = scan::load_inputs(&options, &prepared).expect("the tree loads");
        let mut engine = prepared
            .policies
            .engine()
            .expect("the interpreter loads")
            .clone();
        for bundle in &loaded.bundles {
            engine.set_input(scalegate::policy::input::bundle_input(bundle));
            for rule in &prepared.policies.rules {
                let sets: Vec<&str> = rule.sets().map(|(name, _)| name).collect();
                let found = reported(&mut engine, &rule.package, &sets);
                if rule.applies_to(bundle) {
                    if !found.is_empty() {
                        reporting_admitted.insert(rule.info.id.clone());
                    }
                    continue;
                }
                skipped += 1;
                assert!(
                    found.is_empty(),
                    "{} reports on bundle {} of {}, which its selector {:?} skips: {found:?}",
                    rule.info.id,
                    bundle.path,
                    tree.display(),
                    rule.selector
                );
            }
        }
    }
    assert!(skipped > 100, "too few skips to prove anything: {skipped}");
    // Every built-in rule reports on its own fixture, through its selector.
    let options = Options {
        cwd: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        ..Options::default()
    };
    let prepared = scan::prepare(&options).unwrap();
    let silenced: Vec<&str> = prepared
        .policies
        .rules
        .iter()
        .filter(|r| r.info.builtin && !reporting_admitted.contains(&r.info.id))
        .map(|r| r.info.id.as_str())
        .collect();
    assert_eq!(
        silenced,
        Vec::<&str>::new(),
        "rules that never reported where admitted"
    );
}

#[test]
fn every_built_in_rule_declares_its_input() {
    let options = Options {
        cwd: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        ..Options::default()
    };
    let prepared = scan::prepare(&options).unwrap();
    let undeclared: Vec<&str> = prepared
        .policies
        .rules
        .iter()
        .filter(|r| r.info.builtin && r.selector.is_none())
        .map(|r| r.info.id.as_str())
        .collect();
    assert_eq!(undeclared, Vec::<&str>::new());
}
