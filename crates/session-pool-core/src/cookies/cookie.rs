//! One stored cookie with every attribute tough-cookie keeps, and the computations on it that do
//! not need the jar: expiry, the `Cookie` header pair, the `Set-Cookie` form, the send order.

use super::date::format_date;
use std::cmp::Ordering;

/// A point in time as tough-cookie stores it in `expires`, `creation` and `lastAccessed`: a date,
/// the string `"Infinity"`, or `null`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CookieTime {
    /// No value (`null`); tough's default for `lastAccessed`.
    Null,
    /// `"Infinity"`: never; tough's default for `expires`.
    Infinity,
    /// A date, in integral milliseconds since the epoch.
    At(f64),
}

impl CookieTime {
    /// The date in milliseconds, if this is one.
    pub fn millis(self) -> Option<f64> {
        match self {
            CookieTime::At(ms) => Some(ms),
            _ => None,
        }
    }
}

/// A cookie with the attributes of tough-cookie's `Cookie`, under the same names.
#[derive(Clone, Debug, PartialEq)]
pub struct Cookie {
    /// The name; may be empty (a cookie loaded from JSON).
    pub key: String,
    /// The value, verbatim (quotes are kept, as tough keeps them).
    pub value: String,
    /// The `Expires` attribute.
    pub expires: CookieTime,
    /// The `Max-Age` attribute in seconds; `±inf` stand for tough's `"Infinity"`/`"-Infinity"`.
    pub max_age: Option<f64>,
    /// The domain as stored: the request host for a host-only cookie, else the `Domain` attribute
    /// without its leading dot.
    pub domain: Option<String>,
    /// The path the cookie applies to.
    pub path: Option<String>,
    /// Sent only over secure connections.
    pub secure: bool,
    /// Hidden from non-HTTP APIs.
    pub http_only: bool,
    /// Attributes tough does not interpret (`foo=bar`, `Priority=High`), verbatim.
    pub extensions: Option<Vec<String>>,
    /// Sent to exactly `domain` (no `Domain` attribute), rather than to its subdomains too.
    pub host_only: Option<bool>,
    /// The path was taken from the request URL, not from a `Path` attribute.
    pub path_is_default: Option<bool>,
    /// When the cookie was first stored (kept when it is overwritten).
    pub creation: CookieTime,
    /// When the cookie was last stored or sent; `Max-Age` counts from here.
    pub last_accessed: CookieTime,
    /// `strict`, `lax` or `none` as parsed (tough keeps any string loaded from JSON).
    pub same_site: Option<String>,
}

impl Cookie {
    /// A cookie with tough's defaults for everything but the name, value and creation time.
    pub fn new(key: impl Into<String>, value: impl Into<String>, creation_ms: f64) -> Self {
        Self {
            key: key.into(),
            value: value.into(),
            expires: CookieTime::Infinity,
            max_age: None,
            domain: None,
            path: None,
            secure: false,
            http_only: false,
            extensions: None,
            host_only: None,
            path_is_default: None,
            creation: CookieTime::At(creation_ms),
            last_accessed: CookieTime::Null,
            same_site: None,
        }
    }

    /// tough's `expiryTime`: when the cookie expires, in ms (`±inf` for never / already), or
    /// `None` when it has no usable expiry (an `expires` of `null`). `Max-Age` wins over `Expires`
    /// and counts from `last_accessed`, else from `now_ms`.
    pub fn expiry_time(&self, now_ms: f64) -> Option<f64> {
        if let Some(max_age) = self.max_age {
            if max_age == f64::INFINITY {
                return Some(f64::INFINITY);
            }
            let relative_to = match self.last_accessed {
                CookieTime::At(ms) => ms,
                CookieTime::Infinity => return Some(f64::INFINITY),
                CookieTime::Null => now_ms,
            };
            let age = if max_age <= 0.0 {
                f64::NEG_INFINITY
            } else {
                max_age * 1000.0
            };
            return Some(relative_to + age);
        }
        match self.expires {
            CookieTime::Infinity => Some(f64::INFINITY),
            CookieTime::Null => None,
            CookieTime::At(ms) => Some(ms),
        }
    }

    /// Whether the cookie has expired at `now_ms`, as tough's `getCookies` decides.
    pub fn is_expired(&self, now_ms: f64) -> bool {
        self.expiry_time(now_ms).is_some_and(|t| t <= now_ms)
    }

    /// Whether the cookie outlives the browser session (has `Max-Age` or `Expires`).
    pub fn is_persistent(&self) -> bool {
        self.max_age.is_some() || self.expires != CookieTime::Infinity
    }

    /// The `name=value` pair for a `Cookie` header; just the value when the name is empty.
    pub fn cookie_string(&self) -> String {
        let mut out = String::new();
        self.write_cookie_string(&mut out);
        out
    }

    pub(crate) fn write_cookie_string(&self, out: &mut String) {
        if !self.key.is_empty() {
            out.push_str(&self.key);
            out.push('=');
        }
        out.push_str(&self.value);
    }

    /// The cookie as a `Set-Cookie` header value, like tough's `Cookie.toString()`.
    pub fn to_set_cookie_string(&self) -> String {
        let mut out = self.cookie_string();
        if let CookieTime::At(ms) = self.expires {
            if let Some(date) = format_date(ms) {
                out.push_str("; Expires=");
                out.push_str(&date);
            }
        }
        if let Some(max_age) = self.max_age.filter(|m| *m != f64::INFINITY) {
            out.push_str("; Max-Age=");
            out.push_str(&js_number(max_age));
        }
        if let Some(domain) = self.domain.as_deref().filter(|d| !d.is_empty()) {
            if self.host_only != Some(true) {
                out.push_str("; Domain=");
                out.push_str(domain);
            }
        }
        if let Some(path) = self.path.as_deref().filter(|p| !p.is_empty()) {
            out.push_str("; Path=");
            out.push_str(path);
        }
        if self.secure {
            out.push_str("; Secure");
        }
        if self.http_only {
            out.push_str("; HttpOnly");
        }
        if let Some(same_site) = self.same_site.as_deref().filter(|s| !s.is_empty()) {
            out.push_str("; SameSite=");
            out.push_str(canonical_same_site(same_site).unwrap_or(same_site));
        }
        for extension in self.extensions.iter().flatten() {
            out.push_str("; ");
            out.push_str(extension);
        }
        out
    }

    /// The path length in UTF-16 units, the measure tough sorts by.
    fn path_len(&self) -> usize {
        match self.path.as_deref() {
            None => 0,
            Some(p) if p.is_ascii() => p.len(),
            Some(p) => p.encode_utf16().count(),
        }
    }
}

/// `Strict`, `Lax` or `None` for a known SameSite value in any case.
pub(crate) fn canonical_same_site(value: &str) -> Option<&'static str> {
    if value.eq_ignore_ascii_case("strict") {
        Some("Strict")
    } else if value.eq_ignore_ascii_case("lax") {
        Some("Lax")
    } else if value.eq_ignore_ascii_case("none") {
        Some("None")
    } else {
        None
    }
}

/// tough's `cookieCompare`, the order of `getCookies` and of the `Cookie` header: longer paths
/// first, then earlier creation; `a_index`/`b_index` (the order they were stored in) break ties.
pub(crate) fn cookie_compare(a: &Cookie, a_index: usize, b: &Cookie, b_index: usize) -> Ordering {
    // Cookies without a creation date sort as if created at the 2038 limit, as in tough.
    const MAX_TIME: f64 = 2_147_483_647_000.0;
    let creation = |c: &Cookie| c.creation.millis().unwrap_or(MAX_TIME);
    b.path_len()
        .cmp(&a.path_len())
        .then_with(|| {
            creation(a)
                .partial_cmp(&creation(b))
                .unwrap_or(Ordering::Equal)
        })
        .then_with(|| a_index.cmp(&b_index))
}

/// A number as JS `String(n)` writes it: integers without a fraction, exponents from 1e21.
pub(crate) fn js_number(n: f64) -> String {
    if n == 0.0 {
        return "0".to_owned();
    }
    if n.is_nan() {
        return "NaN".to_owned();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits; JS lays them out differently.
    let sci = format!("{:e}", n.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let k = digits.len() as i64;
    let n_pos = exponent + 1;
    let body = if k <= n_pos && n_pos <= 21 {
        format!("{digits}{}", "0".repeat((n_pos - k) as usize))
    } else if 0 < n_pos && n_pos <= 21 {
        format!(
            "{}.{}",
            &digits[..n_pos as usize],
            &digits[n_pos as usize..]
        )
    } else if -6 < n_pos && n_pos <= 0 {
        format!("0.{}{digits}", "0".repeat((-n_pos) as usize))
    } else {
        let sign = if n_pos - 1 < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        format!("{first}{dot}{rest}e{sign}{}", (n_pos - 1).abs())
    };
    if n < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_numbers() {
        // What node prints for String(n).
        let cases = [
            (100.0, "100"),
            (-5.0, "-5"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"),
            (0.000001, "0.000001"),
            (123.456, "123.456"),
            (-0.0, "0"),
        ];
        for (n, s) in cases {
            assert_eq!(js_number(n), s);
        }
    }
}
