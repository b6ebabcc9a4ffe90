//! Storage of `BreachDesk` behind the core [`Store`](breachdesk_core::ports::Store) port.
//!
//! `SQLite` is the embedded default ([`SqliteStore`]); `PostgreSQL` follows with its own migrations
//! folder and the same conformance suite (`tests/it`). SQL lives only in this crate; ids and
//! timestamps are made in Rust. [`connect`] picks the backend from the database URL.

mod sqlite;
mod time;

use std::path::Path;
use std::sync::Arc;

use breachdesk_core::ports::{Store, StoreError};

pub use sqlite::SqliteStore;

/// Opens the store named by `database_url`, or the `SQLite` file `breachdesk.db` in `data_dir`.
pub async fn connect(
    database_url: Option<&str>,
    data_dir: &Path,
) -> Result<Arc<dyn Store>, StoreError> {
    match database_url {
        None => Ok(Arc::new(SqliteStore::open(&data_dir.join("breachdesk.db")).await?)),
        Some(url) if url.starts_with("sqlite:") => Ok(Arc::new(SqliteStore::open_url(url).await?)),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Err(StoreError::Other("PostgreSQL support is not available in this version yet; use SQLite (omit --database-url)".into()))
        }
        Some(_) => Err(StoreError::Other("unsupported database URL: expected sqlite:… or postgres://…".into())),
    }
}
