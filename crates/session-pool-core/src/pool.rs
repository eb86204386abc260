//! The allocation flow of a session pool, with O(1) amortized pick, lookup, eviction and counters.
//!
//! Crawlee's flow: while the pool holds fewer than `maxPoolSize` sessions, `getSession()` creates one; once
//! it is full, it picks one at random; if the pick is unusable, every unusable session is evicted and a new one
//! is created. Unusable sessions stay in the pool (and count as retired) until such an eviction.
//!
//! Members live in slots; `members` lists the occupied slots for the random pick (swap-remove keeps it dense),
//! the dead list receives each member once when it turns unusable (marks push to it directly, expiry is found
//! through a min-heap of expiry times), so no operation walks the whole pool.

use std::cell::RefCell;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use crate::options::BLOCKED_STATUS_CODES;
use crate::session::{DeadList, Membership, SessionCell};

/// Errors of pool operations, with Crawlee's messages where Crawlee has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolError {
    /// `addSession` with an id already in the pool.
    DuplicateId(String),
    /// The session already belongs to a pool (this one or another).
    AlreadyInPool(String),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::DuplicateId(id) => {
                write!(
                    f,
                    "Cannot add session with id '{id}' as it already exists in the pool"
                )
            }
            PoolError::AlreadyInPool(id) => {
                write!(f, "Session '{id}' already belongs to a SessionPool")
            }
        }
    }
}

impl std::error::Error for PoolError {}

/// What `getSession` should hand out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acquire {
    /// The session in this slot.
    Existing(u32),
    /// A session id was asked for and no usable session has it: `undefined`.
    Missing,
    /// A new session must be created and added (unusable ones were evicted first if the pool was full).
    Create,
}

/// Asks the CPU to bring the cache line at `ptr` in; a hint only, for any address.
#[inline(always)]
pub fn prefetch<T>(ptr: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch never faults and has no effect the program can observe, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(ptr.cast::<i8>(), std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = ptr;
}

/// How many steps ahead a walk over slots asks for the memory it will read.
pub const PREFETCH_DISTANCE: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Expiry(f64);
impl Eq for Expiry {}
impl PartialOrd for Expiry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Expiry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

struct Entry<P> {
    session: SessionCell,
    /// What the binding keeps with the session (its cookie jar); dropped on eviction.
    payload: P,
    /// Insertion order, for `getState()` and to tell a reused slot from its previous occupant.
    seq: u64,
    /// Index of this slot in `members`.
    pos: usize,
}

/// A pool of sessions, each with a payload `P` of the caller's. Single-threaded: it lives on the JS thread
/// with the sessions it holds.
pub struct PoolCore<P = ()> {
    max_pool_size: usize,
    blocked_status_codes: Rc<[f64]>,
    entries: Vec<Option<Entry<P>>>,
    free_slots: Vec<u32>,
    members: Vec<u32>,
    /// Ids to slots; foldhash (seeded per map) instead of SipHash: a lookup or insert per new session.
    ids: HashMap<Arc<str>, u32, foldhash::fast::RandomState>,
    dead: DeadList,
    expiry: BinaryHeap<Reverse<(Expiry, u64, u32)>>,
    evicted: Vec<u32>,
    next_seq: u64,
    rng: fastrand::Rng,
    /// Random picks drawn ahead of their use (the next one first), with the memory they will touch already
    /// requested from RAM: in a big pool a pick's two cache misses (its slot, its session) were most of its time.
    picks_ahead: [Option<u32>; 2],
}

impl<P> PoolCore<P> {
    /// An empty pool; `blocked_status_codes` replaces the default list when given.
    pub fn new(max_pool_size: usize, blocked_status_codes: Option<Vec<f64>>) -> Self {
        let codes: Vec<f64> = blocked_status_codes
            .unwrap_or_else(|| BLOCKED_STATUS_CODES.iter().map(|&c| f64::from(c)).collect());
        PoolCore {
            max_pool_size,
            blocked_status_codes: Rc::from(codes),
            entries: Vec::new(),
            free_slots: Vec::new(),
            members: Vec::new(),
            ids: HashMap::default(),
            dead: Rc::new(RefCell::new(Vec::new())),
            expiry: BinaryHeap::new(),
            evicted: Vec::new(),
            next_seq: 0,
            rng: fastrand::Rng::new(),
            picks_ahead: [None, None],
        }
    }

    /// A pool with a fixed random seed, for tests.
    pub fn with_seed(
        max_pool_size: usize,
        blocked_status_codes: Option<Vec<f64>>,
        seed: u64,
    ) -> Self {
        let mut p = Self::new(max_pool_size, blocked_status_codes);
        p.rng = fastrand::Rng::with_seed(seed);
        p
    }

    pub fn max_pool_size(&self) -> usize {
        self.max_pool_size
    }
    pub fn blocked_status_codes(&self) -> &Rc<[f64]> {
        &self.blocked_status_codes
    }
    /// Sessions held, usable or not.
    pub fn len(&self) -> usize {
        self.members.len()
    }
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Usable sessions now.
    pub fn usable_count(&mut self, now_ms: f64) -> usize {
        self.refresh(now_ms);
        self.members.len().saturating_sub(self.dead.borrow().len())
    }

    /// Unusable sessions still held (retired, blocked, expired or used up).
    pub fn retired_count(&mut self, now_ms: f64) -> usize {
        self.refresh(now_ms);
        self.dead.borrow().len()
    }

    fn has_space(&self) -> bool {
        self.members.len() < self.max_pool_size
    }

    /// The allocation decision of `getSession(id?)`; an empty id counts as none.
    pub fn acquire(&mut self, id: Option<&str>, now_ms: f64) -> Acquire {
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            return match self.ids.get(id) {
                Some(&slot)
                    if self
                        .session(slot)
                        .is_some_and(|s| s.borrow().is_usable(now_ms)) =>
                {
                    Acquire::Existing(slot)
                }
                _ => Acquire::Missing,
            };
        }
        if self.has_space() {
            return Acquire::Create;
        }
        if !self.members.is_empty() {
            let slot = self.random_member();
            if self
                .session(slot)
                .is_some_and(|s| s.borrow().is_usable(now_ms))
            {
                return Acquire::Existing(slot);
            }
        }
        self.evict_unusable(now_ms);
        Acquire::Create
    }

    /// The earliest expiry time of the sessions held that were usable when added (sessions added unusable never
    /// become usable; an entry left by an evicted session can only make it earlier). No session held expires
    /// before it, so the time matters to no decision of [`PoolCore::acquire`] until then.
    pub fn earliest_expiry(&self) -> Option<f64> {
        self.expiry.peek().map(|Reverse((Expiry(at), _, _))| *at)
    }

    /// A member slot drawn uniformly at random. Draws are made two calls ahead: each call draws a new one and
    /// asks for its slot entry to be fetched, asks for the session of the one drawn last time (whose entry is
    /// in cache by now), and returns the one drawn two calls ago, if it is still a member (else a fresh draw).
    fn random_member(&mut self) -> u32 {
        let len = self.members.len();
        let drawn = self.members[self.rng.usize(..len)];
        prefetch(self.entries.as_ptr().wrapping_add(drawn as usize));
        let [due, next] = self.picks_ahead;
        if let Some(next) = next {
            // The fields a usability check reads span the first three cache lines of the session.
            self.prefetch_session(next);
        }
        self.picks_ahead = [next, Some(drawn)];
        match due.filter(|&slot| self.entries.get(slot as usize).is_some_and(Option::is_some)) {
            Some(slot) => slot,
            None => self.members[self.rng.usize(..len)],
        }
    }

    /// Empties the pool, handing over every payload (for the caller to dispose of as it likes).
    pub fn take_payloads(&mut self) -> Vec<P> {
        self.members.clear();
        self.ids.clear();
        self.expiry.clear();
        self.free_slots.clear();
        self.picks_ahead = [None, None];
        self.entries
            .drain(..)
            .flatten()
            .map(|e| e.payload)
            .collect()
    }

    /// Asks for a slot's entry to be brought into the cache (a hint: for walks over many slots).
    pub fn prefetch_entry(&self, slot: u32) {
        prefetch(self.entries.as_ptr().wrapping_add(slot as usize));
    }

    /// Asks for the session in a slot to be brought into the cache (its entry should be there already).
    pub fn prefetch_session(&self, slot: u32) {
        if let Some(Some(entry)) = self.entries.get(slot as usize) {
            let session = Rc::as_ptr(&entry.session).cast::<u8>();
            for line in 0..3 {
                prefetch(session.wrapping_add(line * 64));
            }
        }
    }

    /// The session in a slot.
    pub fn session(&self, slot: u32) -> Option<&SessionCell> {
        self.entries
            .get(slot as usize)
            .and_then(|e| e.as_ref())
            .map(|e| &e.session)
    }

    /// The payload kept with the session in a slot.
    pub fn payload(&self, slot: u32) -> Option<&P> {
        self.entries
            .get(slot as usize)
            .and_then(|e| e.as_ref())
            .map(|e| &e.payload)
    }

    /// The slot of a held session id (usable or not).
    pub fn slot_of(&self, id: &str) -> Option<u32> {
        self.ids.get(id).copied()
    }

    /// Adds a session. `make_room` evicts unusable sessions first when the pool is full (what `addSession`
    /// does); sessions the allocation flow creates were already given room by [`PoolCore::acquire`].
    pub fn add(
        &mut self,
        session: SessionCell,
        payload: P,
        make_room: bool,
        now_ms: f64,
    ) -> Result<u32, PoolError> {
        let id = {
            let s = session.borrow();
            if s.membership().is_some() {
                return Err(PoolError::AlreadyInPool(s.id().to_string()));
            }
            s.shared_id()
        };
        if self.ids.contains_key(&id) {
            return Err(PoolError::DuplicateId(id.to_string()));
        }
        if make_room && !self.has_space() {
            self.evict_unusable(now_ms);
        }
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.entries.push(None);
                (self.entries.len() - 1) as u32
            }
        };
        let seq = self.next_seq;
        self.next_seq += 1;
        let expires_at = {
            let mut s = session.borrow_mut();
            s.observe(now_ms);
            s.join(Membership {
                dead_list: self.dead.clone(),
                slot,
                blocked_status_codes: self.blocked_status_codes.clone(),
            });
            s.expires_at()
        };
        if !session.borrow().is_dead() {
            self.expiry.push(Reverse((Expiry(expires_at), seq, slot)));
        }
        self.ids.insert(id, slot);
        self.entries[slot as usize] = Some(Entry {
            session,
            payload,
            seq,
            pos: self.members.len(),
        });
        self.members.push(slot);
        Ok(slot)
    }

    /// Evicts every unusable session; the freed slots are reported by [`PoolCore::take_evicted`].
    pub fn evict_unusable(&mut self, now_ms: f64) {
        self.refresh(now_ms);
        let dead = std::mem::take(&mut *self.dead.borrow_mut());
        for slot in dead {
            self.remove_slot(slot);
        }
    }

    /// Slots evicted since the last call, so the binding can drop its handles to those sessions.
    pub fn take_evicted(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.evicted)
    }

    /// Whether evictions are waiting to be taken.
    pub fn has_evicted(&self) -> bool {
        !self.evicted.is_empty()
    }

    fn remove_slot(&mut self, slot: u32) {
        let Some(entry) = self.entries.get_mut(slot as usize).and_then(|e| e.take()) else {
            return;
        };
        let last = self.members.len() - 1;
        self.members.swap_remove(entry.pos);
        if entry.pos != last {
            let moved = self.members[entry.pos];
            if let Some(Some(e)) = self.entries.get_mut(moved as usize) {
                e.pos = entry.pos;
            }
        }
        let mut s = entry.session.borrow_mut();
        if self.ids.get(s.id()) == Some(&slot) {
            self.ids.remove(s.id());
        }
        s.leave();
        self.free_slots.push(slot);
        self.evicted.push(slot);
    }

    /// Moves sessions whose expiry time has passed onto the dead list.
    fn refresh(&mut self, now_ms: f64) {
        while let Some(Reverse((Expiry(at), seq, slot))) = self.expiry.peek().copied() {
            if at > now_ms {
                break;
            }
            self.expiry.pop();
            if let Some(Some(entry)) = self.entries.get(slot as usize) {
                if entry.seq == seq {
                    entry.session.borrow_mut().observe(now_ms);
                }
            }
        }
    }

    /// Occupied slots in insertion order (the order of `getState().sessions`).
    pub fn slots_in_order(&self) -> Vec<u32> {
        self.slots_and_seqs_in_order()
            .into_iter()
            .map(|(slot, _)| slot)
            .collect()
    }

    /// The insertion number of the session in a slot: a slot reused by a later session has a new one.
    pub fn seq(&self, slot: u32) -> Option<u64> {
        self.entries.get(slot as usize)?.as_ref().map(|e| e.seq)
    }

    /// [`PoolCore::slots_in_order`] with each slot's insertion number ([`PoolCore::seq`]).
    pub fn slots_and_seqs_in_order(&self) -> Vec<(u32, u64)> {
        // Entries are read in member order, which is random in memory: each is asked for a few steps ahead.
        let members = &self.members;
        let mut v: Vec<(u64, u32)> = Vec::with_capacity(members.len());
        for (i, &slot) in members.iter().enumerate() {
            if let Some(&ahead) = members.get(i + PREFETCH_DISTANCE) {
                self.prefetch_entry(ahead);
            }
            if let Some(e) = &self.entries[slot as usize] {
                v.push((e.seq, slot));
            }
        }
        v.sort_unstable();
        v.into_iter().map(|(seq, slot)| (slot, seq)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{SessionCore, SessionParams};

    const NOW: f64 = 1_700_000_000_000.0;

    fn new_session(id: Option<&str>) -> SessionCell {
        SessionCore::new(
            SessionParams {
                id: id.map(String::from),
                ..Default::default()
            },
            NOW,
        )
        .into_cell()
    }

    fn fill(pool: &mut PoolCore<()>, n: usize) -> Vec<SessionCell> {
        (0..n)
            .map(|_| {
                assert_eq!(pool.acquire(None, NOW), Acquire::Create);
                let s = new_session(None);
                pool.add(s.clone(), (), false, NOW).unwrap();
                s
            })
            .collect()
    }

    #[test]
    fn picks_are_uniform_and_always_current_members_across_evictions() {
        // Picks are drawn two calls ahead; one that stopped being a member by its turn is replaced.
        let mut pool: PoolCore = PoolCore::with_seed(10, None, 5);
        let sessions = fill(&mut pool, 10);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            let Acquire::Existing(slot) = pool.acquire(None, NOW) else {
                panic!("a full pool of usable sessions picks one")
            };
            counts[slot as usize] += 1;
        }
        for (slot, &n) in counts.iter().enumerate() {
            assert!(
                (9_000..11_000).contains(&n),
                "slot {slot} picked {n} times of 100 000"
            );
        }
        // Retire two sessions: the picks drawn ahead may be theirs, but no retired session is ever handed out;
        // the first pick of a retired one evicts both and asks for a new session.
        let _ = sessions[2].borrow_mut().retire();
        let _ = sessions[7].borrow_mut().retire();
        let mut created = 0;
        for _ in 0..1_000 {
            match pool.acquire(None, NOW) {
                Acquire::Existing(slot) => {
                    assert!(pool
                        .session(slot)
                        .is_some_and(|s| s.borrow().is_usable(NOW)));
                }
                Acquire::Create => {
                    created += 1;
                    pool.add(new_session(None), (), false, NOW).unwrap();
                }
                Acquire::Missing => panic!("no id was asked for"),
            }
        }
        assert_eq!(created, 2);
        assert_eq!((pool.usable_count(NOW), pool.retired_count(NOW)), (10, 0));
    }

    #[test]
    fn take_payloads_empties_the_pool_and_hands_over_every_payload() {
        let mut pool: PoolCore<u32> = PoolCore::with_seed(5, None, 2);
        for i in 0..5 {
            assert_eq!(pool.acquire(None, NOW), Acquire::Create);
            pool.add(new_session(None), i, false, NOW).unwrap();
        }
        let mut payloads = pool.take_payloads();
        payloads.sort_unstable();
        assert_eq!(payloads, vec![0, 1, 2, 3, 4]);
        assert_eq!(pool.len(), 0);
        assert!(pool.slots_in_order().is_empty());
        assert_eq!(pool.acquire(None, NOW), Acquire::Create);
    }

    #[test]
    fn creates_until_full_then_picks_usable_ones() {
        let mut pool: PoolCore = PoolCore::with_seed(3, None, 1);
        fill(&mut pool, 3);
        for _ in 0..100 {
            assert!(matches!(pool.acquire(None, NOW), Acquire::Existing(_)));
        }
        assert_eq!((pool.usable_count(NOW), pool.retired_count(NOW)), (3, 0));
    }

    #[test]
    fn picking_an_unusable_session_evicts_all_unusable_ones() {
        let mut pool: PoolCore = PoolCore::with_seed(4, None, 7);
        let sessions = fill(&mut pool, 4);
        for s in &sessions[..3] {
            assert!(s.borrow_mut().retire());
        }
        assert_eq!((pool.usable_count(NOW), pool.retired_count(NOW)), (1, 3));
        // Keep picking until the random pick lands on a retired one.
        let mut saw_create = false;
        for _ in 0..200 {
            match pool.acquire(None, NOW) {
                Acquire::Existing(slot) => {
                    assert!(pool.session(slot).unwrap().borrow().is_usable(NOW))
                }
                Acquire::Create => {
                    saw_create = true;
                    break;
                }
                Acquire::Missing => unreachable!(),
            }
        }
        assert!(saw_create);
        assert_eq!((pool.len(), pool.retired_count(NOW)), (1, 0));
        assert_eq!(pool.take_evicted().len(), 3);
        assert!(sessions[0].borrow().membership().is_none());
        assert!(sessions[3].borrow().membership().is_some());
    }

    #[test]
    fn lookup_by_id_returns_only_usable_sessions() {
        let mut pool: PoolCore = PoolCore::new(10, None);
        let a = new_session(Some("a"));
        pool.add(a.clone(), (), true, NOW).unwrap();
        let slot = pool.slot_of("a").unwrap();
        assert_eq!(pool.acquire(Some("a"), NOW), Acquire::Existing(slot));
        assert_eq!(pool.acquire(Some("nope"), NOW), Acquire::Missing);
        assert!(a.borrow_mut().mark_bad(NOW) || a.borrow_mut().retire());
        assert_eq!(pool.acquire(Some("a"), NOW), Acquire::Missing);
        // An empty id acts as no id.
        assert_eq!(pool.acquire(Some(""), NOW), Acquire::Create);
    }

    #[test]
    fn duplicate_ids_and_double_membership_are_refused() {
        let mut pool: PoolCore = PoolCore::new(10, None);
        pool.add(new_session(Some("x")), (), true, NOW).unwrap();
        let e = pool.add(new_session(Some("x")), (), true, NOW).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Cannot add session with id 'x' as it already exists in the pool"
        );
        let s = new_session(Some("y"));
        pool.add(s.clone(), (), true, NOW).unwrap();
        let mut other: PoolCore = PoolCore::new(10, None);
        assert_eq!(
            other.add(s, (), true, NOW).unwrap_err(),
            PoolError::AlreadyInPool("y".into())
        );
    }

    #[test]
    fn add_session_may_exceed_max_pool_size_but_evicts_unusable_first() {
        let mut pool: PoolCore = PoolCore::new(2, None);
        let s = fill(&mut pool, 2);
        pool.add(new_session(None), (), true, NOW).unwrap();
        assert_eq!(pool.len(), 3);
        assert!(s[0].borrow_mut().retire());
        pool.add(new_session(None), (), true, NOW).unwrap();
        assert_eq!((pool.len(), pool.retired_count(NOW)), (3, 0));
    }

    #[test]
    fn expiry_counts_without_a_scan_and_only_once() {
        let mut pool: PoolCore = PoolCore::new(10, None);
        for (i, age) in [1.0, 2.0, 100.0].iter().enumerate() {
            let s = SessionCore::new(
                SessionParams {
                    id: Some(format!("s{i}")),
                    max_age_secs: Some(*age),
                    ..Default::default()
                },
                NOW,
            )
            .into_cell();
            pool.add(s, (), true, NOW).unwrap();
        }
        assert_eq!(pool.usable_count(NOW + 1_500.0), 2);
        assert_eq!(pool.retired_count(NOW + 2_000.0), 2);
        assert_eq!(pool.retired_count(NOW + 2_000.0), 2);
        // A mark on an already counted expired session retires it without counting it twice.
        let slot = pool.slot_of("s0").unwrap();
        assert!(pool
            .session(slot)
            .unwrap()
            .borrow_mut()
            .mark_good(NOW + 2_000.0));
        assert_eq!(pool.retired_count(NOW + 2_000.0), 2);
        assert_eq!(pool.usable_count(NOW + 2_000.0), 1);
    }

    #[test]
    fn unusable_session_added_counts_as_retired() {
        let mut pool: PoolCore = PoolCore::new(10, None);
        let s = SessionCore::new(
            SessionParams {
                usage_count: Some(50.0),
                ..Default::default()
            },
            NOW,
        )
        .into_cell();
        pool.add(s, (), true, NOW).unwrap();
        assert_eq!((pool.usable_count(NOW), pool.retired_count(NOW)), (0, 1));
    }

    #[test]
    fn slots_reuse_keeps_insertion_order_and_ids_consistent() {
        let mut pool: PoolCore = PoolCore::with_seed(3, None, 3);
        let s = fill(&mut pool, 3);
        let first_ids: Vec<String> = s.iter().map(|c| c.borrow().id().to_string()).collect();
        let order: Vec<String> = pool
            .slots_in_order()
            .iter()
            .map(|&sl| pool.session(sl).unwrap().borrow().id().to_string())
            .collect();
        assert_eq!(order, first_ids);
        assert!(s[1].borrow_mut().retire());
        pool.evict_unusable(NOW);
        let n = new_session(Some("new"));
        pool.add(n, (), false, NOW).unwrap();
        let order: Vec<String> = pool
            .slots_in_order()
            .iter()
            .map(|&sl| pool.session(sl).unwrap().borrow().id().to_string())
            .collect();
        assert_eq!(
            order,
            vec![
                first_ids[0].clone(),
                first_ids[2].clone(),
                "new".to_string()
            ]
        );
        assert!(pool.slot_of(&first_ids[1]).is_none());
    }

    #[test]
    fn churn_keeps_counters_equal_to_a_full_scan() {
        let mut pool: PoolCore = PoolCore::with_seed(50, None, 42);
        let mut rng = fastrand::Rng::with_seed(9);
        let mut now = NOW;
        for _ in 0..20_000 {
            now += 10.0;
            match pool.acquire(None, now) {
                Acquire::Create => {
                    let s = SessionCore::new(
                        SessionParams {
                            max_age_secs: Some(rng.f64() * 30.0),
                            ..Default::default()
                        },
                        now,
                    )
                    .into_cell();
                    pool.add(s, (), false, now).unwrap();
                }
                Acquire::Existing(slot) => {
                    let cell = pool.session(slot).unwrap().clone();
                    let mut s = cell.borrow_mut();
                    let r = rng.u32(0..100);
                    let _ = if r < 10 {
                        s.mark_bad(now)
                    } else if r < 12 {
                        s.retire()
                    } else {
                        s.mark_good(now)
                    };
                }
                Acquire::Missing => unreachable!(),
            }
            let scan_usable = pool
                .members
                .iter()
                .filter(|&&slot| pool.session(slot).unwrap().borrow().is_usable(now))
                .count();
            assert!(pool.len() <= 50);
            assert_eq!(pool.usable_count(now), scan_usable);
            assert_eq!(pool.retired_count(now), pool.len() - scan_usable);
        }
    }
}
