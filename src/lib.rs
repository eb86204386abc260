//! The napi binding: converts between JS and `session-pool-core`, emits events, holds JS references.
//! No rule is decided here; see `crates/session-pool-core`.
#![deny(clippy::all)]

mod cookie_jar;
mod error;
mod fast_paths;
mod js_options;
mod key_value_store;
mod pool_bound;
mod session;
mod session_object;
mod session_pool;

use napi_derive::napi;

pub use cookie_jar::JsCookieJar;
pub use session::JsSession;
pub use session_pool::JsSessionPool;

/// Name of the event a pool emits, with the `Session` as argument, when one of its sessions retires.
#[napi]
pub const EVENT_SESSION_RETIRED: &str = session_pool_core::options::EVENT_SESSION_RETIRED;

/// Status codes that retire a session when the pool sets no `blockedStatusCodes`; the package entry exports
/// them as the array `BLOCKED_STATUS_CODES`.
#[napi(js_name = "_blockedStatusCodes", skip_typescript)]
pub fn blocked_status_codes() -> Vec<u32> {
    session_pool_core::options::BLOCKED_STATUS_CODES
        .iter()
        .map(|&c| u32::from(c))
        .collect()
}

/// Milliseconds since the epoch, the clock every time-dependent rule of the core is given.
pub(crate) fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
        .floor()
}

/// Whether the default store starts empty, given `CRAWLEE_PURGE_ON_START` (Crawlee's rule: unless `0`/`false`).
#[napi(js_name = "_purgeOnStart", skip_typescript)]
pub fn purge_on_start(env_value: Option<String>) -> bool {
    session_pool_core::file_store::purge_on_start(env_value.as_deref())
}
