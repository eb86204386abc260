//! JS string literals appended straight to a byte buffer, with a fast path for the usual string that needs no
//! escape at all (cookie values, ids, domains): it is found by testing eight bytes at a time and copied whole.
//!
//! The escapes are those of `JSON.stringify` (and of `js_json::write_js_string_contents`): `"` and `\` get a
//! backslash, the C0 controls become `\b \f \n \r \t` or a lowercase `\u00xx`, and every other byte (DEL,
//! U+2028, non-ASCII) is copied as it is.

/// Each byte's escape: 0 for none, `b'u'` for the `\u00xx` form, else the letter after the backslash.
const ESCAPES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x0c] = b'f';
    table[b'\n' as usize] = b'n';
    table[b'\r' as usize] = b'r';
    table[b'\t' as usize] = b't';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Whether any of the eight bytes of `word` is below 0x20, a `"` or a `\`. Each test is the classic "has a
/// byte less than n" bit trick (exact as a yes/no answer for n <= 0x80; equality is "less than 1" after XOR).
fn word_needs_escape(word: u64) -> bool {
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    let quote =
        (word ^ (ONES * u64::from(b'"'))).wrapping_sub(ONES) & !(word ^ (ONES * u64::from(b'"')));
    let backslash =
        (word ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES) & !(word ^ (ONES * u64::from(b'\\')));
    (control | quote | backslash) & HIGH_BITS != 0
}

/// The index of the first byte that needs an escape, if any.
fn first_escape(bytes: &[u8]) -> Option<usize> {
    let mut words = bytes.chunks_exact(8);
    let mut at = 0usize;
    for chunk in words.by_ref() {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        if word_needs_escape(u64::from_le_bytes(word)) {
            return chunk
                .iter()
                .position(|&b| ESCAPES[usize::from(b)] != 0)
                .map(|i| at + i);
        }
        at += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| ESCAPES[usize::from(b)] != 0)
        .map(|i| at + i)
}

/// Appends `text` as a quoted JS string literal.
pub(super) fn push_js_string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    match first_escape(bytes) {
        None => out.extend_from_slice(bytes),
        Some(at) => push_escaped(out, bytes, at),
    }
    out.push(b'"');
}

/// The slow path: `bytes` copied with escapes, the first of which is at `first`.
#[cold]
fn push_escaped(out: &mut Vec<u8>, bytes: &[u8], first: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut start = 0usize;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        let escape = ESCAPES[usize::from(b)];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(text: &str) -> Vec<u8> {
        let mut out = b"\"".to_vec();
        let _ = crate::state::js_json::write_js_string_contents(&mut out, text);
        out.push(b'"');
        out
    }

    #[test]
    fn every_single_byte_character_escapes_like_the_reference() {
        for code in 0u32..0x80 {
            let ch = char::from_u32(code).unwrap_or_default();
            for text in [
                ch.to_string(),
                format!("abcdefg{ch}"),
                format!("abcdefgh{ch}xyz"),
                format!("{ch}abcdefghijklmnop{ch}"),
            ] {
                let mut out = Vec::new();
                push_js_string(&mut out, &text);
                assert_eq!(out, reference(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn multi_byte_characters_at_every_word_offset() {
        let samples = (0x80u32..0x800).chain((0x800..=0x10_ffff).step_by(97));
        for ch in samples.filter_map(char::from_u32) {
            for offset in 0..9 {
                let text = format!("{}{ch}\"{ch}", "x".repeat(offset));
                let mut out = Vec::new();
                push_js_string(&mut out, &text);
                assert_eq!(out, reference(&text), "{text:?}");
                let text = format!("{}{ch}{ch}", "x".repeat(offset));
                out.clear();
                push_js_string(&mut out, &text);
                assert_eq!(out, reference(&text), "{text:?}");
            }
        }
    }

    #[test]
    fn non_ascii_is_copied() {
        for text in [
            "é",
            "\u{2028}\u{2029}",
            "😀 emoji",
            "\u{7f}",
            "0123456789abcdef\u{ff}",
        ] {
            let mut out = Vec::new();
            push_js_string(&mut out, text);
            assert_eq!(out, reference(text), "{text:?}");
        }
    }
}
