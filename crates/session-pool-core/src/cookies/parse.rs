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
    // Most texts start and end with a visible ASCII character: nothing to trim, no character decoding.
    let visible = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        return s;
    }
    s.trim_matches(is_js_whitespace)
}

/// Parses one `Set-Cookie` value as tough-cookie's `Cookie.parse(str)` does. `None` where tough
/// returns `undefined`: no `=` or nothing before it, or a control character in the name or value.
/// `creation_ms` becomes its creation time (a jar sets its own when storing it); the host-derived
/// fields (`host_only`, a default `domain` and `path`) are left for the jar to fill in.
pub fn parse_set_cookie(input: &str, creation_ms: f64) -> Option<Cookie> {
    let s = js_trim(input);
    if s.is_empty() {
        return None;
    }
    let (pair, attributes) = match s.split_once(';') {
        Some((pair, rest)) => (pair, Some(rest)),
        None => (s, None),
    };
    let (key, value) = parse_pair(pair)?;
    let Some(attributes) = attributes else {
        return Some(Cookie::with_text(key, value, None, None, creation_ms));
    };
    // The strings are gathered first, so the cookie lays them out once.
    let mut domain: Option<Cow<'_, str>> = None;
    let mut path: Option<&str> = None;
    let mut expires = None;
    let mut max_age = None;
    let mut secure = false;
    let mut http_only = false;
    let mut same_site = None;
    let mut extensions: Option<Vec<String>> = None;
    for attribute in js_trim(attributes).split(';') {
        let av = js_trim(attribute);
        if av.is_empty() {
            continue;
        }
        let (name, value) = match av.split_once('=') {
            Some((k, v)) => (k, Some(js_trim(v))),
            None => (av, None),
        };
        let value = value.filter(|v| !v.is_empty());
        // tough lowercases the name with `toLowerCase()`; the only non-ASCII character that
        // lowercases to ASCII is the Kelvin sign (to `k`), which none of these names has, so an
        // ASCII comparison decides the same.
        let name = js_trim(name);
        let is = |known: &str| name.eq_ignore_ascii_case(known);
        if is("expires") {
            if let Some(ms) = value.and_then(parse_date) {
                expires = Some(ms);
            }
        } else if is("max-age") {
            if let Some(seconds) = value.and_then(parse_max_age) {
                max_age = Some(seconds);
            }
        } else if is("domain") {
            if let Some(v) = value {
                let d = js_trim(v);
                let d = d.strip_prefix('.').unwrap_or(d);
                if !d.is_empty() {
                    domain = Some(lowercase(d));
                }
            }
        } else if is("path") {
            // An unusable Path attribute resets the path, so the default applies.
            path = value.filter(|v| v.starts_with('/'));
        } else if is("secure") {
            secure = true;
        } else if is("httponly") {
            http_only = true;
        } else if is("samesite") {
            same_site = value.and_then(|v| {
                ["strict", "lax", "none"]
                    .into_iter()
                    .find(|known| v.eq_ignore_ascii_case(known))
            });
        } else {
            extensions.get_or_insert_with(Vec::new).push(av.to_owned());
        }
    }
    let mut cookie = Cookie::with_text(key, value, domain.as_deref(), path, creation_ms);
    if let Some(ms) = expires {
        cookie.set_expires(CookieTime::At(ms));
    }
    cookie.set_max_age(max_age);
    cookie.set_secure(secure);
    cookie.set_http_only(http_only);
    if same_site.is_some() {
        cookie.set_same_site(same_site);
    }
    if extensions.is_some() {
        cookie.set_extensions(extensions);
    }
    Some(cookie)
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
    let end = pair.find(['\n', '\r', '\0']).unwrap_or(pair.len());
    let pair = &pair[..end];
    let eq = pair.find('=').filter(|i| *i > 0)?;
    let name = js_trim(&pair[..eq]);
    let value = js_trim(&pair[eq + 1..]);
    let has_control = |s: &str| s.chars().any(|c| c < '\x20');
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
    value.parse::<f64>().ok()
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
}
