//! Rule documentation is generated from one source: the committed
//! `docs/rules/` must be what `scalegate docs` writes today, every built-in
//! rule must have the fields a page needs, and SARIF `helpUri` must point
//! at a page that exists.

mod common;

use std::path::{Path, PathBuf};

use common::Project;
use scalegate::docs::{self, RuleDoc};

const REGENERATE: &str = "cargo run -- docs --out docs/rules";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn catalog() -> Vec<RuleDoc> {
    docs::builtin_catalog().expect("the built-in pack loads")
}

#[test]
fn committed_rule_docs_are_what_the_generator_writes() {
    let files = docs::generate(&catalog(), &repo().join("fixtures/rules")).unwrap();
    let dir = repo().join("docs/rules");
    let mut problems = Vec::new();
    for (name, text) in &files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(committed) if committed == *text => {}
            Ok(_) => problems.push(format!("docs/rules/{name} is stale")),
            Err(_) => problems.push(format!("docs/rules/{name} is missing")),
        }
    }
    let mut committed: Vec<String> = std::fs::read_dir(&dir)
        .expect("docs/rules exists")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed.sort();
    for name in committed {
        if !files.contains_key(&name) {
            problems.push(format!("docs/rules/{name} documents no rule"));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\nRegenerate with `{REGENERATE}` and commit docs/rules/.",
        problems.join("\n")
    );
}

#[test]
fn every_built_in_rule_has_what_its_page_needs() {
    let catalog = catalog();
    let mut problems = Vec::new();
    for rule in catalog.iter().filter(|r| !r.engine) {
        let fixtures =
            docs::read_fixtures(&repo().join("fixtures/rules"), &rule.info.slug).unwrap();
        problems.extend(docs::problems(rule, fixtures.as_ref()));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn help_uri_is_the_generated_page_for_every_built_in_rule() {
    let catalog = catalog();
    let files = docs::generate(&catalog, &repo().join("fixtures/rules")).unwrap();
    for rule in &catalog {
        let page = docs::page_name(&rule.info.id);
        assert_eq!(rule.info.help_uri, format!("{}{page}", docs::DOCS_BASE));
        assert!(files.contains_key(&page), "{page}");
    }
}

#[test]
fn sarif_links_each_rule_to_its_committed_page() {
    let p = Project::fixture("kubernetes");
    let output = p.run(&["scan", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        let uri = rule["helpUri"].as_str().unwrap();
        let page = uri
            .strip_prefix(docs::DOCS_BASE)
            .unwrap_or_else(|| panic!("{uri} is not under {}", docs::DOCS_BASE));
        assert_eq!(page, format!("{}.md", rule["id"].as_str().unwrap()));
        assert!(
            repo().join("docs/rules").join(page).is_file(),
            "{uri} has no page in docs/rules/"
        );
    }
}

#[test]
fn the_generator_writes_checks_and_removes_pages() {
    let p = Project::new();
    let fixtures: PathBuf = repo().join("fixtures/rules");
    let fixtures = fixtures.to_str().unwrap();
    let out = p.run(&["docs", "--out", "pages", "--fixtures", fixtures]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let expected = docs::generate(&catalog(), &repo().join("fixtures/rules")).unwrap();
    for (name, text) in &expected {
        assert_eq!(
            &std::fs::read_to_string(p.path().join("pages").join(name)).unwrap(),
            text
        );
    }
    let check = |p: &Project| p.run(&["docs", "--out", "pages", "--fixtures", fixtures, "--check"]);
    assert_eq!(check(&p).status.code(), Some(0));

    // A page for a rule that is gone (and generated: it has the marker), and
    // a hand-written file the generator must leave alone.
    p.write(
        "pages/SG-OLD-001.md",
        format!("{} from nothing -->\n", docs::GENERATED_MARKER),
    );
    p.write("pages/NOTES.md", "hand-written\n");
    let out = check(&p);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("pages/SG-OLD-001.md documents a rule that no longer exists"));
    assert_eq!(
        p.run(&["docs", "--out", "pages", "--fixtures", fixtures])
            .status
            .code(),
        Some(0)
    );
    assert!(!p.path().join("pages/SG-OLD-001.md").exists());
    assert!(p.path().join("pages/NOTES.md").exists());
}
