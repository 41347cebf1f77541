//! Text from scanned files made safe to print on a terminal.
//!
//! A scanned repository controls the bytes of its files, and the text report
//! prints them in code frames and messages. Terminal control characters in
//! them would reach the reader's terminal: an OSC sequence retitles the
//! window or plants a hyperlink, a "conceal" escape hides the lines that
//! follow, a bare carriage return overwrites what was printed. Every C0
//! control except tab and line feed (and a carriage return ending a line),
//! DEL and every C1 control is shown as a visible stand-in instead: the
//! Unicode "control picture" (`␛` for ESC) where one exists, else `�`.
//!
//! Each control character becomes exactly one character, so line and column
//! numbers counted in characters are the same before and after.

use std::borrow::Cow;

/// `text` with its control characters replaced (see the module docs).
pub fn printable(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let clean = text
        .char_indices()
        .all(|(i, c)| !is_control(c) || (c == '\r' && bytes.get(i + 1) == Some(&b'\n')));
    if clean {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_control(c) {
            out.push(stand_in(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether `c` may act on a terminal. A carriage return counts: whether it
/// ends a line is decided by [`printable`], which sees what follows.
fn is_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

fn stand_in(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        let text = "name: web\tx\r\n  équipe\n";
        assert!(matches!(printable(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn escapes_osc_conceal_bell_bare_cr_del_and_c1() {
        let text = "a\u{1b}]0;pwned\u{7}b \u{1b}[8mhidden\rX\u{7f}\u{9b}31m\u{0}";
        assert_eq!(
            printable(text),
            "a\u{241b}]0;pwned\u{2407}b \u{241b}[8mhidden\u{240d}X\u{2421}\u{fffd}31m\u{2400}"
        );
    }

    #[test]
    fn keeps_one_character_per_character() {
        let text = "x\u{1b}[8my\u{85}z\r";
        assert_eq!(printable(text).chars().count(), text.chars().count());
    }
}
