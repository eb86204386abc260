//! Raw N-API entry points for the calls a crawler makes on every request (`markGood`, `markBad`, `retire`,
//! `isUsable`, the pool's counters, the cookie string and Set-Cookie values) and on every new session
//! (`_createDefault`, `_commit`); the pool's allocation step is in `pool_bound.rs`.
//!
//! A napi-rs method call costs ~250-300 ns here (argument conversion, class-identity and borrow bookkeeping
//! behind a global mutex); a bare N-API callback ~125 ns, about half of it finding the native object behind
//! `this` (`pool_bound.rs` avoids that for the two calls of every rotation). These callbacks are installed on the
//! prototypes (`_installFastPaths`, called once by the package entry); those named like a generated method replace
//! it and call the very same code, so behaviour is identical; the others (`_setCookieValues`, the packed browser
//! cookie calls) are private entry points lib/session.js uses. Safety: the receiver is checked with the class's
//! type tag (the one napi-rs stamps on every instance) before the wrapped pointer is used, so calling one on a
//! wrong object throws `TypeError: Illegal invocation` as the generated methods do. Only shared references
//! are made (every method of these classes takes `&self`; state is in `RefCell`s), and no borrow is held
//! across a call into JS.

use std::ffi::c_void;
use std::ptr;

use napi::bindgen_prelude::{Object, TypeTag};
use napi::sys;
use napi::{Env, JsValue, Result};
use napi_derive::napi;

use crate::error::pool_error;
use crate::session::{emit_retired, JsSession};
use crate::session_pool::{create_default_object, JsSessionPool};

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

/// The native object behind `this`, if `this` really is an instance of `T`.
unsafe fn unwrap_checked<'a, T: TypeTag>(
    env: sys::napi_env,
    this: sys::napi_value,
) -> Option<&'a T> {
    if this.is_null() {
        return None;
    }
    let tag = T::type_tag();
    let mut is_tagged = false;
    if sys::napi_check_object_type_tag(env, this, &tag, &mut is_tagged) != sys::Status::napi_ok
        || !is_tagged
    {
        return None;
    }
    let mut native: *mut c_void = ptr::null_mut();
    if sys::napi_unwrap(env, this, &mut native) != sys::Status::napi_ok || native.is_null() {
        return None;
    }
    Some(&*(native as *const T))
}

unsafe fn illegal_invocation(env: sys::napi_env) -> sys::napi_value {
    sys::napi_throw_type_error(env, ptr::null(), c"Illegal invocation".as_ptr());
    ptr::null_mut()
}

/// A call on an instance of `T`: under [`guarded`], runs `body` with the native object, `this` and the call's
/// first `N` arguments (and how many were given); `TypeError: Illegal invocation` when `this` is not a `T`.
unsafe fn on_receiver<T: TypeTag, const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    body: impl FnOnce(&T, sys::napi_value, [sys::napi_value; N], usize) -> sys::napi_value,
) -> sys::napi_value {
    guarded(env, || {
        let (this, args, argc) = this_and_args::<N>(env, info);
        match unwrap_checked::<T>(env, this) {
            Some(native) => body(native, this, args, argc),
            None => illegal_invocation(env),
        }
    })
}

/// Rethrows a failure of a call into JS: an exception a listener threw is already pending; anything else is
/// thrown as an `Error`.
pub(crate) unsafe fn throw(env: sys::napi_env, err: napi::Error) -> sys::napi_value {
    let mut pending = false;
    sys::napi_is_exception_pending(env, &mut pending);
    if !pending {
        let msg = std::ffi::CString::new(err.reason.replace('\0', " ")).unwrap_or_default();
        sys::napi_throw_error(env, ptr::null(), msg.as_ptr());
    }
    ptr::null_mut()
}

/// Runs a callback body; a Rust panic becomes a JS `Error` instead of aborting the process (unwinding out of
/// an `extern "C"` function would abort).
pub(crate) unsafe fn guarded(
    env: sys::napi_env,
    body: impl FnOnce() -> sys::napi_value,
) -> sys::napi_value {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(_) => throw(
            env,
            napi::Error::from_reason("session-pool-rs: internal error (a Rust panic was caught)"),
        ),
    }
}

pub(crate) unsafe fn undefined(env: sys::napi_env) -> sys::napi_value {
    let mut v = ptr::null_mut();
    sys::napi_get_undefined(env, &mut v);
    v
}

pub(crate) unsafe fn boolean(env: sys::napi_env, b: bool) -> sys::napi_value {
    let mut v = ptr::null_mut();
    sys::napi_get_boolean(env, b, &mut v);
    v
}

pub(crate) unsafe fn number(env: sys::napi_env, n: f64) -> sys::napi_value {
    let mut v = ptr::null_mut();
    sys::napi_create_double(env, n, &mut v);
    v
}

/// Runs a mark; emits `sessionRetired` when the mark retired the session.
unsafe fn mark(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    apply: fn(&JsSession) -> bool,
) -> sys::napi_value {
    on_receiver::<JsSession, 0>(env, info, |session, this, _, _| {
        if apply(session) {
            if let Err(e) = emit_retired(&Object::from_raw(env, this)) {
                return throw(env, e);
            }
        }
        undefined(env)
    })
}

unsafe extern "C" fn mark_good(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    mark(env, info, |s| {
        s.core.borrow_mut().mark_good(crate::now_ms())
    })
}

unsafe extern "C" fn mark_bad(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    mark(env, info, |s| s.core.borrow_mut().mark_bad(crate::now_ms()))
}

unsafe extern "C" fn retire(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    mark(env, info, |s| s.core.borrow_mut().retire())
}

unsafe extern "C" fn is_usable(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSession, 0>(env, info, |session, _, _, _| {
        boolean(env, session.core.borrow().is_usable(crate::now_ms()))
    })
}

unsafe extern "C" fn error_score(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSession, 0>(env, info, |session, _, _, _| {
        number(env, session.core.borrow().error_score())
    })
}

unsafe extern "C" fn usage_count(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSession, 0>(env, info, |session, _, _, _| {
        number(env, session.core.borrow().usage_count())
    })
}

/// Calls `f` with the call's string argument (read into a stack buffer: ids are short), or `None` when the
/// argument is missing or not a string.
pub(crate) unsafe fn with_id_arg<R>(
    env: sys::napi_env,
    arg: sys::napi_value,
    argc: usize,
    f: impl FnOnce(Option<&str>) -> R,
) -> R {
    let mut id_buf = [0u8; 128];
    let mut owned = Vec::new();
    let mut id: Option<&str> = None;
    if argc > 0 && !arg.is_null() {
        let mut t = sys::ValueType::napi_undefined;
        sys::napi_typeof(env, arg, &mut t);
        if t == sys::ValueType::napi_string {
            let mut len: usize = 0;
            sys::napi_get_value_string_utf8(env, arg, ptr::null_mut(), 0, &mut len);
            let buf: &mut [u8] = if len < id_buf.len() {
                &mut id_buf[..]
            } else {
                owned.resize(len + 1, 0);
                &mut owned[..]
            };
            let mut written: usize = 0;
            sys::napi_get_value_string_utf8(
                env,
                arg,
                buf.as_mut_ptr().cast(),
                buf.len(),
                &mut written,
            );
            id = std::str::from_utf8(&buf[..written]).ok();
        }
    }
    f(id)
}

unsafe extern "C" fn usable_sessions_count(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSessionPool, 0>(env, info, |pool, _, _, _| {
        number(env, f64::from(pool.usable_sessions_count()))
    })
}

unsafe extern "C" fn retired_sessions_count(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSessionPool, 0>(env, info, |pool, _, _, _| {
        number(env, f64::from(pool.retired_sessions_count()))
    })
}

/// The call's first `N` arguments.
unsafe fn this_and_args<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> (sys::napi_value, [sys::napi_value; N], usize) {
    let mut argc: usize = N;
    let mut argv: [sys::napi_value; N] = [ptr::null_mut(); N];
    let mut this: sys::napi_value = ptr::null_mut();
    let status = sys::napi_get_cb_info(
        env,
        info,
        &mut argc,
        argv.as_mut_ptr(),
        &mut this,
        ptr::null_mut(),
    );
    if status != sys::Status::napi_ok {
        return (ptr::null_mut(), argv, 0);
    }
    (this, argv, argc.min(N))
}

/// Runs `f` with this thread's scratch buffer, emptied: the per-request calls read their string arguments into
/// it instead of allocating for each. A buffer that grew past [`SCRATCH_KEPT`] is given back afterwards; a
/// nested use (none is expected: reading strings runs no JS) gets a buffer of its own.
fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            let result = f(&mut buffer);
            if buffer.capacity() > SCRATCH_KEPT {
                *buffer = Vec::new();
            }
            result
        }
        Err(_) => f(&mut Vec::new()),
    })
}

/// The most a scratch buffer keeps between calls.
const SCRATCH_KEPT: usize = 1 << 16;

/// Room tried first for a string argument: URLs and `Set-Cookie` values nearly always fit, and then one N-API
/// call reads them instead of two (length, then text).
const FIRST_TRY_BYTES: usize = 512;

/// Appends a JS string argument to `out` as UTF-8 (V8 writes valid UTF-8, lone surrogates replaced); `false`,
/// with `out` unchanged, for anything that is not a string.
unsafe fn append_string_value(
    env: sys::napi_env,
    value: sys::napi_value,
    out: &mut Vec<u8>,
) -> bool {
    append_string_value_in(env, value, out, FIRST_TRY_BYTES)
}

/// [`append_string_value`] trying `first_try` bytes of room first.
unsafe fn append_string_value_in(
    env: sys::napi_env,
    value: sys::napi_value,
    out: &mut Vec<u8>,
    first_try: usize,
) -> bool {
    if value.is_null() {
        return false;
    }
    let start = out.len();
    // First try: write into the room there is. V8 stops before a character that does not fit whole (at most 4
    // bytes) and keeps one byte for the NUL, so fewer than `room - 4` bytes written means the text is all there.
    out.reserve(first_try);
    let room = out.capacity() - start;
    let mut written: usize = 0;
    if sys::napi_get_value_string_utf8(
        env,
        value,
        out.as_mut_ptr().add(start).cast(),
        room,
        &mut written,
    ) != sys::Status::napi_ok
    {
        return false;
    }
    if written + 4 < room {
        // napi wrote `written` bytes into the reserved room.
        out.set_len(start + written);
        return true;
    }
    let mut len: usize = 0;
    if sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut len)
        != sys::Status::napi_ok
    {
        return false;
    }
    out.reserve(len + 1);
    let status = sys::napi_get_value_string_utf8(
        env,
        value,
        out.as_mut_ptr().add(start).cast(),
        len + 1,
        &mut written,
    );
    if status != sys::Status::napi_ok {
        return false;
    }
    // napi wrote `written` bytes (at most `len`) into the reserved room.
    out.set_len(start + written.min(len));
    true
}

/// Throws a cookie error as `cookie_error` does: `TypeError` for an unusable URL, `Error` otherwise.
unsafe fn throw_cookie_error(
    env: sys::napi_env,
    e: session_pool_core::cookies::CookieError,
) -> sys::napi_value {
    let msg = std::ffi::CString::new(e.message.replace('\0', " ")).unwrap_or_default();
    match e.kind {
        session_pool_core::cookies::CookieErrorKind::InvalidUrl => {
            sys::napi_throw_type_error(env, ptr::null(), msg.as_ptr());
        }
        _ => {
            sys::napi_throw_error(env, ptr::null(), msg.as_ptr());
        }
    }
    ptr::null_mut()
}

/// A JS string of `text`. ASCII text (nearly every cookie header) is made as Latin-1, which V8 copies as it
/// is, where UTF-8 would be decoded and validated first.
unsafe fn js_string(env: sys::napi_env, text: &str) -> sys::napi_value {
    let mut out = ptr::null_mut();
    if text.is_ascii() {
        sys::napi_create_string_latin1(env, text.as_ptr().cast(), text.len() as isize, &mut out);
    } else {
        sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut out);
    }
    out
}

/// A session call that takes a URL string and answers with text (`_cookieStringFor`,
/// `_browserCookiesPackedFor`): `TypeError: Illegal invocation` when the URL is not a string (lib/session.js
/// sends anything else to the generated method, which names it in its TypeError), a cookie error thrown as
/// `cookie_error` throws it.
unsafe fn text_for_url(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    text: impl FnOnce(
        &JsSession,
        &str,
    ) -> std::result::Result<String, session_pool_core::cookies::CookieError>,
) -> sys::napi_value {
    on_receiver::<JsSession, 1>(env, info, |session, _, [url], _| {
        with_scratch(|buffer| {
            if !append_string_value(env, url, buffer) {
                return illegal_invocation(env);
            }
            let Ok(url) = std::str::from_utf8(buffer) else {
                return illegal_invocation(env);
            };
            match text(session, url) {
                Ok(text) => js_string(env, &text),
                Err(e) => throw_cookie_error(env, e),
            }
        })
    })
}

/// `_cookieStringFor(url)`: `getCookieString` for a URL given as a string.
unsafe extern "C" fn cookie_string_for(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    text_for_url(env, info, |session, url| {
        crate::cookie_jar::jar_mut(&session.jar).get_cookie_string(url, crate::now_ms())
    })
}

/// How many `Set-Cookie` values one `_setCookieValues` call takes (lib/session.js sends more in turns).
const VALUES_PER_CALL: usize = 4;

/// `_setCookieValues(url, v0, v1, v2, v3)`: stores the `Set-Cookie` values given as the string arguments after
/// `url` (others are skipped). Returns how many errors storing gave (one for an unusable URL; the number of
/// values for a `url` that is not a string). The values come as separate strings: joining them in JS cost more
/// than the calls that read them here.
unsafe extern "C" fn set_cookie_values(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSession, { VALUES_PER_CALL + 1 }>(env, info, |session, _, args, argc| {
        let [url, values @ ..] = args;
        with_scratch(|buffer| {
            // The values one after the other, then the URL.
            let mut ends = [0usize; VALUES_PER_CALL];
            let mut count = 0;
            for value in values.into_iter().take(argc.saturating_sub(1)) {
                if !append_string_value(env, value, buffer) {
                    continue;
                }
                ends[count] = buffer.len();
                count += 1;
            }
            let values_end = buffer.len();
            if !append_string_value(env, url, buffer) {
                return number(env, count as f64);
            }
            let Ok(text) = std::str::from_utf8(buffer) else {
                return number(env, count as f64);
            };
            let url = &text[values_end..];
            let mut start = 0;
            let values = ends[..count].iter().map(|&end| {
                let value = &text[start..end];
                start = end;
                value
            });
            let errors = crate::cookie_jar::jar_mut(&session.jar).set_cookies_from_headers(
                values,
                url,
                crate::now_ms(),
            );
            number(env, errors.len() as f64)
        })
    })
}

/// `_setBrowserCookiesPacked(packed, count, url)`: stores `count` browser cookies given packed (core
/// `cookies::packed`). Returns how many were not stored, or -1 when the text does not read as `count` entries
/// (lib/browser_cookies.js never writes such a text): lib/session.js then sends the list as JSON.
unsafe extern "C" fn set_browser_cookies_packed(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSession, 3>(env, info, |session, _, [packed, count, url], _| {
        let mut expected: u32 = 0;
        if sys::napi_get_value_uint32(env, count, &mut expected) != sys::Status::napi_ok {
            return illegal_invocation(env);
        }
        // A packed list runs ~70 bytes a cookie.
        let room = (expected as usize)
            .saturating_mul(128)
            .clamp(FIRST_TRY_BYTES, 1 << 16);
        with_scratch(|buffer| {
            // The packed list, then the URL (when it is a string).
            if !append_string_value_in(env, packed, buffer, room) {
                return illegal_invocation(env);
            }
            let packed_end = buffer.len();
            let has_url = append_string_value(env, url, buffer);
            let Ok(text) = std::str::from_utf8(buffer) else {
                return illegal_invocation(env);
            };
            let (packed, url) = text.split_at(packed_end);
            let url = has_url.then_some(url);
            match session.set_browser_cookies_packed(packed, expected as usize, url) {
                Some(not_stored) => number(env, not_stored as f64),
                None => number(env, -1.0),
            }
        })
    })
}

/// `_browserCookiesPackedFor(url)`: `getCookies` for a URL given as a string, packed (for other arguments
/// lib/session.js calls the generated `_getBrowserCookiesPacked`).
unsafe extern "C" fn browser_cookies_packed_for(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    text_for_url(env, info, |session, url| {
        session.browser_cookies_packed(url)
    })
}

/// `_createDefault()`: a new session with the pool's `sessionOptions` (not yet added), its `id` and `maxAgeSecs`
/// set (`create_default_object`, as the generated method).
unsafe extern "C" fn create_default(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    on_receiver::<JsSessionPool, 0>(env, info, |pool, _, _, _| {
        let napi_env = Env::from_raw(env);
        match create_default_object(pool, &napi_env) {
            Ok(obj) => obj.raw(),
            Err(e) => throw(env, e),
        }
    })
}

/// `_commit(session, makeRoom)`: adds `session` to the pool and returns its slot; `makeRoom` evicts unusable
/// sessions first when the pool is full. A pool error (a duplicate id, a full pool) is thrown as the generated
/// method throws it.
unsafe extern "C" fn commit(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    on_receiver::<JsSessionPool, 2>(env, info, |pool, _, [session, make_room], argc| {
        let Some(session) = unwrap_checked::<JsSession>(env, session) else {
            return illegal_invocation(env);
        };
        let mut make_room_flag = false;
        if argc > 1 {
            sys::napi_get_value_bool(env, make_room, &mut make_room_flag);
        }
        match pool.add_session(session, make_room_flag) {
            Ok(slot) => number(env, f64::from(slot)),
            Err(e) => throw(env, pool_error(&Env::from_raw(env), e)),
        }
    })
}

enum Kind {
    Method(Callback),
    Getter(Callback),
}

fn install(env: &Env, proto: &Object, entries: &[(&std::ffi::CStr, Kind)]) -> Result<()> {
    let raw_env = env.raw();
    let mut props = Vec::with_capacity(entries.len());
    for (name, kind) in entries {
        let (method, getter) = match kind {
            Kind::Method(cb) => (Some(*cb), None),
            Kind::Getter(cb) => (None, Some(*cb)),
        };
        let attributes = match kind {
            // Methods keep the generated ones' shape: writable and configurable, not enumerable.
            Kind::Method(_) => {
                sys::PropertyAttributes::writable | sys::PropertyAttributes::configurable
            }
            Kind::Getter(_) => sys::PropertyAttributes::configurable,
        };
        props.push(sys::napi_property_descriptor {
            utf8name: name.as_ptr(),
            name: ptr::null_mut(),
            method,
            getter,
            setter: None,
            value: ptr::null_mut(),
            attributes,
            data: ptr::null_mut(),
        });
    }
    let status =
        unsafe { sys::napi_define_properties(raw_env, proto.raw(), props.len(), props.as_ptr()) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason("Could not install the fast paths"));
    }
    Ok(())
}

/// Puts the raw entry points on `Session.prototype` and `SessionPool.prototype`. Called once by the package
/// entry; calling it again is harmless.
#[napi(js_name = "_installFastPaths", skip_typescript)]
pub fn install_fast_paths(env: Env, session_proto: Object, pool_proto: Object) -> Result<()> {
    install(
        &env,
        &session_proto,
        &[
            (c"markGood", Kind::Method(mark_good)),
            (c"markBad", Kind::Method(mark_bad)),
            (c"retire", Kind::Method(retire)),
            (c"isUsable", Kind::Method(is_usable)),
            (c"errorScore", Kind::Getter(error_score)),
            (c"usageCount", Kind::Getter(usage_count)),
            (c"_cookieStringFor", Kind::Method(cookie_string_for)),
            (c"_setCookieValues", Kind::Method(set_cookie_values)),
            (
                c"_setBrowserCookiesPacked",
                Kind::Method(set_browser_cookies_packed),
            ),
            (
                c"_browserCookiesPackedFor",
                Kind::Method(browser_cookies_packed_for),
            ),
        ],
    )?;
    install(
        &env,
        &pool_proto,
        &[
            (c"_createDefault", Kind::Method(create_default)),
            (c"_commit", Kind::Method(commit)),
            (c"usableSessionsCount", Kind::Getter(usable_sessions_count)),
            (
                c"retiredSessionsCount",
                Kind::Getter(retired_sessions_count),
            ),
        ],
    )?;
    Ok(())
}
