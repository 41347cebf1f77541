//! Did-you-mean: the valid name closest to a misspelt one, and the messages
//! built on it for unknown keys and unknown rules.
//!
//! Separate because config, settings, suppressions, `explain` and the
//! policy call checks all suggest names the same way.

/// `unknown key `x` — did you mean `y`?`; `place` is where the key sits
/// (`settings.tags`), `None` at the top level.
pub(crate) fn unknown_key(key: &str, place: Option<&str>, valid: &[&str]) -> String {
    let place = place.map(|p| format!(" in {p}")).unwrap_or_default();
    match closest(key, valid) {
        Some(s) => format!("unknown key `{key}`{place} — did you mean `{s}`?"),
        None => format!(
            "unknown key `{key}`{place}; expected one of: {}",
            valid.join(", ")
        ),
    }
}

/// The valid name closest to `word` by edit distance, if close enough.
pub fn closest<'a>(word: &str, valid: &[&'a str]) -> Option<&'a str> {
    valid
        .iter()
        .map(|v| (edit_distance(word, v), *v))
        .filter(|(d, v)| *d <= (v.len() / 3).max(2))
        .min()
        .map(|(_, v)| v)
}

/// What follows "unknown rule `x`": the closest of `names`, or where to
/// find them all.
pub fn unknown_rule_hint(name: &str, names: &[&str]) -> String {
    match closest(name, names) {
        Some(s) => format!(" — did you mean `{s}`?"),
        None => "; `scalegate rules` lists them".to_owned(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TOP_KEYS;

    #[test]
    fn did_you_mean_for_misspelt_keys() {
        assert_eq!(closest("fail-on", &TOP_KEYS), Some("fail_on"));
        assert_eq!(closest("exlude", &TOP_KEYS), Some("exclude"));
        assert_eq!(closest("zzzzzzzz", &TOP_KEYS), None);
    }
}
