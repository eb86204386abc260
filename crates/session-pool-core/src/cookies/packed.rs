//! The packed text form in which lists of browser cookies cross between JS and the native jar.
//!
//! Building a cookie object field by field through N-API, or a JSON text, costs more than the jar
//! work itself; one flat string that JS writes with a few concatenations and reads with `charCodeAt` and
//! `slice` is cheap on both sides. Both directions use the same form. Each cookie is a header of seven
//! characters, then its six fields back to back:
//!
//! `flags`, the lengths of `name`, `value`, `expires`, `domain`, `path`, `sameSite`; then those six texts.
//!
//! A length is one character whose code is the field's length in UTF-16 code units (JS's `length`), so a
//! field can hold any character, NULs included, and is found without a search. One character gives lengths
//! below `0xD800` (a surrogate code is no character); a list with a longer field goes as JSON instead (the
//! writers refuse it: [`pack_browser_cookie`] here, `packBrowserCookies` in lib/browser_cookies.js).
//!
//! `flags` is `0x40` plus the bits below (so never a NUL); a flags character below `0x40` marks a list entry
//! that is not a usable cookie (no string name), whose fields are empty. The `expires`, `domain`, `path` and
//! `sameSite` texts mean something only when their bit is set. `expires` is a number of seconds: decimal, as
//! JS writes and reads numbers, or, for whole seconds in `0..2^36` (nearly every cookie), [`SECONDS_MARK`] and
//! six characters of six bits each (`0x20` plus the bits, most significant first), which JS decodes with six
//! `charCodeAt` instead of a slice and a string-to-number conversion. The writer here uses the six characters
//! where it can, JS writes decimal; both forms are read on both sides.
//!
//! The text reaches Rust as UTF-8 (N-API's conversion turns a lone surrogate into U+FFFD, one unit as well),
//! so the reader counts each field's units off the bytes: a field of ASCII is its length in bytes, checked
//! in one pass; others are walked character by character. A text that is not exactly the number of entries
//! it was said to hold is refused; callers then fall back to JSON.

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
/// Fields per cookie (after the flags).
pub const FIELDS: usize = 6;
/// First character of an `expires` field in the six-character form.
pub const SECONDS_MARK: char = '\u{1}';
/// Whole seconds below this take the six-character form.
const CODED_SECONDS_LIMIT: f64 = (1u64 << 36) as f64;
/// Characters of an `expires` field in that form: the mark and six.
const CODED_SECONDS_LEN: usize = 7;
/// Fields are at most this many UTF-16 code units (a length must be one character that is not a surrogate).
pub const FIELD_LIMIT: usize = 0xD800;

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

/// Reads a packed list of `count` entries. `None` when the text is not exactly that many entries.
pub fn unpack_browser_cookies(text: &str, count: usize) -> Option<Vec<PackedEntry<'_>>> {
    // Each entry takes at least its seven header characters: `count` is not trusted beyond that.
    let mut entries = Vec::with_capacity(count.min(text.len() / (FIELDS + 1)));
    let mut rest = text;
    while !rest.is_empty() {
        if entries.len() == count {
            return None;
        }
        let (entry, after) = read_entry(rest)?;
        entries.push(entry);
        rest = after;
    }
    (entries.len() == count).then_some(entries)
}

/// The entry at the start of `text` and the text after it; `None` when the header or a field does not fit.
fn read_entry(text: &str) -> Option<(PackedEntry<'_>, &str)> {
    let mut header = text.chars();
    let flags = u32::from(header.next()?);
    let mut lengths = [0usize; FIELDS];
    for length in &mut lengths {
        *length = u32::from(header.next()?) as usize;
    }
    let mut rest = header.as_str();
    let mut fields = [""; FIELDS];
    for (field, &length) in fields.iter_mut().zip(&lengths) {
        let (head, tail) = split_units(rest, length)?;
        *field = head;
        rest = tail;
    }
    let bits = match u8::try_from(flags) {
        Ok(b) if (FLAGS_BASE..0x80).contains(&b) => b - FLAGS_BASE,
        Ok(b) if b < FLAGS_BASE => return Some((PackedEntry::NotACookie, rest)),
        _ => return None,
    };
    let [name, value, expires, domain, path, same_site] = fields;
    let expires = given(bits, HAS_EXPIRES, expires)
        .and_then(read_seconds)
        .filter(|e| e.is_finite());
    let cookie = BrowserCookieRef {
        name,
        value,
        expires,
        domain: given(bits, HAS_DOMAIN, domain),
        path: given(bits, HAS_PATH, path),
        secure: bits & SECURE != 0,
        http_only: bits & HTTP_ONLY != 0,
        same_site: given(bits, HAS_SAME_SITE, same_site),
    };
    Some((PackedEntry::Cookie(cookie), rest))
}

/// Splits `text` after its first `units` UTF-16 code units; `None` when it is shorter, or when that place falls
/// inside a character (half of a pair).
fn split_units(text: &str, units: usize) -> Option<(&str, &str)> {
    // Nearly every field is ASCII: as many bytes as units, checked a word at a time.
    if let Some(head) = text.as_bytes().get(..units) {
        if head.is_ascii() {
            // The byte before the split is ASCII, so the split is at a character boundary.
            return Some(text.split_at(units));
        }
    }
    let mut counted = 0;
    for (at, c) in text.char_indices() {
        if counted >= units {
            return (counted == units).then(|| text.split_at(at));
        }
        counted += c.len_utf16();
    }
    (counted == units).then_some((text, ""))
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

/// The character that gives a field's length; `None` when the length is not below [`FIELD_LIMIT`].
fn length_char(length: usize) -> Option<char> {
    if length < FIELD_LIMIT {
        // Below 0xD800 every code is a character.
        char::from_u32(length as u32)
    } else {
        None
    }
}

/// Appends the browser form of `cookie` (as [`BrowserCookie::from_cookie`](super::BrowserCookie)
/// makes it) to `out`, packed. `false`, with `out` unchanged, when a field is too long for that form.
pub fn pack_browser_cookie(cookie: &Cookie, out: &mut String) -> bool {
    let domain = cookie.domain().filter(|d| !d.is_empty());
    // Not host-only: the browsers' leading dot.
    let dotted = domain.is_some() && cookie.host_only() != Some(true);
    let same_site = cookie.same_site().and_then(canonical_same_site);
    let expires = cookie.expires().millis().map(|ms| ms / 1000.0);
    let path = cookie.path();
    // Whole seconds (the usual case) in six characters; otherwise an integer, or Rust's shortest round-trip
    // digits, without exponent. Either way JS reads back the same number.
    let coded = expires.filter(|s| {
        s.fract() == 0.0 && (0.0..CODED_SECONDS_LIMIT).contains(s) && s.is_sign_positive()
    });
    let decimal = match expires {
        Some(_) if coded.is_some() => None,
        Some(s) if s.fract() == 0.0 && s.abs() < 9.0e15 => {
            Some(itoa::Buffer::new().format(s as i64).to_owned())
        }
        Some(s) => Some(format!("{s}")),
        None => None,
    };
    let expires_len = if coded.is_some() {
        CODED_SECONDS_LEN
    } else {
        decimal.as_deref().map_or(0, str::len)
    };
    let lengths = [
        utf16_len(cookie.key()),
        utf16_len(cookie.value()),
        expires_len,
        domain.map_or(0, |d| utf16_len(d) + usize::from(dotted)),
        path.map_or(0, utf16_len),
        same_site.map_or(0, str::len),
    ];
    let mut header = ['\0'; FIELDS];
    for (c, &length) in header.iter_mut().zip(&lengths) {
        match length_char(length) {
            Some(l) => *c = l,
            None => return false,
        }
    }
    let mut bits = 0;
    for (set, bit) in [
        (cookie.secure(), SECURE),
        (cookie.http_only(), HTTP_ONLY),
        (expires.is_some(), HAS_EXPIRES),
        (domain.is_some(), HAS_DOMAIN),
        (path.is_some(), HAS_PATH),
        (same_site.is_some(), HAS_SAME_SITE),
    ] {
        if set {
            bits |= bit;
        }
    }
    out.push(char::from(FLAGS_BASE + bits));
    out.extend(header);
    out.push_str(cookie.key());
    out.push_str(cookie.value());
    match (coded, &decimal) {
        (Some(seconds), _) => push_coded_seconds(seconds as u64, out),
        (None, Some(text)) => out.push_str(text),
        (None, None) => {}
    }
    if let Some(domain) = domain {
        if dotted {
            out.push('.');
        }
        out.push_str(domain);
    }
    out.push_str(path.unwrap_or(""));
    out.push_str(same_site.unwrap_or(""));
    true
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
    fn splits_after_as_many_units_as_js_counts() {
        let mut rng = fastrand::Rng::with_seed(3);
        for len in 0..40 {
            for _ in 0..20 {
                let text: String = (0..len)
                    .map(|_| ['a', '\0', '\u{7f}', 'é', '€', '😀'][rng.usize(..6)])
                    .collect();
                let units: Vec<u16> = text.encode_utf16().collect();
                for n in 0..=units.len() + 2 {
                    let expected = match (units.get(..n), units.get(n..)) {
                        (Some(head), Some(tail)) => String::from_utf16(head)
                            .ok()
                            .zip(String::from_utf16(tail).ok()),
                        _ => None,
                    };
                    let got = split_units(&text, n).map(|(h, t)| (h.to_owned(), t.to_owned()));
                    assert_eq!(got, expected, "{text:?} at {n}");
                }
            }
        }
    }

    /// The packed form of `c` as lib/browser_cookies.js writes it (decimal `expires`).
    fn packed_as_js_writes(c: &BrowserCookie) -> String {
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
        let fields = [
            c.name.clone(),
            c.value.clone(),
            c.expires.map(|e| e.to_string()).unwrap_or_default(),
            c.domain.clone().unwrap_or_default(),
            c.path.clone().unwrap_or_default(),
            c.same_site.clone().unwrap_or_default(),
        ];
        let mut out = String::from(char::from(flags));
        for field in &fields {
            out.push(char::from_u32(field.encode_utf16().count() as u32).unwrap());
        }
        out.extend(fields);
        out
    }

    #[test]
    fn reads_what_js_writes() {
        let full = BrowserCookie {
            name: "a".into(),
            value: "1 2\0é😀".into(),
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
        let long = BrowserCookie {
            name: "c".into(),
            value: "v".repeat(300),
            ..BrowserCookie::default()
        };
        let text = format!(
            "{}!\0\0\0\0\0\0{}{}",
            packed_as_js_writes(&full),
            packed_as_js_writes(&bare),
            packed_as_js_writes(&long)
        );
        let entries = unpack_browser_cookies(&text, 4).unwrap();
        assert_eq!(
            entries,
            vec![
                PackedEntry::Cookie(full.as_borrowed()),
                PackedEntry::NotACookie,
                PackedEntry::Cookie(bare.as_borrowed()),
                PackedEntry::Cookie(long.as_borrowed()),
            ]
        );
    }

    #[test]
    fn refuses_a_wrong_count_or_a_cut_text() {
        let ok = packed_as_js_writes(&BrowserCookie {
            name: "a".into(),
            value: "é".into(),
            ..BrowserCookie::default()
        });
        assert!(unpack_browser_cookies(&ok, 1).is_some());
        assert_eq!(unpack_browser_cookies(&ok, 0), None);
        assert_eq!(unpack_browser_cookies(&ok, 2), None);
        for cut in 0..ok.len() {
            if ok.is_char_boundary(cut) {
                assert_eq!(unpack_browser_cookies(&ok[..cut], 1), None, "{cut}");
            }
        }
        assert_eq!(unpack_browser_cookies(&format!("{ok}x"), 1), None);
        assert_eq!(unpack_browser_cookies("", 0), Some(vec![]));
        assert_eq!(
            unpack_browser_cookies("\u{80}\0\0\0\0\0\0", 1),
            None,
            "flags is below 0x80"
        );
        // Half of a pair cannot end a field.
        let text = format!("@\u{1}{}\0\0\0\0😀", '\0');
        assert_eq!(unpack_browser_cookies(&text, 1), None);
    }

    /// Reads a packed list as lib/browser_cookies.js does (lengths and slices in UTF-16 units).
    fn read_as_js_reads(text: &str) -> Vec<BrowserCookie> {
        let units: Vec<u16> = text.encode_utf16().collect();
        let mut at = 0;
        let mut out = Vec::new();
        while at < units.len() {
            let bits = units[at] as u8 - FLAGS_BASE;
            let lengths: Vec<usize> = units[at + 1..at + 7].iter().map(|&u| u as usize).collect();
            at += 7;
            let mut fields = Vec::new();
            for length in lengths {
                fields.push(String::from_utf16(&units[at..at + length]).unwrap());
                at += length;
            }
            out.push(BrowserCookie {
                name: fields[0].clone(),
                value: fields[1].clone(),
                expires: given(bits, HAS_EXPIRES, &fields[2]).and_then(read_seconds),
                domain: given(bits, HAS_DOMAIN, &fields[3]).map(str::to_owned),
                path: given(bits, HAS_PATH, &fields[4]).map(str::to_owned),
                secure: bits & SECURE != 0,
                http_only: bits & HTTP_ONLY != 0,
                same_site: given(bits, HAS_SAME_SITE, &fields[5]).map(str::to_owned),
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
            let from_cookie = BrowserCookie::from_cookie(&cookie);
            assert_eq!(read_as_js_reads(&out), vec![from_cookie.clone()]);
            // The same form as JS writes: the reader here takes it back too.
            assert_eq!(
                unpack_browser_cookies(&out, 1),
                Some(vec![PackedEntry::Cookie(from_cookie.as_borrowed())])
            );
            assert!(pack_browser_cookie(&cookie, &mut all));
            expected.push(from_cookie);
        }
        assert_eq!(read_as_js_reads(&all), expected);
        let borrowed: Vec<PackedEntry> = expected
            .iter()
            .map(|c| PackedEntry::Cookie(c.as_borrowed()))
            .collect();
        assert_eq!(unpack_browser_cookies(&all, expected.len()), Some(borrowed));
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
