//! JSON held as its source text, and the re-indenting writer that lets such text come out of the JS pretty
//! printer exactly as `JSON.stringify(JSON.parse(text), null, 2)` nested at the current depth would.
//!
//! Loading keeps a session's `cookieJar` and `userData` as text: validating and copying a slice is several times
//! cheaper than building a `serde_json::Value` tree, and every consumer parses it once anyway — the cookie
//! module into its own jar, the binding with `JSON.parse` in V8.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::js_json::{write_js_number, write_js_string_contents, write_newline_indent};

/// A JSON value kept as text (already validated). Serializes back through the JS pretty printer with the same
/// bytes `JSON.stringify` would give for `JSON.parse` of the text: indentation, number and string forms are
/// normalized, key order and lone surrogates are kept.
#[derive(Clone)]
pub struct RawJson(Repr);

#[derive(Clone)]
enum Repr {
    /// Its own copy of the text.
    Owned(Box<RawValue>),
    /// A slice of a loaded state file's text, shared by all the values read from it: a session's `cookieJar` is
    /// read where it lies (the file's biggest part, parsed into a jar right after), not copied out first.
    Shared(SharedText),
}

/// A validated JSON value at `start..end` of a shared text.
#[derive(Clone)]
struct SharedText {
    text: Arc<String>,
    start: usize,
    end: usize,
}

impl RawJson {
    /// Validates `text` as one JSON value.
    pub fn from_text(text: impl Into<String>) -> Result<Self, serde_json::Error> {
        RawValue::from_string(text.into()).map(Self::from_raw)
    }

    /// Any serializable value, as compact JSON text (e.g. a `serde_json::Value` built in Rust).
    pub fn from_value<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Self::from_raw)
    }

    /// The JSON text, exactly as read (it may be indented, as in the state file).
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Owned(raw) => raw.get(),
            Repr::Shared(shared) => &shared.text[shared.start..shared.end],
        }
    }

    /// `raw`, a value serde_json read from `text` (borrowed from it), kept as a slice of `text` without a copy;
    /// a copy when `raw` does not lie within `text`.
    pub(crate) fn shared(text: &Arc<String>, raw: &RawValue) -> Self {
        let (base, value) = (text.as_ptr() as usize, raw.get());
        let start = (value.as_ptr() as usize).wrapping_sub(base);
        let end = start.wrapping_add(value.len());
        // In bounds, the slice at that offset is `value` itself (same address and length).
        if start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end)
        {
            Self(Repr::Shared(SharedText {
                text: Arc::clone(text),
                start,
                end,
            }))
        } else {
            Self::from_raw(raw.to_owned())
        }
    }

    /// The text as serde_json's own raw value (a copy when shared).
    fn to_raw(&self) -> Box<RawValue> {
        match &self.0 {
            Repr::Owned(raw) => raw.clone(),
            // The slice was validated as one JSON value when it was read.
            Repr::Shared(_) => RawValue::from_string(self.as_str().to_owned())
                .unwrap_or_else(|_| RawValue::NULL.to_owned()),
        }
    }

    /// Parses the text into `T` (the cookie module's jar type, a `serde_json::Value`, ...).
    pub fn parse<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.as_str())
    }

    /// The text as a `serde_json::Value`.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        self.parse()
    }

    /// Whether the value is a JSON object.
    pub fn is_object(&self) -> bool {
        self.as_str().starts_with('{')
    }

    /// Whether the value is a JSON array.
    pub fn is_array(&self) -> bool {
        self.as_str().starts_with('[')
    }

    pub(crate) fn from_raw(raw: Box<RawValue>) -> Self {
        Self(Repr::Owned(raw))
    }

    /// The text JS would print for this value (2-space indent at the top level), used for equality.
    fn js_canonical(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.as_str().len());
        // Writing into a Vec cannot fail, and the text was validated on construction.
        let _ = write_reindented(&mut out, self.as_str(), 0);
        out
    }
}

/// Equal when JS would print both the same way: `{"a":1.0}` equals `{ "a": 1 }`, but key order matters, as it
/// does for `JSON.stringify`.
impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str() || self.js_canonical() == other.js_canonical()
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawJson({})", self.as_str())
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // serde_json hands the text to the formatter's `write_raw_fragment`, which the JS formatter re-indents.
        match &self.0 {
            Repr::Owned(raw) => raw.serialize(serializer),
            Repr::Shared(_) => self.to_raw().serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for RawJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<RawValue>::deserialize(deserializer).map(Self::from_raw)
    }
}

impl From<RawJson> for Box<RawValue> {
    fn from(raw: RawJson) -> Self {
        match raw.0 {
            Repr::Owned(raw) => raw,
            Repr::Shared(_) => raw.to_raw(),
        }
    }
}

/// Writes valid JSON `text` pretty-printed as JS would at nesting `level`: whitespace is dropped and re-made,
/// numbers are re-printed in JS form unless already in it, strings with escapes are re-escaped the JS way.
/// Input that is not valid JSON is copied through token by token without panicking; callers only pass text
/// serde_json has validated.
pub(crate) fn write_reindented<W: ?Sized + Write>(
    writer: &mut W,
    text: &str,
    level: usize,
) -> io::Result<()> {
    let bytes = text.as_bytes();
    let mut depth = level;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                let mut next = i + 1;
                while next < bytes.len() && matches!(bytes[next], b' ' | b'\t' | b'\n' | b'\r') {
                    next += 1;
                }
                if bytes.get(next) == Some(&close) {
                    writer.write_all(&[b, close])?;
                    i = next + 1;
                } else {
                    writer.write_all(&[b])?;
                    depth += 1;
                    write_newline_indent(writer, depth)?;
                    i += 1;
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                write_newline_indent(writer, depth)?;
                writer.write_all(&[b])?;
                i += 1;
            }
            b',' => {
                writer.write_all(b",")?;
                write_newline_indent(writer, depth)?;
                i += 1;
            }
            b':' => {
                writer.write_all(b": ")?;
                i += 1;
            }
            b'"' => {
                let start = i;
                let mut has_escape = false;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        has_escape = true;
                        i += 1;
                    }
                    i += 1;
                }
                let end = (i + 1).min(bytes.len());
                let token = text.get(start..end).unwrap_or_default();
                if has_escape {
                    write_normalized_string(writer, token)?;
                } else {
                    writer.write_all(token.as_bytes())?;
                }
                i = end;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                write_number_token(writer, text.get(start..i).unwrap_or_default())?;
            }
            _ => {
                // true / false / null
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                writer.write_all(&bytes[start..i])?;
            }
        }
    }
    Ok(())
}

fn write_number_token<W: ?Sized + Write>(writer: &mut W, token: &str) -> io::Result<()> {
    let digits = token.strip_prefix('-').unwrap_or(token);
    // Short plain integers are already in JS form (valid JSON has no leading zeros); "-0" is not, JS prints "0".
    let plain =
        !digits.is_empty() && digits.len() <= 15 && digits.bytes().all(|b| b.is_ascii_digit());
    if plain && token != "-0" {
        return writer.write_all(token.as_bytes());
    }
    match token.parse::<f64>() {
        // Rust's parser is correctly rounded, as JSON.parse is; a literal beyond f64 becomes ±Infinity, which JS
        // also prints as null.
        Ok(value) => write_js_number(writer, value),
        Err(_) => writer.write_all(token.as_bytes()),
    }
}

fn hex_value(digits: &[u8]) -> Option<u32> {
    let text = std::str::from_utf8(digits).ok()?;
    u32::from_str_radix(text, 16).ok()
}

/// Re-escapes a quoted JSON string token the way JSON.stringify does, decoding every escape first. Surrogate
/// pairs become the character; a lone surrogate stays a lowercase `\udxxx` escape, as JS writes it.
fn write_normalized_string<W: ?Sized + Write>(writer: &mut W, token: &str) -> io::Result<()> {
    let inner = token
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(token);
    let bytes = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut lone: Vec<(usize, u32)> = Vec::new();
    let mut i = 0usize;
    let mut plain_from = 0usize;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(inner.get(plain_from..i).unwrap_or_default());
        let escape = bytes.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        match escape {
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let unit = bytes.get(i..i + 4).and_then(hex_value).unwrap_or(0xFFFD);
                i += 4;
                if (0xD800..0xDC00).contains(&unit) {
                    let low = if bytes.get(i) == Some(&b'\\') && bytes.get(i + 1) == Some(&b'u') {
                        bytes
                            .get(i + 2..i + 6)
                            .and_then(hex_value)
                            .filter(|u| (0xDC00..0xE000).contains(u))
                    } else {
                        None
                    };
                    match low.and_then(|low| {
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                    }) {
                        Some(ch) => {
                            out.push(ch);
                            i += 6;
                        }
                        None => lone.push((out.len(), unit)),
                    }
                } else if (0xDC00..0xE000).contains(&unit) {
                    lone.push((out.len(), unit));
                } else {
                    out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                }
            }
            other => out.push(char::from(other)),
        }
        plain_from = i.min(bytes.len());
    }
    // `get` rather than indexing: in text that is not valid JSON an escape could end inside a UTF-8 sequence.
    out.push_str(inner.get(plain_from..).unwrap_or_default());

    writer.write_all(b"\"")?;
    let mut written = 0usize;
    for (at, unit) in lone {
        write_js_string_contents(writer, out.get(written..at).unwrap_or_default())?;
        write!(writer, "\\u{unit:04x}")?;
        written = at;
    }
    write_js_string_contents(writer, out.get(written..).unwrap_or_default())?;
    writer.write_all(b"\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_value_is_a_slice_of_its_text_and_acts_as_a_copy() {
        let text = Arc::new("\u{feff} {\"jar\": {\"cookies\": [\"é\"]} }".to_owned());
        let start = text.find('{').unwrap();
        // What serde_json borrows from the text, as the state reader does.
        let borrowed: std::collections::HashMap<&str, &RawValue> =
            serde_json::from_str(&text[start..]).unwrap();
        let raw = borrowed["jar"];
        let shared = RawJson::shared(&text, raw);
        assert!(matches!(shared.0, Repr::Shared(_)));
        assert_eq!(shared.as_str(), r#"{"cookies": ["é"]}"#);
        assert!(
            std::ptr::eq(shared.as_str().as_ptr(), raw.get().as_ptr()),
            "no copy"
        );
        assert_eq!(Arc::strong_count(&text), 2);
        let owned = RawJson::from_text(r#"{"cookies": ["é"]}"#).unwrap();
        assert_eq!(shared, owned);
        assert_eq!(
            serde_json::to_string(&shared).unwrap(),
            serde_json::to_string(&owned).unwrap()
        );
        assert_eq!(
            shared.parse::<Value>().unwrap(),
            owned.parse::<Value>().unwrap()
        );
        // Made into serde_json's own raw value, it is a copy that lets the shared text go.
        let boxed: Box<RawValue> = shared.clone().into();
        assert_eq!(boxed.get(), shared.as_str());
        assert_eq!(Arc::strong_count(&text), 2);
        drop(shared);
        assert_eq!(Arc::strong_count(&text), 1);
        assert_eq!(RawJson::from_raw(boxed), owned);
    }

    #[test]
    fn a_value_from_another_text_is_copied() {
        let text = Arc::new(r#"{"a": {"b": 1}}"#.to_owned());
        let other = RawValue::from_string(r#"{"b": 1}"#.to_owned()).unwrap();
        let kept = RawJson::shared(&text, &other);
        assert!(matches!(kept.0, Repr::Owned(_)));
        assert_eq!(kept.as_str(), r#"{"b": 1}"#);
        assert_eq!(Arc::strong_count(&text), 1);
    }

    fn reindent(text: &str) -> String {
        let mut out = Vec::new();
        let _ = write_reindented(&mut out, text, 0);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn reindents_like_js() {
        assert_eq!(
            reindent(r#"{"a":[1,{}, [ ]],"b":{"c":null}}"#),
            "{\n  \"a\": [\n    1,\n    {},\n    []\n  ],\n  \"b\": {\n    \"c\": null\n  }\n}"
        );
        assert_eq!(reindent("  [ true ,false ]  "), "[\n  true,\n  false\n]");
        assert_eq!(reindent("\"x\""), "\"x\"");
    }

    #[test]
    fn numbers_take_js_form() {
        assert_eq!(reindent("[1.0, -0, 1e21, 1E-7, 100000000000000000000, 12, -5, 0.50, 1e400]"),
            "[\n  1,\n  0,\n  1e+21,\n  1e-7,\n  100000000000000000000,\n  12,\n  -5,\n  0.5,\n  null\n]");
    }

    #[test]
    fn strings_take_js_form() {
        assert_eq!(
            reindent(r#""a\/b \u00e9 \u0008 \u001F \ud83d\ude00 \"q\" \\""#),
            "\"a/b é \\b \\u001f 😀 \\\"q\\\" \\\\\""
        );
        // JS writes a lone surrogate as a lowercase escape, and so do we.
        assert_eq!(reindent(r#""x\uD800y\udc00""#), "\"x\\ud800y\\udc00\"");
    }

    #[test]
    fn equality_is_js_equality() {
        let a = RawJson::from_text(r#"{"a": 1.0, "b": "\u0041"}"#).ok();
        let b = RawJson::from_text("{\n  \"a\": 1,\n  \"b\": \"A\"\n}").ok();
        let c = RawJson::from_text(r#"{"b": "A", "a": 1}"#).ok();
        assert!(a.is_some() && a == b);
        assert!(a != c);
    }
}
