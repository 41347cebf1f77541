//! The string functions: `upper`, `lower`, `title`, `split`, `join`,
//! `replace`, `substr`, and the trims and affix tests the dispatch table
//! builds from [`on_string`] and [`on_strings`].
//!
//! Go's rules, not Rust's, decide the results (case mapping rune by rune,
//! `strings.Split` and `strings.Title`), which is why they are written out
//! here instead of calling the standard library directly.

use super::args::{
    arity, fail, integer, item_string, kind, list, require_known, string, take, unsupported,
    Outcome, Stop,
};
use crate::parse::terraform::budget::{over_budget, MAX_VALUE_WEIGHT};
use crate::parse::terraform::value::Partial;

/// A function of one string.
pub(super) fn on_string(args: Vec<Partial>, f: impl FnOnce(&str) -> Partial) -> Outcome {
    let [arg] = take(args)?;
    Ok(f(&string(&arg, 1)?))
}

/// A function of two strings.
pub(super) fn on_strings(args: Vec<Partial>, f: impl FnOnce(&str, &str) -> Partial) -> Outcome {
    let [first, second] = take(args)?;
    let first = string(&first, 1)?;
    let second = string(&second, 2)?;
    Ok(f(&first, &second))
}

// Go maps case rune by rune with Unicode's simple mappings (`ß` stays `ß`,
// `Σ` is always `σ`); Rust's full mappings may change a string's length.

fn upper_char(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn lower_char(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

pub(super) fn upper(text: &str) -> Partial {
    Partial::string(text.chars().map(upper_char).collect::<String>())
}

pub(super) fn lower(text: &str) -> Partial {
    Partial::string(text.chars().map(lower_char).collect::<String>())
}

/// `title(s)`: Go's `strings.Title`, which starts a word after anything but
/// a letter, a digit or `_`.
pub(super) fn title(text: &str) -> Partial {
    let separator = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !c.is_alphanumeric() && c.is_whitespace()
        }
    };
    let mut previous = ' ';
    let titled = text
        .chars()
        .map(|c| {
            let out = if separator(previous) {
                upper_char(c)
            } else {
                c
            };
            previous = c;
            out
        })
        .collect::<String>();
    Partial::string(titled)
}

/// `split(separator, s)`: Go's `strings.Split`, which splits into characters
/// on an empty separator.
pub(super) fn split(separator: &str, text: &str) -> Partial {
    let parts = if separator.is_empty() {
        text.chars()
            .map(|c| Partial::string(c.to_string()))
            .collect()
    } else {
        text.split(separator).map(Partial::string).collect()
    };
    Partial::List(parts)
}

/// `join(separator, lists...)`: every item must be known.
pub(super) fn join(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let mut args = args.into_iter();
    let separator = string(&args.next().unwrap_or_else(Partial::null), 1)?;
    let lists = args
        .enumerate()
        .map(|(i, arg)| list(arg, i + 2))
        .collect::<Result<Vec<_>, _>>()?;
    if lists.is_empty() {
        return fail("at least one list is required");
    }
    lists.iter().flatten().try_for_each(require_known)?;
    let mut parts = Vec::new();
    for (l, items) in lists.iter().enumerate() {
        for (i, item) in items.iter().enumerate() {
            match item_string(item) {
                Some(part) => parts.push(part),
                None if item.is_null() => {
                    return fail(format!(
                        "element {i} of list {} is null; cannot concatenate null values",
                        l + 1
                    ))
                }
                None => {
                    return fail(format!(
                        "element {i} of list {} must be a string, not {}",
                        l + 1,
                        kind(item)
                    ))
                }
            }
        }
    }
    // A long separator between many items multiplies: sized before it is built.
    let size = parts.iter().map(String::len).sum::<usize>().saturating_add(
        separator
            .len()
            .saturating_mul(parts.len().saturating_sub(1)),
    );
    if size > MAX_VALUE_WEIGHT {
        return Err(Stop::Unknown(over_budget()));
    }
    Ok(Partial::string(parts.join(&separator)))
}

/// `replace(s, search, replacement)`; a `/…/` search is a regular expression.
pub(super) fn replace(args: Vec<Partial>) -> Outcome {
    let [text, search, replacement] = take(args)?;
    let text = string(&text, 1)?;
    let search = string(&search, 2)?;
    let replacement = string(&replacement, 3)?;
    if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
        // Terraform matches with Go's RE2. scalegate does not depend on a
        // regex engine itself, and a near miss would be a wrong known value.
        return Err(unsupported("replace"));
    }
    // Sized before it is built: a short chain of replacements can ask for
    // gigabytes in one allocation.
    let matches = if search.is_empty() {
        text.chars().count() + 1
    } else {
        text.matches(search.as_str()).count()
    };
    let size = text
        .len()
        .saturating_add(matches.saturating_mul(replacement.len()));
    if size > MAX_VALUE_WEIGHT {
        return Err(Stop::Unknown(over_budget()));
    }
    Ok(Partial::string(text.replace(&search, &replacement)))
}

/// `substr(s, offset, length)`: in characters; a negative offset counts from
/// the end, a negative length takes the rest.
pub(super) fn substr(args: Vec<Partial>) -> Outcome {
    let [text, offset, length] = take(args)?;
    let text = string(&text, 1)?;
    let offset = integer(&offset, 2)?;
    let length = integer(&length, 3)?;
    let to_usize = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
    let start = if offset < 0 {
        let total = text.chars().count();
        total.saturating_sub(to_usize(offset.unsigned_abs()))
    } else {
        to_usize(offset.unsigned_abs())
    };
    let rest = text.chars().skip(start);
    let sub: String = match u64::try_from(length) {
        Ok(length) => rest.take(to_usize(length)).collect(),
        Err(_) => rest.collect(),
    };
    Ok(Partial::string(sub))
}

#[cfg(test)]
mod tests {
    use crate::model::Cause;
    use crate::parse::terraform::functions::testing::{
        b, err, float, list, map, n, null, ok, s, strings, unknown,
    };
    use crate::parse::terraform::value::Partial;

    #[test]
    fn case_mapping_is_rune_by_rune_like_go() {
        assert_eq!(ok("upper", [s("straße")]), s("STRAßE"));
        assert_eq!(ok("lower", [s("ΣΑΣ")]), s("σασ"));
        assert_eq!(ok("lower", [s("İ")]), s("i"));
        assert_eq!(ok("upper", [n(5)]), s("5"));
        assert_eq!(ok("upper", [b(true)]), s("TRUE"));
    }

    #[test]
    fn title_starts_words_after_separators() {
        assert_eq!(
            ok("title", [s("hello world-foo_bar x1y")]),
            s("Hello World-Foo_bar X1y")
        );
        assert_eq!(ok("title", [s("élan vital")]), s("Élan Vital"));
    }

    #[test]
    fn string_arguments_convert_scalars_and_reject_the_rest() {
        assert_eq!(ok("upper", [unknown("s")]), unknown("s"));
        assert!(err("upper", [null()]).contains("argument 1 must not be null"));
        assert!(err("upper", [strings(&["a"])]).contains("must be a string, not a list"));
        assert_eq!(ok("startswith", [s("abc"), unknown("p")]), unknown("p"));
        assert!(err("startswith", [map([]), unknown("p")]).contains("argument 1"));
        assert!(err("upper", []).contains("expects 1 argument"));
    }

    #[test]
    fn split_follows_go() {
        assert_eq!(
            ok("split", [s(","), s("a,b,,c")]),
            strings(&["a", "b", "", "c"])
        );
        assert_eq!(ok("split", [s(","), s("")]), strings(&[""]));
        assert_eq!(ok("split", [s(""), s("ab")]), strings(&["a", "b"]));
        assert_eq!(ok("split", [s(""), s("")]), list([]));
    }

    #[test]
    fn join_needs_every_item() {
        assert_eq!(
            ok("join", [s(","), strings(&["a", "b"]), strings(&["c"])]),
            s("a,b,c")
        );
        assert_eq!(ok("join", [s("-"), list([n(1), b(true)])]), s("1-true"));
        assert_eq!(ok("join", [s(","), list([])]), s(""));
        assert_eq!(
            ok("join", [s(","), list([s("a"), unknown("x")])]),
            unknown("x")
        );
        assert_eq!(ok("join", [s(","), unknown("l")]), unknown("l"));
        assert!(
            err("join", [s(","), list([s("a"), null()])]).contains("element 1 of list 1 is null")
        );
        assert!(err("join", [s(",")]).contains("at least one list"));
        assert!(err("join", [s(","), list([list([])])]).contains("must be a string"));
    }

    #[test]
    fn replace_substitutes_every_occurrence() {
        assert_eq!(ok("replace", [s("a-b-c"), s("-"), s("+")]), s("a+b+c"));
        assert_eq!(ok("replace", [s("abc"), s(""), s("X")]), s("XaXbXcX"));
        assert_eq!(ok("replace", [s("a/b"), s("/"), s("_")]), s("a_b"));
    }

    #[test]
    fn replace_with_a_regular_expression_is_unknown() {
        assert_eq!(
            ok("replace", [s("abc"), s("/b+/"), s("x")]),
            Partial::Unknown(Cause::Function("replace".into()))
        );
        assert_eq!(
            ok("replace", [unknown("s"), s("/b/"), s("x")]),
            unknown("s")
        );
    }

    #[test]
    fn substr_counts_characters() {
        assert_eq!(ok("substr", [s("hello world"), n(1), n(4)]), s("ello"));
        assert_eq!(ok("substr", [s("hello"), n(-3), n(-1)]), s("llo"));
        assert_eq!(ok("substr", [s("hello"), n(1), n(100)]), s("ello"));
        assert_eq!(ok("substr", [s("hello"), n(0), n(0)]), s(""));
        assert_eq!(ok("substr", [s("hello"), n(10), n(2)]), s(""));
        assert_eq!(ok("substr", [s("hello"), n(-10), n(2)]), s("he"));
        assert_eq!(ok("substr", [s("héllo"), n(1), n(2)]), s("él"));
        assert_eq!(
            ok("substr", [s("hello"), n(i64::MIN), n(i64::MAX)]),
            s("hello")
        );
        assert!(err("substr", [s("abc"), float(1.5), n(1)]).contains("whole number"));
    }

    #[test]
    fn trims_and_affixes() {
        assert_eq!(ok("trimspace", [s(" \t a b \n")]), s("a b"));
        assert_eq!(ok("trim", [s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trim", [s("hello"), s("")]), s("hello"));
        assert_eq!(ok("trimprefix", [s("helloworld"), s("hello")]), s("world"));
        assert_eq!(ok("trimprefix", [s("hello"), s("x")]), s("hello"));
        assert_eq!(ok("trimsuffix", [s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("startswith", [s("hello"), s("he")]), b(true));
        assert_eq!(ok("startswith", [s("hello"), s("")]), b(true));
        assert_eq!(ok("endswith", [s("hello"), s("x")]), b(false));
        assert_eq!(ok("endswith", [unknown("s"), s("x")]), unknown("s"));
    }
}
