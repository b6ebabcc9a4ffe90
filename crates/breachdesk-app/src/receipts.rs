//! A pool of receipt codes hashed ahead of time.
//!
//! Hashing a receipt code with Argon2id at OWASP parameters costs ~20 ms of a core and dominates
//! the cost of an intake. Codes are random and independent of the report, so one background
//! thread makes them while the server is idle and keeps up to `capacity` ready; a burst of
//! reports (say, a mass phishing mail that hundreds of staff report within minutes) is then
//! answered at the speed of sealing and committing. When the pool is empty, intake hashes inline
//! as before, so the sustained rate is unchanged. Pooled codes live only in memory, are zeroized
//! when dropped, and are lost harmlessly on exit: a code reaches the database (as its hash) only
//! when a report that uses it commits.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use breachdesk_core::intake::IssuedReceipt;
use breachdesk_core::ports::SecretHasher;

pub(crate) struct ReceiptPool {
    ready: Mutex<Receiver<IssuedReceipt>>,
    /// How many are waiting.
    count: Arc<AtomicUsize>,
}

impl std::fmt::Debug for ReceiptPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReceiptPool")
    }
}

fn fill(hasher: &dyn SecretHasher, tx: &SyncSender<IssuedReceipt>, count: &AtomicUsize) {
    loop {
        let mut item = IssuedReceipt::new(hasher);
        // Blocks while the pool is full; ends when the pool (the server) is gone.
        loop {
            match tx.try_send(item) {
                Ok(()) => {
                    count.fetch_add(1, Ordering::Relaxed);
                    break;
                }
                Err(TrySendError::Full(back)) => {
                    item = back;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

impl ReceiptPool {
    /// Starts the filling thread; `None` when `capacity` is 0 (pool switched off).
    pub(crate) fn start(hasher: Arc<dyn SecretHasher>, capacity: usize) -> Option<Self> {
        if capacity == 0 {
            return None;
        }
        let (tx, rx) = sync_channel(capacity);
        let count = Arc::new(AtomicUsize::new(0));
        let filled = count.clone();
        let spawned = std::thread::Builder::new()
            .name("receipt-pool".into())
            .spawn(move || fill(&*hasher, &tx, &filled));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "receipt pool thread could not start; hashing inline");
            return None;
        }
        Some(Self {
            ready: Mutex::new(rx),
            count,
        })
    }

    /// A ready receipt, if one is waiting.
    pub(crate) fn take(&self) -> Option<IssuedReceipt> {
        let taken = self.ready.lock().ok()?.try_recv().ok();
        if taken.is_some() {
            // (The filler counts after sending, so a taken one may not be counted yet.)
            let _ = self
                .count
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        }
        taken
    }

    /// How many receipts are ready.
    pub(crate) fn ready(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use breachdesk_crypto::{Argon2Hasher, HashCost};

    use super::*;

    #[test]
    fn pooled_receipts_verify_against_their_own_hash_and_are_all_different() {
        let hasher: Arc<dyn SecretHasher> = Arc::new(Argon2Hasher::new(HashCost::Test));
        let pool = ReceiptPool::start(hasher.clone(), 4).unwrap();
        let mut seen = Vec::new();
        while seen.len() < 6 {
            if let Some(r) = pool.take() {
                assert!(hasher.verify(r.code.expose_secret(), &r.hash));
                let other = IssuedReceipt::new(&*hasher);
                assert!(!hasher.verify(other.code.expose_secret(), &r.hash));
                seen.push(r.code.expose_display());
            } else {
                std::thread::yield_now();
            }
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 6);
        assert!(ReceiptPool::start(hasher, 0).is_none());
    }
}
