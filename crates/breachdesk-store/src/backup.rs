//! Backups of an `SQLite` installation (issue 21): a consistent copy taken while servers keep
//! reading and writing (`VACUUM INTO` reads one snapshot), checked before it is reported done,
//! and the two steps of a restore that the command line puts together — checking a backup file
//! and settling a database into one file (its write-ahead log folded in) before it is moved.
//! The master key is never in a backup: it lives outside the database. `PostgreSQL`
//! installations are backed up with the database's own tools (`pg_dump`).

use std::path::Path;
use std::str::FromStr;

use breachdesk_core::ports::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection, Row, SqliteConnection};

/// What a backup holds, counted after it was written and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSummary {
    pub organisations: i64,
    pub cases: i64,
    pub audit_entries: i64,
    pub bytes: u64,
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Other(Box::new(e))
}

fn said(s: String) -> StoreError {
    StoreError::Other(s.into())
}

async fn connect(path: &Path, read_only: bool) -> Result<SqliteConnection, StoreError> {
    if !path.is_file() {
        return Err(said(format!("{} is not a file", path.display())));
    }
    SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .create_if_missing(false)
        .busy_timeout(std::time::Duration::from_secs(10))
        .connect()
        .await
        .map_err(other)
}

/// Writes a consistent copy of the database `db` to `to`, which must not exist, checks it and
/// makes it readable by its owner only. Servers may go on using `db` meanwhile.
///
/// # Errors
/// When `to` exists, `db` is not a database, the copy cannot be written or does not check.
pub async fn backup_sqlite(db: &Path, to: &Path) -> Result<BackupSummary, StoreError> {
    if to.exists() {
        return Err(said(format!(
            "{} exists: a backup never overwrites a file",
            to.display()
        )));
    }
    let target = to
        .to_str()
        .ok_or_else(|| said("the backup's path is not UTF-8".into()))?;
    let mut conn = connect(db, true).await?;
    sqlx::query("VACUUM INTO ?")
        .bind(target)
        .execute(&mut conn)
        .await
        .map_err(other)?;
    conn.close().await.map_err(other)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o600)).map_err(other)?;
    }
    std::fs::File::open(to)
        .and_then(|f| f.sync_all())
        .map_err(other)?;
    inspect_sqlite(to).await
}

/// Checks that `file` is an intact `BreachDesk` database and counts what it holds. Reads only.
///
/// # Errors
/// When it is not a database, fails `PRAGMA integrity_check`, or has no `BreachDesk` schema.
pub async fn inspect_sqlite(file: &Path) -> Result<BackupSummary, StoreError> {
    let mut conn = connect(file, true)
        .await
        .map_err(|_| said(format!("{} is not an SQLite database", file.display())))?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| said(format!("{} is not an SQLite database", file.display())))?;
    if check != "ok" {
        return Err(said(format!(
            "{} is damaged (integrity check: {check})",
            file.display()
        )));
    }
    let counts = sqlx::query(
        "SELECT (SELECT count(*) FROM organisations) AS o, (SELECT count(*) FROM cases) AS c, \
         (SELECT count(*) FROM audit_log) AS a",
    )
    .fetch_one(&mut conn)
    .await
    .map_err(|_| {
        said(format!(
            "{} holds no BreachDesk installation",
            file.display()
        ))
    })?;
    conn.close().await.map_err(other)?;
    Ok(BackupSummary {
        organisations: counts.try_get("o").map_err(other)?,
        cases: counts.try_get("c").map_err(other)?,
        audit_entries: counts.try_get("a").map_err(other)?,
        bytes: std::fs::metadata(file).map_err(other)?.len(),
    })
}

/// Folds the database's write-ahead log into the file and leaves it in rollback-journal mode,
/// so that the file alone is the whole database and can be moved (a server opening it turns
/// write-ahead logging on again). Needs that no server has it open.
///
/// # Errors
/// When the database cannot be opened or changed.
pub async fn settle_sqlite(db: &Path) -> Result<(), StoreError> {
    // A pool closed a moment ago may still be closing its last connection on its worker
    // thread; changing the journal mode needs the file to itself, so wait a little for it.
    let mut tries = 0;
    loop {
        match settle_once(db).await {
            Err(e) if tries < 50 && e.to_string().contains("locked") => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            result => return result,
        }
    }
}

async fn settle_once(db: &Path) -> Result<(), StoreError> {
    let url = format!("sqlite://{}", db.display());
    let mut conn = SqliteConnectOptions::from_str(&url)
        .map_err(other)?
        .create_if_missing(false)
        .journal_mode(SqliteJournalMode::Delete)
        .busy_timeout(std::time::Duration::from_secs(10))
        .connect()
        .await
        .map_err(other)?;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .map_err(other)?;
    conn.close().await.map_err(other)?;
    if mode.eq_ignore_ascii_case("delete") {
        Ok(())
    } else {
        Err(said(format!(
            "{} is in use (journal mode stays {mode})",
            db.display()
        )))
    }
}
