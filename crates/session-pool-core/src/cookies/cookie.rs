//! One stored cookie with every attribute tough-cookie keeps, and the computations on it that do
//! not need the jar: expiry, the `Cookie` header pair, the `Set-Cookie` form, the send order.

use super::date::format_date;
use std::cmp::Ordering;
use std::fmt;

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

/// A cookie with the attributes of tough-cookie's `Cookie`, under the same names, read and
/// written through methods (`key()`, `set_key()`, ...).
///
/// It is stored compactly, because a pool holds hundreds of thousands of them: the four strings
/// (name, value, domain, path) share one allocation, the three dates and `maxAge` are plain
/// `f64`s with their kind in a tag byte, the flags and the SameSite value are bits, and the
/// rarely used unknown attributes and non-canonical SameSite texts live in a separate box that
/// usual cookies do not allocate. Equality compares the attributes (dates as `f64`s, so a `NaN`
/// date is unequal to itself, as before).
#[derive(Clone, PartialEq)]
pub struct Cookie {
    /// Name, value, domain and path, one after the other.
    text: Box<str>,
    /// Where the name ends in `text` (the value starts there).
    key_end: u32,
    /// Where the value ends (the domain starts there).
    value_end: u32,
    /// Where the domain ends (the path starts there and runs to the end).
    domain_end: u32,
    /// The `Expires` date; meaningful only when `times` says it is a date (else 0).
    expires: f64,
    /// `Max-Age` in seconds; meaningful only when `times` has [`HAS_MAX_AGE`] (else 0).
    max_age: f64,
    /// The creation date, as `expires`.
    creation: f64,
    /// The last-access date, as `expires`.
    last_accessed: f64,
    /// The kinds of the three dates (two bits each) and whether there is a `Max-Age`.
    times: u8,
    /// Secure, HttpOnly, whether domain and path are set, hostOnly and pathIsDefault.
    flags: u8,
    /// The SameSite value: none, one of tough's three lowercase values, or [`SAME_SITE_OTHER`].
    same_site: u8,
    /// A one-byte digest of the name ([`name_digest`]): with the name's length, it rules out nearly every other
    /// cookie when a jar looks for a cookie's namesake, without reading their texts. (It fills what was padding.)
    key_digest: u8,
    /// Unknown attributes and a SameSite text other than `strict`, `lax`, `none`.
    rare: Option<Box<Rare>>,
}

/// The attributes most cookies lack, kept out of line.
#[derive(Clone, Debug, Default, PartialEq)]
struct Rare {
    extensions: Option<Vec<String>>,
    same_site: Option<String>,
}

// Kinds of a date (two bits).
const TIME_NULL: u8 = 0;
const TIME_INFINITY: u8 = 1;
const TIME_AT: u8 = 2;
const EXPIRES_SHIFT: u8 = 0;
const CREATION_SHIFT: u8 = 2;
const LAST_ACCESSED_SHIFT: u8 = 4;
const HAS_MAX_AGE: u8 = 1 << 6;

// Flags; hostOnly and pathIsDefault are optional booleans of two bits (0 none, 1 false, 2 true).
const SECURE: u8 = 1;
const HTTP_ONLY: u8 = 1 << 1;
const HAS_DOMAIN: u8 = 1 << 2;
const HAS_PATH: u8 = 1 << 3;
const HOST_ONLY_SHIFT: u8 = 4;
const PATH_IS_DEFAULT_SHIFT: u8 = 6;

// SameSite values.
const SAME_SITE_NONE_SET: u8 = 0;
const SAME_SITE_OTHER: u8 = 4;
const SAME_SITE_KNOWN: [&str; 3] = ["strict", "lax", "none"];

fn encode_time(time: CookieTime) -> (u8, f64) {
    match time {
        CookieTime::Null => (TIME_NULL, 0.0),
        CookieTime::Infinity => (TIME_INFINITY, 0.0),
        CookieTime::At(ms) => (TIME_AT, ms),
    }
}

fn encode_bool(value: Option<bool>) -> u8 {
    match value {
        None => 0,
        Some(false) => 1,
        Some(true) => 2,
    }
}

fn decode_bool(bits: u8) -> Option<bool> {
    match bits & 3 {
        1 => Some(false),
        2 => Some(true),
        _ => None,
    }
}

/// The longest start of `s` of at most `max` bytes that ends on a character boundary.
fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The digest of a cookie name kept beside it (FNV-1a folded to a byte).
fn name_digest(key: &str) -> u8 {
    let hash = key.bytes().fold(0x811C_9DC5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    (hash ^ hash >> 8 ^ hash >> 16 ^ hash >> 24) as u8
}

/// The four strings of a cookie laid out in one allocation, with the ends of the first three.
///
/// Ends are `u32`s: were name, value and domain together longer than 4 GiB (JS strings cannot be),
/// they would be cut to fit rather than overflow.
fn pack(key: &str, value: &str, domain: &str, path: &str) -> (Box<str>, u32, u32, u32) {
    const MAX: usize = u32::MAX as usize;
    let key = cut(key, MAX);
    let value = cut(value, MAX - key.len());
    let domain = cut(domain, MAX - key.len() - value.len());
    let mut text = String::with_capacity(key.len() + value.len() + domain.len() + path.len());
    text.push_str(key);
    text.push_str(value);
    text.push_str(domain);
    text.push_str(path);
    // The cuts above make these fit.
    let key_end = key.len() as u32;
    let value_end = key_end + value.len() as u32;
    let domain_end = value_end + domain.len() as u32;
    (text.into_boxed_str(), key_end, value_end, domain_end)
}

impl Cookie {
    /// A cookie with tough's defaults for everything but the name, value and creation time.
    pub fn new(key: impl Into<String>, value: impl Into<String>, creation_ms: f64) -> Self {
        Self::with_text(&key.into(), &value.into(), None, None, creation_ms)
    }

    /// [`Cookie::new`] with a domain and path too, the strings laid out once.
    pub(crate) fn with_text(
        key: &str,
        value: &str,
        domain: Option<&str>,
        path: Option<&str>,
        creation_ms: f64,
    ) -> Self {
        let (text, key_end, value_end, domain_end) =
            pack(key, value, domain.unwrap_or(""), path.unwrap_or(""));
        let mut flags = 0;
        if domain.is_some() {
            flags |= HAS_DOMAIN;
        }
        if path.is_some() {
            flags |= HAS_PATH;
        }
        Self {
            text,
            key_end,
            value_end,
            domain_end,
            expires: 0.0,
            max_age: 0.0,
            creation: creation_ms,
            last_accessed: 0.0,
            times: TIME_INFINITY << EXPIRES_SHIFT
                | TIME_AT << CREATION_SHIFT
                | TIME_NULL << LAST_ACCESSED_SHIFT,
            flags,
            same_site: SAME_SITE_NONE_SET,
            key_digest: name_digest(key),
            rare: None,
        }
    }

    fn text_part(&self, start: u32, end: Option<u32>) -> &str {
        let start = start as usize;
        // The ends were taken at character boundaries of this very text.
        match end {
            Some(end) => self.text.get(start..end as usize),
            None => self.text.get(start..),
        }
        .unwrap_or("")
    }

    /// Puts newly packed strings in place.
    fn install(&mut self, packed: (Box<str>, u32, u32, u32), has_domain: bool, has_path: bool) {
        (self.text, self.key_end, self.value_end, self.domain_end) = packed;
        self.key_digest = name_digest(self.key());
        self.flags &= !(HAS_DOMAIN | HAS_PATH);
        if has_domain {
            self.flags |= HAS_DOMAIN;
        }
        if has_path {
            self.flags |= HAS_PATH;
        }
    }

    /// Whether `other` may have the same name: false is sure, true is to be checked with [`Cookie::key`].
    pub(crate) fn may_share_name(&self, other: &Cookie) -> bool {
        self.key_end == other.key_end && self.key_digest == other.key_digest
    }

    /// The name; may be empty (a cookie loaded from JSON).
    pub fn key(&self) -> &str {
        self.text_part(0, Some(self.key_end))
    }

    /// The value, verbatim (quotes are kept, as tough keeps them).
    pub fn value(&self) -> &str {
        self.text_part(self.key_end, Some(self.value_end))
    }

    /// The domain as stored: the request host for a host-only cookie, else the `Domain` attribute
    /// without its leading dot.
    pub fn domain(&self) -> Option<&str> {
        (self.flags & HAS_DOMAIN != 0)
            .then(|| self.text_part(self.value_end, Some(self.domain_end)))
    }

    /// The path the cookie applies to.
    pub fn path(&self) -> Option<&str> {
        (self.flags & HAS_PATH != 0).then(|| self.text_part(self.domain_end, None))
    }

    /// Sets the name (the strings are laid out again: one allocation).
    pub fn set_key(&mut self, key: &str) {
        let packed = pack(
            key,
            self.value(),
            self.domain().unwrap_or(""),
            self.path().unwrap_or(""),
        );
        self.install(packed, self.domain().is_some(), self.path().is_some());
    }

    /// Sets the value (one allocation).
    pub fn set_value(&mut self, value: &str) {
        let packed = pack(
            self.key(),
            value,
            self.domain().unwrap_or(""),
            self.path().unwrap_or(""),
        );
        self.install(packed, self.domain().is_some(), self.path().is_some());
    }

    /// Sets the domain (one allocation).
    pub fn set_domain(&mut self, domain: Option<&str>) {
        let packed = pack(
            self.key(),
            self.value(),
            domain.unwrap_or(""),
            self.path().unwrap_or(""),
        );
        self.install(packed, domain.is_some(), self.path().is_some());
    }

    /// Sets the path (one allocation).
    pub fn set_path(&mut self, path: Option<&str>) {
        let packed = pack(
            self.key(),
            self.value(),
            self.domain().unwrap_or(""),
            path.unwrap_or(""),
        );
        self.install(packed, self.domain().is_some(), path.is_some());
    }

    /// Sets the domain and the path together (one allocation).
    pub fn set_domain_and_path(&mut self, domain: Option<&str>, path: Option<&str>) {
        let packed = pack(
            self.key(),
            self.value(),
            domain.unwrap_or(""),
            path.unwrap_or(""),
        );
        self.install(packed, domain.is_some(), path.is_some());
    }

    /// This cookie with another domain and path, which may be borrowed from it (one allocation).
    pub(crate) fn with_domain_and_path(&self, domain: Option<&str>, path: Option<&str>) -> Self {
        let packed = pack(
            self.key(),
            self.value(),
            domain.unwrap_or(""),
            path.unwrap_or(""),
        );
        let mut next = Self {
            text: Box::default(),
            rare: self.rare.clone(),
            ..*self
        };
        next.install(packed, domain.is_some(), path.is_some());
        next
    }

    fn time(&self, shift: u8, value: f64) -> CookieTime {
        match (self.times >> shift) & 3 {
            TIME_INFINITY => CookieTime::Infinity,
            TIME_AT => CookieTime::At(value),
            _ => CookieTime::Null,
        }
    }

    fn set_time_kind(&mut self, shift: u8, kind: u8) {
        self.times = (self.times & !(3 << shift)) | kind << shift;
    }

    /// The `Expires` attribute.
    pub fn expires(&self) -> CookieTime {
        self.time(EXPIRES_SHIFT, self.expires)
    }

    /// Sets the `Expires` attribute.
    pub fn set_expires(&mut self, expires: CookieTime) {
        let (kind, ms) = encode_time(expires);
        self.expires = ms;
        self.set_time_kind(EXPIRES_SHIFT, kind);
    }

    /// When the cookie was first stored (kept when it is overwritten).
    pub fn creation(&self) -> CookieTime {
        self.time(CREATION_SHIFT, self.creation)
    }

    /// Sets the creation time.
    pub fn set_creation(&mut self, creation: CookieTime) {
        let (kind, ms) = encode_time(creation);
        self.creation = ms;
        self.set_time_kind(CREATION_SHIFT, kind);
    }

    /// When the cookie was last stored or sent; `Max-Age` counts from here.
    pub fn last_accessed(&self) -> CookieTime {
        self.time(LAST_ACCESSED_SHIFT, self.last_accessed)
    }

    /// Sets the last-access time.
    pub fn set_last_accessed(&mut self, last_accessed: CookieTime) {
        let (kind, ms) = encode_time(last_accessed);
        self.last_accessed = ms;
        self.set_time_kind(LAST_ACCESSED_SHIFT, kind);
    }

    /// The `Max-Age` attribute in seconds; `±inf` stand for tough's `"Infinity"`/`"-Infinity"`.
    pub fn max_age(&self) -> Option<f64> {
        (self.times & HAS_MAX_AGE != 0).then_some(self.max_age)
    }

    /// Sets the `Max-Age` attribute.
    pub fn set_max_age(&mut self, max_age: Option<f64>) {
        match max_age {
            Some(seconds) => {
                self.max_age = seconds;
                self.times |= HAS_MAX_AGE;
            }
            None => {
                self.max_age = 0.0;
                self.times &= !HAS_MAX_AGE;
            }
        }
    }

    fn set_flag(&mut self, flag: u8, on: bool) {
        if on {
            self.flags |= flag;
        } else {
            self.flags &= !flag;
        }
    }

    /// Sent only over secure connections.
    pub fn secure(&self) -> bool {
        self.flags & SECURE != 0
    }

    /// Sets `Secure`.
    pub fn set_secure(&mut self, secure: bool) {
        self.set_flag(SECURE, secure);
    }

    /// Hidden from non-HTTP APIs.
    pub fn http_only(&self) -> bool {
        self.flags & HTTP_ONLY != 0
    }

    /// Sets `HttpOnly`.
    pub fn set_http_only(&mut self, http_only: bool) {
        self.set_flag(HTTP_ONLY, http_only);
    }

    /// Sent to exactly `domain` (no `Domain` attribute), rather than to its subdomains too.
    pub fn host_only(&self) -> Option<bool> {
        decode_bool(self.flags >> HOST_ONLY_SHIFT)
    }

    /// Sets `hostOnly`.
    pub fn set_host_only(&mut self, host_only: Option<bool>) {
        self.flags =
            (self.flags & !(3 << HOST_ONLY_SHIFT)) | encode_bool(host_only) << HOST_ONLY_SHIFT;
    }

    /// The path was taken from the request URL, not from a `Path` attribute.
    pub fn path_is_default(&self) -> Option<bool> {
        decode_bool(self.flags >> PATH_IS_DEFAULT_SHIFT)
    }

    /// Sets `pathIsDefault`.
    pub fn set_path_is_default(&mut self, path_is_default: Option<bool>) {
        self.flags = (self.flags & !(3 << PATH_IS_DEFAULT_SHIFT))
            | encode_bool(path_is_default) << PATH_IS_DEFAULT_SHIFT;
    }

    /// `strict`, `lax` or `none` as parsed (tough keeps any string loaded from JSON).
    pub fn same_site(&self) -> Option<&str> {
        match self.same_site {
            SAME_SITE_NONE_SET => None,
            SAME_SITE_OTHER => self.rare.as_ref().and_then(|r| r.same_site.as_deref()),
            code => SAME_SITE_KNOWN.get(usize::from(code) - 1).copied(),
        }
    }

    /// Sets the SameSite text.
    pub fn set_same_site(&mut self, same_site: Option<&str>) {
        let known = same_site.and_then(|s| SAME_SITE_KNOWN.iter().position(|k| *k == s));
        let other = match (same_site, known) {
            (Some(text), None) => Some(text.to_owned()),
            _ => None,
        };
        self.same_site = match (same_site, known) {
            (None, _) => SAME_SITE_NONE_SET,
            // `position` in a list of three: the cast cannot truncate.
            (Some(_), Some(i)) => i as u8 + 1,
            (Some(_), None) => SAME_SITE_OTHER,
        };
        self.update_rare(|rare| rare.same_site = other);
    }

    /// Attributes tough does not interpret (`foo=bar`, `Priority=High`), verbatim.
    pub fn extensions(&self) -> Option<&[String]> {
        self.rare.as_ref().and_then(|r| r.extensions.as_deref())
    }

    /// Sets the unknown attributes.
    pub fn set_extensions(&mut self, extensions: Option<Vec<String>>) {
        self.update_rare(|rare| rare.extensions = extensions);
    }

    /// Changes the out-of-line attributes, dropping their box when none is left (so equal
    /// cookies stay equal field by field).
    fn update_rare(&mut self, change: impl FnOnce(&mut Rare)) {
        let mut rare = self.rare.take().unwrap_or_default();
        change(&mut rare);
        if *rare != Rare::default() {
            self.rare = Some(rare);
        }
    }

    /// tough's `expiryTime`: when the cookie expires, in ms (`±inf` for never / already), or
    /// `None` when it has no usable expiry (an `expires` of `null`). `Max-Age` wins over `Expires`
    /// and counts from `last_accessed`, else from `now_ms`.
    pub fn expiry_time(&self, now_ms: f64) -> Option<f64> {
        if let Some(max_age) = self.max_age() {
            if max_age == f64::INFINITY {
                return Some(f64::INFINITY);
            }
            let relative_to = match self.last_accessed() {
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
        match self.expires() {
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
        self.max_age().is_some() || self.expires() != CookieTime::Infinity
    }

    /// The `name=value` pair for a `Cookie` header; just the value when the name is empty.
    pub fn cookie_string(&self) -> String {
        let mut out = String::new();
        self.write_cookie_string(&mut out);
        out
    }

    pub(crate) fn write_cookie_string(&self, out: &mut String) {
        let key = self.key();
        if !key.is_empty() {
            out.push_str(key);
            out.push('=');
        }
        out.push_str(self.value());
    }

    /// The cookie as a `Set-Cookie` header value, like tough's `Cookie.toString()`.
    pub fn to_set_cookie_string(&self) -> String {
        let mut out = self.cookie_string();
        if let CookieTime::At(ms) = self.expires() {
            if let Some(date) = format_date(ms) {
                out.push_str("; Expires=");
                out.push_str(&date);
            }
        }
        if let Some(max_age) = self.max_age().filter(|m| *m != f64::INFINITY) {
            out.push_str("; Max-Age=");
            out.push_str(&js_number(max_age));
        }
        if let Some(domain) = self.domain().filter(|d| !d.is_empty()) {
            if self.host_only() != Some(true) {
                out.push_str("; Domain=");
                out.push_str(domain);
            }
        }
        if let Some(path) = self.path().filter(|p| !p.is_empty()) {
            out.push_str("; Path=");
            out.push_str(path);
        }
        if self.secure() {
            out.push_str("; Secure");
        }
        if self.http_only() {
            out.push_str("; HttpOnly");
        }
        if let Some(same_site) = self.same_site().filter(|s| !s.is_empty()) {
            out.push_str("; SameSite=");
            out.push_str(canonical_same_site(same_site).unwrap_or(same_site));
        }
        for extension in self.extensions().into_iter().flatten() {
            out.push_str("; ");
            out.push_str(extension);
        }
        out
    }

    /// The path length in UTF-16 units, the measure tough sorts by.
    fn path_len(&self) -> usize {
        match self.path() {
            None => 0,
            Some(p) if p.is_ascii() => p.len(),
            Some(p) => p.encode_utf16().count(),
        }
    }
}

impl fmt::Debug for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cookie")
            .field("key", &self.key())
            .field("value", &self.value())
            .field("expires", &self.expires())
            .field("max_age", &self.max_age())
            .field("domain", &self.domain())
            .field("path", &self.path())
            .field("secure", &self.secure())
            .field("http_only", &self.http_only())
            .field("extensions", &self.extensions())
            .field("host_only", &self.host_only())
            .field("path_is_default", &self.path_is_default())
            .field("creation", &self.creation())
            .field("last_accessed", &self.last_accessed())
            .field("same_site", &self.same_site())
            .finish()
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

/// What tough's `cookieCompare` reads of a cookie, the order of `getCookies` and of the `Cookie`
/// header: longer paths first, then earlier creation; the order they were stored in breaks ties.
#[derive(Clone, Copy)]
pub(crate) struct SendOrder {
    path_len: usize,
    creation: f64,
}

impl SendOrder {
    pub(crate) fn of(cookie: &Cookie) -> Self {
        // Cookies without a creation date sort as if created at the 2038 limit, as in tough.
        const MAX_TIME: f64 = 2_147_483_647_000.0;
        Self {
            path_len: cookie.path_len(),
            creation: cookie.creation().millis().unwrap_or(MAX_TIME),
        }
    }

    /// `cookieCompare` of the cookies stored at `index` and `other_index`.
    pub(crate) fn compare(&self, index: usize, other: &Self, other_index: usize) -> Ordering {
        other
            .path_len
            .cmp(&self.path_len)
            .then_with(|| {
                self.creation
                    .partial_cmp(&other.creation)
                    .unwrap_or(Ordering::Equal)
            })
            .then_with(|| index.cmp(&other_index))
    }
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
