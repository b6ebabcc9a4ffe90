//! Moving up (issue 19): an `SQLite` installation copied into an empty `PostgreSQL` database.
//!
//! Every table of the installation is copied row by row and byte for byte — sealed columns stay
//! sealed under the same case keys, the audit log keeps its sequence numbers and hashes — in
//! one `PostgreSQL` transaction read from one `SQLite` snapshot taken under the `SQLite` write lock
//! (no write can slip in and stay behind): either everything arrives or nothing does. Columns are matched by name and converted by the target's type (`SQLite`
//! keeps booleans as 0/1); a column one side lacks stops the copy with its name. Left out are
//! what only a running server holds: delivery leases, the writer probe, the attempt counters.
//! Afterwards the row counts of both sides are compared; the caller verifies the audit chain.

use std::collections::HashSet;

use breachdesk_core::ports::StoreError;
use futures::TryStreamExt;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::{PgStore, SqliteStore};

/// The tables copied, parents before children (foreign keys).
const TABLES: &[&str] = &[
    "organisations",
    "users",
    "memberships",
    "api_tokens",
    "role_grants",
    "case_counters",
    "cases",
    "reports",
    "supplements",
    "recovery_codes",
    "setup_tokens",
    "sessions",
    "case_assignees",
    "case_shares",
    "case_entries",
    "attachments",
    "reminders_sent",
    "report_alerts",
    "mail_messages",
    "audit_log",
    "recipients",
    "outbox",
    "org_templates",
];

/// Tables a running server keeps for itself, not copied.
const TRANSIENT: &[&str] = &["outbox_locks", "writer_probe", "_sqlx_migrations"];

/// Columns that may point at a row copied later (a case merged into a newer one): written in a
/// second pass.
const LATER: &[(&str, &str)] = &[("cases", "merged_into")];

/// Rows (and bytes) per `INSERT`.
const BATCH_ROWS: usize = 500;
const BATCH_BYTES: usize = 8 << 20;

/// What was copied, table by table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(&'static str, u64)>,
}

impl CopyReport {
    #[must_use]
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

fn err(msg: String) -> StoreError {
    StoreError::Other(msg.into())
}

fn db(what: &str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
    move |e| err(format!("{what}: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Bytes,
    Int8,
    Int4,
    Bool,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
    identity: bool,
}

#[derive(Debug)]
enum Value {
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Int8(Option<i64>),
    Int4(Option<i32>),
    Bool(Option<bool>),
}

impl Value {
    fn size(&self) -> usize {
        match self {
            Self::Text(t) => t.as_ref().map_or(0, String::len),
            Self::Bytes(b) => b.as_ref().map_or(0, Vec::len),
            _ => 8,
        }
    }

    fn read(row: &SqliteRow, table: &str, col: &Column) -> Result<Self, StoreError> {
        let name = col.name.as_str();
        let bad = |e: sqlx::Error| err(format!("{table}.{name}: {e}"));
        Ok(match col.kind {
            Kind::Text => Self::Text(row.try_get(name).map_err(bad)?),
            Kind::Bytes => Self::Bytes(row.try_get(name).map_err(bad)?),
            Kind::Int8 => Self::Int8(row.try_get(name).map_err(bad)?),
            Kind::Int4 => Self::Int4(row.try_get(name).map_err(bad)?),
            Kind::Bool => Self::Bool(row.try_get(name).map_err(bad)?),
        })
    }
}

/// The target's columns of `table`, in order, with their kinds.
async fn target_columns(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    table: &str,
) -> Result<Vec<Column>, StoreError> {
    let rows = sqlx::query(
        "SELECT column_name::text AS name, data_type::text AS ty, is_identity::text AS ident
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await
    .map_err(db("reading the PostgreSQL schema"))?;
    rows.iter()
        .map(|r| {
            let name: String = r.try_get("name").map_err(db("schema"))?;
            let ty: String = r.try_get("ty").map_err(db("schema"))?;
            let ident: String = r.try_get("ident").map_err(db("schema"))?;
            let kind = match ty.as_str() {
                "text" => Kind::Text,
                "bytea" => Kind::Bytes,
                "bigint" => Kind::Int8,
                "integer" => Kind::Int4,
                "boolean" => Kind::Bool,
                other => return Err(err(format!("{table}.{name}: type {other} is not copied"))),
            };
            Ok(Column {
                name,
                kind,
                identity: ident == "YES",
            })
        })
        .collect()
}

async fn source_columns(
    conn: &mut sqlx::SqliteConnection,
    table: &str,
) -> Result<HashSet<String>, StoreError> {
    let rows = sqlx::query("SELECT name FROM pragma_table_info(?1)")
        .bind(table)
        .fetch_all(&mut *conn)
        .await
        .map_err(db("reading the SQLite schema"))?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("name").map_err(db("schema")))
        .collect()
}

async fn count_target(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    table: &str,
) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut **tx)
        .await
        .map_err(db("counting rows"))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

async fn count_source(conn: &mut sqlx::SqliteConnection, table: &str) -> Result<u64, StoreError> {
    let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(&mut *conn)
        .await
        .map_err(db("counting rows"))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Copies the installation in `from` into `to`, which must hold no installation yet (its
/// schema brought up to date, no organisation, no account, no audit entry). Everything or
/// nothing: on any error the target is left as it was.
///
/// # Errors
/// When the target is not empty, a table or column is missing on one side, a value does not
/// fit its target column, or either database fails.
pub async fn sqlite_to_postgres(
    from: &SqliteStore,
    to: &PgStore,
    progress: &(dyn Fn(&str, u64) + Sync),
) -> Result<CopyReport, StoreError> {
    let mut tx = to.pool().begin().await.map_err(db("PostgreSQL"))?;
    for table in ["organisations", "users", "audit_log"] {
        let n = count_target(&mut tx, table).await?;
        if n > 0 {
            return Err(err(format!(
                "the target database already holds an installation ({table}: {n} rows); \
                 the copy goes only into an empty one, and nothing was changed"
            )));
        }
    }
    // One snapshot of the source, and no writer meanwhile: the copy holds SQLite's write lock
    // (`BEGIN IMMEDIATE` on the writer), so a server still running against the file waits or
    // fails its writes rather than acknowledge what would stay behind in SQLite. Ended (rolled
    // back: nothing was written) whatever happens.
    let mut src = from.write_pool().acquire().await.map_err(db("SQLite"))?;
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *src)
        .await
        .map_err(db("SQLite: the database is busy (stop the server first)"))?;
    let copied = copy_tables(&mut src, &mut tx, progress).await;
    let _ = sqlx::query("ROLLBACK").execute(&mut *src).await;
    let report = copied?;
    tx.commit().await.map_err(db("PostgreSQL commit"))?;
    Ok(report)
}

/// Every table, then the counts compared; inside the source's read transaction and the target's
/// transaction.
async fn copy_tables(
    src: &mut sqlx::SqliteConnection,
    tx: &mut sqlx::Transaction<'_, Postgres>,
    progress: &(dyn Fn(&str, u64) + Sync),
) -> Result<CopyReport, StoreError> {
    let tables: HashSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *src)
    .await
    .map_err(db("SQLite"))?
    .into_iter()
    .collect();
    if let Some(unknown) = tables
        .iter()
        .find(|t| !TABLES.contains(&t.as_str()) && !TRANSIENT.contains(&t.as_str()))
    {
        return Err(err(format!(
            "the SQLite database has a table this version does not know how to copy: {unknown}"
        )));
    }
    let mut report = CopyReport::default();
    for &table in TABLES {
        let columns = target_columns(tx, table).await?;
        if columns.is_empty() {
            return Err(err(format!("PostgreSQL has no table {table}")));
        }
        let source = source_columns(src, table).await?;
        let names: HashSet<&str> = columns.iter().map(|c| c.name.as_str()).collect();
        // PostgreSQL's identity columns are SQLite's rowid (entry order, recovery code ids).
        let from_rowid = |c: &Column| c.identity && !source.contains(&c.name);
        if let Some(c) = columns
            .iter()
            .find(|c| !source.contains(&c.name) && !from_rowid(c))
        {
            return Err(err(format!("{table}.{}: missing in SQLite", c.name)));
        }
        if let Some(c) = source.iter().find(|c| !names.contains(c.as_str())) {
            return Err(err(format!("{table}.{c}: missing in PostgreSQL")));
        }
        let identity = columns.iter().any(|c| c.identity);
        let later: Vec<&str> = LATER
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, c)| *c)
            .collect();
        let select_list = columns
            .iter()
            .map(|c| {
                if from_rowid(c) {
                    format!("rowid AS {}", c.name)
                } else {
                    c.name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        // In the order written, where the table has a rowid (WITHOUT ROWID tables have none).
        let without_rowid: bool =
            sqlx::query_scalar("SELECT wr = 1 FROM pragma_table_list WHERE name = ?1")
                .bind(table)
                .fetch_one(&mut *src)
                .await
                .map_err(db("reading the SQLite schema"))?;
        let order = if without_rowid { "" } else { " ORDER BY rowid" };
        let select = format!("SELECT {select_list} FROM {table}{order}");
        let mut rows = sqlx::query(&select).fetch(&mut *src);
        let mut batch: Vec<Vec<Value>> = Vec::new();
        let mut bytes = 0;
        let mut copied = 0u64;
        let mut deferred: Vec<Vec<Value>> = Vec::new();
        loop {
            let row = rows.try_next().await.map_err(db(table))?;
            if let Some(row) = &row {
                let mut values = Vec::with_capacity(columns.len());
                for c in &columns {
                    let v = Value::read(row, table, c)?;
                    bytes += v.size();
                    values.push(v);
                }
                if !later.is_empty() {
                    deferred.push(key_and_later(&columns, &mut values, &later));
                }
                batch.push(values);
            }
            let full =
                batch.len() >= BATCH_ROWS.min(60_000 / columns.len()) || bytes >= BATCH_BYTES;
            if (full || row.is_none()) && !batch.is_empty() {
                copied += insert(tx, table, &columns, identity, std::mem::take(&mut batch)).await?;
                bytes = 0;
                progress(table, copied);
            }
            if row.is_none() {
                break;
            }
        }
        drop(rows);
        for values in deferred {
            set_later(tx, table, &later, values).await?;
        }
        if identity {
            for c in columns.iter().filter(|c| c.identity) {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', '{0}'),
                                   coalesce((SELECT max({0}) FROM {table}), 0) + 1, false)",
                    c.name
                ))
                .execute(&mut **tx)
                .await
                .map_err(db(table))?;
            }
        }
        report.tables.push((table, copied));
    }
    // What arrived is what was there.
    for &(table, copied) in &report.tables {
        let (source, target) = (
            count_source(src, table).await?,
            count_target(tx, table).await?,
        );
        if source != copied || target != copied {
            return Err(err(format!(
                "{table}: {source} rows in SQLite, {copied} copied, {target} in PostgreSQL"
            )));
        }
    }
    Ok(report)
}

/// Takes the `later` columns out of a row (written as NULL now) and returns the row's `id`
/// followed by them.
fn key_and_later(columns: &[Column], values: &mut [Value], later: &[&str]) -> Vec<Value> {
    let position = |name: &str| columns.iter().position(|c| c.name == name);
    let mut out = Vec::with_capacity(1 + later.len());
    if let Some(Value::Text(id)) = position("id").map(|i| &values[i]) {
        out.push(Value::Text(id.clone()));
    }
    for name in later {
        if let Some(i) = position(name) {
            out.push(std::mem::replace(&mut values[i], Value::Text(None)));
        }
    }
    out
}

async fn set_later(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    table: &str,
    later: &[&str],
    values: Vec<Value>,
) -> Result<(), StoreError> {
    let mut values = values.into_iter();
    let Some(Value::Text(Some(id))) = values.next() else {
        return Ok(());
    };
    for (name, v) in later.iter().zip(values) {
        if let Value::Text(Some(v)) = v {
            sqlx::query(&format!("UPDATE {table} SET {name} = $1 WHERE id = $2"))
                .bind(v)
                .bind(&id)
                .execute(&mut **tx)
                .await
                .map_err(db(table))?;
        }
    }
    Ok(())
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    table: &str,
    columns: &[Column],
    identity: bool,
    rows: Vec<Vec<Value>>,
) -> Result<u64, StoreError> {
    let list = columns
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let overriding = if identity {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    let mut q: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("INSERT INTO {table} ({list}){overriding} "));
    q.push_values(rows, |mut b, row| {
        for v in row {
            match v {
                Value::Text(v) => b.push_bind(v),
                Value::Bytes(v) => b.push_bind(v),
                Value::Int8(v) => b.push_bind(v),
                Value::Int4(v) => b.push_bind(v),
                Value::Bool(v) => b.push_bind(v),
            };
        }
    });
    let done = q.build().execute(&mut **tx).await.map_err(db(table))?;
    Ok(done.rows_affected())
}

/// A case's id, reference and wrapped data key, for checking a master key against every case.
pub type CaseKeyRow = (uuid::Uuid, String, breachdesk_core::ports::WrappedKey);

fn case_key_row<R: Row>(r: &R) -> Result<CaseKeyRow, StoreError>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Vec<u8>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let id: String = r.try_get("id").map_err(db("cases"))?;
    Ok((
        id.parse().map_err(|e| err(format!("cases.id: {e}")))?,
        r.try_get("reference").map_err(db("cases"))?,
        breachdesk_core::ports::WrappedKey(r.try_get("data_key").map_err(db("cases"))?),
    ))
}

impl SqliteStore {
    /// Every case's wrapped data key.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn case_keys(&self) -> Result<Vec<CaseKeyRow>, StoreError> {
        sqlx::query("SELECT id, reference, data_key FROM cases ORDER BY created_at, id")
            .fetch_all(self.read_pool())
            .await
            .map_err(db("cases"))?
            .iter()
            .map(case_key_row)
            .collect()
    }
}

impl PgStore {
    /// Every case's wrapped data key.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn case_keys(&self) -> Result<Vec<CaseKeyRow>, StoreError> {
        sqlx::query("SELECT id, reference, data_key FROM cases ORDER BY created_at, id")
            .fetch_all(self.pool())
            .await
            .map_err(db("cases"))?
            .iter()
            .map(case_key_row)
            .collect()
    }
}
