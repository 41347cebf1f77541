//! The built-in pack gives the same findings on regorus's compiled VM as on
//! its interpreter, on every fixture: the condition for the VM evaluating
//! the pack (src/policy/vm.rs). Each rule fixture file is its own bundle,
//! as the fixture test scans it; the other fixture trees (charts,
//! kustomizations, modules, plans, the demo repository) are scanned whole.
//!
//! The same comparison on the benchmark corpus, with timings, is
//! `cargo bench --features rvm --bench rvm`.

mod common;

use std::path::{Path, PathBuf};

use regorus::Value;
use scalegate::model::Bundle;
use scalegate::policy::combined::COMBINED_RULE;
use scalegate::policy::evaluate::evaluate;
use scalegate::policy::input::bundle_input;
use scalegate::policy::loader::{Evaluator, PolicySet};
use scalegate::scan::{self, Options};

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    entries
}

/// `PATH` with Helm and kubectl first: the fixture trees hold charts and
/// kustomizations, which a scan renders.
fn search_path() -> Option<std::ffi::OsString> {
    let mut dirs: Vec<PathBuf> = ["helm", "kubectl"]
        .into_iter()
        .filter_map(|name| common::tools::tool(name).parent().map(Path::to_path_buf))
        .collect();
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).ok()
}

/// The built-in pack and the bundles of scanning `paths` from `cwd`.
fn load(cwd: &Path, paths: Vec<PathBuf>) -> (PolicySet, Vec<Bundle>) {
    let options = Options {
        paths,
        cwd: cwd.to_path_buf(),
        threads: Some(1),
        search_path: search_path(),
        ..Options::default()
    };
    let prepared = scan::prepare(&options).expect("the pack loads");
    let loaded = scan::load_inputs(&options, &prepared).expect("the fixtures load");
    (prepared.policies, loaded.bundles)
}

/// Every bundle evaluated both ways; returns how many bundles were compared
/// and how many findings they gave.
fn assert_engines_agree(set: &PolicySet, bundles: &[Bundle]) -> (usize, usize) {
    let compiled = set
        .pack
        .as_ref()
        .expect("the build compiled the built-in pack for the VM");
    let mut on_vm = Evaluator::new(Some(compiled.vm().expect("a VM")));
    let mut interpreted = Evaluator::new(None);
    let mut probe = compiled.vm().expect("a VM");
    let mut findings = 0;
    for bundle in bundles {
        // `evaluate` falls back to the interpreter when the VM fails, which
        // would make the comparison below vacuous: the VM must succeed.
        probe.set_input(bundle_input(bundle));
        let served = probe.execute_entry_point_by_name(COMBINED_RULE);
        assert!(
            matches!(served, Ok(Value::Object(_))),
            "the VM failed on {}: {served:?}",
            bundle.path
        );
        let vm = evaluate(set, &mut on_vm, bundle);
        let interpreter = evaluate(set, &mut interpreted, bundle);
        assert_eq!(
            vm, interpreter,
            "the VM and the interpreter disagree on {}",
            bundle.path
        );
        assert!(
            vm.1.is_empty(),
            "a rule failed on {}: {:?}",
            bundle.path,
            vm.1
        );
        findings += vm.0.len();
    }
    (bundles.len(), findings)
}

#[test]
fn vm_and_interpreter_agree_on_every_rule_fixture() {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let scratch = tempfile::tempdir().unwrap();
    for slug in sorted_entries(&rules) {
        for file in sorted_entries(&slug) {
            let name = file.file_name().unwrap();
            if name == "expected.txt" || !file.is_file() {
                continue;
            }
            // Its own directory, so that a fail.tf and a pass.tf do not
            // form one Terraform module.
            let dir = scratch
                .path()
                .join(slug.file_name().unwrap())
                .join(format!("{}.d", name.to_string_lossy()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::copy(&file, dir.join(name)).unwrap();
        }
    }
    let (set, bundles) = load(scratch.path(), vec![scratch.path().to_path_buf()]);
    let (compared, findings) = assert_engines_agree(&set, &bundles);
    // Every rule has a failing and a passing fixture at least, and every
    // failing fixture a finding.
    assert!(compared >= 2 * set.rules.len() - 2, "{compared} bundles");
    assert!(findings >= set.rules.len(), "{findings} findings");
}

#[test]
fn vm_and_interpreter_agree_on_every_other_fixture_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let trees: Vec<PathBuf> = sorted_entries(&root.join("fixtures"))
        .into_iter()
        .filter(|p| p.is_dir() && p.file_name().is_some_and(|n| n != "rules"))
        .chain([root.join("examples")])
        .collect();
    let (set, bundles) = load(root, trees);
    let (compared, findings) = assert_engines_agree(&set, &bundles);
    assert!(compared > 20, "{compared} bundles");
    assert!(findings > 20, "{findings} findings");
}

#[test]
fn user_policies_keep_the_interpreter() {
    let project = common::Project::new();
    project.write(
        "policy/acme.rego",
        "# METADATA\n# title: No buckets\n# custom:\n#   id: ACME-001\n#   slug: no-buckets\n#   severity: low\n\
         package acme.no_buckets\n\ndeny contains {\"msg\": \"no\", \"resource\": r.id} if {\n\
         \tsome r in input.resources\n\tr.type == \"aws_s3_bucket\"\n}\n",
    );
    let options = Options {
        paths: vec![project.path().to_path_buf()],
        cwd: project.path().to_path_buf(),
        policy_dirs: vec![project.path().join("policy")],
        ..Options::default()
    };
    let prepared = scan::prepare(&options).expect("the policies load");
    assert!(prepared.policies.pack.is_none());
    let builtin_only = scan::prepare(&Options {
        policy_dirs: Vec::new(),
        ..options
    })
    .expect("the pack loads");
    assert!(builtin_only.policies.pack.is_some());
}
