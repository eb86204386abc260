//! JS `Date` time values (f64 milliseconds since the epoch) to and from ISO 8601 strings, as
//! `Date.prototype.toISOString()` writes them and `new Date(string)` reads them.

const MS_PER_DAY: i64 = 86_400_000;
/// ECMA-262 TimeClip bound: a Date holds at most ±100 000 000 days around the epoch.
const MAX_TIME_MS: f64 = 8.64e15;

/// TimeClip: what `new Date(ms).getTime()` keeps of a number — truncated toward zero, `None` (an Invalid Date)
/// when not finite or beyond ±8.64e15.
pub fn time_clip(ms: f64) -> Option<f64> {
    if !ms.is_finite() || ms.abs() > MAX_TIME_MS {
        return None;
    }
    // `+ 0.0` turns -0 into +0, as ToIntegerOrInfinity does.
    Some(ms.trunc() + 0.0)
}

/// `new Date(ms).toISOString()`: `YYYY-MM-DDTHH:mm:ss.sssZ`, years outside 0..=9999 as `+YYYYYY`/`-YYYYYY`.
/// `None` where JS throws `RangeError: Invalid time value` (NaN, infinite, beyond ±8.64e15 ms).
pub fn format_iso(ms: f64) -> Option<String> {
    let mut buf = [0u8; 27];
    let len = write_iso(ms, &mut buf)?;
    // Only ASCII digits and punctuation are ever written.
    std::str::from_utf8(&buf[..len]).ok().map(str::to_owned)
}

/// [`format_iso`] into a stack buffer (the serializer calls this per date); returns the length used.
pub(crate) fn write_iso(ms: f64, buf: &mut [u8; 27]) -> Option<usize> {
    let ms = time_clip(ms)? as i64;
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    let mut out = Digits { buf, len: 0 };
    if (0..=9999).contains(&year) {
        out.number(year, 4);
    } else {
        out.byte(if year < 0 { b'-' } else { b'+' });
        out.number(year.abs(), 6);
    }
    out.byte(b'-');
    out.number(month, 2);
    out.byte(b'-');
    out.number(day, 2);
    out.byte(b'T');
    out.number(in_day / 3_600_000, 2);
    out.byte(b':');
    out.number(in_day / 60_000 % 60, 2);
    out.byte(b':');
    out.number(in_day / 1000 % 60, 2);
    out.byte(b'.');
    out.number(in_day % 1000, 3);
    out.byte(b'Z');
    Some(out.len)
}

/// Fixed-width writer into the 27-byte ISO buffer; the widest output (`+275760-09-13T00:00:00.000Z`) fits
/// exactly, and the year is bounded by TimeClip, so indices stay in range.
struct Digits<'a> {
    buf: &'a mut [u8; 27],
    len: usize,
}

impl Digits<'_> {
    fn byte(&mut self, byte: u8) {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = byte;
        }
        self.len += 1;
    }

    fn number(&mut self, value: i64, width: usize) {
        let mut rest = value;
        for i in (0..width).rev() {
            if let Some(slot) = self.buf.get_mut(self.len + i) {
                *slot = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
        }
        self.len += width;
    }
}

/// Proleptic Gregorian (year, month 1..=12, day 1..=31) of a day count from 1970-01-01, by counting whole
/// 400-year cycles (146 097 days) from 0000-03-01 so that the leap day falls at the end of each counted year.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468; // days from 0000-03-01
    let cycle = shifted.div_euclid(146_097);
    let day_of_cycle = shifted.rem_euclid(146_097);
    let year_of_cycle =
        (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36_524 - day_of_cycle / 146_096) / 365;
    let day_of_year =
        day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_cycle + cycle * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Inverse of [`civil_from_days`]; `month` 1..=12, `day` already validated.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = year - i64::from(month <= 2);
    let cycle = year.div_euclid(400);
    let year_of_cycle = year.rem_euclid(400);
    let month_from_march = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_cycle = year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;
    cycle * 146_097 + day_of_cycle - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Byte cursor over the date string; every read is bounds-checked so malformed input just yields `None`.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn digits(&mut self, count: usize) -> Option<i64> {
        let slice = self.bytes.get(self.at..self.at + count)?;
        let mut value = 0i64;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + i64::from(b - b'0');
        }
        self.at += count;
        Some(value)
    }

    fn done(&self) -> bool {
        self.at == self.bytes.len()
    }
}

/// `new Date(string).getTime()` for the ECMA-262 date-time string format, `None` where JS gives an Invalid
/// Date. Accepted: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (also with `+YYYYYY`/`-YYYYYY` years), optionally followed by
/// `THH:mm`, `THH:mm:ss` or `THH:mm:ss.fff…` (any number of fraction digits, truncated to milliseconds) and a
/// zone `Z` or `±HH:mm`. Like V8 it also takes `t`/`z` in lower case, a space for `T`, `±HHmm` zones and
/// surrounding whitespace. Two deliberate differences: a date-time without a zone is read as UTC (V8 uses the
/// process's local time zone, which makes the result depend on `TZ`), and V8's legacy fallback formats
/// (`Jan 2 2024`, `2024-1-2`, a day that overflows its month) are not accepted.
pub fn parse_date(text: &str) -> Option<f64> {
    let mut c = Cursor {
        bytes: text
            .trim_matches(|ch: char| ch.is_ascii_whitespace())
            .as_bytes(),
        at: 0,
    };
    let year = match c.peek()? {
        sign @ (b'+' | b'-') => {
            c.at += 1;
            let magnitude = c.digits(6)?;
            if sign == b'-' {
                // ECMA-262 forbids "-000000": year zero has only one spelling.
                if magnitude == 0 {
                    return None;
                }
                -magnitude
            } else {
                magnitude
            }
        }
        _ => c.digits(4)?,
    };
    let mut month = 1;
    let mut day = 1;
    if c.eat(b'-') {
        month = c.digits(2)?;
        if c.eat(b'-') {
            day = c.digits(2)?;
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut time_ms = 0i64;
    let mut offset_ms = 0i64;
    if matches!(c.peek(), Some(b'T' | b't' | b' ')) {
        c.at += 1;
        let hour = c.digits(2)?;
        if !c.eat(b':') {
            return None;
        }
        let minute = c.digits(2)?;
        let mut second = 0;
        let mut millis = 0;
        if c.eat(b':') {
            second = c.digits(2)?;
            if c.eat(b'.') {
                let mut fraction_digits = 0;
                while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
                    if fraction_digits < 3 {
                        millis = millis * 10 + i64::from(b - b'0');
                    }
                    fraction_digits += 1;
                    c.at += 1;
                }
                if fraction_digits == 0 {
                    return None;
                }
                for _ in fraction_digits..3 {
                    millis *= 10;
                }
            }
        }
        let is_end_of_day = hour == 24 && minute == 0 && second == 0 && millis == 0;
        if (hour > 23 && !is_end_of_day) || minute > 59 || second > 59 {
            return None;
        }
        time_ms = ((hour * 60 + minute) * 60 + second) * 1000 + millis;
        match c.peek() {
            Some(b'Z' | b'z') => c.at += 1,
            Some(sign @ (b'+' | b'-')) => {
                c.at += 1;
                let hours = c.digits(2)?;
                c.eat(b':');
                let minutes = c.digits(2)?;
                if hours > 23 || minutes > 59 {
                    return None;
                }
                let offset = (hours * 60 + minutes) * 60_000;
                offset_ms = if sign == b'+' { offset } else { -offset };
            }
            _ => {}
        }
    }
    if !c.done() {
        return None;
    }
    let ms = days_from_civil(year, month, day) * MS_PER_DAY + time_ms - offset_ms;
    time_clip(ms as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_to_iso_string() {
        let cases: &[(f64, &str)] = &[
            (0.0, "1970-01-01T00:00:00.000Z"),
            (-0.0, "1970-01-01T00:00:00.000Z"),
            (-1.0, "1969-12-31T23:59:59.999Z"),
            (1.7, "1970-01-01T00:00:00.001Z"),
            (-1.7, "1969-12-31T23:59:59.999Z"),
            (8.64e15, "+275760-09-13T00:00:00.000Z"),
            (-8.64e15, "-271821-04-20T00:00:00.000Z"),
            (-62198755200000.0, "-000001-01-01T00:00:00.000Z"),
            (-62167219200001.0, "-000001-12-31T23:59:59.999Z"),
            (253402300799999.0, "9999-12-31T23:59:59.999Z"),
            (253402300800000.0, "+010000-01-01T00:00:00.000Z"),
            (1704164645678.0, "2024-01-02T03:04:05.678Z"),
        ];
        for (ms, expected) in cases {
            assert_eq!(format_iso(*ms).as_deref(), Some(*expected), "{ms}");
        }
        assert_eq!(format_iso(f64::NAN), None);
        assert_eq!(format_iso(8.64e15 + 1.0), None);
        assert_eq!(format_iso(f64::NEG_INFINITY), None);
    }

    #[test]
    fn parses_what_v8_parses() {
        // Expected values were printed by Node 20 (`new Date(s).getTime()`, TZ=UTC).
        let cases: &[(&str, Option<f64>)] = &[
            ("2024-01-02T03:04:05.678Z", Some(1704164645678.0)),
            ("2024-01-02", Some(1704153600000.0)),
            ("2024-01", Some(1704067200000.0)),
            ("2024", Some(1704067200000.0)),
            ("2024-01-02T03:04:05Z", Some(1704164645000.0)),
            ("2024-01-02T03:04Z", Some(1704164640000.0)),
            ("2024-01-02T03:04:05.6Z", Some(1704164645600.0)),
            ("2024-01-02T03:04:05.6789Z", Some(1704164645678.0)),
            ("2024-01-02T03:04:05.678123456789Z", Some(1704164645678.0)),
            ("2024-01-02t03:04:05z", Some(1704164645000.0)),
            ("2024-01-02T03:04:05.678+02:00", Some(1704157445678.0)),
            ("2024-01-02T03:04:05.678-0230", Some(1704173645678.0)),
            ("2024-01-02 03:04:05Z", Some(1704164645000.0)),
            ("2024-01-02T24:00:00Z", Some(1704240000000.0)),
            ("2024-01-02T24:00:01Z", None),
            ("+002024-01-02T00:00:00.000Z", Some(1704153600000.0)),
            ("-000001-01-01T00:00:00.000Z", Some(-62198755200000.0)),
            ("-000000-01-01T00:00:00.000Z", None),
            ("+275760-09-13T00:00:00.000Z", Some(8.64e15)),
            ("+275760-09-13T00:00:00.001Z", None),
            ("2024-13-01", None),
            ("2024-02-29", Some(1709164800000.0)),
            ("  2024-01-02  ", Some(1704153600000.0)),
            ("20240102", None),
            ("2024-01-02T03:04:05.678+02", None),
            ("2024-01-02T3:04Z", None),
            ("", None),
            ("2024-01-02T03:04:05.Z", None),
            ("2024-01-02T03:04:60Z", None),
            ("2024-01-02T03:60Z", None),
            ("2024-01-02T25:00Z", None),
            ("1970-01-01T00:00:00.000+00:00", Some(0.0)),
            ("2024-01-02T03:04:05.678Zjunk", None),
            ("é", None),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_date(text), *expected, "{text:?}");
        }
    }

    #[test]
    fn round_trips_every_day_of_a_wide_range() {
        let mut day = -800_000i64;
        while day < 800_000 {
            let ms = (day * MS_PER_DAY + 45_296_789) as f64;
            let text = format_iso(ms).unwrap_or_default();
            assert_eq!(parse_date(&text), Some(ms), "{text}");
            day += 37;
        }
    }
}
