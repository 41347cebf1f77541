//! Parsing with a work-around for two things hcl-edit 0.10 rejects but
//! Terraform accepts (both occur in real modules):
//!
//! * a repeated key in an object constructor (Terraform keeps the last);
//! * a line break inside a `{ for … => … }` expression, where HCL ignores
//!   newlines (`k =>` / `v` on the next line, an operator at a line end);
//! * a number beyond a 64-bit float (`1e400`): Terraform reads numbers as
//!   arbitrary-precision floats, so it is a valid number. It is patched to
//!   zeros and its text kept under its offset too; the evaluator makes it an
//!   unknown value ("out of range"), never a wrong known one.
//!
//! On such an error the text is patched — the repeated key renamed, the
//! line break turned into a space — and parsed again. Patches keep every
//! byte offset, so spans still point into the original text; the original
//! names of renamed keys are kept for the evaluator. Any other error, or one
//! that patching does not get past, is reported as the first error found.

use std::collections::BTreeMap;

use hcl_edit::expr::Expression;
use hcl_edit::parser::Error;
use hcl_edit::structure::Body;

/// Re-parses allowed per file; each is a full parse, so this bounds the
/// cost of a pathological file.
const MAX_PATCHES: usize = 256;

/// A parsed body and the original names of the object keys renamed to get
/// it parsed, by the byte offset where each key starts.
pub(super) struct Parsed {
    pub body: Body,
    pub renamed_keys: BTreeMap<usize, String>,
}

/// Parses `text` as an HCL body, patching around hcl-edit's gaps.
pub(super) fn parse_body(text: &str) -> Result<Parsed, Error> {
    let first_error = match hcl_edit::parser::parse_body(text) {
        Ok(body) => {
            return Ok(Parsed {
                body,
                renamed_keys: BTreeMap::new(),
            })
        }
        Err(err) => err,
    };
    let mut patched = text.to_owned();
    let mut renamed_keys = BTreeMap::new();
    let mut attempts: BTreeMap<usize, usize> = BTreeMap::new();
    let mut error = first_error.clone();
    for _ in 0..MAX_PATCHES {
        let offset = error.location().offset();
        let fixed = if let Some((start, original)) = huge_number(&patched, offset) {
            let zeros = "0".repeat(original.len());
            patched.replace_range(start..start + original.len(), &zeros);
            renamed_keys.insert(start, original);
            true
        } else if error.message().contains("redefined object key") {
            let attempt = attempts.entry(offset).or_default();
            *attempt += 1;
            rename_key(text, &mut patched, offset, *attempt, &mut renamed_keys)
        } else {
            join_lines(&mut patched, offset)
        };
        if !fixed {
            break;
        }
        match hcl_edit::parser::parse_body(&patched) {
            Ok(body) => return Ok(Parsed { body, renamed_keys }),
            Err(err) => error = err,
        }
    }
    Err(first_error)
}

/// The number literal around `offset` when it is one `f64` cannot hold
/// (hcl-edit stops at its exponent): where it starts, and its text.
fn huge_number(text: &str, offset: usize) -> Option<(usize, String)> {
    let bytes = text.as_bytes();
    let mut start = offset.min(bytes.len());
    while start > 0 && (bytes[start - 1].is_ascii_digit() || bytes[start - 1] == b'.') {
        start -= 1;
    }
    let mut end = start;
    while end < bytes.len() && (bytes[end].is_ascii_digit() || bytes[end] == b'.') {
        end += 1;
    }
    if end == start || !matches!(bytes.get(end), Some(b'e' | b'E')) {
        return None;
    }
    end += 1;
    if matches!(bytes.get(end), Some(b'+' | b'-')) {
        end += 1;
    }
    let digits = end;
    while end < bytes.len() && bytes[end].is_ascii_digit() {
        end += 1;
    }
    let literal = &text[start..end];
    let out_of_range = end > digits && literal.parse::<f64>().is_ok_and(|n| !n.is_finite());
    out_of_range.then(|| (start, literal.to_owned()))
}

/// Renames the key at `offset` to a same-length name (`attempt` picks which
/// one, so a name that collides too is replaced by the next).
fn rename_key(
    original: &str,
    patched: &mut String,
    offset: usize,
    attempt: usize,
    renamed: &mut BTreeMap<usize, String>,
) -> bool {
    let bytes = patched.as_bytes();
    let (start, end) = if bytes.get(offset) == Some(&b'"') {
        let Some(len) = quoted_len(&patched[offset..]) else {
            return false;
        };
        (offset + 1, offset + len - 1)
    } else {
        let len = patched[offset..]
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(patched.len() - offset);
        (offset, offset + len)
    };
    if start >= end {
        return false;
    }
    if let std::collections::btree_map::Entry::Vacant(entry) = renamed.entry(offset) {
        let name = if start == offset {
            original[start..end].to_owned()
        } else {
            match hcl_edit::parser::parse_expr(&original[offset..=end]) {
                Ok(Expression::String(s)) => s.value().clone(),
                _ => return false,
            }
        };
        entry.insert(name);
    }
    let replacement = letters(attempt, end - start);
    patched.replace_range(start..end, &replacement);
    true
}

/// The byte length of the quoted string at the start of `text`, quotes
/// included.
fn quoted_len(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(i + 1),
            '\n' => return None,
            _ => escaped = false,
        }
    }
    None
}

/// `attempt` written in `len` ASCII letters; an identifier and a plain
/// string alike.
fn letters(attempt: usize, len: usize) -> String {
    const DIGITS: &[u8] = b"QZXJKVWYqzxjkvwy";
    let mut out = vec![DIGITS[0]; len];
    let mut n = attempt;
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[n % DIGITS.len()];
        n /= DIGITS.len();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Turns the line break(s) in the whitespace around `offset` into spaces,
/// when `offset` is inside a `{ for … }` expression.
fn join_lines(patched: &mut String, offset: usize) -> bool {
    if !inside_object_for(patched, offset) {
        return false;
    }
    let bytes = patched.as_bytes();
    let is_space = |b: u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut start = offset.min(bytes.len());
    while start > 0 && is_space(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = offset.min(bytes.len());
    while end < bytes.len() && is_space(bytes[end]) {
        end += 1;
    }
    if !bytes[start..end].contains(&b'\n') {
        return false;
    }
    let spaces: String = patched[start..end]
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    patched.replace_range(start..end, &spaces);
    true
}

/// Whether the innermost bracket open at `offset` is a `{` starting a for
/// expression. Brackets are counted naively (strings are not skipped): the
/// only cost of a wrong answer is reporting hcl-edit's error.
fn inside_object_for(text: &str, offset: usize) -> bool {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    for i in (0..offset.min(bytes.len())).rev() {
        match bytes[i] {
            b'}' | b']' | b')' => depth += 1,
            b'{' | b'[' | b'(' if depth > 0 => depth -= 1,
            b'{' => {
                let rest = text[i + 1..].trim_start();
                return rest.starts_with("for")
                    && rest[3..].starts_with(|c: char| c.is_whitespace());
            }
            b'[' | b'(' => return false,
            _ => {}
        }
    }
    false
}
