//! Stable finding identities (docs/architecture.md "Fingerprints").
//!
//! GitHub code scanning matches alerts across commits by
//! `partialFingerprints`, and baselines match findings by the same value. Line
//! numbers are deliberately left out: inserting a line above a finding must not
//! reopen its alert. What identifies a finding instead is what the policy said
//! about which value of which resource is wrong, plus an occurrence index for
//! the rare findings that agree on all of that.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::model::{Finding, PathSeg, RuleError, RuleInfo};

/// Bumped (together with the SARIF key `scalegate/v1`) only if the hashed
/// fields ever change, so old baselines fail loudly instead of silently
/// matching nothing.
const DOMAIN: &[u8] = b"scalegate/v1";

/// Fills `Finding::fingerprint` for every finding: hex SHA-256 of rule id, file
/// path, resource id, finding path, the rule's key, and an occurrence index
/// among findings identical in all of these (no line numbers). Findings arrive
/// sorted; the occurrence index follows that order.
/// `rules` is the table the findings' rule handles index.
pub fn assign(findings: &mut [Finding], rules: &[RuleInfo]) {
    let mut seen: HashMap<[u8; 32], u64> = HashMap::with_capacity(findings.len());
    for finding in findings.iter_mut() {
        let identity = identity_hasher(finding, rules);
        let occurrence = seen
            .entry(identity.clone().finalize().into())
            .and_modify(|n| *n += 1)
            .or_insert(0);
        let mut hasher = identity;
        hasher.update(occurrence.to_le_bytes());
        finding.fingerprint = hex(&hasher.finalize());
    }
}

/// A hasher fed with every identifying field. Each field is length-prefixed
/// and options and path steps are tagged, so no two different findings can
/// produce the same byte stream (`["a.b"]` vs `["a", "b"]`, `None` vs `""`).
fn identity_hasher(finding: &Finding, rules: &[RuleInfo]) -> Sha256 {
    let mut h = Sha256::new();
    field(&mut h, DOMAIN);
    field(&mut h, rules[finding.rule.index()].id.as_bytes());
    field(&mut h, finding.location.file.as_bytes());
    optional(&mut h, finding.resource.as_deref());
    h.update((finding.path.len() as u64).to_le_bytes());
    for seg in &finding.path {
        match seg {
            PathSeg::Key(key) => {
                h.update([b'k']);
                field(&mut h, key.as_bytes());
            }
            PathSeg::Index(index) => {
                h.update([b'i']);
                h.update((*index as u64).to_le_bytes());
            }
        }
    }
    // A note's key is the rule it could not verify, as the first
    // fingerprints had it.
    let key = match finding.unverified {
        Some(rule) => Some(rules[rule.index()].id.as_str()),
        None => finding.key.as_deref(),
    };
    optional(&mut h, key);
    h
}

/// The identity of a rule that could not run on a bundle, for reports that
/// list it beside findings (GitLab Code Quality needs a fingerprint on
/// every entry): hex SHA-256 of the rule id and the bundle, in a domain of
/// its own so it can never equal a finding's.
pub fn of_rule_error(error: &RuleError) -> String {
    let mut h = Sha256::new();
    field(&mut h, b"scalegate/v1/rule-error");
    field(&mut h, error.rule.as_bytes());
    field(&mut h, error.bundle.as_bytes());
    hex(&h.finalize())
}

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn optional(h: &mut Sha256, value: Option<&str>) {
    match value {
        Some(text) => {
            h.update([1]);
            field(h, text.as_bytes());
        }
        None => h.update([0]),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FindingKind, Location, RuleRef, Severity};
    use crate::source::Region;

    /// The rule table the test findings' handles index.
    fn rules() -> Vec<RuleInfo> {
        ["SG-K8S-008", "SG-K8S-009"]
            .map(|id| RuleInfo {
                id: id.into(),
                slug: String::new(),
                title: String::new(),
                description: String::new(),
                remediation: String::new(),
                severity: Severity::Medium,
                security: false,
                builtin: false,
                help_uri: String::new(),
                file: String::new(),
            })
            .to_vec()
    }

    fn finding(line: usize) -> Finding {
        Finding {
            rule: RuleRef(0),
            kind: FindingKind::Violation,
            message: "m".into(),
            location: Location {
                file: "k8s/web.yaml".into(),
                region: Region {
                    start_line: line,
                    start_column: 3,
                    end_line: line,
                    end_column: 9,
                },
            },
            resource: Some("apps/Deployment/shop/web".into()),
            path: vec![PathSeg::Key("spec".into()), PathSeg::Key("selector".into())],
            subject: None,
            key: None,
            unverified: None,
            related: vec![],
            fingerprint: String::new(),
            suppression: None,
        }
    }

    fn print(f: Finding) -> String {
        let mut v = [f];
        assign(&mut v, &rules());
        let [f] = v;
        f.fingerprint
    }

    #[test]
    fn is_lowercase_hex_sha256() {
        let fp = print(finding(3));
        assert_eq!(fp.len(), 64);
        assert!(fp
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }

    #[test]
    fn does_not_change_when_lines_move() {
        let mut moved = finding(40);
        moved.location.region.start_column = 1;
        moved.message = "a different message".into();
        assert_eq!(print(finding(3)), print(moved));
    }

    #[test]
    fn changes_with_each_identifying_field() {
        let base = print(finding(3));
        let changes: [fn(&mut Finding); 8] = [
            |f| f.rule = RuleRef(1),
            |f| f.location.file = "k8s/api.yaml".into(),
            |f| f.resource = Some("apps/Deployment/shop/api".into()),
            |f| f.resource = None,
            |f| f.path.push(PathSeg::Index(0)),
            |f| f.path = vec![PathSeg::Key("spec.selector".into())],
            |f| f.key = Some("cpu".into()),
            |f| f.key = Some(String::new()),
        ];
        let mut prints = vec![base];
        for change in changes {
            let mut f = finding(3);
            change(&mut f);
            prints.push(print(f));
        }
        let mut unique = prints.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), prints.len(), "{prints:#?}");
    }

    #[test]
    fn identical_findings_get_distinct_prints_by_occurrence() {
        let mut findings = vec![finding(3), finding(7), finding(9)];
        findings[2].key = Some("other".into());
        assign(&mut findings, &rules());
        assert_ne!(findings[0].fingerprint, findings[1].fingerprint);
        // The first occurrence keeps the value a lone finding would have, so
        // adding a duplicate below does not change existing alerts.
        assert_eq!(findings[0].fingerprint, print(finding(3)));
        // A finding with a different key is its own first occurrence.
        let mut lone = finding(9);
        lone.key = Some("other".into());
        assert_eq!(findings[2].fingerprint, print(lone));
    }

    #[test]
    fn a_note_is_identified_by_the_rule_it_could_not_verify_as_by_a_key() {
        let mut note = finding(3);
        note.unverified = Some(RuleRef(1));
        let mut keyed = finding(3);
        keyed.key = Some("SG-K8S-009".into());
        assert_eq!(print(note.clone()), print(keyed));
        assert_ne!(print(note), print(finding(3)));
    }
}
