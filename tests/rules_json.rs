//! `scalegate rules --format json`: every rule a scan of the project reports
//! under, in id order, with id, slug, severity (as config leaves it),
//! title, documentation page and the settings each reads; the same list as
//! the text table.

mod common;

use common::Project;
use serde_json::{json, Value};

fn rules_json(p: &Project, args: &[&str]) -> Value {
    let mut all = vec!["rules", "--format", "json"];
    all.extend_from_slice(args);
    let output = p.run(&all);
    assert_eq!(output.status.code(), Some(0));
    serde_json::from_slice(&output.stdout).expect("JSON")
}

fn rule<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no {id}"))
}

#[test]
fn each_rule_has_its_fields_exactly() {
    let p = Project::new();
    let doc = rules_json(&p, &[]);
    assert_eq!(doc["version"], 1);
    assert_eq!(
        rule(&doc, "SG-TAG-001"),
        &json!({
            "id": "SG-TAG-001",
            "slug": "required-tags",
            "severity": "medium",
            "title": "Resource is missing a required tag",
            "help_uri": "https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-TAG-001.md",
            "settings": ["tags.required", "tags.exclude_types"],
        })
    );
    assert_eq!(
        rule(&doc, "SG-PARSE-001"),
        &json!({
            "id": "SG-PARSE-001",
            "slug": "parse-error",
            "severity": "high",
            "title": "File could not be read or parsed",
            "help_uri": "https://github.com/scalegate/scalegate/blob/main/docs/rules/SG-PARSE-001.md",
            "settings": [],
        })
    );
}

#[test]
fn the_list_is_in_id_order_has_one_shape_and_matches_the_table() {
    let p = Project::new();
    let doc = rules_json(&p, &[]);
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["version", "rules"]);
    let rules = doc["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "sorted by id, no duplicates");
    let severities = ["critical", "high", "medium", "low", "info"];
    for r in rules {
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["id", "slug", "severity", "title", "help_uri", "settings"],
            "{r}"
        );
        assert!(severities.contains(&r["severity"].as_str().unwrap()), "{r}");
        assert!(!r["slug"].as_str().unwrap().is_empty(), "{r}");
        assert!(!r["title"].as_str().unwrap().is_empty(), "{r}");
        let id = r["id"].as_str().unwrap();
        assert!(
            r["help_uri"]
                .as_str()
                .unwrap()
                .ends_with(&format!("/docs/rules/{id}.md")),
            "{r}"
        );
        for setting in r["settings"].as_array().unwrap() {
            assert!(setting.as_str().unwrap().contains('.'), "{r}");
        }
    }
    // The same rules, in the same order, as the table.
    let table = String::from_utf8(p.run(&["rules"]).stdout).unwrap();
    let table_ids: Vec<&str> = table
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(ids, table_ids);
}

#[test]
fn config_severities_and_users_rules_are_listed_as_a_scan_sees_them() {
    let p = Project::new();
    p.write(".scalegate.yaml", "rules:\n  required-tags: critical\n");
    p.write(
        "policy/replicas.rego",
        "# METADATA\n# title: Too few replicas\n# custom:\n#   id: ACME-001\n#   slug: three-replicas\n#   severity: low\npackage acme.replicas\n\ndeny contains \"x\" if { false }\n",
    );
    let doc = rules_json(&p, &["--policy", "policy"]);
    assert_eq!(rule(&doc, "SG-TAG-001")["severity"], "critical");
    // As a reviewer's scan sees them: the repository's config does not apply.
    let reviewer = rules_json(&p, &["--no-config"]);
    assert_eq!(rule(&reviewer, "SG-TAG-001")["severity"], "medium");
    assert_eq!(
        rule(&doc, "ACME-001"),
        &json!({
            "id": "ACME-001",
            "slug": "three-replicas",
            "severity": "low",
            "title": "Too few replicas",
            "help_uri": null,
            "settings": [],
        })
    );
}
