//! Write then read gives the same sessions, for data shaped like real pools and for odd values.

use serde_json::{json, Value};
use session_pool_core::state::{
    parse_state, write_state, PersistedSession, PersistedState, RawJson, SessionSnapshot,
};

fn raw(value: Value) -> RawJson {
    RawJson::from_value(&value).expect("raw json")
}

fn session(i: usize) -> PersistedSession {
    let cookies: Vec<_> = (0..i % 4)
        .map(|c| {
            json!({"key": format!("k{c}"), "value": format!("v{i}-{c}=\"\\/\u{0}é"), "domain": "example.com",
                "path": "/", "hostOnly": c % 2 == 0, "creation": "2024-05-06T07:08:09.123Z",
                "lastAccessed": "2024-05-06T07:08:09.123Z"})
        })
        .collect();
    PersistedSession {
        id: format!("session_{i}"),
        cookie_jar: raw(
            json!({"version": "tough-cookie@6.1.0", "storeType": "MemoryCookieStore", "cookies": cookies}),
        ),
        user_data: raw(
            json!({"i": i, "half": i as f64 / 2.0, "tiny": 1e-9 * i as f64, "z": null, "a": [true, {}]}),
        ),
        max_error_score: 3.0,
        error_score_decrement: 0.5,
        expires_at: 1_700_000_000_000.0 + i as f64 * 1234.0,
        created_at: -62198755200000.0 + i as f64,
        usage_count: i as f64,
        max_usage_count: 50.0,
        error_score: (i % 7) as f64 * 0.25,
    }
}

#[test]
fn write_then_read_gives_equal_sessions() {
    let state = PersistedState {
        usable_sessions_count: 90,
        retired_sessions_count: 10,
        sessions: (0..100).map(session).collect(),
    };
    let text = state.to_json_string().expect("serialize");
    let loaded = parse_state(&text).expect("parse");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    // RawJson compares as JS would print it, so `1` read back equals the `1.0` written.
    assert!(
        loaded.sessions == state.sessions,
        "sessions differ after a round trip"
    );
    // And a second cycle is a fixed point, byte for byte.
    let again = PersistedState {
        sessions: loaded.sessions,
        ..state
    };
    assert_eq!(again.to_json_string().expect("serialize"), text);
}

#[test]
fn empty_pool() {
    let text = PersistedState::default()
        .to_json_string()
        .expect("serialize");
    assert_eq!(
        text,
        "{\n  \"usableSessionsCount\": 0,\n  \"retiredSessionsCount\": 0,\n  \"sessions\": []\n}"
    );
    assert!(parse_state(&text).expect("parse").sessions.is_empty());
}

#[test]
fn invalid_dates_are_written_as_null_and_only_that_session_is_lost() {
    let mut broken = session(1);
    broken.expires_at = f64::NAN;
    let state = PersistedState {
        usable_sessions_count: 2,
        retired_sessions_count: 0,
        sessions: vec![session(0), broken],
    };
    let text = state.to_json_string().expect("serialize");
    assert!(text.contains("\"expiresAt\": null"));
    let loaded = parse_state(&text).expect("parse");
    assert_eq!(loaded.sessions.len(), 1);
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].id.as_deref(), Some("session_1"));
}

#[test]
fn snapshots_of_borrowed_custom_types_write_the_same_bytes() {
    #[derive(serde::Serialize)]
    struct Jar {
        version: &'static str,
        cookies: Vec<u8>,
    }
    let jar = Jar {
        version: "tough-cookie@6.1.0",
        cookies: vec![],
    };
    let user_data = json!({"x": 1});
    let snapshot = SessionSnapshot {
        id: "s",
        cookie_jar: &jar,
        user_data: &user_data,
        max_error_score: 3.0,
        error_score_decrement: 0.5,
        expires_at: 0.0,
        created_at: 0.0,
        usage_count: 0.0,
        max_usage_count: 50.0,
        error_score: 0.0,
    };
    let mut out = Vec::new();
    write_state(&mut out, 1, 0, [snapshot]).expect("write");
    let owned = PersistedState {
        usable_sessions_count: 1,
        retired_sessions_count: 0,
        sessions: vec![PersistedSession {
            id: "s".into(),
            cookie_jar: raw(json!({"version": "tough-cookie@6.1.0", "cookies": []})),
            user_data: raw(user_data),
            max_error_score: 3.0,
            error_score_decrement: 0.5,
            expires_at: 0.0,
            created_at: 0.0,
            usage_count: 0.0,
            max_usage_count: 50.0,
            error_score: 0.0,
        }],
    };
    assert_eq!(
        String::from_utf8(out).expect("utf8"),
        owned.to_json_string().expect("serialize")
    );
}
