//! Recipients, the outbox and an organisation's wording on `PostgreSQL`. Queueing and finishing
//! are batched: one transaction (one WAL flush) for many rows. Claims skip rows another run has
//! locked, so two servers never claim the same message.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{
    Bounce, Conflict, DeliveryOutcome, MessageOutcome, NewOutboxMessage, NewRecipient, OrgTemplate,
    OutboxCounts, OutboxMessage, RecipientCounts, RecipientRecord, StoreError,
};
use breachdesk_core::report::Language;
use jiff::Timestamp;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::handling::append_audit_tx;
use super::{PgStore, int, map_err, other, unsigned, uuid};
use crate::time::to_text;

/// Rows per INSERT statement (`PostgreSQL` allows 65535 bound parameters; 7 per row here).
const CHUNK: usize = 1000;

impl PgStore {
    pub(super) async fn org_templates_impl(
        &self,
        org_id: Uuid,
    ) -> Result<Vec<OrgTemplate>, StoreError> {
        sqlx::query(
            "SELECT language, source FROM org_templates WHERE org_id = $1 ORDER BY language COLLATE \"C\"",
        )
        .bind(org_id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
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
        let mut tx = self.begin().await?;
        // Concurrent replacements of the same organisation's wording take turns (else the later
        // one would not see, and so not delete, the rows the earlier one inserted).
        sqlx::query("SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE")
            .bind(&org)
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?;
        sqlx::query("DELETE FROM org_templates WHERE org_id = $1")
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
                "INSERT INTO org_templates (org_id, language, source, updated_at, updated_by)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&org)
            .bind(lang.as_str())
            .bind(source)
            .bind(to_text(now))
            .bind(audit.actor.map(|a| a.to_string()))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
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
        let mut tx = self.begin().await?;
        // The case row is locked until commit: concurrent imports number on in turn, and a
        // concurrent queueing (whose outbox rows reference the case) waits or is seen.
        let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM cases WHERE id = $1 FOR UPDATE")
            .bind(&case)
            .fetch_optional(&mut *tx)
            .await
            .map_err(other)?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        if replace {
            let queued: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox WHERE case_id = $1")
                .bind(&case)
                .fetch_one(&mut *tx)
                .await
                .map_err(other)?;
            if queued > 0 {
                return Err(StoreError::Conflict(Conflict::LettersAlreadyQueued));
            }
            sqlx::query("DELETE FROM recipients WHERE case_id = $1")
                .bind(&case)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        let last: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM recipients WHERE case_id = $1")
                .bind(&case)
                .fetch_one(&mut *tx)
                .await
                .map_err(other)?;
        let created = to_text(now);
        let mut seq = last;
        for chunk in recipients.chunks(CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(
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
            q.build().execute(&mut *tx).await.map_err(map_err)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }

    pub(super) async fn recipients_impl(
        &self,
        case_id: Uuid,
        after: u64,
        limit: u32,
    ) -> Result<Vec<RecipientRecord>, StoreError> {
        sqlx::query(
            "SELECT seq, id, email, body FROM recipients WHERE case_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3",
        )
        .bind(case_id.to_string())
        .bind(int(after))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
        .map(|r| {
            Ok(RecipientRecord {
                id: uuid(r, "id")?,
                seq: unsigned(r.try_get("seq").map_err(other)?),
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
            "SELECT count(*) FILTER (WHERE email) AS e, count(*) FILTER (WHERE NOT email) AS p
             FROM recipients WHERE case_id = $1",
        )
        .bind(case_id.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(other)?;
        let e: i64 = row.try_get("e").map_err(other)?;
        let p: i64 = row.try_get("p").map_err(other)?;
        Ok(RecipientCounts {
            email: unsigned(e),
            post: unsigned(p),
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
        let mut tx = self.begin().await?;
        for chunk in messages.chunks(CHUNK) {
            let mut q = QueryBuilder::<Postgres>::new(
                "INSERT INTO outbox (id, case_id, version, seq, status, queued_at, body) ",
            );
            q.push_values(chunk, |mut b, m| {
                b.push_bind(m.id.to_string())
                    .push_bind(&case)
                    .push_bind(i64::from(version))
                    .push_bind(int(m.seq))
                    .push_bind("queued")
                    .push_bind(&queued)
                    .push_bind(&m.body);
            });
            // Already queued for this version (or the same message again): skipped.
            q.push(" ON CONFLICT DO NOTHING");
            added += q
                .build()
                .execute(&mut *tx)
                .await
                .map_err(map_err)?
                .rows_affected();
        }
        self.commit(tx).await?;
        Ok(added)
    }

    pub(super) async fn claim_messages_impl(
        &self,
        case_id: Uuid,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        // SKIP LOCKED: rows another run is claiming are passed over, never claimed twice.
        let rows = sqlx::query(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1
             WHERE id IN (SELECT id FROM outbox WHERE case_id = $1 AND status = 'queued'
                            AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
                          ORDER BY seq LIMIT $3 FOR UPDATE SKIP LOCKED)
             RETURNING id, case_id, seq, attempts, body",
        )
        .bind(case_id.to_string())
        .bind(to_text(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        self.health.set(None);
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: uuid(r, "id")?,
                    case_id: uuid(r, "case_id")?,
                    seq: unsigned(r.try_get("seq").map_err(other)?),
                    attempts: u32::try_from(r.try_get::<i64, _>("attempts").map_err(other)?)
                        .unwrap_or(u32::MAX),
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
        let mut tx = self.begin().await?;
        for MessageOutcome {
            message_id: id,
            outcome,
        } in outcomes
        {
            let q = match outcome {
                DeliveryOutcome::Sent => sqlx::query(
                    "UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL
                     WHERE id = $2 AND status = 'sending'",
                )
                .bind(&now),
                DeliveryOutcome::Retry { reply, .. } => sqlx::query(
                    "UPDATE outbox SET status = 'queued', last_error = $1, next_attempt_at = $3
                     WHERE id = $2 AND status = 'sending'",
                )
                .bind(reply),
                DeliveryOutcome::Failed { reply } => sqlx::query(
                    "UPDATE outbox SET status = 'failed', last_error = $1
                     WHERE id = $2 AND status = 'sending'",
                )
                .bind(reply),
            };
            let q = q.bind(id.to_string());
            let q = match outcome {
                DeliveryOutcome::Retry { at, .. } => q.bind(to_text(*at)),
                _ => q,
            };
            q.execute(&mut *tx).await.map_err(other)?;
        }
        self.commit(tx).await
    }

    pub(super) async fn outbox_counts_impl(
        &self,
        case_id: Uuid,
    ) -> Result<OutboxCounts, StoreError> {
        let rows = sqlx::query(
            "SELECT status, count(*) AS n, count(*) FILTER (WHERE in_doubt) AS d, max(version) AS v
             FROM outbox WHERE case_id = $1 GROUP BY status",
        )
        .bind(case_id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?;
        let mut c = OutboxCounts::default();
        for r in rows {
            let status: String = r.try_get("status").map_err(other)?;
            let n = unsigned(r.try_get("n").map_err(other)?);
            let d = unsigned(r.try_get("d").map_err(other)?);
            let v: Option<i64> = r.try_get("v").map_err(other)?;
            match status.as_str() {
                "queued" => c.queued = n,
                "sending" => c.sending = n,
                "sent" => c.sent = n,
                _ => c.failed = n,
            }
            c.in_doubt += d;
            c.version = c.version.max(v.and_then(|v| u32::try_from(v).ok()));
        }
        Ok(c)
    }

    pub(super) async fn record_bounces_impl(
        &self,
        case_id: Uuid,
        bounces: &[Bounce],
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let mut found = 0;
        for Bounce {
            message_id: id,
            status,
        } in bounces
        {
            found += sqlx::query(
                "UPDATE outbox SET status = 'failed', last_error = $1, next_attempt_at = NULL
                 WHERE id = $2 AND case_id = $3",
            )
            .bind(format!("bounce {status}"))
            .bind(id.to_string())
            .bind(case_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(other)?
            .rows_affected();
        }
        self.commit(tx).await?;
        Ok(found)
    }
}
