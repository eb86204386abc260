//! `CookieJar`: the synchronous subset of tough-cookie's `CookieJar` that Crawlee users call, over the core
//! jar. Objects cross the boundary as one JSON string each way (`lib/cookie_jar.js` parses and builds them):
//! one native call and a `JSON.parse` are cheaper than building objects field by field through N-API.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;
use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi_derive::napi;
use session_pool_core::cookies::{CookieError, CookieErrorKind, CookieJar};

use crate::error::type_error;
use crate::now_ms;

/// A jar shared between a `Session` and the `CookieJar` object that shows it to JS. The inner `Arc` lets a
/// persistence snapshot share the jar; the next write then copies it (`Arc::make_mut`), so taking a snapshot
/// never copies cookies on the JS thread.
pub(crate) type JarCell = Rc<RefCell<Arc<CookieJar>>>;

/// A new shared jar.
pub(crate) fn new_jar(jar: CookieJar) -> JarCell {
    Rc::new(RefCell::new(Arc::new(jar)))
}

/// The jar for writing (reads of cookies count: they update last-access times and drop expired cookies).
pub(crate) fn jar_mut(cell: &JarCell) -> RefMut<'_, CookieJar> {
    RefMut::map(cell.borrow_mut(), Arc::make_mut)
}

/// A cookie error as JS sees it: `TypeError` for an unusable URL (as `new URL()` throws), `Error` otherwise
/// with tough-cookie's message.
pub(crate) fn cookie_error(env: &Env, e: CookieError) -> Error {
    match e.kind {
        CookieErrorKind::InvalidUrl => type_error(env, &e.message),
        CookieErrorKind::Rejected | CookieErrorKind::InvalidJson => {
            crate::error::plain_error(env, &e.message)
        }
    }
}

/// Cookies of one user, with tough-cookie's matching, ordering, expiry and serialized form.
#[napi(js_name = "CookieJar")]
pub struct JsCookieJar {
    pub(crate) jar: JarCell,
}

#[napi]
impl JsCookieJar {
    /// An empty jar.
    #[napi(constructor)]
    pub fn new() -> Self {
        JsCookieJar {
            jar: new_jar(CookieJar::new()),
        }
    }

    /// Stores a cookie from a `Set-Cookie` string for `url`; throws, as tough-cookie does, when the cookie
    /// does not parse, is for another domain or for a public suffix. Returns the stored cookie's JSON.
    #[napi(js_name = "_setCookie", skip_typescript)]
    pub fn set_cookie(&self, env: Env, cookie: String, url: String) -> Result<Option<String>> {
        let now = now_ms();
        let mut jar = jar_mut(&self.jar);
        let stored = jar
            .set_cookie_returning(&cookie, &url, now)
            .map_err(|e| cookie_error(&env, e))?;
        Ok(stored.and_then(|c| serde_json::to_string(c).ok()))
    }

    /// Stores a cookie given as tough-cookie's JSON form of one cookie.
    #[napi(js_name = "_setCookieJson", skip_typescript)]
    pub fn set_cookie_json(
        &self,
        env: Env,
        cookie_json: String,
        url: String,
    ) -> Result<Option<String>> {
        let now = now_ms();
        let wrapped = format!("{{\"cookies\":[{cookie_json}]}}");
        let parsed = CookieJar::from_json_str(&wrapped, now).map_err(|e| cookie_error(&env, e))?;
        let Some(cookie) = parsed.cookies().first().cloned() else {
            return Err(Error::from_reason("Cookie failed to parse"));
        };
        let mut jar = jar_mut(&self.jar);
        let stored = jar
            .set_cookie_object_returning(cookie, &url, now, true)
            .map_err(|e| cookie_error(&env, e))?;
        Ok(stored.and_then(|c| serde_json::to_string(c).ok()))
    }

    /// The cookies for `url` as a JSON array of tough-cookie cookie objects, in tough's order.
    #[napi(js_name = "_getCookiesJson", skip_typescript)]
    pub fn get_cookies_json(&self, env: Env, url: String) -> Result<String> {
        let cookies = jar_mut(&self.jar)
            .get_cookies(&url, now_ms())
            .map_err(|e| cookie_error(&env, e))?;
        serde_json::to_string(&cookies).map_err(|e| Error::from_reason(e.to_string()))
    }

    /// The `Cookie` header for `url` (`a=1; b=2`).
    #[napi(ts_args_type = "url: string | URL")]
    pub fn get_cookie_string_sync(&self, env: Env, url: Option<Unknown>) -> Result<String> {
        let url = crate::js_options::url_arg(&env, url, "getCookieStringSync")?;
        jar_mut(&self.jar)
            .get_cookie_string(&url, now_ms())
            .map_err(|e| cookie_error(&env, e))
    }

    /// tough-cookie's serialized jar, as a JSON string.
    #[napi(js_name = "_toJSONString", skip_typescript)]
    pub fn to_json_string(&self) -> String {
        self.jar.borrow().to_json_string()
    }

    /// Replaces the jar's content with a serialized jar (tough-cookie's JSON, as a string).
    #[napi(js_name = "_loadJSONString", skip_typescript)]
    pub fn load_json_string(&self, env: Env, json: String) -> Result<()> {
        let loaded =
            CookieJar::from_json_str(&json, now_ms()).map_err(|e| cookie_error(&env, e))?;
        *self.jar.borrow_mut() = Arc::new(loaded);
        Ok(())
    }

    /// Removes every cookie.
    #[napi]
    pub fn remove_all_cookies_sync(&self) {
        jar_mut(&self.jar).remove_all_cookies();
    }
}

impl Default for JsCookieJar {
    fn default() -> Self {
        Self::new()
    }
}
