//! The file store on a real file system: layout, atomic replace, corrupt files moved aside, removal.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use serde_json::json;
use session_pool_core::file_store::{
    wait_for_background_work, FileStore, ReadOutcome, STALE_TEMP_AGE,
};
use session_pool_core::state::{PersistedSession, PersistedState, RawJson, StateError};

const CRAWLEE_STATE: &str = include_str!("data/crawlee_state.json");
const KEY: &str = "SDK_SESSION_POOL_STATE";

/// A fresh folder per test, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "sp-file-store-{tag}-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn storage(&self) -> Option<&str> {
        self.0.to_str()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn state(n: usize) -> PersistedState {
    PersistedState {
        usable_sessions_count: n as u64,
        retired_sessions_count: 0,
        sessions: (0..n)
            .map(|i| PersistedSession {
                id: format!("session_{i}"),
                cookie_jar: RawJson::from_value(
                    &json!({"version": "tough-cookie@6.1.0", "cookies": [{"key": "k", "value": format!("{i}")}]}),
                )
                .expect("jar"),
                user_data: RawJson::from_value(&json!({"i": i})).expect("user data"),
                max_error_score: 3.0,
                error_score_decrement: 0.5,
                expires_at: 1_900_000_000_000.0,
                created_at: 1_700_000_000_000.0,
                usage_count: 0.0,
                max_usage_count: 50.0,
                error_score: 0.0,
            })
            .collect(),
    }
}

#[test]
fn writes_where_crawlee_reads_and_round_trips() {
    let tmp = TempDir::new("layout");
    let store = FileStore::open(tmp.storage(), Some("my-pool"), KEY).expect("store");
    assert_eq!(
        store.path(),
        tmp.path()
            .join("key_value_stores/my-pool/SDK_SESSION_POOL_STATE.json")
    );
    assert_eq!(store.read_state(0.0).expect("read"), ReadOutcome::Missing);

    let written = state(3);
    store.write_state(&written).expect("write");
    assert_eq!(
        fs::read_to_string(store.path()).expect("file"),
        written.to_json_string().expect("json")
    );
    assert_eq!(
        listing(store.dir()),
        [format!("{KEY}.json")],
        "no temporary file left behind"
    );

    let ReadOutcome::Loaded(loaded) = store.read_state(0.0).expect("read") else {
        panic!("expected Loaded")
    };
    assert!(loaded.problems.is_empty());
    let ids: Vec<&str> = loaded.sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["session_0", "session_1", "session_2"]);

    let default_store = FileStore::open(tmp.storage(), None, KEY).expect("store");
    assert_eq!(
        default_store.path(),
        tmp.path()
            .join("key_value_stores/default/SDK_SESSION_POOL_STATE.json")
    );
}

#[test]
fn a_crawlee_file_loads() {
    let tmp = TempDir::new("crawlee");
    let store =
        FileStore::open(tmp.storage(), Some("fixture-store"), "FIXTURE_STATE").expect("store");
    fs::create_dir_all(store.dir()).expect("dir");
    fs::write(store.path(), CRAWLEE_STATE).expect("fixture");
    let loaded = store.read_state(0.0).expect("read").into_state();
    assert_eq!(loaded.sessions.len(), 4);
    // Rewriting what was loaded reproduces Crawlee's bytes.
    let rewritten = PersistedState {
        usable_sessions_count: 3,
        retired_sessions_count: 1,
        sessions: loaded.sessions,
    };
    store.write_state(&rewritten).expect("write");
    assert_eq!(
        fs::read_to_string(store.path()).expect("file"),
        CRAWLEE_STATE
    );
}

#[test]
fn replacing_keeps_only_the_new_content() {
    let tmp = TempDir::new("replace");
    let store = FileStore::open(tmp.storage(), None, KEY).expect("store");
    store.write_state(&state(50)).expect("write");
    store.write_state(&state(2)).expect("write");
    assert_eq!(
        store
            .read_state(0.0)
            .expect("read")
            .into_state()
            .sessions
            .len(),
        2
    );
    assert_eq!(listing(store.dir()).len(), 1);
}

#[test]
fn a_failed_write_leaves_the_old_record_and_no_temporary_file() {
    let tmp = TempDir::new("failed");
    let store = FileStore::open(tmp.storage(), None, KEY).expect("store");
    store.write_state(&state(1)).expect("write");
    let before = fs::read(store.path()).expect("file");
    let result = store.write_with(|file| {
        use std::io::Write;
        file.write_all(b"{\"half\": ")?;
        Err(std::io::Error::other("serializer gave up"))
    });
    assert!(result.is_err());
    assert_eq!(fs::read(store.path()).expect("file"), before);
    assert_eq!(listing(store.dir()), [format!("{KEY}.json")]);
}

#[test]
fn unreadable_files_are_moved_aside_with_a_warning_naming_both_paths() {
    let cases: &[(&str, &[u8], bool)] = &[
        ("empty", b"", true),
        ("whitespace", b" \n", true),
        (
            "truncated",
            &CRAWLEE_STATE.as_bytes()[..CRAWLEE_STATE.len() / 2],
            true,
        ),
        ("not-json", b"<html>502 Bad Gateway</html>", true),
        ("binary", b"\xff\xfe\x00garbage", true),
        (
            "foreign-json",
            br#"{"requestsFinished": 10, "requestsFailed": 0}"#,
            false,
        ),
        ("array", b"[1, 2, 3]", false),
        (
            "wrong-type",
            br#"{"usableSessionsCount": 1, "sessions": "oops"}"#,
            false,
        ),
        ("null", b"null", false),
    ];
    for (tag, content, is_syntax) in cases {
        let tmp = TempDir::new(tag);
        let store = FileStore::open(tmp.storage(), None, KEY).expect("store");
        fs::create_dir_all(store.dir()).expect("dir");
        fs::write(store.path(), content).expect("write");
        let outcome = store.read_state(1_715_000_000_123.0).expect("read");
        let ReadOutcome::MovedAside {
            moved_to,
            warning,
            error,
        } = outcome
        else {
            panic!("{tag}: expected MovedAside, got {outcome:?}");
        };
        assert_eq!(
            matches!(error, StateError::Syntax(_)),
            *is_syntax,
            "{tag}: {error}"
        );
        assert_eq!(
            moved_to,
            store
                .dir()
                .join(format!("{KEY}.corrupt-1715000000123.json")),
            "{tag}"
        );
        assert!(
            !store.path().exists(),
            "{tag}: the corrupt record must not stay in place"
        );
        assert_eq!(
            fs::read(&moved_to).expect("moved file").as_slice(),
            *content,
            "{tag}: content kept as is"
        );
        assert!(
            warning.contains(&store.path().display().to_string()),
            "{tag}: {warning}"
        );
        assert!(
            warning.contains(&moved_to.display().to_string()),
            "{tag}: {warning}"
        );
        assert_eq!(
            store.read_state(0.0).expect("read"),
            ReadOutcome::Missing,
            "{tag}: starts empty"
        );
    }
}

#[test]
fn a_second_casualty_in_the_same_millisecond_does_not_replace_the_first() {
    let tmp = TempDir::new("twice");
    let store = FileStore::open(tmp.storage(), None, KEY).expect("store");
    fs::create_dir_all(store.dir()).expect("dir");
    fs::write(store.path(), "first").expect("write");
    let first = store.read_state(5.0).expect("read");
    fs::write(store.path(), "second").expect("write");
    let second = store.read_state(5.0).expect("read");
    let (ReadOutcome::MovedAside { moved_to: a, .. }, ReadOutcome::MovedAside { moved_to: b, .. }) =
        (first, second)
    else {
        panic!("expected two MovedAside outcomes");
    };
    assert_ne!(a, b);
    assert_eq!(fs::read_to_string(a).expect("first"), "first");
    assert_eq!(fs::read_to_string(b).expect("second"), "second");
}

#[test]
fn bad_sessions_inside_a_good_file_are_reported_not_moved() {
    let tmp = TempDir::new("partial");
    let store = FileStore::open(tmp.storage(), None, KEY).expect("store");
    let mut doc: serde_json::Value = serde_json::from_str(CRAWLEE_STATE).expect("fixture");
    doc["sessions"][1]["expiresAt"] = json!("yesterday");
    fs::create_dir_all(store.dir()).expect("dir");
    fs::write(store.path(), doc.to_string()).expect("write");
    let ReadOutcome::Loaded(loaded) = store.read_state(0.0).expect("read") else {
        panic!("expected Loaded")
    };
    assert_eq!(loaded.sessions.len(), 3);
    assert_eq!(loaded.problems.len(), 1);
    assert_eq!(loaded.problems[0].id.as_deref(), Some("session_retired"));
    assert!(store.path().exists());
}

#[test]
fn remove_deletes_only_the_pool_key() {
    let tmp = TempDir::new("remove");
    let store = FileStore::open(tmp.storage(), None, KEY).expect("store");
    assert!(!store.remove().expect("remove of nothing"));
    store.write_state(&state(1)).expect("write");
    let others = [
        "INPUT.json",
        "OTHER_KEY.json",
        "SDK_SESSION_POOL_STATE_2.json",
        "SDK_SESSION_POOL_STATE.corrupt-1.json",
    ];
    for name in others {
        fs::write(store.dir().join(name), "{}").expect("other file");
    }
    fs::write(store.dir().join(format!("{KEY}.__metadata__.json")), "{}").expect("metadata");
    assert!(store.remove().expect("remove"));
    let mut expected: Vec<String> = others.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(listing(store.dir()), expected);
}

#[test]
fn keys_that_already_end_in_json_are_stored_under_their_own_name() {
    let tmp = TempDir::new("ext");
    let store = FileStore::open(tmp.storage(), None, "state.json").expect("store");
    assert_eq!(
        store.path(),
        tmp.path().join("key_value_stores/default/state.json")
    );
    assert!(FileStore::open(tmp.storage(), None, "../escape").is_err());
    assert!(FileStore::open(tmp.storage(), Some("../escape"), KEY).is_err());
}

#[test]
fn stale_temporary_files_of_a_killed_writer_are_cleared_on_read() {
    let tmp = TempDir::new("stale");
    let store = FileStore::open(tmp.storage(), None, KEY).expect("store");
    store.write_state(&state(1)).expect("write");
    // The write's own clearing of leftovers runs after it on a background thread: let it finish first, so
    // what follows is the read's doing.
    wait_for_background_work();
    let old = store
        .dir()
        .join(format!(".{KEY}.json.4242-7-0123456789abcdef.tmp"));
    // A young temp file of a process that still runs (this one) may be a write in progress.
    let young = store.dir().join(format!(
        ".{KEY}.json.{}-8-0123456789abcdef.tmp",
        std::process::id()
    ));
    let foreign = store.dir().join(".OTHER.json.4242-7-0123456789abcdef.tmp");
    for path in [&old, &young, &foreign] {
        fs::write(path, "{\"partial").expect("temp");
    }
    let long_ago = SystemTime::now() - STALE_TEMP_AGE - Duration::from_secs(60);
    for path in [&old, &foreign] {
        fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(long_ago))
            .expect("mtime");
    }
    assert!(matches!(
        store.read_state(0.0).expect("read"),
        ReadOutcome::Loaded(_)
    ));
    assert!(!old.exists());
    assert!(
        young.exists(),
        "a temporary file this young may belong to a live writer"
    );
    assert!(foreign.exists(), "another key's files are never touched");
}

/// Child side of the kill test: persists in a loop until killed. Runs only when the parent starts it.
#[test]
#[ignore = "child process of killed_writers_always_leave_a_complete_file"]
fn kill_test_child_writer() {
    let Ok(dir) = std::env::var("SP_KILL_TEST_DIR") else {
        return;
    };
    let store = FileStore::new(PathBuf::from(dir), KEY).expect("store");
    let marker = store.dir().join("last-completed");
    // Continue the sequence of the previous (killed) child, so file and marker are always at most one apart.
    let mut n = fs::read_to_string(&marker)
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0)
        % 300
        + 1;
    loop {
        store.write_state(&state(n)).expect("write");
        // The marker itself must survive the kill too: write it aside, then rename.
        let temp = store.dir().join("last-completed.tmp");
        fs::write(&temp, n.to_string()).expect("marker");
        fs::rename(&temp, &marker).expect("marker");
        n = n % 300 + 1;
    }
}

#[cfg(unix)]
#[test]
fn killed_writers_always_leave_a_complete_file() {
    let tmp = TempDir::new("kill");
    let store = FileStore::new(tmp.path().join("store"), KEY).expect("store");
    let exe = std::env::current_exe().expect("test binary");
    for round in 0..50u64 {
        let mut child = std::process::Command::new(&exe)
            .args([
                "kill_test_child_writer",
                "--exact",
                "--ignored",
                "--test-threads=1",
                "--quiet",
            ])
            .env("SP_KILL_TEST_DIR", store.dir())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn child");
        std::thread::sleep(Duration::from_millis(20 + (round * 7919) % 60));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        let completed: usize = fs::read_to_string(store.dir().join("last-completed"))
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        match store.read_state(0.0).expect("read") {
            ReadOutcome::Loaded(loaded) => {
                assert!(loaded.problems.is_empty(), "round {round}");
                // The marker is written after the rename, so the file may be one persist ahead of it, never behind.
                let n = loaded.sessions.len();
                assert!(
                    n == completed || n == completed % 300 + 1,
                    "round {round}: file {n}, marker {completed}"
                );
            }
            ReadOutcome::Missing => assert_eq!(completed, 0, "round {round}"),
            other => panic!("round {round}: {other:?}"),
        }
    }
    let leftovers = listing(store.dir())
        .into_iter()
        .filter(|n| n.ends_with(".tmp") && n != "last-completed.tmp")
        .count();
    assert!(leftovers <= 50, "at most one temporary file per kill");
    let persisted: usize = fs::read_to_string(store.dir().join("last-completed"))
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    assert!(
        persisted > 0,
        "the children never completed a write; the test proved nothing"
    );
    eprintln!(
        "50 kills: {leftovers} left a half-written temporary file; sequence reached {persisted}"
    );
}

/// Writes go over the record's previous file (its spare) when nobody else can be using it.
#[cfg(target_os = "linux")]
mod spare {
    use super::*;
    use session_pool_core::file_store::SPARE_FOLDER;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::MetadataExt;

    fn spare_of(store: &FileStore) -> PathBuf {
        store
            .dir()
            .join(SPARE_FOLDER)
            .join(format!("{KEY}.json.spare"))
    }

    fn content(i: usize) -> Vec<u8> {
        // Lengths go up and down by more than a page, so the spare is both grown and cut.
        format!(
            "{{\"write\": {i}, \"pad\": \"{}\"}}",
            "x".repeat(if i.is_multiple_of(2) { 9000 } else { 300 })
        )
        .into_bytes()
    }

    fn write(store: &FileStore, i: usize) {
        store.write_bytes(&content(i)).expect("write");
        // The spare is settled (its folder fsynced) on the background thread.
        wait_for_background_work();
    }

    fn ino(path: &Path) -> u64 {
        fs::metadata(path).expect("file").ino()
    }

    #[test]
    fn successive_writes_read_back_exactly_and_alternate_two_files() {
        let tmp = TempDir::new("spare-alternate");
        let store = FileStore::open(tmp.storage(), Some("alt"), KEY).expect("store");
        let mut inodes = Vec::new();
        for i in 0..8 {
            write(&store, i);
            assert_eq!(
                fs::read(store.path()).expect("record"),
                content(i),
                "write {i}"
            );
            inodes.push(ino(store.path()));
        }
        for i in 3..8 {
            assert_eq!(
                inodes[i],
                inodes[i - 2],
                "write {i} went over the file of write {}",
                i - 2
            );
            assert_ne!(inodes[i], inodes[i - 1]);
        }
        assert_eq!(
            listing(store.dir()),
            [SPARE_FOLDER.to_owned(), format!("{KEY}.json")]
        );
        // Between writes the spare stays locked by its writer, so no other writer can move it meanwhile.
        let other = fs::File::open(spare_of(&store)).expect("spare");
        // SAFETY: flock on a descriptor this test owns.
        assert_ne!(
            unsafe { libc::flock(other.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
            0
        );
        drop(other);
        store.discard_spare().expect("discard");
        assert_eq!(listing(store.dir()), [format!("{KEY}.json")]);
    }

    #[test]
    fn a_failed_write_over_the_spare_leaves_the_record() {
        let tmp = TempDir::new("spare-failed");
        let store = FileStore::open(tmp.storage(), Some("failed"), KEY).expect("store");
        for i in 0..3 {
            write(&store, i);
        }
        assert!(spare_of(&store).exists());
        let result = store.write_with(|file| {
            use std::io::Write;
            file.write_all(b"{\"half\": ")?;
            Err(std::io::Error::other("serializer gave up"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read(store.path()).expect("record"), content(2));
        write(&store, 3);
        assert_eq!(fs::read(store.path()).expect("record"), content(3));
    }

    #[test]
    fn files_with_other_links_are_never_written_over() {
        let tmp = TempDir::new("spare-links");
        let store = FileStore::open(tmp.storage(), Some("links"), KEY).expect("store");
        write(&store, 0);
        // A link to the record: that file is not kept as a spare.
        let outside = tmp.path().join("outside.json");
        fs::hard_link(store.path(), &outside).expect("link");
        for i in 1..4 {
            write(&store, i);
        }
        assert_eq!(fs::read(&outside).expect("outside"), content(0));
        // A link to the spare: not claimed, and the next write makes a new file.
        let to_spare = tmp.path().join("to_spare.json");
        fs::hard_link(spare_of(&store), &to_spare).expect("link");
        let held = fs::read(&to_spare).expect("spare");
        for i in 4..7 {
            write(&store, i);
            assert_eq!(fs::read(store.path()).expect("record"), content(i));
        }
        assert_eq!(fs::read(&to_spare).expect("linked"), held);
    }

    #[test]
    fn a_symlink_in_the_spare_place_is_not_followed() {
        let tmp = TempDir::new("spare-symlink");
        let store = FileStore::open(tmp.storage(), Some("sym"), KEY).expect("store");
        write(&store, 0);
        let victim = tmp.path().join("victim.txt");
        fs::write(&victim, b"keep me").expect("victim");
        fs::create_dir_all(store.dir().join(SPARE_FOLDER)).expect("folder");
        std::os::unix::fs::symlink(&victim, spare_of(&store)).expect("symlink");
        for i in 1..4 {
            write(&store, i);
            assert_eq!(fs::read(store.path()).expect("record"), content(i));
        }
        assert_eq!(fs::read(&victim).expect("victim"), b"keep me");
        // Dangling: nothing is created where it points; discarding removes the link, not its target.
        let nowhere = tmp.path().join("nowhere.txt");
        fs::remove_file(spare_of(&store)).expect("unlink");
        std::os::unix::fs::symlink(&nowhere, spare_of(&store)).expect("symlink");
        write(&store, 4);
        assert!(!nowhere.exists());
        store.discard_spare().expect("discard");
        assert!(fs::symlink_metadata(spare_of(&store)).is_err());
        assert_eq!(fs::read(&victim).expect("victim"), b"keep me");
    }

    #[test]
    fn a_spare_locked_by_another_writer_is_neither_written_nor_deleted() {
        let tmp = TempDir::new("spare-locked");
        let store = FileStore::open(tmp.storage(), Some("locked"), KEY).expect("store");
        write(&store, 0);
        // A spare some other writer (another process, say) made and holds locked.
        let spare = spare_of(&store);
        fs::create_dir_all(spare.parent().expect("folder")).expect("folder");
        fs::write(&spare, content(99)).expect("spare");
        let before = fs::read(&spare).expect("spare");
        let spare_ino = ino(&spare);
        let other_writer = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&spare)
            .expect("open");
        // SAFETY: flock on a descriptor this test owns.
        assert_eq!(
            unsafe { libc::flock(other_writer.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) },
            0
        );
        for i in 3..6 {
            write(&store, i);
            assert_eq!(fs::read(store.path()).expect("record"), content(i));
        }
        assert_eq!(ino(&spare), spare_ino);
        assert_eq!(fs::read(&spare).expect("spare"), before);
        store.discard_spare().expect("discard");
        assert!(spare.exists(), "a held spare is not deleted");
        drop(other_writer);
        store.discard_spare().expect("discard");
        assert!(!spare.exists());
    }

    #[test]
    fn read_and_remove_take_the_spare_and_its_folder_but_not_another_record_spare() {
        let tmp = TempDir::new("spare-cleanup");
        let store = FileStore::open(tmp.storage(), Some("clean"), KEY).expect("store");
        let other = FileStore::open(tmp.storage(), Some("clean"), "OTHER").expect("store");
        for i in 0..3 {
            write(&store, i);
        }
        assert!(spare_of(&store).exists());
        let _ = store.read_bytes().expect("read");
        assert!(matches!(
            store.read_state(0.0),
            Ok(ReadOutcome::MovedAside { .. })
        ));
        assert!(
            !store.dir().join(SPARE_FOLDER).exists(),
            "an open of the record takes the spare"
        );
        for i in 0..3 {
            write(&store, i);
            other.write_bytes(&content(i)).expect("other");
        }
        wait_for_background_work();
        assert_eq!(
            listing(&store.dir().join(SPARE_FOLDER)),
            ["OTHER.json.spare".to_owned(), format!("{KEY}.json.spare")]
        );
        assert!(store.remove().expect("remove"));
        assert_eq!(
            listing(&store.dir().join(SPARE_FOLDER)),
            ["OTHER.json.spare".to_owned()]
        );
        other.discard_spare().expect("discard");
        assert!(!store.dir().join(SPARE_FOLDER).exists());
    }

    #[test]
    fn opening_the_record_without_blocking_never_finds_it_leased() {
        use std::os::unix::fs::OpenOptionsExt;
        use std::sync::atomic::AtomicBool;
        use std::sync::Arc;
        let tmp = TempDir::new("spare-nonblock");
        let store = FileStore::open(tmp.storage(), Some("nb"), KEY).expect("store");
        write(&store, 0);
        let record = store.path().to_owned();
        let done = Arc::new(AtomicBool::new(false));
        let opener = {
            let done = Arc::clone(&done);
            std::thread::spawn(move || {
                let (mut opens, mut refused) = (0u32, 0u32);
                while !done.load(Ordering::Relaxed) {
                    match fs::OpenOptions::new()
                        .read(true)
                        .custom_flags(libc::O_NONBLOCK)
                        .open(&record)
                    {
                        Ok(_) => opens += 1,
                        Err(e) if e.raw_os_error() == Some(libc::EWOULDBLOCK) => refused += 1,
                        Err(_) => {}
                    }
                }
                (opens, refused)
            })
        };
        for i in 1..300 {
            store.write_bytes(&content(i)).expect("write");
            std::thread::sleep(Duration::from_micros(300));
        }
        done.store(true, Ordering::Relaxed);
        let (opens, refused) = opener.join().expect("opener");
        assert!(opens > 0);
        // Kept leased until after the swap, ~100 of these opens were refused here. A few could still be: an open
        // that looked the name up just before a swap and was preempted until the next write had claimed that
        // file (the race spare_file.rs describes; the pause between writes makes it rare).
        assert!(
            refused <= 5,
            "{refused} of {opens} opens of the record were refused: its file was still leased"
        );
    }

    #[test]
    fn remove_deletes_the_record_even_when_the_spare_cannot_be() {
        let tmp = TempDir::new("spare-remove");
        let store = FileStore::open(tmp.storage(), Some("rm"), KEY).expect("store");
        write(&store, 0);
        // Something that is not a folder where the spare folder goes: the spare cannot even be looked for.
        fs::write(store.dir().join(SPARE_FOLDER), b"not a folder").expect("occupant");
        assert!(store.remove().expect("remove"));
        assert!(!store.path().exists());
    }
}
