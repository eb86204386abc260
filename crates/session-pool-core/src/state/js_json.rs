//! JSON text exactly as V8's `JSON.stringify(value, null, 2)` writes it.
//!
//! serde_json already escapes strings the way JS does (only `"`, `\`, and U+0000..U+001F, with lowercase
//! `\u00xx`; Rust strings cannot hold the lone surrogates JS would also escape), so the differences that remain
//! are numbers and indentation, which this formatter supplies.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// Largest integer below which an f64 integer's decimal digits are exactly its shortest round-trip digits, so
/// the integer printer can be used instead of the float algorithm.
const EXACT_INT_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53

/// A `serde_json` formatter producing `JSON.stringify(value, null, 2)` output byte for byte.
#[derive(Debug, Default, Clone)]
pub struct JsPrettyFormatter {
    indent: usize,
    has_value: bool,
}

impl JsPrettyFormatter {
    /// A formatter at nesting level 0.
    pub fn new() -> Self {
        Self::default()
    }
}

/// A newline followed by enough spaces for 64 nesting levels, sliced so each line break is a single write.
const NEWLINE_AND_SPACES: &[u8; 129] = b"\n                                                                                                                                ";

pub(crate) fn write_newline_indent<W: ?Sized + Write>(
    writer: &mut W,
    level: usize,
) -> io::Result<()> {
    let spaces = level * 2;
    if spaces < NEWLINE_AND_SPACES.len() {
        return writer.write_all(&NEWLINE_AND_SPACES[..=spaces]);
    }
    writer.write_all(b"\n")?;
    let mut left = spaces;
    while left > 0 {
        let chunk = left.min(NEWLINE_AND_SPACES.len() - 1);
        writer.write_all(&NEWLINE_AND_SPACES[1..=chunk])?;
        left -= chunk;
    }
    Ok(())
}

impl Formatter for JsPrettyFormatter {
    fn write_f64<W: ?Sized + Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        write_js_number(writer, value)
    }

    fn write_f32<W: ?Sized + Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        write_js_number(writer, f64::from(value))
    }

    // JS has only doubles: an integer beyond 2^53 prints as the double it becomes, e.g. 2^64 as
    // 18446744073709552000, so wide integers go through the same path as floats.
    fn write_i64<W: ?Sized + Write>(&mut self, writer: &mut W, value: i64) -> io::Result<()> {
        if value.unsigned_abs() <= 1 << 53 {
            writer.write_all(itoa::Buffer::new().format(value).as_bytes())
        } else {
            write_js_number(writer, value as f64)
        }
    }

    fn write_u64<W: ?Sized + Write>(&mut self, writer: &mut W, value: u64) -> io::Result<()> {
        if value <= 1 << 53 {
            writer.write_all(itoa::Buffer::new().format(value).as_bytes())
        } else {
            write_js_number(writer, value as f64)
        }
    }

    fn write_i128<W: ?Sized + Write>(&mut self, writer: &mut W, value: i128) -> io::Result<()> {
        write_js_number(writer, value as f64)
    }

    fn write_u128<W: ?Sized + Write>(&mut self, writer: &mut W, value: u128) -> io::Result<()> {
        write_js_number(writer, value as f64)
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            write_newline_indent(writer, self.indent)?;
        }
        writer.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        write_newline_indent(writer, self.indent)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent += 1;
        self.has_value = false;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.indent -= 1;
        if self.has_value {
            write_newline_indent(writer, self.indent)?;
        }
        writer.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if !first {
            writer.write_all(b",")?;
        }
        write_newline_indent(writer, self.indent)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    // Text held as `RawValue`/`RawJson` arrives here verbatim; it still has to come out as JS would print it.
    fn write_raw_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        super::raw_json::write_reindented(writer, fragment, self.indent)
    }
}

/// Writes the inside of a JS string literal: `"` and `\\` escaped, C0 controls as `\b \f \n \r \t` or lowercase
/// `\u00xx`, everything else as UTF-8 (JSON.stringify escapes neither `/` nor non-ASCII).
pub(crate) fn write_js_string_contents<W: ?Sized + Write>(
    writer: &mut W,
    text: &str,
) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    let mut start = 0usize;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x08 => b"\\b",
            0x0c => b"\\f",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x00..=0x1f => &[],
            _ => continue,
        };
        writer.write_all(&bytes[start..i])?;
        if short.is_empty() {
            writer.write_all(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ])?;
        } else {
            writer.write_all(short)?;
        }
        start = i + 1;
    }
    writer.write_all(&bytes[start..])
}

/// Writes `value` as `JSON.stringify(value, null, 2)` would.
///
/// Serialization errors of `value` itself (a map with non-string keys, a failing custom `Serialize`) come back
/// as `io::ErrorKind::InvalidData`. Wrap an unbuffered writer (a `File`) in a `BufWriter` first.
pub fn write_js_pretty<W: Write, T: Serialize + ?Sized>(writer: W, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(writer, JsPrettyFormatter::new());
    value.serialize(&mut serializer).map_err(json_to_io)
}

/// `JSON.stringify(value, null, 2)` as a `String`.
pub fn to_js_pretty_string<T: Serialize + ?Sized>(value: &T) -> io::Result<String> {
    let mut out = Vec::with_capacity(256);
    write_js_pretty(&mut out, value)?;
    // serde_json only ever writes UTF-8.
    String::from_utf8(out).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

pub(crate) fn json_to_io(error: serde_json::Error) -> io::Error {
    if error.is_io() {
        // Keep the writer's own error kind (disk full, broken pipe) rather than flattening it.
        match error.io_error_kind() {
            Some(kind) => io::Error::new(kind, error),
            None => io::Error::other(error),
        }
    } else {
        io::Error::new(io::ErrorKind::InvalidData, error)
    }
}

/// The text JS gives for a number in JSON (`Number.prototype.toString()`, with `null` for NaN and ±Infinity).
pub fn format_js_number(value: f64) -> String {
    let mut out = Vec::with_capacity(24);
    // Writing into a Vec cannot fail.
    let _ = write_js_number(&mut out, value);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes a number the way `JSON.stringify` does: `null` for non-finite values, `0` for ±0, integers without a
/// fraction, and otherwise the shortest round-trip digits laid out by ECMA-262 Number::toString (plain notation
/// for decimal exponents -7 < e < 21, `1e+21` / `1.5e-7` style beyond).
pub fn write_js_number<W: ?Sized + Write>(writer: &mut W, value: f64) -> io::Result<()> {
    if !value.is_finite() {
        return writer.write_all(b"null");
    }
    if value == 0.0 {
        return writer.write_all(b"0");
    }
    if value.fract() == 0.0 && value.abs() < EXACT_INT_LIMIT {
        return writer.write_all(itoa::Buffer::new().format(value as i64).as_bytes());
    }
    let mut shortest = zmij::Buffer::new();
    let text = shortest.format_finite(value);
    let mut digits = [0u8; 24];
    let Some((count, point)) = decompose(text.as_bytes(), &mut digits) else {
        // zmij always yields a decimal number; this branch only guards against a format change upstream.
        return writer.write_all(text.as_bytes());
    };
    let mut out = [0u8; 40];
    let len = layout_js(value.is_sign_negative(), &digits[..count], point, &mut out);
    writer.write_all(&out[..len])
}

/// Splits a decimal rendering (`123.45`, `1e21`, `5e-324`, `0.001`) into its significant digits (no leading or
/// trailing zeros) and `point`, such that the value is `0.d1d2... * 10^point`. Returns the digit count.
fn decompose(text: &[u8], digits: &mut [u8; 24]) -> Option<(usize, i32)> {
    let text = text.strip_prefix(b"-").unwrap_or(text);
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => {
            let exp_text = std::str::from_utf8(&text[at + 1..]).ok()?;
            let exp_text = exp_text.strip_prefix('+').unwrap_or(exp_text);
            (&text[..at], exp_text.parse::<i32>().ok()?)
        }
        None => (text, 0),
    };
    let mut count = 0usize;
    let mut int_digits = 0i32;
    let mut seen_point = false;
    let mut leading_zeros = 0i32;
    for &b in mantissa {
        match b {
            b'.' => seen_point = true,
            b'0'..=b'9' => {
                if !seen_point {
                    int_digits += 1;
                }
                if count == 0 && b == b'0' {
                    leading_zeros += 1;
                    continue;
                }
                if count >= digits.len() {
                    return None;
                }
                digits[count] = b;
                count += 1;
            }
            _ => return None,
        }
    }
    while count > 0 && digits[count - 1] == b'0' {
        count -= 1;
    }
    if count == 0 {
        return None;
    }
    Some((count, int_digits - leading_zeros + exponent))
}

/// ECMA-262 Number::toString layout of `0.digits * 10^point`, into `out`; returns the length written.
fn layout_js(negative: bool, digits: &[u8], point: i32, out: &mut [u8; 40]) -> usize {
    let mut len = 0usize;
    let mut push = |bytes: &[u8], len: &mut usize| {
        out[*len..*len + bytes.len()].copy_from_slice(bytes);
        *len += bytes.len();
    };
    if negative {
        push(b"-", &mut len);
    }
    let k = digits.len() as i32;
    const ZEROS: &[u8; 21] = b"000000000000000000000";
    if k <= point && point <= 21 {
        push(digits, &mut len);
        push(&ZEROS[..(point - k) as usize], &mut len);
    } else if 0 < point && point <= 21 {
        let split = point as usize;
        push(&digits[..split], &mut len);
        push(b".", &mut len);
        push(&digits[split..], &mut len);
    } else if -6 < point && point <= 0 {
        push(b"0.", &mut len);
        push(&ZEROS[..(-point) as usize], &mut len);
        push(digits, &mut len);
    } else {
        push(&digits[..1], &mut len);
        if k > 1 {
            push(b".", &mut len);
            push(&digits[1..], &mut len);
        }
        let exponent = point - 1;
        push(if exponent < 0 { b"e-" } else { b"e+" }, &mut len);
        push(
            itoa::Buffer::new()
                .format(exponent.unsigned_abs())
                .as_bytes(),
            &mut len,
        );
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_js_examples() {
        let cases: &[(f64, &str)] = &[
            (3.0, "3"),
            (0.5, "0.5"),
            (-0.0, "0"),
            (f64::NAN, "null"),
            (f64::INFINITY, "null"),
            (f64::NEG_INFINITY, "null"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1e-7, "1e-7"),
            (1e-6, "0.000001"),
            (123e-20, "1.23e-18"),
            (0.1, "0.1"),
            (-1234.5678, "-1234.5678"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (9007199254740992.0, "9007199254740992"),
            (9007199254740994.0, "9007199254740994"),
            (123456789012345680000.0, "123456789012345680000"),
            (-1.5e300, "-1.5e+300"),
        ];
        for (value, expected) in cases {
            assert_eq!(format_js_number(*value), *expected, "{value:e}");
        }
    }

    #[test]
    fn integers_beyond_2_pow_53_print_as_doubles() {
        let out = to_js_pretty_string(&[u64::MAX]).unwrap_or_default();
        assert_eq!(out, "[\n  18446744073709552000\n]");
        let out = to_js_pretty_string(&[i64::MIN]).unwrap_or_default();
        assert_eq!(out, "[\n  -9223372036854776000\n]");
    }

    #[test]
    fn empty_containers_and_nesting() {
        let value = serde_json::json!({"a": [], "b": {}, "c": [[], {"d": 1}]});
        let out = to_js_pretty_string(&value).unwrap_or_default();
        assert_eq!(
            out,
            "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    [],\n    {\n      \"d\": 1\n    }\n  ]\n}"
        );
    }

    #[test]
    fn deep_nesting_indents_past_the_static_buffer() {
        let mut value = serde_json::json!(1);
        for _ in 0..80 {
            value = serde_json::json!([value]);
        }
        let out = to_js_pretty_string(&value).unwrap_or_default();
        let deepest = format!("\n{}1\n", " ".repeat(160));
        assert!(out.contains(&deepest));
    }
}
