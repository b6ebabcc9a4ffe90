//! Storage of `BreachDesk` behind the core [`Store`](breachdesk_core::ports::Store) port.
//!
//! `SQLite` is the embedded default ([`SqliteStore`]); `PostgreSQL` ([`PgStore`]) serves
//! installations that share one database between several servers. Each backend has its own
//! migrations folder (`migrations/sqlite`, `migrations/postgres`) and both pass the same
//! conformance suite (`tests/it`). SQL lives only in this crate; ids and timestamps are made in
//! Rust. [`connect`] picks the backend from the database URL.

pub mod backup;
pub mod copy;
mod counters;
mod postgres;
mod sqlite;
mod time;

use std::path::Path;
use std::sync::Arc;

use breachdesk_core::ports::{Store, StoreError};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Opens the store named by `database_url` (`sqlite:…` or `postgres://…`, its schema brought up
/// to date), or the `SQLite` file `breachdesk.db` in `data_dir`.
pub async fn connect(
    database_url: Option<&str>,
    data_dir: &Path,
) -> Result<Arc<dyn Store>, StoreError> {
    connect_pooled(database_url, data_dir, postgres::DEFAULT_POOL).await
}

/// [`connect`] with at most `pool` connections to `PostgreSQL` (`SQLite` keeps its one writer
/// and its read pool).
pub async fn connect_pooled(
    database_url: Option<&str>,
    data_dir: &Path,
    pool: u32,
) -> Result<Arc<dyn Store>, StoreError> {
    match database_url {
        None => Ok(Arc::new(
            SqliteStore::open(&data_dir.join("breachdesk.db")).await?,
        )),
        Some(url) if url.starts_with("sqlite:") => Ok(Arc::new(SqliteStore::open_url(url).await?)),
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Ok(Arc::new(PgStore::open_url_pooled(url, pool).await?))
        }
        Some(_) => Err(StoreError::Other(
            "unsupported database URL: expected sqlite:… or postgres://…".into(),
        )),
    }
}
