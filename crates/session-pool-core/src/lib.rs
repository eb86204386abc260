//! Pure-Rust rules of session-pool-rs: sessions, the pool, cookies and the persisted state.
//! Nothing here knows about napi or JS; time enters as a parameter (`now_ms`, milliseconds since the epoch).
#![deny(clippy::all)]

pub mod clock;
pub mod cookies;
pub mod file_store;
pub mod options;
pub mod pool;
pub mod session;
pub mod snapshot;
pub mod state;
