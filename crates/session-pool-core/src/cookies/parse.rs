//! The `Set-Cookie` parser, tough-cookie's `Cookie.parse` in strict (non-loose) mode, which follows
//! RFC 6265 section 5.2 with tough's own choices (kept verbatim: quotes, unknown attributes).

use super::cookie::{Cookie, CookieTime};
use super::date::parse_date;
use std::borrow::Cow;

/// What JS `String.prototype.trim` removes: its WhiteSpace and LineTerminator sets, which differ
/// from Rust's `char::is_whitespace` (U+FEFF yes, U+0085 no).
fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\u{9}'..='\u{D}'
            | ' '
            | '\u{A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
            | '\u{FEFF}'
    )
}

/// JS `trim()`.
pub(crate) fn js_trim(s: &str) -> &str {
    // ASCII whitespace (the usual space after a `;`) is stripped bytewise; only a non-ASCII character left at
    // either end needs the full set, decoded.
    let is_ascii_space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut end = bytes.len();
    while start < end && is_ascii_space(bytes[start]) {
        start += 1;
    }
    while end > start && is_ascii_space(bytes[end - 1]) {
        end -= 1;
    }
    // Cut next to ASCII bytes: character boundaries.
    let trimmed = &s[start..end];
    let non_ascii = |b: Option<&u8>| b.is_some_and(|&b| b >= 0x80);
    if non_ascii(trimmed.as_bytes().first()) || non_ascii(trimmed.as_bytes().last()) {
        return trimmed.trim_matches(is_js_whitespace);
    }
    trimmed
}

/// A `Set-Cookie` value taken apart, its strings borrowed from the header: what
/// [`parse_set_cookie`] turns into a [`Cookie`], and what the jar turns into one with the request's
/// host and path already in place (so the strings are laid out once).
pub(crate) struct ParsedCookie<'a> {
    pub key: &'a str,
    pub value: &'a str,
    /// The `Domain` attribute, lowercased, without its leading dot; never empty.
    pub domain: Option<Cow<'a, str>>,
    /// The `Path` attribute when it starts with `/`.
    pub path: Option<&'a str>,
    pub expires: Option<f64>,
    pub max_age: Option<f64>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<&'static str>,
    pub extensions: Option<Vec<String>>,
}

impl ParsedCookie<'_> {
    /// The cookie with `domain` and `path` as its domain and path (the caller decides them).
    pub(crate) fn to_cookie(
        &self,
        domain: Option<&str>,
        path: Option<&str>,
        creation_ms: f64,
    ) -> Cookie {
        let mut cookie = Cookie::with_text(self.key, self.value, domain, path, creation_ms);
        if let Some(ms) = self.expires {
            cookie.set_expires(CookieTime::At(ms));
        }
        cookie.set_max_age(self.max_age);
        cookie.set_secure(self.secure);
        cookie.set_http_only(self.http_only);
        if self.same_site.is_some() {
            cookie.set_same_site(self.same_site);
        }
        if self.extensions.is_some() {
            cookie.set_extensions(self.extensions.clone());
        }
        cookie
    }
}

/// Where byte `b` first occurs in `s` (an ASCII byte, so the position is a character boundary).
fn find_byte(s: &str, b: u8) -> Option<usize> {
    // memchr's setup costs more than a plain look at a few bytes.
    if s.len() < 16 {
        return s.bytes().position(|c| c == b);
    }
    memchr::memchr(b, s.as_bytes())
}

/// The parts of `s` between occurrences of the ASCII byte `sep`, as `str::split` with a `char` gives them
/// (with a vectorized search).
pub(crate) fn split_at_byte(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    debug_assert!(sep.is_ascii());
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let text = rest?;
        match find_byte(text, sep) {
            Some(i) => {
                rest = Some(&text[i + 1..]);
                Some(&text[..i])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// Parses one `Set-Cookie` value as tough-cookie's `Cookie.parse(str)` does. `None` where tough
/// returns `undefined`: no `=` or nothing before it, or a control character in the name or value.
/// `creation_ms` becomes its creation time (a jar sets its own when storing it); the host-derived
/// fields (`host_only`, a default `domain` and `path`) are left for the jar to fill in.
pub fn parse_set_cookie(input: &str, creation_ms: f64) -> Option<Cookie> {
    let parsed = parse_set_cookie_parts(input)?;
    Some(parsed.to_cookie(parsed.domain.as_deref(), parsed.path, creation_ms))
}

/// [`parse_set_cookie`] without building the cookie.
pub(crate) fn parse_set_cookie_parts(input: &str) -> Option<ParsedCookie<'_>> {
    let s = js_trim(input);
    if s.is_empty() {
        return None;
    }
    let (pair, attributes) = match find_byte(s, b';') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (key, value) = parse_pair(pair)?;
    let mut parsed = ParsedCookie {
        key,
        value,
        domain: None,
        path: None,
        expires: None,
        max_age: None,
        secure: false,
        http_only: false,
        same_site: None,
        extensions: None,
    };
    // Each attribute is trimmed, so trimming the whole list first (as tough does) changes nothing.
    for attribute in attributes
        .into_iter()
        .flat_map(|list| split_at_byte(list, b';'))
    {
        read_attribute(attribute, &mut parsed);
    }
    Some(parsed)
}

/// Reads one `name=value` (or `name`) attribute into `parsed`; unknown ones are kept verbatim.
fn read_attribute<'a>(attribute: &'a str, parsed: &mut ParsedCookie<'a>) {
    let av = js_trim(attribute);
    if av.is_empty() {
        return;
    }
    let (name, value) = match find_byte(av, b'=') {
        Some(i) => (js_trim(&av[..i]), Some(js_trim(&av[i + 1..]))),
        None => (av, None),
    };
    let value = value.filter(|v| !v.is_empty());
    // tough lowercases the name with `toLowerCase()`; the only non-ASCII character that lowercases
    // to ASCII is the Kelvin sign (to `k`), which none of these names has, so an ASCII comparison
    // decides the same.
    let is = |known: &str| name.eq_ignore_ascii_case(known);
    match name.len() {
        7 if is("expires") => {
            if let Some(ms) = value.and_then(parse_date) {
                parsed.expires = Some(ms);
            }
        }
        7 if is("max-age") => {
            if let Some(seconds) = value.and_then(parse_max_age) {
                parsed.max_age = Some(seconds);
            }
        }
        6 if is("domain") => {
            if let Some(v) = value {
                let d = js_trim(v);
                let d = d.strip_prefix('.').unwrap_or(d);
                if !d.is_empty() {
                    parsed.domain = Some(lowercase(d));
                }
            }
        }
        // An unusable Path attribute resets the path, so the default applies.
        4 if is("path") => parsed.path = value.filter(|v| v.starts_with('/')),
        6 if is("secure") => parsed.secure = true,
        8 if is("httponly") => parsed.http_only = true,
        8 if is("samesite") => {
            parsed.same_site = value.and_then(|v| {
                ["strict", "lax", "none"]
                    .into_iter()
                    .find(|known| v.eq_ignore_ascii_case(known))
            });
        }
        _ => parsed
            .extensions
            .get_or_insert_with(Vec::new)
            .push(av.to_owned()),
    }
}

/// `s.to_lowercase()`, borrowed when there is nothing to change.
fn lowercase(s: &str) -> Cow<'_, str> {
    if s.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
        Cow::Owned(s.to_lowercase())
    } else {
        Cow::Borrowed(s)
    }
}

/// `name=value`, cut at the first line terminator or NUL, both sides trimmed.
fn parse_pair(pair: &str) -> Option<(&str, &str)> {
    let end = memchr::memchr3(b'\n', b'\r', 0, pair.as_bytes()).unwrap_or(pair.len());
    let pair = &pair[..end];
    let eq = find_byte(pair, b'=').filter(|i| *i > 0)?;
    let name = js_trim(&pair[..eq]);
    let value = js_trim(&pair[eq + 1..]);
    // A character below U+0020 is one byte below 0x20 in UTF-8 (the bytes of longer ones are >= 0x80).
    let has_control = |s: &str| s.bytes().any(|b| b < 0x20);
    if has_control(name) || has_control(value) {
        return None;
    }
    Some((name, value))
}

/// A `Max-Age` value: an optionally negative run of digits, read as JS `parseInt` would (so a
/// number too long for a double becomes infinite).
fn parse_max_age(value: &str) -> Option<f64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    short_integer(value).or_else(|| value.parse::<f64>().ok())
}

/// An optionally negative run of 1 to 15 ASCII digits as the double it denotes (exact: 15 digits fit in
/// the 53 bits), read without the general decimal conversion; `None` for any other text.
pub(crate) fn short_integer(text: &str) -> Option<f64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = digits
        .bytes()
        .fold(0u64, |n, b| n * 10 + u64::from(b - b'0')) as f64;
    Some(if digits.len() < text.len() { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes() {
        let c = parse_set_cookie(
            " a = b c ; Domain=..Example.COM; Path=/x; Max-Age=-0; SameSite=LAX; foo=bar; Secure=no",
            0.0,
        );
        let c = c.unwrap_or_else(|| Cookie::new("", "", 0.0));
        assert_eq!(c.key(), "a");
        assert_eq!(c.value(), "b c");
        assert_eq!(c.domain(), Some(".example.com"));
        assert_eq!(c.path(), Some("/x"));
        assert_eq!(c.max_age(), Some(0.0));
        assert_eq!(c.same_site(), Some("lax"));
        assert_eq!(c.extensions(), Some(&["foo=bar".to_owned()][..]));
        assert!(c.secure());
    }

    #[test]
    fn refusals() {
        for bad in ["", "  ", "foo", "=bar", "a\x01=b", "a=b\x7f\x1f"] {
            assert!(parse_set_cookie(bad, 0.0).is_none(), "{bad:?}");
        }
        assert!(parse_set_cookie("a=b\nc=d", 0.0).is_some_and(|c| c.value() == "b"));
    }

    #[test]
    fn short_integers_as_the_general_conversion() {
        for text in [
            "0",
            "-0",
            "7",
            "007",
            "-42",
            "999999999999999",
            "-123456789012345",
        ] {
            let ours = short_integer(text);
            let general = text.parse::<f64>().ok();
            assert_eq!(
                ours.map(f64::to_bits),
                general.map(f64::to_bits),
                "{text:?}"
            );
        }
        for text in ["", "-", "+5", "1.5", "1e3", " 1", "1234567890123456", "٣"] {
            assert_eq!(short_integer(text), None, "{text:?}");
        }
    }

    #[test]
    fn js_trim_as_js() {
        // Expected values from node's String.prototype.trim.
        for (text, trimmed) in [
            ("", ""),
            ("  ", ""),
            (" a ", "a"),
            ("\t\n\x0b\x0c\r a b \r\n", "a b"),
            ("\x1c a \x1f", "\x1c a \x1f"),
            ("\u{a0}\u{feff} a\u{3000}", "a"),
            (" \u{2028}é\u{85} ", "é\u{85}"),
            ("\u{200b}x", "\u{200b}x"),
        ] {
            assert_eq!(js_trim(text), trimmed, "{text:?}");
        }
    }

    #[test]
    fn split_at_byte_as_str_split() {
        for text in ["", ";", "a", "a;", ";a", "a;;b", "ü;é;;", "a;b;c"] {
            let ours: Vec<&str> = split_at_byte(text, b';').collect();
            let std: Vec<&str> = text.split(';').collect();
            assert_eq!(ours, std, "{text:?}");
        }
    }
}
