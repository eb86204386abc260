//! The IETF http-state cookie corpus (as shipped with tough-cookie's tests), read from
//! `__test__/data/ietf-cookies` (a copy of shared/data/ietf-cookies) at test time: every parser and date case must pass.

use serde_json::Value;
use session_pool_core::cookies::{format_date, parse_date, CookieJar};
use std::path::PathBuf;

/// 2026-01-01T00:00:00Z: after the corpus' past dates, before its far-future ones.
const NOW_MS: f64 = 1_767_225_600_000.0;

fn corpus_dir() -> PathBuf {
    // The repository keeps its own copy of the corpus (shared/data/ietf-cookies), so a clean clone can run it.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../__test__/data/ietf-cookies")
}

fn read_json(name: &str) -> Vec<Value> {
    let path = corpus_dir().join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the corpus file {}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Array(cases)) => cases,
        other => panic!("{} is not a JSON array: {other:?}", path.display()),
    }
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {field} in {value}"))
}

#[test]
fn parser_cases() {
    let cases = read_json("parser.json");
    assert_eq!(cases.len(), 222, "the corpus has 222 parser cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = text(case, "test");
        let mut jar = CookieJar::new();
        let set_url = format!("http://home.example.org/cookie-parser?{name}");
        for received in case
            .get("received")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let raw = received.as_str().unwrap_or_default();
            // Failures are part of the corpus: such cookies are simply not stored.
            let _ = jar.set_cookie(raw, &set_url, NOW_MS);
        }
        let sent_to = case
            .get("sent-to")
            .and_then(Value::as_str)
            .map(|s| {
                url::Url::parse("http://home.example.org")
                    .and_then(|base| base.join(s))
                    .map(|u| u.to_string())
                    .unwrap_or_else(|e| panic!("{name}: bad sent-to {s}: {e}"))
            })
            .unwrap_or_else(|| format!("http://home.example.org/cookie-parser-result?{name}"));
        let got: Vec<(String, String)> = jar
            .get_cookies(&sent_to, NOW_MS)
            .unwrap_or_else(|e| panic!("{name}: get_cookies failed: {e}"))
            .into_iter()
            .map(|c| (c.key().to_owned(), c.value().to_owned()))
            .collect();
        let expected: Vec<(String, String)> = case
            .get("sent")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|c| (text(c, "name").to_owned(), text(c, "value").to_owned()))
            .collect();
        if got != expected {
            failures.push(format!("{name}: expected {expected:?}, got {got:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn date_cases() {
    let mut count = 0;
    let mut failures = Vec::new();
    for file in ["dates/bsd-examples.json", "dates/examples.json"] {
        for case in read_json(file) {
            count += 1;
            let input = text(&case, "test");
            let expected = case.get("expected").and_then(Value::as_str);
            let got = parse_date(input).and_then(format_date);
            if got.as_deref() != expected {
                failures.push(format!("{input:?}: expected {expected:?}, got {got:?}"));
            }
        }
    }
    assert_eq!(count, 70, "the corpus has 70 date cases");
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
