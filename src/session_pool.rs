//! `SessionPool`: the native half of the pool. Rules and data live in the core `PoolCore`; this class
//! validates options and offers the synchronous steps (acquire, commit, counters) that the package entry
//! (`lib/session_pool.js`) turns into Crawlee's async methods, because a promise made in JS costs a fraction
//! of one made through N-API (ARCHITECTURE.md §6).

use std::cell::RefCell;
use std::rc::Rc;

use napi::bindgen_prelude::*;
use napi::ValueType;
use napi_derive::napi;
use session_pool_core::clock::now_for_deadline;
use session_pool_core::options::{self, NumberRule, OptionValue, MAX_POOL_SIZE};
use session_pool_core::pool::{prefetch, Acquire, PoolCore, PREFETCH_DISTANCE};
use session_pool_core::session::{SessionCore, SessionParams, SESSION_OPTION_NAMES};

use std::sync::Arc;

use session_pool_core::snapshot::{PoolSnapshot, SnapshotSession};

use crate::cookie_jar::JarCell;
use crate::error::{option_error, pool_error, type_error};
use crate::js_options::{get_option, number_list, options_object, own_names, read_known_options};
use crate::key_value_store::{
    open_store, CapturedSessions, DiscardSpareTask, ParseStateTask, ReadStateTask, RestoreList,
    SnapshotHolder, WriteStateTask,
};
use crate::now_ms;
use crate::session::json_parse;
use crate::session::{install_identity, install_js_fields, JsSession};
use crate::session_object::new_session_object;

/// Every option `new SessionPool(options)` accepts: Crawlee 3's and ours (`keyValueStore`, `events`,
/// `persistStateIntervalMillis`).
const POOL_OPTION_NAMES: &[&str] = &[
    "maxPoolSize",
    "persistStateKeyValueStoreId",
    "persistStateKey",
    "createSessionFunction",
    "sessionOptions",
    "blockedStatusCodes",
    "log",
    "persistenceOptions",
    "keyValueStore",
    "events",
    "persistStateIntervalMillis",
];

/// A pool's core, shared by the pool object and the native functions bound to it.
pub(crate) type PoolCell = Rc<PoolHolder>;

/// `acquire` results that are not a slot.
const MISSING: i64 = -1;
const CREATE: i64 = -2;
const CREATE_AFTER_EVICTION: i64 = -3;

/// Handles the rotation, creation and persistence of sessions. Drop-in for Crawlee's `SessionPool`; an
/// `EventEmitter` that emits `sessionRetired`.
#[napi(js_name = "SessionPool", custom_finalize)]
pub struct JsSessionPool {
    /// Shared with the per-pool native functions of `pool_bound.rs`, which must not outlive it.
    pub(crate) core: PoolCell,
    session_params: SessionParams,
    /// Restored sessions that have no JS object yet, by slot: their `userData` as JSON text. The object is made
    /// on first use (`_wrapSlot`), so opening a pool on a big state creates no JS objects at all.
    unwrapped: RefCell<Vec<Option<Arc<str>>>>,
}

impl ObjectFinalize for JsSessionPool {
    /// The pool object is being collected: its sessions are let go now. The core itself lives on, empty, until
    /// the pool's bound functions (`pool_bound.rs`) are collected too, which can be much later: in a loop of pools
    /// filled and dropped, young-generation GCs collected the pool objects while the functions waited for a full
    /// GC that did not come, each keeping its pool's sessions (~1.4 MB per 1 000) until then.
    fn finalize(self, _env: Env) -> Result<()> {
        self.core.release_sessions();
        Ok(())
    }
}

/// The work of `_createDefault`, shared by the generated method and its raw entry point.
pub(crate) fn create_default_object<'e>(pool: &JsSessionPool, env: &'e Env) -> Result<Object<'e>> {
    let session = pool.new_default_session();
    let core = session.core.clone();
    let mut obj = new_session_object(env, session)?;
    install_identity(&mut obj, &core.borrow())?;
    Ok(obj)
}

fn check(env: &Env, r: std::result::Result<(), options::OptionError>) -> Result<()> {
    r.map_err(|e| option_error(env, e))
}

/// Validates the object-valued options that must carry given methods (`keyValueStore`, `events`).
fn check_methods(env: &Env, o: &Object, name: &str, methods: &[&str]) -> Result<()> {
    match get_option(o, name)? {
        OptionValue::Undefined => Ok(()),
        OptionValue::Object => {
            let v: Object = o.get_named_property(name)?;
            for m in methods {
                let f: Unknown = v.get_named_property(m)?;
                if f.get_type()? != ValueType::Function {
                    return Err(type_error(
                        env,
                        &format!("Expected property `{name}` to have a method `{m}` in object `options`"),
                    ));
                }
            }
            Ok(())
        }
        other => Err(type_error(
            env,
            &format!(
                "Expected property `{name}` to be of type `object` but received type `{}` in object `options`",
                other.type_name()
            ),
        )),
    }
}

#[napi]
impl JsSessionPool {
    /// Creates a pool; call `initialize()` (or use `SessionPool.open()`) before using it.
    #[napi(constructor, ts_args_type = "options?: SessionPoolOptions")]
    pub fn new(env: Env, options: Option<Unknown>) -> Result<Self> {
        const OBJ: &str = "options";
        let opts = options_object(OBJ, options)?.map_err(|e| option_error(&env, e))?;
        let mut max_pool_size = MAX_POOL_SIZE;
        let mut blocked = None;
        let mut session_params = SessionParams::default();
        if let Some(o) = &opts {
            let names = own_names(o)?;
            check(
                &env,
                options::check_known_names(
                    OBJ,
                    names.iter().map(String::as_str),
                    POOL_OPTION_NAMES,
                ),
            )?;
            if let Some(n) = options::optional_number(
                OBJ,
                "maxPoolSize",
                &get_option(o, "maxPoolSize")?,
                NumberRule::NonNegativeInteger,
            )
            .map_err(|e| option_error(&env, e))?
            {
                max_pool_size = n;
            }
            for name in ["persistStateKeyValueStoreId", "persistStateKey"] {
                options::optional_string(OBJ, name, &get_option(o, name)?)
                    .map_err(|e| option_error(&env, e))?;
            }
            options::optional_number(
                OBJ,
                "persistStateIntervalMillis",
                &get_option(o, "persistStateIntervalMillis")?,
                NumberRule::Positive,
            )
            .map_err(|e| option_error(&env, e))?;
            options::optional_function(
                OBJ,
                "createSessionFunction",
                &get_option(o, "createSessionFunction")?,
            )
            .map_err(|e| option_error(&env, e))?;
            options::optional_object(OBJ, "log", &get_option(o, "log")?)
                .map_err(|e| option_error(&env, e))?;
            check_methods(&env, o, "keyValueStore", &["getValue", "setValue"])?;
            check_methods(&env, o, "events", &["on", "off"])?;
            if options::optional_object(
                OBJ,
                "persistenceOptions",
                &get_option(o, "persistenceOptions")?,
            )
            .map_err(|e| option_error(&env, e))?
            {
                let p: Object = o.get_named_property("persistenceOptions")?;
                let pnames = own_names(&p)?;
                check(
                    &env,
                    options::check_known_names(
                        "persistenceOptions",
                        pnames.iter().map(String::as_str),
                        &["enable"],
                    ),
                )?;
                options::optional_bool("persistenceOptions", "enable", &get_option(&p, "enable")?)
                    .map_err(|e| option_error(&env, e))?;
            }
            match get_option(o, "blockedStatusCodes")? {
                OptionValue::Undefined => {}
                OptionValue::Array => {
                    let v: Unknown = o.get_named_property("blockedStatusCodes")?;
                    blocked = Some(number_list(OBJ, "blockedStatusCodes", &v)?.map_err(|e| option_error(&env, e))?);
                }
                other => {
                    return Err(type_error(
                        &env,
                        &format!(
                            "Expected property `blockedStatusCodes` to be of type `Array` but received type `{}` in object `options`",
                            other.type_name()
                        ),
                    ))
                }
            }
            if options::optional_object(OBJ, "sessionOptions", &get_option(o, "sessionOptions")?)
                .map_err(|e| option_error(&env, e))?
            {
                let so: Object = o.get_named_property("sessionOptions")?;
                let values = read_known_options(&so, "sessionOptions", SESSION_OPTION_NAMES)?
                    .map_err(|e| option_error(&env, e))?;
                let get = |name: &str| values.get(name);
                session_params = SessionParams::from_options("sessionOptions", &get)
                    .map_err(|e| option_error(&env, e))?;
                for name in ["userData", "cookieJar", "log"] {
                    options::optional_object("sessionOptions", name, &get(name))
                        .map_err(|e| option_error(&env, e))?;
                }
            }
        }
        Ok(JsSessionPool {
            core: Rc::new(PoolHolder::new(PoolCore::new(
                max_pool_size as usize,
                blocked,
            ))),
            session_params,
            unwrapped: RefCell::new(Vec::new()),
        })
    }

    /// Number of usable sessions in the pool.
    #[napi(getter)]
    pub fn usable_sessions_count(&self) -> u32 {
        self.core.borrow_mut().usable_count(now_ms()) as u32
    }

    /// Number of unusable sessions (retired, blocked, expired or used up) still held by the pool.
    #[napi(getter)]
    pub fn retired_sessions_count(&self) -> u32 {
        self.core.borrow_mut().retired_count(now_ms()) as u32
    }

    /// Maximum number of sessions the pool creates on its own.
    /// @default 1000
    #[napi(getter)]
    pub fn max_pool_size(&self) -> u32 {
        self.core.borrow().max_pool_size() as u32
    }

    /// The status codes that retire a session in `retireOnBlockedStatusCodes`.
    #[napi(getter)]
    pub fn blocked_status_codes(&self) -> Vec<f64> {
        self.core.borrow().blocked_status_codes().to_vec()
    }

    /// Adds a session to the pool and returns its slot; `makeRoom` evicts unusable sessions first when full.
    /// (Called through the raw entry point of `fast_paths.rs`, which installs itself over this one.)
    #[napi(js_name = "_commit", skip_typescript)]
    pub fn commit(&self, env: Env, session: &JsSession, make_room: bool) -> Result<u32> {
        self.add_session(session, make_room)
            .map_err(|e| pool_error(&env, e))
    }

    /// [`commit`](Self::commit) without the JS types.
    pub(crate) fn add_session(
        &self,
        session: &JsSession,
        make_room: bool,
    ) -> std::result::Result<u32, session_pool_core::pool::PoolError> {
        let slot = self.core.borrow_mut().add(
            session.core.clone(),
            session.jar.clone(),
            make_room,
            now_ms(),
        )?;
        self.set_unwrapped(slot, None);
        Ok(slot)
    }

    /// A new session with the pool's `sessionOptions` and no cookies, not yet added and without a JS object.
    pub(crate) fn new_default_session(&self) -> JsSession {
        let core = SessionCore::new(self.session_params.clone(), now_ms());
        let jar = crate::cookie_jar::new_jar(session_pool_core::cookies::CookieJar::new());
        JsSession::from_parts(core.into_cell(), jar)
    }

    /// Slots evicted since the last call.
    #[napi(js_name = "_takeEvicted", skip_typescript)]
    pub fn take_evicted(&self) -> Vec<u32> {
        let evicted = self.core.borrow_mut().take_evicted();
        for &slot in &evicted {
            self.set_unwrapped(slot, None);
        }
        evicted
    }

    /// Whether the pool holds a session with this id (usable or not).
    #[napi(js_name = "_hasId", skip_typescript)]
    pub fn has_id(&self, id: String) -> bool {
        self.core.borrow().slot_of(&id).is_some()
    }

    /// Evicts unusable sessions when the pool is full (what `addSession` does before creating one).
    #[napi(js_name = "_makeRoom", skip_typescript)]
    pub fn make_room(&self) -> bool {
        let mut core = self.core.borrow_mut();
        if core.len() >= core.max_pool_size() {
            core.evict_unusable(now_ms());
        }
        core.has_evicted()
    }

    /// Occupied slots in insertion order.
    #[napi(js_name = "_slotsInOrder", skip_typescript)]
    pub fn slots_in_order_js(&self) -> Vec<u32> {
        self.core.borrow().slots_in_order()
    }

    /// A new session with the pool's `sessionOptions`, not yet added, with its `id` and `maxAgeSecs` set
    /// (lib/session_pool.js sets `userData` and `sessionPool`). Called through the raw entry point of
    /// `fast_paths.rs`, which installs itself over this one and runs [`create_default_object`].
    #[napi(js_name = "_createDefault", skip_typescript)]
    pub fn create_default<'e>(&self, env: &'e Env) -> Result<Object<'e>> {
        create_default_object(self, env)
    }

    /// Starts a snapshot: the counters and the order of the sessions now. The sessions themselves are captured
    /// by `_snapshotChunk`, a chunk per event-loop turn (in a pool of 100 000, one walk over their memory, cold
    /// in the cache, held the loop for tens of milliseconds); each session is captured whole, in one call.
    #[napi(js_name = "_takeSnapshot", skip_typescript, ts_return_type = "unknown")]
    pub fn take_snapshot(&self) -> External<SnapshotHolder> {
        let now = now_ms();
        let mut core = self.core.borrow_mut();
        let snapshot = PoolSnapshot {
            usable_sessions_count: core.usable_count(now) as u64,
            retired_sessions_count: core.retired_count(now) as u64,
            sessions: Vec::new(),
        };
        let order = core.slots_and_seqs_in_order();
        External::new(SnapshotHolder {
            captured: RefCell::new(Some(CapturedSessions {
                snapshot,
                unwrapped_user_data: Vec::new(),
            })),
            order,
        })
    }

    /// How many sessions the snapshot's order holds (`_snapshotChunk` takes ranges of it).
    #[napi(js_name = "_snapshotSize", skip_typescript)]
    pub fn snapshot_size(&self, holder: &External<SnapshotHolder>) -> u32 {
        holder.order.len() as u32
    }

    /// Captures the sessions `start..end` of the snapshot's order that are still in the pool (a session evicted
    /// since the snapshot started is left out). Returns the slots of those that have a JS object, in order: the
    /// JS side hands their `userData` to `_writeSnapshotFile` (the others' is their restored text, kept here).
    #[napi(js_name = "_snapshotChunk", skip_typescript)]
    pub fn snapshot_chunk(
        &self,
        env: Env,
        holder: &External<SnapshotHolder>,
        start: u32,
        end: u32,
    ) -> Result<Uint32Array> {
        let mut taken = holder.captured.borrow_mut();
        let Some(CapturedSessions {
            snapshot,
            unwrapped_user_data,
        }) = taken.as_mut()
        else {
            return Err(crate::error::plain_error(
                &env,
                "This snapshot was already written",
            ));
        };
        let end = (end as usize).min(holder.order.len());
        let start = (start as usize).min(end);
        let order = &holder.order[start..end];
        let core = self.core.borrow();
        let unwrapped = self.unwrapped.borrow();
        let mut wrapped_slots = Vec::with_capacity(order.len());
        // Grown once per chunk, not by doubling (each doubling copies what is there into fresh memory).
        snapshot.sessions.reserve(order.len());
        unwrapped_user_data.reserve(order.len());
        // The sessions are scattered in memory, often cold in the cache when a persist comes: each level of what
        // a session's copy reads (its slot entry, its session and jar cells, its jar) is asked for ahead.
        let distance = PREFETCH_DISTANCE;
        for (i, &(slot, seq)) in order.iter().enumerate() {
            if let Some(&(ahead, _)) = order.get(i + 3 * distance) {
                core.prefetch_entry(ahead);
            }
            if let Some(&(ahead, _)) = order.get(i + 2 * distance) {
                core.prefetch_session(ahead);
                if let Some(jar) = core.payload(ahead) {
                    prefetch(Rc::as_ptr(jar));
                }
            }
            if let Some(jar) = order
                .get(i + distance)
                .and_then(|&(ahead, _)| core.payload(ahead))
            {
                if let Ok(jar) = jar.try_borrow() {
                    prefetch(Arc::as_ptr(&jar));
                }
            }
            if core.seq(slot) != Some(seq) {
                continue;
            }
            let (Some(session), Some(jar)) = (core.session(slot), core.payload(slot)) else {
                continue;
            };
            let jar: Arc<session_pool_core::cookies::CookieJar> = jar.borrow().clone();
            snapshot
                .sessions
                .push(SnapshotSession::of(&session.borrow(), jar));
            let text = unwrapped.get(slot as usize).cloned().flatten();
            if text.is_none() {
                wrapped_slots.push(slot);
            }
            unwrapped_user_data.push(text);
        }
        Ok(Uint32Array::new(wrapped_slots))
    }

    /// Writes a snapshot to the default store's record on a worker thread. `userDataJson` is a JSON array of
    /// the sessions' `userData`, in the snapshot's order.
    #[napi(js_name = "_writeSnapshotFile", skip_typescript)]
    pub fn write_snapshot_file(
        &self,
        env: Env,
        holder: &External<SnapshotHolder>,
        storage_dir: Option<String>,
        store_id: Option<String>,
        key: String,
        user_data_json: String,
    ) -> Result<AsyncTask<WriteStateTask>> {
        let store = open_store(storage_dir.as_deref(), store_id.as_deref(), &key)?;
        let Some(captured) = holder.captured.borrow_mut().take() else {
            return Err(crate::error::plain_error(
                &env,
                "This snapshot was already written",
            ));
        };
        Ok(AsyncTask::new(WriteStateTask {
            store,
            captured,
            user_data_json,
        }))
    }

    /// Reads and parses the default store's record on a worker thread (removing it instead when
    /// `purgeFirst`, for the first open of a run).
    #[napi(js_name = "_readStateFile", skip_typescript)]
    pub fn read_state_file(
        &self,
        storage_dir: Option<String>,
        store_id: Option<String>,
        key: String,
        purge_first: bool,
        keep_cookie_text: bool,
    ) -> Result<AsyncTask<ReadStateTask>> {
        let store = open_store(storage_dir.as_deref(), store_id.as_deref(), &key)?;
        Ok(AsyncTask::new(ReadStateTask {
            store,
            purge_first,
            max_age_secs: self.session_params.max_age_secs,
            keep_cookie_text,
        }))
    }

    /// Parses a state given as JSON text on a worker thread.
    #[napi(js_name = "_parseState", skip_typescript)]
    pub fn parse_state(&self, text: String, keep_cookie_text: bool) -> AsyncTask<ParseStateTask> {
        AsyncTask::new(ParseStateTask {
            text,
            max_age_secs: self.session_params.max_age_secs,
            keep_cookie_text,
        })
    }

    /// Removes the pool's record from the default store; true if there was one.
    #[napi(js_name = "_removeStateFile", skip_typescript)]
    pub fn remove_state_file(
        &self,
        storage_dir: Option<String>,
        store_id: Option<String>,
        key: String,
    ) -> Result<bool> {
        let store = open_store(storage_dir.as_deref(), store_id.as_deref(), &key)?;
        store.remove().map_err(|e| {
            Error::from_reason(format!("Removing {} failed: {e}", store.path().display()))
        })
    }

    /// Deletes the spare of the pool's record in the default store (at teardown), on a worker thread.
    #[napi(js_name = "_discardSpareFile", skip_typescript)]
    pub fn discard_spare_file(
        &self,
        storage_dir: Option<String>,
        store_id: Option<String>,
        key: String,
    ) -> Result<AsyncTask<DiscardSpareTask>> {
        let store = open_store(storage_dir.as_deref(), store_id.as_deref(), &key)?;
        Ok(AsyncTask::new(DiscardSpareTask { store }))
    }

    /// The path of the pool's record in the default store.
    #[napi(js_name = "_statePath", skip_typescript)]
    pub fn state_path(
        &self,
        storage_dir: Option<String>,
        store_id: Option<String>,
        key: String,
    ) -> Result<String> {
        Ok(
            open_store(storage_dir.as_deref(), store_id.as_deref(), &key)?
                .path()
                .display()
                .to_string(),
        )
    }

    /// Adds the usable ones of restored sessions `start..end` to the pool, without JS objects: each gets its
    /// object on first use (`_wrapSlot`). Returns how many were added.
    #[napi(js_name = "_restoreChunk", skip_typescript)]
    pub fn restore_chunk(
        &self,
        env: Env,
        restore: &External<RestoreList>,
        start: u32,
        end: u32,
    ) -> Result<u32> {
        let mut list = restore.0.borrow_mut();
        let end = (end as usize).min(list.len());
        let start = (start as usize).min(end);
        let now = now_ms();
        let mut added = 0;
        for item in &mut list[start..end] {
            let Some(r) = item.take() else { continue };
            let core = SessionCore::new(r.params, now);
            if !core.is_usable(now) {
                continue;
            }
            let jar = crate::cookie_jar::new_jar(r.jar);
            let slot = self
                .core
                .borrow_mut()
                .add(core.into_cell(), jar, false, now)
                .map_err(|e| pool_error(&env, e))?;
            self.set_unwrapped(slot, Some(Arc::from(r.persisted.user_data.as_str())));
            added += 1;
        }
        Ok(added)
    }

    /// The JS object of the session in `slot`, made now for a restored session that has none yet (its `userData`
    /// parsed from the restored text, `sessionPool` this pool). The caller keeps it in its table.
    #[napi(js_name = "_wrapSlot", skip_typescript)]
    pub fn wrap_slot<'e>(&self, env: &'e Env, this: This, slot: u32) -> Result<Object<'e>> {
        let user_data = self
            .unwrapped
            .borrow_mut()
            .get_mut(slot as usize)
            .and_then(Option::take);
        let core = self.core.borrow();
        let (Some(cell), Some(jar)) = (core.session(slot), core.payload(slot)) else {
            return Err(crate::error::plain_error(
                env,
                &format!("No session in slot {slot}"),
            ));
        };
        let (cell, jar) = (cell.clone(), jar.clone());
        drop(core);
        let user_data = match user_data {
            Some(text) => Some(json_parse(env, &text)?.coerce_to_object()?),
            None => None,
        };
        let mut obj = new_session_object(env, JsSession::from_parts(cell.clone(), jar))?;
        install_js_fields(&mut obj, &cell.borrow(), user_data, Some(*this), env)?;
        Ok(obj)
    }

    /// Restored sessions `start..end` in their persisted form (JSON array), for a user's
    /// `createSessionFunction`.
    #[napi(js_name = "_restoreStatesJson", skip_typescript)]
    pub fn restore_states_json(
        &self,
        restore: &External<RestoreList>,
        start: u32,
        end: u32,
    ) -> Result<String> {
        let list = restore.0.borrow();
        let end = (end as usize).min(list.len());
        let start = (start as usize).min(end);
        let items: Vec<&session_pool_core::state::PersistedSession> = list[start..end]
            .iter()
            .flatten()
            .map(|r| &r.persisted)
            .collect();
        serde_json::to_string(&items).map_err(|e| Error::from_reason(e.to_string()))
    }
}

/// Pools at least this big free their cookie jars on a background thread when dropped.
const BACKGROUND_DROP_FROM: usize = 1_000;

/// A pool's core as the pool object and its bound functions share it (`PoolCell`).
pub(crate) struct PoolHolder {
    core: RefCell<PoolCore<JarCell>>,
}

impl std::ops::Deref for PoolHolder {
    type Target = RefCell<PoolCore<JarCell>>;
    fn deref(&self) -> &Self::Target {
        &self.core
    }
}

impl PoolHolder {
    fn new(core: PoolCore<JarCell>) -> Self {
        Self {
            core: RefCell::new(core),
        }
    }

    /// Replaces the core with an empty one (same size limit and codes) and frees what it held; nothing when the
    /// core is borrowed at the moment (it is then freed with the holder).
    fn release_sessions(&self) {
        let Ok(mut core) = self.core.try_borrow_mut() else {
            return;
        };
        let empty = PoolCore::new(
            core.max_pool_size(),
            Some(core.blocked_status_codes().to_vec()),
        );
        let mut held = std::mem::replace(&mut *core, empty);
        drop(core);
        free_jars(&mut held);
    }
}

/// A big pool's cookie jars (most of its memory, hundreds of thousands of allocations) are freed on a thread of
/// their own, so collecting a pool does not hold the event loop. Jars still shared with a live `Session` object
/// stay with it. A small pool's are freed with the core.
fn free_jars(core: &mut PoolCore<JarCell>) {
    if core.len() < BACKGROUND_DROP_FROM {
        return;
    }
    let jars: Vec<Arc<session_pool_core::cookies::CookieJar>> = core
        .take_payloads()
        .into_iter()
        .filter_map(|cell| Rc::try_unwrap(cell).ok().map(RefCell::into_inner))
        .collect();
    let _ = std::thread::Builder::new()
        .name("session-pool-drop".into())
        .spawn(move || drop(jars));
}

impl Drop for PoolHolder {
    fn drop(&mut self) {
        free_jars(self.core.get_mut());
    }
}

/// The allocation step on a pool's core: a slot, or -1 (no usable session with that id), -2 (create one), -3
/// (create one; evicted slots are waiting in `_takeEvicted()`).
pub(crate) fn acquire_in(core: &RefCell<PoolCore<JarCell>>, id: Option<&str>) -> i64 {
    let mut core = core.borrow_mut();
    // Only expiries make the time matter to the step: far from the earliest, the coarse clock serves.
    let now = now_for_deadline(core.earliest_expiry(), now_ms);
    match core.acquire(id, now) {
        Acquire::Existing(slot) => i64::from(slot),
        Acquire::Missing => MISSING,
        Acquire::Create if core.has_evicted() => CREATE_AFTER_EVICTION,
        Acquire::Create => CREATE,
    }
}

impl JsSessionPool {
    /// Records (or, with `None`, forgets) the `userData` text of a slot's session that has no JS object yet.
    fn set_unwrapped(&self, slot: u32, user_data: Option<Arc<str>>) {
        let mut unwrapped = self.unwrapped.borrow_mut();
        let at = slot as usize;
        if at >= unwrapped.len() {
            if user_data.is_none() {
                return;
            }
            unwrapped.resize(at + 1, None);
        }
        unwrapped[at] = user_data;
    }
}
