//! A session's cookie jar appended as tough-cookie's serialized form, pretty-printed at the depth it has in
//! the state (the jar object at level 4, its cookies at level 6): the same bytes the jar's `Serialize`
//! (cookies/json.rs) gives through the JS pretty printer, with each key, its indentation and its `": "`
//! appended as one fixed fragment.

use super::escape::push_js_string;
use super::iso_dates::IsoDates;
use super::numbers::push_js_number;
use crate::cookies::{Cookie, CookieJar, CookieTime, TOUGH_COOKIE_VERSION};

/// The tough-cookie version as a literal, so that it can go into the fixed fragments below.
macro_rules! tough_version {
    () => {
        "tough-cookie@6.1.0"
    };
}

const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const _: () = assert!(
    same_text(tough_version!(), TOUGH_COOKIE_VERSION),
    "tough_version! must spell TOUGH_COOKIE_VERSION"
);

/// Everything of the jar up to its first cookie: the jar options are constants.
const JAR_HEAD: &[u8] = concat!(
    "{\n",
    "        \"version\": \"",
    tough_version!(),
    "\",\n",
    "        \"storeType\": \"MemoryCookieStore\",\n",
    "        \"rejectPublicSuffixes\": true,\n",
    "        \"enableLooseMode\": false,\n",
    "        \"allowSpecialUseDomain\": true,\n",
    "        \"enforceSecureOriginOnStorage\": true,\n",
    "        \"prefixSecurity\": \"silent\",\n",
    "        \"cookies\": ["
)
.as_bytes();
const JAR_END_EMPTY: &[u8] = b"]\n      }";
const JAR_END: &[u8] = b"\n        ]\n      }";

/// Opens a cookie object; the leading comma is skipped for the first cookie.
const COOKIE_OPEN: &[u8] = b",\n          {";
const COOKIE_CLOSE: &[u8] = b"\n          }";

/// `,` + newline + the indentation of a cookie attribute + `"name": `; the comma is skipped for the first
/// attribute written (any attribute can be the first: all are optional).
macro_rules! attribute {
    ($name:literal) => {
        concat!(",\n            \"", $name, "\": ").as_bytes()
    };
}

const KEY: &[u8] = attribute!("key");
const VALUE: &[u8] = attribute!("value");
const EXPIRES: &[u8] = attribute!("expires");
const MAX_AGE: &[u8] = attribute!("maxAge");
const DOMAIN: &[u8] = attribute!("domain");
const PATH: &[u8] = attribute!("path");
const SECURE: &[u8] = b",\n            \"secure\": true";
const HTTP_ONLY: &[u8] = b",\n            \"httpOnly\": true";
const EXTENSIONS: &[u8] = attribute!("extensions");
const HOST_ONLY: &[u8] = attribute!("hostOnly");
const PATH_IS_DEFAULT: &[u8] = attribute!("pathIsDefault");
const CREATION: &[u8] = attribute!("creation");
const LAST_ACCESSED: &[u8] = attribute!("lastAccessed");
const SAME_SITE: &[u8] = attribute!("sameSite");

/// An extension string's separator and indentation (level 7), and the array's closing line.
const EXTENSION_ITEM: &[u8] = b",\n              ";
const EXTENSIONS_END: &[u8] = b"\n            ]";

/// Appends the jar as the value of `cookieJar`.
pub(super) fn push_jar(out: &mut Vec<u8>, dates: &mut IsoDates, jar: &CookieJar) {
    out.extend_from_slice(JAR_HEAD);
    let cookies = jar.cookies();
    if cookies.is_empty() {
        out.extend_from_slice(JAR_END_EMPTY);
        return;
    }
    for (i, cookie) in cookies.iter().enumerate() {
        out.extend_from_slice(&COOKIE_OPEN[usize::from(i == 0)..]);
        push_cookie(out, dates, cookie);
    }
    out.extend_from_slice(JAR_END);
}

/// The cookie object being written: whether an attribute has been written yet decides the comma before the
/// next one, and the line break before the closing brace.
struct Attributes<'o> {
    out: &'o mut Vec<u8>,
    any: bool,
}

impl Attributes<'_> {
    /// Appends an attribute's fragment, without its leading comma when it is the first.
    fn start(&mut self, fragment: &[u8]) {
        self.out
            .extend_from_slice(&fragment[usize::from(!self.any)..]);
        self.any = true;
    }

    fn string(&mut self, fragment: &[u8], text: &str) {
        self.start(fragment);
        push_js_string(self.out, text);
    }

    fn boolean(&mut self, fragment: &[u8], value: bool) {
        self.start(fragment);
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
    }

    fn time(&mut self, fragment: &[u8], dates: &mut IsoDates, time: CookieTime) {
        self.start(fragment);
        match time {
            CookieTime::Infinity => self.out.extend_from_slice(b"\"Infinity\""),
            CookieTime::Null => self.out.extend_from_slice(b"null"),
            CookieTime::At(ms) => dates.push(self.out, ms),
        }
    }
}

/// tough's `Cookie.toJSON()`: the attributes that differ from tough's defaults, in its order (see the
/// `Serialize` impl of `Cookie`).
fn push_cookie(out: &mut Vec<u8>, dates: &mut IsoDates, cookie: &Cookie) {
    let mut attributes = Attributes { out, any: false };
    let key = cookie.key();
    if !key.is_empty() {
        attributes.string(KEY, key);
    }
    let value = cookie.value();
    if !value.is_empty() {
        attributes.string(VALUE, value);
    }
    let expires = cookie.expires();
    if expires != CookieTime::Infinity {
        attributes.time(EXPIRES, dates, expires);
    }
    if let Some(max_age) = cookie.max_age() {
        attributes.start(MAX_AGE);
        push_max_age(attributes.out, max_age);
    }
    if let Some(domain) = cookie.domain() {
        attributes.string(DOMAIN, domain);
    }
    if let Some(path) = cookie.path() {
        attributes.string(PATH, path);
    }
    if cookie.secure() {
        attributes.start(SECURE);
    }
    if cookie.http_only() {
        attributes.start(HTTP_ONLY);
    }
    if let Some(extensions) = cookie.extensions() {
        attributes.start(EXTENSIONS);
        push_extensions(attributes.out, extensions);
    }
    if let Some(host_only) = cookie.host_only() {
        attributes.boolean(HOST_ONLY, host_only);
    }
    if let Some(path_is_default) = cookie.path_is_default() {
        attributes.boolean(PATH_IS_DEFAULT, path_is_default);
    }
    let creation = cookie.creation();
    if creation != CookieTime::Null {
        attributes.time(CREATION, dates, creation);
    }
    let last_accessed = cookie.last_accessed();
    if last_accessed != CookieTime::Null {
        attributes.time(LAST_ACCESSED, dates, last_accessed);
    }
    if let Some(same_site) = cookie.same_site() {
        attributes.string(SAME_SITE, same_site);
    }
    let Attributes { out, any } = attributes;
    out.extend_from_slice(if any { COOKIE_CLOSE } else { b"}" });
}

/// `maxAge`: a number, `"Infinity"`/`"-Infinity"`, or `null` for NaN (as `MaxAgeField` writes it).
fn push_max_age(out: &mut Vec<u8>, max_age: f64) {
    if max_age == f64::INFINITY {
        out.extend_from_slice(b"\"Infinity\"");
    } else if max_age == f64::NEG_INFINITY {
        out.extend_from_slice(b"\"-Infinity\"");
    } else {
        push_js_number(out, max_age);
    }
}

/// The unknown attributes as an array of strings at level 7 (`[]` when empty).
fn push_extensions(out: &mut Vec<u8>, extensions: &[String]) {
    if extensions.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for (i, extension) in extensions.iter().enumerate() {
        out.extend_from_slice(&EXTENSION_ITEM[usize::from(i == 0)..]);
        push_js_string(out, extension);
    }
    out.extend_from_slice(EXTENSIONS_END);
}
