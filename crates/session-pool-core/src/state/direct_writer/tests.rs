//! The direct writer against the serde writer (`write_state`, the reference), byte for byte: hand-picked edge
//! cases for every field and cookie attribute, then a few thousand generated states.

use std::sync::Arc;

use super::{append_state, write_state_direct};
use crate::cookies::{Cookie, CookieJar, CookieTime};
use crate::snapshot::{PoolSnapshot, SnapshotSession};
use crate::state::{write_state, RawJson, SessionSnapshot};

const NOW: f64 = 1_700_000_000_000.0;

/// xorshift64*: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// One session's data, owned; [`SessionData::snapshot`] lends it to the writers.
struct SessionData {
    id: String,
    jar: CookieJar,
    user_data: RawJson,
    max_error_score: f64,
    error_score_decrement: f64,
    expires_at: f64,
    created_at: f64,
    usage_count: f64,
    max_usage_count: f64,
    error_score: f64,
}

impl SessionData {
    fn new(id: &str, jar: CookieJar, user_data: &str) -> Self {
        SessionData {
            id: id.to_owned(),
            jar,
            user_data: raw(user_data),
            max_error_score: 3.0,
            error_score_decrement: 0.5,
            expires_at: NOW + 3_000_000.0,
            created_at: NOW,
            usage_count: 0.0,
            max_usage_count: 50.0,
            error_score: 0.0,
        }
    }

    fn snapshot(&self) -> SessionSnapshot<'_, CookieJar, RawJson> {
        SessionSnapshot {
            id: &self.id,
            cookie_jar: &self.jar,
            user_data: &self.user_data,
            max_error_score: self.max_error_score,
            error_score_decrement: self.error_score_decrement,
            expires_at: self.expires_at,
            created_at: self.created_at,
            usage_count: self.usage_count,
            max_usage_count: self.max_usage_count,
            error_score: self.error_score,
        }
    }
}

fn raw(text: &str) -> RawJson {
    match RawJson::from_text(text) {
        Ok(raw) => raw,
        Err(e) => panic!("test userData {text:?} is not JSON: {e}"),
    }
}

fn reference(usable: u64, retired: u64, sessions: &[SessionData]) -> Vec<u8> {
    let mut out = Vec::new();
    if let Err(e) = write_state(
        &mut out,
        usable,
        retired,
        sessions.iter().map(SessionData::snapshot),
    ) {
        panic!("write_state failed: {e}");
    }
    out
}

/// Where two outputs first differ, with some text around it, for a readable failure.
fn difference(expected: &[u8], actual: &[u8]) -> String {
    let at = expected
        .iter()
        .zip(actual)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(actual.len()));
    let from = at.saturating_sub(160);
    format!(
        "first difference at byte {at} (lengths {} and {})\n--- expected ---\n{}\n--- direct ---\n{}",
        expected.len(),
        actual.len(),
        String::from_utf8_lossy(&expected[from..(at + 80).min(expected.len())]),
        String::from_utf8_lossy(&actual[from..(at + 80).min(actual.len())]),
    )
}

/// Both entry points of the direct writer give the reference bytes.
fn assert_same(usable: u64, retired: u64, sessions: &[SessionData]) {
    let expected = reference(usable, retired, sessions);
    let mut appended = Vec::new();
    append_state(
        &mut appended,
        usable,
        retired,
        sessions.iter().map(SessionData::snapshot),
    );
    assert!(appended == expected, "{}", difference(&expected, &appended));
    let mut written = Vec::new();
    if let Err(e) = write_state_direct(
        &mut written,
        usable,
        retired,
        sessions.iter().map(SessionData::snapshot),
    ) {
        panic!("write_state_direct failed: {e}");
    }
    assert!(written == expected, "{}", difference(&expected, &written));
}

/// Puts a cookie in the jar as a load does (cookies need a domain and a path to be kept).
fn jar_of(cookies: impl IntoIterator<Item = Cookie>) -> CookieJar {
    let mut jar = CookieJar::new();
    for cookie in cookies {
        jar.put_loaded(cookie);
    }
    jar
}

fn plain_cookie(key: &str) -> Cookie {
    Cookie::with_text(key, "v", Some("example.com"), Some("/"), NOW)
}

const STRINGS: &[&str] = &[
    "",
    "plain",
    "quote\"d",
    "back\\slash",
    "\u{0}",
    "nul\u{0}inside",
    "\u{1}\u{2}\u{7}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{e}\u{1b}\u{1f}",
    "tab\tnew\nline\rcr",
    "del\u{7f}",
    "\u{80}\u{9f}",
    "line\u{2028}para\u{2029}",
    "café naïve",
    "emoji 😀👍🏽",
    "/slash/ <html> & 'single'",
    "0123456789abcdef0123456789abcdef",
    "0123456\"",
    "01234567\"",
    "0123456789abcde\\",
    "\"\"\"\"\"\"\"\"\"",
];

const NUMBERS: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    3.0,
    50.0,
    0.1,
    0.30000000000000004,
    -1234.5678,
    1e20,
    1e21,
    1.5e21,
    9.999999999999999e20,
    123456789012345680000.0,
    1e-6,
    1e-7,
    1.5e-7,
    5e-324,
    f64::MIN_POSITIVE,
    f64::MAX,
    -f64::MAX,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    9_007_199_254_740_991.0,
    9_007_199_254_740_992.0,
    9_007_199_254_740_994.0,
    -9_007_199_254_740_992.0,
    9.0e18,
    9.3e18,
    -9.3e18,
    1e300,
    -1.5e-300,
];

const DATES: &[f64] = &[
    0.0,
    -0.0,
    -1.0,
    1.7,
    -1.7,
    0.999,
    -0.999,
    NOW,
    NOW + 0.5,
    1_704_164_645_678.0,
    951_782_400_000.0,     // 2000-02-29
    -2_208_988_800_000.0,  // 1900-01-01
    -62_167_219_200_000.0, // 0000-01-01
    -62_167_219_200_001.0, // -000001-12-31T23:59:59.999Z
    -62_198_755_200_000.0, // -000001-01-01
    253_402_300_799_999.0, // 9999-12-31T23:59:59.999Z
    253_402_300_800_000.0, // +010000-01-01
    8.64e15,               // +275760-09-13
    -8.64e15,              // -271821-04-20
    8.64e15 + 1.0,         // Invalid Date
    -8.64e15 - 1.0,
    1e20,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
];

const USER_DATA: &[&str] = &[
    "{}",
    "[]",
    "{ }",
    "[ ]",
    "null",
    "true",
    "0",
    "-0",
    "1e400",
    "\"text\"",
    r#"{"label":"DETAIL","depth":1}"#,
    r#"{"a":{"b":{"c":[1,[2,[3,{}]],[]]}},"d":[]}"#,
    "{\n  \"indented\": [\n    1,\n    2\n  ]\n}",
    r#"[{"x":1},{"y":[{}]},"s",null,false]"#,
    r#"{"esc":"q\"b\\s\/\b\f\n\r\t\u0000\u001f\u007f\u00e9\u2028\ud83d\ude00","k\u0041":"\uD800x"}"#,
    r#"{"n":[1.0,1.50,-0,0.0,1e5,1E+5,1e-7,-1.5e300,123456789012345678901,100000000000000000000,0.1,5e-324,1e21,12]}"#,
    r#"{"emoji":"😀","é":"naïve","ctl":"\u0009"}"#,
];

#[test]
fn empty_pools_and_counts() {
    for (usable, retired) in [
        (0, 0),
        (1, 0),
        (0, 7),
        (1 << 53, 9),
        ((1 << 53) + 1, (1 << 53) + 2),
        (u64::MAX, 12_345),
    ] {
        assert_same(usable, retired, &[]);
        assert_same(
            usable,
            retired,
            &[SessionData::new("s", CookieJar::new(), "{}")],
        );
    }
}

#[test]
fn ids_with_escapes() {
    let sessions: Vec<SessionData> = STRINGS
        .iter()
        .map(|id| SessionData::new(id, CookieJar::new(), "{}"))
        .collect();
    assert_same(sessions.len() as u64, 0, &sessions);
    for session in sessions {
        assert_same(1, 0, &[session]);
    }
}

#[test]
fn every_number_in_every_number_field() {
    for &n in NUMBERS {
        for field in 0..5 {
            let mut session = SessionData::new("s", jar_of([plain_cookie("a")]), "{}");
            match field {
                0 => session.max_error_score = n,
                1 => session.error_score_decrement = n,
                2 => session.usage_count = n,
                3 => session.max_usage_count = n,
                _ => session.error_score = n,
            }
            assert_same(1, 0, &[session]);
        }
    }
}

#[test]
fn every_date_in_the_session_and_cookie_dates() {
    for &ms in DATES {
        let mut session = SessionData::new("s", CookieJar::new(), "{}");
        session.expires_at = ms;
        assert_same(1, 0, &[session]);
        let mut session = SessionData::new("s", CookieJar::new(), "{}");
        session.created_at = ms;
        assert_same(1, 0, &[session]);

        let mut cookie = plain_cookie("a");
        cookie.set_expires(CookieTime::At(ms));
        cookie.set_creation(CookieTime::At(ms));
        cookie.set_last_accessed(CookieTime::At(ms));
        assert_same(1, 0, &[SessionData::new("s", jar_of([cookie]), "{}")]);
    }
}

#[test]
fn every_day_of_a_wide_range_through_the_day_memory() {
    // Many days, each visited twice with different times, so the remembered date part is both filled and
    // reused, across every slot.
    let mut sessions = Vec::new();
    let mut day = -3_000_000i64;
    while day < 3_000_000 {
        let mut session = SessionData::new("s", CookieJar::new(), "{}");
        session.expires_at = (day * 86_400_000 + 12_345_678) as f64;
        session.created_at = (day * 86_400_000 + 86_399_999) as f64;
        sessions.push(session);
        day += 997;
    }
    assert_same(0, 0, &sessions);
}

#[test]
fn user_data_of_every_shape() {
    for text in USER_DATA {
        assert_same(
            1,
            0,
            &[SessionData::new("s", jar_of([plain_cookie("a")]), text)],
        );
    }
}

/// Every option of every cookie attribute, each on an otherwise random cookie.
#[test]
fn every_cookie_attribute_option() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let options: &[fn(&mut Cookie)] = &[
        |c| c.set_key(""),
        |c| c.set_value(""),
        |c| {
            c.set_key("");
            c.set_value("");
        },
        |c| c.set_domain(Some("")),
        |c| c.set_path(Some("")),
        |c| c.set_secure(true),
        |c| c.set_secure(false),
        |c| c.set_http_only(true),
        |c| c.set_http_only(false),
        |c| c.set_same_site(None),
        |c| c.set_same_site(Some("strict")),
        |c| c.set_same_site(Some("lax")),
        |c| c.set_same_site(Some("none")),
        |c| c.set_same_site(Some("Lax")),
        |c| c.set_same_site(Some("")),
        |c| c.set_same_site(Some("we\"ird\u{1}")),
        |c| c.set_host_only(None),
        |c| c.set_host_only(Some(false)),
        |c| c.set_host_only(Some(true)),
        |c| c.set_path_is_default(None),
        |c| c.set_path_is_default(Some(false)),
        |c| c.set_path_is_default(Some(true)),
        |c| c.set_expires(CookieTime::Infinity),
        |c| c.set_expires(CookieTime::Null),
        |c| c.set_expires(CookieTime::At(NOW + 86_400_000.0)),
        |c| c.set_expires(CookieTime::At(-1.0)),
        |c| c.set_expires(CookieTime::At(f64::NAN)),
        |c| c.set_max_age(None),
        |c| c.set_max_age(Some(0.0)),
        |c| c.set_max_age(Some(-0.0)),
        |c| c.set_max_age(Some(-1.0)),
        |c| c.set_max_age(Some(86_400.0)),
        |c| c.set_max_age(Some(1.5)),
        |c| c.set_max_age(Some(1e21)),
        |c| c.set_max_age(Some(9.3e18)),
        |c| c.set_max_age(Some(f64::INFINITY)),
        |c| c.set_max_age(Some(f64::NEG_INFINITY)),
        |c| c.set_max_age(Some(f64::NAN)),
        |c| c.set_extensions(None),
        |c| c.set_extensions(Some(Vec::new())),
        |c| c.set_extensions(Some(vec!["Priority=High".into()])),
        |c| c.set_extensions(Some(vec!["Partitioned".into(), "x\"y\\z\n".into()])),
        |c| c.set_creation(CookieTime::Null),
        |c| c.set_creation(CookieTime::Infinity),
        |c| c.set_creation(CookieTime::At(-86_400_001.0)),
        |c| c.set_creation(CookieTime::At(f64::NAN)),
        |c| c.set_last_accessed(CookieTime::Null),
        |c| c.set_last_accessed(CookieTime::Infinity),
        |c| c.set_last_accessed(CookieTime::At(NOW)),
        |c| c.set_last_accessed(CookieTime::At(8.64e15)),
    ];
    for option in options {
        for _ in 0..8 {
            let mut cookie = random_cookie(&mut rng);
            option(&mut cookie);
            assert_same(1, 0, &[SessionData::new("s", jar_of([cookie]), "{}")]);
        }
    }
    // A cookie with nothing but its domain and path (every other attribute at tough's default).
    let mut bare = Cookie::with_text("", "", Some("example.com"), Some("/"), NOW);
    bare.set_creation(CookieTime::Null);
    assert_same(1, 0, &[SessionData::new("s", jar_of([bare]), "{}")]);
    // And one with every attribute set.
    let mut full = plain_cookie("full");
    full.set_expires(CookieTime::At(NOW));
    full.set_max_age(Some(60.0));
    full.set_secure(true);
    full.set_http_only(true);
    full.set_extensions(Some(vec!["a=b".into()]));
    full.set_host_only(Some(true));
    full.set_path_is_default(Some(true));
    full.set_last_accessed(CookieTime::At(NOW));
    full.set_same_site(Some("strict"));
    assert_same(1, 0, &[SessionData::new("s", jar_of([full]), "{}")]);
}

#[test]
fn jars_set_from_set_cookie_headers() {
    let headers = [
        "sessionid=0123456789abcdef0123456789abcdef; Path=/; Max-Age=86400; HttpOnly; Secure; SameSite=Lax",
        "csrftoken=0123456789abcdef01234567; Path=/; Max-Age=31536000; SameSite=Lax",
        "_ga=GA1.2.12345.1700000000; Domain=example.com; Path=/; Max-Age=63072000",
        "lang=en-US; Path=/",
        "cf_bm=0123456789abcdef0123456789abcdef01234567; Domain=.example.com; Path=/; Max-Age=1800; HttpOnly; Secure; SameSite=None",
        "exp=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/a",
        "old=1; Expires=Thu, 01 Jan 1960 00:00:00 GMT",
        "ext=1; Priority=High; Partitioned; foo=\"bar\"",
        "strict=1; SameSite=Strict",
        "weird=1; SameSite=Whatever",
        "nopath=1",
        "=novalue",
        "quoted=\"a b\"; Path=/x/y",
    ];
    for count in [0usize, 1, 5, headers.len()] {
        let mut jar = CookieJar::new();
        for header in headers.iter().take(count) {
            let _ = jar.set_cookie(header, "https://www.example.com/dir/page", NOW);
        }
        assert_same(
            1,
            0,
            &[SessionData::new(
                "s",
                jar,
                r#"{"label":"DETAIL","depth":1}"#,
            )],
        );
    }
}

fn random_text(rng: &mut Rng) -> String {
    if rng.percent(60) {
        let len = rng.below(48);
        return (0..len)
            .map(|_| char::from(rng.pick(b"0123456789abcdefXYZ._-=/%")))
            .collect();
    }
    let mut text = String::new();
    for _ in 0..rng.below(12) {
        text.push_str(rng.pick(STRINGS));
    }
    text
}

fn random_number(rng: &mut Rng) -> f64 {
    match rng.below(5) {
        0 => rng.pick(NUMBERS),
        1 => rng.below(2_000_001) as f64 - 1_000_000.0,
        2 => f64::from_bits(rng.next()),
        3 => (rng.below(2001) as f64 - 1000.0) / rng.pick(&[2.0, 4.0, 8.0, 10.0, 3.0, 1e6]),
        _ => rng.below(60) as f64 * 0.5,
    }
}

fn random_date(rng: &mut Rng) -> f64 {
    match rng.below(5) {
        0 => rng.pick(DATES),
        1 => NOW + (rng.below(800) as f64 - 400.0) * 86_400_000.0 + rng.below(86_400_000) as f64,
        2 => (rng.next() % 17_280_000_000_000_001) as f64 - 8.64e15,
        3 => NOW + rng.below(10_000_000) as f64,
        _ => NOW,
    }
}

fn random_time(rng: &mut Rng) -> CookieTime {
    match rng.below(6) {
        0 => CookieTime::Null,
        1 => CookieTime::Infinity,
        _ => CookieTime::At(random_date(rng)),
    }
}

fn random_option_bool(rng: &mut Rng) -> Option<bool> {
    rng.pick(&[None, Some(false), Some(true)])
}

fn random_cookie(rng: &mut Rng) -> Cookie {
    let key = if rng.percent(5) {
        String::new()
    } else {
        random_text(rng)
    };
    let value = if rng.percent(5) {
        String::new()
    } else {
        random_text(rng)
    };
    let domain = if rng.percent(70) {
        rng.pick(&["example.com", "www.example.com", "shop.example.org"])
            .to_string()
    } else {
        random_text(rng)
    };
    let path = if rng.percent(70) {
        "/".to_owned()
    } else {
        random_text(rng)
    };
    let mut cookie = Cookie::with_text(&key, &value, Some(&domain), Some(&path), NOW);
    if rng.percent(50) {
        cookie.set_expires(random_time(rng));
    }
    if rng.percent(50) {
        let max_age = match rng.below(8) {
            0 => f64::INFINITY,
            1 => f64::NEG_INFINITY,
            2 => f64::NAN,
            _ => random_number(rng),
        };
        cookie.set_max_age(Some(max_age));
    }
    cookie.set_secure(rng.percent(50));
    cookie.set_http_only(rng.percent(50));
    if rng.percent(20) {
        let extensions = (0..rng.below(4)).map(|_| random_text(rng)).collect();
        cookie.set_extensions(Some(extensions));
    }
    cookie.set_host_only(random_option_bool(rng));
    cookie.set_path_is_default(random_option_bool(rng));
    if rng.percent(30) {
        cookie.set_creation(random_time(rng));
    }
    if rng.percent(70) {
        cookie.set_last_accessed(random_time(rng));
    }
    let same_site = match rng.below(6) {
        0 => None,
        1 => Some("strict".to_owned()),
        2 => Some("lax".to_owned()),
        3 => Some("none".to_owned()),
        _ => Some(random_text(rng)),
    };
    cookie.set_same_site(same_site.as_deref());
    cookie
}

/// JSON text of a random value: odd spacing, escapes and number forms included, as a user's `userData`
/// stringified by anything may have them.
fn random_json(rng: &mut Rng, depth: usize, out: &mut String) {
    const SPACE: &[&str] = &["", "", "", " ", "\n", "\t", " \r\n  "];
    const NUMBER_TEXTS: &[&str] = &[
        "0",
        "-0",
        "1",
        "-5",
        "12",
        "1.0",
        "1.50",
        "1e5",
        "1E+5",
        "1e-7",
        "-1.5e300",
        "123456789012345678901",
        "100000000000000000000",
        "0.1",
        "5e-324",
        "1e21",
        "9007199254740993",
    ];
    const STRING_TEXTS: &[&str] = &[
        r#""plain""#,
        r#""a\/b""#,
        r#""\u00e9\u0041""#,
        r#""\ud83d\ude00""#,
        r#""q\"uote\\""#,
        r#""\b\f\n\r\t""#,
        r#""\u001f\u0000""#,
        r#""DETAIL""#,
        r#""""#,
    ];
    let kind = if depth == 0 { 0 } else { rng.below(7) };
    match kind {
        0 | 1 => {
            out.push('{');
            for i in 0..rng.below(if depth < 3 { 5 } else { 1 }) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(rng.pick(SPACE));
                match serde_json::to_string(&random_text(rng)) {
                    Ok(key) => out.push_str(&key),
                    Err(_) => out.push_str("\"k\""),
                }
                out.push_str(rng.pick(SPACE));
                out.push(':');
                out.push_str(rng.pick(SPACE));
                random_json(rng, depth + 1, out);
            }
            out.push_str(rng.pick(SPACE));
            out.push('}');
        }
        2 => {
            out.push('[');
            for i in 0..rng.below(if depth < 3 { 5 } else { 1 }) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(rng.pick(SPACE));
                random_json(rng, depth + 1, out);
            }
            out.push_str(rng.pick(SPACE));
            out.push(']');
        }
        3 => out.push_str(rng.pick(NUMBER_TEXTS)),
        4 => out.push_str(rng.pick(STRING_TEXTS)),
        5 => match serde_json::to_string(&random_text(rng)) {
            Ok(text) => out.push_str(&text),
            Err(_) => out.push_str("\"\""),
        },
        _ => out.push_str(rng.pick(&["true", "false", "null"])),
    }
}

fn random_session(rng: &mut Rng, index: usize) -> SessionData {
    let cookie_count = match rng.below(6) {
        0 => 0,
        1 => 1,
        2 => 5,
        3 => 30,
        _ => rng.below(8),
    };
    let jar = jar_of((0..cookie_count).map(|_| random_cookie(rng)));
    let mut user_data = String::new();
    if rng.percent(10) {
        user_data.push_str(rng.pick(USER_DATA));
    } else {
        random_json(rng, 0, &mut user_data);
    }
    let id = if rng.percent(80) {
        format!("session_{index:06}")
    } else {
        random_text(rng)
    };
    let mut session = SessionData::new(&id, jar, &user_data);
    session.max_error_score = random_number(rng);
    session.error_score_decrement = random_number(rng);
    session.expires_at = random_date(rng);
    session.created_at = random_date(rng);
    session.usage_count = random_number(rng);
    session.max_usage_count = random_number(rng);
    session.error_score = random_number(rng);
    session
}

#[test]
fn thousands_of_random_states() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for case in 0..3000 {
        let count = match case % 4 {
            0 => 1,
            1 => 2,
            2 => rng.below(6),
            _ => rng.below(20),
        };
        let sessions: Vec<SessionData> = (0..count).map(|i| random_session(&mut rng, i)).collect();
        let usable = if rng.percent(10) {
            rng.next()
        } else {
            rng.below(100) as u64
        };
        assert_same(usable, rng.below(100) as u64, &sessions);
    }
}

/// A state larger than the flush threshold, given to a writer that records how it is called.
#[test]
fn large_states_reach_the_writer_in_big_chunks() {
    struct Recording {
        bytes: Vec<u8>,
        writes: usize,
        flushes: usize,
    }
    impl std::io::Write for Recording {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.writes += 1;
            self.bytes.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.flushes += 1;
            Ok(())
        }
    }
    let mut rng = Rng(42);
    let sessions: Vec<SessionData> = (0..400).map(|i| random_session(&mut rng, i)).collect();
    let expected = reference(400, 0, &sessions);
    assert!(expected.len() > 3 * super::FLUSH_AT);
    let mut recording = Recording {
        bytes: Vec::new(),
        writes: 0,
        flushes: 0,
    };
    let result = write_state_direct(
        &mut recording,
        400,
        0,
        sessions.iter().map(SessionData::snapshot),
    );
    assert!(result.is_ok());
    assert!(
        recording.bytes == expected,
        "{}",
        difference(&expected, &recording.bytes)
    );
    assert!(recording.writes <= expected.len() / super::FLUSH_AT + 1);
    assert_eq!(recording.flushes, 1);
}

#[test]
fn writer_errors_come_back() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sessions = [SessionData::new("s", CookieJar::new(), "{}")];
    let result = write_state_direct(Full, 1, 0, sessions.iter().map(SessionData::snapshot));
    assert_eq!(
        result.map_err(|e| e.kind()).err(),
        Some(std::io::ErrorKind::StorageFull)
    );
}

/// The persist path: `PoolSnapshot::write` (shared jars, `userData` from one JSON array) gives what
/// `write_state` gives for the same data.
#[test]
fn pool_snapshot_write_matches_the_reference() {
    let mut rng = Rng(7);
    for count in [0usize, 1, 3, 50] {
        let sessions: Vec<SessionData> = (0..count).map(|i| random_session(&mut rng, i)).collect();
        let expected = reference(count as u64, 2, &sessions);
        let user_data_array = format!(
            "[{}]",
            sessions
                .iter()
                .map(|s| s.user_data.as_str())
                .collect::<Vec<_>>()
                .join(" ,\n")
        );
        let snapshot = PoolSnapshot {
            usable_sessions_count: count as u64,
            retired_sessions_count: 2,
            sessions: sessions
                .iter()
                .map(|s| SnapshotSession {
                    id: s.id.as_str().into(),
                    jar: Arc::new(s.jar.clone()),
                    max_error_score: s.max_error_score,
                    error_score_decrement: s.error_score_decrement,
                    expires_at: s.expires_at,
                    created_at: s.created_at,
                    usage_count: s.usage_count,
                    max_usage_count: s.max_usage_count,
                    error_score: s.error_score,
                })
                .collect(),
        };
        let mut out = Vec::new();
        assert!(snapshot.write(&user_data_array, &mut out).is_ok());
        assert!(out == expected, "{}", difference(&expected, &out));
    }
}
