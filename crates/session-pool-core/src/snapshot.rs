//! Moving a pool's sessions to and from the persisted state without holding the JS thread.
//!
//! Persisting: [`PoolSnapshot`] is taken on the JS thread and is cheap (numbers and ids are copied, cookie
//! jars are shared `Arc`s that the live sessions copy on their next write), then serialized and written on a
//! worker thread. Restoring: [`restore_sessions`] turns a parsed state into ready-made sessions on a worker
//! thread; the JS thread only wraps them.

use std::io::{self, Write};
use std::sync::Arc;

use serde_json::value::RawValue;

use crate::cookies::CookieJar;
use crate::session::{SessionCore, SessionParams};
use crate::state::{write_state_direct, LoadedState, PersistedSession, RawJson, SessionSnapshot};

/// One session as it was when the snapshot was taken.
#[derive(Debug, Clone)]
pub struct SnapshotSession {
    pub id: Arc<str>,
    pub jar: Arc<CookieJar>,
    pub max_error_score: f64,
    pub error_score_decrement: f64,
    pub expires_at: f64,
    pub created_at: f64,
    pub usage_count: f64,
    pub max_usage_count: f64,
    pub error_score: f64,
}

impl SnapshotSession {
    /// The persisted numbers of a session, with its (shared) jar.
    pub fn of(core: &SessionCore, jar: Arc<CookieJar>) -> Self {
        SnapshotSession {
            id: core.shared_id(),
            jar,
            max_error_score: core.max_error_score(),
            error_score_decrement: core.error_score_decrement(),
            expires_at: core.expires_at(),
            created_at: core.created_at(),
            usage_count: core.usage_count(),
            max_usage_count: core.max_usage_count(),
            error_score: core.error_score(),
        }
    }
}

/// A point-in-time copy of a pool's state, minus `userData` (which lives in JS and comes as one JSON array).
#[derive(Debug, Clone, Default)]
pub struct PoolSnapshot {
    pub usable_sessions_count: u64,
    pub retired_sessions_count: u64,
    pub sessions: Vec<SnapshotSession>,
}

impl PoolSnapshot {
    /// Writes the state as `JSON.stringify(pool.getState(), null, 2)` would, taking each session's `userData`
    /// from `user_data_array`, a JSON array with one entry per session in the same order.
    pub fn write<W: Write>(&self, user_data_array: &str, writer: W) -> io::Result<()> {
        let user_data: Vec<Box<RawValue>> = serde_json::from_str(user_data_array).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("userData array: {e}"))
        })?;
        if user_data.len() != self.sessions.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "userData array has {} entries for {} sessions",
                    user_data.len(),
                    self.sessions.len()
                ),
            ));
        }
        let user_data: Vec<RawJson> = user_data.into_iter().map(RawJson::from_raw).collect();
        // The direct writer gives `write_state`'s bytes (its tests compare the two), about 3x faster.
        write_state_direct(
            writer,
            self.usable_sessions_count,
            self.retired_sessions_count,
            self.sessions
                .iter()
                .zip(user_data.iter())
                .map(|(s, ud)| SessionSnapshot {
                    id: &s.id,
                    cookie_jar: &*s.jar,
                    user_data: ud,
                    max_error_score: s.max_error_score,
                    error_score_decrement: s.error_score_decrement,
                    expires_at: s.expires_at,
                    created_at: s.created_at,
                    usage_count: s.usage_count,
                    max_usage_count: s.max_usage_count,
                    error_score: s.error_score,
                }),
        )
    }
}

/// A persisted session made ready to live again: its options (the pool's `maxAgeSecs` applies, since that is
/// not persisted), its jar, its `userData` as JSON text for `JSON.parse`, and the persisted form for a
/// user's `createSessionFunction`.
#[derive(Debug, Clone)]
pub struct RestoredSession {
    pub params: SessionParams,
    pub jar: CookieJar,
    pub persisted: PersistedSession,
}

/// What restoring a state gave: the sessions, and a description of each entry that could not be used.
#[derive(Debug, Clone, Default)]
pub struct Restored {
    pub sessions: Vec<RestoredSession>,
    pub problems: Vec<String>,
}

/// Turns a parsed state into sessions; `max_age_secs` is the pool's (from its `sessionOptions`). Parsing the
/// cookie jars dominates, so it is spread over the machine's cores. `keep_cookie_text` keeps each session's
/// persisted `cookieJar` text (a user's `createSessionFunction` receives it); otherwise it is dropped here, off
/// the JS thread.
pub fn restore_sessions(
    loaded: LoadedState,
    max_age_secs: Option<f64>,
    now_ms: f64,
    keep_cookie_text: bool,
) -> Restored {
    let mut problems: Vec<String> = loaded.problems.iter().map(|p| p.to_string()).collect();
    // Every core: restoring happens while the pool opens, when the JS thread mostly waits for it; the event loop
    // still turns, since none of this holds it (the OS shares the cores). Small states stay on this thread.
    let threads = if loaded.sessions.len() < 256 {
        1
    } else {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8)
    };
    let per_thread = loaded.sessions.len().div_ceil(threads).max(1);
    let mut parts: Vec<Vec<PersistedSession>> = Vec::with_capacity(threads);
    let mut rest = loaded.sessions;
    while rest.len() > per_thread {
        let tail = rest.split_off(per_thread);
        parts.push(rest);
        rest = tail;
    }
    parts.push(rest);
    if parts.len() == 1 {
        let (sessions, part_problems) = parts
            .pop()
            .map(|part| restore_part(part, max_age_secs, now_ms, keep_cookie_text))
            .unwrap_or_default();
        problems.extend(part_problems);
        return Restored { sessions, problems };
    }
    let results: Vec<(Vec<RestoredSession>, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| {
                scope.spawn(move || restore_part(part, max_age_secs, now_ms, keep_cookie_text))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut sessions = Vec::new();
    for (part, part_problems) in results {
        sessions.extend(part);
        problems.extend(part_problems);
    }
    Restored { sessions, problems }
}

fn restore_part(
    part: Vec<PersistedSession>,
    max_age_secs: Option<f64>,
    now_ms: f64,
    keep_cookie_text: bool,
) -> (Vec<RestoredSession>, Vec<String>) {
    let mut problems = Vec::new();
    let mut sessions = Vec::with_capacity(part.len());
    for mut persisted in part {
        let jar = match CookieJar::from_json_str(persisted.cookie_jar.as_str(), now_ms) {
            Ok(jar) => jar,
            Err(e) => {
                problems.push(format!(
                    "session '{}': cookieJar not loaded ({}); it starts with no cookies",
                    persisted.id, e.message
                ));
                CookieJar::new()
            }
        };
        if !keep_cookie_text {
            persisted.cookie_jar = RawJson::from_raw(RawValue::NULL.to_owned());
        }
        let params = SessionParams {
            id: Some(persisted.id.clone()),
            max_age_secs,
            max_error_score: Some(persisted.max_error_score),
            error_score_decrement: Some(persisted.error_score_decrement),
            created_at: Some(persisted.created_at),
            expires_at: Some(persisted.expires_at),
            usage_count: Some(persisted.usage_count),
            error_score: Some(persisted.error_score),
            max_usage_count: Some(persisted.max_usage_count),
        };
        sessions.push(RestoredSession {
            params,
            jar,
            persisted,
        });
    }
    (sessions, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::parse_state;

    const NOW: f64 = 1_700_000_000_000.0;

    #[test]
    fn snapshot_writes_what_restore_reads() {
        let mut jar = CookieJar::new();
        jar.set_cookie("a=1; Path=/", "https://example.com/", NOW)
            .unwrap();
        let core = SessionCore::new(
            SessionParams {
                id: Some("s1".into()),
                ..Default::default()
            },
            NOW,
        );
        let snap = PoolSnapshot {
            usable_sessions_count: 1,
            retired_sessions_count: 0,
            sessions: vec![SnapshotSession::of(&core, Arc::new(jar))],
        };
        let mut out = Vec::new();
        snap.write(r#"[{"k":[1,2]}]"#, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\"userData\": {\n        \"k\": [\n          1,"),
            "{text}"
        );
        let restored = restore_sessions(parse_state(&text).unwrap(), Some(10.0), NOW, true);
        assert!(restored.problems.is_empty());
        let r = &restored.sessions[0];
        assert_eq!(r.params.id.as_deref(), Some("s1"));
        assert_eq!(r.params.max_age_secs, Some(10.0));
        assert_eq!(r.params.expires_at, Some(core.expires_at()));
        let mut jar = r.jar.clone();
        assert_eq!(
            jar.get_cookie_string("https://example.com/", NOW).unwrap(),
            "a=1"
        );
        assert_eq!(
            r.persisted.user_data.as_str().replace([' ', '\n'], ""),
            r#"{"k":[1,2]}"#
        );
    }

    #[test]
    fn user_data_must_match_the_sessions() {
        let snap = PoolSnapshot::default();
        assert!(snap.write("[{}]", Vec::new()).is_err());
        assert!(snap.write("not json", Vec::new()).is_err());
        let mut out = Vec::new();
        snap.write("[]", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n  \"usableSessionsCount\": 0,\n  \"retiredSessionsCount\": 0,\n  \"sessions\": []\n}"
        );
    }
}
