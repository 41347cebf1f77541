//! The catalog of every rule a scan reports under: the policies' and the
//! engine's own, sorted by id, each with the names a suppression or config
//! may use for it and what config says about it. Findings refer to rules by
//! their place here ([`RuleRef`]); reports, suppressions and baselines look
//! rules up here instead of carrying copies.

use std::collections::{BTreeMap, BTreeSet};

use super::PARSE_RULE;
use crate::model::{RuleInfo, RuleRef};

/// One rule as the catalog takes it in.
#[derive(Debug, Clone)]
pub struct CatalogEntry {
    /// With the severity config leaves it.
    pub info: RuleInfo,
    /// Old ids it may still be named by.
    pub aliases: Vec<String>,
    /// `false` when comments and annotations cannot suppress it.
    pub ignorable: bool,
    /// `false` when config turned it off: it reports nothing, and a
    /// suppression of it is not stale.
    pub enabled: bool,
}

/// Every rule of a scan, by id.
#[derive(Debug, Default)]
pub struct Catalog {
    rules: Vec<RuleInfo>,
    /// Id, slug or alias → rule.
    names: BTreeMap<String, RuleRef>,
    not_ignorable: BTreeSet<RuleRef>,
    disabled: BTreeSet<RuleRef>,
}

impl Catalog {
    /// The catalog of `entries`; rule ids are unique (the loader refuses a
    /// policy that reuses one).
    pub fn new(mut entries: Vec<CatalogEntry>) -> Catalog {
        entries.sort_by(|a, b| a.info.id.cmp(&b.info.id));
        let mut catalog = Catalog::default();
        for (index, entry) in entries.into_iter().enumerate() {
            let rule = RuleRef(index as u32);
            let info = &entry.info;
            for name in [&info.id, &info.slug].into_iter().chain(&entry.aliases) {
                catalog.names.insert(name.clone(), rule);
            }
            // A gate must not pass a file it could not read because of a
            // comment in that file.
            if !entry.ignorable || info.id == PARSE_RULE {
                catalog.not_ignorable.insert(rule);
            }
            if !entry.enabled {
                catalog.disabled.insert(rule);
            }
            catalog.rules.push(entry.info);
        }
        catalog
    }

    /// Every rule, sorted by id: the table a [`RuleRef`] indexes.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// A rule's description.
    pub fn info(&self, rule: RuleRef) -> &RuleInfo {
        &self.rules[rule.index()]
    }

    /// A rule by id.
    pub fn by_id(&self, id: &str) -> Option<RuleRef> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| RuleRef(i as u32))
    }

    /// One of the engine's own rules, which every catalog holds.
    pub fn engine(&self, id: &str) -> RuleRef {
        self.by_id(id)
            .unwrap_or_else(|| panic!("the engine rule {id} is in every catalog"))
    }

    /// The rule a name (id, slug or old id) stands for.
    pub fn resolve(&self, name: &str) -> Option<RuleRef> {
        self.names.get(name).copied()
    }

    /// What follows "unknown rule `name`": a did-you-mean, or where to
    /// find the rules.
    pub fn unknown_hint(&self, name: &str) -> String {
        let names: Vec<&str> = self.names.keys().map(String::as_str).collect();
        crate::did_you_mean::unknown_rule_hint(name, &names)
    }

    /// Whether comments and annotations may suppress the rule.
    pub fn ignorable(&self, rule: RuleRef) -> bool {
        !self.not_ignorable.contains(&rule)
    }

    /// Whether config left the rule on.
    pub fn enabled(&self, rule: RuleRef) -> bool {
        !self.disabled.contains(&rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn entry(id: &str, slug: &str, ignorable: bool, enabled: bool) -> CatalogEntry {
        CatalogEntry {
            info: RuleInfo {
                id: id.into(),
                slug: slug.into(),
                title: String::new(),
                description: String::new(),
                remediation: String::new(),
                severity: Severity::Low,
                security: false,
                builtin: false,
                help_uri: String::new(),
                file: String::new(),
            },
            aliases: vec![format!("OLD-{id}")],
            ignorable,
            enabled,
        }
    }

    #[test]
    fn rules_are_indexed_in_id_order_and_found_by_any_name() {
        let catalog = Catalog::new(vec![
            entry("SG-B-001", "bee", true, true),
            entry(PARSE_RULE, "parse-error", true, true),
            entry("SG-A-001", "ay", false, false),
        ]);
        let ids: Vec<&str> = catalog.rules().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["SG-A-001", "SG-B-001", PARSE_RULE]);
        let bee = RuleRef(1);
        assert_eq!(catalog.resolve("bee"), Some(bee));
        assert_eq!(catalog.resolve("OLD-SG-B-001"), Some(bee));
        assert_eq!(catalog.by_id("SG-B-001"), Some(bee));
        assert_eq!(catalog.resolve("SG-C-001"), None);
        assert!(catalog.ignorable(bee) && catalog.enabled(bee));
        assert!(!catalog.ignorable(RuleRef(0)) && !catalog.enabled(RuleRef(0)));
        // The parse rule is never ignorable inline, whatever it was given.
        assert!(!catalog.ignorable(catalog.engine(PARSE_RULE)));
    }
}
