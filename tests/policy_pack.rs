//! The built-in pack's Rego tests, run through scalegate's own runner with the
//! default settings, as `scalegate test policies/` would; and the pack's layout
//! rule that every rule file has a test file beside it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use scalegate::policy::testing::{run_tests, Outcome, PolicyFile};

fn policies_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("policies")
}

/// Every `.rego` file under `dir`, sorted, with paths relative to the crate root so
/// that failures name them as a user would.
fn rego_files(dir: &Path) -> Vec<PolicyFile> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rego") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(dir, &mut paths);
    paths.sort();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    paths
        .into_iter()
        .map(|path| PolicyFile {
            path: path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
            text: std::fs::read_to_string(&path).unwrap(),
        })
        .collect()
}

/// `{"scalegate": {"settings": <policies/defaults.yaml>}}`, loaded the way
/// the scanner loads it.
fn default_data() -> regorus::Value {
    scalegate::settings::settings_data(None)
}

#[test]
fn every_pack_test_passes() {
    let files = rego_files(&policies_dir());
    let results = match run_tests(&files, default_data()) {
        Ok(results) => results,
        Err(e) => panic!("the pack does not load: {e:#}"),
    };
    assert!(!results.is_empty(), "no test_* rule found under policies/");

    let failures: Vec<String> = results
        .iter()
        .filter(|r| r.outcome != Outcome::Pass)
        .map(|r| format!("{}: {}.{}: {:?}", r.file, r.package, r.name, r.outcome))
        .collect();
    for r in &results {
        eprintln!(
            "{:?} {}.{} ({:?})",
            r.outcome, r.package, r.name, r.duration
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {} pack tests did not pass:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_has_a_test_file_with_at_least_three_tests() {
    let files = rego_files(&policies_dir());
    let results = run_tests(&files, default_data()).unwrap();
    let mut tests_per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &results {
        *tests_per_file.entry(r.file.as_str()).or_default() += 1;
    }

    let mut problems = Vec::new();
    for area in ["common", "kubernetes", "terraform"] {
        for file in rego_files(&policies_dir().join(area)) {
            if file.path.ends_with("_test.rego") {
                continue;
            }
            let test_path = file.path.replace(".rego", "_test.rego");
            match tests_per_file.get(test_path.as_str()) {
                None => problems.push(format!("{}: no test file {test_path}", file.path)),
                Some(&n) if n < 3 => problems.push(format!("{test_path}: {n} tests, want >= 3")),
                Some(_) => {}
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
