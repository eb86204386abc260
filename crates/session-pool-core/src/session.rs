//! One session's scores, usage, expiry and retirement.
//!
//! The arithmetic is Crawlee's: `markGood` adds one use and heals the score by `errorScoreDecrement`,
//! `markBad` adds one use and one error, `retire` adds `maxErrorScore` and one use, and a mark that leaves the
//! session unusable retires it. Two things are deliberately stricter (README, "Differences from Crawlee"): the
//! score never drops below zero, and retirement is final, so a retired session ignores later marks and is
//! reported retired exactly once.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::options::{
    self, NumberRule, OptionError, OptionValue, ERROR_SCORE_DECREMENT, MAX_AGE_SECS,
    MAX_ERROR_SCORE, MAX_USAGE_COUNT,
};

/// A session shared between its JS object and the pool that holds it (both live on the JS thread).
pub type SessionCell = Rc<RefCell<SessionCore>>;

/// The list a pool keeps of its members that became unusable, so eviction and the counters never scan.
pub type DeadList = Rc<RefCell<Vec<u32>>>;

/// Every option name `new Session(options)` accepts (Crawlee 3's, plus the 0.18 name `errorCount`).
pub const SESSION_OPTION_NAMES: &[&str] = &[
    "sessionPool",
    "id",
    "cookieJar",
    "maxAgeSecs",
    "userData",
    "maxErrorScore",
    "errorScoreDecrement",
    "createdAt",
    "expiresAt",
    "usageCount",
    "errorScore",
    "errorCount",
    "maxUsageCount",
    "log",
];

/// The numeric and date options of a session, validated; `None` means "use the default".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionParams {
    pub id: Option<String>,
    pub max_age_secs: Option<f64>,
    pub max_error_score: Option<f64>,
    pub error_score_decrement: Option<f64>,
    pub created_at: Option<f64>,
    pub expires_at: Option<f64>,
    pub usage_count: Option<f64>,
    pub error_score: Option<f64>,
    pub max_usage_count: Option<f64>,
}

impl SessionParams {
    /// Validates the options of `new Session(options)` (or a pool's `sessionOptions`: `object` names the object
    /// in messages); `get` returns what the options object holds under a name. Object-valued options
    /// (`sessionPool`, `cookieJar`, `userData`, `log`) are checked by the caller, which keeps the JS values.
    pub fn from_options(
        object: &str,
        get: &dyn Fn(&str) -> OptionValue,
    ) -> Result<Self, OptionError> {
        let num = |name: &str, rule| options::optional_number(object, name, &get(name), rule);
        let error_score = match num("errorScore", NumberRule::NonNegative)? {
            Some(v) => Some(v),
            None => num("errorCount", NumberRule::NonNegative)?,
        };
        Ok(SessionParams {
            id: options::optional_string(object, "id", &get("id"))?,
            max_age_secs: num("maxAgeSecs", NumberRule::NonNegative)?,
            max_error_score: num("maxErrorScore", NumberRule::NonNegative)?,
            error_score_decrement: num("errorScoreDecrement", NumberRule::NonNegative)?,
            created_at: options::optional_date(object, "createdAt", &get("createdAt"))?,
            expires_at: options::optional_date(object, "expiresAt", &get("expiresAt"))?,
            usage_count: num("usageCount", NumberRule::NonNegativeInteger)?,
            error_score,
            max_usage_count: num("maxUsageCount", NumberRule::NonNegativeInteger)?,
        })
    }
}

/// Where a session sits in a pool: the pool's dead list, its slot and the pool's blocked status codes.
#[derive(Debug, Clone)]
pub struct Membership {
    pub dead_list: DeadList,
    pub slot: u32,
    pub blocked_status_codes: Rc<[f64]>,
}

/// A new random session id: `session_` and ten characters from [A-Za-z0-9], as Crawlee makes them.
pub fn random_session_id() -> String {
    let mut id = String::with_capacity(18);
    id.push_str("session_");
    for _ in 0..10 {
        id.push(fastrand::alphanumeric());
    }
    id
}

/// The state and rules of one session.
#[derive(Debug)]
pub struct SessionCore {
    /// Shared with the pool's id index and persistence snapshots, so neither copies it.
    id: Arc<str>,
    max_age_secs: f64,
    max_error_score: f64,
    error_score_decrement: f64,
    created_at: f64,
    expires_at: f64,
    usage_count: f64,
    max_usage_count: f64,
    error_score: f64,
    /// Latched once the session is seen unusable; the owning pool is told once.
    dead: bool,
    /// Set by the one retirement that is reported (`sessionRetired`).
    retired: bool,
    membership: Option<Membership>,
}

impl SessionCore {
    /// A session from validated options, with Crawlee's defaults; `expiresAt` defaults to now + `maxAgeSecs`.
    pub fn new(params: SessionParams, now_ms: f64) -> Self {
        let max_age_secs = params.max_age_secs.unwrap_or(MAX_AGE_SECS);
        let mut core = SessionCore {
            id: Arc::from(params.id.unwrap_or_else(random_session_id)),
            max_age_secs,
            max_error_score: params.max_error_score.unwrap_or(MAX_ERROR_SCORE),
            error_score_decrement: params
                .error_score_decrement
                .unwrap_or(ERROR_SCORE_DECREMENT),
            created_at: params.created_at.unwrap_or(now_ms),
            expires_at: params.expires_at.unwrap_or(now_ms + max_age_secs * 1000.0),
            usage_count: params.usage_count.unwrap_or(0.0),
            max_usage_count: params.max_usage_count.unwrap_or(MAX_USAGE_COUNT),
            error_score: params.error_score.unwrap_or(0.0),
            dead: false,
            retired: false,
            membership: None,
        };
        // A session born unusable (a restored blocked one, say) must not turn usable by healing later.
        if !core.raw_usable(now_ms) {
            core.dead = true;
        }
        core
    }

    /// Wraps a new session for sharing with a pool.
    pub fn into_cell(self) -> SessionCell {
        Rc::new(RefCell::new(self))
    }

    pub fn id(&self) -> &str {
        &self.id
    }
    /// The id as a shared string (no copy).
    pub fn shared_id(&self) -> Arc<str> {
        self.id.clone()
    }
    pub fn max_age_secs(&self) -> f64 {
        self.max_age_secs
    }
    pub fn max_error_score(&self) -> f64 {
        self.max_error_score
    }
    pub fn error_score_decrement(&self) -> f64 {
        self.error_score_decrement
    }
    pub fn created_at(&self) -> f64 {
        self.created_at
    }
    pub fn expires_at(&self) -> f64 {
        self.expires_at
    }
    pub fn usage_count(&self) -> f64 {
        self.usage_count
    }
    pub fn max_usage_count(&self) -> f64 {
        self.max_usage_count
    }
    pub fn error_score(&self) -> f64 {
        self.error_score
    }
    /// Whether the one reported retirement has happened.
    pub fn is_retired(&self) -> bool {
        self.retired
    }
    pub fn membership(&self) -> Option<&Membership> {
        self.membership.as_ref()
    }

    pub fn is_blocked(&self) -> bool {
        self.error_score >= self.max_error_score
    }
    /// Expired when `expiresAt <= now`, so `maxAgeSecs: 0` is expired at once.
    pub fn is_expired(&self, now_ms: f64) -> bool {
        self.expires_at <= now_ms
    }
    pub fn is_max_usage_count_reached(&self) -> bool {
        self.usage_count >= self.max_usage_count
    }
    pub fn is_usable(&self, now_ms: f64) -> bool {
        !self.dead && self.raw_usable(now_ms)
    }
    fn raw_usable(&self, now_ms: f64) -> bool {
        !self.is_blocked() && !self.is_expired(now_ms) && !self.is_max_usage_count_reached()
    }

    /// A successful use. Returns true when this call retired the session.
    #[must_use]
    pub fn mark_good(&mut self, now_ms: f64) -> bool {
        if self.retired {
            return false;
        }
        self.usage_count += 1.0;
        if self.error_score > 0.0 {
            self.error_score = (self.error_score - self.error_score_decrement).max(0.0);
        }
        self.maybe_self_retire(now_ms)
    }

    /// A failed use. Returns true when this call retired the session.
    #[must_use]
    pub fn mark_bad(&mut self, now_ms: f64) -> bool {
        if self.retired {
            return false;
        }
        self.error_score += 1.0;
        self.usage_count += 1.0;
        self.maybe_self_retire(now_ms)
    }

    /// Retires the session. Returns true when this call retired it (false if it already was).
    #[must_use]
    pub fn retire(&mut self) -> bool {
        if self.retired {
            return false;
        }
        self.error_score += self.max_error_score;
        self.usage_count += 1.0;
        self.retired = true;
        self.latch_dead();
        true
    }

    /// Retires the session when `status_code` is in `blocked` or `extra`. Returns
    /// `(is_blocked_code, retired_by_this_call)`.
    #[must_use]
    pub fn retire_on_blocked_status_codes(
        &mut self,
        status_code: f64,
        blocked: &[f64],
        extra: &[f64],
    ) -> (bool, bool) {
        let hit = blocked.contains(&status_code) || extra.contains(&status_code);
        if hit {
            (true, self.retire())
        } else {
            (false, false)
        }
    }

    /// Lets the owning pool learn that time made this session unusable (expiry needs no call to happen).
    pub fn observe(&mut self, now_ms: f64) {
        if !self.dead && !self.raw_usable(now_ms) {
            self.latch_dead();
        }
    }

    /// Whether the session has been counted as unusable.
    pub fn is_dead(&self) -> bool {
        self.dead
    }

    fn maybe_self_retire(&mut self, now_ms: f64) -> bool {
        if self.is_usable(now_ms) {
            false
        } else {
            self.retire()
        }
    }

    fn latch_dead(&mut self) {
        if self.dead {
            return;
        }
        self.dead = true;
        if let Some(m) = &self.membership {
            m.dead_list.borrow_mut().push(m.slot);
        }
    }

    /// Called by the pool when the session joins it; a session already counted dead goes on the list now.
    pub(crate) fn join(&mut self, membership: Membership) {
        if self.dead {
            membership.dead_list.borrow_mut().push(membership.slot);
        }
        self.membership = Some(membership);
    }

    /// Called by the pool when it evicts the session.
    pub(crate) fn leave(&mut self) {
        self.membership = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_700_000_000_000.0;

    fn session() -> SessionCore {
        SessionCore::new(SessionParams::default(), NOW)
    }

    #[test]
    fn defaults_are_crawlees() {
        let s = session();
        assert!(s.id().starts_with("session_") && s.id().len() == 18);
        assert!(s.id()[8..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(s.max_age_secs(), 3000.0);
        assert_eq!(s.max_error_score(), 3.0);
        assert_eq!(s.error_score_decrement(), 0.5);
        assert_eq!(s.max_usage_count(), 50.0);
        assert_eq!(s.created_at(), NOW);
        assert_eq!(s.expires_at(), NOW + 3_000_000.0);
        assert_eq!((s.usage_count(), s.error_score()), (0.0, 0.0));
        assert!(s.is_usable(NOW));
    }

    #[test]
    fn ids_differ() {
        assert_ne!(session().id(), session().id());
    }

    #[test]
    fn mark_bad_three_times_blocks_and_retires_with_crawlees_arithmetic() {
        let mut s = session();
        assert!(!s.mark_bad(NOW));
        assert!(!s.mark_bad(NOW));
        assert_eq!((s.error_score(), s.usage_count()), (2.0, 2.0));
        // The third error blocks it; self-retirement then adds maxErrorScore and one more use.
        assert!(s.mark_bad(NOW));
        assert_eq!((s.error_score(), s.usage_count()), (6.0, 4.0));
        assert!(s.is_blocked() && !s.is_usable(NOW) && s.is_retired());
    }

    #[test]
    fn mark_good_heals_but_never_below_zero() {
        let mut s = session();
        assert!(!s.mark_bad(NOW));
        assert!(!s.mark_good(NOW));
        assert_eq!((s.error_score(), s.usage_count()), (0.5, 2.0));
        assert!(!s.mark_good(NOW));
        assert_eq!(s.error_score(), 0.0);
        let mut s = SessionCore::new(
            SessionParams {
                error_score: Some(0.2),
                ..Default::default()
            },
            NOW,
        );
        assert!(!s.mark_good(NOW));
        assert_eq!(s.error_score(), 0.0);
    }

    #[test]
    fn retire_is_final_and_reported_once() {
        let mut s = session();
        assert!(s.retire());
        assert_eq!((s.error_score(), s.usage_count()), (3.0, 1.0));
        assert!(!s.retire());
        assert!(!s.mark_good(NOW));
        assert!(!s.mark_bad(NOW));
        assert_eq!((s.error_score(), s.usage_count()), (3.0, 1.0));
        assert!(!s.is_usable(NOW));
    }

    #[test]
    fn max_usage_count_retires_on_the_last_use() {
        let mut s = SessionCore::new(
            SessionParams {
                max_usage_count: Some(2.0),
                ..Default::default()
            },
            NOW,
        );
        assert!(!s.mark_good(NOW));
        assert!(s.mark_good(NOW));
        assert!(s.is_max_usage_count_reached());
        assert_eq!(s.usage_count(), 3.0);
    }

    #[test]
    fn expiry_is_inclusive_and_zero_age_is_expired_at_once() {
        let s = SessionCore::new(
            SessionParams {
                max_age_secs: Some(0.0),
                ..Default::default()
            },
            NOW,
        );
        assert!(s.is_expired(NOW) && !s.is_usable(NOW));
        let s = SessionCore::new(
            SessionParams {
                max_age_secs: Some(10.0),
                ..Default::default()
            },
            NOW,
        );
        assert!(!s.is_expired(NOW + 9_999.0));
        assert!(s.is_expired(NOW + 10_000.0));
    }

    #[test]
    fn a_mark_on_an_expired_session_retires_it() {
        let mut s = SessionCore::new(
            SessionParams {
                max_age_secs: Some(1.0),
                ..Default::default()
            },
            NOW,
        );
        assert!(s.mark_good(NOW + 5_000.0));
        assert_eq!((s.error_score(), s.usage_count()), (3.0, 2.0));
    }

    #[test]
    fn born_unusable_stays_unusable_after_healing() {
        let mut s = SessionCore::new(
            SessionParams {
                error_score: Some(3.0),
                ..Default::default()
            },
            NOW,
        );
        assert!(!s.is_usable(NOW));
        // Crawlee: heal, then retire because still unusable.
        assert!(s.mark_good(NOW));
        assert!(!s.is_usable(NOW));
    }

    #[test]
    fn blocked_status_codes_use_both_lists() {
        let mut s = session();
        assert_eq!(
            s.retire_on_blocked_status_codes(200.0, &[401.0, 403.0], &[500.0]),
            (false, false)
        );
        assert_eq!(
            s.retire_on_blocked_status_codes(500.0, &[401.0, 403.0], &[500.0]),
            (true, true)
        );
        assert_eq!(
            s.retire_on_blocked_status_codes(403.0, &[401.0, 403.0], &[]),
            (true, false)
        );
    }

    #[test]
    fn options_validation_and_error_count_alias() {
        let get = |name: &str| match name {
            "errorCount" => OptionValue::Number(2.0),
            "id" => OptionValue::String("abc".into()),
            _ => OptionValue::Undefined,
        };
        let p = SessionParams::from_options("options", &get).unwrap();
        assert_eq!(p.error_score, Some(2.0));
        assert_eq!(p.id.as_deref(), Some("abc"));
        let bad = |name: &str| match name {
            "usageCount" => OptionValue::Number(-1.0),
            _ => OptionValue::Undefined,
        };
        assert!(SessionParams::from_options("options", &bad)
            .unwrap_err()
            .0
            .contains("`usageCount`"));
        let bad = |name: &str| match name {
            "createdAt" => OptionValue::String("x".into()),
            _ => OptionValue::Undefined,
        };
        assert!(SessionParams::from_options("options", &bad)
            .unwrap_err()
            .0
            .contains("`createdAt`"));
    }

    #[test]
    fn dead_latch_reports_to_the_pool_list_once() {
        let list: DeadList = Rc::new(RefCell::new(Vec::new()));
        let mut s = session();
        s.join(Membership {
            dead_list: list.clone(),
            slot: 7,
            blocked_status_codes: Rc::from(vec![]),
        });
        assert!(s.retire());
        s.observe(NOW + 1e12);
        assert_eq!(*list.borrow(), vec![7]);
    }
}
