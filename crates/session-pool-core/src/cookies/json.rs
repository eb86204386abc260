//! tough-cookie's serialized jar (`CookieJar.toJSON()` / `serializeSync()`) both ways.
//!
//! Writing goes through `serde::Serialize` on the jar itself, so a caller can stream any number of
//! jars into one writer without building `serde_json::Value`s; reading accepts whatever tough's
//! `CookieJar.fromJSON` accepts, ignoring attributes of the wrong type as tough does.

use super::cookie::{Cookie, CookieTime};
use super::date::{iso_string, parse_js_date_string, time_clip};
use super::error::CookieError;
use super::jar::CookieJar;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The tough-cookie release whose format is written (the one Crawlee 3.18 installs).
pub const TOUGH_COOKIE_VERSION: &str = "tough-cookie@6.1.0";

/// A date field: an ISO string, `"Infinity"`, or `null` for a value a JS `Date` cannot hold.
struct TimeField(CookieTime);

impl Serialize for TimeField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            CookieTime::Infinity => serializer.serialize_str("Infinity"),
            CookieTime::Null => serializer.serialize_unit(),
            CookieTime::At(ms) => match iso_string(ms) {
                Some(iso) => serializer.serialize_str(iso.as_str()),
                None => serializer.serialize_unit(),
            },
        }
    }
}

/// `maxAge`: a number, or `"Infinity"`/`"-Infinity"` which JSON numbers cannot express.
struct MaxAgeField(f64);

impl Serialize for MaxAgeField {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let n = self.0;
        if n == f64::INFINITY {
            serializer.serialize_str("Infinity")
        } else if n == f64::NEG_INFINITY {
            serializer.serialize_str("-Infinity")
        } else if n.is_nan() {
            serializer.serialize_unit()
        } else if n.fract() == 0.0 && n.abs() < 9.0e18 {
            // Integers as integers: JSON.stringify writes `100`, not `100.0`.
            serializer.serialize_i64(n as i64)
        } else {
            serializer.serialize_f64(n)
        }
    }
}

/// tough's `Cookie.toJSON()`: every attribute that differs from the default, in tough's order.
impl Serialize for Cookie {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let key = self.key();
        if !key.is_empty() {
            map.serialize_entry("key", key)?;
        }
        let value = self.value();
        if !value.is_empty() {
            map.serialize_entry("value", value)?;
        }
        let expires = self.expires();
        if expires != CookieTime::Infinity {
            map.serialize_entry("expires", &TimeField(expires))?;
        }
        if let Some(max_age) = self.max_age() {
            map.serialize_entry("maxAge", &MaxAgeField(max_age))?;
        }
        if let Some(domain) = self.domain() {
            map.serialize_entry("domain", domain)?;
        }
        if let Some(path) = self.path() {
            map.serialize_entry("path", path)?;
        }
        if self.secure() {
            map.serialize_entry("secure", &true)?;
        }
        if self.http_only() {
            map.serialize_entry("httpOnly", &true)?;
        }
        if let Some(extensions) = self.extensions() {
            map.serialize_entry("extensions", extensions)?;
        }
        if let Some(host_only) = self.host_only() {
            map.serialize_entry("hostOnly", &host_only)?;
        }
        if let Some(path_is_default) = self.path_is_default() {
            map.serialize_entry("pathIsDefault", &path_is_default)?;
        }
        let creation = self.creation();
        if creation != CookieTime::Null {
            map.serialize_entry("creation", &TimeField(creation))?;
        }
        let last_accessed = self.last_accessed();
        if last_accessed != CookieTime::Null {
            map.serialize_entry("lastAccessed", &TimeField(last_accessed))?;
        }
        if let Some(same_site) = self.same_site() {
            map.serialize_entry("sameSite", same_site)?;
        }
        map.end()
    }
}

struct CookieList<'a>(&'a [Cookie]);

impl Serialize for CookieList<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for cookie in self.0 {
            seq.serialize_element(cookie)?;
        }
        seq.end()
    }
}

/// tough's `CookieJar.serializeSync()` of a jar with default options over a `MemoryCookieStore`.
impl Serialize for CookieJar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(8))?;
        map.serialize_entry("version", TOUGH_COOKIE_VERSION)?;
        map.serialize_entry("storeType", "MemoryCookieStore")?;
        map.serialize_entry("rejectPublicSuffixes", &true)?;
        map.serialize_entry("enableLooseMode", &false)?;
        map.serialize_entry("allowSpecialUseDomain", &true)?;
        map.serialize_entry("enforceSecureOriginOnStorage", &true)?;
        map.serialize_entry("prefixSecurity", "silent")?;
        map.serialize_entry("cookies", &CookieList(self.cookies()))?;
        map.end()
    }
}

/// Reads a serialized jar with the current system time for cookies that lack a creation date
/// (tough does the same); use [`CookieJar::from_json_value`] to pass the time explicitly.
impl<'de> Deserialize<'de> for CookieJar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as f64)
            .unwrap_or(0.0);
        CookieJar::from_json_value(&value, now_ms).map_err(serde::de::Error::custom)
    }
}

impl CookieJar {
    /// The serialized jar as a `serde_json::Value` (what tough's `toJSON()` returns).
    pub fn to_json_value(&self) -> Value {
        // Serializing these types into a Value cannot fail: all keys are strings.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The serialized jar as compact JSON text (`JSON.stringify(jar)`).
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Streams the serialized jar as compact JSON into `writer`.
    pub fn write_json<W: std::io::Write>(&self, writer: W) -> serde_json::Result<()> {
        serde_json::to_writer(writer, self)
    }

    /// Loads a jar serialized by tough-cookie (`toJSON()`/`serializeSync()`) or by
    /// [`to_json_value`](Self::to_json_value). Attributes of the wrong type are ignored and
    /// cookies without a domain or path are dropped, as tough does; `now_ms` is the creation
    /// time of cookies that carry none. Jar-level options in the input are not kept.
    pub fn from_json_value(value: &Value, now_ms: f64) -> Result<Self, CookieError> {
        let cookies = value
            .as_object()
            .and_then(|object| object.get("cookies"))
            .and_then(Value::as_array)
            .ok_or_else(|| CookieError::invalid_json("serialized jar has no cookies array"))?;
        let now = time_clip(now_ms).unwrap_or(0.0);
        let mut jar = CookieJar::with_capacity(cookies.len());
        for entry in cookies {
            let cookie = match entry {
                Value::Object(object) => Some(cookie_from_json(object, now)),
                // tough's Cookie.fromJSON also takes a cookie as JSON text.
                Value::String(text) => match serde_json::from_str::<Value>(text) {
                    Ok(Value::Object(object)) => Some(cookie_from_json(&object, now)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(cookie) = cookie {
                jar.put_loaded(cookie);
            }
        }
        jar.shrink_to_fit();
        Ok(jar)
    }

    /// [`from_json_value`](Self::from_json_value) from JSON text.
    pub fn from_json_str(json: &str, now_ms: f64) -> Result<Self, CookieError> {
        if let Some(jar) = Self::from_json_str_fast(json, now_ms) {
            return Ok(jar);
        }
        let value: Value =
            serde_json::from_str(json).map_err(|e| CookieError::invalid_json(e.to_string()))?;
        Self::from_json_value(&value, now_ms)
    }
}

/// A date attribute as tough's `fromJSON` reads it (`new Date(value)` or `"Infinity"`); `None`
/// for a value of the wrong type. An invalid date comes back as `Some(None)`.
fn time_from_json(value: &Value) -> Option<Option<CookieTime>> {
    match value {
        Value::Null => Some(Some(CookieTime::Null)),
        Value::String(s) if s == "Infinity" => Some(Some(CookieTime::Infinity)),
        Value::String(s) => Some(parse_js_date_string(s).map(CookieTime::At)),
        Value::Number(n) => Some(n.as_f64().and_then(time_clip).map(CookieTime::At)),
        _ => None,
    }
}

impl CookieJar {
    /// The one-pass reader (`json_fast.rs`) for the usual shape; `None` sends the caller to the `Value` reader.
    fn from_json_str_fast(json: &str, now_ms: f64) -> Option<Self> {
        let parsed: super::json_fast::FastJar = serde_json::from_str(json).ok()?;
        let cookies = parsed.cookies?;
        let now = time_clip(now_ms).unwrap_or(0.0);
        let mut jar = CookieJar::with_capacity(cookies.len());
        for cookie in cookies.iter().flatten() {
            jar.put_loaded(cookie_from_fields(cookie, now));
        }
        jar.shrink_to_fit();
        Some(jar)
    }
}

/// Read access to one serialized cookie's attributes, for both readers.
trait CookieFields {
    fn string(&self, name: &str) -> Option<&str>;
    fn boolean(&self, name: &str) -> Option<bool>;
    fn number(&self, name: &str) -> Option<f64>;
    fn strings(&self, name: &str) -> Option<Option<Vec<String>>>;
    fn time(&self, name: &str) -> Option<Option<CookieTime>>;
}

impl CookieFields for Map<String, Value> {
    fn string(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }
    fn boolean(&self, name: &str) -> Option<bool> {
        self.get(name).and_then(Value::as_bool)
    }
    fn number(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Some(Value::Number(n)) => n.as_f64(),
            _ => None,
        }
    }
    fn strings(&self, name: &str) -> Option<Option<Vec<String>>> {
        match self.get(name) {
            Some(Value::Array(items)) => Some(
                items
                    .iter()
                    .map(|item| item.as_str().map(str::to_owned))
                    .collect(),
            ),
            _ => None,
        }
    }
    fn time(&self, name: &str) -> Option<Option<CookieTime>> {
        self.get(name).and_then(time_from_json)
    }
}

impl CookieFields for super::json_fast::FastCookie<'_> {
    fn string(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(super::json_fast::Loose::Str(s)) => Some(s),
            _ => None,
        }
    }
    fn boolean(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some(super::json_fast::Loose::Bool(b)) => Some(*b),
            _ => None,
        }
    }
    fn number(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Some(super::json_fast::Loose::Num(n)) => Some(*n),
            _ => None,
        }
    }
    fn strings(&self, name: &str) -> Option<Option<Vec<String>>> {
        match self.get(name) {
            Some(super::json_fast::Loose::Array(list)) => Some(list.clone()),
            _ => None,
        }
    }
    fn time(&self, name: &str) -> Option<Option<CookieTime>> {
        use super::json_fast::Loose;
        match self.get(name)? {
            Loose::Null => Some(Some(CookieTime::Null)),
            Loose::Str(s) if s == "Infinity" => Some(Some(CookieTime::Infinity)),
            Loose::Str(s) => Some(parse_js_date_string(s).map(CookieTime::At)),
            Loose::Num(n) => Some(time_clip(*n).map(CookieTime::At)),
            _ => None,
        }
    }
}

fn cookie_from_json(object: &Map<String, Value>, now_ms: f64) -> Cookie {
    cookie_from_fields(object, now_ms)
}

/// The rules of tough's `Cookie.fromJSON`, over either reader's view of the attributes.
fn cookie_from_fields<F: CookieFields + ?Sized>(object: &F, now_ms: f64) -> Cookie {
    let mut cookie = Cookie::with_text(
        object.string("key").unwrap_or(""),
        object.string("value").unwrap_or(""),
        object.string("domain"),
        object.string("path"),
        now_ms,
    );
    // An invalid expiry never expires in tough (NaN compares false), as "Infinity" does.
    if let Some(expires) = object.time("expires") {
        cookie.set_expires(expires.unwrap_or(CookieTime::Infinity));
    }
    cookie.set_max_age(match (object.number("maxAge"), object.string("maxAge")) {
        (Some(n), _) => Some(n),
        (None, Some("Infinity")) => Some(f64::INFINITY),
        (None, Some("-Infinity")) => Some(f64::NEG_INFINITY),
        _ => None,
    });
    cookie.set_secure(object.boolean("secure").unwrap_or(false));
    cookie.set_http_only(object.boolean("httpOnly").unwrap_or(false));
    if let Some(strings) = object.strings("extensions") {
        cookie.set_extensions(strings);
    }
    cookie.set_host_only(object.boolean("hostOnly"));
    cookie.set_path_is_default(object.boolean("pathIsDefault"));
    // A null creation is tough's default, which its constructor replaces with "now".
    match object.time("creation") {
        Some(Some(CookieTime::Null)) | Some(None) | None => {}
        Some(Some(time)) => cookie.set_creation(time),
    }
    if let Some(last_accessed) = object.time("lastAccessed") {
        cookie.set_last_accessed(last_accessed.unwrap_or(CookieTime::Null));
    }
    cookie.set_same_site(object.string("sameSite"));
    cookie
}
