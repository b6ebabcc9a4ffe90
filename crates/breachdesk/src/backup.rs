//! `breachdesk backup FILE` and `breachdesk restore FILE` (issue 21) for an `SQLite`
//! installation. A backup is taken while servers run; a restore needs them stopped (each
//! `serve` holds a shared lock on `breachdesk.lock` in the data dir), checks the backup whole
//! before anything is replaced — an intact database, every case key opened by this
//! installation's master key, the audit chain verified — and keeps the database it replaces
//! beside it. The master key is never inside a backup.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, bail};
use breachdesk_core::ports::{
    CaseFilter, CaseStore, CryptoError, Keyring, OrganisationStore, RetentionStore, Store,
};
use breachdesk_crypto::MasterKeyring;
use breachdesk_store::SqliteStore;
use breachdesk_store::backup::{backup_sqlite, inspect_sqlite, settle_sqlite};

use crate::cli::{BackupArgs, RestoreArgs};

const DB: &str = "breachdesk.db";
const LOCK: &str = "breachdesk.lock";

/// The lock `serve` holds (shared) and a restore takes (exclusive) on the data dir.
pub(crate) fn lock_file(data_dir: &Path) -> anyhow::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(data_dir.join(LOCK))
        .with_context(|| format!("{}", data_dir.join(LOCK).display()))
}

fn sqlite_only(database_url: Option<&str>, what: &str) -> anyhow::Result<()> {
    if database_url.is_some() {
        bail!(
            "{what} works on the SQLite database in the data dir; back up PostgreSQL with its own \
             tools (pg_dump / pg_restore), and the master key apart from it"
        );
    }
    Ok(())
}

pub async fn backup(
    args: &BackupArgs,
    database_url: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<()> {
    sqlite_only(database_url, "backup")?;
    let s = backup_sqlite(&data_dir.join(DB), &args.file)
        .await
        .with_context(|| format!("backup to {}", args.file.display()))?;
    crate::commands::say(&format!(
        "backup {} written and checked: {} organisations, {} cases, {} audit entries, {} bytes. \
         The master key is not in it: keep master.key apart from the backups (README, Backups).",
        args.file.display(),
        s.organisations,
        s.cases,
        s.audit_entries,
        s.bytes
    ))
}

fn remove_with_journal(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

pub async fn restore(
    args: &RestoreArgs,
    database_url: Option<&str>,
    data_dir: &Path,
) -> anyhow::Result<()> {
    sqlite_only(database_url, "restore")?;
    let lock = lock_file(data_dir)?;
    if lock.try_lock().is_err() {
        bail!("a server is running on this data dir: stop every `serve` before restoring");
    }
    let summary = inspect_sqlite(&args.file)
        .await
        .with_context(|| format!("the backup {}", args.file.display()))?;
    let key = crate::commands::existing_master_key(args.master_key_file.as_deref(), data_dir)?;
    let keyring = crate::commands::keyring(&key, args.key_vault.as_deref(), data_dir)?;

    // A working copy beside the database, brought up to this version's schema and checked.
    let staged = data_dir.join(format!("{DB}.restoring"));
    remove_with_journal(&staged);
    std::fs::copy(&args.file, &staged).context("copying the backup into the data dir")?;
    let db = data_dir.join(DB);
    let checked = check(&staged, &keyring, args).await;
    let reapplied = match checked {
        Ok(shredded) => match destroy_again(&db, &staged).await {
            Ok(n) => destroy_shredded(&staged, &shredded).await.map(|m| n + m),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let reapplied = match reapplied {
        Ok(n) => n,
        Err(e) => {
            remove_with_journal(&staged);
            return Err(e.context("the backup was not restored; nothing changed"));
        }
    };
    settle_sqlite(&staged).await?;

    let kept = if db.exists() {
        settle_sqlite(&db)
            .await
            .context("settling the current database")?;
        let stamp = breachdesk_core::clock::Clock::now(&breachdesk_core::clock::SystemClock)
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string();
        let kept = data_dir.join(format!("{DB}.before-restore-{stamp}"));
        std::fs::rename(&db, &kept).context("keeping the current database")?;
        remove_with_journal(&db);
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&staged, &db).context("putting the backup in place")?;
    std::fs::File::open(data_dir)
        .and_then(|d| d.sync_all())
        .context("syncing the data dir")?;
    drop(lock);
    crate::commands::say(&format!(
        "restored {}: {} organisations, {} cases, {} audit entries; every case key opened with \
         this installation's master key and the audit chain verified.{}{}",
        args.file.display(),
        summary.organisations,
        summary.cases,
        summary.audit_entries,
        if reapplied > 0 {
            format!(" {reapplied} cases destroyed after the backup was taken were destroyed again.")
        } else {
            String::new()
        },
        kept.map(|k| format!(" The database it replaced is kept as {}.", k.display()))
            .unwrap_or_default()
    ))
}

/// Carries what the database being replaced knows over into the restored copy: every case it had
/// destroyed is destroyed again (a backup taken before a destruction still holds the case;
/// restoring it must not bring the case back — a hold the older copy still has is lifted first,
/// as the newer database shows it was), and every legal hold it has stands in the copy too (a
/// hold set after the backup must survive the restore: nothing of a held case is deleted).
/// Returns how many cases were destroyed again.
async fn destroy_again(current: &Path, staged: &Path) -> anyhow::Result<u64> {
    use breachdesk_core::audit::AuditEvent;
    use breachdesk_core::ports::Destruction;
    if !current.exists() {
        return Ok(0);
    }
    let now = breachdesk_core::clock::Clock::now(&breachdesk_core::clock::SystemClock);
    let old = match SqliteStore::open(current).await {
        Ok(old) => old,
        Err(e) => bail!(
            "the database being replaced, {}, does not open ({e}). If it is damaged, move it \
             (with its -wal and -shm files) out of the data dir and restore again: the cases \
             destroyed since the backup stay destroyed (the key vault knows them), but legal \
             holds set since the backup are not carried over — set them again",
            current.display()
        ),
    };
    let all = CaseFilter {
        unlimited: true,
        ..CaseFilter::default()
    };
    let orgs: Vec<_> = old.organisations().await?.iter().map(|o| o.id).collect();
    let (destroyed, live): (Vec<_>, Vec<_>) = old
        .find_cases(&orgs, &all)
        .await?
        .into_iter()
        .partition(|c| c.destroyed_at.is_some());
    old.close().await;
    let held: Vec<_> = live.into_iter().filter(|c| c.hold.is_some()).collect();
    if destroyed.is_empty() && held.is_empty() {
        return Ok(0);
    }
    let copy = SqliteStore::open(staged).await?;
    let mut n = 0;
    let result: anyhow::Result<()> = async {
        for case in &destroyed {
            let Some(there) = copy.case_by_id(case.id).await? else {
                continue;
            };
            if there.destroyed_at.is_some() {
                continue;
            }
            let event = |action: &'static str| AuditEvent {
                actor: None,
                org_id: Some(case.org_id),
                case_id: Some(case.id),
                action,
                detail: "restore: destroyed after the backup".into(),
            };
            if there.hold.is_some() {
                copy.set_hold(case.id, None, &event("case.hold_lifted"), now)
                    .await?;
            }
            let destruction = Destruction {
                case_id: case.id,
                tombstone: case.tombstone.clone().unwrap_or_default(),
                reason: "retention".into(),
                by: None,
            };
            copy.destroy_case(&destruction, &event("case.destroyed"), now)
                .await?;
            n += 1;
        }
        for case in &held {
            let Some(there) = copy.case_by_id(case.id).await? else {
                continue;
            };
            if there.destroyed_at.is_none() && there.hold != case.hold {
                let audit = AuditEvent {
                    actor: None,
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "case.hold",
                    detail: "restore: set after the backup".into(),
                };
                copy.set_hold(case.id, case.hold.as_ref(), &audit, now)
                    .await?;
            }
        }
        Ok(())
    }
    .await;
    copy.close().await;
    result.map(|()| n)
}

/// Destroys in the copy the cases whose keys the key vault has destroyed since the backup was
/// taken (crypto-shredded: nothing of them opens any more), leaving their tombstones with the
/// facts the case row itself holds. This covers a database lost with the record of what it had
/// destroyed: the vault remembers. Returns how many.
async fn destroy_shredded(
    staged: &Path,
    shredded: &[breachdesk_core::ports::CaseRecord],
) -> anyhow::Result<u64> {
    use breachdesk_core::audit::AuditEvent;
    use breachdesk_core::ports::Destruction;
    if shredded.is_empty() {
        return Ok(0);
    }
    let now = breachdesk_core::clock::Clock::now(&breachdesk_core::clock::SystemClock);
    let copy = SqliteStore::open(staged).await?;
    let mut n = 0;
    let result: anyhow::Result<()> = async {
        for case in shredded {
            // Destroyed again already by what the database being replaced knew.
            if copy
                .case_by_id(case.id)
                .await?
                .is_none_or(|c| c.destroyed_at.is_some())
            {
                continue;
            }
            let event = |action: &'static str| AuditEvent {
                actor: None,
                org_id: Some(case.org_id),
                case_id: Some(case.id),
                action,
                detail: "restore: key destroyed after the backup".into(),
            };
            if case.hold.is_some() {
                copy.set_hold(case.id, None, &event("case.hold_lifted"), now)
                    .await?;
            }
            let tombstone =
                breachdesk_core::register::RegisterEntry::of(case, &[], None, now).tombstone();
            let destruction = Destruction {
                case_id: case.id,
                tombstone: serde_json::to_string(&tombstone)?,
                reason: "retention".into(),
                by: None,
            };
            copy.destroy_case(&destruction, &event("case.destroyed"), now)
                .await?;
            n += 1;
        }
        Ok(())
    }
    .await;
    copy.close().await;
    result.map(|()| n)
}

/// Opens the copy (its schema brought up to date), and checks that the keys open every case —
/// but those the key vault records as destroyed, which it returns — and that the audit chain
/// verifies.
async fn check(
    staged: &Path,
    keyring: &MasterKeyring,
    args: &RestoreArgs,
) -> anyhow::Result<Vec<breachdesk_core::ports::CaseRecord>> {
    let sqlite = SqliteStore::open(staged)
        .await
        .context("opening the backup")?;
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let result = async {
        let mut shredded = Vec::new();
        let orgs: Vec<_> = store.organisations().await?.iter().map(|o| o.id).collect();
        for case in store
            .find_cases(
                &orgs,
                &CaseFilter {
                    unlimited: true,
                    ..CaseFilter::default()
                },
            )
            .await?
        {
            // A destroyed case has no key left (its tombstone stays): nothing to open.
            if case.destroyed_at.is_some() {
                if !case.wrapped_key.0.is_empty() {
                    bail!(
                        "case {} of the backup is destroyed but kept its key",
                        case.reference
                    );
                }
                continue;
            }
            // Destroyed since the backup, whatever form its key has in the backup (a key from
            // before the vault opens with the master key alone): the vault remembers.
            if keyring.vault().is_some_and(|v| v.is_destroyed(case.id)) {
                shredded.push(case);
                continue;
            }
            match keyring.unwrap_case_key(case.id, &case.wrapped_key) {
                Ok(_) => {}
                Err(CryptoError::Destroyed) => shredded.push(case),
                Err(CryptoError::KeyMissing) => bail!(
                    "the key vault {} has no key for case {} of the backup: put the vault copy \
                     back first (README, Backups), or give --key-vault",
                    crate::commands::vault_dir(
                        args.key_vault.as_deref(),
                        staged.parent().unwrap_or(staged)
                    )
                    .display(),
                    case.reference
                ),
                Err(_) => bail!(
                    "this installation's master key does not open case {} of the backup: it was \
                     taken with another key (give that one with --master-key-file)",
                    case.reference
                ),
            }
        }
        let audit = crate::commands::operator(&store).verify_audit().await?;
        if !audit.problems.is_empty() {
            bail!(
                "the backup's audit chain does not verify ({} problems)",
                audit.problems.len()
            );
        }
        Ok(shredded)
    }
    .await;
    sqlite.close().await;
    result
}
