//! The text of a suppression, wherever it is written:
//!
//! * a comment: `scalegate:ignore SG-K8S-008,pdb-coverage reason="…" exp=2027-03-31`
//!   (or `scalegate:ignore-file …` for a whole file or YAML document);
//! * an annotation value: `reason="…" exp=2027-03-31`, or plain words, which
//!   are taken as the reason.
//!
//! Rules are named by id or slug, separated by spaces or commas. `reason=`
//! takes a double- or single-quoted string (or one word); `exp=` (also
//! `expires=`) an ISO date.

use super::date::Date;

/// What every comment marker starts with.
pub const MARKER: &str = crate::model::DIRECTIVE_MARKER;

/// What a comment directive covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// The block, attribute or node it sits above or at the end of.
    Node,
    /// The whole file, or for a YAML stream the document (`ignore-file`).
    File,
}

/// A parsed suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub reach: Reach,
    /// The rules as written: ids or slugs.
    pub rules: Vec<String>,
    /// `None` when missing or empty.
    pub reason: Option<String>,
    pub expires: Option<Date>,
}

/// Reads a comment's text (after `#` or `//`). `None` when the comment is
/// not a directive at all; `Some(Err(why))` when it is one but is written
/// wrongly.
pub fn parse_comment(body: &str) -> Option<Result<Directive, String>> {
    let rest = body.trim_start().strip_prefix(MARKER)?;
    let (reach, rest) = match rest.strip_prefix("-file") {
        Some(rest) => (Reach::File, rest),
        None => (Reach::Node, rest),
    };
    // `scalegate:ignored` or `scalegate:ignore-files` are prose, not ours.
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        return None;
    }
    Some(parse_terms(rest).and_then(|terms| {
        if terms.words.is_empty() {
            return Err(format!(
                "`{}` names no rule; write the rule ids or slugs after it",
                match reach {
                    Reach::Node => MARKER.to_owned(),
                    Reach::File => format!("{MARKER}-file"),
                }
            ));
        }
        Ok(Directive {
            reach,
            rules: terms.words,
            reason: terms.reason,
            expires: terms.expires,
        })
    }))
}

/// Reads an annotation's value: `reason="…" exp=…`, or free text as the reason.
pub fn parse_annotation(value: &str) -> Result<(Option<String>, Option<Date>), String> {
    let terms = parse_terms(value)?;
    match (terms.reason, terms.words.is_empty()) {
        (reason, true) => Ok((reason, terms.expires)),
        (None, false) => Ok((non_empty(terms.words.join(" ")), terms.expires)),
        (Some(_), false) => Err(format!(
            "unexpected `{}` after the reason; write reason=\"…\" exp=YYYY-MM-DD",
            terms.words[0]
        )),
    }
}

struct Terms {
    words: Vec<String>,
    reason: Option<String>,
    expires: Option<Date>,
}

fn parse_terms(text: &str) -> Result<Terms, String> {
    let mut terms = Terms {
        words: Vec::new(),
        reason: None,
        expires: None,
    };
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("reason=") {
            let (value, remaining) = value_token(after)?;
            if terms.reason.is_some() {
                return Err("`reason=` is given twice".to_owned());
            }
            terms.reason = non_empty(value);
            rest = remaining;
        } else if let Some(after) = rest
            .strip_prefix("exp=")
            .or_else(|| rest.strip_prefix("expires="))
        {
            let (value, remaining) = value_token(after)?;
            let date = Date::parse(&value)
                .ok_or_else(|| format!("`exp={value}` is not a date; write exp=YYYY-MM-DD"))?;
            if terms.expires.replace(date).is_some() {
                return Err("`exp=` is given twice".to_owned());
            }
            rest = remaining;
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            terms.words.extend(
                rest[..end]
                    .split(',')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
            rest = &rest[end..];
        }
        rest = rest.trim_start();
    }
    Ok(terms)
}

/// A quoted string (`"` with backslash escapes, or `'`), or one word.
fn value_token(text: &str) -> Result<(String, &str), String> {
    let Some(quote @ ('"' | '\'')) = text.chars().next() else {
        let end = text.find(char::is_whitespace).unwrap_or(text.len());
        return Ok((text[..end].to_owned(), &text[end..]));
    };
    let mut value = String::new();
    let mut escaped = false;
    for (i, c) in text[1..].char_indices() {
        if escaped {
            value.push(c);
            escaped = false;
        } else if c == '\\' && quote == '"' {
            escaped = true;
        } else if c == quote {
            return Ok((value, &text[1 + i + 1..]));
        } else {
            value.push(c);
        }
    }
    Err(format!("the {quote} quote is never closed"))
}

fn non_empty(text: String) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directive(body: &str) -> Directive {
        parse_comment(body)
            .expect("a directive")
            .expect("well formed")
    }

    #[test]
    fn rules_reason_and_expiry() {
        let d = directive(
            r#" scalegate:ignore SG-K8S-008,pdb-coverage SG-TAG-001 reason="batch job, \"single\" replica" exp=2027-03-31"#,
        );
        assert_eq!(d.reach, Reach::Node);
        assert_eq!(d.rules, ["SG-K8S-008", "pdb-coverage", "SG-TAG-001"]);
        assert_eq!(d.reason.as_deref(), Some(r#"batch job, "single" replica"#));
        assert_eq!(d.expires.unwrap().to_string(), "2027-03-31");

        let d = directive("scalegate:ignore-file SG-NAM-002 reason='generated code'");
        assert_eq!(d.reach, Reach::File);
        assert_eq!(d.reason.as_deref(), Some("generated code"));
        assert_eq!(d.expires, None);

        let d = directive("scalegate:ignore SG-NAM-002 reason=\"  \"");
        assert_eq!(d.reason, None, "an empty reason is no reason");
    }

    #[test]
    fn prose_is_not_a_directive() {
        for body in [
            " TODO: scalegate:ignore this",
            " scalegate:ignored by hand",
            " scalegate:ignore-files",
            " an ordinary comment",
        ] {
            assert_eq!(parse_comment(body), None, "{body}");
        }
    }

    #[test]
    fn mistakes_are_explained() {
        let error = |body: &str| parse_comment(body).unwrap().unwrap_err();
        assert_eq!(
            error(" scalegate:ignore reason=\"x\""),
            "`scalegate:ignore` names no rule; write the rule ids or slugs after it"
        );
        assert_eq!(
            error(" scalegate:ignore SG-K8S-008 exp=2027-02-30"),
            "`exp=2027-02-30` is not a date; write exp=YYYY-MM-DD"
        );
        assert_eq!(
            error(" scalegate:ignore SG-K8S-008 reason=\"open"),
            "the \" quote is never closed"
        );
        assert_eq!(
            error(" scalegate:ignore X reason=a reason=b"),
            "`reason=` is given twice"
        );
    }

    #[test]
    fn annotation_values() {
        assert_eq!(
            parse_annotation(r#"reason="batch" exp=2027-01-02"#).unwrap(),
            (Some("batch".to_owned()), Date::parse("2027-01-02"))
        );
        assert_eq!(
            parse_annotation("single replica by design").unwrap(),
            (Some("single replica by design".to_owned()), None)
        );
        assert_eq!(parse_annotation("").unwrap(), (None, None));
        assert!(parse_annotation("exp=soon").is_err());
    }
}
