//! `--rule` and `--skip-rule`: which rules a scan evaluates, named by id,
//! slug, old id or a glob over those names (`SG-K8S-*`, `*-tags`).
//!
//! The selection becomes `off` overrides before the policies are loaded, so
//! a rule left out is not evaluated at all (as `rules: {X: off}` in the
//! config) rather than evaluated and filtered: a reviewer's narrow run is
//! also a faster one, and a suppression of a rule left out is not stale.
//!
//! The engine's rules: SG-PARSE-001 always runs — a file that could not be
//! read must fail the gate whatever was asked — so `--skip-rule` cannot
//! remove it, and a pattern that names nothing else is an error rather than
//! a no-op. SG-META-001 (a selected rule could not verify a value) goes with
//! the selected rules: `--rule` keeps it, `--skip-rule` may drop it. The
//! suppression checks (SG-SUP-*) are rules like the others.

use std::collections::BTreeSet;

use globset::{Glob, GlobMatcher};

use crate::did_you_mean::unknown_rule_hint;
use crate::rules::{META_RULE, PARSE_RULE};

/// `--rule` and `--skip-rule` patterns, as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSelection {
    /// `--rule`: run only the rules these match (all when empty).
    pub only: Vec<String>,
    /// `--skip-rule`: then leave out the rules these match.
    pub skip: Vec<String>,
}

/// One pattern, compiled: a plain name matches itself only.
struct Pattern<'a> {
    text: &'a str,
    glob: Option<GlobMatcher>,
}

impl Pattern<'_> {
    fn matches(&self, names: &[&str]) -> bool {
        match &self.glob {
            Some(glob) => names.iter().any(|name| glob.is_match(name)),
            None => names.contains(&self.text),
        }
    }
}

impl RuleSelection {
    /// No pattern given: every rule runs.
    pub fn is_empty(&self) -> bool {
        self.only.is_empty() && self.skip.is_empty()
    }

    /// The ids of the rules to leave out, given every rule's names (its id
    /// first, then slug and old ids). Every problem is returned at once: a
    /// pattern that is not a valid glob, one that matches no rule (with the
    /// closest name), and a `--skip-rule` that could only skip SG-PARSE-001.
    pub fn skipped(&self, rules: &[Vec<&str>]) -> Result<BTreeSet<String>, Vec<String>> {
        let mut problems = Vec::new();
        let all_names: Vec<&str> = rules.iter().flatten().copied().collect();
        let only = compile(&self.only, "--rule", &mut problems);
        let skip = compile(&self.skip, "--skip-rule", &mut problems);
        for pattern in &only {
            if !rules.iter().any(|names| pattern.matches(names)) {
                problems.push(no_match("--rule", pattern, &all_names));
            }
        }
        for pattern in &skip {
            let matched: Vec<&str> = rules
                .iter()
                .filter(|names| pattern.matches(names))
                .map(|names| names[0])
                .collect();
            if matched.is_empty() {
                problems.push(no_match("--skip-rule", pattern, &all_names));
            } else if matched == [PARSE_RULE] {
                problems.push(format!(
                    "`--skip-rule {}`: {PARSE_RULE} cannot be skipped: a file that cannot be read or parsed always fails the gate (exclude the file, or accept it in .scalegate-ignore.yaml)",
                    pattern.text
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut skipped = BTreeSet::new();
        for names in rules {
            let id = names[0];
            if id == PARSE_RULE {
                continue;
            }
            let chosen =
                only.is_empty() || id == META_RULE || only.iter().any(|p| p.matches(names));
            if !chosen || skip.iter().any(|p| p.matches(names)) {
                skipped.insert(id.to_owned());
            }
        }
        Ok(skipped)
    }
}

fn compile<'a>(texts: &'a [String], flag: &str, problems: &mut Vec<String>) -> Vec<Pattern<'a>> {
    let mut patterns = Vec::new();
    for text in texts {
        if !text.contains(['*', '?', '[', '{']) {
            patterns.push(Pattern { text, glob: None });
            continue;
        }
        match Glob::new(text) {
            Ok(glob) => patterns.push(Pattern {
                text,
                glob: Some(glob.compile_matcher()),
            }),
            Err(e) => problems.push(format!("`{flag} {text}`: not a valid glob: {e}")),
        }
    }
    patterns
}

fn no_match(flag: &str, pattern: &Pattern, names: &[&str]) -> String {
    let hint = match pattern.glob {
        Some(_) => "; `scalegate rules` lists them".to_owned(),
        None => unknown_rule_hint(pattern.text, names),
    };
    format!("`{flag} {}` matches no rule{hint}", pattern.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<Vec<&'static str>> {
        vec![
            vec!["SG-K8S-001", "resource-limits"],
            vec!["SG-K8S-008", "pdb-coverage", "SG-K8S-OLD"],
            vec!["SG-TAG-001", "required-tags"],
            vec![META_RULE, "unverified"],
            vec![PARSE_RULE, "parse-error"],
            vec!["SG-SUP-003", "suppression-unused"],
        ]
    }

    fn selection(only: &[&str], skip: &[&str]) -> RuleSelection {
        RuleSelection {
            only: only.iter().map(|s| (*s).to_owned()).collect(),
            skip: skip.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    fn skipped(only: &[&str], skip: &[&str]) -> Vec<String> {
        selection(only, skip)
            .skipped(&rules())
            .unwrap()
            .into_iter()
            .collect()
    }

    #[test]
    fn rule_keeps_what_matches_by_id_slug_old_id_or_glob_plus_parse_and_meta() {
        assert_eq!(skipped(&["SG-K8S-*"], &[]), ["SG-SUP-003", "SG-TAG-001"]);
        assert_eq!(
            skipped(&["pdb-coverage"], &[]),
            ["SG-K8S-001", "SG-SUP-003", "SG-TAG-001"]
        );
        assert_eq!(
            skipped(&["SG-K8S-OLD", "*-tags"], &[]),
            ["SG-K8S-001", "SG-SUP-003"]
        );
        assert!(skipped(&[], &[]).is_empty());
    }

    #[test]
    fn skip_rule_applies_after_rule_and_never_removes_the_parse_rule() {
        assert_eq!(
            skipped(&["SG-K8S-*"], &["resource-limits"]),
            ["SG-K8S-001", "SG-SUP-003", "SG-TAG-001"]
        );
        // `SG-*` matches SG-PARSE-001 too; it stays.
        assert_eq!(
            skipped(&[], &["SG-*"]),
            [
                "SG-K8S-001",
                "SG-K8S-008",
                META_RULE,
                "SG-SUP-003",
                "SG-TAG-001"
            ]
        );
        assert_eq!(skipped(&[], &["unverified"]), [META_RULE]);
    }

    #[test]
    fn every_pattern_must_match_a_rule_and_all_problems_come_at_once() {
        let problems = selection(&["pdb-coverag", "SG-NOPE-*"], &["parse-error", "SG-K8S-["])
            .skipped(&rules())
            .unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert_eq!(
            problems[0].split(':').next().unwrap(),
            "`--skip-rule SG-K8S-[`"
        );
        assert!(problems[0].contains("not a valid glob"), "{}", problems[0]);
        assert_eq!(
            problems[1],
            "`--rule pdb-coverag` matches no rule — did you mean `pdb-coverage`?"
        );
        assert_eq!(
            problems[2],
            "`--rule SG-NOPE-*` matches no rule; `scalegate rules` lists them"
        );
        assert!(
            problems[3].starts_with(
                "`--skip-rule parse-error`: SG-PARSE-001 cannot be skipped: a file that cannot be read"
            ),
            "{}",
            problems[3]
        );
    }
}
