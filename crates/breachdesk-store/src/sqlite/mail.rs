//! Mailbox intake's messages on `SQLite` (issue 22): a message, what it became and its
//! attachments in one transaction, recognised by its key when read again.

use async_trait::async_trait;
use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{MailRecord, MailStore, MailStored, MailTarget, NewMail, StoreError};
use jiff::Timestamp;
use sqlx::Row;
use uuid::Uuid;

use super::handling::append_audit_tx;
use super::{SqliteStore, insert_intake_tx, insert_supplement_tx, map_err, opt_ts, other, uuid};
use crate::time::to_text;

async fn known<'e>(
    ex: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
    org_id: Uuid,
    key: &str,
) -> Result<Option<MailRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT m.case_id, m.report_id, m.new_case, m.ack_at, c.reference
         FROM mail_messages m JOIN cases c ON c.id = m.case_id
         WHERE m.org_id = ? AND m.key = ?",
    )
    .bind(org_id.to_string())
    .bind(key)
    .fetch_optional(ex)
    .await
    .map_err(other)?;
    row.map(|r| {
        Ok(MailRecord {
            case_id: uuid(&r, "case_id")?,
            reference: r.try_get("reference").map_err(other)?,
            report_id: uuid(&r, "report_id")?,
            new_case: r.try_get::<i64, _>("new_case").map_err(other)? != 0,
            acknowledged_at: opt_ts(&r, "ack_at")?,
        })
    })
    .transpose()
}

#[async_trait]
impl MailStore for SqliteStore {
    async fn insert_mail(&self, mail: &NewMail) -> Result<MailStored, StoreError> {
        let mut tx = self.begin_write().await?;
        let (case_id, report_id, new_case) = match &mail.target {
            MailTarget::NewCase { case, report, .. } => (case.id, report.id, true),
            MailTarget::Supplement {
                case_id,
                supplement,
            } => (*case_id, supplement.report_id, false),
        };
        let now = to_text(mail.received_at);
        // The message's row first: a second reading of it (another server, the other mailbox)
        // finds it here, or waits for this transaction and then finds it.
        let claimed = sqlx::query(
            "INSERT INTO mail_messages (org_id, key, case_id, report_id, new_case, received_at)
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id, key) DO NOTHING",
        )
        .bind(mail.org_id.to_string())
        .bind(&mail.key)
        .bind(case_id.to_string())
        .bind(report_id.to_string())
        .bind(i64::from(new_case))
        .bind(&now)
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected();
        if claimed == 0 {
            // Nothing written; ended with a commit all the same, so that the writer's
            // connection is kept (an unfinished transaction closes it).
            let seen = known(&mut *tx, mail.org_id, &mail.key)
                .await?
                .ok_or(StoreError::NotFound)?;
            tx.commit().await?;
            return Ok(MailStored::Seen(seen));
        }
        match &mail.target {
            MailTarget::NewCase { case, report, year } => {
                insert_intake_tx(&mut tx, case, report, *year).await?;
            }
            MailTarget::Supplement { supplement, .. } => {
                insert_supplement_tx(&mut tx, supplement).await?;
            }
        }
        let mut events = Vec::with_capacity(mail.attachments.len());
        for (entry, content) in &mail.attachments {
            sqlx::query(
                "INSERT INTO attachments (id, case_id, created_at, size, body) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(content.id.to_string())
            .bind(case_id.to_string())
            .bind(&now)
            .bind(content.size)
            .bind(&content.body)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            sqlx::query("INSERT INTO case_entries (id, case_id, kind, created_at, created_by, body) VALUES (?, ?, ?, ?, NULL, ?)")
                .bind(entry.id.to_string())
                .bind(case_id.to_string())
                .bind(entry.kind)
                .bind(&now)
                .bind(&entry.body)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            events.push(AuditEvent {
                actor: None,
                org_id: Some(mail.org_id),
                case_id: Some(case_id),
                action: "case.attachment",
                detail: format!("attachment {} from e-mail", content.id),
            });
        }
        append_audit_tx(&mut tx, &events, mail.received_at).await?;
        let stored = known(&mut *tx, mail.org_id, &mail.key)
            .await?
            .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(MailStored::New(stored))
    }

    async fn mail_message(
        &self,
        org_id: Uuid,
        key: &str,
    ) -> Result<Option<MailRecord>, StoreError> {
        known(&self.read, org_id, key).await
    }

    async fn mail_thread(&self, org_id: Uuid, keys: &[String]) -> Result<Option<Uuid>, StoreError> {
        for key in keys.iter().rev() {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT m.case_id FROM mail_messages m JOIN cases c ON c.id = m.case_id
                 WHERE m.org_id = ? AND (m.key = ? OR m.ack_key = ?)
                 ORDER BY m.received_at DESC LIMIT 1",
            )
            .bind(org_id.to_string())
            .bind(key)
            .bind(key)
            .fetch_optional(&self.read)
            .await
            .map_err(other)?;
            if let Some(id) = found {
                return Ok(Some(Uuid::parse_str(&id).map_err(other)?));
            }
        }
        Ok(None)
    }

    async fn claim_mail_ack(
        &self,
        org_id: Uuid,
        key: &str,
        ack_key: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query(
            "UPDATE mail_messages SET ack_at = ?, ack_key = ? WHERE org_id = ? AND key = ? AND ack_at IS NULL",
        )
        .bind(to_text(now))
        .bind(ack_key)
        .bind(org_id.to_string())
        .bind(key)
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected();
        tx.commit().await?;
        Ok(n == 1)
    }

    async fn unclaim_mail_ack(
        &self,
        org_id: Uuid,
        key: &str,
        ack_key: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE mail_messages SET ack_at = NULL, ack_key = NULL WHERE org_id = ? AND key = ? AND ack_key = ?",
        )
        .bind(org_id.to_string())
        .bind(key)
        .bind(ack_key)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await
    }
}
