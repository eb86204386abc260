//! What a cookie operation needs to know about the URL it is for, read the way tough-cookie reads
//! it through the WHATWG `URL` class.

use super::domain::{canonical_domain, is_potentially_trustworthy};
use super::domain::{public_suffix, Candidates};
use super::error::CookieError;
use std::cell::{Cell, RefCell};
use std::ops::Range;
use std::rc::Rc;

/// The request a cookie is set from or sent to.
pub(crate) struct RequestContext {
    /// The canonical host name (`""` for URLs without a host, such as `file:`).
    pub host: String,
    /// The path, percent-decoded as JS `decodeURI` does (left encoded if that fails).
    pub path: String,
    /// Whether Secure cookies may be set and sent (https, wss or a loopback host).
    pub trustworthy: bool,
    /// Where `public_suffix(host)` lies in `host`, once asked (inner `None`: the host has none).
    suffix: Cell<Option<Option<Range<usize>>>>,
}

/// How many recently read URLs are kept parsed (per thread): a crawler reads and writes cookies for the same few
/// URLs in turn (the page it fetched, the next one it asks for), and parsing a URL is a good part of a cookie call.
const RECENT_URLS: usize = 4;

/// How many (host, `Domain` value) pairs found valid are remembered (per thread).
const ACCEPTED_DOMAINS: usize = 16;

thread_local! {
    /// Most recently used first.
    static RECENT: RefCell<Vec<(String, Rc<RequestContext>)>> = const { RefCell::new(Vec::new()) };
    /// `Domain` attribute values found valid for a request host (not a public suffix, the host's own domain),
    /// most recent first: a site's responses set cookies for the same one or two domains from many URLs, and
    /// the check reads the public suffix list. The answer depends on the two names alone.
    static ACCEPTED: RefCell<Vec<(Box<str>, Box<str>)>> = const { RefCell::new(Vec::new()) };
}

impl RequestContext {
    /// The context of `url`, from the per-thread cache of recent URLs when it is there. A context depends on
    /// the URL text alone, so a cached one is the one parsing would give (with its public suffix looked up).
    pub(crate) fn parse(url: &str) -> Result<Rc<Self>, CookieError> {
        let hit = RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            // URLs of one site differ mostly at their end: the length and the last byte rule most out.
            let last = url.as_bytes().last();
            let at = recent.iter().position(|(text, _)| {
                text.len() == url.len() && text.as_bytes().last() == last && **text == *url
            })?;
            let entry = recent.remove(at);
            let context = Rc::clone(&entry.1);
            recent.insert(0, entry);
            Some(context)
        });
        if let Some(context) = hit {
            return Ok(context);
        }
        // A miss in a full cache takes the least recent entry's place, and its memory when nothing else holds
        // it (a crawler reads many URLs once: each would otherwise cost four allocations and four frees).
        let evicted = RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            (recent.len() >= RECENT_URLS)
                .then(|| recent.pop())
                .flatten()
        });
        let entry = match (plain_parts(url), evicted) {
            (Some(parts), Some((mut text, mut context)))
                if Rc::strong_count(&context) == 1 && Rc::weak_count(&context) == 0 =>
            {
                if let Some(reused) = Rc::get_mut(&mut context) {
                    reused.set_plain(parts);
                }
                text.clear();
                text.push_str(url);
                (text, context)
            }
            (Some(parts), _) => (url.to_owned(), Rc::new(Self::from_plain(parts))),
            (None, evicted) => match Self::parse_with_url_crate(url) {
                Ok(context) => (url.to_owned(), Rc::new(context)),
                Err(error) => {
                    if let Some(evicted) = evicted {
                        RECENT.with(|recent| recent.borrow_mut().push(evicted));
                    }
                    return Err(error);
                }
            },
        };
        let context = Rc::clone(&entry.1);
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            // Another URL of the same host already knows where the host's public suffix lies.
            if context.suffix_known().is_none() {
                let known = recent
                    .iter()
                    .find(|(_, other)| other.host == context.host)
                    .and_then(|(_, other)| other.suffix_known());
                context.suffix.set(known);
            }
            recent.truncate(RECENT_URLS - 1);
            recent.insert(0, entry);
        });
        Ok(context)
    }

    /// Where the host's public suffix lies, when it was looked up.
    fn suffix_known(&self) -> Option<Option<Range<usize>>> {
        let known = self.suffix.take();
        self.suffix.set(known.clone());
        known
    }

    /// The domains a cookie sent to this host may have ([`Candidates::with_suffix`] of the host), the public
    /// suffix looked up once per context.
    pub(crate) fn candidates(&self) -> Result<Candidates<'_>, CookieError> {
        let range = match self.suffix.take() {
            Some(range) => range,
            None => public_suffix(&self.host)?.map(|suffix| {
                // public_suffix answers with a part of the name it is given.
                let start = suffix.as_ptr() as usize - self.host.as_ptr() as usize;
                start..start + suffix.len()
            }),
        };
        self.suffix.set(Some(range.clone()));
        Ok(Candidates::with_suffix(
            &self.host,
            range.and_then(|range| self.host.get(range)),
        ))
    }

    /// Whether `domain` was found valid as a `Domain` attribute for this request's host.
    pub(crate) fn accepts_domain(&self, domain: &str) -> bool {
        ACCEPTED.with(|accepted| {
            accepted
                .borrow()
                .iter()
                .any(|(host, known)| **known == *domain && **host == *self.host)
        })
    }

    /// Remembers that `domain` is valid as a `Domain` attribute for this request's host.
    pub(crate) fn accepted_domain(&self, domain: &str) {
        ACCEPTED.with(|accepted| {
            let mut accepted = accepted.borrow_mut();
            accepted.truncate(ACCEPTED_DOMAINS - 1);
            accepted.insert(0, (self.host.as_str().into(), domain.into()));
        });
    }

    /// [`plain_parts`] made a context (what [`Self::parse`] does for a plain URL, without the cache).
    #[cfg(test)]
    fn parse_plain(url: &str) -> Option<Self> {
        plain_parts(url).map(Self::from_plain)
    }

    /// The context of a plain URL's parts.
    fn from_plain(parts: PlainParts<'_>) -> Self {
        let mut context = Self {
            host: String::new(),
            path: String::new(),
            trustworthy: false,
            suffix: Cell::new(None),
        };
        context.set_plain(parts);
        context
    }

    /// Makes this the context of a plain URL's parts, in the memory it has; where the host's public suffix
    /// lies is kept when the host stays the same.
    fn set_plain(
        &mut self,
        PlainParts {
            scheme,
            hostname,
            raw_path,
        }: PlainParts<'_>,
    ) {
        // The host is the name lowercased (ASCII only: a plain name has nothing else).
        let same_host = self.host.len() == hostname.len()
            && self
                .host
                .bytes()
                .zip(hostname.bytes())
                .all(|(have, given)| have == given.to_ascii_lowercase());
        if !same_host {
            self.host.clear();
            self.host.push_str(hostname);
            self.host.make_ascii_lowercase();
            self.suffix.set(None);
        }
        self.path.clear();
        if !decode_uri_into(raw_path, &mut self.path) {
            self.path.clear();
            self.path.push_str(raw_path);
        }
        self.trustworthy = is_potentially_trustworthy(scheme, &self.host);
    }

    fn parse_with_url_crate(url: &str) -> Result<Self, CookieError> {
        let parsed = url::Url::parse(url).map_err(|_| CookieError::invalid_url())?;
        let hostname = parsed.host_str().unwrap_or("");
        let host = canonical_domain(hostname).unwrap_or_else(|| hostname.to_ascii_lowercase());
        let raw_path = parsed.path();
        let path = decode_uri(raw_path).unwrap_or_else(|| raw_path.to_owned());
        Ok(Self {
            host,
            path,
            trustworthy: is_potentially_trustworthy(parsed.scheme(), hostname),
            suffix: Cell::new(None),
        })
    }
}

/// A plain URL's parts (see [`plain_parts`]): its scheme, its host name as written, its path.
#[derive(Clone, Copy)]
struct PlainParts<'a> {
    scheme: &'static str,
    hostname: &'a str,
    raw_path: &'a str,
}

/// The parts of a plain `http(s)://host[:port]/path[?query][#fragment]` URL, read directly, or `None` for anything
/// the WHATWG parser could read differently, which then goes to [`RequestContext::parse_with_url_crate`]. Plain
/// here means: printable ASCII without `\`; a lowercase scheme; a host of letters, digits, `-` and non-empty
/// dot-separated labels whose last label starts with a letter (so it is no IPv4 address), no `xn--` label; a port
/// of digits; a path of RFC 3986 path characters without `.` or `..` segments and without `%2e`. The context made
/// of them equals what the URL crate gives (tested on generated URLs).
fn plain_parts(url: &str) -> Option<PlainParts<'_>> {
    let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
        ("https", rest)
    } else {
        ("http", url.strip_prefix("http://")?)
    };
    if !url.bytes().all(|b| (0x21..0x7f).contains(&b) && b != b'\\') {
        return None;
    }
    let authority_end = rest
        .bytes()
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let (authority, after) = rest.split_at(authority_end);
    let hostname = match authority.bytes().position(|b| b == b':') {
        Some(colon) => {
            let (host, port) = (&authority[..colon], &authority[colon + 1..]);
            let port_ok = port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().map_or(port.is_empty(), |p| p <= 65_535);
            if !port_ok {
                return None;
            }
            host
        }
        None => authority,
    };
    if !plain_hostname(hostname) {
        return None;
    }
    let path_end = after
        .bytes()
        .position(|b| matches!(b, b'?' | b'#'))
        .unwrap_or(after.len());
    let raw_path = if path_end == 0 {
        "/"
    } else {
        &after[..path_end]
    };
    if !plain_path(raw_path) {
        return None;
    }
    Some(PlainParts {
        scheme,
        hostname,
        raw_path,
    })
}

/// A host name the WHATWG parser keeps as it is but for lowercasing (see [`plain_parts`]).
fn plain_hostname(hostname: &str) -> bool {
    // One pass over the bytes (these names are short: a search per label or per dot costs more).
    let bytes = hostname.as_bytes();
    let mut label_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'.' {
            if !plain_label(&bytes[label_start..i]) {
                return false;
            }
            label_start = i + 1;
        } else if !(b.is_ascii_alphanumeric() || b == b'-') {
            return false;
        }
    }
    let last = &bytes[label_start..];
    plain_label(last) && last[0].is_ascii_alphabetic()
}

/// A label of letters, digits and `-` (already checked) that is not empty and no `xn--` label.
fn plain_label(label: &[u8]) -> bool {
    let punycode =
        label.len() >= 4 && label[2..4] == *b"--" && label[..2].eq_ignore_ascii_case(b"xn");
    !label.is_empty() && !punycode
}

/// A path the WHATWG parser keeps as it is (see [`plain_parts`]).
fn plain_path(path: &str) -> bool {
    const ALLOWED: &[u8] = b"-._~!$&'()*+,;=:@/%";
    let bytes = path.as_bytes();
    if bytes.first() != Some(&b'/') {
        return false;
    }
    // One pass: allowed characters only, no `%2e` (an escaped dot), no `.` or `..` segment.
    let mut segment_start = 1;
    for (i, &b) in bytes.iter().enumerate() {
        if !(b.is_ascii_alphanumeric() || ALLOWED.contains(&b)) {
            return false;
        }
        if b == b'%'
            && bytes.get(i + 1) == Some(&b'2')
            && bytes.get(i + 2).map(|e| e | 0x20) == Some(b'e')
        {
            return false;
        }
        if b == b'/' && i > 0 {
            if is_dot_segment(&bytes[segment_start..i]) {
                return false;
            }
            segment_start = i + 1;
        }
    }
    !is_dot_segment(&bytes[segment_start..])
}

fn is_dot_segment(segment: &[u8]) -> bool {
    segment == b"." || segment == b".."
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// [`decode_uri`] appended to `out`; `false` (and `out` unchanged) where it gives `None`.
fn decode_uri_into(input: &str, out: &mut String) -> bool {
    if !input.contains('%') {
        out.push_str(input);
        return true;
    }
    match decode_uri(input) {
        Some(decoded) => {
            out.push_str(&decoded);
            true
        }
        None => false,
    }
}

/// JS `decodeURI`: percent escapes become the characters they encode, except those of the URI
/// reserved set and `#`, which stay escaped. `None` where JS throws a `URIError` (a broken escape
/// or invalid UTF-8).
pub(crate) fn decode_uri(input: &str) -> Option<String> {
    if !input.contains('%') {
        return Some(input.to_owned());
    }
    let bytes = input.as_bytes();
    let escaped_byte = |at: usize| -> Option<u8> {
        if bytes.get(at) != Some(&b'%') {
            return None;
        }
        let high = hex_value(*bytes.get(at + 1)?)?;
        let low = hex_value(*bytes.get(at + 2)?)?;
        Some(high << 4 | low)
    };
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let first = escaped_byte(i)?;
        if first < 0x80 {
            if b";/?:@&=+$,#".contains(&first) {
                out.extend_from_slice(&bytes[i..i + 3]);
            } else {
                out.push(first);
            }
            i += 3;
            continue;
        }
        let length = match first {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            _ => return None,
        };
        let mut sequence = [first, 0, 0, 0];
        for (k, slot) in sequence.iter_mut().enumerate().take(length).skip(1) {
            *slot = escaped_byte(i + 3 * k).filter(|b| b & 0xC0 == 0x80)?;
        }
        // from_utf8 refuses overlong forms, surrogates and values past U+10FFFF, as JS does.
        let decoded = std::str::from_utf8(&sequence[..length]).ok()?;
        out.extend_from_slice(decoded.as_bytes());
        i += 3 * length;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_uri_like_js() {
        // Expected values from node's decodeURI.
        assert_eq!(decode_uri("/f%6Fo/bar").as_deref(), Some("/foo/bar"));
        assert_eq!(decode_uri("/a%2Fb%3F").as_deref(), Some("/a%2Fb%3F"));
        assert_eq!(decode_uri("/%C3%BC").as_deref(), Some("/ü"));
        assert_eq!(decode_uri("/%C3"), None);
        assert_eq!(decode_uri("/%zz"), None);
        assert_eq!(decode_uri("/%ED%A0%80"), None);
    }

    fn fields(context: &RequestContext) -> (&str, &str, bool) {
        (&context.host, &context.path, context.trustworthy)
    }

    #[test]
    fn plain_urls_read_directly() {
        for url in [
            "https://www.example.com/",
            "https://www.example.com/product/12?ref=a/b#top",
            "http://localhost:3000/a/b.html",
            "http://sub.localhost/",
            "https://Example.COM",
            "http://example.com:/x?y",
            "https://a-b.c0.example/%C3%BC/%2F",
        ] {
            let plain = RequestContext::parse_plain(url);
            assert!(plain.is_some(), "{url} should take the direct path");
            let full = RequestContext::parse_with_url_crate(url).ok();
            assert_eq!(
                plain.as_ref().map(fields),
                full.as_ref().map(fields),
                "{url}"
            );
        }
        for url in [
            "https://127.0.0.1/",
            "https://[::1]/",
            "https://xn--bcher-kva.example/",
            "https://a..b/",
            "https://example.com./",
            "https://example.com/a/../b",
            "https://example.com/a/%2E/b",
            "https://example.com/a b",
            "https://user@example.com/",
            "https://example.com:99999/",
            "HTTPS://example.com/",
            "wss://example.com/",
            "https://example.com\\a",
            "https://exa_mple.com/",
        ] {
            assert!(
                RequestContext::parse_plain(url).is_none(),
                "{url} should go to the URL crate"
            );
        }
    }

    #[test]
    fn plain_urls_agree_with_the_url_crate() {
        // Generated URLs from pieces that the WHATWG parser treats specially; whatever the direct reading
        // accepts must read as the URL crate reads it.
        let mut rng = fastrand::Rng::with_seed(7);
        let schemes = [
            "https://",
            "http://",
            "https://",
            "http://",
            "HTTP://",
            "ws://",
            "https:/",
            "https:///",
            "",
        ];
        let pick = |rng: &mut fastrand::Rng, set: &[u8]| char::from(set[rng.usize(..set.len())]);
        let label_chars = b"abcXYZ019-";
        let host_odd = b"._:@%[]";
        let path_chars = b"aZ09.-_~%EeC3;=@:!$&'()*+,";
        let path_odd = b"/.%2e?#\\|^`{}\" <>";
        let mut direct = 0;
        for _ in 0..40_000 {
            let mut url = String::from(schemes[rng.usize(..schemes.len())]);
            match rng.u8(..8) {
                0 => url.push_str("xn--abc.example"),
                1 => url.push_str("1.2.3.4"),
                2 => url.push_str("0x7f.1"),
                _ => {
                    for label in 0..rng.usize(1..4) {
                        if label > 0 {
                            url.push('.');
                        }
                        for _ in 0..rng.usize(0..6).max(rng.usize(0..3)) {
                            let odd = rng.u8(..12) == 0;
                            url.push(pick(&mut rng, if odd { host_odd } else { label_chars }));
                        }
                    }
                }
            }
            if rng.u8(..4) == 0 {
                url.push_str(["", ":", ":80", ":65535", ":65536", ":1x"][rng.usize(..6)]);
            }
            for _ in 0..rng.usize(0..5) {
                url.push('/');
                for _ in 0..rng.usize(0..5) {
                    let odd = rng.u8(..8) == 0;
                    url.push(pick(&mut rng, if odd { path_odd } else { path_chars }));
                }
            }
            let Some(plain) = RequestContext::parse_plain(&url) else {
                continue;
            };
            direct += 1;
            let full = RequestContext::parse_with_url_crate(&url);
            assert!(
                full.is_ok(),
                "{url:?}: direct reading accepted what the URL crate refuses"
            );
            let full = full.ok();
            assert_eq!(Some(fields(&plain)), full.as_ref().map(fields), "{url:?}");
        }
        assert!(
            direct > 2_000,
            "only {direct} generated URLs took the direct path"
        );
    }

    /// `url` parsed afresh, the cache aside.
    fn fresh(url: &str) -> RequestContext {
        RequestContext::parse_plain(url)
            .map_or_else(|| RequestContext::parse_with_url_crate(url), Ok)
            .expect(url)
    }

    #[test]
    fn cached_contexts_read_as_fresh_ones_whatever_memory_they_reuse() {
        // More URLs than the cache keeps, of a few hosts (one in capitals), with escapes, a broken escape, and
        // URLs that take the URL crate: whether `parse` finds a context, takes over an evicted one's memory or
        // makes a new one, it must read as the URL parsed afresh, and a public suffix it already knows (kept
        // for the same host, or taken from another URL of the host) must be where a fresh lookup puts it.
        let urls = [
            "https://www.example.com/",
            "https://WWW.Example.com/x",
            "https://www.example.com/product/1",
            "http://www.example.com/%C3%BC/a",
            "https://www.example.com/%zz",
            "https://shop.example.co.uk/a",
            "https://shop.example.co.uk/b/c",
            "http://localhost:8080/q?x=1",
            "https://a.b.github.io/p",
            "https://127.0.0.1/x",
            "https://[::1]/y",
            "https://xn--bcher-kva.example/z",
        ];
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..3_000 {
            let url = urls[rng.usize(..urls.len())];
            let context = RequestContext::parse(url).expect(url);
            let fresh = fresh(url);
            assert_eq!(fields(&context), fields(&fresh), "{url}");
            let known = context.suffix_known();
            fresh.candidates().expect(url);
            if let Some(known) = known {
                assert_eq!(Some(known), fresh.suffix_known(), "{url}");
            }
            if rng.bool() {
                context.candidates().expect(url);
                assert_eq!(context.suffix_known(), fresh.suffix_known(), "{url}");
            }
        }
    }

    #[test]
    fn a_context_still_held_is_not_reused() {
        let held = RequestContext::parse("https://held.example/a/%C3%BC").expect("parsed");
        held.candidates().expect("suffix");
        for i in 0..3 * RECENT_URLS {
            RequestContext::parse(&format!("http://other{i}.example/p/{i}")).expect("parsed");
        }
        assert_eq!(fields(&held), ("held.example", "/a/ü", true));
        let fresh = fresh("https://held.example/a/%C3%BC");
        fresh.candidates().expect("suffix");
        assert_eq!(held.suffix_known(), fresh.suffix_known());
    }
}
