//! A faster reader for serialized jars: one pass over the JSON text, no `serde_json::Value` tree (restoring a
//! pool parses one jar per session, 100 000 at a time). It reads each cookie's attributes into loose values and
//! applies exactly the rules of the `Value` reader in `json.rs` through the same [`CookieFields`] interface;
//! anything it does not expect (a cookie given as JSON text, a non-object top level) makes the caller fall back
//! to that reader.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A JSON value as the cookie rules look at it.
#[derive(Debug)]
pub(super) enum Loose<'a> {
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
    Null,
    /// An array; `Some` when every item is a string.
    Array(Option<Vec<String>>),
    Other,
}

impl<'de> Deserialize<'de> for Loose<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Loose<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Loose::Str(Cow::Owned(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Loose::Num(v as f64))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Loose::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Loose::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut strings = Some(Vec::new());
                while let Some(item) = seq.next_element::<Loose<'de>>()? {
                    match (&mut strings, item) {
                        (Some(list), Loose::Str(s)) => list.push(s.into_owned()),
                        _ => strings = None,
                    }
                }
                Ok(Loose::Array(strings))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Loose::Other)
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An object key, borrowed from the text unless it had escapes (serde's own `Cow<str>` always copies).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// The attribute names the cookie rules read (tough's `Cookie.fromJSON` properties); any other key is skipped.
const ATTRIBUTES: [&str; 14] = [
    "key",
    "value",
    "expires",
    "maxAge",
    "domain",
    "path",
    "secure",
    "httpOnly",
    "extensions",
    "hostOnly",
    "pathIsDefault",
    "creation",
    "lastAccessed",
    "sameSite",
];

/// Where an attribute name sits in [`ATTRIBUTES`].
fn attribute_index(name: &str) -> Option<usize> {
    ATTRIBUTES.iter().position(|known| *known == name)
}

/// The attributes of one serialized cookie, one slot per name the rules read (no allocation per cookie).
#[derive(Debug, Default)]
pub(super) struct FastCookie<'a> {
    slots: [Option<Loose<'a>>; ATTRIBUTES.len()],
}

impl<'a> FastCookie<'a> {
    pub fn get(&self, name: &str) -> Option<&Loose<'a>> {
        self.slots[attribute_index(name)?].as_ref()
    }
}

/// A serialized jar read in one pass; `None` cookies are entries the fast reader does not handle.
#[derive(Debug, Default)]
pub(super) struct FastJar<'a> {
    pub cookies: Option<Vec<Option<FastCookie<'a>>>>,
}

struct CookieEntry<'a>(Option<FastCookie<'a>>);

impl<'de> Deserialize<'de> for CookieEntry<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = CookieEntry<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a serialized cookie")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut cookie = FastCookie::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    match attribute_index(&key) {
                        // JSON objects keep the last duplicate key, as JSON.parse does.
                        Some(index) => cookie.slots[index] = Some(map.next_value::<Loose<'de>>()?),
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(CookieEntry(Some(cookie)))
            }
            // Anything else (a cookie as JSON text, a number, null): the Value reader decides.
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Err(E::custom("cookie as text"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(CookieEntry(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(CookieEntry(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(CookieEntry(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(CookieEntry(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(CookieEntry(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(CookieEntry(None))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for FastJar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FastJar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a serialized cookie jar")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut jar = FastJar::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    if key == "cookies" {
                        // The last `cookies` key wins, as in JSON.parse; a non-array is handled by the Value reader.
                        let list: Vec<CookieEntry<'de>> = map.next_value()?;
                        jar.cookies = Some(list.into_iter().map(|c| c.0).collect());
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(jar)
            }
        }
        deserializer.deserialize_map(V)
    }
}
