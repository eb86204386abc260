//! Unit tests of the jar's API beyond the tough-cookie replay: options tough has but the replay does
//! not use, our additions, and the JSON entry points. Values marked "tough" were printed by
//! tough-cookie 6.1.0 under node.

use serde_json::{json, Value};
use session_pool_core::cookies::{
    parse_set_cookie, BrowserCookie, Cookie, CookieErrorKind, CookieJar, CookieTime,
};

const T0: f64 = 1_767_225_600_000.0; // 2026-01-01T00:00:00.000Z
const URL: &str = "https://www.example.com/x/y";

fn jar_with(cookies: &[&str]) -> CookieJar {
    let mut jar = CookieJar::new();
    for (i, raw) in cookies.iter().enumerate() {
        let stored = jar.set_cookie(raw, URL, T0 + i as f64);
        assert_eq!(stored, Ok(true), "{raw}");
    }
    jar
}

#[test]
fn error_kinds_tell_type_errors_apart() {
    let mut jar = CookieJar::new();
    let bad_url = jar
        .set_cookie("a=1", "nope", T0)
        .err()
        .map(|e| (e.kind, e.message));
    assert_eq!(
        bad_url,
        Some((CookieErrorKind::InvalidUrl, "Invalid URL".to_owned()))
    );
    let bad_cookie = jar.set_cookie("a", URL, T0).err().map(|e| e.kind);
    assert_eq!(bad_cookie, Some(CookieErrorKind::Rejected));
    assert_eq!(
        jar.get_cookie_string("", T0).err().map(|e| e.kind),
        Some(CookieErrorKind::InvalidUrl)
    );
}

#[test]
fn non_http_api_cannot_touch_http_only_cookies() {
    let mut jar = CookieJar::new();
    let http_only =
        parse_set_cookie("h=1; HttpOnly", T0).unwrap_or_else(|| Cookie::new("", "", T0));
    // tough: setCookieSync('h=1; HttpOnly', url, { http: false }) throws this.
    let refused = jar
        .set_cookie_object(http_only.clone(), URL, T0, false)
        .err()
        .map(|e| e.message);
    assert_eq!(
        refused.as_deref(),
        Some("Cookie is HttpOnly and this isn't an HTTP API")
    );
    assert_eq!(jar.set_cookie_object(http_only, URL, T0, true), Ok(true));
    let plain = parse_set_cookie("h=2", T0).unwrap_or_else(|| Cookie::new("", "", T0));
    let overwrite = jar
        .set_cookie_object(plain, URL, T0 + 1.0, false)
        .err()
        .map(|e| e.message);
    assert_eq!(
        overwrite.as_deref(),
        Some("old Cookie is HttpOnly and this isn't an HTTP API")
    );
    assert_eq!(jar.get_cookie_string(URL, T0 + 2.0).as_deref(), Ok("h=1"));
}

#[test]
fn set_cookie_strings_like_tough_to_string() {
    // tough: the cookie returned by setCookieSync(raw, 'https://www.example.com/x/y'), .toString().
    let cases = [
        (
            "a=1; Max-Age=60; Domain=example.com; Path=/x; Secure; HttpOnly; SameSite=strict; Priority=High",
            "a=1; Max-Age=60; Domain=example.com; Path=/x; Secure; HttpOnly; SameSite=Strict; Priority=High",
        ),
        ("b=2; Expires=Fri, 07 Aug 2099 08:04:19 GMT", "b=2; Expires=Fri, 07 Aug 2099 08:04:19 GMT; Path=/x"),
        ("c=3; Max-Age=-0", "c=3; Max-Age=0; Path=/x"),
        ("d=\"q\"; SameSite=None; Secure", "d=\"q\"; Path=/x; Secure; SameSite=None"),
    ];
    let mut jar = jar_with(&cases.map(|(raw, _)| raw));
    for (cookie, (_, expected)) in jar.cookies().iter().zip(cases) {
        assert_eq!(cookie.to_set_cookie_string(), expected);
    }
    jar.remove_all_cookies();
    assert!(jar.is_empty());
    // tough: Cookie.fromJSON({...}).toString()
    let loaded = CookieJar::from_json_value(
        &json!({ "cookies": [
            { "key": "e", "value": "5", "maxAge": "-Infinity", "sameSite": "Weird", "domain": "x.com", "path": "/" },
        ]}),
        T0,
    );
    let text = loaded
        .ok()
        .and_then(|j| j.cookies().first().map(Cookie::to_set_cookie_string));
    assert_eq!(
        text.as_deref(),
        Some("e=5; Max-Age=-Infinity; Domain=x.com; Path=/; SameSite=Weird")
    );
}

#[test]
fn nameless_cookie_sends_only_its_value() {
    let json = json!({ "cookies": [
        { "value": "solo", "domain": "example.com", "path": "/", "hostOnly": false },
        { "key": "k", "value": "v", "domain": "example.com", "path": "/" },
    ]});
    let mut jar = CookieJar::from_json_value(&json, T0).unwrap_or_default();
    assert_eq!(
        jar.get_cookie_string("http://a.example.com/", T0)
            .as_deref(),
        Ok("solo; k=v")
    );
}

#[test]
fn browser_cookies_keep_same_site_both_ways() {
    let mut jar = CookieJar::new();
    let input = vec![
        BrowserCookie {
            name: "s".into(),
            value: "1".into(),
            same_site: Some("Strict".into()),
            ..Default::default()
        },
        BrowserCookie {
            name: "l".into(),
            value: "2".into(),
            same_site: Some("lax".into()),
            ..Default::default()
        },
        BrowserCookie {
            name: "u".into(),
            value: "3".into(),
            same_site: Some("Unset".into()),
            ..Default::default()
        },
    ];
    assert!(jar.set_browser_cookies(&input, URL, 60.0, T0).is_empty());
    let out = jar.get_browser_cookies(URL, T0 + 1.0).unwrap_or_default();
    let same_sites: Vec<Option<&str>> = out.iter().map(|c| c.same_site.as_deref()).collect();
    assert_eq!(same_sites, [Some("Strict"), Some("Lax"), None]);
    // Stored the way tough's parser stores SameSite: lowercase.
    assert_eq!(jar.cookies()[0].same_site(), Some("strict"));
    // No `expires` given: now + maxAgeSecs, in seconds on the way out.
    assert_eq!(out[0].expires, Some((T0 + 60_000.0) / 1000.0));
    assert_eq!(out[0].domain.as_deref(), Some("www.example.com"));
    assert_eq!(out[0].path.as_deref(), Some("/x"));
}

#[test]
fn browser_cookie_serde_shape() {
    let cookie: BrowserCookie = serde_json::from_value(json!({
        "name": "a", "value": "b", "domain": ".example.com", "expires": -1, "httpOnly": true,
        "sameSite": "None", "size": 10, "session": true
    }))
    .unwrap_or_default();
    assert_eq!(cookie.expires, Some(-1.0));
    assert!(cookie.http_only && !cookie.secure);
    let text = serde_json::to_string(&BrowserCookie {
        expires: Some(1_798_761_600.0),
        ..cookie
    });
    assert_eq!(
        text.ok().as_deref(),
        Some(
            r#"{"name":"a","value":"b","expires":1798761600,"domain":".example.com","secure":false,"httpOnly":true,"sameSite":"None"}"#
        )
    );
}

#[test]
fn huge_browser_expiry_falls_back_to_max_age() {
    let mut jar = CookieJar::new();
    let cookie = BrowserCookie {
        name: "a".into(),
        value: "1".into(),
        expires: Some(1e300),
        ..Default::default()
    };
    assert!(jar.set_browser_cookies(&[cookie], URL, 10.0, T0).is_empty());
    assert_eq!(jar.cookies()[0].expires(), CookieTime::At(T0 + 10_000.0));
}

#[test]
fn invalid_url_in_batches_is_one_error() {
    let mut jar = CookieJar::new();
    let errors = jar.set_cookies_from_headers(["a=1", "b=2"], "bad", T0);
    assert_eq!(errors.len(), 1);
    let errors = jar.set_browser_cookies(&[BrowserCookie::default()], "bad", 1.0, T0);
    assert_eq!(
        errors.iter().map(|e| e.kind).collect::<Vec<_>>(),
        [CookieErrorKind::InvalidUrl]
    );
}

#[test]
fn json_entry_points_agree() {
    let mut jar = jar_with(&[
        "a=1; Max-Age=60",
        "b=2; Domain=example.com; Path=/; SameSite=Lax; X=y",
    ]);
    let _ = jar.get_cookies(URL, T0 + 5.0);
    let text = jar.to_json_string();
    let mut written = Vec::new();
    assert!(jar.write_json(&mut written).is_ok());
    assert_eq!(
        String::from_utf8(written).ok().as_deref(),
        Some(text.as_str())
    );
    let value = jar.to_json_value();
    assert_eq!(
        serde_json::to_string(&value).ok().as_deref(),
        Some(text.as_str())
    );
    assert_eq!(
        serde_json::to_string(&jar).ok().as_deref(),
        Some(text.as_str())
    );

    // Our JSON reads back into the same jar, by every route.
    assert_eq!(CookieJar::from_json_value(&value, T0).as_ref(), Ok(&jar));
    assert_eq!(CookieJar::from_json_str(&text, T0).as_ref(), Ok(&jar));
    let via_serde: Result<CookieJar, _> = serde_json::from_str(&text);
    assert_eq!(via_serde.ok().as_ref(), Some(&jar));
}

#[test]
fn wrong_shapes_are_refused_with_tough_message() {
    for bad in [
        json!({}),
        json!([]),
        json!({ "cookies": {} }),
        json!(null),
        json!("x"),
    ] {
        let error = CookieJar::from_json_value(&bad, T0).err();
        assert_eq!(
            error.map(|e| (e.kind, e.message)),
            Some((
                CookieErrorKind::InvalidJson,
                "serialized jar has no cookies array".to_owned()
            )),
            "{bad}"
        );
    }
    let error = CookieJar::from_json_str("{not json", T0)
        .err()
        .map(|e| e.kind);
    assert_eq!(error, Some(CookieErrorKind::InvalidJson));
    assert!(serde_json::from_value::<CookieJar>(json!({ "nope": 1 })).is_err());
}

#[test]
fn loading_keeps_every_attribute() {
    let cookie = json!({
        "key": "k", "value": "v", "expires": "2099-08-07T08:04:19.000Z", "maxAge": 120,
        "domain": "example.com", "path": "/p", "secure": true, "httpOnly": true,
        "extensions": ["Priority=High"], "hostOnly": false, "pathIsDefault": false,
        "creation": "2025-01-01T00:00:00.000Z", "lastAccessed": "2025-06-01T00:00:00.123Z",
        "sameSite": "none"
    });
    let jar =
        CookieJar::from_json_value(&json!({ "cookies": [cookie.clone()] }), T0).unwrap_or_default();
    let c = &jar.cookies()[0];
    // node: Date.parse of the ISO strings.
    assert_eq!(c.expires(), CookieTime::At(4_089_773_059_000.0));
    assert_eq!(c.max_age(), Some(120.0));
    assert_eq!(c.extensions(), Some(&["Priority=High".to_owned()][..]));
    assert_eq!(
        (c.host_only(), c.path_is_default()),
        (Some(false), Some(false))
    );
    assert_eq!(c.creation(), CookieTime::At(1_735_689_600_000.0));
    assert_eq!(c.last_accessed(), CookieTime::At(1_748_736_000_123.0));
    let back: Value = jar.to_json_value();
    assert_eq!(back["cookies"][0], cookie);
}

#[test]
fn parents_of_wildcard_rules_are_public_suffixes() {
    // tough (tldts): the name above a `*.x` rule of the public suffix list is itself a public
    // suffix, even where the list does not name it; exceptions (`!city.kawasaki.jp`) still hold.
    let refused = "Cookie has domain set to a public suffix";
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "ps25=v; Domain=kawasaki.jp; Path=/",
            "http://city.kawasaki.jp/",
            Some(refused),
        ),
        (
            "a=v; Domain=kobe.jp; Path=/",
            "http://www.city.kobe.jp/",
            Some(refused),
        ),
        (
            "a=v; Domain=compute.amazonaws.com; Path=/",
            "http://a.b.compute.amazonaws.com/",
            Some(refused),
        ),
        (
            "a=v; Domain=nom.br; Path=/",
            "http://x.y.nom.br/",
            Some(refused),
        ),
        (
            "a=v; Domain=kawasaki.jp",
            "http://kawasaki.jp/",
            Some(refused),
        ),
        (
            "a=v; Domain=foo.kawasaki.jp",
            "http://www.foo.kawasaki.jp/",
            Some(refused),
        ),
        (
            "a=v; Domain=b.compute.amazonaws.com; Path=/",
            "http://a.b.compute.amazonaws.com/",
            Some(refused),
        ),
        (
            "a=v; Domain=y.nom.br; Path=/",
            "http://x.y.nom.br/",
            Some(refused),
        ),
        // The legitimate cookies next to them.
        (
            "a=v; Domain=city.kawasaki.jp; Path=/",
            "http://www.city.kawasaki.jp/",
            None,
        ),
        (
            "a=v; Domain=city.kobe.jp; Path=/",
            "http://www.city.kobe.jp/",
            None,
        ),
        (
            "a=v; Domain=a.b.compute.amazonaws.com; Path=/",
            "http://a.b.compute.amazonaws.com/",
            None,
        ),
        ("a=v; Domain=x.y.nom.br; Path=/", "http://x.y.nom.br/", None),
        (
            "a=v; Domain=www.foo.kawasaki.jp",
            "http://www.foo.kawasaki.jp/",
            None,
        ),
        // Host-only cookies on such names are fine.
        ("a=v; Path=/", "http://kawasaki.jp/", None),
        ("a=v; Path=/", "http://compute.amazonaws.com/", None),
    ];
    for (raw, url, expected) in cases {
        let mut jar = CookieJar::new();
        let outcome = jar.set_cookie(raw, url, T0).map_err(|e| e.message);
        match expected {
            Some(message) => assert_eq!(outcome, Err((*message).to_owned()), "{raw} from {url}"),
            None => assert_eq!(outcome, Ok(true), "{raw} from {url}"),
        }
    }

    // And what getCookieStringSync then sends, from tough-cookie 6.1.0 replaying the same steps.
    let mut jar = CookieJar::new();
    for (raw, url) in [
        ("h=1; Path=/", "http://kawasaki.jp/"),
        ("h2=1; Path=/", "http://compute.amazonaws.com/"),
        (
            "d=1; Domain=a.b.compute.amazonaws.com; Path=/",
            "http://a.b.compute.amazonaws.com/",
        ),
        (
            "c=1; Domain=city.kawasaki.jp; Path=/",
            "http://www.city.kawasaki.jp/",
        ),
        ("n=1; Domain=x.y.nom.br; Path=/", "http://x.y.nom.br/"),
        ("ho=1; Path=/", "http://y.nom.br/"),
    ] {
        assert_eq!(jar.set_cookie(raw, url, T0), Ok(true), "{raw}");
    }
    for (url, expected) in [
        ("http://kawasaki.jp/", "h=1"),
        ("http://city.kawasaki.jp/", "c=1"),
        ("http://www.city.kawasaki.jp/", "c=1"),
        ("http://a.city.kawasaki.jp/", "c=1"),
        ("http://compute.amazonaws.com/", "h2=1"),
        ("http://a.b.compute.amazonaws.com/", "d=1"),
        ("http://www.a.b.compute.amazonaws.com/", "d=1"),
        ("http://b.compute.amazonaws.com/", ""),
        ("http://x.y.nom.br/", "n=1"),
        ("http://w.x.y.nom.br/", "n=1"),
        ("http://y.nom.br/", "ho=1"),
    ] {
        assert_eq!(
            jar.get_cookie_string(url, T0 + 1.0).as_deref(),
            Ok(expected),
            "{url}"
        );
    }
}

#[test]
fn cookie_accessors_round_trip_every_attribute() {
    let mut c = Cookie::new("k", "v", T0);
    assert_eq!(
        (c.key(), c.value(), c.domain(), c.path()),
        ("k", "v", None, None)
    );
    assert_eq!(
        (c.expires(), c.creation(), c.last_accessed(), c.max_age()),
        (
            CookieTime::Infinity,
            CookieTime::At(T0),
            CookieTime::Null,
            None
        )
    );
    assert_eq!(
        (
            c.host_only(),
            c.path_is_default(),
            c.same_site(),
            c.extensions()
        ),
        (None, None, None, None)
    );
    c.set_domain(Some("ex.com"));
    c.set_path(Some("/p"));
    c.set_key("name");
    c.set_value("välue");
    assert_eq!(
        (c.key(), c.value(), c.domain(), c.path()),
        ("name", "välue", Some("ex.com"), Some("/p"))
    );
    // An empty domain or path is not a missing one.
    c.set_domain_and_path(Some(""), None);
    assert_eq!((c.domain(), c.path()), (Some(""), None));
    c.set_domain_and_path(None, Some(""));
    assert_eq!((c.domain(), c.path()), (None, Some("")));
    for time in [CookieTime::Null, CookieTime::Infinity, CookieTime::At(-5.0)] {
        c.set_expires(time);
        c.set_creation(time);
        c.set_last_accessed(time);
        assert_eq!(
            (c.expires(), c.creation(), c.last_accessed()),
            (time, time, time)
        );
    }
    for max_age in [Some(0.0), Some(f64::NEG_INFINITY), Some(1.5), None] {
        c.set_max_age(max_age);
        assert_eq!(c.max_age(), max_age);
    }
    for flag in [true, false] {
        c.set_secure(flag);
        c.set_http_only(!flag);
        assert_eq!((c.secure(), c.http_only()), (flag, !flag));
    }
    for value in [Some(true), Some(false), None] {
        c.set_host_only(value);
        c.set_path_is_default(value);
        assert_eq!((c.host_only(), c.path_is_default()), (value, value));
    }
    // SameSite texts other than tough's three lowercase ones are kept verbatim.
    for same_site in [
        Some("strict"),
        Some("lax"),
        Some("none"),
        Some("Strict"),
        Some(""),
        Some("weird"),
        None,
    ] {
        c.set_same_site(same_site);
        assert_eq!(c.same_site(), same_site);
    }
    c.set_extensions(Some(vec!["A=1".to_owned(), "B".to_owned()]));
    c.set_same_site(Some("Lax"));
    assert_eq!(
        c.extensions(),
        Some(&["A=1".to_owned(), "B".to_owned()][..])
    );
    c.set_extensions(Some(Vec::new()));
    assert_eq!(c.extensions(), Some(&[][..]));

    // Cookies with the same attributes are equal however they got them.
    let mut a = Cookie::new("x", "1", T0);
    let mut b = Cookie::new("y", "2", T0 + 1.0);
    a.set_same_site(Some("Weird"));
    a.set_extensions(Some(vec!["e".to_owned()]));
    a.set_same_site(None);
    a.set_extensions(None);
    b.set_key("x");
    b.set_value("1");
    b.set_creation(CookieTime::At(T0));
    assert_eq!(a, b);
    b.set_path(Some("/"));
    assert_ne!(a, b);
}

#[test]
fn stored_cookies_stay_small_and_jars_can_move_between_threads() {
    // The memory of issue 5: five typical cookies must fit in about 700 bytes of heap per jar
    // (see examples/cookie_memory.rs); the fixed part of a cookie is most of it.
    assert!(
        std::mem::size_of::<Cookie>() <= 72,
        "{}",
        std::mem::size_of::<Cookie>()
    );
    fn send_and_sync<T: Send + Sync>() {}
    send_and_sync::<CookieJar>();
    send_and_sync::<Cookie>();
}
