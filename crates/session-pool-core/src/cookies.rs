//! The cookie jar of a session: tough-cookie 6 semantics and formats in pure Rust.
//!
//! It stores, matches, orders, expires and serializes cookies exactly as the `CookieJar` of
//! tough-cookie 6.1 (with its default options) does for Crawlee, so jars persisted by Crawlee load
//! here and ours load in Crawlee. The store is our own rather than `cookie_store`'s: tough keeps
//! what `cookie_store` does not (creation and last-access times that drive the send order and make
//! `Max-Age` count from the last access, `maxAge` itself, unknown attributes, the storage order
//! its JSON is written in), and parses `Set-Cookie` by its own rules.
//!
//! Time is a parameter: every operation that reads the clock takes `now_ms`, milliseconds since
//! the epoch.
//!
//! Memory: a pool holds a jar per session, so a stored [`Cookie`] is compact (its four strings in
//! one allocation, dates as `f64`s with a tag byte, flags as bits, rare attributes boxed aside;
//! attributes are read and set through methods) and a jar grows its storage by one slot at a
//! time while small. Five typical cookies take about 610 bytes of heap per jar
//! (`examples/cookie_memory.rs` measures it). Public suffixes follow tldts, which tough uses:
//! the parent of a wildcard rule (`kawasaki.jp` for `*.kawasaki.jp`) is one too.

mod browser;
mod cookie;
mod date;
pub mod domain;
mod error;
mod jar;
mod json;
mod json_fast;
pub mod packed;
mod parse;
mod request;

pub use browser::{BrowserCookie, BrowserCookieRef};
pub use cookie::{Cookie, CookieTime};
pub use date::{format_date, format_iso, parse_date};
pub use error::{CookieError, CookieErrorKind};
pub use jar::CookieJar;
pub use json::TOUGH_COOKIE_VERSION;
pub use parse::parse_set_cookie;
