//! The end of a case's life on `SQLite` (issue 21): retention dates, legal holds, destruction.
//! The database runs with `secure_delete` on, so the pages a destruction frees are overwritten
//! with zeros; a checkpoint afterwards moves them out of the write-ahead log too.

use async_trait::async_trait;
use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{
    CaseRecord, Conflict, DeletionRequest, Destruction, Hold, NewCaseEntry, RetentionStore,
    StoreError, WrappedKey,
};
use jiff::Timestamp;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

use super::handling::append_audit_tx;
use super::{SqliteStore, opt_ts, other};
use crate::time::to_text;

/// The hold of a case row, if one was set.
pub(super) fn hold_from_row(r: &SqliteRow) -> Result<Option<Hold>, StoreError> {
    let reason: Option<String> = r.try_get("hold_reason").map_err(other)?;
    let Some(reason) = reason else {
        return Ok(None);
    };
    let by: Option<String> = r.try_get("hold_by").map_err(other)?;
    Ok(Some(Hold {
        reason,
        until: opt_ts(r, "hold_until")?,
        set_by: by
            .as_deref()
            .map(Uuid::parse_str)
            .transpose()
            .map_err(other)?
            .unwrap_or_default(),
        set_at: opt_ts(r, "hold_at")?.unwrap_or(Timestamp::UNIX_EPOCH),
    }))
}

/// Does the row's legal hold stand at `now` ([`Hold::stands`] on the two columns it needs)?
fn stands(r: &SqliteRow, now: Timestamp) -> Result<bool, StoreError> {
    let reason: Option<String> = r.try_get("hold_reason").map_err(other)?;
    Ok(reason.is_some() && opt_ts(r, "hold_until")?.is_none_or(|u| now < u))
}

/// The deletion request of a case row, if one waits.
pub(super) fn deletion_request_from_row(
    r: &SqliteRow,
) -> Result<Option<DeletionRequest>, StoreError> {
    let reason: Option<String> = r.try_get("deletion_reason").map_err(other)?;
    let by: Option<String> = r.try_get("deletion_requested_by").map_err(other)?;
    let (Some(reason), Some(by)) = (reason, by) else {
        return Ok(None);
    };
    Ok(Some(DeletionRequest {
        by: Uuid::parse_str(&by).map_err(other)?,
        at: opt_ts(r, "deletion_requested_at")?.unwrap_or(Timestamp::UNIX_EPOCH),
        reason,
    }))
}

/// Tables holding a case's content, children before parents.
const CONTENT: [&str; 11] = [
    "DELETE FROM supplements WHERE report_id IN (SELECT id FROM reports WHERE case_id = ?)",
    "DELETE FROM reports WHERE case_id = ?",
    "DELETE FROM case_entries WHERE case_id = ?",
    "DELETE FROM attachments WHERE case_id = ?",
    "DELETE FROM outbox WHERE case_id = ?",
    "DELETE FROM recipients WHERE case_id = ?",
    "DELETE FROM outbox_locks WHERE case_id = ?",
    "DELETE FROM case_assignees WHERE case_id = ?",
    "DELETE FROM case_shares WHERE case_id = ?",
    "DELETE FROM report_alerts WHERE case_id = ?",
    "DELETE FROM mail_messages WHERE case_id = ?",
];

impl SqliteStore {
    async fn delete_report_impl(
        &self,
        case_id: Uuid,
        report_id: Uuid,
        note: &NewCaseEntry,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let id = case_id.to_string();
        let mut tx = self.begin_write().await?;
        refuse_if_held(&mut tx, &id, now).await?;
        // The report may belong to a duplicate merged into the case: its own hold keeps it.
        if let Some(own) = sqlx::query(
            "SELECT c.hold_reason, c.hold_until FROM cases c JOIN reports r ON r.case_id = c.id \
             WHERE r.id = ?",
        )
        .bind(report_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?
            && stands(&own, now)?
        {
            return Err(StoreError::Conflict(Conflict::Held));
        }
        // The case's reports: its own and those of the duplicates merged into it.
        let reports: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM reports WHERE case_id = ? OR case_id IN \
             (SELECT id FROM cases WHERE merged_into = ? AND destroyed_at IS NULL)",
        )
        .bind(&id)
        .bind(&id)
        .fetch_all(&mut *tx)
        .await
        .map_err(other)?;
        let report = report_id.to_string();
        if !reports.contains(&report) {
            return Err(StoreError::NotFound);
        }
        if reports.len() < 2 {
            return Err(StoreError::Conflict(Conflict::LastReport));
        }
        for statement in [
            "DELETE FROM supplements WHERE report_id = ?",
            "DELETE FROM report_alerts WHERE report_id = ?",
            "DELETE FROM mail_messages WHERE report_id = ?",
            "DELETE FROM reports WHERE id = ?",
        ] {
            sqlx::query(statement)
                .bind(&report)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        insert_note(&mut tx, &id, note, now).await?;
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await?;
        self.checkpoint().await
    }

    async fn delete_attachment_impl(
        &self,
        case_id: Uuid,
        attachment_id: Uuid,
        entry_id: Uuid,
        note: &NewCaseEntry,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let id = case_id.to_string();
        let mut tx = self.begin_write().await?;
        refuse_if_held(&mut tx, &id, now).await?;
        let gone = sqlx::query("DELETE FROM attachments WHERE id = ? AND case_id = ?")
            .bind(attachment_id.to_string())
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(other)?
            .rows_affected();
        if gone != 1 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "DELETE FROM case_entries WHERE id = ? AND case_id = ? AND kind = 'attachment'",
        )
        .bind(entry_id.to_string())
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        insert_note(&mut tx, &id, note, now).await?;
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await?;
        self.checkpoint().await
    }

    /// Moves freed pages out of the write-ahead log too: its frames hold the (zeroed) pages'
    /// old content until a checkpoint copies the zeros back and the log is truncated.
    async fn checkpoint(&self) -> Result<(), StoreError> {
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.write)
            .await
            .map_err(other)?;
        Ok(())
    }

    pub(super) async fn import_cases_impl(
        &self,
        cases: &[breachdesk_core::ports::ImportedCase],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for c in cases {
            let id = c.id.to_string();
            sqlx::query(
                "INSERT INTO cases (id, org_id, reference, status, created_at, updated_at, \
                 data_key, awareness_at, notified_at, notification_required, categories, \
                 retain_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(c.org_id.to_string())
            .bind(&c.reference)
            .bind(c.status.as_str())
            .bind(to_text(c.created_at))
            .bind(to_text(now))
            .bind(&c.wrapped_key.0)
            .bind(c.awareness_at.map(to_text))
            .bind(c.notified_at.map(to_text))
            .bind(c.notification_required.map(i64::from))
            .bind(c.categories.join(","))
            .bind(c.retain_until.map(to_text))
            .execute(&mut *tx)
            .await
            .map_err(super::map_err)?;
            sqlx::query(
                "INSERT INTO case_entries (id, case_id, kind, created_at, created_by, body) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(c.entry.id.to_string())
            .bind(&id)
            .bind(c.entry.kind)
            .bind(to_text(now))
            .bind(c.entry.created_by.map(|u| u.to_string()))
            .bind(&c.entry.body)
            .execute(&mut *tx)
            .await
            .map_err(super::map_err)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await
    }

    pub(super) async fn set_org_retention_impl(
        &self,
        org_id: Uuid,
        retention: breachdesk_core::retention::Retention,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE organisations SET retention_years = ?, unfounded_retention_days = ? WHERE id = ?",
        )
        .bind(i64::from(retention.years))
        .bind(i64::from(retention.unfounded_days))
        .bind(org_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await
    }
}

#[async_trait]
impl RetentionStore for SqliteStore {
    async fn set_retention(
        &self,
        case_id: Uuid,
        until: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n =
            sqlx::query("UPDATE cases SET retain_until = ? WHERE id = ? AND destroyed_at IS NULL")
                .bind(until.map(to_text))
                .bind(case_id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(other)?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await
    }

    async fn set_hold(
        &self,
        case_id: Uuid,
        hold: Option<&Hold>,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE cases SET hold_reason = ?, hold_until = ?, hold_by = ?, hold_at = ? \
             WHERE id = ? AND destroyed_at IS NULL",
        )
        .bind(hold.map(|h| h.reason.clone()))
        .bind(hold.and_then(|h| h.until).map(to_text))
        .bind(hold.map(|h| h.set_by.to_string()))
        .bind(hold.map(|h| to_text(h.set_at)))
        .bind(case_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await
    }

    async fn set_deletion_request(
        &self,
        case_id: Uuid,
        request: Option<&DeletionRequest>,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE cases SET deletion_requested_by = ?, deletion_requested_at = ?, \
             deletion_reason = ? WHERE id = ? AND destroyed_at IS NULL",
        )
        .bind(request.map(|r| r.by.to_string()))
        .bind(request.map(|r| to_text(r.at)))
        .bind(request.map(|r| r.reason.clone()))
        .bind(case_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await
    }

    async fn cases_due(&self, now: Timestamp) -> Result<Vec<CaseRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM cases c WHERE destroyed_at IS NULL AND retain_until IS NOT NULL \
             AND retain_until <= ? AND (hold_reason IS NULL OR (hold_until IS NOT NULL \
             AND hold_until <= ?)) AND NOT EXISTS (SELECT 1 FROM cases t \
             WHERE t.id = c.merged_into AND t.hold_reason IS NOT NULL \
             AND (t.hold_until IS NULL OR t.hold_until > ?)) ORDER BY retain_until, id",
        )
        .bind(to_text(now))
        .bind(to_text(now))
        .bind(to_text(now))
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        self.cases_from_rows(&rows).await
    }

    async fn delete_recipients(
        &self,
        case_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let id = case_id.to_string();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT hold_reason, hold_until FROM cases WHERE id = ? AND destroyed_at IS NULL",
        )
        .bind(&id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?
        .ok_or(StoreError::NotFound)?;
        if stands(&row, now)? {
            return Err(StoreError::Conflict(Conflict::Held));
        }
        for statement in [
            "DELETE FROM outbox WHERE case_id = ?",
            "DELETE FROM outbox_locks WHERE case_id = ?",
        ] {
            sqlx::query(statement)
                .bind(&id)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        let n = sqlx::query("DELETE FROM recipients WHERE case_id = ?")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(other)?
            .rows_affected();
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await?;
        Ok(n)
    }

    async fn destroy_case(
        &self,
        d: &Destruction,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<Vec<Uuid>, StoreError> {
        let id = d.case_id.to_string();
        let mut tx = self.begin_write().await?;
        refuse_if_held(&mut tx, &id, now).await?;
        // The duplicates merged into it go with it (their reports are the case's too), unless
        // one of them is held.
        let mut duplicates = Vec::new();
        for dup in sqlx::query("SELECT id, hold_reason, hold_until FROM cases WHERE merged_into = ? AND destroyed_at IS NULL")
            .bind(&id)
            .fetch_all(&mut *tx)
            .await
            .map_err(other)?
        {
            if stands(&dup, now)? {
                return Err(StoreError::Conflict(Conflict::Held));
            }
            duplicates.push(dup.try_get::<String, _>("id").map_err(other)?);
        }
        for case in std::iter::once(&id).chain(&duplicates) {
            for statement in CONTENT {
                sqlx::query(statement)
                    .bind(case)
                    .execute(&mut *tx)
                    .await
                    .map_err(other)?;
            }
        }
        sqlx::query(
            "UPDATE cases SET data_key = NULL, destroyed_at = ?, tombstone = ?, \
             destroyed_by = ?, destruction_reason = ?, \
             hold_reason = NULL, hold_until = NULL, hold_by = NULL, hold_at = NULL, \
             deletion_requested_by = NULL, deletion_requested_at = NULL, deletion_reason = NULL, \
             updated_at = ? WHERE id = ?",
        )
        .bind(to_text(now))
        .bind(&d.tombstone)
        .bind(d.by.map(|u| u.to_string()))
        .bind(&d.reason)
        .bind(to_text(now))
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        for dup in &duplicates {
            sqlx::query(
                "UPDATE cases SET data_key = NULL, destroyed_at = ?, destroyed_by = ?, \
                 destruction_reason = ?, hold_reason = NULL, hold_until = NULL, hold_by = NULL, \
                 hold_at = NULL, deletion_requested_by = NULL, deletion_requested_at = NULL, \
                 deletion_reason = NULL, updated_at = ? WHERE id = ?",
            )
            .bind(to_text(now))
            .bind(d.by.map(|u| u.to_string()))
            .bind(&d.reason)
            .bind(to_text(now))
            .bind(dup)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await?;
        self.checkpoint().await?;
        destroyed_ids(d.case_id, &duplicates)
    }

    async fn delete_report(
        &self,
        case_id: Uuid,
        report_id: Uuid,
        note: &NewCaseEntry,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.delete_report_impl(case_id, report_id, note, audit, now)
            .await
    }

    async fn delete_attachment(
        &self,
        case_id: Uuid,
        attachment_id: Uuid,
        entry_id: Uuid,
        note: &NewCaseEntry,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.delete_attachment_impl(case_id, attachment_id, entry_id, note, audit, now)
            .await
    }

    async fn destroyed_case_ids(&self) -> Result<Vec<Uuid>, StoreError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM cases WHERE destroyed_at IS NOT NULL ORDER BY id")
                .fetch_all(&self.read)
                .await
                .map_err(other)?;
        ids.iter().map(|i| parse_id(i)).collect()
    }

    async fn has_vault_bound_keys(&self) -> Result<bool, StoreError> {
        let found: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM cases WHERE data_key IS NOT NULL AND length(data_key) > 0 AND substr(data_key, 1, 1) = x'02' LIMIT 1",
        )
        .fetch_optional(&self.read)
        .await
        .map_err(other)?;
        Ok(found.is_some())
    }

    async fn cases_without_vault(&self) -> Result<Vec<(Uuid, WrappedKey)>, StoreError> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT id, data_key FROM cases WHERE destroyed_at IS NULL AND data_key IS NOT NULL \
             AND length(data_key) > 0 AND substr(data_key, 1, 1) <> x'02' ORDER BY id",
        )
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        rows.into_iter()
            .map(|(id, key)| Ok((parse_id(&id)?, WrappedKey(key))))
            .collect()
    }

    async fn rebind_case_key(
        &self,
        case_id: Uuid,
        old: &WrappedKey,
        new: &WrappedKey,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE cases SET data_key = ? WHERE id = ? AND data_key = ? AND destroyed_at IS NULL",
        )
        .bind(&new.0)
        .bind(case_id.to_string())
        .bind(&old.0)
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }
}

/// Refuses to delete anything of the case `id` while a hold keeps it: its own, or that of the
/// case it was merged into (a duplicate is part of that case). `NotFound` for an unknown or
/// destroyed case. In the deleting transaction, so that a hold set meanwhile is seen.
async fn refuse_if_held(
    tx: &mut super::write::WriteTx,
    id: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    let row = sqlx::query(
        "SELECT hold_reason, hold_until FROM cases WHERE id = ? AND destroyed_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(other)?
    .ok_or(StoreError::NotFound)?;
    if stands(&row, now)? {
        return Err(StoreError::Conflict(Conflict::Held));
    }
    if let Some(target) = sqlx::query(
        "SELECT t.hold_reason, t.hold_until FROM cases t JOIN cases c ON t.id = c.merged_into \
         WHERE c.id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
    .map_err(other)?
        && stands(&target, now)?
    {
        return Err(StoreError::Conflict(Conflict::Held));
    }
    Ok(())
}

/// Records the sealed note of an early deletion in the case's record.
async fn insert_note(
    tx: &mut super::write::WriteTx,
    case_id: &str,
    note: &NewCaseEntry,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO case_entries (id, case_id, kind, created_at, created_by, body) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(note.id.to_string())
    .bind(case_id)
    .bind(note.kind)
    .bind(to_text(now))
    .bind(note.created_by.map(|u| u.to_string()))
    .bind(&note.body)
    .execute(&mut **tx)
    .await
    .map_err(other)?;
    Ok(())
}

fn parse_id(id: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(id).map_err(other)
}

fn destroyed_ids(case: Uuid, duplicates: &[String]) -> Result<Vec<Uuid>, StoreError> {
    let mut ids = vec![case];
    for dup in duplicates {
        ids.push(parse_id(dup)?);
    }
    Ok(ids)
}
