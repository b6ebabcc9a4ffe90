//! The backends the conformance suite runs on: `SQLite` in a fresh directory, `PostgreSQL` in a
//! fresh schema of the test database (dropped afterwards, also when the test fails).
//!
//! `PostgreSQL` is found at `BREACHDESK_TEST_POSTGRES_URL`, else at
//! `postgres://postgres@127.0.0.1:5432/test`, else as the current OS user on the same database.
//! When none answers, the `PostgreSQL` tests fail, unless `BREACHDESK_SKIP_POSTGRES=1` is set:
//! then they pass saying that they were skipped.

use std::future::Future;
use std::sync::Arc;

use breachdesk_core::ports::Store;
use breachdesk_store::PgStore;

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

pub use breachdesk_testkit::Schema;

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
