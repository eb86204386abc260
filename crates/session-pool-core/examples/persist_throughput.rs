//! Throughput of persisting a pool: the serde writer (`write_state`, the reference) against the direct writer
//! (`write_state_direct` / `append_state`), and the whole `PoolSnapshot::write` (userData array parsed too),
//! over sessions with five typical cookies each. Both writers' outputs are checked to be identical.
//!
//! Run with `cargo run --release -p session-pool-core --example persist_throughput`; `SESSIONS` (10 000) and
//! `RUNS` (15, the best is kept) change the sizes.

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use session_pool_core::cookies::CookieJar;
use session_pool_core::snapshot::{PoolSnapshot, SnapshotSession};
use session_pool_core::state::{
    append_state, write_state, write_state_direct, RawJson, SessionSnapshot,
};

const NOW: f64 = 1_700_000_000_000.0;
const USER_DATA: &str = r#"{"label":"DETAIL","depth":1}"#;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Hex digits from a splitmix64 stream, so every session's values differ.
fn hex(state: &mut u64, len: usize) -> String {
    let mut out = String::with_capacity(len + 16);
    while out.len() < len {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        out.push_str(&format!("{:016x}", z ^ (z >> 31)));
    }
    out.truncate(len);
    out
}

fn jar(i: usize, state: &mut u64) -> CookieJar {
    let url = "https://www.example.com/";
    let now = NOW + i as f64 * 37.0;
    let headers = [
        format!(
            "sessionid={}; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
            hex(state, 32)
        ),
        format!(
            "csrftoken={}; Path=/; Max-Age=31536000; SameSite=Lax",
            hex(state, 24)
        ),
        format!(
            "_ga=GA1.2.{}.1700000000; Domain=example.com; Path=/; Max-Age=63072000",
            100_000 + i
        ),
        "lang=en-US; Path=/".to_owned(),
        format!(
            "cf_bm={}; Domain=.example.com; Path=/; Max-Age=1800; HttpOnly; Secure; SameSite=None",
            hex(state, 40)
        ),
    ];
    let mut jar = CookieJar::new();
    for header in &headers {
        match jar.set_cookie(header, url, now) {
            Ok(true) => {}
            other => panic!("cookie {header:?} not stored: {other:?}"),
        }
    }
    jar
}

/// The best wall time of `runs` calls, in seconds, and the last result.
fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = black_box(f());
        best = best.min(start.elapsed().as_secs_f64());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let count = env_number("SESSIONS", 10_000);
    let runs = env_number("RUNS", 15).max(1);
    let mut state = 1u64;
    let sessions: Vec<SnapshotSession> = (0..count)
        .map(|i| SnapshotSession {
            id: format!("session_{}", hex(&mut state, 10)).into(),
            jar: Arc::new(jar(i, &mut state)),
            max_error_score: 3.0,
            error_score_decrement: 0.5,
            expires_at: NOW + 3_000_000.0 + i as f64,
            created_at: NOW + i as f64,
            usage_count: (i % 50) as f64,
            max_usage_count: 50.0,
            error_score: (i % 6) as f64 * 0.5,
        })
        .collect();
    let user_data: Vec<RawJson> = (0..count)
        .map(|_| RawJson::from_text(USER_DATA).expect("userData"))
        .collect();
    let user_data_array = format!("[{}]", vec![USER_DATA; count].join(","));
    let snapshot = PoolSnapshot {
        usable_sessions_count: count as u64,
        retired_sessions_count: 0,
        sessions,
    };
    let snapshots = || {
        snapshot
            .sessions
            .iter()
            .zip(&user_data)
            .map(|(s, ud)| SessionSnapshot {
                id: &s.id,
                cookie_jar: &*s.jar,
                user_data: ud,
                max_error_score: s.max_error_score,
                error_score_decrement: s.error_score_decrement,
                expires_at: s.expires_at,
                created_at: s.created_at,
                usage_count: s.usage_count,
                max_usage_count: s.max_usage_count,
                error_score: s.error_score,
            })
    };
    let usable = count as u64;

    let (serde_s, reference) = best_of(runs, || {
        let mut out = Vec::with_capacity(count * 2600);
        write_state(&mut out, usable, 0, snapshots()).expect("write_state");
        out
    });
    let size = reference.len();
    let (direct_s, direct) = best_of(runs, || {
        let mut out = Vec::with_capacity(size);
        write_state_direct(&mut out, usable, 0, snapshots()).expect("write_state_direct");
        out
    });
    let (append_s, appended) = best_of(runs, || {
        let mut out = Vec::with_capacity(size);
        append_state(&mut out, usable, 0, snapshots());
        out
    });
    assert!(
        direct == reference,
        "write_state_direct differs from write_state"
    );
    assert!(
        appended == reference,
        "append_state differs from write_state"
    );

    // The persist path as a whole: userData array parsed, then written. "Before" is what
    // PoolSnapshot::write did until now: the same parse, then write_state.
    let (old_persist_s, old_persist) = best_of(runs, || {
        // RawJson deserializes as the Box<RawValue> the old code parsed and wrapped.
        let parsed: Vec<RawJson> = serde_json::from_str(&user_data_array).expect("array");
        let mut out = Vec::with_capacity(size);
        write_state(
            &mut out,
            usable,
            0,
            snapshot
                .sessions
                .iter()
                .zip(&parsed)
                .map(|(s, ud)| SessionSnapshot {
                    id: &s.id,
                    cookie_jar: &*s.jar,
                    user_data: ud,
                    max_error_score: s.max_error_score,
                    error_score_decrement: s.error_score_decrement,
                    expires_at: s.expires_at,
                    created_at: s.created_at,
                    usage_count: s.usage_count,
                    max_usage_count: s.max_usage_count,
                    error_score: s.error_score,
                }),
        )
        .expect("write_state");
        out
    });
    let (persist_s, persisted) = best_of(runs, || {
        let mut out = Vec::with_capacity(size);
        snapshot
            .write(&user_data_array, &mut out)
            .expect("PoolSnapshot::write");
        out
    });
    assert!(old_persist == reference && persisted == reference);

    let mb = size as f64 / 1e6;
    let line = |name: &str, seconds: f64| {
        println!(
            "{name:<44} {:>7.2} ms  {:>6.0} MB/s  x{:.2}",
            seconds * 1e3,
            mb / seconds,
            serde_s / seconds
        );
    };
    println!(
        "{count} sessions x 5 cookies, {mb:.1} MB ({:.0} bytes/session), best of {runs}:",
        size as f64 / count as f64
    );
    line("write_state (serde) into a Vec", serde_s);
    line("write_state_direct into a Vec", direct_s);
    line("append_state into a Vec", append_s);
    line("PoolSnapshot::write before (parse + serde)", old_persist_s);
    line("PoolSnapshot::write now (parse + direct)", persist_s);
}
