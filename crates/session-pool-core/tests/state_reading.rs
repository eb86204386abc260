//! Tolerant reading: whole-document errors versus per-session problems.

use serde_json::json;
use session_pool_core::state::{parse_state, parse_state_bytes, LoadedState, StateError};

const CRAWLEE_STATE: &str = include_str!("data/crawlee_state.json");

fn good_session(id: &str) -> serde_json::Value {
    json!({
        "id": id,
        "cookieJar": {"version": "tough-cookie@6.1.0", "cookies": []},
        "userData": {"n": 1},
        "maxErrorScore": 3,
        "errorScoreDecrement": 0.5,
        "expiresAt": "2030-01-01T00:00:00.000Z",
        "createdAt": "2024-01-01T00:00:00.000Z",
        "usageCount": 0,
        "maxUsageCount": 50,
        "errorScore": 0
    })
}

fn with(id: &str, field: &str, value: serde_json::Value) -> serde_json::Value {
    let mut session = good_session(id);
    session[field] = value;
    session
}

fn without(id: &str, field: &str) -> serde_json::Value {
    let mut session = good_session(id);
    if let Some(map) = session.as_object_mut() {
        map.remove(field);
    }
    session
}

fn parse_sessions(sessions: Vec<serde_json::Value>) -> LoadedState {
    let doc = json!({"usableSessionsCount": 0, "retiredSessionsCount": 0, "sessions": sessions});
    parse_state(&doc.to_string()).expect("document is well-formed")
}

#[test]
fn wrong_shapes_are_whole_document_errors() {
    for text in [
        "null",
        "[]",
        "[1,2]",
        "42",
        "\"text\"",
        "true",
        "{}",
        "{\"foo\": 1}",
        "{\"sessions\": {}}",
        "{\"sessions\": null}",
        "{\"sessions\": \"x\"}",
        "{\"sessions\": [{\"a\": [1, {\"b\": 2}]}], \"sessions\": 3}",
    ] {
        match parse_state(text) {
            Err(StateError::WrongShape(message)) => assert!(!message.is_empty()),
            other => panic!("{text}: expected WrongShape, got {other:?}"),
        }
    }
}

#[test]
fn syntax_errors_are_whole_document_errors() {
    for text in [
        "",
        "   \n",
        "{",
        "{\"sessions\": [",
        "{\"sessions\": []} trailing",
        "{'sessions': []}",
        "\u{0}",
        "{\"sessions\": [] ,}",
        "nul",
    ] {
        match parse_state(text) {
            Err(StateError::Syntax(message)) => assert!(!message.is_empty(), "{text:?}"),
            other => panic!("{text:?}: expected Syntax, got {other:?}"),
        }
    }
    assert!(matches!(
        parse_state_bytes(b"{\"sessions\": [\xff]}"),
        Err(StateError::Syntax(_))
    ));
}

#[test]
fn every_truncation_of_a_real_file_is_a_syntax_error() {
    for len in 0..CRAWLEE_STATE.len() {
        if !CRAWLEE_STATE.is_char_boundary(len) {
            continue;
        }
        assert!(
            matches!(
                parse_state(&CRAWLEE_STATE[..len]),
                Err(StateError::Syntax(_))
            ),
            "prefix of {len} bytes"
        );
    }
    assert!(parse_state(CRAWLEE_STATE).is_ok());
}

#[test]
fn hostile_nesting_neither_overflows_the_stack_reading_nor_writing() {
    // Pretty output grows with depth squared (every line is indented), so the depth stays moderate; it is still
    // far beyond serde_json's recursion limit of 128.
    let depth = 3_000;
    let mut session = good_session("deep");
    session["userData"] = json!("PLACEHOLDER");
    let deep = format!("[{}{}]", "[".repeat(depth), "]".repeat(depth));
    let doc = json!({"sessions": [session]})
        .to_string()
        .replace("\"PLACEHOLDER\"", &deep);
    // Kept as text, so serde_json's iterative skipping validates it without recursion.
    let loaded = parse_state(&doc).expect("parse");
    assert_eq!(loaded.sessions.len(), 1);
    // The JS printer re-indents text iteratively too.
    let state = session_pool_core::state::PersistedState {
        sessions: loaded.sessions,
        ..Default::default()
    };
    let text = state.to_json_string().expect("write");
    assert!(text.len() > depth * 2);
    // Turning it into a tree hits serde_json's recursion limit: an error, not a crash.
    assert!(state.sessions[0].user_data.to_value().is_err());
}

#[test]
fn bad_sessions_are_skipped_and_named_good_ones_kept() {
    let loaded = parse_sessions(vec![
        good_session("ok_0"),
        with("bad_id_type", "id", json!(17)),
        with("x", "id", json!("")),
        without("x", "id"),
        with("bad_jar", "cookieJar", json!([])),
        with("null_jar", "cookieJar", json!(null)),
        without("no_jar", "cookieJar"),
        with("bad_number", "usageCount", json!("3")),
        with("null_number", "errorScore", json!(null)),
        without("missing_number", "maxUsageCount"),
        with("bad_date", "expiresAt", json!("not a date")),
        with("bad_date_type", "createdAt", json!(true)),
        without("missing_date", "createdAt"),
        with("bad_user_data", "userData", json!("text")),
        json!("a string entry"),
        json!(null),
        json!([good_session("in_an_array")]),
        good_session("ok_1"),
        with("numeric_date", "expiresAt", json!(1893456000000u64)),
        without("no_user_data", "userData"),
        with(
            "extra_fields_ignored",
            "somethingElse",
            json!({"deep": [1, 2, 3]}),
        ),
        good_session("ok_0"),
    ]);
    let ids: Vec<&str> = loaded.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ok_0",
            "ok_1",
            "numeric_date",
            "no_user_data",
            "extra_fields_ignored"
        ]
    );

    let problem_indexes: Vec<usize> = loaded.problems.iter().map(|p| p.index).collect();
    assert_eq!(
        problem_indexes,
        [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 21]
    );
    let by_index = |i: usize| {
        loaded
            .problems
            .iter()
            .find(|p| p.index == i)
            .expect("problem listed")
    };
    assert_eq!(by_index(1).id, None);
    assert!(by_index(1)
        .reason
        .contains("\"id\" must be a string, found a number"));
    assert!(by_index(2).reason.contains("empty"));
    assert!(by_index(3).reason.contains("\"id\" is missing"));
    assert_eq!(by_index(4).id.as_deref(), Some("bad_jar"));
    assert!(by_index(4)
        .reason
        .contains("\"cookieJar\" must be an object, found an array"));
    assert!(by_index(5).reason.contains("found null"));
    assert!(by_index(6).reason.contains("\"cookieJar\" is missing"));
    assert!(by_index(7)
        .reason
        .contains("\"usageCount\" must be a finite number, found a string"));
    assert!(by_index(8)
        .reason
        .contains("\"errorScore\" must be a finite number, found null"));
    assert!(by_index(9).reason.contains("\"maxUsageCount\" is missing"));
    assert!(by_index(10)
        .reason
        .contains("\"expiresAt\" is not a valid date"));
    assert!(by_index(11)
        .reason
        .contains("\"createdAt\" must be a date string, found a boolean"));
    assert!(by_index(12).reason.contains("\"createdAt\" is missing"));
    assert!(by_index(13)
        .reason
        .contains("\"userData\" must be an object"));
    assert!(by_index(14).reason.contains("found a string"));
    assert!(by_index(15).reason.contains("found null"));
    assert!(by_index(16).reason.contains("found an array"));
    assert!(by_index(21).reason.contains("duplicate id"));
    let shown = by_index(4).to_string();
    assert!(
        shown.starts_with("session #4 (id \"bad_jar\") skipped: "),
        "{shown}"
    );

    let numeric = &loaded.sessions[2];
    assert_eq!(numeric.expires_at, 1893456000000.0);
    assert_eq!(
        loaded.sessions[3].user_data.to_value().expect("json"),
        json!({})
    );
}

#[test]
fn several_faults_in_one_session_are_all_named() {
    let mut session = with("multi", "usageCount", json!(false));
    session["expiresAt"] = json!("2024-13-01");
    let loaded = parse_sessions(vec![session]);
    assert!(loaded.sessions.is_empty());
    let reason = &loaded.problems[0].reason;
    assert!(
        reason.contains("usageCount") && reason.contains("expiresAt"),
        "{reason}"
    );
}

#[test]
fn empty_sessions_array_and_bom_are_fine() {
    let loaded = parse_state("\u{feff}{\"sessions\": []}").expect("parse");
    assert!(loaded.sessions.is_empty() && loaded.problems.is_empty());
}

#[test]
fn later_duplicate_keys_win_like_json_parse() {
    let text = r#"{"sessions": [], "sessions": [{"id": "a", "id": "b", "cookieJar": {}, "userData": {},
        "maxErrorScore": 3, "errorScoreDecrement": 0.5, "expiresAt": "2030-01-01", "createdAt": "2024-01-01",
        "usageCount": 1, "usageCount": 2, "maxUsageCount": 50, "errorScore": 0}]}"#;
    let loaded = parse_state(text).expect("parse");
    assert_eq!(loaded.sessions.len(), 1);
    assert_eq!(loaded.sessions[0].id, "b");
    assert_eq!(loaded.sessions[0].usage_count, 2.0);
}
