//! `Session` objects made by the pool (new sessions and restored ones on first use) without napi-rs's
//! per-instance bookkeeping.
//!
//! It uses `napi::__private` (the class registry, and the flag by which the generated constructor skips the Rust
//! one), napi-rs's hidden API: Cargo.lock pins the napi version, a removal fails the build, and a change of
//! meaning fails the tests of pool-made sessions (`__test__/session_pool.test.js` and every test that uses one).
//!
//! napi-rs's `into_instance` also creates a `napi_ref` to each object, two small allocations for its finalize
//! callbacks, and an entry in a thread-local map keyed by the native pointer (for `Reference<T>`, which no code
//! here makes for a `Session`). That map hashes pointers by their value, and with every pointer's top bits zero
//! each lookup compares a whole group of entries: filling pools of 100 000 (and collecting them), its inserts
//! took ~8% of the time and its removals ~2%; with the reference and the allocations, each session cost ~160 B
//! more (bench memory at 10k: 1 751 B a session with them, 1 588 B without). Here the object gets what the
//! class's own methods need, no more: made by the class constructor (which, as for napi-rs's factory, skips the
//! Rust constructor), wrapped with a finalizer that drops the native session, and stamped with the class's type
//! tag, which the methods check before unwrapping.

use std::ptr;

use napi::bindgen_prelude::{Env, Object, Result, TypeTag};
use napi::sys;

use crate::session::JsSession;

/// The key the `Session` class is registered under in napi-rs (its `js_name`, NUL-ended).
const CLASS_NAME: &str = "Session\0";

/// The finalizer: drops the native session. (`JsSession` has no `custom_finalize`; napi-rs's finalizer would call
/// its no-op `ObjectFinalize::finalize` first. Should it get one, it must be called here too.)
unsafe extern "C" fn drop_session(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    if !data.is_null() {
        // SAFETY: `data` is the box made in `new_session_object`, handed to V8 once and freed only here.
        drop(unsafe { Box::from_raw(data.cast::<JsSession>()) });
    }
}

/// A new JS `Session` object around `session`.
pub(crate) fn new_session_object<'e>(env: &'e Env, session: JsSession) -> Result<Object<'e>> {
    let raw = env.raw();
    let ctor_ref = napi::__private::get_class_constructor(CLASS_NAME)
        .ok_or_else(|| napi::Error::from_reason("The Session class is not registered"))?;
    let mut ctor = ptr::null_mut();
    // SAFETY: every call below gets the env of the call in progress and values made in it.
    unsafe {
        napi::check_status!(sys::napi_get_reference_value(raw, ctor_ref, &mut ctor))?;
        let mut object = ptr::null_mut();
        napi::__private::___CALL_FROM_FACTORY.with(|f| f.set(true));
        let status = sys::napi_new_instance(raw, ctor, 0, ptr::null_mut(), &mut object);
        napi::__private::___CALL_FROM_FACTORY.with(|f| f.set(false));
        napi::check_status!(status, "Could not make a Session object")?;
        let native = Box::into_raw(Box::new(session));
        let wrapped = sys::napi_wrap(
            raw,
            object,
            native.cast(),
            Some(drop_session),
            ptr::null_mut(),
            ptr::null_mut(),
        );
        if wrapped != sys::Status::napi_ok {
            drop(Box::from_raw(native));
            return Err(napi::Error::from_reason("Could not wrap a Session object"));
        }
        // From here V8 owns `native` (the finalizer frees it), whatever happens.
        napi::check_status!(sys::napi_type_tag_object(
            raw,
            object,
            &<JsSession as TypeTag>::type_tag()
        ))?;
        Ok(Object::from_raw(raw, object))
    }
}
