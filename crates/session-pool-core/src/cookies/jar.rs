//! The cookie jar: tough-cookie's `CookieJar` over its `MemoryCookieStore`, with the jar's default
//! options (public suffixes rejected, strict parsing, special-use domains allowed, cookie prefixes
//! enforced silently, Secure cookies stored only from secure origins).

use super::browser::BrowserCookie;
use super::cookie::{cookie_compare, Cookie, CookieTime};
use super::date::time_clip;
use super::domain::{
    canonical_domain, default_path, domain_match, is_ipv4, is_ipv6, path_match, permute_domain,
    public_suffix,
};
use super::error::CookieError;
use super::parse::{js_trim, parse_set_cookie};
use super::request::RequestContext;

/// A jar of cookies with tough-cookie 6's rules and order.
///
/// Cookies are kept in the order they were first stored (tough's `creationIndex` order, which is
/// also the order of its serialized form); an overwritten cookie keeps its place.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CookieJar {
    cookies: Vec<Cookie>,
}

/// `Date.now()` as a JS `Date` would hold it.
fn clip_now(now_ms: f64) -> f64 {
    time_clip(now_ms).unwrap_or(0.0)
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored cookie, expired ones included, in storage order (what tough serializes).
    pub fn cookies(&self) -> &[Cookie] {
        &self.cookies
    }

    /// The number of stored cookies, expired ones included.
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether the jar holds no cookie at all.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// Removes every cookie (tough's `removeAllCookiesSync`).
    pub fn remove_all_cookies(&mut self) {
        self.cookies.clear();
    }

    /// Stores a raw `Set-Cookie` value received from `url`, as tough's `setCookieSync(raw, url)`.
    ///
    /// `Ok(true)` when stored; `Ok(false)` when a `__Secure-`/`__Host-` prefix rule silently
    /// dropped it; `Err` with tough's message where tough throws (bad URL, unparsable cookie,
    /// public suffix or foreign domain, Secure cookie from an insecure origin). An already expired
    /// cookie is stored, replacing its namesake, and disappears at the next read.
    pub fn set_cookie(&mut self, raw: &str, url: &str, now_ms: f64) -> Result<bool, CookieError> {
        let context = RequestContext::parse(url)?;
        let cookie = parse_set_cookie(raw, clip_now(now_ms))
            .ok_or_else(|| CookieError::rejected("Cookie failed to parse"))?;
        self.store(cookie, &context, now_ms, true)
    }

    /// [`CookieJar::set_cookie`] returning the cookie as stored (what tough's `setCookieSync` returns);
    /// `Ok(None)` when a prefix rule dropped it.
    pub fn set_cookie_returning(&mut self, raw: &str, url: &str, now_ms: f64) -> Result<Option<&Cookie>, CookieError> {
        let context = RequestContext::parse(url)?;
        let cookie = parse_set_cookie(raw, clip_now(now_ms))
            .ok_or_else(|| CookieError::rejected("Cookie failed to parse"))?;
        let slot = self.store_at(cookie, &context, now_ms, true)?;
        Ok(slot.and_then(|i| self.cookies.get(i)))
    }

    /// [`CookieJar::set_cookie_object`] returning the cookie as stored; `Ok(None)` when a prefix rule
    /// dropped it.
    pub fn set_cookie_object_returning(
        &mut self,
        cookie: Cookie,
        url: &str,
        now_ms: f64,
        http: bool,
    ) -> Result<Option<&Cookie>, CookieError> {
        let context = RequestContext::parse(url)?;
        let slot = self.store_at(cookie, &context, now_ms, http)?;
        Ok(slot.and_then(|i| self.cookies.get(i)))
    }

    /// Stores a cookie object as tough's `setCookieSync(cookie, url, { http })` does; with
    /// `http: false` (a non-HTTP API such as `document.cookie`) HttpOnly cookies are refused and
    /// may not be overwritten.
    pub fn set_cookie_object(
        &mut self,
        cookie: Cookie,
        url: &str,
        now_ms: f64,
        http: bool,
    ) -> Result<bool, CookieError> {
        let context = RequestContext::parse(url)?;
        self.store(cookie, &context, now_ms, http)
    }

    /// Stores every cookie of a response's `Set-Cookie` header values. One value may hold several
    /// cookies, one per line (Puppeteer joins them with `\n`). Cookies that cannot be stored are
    /// skipped; their errors are returned (blank lines are ignored, an unusable URL is one error).
    pub fn set_cookies_from_headers<'a, I>(
        &mut self,
        headers: I,
        url: &str,
        now_ms: f64,
    ) -> Vec<CookieError>
    where
        I: IntoIterator<Item = &'a str>,
    {
        let context = match RequestContext::parse(url) {
            Ok(context) => context,
            Err(error) => return vec![error],
        };
        let mut errors = Vec::new();
        for line in headers.into_iter().flat_map(|header| header.split('\n')) {
            if js_trim(line).is_empty() {
                continue;
            }
            let outcome = parse_set_cookie(line, clip_now(now_ms))
                .ok_or_else(|| CookieError::rejected("Cookie failed to parse"))
                .and_then(|cookie| self.store(cookie, &context, now_ms, true));
            if let Err(error) = outcome {
                errors.push(error);
            }
        }
        errors
    }

    /// Stores browser-format cookies for `url` as Crawlee's `Session.setCookies` does: a missing
    /// or non-positive `expires` becomes `now + max_age_secs`, a leading dot in `domain` makes a
    /// domain cookie. Cookies that cannot be stored (foreign domain, Secure over http, ...) are
    /// skipped; their errors are returned (an unusable URL is one error).
    pub fn set_browser_cookies(
        &mut self,
        cookies: &[BrowserCookie],
        url: &str,
        max_age_secs: f64,
        now_ms: f64,
    ) -> Vec<CookieError> {
        let context = match RequestContext::parse(url) {
            Ok(context) => context,
            Err(error) => return vec![error],
        };
        let now = clip_now(now_ms);
        cookies
            .iter()
            .filter_map(|c| {
                self.store(c.to_cookie(max_age_secs, now), &context, now_ms, true)
                    .err()
            })
            .collect()
    }

    /// The cookies to send to `url`, in tough's `getCookiesSync(url)` order (longer paths first,
    /// then older). Expired matches are deleted; the returned ones get `last_accessed = now`.
    pub fn get_cookies(&mut self, url: &str, now_ms: f64) -> Result<Vec<Cookie>, CookieError> {
        let selected = self.select(url, now_ms)?;
        Ok(selected
            .into_iter()
            .map(|i| self.cookies[i].clone())
            .collect())
    }

    /// [`get_cookies`](Self::get_cookies) in browser format (Crawlee's `Session.getCookies`).
    pub fn get_browser_cookies(
        &mut self,
        url: &str,
        now_ms: f64,
    ) -> Result<Vec<BrowserCookie>, CookieError> {
        let selected = self.select(url, now_ms)?;
        Ok(selected
            .into_iter()
            .map(|i| BrowserCookie::from_cookie(&self.cookies[i]))
            .collect())
    }

    /// The `Cookie` header for `url` (`a=1; b=2`), as tough's `getCookieStringSync(url)`.
    pub fn get_cookie_string(&mut self, url: &str, now_ms: f64) -> Result<String, CookieError> {
        let selected = self.select(url, now_ms)?;
        let mut out = String::new();
        for (n, i) in selected.into_iter().enumerate() {
            if n > 0 {
                out.push_str("; ");
            }
            self.cookies[i].write_cookie_string(&mut out);
        }
        Ok(out)
    }

    /// Adds a cookie read from a serialized jar the way tough's store `putCookie` does: without
    /// checks, replacing (and moving to the end) a cookie with the same domain, path and name.
    pub(crate) fn put_loaded(&mut self, cookie: Cookie) {
        if cookie.domain.is_none() || cookie.path.is_none() {
            return;
        }
        if let Some(i) = self.position(&cookie) {
            self.cookies.remove(i);
        }
        self.cookies.push(cookie);
    }

    fn position(&self, cookie: &Cookie) -> Option<usize> {
        self.cookies
            .iter()
            .position(|c| c.key == cookie.key && c.path == cookie.path && c.domain == cookie.domain)
    }

    /// The checks and bookkeeping of tough's `setCookie` once the cookie is parsed.
    fn store(
        &mut self,
        cookie: Cookie,
        context: &RequestContext,
        now_ms: f64,
        http: bool,
    ) -> Result<bool, CookieError> {
        self.store_at(cookie, context, now_ms, http).map(|slot| slot.is_some())
    }

    /// [`CookieJar::store`], telling where the cookie went (`None`: dropped by a prefix rule).
    fn store_at(
        &mut self,
        mut cookie: Cookie,
        context: &RequestContext,
        now_ms: f64,
        http: bool,
    ) -> Result<Option<usize>, CookieError> {
        let now = clip_now(now_ms);
        let domain = cookie.domain.as_deref().filter(|d| !d.is_empty());
        if let Some(domain) = domain {
            let cdomain = canonical_domain(domain).ok_or_else(CookieError::invalid_url)?;
            if public_suffix(&cdomain)?.is_none() && !is_ipv4(&cdomain) && !is_ipv6(&cdomain) {
                return Err(CookieError::rejected(
                    "Cookie has domain set to a public suffix",
                ));
            }
            if !domain_match(&context.host, &cdomain) {
                return Err(CookieError::rejected(format!(
                    "Cookie not in this host's domain. Cookie:{cdomain} Request:{}",
                    context.host
                )));
            }
            cookie.host_only.get_or_insert(false);
        } else {
            cookie.host_only = Some(true);
            cookie.domain = Some(context.host.clone());
        }
        if !cookie.path.as_deref().is_some_and(|p| p.starts_with('/')) {
            cookie.path = Some(default_path(&context.path).to_owned());
            cookie.path_is_default = Some(true);
        }
        if cookie.secure && !context.trustworthy {
            return Err(CookieError::rejected(
                "Cookie is Secure but this is not a secure connection",
            ));
        }
        if !http && cookie.http_only {
            return Err(CookieError::rejected(
                "Cookie is HttpOnly and this isn't an HTTP API",
            ));
        }
        if !prefix_rules_met(&cookie) {
            // tough's default prefixSecurity is 'silent': such a cookie is dropped without error.
            return Ok(None);
        }
        match self.position(&cookie) {
            Some(i) => {
                let old = &self.cookies[i];
                if !http && old.http_only {
                    return Err(CookieError::rejected(
                        "old Cookie is HttpOnly and this isn't an HTTP API",
                    ));
                }
                cookie.creation = old.creation;
                cookie.last_accessed = CookieTime::At(now);
                self.cookies[i] = cookie;
                Ok(Some(i))
            }
            None => {
                cookie.creation = CookieTime::At(now);
                cookie.last_accessed = CookieTime::At(now);
                self.cookies.push(cookie);
                Ok(Some(self.cookies.len() - 1))
            }
        }
    }

    /// Indices of the cookies to send to `url`, sorted; deletes expired matches and marks the
    /// rest as accessed (tough's `getCookies` with its default options).
    fn select(&mut self, url: &str, now_ms: f64) -> Result<Vec<usize>, CookieError> {
        let context = RequestContext::parse(url)?;
        if context.host.is_empty() {
            return Ok(Vec::new());
        }
        let now = clip_now(now_ms);
        // tough's memory store only looks under these domains.
        let candidates = permute_domain(&context.host)?;
        let host = context.host.as_str();
        let path = if context.path.is_empty() {
            "/"
        } else {
            context.path.as_str()
        };
        let matches = |c: &Cookie| -> bool {
            let (Some(domain), Some(cookie_path)) = (c.domain.as_deref(), c.path.as_deref()) else {
                return false;
            };
            let stored_under_candidate = match &candidates {
                Some(list) => list.iter().any(|d| d == domain),
                None => domain == host,
            };
            if !stored_under_candidate || !path_match(path, cookie_path) {
                return false;
            }
            let domain_ok = if c.host_only == Some(true) {
                domain == host
            } else {
                domain_match(host, domain)
            };
            domain_ok && (!c.secure || context.trustworthy)
        };
        self.cookies.retain(|c| !(matches(c) && c.is_expired(now)));
        let mut selected: Vec<usize> = (0..self.cookies.len())
            .filter(|&i| matches(&self.cookies[i]))
            .collect();
        let cookies = &self.cookies;
        selected.sort_by(|&a, &b| cookie_compare(&cookies[a], a, &cookies[b], b));
        for &i in &selected {
            self.cookies[i].last_accessed = CookieTime::At(now);
        }
        Ok(selected)
    }
}

/// The `__Secure-` and `__Host-` name prefix rules (RFC 6265bis section 4.1.3).
fn prefix_rules_met(cookie: &Cookie) -> bool {
    if cookie.key.starts_with("__Secure-") && !cookie.secure {
        return false;
    }
    if cookie.key.starts_with("__Host-") {
        return cookie.secure
            && cookie.host_only == Some(true)
            && cookie.path.as_deref() == Some("/")
            && cookie.path_is_default != Some(true);
    }
    true
}
