//! Time of the cookie calls the `cookies` benchmark makes, in the core alone (no N-API): storing a
//! response's three `Set-Cookie` values into a jar of 30 cookies, then the `Cookie` header for the
//! site, over 64 page URLs in turn (as bench/scenarios/cookies.js does).
//!
//! Run with `cargo run --release --example cookie_ops`; `CALLS` (default 500 000) sets the calls per
//! timed round; `ONLY=set|get` times one of the two (for `perf record`).

use session_pool_core::cookies::CookieJar;
use std::hint::black_box;
use std::time::Instant;

const BASE: &str = "https://www.example.com/";

fn hex(seed: usize, len: usize) -> String {
    let mut x = seed as u64 * 0x9E37_79B9_7F4A_7C15 + 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from_digit((x % 16) as u32, 16).unwrap_or('0')
        })
        .collect()
}

fn main() {
    let calls: usize = std::env::var("CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500_000);
    let only = std::env::var("ONLY").unwrap_or_default();
    let now = 1.7e12;
    let mut jar = CookieJar::new();
    for i in 0..27 {
        let raw = format!("pref_{i}={}; Path=/; Max-Age=86400", hex(i + 100, 16));
        jar.set_cookie(&raw, BASE, now).expect("stored");
    }
    let responses: Vec<(String, [String; 3])> = (0..64)
        .map(|i| {
            (
                format!("{BASE}product/{i}"),
                [
                    format!(
                        "sessionid={}; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
                        hex(i, 32)
                    ),
                    format!("visit={i}; Path=/; Max-Age=3600"),
                    format!(
                        "cf_bm={}; Domain=example.com; Path=/; Max-Age=1800; HttpOnly; Secure",
                        hex(i + 9, 40)
                    ),
                ],
            )
        })
        .collect();
    let (url, headers) = &responses[0];
    jar.set_cookies_from_headers(headers.iter().map(String::as_str), url, now);
    assert_eq!(jar.len(), 30);
    for round in 0..5 {
        if only.is_empty() || only == "set" {
            let t = Instant::now();
            for i in 0..calls {
                let (url, headers) = &responses[i & 63];
                let errors =
                    jar.set_cookies_from_headers(headers.iter().map(String::as_str), url, now);
                black_box(errors);
            }
            let set = t.elapsed().as_nanos() as f64 / calls as f64;
            println!("round {round}: set 3 headers {set:.0} ns");
        }
        if only.is_empty() || only == "get" {
            let t = Instant::now();
            let mut sink = 0;
            for _ in 0..calls {
                sink += jar
                    .get_cookie_string(BASE, now)
                    .map(|s| s.len())
                    .unwrap_or(0);
            }
            let get = t.elapsed().as_nanos() as f64 / calls as f64;
            println!("round {round}: get string of 30 {get:.0} ns ({sink})");
        }
    }
}
