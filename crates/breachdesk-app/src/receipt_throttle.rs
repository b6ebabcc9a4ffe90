//! Wrong receipt codes, counted per locator *and* client address, with back-off (issue 17), in
//! the installation's shared attempt counters (issue 19: every server counts alike).
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
//! The pair is stored as a keyed digest ([`MasterKeyring::pseudonym`]), never as the address.

use std::net::IpAddr;

use breachdesk_core::ports::{CounterKey, Counters, StoreError};
use breachdesk_crypto::MasterKeyring;
use jiff::{SignedDuration, Timestamp};

/// The longest wait.
pub(crate) const MAX_WAIT: SignedDuration = SignedDuration::from_hours(24);

#[derive(Debug)]
pub(crate) struct ReceiptThrottle {
    max: u32,
    base: SignedDuration,
}

impl ReceiptThrottle {
    pub(crate) fn new(max: i64, base: SignedDuration) -> Self {
        Self {
            max: u32::try_from(max.max(1)).unwrap_or(u32::MAX),
            base,
        }
    }

    /// The counters' key of a locator and a client address.
    pub(crate) fn key(keyring: &MasterKeyring, locator: &str, ip: IpAddr) -> CounterKey {
        keyring.pseudonym(&[b"receipt", locator.as_bytes(), ip.to_string().as_bytes()])
    }

    /// How long a pair waits after its `failures`-th wrong code: nothing before the `max`-th,
    /// then `base`, twice as long with each further one, at most a day.
    pub(crate) fn wait_after(&self, failures: u32) -> Option<SignedDuration> {
        if failures < self.max {
            return None;
        }
        let doublings = (failures - self.max).min(20);
        Some(
            self.base
                .checked_mul(1 << doublings)
                .unwrap_or(MAX_WAIT)
                .min(MAX_WAIT),
        )
    }

    /// Must this pair wait before trying again?
    pub(crate) async fn waiting(
        &self,
        counters: &dyn Counters,
        key: &CounterKey,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        Ok(counters.waiting_until(key).await?.is_some_and(|u| u > now))
    }

    /// Counts a wrong code; from the `max`-th on, the pair waits.
    pub(crate) async fn failed(
        &self,
        counters: &dyn Counters,
        key: &CounterKey,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let failures = counters.fail(key, now).await?;
        if let Some(wait) = self.wait_after(failures) {
            counters.wait_until(key, now + wait).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_waits_from_the_max_th_failure_doubling_up_to_a_day() {
        let t = ReceiptThrottle::new(3, SignedDuration::from_mins(10));
        assert_eq!(t.wait_after(1), None);
        assert_eq!(t.wait_after(2), None);
        assert_eq!(t.wait_after(3), Some(SignedDuration::from_mins(10)));
        assert_eq!(t.wait_after(4), Some(SignedDuration::from_mins(20)));
        assert_eq!(t.wait_after(6), Some(SignedDuration::from_mins(80)));
        assert_eq!(t.wait_after(40), Some(MAX_WAIT));
        assert_eq!(t.wait_after(u32::MAX), Some(MAX_WAIT));
    }
}
