//! Wrong receipt codes, counted per locator *and* client address, with back-off (issue 17).
//!
//! A lock per report let anyone who knew a report's 8-digit locator lock its reporter out for an
//! hour, again and again, and a locked report answered faster than an open one. Guessing a
//! code is hopeless anyway (10^16 secrets behind each locator, an Argon2 verification per guess,
//! a per-address rate limit), so the throttle only needs to slow one client down on one
//! locator: after `max` wrong codes from one address for one locator, that pair waits
//! `base`, doubling with every further failure up to a day; while it waits, a wrong code is
//! answered "wait" without being counted, and the right code still opens the report (the
//! reporter may share the address). Another address is not affected. Locators that do not
//! exist are throttled alike, and every answer costs one Argon2 verification, so neither the
//! throttle nor the timing tells which locators exist.
//!
//! The counts live in memory (bounded; quiet pairs are forgotten): a restart or a second
//! server gives a client a few more guesses, which changes nothing against 10^16.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

/// At most this many pairs are remembered; beyond it, pairs without a running wait go first.
const CAPACITY: usize = 100_000;
/// The longest wait.
const MAX_WAIT: SignedDuration = SignedDuration::from_hours(24);

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    blocked_until: Option<Timestamp>,
    last: Timestamp,
}

#[derive(Debug)]
pub(crate) struct ReceiptThrottle {
    max: u32,
    base: SignedDuration,
    pairs: Mutex<HashMap<(String, IpAddr), Entry>>,
}

impl ReceiptThrottle {
    pub(crate) fn new(max: i64, base: SignedDuration) -> Self {
        Self {
            max: u32::try_from(max.max(1)).unwrap_or(u32::MAX),
            base,
            pairs: Mutex::new(HashMap::new()),
        }
    }

    fn pairs(&self) -> std::sync::MutexGuard<'_, HashMap<(String, IpAddr), Entry>> {
        self.pairs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Must this address wait before trying this locator again?
    pub(crate) fn waiting(&self, locator: &str, ip: IpAddr, now: Timestamp) -> bool {
        self.pairs()
            .get(&(locator.to_owned(), ip))
            .and_then(|e| e.blocked_until)
            .is_some_and(|until| until > now)
    }

    /// Counts a wrong code; from the `max`-th on, the pair waits, twice as long each time.
    pub(crate) fn failed(&self, locator: &str, ip: IpAddr, now: Timestamp) {
        let mut pairs = self.pairs();
        if pairs.len() >= CAPACITY {
            pairs.retain(|_, e| e.blocked_until.is_some_and(|u| u > now));
            if pairs.len() >= CAPACITY && !pairs.contains_key(&(locator.to_owned(), ip)) {
                // Full of waiting pairs: a new one goes uncounted rather than grow the map
                // (guessing stays hopeless; the per-address rate limit still applies).
                return;
            }
        }
        let e = pairs.entry((locator.to_owned(), ip)).or_insert(Entry {
            failures: 0,
            blocked_until: None,
            last: now,
        });
        e.failures = e.failures.saturating_add(1);
        e.last = now;
        if e.failures >= self.max {
            let doublings = (e.failures - self.max).min(20);
            let wait = self
                .base
                .checked_mul(1 << doublings)
                .unwrap_or(MAX_WAIT)
                .min(MAX_WAIT);
            e.blocked_until = Some(now + wait);
        }
    }

    /// A right code clears the pair's count.
    pub(crate) fn succeeded(&self, locator: &str, ip: IpAddr) {
        self.pairs().remove(&(locator.to_owned(), ip));
    }

    /// Forgets pairs quiet for a day whose wait is over.
    pub(crate) fn prune(&self, now: Timestamp) {
        self.pairs()
            .retain(|_, e| e.blocked_until.is_some_and(|u| u > now) || e.last + MAX_WAIT > now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_waits_after_max_failures_doubling_and_other_addresses_do_not() {
        let t = ReceiptThrottle::new(3, SignedDuration::from_mins(10));
        let (a, b): (IpAddr, IpAddr) = (
            "198.51.100.1".parse().unwrap(),
            "198.51.100.2".parse().unwrap(),
        );
        let now: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        for _ in 0..2 {
            t.failed("12345678", a, now);
        }
        assert!(!t.waiting("12345678", a, now));
        t.failed("12345678", a, now);
        assert!(t.waiting("12345678", a, now));
        assert!(!t.waiting("12345678", b, now), "another address");
        assert!(!t.waiting("87654321", a, now), "another locator");
        assert!(!t.waiting("12345678", a, now + SignedDuration::from_mins(10)));
        t.failed("12345678", a, now + SignedDuration::from_mins(10));
        assert!(t.waiting("12345678", a, now + SignedDuration::from_mins(29)));
        assert!(!t.waiting("12345678", a, now + SignedDuration::from_mins(30)));
        for _ in 0..40 {
            t.failed("12345678", a, now);
        }
        assert!(!t.waiting("12345678", a, now + MAX_WAIT), "capped at a day");
        t.succeeded("12345678", a);
        assert!(!t.waiting("12345678", a, now));
        t.failed("11111111", b, now);
        t.prune(now + SignedDuration::from_hours(25));
        assert!(t.pairs().is_empty());
    }
}
