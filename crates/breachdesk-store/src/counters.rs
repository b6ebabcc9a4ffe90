//! The attempt counters of a single server ([`Counters`] in memory), for `SQLite`: one file, one
//! machine, one `serve` process. Bounded: beyond [`CAPACITY`] keys per map, what has run out
//! goes first (looked for at most once a second), and when nothing has, new keys share one
//! overflow counter — limited together rather than not at all, and the map does not grow.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use breachdesk_core::ports::{CounterKey, Counters, StoreError};
use jiff::{SignedDuration, Timestamp};

/// At most this many keys are remembered in each map.
const CAPACITY: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start: i64,
    end: Timestamp,
    hits: u32,
}

#[derive(Debug, Clone, Copy)]
struct Failed {
    count: u32,
    wait_until: Option<Timestamp>,
    last: Timestamp,
}

#[derive(Debug, Default)]
pub struct MemoryCounters {
    windows: Mutex<HashMap<CounterKey, Window>>,
    failures: Mutex<HashMap<CounterKey, Failed>>,
    /// When a full map was last swept (at most once a second, so that a flood of new keys
    /// cannot make every request scan the map).
    swept: Mutex<Option<Timestamp>>,
}

/// The key new clients share while the map is full.
const OVERFLOW: CounterKey = [0xff; 32];

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The start (seconds since the epoch) and end of the window of length `window` holding `now`.
pub(crate) fn window_of(
    window: SignedDuration,
    now: Timestamp,
) -> Result<(i64, Timestamp), StoreError> {
    let len = window.as_secs().max(1);
    let start = now.as_second().div_euclid(len) * len;
    let end = Timestamp::from_second(start.saturating_add(len))
        .map_err(|e| StoreError::Other(Box::new(e)))?;
    Ok((start, end))
}

impl MemoryCounters {
    /// May a full map be swept now? At most once a second.
    fn sweep_due(&self, now: Timestamp) -> bool {
        let mut swept = lock(&self.swept);
        if swept.is_some_and(|t| now.duration_since(t) < SignedDuration::from_secs(1)) {
            return false;
        }
        *swept = Some(now);
        true
    }
}

#[async_trait]
impl Counters for MemoryCounters {
    async fn hit(
        &self,
        key: &CounterKey,
        window: SignedDuration,
        now: Timestamp,
    ) -> Result<u32, StoreError> {
        let (start, end) = window_of(window, now)?;
        let mut windows = lock(&self.windows);
        let mut key = key;
        if windows.len() >= CAPACITY && !windows.contains_key(key) {
            if self.sweep_due(now) {
                windows.retain(|_, w| w.end > now);
            }
            if windows.len() >= CAPACITY {
                key = &OVERFLOW;
            }
        }
        let w = windows.entry(*key).or_insert(Window {
            start,
            end,
            hits: 0,
        });
        if w.start != start {
            *w = Window {
                start,
                end,
                hits: 0,
            };
        }
        w.hits = w.hits.saturating_add(1);
        Ok(w.hits)
    }

    async fn fail(&self, key: &CounterKey, now: Timestamp) -> Result<u32, StoreError> {
        let mut failures = lock(&self.failures);
        if failures.len() >= CAPACITY && !failures.contains_key(key) {
            if self.sweep_due(now) {
                failures.retain(|_, f| f.wait_until.is_some_and(|u| u > now));
            }
            if failures.len() >= CAPACITY {
                // Full of waiting pairs: this failure goes uncounted (a wrong receipt code is
                // hopeless anyway, and the per-address rate limit still applies).
                return Ok(0);
            }
        }
        let f = failures.entry(*key).or_insert(Failed {
            count: 0,
            wait_until: None,
            last: now,
        });
        f.count = f.count.saturating_add(1);
        f.last = now;
        Ok(f.count)
    }

    async fn wait_until(&self, key: &CounterKey, until: Timestamp) -> Result<(), StoreError> {
        if let Some(f) = lock(&self.failures).get_mut(key) {
            f.wait_until = Some(f.wait_until.map_or(until, |u| u.max(until)));
        }
        Ok(())
    }

    async fn waiting_until(&self, key: &CounterKey) -> Result<Option<Timestamp>, StoreError> {
        Ok(lock(&self.failures).get(key).and_then(|f| f.wait_until))
    }

    async fn clear(&self, key: &CounterKey) -> Result<(), StoreError> {
        lock(&self.failures).remove(key);
        Ok(())
    }

    async fn prune(&self, now: Timestamp, quiet_since: Timestamp) -> Result<(), StoreError> {
        lock(&self.windows).retain(|_, w| w.end > now);
        lock(&self.failures)
            .retain(|_, f| f.wait_until.is_some_and(|u| u > now) || f.last >= quiet_since);
        let mut w = lock(&self.windows);
        w.shrink_to_fit();
        drop(w);
        lock(&self.failures).shrink_to_fit();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_map_counts_new_clients_together_instead_of_not_at_all() {
        let c = MemoryCounters::default();
        let minute = SignedDuration::from_mins(1);
        let now: Timestamp = "2026-12-05T10:00:10Z".parse().unwrap();
        for i in 0..CAPACITY {
            let mut k = [0u8; 32];
            k[..8].copy_from_slice(&(i as u64).to_be_bytes());
            c.hit(&k, minute, now).await.unwrap();
        }
        // Two new clients while every counted window still runs: they share one counter.
        assert_eq!(c.hit(&[7; 32], minute, now).await.unwrap(), 1);
        assert_eq!(c.hit(&[8; 32], minute, now).await.unwrap(), 2);
        assert_eq!(
            lock(&c.windows).len(),
            CAPACITY + 1,
            "the map does not grow further"
        );
        // A known client still has its own.
        let mut k = [0u8; 32];
        k[..8].copy_from_slice(&5u64.to_be_bytes());
        assert_eq!(c.hit(&k, minute, now).await.unwrap(), 2);
        // Once the windows have ended (and a second has passed), new clients count alone.
        let later = now + SignedDuration::from_mins(2);
        assert_eq!(c.hit(&[9; 32], minute, later).await.unwrap(), 1);
        assert_eq!(c.hit(&[9; 32], minute, later).await.unwrap(), 2);
        assert_eq!(c.hit(&[10; 32], minute, later).await.unwrap(), 1);
    }
}
