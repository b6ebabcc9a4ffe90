//! Attempt counters shared by every server of an installation.

use std::fmt;

use async_trait::async_trait;
use jiff::Timestamp;

use super::StoreError;

/// A counter's key: a keyed digest of what is counted (a bucket and a client address), never
/// the address itself.
pub type CounterKey = [u8; 32];

/// Attempt counters that every server of one installation shares (issue 19): the per-address
/// rate limits and the waits after wrong receipt codes. They are not records: `SQLite`'s (one
/// server) live in memory and `PostgreSQL`'s in unlogged tables, so a restart or a crash may
/// forget them — which gives a client a few more attempts, nothing else.
#[async_trait]
pub trait Counters: Send + Sync + fmt::Debug {
    /// Counts one attempt in the fixed window of length `window` that holds `now` (windows
    /// start at whole multiples of `window` since the epoch); returns the attempts counted in
    /// that window, this one included.
    async fn hit(
        &self,
        key: &CounterKey,
        window: jiff::SignedDuration,
        now: Timestamp,
    ) -> Result<u32, StoreError>;
    /// Counts one failure of `key`; returns the failures counted since it was last cleared.
    async fn fail(&self, key: &CounterKey, now: Timestamp) -> Result<u32, StoreError>;
    /// Makes `key` wait until `until` (a later wait already set stays).
    async fn wait_until(&self, key: &CounterKey, until: Timestamp) -> Result<(), StoreError>;
    /// Until when `key` waits, if a wait was set.
    async fn waiting_until(&self, key: &CounterKey) -> Result<Option<Timestamp>, StoreError>;
    /// Forgets `key`'s failures and wait.
    async fn clear(&self, key: &CounterKey) -> Result<(), StoreError>;
    /// Forgets the windows that have ended before `now`, and the failures last counted before
    /// `quiet_since` whose wait is over.
    async fn prune(&self, now: Timestamp, quiet_since: Timestamp) -> Result<(), StoreError>;
}
