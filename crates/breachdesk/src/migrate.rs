//! `breachdesk migrate --to postgres://…`: moves an `SQLite` installation into an empty
//! `PostgreSQL` database (issue 19). The copy is one transaction (`breachdesk_store::copy`);
//! afterwards the target's audit chain is verified and must end where the source's ends, and
//! the master key must open every copied case key. The source is not changed.

use std::path::Path;

use anyhow::{Context, bail};
use breachdesk_core::ports::{AuditStore, Keyring};
use breachdesk_store::{PgStore, SqliteStore};

use crate::cli::MigrateArgs;
use crate::commands::say;

pub async fn run(
    args: &MigrateArgs,
    database_url: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<()> {
    if !(args.to.starts_with("postgres://") || args.to.starts_with("postgresql://")) {
        bail!("--to must be a postgres:// URL");
    }
    let source = match database_url {
        None => {
            let path = data_dir.join("breachdesk.db");
            if !path.exists() {
                bail!("no SQLite database at {}: nothing to move", path.display());
            }
            SqliteStore::open(&path).await
        }
        Some(url) if url.starts_with("sqlite:") => SqliteStore::open_url(url).await,
        Some(_) => bail!("the installation to move must be SQLite (--database-url sqlite:… or the data dir's file)"),
    }
    .context("opening the SQLite database")?;
    // The key is checked before anything is written: a wrong one would leave a copy no one can
    // read under this installation's name.
    let master = crate::commands::existing_master_key(args.master_key_file.as_deref(), data_dir)?;
    let keyring = crate::commands::keyring(&master, args.key_vault.as_deref(), data_dir)?;
    let cases = source.case_keys().await.context("reading the cases")?;
    for (id, reference, wrapped) in &cases {
        keyring.unwrap_case_key(*id, wrapped).map_err(|_| {
            anyhow::anyhow!(
                "the master key does not open case {reference}: use the installation's own key (nothing was copied)"
            )
        })?;
    }
    let target = PgStore::open_url(&args.to)
        .await
        .context("opening the PostgreSQL database")?;
    let report = breachdesk_store::copy::sqlite_to_postgres(&source, &target, &|_, _| {})
        .await
        .context("copying")?;
    for (table, rows) in &report.tables {
        say(&format!("{table}: {rows}"))?;
    }
    // The copy's audit chain verifies and ends where the original's does.
    let (before, after) = (
        source
            .audit_trail(None)
            .await
            .context("reading the audit trail")?,
        target
            .audit_trail(None)
            .await
            .context("reading the copied audit trail")?,
    );
    let problems = breachdesk_core::audit::verify(&after);
    if !problems.is_empty() || before.last().map(|r| r.hash) != after.last().map(|r| r.hash) {
        bail!(
            "the copied audit trail does not verify ({} problems): do not use the copy",
            problems.len()
        );
    }
    let copied = target
        .case_keys()
        .await
        .context("reading the copied cases")?;
    if copied != cases {
        bail!("the copied cases' keys differ from the original's: do not use the copy");
    }
    let mut opened = 0;
    for (id, reference, wrapped) in &copied {
        keyring
            .unwrap_case_key(*id, wrapped)
            .map_err(|_| anyhow::anyhow!("case {reference}: its key does not open in the copy"))?;
        opened += 1;
    }
    say(&format!(
        "moved {} rows; audit trail intact in the copy ({} entries); the master key opens all {opened} cases",
        report.rows(),
        after.len()
    ))?;
    say(
        "start every server with this database URL (--database-url or BREACHDESK_DATABASE_URL) and the same master key; keep the SQLite file until you have checked the copy",
    )?;
    target.close().await;
    source.close().await;
    Ok(())
}
