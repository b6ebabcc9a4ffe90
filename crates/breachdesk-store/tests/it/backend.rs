//! The backends the conformance suite runs on: `SQLite` in a fresh directory, `PostgreSQL` in a
//! fresh schema of the test database (dropped afterwards, also when the test fails).
//!
//! `PostgreSQL` is found at `BREACHDESK_TEST_POSTGRES_URL`, else at
//! `postgres://postgres@127.0.0.1:5432/test`, else as the current OS user on the same database.
//! When none answers, the `PostgreSQL` tests fail, unless `BREACHDESK_SKIP_POSTGRES=1` is set:
//! then they pass saying that they were skipped.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;

use breachdesk_core::ports::Store;
use breachdesk_store::PgStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};
use uuid::Uuid;

/// Runs a test body against a fresh `SQLite` database.
pub async fn sqlite<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let store = breachdesk_store::connect(None, dir.path()).await.unwrap();
    test(store).await;
}

fn candidate_urls() -> Vec<String> {
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

    pub async fn drop_schema(mut self) {
        sqlx::query(&format!("DROP SCHEMA {} CASCADE", self.name))
            .execute(&mut self.admin)
            .await
            .unwrap();
        self.admin.close().await.unwrap();
    }
}

/// Runs a test body against a fresh `PostgreSQL` schema; the schema is dropped whatever the
/// outcome, and a failure of the body fails the test.
pub async fn postgres<F, Fut>(test: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(schema) = Schema::create().await else {
        return;
    };
    let opened = PgStore::open_with(schema.options()).await;
    let store = match opened {
        Ok(store) => Arc::new(store),
        Err(e) => {
            schema.drop_schema().await;
            panic!("opening the PostgreSQL store failed: {e}");
        }
    };
    let outcome = tokio::spawn(test(Arc::clone(&store) as Arc<dyn Store>)).await;
    store.close().await;
    schema.drop_schema().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task did not finish: {e}"),
        }
    }
}
