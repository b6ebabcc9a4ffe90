//! Write transactions that cannot lose step with `SQLite`, and the writer's health.
//!
//! `SQLite` rolls a transaction back by itself on some errors (`SQLITE_FULL`, `SQLITE_IOERR`,
//! `SQLITE_NOMEM`, …). sqlx counts transaction depth on its own side and does not notice: its
//! `ROLLBACK` then fails, the depth stays at one, the next `begin()` becomes a `SAVEPOINT` inside
//! a transaction that is never committed, and every later "commit" only releases a savepoint —
//! acknowledged writes that exist only in an open transaction, and case numbers handed out twice
//! when it finally rolls back (issue 17: 2,982 reports acknowledged on a full disk, 47 stored).
//!
//! So the writer's transactions are ours: [`WriteTx`] issues `BEGIN IMMEDIATE` and `COMMIT`
//! itself, and a transaction that does not end in a successful `COMMIT` — an error, an early
//! return, a dropped future — takes its connection with it: the connection is detached from the
//! pool and closed (which rolls back whatever is open), and the pool opens a fresh one for the
//! next write. Nothing of a failed transaction's state can reach the next one, and the writer
//! heals by itself once the fault clears.
//!
//! [`WriterHealth`] remembers the last storage fault (anything but a constraint violation), or that
//! a transaction ended without a commit, until a write commits again: `/healthz` then probes the
//! writer with a real write instead of trusting a read.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use breachdesk_core::ports::StoreError;
use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};

/// The last storage fault of the writer, if no write has committed since.
#[derive(Debug, Default)]
pub(super) struct WriterHealth {
    fault: Mutex<Option<String>>,
}

impl WriterHealth {
    pub(super) fn fault(&self) -> Option<String> {
        self.fault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set(&self, fault: Option<String>) {
        *self
            .fault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fault;
    }

    /// Records the outcome of a write: a constraint violation is the caller's, and a writer
    /// busy with others (pool timeout) is load, not a storage fault.
    pub(super) fn observe<T>(&self, result: &Result<T, sqlx::Error>) {
        match result {
            Ok(_) | Err(sqlx::Error::PoolTimedOut) => {}
            Err(e) if is_constraint(e) => {}
            Err(e) => self.set(Some(describe(e))),
        }
    }

    fn suspect(&self) {
        let mut fault = self
            .fault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if fault.is_none() {
            *fault = Some("a write did not complete".to_owned());
        }
    }

    pub(super) fn committed(&self) {
        self.set(None);
    }
}

fn is_constraint(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation()
        || db.is_foreign_key_violation()
        || db.is_check_violation())
}

/// A short, fixed description of a storage fault (no values: the message of a constraint error
/// could carry data, but those never get here).
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => {
            let code = db
                .code()
                .and_then(|c| c.parse::<i32>().ok())
                .map_or(0, |c| c & 0xff);
            match code {
                5 | 6 => "database locked".to_owned(),
                8 => "read-only database or file system".to_owned(),
                10 => "disk I/O error".to_owned(),
                11 | 26 => "database file corrupt".to_owned(),
                13 => "disk full".to_owned(),
                14 => "cannot open the database file".to_owned(),
                _ => format!("database error {code}"),
            }
        }
        sqlx::Error::PoolTimedOut => "writer busy".to_owned(),
        sqlx::Error::Io(_) => "I/O error".to_owned(),
        _ => "database error".to_owned(),
    }
}

/// How a transaction waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Durability {
    /// `synchronous = FULL`: fsynced before `commit` returns.
    Full,
    /// `synchronous = NORMAL` for this transaction only: in the WAL when `commit` returns (survives
    /// a killed process, not a power cut). The connection is back at `FULL` afterwards, or closed.
    WalOnly,
}

/// An open write transaction on the writer connection; see the module documentation.
#[derive(Debug)]
pub(super) struct WriteTx {
    conn: Option<PoolConnection<Sqlite>>,
    health: Arc<WriterHealth>,
    durability: Durability,
}

impl WriteTx {
    pub(super) async fn begin(
        pool: &SqlitePool,
        health: &Arc<WriterHealth>,
        durability: Durability,
    ) -> Result<Self, StoreError> {
        let conn = pool.acquire().await;
        health.observe(&conn);
        let mut tx = Self {
            conn: Some(conn.map_err(super::other)?),
            health: Arc::clone(health),
            durability,
        };
        if durability == Durability::WalOnly {
            tx.exec("PRAGMA synchronous = NORMAL").await?;
        }
        tx.exec("BEGIN IMMEDIATE").await?;
        Ok(tx)
    }

    async fn exec(&mut self, sql: &'static str) -> Result<(), StoreError> {
        let result = sqlx::query(sql).execute(&mut **self).await;
        self.health.observe(&result);
        if result.is_err() {
            self.discard();
        }
        result.map(|_| ()).map_err(super::other)
    }

    /// Commits; on any failure the connection is closed and the transaction is gone.
    pub(super) async fn commit(mut self) -> Result<(), StoreError> {
        self.exec("COMMIT").await?;
        if self.durability == Durability::WalOnly {
            // Committed already: should the reset fail, the connection is closed (never handed
            // back at NORMAL) but the commit stands.
            let reset = sqlx::query("PRAGMA synchronous = FULL")
                .execute(&mut *self)
                .await;
            if reset.is_err() {
                self.discard();
                return Ok(());
            }
        } else {
            // Only a fsynced commit proves the writer healthy.
            self.health.committed();
        }
        // Back to the pool, outside any transaction.
        self.conn.take();
        Ok(())
    }

    fn discard(&mut self) {
        if let Some(conn) = self.conn.take() {
            // Closing the connection rolls back whatever it had open.
            drop(conn.detach());
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        if self.conn.is_some() {
            // Ended without a commit: a statement failed (maybe a storage fault, maybe a
            // conflict). Until something commits again, health checks probe the writer.
            self.health.suspect();
        }
        self.discard();
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        self.conn
            .as_deref()
            .expect("a write transaction is used after it ended")
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.conn
            .as_deref_mut()
            .expect("a write transaction is used after it ended")
    }
}
