//! The test harness shared by the suites of several crates (dev only, never shipped): a fresh
//! database on either backend — `SQLite` in a temporary directory, `PostgreSQL` in a schema of
//! its own in the test database, dropped afterwards; a real SMTP server ([`smtp`]); a real
//! headless Chromium under chromedriver ([`browser`]); with the feature `web`, the web
//! application served in this process (`server`).
//!
//! `PostgreSQL` is found at `BREACHDESK_TEST_POSTGRES_URL`, else at
//! `postgres://postgres@127.0.0.1:5432/test`, else as the current OS user on the same database.
//! When none answers, `PostgreSQL` tests fail, unless `BREACHDESK_SKIP_POSTGRES=1` is set.
//! `BREACHDESK_TEST_BACKEND=postgres` runs the suites built on [`TestDb`] on `PostgreSQL`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::missing_panics_doc,
    clippy::must_use_candidate,
    reason = "a test harness: a failure to set up must stop the test loudly"
)]

pub mod browser;
pub mod imap;
#[cfg(feature = "web")]
pub mod server;
pub mod smtp;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use breachdesk_core::ports::Store;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use uuid::Uuid;

/// Which database a suite runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `BREACHDESK_TEST_BACKEND` (`sqlite`, the default, or `postgres`).
    ///
    /// # Panics
    /// On any other value: a typo must not silently test the other backend.
    #[must_use]
    pub fn from_env() -> Self {
        match std::env::var("BREACHDESK_TEST_BACKEND").as_deref() {
            Err(_) | Ok("" | "sqlite") => Self::Sqlite,
            Ok("postgres") => Self::Postgres,
            Ok(other) => panic!("BREACHDESK_TEST_BACKEND={other:?}: expected sqlite or postgres"),
        }
    }
}

pub fn candidate_urls() -> Vec<String> {
    if let Ok(url) = std::env::var("BREACHDESK_TEST_POSTGRES_URL") {
        return vec![url];
    }
    let mut urls = vec!["postgres://postgres@127.0.0.1:5432/test".to_owned()];
    if let Ok(user) = std::env::var("USER").or_else(|_| std::env::var("LOGNAME"))
        && user != "postgres"
    {
        urls.push(format!("postgres://{user}@127.0.0.1:5432/test"));
    }
    urls
}

/// A schema of its own for one test.
#[allow(missing_debug_implementations, reason = "holds a live connection")]
pub struct Schema {
    admin: PgConnection,
    url: String,
    options: PgConnectOptions,
    name: String,
}

impl Schema {
    /// Creates a fresh schema; `None` only when `PostgreSQL` is unreachable and skipping was
    /// asked for.
    pub async fn create() -> Option<Self> {
        let mut errors = Vec::new();
        for url in candidate_urls() {
            let options = PgConnectOptions::from_str(&url)
                .unwrap()
                .disable_statement_logging();
            match PgConnection::connect_with(&options).await {
                Ok(mut admin) => {
                    let name = format!("bd_test_{}", Uuid::new_v4().simple());
                    sqlx::query(&format!("CREATE SCHEMA {name}"))
                        .execute(&mut admin)
                        .await
                        .unwrap();
                    let options = options.options([("search_path", name.as_str())]);
                    return Some(Self {
                        admin,
                        url,
                        options,
                        name,
                    });
                }
                Err(e) => errors.push(format!("{url}: {e}")),
            }
        }
        if std::env::var("BREACHDESK_SKIP_POSTGRES").as_deref() == Ok("1") {
            eprintln!(
                "PostgreSQL test SKIPPED (BREACHDESK_SKIP_POSTGRES=1): {}",
                errors.join("; ")
            );
            return None;
        }
        panic!(
            "PostgreSQL is unreachable, so the PostgreSQL half of the store's conformance suite \
             cannot run ({}). Start PostgreSQL on 127.0.0.1:5432 with a database `test` (trust \
             auth), or point BREACHDESK_TEST_POSTGRES_URL at one, or set \
             BREACHDESK_SKIP_POSTGRES=1 to skip these tests knowingly.",
            errors.join("; ")
        );
    }

    /// Connection options that use this schema.
    pub fn options(&self) -> PgConnectOptions {
        self.options.clone()
    }

    /// A `postgres://` URL that uses this schema (as an operator would pass one).
    pub fn url(&self) -> String {
        let sep = if self.url.contains('?') { '&' } else { '?' };
        format!("{}{sep}options[search_path]={}", self.url, self.name)
    }

    /// The schema's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    pub async fn drop_schema(mut self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&mut self.admin)
            .await
            .unwrap();
        self.admin.close().await.unwrap();
    }
}

/// A fresh database for one test: the store, and what to clean up afterwards.
#[allow(missing_debug_implementations, reason = "holds the store")]
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub backend: Backend,
    /// The data directory (the `SQLite` file lives here; the master key of a test may too).
    pub dir: tempfile::TempDir,
    schema: Option<(String, PgConnectOptions)>,
}

impl TestDb {
    /// A fresh database on `backend`. `None` only for `PostgreSQL` when it is unreachable and
    /// skipping was asked for.
    ///
    /// # Panics
    /// When the database cannot be created or opened.
    pub async fn fresh(backend: Backend) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        match backend {
            Backend::Sqlite => Some(Self {
                store: breachdesk_store::connect(None, dir.path()).await.unwrap(),
                backend,
                dir,
                schema: None,
            }),
            Backend::Postgres => {
                let schema = Schema::create().await?;
                let store = breachdesk_store::PgStore::open_with(schema.options())
                    .await
                    .unwrap();
                let name = schema.name().to_owned();
                let admin = PgConnectOptions::from_str(&schema.url).unwrap();
                // The admin connection is closed; the schema is dropped on drop.
                drop(schema.admin);
                Some(Self {
                    store: Arc::new(store),
                    backend,
                    dir,
                    schema: Some((name, admin)),
                })
            }
        }
    }

    /// The data directory.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Everything the database holds on disk or in its tables, as bytes: the `SQLite` file and
    /// its WAL, or every row of every table of the `PostgreSQL` schema as text. For tests that
    /// check what must never be stored in the clear.
    ///
    /// # Panics
    /// When the database cannot be read.
    pub async fn raw_contents(&self) -> Vec<u8> {
        match &self.schema {
            None => {
                let mut out =
                    std::fs::read(self.dir.path().join("breachdesk.db")).unwrap_or_default();
                out.extend(
                    std::fs::read(self.dir.path().join("breachdesk.db-wal")).unwrap_or_default(),
                );
                out
            }
            Some((name, admin)) => {
                let mut conn = PgConnection::connect_with(admin).await.unwrap();
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
                )
                .bind(name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
                let mut out = Vec::new();
                for (table,) in tables {
                    let rows: Vec<(String,)> =
                        sqlx::query_as(&format!("SELECT t::text FROM {name}.\"{table}\" t"))
                            .fetch_all(&mut conn)
                            .await
                            .unwrap();
                    for (row,) in rows {
                        out.extend(row.into_bytes());
                    }
                }
                out
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((name, admin)) = self.schema.take() else {
            return;
        };
        // Dropped outside the test's runtime, which may be shutting down.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect_with(&admin).await {
                    let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                        .execute(&mut conn)
                        .await;
                    let _ = conn.close().await;
                }
            });
        });
        let _ = dropped.join();
    }
}
