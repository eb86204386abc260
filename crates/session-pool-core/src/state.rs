//! The persisted pool state, field for field what Crawlee's `SessionPool.getState()` produces and what it writes
//! to its key-value store with `JSON.stringify(state, null, 2)`:
//!
//! ```json
//! { "usableSessionsCount": 1, "retiredSessionsCount": 0, "sessions": [ { "id": "session_x", "cookieJar": {…},
//!   "userData": {…}, "maxErrorScore": 3, "errorScoreDecrement": 0.5, "expiresAt": "2024-…Z",
//!   "createdAt": "2024-…Z", "usageCount": 0, "maxUsageCount": 50, "errorScore": 0 } ] }
//! ```
//!
//! Writing is byte-identical to JS for the same data (see [`write_state`]); reading is tolerant: a document of
//! the wrong shape is an error, while a bad session is skipped and reported (see [`parse_state`]). Dates are
//! kept as JS time values, f64 milliseconds since the epoch.

mod date;
mod direct_writer;
mod js_json;
mod raw_json;
mod read;

use std::fmt;
use std::io::{self, BufWriter, Write};

use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;

pub(crate) use date::write_iso;
pub use date::{format_iso, parse_date, time_clip};
pub use direct_writer::{append_state, write_state_direct};
pub use js_json::{
    format_js_number, to_js_pretty_string, write_js_number, write_js_pretty, JsPrettyFormatter,
};
pub use raw_json::RawJson;

/// One session as persisted: Crawlee's `Session.getState()`.
///
/// `cookie_jar` is tough-cookie's serialized jar (`CookieJar.toJSON()`), kept as JSON text here because the
/// cookie module owns its meaning; `user_data` is the user's arbitrary JSON. Both are [`RawJson`]: validated
/// text that keeps its key order and is re-printed the JS way when written.
#[derive(Debug, Clone, PartialEq)]
pub struct PersistedSession {
    /// Session id, non-empty.
    pub id: String,
    /// tough-cookie's serialized jar, always a JSON object when read by [`parse_state`].
    pub cookie_jar: RawJson,
    /// The session's `userData` (an object, or an array).
    pub user_data: RawJson,
    /// `maxErrorScore`.
    pub max_error_score: f64,
    /// `errorScoreDecrement`.
    pub error_score_decrement: f64,
    /// `expiresAt`, ms since the epoch.
    pub expires_at: f64,
    /// `createdAt`, ms since the epoch.
    pub created_at: f64,
    /// `usageCount`.
    pub usage_count: f64,
    /// `maxUsageCount`.
    pub max_usage_count: f64,
    /// `errorScore`.
    pub error_score: f64,
}

impl PersistedSession {
    /// A borrowed view for [`write_state`].
    pub fn snapshot(&self) -> SessionSnapshot<'_, RawJson, RawJson> {
        SessionSnapshot {
            id: &self.id,
            cookie_jar: &self.cookie_jar,
            user_data: &self.user_data,
            max_error_score: self.max_error_score,
            error_score_decrement: self.error_score_decrement,
            expires_at: self.expires_at,
            created_at: self.created_at,
            usage_count: self.usage_count,
            max_usage_count: self.max_usage_count,
            error_score: self.error_score,
        }
    }
}

impl Serialize for PersistedSession {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.snapshot().serialize(serializer)
    }
}

/// The whole pool state: Crawlee's `SessionPool.getState()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersistedState {
    /// `usableSessionsCount` as the pool computed it when persisting.
    pub usable_sessions_count: u64,
    /// `retiredSessionsCount` as the pool computed it when persisting.
    pub retired_sessions_count: u64,
    /// Every session of the pool, retired ones included, in pool order.
    pub sessions: Vec<PersistedSession>,
}

impl PersistedState {
    /// Writes `JSON.stringify(this, null, 2)` to `writer` (buffered internally).
    pub fn write_to<W: Write>(&self, writer: W) -> io::Result<()> {
        write_state(
            writer,
            self.usable_sessions_count,
            self.retired_sessions_count,
            self.sessions.iter().map(PersistedSession::snapshot),
        )
    }

    /// `JSON.stringify(this, null, 2)` as a `String`.
    pub fn to_json_string(&self) -> io::Result<String> {
        let mut out = Vec::with_capacity(256 + self.sessions.len() * 2048);
        self.write_to(&mut out)?;
        String::from_utf8(out).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

/// A borrowed session in the persisted key order, for writing a pool straight from its live data without first
/// copying it into [`PersistedSession`]s. `J` and `U` are any `Serialize` types: [`RawJson`] (e.g. the text of
/// `JSON.stringify(userData)` from JS), `serde_json::Value`, or the cookie module's own jar type if it
/// serializes to tough-cookie's form.
#[derive(Debug)]
pub struct SessionSnapshot<'a, J: ?Sized, U: ?Sized> {
    /// Session id.
    pub id: &'a str,
    /// Serialized as `cookieJar`.
    pub cookie_jar: &'a J,
    /// Serialized as `userData`.
    pub user_data: &'a U,
    /// `maxErrorScore`.
    pub max_error_score: f64,
    /// `errorScoreDecrement`.
    pub error_score_decrement: f64,
    /// `expiresAt`, ms since the epoch; written with `toISOString()`, or `null` when not a valid Date.
    pub expires_at: f64,
    /// `createdAt`, ms since the epoch; written like `expires_at`.
    pub created_at: f64,
    /// `usageCount`.
    pub usage_count: f64,
    /// `maxUsageCount`.
    pub max_usage_count: f64,
    /// `errorScore`.
    pub error_score: f64,
}

/// A time value serialized as `toISOString()`. JS would throw on an Invalid Date and lose the whole persist;
/// writing `null` instead loses only that session, which the reader then reports and skips.
struct IsoDate(f64);

impl Serialize for IsoDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 27];
        match date::write_iso(self.0, &mut buf)
            .and_then(|len| std::str::from_utf8(&buf[..len]).ok())
        {
            Some(text) => serializer.serialize_str(text),
            None => serializer.serialize_unit(),
        }
    }
}

impl<J: Serialize + ?Sized, U: Serialize + ?Sized> Serialize for SessionSnapshot<'_, J, U> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Session", 10)?;
        s.serialize_field("id", self.id)?;
        s.serialize_field("cookieJar", self.cookie_jar)?;
        s.serialize_field("userData", self.user_data)?;
        s.serialize_field("maxErrorScore", &self.max_error_score)?;
        s.serialize_field("errorScoreDecrement", &self.error_score_decrement)?;
        s.serialize_field("expiresAt", &IsoDate(self.expires_at))?;
        s.serialize_field("createdAt", &IsoDate(self.created_at))?;
        s.serialize_field("usageCount", &self.usage_count)?;
        s.serialize_field("maxUsageCount", &self.max_usage_count)?;
        s.serialize_field("errorScore", &self.error_score)?;
        s.end()
    }
}

/// The top-level object; the session iterator sits in a `Cell` because `Serialize` only lends `&self` and an
/// iterator is consumed by walking it. It is walked exactly once, by [`write_state`].
struct StateDocument<I> {
    usable: u64,
    retired: u64,
    sessions: std::cell::Cell<Option<I>>,
}

struct SessionList<I>(std::cell::Cell<Option<I>>);

impl<I, T> Serialize for SessionList<I>
where
    I: Iterator<Item = T>,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        if let Some(sessions) = self.0.take() {
            for session in sessions {
                seq.serialize_element(&session)?;
            }
        }
        seq.end()
    }
}

impl<I, T> Serialize for StateDocument<I>
where
    I: Iterator<Item = T>,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("SessionPoolState", 3)?;
        s.serialize_field("usableSessionsCount", &self.usable)?;
        s.serialize_field("retiredSessionsCount", &self.retired)?;
        s.serialize_field(
            "sessions",
            &SessionList(std::cell::Cell::new(self.sessions.take())),
        )?;
        s.end()
    }
}

/// Streams a pool state to `writer` exactly as Crawlee's persistence writes it: `JSON.stringify(state, null, 2)`,
/// no trailing newline. The output is buffered internally and flushed at the end, so a bare `File` is fine;
/// durability (fsync, atomic rename) is the file store's job.
pub fn write_state<'a, W, J, U, I>(
    writer: W,
    usable_sessions_count: u64,
    retired_sessions_count: u64,
    sessions: I,
) -> io::Result<()>
where
    W: Write,
    J: Serialize + ?Sized + 'a,
    U: Serialize + ?Sized + 'a,
    I: IntoIterator<Item = SessionSnapshot<'a, J, U>>,
{
    let document = StateDocument {
        usable: usable_sessions_count,
        retired: retired_sessions_count,
        sessions: std::cell::Cell::new(Some(sessions.into_iter())),
    };
    let mut buffered = BufWriter::with_capacity(1 << 18, writer);
    write_js_pretty(&mut buffered, &document)?;
    buffered.flush()
}

/// A session entry that [`parse_state`] skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionProblem {
    /// Position of the entry in the file's `sessions` array.
    pub index: usize,
    /// The entry's id when it had a usable one.
    pub id: Option<String>,
    /// Every reason found, joined with `; `.
    pub reason: String,
}

impl fmt::Display for SessionProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(
                f,
                "session #{} (id {id:?}) skipped: {}",
                self.index, self.reason
            ),
            None => write!(f, "session #{} skipped: {}", self.index, self.reason),
        }
    }
}

/// The result of reading a state: the valid sessions in file order, and every entry that was skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadedState {
    /// Sessions that passed validation (retired ones included: deciding usability is the pool's job).
    pub sessions: Vec<PersistedSession>,
    /// Skipped entries; the caller logs them.
    pub problems: Vec<SessionProblem>,
}

/// Why a state document could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateError {
    /// Not JSON: empty, truncated, not UTF-8, or otherwise malformed. The message locates the fault.
    Syntax(String),
    /// Valid JSON that is not a pool state: the top level is not an object with a `sessions` array.
    WrongShape(String),
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::Syntax(message) => write!(f, "not valid JSON: {message}"),
            StateError::WrongShape(message) => write!(f, "not a session pool state: {message}"),
        }
    }
}

impl std::error::Error for StateError {}

/// Reads a state written by Crawlee or by [`write_state`].
///
/// Errors only when the document as a whole is unusable (see [`StateError`]). A session entry that is not an
/// object, lacks a field, or has one of the wrong type — `id` not a non-empty string, a number field not a finite
/// number, `expiresAt`/`createdAt` not a date [`parse_date`] accepts (or epoch milliseconds, which Crawlee's
/// `new Date(value)` also takes), `cookieJar` not an object, `userData` not an object or array — is skipped and listed in
/// [`LoadedState::problems`]; so is a repeated id (the first one is kept). A missing `userData` becomes `{}`,
/// as Crawlee defaults it. The top-level counts are not read back: they are derived from the sessions.
/// The sessions' cookie jars are kept as slices of a copy of `text`; [`parse_state_owned`] takes the text itself.
pub fn parse_state(text: &str) -> Result<LoadedState, StateError> {
    parse_state_owned(text.to_owned())
}

/// [`parse_state`] of a text it keeps: the sessions' cookie jars are slices of it, not copies (so it stays in
/// memory until the last of them is dropped; restoring a pool parses them into jars right away).
pub fn parse_state_owned(text: String) -> Result<LoadedState, StateError> {
    read::parse(&std::sync::Arc::new(text))
}

/// [`parse_state`] for raw file bytes; invalid UTF-8 is a [`StateError::Syntax`].
pub fn parse_state_bytes(bytes: &[u8]) -> Result<LoadedState, StateError> {
    parse_state_vec(bytes.to_vec())
}

/// [`parse_state_owned`] for raw file bytes it keeps; invalid UTF-8 is a [`StateError::Syntax`].
pub fn parse_state_vec(bytes: Vec<u8>) -> Result<LoadedState, StateError> {
    let text = String::from_utf8(bytes).map_err(|e| {
        StateError::Syntax(format!("the file is not UTF-8 text ({})", e.utf8_error()))
    })?;
    parse_state_owned(text)
}
