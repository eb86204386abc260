//! The packed text form in which lists of browser cookies cross between JS and the native jar.
//!
//! Building a cookie object field by field through N-API, or a JSON text, costs more than the jar
//! work itself; one flat string that JS writes and splits with plain string operations is cheap on
//! both sides. Each cookie is seven fields, each ended by a NUL:
//!
//! `flags \0 name \0 value \0 expires \0 domain \0 path \0 sameSite \0`
//!
//! `flags` is one character, `0x40` plus the bits below (so never a NUL and never `[`); a flags
//! character below `0x40` marks a list entry that is not a usable cookie (no string name). The
//! `expires`, `domain`, `path` and `sameSite` texts mean something only when their bit is set;
//! `expires` is a number of seconds: decimal, as JS writes and reads numbers, or, for whole seconds in
//! `0..2^36` (nearly every cookie), [`SECONDS_MARK`] and six characters of six bits each (`0x20` plus the
//! bits, most significant first), which JS decodes with six `charCodeAt` instead of a slice and a
//! string-to-number conversion. The writer here uses the six characters where it can; both forms are read.
//!
//! A field that holds a NUL itself would shift every field after it, so the reader refuses a text
//! that is not exactly the number of entries it was told; callers then fall back to JSON.
//!
//! The other way, from the jar to JS ([`pack_browser_cookie`]), the same fields in the same order go without
//! NULs: the flags character, then each field after one character giving its length in UTF-16 code units
//! (JS's `length`), so JS slices each field at a known place instead of searching for its end, and a NUL in a
//! field is no problem. A field of `0xD800` code units or more (a length that one character cannot give) makes
//! the writer refuse the cookie; callers then fall back to JSON.

use super::browser::BrowserCookieRef;
use super::cookie::{canonical_same_site, Cookie};
use super::parse::short_integer;

/// Sent only over secure connections.
pub const SECURE: u8 = 1;
/// Hidden from page scripts.
pub const HTTP_ONLY: u8 = 1 << 1;
/// `expires` holds a number.
pub const HAS_EXPIRES: u8 = 1 << 2;
/// `domain` is given.
pub const HAS_DOMAIN: u8 = 1 << 3;
/// `path` is given.
pub const HAS_PATH: u8 = 1 << 4;
/// `sameSite` is given.
pub const HAS_SAME_SITE: u8 = 1 << 5;
/// Added to the bits to make the flags character.
pub const FLAGS_BASE: u8 = 0x40;
/// Fields per cookie.
pub const FIELDS: usize = 7;
/// First character of an `expires` field in the six-character form.
pub const SECONDS_MARK: char = '\u{1}';
/// Whole seconds below this take the six-character form.
const CODED_SECONDS_LIMIT: f64 = (1u64 << 36) as f64;
/// Characters of an `expires` field in that form: the mark and six.
const CODED_SECONDS_LEN: usize = 7;

/// Appends whole `seconds` (in `0..2^36`) in the six-character form.
fn push_coded_seconds(seconds: u64, out: &mut String) {
    out.push(SECONDS_MARK);
    for shift in (0..6).rev() {
        out.push(char::from(0x20 + ((seconds >> (6 * shift)) & 0x3F) as u8));
    }
}

/// Reads an `expires` field in either form.
fn read_seconds(text: &str) -> Option<f64> {
    if let Some(coded) = text.strip_prefix(SECONDS_MARK) {
        let bytes = coded.as_bytes();
        if bytes.len() != 6 || !bytes.iter().all(|b| (0x20..0x60).contains(b)) {
            return None;
        }
        let seconds = bytes.iter().fold(0u64, |n, b| n << 6 | u64::from(b - 0x20));
        return Some(seconds as f64);
    }
    short_integer(text).or_else(|| text.parse::<f64>().ok())
}

/// One entry of a packed list: a cookie, or a list entry that was not one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PackedEntry<'a> {
    /// A cookie with a string name.
    Cookie(BrowserCookieRef<'a>),
    /// Something else (`null`, a string, an object without a string `name`).
    NotACookie,
}

/// Reads a packed list of `count` entries. `None` when the text is not exactly that many entries
/// (a field held a NUL, or the text is malformed).
pub fn unpack_browser_cookies(text: &str, count: usize) -> Option<Vec<PackedEntry<'_>>> {
    // Each entry takes at least its seven NULs and a flags character: `count` is not trusted beyond that.
    let mut entries = Vec::with_capacity(count.min(text.len() / (FIELDS + 1)));
    let mut fields = [""; FIELDS];
    let mut field = 0;
    let mut start = 0;
    // Fields are short (a searcher per field costs more than it saves); the NULs are found eight bytes at a time.
    for at in Nuls::new(text.as_bytes()) {
        // NUL is ASCII, so both ends are character boundaries.
        fields[field] = text.get(start..at)?;
        start = at + 1;
        field += 1;
        if field == FIELDS {
            if entries.len() == count {
                return None;
            }
            entries.push(read_entry(&fields)?);
            field = 0;
        }
    }
    (field == 0 && start == text.len() && entries.len() == count).then_some(entries)
}

/// The positions of the NUL bytes of a text, in order, found eight bytes at a time.
struct Nuls<'a> {
    bytes: &'a [u8],
    /// Where the eight bytes of `mask` start.
    chunk: usize,
    /// The high bit of each NUL byte of the chunk not yet given out.
    mask: u64,
    /// Where the next chunk starts.
    next: usize,
}

impl<'a> Nuls<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            chunk: 0,
            mask: 0,
            next: 0,
        }
    }
}

impl Iterator for Nuls<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
        while self.mask == 0 {
            let start = self.next;
            let end = self.bytes.len().min(start + 8);
            let chunk = self.bytes.get(start..end).filter(|t| !t.is_empty())?;
            let word = match <[u8; 8]>::try_from(chunk) {
                Ok(word) => word,
                Err(_) => {
                    // A short last chunk is padded with non-NUL bytes.
                    let mut word = [0xFF; 8];
                    word[..chunk.len()].copy_from_slice(chunk);
                    word
                }
            };
            let x = u64::from_le_bytes(word);
            // Per byte: (b & 0x7F) + 0x7F sets the high bit unless the low seven bits are 0, and cannot carry
            // into the next byte; with `x` itself, the high bit is clear only for a zero byte.
            self.mask = !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7);
            self.chunk = start;
            self.next = end;
        }
        let at = self.chunk + self.mask.trailing_zeros() as usize / 8;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// One entry from its seven fields; `None` when the flags field is not one flags character.
fn read_entry<'a>(fields: &[&'a str; FIELDS]) -> Option<PackedEntry<'a>> {
    let [flags, name, value, expires, domain, path, same_site] = *fields;
    let bits = match flags.as_bytes() {
        [b] if *b >= FLAGS_BASE && *b < 0x80 => *b - FLAGS_BASE,
        [b] if *b < FLAGS_BASE => return Some(PackedEntry::NotACookie),
        _ => return None,
    };
    let expires = given(bits, HAS_EXPIRES, expires)
        .and_then(read_seconds)
        .filter(|e| e.is_finite());
    Some(PackedEntry::Cookie(BrowserCookieRef {
        name,
        value,
        expires,
        domain: given(bits, HAS_DOMAIN, domain),
        path: given(bits, HAS_PATH, path),
        secure: bits & SECURE != 0,
        http_only: bits & HTTP_ONLY != 0,
        same_site: given(bits, HAS_SAME_SITE, same_site),
    }))
}

/// `text` when `bit` is set in `bits`.
fn given(bits: u8, bit: u8, text: &str) -> Option<&str> {
    (bits & bit != 0).then_some(text)
}

/// The length of `text` in UTF-16 code units (what JS's `length` counts).
fn utf16_len(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.encode_utf16().count()
    }
}

/// Appends `text` after one character giving its length in UTF-16 code units; `false`, with `out` unchanged,
/// when the length is not below [`COUNTED_LIMIT`].
fn push_counted(text: &str, out: &mut String) -> bool {
    if !push_length(utf16_len(text), out) {
        return false;
    }
    out.push_str(text);
    true
}

/// Appends the character that gives a field's length; `false` when the length is not below [`COUNTED_LIMIT`].
fn push_length(length: usize, out: &mut String) -> bool {
    if length < 0x80 {
        // The usual case: one byte.
        out.push(char::from(length as u8));
        return true;
    }
    match u32::try_from(length)
        .ok()
        .filter(|&n| n < COUNTED_LIMIT)
        .and_then(char::from_u32)
    {
        Some(c) => {
            out.push(c);
            true
        }
        None => false,
    }
}

/// Fields written for JS are at most this many UTF-16 code units (a length must be one character that is not a
/// surrogate).
const COUNTED_LIMIT: u32 = 0xD800;

/// Appends the browser form of `cookie` (as [`BrowserCookie::from_cookie`](super::BrowserCookie)
/// makes it) to `out`, in the form JS reads (see the module: each field after its length). `false`, with `out`
/// unchanged, when a field is too long for that form.
pub fn pack_browser_cookie(cookie: &Cookie, out: &mut String) -> bool {
    let start = out.len();
    if write_counted(cookie, out) {
        true
    } else {
        out.truncate(start);
        false
    }
}

fn write_counted(cookie: &Cookie, out: &mut String) -> bool {
    let domain = cookie.domain().filter(|d| !d.is_empty());
    let same_site = cookie.same_site().and_then(canonical_same_site);
    let expires = cookie.expires().millis().map(|ms| ms / 1000.0);
    let mut bits = 0;
    for (set, bit) in [
        (cookie.secure(), SECURE),
        (cookie.http_only(), HTTP_ONLY),
        (expires.is_some(), HAS_EXPIRES),
        (domain.is_some(), HAS_DOMAIN),
        (cookie.path().is_some(), HAS_PATH),
        (same_site.is_some(), HAS_SAME_SITE),
    ] {
        if set {
            bits |= bit;
        }
    }
    out.push(char::from(FLAGS_BASE + bits));
    if !push_counted(cookie.key(), out) || !push_counted(cookie.value(), out) {
        return false;
    }
    match expires {
        // Whole seconds (the usual case) in six characters or as an integer; otherwise Rust's shortest
        // round-trip digits, without exponent. Either way JS reads back the same number.
        Some(seconds)
            if seconds.fract() == 0.0
                && (0.0..CODED_SECONDS_LIMIT).contains(&seconds)
                && seconds.is_sign_positive() =>
        {
            out.push(char::from(CODED_SECONDS_LEN as u8));
            push_coded_seconds(seconds as u64, out);
        }
        Some(seconds) if seconds.fract() == 0.0 && seconds.abs() < 9.0e15 => {
            if !push_counted(itoa::Buffer::new().format(seconds as i64), out) {
                return false;
            }
        }
        Some(seconds) => {
            if !push_counted(&format!("{seconds}"), out) {
                return false;
            }
        }
        None => out.push('\0'),
    }
    match domain {
        // Not host-only: the browsers' leading dot.
        Some(domain) if cookie.host_only() != Some(true) => {
            if !push_length(utf16_len(domain) + 1, out) {
                return false;
            }
            out.push('.');
            out.push_str(domain);
        }
        Some(domain) => {
            if !push_counted(domain, out) {
                return false;
            }
        }
        None => out.push('\0'),
    }
    push_counted(cookie.path().unwrap_or(""), out) && push_counted(same_site.unwrap_or(""), out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cookies::BrowserCookie;

    #[test]
    fn coded_seconds_read_back_exactly() {
        for seconds in [0u64, 1, 63, 64, 1_763_900_000, (1 << 36) - 1] {
            let mut out = String::new();
            push_coded_seconds(seconds, &mut out);
            assert_eq!(out.len(), 7);
            assert!(
                out[1..].bytes().all(|b| (0x20..0x60).contains(&b)),
                "{out:?}"
            );
            assert_eq!(read_seconds(&out), Some(seconds as f64));
        }
        assert_eq!(read_seconds("\u{1}  "), None);
        assert_eq!(read_seconds("1763900000"), Some(1_763_900_000.0));
        assert_eq!(read_seconds("-1.5"), Some(-1.5));
    }

    #[test]
    fn nuls_found_as_a_byte_scan_finds_them() {
        let mut rng = fastrand::Rng::with_seed(3);
        for len in 0..70 {
            for _ in 0..20 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| [0u8, 1, 0x7F, 0x80, 0xFF, b'a'][rng.usize(..6)])
                    .collect();
                let ours: Vec<usize> = Nuls::new(&bytes).collect();
                let plain: Vec<usize> = (0..len).filter(|&i| bytes[i] == 0).collect();
                assert_eq!(ours, plain, "{bytes:?}");
            }
        }
    }

    fn packed_pair(c: &BrowserCookie) -> String {
        let flags = FLAGS_BASE
            + [
                (c.secure, SECURE),
                (c.http_only, HTTP_ONLY),
                (c.expires.is_some(), HAS_EXPIRES),
                (c.domain.is_some(), HAS_DOMAIN),
                (c.path.is_some(), HAS_PATH),
                (c.same_site.is_some(), HAS_SAME_SITE),
            ]
            .iter()
            .filter(|(set, _)| *set)
            .map(|(_, bit)| bit)
            .sum::<u8>();
        format!(
            "{}\0{}\0{}\0{}\0{}\0{}\0{}\0",
            char::from(flags),
            c.name,
            c.value,
            c.expires.map(|e| e.to_string()).unwrap_or_default(),
            c.domain.clone().unwrap_or_default(),
            c.path.clone().unwrap_or_default(),
            c.same_site.clone().unwrap_or_default()
        )
    }

    #[test]
    fn reads_what_js_writes() {
        let full = BrowserCookie {
            name: "a".into(),
            value: "1 2".into(),
            expires: Some(1798761600.5),
            domain: Some(".example.com".into()),
            path: Some("/".into()),
            secure: true,
            http_only: true,
            same_site: Some("Lax".into()),
        };
        let bare = BrowserCookie {
            name: "b".into(),
            ..BrowserCookie::default()
        };
        let text = format!(
            "{}!\0\0\0\0\0\0\0{}",
            packed_pair(&full),
            packed_pair(&bare)
        );
        let entries = unpack_browser_cookies(&text, 3).unwrap();
        assert_eq!(
            entries,
            vec![
                PackedEntry::Cookie(full.as_borrowed()),
                PackedEntry::NotACookie,
                PackedEntry::Cookie(bare.as_borrowed())
            ]
        );
    }

    #[test]
    fn refuses_a_nul_inside_a_field_or_a_wrong_count() {
        let c = BrowserCookie {
            name: "a\0b".into(),
            ..BrowserCookie::default()
        };
        assert_eq!(unpack_browser_cookies(&packed_pair(&c), 1), None);
        let ok = packed_pair(&BrowserCookie {
            name: "a".into(),
            ..BrowserCookie::default()
        });
        assert!(unpack_browser_cookies(&ok, 1).is_some());
        assert_eq!(unpack_browser_cookies(&ok, 2), None);
        assert_eq!(unpack_browser_cookies(&ok[..ok.len() - 1], 1), None);
        assert_eq!(unpack_browser_cookies("", 0), Some(vec![]));
        assert_eq!(
            unpack_browser_cookies("ab\0\0\0\0\0\0\0", 1),
            None,
            "flags is one character"
        );
    }

    /// Reads what [`pack_browser_cookie`] writes, as lib/browser_cookies.js does (lengths in UTF-16 units).
    fn read_counted(text: &str) -> Vec<BrowserCookie> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut at = 0;
        let field = |at: &mut usize| {
            let length = units[*at] as usize;
            let text = String::from_utf16(&units[*at + 1..*at + 1 + length]).unwrap();
            *at += 1 + length;
            text
        };
        let mut out = Vec::new();
        while at < units.len() {
            let bits = units[at] as u8 - FLAGS_BASE;
            at += 1;
            let name = field(&mut at);
            let value = field(&mut at);
            let expires = field(&mut at);
            let domain = field(&mut at);
            let path = field(&mut at);
            let same_site = field(&mut at);
            out.push(BrowserCookie {
                name,
                value,
                expires: given(bits, HAS_EXPIRES, &expires).and_then(read_seconds),
                domain: given(bits, HAS_DOMAIN, &domain).map(str::to_owned),
                path: given(bits, HAS_PATH, &path).map(str::to_owned),
                secure: bits & SECURE != 0,
                http_only: bits & HTTP_ONLY != 0,
                same_site: given(bits, HAS_SAME_SITE, &same_site).map(str::to_owned),
            });
        }
        out
    }

    #[test]
    fn writes_what_from_cookie_gives() {
        let source = [
            BrowserCookie {
                name: "a".into(),
                value: "1".into(),
                expires: Some(1798761600.0),
                domain: Some(".example.com".into()),
                path: Some("/x".into()),
                secure: true,
                http_only: false,
                same_site: Some("strict".into()),
            },
            BrowserCookie {
                name: "b".into(),
                domain: Some("www.example.com".into()),
                ..Default::default()
            },
            // Non-ASCII (lengths count UTF-16 units: the emoji is two), a NUL, a fractional and a huge expiry.
            BrowserCookie {
                name: "é😀".into(),
                value: "x\0y".into(),
                expires: Some(1798761600.25),
                domain: Some(".exämple.com".into()),
                path: Some("/ü".into()),
                ..Default::default()
            },
            BrowserCookie {
                name: "c".into(),
                value: "v".repeat(300),
                expires: Some(1e14),
                domain: Some("www.example.com".into()),
                ..Default::default()
            },
        ];
        let mut all = String::new();
        let mut expected = Vec::new();
        for browser in &source {
            let cookie = browser.to_cookie(3600.0, 1.7e12);
            let mut out = String::new();
            assert!(pack_browser_cookie(&cookie, &mut out), "{browser:?}");
            assert_eq!(
                read_counted(&out),
                vec![BrowserCookie::from_cookie(&cookie)]
            );
            assert!(pack_browser_cookie(&cookie, &mut all));
            expected.push(BrowserCookie::from_cookie(&cookie));
        }
        assert_eq!(read_counted(&all), expected);
    }

    #[test]
    fn refuses_a_field_too_long_for_one_length_character() {
        let mut cookie = BrowserCookie {
            name: "a".into(),
            domain: Some("www.example.com".into()),
            ..Default::default()
        }
        .to_cookie(3600.0, 1.7e12);
        cookie.set_value(&"v".repeat(0xD7FF));
        let mut out = String::from("kept");
        assert!(pack_browser_cookie(&cookie, &mut out));
        cookie.set_value(&"v".repeat(0xD800));
        let mut out = String::from("kept");
        assert!(!pack_browser_cookie(&cookie, &mut out));
        assert_eq!(out, "kept");
    }
}
