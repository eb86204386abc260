//! The default file store glue: reading, writing and removing the pool's record in Crawlee's local
//! key-value store layout, on libuv's worker threads so the event loop stays free. A user-supplied
//! `keyValueStore` (async `getValue`/`setValue`) is driven from `lib/persistence.js`; its text goes through
//! [`ParseStateTask`] so parsing is off the JS thread too.

use napi::bindgen_prelude::*;
use napi::Task;
use napi_derive::napi;
use session_pool_core::file_store::{FileStore, ReadOutcome};
use session_pool_core::snapshot::{restore_sessions, PoolSnapshot, RestoredSession};
use session_pool_core::state::parse_state_owned;

use std::sync::Arc;

use crate::now_ms;

/// Sessions parsed off the JS thread, waiting to be wrapped in chunks; each is taken out as it is wrapped, so
/// nothing heavy is left to free on the JS thread when the list is collected.
pub struct RestoreList(pub(crate) std::cell::RefCell<Vec<Option<RestoredSession>>>);

/// What loading a state gave the JS side: an opaque list to restore from, its length, and warnings to log.
#[napi(object, object_to_js = true, object_from_js = false)]
pub struct LoadedStateJs {
    #[napi(ts_type = "unknown")]
    pub restore: External<RestoreList>,
    pub count: u32,
    pub warnings: Vec<String>,
    /// Whether a record was found (even an unreadable one).
    pub found: bool,
}

/// Opens the pool's record in the default store; errors (a store id that escapes the storage folder, a bad
/// key) become JS errors naming the option.
pub(crate) fn open_store(
    storage_dir: Option<&str>,
    store_id: Option<&str>,
    key: &str,
) -> Result<FileStore> {
    FileStore::open(storage_dir, store_id, key).map_err(|e| Error::from_reason(e.to_string()))
}

/// A snapshot being captured: its sessions so far, and per captured session the `userData` text of those that
/// have no JS object yet (restored and not used since).
#[derive(Default)]
pub struct CapturedSessions {
    pub(crate) snapshot: PoolSnapshot,
    pub(crate) unwrapped_user_data: Vec<Option<Arc<str>>>,
}

/// A snapshot waiting for its sessions (captured a chunk per event-loop turn) and their `userData` (collected
/// in JS); taken out when it is written.
pub struct SnapshotHolder {
    pub(crate) captured: std::cell::RefCell<Option<CapturedSessions>>,
    /// The sessions to capture, in `getState()` order: slot and insertion number when the snapshot started.
    pub(crate) order: Vec<(u32, u64)>,
}

/// Writes a snapshot to the record, atomically, on a worker thread.
pub struct WriteStateTask {
    pub(crate) store: FileStore,
    pub(crate) captured: CapturedSessions,
    /// A JSON array of the `userData` of the sessions that have a JS object, in the snapshot's order.
    pub(crate) user_data_json: String,
}

/// One JSON array of every session's `userData`: the texts of sessions without a JS object in their places,
/// the JS-collected ones (a JSON array, in order) in the others. `None` when every session has a JS object:
/// the JS array is the whole of it.
fn merge_user_data(
    from_js: &str,
    unwrapped: &[Option<Arc<str>>],
) -> std::result::Result<Option<String>, String> {
    if unwrapped.iter().all(Option::is_none) {
        return Ok(None);
    }
    let collected: Vec<&serde_json::value::RawValue> =
        serde_json::from_str(from_js).map_err(|e| format!("userData array: {e}"))?;
    let mut collected = collected.into_iter();
    let mut merged = String::with_capacity(
        from_js.len()
            + unwrapped
                .iter()
                .flatten()
                .map(|t| t.len() + 1)
                .sum::<usize>()
            + 2,
    );
    merged.push('[');
    for (i, text) in unwrapped.iter().enumerate() {
        if i > 0 {
            merged.push(',');
        }
        match text {
            Some(text) => merged.push_str(text),
            None => merged.push_str(collected.next().ok_or("userData array is too short")?.get()),
        }
    }
    if collected.next().is_some() {
        return Err("userData array is too long".to_owned());
    }
    merged.push(']');
    Ok(Some(merged))
}

impl Task for WriteStateTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        let snapshot = &self.captured.snapshot;
        let merged = merge_user_data(&self.user_data_json, &self.captured.unwrapped_user_data)
            .map_err(Error::from_reason)?;
        let user_data = merged.as_deref().unwrap_or(&self.user_data_json);
        let written = self
            .store
            .write_with(|file| snapshot.write(user_data, file))
            .map_err(|e| {
                Error::from_reason(format!(
                    "Writing {} failed: {e}",
                    self.store.path().display()
                ))
            });
        // Free the snapshot here, on the worker thread, not when the task is dropped on the JS thread.
        self.captured = CapturedSessions::default();
        self.user_data_json = String::new();
        written
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}

/// A loaded state ready for the JS thread: prepared on the worker thread, so the JS thread only moves it into
/// an `External` (for 100 000 sessions, rearranging the list there took tens of milliseconds).
pub struct Loaded {
    sessions: Vec<Option<RestoredSession>>,
    warnings: Vec<String>,
    found: bool,
}

fn prepare_loaded(
    restored: session_pool_core::snapshot::Restored,
    mut warnings: Vec<String>,
    found: bool,
) -> Loaded {
    if !restored.problems.is_empty() {
        warnings.push(format!(
            "{} persisted session(s) could not be restored: {}",
            restored.problems.len(),
            restored.problems.join("; ")
        ));
    }
    Loaded {
        sessions: restored.sessions.into_iter().map(Some).collect(),
        warnings,
        found,
    }
}

fn loaded_to_js(loaded: Loaded) -> LoadedStateJs {
    LoadedStateJs {
        count: loaded.sessions.len() as u32,
        restore: External::new(RestoreList(std::cell::RefCell::new(loaded.sessions))),
        warnings: loaded.warnings,
        found: loaded.found,
    }
}

/// Reads (after removing it, when the run starts with an empty default store) and parses the record.
pub struct ReadStateTask {
    pub(crate) store: FileStore,
    pub(crate) purge_first: bool,
    pub(crate) max_age_secs: Option<f64>,
    pub(crate) keep_cookie_text: bool,
}

impl Task for ReadStateTask {
    type Output = Loaded;
    type JsValue = LoadedStateJs;

    fn compute(&mut self) -> Result<Self::Output> {
        if self.purge_first {
            self.store.remove().map_err(|e| {
                Error::from_reason(format!(
                    "Removing {} failed: {e}",
                    self.store.path().display()
                ))
            })?;
            return Ok(prepare_loaded(Default::default(), Vec::new(), false));
        }
        let now = now_ms();
        let outcome = self.store.read_state(now).map_err(|e| {
            Error::from_reason(format!(
                "Reading {} failed: {e}",
                self.store.path().display()
            ))
        })?;
        Ok(match outcome {
            ReadOutcome::Missing => prepare_loaded(Default::default(), Vec::new(), false),
            ReadOutcome::Loaded(state) => prepare_loaded(
                restore_sessions(state, self.max_age_secs, now, self.keep_cookie_text),
                Vec::new(),
                true,
            ),
            ReadOutcome::MovedAside { warning, .. } => {
                prepare_loaded(Default::default(), vec![warning], true)
            }
        })
    }

    fn resolve(&mut self, _env: Env, loaded: Loaded) -> Result<LoadedStateJs> {
        Ok(loaded_to_js(loaded))
    }
}

/// Parses a state given as text (from a user's key-value store).
pub struct ParseStateTask {
    pub(crate) text: String,
    pub(crate) max_age_secs: Option<f64>,
    pub(crate) keep_cookie_text: bool,
}

impl Task for ParseStateTask {
    type Output = Loaded;
    type JsValue = LoadedStateJs;

    fn compute(&mut self) -> Result<Self::Output> {
        let text = std::mem::take(&mut self.text);
        Ok(match parse_state_owned(text) {
            Ok(state) => prepare_loaded(
                restore_sessions(state, self.max_age_secs, now_ms(), self.keep_cookie_text),
                Vec::new(),
                true,
            ),
            Err(e) => prepare_loaded(
                Default::default(),
                vec![format!(
                    "The persisted state is not usable ({e}); the pool starts empty"
                )],
                true,
            ),
        })
    }

    fn resolve(&mut self, _env: Env, loaded: Loaded) -> Result<LoadedStateJs> {
        Ok(loaded_to_js(loaded))
    }
}

/// Deletes the record's spare (the previous file a write goes over) on a worker thread: at a pool's teardown
/// it is a full copy of the state, and freeing a big file's blocks takes the kernel milliseconds.
pub struct DiscardSpareTask {
    pub(crate) store: FileStore,
}

impl Task for DiscardSpareTask {
    type Output = ();
    type JsValue = ();

    fn compute(&mut self) -> Result<()> {
        self.store.discard_spare().map_err(|e| {
            Error::from_reason(format!(
                "Removing the spare of {} failed: {e}",
                self.store.path().display()
            ))
        })
    }

    fn resolve(&mut self, _env: Env, _output: ()) -> Result<()> {
        Ok(())
    }
}
