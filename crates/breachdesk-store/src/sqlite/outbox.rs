//! Recipients and the outbox on `SQLite`. Queueing and finishing are batched: one transaction
//! (one fsync) for many rows.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{
    Bounce, DeliveryOutcome, FailedMessage, MessageOutcome, NewOutboxMessage, NewRecipient,
    OrgTemplate, OutboxCounts, OutboxMessage, RecipientCounts, RecipientRecord, StoreError,
};
use breachdesk_core::report::Language;
use jiff::Timestamp;
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::handling::append_audit_tx;
use super::write::WriteTx;
use super::{SqliteStore, other, uuid};
use crate::time::to_text;

/// Rows per INSERT statement (`SQLite` allows 32766 bound parameters).
const CHUNK: usize = 1000;

fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl SqliteStore {
    pub(super) async fn org_templates_impl(
        &self,
        org_id: Uuid,
    ) -> Result<Vec<OrgTemplate>, StoreError> {
        let rows = sqlx::query(
            "SELECT language, source FROM org_templates WHERE org_id = ? ORDER BY language",
        )
        .bind(org_id.to_string())
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                let lang: String = r.try_get("language").map_err(other)?;
                Ok(OrgTemplate {
                    language: Language::parse(&lang).unwrap_or_default(),
                    ftl: r.try_get("source").map_err(other)?,
                })
            })
            .collect()
    }

    pub(super) async fn set_org_templates_impl(
        &self,
        org_id: Uuid,
        templates: &[OrgTemplate],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let org = org_id.to_string();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM org_templates WHERE org_id = ?")
            .bind(&org)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        for OrgTemplate {
            language: lang,
            ftl: source,
        } in templates.iter().filter(|t| !t.ftl.trim().is_empty())
        {
            sqlx::query(
                "INSERT INTO org_templates (org_id, language, source, updated_at, updated_by) \
                 VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&org)
            .bind(lang.as_str())
            .bind(source)
            .bind(to_text(now))
            .bind(audit.actor.map(|a| a.to_string()))
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await
    }

    pub(super) async fn import_recipients_impl(
        &self,
        case_id: Uuid,
        replace: bool,
        recipients: &[NewRecipient],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let case = case_id.to_string();
        let mut tx = self.begin_write().await?;
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM cases WHERE id = ?")
            .bind(&case)
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        if replace {
            let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE case_id = ?")
                .bind(&case)
                .fetch_one(&mut *tx)
                .await
                .map_err(other)?;
            if queued > 0 {
                return Err(StoreError::Conflict(
                    breachdesk_core::ports::Conflict::LettersAlreadyQueued,
                ));
            }
            sqlx::query("DELETE FROM recipients WHERE case_id = ?")
                .bind(&case)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        let last: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM recipients WHERE case_id = ?")
                .bind(&case)
                .fetch_one(&mut *tx)
                .await
                .map_err(other)?;
        let created = to_text(now);
        let mut seq = last;
        for chunk in recipients.chunks(CHUNK) {
            let mut q = QueryBuilder::new(
                "INSERT INTO recipients (case_id, seq, id, email, body, created_at) ",
            );
            q.push_values(chunk, |mut b, NewRecipient { id, email, body }| {
                seq += 1;
                b.push_bind(&case)
                    .push_bind(seq)
                    .push_bind(id.to_string())
                    .push_bind(*email)
                    .push_bind(body)
                    .push_bind(&created);
            });
            q.build().execute(&mut *tx).await.map_err(other)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await
    }

    pub(super) async fn recipients_impl(
        &self,
        case_id: Uuid,
        after: u64,
        limit: u32,
    ) -> Result<Vec<RecipientRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, id, email, body FROM recipients WHERE case_id = ? AND seq > ? \
             ORDER BY seq LIMIT ?",
        )
        .bind(case_id.to_string())
        .bind(int(after))
        .bind(limit)
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                Ok(RecipientRecord {
                    id: uuid(r, "id")?,
                    seq: r.try_get::<i64, _>("seq").map_err(other)?.cast_unsigned(),
                    email: r.try_get("email").map_err(other)?,
                    body: r.try_get("body").map_err(other)?,
                })
            })
            .collect()
    }

    pub(super) async fn recipient_counts_impl(
        &self,
        case_id: Uuid,
    ) -> Result<RecipientCounts, StoreError> {
        let row = sqlx::query(
            "SELECT coalesce(sum(email), 0) AS e, count(*) AS n FROM recipients WHERE case_id = ?",
        )
        .bind(case_id.to_string())
        .fetch_one(&self.read)
        .await
        .map_err(other)?;
        let e: i64 = row.try_get("e").map_err(other)?;
        let n: i64 = row.try_get("n").map_err(other)?;
        Ok(RecipientCounts {
            email: e.cast_unsigned(),
            post: (n - e).cast_unsigned(),
        })
    }

    pub(super) async fn queue_messages_impl(
        &self,
        case_id: Uuid,
        version: u32,
        messages: &[NewOutboxMessage],
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let case = case_id.to_string();
        let queued = to_text(now);
        let mut added = 0;
        let mut tx = self.begin_write().await?;
        for chunk in messages.chunks(CHUNK) {
            let mut q = QueryBuilder::new(
                "INSERT OR IGNORE INTO outbox (id, case_id, version, seq, status, queued_at, body) ",
            );
            q.push_values(chunk, |mut b, m| {
                b.push_bind(m.id.to_string())
                    .push_bind(&case)
                    .push_bind(version)
                    .push_bind(int(m.seq))
                    .push_bind("queued")
                    .push_bind(&queued)
                    .push_bind(&m.body);
            });
            added += q
                .build()
                .execute(&mut *tx)
                .await
                .map_err(other)?
                .rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    pub(super) async fn queued_up_to_impl(&self, case_id: Uuid) -> Result<u64, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM outbox WHERE case_id = ?")
                .bind(case_id.to_string())
                .fetch_one(&self.write)
                .await
                .map_err(other)?;
        Ok(n.cast_unsigned())
    }

    pub(super) async fn claim_messages_impl(
        &self,
        case_id: Uuid,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        // Like the marks: written to the WAL without waiting for the disk. A claim lost to a
        // power cut leaves its messages queued, and they are sent again with the same
        // Message-ID — the same outcome as a lost mark.
        let mut tx = self.begin_write_wal_only().await?;
        let rows = sqlx::query(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE case_id = ?1 AND status = 'queued' \
                          AND (next_attempt_at IS NULL OR next_attempt_at <= ?2) \
                          ORDER BY seq LIMIT ?3) \
             RETURNING id, case_id, seq, attempts, body",
        )
        .bind(case_id.to_string())
        .bind(to_text(now))
        .bind(limit)
        .fetch_all(&mut *tx)
        .await;
        let rows = rows.map_err(other)?;
        tx.commit().await?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: uuid(r, "id")?,
                    case_id: uuid(r, "case_id")?,
                    seq: r.try_get::<i64, _>("seq").map_err(other)?.cast_unsigned(),
                    attempts: r.try_get("attempts").map_err(other)?,
                    body: r.try_get("body").map_err(other)?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        out.sort_by_key(|m| m.seq);
        Ok(out)
    }

    pub(super) async fn finish_messages_impl(
        &self,
        outcomes: &[MessageOutcome],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let now = to_text(now);
        // Written to the WAL without waiting for the disk: survives a killed process; a mark
        // lost to a power cut only means the message is sent again, with the same Message-ID.
        let mut tx = self.begin_write_wal_only().await?;
        finish_tx(&mut tx, outcomes, &now).await?;
        tx.commit().await
    }

    pub(super) async fn recover_messages_impl(&self, case_id: Uuid) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE outbox SET status = 'queued', in_doubt = 1, next_attempt_at = NULL \
             WHERE case_id = ? AND status = 'sending'",
        )
        .bind(case_id.to_string())
        .execute(&self.write)
        .await
        .map_err(other)?
        .rows_affected())
    }

    pub(super) async fn retry_failed_messages_impl(
        &self,
        case_id: Uuid,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE outbox SET status = 'queued', next_attempt_at = ? \
             WHERE case_id = ? AND status = 'failed'",
        )
        .bind(to_text(now))
        .bind(case_id.to_string())
        .execute(&self.write)
        .await
        .map_err(other)?
        .rows_affected())
    }

    pub(super) async fn outbox_counts_impl(
        &self,
        case_id: Uuid,
    ) -> Result<OutboxCounts, StoreError> {
        let case = case_id.to_string();
        let rows = sqlx::query(
            "SELECT status, count(*) AS n, sum(in_doubt) AS d, max(version) AS v \
             FROM outbox WHERE case_id = ? GROUP BY status",
        )
        .bind(&case)
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        let mut c = OutboxCounts::default();
        for r in rows {
            let status: String = r.try_get("status").map_err(other)?;
            let n: i64 = r.try_get("n").map_err(other)?;
            let d: i64 = r.try_get("d").map_err(other)?;
            let v: Option<u32> = r.try_get("v").map_err(other)?;
            let n = n.cast_unsigned();
            match status.as_str() {
                "queued" => c.queued = n,
                "sending" => c.sending = n,
                "sent" => c.sent = n,
                _ => c.failed = n,
            }
            c.in_doubt += d.cast_unsigned();
            c.version = c.version.max(v);
        }
        Ok(c)
    }

    pub(super) async fn lease_outbox_impl(
        &self,
        case_id: Uuid,
        holder: Uuid,
        ttl: std::time::Duration,
    ) -> Result<bool, StoreError> {
        // The lease is measured on this machine's clock: an SQLite file has one machine.
        #[allow(clippy::disallowed_methods)]
        let now = Timestamp::now();
        let until = now
            .checked_add(jiff::SignedDuration::try_from(ttl).map_err(other)?)
            .map_err(other)?;
        let done = sqlx::query(
            "INSERT INTO outbox_locks (case_id, holder, expires_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (case_id) DO UPDATE SET holder = ?2, expires_at = ?3 \
             WHERE outbox_locks.holder = ?2 OR outbox_locks.expires_at <= ?4",
        )
        .bind(case_id.to_string())
        .bind(holder.to_string())
        .bind(to_text(until))
        .bind(to_text(now))
        .execute(&self.write)
        .await
        .map_err(other)?;
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn release_outbox_impl(
        &self,
        case_id: Uuid,
        holder: Uuid,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM outbox_locks WHERE case_id = ? AND holder = ?")
            .bind(case_id.to_string())
            .bind(holder.to_string())
            .execute(&self.write)
            .await
            .map_err(other)?;
        Ok(())
    }

    pub(super) async fn cases_with_due_messages_impl(
        &self,
        now: Timestamp,
    ) -> Result<Vec<Uuid>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT case_id FROM outbox WHERE (status = 'queued' \
             AND (next_attempt_at IS NULL OR next_attempt_at <= ?)) OR status = 'sending'",
        )
        .bind(to_text(now))
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        rows.iter().map(|r| uuid(r, "case_id")).collect()
    }

    pub(super) async fn failed_messages_impl(
        &self,
        case_id: Uuid,
    ) -> Result<Vec<FailedMessage>, StoreError> {
        let rows = sqlx::query(
            "SELECT seq, coalesce(last_error, '') AS e FROM outbox \
             WHERE case_id = ? AND status = 'failed' ORDER BY seq",
        )
        .bind(case_id.to_string())
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|r| {
                Ok(FailedMessage {
                    seq: r.try_get::<i64, _>("seq").map_err(other)?.cast_unsigned(),
                    reply: r.try_get("e").map_err(other)?,
                })
            })
            .collect()
    }

    pub(super) async fn record_bounces_impl(
        &self,
        case_id: Uuid,
        bounces: &[Bounce],
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut found = 0;
        for Bounce {
            message_id: id,
            status,
        } in bounces
        {
            found += sqlx::query(
                "UPDATE outbox SET status = 'failed', last_error = ?, next_attempt_at = NULL \
                 WHERE id = ? AND case_id = ?",
            )
            .bind(format!("bounce {status}"))
            .bind(id.to_string())
            .bind(case_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(other)?
            .rows_affected();
        }
        tx.commit().await?;
        Ok(found)
    }
}

async fn finish_tx(
    tx: &mut WriteTx,
    outcomes: &[MessageOutcome],
    now: &str,
) -> Result<(), StoreError> {
    for MessageOutcome {
        message_id: id,
        outcome,
    } in outcomes
    {
        let q = match outcome {
            DeliveryOutcome::Sent => sqlx::query(
                "UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL \
                     WHERE id = ? AND status = 'sending'",
            )
            .bind(now),
            DeliveryOutcome::Retry { reply, at } => sqlx::query(
                "UPDATE outbox SET status = 'queued', last_error = ?, next_attempt_at = ? \
                     WHERE id = ? AND status = 'sending'",
            )
            .bind(reply)
            .bind(to_text(*at)),
            DeliveryOutcome::Failed { reply } => sqlx::query(
                "UPDATE outbox SET status = 'failed', last_error = ? \
                     WHERE id = ? AND status = 'sending'",
            )
            .bind(reply),
        };
        q.bind(id.to_string())
            .execute(&mut **tx)
            .await
            .map_err(other)?;
    }
    Ok(())
}
