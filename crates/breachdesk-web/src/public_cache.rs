//! The published notices' pages, kept for a minute: a notice in the news is read by many, and
//! each page opens sealed entries (the index up to 100 cases'), so a burst of readers must not
//! become a burst of decryptions. Bounded (the oldest page goes first), per server; an approval
//! on this server clears its organisation's pages at once, another server's copy ages out
//! within [`TTL`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a page is served from memory.
pub const TTL: Duration = Duration::from_mins(1);
/// At most this many pages are kept.
pub const CAPACITY: usize = 512;

/// What was found for a key (a page, a notice, or `None` for "not there"), for [`TTL`].
#[derive(Debug)]
pub struct PublicCache<V> {
    pages: Mutex<HashMap<String, (Instant, V)>>,
}

impl<V> Default for PublicCache<V> {
    fn default() -> Self {
        Self {
            pages: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> PublicCache<V> {
    /// The value at `path` when it was found less than [`TTL`] ago.
    pub fn get(&self, path: &str) -> Option<V> {
        let pages = self.pages.lock().ok()?;
        pages
            .get(path)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, page)| page.clone())
    }

    pub fn put(&self, path: &str, page: V) {
        let Ok(mut pages) = self.pages.lock() else {
            return;
        };
        if pages.len() >= CAPACITY {
            pages.retain(|_, (at, _)| at.elapsed() < TTL);
            if pages.len() >= CAPACITY
                && let Some(oldest) = pages
                    .iter()
                    .min_by_key(|(_, (at, _))| *at)
                    .map(|(k, _)| k.clone())
            {
                pages.remove(&oldest);
            }
        }
        pages.insert(path.to_owned(), (Instant::now(), page));
    }

    /// Forgets one key.
    pub fn forget(&self, key: &str) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.remove(key);
        }
    }

    /// Forgets every key that starts with `prefix`.
    pub fn forget_prefix(&self, prefix: &str) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.retain(|k, _| !k.starts_with(prefix));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_kept_bounded_and_forgotten_per_organisation() {
        let c: PublicCache<Option<(&str, String)>> = PublicCache::default();
        assert!(c.get("/notices/uni").is_none());
        c.put("/notices/uni", Some(("text/html", "index".into())));
        c.put("/notices/uni/UNI-2026-0001", None);
        c.put(
            "/notices/unix/UNIX-2026-0001",
            Some(("text/html", "other".into())),
        );
        assert_eq!(c.get("/notices/uni").unwrap().unwrap().1, "index");
        assert_eq!(
            c.get("/notices/uni/UNI-2026-0001"),
            Some(None),
            "a 404 is kept too"
        );
        c.forget("/notices/uni");
        c.forget_prefix("/notices/uni/");
        assert!(c.get("/notices/uni").is_none());
        assert!(c.get("/notices/uni/UNI-2026-0001").is_none());
        assert!(
            c.get("/notices/unix/UNIX-2026-0001").is_some(),
            "another organisation's stays"
        );
        for i in 0..CAPACITY + 10 {
            c.put(&format!("/notices/o{i}"), None);
        }
        assert!(c.pages.lock().unwrap().len() <= CAPACITY);
    }
}
