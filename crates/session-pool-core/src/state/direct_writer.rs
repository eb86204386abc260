//! The pool state written straight into a byte buffer, for the persist path: the same bytes as
//! [`write_state`](super::write_state) gives for live sessions (cookie jars and `userData` text), without
//! serde in between. The fixed structure is appended as precomputed fragments (a key with its indentation
//! and `": "` is one copy), strings are escaped with a fast path for the common string that needs nothing,
//! dates remember their day, and the jar is written by a function that mirrors its `Serialize` impl.
//!
//! [`write_state`](super::write_state) stays the reference: the tests here compare the two byte for byte.

mod cookie_jar;
mod escape;
mod iso_dates;
mod numbers;
#[cfg(test)]
mod tests;

use std::io::{self, Write};

use super::raw_json::write_reindented;
use super::{RawJson, SessionSnapshot};
use crate::cookies::CookieJar;
use escape::push_js_string;
use iso_dates::IsoDates;
use numbers::{push_count, push_js_number};

/// How much is buffered before it goes to the writer: big enough that a file gets few large writes.
const FLUSH_AT: usize = 1 << 18;

/// Nesting level of a session's values (document 1, `sessions` 2, session 3), for re-indenting `userData`.
const SESSION_LEVEL: usize = 3;

const DOCUMENT_OPEN: &[u8] = b"{\n  \"usableSessionsCount\": ";
const RETIRED: &[u8] = b",\n  \"retiredSessionsCount\": ";
const SESSIONS_OPEN: &[u8] = b",\n  \"sessions\": [";
const SESSIONS_END_EMPTY: &[u8] = b"]\n}";
const SESSIONS_END: &[u8] = b"\n  ]\n}";
/// Opens a session and starts its `id`; the leading comma is skipped for the first session.
const SESSION_OPEN: &[u8] = b",\n    {\n      \"id\": ";
const COOKIE_JAR: &[u8] = b",\n      \"cookieJar\": ";
const USER_DATA: &[u8] = b",\n      \"userData\": ";
const MAX_ERROR_SCORE: &[u8] = b",\n      \"maxErrorScore\": ";
const ERROR_SCORE_DECREMENT: &[u8] = b",\n      \"errorScoreDecrement\": ";
const EXPIRES_AT: &[u8] = b",\n      \"expiresAt\": ";
const CREATED_AT: &[u8] = b",\n      \"createdAt\": ";
const USAGE_COUNT: &[u8] = b",\n      \"usageCount\": ";
const MAX_USAGE_COUNT: &[u8] = b",\n      \"maxUsageCount\": ";
const ERROR_SCORE: &[u8] = b",\n      \"errorScore\": ";
const SESSION_CLOSE: &[u8] = b"\n    }";

/// Writes the state to `writer` exactly as [`write_state`](super::write_state) does for the same sessions
/// (`JSON.stringify(pool.getState(), null, 2)`, no trailing newline): built in a buffer that goes to `writer`
/// every 256 KB, then flushed. Durability (fsync, atomic rename) is the caller's job.
pub fn write_state_direct<'a, W, I>(
    mut writer: W,
    usable_sessions_count: u64,
    retired_sessions_count: u64,
    sessions: I,
) -> io::Result<()>
where
    W: Write,
    I: IntoIterator<Item = SessionSnapshot<'a, CookieJar, RawJson>>,
{
    // A session is a few KB; a big `userData` just grows the buffer for that once.
    let mut buffer = Vec::with_capacity(FLUSH_AT + FLUSH_AT / 8);
    let mut document = Document::open(&mut buffer, usable_sessions_count, retired_sessions_count);
    for session in sessions {
        document.session(&session);
        if document.out.len() >= FLUSH_AT {
            writer.write_all(document.out)?;
            document.out.clear();
        }
    }
    document.close();
    writer.write_all(&buffer)?;
    writer.flush()
}

/// [`write_state_direct`] appending the whole document to `out`.
pub fn append_state<'a, I>(
    out: &mut Vec<u8>,
    usable_sessions_count: u64,
    retired_sessions_count: u64,
    sessions: I,
) where
    I: IntoIterator<Item = SessionSnapshot<'a, CookieJar, RawJson>>,
{
    let mut document = Document::open(out, usable_sessions_count, retired_sessions_count);
    for session in sessions {
        document.session(&session);
    }
    document.close();
}

/// A document being written: the buffer, the date writer's memory, and how many sessions are in.
struct Document<'o> {
    out: &'o mut Vec<u8>,
    dates: IsoDates,
    sessions: usize,
}

impl<'o> Document<'o> {
    /// Appends everything up to the first session.
    fn open(out: &'o mut Vec<u8>, usable: u64, retired: u64) -> Self {
        out.extend_from_slice(DOCUMENT_OPEN);
        push_count(out, usable);
        out.extend_from_slice(RETIRED);
        push_count(out, retired);
        out.extend_from_slice(SESSIONS_OPEN);
        Document {
            out,
            dates: IsoDates::new(),
            sessions: 0,
        }
    }

    /// Appends one session (Crawlee's `Session.getState()`, in its key order).
    fn session(&mut self, session: &SessionSnapshot<'_, CookieJar, RawJson>) {
        let out = &mut *self.out;
        out.extend_from_slice(&SESSION_OPEN[usize::from(self.sessions == 0)..]);
        self.sessions += 1;
        push_js_string(out, session.id);
        out.extend_from_slice(COOKIE_JAR);
        cookie_jar::push_jar(out, &mut self.dates, session.cookie_jar);
        out.extend_from_slice(USER_DATA);
        // Writing into a Vec cannot fail.
        let _ = write_reindented(out, session.user_data.as_str(), SESSION_LEVEL);
        out.extend_from_slice(MAX_ERROR_SCORE);
        push_js_number(out, session.max_error_score);
        out.extend_from_slice(ERROR_SCORE_DECREMENT);
        push_js_number(out, session.error_score_decrement);
        out.extend_from_slice(EXPIRES_AT);
        self.dates.push(out, session.expires_at);
        out.extend_from_slice(CREATED_AT);
        self.dates.push(out, session.created_at);
        out.extend_from_slice(USAGE_COUNT);
        push_js_number(out, session.usage_count);
        out.extend_from_slice(MAX_USAGE_COUNT);
        push_js_number(out, session.max_usage_count);
        out.extend_from_slice(ERROR_SCORE);
        push_js_number(out, session.error_score);
        out.extend_from_slice(SESSION_CLOSE);
    }

    /// Closes the `sessions` array and the document.
    fn close(self) {
        self.out.extend_from_slice(if self.sessions == 0 {
            SESSIONS_END_EMPTY
        } else {
            SESSIONS_END
        });
    }
}
