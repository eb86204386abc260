//! Replays the scenarios of `tests/data/cookies_scenarios.json` against our jar. Every expected
//! value in that file was produced by running tough-cookie 6.1.0 (and Crawlee 3.18.1's
//! `cookie_utils` for the browser format) through `tests/data/cookies_scenarios.gen.js`.
//!
//! JSON outputs are compared as text, so key order, omitted defaults and number forms must match.

use serde_json::{json, Value};
use session_pool_core::cookies::{BrowserCookie, CookieJar};

/// The generator's default clock: 2026-01-01T00:00:00.000Z.
const T0: f64 = 1_767_225_600_000.0;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/cookies_scenarios.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn str_field<'a>(step: &'a Value, name: &str) -> &'a str {
    step.get(name)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no {name} in {step}"))
}

fn to_text(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| panic!("serialization failed: {e}"))
}

/// What our jar answers to one step, in the generator's result shape.
fn run(step: &Value, jar: &mut CookieJar) -> Value {
    let now = step.get("now").and_then(Value::as_f64).unwrap_or(T0);
    let url = step.get("url").and_then(Value::as_str).unwrap_or_default();
    let error_list = |errors: Vec<session_pool_core::cookies::CookieError>| json!({ "errors": errors.into_iter().map(|e| e.message).collect::<Vec<_>>() });
    match str_field(step, "op") {
        "set" => match jar.set_cookie(str_field(step, "cookie"), url, now) {
            Ok(stored) => json!({ "stored": stored }),
            Err(e) => json!({ "error": e.message }),
        },
        "setHeaders" => {
            let headers: Vec<&str> = step["headers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            error_list(jar.set_cookies_from_headers(headers, url, now))
        }
        "setBrowser" => {
            let cookies: Vec<BrowserCookie> = serde_json::from_value(step["cookies"].clone())
                .unwrap_or_else(|e| panic!("bad browser cookies: {e}"));
            let max_age = step["maxAgeSecs"].as_f64().unwrap_or(3000.0);
            error_list(jar.set_browser_cookies(&cookies, url, max_age, now))
        }
        "get" => match jar.get_cookies(url, now) {
            Ok(cookies) => json!({ "cookies": to_text(&cookies) }),
            Err(e) => json!({ "error": e.message }),
        },
        "getBrowser" => match jar.get_browser_cookies(url, now) {
            Ok(mut cookies) => {
                // Crawlee's toughCookieToBrowserPoolCookie has no sameSite; ours adds it.
                cookies.iter_mut().for_each(|c| c.same_site = None);
                json!({ "cookies": to_text(&cookies) })
            }
            Err(e) => json!({ "error": e.message }),
        },
        "getString" => match jar.get_cookie_string(url, now) {
            Ok(s) => json!({ "string": s }),
            Err(e) => json!({ "error": e.message }),
        },
        "json" => json!({ "jar": jar.to_json_string() }),
        "removeAll" => {
            jar.remove_all_cookies();
            json!({})
        }
        other => panic!("unknown op {other}"),
    }
}

/// The generator's expectation with cookie lists and jars turned into JSON text, as `run` gives.
fn expected(step: &Value) -> Value {
    let mut expect = step["expect"].clone();
    for field in ["cookies", "jar"] {
        if let Some(value) = expect.get_mut(field) {
            *value = Value::String(to_text(value));
        }
    }
    expect
}

fn replay(name: &str, steps: &[Value], jar: &mut CookieJar, failures: &mut Vec<String>) -> usize {
    for (i, step) in steps.iter().enumerate() {
        let got = run(step, jar);
        let want = expected(step);
        if got != want {
            failures.push(format!(
                "{name} / step {i} {}:\n  tough: {want}\n  ours:  {got}",
                step.get("cookie")
                    .or(step.get("url"))
                    .unwrap_or(&step["op"])
            ));
        }
    }
    steps.len()
}

fn steps(scenario: &Value) -> &[Value] {
    scenario["steps"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[test]
fn operations_match_tough_cookie() {
    let fixture = fixture();
    let scenarios = fixture["scenarios"].as_array().cloned().unwrap_or_default();
    assert!(scenarios.len() >= 10, "fixture has too few scenarios");
    let mut failures = Vec::new();
    let mut count = 0;
    for scenario in &scenarios {
        let mut jar = CookieJar::new();
        count += replay(
            str_field(scenario, "name"),
            steps(scenario),
            &mut jar,
            &mut failures,
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {count} steps differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn jars_serialized_by_tough_load_like_tough() {
    let fixture = fixture();
    let loads = fixture["loads"].as_array().cloned().unwrap_or_default();
    assert!(!loads.is_empty(), "fixture has no loads");
    let mut failures = Vec::new();
    let mut count = 0;
    for load in &loads {
        let name = str_field(load, "name");
        let now = load["now"].as_f64().unwrap_or(T0);
        let mut jar = CookieJar::from_json_value(&load["json"], now)
            .unwrap_or_else(|e| panic!("{name}: load failed: {e}"));
        count += replay(name, steps(load), &mut jar, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} of {count} steps differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
