//! Limits on what hostile files can make the scanner inflate and hold.
//!
//! - [`Budget`]: the decompressed bytes held at once by the whole scan, across nesting levels
//!   and threads (archive members, gzip content, office parts that are read whole, PDF page
//!   content). Bytes are reserved before they are inflated and released when they are dropped.
//! - [`Expansion`]: the bytes one file on disk may inflate to in all, across its nesting levels
//!   (a CPU and time bound: a member read and dropped still counts).

use std::cell::Cell;
use std::io::Read;
use std::sync::{Condvar, Mutex};

/// The decompressed bytes the whole scan may hold at once.
#[derive(Debug)]
pub struct Budget {
    total: u64,
    left: Mutex<u64>,
    freed: Condvar,
}

/// Bytes held from a [`Budget`], given back when dropped.
#[derive(Debug)]
pub struct Reserved<'b> {
    budget: &'b Budget,
    bytes: u64,
}

impl Budget {
    #[must_use]
    pub fn new(total: u64) -> Self {
        Self {
            total,
            left: Mutex::new(total),
            freed: Condvar::new(),
        }
    }

    /// The budget's size.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.total
    }

    fn left(&self) -> std::sync::MutexGuard<'_, u64> {
        self.left
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reserves `bytes`. When they are not free: `None`, unless `wait` — the caller holds
    /// nothing of the budget (a member of a file at the top), then it waits for other threads
    /// to give theirs back. Callers that hold some never wait, so waiting cannot deadlock.
    /// More than the whole budget is never given.
    pub fn reserve(&self, bytes: u64, wait: bool) -> Option<Reserved<'_>> {
        if bytes > self.total {
            return None;
        }
        let mut left = self.left();
        while *left < bytes {
            if !wait {
                return None;
            }
            left = self
                .freed
                .wait(left)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *left -= bytes;
        Some(Reserved {
            budget: self,
            bytes,
        })
    }
}

impl Reserved<'_> {
    /// Reserves `more` bytes too, without waiting; false when they are not free.
    pub fn grow(&mut self, more: u64) -> bool {
        let mut left = self.budget.left();
        if *left < more {
            return false;
        }
        *left -= more;
        self.bytes += more;
        true
    }

    /// Gives back what is held beyond `bytes`.
    pub fn shrink_to(&mut self, bytes: u64) {
        if bytes < self.bytes {
            *self.budget.left() += self.bytes - bytes;
            self.bytes = bytes;
            self.budget.freed.notify_all();
        }
    }

    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}

impl Drop for Reserved<'_> {
    fn drop(&mut self) {
        self.shrink_to(0);
    }
}

/// What one file on disk may still inflate to, across all its nesting levels.
#[derive(Debug)]
pub struct Expansion {
    limit: u64,
    left: Cell<u64>,
}

/// A file may inflate to at most this many times its own size …
pub const MAX_EXPANSION: u64 = 200;
/// … and never beyond this.
pub const MAX_EXPANDED_TOTAL: u64 = 4 * 1024 * 1024 * 1024;

impl Expansion {
    /// For a file of `size` bytes on disk.
    #[must_use]
    pub fn of(size: u64) -> Self {
        let limit = size
            .max(64 * 1024)
            .saturating_mul(MAX_EXPANSION)
            .min(MAX_EXPANDED_TOTAL);
        Self {
            limit,
            left: Cell::new(limit),
        }
    }

    #[must_use]
    pub fn left(&self) -> u64 {
        self.left.get()
    }

    #[must_use]
    pub fn limit(&self) -> u64 {
        self.limit
    }

    pub fn spend(&self, bytes: u64) {
        self.left.set(self.left.get().saturating_sub(bytes));
    }
}

/// The limits in force for one file on disk and everything inside it.
#[derive(Debug)]
pub struct Limits<'s> {
    pub budget: &'s Budget,
    pub expansion: Expansion,
    /// Whole-file limit (`Options::max_file_bytes`): no member is inflated beyond it.
    pub max_member: u64,
}

/// Bytes read from a decompressing reader, and what they hold of the budget.
pub type Held<'b> = (Vec<u8>, Reserved<'b>);

impl<'s> Limits<'s> {
    /// Reads `reader` whole, within the limits: `declared` is the size it announces when that
    /// is enforced by the reader (a ZIP member), reserved before anything is inflated; an
    /// unknown size is reserved as it is read. `top` says the caller holds nothing of the
    /// budget yet (a member of a file on disk), and so may wait for it.
    pub fn read(
        &self,
        mut reader: impl Read,
        declared: Option<u64>,
        top: bool,
    ) -> Result<Held<'s>, String> {
        let limit = self.max_member.min(self.expansion.left());
        let beyond = |limit: u64| {
            if limit == self.max_member {
                format!("expands beyond the limit of {limit} bytes")
            } else {
                format!(
                    "expands beyond what its archive may expand to ({} bytes in all, {MAX_EXPANSION} \
                     times its size at most)",
                    self.expansion.limit()
                )
            }
        };
        if let Some(size) = declared
            && size > limit
        {
            return Err(beyond(limit));
        }
        let first = declared.unwrap_or(0).min(limit);
        let Some(mut held) = self.budget.reserve(first, top) else {
            return Err(self.exhausted());
        };
        let mut out = Vec::with_capacity(usize::try_from(first).unwrap_or(0));
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(format!("cannot be decompressed: {e}")),
            };
            let len = out.len() as u64 + n as u64;
            if len > limit {
                self.expansion.spend(len);
                return Err(beyond(limit));
            }
            if len > held.bytes() && !held.grow(len - held.bytes()) {
                return Err(self.exhausted());
            }
            out.extend_from_slice(&chunk[..n]);
        }
        self.expansion.spend(out.len() as u64);
        held.shrink_to(out.len() as u64);
        Ok((out, held))
    }

    /// Reserves `bytes` of the budget for what a parser will inflate and hold itself.
    pub fn reserve(&self, bytes: u64, top: bool) -> Result<Reserved<'s>, String> {
        self.budget
            .reserve(bytes, top)
            .ok_or_else(|| self.exhausted())
    }

    /// The reason for a reservation that does not fit.
    pub fn exhausted(&self) -> String {
        format!(
            "expands beyond the scan's budget of {} decompressed bytes held at once",
            self.budget.total()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_are_given_back_and_never_exceed_the_budget() {
        let b = Budget::new(100);
        let mut a = b.reserve(60, false).unwrap();
        assert!(b.reserve(50, false).is_none());
        assert!(b.reserve(101, true).is_none(), "more than the whole never");
        assert!(a.grow(40));
        assert!(!a.grow(1));
        a.shrink_to(10);
        let c = b.reserve(90, false).unwrap();
        drop(a);
        drop(c);
        assert!(b.reserve(100, false).is_some());
        // A waiting reservation is served when another thread gives back.
        let held = b.reserve(100, false).unwrap();
        std::thread::scope(|s| {
            let t = s.spawn(|| b.reserve(70, true).map(|r| r.bytes()));
            std::thread::sleep(std::time::Duration::from_millis(20));
            drop(held);
            assert_eq!(t.join().unwrap(), Some(70));
        });
    }

    #[test]
    fn a_reader_beyond_its_limits_is_refused() {
        let b = Budget::new(1000);
        let limits = Limits {
            budget: &b,
            expansion: Expansion::of(1),
            max_member: 500,
        };
        let (bytes, held) = limits.read(&[7u8; 400][..], None, true).unwrap();
        assert_eq!((bytes.len(), held.bytes()), (400, 400));
        assert!(
            limits
                .read(&[7u8; 700][..], None, false)
                .unwrap_err()
                .contains("limit of 500")
        );
        assert!(limits.read(&[0u8; 10][..], Some(501), false).is_err());
        // 400 held: 700 more would go beyond the scan's budget.
        let small = Limits {
            budget: &b,
            expansion: Expansion::of(1),
            max_member: 900,
        };
        assert!(
            small
                .read(&[7u8; 700][..], None, false)
                .unwrap_err()
                .contains("budget")
        );
        drop(held);
        assert!(small.read(&[7u8; 700][..], None, false).is_ok());
    }
}
