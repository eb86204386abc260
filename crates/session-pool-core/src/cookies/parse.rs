//! The `Set-Cookie` parser, tough-cookie's `Cookie.parse` in strict (non-loose) mode, which follows
//! RFC 6265 section 5.2 with tough's own choices (kept verbatim: quotes, unknown attributes).

use super::cookie::{Cookie, CookieTime};
use super::date::parse_date;

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
    let mut cookie = parse_pair(pair, creation_ms)?;
    let Some(attributes) = attributes else {
        return Some(cookie);
    };
    for attribute in js_trim(attributes).split(';') {
        let av = js_trim(attribute);
        if av.is_empty() {
            continue;
        }
        let (key, value) = match av.split_once('=') {
            Some((k, v)) => (k, Some(js_trim(v))),
            None => (av, None),
        };
        let value = value.filter(|v| !v.is_empty());
        match js_trim(key).to_lowercase().as_str() {
            "expires" => {
                if let Some(ms) = value.and_then(parse_date) {
                    cookie.expires = CookieTime::At(ms);
                }
            }
            "max-age" => {
                if let Some(seconds) = value.and_then(parse_max_age) {
                    cookie.max_age = Some(seconds);
                }
            }
            "domain" => {
                if let Some(v) = value {
                    let domain = js_trim(v);
                    let domain = domain.strip_prefix('.').unwrap_or(domain);
                    if !domain.is_empty() {
                        cookie.domain = Some(domain.to_lowercase());
                    }
                }
            }
            // An unusable Path attribute resets the path, so the default applies.
            "path" => cookie.path = value.filter(|v| v.starts_with('/')).map(str::to_owned),
            "secure" => cookie.secure = true,
            "httponly" => cookie.http_only = true,
            "samesite" => {
                let v = value.map(str::to_lowercase);
                cookie.same_site = match v.as_deref() {
                    Some(known @ ("strict" | "lax" | "none")) => Some(known.to_owned()),
                    _ => None,
                };
            }
            _ => cookie
                .extensions
                .get_or_insert_with(Vec::new)
                .push(av.to_owned()),
        }
    }
    Some(cookie)
}

/// `name=value`, cut at the first line terminator or NUL, both sides trimmed.
fn parse_pair(pair: &str, creation_ms: f64) -> Option<Cookie> {
    let end = pair.find(['\n', '\r', '\0']).unwrap_or(pair.len());
    let pair = &pair[..end];
    let eq = pair.find('=').filter(|i| *i > 0)?;
    let name = js_trim(&pair[..eq]);
    let value = js_trim(&pair[eq + 1..]);
    let has_control = |s: &str| s.chars().any(|c| c < '\x20');
    if has_control(name) || has_control(value) {
        return None;
    }
    Some(Cookie::new(name, value, creation_ms))
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
        assert_eq!(c.key, "a");
        assert_eq!(c.value, "b c");
        assert_eq!(c.domain.as_deref(), Some(".example.com"));
        assert_eq!(c.path.as_deref(), Some("/x"));
        assert_eq!(c.max_age, Some(0.0));
        assert_eq!(c.same_site.as_deref(), Some("lax"));
        assert_eq!(c.extensions, Some(vec!["foo=bar".to_owned()]));
        assert!(c.secure);
    }

    #[test]
    fn refusals() {
        for bad in ["", "  ", "foo", "=bar", "a\x01=b", "a=b\x7f\x1f"] {
            assert!(parse_set_cookie(bad, 0.0).is_none(), "{bad:?}");
        }
        assert!(parse_set_cookie("a=b\nc=d", 0.0).is_some_and(|c| c.value == "b"));
    }
}
