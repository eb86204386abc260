//! Our serialized jars loaded by tough-cookie itself: `CookieJar.fromJSON(ours).toJSON()` must give
//! back exactly our JSON. Needs node and a `node_modules` holding tough-cookie 6, named by the
//! environment variable `TOUGH_COOKIE_REF` (scripts/test.sh sets it to the repository's `node_modules`); without it the
//! test only says it was skipped, since CI machines have no tough-cookie.

use session_pool_core::cookies::{BrowserCookie, CookieJar};
use std::io::Write;
use std::process::{Command, Stdio};

const T0: f64 = 1_767_225_600_000.0;

fn sample_jars() -> Vec<CookieJar> {
    let url = "https://www.example.com/a/b";
    let mut full = CookieJar::new();
    for (i, raw) in [
        "plain=1",
        "dom=2; Domain=example.com; Path=/; Secure; HttpOnly; SameSite=Lax",
        "exp=3; Expires=Fri, 07 Aug 2099 08:04:19 GMT; Priority=High; Partitioned",
        "max=4; Max-Age=3600",
        "neg=5; Max-Age=-1",
        "huge=6; Max-Age=99999999999999999999999999999",
        "q=\"x y\"; Path=/a",
        "u=\u{e9}",
    ]
    .iter()
    .enumerate()
    {
        let _ = full.set_cookie(raw, url, T0 + i as f64);
    }
    let _ = full.get_cookies(url, T0 + 100.0);
    let browser = [BrowserCookie {
        name: "b".into(),
        value: "1".into(),
        domain: Some(".example.com".into()),
        expires: Some(1_798_761_600.5),
        ..Default::default()
    }];
    let _ = full.set_browser_cookies(&browser, url, 3000.0, T0 + 200.0);
    let loaded = CookieJar::from_json_value(
        &serde_json::json!({ "cookies": [
            { "key": "inf", "value": "1", "maxAge": "Infinity", "expires": null, "domain": "x.com",
              "path": "/", "hostOnly": null, "pathIsDefault": false, "creation": "Infinity",
              "lastAccessed": "Infinity", "extensions": [], "sameSite": "Weird" },
            { "value": "nameless", "domain": "x.com", "path": "/", "maxAge": "-Infinity", "maxAge2": 1 }
        ]}),
        T0,
    )
    .unwrap_or_default();
    vec![CookieJar::new(), full, loaded]
}

#[test]
fn tough_cookie_reads_our_json_back_unchanged() {
    let Ok(reference) = std::env::var("TOUGH_COOKIE_REF") else {
        eprintln!("skipped: set TOUGH_COOKIE_REF to a node_modules with tough-cookie 6 to run");
        return;
    };
    let script = format!(
        "const {{ CookieJar }} = require({:?});
         let input = '';
         process.stdin.on('data', (d) => (input += d));
         process.stdin.on('end', () => {{
           const out = JSON.parse(input).map((j) => JSON.stringify(CookieJar.fromJSON(JSON.stringify(j)).toJSON()));
           process.stdout.write(JSON.stringify(out));
         }});",
        format!("{reference}/tough-cookie")
    );
    let jars = sample_jars();
    let ours: Vec<String> = jars.iter().map(CookieJar::to_json_string).collect();
    let input = format!("[{}]", ours.join(","));
    let mut child = Command::new("node")
        .args(["-e", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("cannot feed node: {e}"));
    }
    let output = child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("node failed: {e}"));
    assert!(
        output.status.success(),
        "node exited with {}",
        output.status
    );
    let theirs: Vec<String> = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("node printed no JSON list: {e}"));
    assert_eq!(theirs, ours);
}
