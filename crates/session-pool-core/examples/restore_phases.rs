//! Times the phases of restoring a persisted pool state: reading the file, parsing the state, parsing the jars.
//! `cargo run --release --example restore_phases -- <state.json> [runs]`

use std::time::Instant;

use session_pool_core::snapshot::restore_sessions;
use session_pool_core::state::parse_state_vec;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: restore_phases <state.json> [runs]");
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    for _ in 0..runs {
        let t0 = Instant::now();
        let bytes = std::fs::read(&path).expect("read");
        let t1 = Instant::now();
        let size = bytes.len();
        let loaded = parse_state_vec(bytes).expect("parse");
        let t2 = Instant::now();
        let count = loaded.sessions.len();
        let restored = restore_sessions(loaded, None, 1.7e12, false);
        let t3 = Instant::now();
        drop(restored);
        let t4 = Instant::now();
        println!(
            "{count} sessions, {:.1} MB: read {:.1} ms, state parse {:.1} ms, restore (jars) {:.1} ms, drop {:.1} ms",
            size as f64 / 1e6,
            (t1 - t0).as_secs_f64() * 1e3,
            (t2 - t1).as_secs_f64() * 1e3,
            (t3 - t2).as_secs_f64() * 1e3,
            (t4 - t3).as_secs_f64() * 1e3
        );
    }
}
