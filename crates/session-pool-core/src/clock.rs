//! Reading the time only as precisely as a decision needs.
//!
//! The per-request calls (a pick, a mark) compare the time with session expiries. The precise clock
//! (`CLOCK_REALTIME`, ~21 ns a read here) cost ~7% of a pick-and-mark in a pool of 100 000; the kernel's coarse
//! clock (`CLOCK_REALTIME_COARSE`, ~3 ns) is the time of the last tick, never ahead of the precise one and behind
//! it by at most a tick (4 ms here). So when no deadline in question falls before the coarse time plus a wide
//! margin, the precise time lies in a range where every comparison with those deadlines comes out the same, and
//! the coarse time can stand in for it; otherwise the precise clock is read.

/// How far behind the precise time a coarse reading is taken to be at most: far more than a tick, so a late
/// tick or a paused machine cannot make a stand-in decide differently.
pub const COARSE_SLACK_MS: f64 = 1000.0;

/// The time to decide with when every deadline in question is at or after `earliest_deadline` (`None`: no
/// deadline): `coarse` when that deadline is more than [`COARSE_SLACK_MS`] after it, else `precise()`.
pub fn time_for_deadline(
    earliest_deadline: Option<f64>,
    coarse: f64,
    precise: impl FnOnce() -> f64,
) -> f64 {
    match earliest_deadline {
        Some(deadline) if deadline <= coarse + COARSE_SLACK_MS => precise(),
        _ => coarse,
    }
}

/// The time to decide with against deadlines at or after `earliest_deadline`: the coarse clock's when it may
/// stand in ([`time_for_deadline`]), else `precise()` (also where there is no coarse clock).
pub fn now_for_deadline(earliest_deadline: Option<f64>, precise: impl FnOnce() -> f64) -> f64 {
    match coarse_now_ms() {
        Some(coarse) => time_for_deadline(earliest_deadline, coarse, precise),
        None => precise(),
    }
}

/// Milliseconds since the epoch from the coarse clock, whole as the precise reading is given; `None` where
/// there is no such clock (callers then read the precise one).
pub fn coarse_now_ms() -> Option<f64> {
    #[cfg(target_os = "linux")]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid out-pointer for the call's duration.
        if unsafe { libc::clock_gettime(libc::CLOCK_REALTIME_COARSE, &mut ts) } == 0 {
            return Some((ts.tv_sec as f64 * 1000.0 + (ts.tv_nsec / 1_000_000) as f64).floor());
        }
        None
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coarse_time_stands_in_only_far_from_every_deadline() {
        let coarse = 1_000_000.0;
        let precise = || 1_000_003.0;
        assert_eq!(time_for_deadline(None, coarse, precise), coarse);
        assert_eq!(
            time_for_deadline(Some(coarse + COARSE_SLACK_MS + 1.0), coarse, precise),
            coarse
        );
        for deadline in [coarse + COARSE_SLACK_MS, coarse + 2.0, coarse, coarse - 5.0] {
            assert_eq!(
                time_for_deadline(Some(deadline), coarse, precise),
                1_000_003.0,
                "{deadline}"
            );
        }
    }

    #[test]
    fn decisions_with_the_stand_in_are_those_with_the_precise_time() {
        // Any precise time within the slack after the coarse one: "expired" (deadline <= now) comes out the same.
        let coarse = 5_000.0;
        for lag in [0.0, 1.0, 4.0, 999.0, COARSE_SLACK_MS] {
            let precise = coarse + lag;
            for deadline in [
                4_000.0, 5_000.0, 5_004.0, 5_999.0, 6_000.0, 6_001.0, 9_000.0,
            ] {
                let now = time_for_deadline(Some(deadline), coarse, || precise);
                assert_eq!(
                    deadline <= now,
                    deadline <= precise,
                    "lag {lag}, deadline {deadline}"
                );
            }
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_precise_clock_is_read_only_near_a_deadline() {
        // A sentinel "precise" time shows which clock answered.
        let coarse = coarse_now_ms().expect("CLOCK_REALTIME_COARSE");
        assert_eq!(now_for_deadline(Some(coarse), || -1.0), -1.0);
        assert_eq!(now_for_deadline(Some(0.0), || -1.0), -1.0);
        let far = now_for_deadline(Some(coarse + 10.0 * COARSE_SLACK_MS), || -1.0);
        assert!(far >= coarse, "{far} is the coarse time");
        assert!(now_for_deadline(None, || -1.0) >= coarse);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_coarse_clock_is_not_ahead_and_not_far_behind() {
        let precise = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| (d.as_secs_f64() * 1000.0).floor())
                .unwrap_or(0.0)
        };
        for _ in 0..1000 {
            let before = precise();
            let coarse = coarse_now_ms().expect("CLOCK_REALTIME_COARSE");
            let after = precise();
            assert!(coarse <= after, "coarse {coarse} ahead of {after}");
            assert!(
                before - coarse < COARSE_SLACK_MS,
                "coarse {coarse} far behind {before}"
            );
        }
    }
}
