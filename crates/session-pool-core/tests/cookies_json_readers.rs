//! The one-pass jar reader and the `Value` reader must build the same jar from the same JSON.

use session_pool_core::cookies::CookieJar;

const NOW: f64 = 1_700_000_000_000.0;

fn both(json: &str) -> (CookieJar, CookieJar) {
    let fast = CookieJar::from_json_str(json, NOW).expect("fast reader");
    let value: serde_json::Value = serde_json::from_str(json).expect("json");
    let slow = CookieJar::from_json_value(&value, NOW).expect("value reader");
    (fast, slow)
}

#[test]
fn readers_agree_on_every_attribute_shape() {
    let cases = [
        r#"{"cookies":[]}"#,
        r#"{"version":"tough-cookie@6.1.0","cookies":[{"key":"a","value":"1","domain":"example.com","path":"/","hostOnly":true,"pathIsDefault":true,"creation":"2023-01-02T03:04:05.006Z","lastAccessed":"2023-01-02T03:04:05.006Z"}]}"#,
        r#"{"cookies":[{"key":"b","value":"x","expires":"2030-01-01T00:00:00.000Z","maxAge":3600,"domain":"a.example.com","path":"/p","secure":true,"httpOnly":true,"extensions":["Priority=High","x"],"hostOnly":false,"creation":"2023-01-02T03:04:05.006Z","lastAccessed":null,"sameSite":"lax"}]}"#,
        r#"{"cookies":[{"key":"c","value":"","expires":"Infinity","maxAge":"Infinity","domain":null,"path":null,"creation":null}]}"#,
        r#"{"cookies":[{"key":"d","maxAge":"-Infinity","expires":1700000000000,"creation":1690000000000,"extensions":["ok",5],"hostOnly":"yes","secure":"true"}]}"#,
        r#"{"cookies":[{"key":"e","key":"e2","value":"v\u00e9\n","expires":"not a date","lastAccessed":"bad"}]}"#,
        r#"{"cookies":[5,null,true,[1],{"key":"f","value":"1","domain":"example.com","path":"/"}],"cookies2":{}}"#,
        r#"{"cookies":[{"key":"g","nested":{"a":[1,{"b":2}]},"value":"1"}],"extra":[1,2,{"x":null}]}"#,
        r#"{"cookies":[{"key":"first"}],"cookies":[{"key":"second"}]}"#,
    ];
    for json in cases {
        let (fast, slow) = both(json);
        assert_eq!(fast, slow, "{json}");
        assert_eq!(fast.to_json_string(), slow.to_json_string(), "{json}");
    }
}

#[test]
fn unusual_shapes_fall_back_to_the_value_reader() {
    // A cookie given as JSON text, as tough's Cookie.fromJSON accepts.
    let json = r#"{"cookies":["{\"key\":\"t\",\"value\":\"1\",\"domain\":\"example.com\",\"path\":\"/\"}"]}"#;
    let jar = CookieJar::from_json_str(json, NOW).expect("jar");
    assert_eq!(jar.len(), 1);
    assert!(CookieJar::from_json_str(r#"{"cookies":5}"#, NOW).is_err());
    assert!(CookieJar::from_json_str("[]", NOW).is_err());
    assert!(CookieJar::from_json_str("not json", NOW).is_err());
}
