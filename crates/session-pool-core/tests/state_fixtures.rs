//! Output compared byte for byte with what Node/V8 and Crawlee 3.18.1 wrote (tests/data/make_fixtures.js).

use serde_json::{json, Value};
use session_pool_core::state::{
    format_iso, format_js_number, parse_date, parse_state, to_js_pretty_string, PersistedSession,
    PersistedState, RawJson,
};

const CRAWLEE_STATE: &str = include_str!("data/crawlee_state.json");

fn ms(iso: &str) -> f64 {
    parse_date(iso).unwrap_or_else(|| panic!("fixture date {iso} should parse"))
}

fn cookie(fields: Value) -> Value {
    fields
}

fn raw(value: Value) -> RawJson {
    RawJson::from_value(&value).expect("raw json")
}

fn jar(cookies: Vec<Value>) -> RawJson {
    raw(json!({
        "version": "tough-cookie@6.1.0",
        "storeType": "MemoryCookieStore",
        "rejectPublicSuffixes": true,
        "enableLooseMode": false,
        "allowSpecialUseDomain": true,
        "enforceSecureOriginOnStorage": true,
        "prefixSecurity": "silent",
        "cookies": cookies
    }))
}

const FROZEN: &str = "2024-05-06T07:08:09.123Z";

/// The state make_fixtures.js builds in Crawlee, built here from literals.
fn expected_state() -> PersistedState {
    let created = ms("2024-05-06T07:00:00.005Z");
    let expires = ms("2024-05-06T07:50:00.000Z");
    let text = "quote \" backslash \\ slash / tab \t nl \n cr \r bs \u{8} ff \u{c} nul \u{0} us \u{1f} del \u{7f} ls \u{2028} é 😀";
    let session_cookies = PersistedSession {
        id: "session_cookies".into(),
        cookie_jar: jar(vec![
            cookie(
                json!({"key": "a", "value": "1", "maxAge": 3600, "domain": "example.com", "path": "/",
                "hostOnly": true, "creation": FROZEN, "lastAccessed": FROZEN}),
            ),
            cookie(
                json!({"key": "b", "value": "two", "domain": "example.com", "path": "/shop", "secure": true,
                "httpOnly": true, "hostOnly": false, "creation": FROZEN, "lastAccessed": FROZEN, "sameSite": "lax"}),
            ),
            cookie(
                json!({"key": "c", "value": "\"quoted value\"", "expires": "2031-01-01T00:00:00.000Z",
                "domain": "sub.example.org", "path": "/a", "hostOnly": true, "pathIsDefault": true,
                "creation": FROZEN, "lastAccessed": FROZEN}),
            ),
            cookie(
                json!({"key": "pp", "value": "x y", "expires": "2030-03-17T17:46:40.000Z", "domain": "example.net",
                "path": "/", "secure": true, "httpOnly": true, "hostOnly": false, "creation": FROZEN,
                "lastAccessed": FROZEN}),
            ),
        ]),
        user_data: raw(json!({
            "zeta": 1,
            "alpha": { "nested": [1, 2.5, -3, 0.1, 1e21, 1e-7, 123456789012345680000.0, -0.0, f64::NAN, f64::INFINITY,
                null, true, false] },
            "text": text,
            "empty": {},
            "emptyArr": [],
            "": "empty key",
            "key \"with\" quotes": "v",
            "nestedEmpty": [[], {}, [{}]],
            "small": 5e-324,
            "max": 1.7976931348623157e308,
            "neg": -1234.5678,
            "exp": 1.5e300,
            "frac": 0.000001,
            "frac7": 0.0000001,
            "int21": 100000000000000000000.0,
            "int22": 1000000000000000000000.0
        })),
        max_error_score: 3.0,
        error_score_decrement: 0.5,
        expires_at: expires,
        created_at: created,
        usage_count: 4.0,
        max_usage_count: 50.0,
        error_score: 1.5,
    };
    let session_retired = PersistedSession {
        id: "session_retired".into(),
        cookie_jar: jar(vec![cookie(
            json!({"key": "gone", "value": "1", "domain": "retired.example", "path": "/",
            "hostOnly": true, "pathIsDefault": true, "creation": FROZEN, "lastAccessed": FROZEN}),
        )]),
        user_data: raw(json!({})),
        max_error_score: 3.0,
        error_score_decrement: 0.5,
        expires_at: expires,
        created_at: created,
        usage_count: 4.0,
        max_usage_count: 50.0,
        error_score: 6.0,
    };
    let session_fractional = PersistedSession {
        id: "session_fractional".into(),
        cookie_jar: jar(vec![]),
        user_data: raw(json!({"label": "DETAIL", "depth": 3})),
        max_error_score: 2.75,
        error_score_decrement: 0.25,
        expires_at: 253402300800000.0,
        created_at: -62198755200000.0,
        usage_count: 9.0,
        max_usage_count: 100.0,
        error_score: 1.0,
    };
    let session_empty = PersistedSession {
        id: "session_empty".into(),
        cookie_jar: jar(vec![]),
        user_data: raw(json!({})),
        max_error_score: 3.0,
        error_score_decrement: 0.5,
        expires_at: expires,
        created_at: created,
        usage_count: 0.0,
        max_usage_count: 50.0,
        error_score: 0.0,
    };
    PersistedState {
        usable_sessions_count: 3,
        retired_sessions_count: 1,
        sessions: vec![
            session_cookies,
            session_retired,
            session_fractional,
            session_empty,
        ],
    }
}

#[test]
fn state_built_in_rust_is_byte_identical_to_crawlee_persist_state() {
    let written = expected_state().to_json_string().expect("serialize");
    if written != CRAWLEE_STATE {
        let at = written
            .bytes()
            .zip(CRAWLEE_STATE.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let from = at.saturating_sub(80);
        panic!(
            "first difference at byte {at}\n--- ours ---\n{}\n--- crawlee ---\n{}",
            &written[from..(at + 80).min(written.len())],
            &CRAWLEE_STATE[from..(at + 80).min(CRAWLEE_STATE.len())]
        );
    }
}

#[test]
fn crawlee_state_parses_to_the_same_sessions_and_writes_back_identically() {
    let loaded = parse_state(CRAWLEE_STATE).expect("parse");
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let expected = expected_state();
    assert_eq!(loaded.sessions.len(), expected.sessions.len());
    for (got, want) in loaded.sessions.iter().zip(&expected.sessions) {
        assert_eq!(got.id, want.id);
        assert_eq!(got.cookie_jar, want.cookie_jar);
        assert_eq!(got.user_data, want.user_data);
        assert_eq!(got.expires_at, want.expires_at);
        assert_eq!(got.created_at, want.created_at);
        assert_eq!(got.usage_count, want.usage_count);
        assert_eq!(got.error_score, want.error_score);
        assert_eq!(got.max_error_score, want.max_error_score);
        assert_eq!(got.error_score_decrement, want.error_score_decrement);
        assert_eq!(got.max_usage_count, want.max_usage_count);
    }
    let state = PersistedState {
        usable_sessions_count: 3,
        retired_sessions_count: 1,
        sessions: loaded.sessions,
    };
    assert_eq!(state.to_json_string().expect("serialize"), CRAWLEE_STATE);
}

#[test]
fn numbers_match_v8_for_6000_doubles() {
    let table: Vec<(String, String)> =
        serde_json::from_str(include_str!("data/js_numbers.json")).expect("table");
    assert!(table.len() > 6000);
    for (bits, js) in table {
        let value = f64::from_bits(u64::from_str_radix(&bits, 16).expect("hex"));
        assert_eq!(format_js_number(value), js, "bits {bits}");
        // Reading must be exact too, or a value would print differently after a load/persist cycle.
        if js != "null" {
            let parsed: Value = serde_json::from_str(&js).expect("number");
            let back = parsed.as_f64().expect("f64");
            assert!(back == value, "read {js} as {back:e}, expected {value:e}");
        }
    }
}

#[test]
fn dates_match_v8_to_iso_string_and_parse_back() {
    let table: Vec<(f64, String)> =
        serde_json::from_str(include_str!("data/js_dates.json")).expect("table");
    assert!(table.len() > 3000);
    for (ms, iso) in table {
        assert_eq!(format_iso(ms).as_deref(), Some(iso.as_str()), "{ms}");
        assert_eq!(parse_date(&iso), Some(ms), "{iso}");
    }
}

#[test]
fn strings_are_escaped_as_v8_does() {
    #[derive(serde::Deserialize)]
    struct Table {
        input: Vec<u32>,
        pretty: String,
    }
    let table: Table = serde_json::from_str(include_str!("data/js_strings.json")).expect("table");
    let text: String = table
        .input
        .iter()
        .filter_map(|&c| char::from_u32(c))
        .collect();
    assert_eq!(text.chars().count(), table.input.len());
    let mut object = serde_json::Map::new();
    object.insert(text.clone(), json!([text]));
    assert_eq!(
        to_js_pretty_string(&Value::Object(object)).expect("serialize"),
        table.pretty
    );
}
