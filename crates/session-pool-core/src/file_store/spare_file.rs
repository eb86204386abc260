//! The record's previous file, kept as a spare in a hidden folder of the store and written over by the next
//! write instead of a new temporary file.
//!
//! Why: ext4 (and other delayed-allocation file systems) allocates a new file's blocks when its data goes to
//! the disk, so the fdatasync of a new file also waits for a journal commit of that allocation, and every page
//! of it is new to the page cache. Writing over a file whose blocks exist allocates nothing. A persist of 1 000
//! sessions (2.8 MB) spent about 2 ms of its 4-6 ms on the durable write of a new file.
//!
//! The spare is used only when all of this holds (Linux only; otherwise the write takes a fresh temporary file,
//! exactly as before):
//! - It is a regular file with one link, not a symlink, in a real folder on the record's device.
//! - No other writer holds it: `flock`, then a check that its name still leads to the locked file.
//! - Nobody else has it open: it was the record before, and a reader may still be reading it. The kernel grants
//!   a write lease only when no other descriptor is open on the file. The lease is kept until the data is
//!   synced, so an open racing the write waits for it (or fails, with `O_NONBLOCK`) instead of reading a
//!   half-written file; it is dropped before the swap, so nobody opening the record ever waits for it. Its break
//!   signal is set to SIGURG, which is ignored by default (SIGIO, the default, would end the process).
//! - Power cuts: the rename that made a file the spare must be on disk before the file is written over, or a
//!   cut could bring the record's name back on a half-written file. A spare this process made is held open and
//!   locked from right after that rename ([`hold`]), so no other writer can have moved it since, and it is
//!   marked settled once the background fsync of the folders that followed the rename has ended. Any other
//!   spare (not held, or not settled yet) gets the folders fsynced by the claim (on ext4 each folder fsync asks
//!   the disk for a cache flush, ~0.2-0.7 ms here, even when the folder is clean); if that fails, a fresh file is
//!   written instead. (A shortcut keyed on the file's ctime was unsafe where ctime is coarse: whole seconds on
//!   ext4 with 128-byte inodes, a jiffy on kernels before 6.13.)
//!
//! Left open: a reader whose `open` of the record looked the name up just before a swap, and was then preempted
//! until that file had been claimed again and was being written, would get the half-written file (the lease
//! cannot refuse an open that is already past its check). That takes two whole persists inside one open call.
//! A write that lasts longer than the kernel's `lease-break-time` (45 s) after someone tried to open its file
//! loses its lease midway; a persist takes milliseconds.
//!
//! The written spare is swapped with the record by `renameat2(RENAME_EXCHANGE)`: the old record becomes the
//! spare, atomically. If the swap fails the spare is renamed over the record instead (its content is complete
//! and synced), and where the kernel or file system cannot swap or lease, spares are not tried again in this
//! process. The first spare is made by hard-linking the record into the spare folder just before a fresh file is
//! renamed over it.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The hidden folder of a store that holds its records' spares (Crawlee's store listing skips folders).
pub const SPARE_FOLDER: &str = ".session-pool-rs-spare";

/// The spare of the record file `record_file_name` in the store folder `dir`.
pub fn spare_path(dir: &Path, record_file_name: &str) -> PathBuf {
    dir.join(SPARE_FOLDER)
        .join(format!("{record_file_name}.spare"))
}

/// A spare taken for one write: open for writing, locked against other writers, leased against readers.
pub struct Claimed {
    pub(super) file: File,
    pub(super) path: PathBuf,
}

/// Removes the file at `path`; a name already gone is no error.
fn remove_if_there(path: &Path) -> io::Result<()> {
    match fs::remove_file(path) {
        Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

#[cfg(target_os = "linux")]
pub use linux::{claim, discard, hold, keep_replaced, settle, swap_into_place};

#[cfg(target_os = "linux")]
mod linux {
    use super::*;
    use std::ffi::CString;
    use std::fs::OpenOptions;
    use std::os::fd::AsRawFd;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Mutex, MutexGuard};

    /// `fcntl`'s command to choose the signal of a lease break (Linux's `F_SETSIG`; the libc crate lacks it).
    const F_SETSIG: libc::c_int = 10;

    /// Set when the kernel or file system refused a swap or a lease in a way that will not change.
    static UNAVAILABLE: AtomicBool = AtomicBool::new(false);

    /// A spare this process has held open and locked since it became the spare, and whether the folders have
    /// been fsynced since then.
    struct Held {
        path: PathBuf,
        file: File,
        settled: Arc<AtomicBool>,
    }

    static HELD: Mutex<Vec<Held>> = Mutex::new(Vec::new());

    fn held_list() -> MutexGuard<'static, Vec<Held>> {
        HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes the held spare of `path` out of the list (one writer uses it at a time).
    fn take_held(path: &Path) -> Option<Held> {
        let mut list = held_list();
        let at = list.iter().position(|held| held.path == path)?;
        Some(list.swap_remove(at))
    }

    fn flags() -> i32 {
        libc::O_NOFOLLOW | libc::O_NONBLOCK
    }

    /// Whether the spare's folder is a real folder (not a symlink) on the same device as the store folder.
    fn folder_is_usable(dir: &Path, folder: &Path) -> bool {
        match (fs::symlink_metadata(dir), fs::symlink_metadata(folder)) {
            (Ok(store), Ok(spares)) => spares.file_type().is_dir() && store.dev() == spares.dev(),
            _ => false,
        }
    }

    /// Whether `path` still names the file `meta` describes (not a symlink, not another file renamed in).
    fn still_named(path: &Path, meta: &fs::Metadata) -> bool {
        fs::symlink_metadata(path)
            .map(|now| {
                now.file_type().is_file() && now.dev() == meta.dev() && now.ino() == meta.ino()
            })
            .unwrap_or(false)
    }

    fn lock_exclusive(file: &File) -> bool {
        // SAFETY: flock on a descriptor this function borrows; no memory is involved.
        unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0 }
    }

    /// Opens the spare for writing and locks it: `None` unless it is a regular file of one link that no other
    /// writer holds and that its name still leads to once locked.
    fn open_locked(spare: &Path) -> Option<File> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(flags())
            .open(spare)
            .ok()?;
        let meta = file.metadata().ok()?;
        let usable = meta.file_type().is_file()
            && meta.nlink() == 1
            && lock_exclusive(&file)
            && still_named(spare, &meta);
        usable.then_some(file)
    }

    /// Takes a write lease: granted only when no other descriptor has the file open.
    fn take_lease(file: &File) -> bool {
        let fd = file.as_raw_fd();
        // SAFETY: fcntl commands with integer arguments on a descriptor this function borrows.
        let taken = unsafe {
            libc::fcntl(fd, F_SETSIG, libc::SIGURG) == 0
                && libc::fcntl(fd, libc::F_SETLEASE, libc::F_WRLCK) == 0
        };
        if !taken {
            let error = io::Error::last_os_error();
            // Busy (someone has it open) or not ours to lease: worth trying again later. Anything else (EINVAL:
            // leases disabled or unsupported here) will not change.
            if !matches!(
                error.raw_os_error(),
                Some(libc::EAGAIN | libc::EBUSY | libc::EACCES)
            ) {
                UNAVAILABLE.store(true, Ordering::Relaxed);
            }
        }
        taken
    }

    /// Fsyncs a folder, opened so that neither a symlink nor a FIFO swapped into its place is followed or
    /// waited on.
    fn sync_folder(folder: &Path) -> io::Result<()> {
        OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY | flags())
            .open(folder)?
            .sync_all()
    }

    /// Takes the spare of a record for one write, or `None` when there is none or it cannot be used now (see the
    /// module's conditions); the record is untouched either way.
    pub fn claim(dir: &Path, spare: &Path) -> Option<Claimed> {
        if UNAVAILABLE.load(Ordering::Relaxed) {
            return None;
        }
        let folder = spare.parent()?;
        if !folder_is_usable(dir, folder) {
            return None;
        }
        let (file, settled) = match take_held(spare) {
            Some(held) => {
                let meta = held.file.metadata().ok()?;
                if meta.nlink() != 1 || !still_named(spare, &meta) {
                    return None;
                }
                if !take_lease(&held.file) {
                    // Someone has it open (a reader of the record it was): keep holding it for a later write.
                    held_list().push(held);
                    return None;
                }
                (held.file, held.settled.load(Ordering::Acquire))
            }
            None => {
                let file = open_locked(spare)?;
                if !take_lease(&file) {
                    return None;
                }
                (file, false)
            }
        };
        // The rename that made this file the spare must be on disk before it is written over.
        if !settled && (sync_folder(folder).is_err() || sync_folder(dir).is_err()) {
            return None;
        }
        Some(Claimed {
            file,
            path: spare.to_owned(),
        })
    }

    /// Right after a rename gave the spare's name a new file (a swap, or a kept record): opens and locks that
    /// file and keeps it, so no other writer can move it before this process writes over it. Returns the flag
    /// that [`settle`] sets; `None` when it cannot be held (then the next claim fsyncs the folders itself).
    pub fn hold(spare: &Path) -> Option<Arc<AtomicBool>> {
        let file = open_locked(spare)?;
        let settled = Arc::new(AtomicBool::new(false));
        let mut list = held_list();
        list.retain(|held| held.path != spare);
        list.push(Held {
            path: spare.to_owned(),
            file,
            settled: Arc::clone(&settled),
        });
        Some(settled)
    }

    fn c_path(path: &Path) -> io::Result<CString> {
        CString::new(path.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path holds a NUL byte"))
    }

    fn exchange(a: &Path, b: &Path) -> io::Result<()> {
        let (a, b) = (c_path(a)?, c_path(b)?);
        // SAFETY: renameat2 with two NUL-terminated paths that outlive the call.
        let done = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if done == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    /// Puts a written and synced spare in the record's place: swapped with the record, whose old file becomes
    /// the spare; renamed over it when the swap fails (no spare is left then). The lease is dropped first (the
    /// content is complete: whoever opens the record from now on must not wait); the lock goes with the file,
    /// after the swap.
    pub fn swap_into_place(claimed: Claimed, record: &Path) -> io::Result<()> {
        // SAFETY: fcntl with integer arguments on a descriptor `claimed` owns.
        unsafe { libc::fcntl(claimed.file.as_raw_fd(), libc::F_SETLEASE, libc::F_UNLCK) };
        let swapped = match fs::symlink_metadata(record) {
            Ok(meta) if meta.file_type().is_file() => exchange(&claimed.path, record),
            // No record (or not a file, which the swap would move into the spare folder): a plain rename.
            _ => Err(io::Error::from_raw_os_error(libc::ENOENT)),
        };
        match swapped {
            Ok(()) => Ok(()),
            Err(error) => {
                if matches!(
                    error.raw_os_error(),
                    Some(
                        libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP | libc::EPERM | libc::EXDEV
                    )
                ) {
                    UNAVAILABLE.store(true, Ordering::Relaxed);
                }
                fs::rename(&claimed.path, record)
            }
        }
    }

    /// Before a fresh file is renamed over the record: links the record into the spare folder, so the rename
    /// leaves the old file there as the spare instead of freeing it. `false` (nothing done) when there is
    /// already something at the spare's name, the record is not a plain file of one link, or linking fails.
    pub fn keep_replaced(dir: &Path, record: &Path, spare: &Path) -> bool {
        if UNAVAILABLE.load(Ordering::Relaxed) {
            return false;
        }
        let Some(folder) = spare.parent() else {
            return false;
        };
        match fs::symlink_metadata(record) {
            Ok(meta) if meta.file_type().is_file() && meta.nlink() == 1 => {}
            _ => return false,
        }
        if let Err(error) = fs::create_dir(folder) {
            if error.kind() != io::ErrorKind::AlreadyExists {
                return false;
            }
        }
        folder_is_usable(dir, folder) && fs::hard_link(record, spare).is_ok()
    }

    /// On the background thread, after a rename gave the spare's name a new file: fsyncs the spare's folder and
    /// the store folder, then marks the held spare settled (its name is on disk).
    pub fn settle(dir: &Path, spare: &Path, held: Option<Arc<AtomicBool>>) {
        let Some(folder) = spare.parent() else {
            return;
        };
        if sync_folder(folder).is_ok() && sync_folder(dir).is_ok() {
            if let Some(settled) = held {
                settled.store(true, Ordering::Release);
            }
        }
    }

    /// Deletes the spare unless a writer holds it, and its folder once empty.
    pub fn discard(spare: &Path) -> io::Result<()> {
        drop(take_held(spare));
        match OpenOptions::new()
            .read(true)
            .custom_flags(flags())
            .open(spare)
        {
            Ok(file) => {
                let meta = file.metadata()?;
                if lock_exclusive(&file) && still_named(spare, &meta) {
                    remove_if_there(spare)?;
                }
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            // A symlink (O_NOFOLLOW) or another kind of file in its place: the name is removed, not followed.
            Err(error) if error.raw_os_error() == Some(libc::ELOOP) => remove_if_there(spare)?,
            // Leased: a writer is writing it now and will use it again.
            Err(error) if error.raw_os_error() == Some(libc::EWOULDBLOCK) => {}
            Err(error) => return Err(error),
        }
        if let Some(folder) = spare.parent() {
            // Fails while the folder holds another record's spare, as it should.
            let _ = fs::remove_dir(folder);
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
mod elsewhere {
    use super::*;

    /// No spares outside Linux: every write takes a fresh temporary file.
    pub fn claim(_dir: &Path, _spare: &Path) -> Option<Claimed> {
        None
    }

    pub fn swap_into_place(claimed: Claimed, record: &Path) -> io::Result<()> {
        fs::rename(&claimed.path, record)
    }

    pub fn keep_replaced(_dir: &Path, _record: &Path, _spare: &Path) -> bool {
        false
    }

    pub fn hold(_spare: &Path) -> Option<std::sync::Arc<std::sync::atomic::AtomicBool>> {
        None
    }

    pub fn settle(
        _dir: &Path,
        _spare: &Path,
        _held: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    ) {
    }

    pub fn discard(spare: &Path) -> io::Result<()> {
        remove_if_there(spare)
    }
}

#[cfg(not(target_os = "linux"))]
pub use elsewhere::{claim, discard, hold, keep_replaced, settle, swap_into_place};

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "spare-unit-{tag}-{}-{:x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    /// A record `K.json` in `dir` replaced once by a fresh file, its old file kept as the spare (`between` runs
    /// after the link, before the rename); returns the spare's path.
    fn replaced_once(dir: &Path, between: impl FnOnce(&Path)) -> PathBuf {
        let record = dir.join("K.json");
        let spare = spare_path(dir, "K.json");
        fs::write(&record, b"old").expect("record");
        assert!(keep_replaced(dir, &record, &spare));
        between(&spare);
        fs::write(dir.join("new"), b"new").expect("new");
        fs::rename(dir.join("new"), &record).expect("rename over");
        spare
    }

    #[test]
    fn a_kept_record_is_claimed_and_discarded_with_its_folder() {
        let dir = temp_dir("keep-claim");
        let spare = replaced_once(&dir, |spare| {
            // Still the record's second name: not claimable until the record's name moves on.
            assert!(claim(&dir, spare).is_none());
        });
        settle(&dir, &spare, None);
        drop(claim(&dir, &spare).expect("claimable"));
        discard(&spare).expect("discard");
        assert!(!spare.exists() && !dir.join(SPARE_FOLDER).exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn nothing_is_kept_when_the_spare_name_is_taken_or_the_record_has_links() {
        let dir = temp_dir("keep");
        let record = dir.join("K.json");
        let spare = spare_path(&dir, "K.json");
        fs::write(&record, b"old").expect("record");
        fs::hard_link(&record, dir.join("K.link")).expect("link");
        assert!(
            !keep_replaced(&dir, &record, &spare),
            "a record with two links"
        );
        fs::remove_file(dir.join("K.link")).expect("unlink");
        fs::create_dir_all(spare.parent().expect("folder")).expect("folder");
        fs::write(&spare, b"someone's").expect("occupant");
        assert!(
            !keep_replaced(&dir, &record, &spare),
            "the spare's name is taken"
        );
        assert_eq!(fs::read(&spare).expect("occupant"), b"someone's");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_spare_open_elsewhere_is_not_claimed() {
        let dir = temp_dir("busy");
        let spare = replaced_once(&dir, |_| {});
        let reader = File::open(&spare).expect("a reader");
        assert!(claim(&dir, &spare).is_none(), "a reader holds it");
        drop(reader);
        let claimed = claim(&dir, &spare).expect("free now");
        assert!(claim(&dir, &spare).is_none(), "one writer at a time");
        drop(claimed);
        let _ = fs::remove_dir_all(&dir);
    }
}
