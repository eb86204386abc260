//! Dates appended as quoted `toISOString()` text, remembering the `YYYY-MM-DD` part of recent days: a state
//! holds a few dates per session and most fall on a handful of days, so the calendar arithmetic of
//! `date::write_iso` runs once per day and the rest is fixed-width time-of-day digits.

use crate::state::date::{time_clip, write_iso};

const MS_PER_DAY: i64 = 86_400_000;
/// Remembered days; a day goes to slot `day % SLOTS`, so the dates a session mixes (creation today,
/// expiry in a few days) do not evict each other.
const SLOTS: usize = 8;
/// Length of `THH:mm:ss.sssZ`, the part of an ISO string after the date.
const TIME_LEN: usize = 14;

/// `"00"` to `"99"`, two bytes per number.
const PAIRS: [u8; 200] = {
    let mut table = [0u8; 200];
    let mut n = 0;
    while n < 100 {
        table[2 * n] = b'0' + (n / 10) as u8;
        table[2 * n + 1] = b'0' + (n % 10) as u8;
        n += 1;
    }
    table
};

/// One remembered day: its number and its quoted date part (`"YYYY-MM-DD`, or `"+YYYYYY-MM-DD`).
#[derive(Clone, Copy)]
struct Day {
    number: i64,
    text: [u8; 16],
    len: usize,
}

/// The date writer with its per-day memory; one per document.
pub(super) struct IsoDates {
    days: [Day; SLOTS],
}

impl IsoDates {
    pub(super) fn new() -> Self {
        IsoDates {
            days: [Day {
                // No time value within TimeClip's range falls on this day.
                number: i64::MIN,
                text: [0; 16],
                len: 0,
            }; SLOTS],
        }
    }

    /// Appends `ms` as a quoted ISO string, or `null` where JS has an Invalid Date (see `IsoDate` in state.rs).
    pub(super) fn push(&mut self, out: &mut Vec<u8>, ms: f64) {
        let Some(clipped) = time_clip(ms) else {
            out.extend_from_slice(b"null");
            return;
        };
        // TimeClip bounds the value to ±8.64e15, well inside i64, and makes it integral.
        let ms = clipped as i64;
        let number = ms.div_euclid(MS_PER_DAY);
        let day = &mut self.days[number.rem_euclid(SLOTS as i64) as usize];
        if day.number != number && !remember_day(day, number, clipped) {
            out.extend_from_slice(b"null");
            return;
        }
        let in_day = ms.rem_euclid(MS_PER_DAY) as usize;
        let (hours, minutes) = (in_day / 3_600_000, in_day / 60_000 % 60);
        let (seconds, millis) = (in_day / 1000 % 60, in_day % 1000);
        let mut time = *b"T00:00:00.000Z\"";
        time[1..3].copy_from_slice(&PAIRS[2 * hours..2 * hours + 2]);
        time[4..6].copy_from_slice(&PAIRS[2 * minutes..2 * minutes + 2]);
        time[7..9].copy_from_slice(&PAIRS[2 * seconds..2 * seconds + 2]);
        time[10] = b'0' + (millis / 100) as u8;
        time[11..13].copy_from_slice(&PAIRS[2 * (millis % 100)..2 * (millis % 100) + 2]);
        out.extend_from_slice(&day.text[..day.len]);
        out.extend_from_slice(&time);
    }
}

/// Fills `day` with the date part of `ms` (which falls on day `number`), taken from the full ISO string;
/// `false` if there is none (not reached: `ms` has been clipped already).
fn remember_day(day: &mut Day, number: i64, ms: f64) -> bool {
    let mut iso = [0u8; 27];
    let Some(len) = write_iso(ms, &mut iso) else {
        return false;
    };
    let date_len = len - TIME_LEN;
    day.text[0] = b'"';
    day.text[1..=date_len].copy_from_slice(&iso[..date_len]);
    day.len = date_len + 1;
    day.number = number;
    true
}
