//! `Session`: one user-like identity. The state and rules live in the core; this file converts arguments,
//! keeps the JS-owned fields (`userData`, `sessionPool`) on the JS object, and emits `sessionRetired`.

use napi::bindgen_prelude::*;
use napi::{JsDate, ValueType};
use napi_derive::napi;
use session_pool_core::options::{self, OptionValue, BLOCKED_STATUS_CODES, EVENT_SESSION_RETIRED};
use session_pool_core::session::{SessionCell, SessionCore, SessionParams, SESSION_OPTION_NAMES};

use std::cell::RefCell;

use session_pool_core::cookies::packed::{unpack_browser_cookies, PackedEntry};
use session_pool_core::cookies::{BrowserCookie, BrowserCookieRef, CookieJar};

use crate::cookie_jar::{cookie_error, jar_mut, new_jar, JarCell, JsCookieJar};
use crate::error::{option_error, type_error};
use crate::js_options::{
    number_list, option_value, options_object, read_known_options, string_arg, url_arg,
};
use crate::now_ms;

/// A user-like identity with its own cookies, error score, usage count and expiry, handed out by a
/// `SessionPool`. Drop-in for Crawlee's `Session`.
#[napi(js_name = "Session")]
pub struct JsSession {
    pub(crate) core: SessionCell,
    pub(crate) jar: JarCell,
    /// The `CookieJar` object `cookieJar` returns, made on first read so every read gives the same object.
    jar_object: RefCell<Option<Reference<JsCookieJar>>>,
}

impl JsSession {
    /// A session object around a core session and its cookie jar.
    pub(crate) fn from_parts(core: SessionCell, jar: JarCell) -> Self {
        JsSession {
            core,
            jar,
            jar_object: RefCell::new(None),
        }
    }
}

/// Calls the global `JSON.stringify` / `JSON.parse`: objects cross as one string (see cookie_jar.rs).
pub(crate) fn json_stringify(env: &Env, value: Unknown) -> Result<Option<String>> {
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let stringify: Function<Unknown, Unknown> = json.get_named_property("stringify")?;
    let out = stringify.apply(json, value)?;
    if out.get_type()? == ValueType::String {
        Ok(Some(unsafe { out.cast::<String>() }?))
    } else {
        Ok(None)
    }
}

pub(crate) fn json_parse<'e>(env: &'e Env, text: &str) -> Result<Unknown<'e>> {
    let json: Object = env.get_global()?.get_named_property("JSON")?;
    let parse: Function<&str, Unknown> = json.get_named_property("parse")?;
    parse.apply(json, text)
}

/// The `cookieJar` option: our `CookieJar` (shared, not copied: the session's `cookieJar` is that very object),
/// a tough-cookie `CookieJar` or its serialized form as an object or a string (loaded into a new jar).
fn jar_from_option(env: &Env, value: Unknown) -> Result<(JarCell, Option<Reference<JsCookieJar>>)> {
    let bad = |detail: &str| {
        type_error(
            env,
            &format!("Expected property `cookieJar` to be a CookieJar or a serialized tough-cookie jar in object `options`: {detail}"),
        )
    };
    let text = match value.get_type()? {
        ValueType::Undefined => return Ok((new_jar(CookieJar::new()), None)),
        ValueType::String => unsafe { value.cast::<String>() }?,
        ValueType::Object => {
            if JsCookieJar::instance_of(env, &value)? {
                let ours =
                    unsafe { Reference::<JsCookieJar>::from_napi_value(env.raw(), value.raw()) }?;
                return Ok((ours.jar.clone(), Some(ours)));
            }
            json_stringify(env, value)?.ok_or_else(|| bad("it does not serialize to JSON"))?
        }
        other => {
            return Err(bad(&format!(
                "got type `{}`",
                crate::js_options::type_name(other)
            )))
        }
    };
    let jar = CookieJar::from_json_str(&text, now_ms()).map_err(|e| bad(&e.message))?;
    Ok((new_jar(jar), None))
}

/// Sets the first two of a session's JS fields, `id` and `maxAgeSecs` (a pool's new sessions get the other two,
/// `userData` and `sessionPool`, from lib/session_pool.js, in the same order, so every Session has one shape).
pub(crate) fn install_identity(this: &mut Object, core: &SessionCore) -> Result<()> {
    this.set_named_property("id", core.id())?;
    this.set_named_property("maxAgeSecs", core.max_age_secs())
}

/// Sets the fields Crawlee exposes as plain properties, so reading them costs no native call and `userData`
/// stays the very object the user mutates in place.
pub(crate) fn install_js_fields(
    this: &mut Object,
    core: &SessionCore,
    user_data: Option<Object>,
    session_pool: Option<Object>,
    env: &Env,
) -> Result<()> {
    install_identity(this, core)?;
    match user_data {
        Some(ud) => this.set_named_property("userData", ud)?,
        None => this.set_named_property("userData", Object::new(env)?)?,
    }
    if let Some(pool) = session_pool {
        this.set_named_property("sessionPool", pool)?;
    }
    Ok(())
}

/// Calls `this.sessionPool.emit('sessionRetired', this)` when the session has a pool (any EventEmitter).
pub(crate) fn emit_retired(this: &Object) -> Result<()> {
    let pool: Unknown = this.get_named_property("sessionPool")?;
    if pool.get_type()? != ValueType::Object {
        return Ok(());
    }
    let pool: Object = unsafe { pool.cast() }?;
    let emit: Unknown = pool.get_named_property("emit")?;
    if emit.get_type()? != ValueType::Function {
        return Ok(());
    }
    let emit: Function<FnArgs<(&str, Object)>, Unknown> = unsafe { emit.cast() }?;
    emit.apply(pool, (EVENT_SESSION_RETIRED, *this).into())?;
    Ok(())
}

#[napi]
impl JsSession {
    /// Creates a session. Options, all optional: `sessionPool` (the EventEmitter `sessionRetired` is emitted
    /// on), `id`, `maxAgeSecs` (3000), `userData` ({}), `maxErrorScore` (3), `errorScoreDecrement` (0.5),
    /// `createdAt` and `expiresAt` (Dates), `usageCount` (0), `errorScore` (0; `errorCount` is its 0.18 name),
    /// `maxUsageCount` (50), `cookieJar`, `log`.
    #[napi(constructor, ts_args_type = "options?: SessionOptions")]
    pub fn new(env: Env, mut this: This, options: Option<Unknown>) -> Result<Self> {
        let opts = options_object("options", options)?.map_err(|e| option_error(&env, e))?;
        let (jar, jar_object) = match &opts {
            Some(o) if o.has_own_property("cookieJar")? => {
                jar_from_option(&env, o.get_named_property("cookieJar")?)?
            }
            _ => (new_jar(CookieJar::new()), None),
        };
        let (params, user_data, session_pool) = match &opts {
            None => (SessionParams::default(), None, None),
            Some(o) => {
                let values = read_known_options(o, "options", SESSION_OPTION_NAMES)?
                    .map_err(|e| option_error(&env, e))?;
                let get = |name: &str| values.get(name);
                let params = SessionParams::from_options("options", &get)
                    .map_err(|e| option_error(&env, e))?;
                options::optional_object("options", "log", &get("log"))
                    .map_err(|e| option_error(&env, e))?;
                let user_data = match get("userData") {
                    OptionValue::Undefined => None,
                    OptionValue::Object | OptionValue::Array => Some(o.get_named_property::<Object>("userData")?),
                    other => {
                        return Err(type_error(
                            &env,
                            &format!(
                                "Expected property `userData` to be of type `object` but received type `{}` in object `options`",
                                other.type_name()
                            ),
                        ))
                    }
                };
                let session_pool = match get("sessionPool") {
                    OptionValue::Undefined => None,
                    OptionValue::Object => {
                        let pool: Object = o.get_named_property("sessionPool")?;
                        let emit: Unknown = pool.get_named_property("emit")?;
                        if emit.get_type()? != ValueType::Function {
                            return Err(type_error(
                                &env,
                                "Expected property `sessionPool` to be an EventEmitter (an object with an `emit` method) in object `options`",
                            ));
                        }
                        Some(pool)
                    }
                    other => {
                        return Err(type_error(
                            &env,
                            &format!(
                                "Expected property `sessionPool` to be of type `EventEmitter` but received type `{}` in object `options`",
                                other.type_name()
                            ),
                        ))
                    }
                };
                (params, user_data, session_pool)
            }
        };
        let core = SessionCore::new(params, now_ms());
        install_js_fields(&mut this, &core, user_data, session_pool, &env)?;
        let session = JsSession::from_parts(core.into_cell(), jar);
        *session.jar_object.borrow_mut() = jar_object;
        Ok(session)
    }

    /// The session's cookies, as a `CookieJar` (the same object on every read).
    #[napi(getter)]
    pub fn cookie_jar(&self, env: Env) -> Result<Reference<JsCookieJar>> {
        let mut cached = self.jar_object.borrow_mut();
        if let Some(r) = cached.as_ref() {
            return r.clone(env);
        }
        let r = JsCookieJar {
            jar: self.jar.clone(),
        }
        .into_reference(env)?;
        let out = r.clone(env)?;
        *cached = Some(r);
        Ok(out)
    }

    /// Stores browser-format cookies given as a JSON array; bad ones are skipped. Returns how many were.
    #[napi(js_name = "_setBrowserCookiesJson", skip_typescript)]
    pub fn set_browser_cookies_json(&self, cookies_json: String, url: Option<String>) -> u32 {
        let Ok(serde_json::Value::Array(items)) =
            serde_json::from_str::<serde_json::Value>(&cookies_json)
        else {
            return 0;
        };
        let cookies: Vec<BrowserCookie> = items
            .iter()
            .filter_map(BrowserCookie::from_json_lenient)
            .collect();
        let unreadable = (items.len() - cookies.len()) as u32;
        let Some(url) = url else {
            return items.len() as u32;
        };
        let max_age_secs = self.core.borrow().max_age_secs();
        let errors = jar_mut(&self.jar).set_browser_cookies(&cookies, &url, max_age_secs, now_ms());
        unreadable + errors.len() as u32
    }

    /// The cookies for `url` in the browsers' format, packed (core `cookies::packed`); or, when a cookie has a
    /// field too long for that form, `"\u0001"` followed by the JSON array. lib/session.js calls this for a URL
    /// that is not a string (src/fast_paths.rs takes strings).
    #[napi(js_name = "_getBrowserCookiesPacked", skip_typescript)]
    pub fn get_browser_cookies_packed(&self, env: Env, url: Option<Unknown>) -> Result<String> {
        let url = url_arg(&env, url, "getCookies")?;
        self.browser_cookies_packed(&url)
            .map_err(|e| cookie_error(&env, e))
    }

    /// The `Cookie` header value for `url` (`a=1; b=2`); throws without a URL.
    #[napi(ts_args_type = "url: string | URL")]
    pub fn get_cookie_string(&self, env: Env, url: Option<Unknown>) -> Result<String> {
        let url = url_arg(&env, url, "getCookieString")?;
        jar_mut(&self.jar)
            .get_cookie_string(&url, now_ms())
            .map_err(|e| cookie_error(&env, e))
    }

    /// Stores one raw `Set-Cookie` string for `url`; throws on a cookie that does not parse, is for another
    /// domain or a public suffix, as Crawlee does.
    #[napi(ts_args_type = "rawCookie: string, url: string | URL")]
    pub fn set_cookie(
        &self,
        env: Env,
        raw_cookie: Option<Unknown>,
        url: Option<Unknown>,
    ) -> Result<()> {
        let raw_cookie = string_arg(&env, raw_cookie, "setCookie", "rawCookie")?;
        let url = url_arg(&env, url, "setCookie")?;
        jar_mut(&self.jar)
            .set_cookie(&raw_cookie, &url, now_ms())
            .map_err(|e| cookie_error(&env, e))?;
        Ok(())
    }

    /// How many times the session was marked bad, minus the healing of good marks; never below 0.
    #[napi(getter)]
    pub fn error_score(&self) -> f64 {
        self.core.borrow().error_score()
    }

    /// How many times the session was used (marked good, bad or retired).
    #[napi(getter)]
    pub fn usage_count(&self) -> f64 {
        self.core.borrow().usage_count()
    }

    /// The error score at which the session counts as blocked.
    /// @default 3
    #[napi(getter)]
    pub fn max_error_score(&self) -> f64 {
        self.core.borrow().max_error_score()
    }

    /// How much a good mark lowers the error score.
    /// @default 0.5
    #[napi(getter)]
    pub fn error_score_decrement(&self) -> f64 {
        self.core.borrow().error_score_decrement()
    }

    /// When the session expires (a new Date on every read).
    #[napi(getter)]
    pub fn expires_at<'e>(&self, env: &'e Env) -> Result<JsDate<'e>> {
        env.create_date(self.core.borrow().expires_at())
    }

    /// When the session was created (a new Date on every read).
    #[napi(getter)]
    pub fn created_at<'e>(&self, env: &'e Env) -> Result<JsDate<'e>> {
        env.create_date(self.core.borrow().created_at())
    }

    /// How many uses the session gets before it is retired.
    /// @default 50
    #[napi(getter)]
    pub fn max_usage_count(&self) -> f64 {
        self.core.borrow().max_usage_count()
    }

    /// Whether the error score reached `maxErrorScore`.
    #[napi]
    pub fn is_blocked(&self) -> bool {
        self.core.borrow().is_blocked()
    }

    /// Whether `expiresAt` has passed.
    #[napi]
    pub fn is_expired(&self) -> bool {
        self.core.borrow().is_expired(now_ms())
    }

    /// Whether the usage count reached `maxUsageCount`.
    #[napi]
    pub fn is_max_usage_count_reached(&self) -> bool {
        self.core.borrow().is_max_usage_count_reached()
    }

    /// Whether the session can be used: not blocked, not expired, not used up, not retired.
    #[napi]
    pub fn is_usable(&self) -> bool {
        self.core.borrow().is_usable(now_ms())
    }

    /// Records a successful use: one more use, the error score lowered by `errorScoreDecrement`. Retires the
    /// session if it is no longer usable.
    #[napi]
    pub fn mark_good(&self, this: This) -> Result<()> {
        let retired = self.core.borrow_mut().mark_good(now_ms());
        if retired {
            emit_retired(&this)?;
        }
        Ok(())
    }

    /// Records a failed use: one more use and one more error. Retires the session if it is no longer usable.
    #[napi]
    pub fn mark_bad(&self, this: This) -> Result<()> {
        let retired = self.core.borrow_mut().mark_bad(now_ms());
        if retired {
            emit_retired(&this)?;
        }
        Ok(())
    }

    /// Retires the session for good and emits `sessionRetired` on its pool (once per session).
    #[napi]
    pub fn retire(&self, this: This) -> Result<()> {
        let retired = self.core.borrow_mut().retire();
        if retired {
            emit_retired(&this)?;
        }
        Ok(())
    }

    /// Retires the session when `statusCode` is one of the pool's `blockedStatusCodes` (default
    /// 401, 403, 429) or of `additionalBlockedStatusCodes`. Returns whether the code is a blocked one.
    #[napi(ts_args_type = "statusCode: number, additionalBlockedStatusCodes?: number[]")]
    pub fn retire_on_blocked_status_codes(
        &self,
        env: Env,
        this: This,
        status_code: Unknown,
        additional_blocked_status_codes: Option<Unknown>,
    ) -> Result<bool> {
        self.retire_on_codes(
            &env,
            &this,
            status_code,
            additional_blocked_status_codes,
            "retireOnBlockedStatusCodes",
        )
    }

    /// Apify SDK 0.18 name of `retireOnBlockedStatusCodes`.
    #[napi(ts_args_type = "statusCode: number, additionalBlockedStatusCodes?: number[]")]
    pub fn check_status(
        &self,
        env: Env,
        this: This,
        status_code: Unknown,
        additional_blocked_status_codes: Option<Unknown>,
    ) -> Result<bool> {
        self.retire_on_codes(
            &env,
            &this,
            status_code,
            additional_blocked_status_codes,
            "checkStatus",
        )
    }

    /// The session's state as Crawlee persists it: dates as ISO strings, `userData` as the live object.
    #[napi(ts_return_type = "SessionState")]
    pub fn get_state<'e>(&self, env: &'e Env, this: This) -> Result<Object<'e>> {
        // Copy first: reading `userData` may run user code (an accessor) that calls back into this session.
        let (
            id,
            max_error_score,
            error_score_decrement,
            expires_at,
            created_at,
            usage_count,
            max_usage_count,
            error_score,
        ) = {
            let c = self.core.borrow();
            (
                c.id().to_owned(),
                c.max_error_score(),
                c.error_score_decrement(),
                c.expires_at(),
                c.created_at(),
                c.usage_count(),
                c.max_usage_count(),
                c.error_score(),
            )
        };
        let jar_json = self.jar.borrow().to_json_string();
        let mut o = Object::new(env)?;
        o.set_named_property("id", id)?;
        o.set_named_property("cookieJar", json_parse(env, &jar_json)?)?;
        let user_data: Unknown = this.get_named_property("userData")?;
        o.set_named_property("userData", user_data)?;
        o.set_named_property("maxErrorScore", max_error_score)?;
        o.set_named_property("errorScoreDecrement", error_score_decrement)?;
        o.set_named_property(
            "expiresAt",
            session_pool_core::state::format_iso(expires_at).unwrap_or_default(),
        )?;
        o.set_named_property(
            "createdAt",
            session_pool_core::state::format_iso(created_at).unwrap_or_default(),
        )?;
        o.set_named_property("usageCount", usage_count)?;
        o.set_named_property("maxUsageCount", max_usage_count)?;
        o.set_named_property("errorScore", error_score)?;
        Ok(o)
    }
}

impl JsSession {
    /// Stores a list of browser cookies given in the packed form (core `cookies::packed`), `count` entries, for
    /// `url`. Returns how many were not stored (all of them without a URL), or `None` when the text does not
    /// read as `count` entries: the caller then sends the list as JSON.
    pub(crate) fn set_browser_cookies_packed(
        &self,
        packed: &str,
        count: usize,
        url: Option<&str>,
    ) -> Option<usize> {
        let entries = unpack_browser_cookies(packed, count)?;
        let cookies: Vec<BrowserCookieRef> = entries
            .iter()
            .filter_map(|entry| match entry {
                PackedEntry::Cookie(cookie) => Some(*cookie),
                PackedEntry::NotACookie => None,
            })
            .collect();
        let unreadable = entries.len() - cookies.len();
        let Some(url) = url else {
            return Some(entries.len());
        };
        let max_age_secs = self.core.borrow().max_age_secs();
        let errors =
            jar_mut(&self.jar).set_browser_cookie_refs(&cookies, url, max_age_secs, now_ms());
        Some(unreadable + errors.len())
    }

    /// The cookies for `url` in the browsers' format, packed; or, when a cookie has a field too long for that
    /// form (0xD800 UTF-16 units or more), `"\u0001"` followed by the JSON array.
    pub(crate) fn browser_cookies_packed(
        &self,
        url: &str,
    ) -> std::result::Result<String, session_pool_core::cookies::CookieError> {
        let mut out = String::new();
        if jar_mut(&self.jar).pack_browser_cookies(url, now_ms(), &mut out)? {
            return Ok(out);
        }
        let cookies = jar_mut(&self.jar).get_browser_cookies(url, now_ms())?;
        // Plain strings, numbers and booleans: serializing them cannot fail.
        let json = serde_json::to_string(&cookies).unwrap_or_else(|_| "[]".to_owned());
        Ok(format!("\u{1}{json}"))
    }

    fn retire_on_codes(
        &self,
        env: &Env,
        this: &Object,
        status_code: Unknown,
        extra: Option<Unknown>,
        method: &str,
    ) -> Result<bool> {
        let code = match option_value(&status_code)? {
            OptionValue::Number(n) => n,
            other => {
                return Err(type_error(
                    env,
                    &format!(
                        "Expected argument `statusCode` of `{method}` to be of type `number` but received type `{}`",
                        other.type_name()
                    ),
                ))
            }
        };
        let extra_codes = match extra {
            None => Vec::new(),
            Some(v) => match option_value(&v)? {
                OptionValue::Undefined => Vec::new(),
                OptionValue::Array => number_list("arguments", "additionalBlockedStatusCodes", &v)?
                    .map_err(|e| option_error(env, e))?,
                other => {
                    return Err(type_error(
                        env,
                        &format!(
                            "Expected argument `additionalBlockedStatusCodes` of `{method}` to be of type `Array` but received type `{}`",
                            other.type_name()
                        ),
                    ))
                }
            },
        };
        let pool_codes = self
            .core
            .borrow()
            .membership()
            .map(|m| m.blocked_status_codes.clone());
        let blocked: Vec<f64> = match pool_codes {
            Some(codes) => codes.to_vec(),
            None => foreign_pool_codes(this)?,
        };
        let (hit, retired) =
            self.core
                .borrow_mut()
                .retire_on_blocked_status_codes(code, &blocked, &extra_codes);
        if retired {
            emit_retired(this)?;
        }
        Ok(hit)
    }
}

/// The blocked codes of a session outside any of our pools: its `sessionPool`'s `blockedStatusCodes` when
/// that is an array of numbers, else the defaults.
fn foreign_pool_codes(this: &Object) -> Result<Vec<f64>> {
    let defaults = || BLOCKED_STATUS_CODES.iter().map(|&c| f64::from(c)).collect();
    let pool: Unknown = this.get_named_property("sessionPool")?;
    if pool.get_type()? != ValueType::Object {
        return Ok(defaults());
    }
    let pool: Object = unsafe { pool.cast() }?;
    let codes: Unknown = pool.get_named_property("blockedStatusCodes")?;
    if option_value(&codes)? != OptionValue::Array {
        return Ok(defaults());
    }
    // A list with something else than numbers in it is the emitter's business, not an argument error here.
    Ok(number_list("sessionPool", "blockedStatusCodes", &codes)?.unwrap_or_else(|_| defaults()))
}
