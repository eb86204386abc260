//! The cookie jar: tough-cookie's `CookieJar` over its `MemoryCookieStore`, with the jar's default
//! options (public suffixes rejected, strict parsing, special-use domains allowed, cookie prefixes
//! enforced silently, Secure cookies stored only from secure origins).

use super::browser::{BrowserCookie, BrowserCookieRef};
use super::cookie::{Cookie, CookieTime, SendOrder};
use super::date::time_clip;
use super::domain::{
    canonical_domain, default_path, domain_match, domain_match_when, is_ip_for_domain_match,
    is_ipv4, is_ipv6, path_match, public_suffix,
};
use super::error::CookieError;
use super::packed::pack_browser_cookie;
use super::parse::{js_trim, parse_set_cookie_parts, split_at_byte, ParsedCookie};
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
        // Dropped rather than cleared: an emptied jar should not keep its memory.
        self.cookies = Vec::new();
    }

    /// An empty jar with room for `capacity` cookies.
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        Self {
            cookies: Vec::with_capacity(capacity),
        }
    }

    /// Gives back the room a load reserved for cookies it then dropped or merged.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.cookies.shrink_to_fit();
    }

    /// Appends a cookie, growing the storage by little: most jars hold a handful of cookies,
    /// and doubling would leave up to half of it unused in each of many thousand jars.
    fn push(&mut self, cookie: Cookie) {
        if self.cookies.len() == self.cookies.capacity() {
            // One more slot while small, then 1/8 more: at most 12.5% unused.
            self.cookies.reserve_exact((self.cookies.len() / 8).max(1));
        }
        self.cookies.push(cookie);
    }

    /// Stores a raw `Set-Cookie` value received from `url`, as tough's `setCookieSync(raw, url)`.
    ///
    /// `Ok(true)` when stored; `Ok(false)` when a `__Secure-`/`__Host-` prefix rule silently
    /// dropped it; `Err` with tough's message where tough throws (bad URL, unparsable cookie,
    /// public suffix or foreign domain, Secure cookie from an insecure origin). An already expired
    /// cookie is stored, replacing its namesake, and disappears at the next read.
    pub fn set_cookie(&mut self, raw: &str, url: &str, now_ms: f64) -> Result<bool, CookieError> {
        let context = RequestContext::parse(url)?;
        let parsed = parse_set_cookie_parts(raw)
            .ok_or_else(|| CookieError::rejected("Cookie failed to parse"))?;
        Ok(self
            .store_parsed(&parsed, &context, now_ms, true)?
            .is_some())
    }

    /// [`CookieJar::set_cookie`] returning the cookie as stored (what tough's `setCookieSync` returns);
    /// `Ok(None)` when a prefix rule dropped it.
    pub fn set_cookie_returning(
        &mut self,
        raw: &str,
        url: &str,
        now_ms: f64,
    ) -> Result<Option<&Cookie>, CookieError> {
        let context = RequestContext::parse(url)?;
        let parsed = parse_set_cookie_parts(raw)
            .ok_or_else(|| CookieError::rejected("Cookie failed to parse"))?;
        let slot = self.store_parsed(&parsed, &context, now_ms, true)?;
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
        for line in headers
            .into_iter()
            .flat_map(|header| split_at_byte(header, b'\n'))
        {
            if js_trim(line).is_empty() {
                continue;
            }
            let outcome = parse_set_cookie_parts(line)
                .ok_or_else(|| CookieError::rejected("Cookie failed to parse"))
                .and_then(|parsed| self.store_parsed(&parsed, &context, now_ms, true));
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
        let borrowed: Vec<BrowserCookieRef<'_>> =
            cookies.iter().map(BrowserCookie::as_borrowed).collect();
        self.set_browser_cookie_refs(&borrowed, url, max_age_secs, now_ms)
    }

    /// [`set_browser_cookies`](Self::set_browser_cookies) for cookies that borrow their strings.
    pub fn set_browser_cookie_refs(
        &mut self,
        cookies: &[BrowserCookieRef<'_>],
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

    /// [`get_browser_cookies`](Self::get_browser_cookies) appended to `out` in the packed form
    /// (`cookies::packed`). `Ok(false)`, with `out` as it was, when a cookie has a field too long
    /// for that form; the cookies are still marked as accessed.
    pub fn pack_browser_cookies(
        &mut self,
        url: &str,
        now_ms: f64,
        out: &mut String,
    ) -> Result<bool, CookieError> {
        let selected = self.select(url, now_ms)?;
        let start = out.len();
        // Typical cookies take well under this (flags, six lengths, name, value, domain, path ...): one allocation.
        out.reserve(selected.len() * 96);
        for i in selected {
            if !pack_browser_cookie(&self.cookies[i], out) {
                out.truncate(start);
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The `Cookie` header for `url` (`a=1; b=2`), as tough's `getCookieStringSync(url)`.
    pub fn get_cookie_string(&mut self, url: &str, now_ms: f64) -> Result<String, CookieError> {
        let selected = self.select(url, now_ms)?;
        // Sized first, so the header is written into one allocation.
        let size: usize = selected
            .iter()
            .map(|&i| {
                let cookie = &self.cookies[i];
                cookie.key().len() + cookie.value().len() + 3
            })
            .sum();
        let mut out = String::with_capacity(size);
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
        if cookie.domain().is_none() || cookie.path().is_none() {
            return;
        }
        if let Some(i) = self.position(&cookie) {
            self.cookies.remove(i);
        }
        self.push(cookie);
    }

    fn position(&self, cookie: &Cookie) -> Option<usize> {
        let (key, path, domain) = (cookie.key(), cookie.path(), cookie.domain());
        // The name's length and digest, kept in the cookie itself, rule out nearly every other cookie before
        // any text is read.
        self.cookies.iter().position(|c| {
            c.may_share_name(cookie) && c.key() == key && c.path() == path && c.domain() == domain
        })
    }

    /// The checks and bookkeeping of tough's `setCookie` once the cookie is parsed.
    fn store(
        &mut self,
        cookie: Cookie,
        context: &RequestContext,
        now_ms: f64,
        http: bool,
    ) -> Result<bool, CookieError> {
        self.store_at(cookie, context, now_ms, http)
            .map(|slot| slot.is_some())
    }

    /// [`CookieJar::store`], telling where the cookie went (`None`: dropped by a prefix rule).
    fn store_at(
        &mut self,
        mut cookie: Cookie,
        context: &RequestContext,
        now_ms: f64,
        http: bool,
    ) -> Result<Option<usize>, CookieError> {
        // The host and the default path are put in at the end, in one go.
        let mut host_domain = false;
        if let Some(domain) = cookie.domain().filter(|d| !d.is_empty()) {
            accept_domain(domain, context)?;
            if cookie.host_only().is_none() {
                cookie.set_host_only(Some(false));
            }
        } else {
            cookie.set_host_only(Some(true));
            host_domain = true;
        }
        let path_from_url = !cookie.path().is_some_and(|p| p.starts_with('/'));
        if path_from_url {
            cookie.set_path_is_default(Some(true));
        }
        check_origin(&cookie, context, http)?;
        if host_domain || path_from_url {
            let domain = if host_domain {
                Some(context.host.as_str())
            } else {
                cookie.domain()
            };
            let path = if path_from_url {
                Some(default_path(&context.path))
            } else {
                cookie.path()
            };
            // Laid out beside the old strings, which the new ones may borrow from.
            cookie = cookie.with_domain_and_path(domain, path);
        }
        self.place(cookie, now_ms, http)
    }

    /// [`CookieJar::store_at`] for a parsed `Set-Cookie` value: the same checks in the same order, the
    /// cookie built once with its final domain and path.
    fn store_parsed(
        &mut self,
        parsed: &ParsedCookie<'_>,
        context: &RequestContext,
        now_ms: f64,
        http: bool,
    ) -> Result<Option<usize>, CookieError> {
        let domain = match parsed.domain.as_deref() {
            Some(domain) => {
                accept_domain(domain, context)?;
                domain
            }
            None => context.host.as_str(),
        };
        let path = parsed.path.unwrap_or_else(|| default_path(&context.path));
        let mut cookie = parsed.to_cookie(Some(domain), Some(path), clip_now(now_ms));
        cookie.set_host_only(Some(parsed.domain.is_none()));
        if parsed.path.is_none() {
            cookie.set_path_is_default(Some(true));
        }
        check_origin(&cookie, context, http)?;
        self.place(cookie, now_ms, http)
    }

    /// Stores a cookie whose domain and path are final: the prefix rules, then in the place of its
    /// namesake (keeping that one's creation time) or at the end.
    fn place(
        &mut self,
        mut cookie: Cookie,
        now_ms: f64,
        http: bool,
    ) -> Result<Option<usize>, CookieError> {
        let now = clip_now(now_ms);
        if !prefix_rules_met(&cookie) {
            // tough's default prefixSecurity is 'silent': such a cookie is dropped without error.
            return Ok(None);
        }
        match self.position(&cookie) {
            Some(i) => {
                let old = &self.cookies[i];
                if !http && old.http_only() {
                    return Err(CookieError::rejected(
                        "old Cookie is HttpOnly and this isn't an HTTP API",
                    ));
                }
                cookie.set_creation(old.creation());
                cookie.set_last_accessed(CookieTime::At(now));
                self.cookies[i] = cookie;
                Ok(Some(i))
            }
            None => {
                cookie.set_creation(CookieTime::At(now));
                cookie.set_last_accessed(CookieTime::At(now));
                self.push(cookie);
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
        let candidates = context.candidates()?;
        let host = context.host.as_str();
        let path = if context.path.is_empty() {
            "/"
        } else {
            context.path.as_str()
        };
        // Most cookies are host-only, sent when their domain is the host: whether the host is one of
        // the candidates is asked once, not per cookie; the same for whether it is an IP address.
        let host_is_candidate = candidates.contains(host);
        let host_is_ip = std::cell::OnceCell::new();
        let matches = |c: &Cookie| -> bool {
            let (Some(domain), Some(cookie_path)) = (c.domain(), c.path()) else {
                return false;
            };
            let domain_ok = if c.host_only() == Some(true) {
                host_is_candidate && domain == host
            } else {
                candidates.contains(domain)
                    && domain_match_when(host, domain, || {
                        *host_is_ip.get_or_init(|| is_ip_for_domain_match(host))
                    })
            };
            domain_ok && path_match(path, cookie_path) && (!c.secure() || context.trustworthy)
        };
        let mut selected = Vec::with_capacity(self.cookies.len());
        let mut expired = false;
        for (i, cookie) in self.cookies.iter().enumerate() {
            if matches(cookie) {
                if cookie.is_expired(now) {
                    expired = true;
                } else {
                    selected.push(i);
                }
            }
        }
        if expired {
            // Expired matches are deleted, which moves the others.
            self.cookies.retain(|c| !(matches(c) && c.is_expired(now)));
            selected = (0..self.cookies.len())
                .filter(|&i| matches(&self.cookies[i]))
                .collect();
        }
        // The sort keys are read once per cookie rather than once per comparison.
        let mut keyed: Vec<(SendOrder, usize)> = selected
            .iter()
            .map(|&i| (SendOrder::of(&self.cookies[i]), i))
            .collect();
        keyed.sort_by(|(a, a_index), (b, b_index)| a.compare(*a_index, b, *b_index));
        selected.clear();
        for (_, i) in keyed {
            self.cookies[i].set_last_accessed(CookieTime::At(now));
            selected.push(i);
        }
        Ok(selected)
    }
}

/// tough's checks of a `Domain` attribute against the request: not a public suffix (IP addresses
/// aside), and the request host's own domain.
fn check_domain(domain: &str, context: &RequestContext) -> Result<(), CookieError> {
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
    Ok(())
}

/// The checks of a cookie against the connection it came over: Secure only from a secure origin,
/// HttpOnly only from an HTTP API.
fn check_origin(cookie: &Cookie, context: &RequestContext, http: bool) -> Result<(), CookieError> {
    if cookie.secure() && !context.trustworthy {
        return Err(CookieError::rejected(
            "Cookie is Secure but this is not a secure connection",
        ));
    }
    if !http && cookie.http_only() {
        return Err(CookieError::rejected(
            "Cookie is HttpOnly and this isn't an HTTP API",
        ));
    }
    Ok(())
}

/// [`check_domain`], remembered per request host (see [`RequestContext::accepts_domain`]).
fn accept_domain(domain: &str, context: &RequestContext) -> Result<(), CookieError> {
    if context.accepts_domain(domain) {
        return Ok(());
    }
    check_domain(domain, context)?;
    context.accepted_domain(domain);
    Ok(())
}

/// The `__Secure-` and `__Host-` name prefix rules (RFC 6265bis section 4.1.3).
fn prefix_rules_met(cookie: &Cookie) -> bool {
    let key = cookie.key();
    if key.starts_with("__Secure-") && !cookie.secure() {
        return false;
    }
    if key.starts_with("__Host-") {
        return cookie.secure()
            && cookie.host_only() == Some(true)
            && cookie.path() == Some("/")
            && cookie.path_is_default() != Some(true);
    }
    true
}
