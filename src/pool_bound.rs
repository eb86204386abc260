//! Native functions bound to one pool's core, for the two calls of every rotation: picking a session and
//! marking it.
//!
//! The prototype methods of `fast_paths.rs` must find their native object from `this`, and on this machine
//! that lookup (the type-tag check and `napi_unwrap`, two private-property reads) is about half of a call's
//! ~125 ns. A function made for one pool carries the pool's core as its callback data instead, so it needs
//! no lookup: `acquire(id?)` is the pool's allocation step, `markSlot(slot, kind)` marks the session in a slot.
//! The JS side (`lib/session_pool.js`, `lib/session.js`) keeps them under private symbols and calls
//! `markSlot` only for a session it holds in that very slot; anything else takes the prototype methods.
//!
//! Safety: the data is a boxed `Rc` of the core, so the core lives as long as either the pool or a function;
//! a finalizer on each function drops its box. No borrow is held across a call into JS.

use std::ffi::c_void;
use std::ptr;
use std::rc::Rc;

use napi::bindgen_prelude::{Array, ClassInstance, Env, Result, Unknown};
use napi::sys;
use napi_derive::napi;

use session_pool_core::clock::now_for_deadline;

use crate::fast_paths::{boolean, guarded, number, undefined, with_id_arg};
use crate::session_pool::{acquire_in, JsSessionPool, PoolCell};

/// What `markSlot` does (its second argument).
const MARK_GOOD: u32 = 0;
const MARK_BAD: u32 = 1;
const RETIRE: u32 = 2;

/// The call's data (the boxed core) and up to two arguments.
unsafe fn data_and_args(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> (Option<&'static PoolCell>, [sys::napi_value; 2], usize) {
    let mut argc: usize = 2;
    let mut argv: [sys::napi_value; 2] = [ptr::null_mut(); 2];
    let mut data: *mut c_void = ptr::null_mut();
    let status = sys::napi_get_cb_info(
        env,
        info,
        &mut argc,
        argv.as_mut_ptr(),
        ptr::null_mut(),
        &mut data,
    );
    if status != sys::Status::napi_ok || data.is_null() {
        return (None, argv, 0);
    }
    // The box lives until the function's finalizer, which cannot run while the function is being called.
    (Some(&*(data as *const PoolCell)), argv, argc.min(2))
}

unsafe fn u32_arg(env: sys::napi_env, value: sys::napi_value) -> Option<u32> {
    let mut out: u32 = 0;
    (!value.is_null() && sys::napi_get_value_uint32(env, value, &mut out) == sys::Status::napi_ok)
        .then_some(out)
}

/// `acquire(id?)`: the allocation step of `getSession(id?)` (`acquire_in`); a non-string argument means "no id".
unsafe extern "C" fn bound_acquire(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guarded(env, || {
        let (core, argv, argc) = data_and_args(env, info);
        let Some(core) = core else {
            return undefined(env);
        };
        with_id_arg(env, argv[0], argc, |id| {
            number(env, acquire_in(core, id) as f64)
        })
    })
}

/// `markSlot(slot, kind)`: marks the session in `slot` (0 good, 1 bad, 2 retire). `true` when that retired
/// it (the caller emits `sessionRetired`), `false` when not, `undefined` when there is no session there.
unsafe extern "C" fn bound_mark_slot(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    guarded(env, || {
        let (core, argv, argc) = data_and_args(env, info);
        let (Some(core), true) = (core, argc == 2) else {
            return undefined(env);
        };
        let (Some(slot), Some(kind)) = (u32_arg(env, argv[0]), u32_arg(env, argv[1])) else {
            return undefined(env);
        };
        // The session's own cell, out of the pool's borrow: marking touches only the session.
        let Some(session) = core.borrow().session(slot).cloned() else {
            return undefined(env);
        };
        let mut session = session.borrow_mut();
        // The time matters to a mark only through this session's expiry: far from it, the coarse clock serves.
        let now = now_for_deadline(Some(session.expires_at()), crate::now_ms);
        let retired = match kind {
            MARK_GOOD => session.mark_good(now),
            MARK_BAD => session.mark_bad(now),
            RETIRE => session.retire(),
            _ => return undefined(env),
        };
        boolean(env, retired)
    })
}

unsafe extern "C" fn drop_core(_env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    if !data.is_null() {
        drop(Box::from_raw(data as *mut PoolCell));
    }
}

unsafe fn bound_function(
    env: sys::napi_env,
    name: &std::ffi::CStr,
    callback: unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value,
    core: &PoolCell,
) -> Result<sys::napi_value> {
    let data = Box::into_raw(Box::new(Rc::clone(core))) as *mut c_void;
    let mut function = ptr::null_mut();
    let created = sys::napi_create_function(
        env,
        name.as_ptr(),
        name.count_bytes() as isize,
        Some(callback),
        data,
        &mut function,
    );
    if created != sys::Status::napi_ok {
        drop(Box::from_raw(data as *mut PoolCell));
        return Err(napi::Error::from_reason("Could not create a pool function"));
    }
    let finalizer = sys::napi_add_finalizer(
        env,
        function,
        data,
        Some(drop_core),
        ptr::null_mut(),
        ptr::null_mut(),
    );
    if finalizer != sys::Status::napi_ok {
        // Without a finalizer the box would leak; a leak is safer than a dangling pointer, so it stays.
        return Err(napi::Error::from_reason(
            "Could not attach a pool function's finalizer",
        ));
    }
    Ok(function)
}

/// `[acquire, markSlot]` for `pool` (see the module doc). Called once per pool by `lib/session_pool.js`.
#[napi(js_name = "_bindPoolFunctions", skip_typescript)]
pub fn bind_pool_functions<'e>(
    env: &'e Env,
    pool: ClassInstance<'e, JsSessionPool>,
) -> Result<Array<'e>> {
    let raw = env.raw();
    let mut out = env.create_array(2)?;
    unsafe {
        let acquire = bound_function(raw, c"acquire", bound_acquire, &pool.core)?;
        let mark = bound_function(raw, c"markSlot", bound_mark_slot, &pool.core)?;
        out.set(0, Unknown::from_raw_unchecked(raw, acquire))?;
        out.set(1, Unknown::from_raw_unchecked(raw, mark))?;
    }
    Ok(out)
}
