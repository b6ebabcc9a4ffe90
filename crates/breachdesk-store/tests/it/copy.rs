//! The copy from `SQLite` to `PostgreSQL` (`breachdesk migrate`) is faithful: installations
//! made by several conformance scenarios (accounts, roles, tokens, sessions, cases, entries,
//! reminders, recipients, the outbox, the audit chain) are copied into fresh schemas, and every
//! copied table holds the same rows, value for value, on both sides.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use breachdesk_core::ports::{AuditStore, Store};
use breachdesk_store::{PgStore, SqliteStore};
use sqlx::Row;

/// Every row of `table` in `SQLite`, as text (blobs in hex, booleans as 0/1, NULL as `∅`),
/// sorted.
async fn sqlite_rows(
    path: &std::path::Path,
    table: &str,
    columns: &[(String, String)],
) -> Vec<String> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", path.display()))
        .await
        .unwrap();
    let present: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?1)")
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap();
    let mut exprs = Vec::new();
    for (name, ty) in columns {
        let source = if present.contains(name) {
            name.clone()
        } else {
            "rowid".to_owned()
        };
        exprs.push(match ty.as_str() {
            // (hex(NULL) is '', not NULL.)
            "bytea" => format!("CASE WHEN {source} IS NULL THEN '∅' ELSE lower(hex({source})) END"),
            _ => format!("coalesce(CAST({source} AS TEXT), '∅')"),
        });
    }
    let sql = format!("SELECT {} AS line FROM {table}", exprs.join(" || '|' || "));
    let mut rows: Vec<String> = sqlx::query(&sql)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("line"))
        .collect();
    rows.sort();
    pool.close().await;
    rows
}

async fn postgres_rows(
    pool: &sqlx::PgPool,
    table: &str,
    columns: &[(String, String)],
) -> Vec<String> {
    let exprs: Vec<String> = columns
        .iter()
        .map(|(name, ty)| match ty.as_str() {
            "bytea" => format!("coalesce(encode({name}, 'hex'), '∅')"),
            "boolean" => format!("coalesce(({name})::int::text, '∅')"),
            _ => format!("coalesce(({name})::text, '∅')"),
        })
        .collect();
    let sql = format!("SELECT {} AS line FROM {table}", exprs.join(" || '|' || "));
    let mut rows: Vec<String> = sqlx::query(&sql)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("line"))
        .collect();
    rows.sort();
    rows
}

/// Runs `scenario` on a fresh `SQLite` installation, copies it into a fresh schema and compares
/// every copied table.
async fn copied_faithfully<F, Fut>(scenario: F)
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = ()>,
{
    let Some(schema) = breachdesk_testkit::Schema::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breachdesk.db");
    let source = Arc::new(SqliteStore::open(&path).await.unwrap());
    scenario(source.clone()).await;
    let target = PgStore::open_with(schema.options()).await.unwrap();
    let report = breachdesk_store::copy::sqlite_to_postgres(&source, &target, &|_, _| {})
        .await
        .unwrap();
    assert!(report.rows() > 0, "the scenario left data to copy");
    let pool = sqlx::PgPool::connect_with(schema.options()).await.unwrap();
    let mut compared = BTreeMap::new();
    for (table, copied) in &report.tables {
        let columns: Vec<(String, String)> = sqlx::query(
            "SELECT column_name::text AS n, data_type::text AS t FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind(table)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get("n"), r.get("t")))
        .collect();
        let (a, b) = (
            sqlite_rows(&path, table, &columns).await,
            postgres_rows(&pool, table, &columns).await,
        );
        assert_eq!(a.len(), usize::try_from(*copied).unwrap(), "{table}");
        assert_eq!(a, b, "{table}: the copy differs");
        compared.insert(*table, a.len());
    }
    // Also through the port: the audit chain reads back the same and verifies.
    let (x, y) = (
        source.audit_trail(None).await.unwrap(),
        target.audit_trail(None).await.unwrap(),
    );
    assert_eq!(
        x.iter().map(|r| (r.seq, r.hash)).collect::<Vec<_>>(),
        y.iter().map(|r| (r.seq, r.hash)).collect::<Vec<_>>()
    );
    assert!(breachdesk_core::audit::verify(&y).is_empty());
    eprintln!("compared {compared:?}");
    pool.close().await;
    target.close().await;
    schema.drop_schema().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_accounts_roles_and_access_taken_away() {
    copied_faithfully(crate::roles_wait_for_their_decision_and_access_can_be_taken_away).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_the_outbox_recipients_and_leases() {
    copied_faithfully(
        crate::the_outbox_queues_each_recipient_once_and_recovers_what_a_dead_run_left,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_case_changes_entries_and_the_audit_chain() {
    copied_faithfully(crate::handling::a_case_change_is_applied_with_its_audit_entry_or_not_at_all)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_second_factors_setup_links_and_sessions() {
    copied_faithfully(crate::handling::second_factor_setup_links_and_sessions).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_what_the_remaining_methods_wrote() {
    copied_faithfully(crate::the_remaining_methods_keep_their_promises).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_supplements_and_receipt_failures() {
    copied_faithfully(crate::supplements_are_kept_in_order_and_touch_the_case).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copies_reminders_and_a_long_audit_chain() {
    copied_faithfully(crate::handling::the_audit_trail_chains_across_writers_and_reminders_go_once)
        .await;
}

/// The copy holds `SQLite`'s write lock for its snapshot: while another process writes to the
/// file, it refuses (saying to stop the server) and the target stays empty; afterwards it copies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_refuses_while_another_process_holds_the_write_lock() {
    let Some(schema) = breachdesk_testkit::Schema::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breachdesk.db");
    let source = SqliteStore::open(&path).await.unwrap();
    crate::org(&source, "uni").await;
    let target = PgStore::open_with(schema.options()).await.unwrap();
    let mut other = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        path.display()
    ))
    .await
    .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .unwrap();
    let refused = breachdesk_store::copy::sqlite_to_postgres(&source, &target, &|_, _| {})
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("stop the server first"),
        "{refused}"
    );
    let pool = sqlx::PgPool::connect_with(schema.options()).await.unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT count(*) FROM organisations")
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    assert_eq!(count().await, 0, "nothing copied");
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    breachdesk_store::copy::sqlite_to_postgres(&source, &target, &|_, _| {})
        .await
        .unwrap();
    assert_eq!(count().await, 1);
    pool.close().await;
    target.close().await;
    schema.drop_schema().await;
}
