//! A state written here is loaded by the real Crawlee (3.18.1) through its own local storage.
//! Needs Node and the path of a node_modules holding @crawlee/core:
//!   CRAWLEE_NODE_MODULES=/path/to/node_modules cargo test --test file_store_crawlee -- --ignored

use std::fs;
use std::process::Command;

use serde_json::{json, Value};
use session_pool_core::file_store::FileStore;
use session_pool_core::state::{parse_date, PersistedSession, PersistedState, RawJson};

const LOADER: &str = r#"
const { SessionPool } = require('@crawlee/core');
const [storeId, key] = process.argv.slice(-2);
(async () => {
    const pool = await SessionPool.open({
        persistStateKeyValueStoreId: storeId,
        persistStateKey: key,
        maxPoolSize: 100,
    });
    const out = pool.getState().sessions.map((s) => {
        const session = pool.sessions.find((x) => x.id === s.id);
        return {
            id: s.id,
            example: session.getCookieString('https://example.com/'),
            shop: session.getCookieString('https://shop.example.org/cart'),
            userData: s.userData,
            usageCount: s.usageCount,
            errorScore: s.errorScore,
            maxUsageCount: s.maxUsageCount,
            maxErrorScore: s.maxErrorScore,
            errorScoreDecrement: s.errorScoreDecrement,
            createdAt: s.createdAt,
            expiresAt: s.expiresAt,
        };
    });
    process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"#;

fn jar(domain_cookies: &[(&str, &str, &str)]) -> RawJson {
    let cookies: Vec<Value> = domain_cookies
        .iter()
        .map(|(domain, key, value)| {
            json!({"key": key, "value": value, "expires": "2031-01-01T00:00:00.000Z", "domain": domain, "path": "/",
                "hostOnly": true, "creation": "2024-05-06T07:08:09.123Z", "lastAccessed": "2024-05-06T07:08:09.123Z"})
        })
        .collect();
    RawJson::from_value(&json!({
        "version": "tough-cookie@6.1.0", "storeType": "MemoryCookieStore", "rejectPublicSuffixes": true,
        "enableLooseMode": false, "allowSpecialUseDomain": true, "enforceSecureOriginOnStorage": true,
        "prefixSecurity": "silent", "cookies": cookies
    }))
    .expect("jar")
}

fn session(
    id: &str,
    cookies: &[(&str, &str, &str)],
    user_data: Value,
    error_score: f64,
    expires: &str,
) -> PersistedSession {
    PersistedSession {
        id: id.into(),
        cookie_jar: jar(cookies),
        user_data: RawJson::from_value(&user_data).expect("user data"),
        max_error_score: 3.0,
        error_score_decrement: 0.5,
        expires_at: parse_date(expires).expect("date"),
        created_at: parse_date("2024-05-06T07:00:00.005Z").expect("date"),
        usage_count: 7.0,
        max_usage_count: 60.0,
        error_score,
    }
}

#[test]
#[ignore = "needs node and CRAWLEE_NODE_MODULES pointing at a node_modules with @crawlee/core"]
fn crawlee_loads_what_we_write() {
    let Ok(node_modules) = std::env::var("CRAWLEE_NODE_MODULES") else {
        panic!("set CRAWLEE_NODE_MODULES to a node_modules folder containing @crawlee/core");
    };
    let storage = std::env::temp_dir().join(format!("sp-crawlee-interop-{}", std::process::id()));
    let _ = fs::remove_dir_all(&storage);
    let store = FileStore::open(storage.to_str(), Some("interop"), "POOL_STATE").expect("store");
    let state = PersistedState {
        usable_sessions_count: 2,
        retired_sessions_count: 2,
        sessions: vec![
            session(
                "s_two_domains",
                &[
                    ("example.com", "a", "1"),
                    ("example.com", "b", "x y"),
                    ("shop.example.org", "cart", "42"),
                ],
                json!({"label": "DETAIL", "nested": {"list": [1, 2.5, "é😀", null], "empty": {}}, "n": 1e21}),
                1.5,
                "2099-01-01T00:00:00.000Z",
            ),
            session(
                "s_retired",
                &[("example.com", "r", "1")],
                json!({}),
                3.0,
                "2099-01-01T00:00:00.000Z",
            ),
            session("s_expired", &[], json!({}), 0.0, "2020-01-01T00:00:00.000Z"),
            session(
                "s_plain",
                &[],
                json!({"k": "v"}),
                0.0,
                "+010000-01-01T00:00:00.000Z",
            ),
        ],
    };
    store.write_state(&state).expect("write");
    // Files our store may leave beside the record must not disturb Crawlee's listing of the folder.
    fs::write(
        store.dir().join("POOL_STATE.corrupt-1715000000000.json"),
        "{\"trunc",
    )
    .expect("aside");
    fs::write(
        store
            .dir()
            .join(".POOL_STATE.json.1-2-0123456789abcdef.tmp"),
        "{\"half",
    )
    .expect("temp");

    let output = Command::new("node")
        .args(["-e", LOADER, "--", "interop", "POOL_STATE"])
        .env("NODE_PATH", &node_modules)
        .env("CRAWLEE_STORAGE_DIR", &storage)
        .env("CRAWLEE_PURGE_ON_START", "0")
        .output()
        .expect("run node");
    let _ = fs::remove_dir_all(&storage);
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let loaded: Vec<Value> = serde_json::from_slice(&output.stdout).expect("node output");

    let ids: Vec<&str> = loaded.iter().filter_map(|s| s["id"].as_str()).collect();
    assert_eq!(
        ids,
        ["s_two_domains", "s_plain"],
        "Crawlee restores the usable sessions only"
    );
    let first = &loaded[0];
    assert_eq!(first["example"], "a=1; b=x y");
    assert_eq!(first["shop"], "cart=42");
    assert_eq!(
        first["userData"],
        json!({"label": "DETAIL", "nested": {"list": [1, 2.5, "é😀", null], "empty": {}}, "n": 1e21})
    );
    assert_eq!(first["usageCount"], 7);
    assert_eq!(first["errorScore"], 1.5);
    assert_eq!(first["maxUsageCount"], 60);
    assert_eq!(first["maxErrorScore"], 3);
    assert_eq!(first["errorScoreDecrement"], 0.5);
    assert_eq!(first["createdAt"], "2024-05-06T07:00:00.005Z");
    assert_eq!(first["expiresAt"], "2099-01-01T00:00:00.000Z");
    assert_eq!(loaded[1]["expiresAt"], "+010000-01-01T00:00:00.000Z");
    assert_eq!(loaded[1]["userData"], json!({"k": "v"}));
}
