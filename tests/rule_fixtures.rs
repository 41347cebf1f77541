//! Every rule's fixtures, as a user would meet them: each
//! `fixtures/rules/<slug>/` holds `fail.*` and `pass.*` files and an
//! `expected.txt` naming the rule and every finding `fail.*` must give:
//!
//! ```text
//! rule SG-AWS-009
//! fail.tf 3 1          # a violation at line 3, column 1
//! note fail.tf 9 3     # an unverified note (SG-META-001) of this rule
//! ```
//!
//! Each file is scanned alone in a fresh project (so a `fail.tf` and a
//! `pass.tf` never form one Terraform module), and `pass.*` must give no
//! violation and no note of the rule.

mod common;

use std::path::{Path, PathBuf};

use common::Project;
use serde_json::Value;

/// One expected finding: a note or a violation, at file, line, column.
type Expected = (bool, String, u64, u64);

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

/// The rule id and the expected findings of one fixture directory.
fn expectations(dir: &Path) -> (String, Vec<Expected>) {
    let text = std::fs::read_to_string(dir.join("expected.txt"))
        .unwrap_or_else(|_| panic!("{} has no expected.txt", dir.display()));
    let mut rule = None;
    let mut expected = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap().trim();
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            ["rule", id] => rule = Some((*id).to_owned()),
            ["note", file, line, column] => {
                expected.push((true, (*file).to_owned(), num(line), num(column)))
            }
            [file, line, column] => {
                expected.push((false, (*file).to_owned(), num(line), num(column)))
            }
            _ => panic!("{}: cannot read line {line:?}", dir.display()),
        }
    }
    let rule = rule.unwrap_or_else(|| panic!("{}: no `rule ID` line", dir.display()));
    expected.sort();
    (rule, expected)
}

fn num(text: &str) -> u64 {
    text.parse().expect("a number")
}

/// The findings of `rule` (violations, and its notes) from scanning `file`
/// alone in a fresh project.
fn findings_of(file: &Path, rule: &str) -> Vec<Expected> {
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let project = Project::new();
    project.write(&name, std::fs::read(file).unwrap());
    let (code, report, stderr) = project.scan_json(&[&name]);
    assert!(code == 0 || code == 1, "{name}: exit {code}: {stderr}");
    let errors: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "SG-PARSE-001")
        .collect();
    assert!(
        errors.is_empty(),
        "{}: does not parse: {errors:?}",
        file.display()
    );
    let mut found: Vec<Expected> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| {
            let note = f["rule_id"] == "SG-META-001"
                && f["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(&format!("{rule} ")));
            (f["rule_id"] == rule || note).then(|| {
                (
                    note,
                    f["file"].as_str().unwrap().to_owned(),
                    f["start_line"].as_u64().unwrap(),
                    f["start_column"].as_u64().unwrap(),
                )
            })
        })
        .collect();
    found.sort();
    found
}

#[test]
fn every_rule_fixture_gives_exactly_its_expected_findings() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(rules_dir())
        .expect("fixtures/rules exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    let mut problems = Vec::new();
    for dir in &dirs {
        let (rule, expected) = expectations(dir);
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                name.starts_with("fail.") || name.starts_with("pass.")
            })
            .collect();
        files.sort();
        let fails: Vec<&PathBuf> = files
            .iter()
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("fail.")
            })
            .collect();
        if fails.is_empty() || fails.len() == files.len() {
            problems.push(format!("{}: needs fail.* and pass.*", dir.display()));
            continue;
        }
        let mut found = Vec::new();
        for file in &files {
            let of_file = findings_of(file, &rule);
            if file
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("pass.")
            {
                if !of_file.is_empty() {
                    problems.push(format!(
                        "{}: {rule} on a pass file: {of_file:?}",
                        file.display()
                    ));
                }
            } else {
                found.extend(of_file);
            }
        }
        found.sort();
        if found != expected {
            problems.push(format!(
                "{}: expected {expected:?}\n   found {found:?}",
                dir.display()
            ));
        }
        if expected.iter().all(|(note, ..)| *note) {
            problems.push(format!("{}: fail.* must give a violation", dir.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
