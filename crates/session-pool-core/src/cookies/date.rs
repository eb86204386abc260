//! Dates as tough-cookie and JS `Date` handle them: the RFC 6265 cookie-date parser, `toUTCString`,
//! `toISOString`, and the subset of `Date.parse` that reads back what `toISOString` wrote.
//!
//! Times are `f64` milliseconds since the epoch, like a JS time value: always integral, within
//! ±8.64e15 ms.

const MS_PER_DAY: i64 = 86_400_000;
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAY_NAMES: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// What JS `new Date(x)` does to a number (TimeClip); one implementation for the crate, in `state`.
pub(crate) use crate::state::time_clip;

/// Days since 1970-01-01 of a proleptic Gregorian date (`month` 1..=12).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    // Counting years from March puts the leap day at the end of the year, which makes the day of
    // year a simple function of the month.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`]: (year, month 1..=12, day 1..=31).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both fit: month is 1..=12 and day 1..=31 by construction.
    (year, month as u32, day as u32)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Broken-down UTC time of a time value.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    weekday: usize,
    hour: i64,
    minute: i64,
    second: i64,
}

fn civil(ms: f64) -> Civil {
    // Callers pass clipped values, so the cast is exact.
    let ms = ms as i64;
    let days = ms.div_euclid(MS_PER_DAY);
    let in_day = ms.rem_euclid(MS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        // 1970-01-01 was a Thursday.
        weekday: (days + 4).rem_euclid(7) as usize,
        hour: in_day / 3_600_000,
        minute: in_day / 60_000 % 60,
        second: in_day / 1000 % 60,
    }
}

/// JS `Date.prototype.toUTCString` (tough-cookie's `formatDate`): `Thu, 01 Jan 1970 00:00:00 GMT`.
/// `None` for a time value a `Date` cannot hold (JS prints `Invalid Date`).
pub fn format_date(ms: f64) -> Option<String> {
    let ms = time_clip(ms)?;
    let c = civil(ms);
    let sign = if c.year < 0 { "-" } else { "" };
    Some(format!(
        "{}, {:02} {} {sign}{:04} {:02}:{:02}:{:02} GMT",
        DAY_NAMES[c.weekday],
        c.day,
        MONTH_NAMES[(c.month - 1) as usize],
        c.year.abs(),
        c.hour,
        c.minute,
        c.second
    ))
}

/// A `toISOString` rendering held on the stack, so serializing 100 000 jars allocates nothing per
/// date.
pub(crate) struct IsoString {
    buf: [u8; 32],
    len: usize,
}

impl IsoString {
    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation are ever written.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// JS `Date.prototype.toISOString` into a stack buffer; `None` where JS throws (an invalid date). The
/// formatting itself is the state writer's (`state::date`), so both modules print dates identically.
pub(crate) fn iso_string(ms: f64) -> Option<IsoString> {
    let mut buf = [0u8; 27];
    let len = crate::state::write_iso(ms, &mut buf)?;
    let mut out = IsoString {
        buf: [0; 32],
        len: 0,
    };
    out.buf[..len].copy_from_slice(&buf[..len]);
    out.len = len;
    Some(out)
}

/// [`iso_string`] as an owned `String`.
pub fn format_iso(ms: f64) -> Option<String> {
    iso_string(ms).map(|s| s.as_str().to_owned())
}

fn utc_ms(
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
) -> f64 {
    let days = days_from_civil(year, month, day);
    (days * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + millis) as f64
}

/// Characters that separate the tokens of a cookie date (RFC 6265 section 5.1.1 `delimiter`).
fn is_date_delimiter(c: char) -> bool {
    matches!(c, '\x09' | '\x20'..='\x2F' | '\x3B'..='\x40' | '\x5B'..='\x60' | '\x7B'..='\x7E')
}

/// Whether what follows the digits of a date token is acceptable: nothing, or a non-digit and
/// then anything, all within Latin-1 (the JS patterns tough uses match code units up to 0xFF).
fn is_date_token_tail(rest: &str) -> bool {
    let mut chars = rest.chars();
    match chars.next() {
        None => true,
        Some(first) => {
            (first as u32) <= 0xFF && !first.is_ascii_digit() && chars.all(|c| (c as u32) <= 0xFF)
        }
    }
}

/// Leading ASCII digits of `s`, at most `max`, as (value, count).
fn leading_digits(s: &str, max: usize) -> (i64, usize) {
    let mut value = 0i64;
    let mut count = 0;
    for b in s.bytes().take(max) {
        if !b.is_ascii_digit() {
            break;
        }
        value = value * 10 + i64::from(b - b'0');
        count += 1;
    }
    (value, count)
}

/// `digits{min,max}` followed by an acceptable tail, as its value.
fn number_token(token: &str, min: usize, max: usize) -> Option<i64> {
    let (value, count) = leading_digits(token, max);
    (count >= min && is_date_token_tail(&token[count..])).then_some(value)
}

fn time_token(token: &str) -> Option<(i64, i64, i64)> {
    let mut rest = token;
    let mut parts = [0i64; 3];
    for (i, part) in parts.iter_mut().enumerate() {
        let (value, count) = leading_digits(rest, 2);
        if count == 0 {
            return None;
        }
        *part = value;
        rest = &rest[count..];
        if i < 2 {
            rest = rest.strip_prefix(':')?;
        }
    }
    is_date_token_tail(rest).then_some((parts[0], parts[1], parts[2]))
}

fn month_token(token: &str) -> Option<u32> {
    let head = token.get(..3)?;
    let index = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(head))?;
    token[3..]
        .chars()
        .all(|c| (c as u32) <= 0xFF)
        .then_some(index as u32 + 1)
}

/// Parses a cookie date the way tough-cookie's `parseDate` does (RFC 6265 section 5.1.1, with
/// tough's reading of it): the first time, day of month, month and year tokens found win, two-digit
/// years are mapped to 1970-2069, and impossible dates (a 31st of April, years before 1601) are
/// refused. Returns milliseconds since the epoch, or `None` where tough returns `undefined`.
pub fn parse_date(input: &str) -> Option<f64> {
    let mut time = None;
    let mut day_of_month = None;
    let mut month = None;
    let mut year = None;
    for token in input.split(is_date_delimiter).filter(|t| !t.is_empty()) {
        if time.is_none() {
            if let Some(t) = time_token(token) {
                time = Some(t);
                continue;
            }
        }
        if day_of_month.is_none() {
            if let Some(d) = number_token(token, 1, 2) {
                day_of_month = Some(d);
                continue;
            }
        }
        if month.is_none() {
            if let Some(m) = month_token(token) {
                month = Some(m);
                continue;
            }
        }
        if year.is_none() {
            if let Some(y) = number_token(token, 2, 4) {
                year = Some(y);
                continue;
            }
        }
    }
    let mut year = year?;
    if (70..=99).contains(&year) {
        year += 1900;
    } else if (0..=69).contains(&year) {
        year += 2000;
    }
    let (day, month, (hour, minute, second)) = (day_of_month?, month?, time?);
    if !(1..=31).contains(&day) || year < 1601 || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    // A day that would roll over into the next month (31 April, 29 February 2001) is no date.
    let day = u32::try_from(day)
        .ok()
        .filter(|d| *d <= days_in_month(year, month))?;
    Some(utc_ms(year, month, day, hour, minute, second, 0))
}

/// Reads a date as `new Date(string)` does for the strings that matter here: the ISO format
/// `toISOString` writes (and its shorter and offset forms), else a cookie date. A date-time without
/// an offset is read as UTC, where JS would use the local time zone. `None` for an invalid date.
pub(crate) fn parse_js_date_string(s: &str) -> Option<f64> {
    parse_iso(s.trim())
        .or_else(|| parse_date(s))
        .and_then(time_clip)
}

/// A cursor over ASCII bytes for the ISO reader.
struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Scanner<'_> {
    fn eat(&mut self, b: u8) -> bool {
        if self.bytes.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn digits(&mut self, n: usize) -> Option<i64> {
        let slice = self.bytes.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(
            slice
                .iter()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0')),
        )
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

fn parse_iso(s: &str) -> Option<f64> {
    let mut sc = Scanner {
        bytes: s.as_bytes(),
        pos: 0,
    };
    let year = if sc.eat(b'+') {
        sc.digits(6)?
    } else if sc.eat(b'-') {
        let y = sc.digits(6)?;
        // JS refuses "-000000" as an ambiguous year zero.
        if y == 0 {
            return None;
        }
        -y
    } else {
        sc.digits(4)?
    };
    let mut month = 1;
    let mut day = 1;
    if sc.eat(b'-') {
        month = sc.digits(2)?;
        if sc.eat(b'-') {
            day = sc.digits(2)?;
        }
    }
    let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    // V8 takes any day up to 31 and lets it roll into the next month ("2024-02-30" is 1 March).
    let day = u32::try_from(day).ok().filter(|d| (1..=31).contains(d))?;
    let (mut hour, mut minute, mut second, mut millis) = (0, 0, 0, 0);
    let mut offset_minutes = 0;
    if sc.eat(b'T') || sc.eat(b't') {
        hour = sc.digits(2)?;
        if !sc.eat(b':') {
            return None;
        }
        minute = sc.digits(2)?;
        if sc.eat(b':') {
            second = sc.digits(2)?;
            if sc.eat(b'.') {
                let start = sc.pos;
                while sc.bytes.get(sc.pos).is_some_and(u8::is_ascii_digit) {
                    sc.pos += 1;
                }
                let fraction = &s[start..sc.pos];
                if fraction.is_empty() {
                    return None;
                }
                let (value, count) = leading_digits(fraction, 3);
                millis = value * 10i64.pow(3 - count as u32);
            }
        }
        if sc.eat(b'Z') || sc.eat(b'z') {
        } else if sc
            .bytes
            .get(sc.pos)
            .is_some_and(|b| *b == b'+' || *b == b'-')
        {
            let negative = sc.eat(b'-');
            if !negative {
                sc.eat(b'+');
            }
            let oh = sc.digits(2)?;
            if !sc.eat(b':') {
                return None;
            }
            let om = sc.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            offset_minutes = if negative {
                -(oh * 60 + om)
            } else {
                oh * 60 + om
            };
        }
        // 24:00 is the end of the day in ISO, the only hour-24 time JS accepts.
        let end_of_day = hour == 24 && minute == 0 && second == 0 && millis == 0;
        if (hour > 23 && !end_of_day) || minute > 59 || second > 59 {
            return None;
        }
    }
    if !sc.done() {
        return None;
    }
    Some(utc_ms(year, month, day, hour, minute, second, millis) - (offset_minutes * 60_000) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip_over_wide_range() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn iso_and_utc_strings() {
        // Values from node: new Date(x).toISOString() / toUTCString().
        assert_eq!(format_iso(0.0).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(
            format_iso(-1.0).as_deref(),
            Some("1969-12-31T23:59:59.999Z")
        );
        assert_eq!(
            format_iso(253402300800000.0).as_deref(),
            Some("+010000-01-01T00:00:00.000Z")
        );
        assert_eq!(
            format_iso(-62198755200000.0).as_deref(),
            Some("-000001-01-01T00:00:00.000Z")
        );
        assert_eq!(format_iso(f64::NAN), None);
        assert_eq!(
            format_date(1_700_000_000_000.0).as_deref(),
            Some("Tue, 14 Nov 2023 22:13:20 GMT")
        );
    }

    #[test]
    fn iso_parse_reads_back_what_it_wrote() {
        for ms in [
            0.0,
            1_700_000_000_123.0,
            -1.0,
            253402300800000.0,
            -62198755200000.0,
            8.64e15,
        ] {
            let text = format_iso(ms).unwrap_or_default();
            assert_eq!(parse_js_date_string(&text), Some(ms), "{text}");
        }
        assert_eq!(
            parse_js_date_string("2024-01-01"),
            Some(1_704_067_200_000.0)
        );
        assert_eq!(
            parse_js_date_string("2024-01-01T01:00:00+01:00"),
            Some(1_704_067_200_000.0)
        );
        // Values from node's Date.parse.
        assert_eq!(
            parse_js_date_string("2024-02-30T00:00:00Z"),
            Some(1_709_251_200_000.0)
        );
        assert_eq!(parse_js_date_string("2024-02-32"), None);
        assert_eq!(
            parse_js_date_string("2024-01-01T24:00:00Z"),
            Some(1_704_153_600_000.0)
        );
        assert_eq!(
            parse_js_date_string("2024-01-01T10:00:00.1234Z"),
            Some(1_704_103_200_123.0)
        );
        assert_eq!(
            parse_js_date_string("Wed, 09 Jun 2100 10:18:14 GMT"),
            Some(4_116_219_494_000.0)
        );
        assert_eq!(parse_js_date_string("garbage"), None);
    }
}
