//! What a cookie operation needs to know about the URL it is for, read the way tough-cookie reads
//! it through the WHATWG `URL` class.

use super::domain::{canonical_domain, is_potentially_trustworthy};
use super::error::CookieError;
use std::cell::RefCell;
use std::rc::Rc;

/// The request a cookie is set from or sent to.
pub(crate) struct RequestContext {
    /// The canonical host name (`""` for URLs without a host, such as `file:`).
    pub host: String,
    /// The path, percent-decoded as JS `decodeURI` does (left encoded if that fails).
    pub path: String,
    /// Whether Secure cookies may be set and sent (https, wss or a loopback host).
    pub trustworthy: bool,
    /// `Domain` attribute values already found valid for this host (not a public suffix, the host's
    /// own domain): cookies set together mostly share a few, and the check reads the suffix list.
    pub accepted_domains: RefCell<Vec<Box<str>>>,
}

/// How many recently read URLs are kept parsed (per thread): a crawler reads and writes cookies for the same few
/// URLs in turn (the page it fetched, the next one it asks for), and parsing a URL is a good part of a cookie call.
const RECENT_URLS: usize = 4;

thread_local! {
    /// Most recently used first.
    static RECENT: RefCell<Vec<(Box<str>, Rc<RequestContext>)>> = const { RefCell::new(Vec::new()) };
}

impl RequestContext {
    /// The context of `url`, from the per-thread cache of recent URLs when it is there. A context depends on
    /// the URL text alone, so a cached one is the one parsing would give (its accepted-domain memo included).
    pub(crate) fn parse(url: &str) -> Result<Rc<Self>, CookieError> {
        let hit = RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            let at = recent.iter().position(|(text, _)| **text == *url)?;
            let entry = recent.remove(at);
            let context = Rc::clone(&entry.1);
            recent.insert(0, entry);
            Some(context)
        });
        if let Some(context) = hit {
            return Ok(context);
        }
        let context = Rc::new(Self::parse_uncached(url)?);
        RECENT.with(|recent| {
            let mut recent = recent.borrow_mut();
            recent.truncate(RECENT_URLS - 1);
            recent.insert(0, (url.into(), Rc::clone(&context)));
        });
        Ok(context)
    }

    fn parse_uncached(url: &str) -> Result<Self, CookieError> {
        let parsed = url::Url::parse(url).map_err(|_| CookieError::invalid_url())?;
        let hostname = parsed.host_str().unwrap_or("");
        let host = canonical_domain(hostname).unwrap_or_else(|| hostname.to_ascii_lowercase());
        let raw_path = parsed.path();
        let path = decode_uri(raw_path).unwrap_or_else(|| raw_path.to_owned());
        Ok(Self {
            host,
            path,
            trustworthy: is_potentially_trustworthy(parsed.scheme(), hostname),
            accepted_domains: RefCell::new(Vec::new()),
        })
    }
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
}
