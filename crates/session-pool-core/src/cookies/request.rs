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
    static RECENT: RefCell<Vec<(Box<str>, Rc<RequestContext>)>> = const { RefCell::new(Vec::new()) };
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
        let context = match Self::parse_plain(url) {
            Some(context) => context,
            None => Self::parse_with_url_crate(url)?,
        };
        let context = Rc::new(context);
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            recent.truncate(RECENT_URLS - 1);
            recent.insert(0, (url.into(), Rc::clone(&context)));
        });
        Ok(context)
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

    /// The context of a plain `http(s)://host[:port]/path[?query][#fragment]` URL read directly, or `None`
    /// for anything the WHATWG parser could read differently, which then goes to [`Self::parse_with_url_crate`].
    /// Plain here means: printable ASCII without `\`; a lowercase scheme; a host of letters, digits, `-` and
    /// non-empty dot-separated labels whose last label starts with a letter (so it is no IPv4 address), no
    /// `xn--` label; a port of digits; a path of RFC 3986 path characters without `.` or `..` segments and
    /// without `%2e`. What this gives equals what the URL crate gives (tested on generated URLs).
    fn parse_plain(url: &str) -> Option<Self> {
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
        let hostname = match authority.split_once(':') {
            Some((host, port)) => {
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
        let host = hostname.to_ascii_lowercase();
        let path = decode_uri(raw_path).unwrap_or_else(|| raw_path.to_owned());
        Some(Self {
            trustworthy: is_potentially_trustworthy(scheme, &host),
            host,
            path,
            suffix: Cell::new(None),
        })
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

/// A host name the WHATWG parser keeps as it is but for lowercasing (see [`RequestContext::parse_plain`]).
fn plain_hostname(hostname: &str) -> bool {
    if hostname.is_empty() {
        return false;
    }
    let mut last_label = "";
    for label in hostname.split('.') {
        let bytes = label.as_bytes();
        if bytes.is_empty()
            || !bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            || (bytes.len() >= 4 && bytes[2..4] == *b"--" && bytes[..2].eq_ignore_ascii_case(b"xn"))
        {
            return false;
        }
        last_label = label;
    }
    last_label.as_bytes()[0].is_ascii_alphabetic()
}

/// A path the WHATWG parser keeps as it is (see [`RequestContext::parse_plain`]).
fn plain_path(path: &str) -> bool {
    const ALLOWED: &[u8] = b"-._~!$&'()*+,;=:@/%";
    path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || ALLOWED.contains(&b))
        && !path
            .as_bytes()
            .windows(3)
            .any(|w| w[0] == b'%' && w[1] == b'2' && (w[2] | 0x20) == b'e')
        && path
            .split('/')
            .all(|segment| segment != "." && segment != "..")
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
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
}
