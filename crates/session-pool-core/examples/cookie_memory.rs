//! Memory and speed of stored cookies: builds 100 000 jars of 5 typical cookies and reports the
//! heap bytes per jar (exact, with glibc's per-allocation rounding and header), the RSS growth
//! per jar, and the time per `set_cookie` and `get_cookie_string` call.
//!
//! Run with `cargo run --release --example cookie_memory`; `JARS` (100 000), `ROUNDS` (15) and
//! `CALLS` (calls per timed round, 200 000) change the sizes, e.g. small ones under callgrind;
//! `ONLY=get_all|get|set|new|big` runs one timing only (instruction counts: run under
//! `valgrind --tool=callgrind` with two `CALLS` and divide the difference); `NO_COUNT=1` turns
//! the allocation counting off (it costs a `malloc_usable_size` call per allocation) for timings.

use session_pool_core::cookies::CookieJar;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering::Relaxed};
use std::time::Instant;

extern "C" {
    // glibc: the usable size of a block; its chunk is that plus the 8-byte size header.
    fn malloc_usable_size(ptr: *mut u8) -> usize;
}

/// Live bytes as requested, live usable bytes as glibc rounded them, live allocations.
static REQUESTED: AtomicIsize = AtomicIsize::new(0);
static USABLE: AtomicIsize = AtomicIsize::new(0);
static BLOCKS: AtomicIsize = AtomicIsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(true);

struct Counting;

unsafe fn usable(ptr: *mut u8) -> isize {
    malloc_usable_size(ptr) as isize
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = System.alloc(layout);
        if !ptr.is_null() && COUNTING.load(Relaxed) {
            REQUESTED.fetch_add(layout.size() as isize, Relaxed);
            USABLE.fetch_add(usable(ptr), Relaxed);
            BLOCKS.fetch_add(1, Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !COUNTING.load(Relaxed) {
            return System.dealloc(ptr, layout);
        }
        REQUESTED.fetch_sub(layout.size() as isize, Relaxed);
        USABLE.fetch_sub(usable(ptr), Relaxed);
        BLOCKS.fetch_sub(1, Relaxed);
        System.dealloc(ptr, layout);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !COUNTING.load(Relaxed) {
            return System.realloc(ptr, layout, new_size);
        }
        let old_usable = usable(ptr);
        let new = System.realloc(ptr, layout, new_size);
        if !new.is_null() {
            REQUESTED.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
            USABLE.fetch_add(usable(new) - old_usable, Relaxed);
        }
        new
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[derive(Clone, Copy)]
struct Heap {
    requested: isize,
    usable: isize,
    blocks: isize,
}

impl Heap {
    fn now() -> Self {
        Self {
            requested: REQUESTED.load(Relaxed),
            usable: USABLE.load(Relaxed),
            blocks: BLOCKS.load(Relaxed),
        }
    }

    /// Bytes glibc takes from the heap: usable size plus the 8-byte chunk header.
    fn chunks(self) -> isize {
        self.usable + 8 * self.blocks
    }
}

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

const URL: &str = "https://www.example.com/";
const NOW: f64 = 1_767_225_600_000.0;

fn typical_cookies(n: usize) -> [String; 5] {
    [
        format!("a={n}; Path=/"),
        "bb=some-longer-value-1234567890; Path=/; HttpOnly".to_owned(),
        "c=3; Max-Age=3600".to_owned(),
        "sid=abcdef0123456789abcdef; Path=/; Secure".to_owned(),
        "lang=en-US; Path=/".to_owned(),
    ]
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Median over `rounds` of the time per call of `f` run `calls` times, in ns.
fn time_per_call(rounds: usize, calls: usize, mut f: impl FnMut(usize)) -> (f64, f64, f64) {
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        for i in 0..calls {
            f(i);
        }
        samples.push(start.elapsed().as_secs_f64() * 1e9 / calls as f64);
    }
    let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
    let max = samples.iter().copied().fold(0.0, f64::max);
    (median(samples), min, max)
}

fn main() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let rounds = env("ROUNDS", 15);
    let calls = env("CALLS", 200_000);
    let jars = env("JARS", 100_000);
    let only = std::env::var("ONLY").unwrap_or_default();
    if env("NO_COUNT", 0) == 1 {
        // The heap figures are then meaningless; RSS still holds.
        COUNTING.store(false, Relaxed);
    }
    let run = |name: &str| only.is_empty() || only == name;
    let headers: Vec<[String; 5]> = (0..jars).map(typical_cookies).collect();
    let mut all: Vec<CookieJar> = Vec::with_capacity(jars);

    let heap_before = Heap::now();
    let rss_before = rss_bytes();
    let start = Instant::now();
    for set in &headers {
        let mut jar = CookieJar::new();
        for raw in set {
            let stored = jar.set_cookie(raw, URL, NOW);
            assert!(matches!(stored, Ok(true)), "{raw}: {stored:?}");
        }
        all.push(jar);
    }
    let build = start.elapsed();
    let heap_after = Heap::now();
    let rss_after = rss_bytes();
    let per_jar = |a: isize, b: isize| (b - a) as f64 / jars as f64;
    println!(
        "{jars} jars of 5 cookies; CookieJar struct {} bytes (not counted: it lives in a pre-sized Vec)",
        std::mem::size_of::<CookieJar>()
    );
    if COUNTING.load(Relaxed) {
        println!(
            "heap per jar: {:.1} B requested, {:.1} B in glibc chunks (usable + header), {:.2} blocks",
            per_jar(heap_before.requested, heap_after.requested),
            per_jar(heap_before.chunks(), heap_after.chunks()),
            per_jar(heap_before.blocks, heap_after.blocks),
        );
    }
    println!(
        "RSS per jar: {:.1} B",
        (rss_after as f64 - rss_before as f64) / jars as f64
    );
    println!(
        "build (new jar + 5 set_cookie): {:.0} ns per set_cookie",
        build.as_secs_f64() * 1e9 / (jars * 5) as f64
    );
    let sample = all
        .first_mut()
        .map(|jar| jar.get_cookie_string(URL, NOW))
        .map(|s| s.unwrap_or_default());
    println!("cookie string: {sample:?}");

    // Timings (median of rounds, ns per call).
    if run("get_all") {
        let (m, lo, hi) = time_per_call(rounds, jars, |i| {
            black_box(all[i].get_cookie_string(black_box(URL), NOW).ok());
        });
        println!("get_cookie_string, every jar in turn: {m:.1} ns/call (min {lo:.1}, max {hi:.1})");
    }
    let mut one = all.pop().unwrap_or_default();
    if run("get") {
        let (m, lo, hi) = time_per_call(rounds, calls, |_| {
            black_box(
                one.get_cookie_string(black_box("https://www.example.com/some/page?q=1"), NOW)
                    .ok(),
            );
        });
        println!("get_cookie_string, one jar: {m:.1} ns/call (min {lo:.1}, max {hi:.1})");
    }
    if run("set") {
        let set = typical_cookies(7);
        let (m, lo, hi) = time_per_call(rounds, calls, |i| {
            black_box(one.set_cookie(black_box(&set[i % 5]), URL, NOW).ok());
        });
        println!(
            "set_cookie replacing a namesake, one jar: {m:.1} ns/call (min {lo:.1}, max {hi:.1})"
        );
    }
    if run("new") {
        let (m, lo, hi) = time_per_call(rounds, calls / 5, |i| {
            let mut jar = CookieJar::new();
            for raw in &headers[i % jars] {
                black_box(jar.set_cookie(raw, URL, NOW).ok());
            }
            black_box(&jar);
        });
        println!(
            "new jar + 5 set_cookie: {:.1} ns per set_cookie (min {:.1}, max {:.1})",
            m / 5.0,
            lo / 5.0,
            hi / 5.0
        );
    }
    if !run("big") {
        black_box(&all);
        return;
    }

    // The cookie scenario: a jar of 30, 3 Set-Cookie headers, then the Cookie header.
    let mut big = CookieJar::new();
    for k in 0..30 {
        let _ = big.set_cookie(&format!("k{k}=value-{k}; Path=/"), URL, NOW);
    }
    let response = [
        "session=abc123; Path=/; HttpOnly",
        "k3=changed; Path=/",
        "track=xyz; Max-Age=600",
    ];
    let (m, lo, hi) = time_per_call(rounds, calls / 4, |_| {
        black_box(big.set_cookies_from_headers(response.iter().copied(), URL, NOW));
        black_box(big.get_cookie_string(URL, NOW).ok());
    });
    println!("jar of 30: 3 headers + get_cookie_string: {m:.1} ns/op (min {lo:.1}, max {hi:.1})");
    black_box(&all);
}
