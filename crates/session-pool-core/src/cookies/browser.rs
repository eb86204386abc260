//! The cookie shape of Puppeteer and Playwright (`page.cookies()`, `page.setCookie()`), and the
//! conversions Crawlee's `Session.setCookies`/`getCookies` make between it and tough cookies.

use super::cookie::{canonical_same_site, Cookie, CookieTime};
use super::date::time_clip;
use serde::{Deserialize, Serialize};

/// A cookie as browsers automation libraries give and take it.
///
/// Fields are in the order Crawlee's `toughCookieToBrowserPoolCookie` writes them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BrowserCookie {
    /// The cookie name.
    pub name: String,
    /// The cookie value.
    pub value: String,
    /// Expiry in Unix seconds (may have a fraction); absent for a session cookie. On input, a
    /// missing or non-positive value (Puppeteer's `-1`) means "the session's `maxAgeSecs` from now".
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "js_seconds")]
    pub expires: Option<f64>,
    /// A leading dot makes a domain cookie (sent to subdomains); without one the cookie is
    /// host-only. Absent: the URL's host.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The cookie path. Absent: the directory of the URL's path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Sent only over secure connections.
    pub secure: bool,
    /// Hidden from page scripts.
    pub http_only: bool,
    /// `Strict`, `Lax` or `None` when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub same_site: Option<String>,
}

impl BrowserCookie {
    /// Reads one cookie of a browser's cookie list (given as JSON) the way Crawlee's conversion treats
    /// loose input: a non-numeric `expires` counts as missing, a missing `value` as empty, non-string
    /// `domain`/`path`/`sameSite` as absent, truthy `secure`/`httpOnly` as set. `None` when there is no
    /// string `name` (such an entry cannot be a cookie).
    pub fn from_json_lenient(value: &serde_json::Value) -> Option<Self> {
        use serde_json::Value;
        let obj = value.as_object()?;
        let text = |key: &str| obj.get(key).and_then(Value::as_str).map(str::to_owned);
        let truthy = |key: &str| match obj.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        };
        let value = match obj.get("value") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => String::new(),
        };
        Some(Self {
            name: text("name")?,
            value,
            expires: obj.get("expires").and_then(Value::as_f64),
            domain: text("domain"),
            path: text("path"),
            secure: truthy("secure"),
            http_only: truthy("httpOnly"),
            same_site: text("sameSite"),
        })
    }

    /// The tough cookie Crawlee's `browserPoolCookieToToughCookie` builds from this one, before the
    /// jar fills in the host and path; `max_age_secs` gives the expiry when `expires` is unusable.
    pub fn to_cookie(&self, max_age_secs: f64, now_ms: f64) -> Cookie {
        self.as_borrowed().to_cookie(max_age_secs, now_ms)
    }

    /// The same cookie, borrowing the strings.
    pub fn as_borrowed(&self) -> BrowserCookieRef<'_> {
        BrowserCookieRef {
            name: &self.name,
            value: &self.value,
            expires: self.expires,
            domain: self.domain.as_deref(),
            path: self.path.as_deref(),
            secure: self.secure,
            http_only: self.http_only,
            same_site: self.same_site.as_deref(),
        }
    }

    /// The browser form of a stored cookie, as Crawlee's `toughCookieToBrowserPoolCookie` makes it
    /// (plus `sameSite`): `expires` comes from the `Expires` attribute only, the domain gets a
    /// leading dot unless the cookie is host-only.
    pub fn from_cookie(cookie: &Cookie) -> Self {
        let domain = cookie.domain().filter(|d| !d.is_empty()).map(|d| {
            if cookie.host_only() == Some(true) {
                d.to_owned()
            } else {
                format!(".{d}")
            }
        });
        Self {
            name: cookie.key().to_owned(),
            value: cookie.value().to_owned(),
            expires: cookie.expires().millis().map(|ms| ms / 1000.0),
            domain,
            path: cookie.path().map(str::to_owned),
            secure: cookie.secure(),
            http_only: cookie.http_only(),
            same_site: cookie
                .same_site()
                .and_then(canonical_same_site)
                .map(str::to_owned),
        }
    }
}

/// Whole seconds as JSON integers (`1798761600`, as JSON.stringify writes them), not `1798761600.0`.
fn js_seconds<S: serde::Serializer>(value: &Option<f64>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => serializer.serialize_i64(*n as i64),
        Some(n) => serializer.serialize_f64(*n),
        None => serializer.serialize_none(),
    }
}

impl From<&Cookie> for BrowserCookie {
    fn from(cookie: &Cookie) -> Self {
        Self::from_cookie(cookie)
    }
}

/// A [`BrowserCookie`] whose strings are borrowed from the text it was read from.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BrowserCookieRef<'a> {
    /// The cookie name.
    pub name: &'a str,
    /// The cookie value.
    pub value: &'a str,
    /// Expiry in Unix seconds; see [`BrowserCookie::expires`].
    pub expires: Option<f64>,
    /// The domain, a leading dot for a domain cookie.
    pub domain: Option<&'a str>,
    /// The cookie path.
    pub path: Option<&'a str>,
    /// Sent only over secure connections.
    pub secure: bool,
    /// Hidden from page scripts.
    pub http_only: bool,
    /// `Strict`, `Lax` or `None` when known.
    pub same_site: Option<&'a str>,
}

impl BrowserCookieRef<'_> {
    /// See [`BrowserCookie::to_cookie`].
    pub fn to_cookie(&self, max_age_secs: f64, now_ms: f64) -> Cookie {
        let explicit = self
            .expires
            .filter(|e| *e > 0.0)
            .and_then(|e| time_clip(e * 1000.0));
        // An expiry a JS Date cannot hold would leave tough with an "Invalid Date" that breaks
        // serialization; the default expiry is used instead.
        let expires = match explicit.or_else(|| time_clip(now_ms + max_age_secs * 1000.0)) {
            Some(ms) => CookieTime::At(ms),
            None => CookieTime::Infinity,
        };
        let (domain, host_only) = match self.domain {
            Some(d) => match d.strip_prefix('.') {
                Some(rest) => (Some(rest), false),
                None => (Some(d), true),
            },
            None => (None, true),
        };
        let domain = domain.filter(|d| !d.is_empty());
        let mut cookie = Cookie::with_text(self.name, self.value, domain, self.path, now_ms);
        cookie.set_expires(expires);
        cookie.set_host_only(Some(host_only));
        cookie.set_secure(self.secure);
        cookie.set_http_only(self.http_only);
        // tough keeps SameSite in lower case; the three known values need no allocation.
        match self.same_site.and_then(canonical_same_site) {
            Some("Strict") => cookie.set_same_site(Some("strict")),
            Some("Lax") => cookie.set_same_site(Some("lax")),
            Some(_) => cookie.set_same_site(Some("none")),
            None => cookie.set_same_site(None),
        }
        cookie
    }
}
