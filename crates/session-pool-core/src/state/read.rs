//! Tolerant, streaming reader of a persisted pool state.
//!
//! The text is parsed in one pass with serde visitors instead of through a `serde_json::Value` of the whole
//! document: every session is checked field by field while it streams past, so one bad session costs only
//! itself, and the cookie jar and userData are only validated and copied as text (see `RawJson`).

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::date::{parse_date, time_clip};
use super::{LoadedState, PersistedSession, RawJson, SessionProblem, StateError};

/// Parses a state document; see [`crate::state::parse_state`]. The sessions' cookie jars stay slices of
/// `source` (see `RawJson::shared`).
pub(super) fn parse(source: &Arc<String>) -> Result<LoadedState, StateError> {
    // A UTF-8 byte order mark is not JSON, but editors add it; dropping it costs nothing.
    let text = source.strip_prefix('\u{feff}').unwrap_or(source);
    if text.trim().is_empty() {
        return Err(StateError::Syntax("the file is empty".to_owned()));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    // Pool states nest a few levels only; the default recursion limit (128) stays on so a hostile file cannot
    // overflow the stack.
    let outcome = de
        .deserialize_any(TopVisitor { source })
        .map_err(|e| StateError::Syntax(e.to_string()))?;
    de.end().map_err(|e| StateError::Syntax(e.to_string()))?;
    match outcome {
        TopOutcome::Sessions(entries) => Ok(collect(entries)),
        TopOutcome::WrongShape(message) => Err(StateError::WrongShape(message)),
    }
}

fn collect(entries: Vec<Entry>) -> LoadedState {
    let mut sessions = Vec::with_capacity(entries.len());
    let mut problems = Vec::new();
    let mut seen: HashSet<String> = HashSet::with_capacity(entries.len());
    for (index, entry) in entries.into_iter().enumerate() {
        match entry {
            Entry::Good(session) => {
                if seen.contains(&session.id) {
                    problems.push(SessionProblem {
                        index,
                        id: Some(session.id),
                        reason: "duplicate id, an earlier session with this id was kept".to_owned(),
                    });
                } else {
                    seen.insert(session.id.clone());
                    sessions.push(session);
                }
            }
            Entry::Bad { id, reasons } => problems.push(SessionProblem {
                index,
                id,
                reason: reasons.join("; "),
            }),
        }
    }
    LoadedState { sessions, problems }
}

enum TopOutcome {
    Sessions(Vec<Entry>),
    WrongShape(String),
}

/// Drains whatever a visitor was handed but does not want, so the parser stays in step; shape problems are
/// reported as values, and only real syntax errors abort the parse.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Names a JSON value's kind in messages the way a JS user would (`typeof`-like, with `null` and `array`).
macro_rules! shape_visitor_scalars {
    ($outcome:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($outcome("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($outcome("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($outcome("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($outcome("a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($outcome("a string"))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($outcome("null"))
        }
    };
}

/// The text being read, which the cookie jars read from it keep a share of.
struct TopVisitor<'s> {
    source: &'s Arc<String>,
}

fn top_wrong(kind: &str) -> TopOutcome {
    TopOutcome::WrongShape(format!(
        "expected an object with a \"sessions\" array at the top level, found {kind}"
    ))
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = TopOutcome;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a session pool state object")
    }

    shape_visitor_scalars!(top_wrong);

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        drain_seq(seq)?;
        Ok(top_wrong("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // JSON.parse keeps the last of duplicate keys, so a later "sessions" replaces an earlier one.
        let mut sessions: Option<Result<Vec<Entry>, &'static str>> = None;
        while let Some(key) = map.next_key::<TopKey>()? {
            match key {
                TopKey::Sessions => {
                    sessions = Some(map.next_value_seed(SessionsSeed {
                        source: self.source,
                    })?)
                }
                TopKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(match sessions {
            Some(Ok(entries)) => TopOutcome::Sessions(entries),
            Some(Err(kind)) => {
                TopOutcome::WrongShape(format!("\"sessions\" must be an array, found {kind}"))
            }
            None => TopOutcome::WrongShape("the object has no \"sessions\" array".to_owned()),
        })
    }
}

enum TopKey {
    Sessions,
    Other,
}

impl<'de> de::Deserialize<'de> for TopKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = TopKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<TopKey, E> {
                Ok(if key == "sessions" {
                    TopKey::Sessions
                } else {
                    TopKey::Other
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

struct SessionsSeed<'s> {
    source: &'s Arc<String>,
}

fn sessions_wrong(kind: &'static str) -> Result<Vec<Entry>, &'static str> {
    Err(kind)
}

impl<'de> DeserializeSeed<'de> for SessionsSeed<'_> {
    type Value = Result<Vec<Entry>, &'static str>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SessionsSeed<'_> {
    type Value = Result<Vec<Entry>, &'static str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of sessions")
    }

    shape_visitor_scalars!(sessions_wrong);

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        drain_map(map)?;
        Ok(Err("an object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
        while let Some(entry) = seq.next_element_seed(EntrySeed {
            source: self.source,
        })? {
            entries.push(entry);
        }
        Ok(Ok(entries))
    }
}

enum Entry {
    Good(PersistedSession),
    Bad {
        id: Option<String>,
        reasons: Vec<String>,
    },
}

struct EntrySeed<'s> {
    source: &'s Arc<String>,
}

fn entry_wrong(kind: &'static str) -> Entry {
    Entry::Bad {
        id: None,
        reasons: vec![format!("expected a session object, found {kind}")],
    }
}

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = Entry;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Entry, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A field value taken as whatever JSON type it has, so a wrong type becomes a problem, not a parse error.
enum Loose {
    Str(String),
    Num(f64),
    Other(&'static str),
}

impl<'de> de::Deserialize<'de> for Loose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LooseVisitor;
        impl<'de> Visitor<'de> for LooseVisitor {
            type Value = Loose;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Loose, E> {
                Ok(Loose::Other("a boolean"))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Loose, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Loose, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Loose, E> {
                Ok(Loose::Num(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Loose, E> {
                Ok(Loose::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Loose, E> {
                Ok(Loose::Str(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Loose, E> {
                Ok(Loose::Other("null"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Loose, A::Error> {
                drain_seq(seq)?;
                Ok(Loose::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Loose, A::Error> {
                drain_map(map)?;
                Ok(Loose::Other("an object"))
            }
        }
        deserializer.deserialize_any(LooseVisitor)
    }
}

#[derive(Clone, Copy)]
enum Field {
    Id,
    CookieJar,
    UserData,
    MaxErrorScore,
    ErrorScoreDecrement,
    ExpiresAt,
    CreatedAt,
    UsageCount,
    MaxUsageCount,
    ErrorScore,
    Other,
}

impl<'de> de::Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl Visitor<'_> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a session field name")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Field, E> {
                Ok(match key {
                    "id" => Field::Id,
                    "cookieJar" => Field::CookieJar,
                    "userData" => Field::UserData,
                    "maxErrorScore" => Field::MaxErrorScore,
                    "errorScoreDecrement" => Field::ErrorScoreDecrement,
                    "expiresAt" => Field::ExpiresAt,
                    "createdAt" => Field::CreatedAt,
                    "usageCount" => Field::UsageCount,
                    "maxUsageCount" => Field::MaxUsageCount,
                    "errorScore" => Field::ErrorScore,
                    _ => Field::Other,
                })
            }
        }
        deserializer.deserialize_identifier(FieldVisitor)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_> {
    type Value = Entry;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a session object")
    }

    shape_visitor_scalars!(entry_wrong);

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Entry, A::Error> {
        drain_seq(seq)?;
        Ok(entry_wrong("an array"))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry, A::Error> {
        let mut id = None;
        let mut cookie_jar = None;
        let mut user_data = None;
        let mut numbers: [Option<Loose>; 5] = [None, None, None, None, None];
        let mut expires_at = None;
        let mut created_at = None;
        // Later duplicates overwrite earlier ones, as JSON.parse does.
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Id => id = Some(map.next_value::<Loose>()?),
                // Borrowed where it lies in the text, not copied (the file's biggest part).
                Field::CookieJar => cookie_jar = Some(map.next_value::<&'de RawValue>()?),
                Field::UserData => user_data = Some(map.next_value::<Box<RawValue>>()?),
                Field::MaxErrorScore => numbers[0] = Some(map.next_value::<Loose>()?),
                Field::ErrorScoreDecrement => numbers[1] = Some(map.next_value::<Loose>()?),
                Field::UsageCount => numbers[2] = Some(map.next_value::<Loose>()?),
                Field::MaxUsageCount => numbers[3] = Some(map.next_value::<Loose>()?),
                Field::ErrorScore => numbers[4] = Some(map.next_value::<Loose>()?),
                Field::ExpiresAt => expires_at = Some(map.next_value::<Loose>()?),
                Field::CreatedAt => created_at = Some(map.next_value::<Loose>()?),
                Field::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let cookie_jar = cookie_jar.map(|jar| match raw_kind(jar) {
            "an object" => Ok(RawJson::shared(self.source, jar)),
            other => Err(other),
        });
        Ok(validate(
            id, cookie_jar, user_data, numbers, expires_at, created_at,
        ))
    }
}

const NUMBER_FIELDS: [&str; 5] = [
    "maxErrorScore",
    "errorScoreDecrement",
    "usageCount",
    "maxUsageCount",
    "errorScore",
];

fn loose_kind(value: &Loose) -> &'static str {
    match value {
        Loose::Str(_) => "a string",
        Loose::Num(_) => "a number",
        Loose::Other(kind) => kind,
    }
}

/// The kind of a validated JSON text, from its first byte (serde_json hands over values without leading space).
fn raw_kind(raw: &RawValue) -> &'static str {
    match raw.get().as_bytes().first() {
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b'"') => "a string",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

fn empty_object() -> RawJson {
    // "{}" always validates; the fallback only keeps this free of unwrap.
    RawValue::from_string("{}".to_owned())
        .map(RawJson::from_raw)
        .unwrap_or_else(|_| RawJson::from_raw(Box::default()))
}

fn date_field(name: &str, value: Option<Loose>, reasons: &mut Vec<String>) -> f64 {
    // Crawlee restores with `new Date(value)`, which takes epoch milliseconds as well as strings.
    let parsed = match &value {
        Some(Loose::Str(text)) => parse_date(text),
        Some(Loose::Num(ms)) => time_clip(*ms),
        _ => None,
    };
    match (parsed, value) {
        (Some(ms), _) => return ms,
        (None, None) => reasons.push(format!("\"{name}\" is missing")),
        (None, Some(Loose::Str(text))) => {
            let shown: String = text.chars().take(40).collect();
            reasons.push(format!("\"{name}\" is not a valid date: {shown:?}"));
        }
        (None, Some(Loose::Num(ms))) => {
            reasons.push(format!("\"{name}\" is out of the Date range: {ms}"))
        }
        (None, Some(other)) => reasons.push(format!(
            "\"{name}\" must be a date string, found {}",
            loose_kind(&other)
        )),
    }
    f64::NAN
}

fn validate(
    id: Option<Loose>,
    cookie_jar: Option<Result<RawJson, &'static str>>,
    user_data: Option<Box<RawValue>>,
    numbers: [Option<Loose>; 5],
    expires_at: Option<Loose>,
    created_at: Option<Loose>,
) -> Entry {
    let mut reasons = Vec::new();
    let id = match id {
        Some(Loose::Str(text)) if !text.is_empty() => Some(text),
        Some(Loose::Str(_)) => {
            reasons.push("\"id\" is an empty string".to_owned());
            None
        }
        Some(other) => {
            reasons.push(format!(
                "\"id\" must be a string, found {}",
                loose_kind(&other)
            ));
            None
        }
        None => {
            reasons.push("\"id\" is missing".to_owned());
            None
        }
    };
    let cookie_jar = match cookie_jar {
        Some(Ok(jar)) => Some(jar),
        Some(Err(kind)) => {
            reasons.push(format!("\"cookieJar\" must be an object, found {kind}"));
            None
        }
        None => {
            reasons.push("\"cookieJar\" is missing".to_owned());
            None
        }
    };
    // Crawlee's Session defaults a missing userData to {}, so its absence alone does not lose the session.
    let user_data = match user_data {
        None => Some(empty_object()),
        Some(data) if matches!(raw_kind(&data), "an object" | "an array") => {
            Some(RawJson::from_raw(data))
        }
        Some(other) => {
            reasons.push(format!(
                "\"userData\" must be an object, found {}",
                raw_kind(&other)
            ));
            None
        }
    };
    let mut values = [0.0f64; 5];
    for ((slot, value), name) in values.iter_mut().zip(numbers).zip(NUMBER_FIELDS) {
        match value {
            Some(Loose::Num(n)) if n.is_finite() => *slot = n,
            Some(other) => reasons.push(format!(
                "\"{name}\" must be a finite number, found {}",
                loose_kind(&other)
            )),
            None => reasons.push(format!("\"{name}\" is missing")),
        }
    }
    let expires_at = date_field("expiresAt", expires_at, &mut reasons);
    let created_at = date_field("createdAt", created_at, &mut reasons);
    match (id, cookie_jar, user_data) {
        (Some(id), Some(cookie_jar), Some(user_data)) if reasons.is_empty() => {
            let [max_error_score, error_score_decrement, usage_count, max_usage_count, error_score] =
                values;
            Entry::Good(PersistedSession {
                id,
                cookie_jar,
                user_data,
                max_error_score,
                error_score_decrement,
                expires_at,
                created_at,
                usage_count,
                max_usage_count,
                error_score,
            })
        }
        (id, _, _) => Entry::Bad { id, reasons },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_jars_are_read_in_place_and_user_data_copied() {
        let source = Arc::new(
            "\u{feff}{\"sessions\": [\n\
             {\"id\": \"a\", \"cookieJar\": {\"cookies\": []}, \"userData\": {\"x\": 1}, \"maxErrorScore\": 3,\n\
              \"errorScoreDecrement\": 0.5, \"usageCount\": 0, \"maxUsageCount\": 50, \"errorScore\": 0,\n\
              \"expiresAt\": \"2030-01-01T00:00:00.000Z\", \"createdAt\": \"2024-01-01T00:00:00.000Z\"},\n\
             {\"id\": \"b\", \"cookieJar\": [], \"userData\": {}}\n\
             ]}"
            .to_owned(),
        );
        let loaded = parse(&source).unwrap();
        assert_eq!(loaded.sessions.len(), 1);
        assert_eq!(loaded.problems.len(), 1);
        assert!(loaded.problems[0]
            .reason
            .contains("\"cookieJar\" must be an object, found an array"));
        let session = &loaded.sessions[0];
        assert_eq!(session.cookie_jar.as_str(), r#"{"cookies": []}"#);
        let jar_at = session.cookie_jar.as_str().as_ptr() as usize;
        let text_at = source.as_ptr() as usize;
        assert!(
            (text_at..text_at + source.len()).contains(&jar_at),
            "the jar is a slice of the text"
        );
        // One share for the kept jar; the skipped session's jar was not kept, userData is a copy.
        assert_eq!(Arc::strong_count(&source), 2);
        assert_eq!(session.user_data.as_str(), r#"{"x": 1}"#);
        drop(loaded);
        assert_eq!(Arc::strong_count(&source), 1);
    }
}
