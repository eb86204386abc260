//! Timings for large pools. Ignored by default; run in release:
//!   cargo test --release --test state_perf -- --ignored --nocapture

use std::time::Instant;

use serde_json::json;
use session_pool_core::file_store::{FileStore, ReadOutcome};
use session_pool_core::state::{
    parse_state, write_state, PersistedSession, PersistedState, RawJson, SessionSnapshot,
};

/// A session shaped like what Crawlee persists after a few requests: five cookies on two domains.
fn session(i: usize) -> PersistedSession {
    let cookies: Vec<_> = (0..5)
        .map(|c| {
            json!({
                "key": format!("cookie_{c}"),
                "value": format!("{:032x}", (i as u128) * 0x9e37_79b9_7f4a_7c15 + c as u128),
                "expires": "2031-01-01T00:00:00.000Z",
                "domain": if c < 3 { "example.com" } else { "shop.example.org" },
                "path": "/",
                "secure": c % 2 == 0,
                "httpOnly": true,
                "hostOnly": c >= 3,
                "creation": "2024-05-06T07:08:09.123Z",
                "lastAccessed": "2024-05-06T07:08:09.123Z",
                "sameSite": "lax"
            })
        })
        .collect();
    PersistedSession {
        id: format!("session_{:010}", i),
        cookie_jar: RawJson::from_value(&json!({
            "version": "tough-cookie@6.1.0",
            "storeType": "MemoryCookieStore",
            "rejectPublicSuffixes": true,
            "enableLooseMode": false,
            "allowSpecialUseDomain": true,
            "enforceSecureOriginOnStorage": true,
            "prefixSecurity": "silent",
            "cookies": cookies
        }))
        .expect("jar"),
        user_data: RawJson::from_value(&json!({"label": "DETAIL", "retries": i % 3}))
            .expect("user data"),
        max_error_score: 3.0,
        error_score_decrement: 0.5,
        expires_at: 1_715_000_000_000.0 + i as f64,
        created_at: 1_714_990_000_000.0 + i as f64,
        usage_count: (i % 50) as f64,
        max_usage_count: 50.0,
        error_score: (i % 6) as f64 * 0.5,
    }
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed().as_secs_f64() * 1000.0);
        last = Some(out);
    }
    match last {
        Some(out) => (best, out),
        None => panic!("runs must be > 0"),
    }
}

#[test]
#[ignore = "timing; run in release with --ignored --nocapture"]
fn timing_serialize_and_parse() {
    let dir = std::env::temp_dir().join(format!("sp-state-perf-{}", std::process::id()));
    for n in [1_000usize, 10_000, 100_000] {
        let state = PersistedState {
            usable_sessions_count: n as u64,
            retired_sessions_count: 0,
            sessions: (0..n).map(session).collect(),
        };
        let runs = if n == 100_000 { 3 } else { 10 };
        let (serialize_ms, text) = best_of(runs, || state.to_json_string().expect("serialize"));
        let (parse_ms, loaded) = best_of(runs, || parse_state(&text).expect("parse"));
        assert_eq!(loaded.sessions.len(), n);
        assert!(loaded.problems.is_empty());

        // The same data as serde_json Value trees, written through borrowed snapshots: the path a typed jar
        // (the cookie module's own struct) takes, rather than text held from a load.
        let trees: Vec<(serde_json::Value, serde_json::Value)> = state
            .sessions
            .iter()
            .map(|s| {
                (
                    s.cookie_jar.to_value().expect("jar"),
                    s.user_data.to_value().expect("user data"),
                )
            })
            .collect();
        let (tree_ms, tree_text) = best_of(runs, || {
            let mut out = Vec::with_capacity(text.len());
            let snapshots =
                state
                    .sessions
                    .iter()
                    .zip(&trees)
                    .map(|(s, (jar, data))| SessionSnapshot {
                        id: &s.id,
                        cookie_jar: jar,
                        user_data: data,
                        max_error_score: s.max_error_score,
                        error_score_decrement: s.error_score_decrement,
                        expires_at: s.expires_at,
                        created_at: s.created_at,
                        usage_count: s.usage_count,
                        max_usage_count: s.max_usage_count,
                        error_score: s.error_score,
                    });
            write_state(&mut out, n as u64, 0, snapshots).expect("write");
            out
        });
        assert!(tree_text == text.as_bytes());

        let store =
            FileStore::new(dir.join(n.to_string()), "SDK_SESSION_POOL_STATE").expect("store");
        let (write_ms, ()) = best_of(runs, || store.write_state(&state).expect("write"));
        let (read_ms, outcome) = best_of(runs, || store.read_state(0.0).expect("read"));
        assert!(matches!(outcome, ReadOutcome::Loaded(ref l) if l.sessions.len() == n));
        eprintln!(
            "{n:>7} sessions x 5 cookies: {:>6.1} MB | serialize {serialize_ms:>7.1} ms ({:.0} MB/s) | serialize \
             from Value trees {tree_ms:>7.1} ms | parse {parse_ms:>7.1} ms ({:.0} MB/s) | atomic file write incl. \
             fsync {write_ms:>7.1} ms | file read+parse {read_ms:>7.1} ms",
            text.len() as f64 / 1e6,
            text.len() as f64 / 1e3 / serialize_ms,
            text.len() as f64 / 1e3 / parse_ms,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
