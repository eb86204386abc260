//! Numbers appended straight to a byte buffer as `JSON.stringify` writes them. Integral values (the usual
//! counts, scores and limits) take the integer printer inline; everything else goes to `write_js_number`,
//! which holds the JS layout rules.

use crate::state::js_json::write_js_number;

/// 2^53: below it an integral f64's integer digits are exactly the digits JS prints.
const EXACT_INT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Appends `value` as JS prints it in JSON (`null` for NaN and ±Infinity, `0` for -0).
#[inline]
pub(super) fn push_js_number(out: &mut Vec<u8>, value: f64) {
    if value.fract() == 0.0 && value.abs() < EXACT_INT_LIMIT {
        // Exact: the value is an integer of at most 53 bits, and -0 becomes 0 as in JS.
        out.extend_from_slice(itoa::Buffer::new().format(value as i64).as_bytes());
    } else {
        // Writing into a Vec cannot fail.
        let _ = write_js_number(out, value);
    }
}

/// Appends an integer count as JS would print the double it becomes (beyond 2^53 it is rounded, e.g. 2^64 as
/// `18446744073709552000`), as the serde writer's `write_u64` does.
pub(super) fn push_count(out: &mut Vec<u8>, value: u64) {
    if value <= 1 << 53 {
        out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    } else {
        let _ = write_js_number(out, value as f64);
    }
}
