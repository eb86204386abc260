//! Crawlee's local key-value store layout (`@crawlee/memory-storage`), for the one record the pool owns, with
//! crash-safe writes.
//!
//! Layout: `${CRAWLEE_STORAGE_DIR or ./storage}/key_value_stores/<store id or "default">/<key>.json`. Crawlee
//! finds records by listing that folder, and needs no `__metadata__.json` (it writes one only in debug mode),
//! so a file written here is read back by Crawlee and the other way round.
//!
//! Crash safety: the new content goes to a file that nobody else can see or have open (the record's previous
//! file, kept as a spare in a hidden folder of the store, see `spare_file.rs`; else a fresh temporary file in
//! the same folder), is fdatasynced and then swapped with or renamed over the record, so a process killed at
//! any moment leaves the old or the new complete file. The folders are then fsynced (so the rename also
//! survives a power cut) on a background thread, after the write has returned: until that ends a power cut may
//! bring back the old record, which is as valid. The data goes to the disk while it is being written (early
//! writeback), and a replaced record that is not kept is closed on that background thread too, so neither the
//! final sync nor freeing the old file's blocks is much of a write's time.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, SystemTime};

use crate::state::{parse_state_vec, LoadedState, PersistedState, StateError};

mod spare_file;
pub use spare_file::SPARE_FOLDER;

/// A file being written that hands what it has to the disk every few megabytes, so the disk works while the
/// rest is still being serialized and the final fsync has less left to wait for (Linux `sync_file_range`;
/// elsewhere a plain file).
pub struct EarlyWriteback {
    file: File,
    /// Bytes written so far.
    written: u64,
    /// Where the range not yet handed to the disk starts.
    pending_from: u64,
}

/// How much is handed to the disk at a time.
const WRITEBACK_STEP: u64 = 1 << 20;

impl EarlyWriteback {
    fn new(file: File) -> Self {
        EarlyWriteback {
            file,
            written: 0,
            pending_from: 0,
        }
    }

    #[cfg(target_os = "linux")]
    fn start_writeback(&mut self) {
        use std::os::fd::AsRawFd;
        let (from, len) = (self.pending_from, self.written - self.pending_from);
        // SAFETY: an fd this struct owns, a byte range of it, a flag that only starts writeback: no memory is
        // touched. Failure only means the final fsync does all the work, so the result is not needed.
        unsafe {
            libc::sync_file_range(
                self.file.as_raw_fd(),
                from as libc::off64_t,
                len as libc::off64_t,
                libc::SYNC_FILE_RANGE_WRITE,
            );
        }
        self.pending_from = self.written;
    }

    #[cfg(not(target_os = "linux"))]
    fn start_writeback(&mut self) {
        self.pending_from = self.written;
    }

    /// The file back, with how many bytes were written to it.
    fn into_parts(self) -> (File, u64) {
        (self.file, self.written)
    }
}

impl Write for EarlyWriteback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.pending_from >= WRITEBACK_STEP {
            self.start_writeback();
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Environment variable naming the storage root (Crawlee's `CRAWLEE_STORAGE_DIR`).
pub const STORAGE_DIR_ENV: &str = "CRAWLEE_STORAGE_DIR";
/// Environment variable deciding whether the default store starts empty (Crawlee's `CRAWLEE_PURGE_ON_START`).
pub const PURGE_ON_START_ENV: &str = "CRAWLEE_PURGE_ON_START";
/// Folder of the store used when no store id is given, and the only store Crawlee purges on start.
pub const DEFAULT_STORE_ID: &str = "default";
/// Folder under the storage root that holds the key-value stores.
pub const KEY_VALUE_STORES_DIR: &str = "key_value_stores";
/// Longest key Crawlee's `KeyValueStore` accepts.
pub const MAX_KEY_LENGTH: usize = 256;
/// Age after which a leftover temporary file of this key is treated as debris of a killed writer. A live
/// writer (this or another process) holds its temporary file for the duration of one write only.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(15 * 60);

/// A store id or record key that cannot name a file inside the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStoreError {
    /// The key breaks Crawlee's rule: 1-256 characters of `a-zA-Z0-9!-_.'()`.
    InvalidKey(String),
    /// The store id would resolve outside `key_value_stores` (absolute, `..`, or empty after normalizing).
    InvalidStoreId(String),
}

impl fmt::Display for FileStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileStoreError::InvalidKey(key) => write!(
                f,
                "The key {key:?} must be at most {MAX_KEY_LENGTH} characters long and only contain the following \
                 characters: a-zA-Z0-9!-_.'()"
            ),
            FileStoreError::InvalidStoreId(id) => write!(
                f,
                "The key-value store id {id:?} is not allowed because it would resolve outside of the storage \
                 directory"
            ),
        }
    }
}

impl std::error::Error for FileStoreError {}

impl From<FileStoreError> for io::Error {
    fn from(error: FileStoreError) -> Self {
        io::Error::new(io::ErrorKind::InvalidInput, error)
    }
}

/// Whether the default store starts empty, from the value of `CRAWLEE_PURGE_ON_START`: like Crawlee's
/// configuration, `0`, `false` (any case) and the empty string mean no; anything else, or unset, means yes.
pub fn purge_on_start(env_value: Option<&str>) -> bool {
    match env_value {
        None => true,
        Some(value) => !matches!(value.to_lowercase().as_str(), "0" | "false" | ""),
    }
}

/// Whether a store is one that Crawlee purges on start: only the folder named `default` is (a store opened
/// under any other id or name survives restarts).
pub fn is_purged_on_start(store_id: Option<&str>) -> bool {
    store_folder_name(store_id) == DEFAULT_STORE_ID
}

fn store_folder_name(store_id: Option<&str>) -> &str {
    // Crawlee treats an empty id like a missing one (`if (!idOrName)`).
    match store_id {
        Some(id) if !id.is_empty() => id,
        _ => DEFAULT_STORE_ID,
    }
}

/// The storage root: `storage_dir` (the value of `CRAWLEE_STORAGE_DIR`) when given, else `./crawlee_storage` if
/// that folder exists (the name Crawlee 3.0.0 used, which later versions still honour), else `./storage`.
/// Relative roots are resolved against the current directory now, as Crawlee resolves them when its storage
/// client is created, so a later `chdir` does not move the store.
pub fn storage_root(storage_dir: Option<&str>) -> PathBuf {
    let root = match storage_dir {
        Some(dir) => PathBuf::from(dir),
        None if Path::new("./crawlee_storage").exists() => PathBuf::from("./crawlee_storage"),
        None => PathBuf::from("./storage"),
    };
    std::path::absolute(&root).unwrap_or(root)
}

/// `<storage root>/key_value_stores/<store id or "default">`; see [`storage_root`].
pub fn store_dir(
    storage_dir: Option<&str>,
    store_id: Option<&str>,
) -> Result<PathBuf, FileStoreError> {
    let folder = store_folder_name(store_id);
    let relative = Path::new(folder);
    let mut normal_parts = 0;
    for component in relative.components() {
        match component {
            Component::Normal(_) => normal_parts += 1,
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err(FileStoreError::InvalidStoreId(folder.to_owned()));
            }
        }
    }
    if normal_parts == 0 {
        return Err(FileStoreError::InvalidStoreId(folder.to_owned()));
    }
    Ok(storage_root(storage_dir)
        .join(KEY_VALUE_STORES_DIR)
        .join(relative))
}

/// Checks a record key against Crawlee's `KEY_VALUE_STORE_KEY_REGEX` (`^[a-zA-Z0-9!\-_.'()]{1,256}$`); keys that
/// pass can never contain a path separator.
pub fn validate_key(key: &str) -> Result<(), FileStoreError> {
    let allowed = |b: u8| {
        b.is_ascii_alphanumeric() || matches!(b, b'!' | b'-' | b'_' | b'.' | b'\'' | b'(' | b')')
    };
    if key.is_empty() || key.len() > MAX_KEY_LENGTH || !key.bytes().all(allowed) {
        return Err(FileStoreError::InvalidKey(key.to_owned()));
    }
    Ok(())
}

/// The file name Crawlee gives a JSON record: `<key>.json`, except that a key whose own extension already maps
/// to `application/json` in `mime-types` (`.json`, `.map`; a bare `json` or `map` counts too) is used as is.
pub fn record_file_name(key: &str) -> Result<String, FileStoreError> {
    validate_key(key)?;
    let extension = key.rsplit('.').next().unwrap_or(key);
    if extension.eq_ignore_ascii_case("json") || extension.eq_ignore_ascii_case("map") {
        Ok(key.to_owned())
    } else {
        Ok(format!("{key}.json"))
    }
}

/// `<store_dir>/<record_file_name(key)>`.
pub fn record_path(store_dir: &Path, key: &str) -> Result<PathBuf, FileStoreError> {
    Ok(store_dir.join(record_file_name(key)?))
}

/// What [`FileStore::read_state`] found.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadOutcome {
    /// No record: a fresh pool.
    Missing,
    /// The record parsed; bad sessions, if any, are in [`LoadedState::problems`].
    Loaded(LoadedState),
    /// The record was empty, truncated, not JSON or not a pool state. It was renamed to `moved_to` so it is
    /// neither lost nor overwritten by the next persist, and the pool should start empty and log `warning`.
    MovedAside {
        /// Where the unreadable file now is: `<key>.corrupt-<ms>.json` beside the record.
        moved_to: PathBuf,
        /// A message naming both paths and the reason, for the caller to log.
        warning: String,
        /// What was wrong with the content.
        error: StateError,
    },
}

impl ReadOutcome {
    /// The sessions to start from: those loaded, or none.
    pub fn into_state(self) -> LoadedState {
        match self {
            ReadOutcome::Loaded(state) => state,
            ReadOutcome::Missing | ReadOutcome::MovedAside { .. } => LoadedState::default(),
        }
    }
}

/// One record of Crawlee's local key-value store: the pool's persisted state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStore {
    dir: PathBuf,
    key: String,
    path: PathBuf,
}

/// Distinguishes temporary files of concurrent writes within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl FileStore {
    /// The record `key` in the store folder `dir`.
    pub fn new(dir: impl Into<PathBuf>, key: &str) -> Result<Self, FileStoreError> {
        let dir = dir.into();
        let path = record_path(&dir, key)?;
        Ok(Self {
            dir,
            key: key.to_owned(),
            path,
        })
    }

    /// The record `key` of store `store_id` under the storage root `storage_dir` (the value of
    /// `CRAWLEE_STORAGE_DIR`), as [`store_dir`] resolves them.
    pub fn open(
        storage_dir: Option<&str>,
        store_id: Option<&str>,
        key: &str,
    ) -> Result<Self, FileStoreError> {
        Self::new(store_dir(storage_dir, store_id)?, key)
    }

    /// The store folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The record key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The record file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the record with what `fill` writes, atomically: the content goes to the record's spare (its
    /// previous file, see `spare_file.rs`) when that can be used, else to a fresh temporary file in the same
    /// folder (created if missing); it is fdatasynced, then swapped with or renamed over the record. Then, on a
    /// background thread, the folders are fsynced so the rename itself survives a power cut. On any error the
    /// old record is untouched (and the temporary file removed). `fill` gets the raw file; buffer inside it
    /// ([`crate::state::write_state`] does).
    pub fn write_with<F>(&self, fill: F) -> io::Result<()>
    where
        F: FnOnce(&mut EarlyWriteback) -> io::Result<()>,
    {
        fs::create_dir_all(&self.dir)?;
        let spare = self.spare_path();
        if let Some(claimed) = spare_file::claim(&self.dir, &spare) {
            return self.write_over_spare(claimed, spare, fill);
        }
        let (temp_path, file) = self.create_temp_file()?;
        let mut file = EarlyWriteback::new(file);
        let written = fill(&mut file).and_then(|()| file.file.sync_data());
        drop(file);
        if let Err(error) = written {
            let _ = fs::remove_file(&temp_path);
            return Err(error);
        }
        // The record being replaced becomes the spare when it can; otherwise it is held open across the rename,
        // so the rename does not free its blocks (for a big state, milliseconds of the kernel's time); closing it
        // later, on another thread, does. It has no name by then: nothing is left behind for anyone to see.
        let kept = spare_file::keep_replaced(&self.dir, &self.path, &spare);
        let replaced = if kept {
            None
        } else {
            File::open(&self.path).ok()
        };
        if let Err(error) = fs::rename(&temp_path, &self.path) {
            drop(replaced);
            if kept {
                let _ = spare_file::discard(&spare);
            }
            let _ = fs::remove_file(&temp_path);
            return Err(error);
        }
        let held = if kept { spare_file::hold(&spare) } else { None };
        let store = self.clone();
        in_background(Box::new(move || {
            drop(replaced);
            if kept {
                spare_file::settle(&store.dir, &spare, held);
            } else {
                let _ = sync_dir(&store.dir);
            }
            // Leftovers of a writer that was killed would otherwise sit beside the record, where Crawlee's store
            // listing trips over them.
            let _ = store.remove_stale_temp_files(STALE_TEMP_AGE);
        }));
        Ok(())
    }

    /// [`FileStore::write_with`] over the claimed spare: written from the start, cut to length, fdatasynced and
    /// swapped in. An error before the swap leaves the record as it was (the spare is private to its writer).
    fn write_over_spare<F>(
        &self,
        claimed: spare_file::Claimed,
        spare: PathBuf,
        fill: F,
    ) -> io::Result<()>
    where
        F: FnOnce(&mut EarlyWriteback) -> io::Result<()>,
    {
        let spare_file::Claimed { file, path } = claimed;
        let mut out = EarlyWriteback::new(file);
        fill(&mut out)?;
        let (file, length) = out.into_parts();
        file.set_len(length)?;
        file.sync_data()?;
        spare_file::swap_into_place(spare_file::Claimed { file, path }, &self.path)?;
        let held = spare_file::hold(&spare);
        let store = self.clone();
        in_background(Box::new(move || {
            spare_file::settle(&store.dir, &spare, held);
            let _ = store.remove_stale_temp_files(STALE_TEMP_AGE);
        }));
        Ok(())
    }

    /// Where the record's spare lives.
    fn spare_path(&self) -> PathBuf {
        spare_file::spare_path(&self.dir, self.file_name())
    }

    /// Deletes the record's spare (unless another writer holds it), and the spare folder once empty.
    pub fn discard_spare(&self) -> io::Result<()> {
        spare_file::discard(&self.spare_path())
    }

    /// [`FileStore::write_with`] of `bytes`.
    pub fn write_bytes(&self, bytes: &[u8]) -> io::Result<()> {
        self.write_with(|file| file.write_all(bytes))
    }

    /// Persists `state` atomically, as `JSON.stringify(state, null, 2)`.
    pub fn write_state(&self, state: &PersistedState) -> io::Result<()> {
        self.write_with(|file| state.write_to(file))
    }

    fn create_temp_file(&self) -> io::Result<(PathBuf, File)> {
        // The name starts with a dot and ends in `.tmp` so it cannot be mistaken for a JSON record, and carries
        // pid + counter + random bits so concurrent writers (threads or processes) never share one.
        for _ in 0..16 {
            let name = format!(
                ".{}.{}-{}-{:016x}.tmp",
                self.file_name(),
                std::process::id(),
                TEMP_COUNTER.fetch_add(1, Ordering::Relaxed),
                fastrand::u64(..)
            );
            let path = self.dir.join(name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => return Ok((path, file)),
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "could not create a unique temporary file",
        ))
    }

    fn file_name(&self) -> &str {
        self.path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.key)
    }

    fn is_own_temp_file(&self, name: &str) -> bool {
        let prefix = format!(".{}.", self.file_name());
        let Some(rest) = name
            .strip_prefix(prefix.as_str())
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            return false;
        };
        // Exactly `<pid>-<counter>-<16 hex>`, so another key that merely starts with this one is never matched.
        let mut parts = rest.split('-');
        let (Some(pid), Some(counter), Some(random), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        digits(pid)
            && digits(counter)
            && random.len() == 16
            && random.bytes().all(|b| b.is_ascii_hexdigit())
    }

    /// Deletes temporary files of this record that a writer killed mid-write left: those of a process that no
    /// longer runs (known on Linux through `/proc`), and any older than `older_than`. Returns how many were
    /// removed; a missing folder is not an error.
    pub fn remove_stale_temp_files(&self, older_than: Duration) -> io::Result<usize> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(error) => return Err(error),
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !self.is_own_temp_file(name) {
                continue;
            }
            if temp_writer_is_gone(name) {
                if fs::remove_file(entry.path()).is_ok() {
                    removed += 1;
                }
                continue;
            }
            let old_enough = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok())
                .is_some_and(|age| age >= older_than);
            if old_enough && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Reads the record's raw bytes; `None` when there is no record.
    pub fn read_bytes(&self) -> io::Result<Option<Vec<u8>>> {
        match fs::read(&self.path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Loads the persisted state. A missing record is [`ReadOutcome::Missing`]; one that is empty, truncated,
    /// not JSON or not a pool state is renamed to `<key>.corrupt-<now_ms>.json` (see [`ReadOutcome::MovedAside`]).
    /// Also clears this record's temporary files left by a killed writer. I/O failures (permissions, a folder in
    /// the record's place, a failed rename aside) are errors, so the caller never starts over an unreadable
    /// record it would then overwrite.
    pub fn read_state(&self, now_ms: f64) -> io::Result<ReadOutcome> {
        // Leftovers are harmless to correctness, but Crawlee lists them as records, so they are not kept forever.
        let _ = self.remove_stale_temp_files(STALE_TEMP_AGE);
        // A spare left by a process that ended without a teardown is a full copy of a state: not kept past the
        // next open.
        let _ = self.discard_spare();
        let Some(bytes) = self.read_bytes()? else {
            return Ok(ReadOutcome::Missing);
        };
        match parse_state_vec(bytes) {
            Ok(state) => Ok(ReadOutcome::Loaded(state)),
            Err(error) => {
                let moved_to = self.move_aside(now_ms)?;
                let warning = format!(
                    "Session pool state {} could not be loaded ({error}); it was moved to {} and the pool starts \
                     empty",
                    self.path.display(),
                    moved_to.display()
                );
                Ok(ReadOutcome::MovedAside {
                    moved_to,
                    warning,
                    error,
                })
            }
        }
    }

    /// Renames the record to the first free `<key>.corrupt-<ms>[-n].json` and returns that path.
    fn move_aside(&self, now_ms: f64) -> io::Result<PathBuf> {
        let stamp = if now_ms.is_finite() && now_ms >= 0.0 {
            now_ms as u64
        } else {
            0
        };
        for attempt in 0u32..1000 {
            let name = if attempt == 0 {
                format!("{}.corrupt-{stamp}.json", self.key)
            } else {
                format!("{}.corrupt-{stamp}-{attempt}.json", self.key)
            };
            let target = self.dir.join(name);
            // rename() would replace an existing file; an earlier casualty must not be lost either.
            if target.exists() {
                continue;
            }
            fs::rename(&self.path, &target).map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!(
                        "could not move {} aside to {}: {error}",
                        self.path.display(),
                        target.display()
                    ),
                )
            })?;
            sync_dir(&self.dir)?;
            return Ok(target);
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "no free name to move the corrupt state aside",
        ))
    }

    /// Deletes the record (Crawlee's `resetStore`, i.e. `setValue(key, null)`), its spare, and its per-record
    /// metadata file `<key>.__metadata__.json` that Crawlee writes in debug mode; nothing else in the folder is
    /// touched. Returns whether the record existed.
    pub fn remove(&self) -> io::Result<bool> {
        // Best effort: a spare someone else's process left (say, root's folder) must not keep the record.
        let _ = self.discard_spare();
        let existed = match fs::remove_file(&self.path) {
            Ok(()) => true,
            Err(error) if error.kind() == io::ErrorKind::NotFound => false,
            Err(error) => return Err(error),
        };
        match fs::remove_file(self.dir.join(format!("{}.__metadata__.json", self.key))) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(error),
        }
        Ok(existed)
    }
}

/// Makes a rename durable across a power cut. Failure is not reported: by then the rename has happened and the
/// record is complete (which is all a killed process needs), and some file systems (network mounts) reject
/// fsync on a folder outright.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

// Windows cannot open a folder as a file without special flags, and NTFS journals the rename itself.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// Jobs that may wait for the background thread; a write that finds that many waiting does its own job (each
/// holds a replaced record open, so a slow disk must not pile them up without bound).
const BACKGROUND_QUEUE: usize = 64;

type Job = Box<dyn FnOnce() + Send>;

/// The background thread's queue (the thread starts on first use); `None` if it could not start.
fn background_queue() -> Option<&'static mpsc::SyncSender<Job>> {
    static WORKER: OnceLock<Option<mpsc::SyncSender<Job>>> = OnceLock::new();
    WORKER
        .get_or_init(|| {
            let (sender, receiver) = mpsc::sync_channel::<Job>(BACKGROUND_QUEUE);
            std::thread::Builder::new()
                .name("session-pool-after-write".into())
                .spawn(move || receiver.into_iter().for_each(|job| job()))
                .ok()
                .map(|_| sender)
        })
        .as_ref()
}

/// Work a write leaves for after it has returned (closing the replaced record, the folder's fsync), run in order
/// on a background thread; on this thread if that thread cannot start or is [`BACKGROUND_QUEUE`] jobs behind.
fn in_background(job: Job) {
    match background_queue() {
        Some(queue) => match queue.try_send(job) {
            Ok(()) => {}
            Err(mpsc::TrySendError::Full(job) | mpsc::TrySendError::Disconnected(job)) => job(),
        },
        None => job(),
    }
}

/// Waits until the work earlier writes left for the background thread is done.
pub fn wait_for_background_work() {
    let (done, finished) = mpsc::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(());
    });
    // Queued behind the others even when the queue is full (waiting for room is the point here).
    match background_queue() {
        Some(queue) => {
            if let Err(mpsc::SendError(job)) = queue.send(job) {
                job();
            }
        }
        None => job(),
    }
    let _ = finished.recv();
}

/// Whether the process that wrote a temporary file (its pid is the first number after the record name) is
/// gone. Only answerable where `/proc` exists; elsewhere the age rule alone applies.
fn temp_writer_is_gone(temp_name: &str) -> bool {
    let Some(pid) = temp_name
        .strip_suffix(".tmp")
        .and_then(|rest| rest.rsplit('.').next())
        .and_then(|tail| tail.split('-').next())
        .and_then(|pid| pid.parse::<u32>().ok())
    else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    let proc_root = Path::new("/proc");
    proc_root.join("self").exists() && !proc_root.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_background_thread_that_is_behind_makes_writers_do_their_own_jobs() {
        use std::sync::atomic::AtomicUsize;
        use std::sync::Arc;
        // Another test's write may have started the thread; this one holds it until the queue has overflowed.
        let (release, held) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        in_background(Box::new(move || {
            let _ = started.send(());
            let _ = held.recv();
        }));
        running.recv().unwrap();
        let on_caller = Arc::new(AtomicUsize::new(0));
        let caller = std::thread::current().id();
        for _ in 0..BACKGROUND_QUEUE + 10 {
            let on_caller = Arc::clone(&on_caller);
            in_background(Box::new(move || {
                if std::thread::current().id() == caller {
                    on_caller.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        // The queue held BACKGROUND_QUEUE of them (fewer if another test queued some meanwhile); the rest ran here.
        assert!(on_caller.load(Ordering::Relaxed) >= 10);
        release.send(()).unwrap();
        wait_for_background_work();
    }

    #[test]
    fn a_write_removes_temp_files_of_writers_that_are_gone() {
        let dir = std::env::temp_dir().join(format!(
            "spr-orphans-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        let store = FileStore::new(&dir, "STATE").unwrap();
        fs::create_dir_all(&dir).unwrap();
        // pid 4294967 is above Linux's pid_max (4194304): no such process can exist.
        let orphan = dir.join(".STATE.json.4294967-0-00000000deadbeef.tmp");
        let live = dir.join(format!(
            ".STATE.json.{}-99-00000000deadbeef.tmp",
            std::process::id()
        ));
        let other = dir.join("OTHER.json");
        for f in [&orphan, &live, &other] {
            fs::write(f, b"x").unwrap();
        }
        store.write_bytes(b"{}").unwrap();
        // That happens after the write, on the background thread.
        wait_for_background_work();
        if Path::new("/proc/self").exists() {
            assert!(!orphan.exists(), "a dead writer's temp file is removed");
        }
        assert!(live.exists(), "this process's temp files are left alone");
        assert!(other.exists(), "other records are never touched");
        let _ = fs::remove_dir_all(&dir);
    }

    use super::*;

    #[test]
    fn purge_parsing_matches_crawlee_configuration() {
        assert!(purge_on_start(None));
        assert!(purge_on_start(Some("1")));
        assert!(purge_on_start(Some("true")));
        assert!(purge_on_start(Some("no")));
        assert!(!purge_on_start(Some("0")));
        assert!(!purge_on_start(Some("false")));
        assert!(!purge_on_start(Some("FALSE")));
        assert!(!purge_on_start(Some("False")));
        assert!(!purge_on_start(Some("")));
        assert!(purge_on_start(Some(" false")));
    }

    #[test]
    fn only_the_default_folder_is_purged() {
        assert!(is_purged_on_start(None));
        assert!(is_purged_on_start(Some("")));
        assert!(is_purged_on_start(Some("default")));
        assert!(!is_purged_on_start(Some("my-store")));
    }

    #[test]
    fn layout() {
        let dir = store_dir(Some("/data/st"), None).unwrap_or_default();
        assert_eq!(dir, PathBuf::from("/data/st/key_value_stores/default"));
        let dir = store_dir(Some("/data/st"), Some("pool-a")).unwrap_or_default();
        assert_eq!(dir, PathBuf::from("/data/st/key_value_stores/pool-a"));
        assert_eq!(
            record_path(&dir, "SDK_SESSION_POOL_STATE").ok(),
            Some(PathBuf::from(
                "/data/st/key_value_stores/pool-a/SDK_SESSION_POOL_STATE.json"
            ))
        );
        assert_eq!(
            record_file_name("state.json").ok().as_deref(),
            Some("state.json")
        );
        assert_eq!(
            record_file_name("state.JSON").ok().as_deref(),
            Some("state.JSON")
        );
        assert_eq!(record_file_name("x.map").ok().as_deref(), Some("x.map"));
        assert_eq!(record_file_name("json").ok().as_deref(), Some("json"));
        assert_eq!(
            record_file_name("a.txt").ok().as_deref(),
            Some("a.txt.json")
        );
        assert!(store_dir(Some("/s"), Some("../escape")).is_err());
        assert!(store_dir(Some("/s"), Some("/abs")).is_err());
        assert!(store_dir(Some("/s"), Some(".")).is_err());
        assert!(store_dir(Some("/s"), Some("nested/ok")).is_ok());
        assert!(validate_key("a/b").is_err());
        assert!(validate_key("").is_err());
        assert!(validate_key(&"k".repeat(257)).is_err());
        assert!(validate_key(&"k".repeat(256)).is_ok());
        assert!(validate_key("ok-key_(1)!'.x").is_ok());
        assert!(validate_key("é").is_err());
    }

    #[test]
    fn relative_roots_become_absolute() {
        let dir = store_dir(Some("rel"), None).unwrap_or_default();
        assert!(dir.is_absolute());
        assert!(dir.ends_with("rel/key_value_stores/default"));
    }

    #[test]
    fn temp_file_names_are_recognized_strictly() {
        let store = FileStore::new("/x", "K").ok();
        let Some(store) = store else { return };
        assert!(store.is_own_temp_file(".K.json.123-4-00000000deadbeef.tmp"));
        assert!(!store.is_own_temp_file(".K.json.1.json.123-4-00000000deadbeef.tmp"));
        assert!(!store.is_own_temp_file(".K.json.123-4-00000000deadbeef"));
        assert!(!store.is_own_temp_file("K.json"));
    }
}
