//! `format` and `formatlist`: cty's port of Go's `fmt` verbs, with Go's
//! `math/big` decimal rounding for the float verbs.
//!
//! It is a small engine of its own (a spec parser, padding rules, integer
//! bases, shortest and fixed-precision float text), separate from the other
//! string functions so its Go-specific details stay in one place.

use regorus::Value;

use super::args::{
    arity, arity_message, fail, item_string, parse_number, require_known, string, unsupported,
    Outcome, Stop,
};
use super::encoding::{json, json_quote};
use crate::parse::terraform::value::Partial;

/// `format(spec, values...)`: every value must be known (collections print
/// as JSON).
pub(super) fn format(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let Some((spec, values)) = args.split_first() else {
        return fail(arity_message(1, usize::MAX, 0));
    };
    let spec = string(spec, 1)?;
    values.iter().try_for_each(require_known)?;
    let values = values.iter().collect::<Vec<_>>();
    Ok(Partial::string(format_values(&spec, &values)?))
}

/// `formatlist(spec, values...)`: one `format` per item of the list values
/// (which must have the same length), scalars repeated. A round with an
/// unknown value gives an unknown item; a wholly unknown value makes the
/// whole result unknown, as it may be a list of unknown length.
pub(super) fn formatlist(args: Vec<Partial>) -> Outcome {
    arity(&args, 1, usize::MAX)?;
    let Some((spec, values)) = args.split_first() else {
        return fail(arity_message(1, usize::MAX, 0));
    };
    let spec = string(spec, 1)?;
    let mut rounds: Option<(usize, usize)> = None;
    for (i, value) in values.iter().enumerate() {
        match (value, rounds) {
            (Partial::Unknown(cause), _) => return Err(Stop::Unknown(cause.clone())),
            (Partial::List(items), None) => rounds = Some((items.len(), i + 2)),
            (Partial::List(items), Some((len, position))) if items.len() != len => {
                return fail(format!(
                    "argument {} has length {}, which is inconsistent with argument \
                     {position} of length {len}",
                    i + 2,
                    items.len()
                ))
            }
            _ => {}
        }
    }
    let rounds = rounds.map_or(1, |(len, _)| len);
    let mut results = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let round_values = values
            .iter()
            .map(|value| match value {
                Partial::List(items) => items.get(round).unwrap_or(value),
                other => other,
            })
            .collect::<Vec<_>>();
        if let Some(cause) = round_values.iter().find_map(|v| v.first_cause()) {
            results.push(Partial::Unknown(cause.clone()));
            continue;
        }
        match format_values(&spec, &round_values) {
            Ok(text) => results.push(Partial::string(text)),
            Err(Stop::Fail(message)) => {
                return fail(format!("error on format iteration {round}: {message}"))
            }
            Err(unknown) => return Err(unknown),
        }
    }
    Ok(Partial::List(results))
}

/// One `%` directive of a format spec.
#[derive(Default)]
struct Directive<'a> {
    /// The directive as written, and where, for messages.
    text: &'a str,
    offset: usize,
    verb: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

impl Directive<'_> {
    fn cannot_format(&self, why: &str) -> Stop {
        Stop::Fail(format!(
            "unsupported value for {:?} at {}: {why}",
            self.text, self.offset
        ))
    }

    fn sign(&self, negative: bool) -> &'static str {
        match (negative, self.plus, self.space) {
            (true, _, _) => "-",
            (false, true, _) => "+",
            (false, false, true) => " ",
            _ => "",
        }
    }
}

/// Widths and precisions beyond this are left unknown rather than padded out.
const FORMAT_SIZE_LIMIT: usize = 10_000;

type SpecChars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

/// cty's `format`: `%%`, flags `0#-+ `, an optional `[n]` argument index,
/// width, `.precision`, and a verb (`v t b d o x X e E f g G s q`).
fn format_values(spec: &str, values: &[&Partial]) -> Result<String, Stop> {
    let mut out = String::new();
    let mut chars = spec.char_indices().peekable();
    let mut next = 1usize;
    let mut highest = 0usize;
    while let Some((start, c)) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.next_if(|&(_, c)| c == '%').is_some() {
            out.push('%');
            continue;
        }
        let mut d = Directive {
            offset: start,
            ..Directive::default()
        };
        while let Some((_, flag)) =
            chars.next_if(|&(_, c)| matches!(c, '0' | '#' | '-' | '+' | ' '))
        {
            match flag {
                '0' => d.zero = true,
                '#' => d.sharp = true,
                '-' => d.minus = true,
                '+' => d.plus = true,
                _ => d.space = true,
            }
        }
        let mut position = next;
        if chars.next_if(|&(_, c)| c == '[').is_some() {
            position = match (spec_number(&mut chars, false), chars.next()) {
                (Some(n), Some((_, ']'))) => n,
                (_, Some((at, c))) => return fail(unrecognized(c, at)),
                (_, None) => return fail(unfinished(start)),
            };
        }
        d.width = spec_number(&mut chars, false);
        if chars.next_if(|&(_, c)| c == '.').is_some() {
            d.precision = Some(spec_number(&mut chars, true).unwrap_or(0));
        }
        let end = match chars.next() {
            Some((at, verb)) if verb.is_ascii_alphabetic() => {
                d.verb = verb;
                at + 1
            }
            Some((at, c)) => return fail(unrecognized(c, at)),
            None => return fail(unfinished(start)),
        };
        d.text = spec.get(start..end).unwrap_or_default();
        let Some(value) = position.checked_sub(1).and_then(|i| values.get(i)) else {
            return fail(format!(
                "not enough arguments for {:?} at {start}: need index {position} but have {} total",
                d.text,
                values.len()
            ));
        };
        if d.width.max(d.precision) > Some(FORMAT_SIZE_LIMIT) {
            return Err(unsupported("format"));
        }
        format_one(&d, value, &mut out)?;
        next = position.saturating_add(1);
        highest = highest.max(position);
    }
    if highest < values.len() {
        return fail(if highest == 0 {
            "too many arguments; no verbs in format string".to_owned()
        } else {
            format!("too many arguments; only {highest} used by format string")
        });
    }
    Ok(out)
}

fn unrecognized(c: char, at: usize) -> String {
    format!("unrecognized format character {c:?} at offset {at}")
}

fn unfinished(start: usize) -> String {
    format!("invalid format string starting at offset {start}")
}

/// A decimal number in a format spec, saturating; `[1-9][0-9]*` unless
/// `leading_zero` (a leading `0` is a flag, except in a precision).
fn spec_number(chars: &mut SpecChars, leading_zero: bool) -> Option<usize> {
    let (_, first) = chars.next_if(|&(_, c)| c.is_ascii_digit() && (leading_zero || c != '0'))?;
    let digit = |c: char| c.to_digit(10).map_or(0, |d| d as usize);
    let mut n = digit(first);
    while let Some((_, c)) = chars.next_if(|&(_, c)| c.is_ascii_digit()) {
        n = n.saturating_mul(10).saturating_add(digit(c));
    }
    Some(n)
}

fn format_one(d: &Directive, value: &Partial, out: &mut String) -> Result<(), Stop> {
    if d.verb != 'v' && value.is_null() {
        return Err(d.cannot_format("null value cannot be formatted"));
    }
    match d.verb {
        'v' => {
            let text = match value {
                Partial::Scalar(Value::String(s)) if !d.sharp => s.to_string(),
                Partial::Scalar(number @ Value::Number(_)) if !d.sharp => {
                    let (negative, digits) =
                        decimal_of(number).ok_or_else(|| unsupported("format"))?;
                    let sign = if negative { "-" } else { "" };
                    format!("{sign}{}", go_float_text(digits, 'g', None))
                }
                other => json(other)?,
            };
            pad(d, &text, out);
        }
        't' => {
            let truth = match value {
                Partial::Scalar(Value::Bool(b)) => *b,
                Partial::Scalar(Value::String(s)) if &**s == "true" => true,
                Partial::Scalar(Value::String(s)) if &**s == "false" => false,
                _ => return Err(d.cannot_format("a bool is required")),
            };
            out.push_str(if truth { "true" } else { "false" });
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let number = match value {
                Partial::Scalar(number @ Value::Number(_)) => Some(number.clone()),
                Partial::Scalar(Value::String(s)) => parse_number(s),
                _ => None,
            }
            .ok_or_else(|| d.cannot_format("a number is required"))?;
            if matches!(d.verb, 'e' | 'E' | 'f' | 'g' | 'G') {
                format_float(d, &number, out)?;
            } else {
                format_integer(d, &number, out)?;
            }
        }
        's' | 'q' => {
            let text = item_string(value).ok_or_else(|| d.cannot_format("a string is required"))?;
            let text = match d.precision {
                Some(p) if p > 0 => text.chars().take(p).collect(),
                _ => text,
            };
            if d.verb == 'q' {
                let mut quoted = String::new();
                json_quote(&text, &mut quoted);
                pad(d, &quoted, out);
            } else {
                pad(d, &text, out);
            }
        }
        verb => {
            return fail(format!(
                "unsupported format verb {verb:?} in {:?} at offset {}",
                d.text, d.offset
            ))
        }
    }
    Ok(())
}

/// cty pads `%v`, `%s` and `%q` to the width itself, with zeros if asked,
/// even in front of a sign.
fn pad(d: &Directive, text: &str, out: &mut String) {
    let fill = d.width.unwrap_or(0).saturating_sub(text.chars().count());
    let c = if d.zero { '0' } else { ' ' };
    if d.minus {
        out.push_str(text);
        out.extend(std::iter::repeat_n(c, fill));
    } else {
        out.extend(std::iter::repeat_n(c, fill));
        out.push_str(text);
    }
}

/// `%b %d %o %x %X` as Go prints a `big.Int`: sign, `#` prefix, precision as
/// a minimum digit count, width padded with spaces (or zeros after the sign).
fn format_integer(d: &Directive, number: &Value, out: &mut String) -> Result<(), Stop> {
    let text = match number {
        Value::Number(n) if n.is_integer() => n.format_decimal(),
        _ => return Err(d.cannot_format("an integer is required")),
    };
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(magnitude) => (magnitude != "0", magnitude),
        None => (false, text.as_str()),
    };
    let digits = if d.verb == 'd' {
        magnitude.to_owned()
    } else {
        // Other bases need the value, which only fits up to u128.
        let m: u128 = magnitude.parse().map_err(|_| unsupported("format"))?;
        match d.verb {
            'b' => format!("{m:b}"),
            'o' => format!("{m:o}"),
            'x' => format!("{m:x}"),
            _ => format!("{m:X}"),
        }
    };
    let sign = d.sign(negative);
    let prefix = match (d.sharp, d.verb) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(precision) = d.precision {
        if digits.len() < precision {
            zeros = precision - digits.len();
        } else if digits == "0" && precision == 0 {
            return Ok(());
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(width) = d.width.filter(|&w| w > length) {
        let fill = width - length;
        if d.minus {
            right = fill;
        } else if d.zero && d.precision.is_none() {
            zeros = fill;
        } else {
            left = fill;
        }
    }
    out.extend(std::iter::repeat_n(' ', left));
    out.push_str(sign);
    out.push_str(prefix);
    out.extend(std::iter::repeat_n('0', zeros));
    out.push_str(&digits);
    out.extend(std::iter::repeat_n(' ', right));
    Ok(())
}

/// `%e %E %f %g %G` as Go prints a `big.Float`.
fn format_float(d: &Directive, number: &Value, out: &mut String) -> Result<(), Stop> {
    let (negative, digits) = decimal_of(number).ok_or_else(|| unsupported("format"))?;
    let precision = match d.verb {
        'e' | 'E' | 'f' => Some(d.precision.unwrap_or(6)),
        _ => d.precision,
    };
    let text = go_float_text(digits, d.verb, precision);
    let sign = d.sign(negative);
    let fill = d.width.unwrap_or(0).saturating_sub(sign.len() + text.len());
    if d.zero {
        out.push_str(sign);
        out.extend(std::iter::repeat_n('0', fill));
        out.push_str(&text);
    } else if d.minus {
        out.push_str(sign);
        out.push_str(&text);
        out.extend(std::iter::repeat_n(' ', fill));
    } else {
        out.extend(std::iter::repeat_n(' ', fill));
        out.push_str(sign);
        out.push_str(&text);
    }
    Ok(())
}

/// A decimal `0.mant × 10^exp` with ASCII digits and no leading or trailing
/// zeros (zero has none): Go's `math/big` decimal, which its float
/// formatting rounds and prints.
#[derive(Debug, Clone, PartialEq)]
struct Decimal {
    mant: Vec<u8>,
    exp: i64,
}

impl Decimal {
    fn len(&self) -> i64 {
        i64::try_from(self.mant.len()).unwrap_or(i64::MAX)
    }

    fn digit(&self, i: i64) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.mant.get(i))
            .map_or('0', |&d| char::from(d))
    }

    fn trim(&mut self) {
        while self.mant.last() == Some(&b'0') {
            self.mant.pop();
        }
        if self.mant.is_empty() {
            self.exp = 0;
        }
    }

    /// Keeps `n` digits, rounding half to even like Go.
    fn round(&mut self, n: i64) {
        let Ok(n) = usize::try_from(n) else { return };
        let Some(&next) = self.mant.get(n) else {
            return;
        };
        let up = if next == b'5' && n + 1 == self.mant.len() {
            n > 0 && self.mant.get(n - 1).is_some_and(|d| (d - b'0') % 2 == 1)
        } else {
            next >= b'5'
        };
        self.mant.truncate(n);
        if !up {
            self.trim();
            return;
        }
        while self.mant.last() == Some(&b'9') {
            self.mant.pop();
        }
        match self.mant.last_mut() {
            Some(last) => *last += 1,
            None => {
                self.mant.push(b'1');
                self.exp += 1;
            }
        }
    }
}

/// The sign and digits of a number value. Integers come from their exact
/// decimal text, fractions from Rust's shortest round-trip form.
fn decimal_of(value: &Value) -> Option<(bool, Decimal)> {
    let Value::Number(n) = value else { return None };
    let text = if n.is_integer() {
        n.format_decimal()
    } else {
        format!("{:e}", n.as_f64()?)
    };
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (digits, exp) = match text.split_once('e') {
        Some((mantissa, exp)) => {
            let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            let exp = exp.parse::<i64>().ok()?;
            (
                format!("{whole}{fraction}"),
                exp + i64::try_from(whole.len()).ok()?,
            )
        }
        None => (text.to_owned(), i64::try_from(text.len()).ok()?),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let leading = digits.bytes().take_while(|&b| b == b'0').count();
    let mut decimal = Decimal {
        mant: digits.into_bytes().split_off(leading),
        exp: exp - i64::try_from(leading).ok()?,
    };
    decimal.trim();
    Some((negative, decimal))
}

/// Go's `big.Float.Text(verb, precision)` without the sign, for `e E f g G`;
/// `None` is the shortest form that reads back the same.
fn go_float_text(mut d: Decimal, verb: char, precision: Option<usize>) -> String {
    let shortest = precision.is_none();
    let mut prec = match precision {
        Some(p) => {
            let p = i64::try_from(p).unwrap_or(i64::MAX);
            match verb {
                'e' | 'E' => d.round(p.saturating_add(1)),
                'f' => d.round(d.exp.saturating_add(p)),
                _ => d.round(p.max(1)),
            }
            if matches!(verb, 'g' | 'G') {
                p.max(1)
            } else {
                p
            }
        }
        None => match verb {
            'e' | 'E' => d.len() - 1,
            'f' => (d.len() - d.exp).max(0),
            _ => d.len(),
        },
    };
    match verb {
        'e' | 'E' => go_exponent_form(&d, verb, prec),
        'f' => go_fixed_form(&d, prec),
        _ => {
            let mut eprec = if shortest { 6 } else { prec };
            if !shortest && eprec > d.len() && d.len() >= d.exp {
                eprec = d.len();
            }
            let exp = d.exp - 1;
            if exp < -4 || exp >= eprec {
                prec = prec.min(d.len());
                let verb = if verb == 'G' { 'E' } else { 'e' };
                go_exponent_form(&d, verb, prec - 1)
            } else {
                if prec > d.exp {
                    prec = d.len();
                }
                go_fixed_form(&d, (prec - d.exp).max(0))
            }
        }
    }
}

/// `d.ddde±xx`, `prec` digits after the point.
fn go_exponent_form(d: &Decimal, verb: char, prec: i64) -> String {
    let mut out = String::new();
    out.push(d.digit(0));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(d.digit(i));
        }
    }
    out.push(verb);
    let exp = if d.mant.is_empty() { 0 } else { d.exp - 1 };
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.unsigned_abs()));
    out
}

/// `ddd.ddd`, `prec` digits after the point.
fn go_fixed_form(d: &Decimal, prec: i64) -> String {
    let mut out = String::new();
    if d.exp > 0 {
        for i in 0..d.exp {
            out.push(d.digit(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 0..prec {
            out.push(d.digit(d.exp + i));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use regorus::Value;

    use super::{decimal_of, Decimal};
    use crate::model::Cause;
    use crate::parse::terraform::functions::call;
    use crate::parse::terraform::functions::testing::{
        b, err, float, list, map, n, null, ok, s, strings, unknown,
    };
    use crate::parse::terraform::value::Partial;

    #[track_caller]
    fn formats<const N: usize>(spec: &str, values: [Partial; N]) -> String {
        let mut args = vec![s(spec)];
        args.extend(values);
        match call("format", args) {
            Ok(Partial::Scalar(Value::String(text))) => text.to_string(),
            other => panic!("format({spec:?}) gave {other:?}"),
        }
    }

    #[track_caller]
    fn format_error<const N: usize>(spec: &str, values: [Partial; N]) -> String {
        let mut args = vec![s(spec)];
        args.extend(values);
        call("format", args).expect_err("format fails")
    }

    #[test]
    fn format_strings_bools_and_percent() {
        assert_eq!(formats("%s-%s", [s("a"), n(1)]), "a-1");
        assert_eq!(formats("%s %s", [float(1.5), b(true)]), "1.5 true");
        assert_eq!(formats("100%%", []), "100%");
        assert_eq!(formats("%t/%t", [b(true), s("false")]), "true/false");
        assert_eq!(formats("%q", [s("a\"b<")]), r#""a\"b\u003c""#);
        assert_eq!(
            formats("[%5s][%-5s][%.2s]", [s("ab"), s("ab"), s("abc")]),
            "[   ab][ab   ][ab]"
        );
        assert_eq!(formats("%05s", [s("ab")]), "000ab");
        assert_eq!(formats("%s", [s("héllo")]), "héllo");
    }

    #[test]
    fn format_integers_like_go() {
        assert_eq!(formats("%d", [n(42)]), "42");
        assert_eq!(formats("%d", [s("12")]), "12");
        assert_eq!(formats("%d", [float(3.0)]), "3");
        assert_eq!(formats("%05d|%05d", [n(42), n(-42)]), "00042|-0042");
        assert_eq!(formats("%-5d|%5d|", [n(42), n(42)]), "42   |   42|");
        assert_eq!(formats("%+d % d", [n(5), n(5)]), "+5  5");
        assert_eq!(
            formats("%x %X %o %b", [n(255), n(255), n(8), n(5)]),
            "ff FF 10 101"
        );
        assert_eq!(
            formats("%#x %#o %#b", [n(255), n(8), n(5)]),
            "0xff 010 0b101"
        );
        assert_eq!(formats("%x", [n(-255)]), "-ff");
        assert_eq!(
            formats("%.3d|%8.3d|%08.3d", [n(7), n(7), n(7)]),
            "007|     007|     007"
        );
        assert_eq!(formats("%d", [n(i64::MIN)]), "-9223372036854775808");
        assert_eq!(
            formats("%d", [Partial::Scalar(Value::from(u64::MAX))]),
            "18446744073709551615"
        );
    }

    #[test]
    fn format_floats_like_go() {
        assert_eq!(formats("%f", [float(1.23456)]), "1.234560");
        assert_eq!(formats("%.2f", [float(1.23456)]), "1.23");
        assert_eq!(formats("%.0f %.0f", [float(2.5), float(3.5)]), "2 4");
        assert_eq!(formats("%.1f", [float(0.96)]), "1.0");
        assert_eq!(formats("%.2f", [float(0.001)]), "0.00");
        assert_eq!(formats("%.2f", [n(5)]), "5.00");
        assert_eq!(
            formats("%8.2f|%-8.2f|", [float(1.23456), float(1.23456)]),
            "    1.23|1.23    |"
        );
        assert_eq!(
            formats("%08.2f %+.1f", [float(-1.23456), n(2)]),
            "-0001.23 +2.0"
        );
        assert_eq!(formats("%e", [float(1234.5678)]), "1.234568e+03");
        assert_eq!(formats("%.2E", [n(0)]), "0.00E+00");
        assert_eq!(formats("%e", [float(0.00012)]), "1.200000e-04");
        assert_eq!(
            formats("%g %g %g", [n(1_000_000), n(123_456), float(0.00001)]),
            "1e+06 123456 1e-05"
        );
        assert_eq!(
            formats("%.3g %G", [float(1.23456), float(1e-7)]),
            "1.23 1E-07"
        );
        assert_eq!(formats("%.2f", [float(9.999)]), "10.00");
    }

    #[test]
    fn format_v_is_the_default_form_and_json_for_the_rest() {
        assert_eq!(formats("%v %v %v", [s("a"), n(10), float(1.5)]), "a 10 1.5");
        assert_eq!(formats("%v %v", [n(1_000_000), float(-0.5)]), "1e+06 -0.5");
        assert_eq!(formats("%v %v", [b(true), null()]), "true null");
        assert_eq!(
            formats("%v", [map([("b", list([n(1), s("x")])), ("a", null())])]),
            r#"{"a":null,"b":[1,"x"]}"#
        );
        assert_eq!(formats("%#v %#v", [s("x"), n(1)]), r#""x" 1"#);
        assert_eq!(formats("%5v|", [n(1)]), "    1|");
    }

    #[test]
    fn format_argument_indexes() {
        assert_eq!(formats("%[2]s-%[1]s", [s("a"), s("b")]), "b-a");
        assert_eq!(formats("%[2]s %s", [s("a"), s("b"), s("c")]), "b c");
        assert_eq!(formats("%[1]s%[1]s", [s("a")]), "aa");
    }

    #[test]
    fn format_rejects_what_terraform_rejects() {
        assert!(format_error("%s %s", [s("a")]).contains("not enough arguments"));
        assert!(format_error("%s", [s("a"), s("b")]).contains("only 1 used"));
        assert!(format_error("plain", [s("a")]).contains("no verbs"));
        assert!(format_error("%[3]s", [s("a")]).contains("need index 3"));
        assert!(format_error("%z", [s("a")]).contains("unsupported format verb 'z'"));
        assert!(format_error("abc%", []).contains("invalid format string starting at offset 3"));
        assert!(format_error("%!", [s("a")]).contains("unrecognized format character '!'"));
        assert!(format_error("%[0]s", [s("a")]).contains("unrecognized"));
        assert!(format_error("%d", [float(1.5)]).contains("an integer is required"));
        assert!(format_error("%d", [s("abc")]).contains("a number is required"));
        assert!(format_error("%s", [strings(&["a"])]).contains("a string is required"));
        assert!(format_error("%s", [null()]).contains("null value cannot be formatted"));
        assert!(format_error("%t", [n(1)]).contains("a bool is required"));
        assert!(err("format", []).contains("expects at least 1"));
    }

    #[test]
    fn format_with_unknowns_or_huge_widths_is_unknown() {
        assert_eq!(ok("format", [s("%s"), unknown("x")]), unknown("x"));
        assert_eq!(ok("format", [s("%v"), list([unknown("x")])]), unknown("x"));
        assert_eq!(ok("format", [unknown("f"), s("a")]), unknown("f"));
        assert_eq!(
            ok("format", [s("%99999999999999999999999s"), s("a")]),
            Partial::Unknown(Cause::Function("format".into()))
        );
        assert_eq!(
            ok(
                "format",
                [
                    s("%x"),
                    Partial::Scalar(Value::from_numeric_string("1e40").unwrap())
                ]
            ),
            Partial::Unknown(Cause::Function("format".into()))
        );
    }

    #[test]
    fn formatlist_formats_each_item() {
        assert_eq!(
            ok("formatlist", [s("%s-%s"), strings(&["a", "b"]), s("x")]),
            strings(&["a-x", "b-x"])
        );
        assert_eq!(
            ok(
                "formatlist",
                [s("%s=%s"), strings(&["a", "b"]), list([n(1), n(2)])]
            ),
            strings(&["a=1", "b=2"])
        );
        assert_eq!(ok("formatlist", [s("hi")]), strings(&["hi"]));
        assert_eq!(ok("formatlist", [s("%s"), list([])]), list([]));
        assert!(err(
            "formatlist",
            [s("%s%s"), strings(&["a"]), strings(&["b", "c"])]
        )
        .contains("argument 3 has length 2, which is inconsistent with argument 2 of length 1"));
        assert!(
            err("formatlist", [s("%d"), strings(&["a"])]).contains("error on format iteration 0")
        );
    }

    #[test]
    fn formatlist_keeps_known_rounds_next_to_unknown_ones() {
        assert_eq!(
            ok("formatlist", [s("%s"), list([s("a"), unknown("x")])]),
            list([s("a"), unknown("x")])
        );
        assert_eq!(ok("formatlist", [s("%s"), unknown("l")]), unknown("l"));
        assert_eq!(
            ok(
                "formatlist",
                [s("%s%s"), strings(&["a", "b"]), unknown("l")]
            ),
            unknown("l")
        );
    }

    #[test]
    fn go_decimal_rounding_carries_and_keeps_half_to_even() {
        let (_, mut d) = decimal_of(&Value::from(9.995f64)).unwrap();
        assert_eq!(
            d,
            Decimal {
                mant: b"9995".to_vec(),
                exp: 1
            }
        );
        d.round(3);
        assert_eq!(
            d,
            Decimal {
                mant: b"1".to_vec(),
                exp: 2
            }
        );
        let (_, mut d) = decimal_of(&Value::from(0.125f64)).unwrap();
        d.round(2);
        assert_eq!(
            d,
            Decimal {
                mant: b"12".to_vec(),
                exp: 0
            }
        );
        let (negative, d) = decimal_of(&Value::from(-1200i64)).unwrap();
        assert!(negative);
        assert_eq!(
            d,
            Decimal {
                mant: b"12".to_vec(),
                exp: 4
            }
        );
    }
}
