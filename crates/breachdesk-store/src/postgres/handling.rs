//! Case handling, the audit chain, accounts and sessions on `PostgreSQL`. The `Store` impl in the
//! parent module delegates here.

use breachdesk_core::audit::{AuditEvent, AuditRecord, GENESIS};
use breachdesk_core::case::CaseStatus;
use breachdesk_core::ports::{
    CaseChange, CaseEntryRecord, CaseFilter, CaseRecord, Conflict, Member, NewShare, RecoveryCode,
    SessionRecord, SessionStage, SetupLinkFor, SetupPurpose, StoreError, UserAuth, WrappedKey,
};
use breachdesk_core::report::Language;
use breachdesk_core::user::{Membership, Principal};
use jiff::Timestamp;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::{PgStore, Tx, map_err, opt_ts, opt_uuid, other, ts, uuid};
use crate::time::to_text;

/// The key of the transaction-level advisory lock that orders appends to the audit chain
/// (`"bdaudit1"` as a number): one writer at a time reads the head and chains on it, on any
/// number of servers.
const AUDIT_LOCK: i64 = 0x6264_6175_6469_7431;

/// The key of the advisory lock that orders the making of first-administrator links
/// (`"bdfirsta"` as a number).
const FIRST_ADMIN_LOCK: i64 = 0x6264_6669_7273_7461;

fn hash32(row: &PgRow, col: &str) -> Result<[u8; 32], StoreError> {
    let v: Vec<u8> = row.try_get(col).map_err(other)?;
    v.try_into()
        .map_err(|_| StoreError::Other(format!("audit_log.{col} is not 32 bytes").into()))
}

/// Appends audit entries inside an open transaction: takes the chain's lock (held until the
/// transaction ends), reads the head, chains, inserts.
pub(super) async fn append_audit_tx(
    tx: &mut Tx,
    events: &[AuditEvent],
    now: Timestamp,
) -> Result<(), StoreError> {
    if events.is_empty() {
        return Ok(());
    }
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(AUDIT_LOCK)
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    // Read committed: this statement sees every append committed before the lock was granted.
    let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await
        .map_err(other)?;
    let (mut seq, mut hash) = match head {
        Some(r) => (
            r.try_get::<i64, _>("seq").map_err(other)?,
            hash32(&r, "hash")?,
        ),
        None => (0, GENESIS),
    };
    for event in events {
        let rec = AuditRecord::next(seq, hash, now, event);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, org_id, case_id, action, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(rec.seq)
        .bind(to_text(rec.at))
        .bind(rec.actor.map(|u| u.to_string()))
        .bind(rec.org_id.map(|u| u.to_string()))
        .bind(rec.case_id.map(|u| u.to_string()))
        .bind(&rec.action)
        .bind(&rec.detail)
        .bind(rec.prev_hash.as_slice())
        .bind(rec.hash.as_slice())
        .execute(&mut **tx)
        .await
        .map_err(other)?;
        seq = rec.seq;
        hash = rec.hash;
    }
    Ok(())
}

fn user_auth(r: &PgRow) -> Result<UserAuth, StoreError> {
    let disabled: Option<String> = r.try_get("disabled_at").map_err(other)?;
    let lang: String = r.try_get("preferred_language").map_err(other)?;
    Ok(UserAuth {
        id: uuid(r, "id")?,
        email: r.try_get("email").map_err(other)?,
        display_name: r.try_get("display_name").map_err(other)?,
        password_hash: r.try_get("password_hash").map_err(other)?,
        installation_admin: r.try_get("installation_admin").map_err(other)?,
        totp_secret: r.try_get("totp_secret").map_err(other)?,
        totp_last_step: r.try_get("totp_last_step").map_err(other)?,
        failed_logins: r.try_get("failed_logins").map_err(other)?,
        locked_until: opt_ts(r, "locked_until")?,
        disabled: disabled.is_some(),
        language: Language::parse(&lang).unwrap_or_default(),
        password_change_required: r.try_get("password_change_required").map_err(other)?,
    })
}

fn session(r: &PgRow) -> Result<SessionRecord, StoreError> {
    let stage: String = r.try_get("stage").map_err(other)?;
    let ended: Option<String> = r.try_get("ended_at").map_err(other)?;
    Ok(SessionRecord {
        id_hash: r.try_get("id_hash").map_err(other)?,
        user_id: uuid(r, "user_id")?,
        stage: SessionStage::parse(&stage)
            .ok_or_else(|| StoreError::Other("bad session stage".into()))?,
        csrf_token: r.try_get("csrf_token").map_err(other)?,
        created_at: ts(r, "created_at")?,
        last_seen_at: ts(r, "last_seen_at")?,
        ended: ended.is_some(),
    })
}

impl PgStore {
    async fn case_people(&self, sql: &'static str, case_id: &str) -> Result<Vec<Uuid>, StoreError> {
        sqlx::query(sql)
            .bind(case_id)
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
            .iter()
            .map(|r| uuid(r, "user_id"))
            .collect()
    }

    /// Every row as a case, in order.
    pub(super) async fn cases_from_rows(
        &self,
        rows: &[PgRow],
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(self.case_from_row(r).await?);
        }
        Ok(out)
    }

    pub(super) async fn case_from_row(&self, r: &PgRow) -> Result<CaseRecord, StoreError> {
        let id: String = r.try_get("id").map_err(other)?;
        let status: String = r.try_get("status").map_err(other)?;
        let key: Option<Vec<u8>> = r.try_get("data_key").map_err(other)?;
        let categories: String = r.try_get("categories").map_err(other)?;
        Ok(CaseRecord {
            id: Uuid::parse_str(&id).map_err(other)?,
            org_id: uuid(r, "org_id")?,
            reference: r.try_get("reference").map_err(other)?,
            status: status.parse().map_err(other)?,
            created_at: ts(r, "created_at")?,
            updated_at: ts(r, "updated_at")?,
            wrapped_key: WrappedKey(key.unwrap_or_default()),
            awareness_at: opt_ts(r, "awareness_at")?,
            notified_at: opt_ts(r, "notified_at")?,
            notification_required: r.try_get("notification_required").map_err(other)?,
            categories: categories
                .split(',')
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect(),
            merged_into: opt_uuid(r, "merged_into")?,
            assignees: self
                .case_people(
                    "SELECT user_id FROM case_assignees WHERE case_id = $1 ORDER BY created_at, user_id",
                    &id,
                )
                .await?,
            shared_with: self
                .case_people(
                    "SELECT user_id FROM case_shares WHERE case_id = $1 ORDER BY created_at, user_id",
                    &id,
                )
                .await?,
            retain_until: opt_ts(r, "retain_until")?,
            hold: super::retention::hold_from_row(r)?,
            destroyed_at: opt_ts(r, "destroyed_at")?,
            tombstone: r.try_get("tombstone").map_err(other)?,
            deletion_request: super::retention::deletion_request_from_row(r)?,
            destroyed_by: opt_uuid(r, "destroyed_by")?,
            destruction_reason: r.try_get("destruction_reason").map_err(other)?,
        })
    }

    pub(super) async fn find_cases_impl(
        &self,
        org_ids: &[Uuid],
        f: &CaseFilter,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        if org_ids.is_empty() && f.shared_with.is_none() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Postgres>::new("SELECT * FROM cases c WHERE (c.org_id IN (");
        let mut sep = q.separated(", ");
        for id in org_ids {
            sep.push_bind(id.to_string());
        }
        if org_ids.is_empty() {
            sep.push("NULL");
        }
        q.push(")");
        if let Some(user) = f.shared_with {
            q.push(" OR c.id IN (SELECT case_id FROM case_shares WHERE user_id = ")
                .push_bind(user.to_string())
                .push(")");
        }
        q.push(")");
        if let Some(s) = f.status {
            q.push(" AND c.status = ").push_bind(s.as_str());
        }
        if let Some(t) = f.created_from {
            q.push(" AND c.created_at >= ").push_bind(to_text(t));
        }
        if let Some(t) = f.created_to {
            q.push(" AND c.created_at < ").push_bind(to_text(t));
        }
        if let Some(c) = &f.category {
            // Whole ids only, compared exactly.
            q.push(" AND strpos(',' || c.categories || ',', ")
                .push_bind(format!(",{c},"))
                .push(") > 0");
        }
        q.push(" ORDER BY c.created_at DESC, c.id DESC");
        if !f.unlimited {
            q.push(" LIMIT 5000");
        }
        let rows = q.build().fetch_all(&self.pool).await.map_err(other)?;
        self.cases_from_rows(&rows).await
    }

    pub(super) async fn change_case_impl(
        &self,
        c: &CaseChange,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let id = c.case_id.to_string();
        let mut tx = self.begin().await?;
        // The guarded update: with an expected status, the row changes only if it still has it
        // (PostgreSQL re-checks the condition on the locked row when another writer got there
        // first), and no row changed means a conflict or an unknown case.
        let mut q = QueryBuilder::<Postgres>::new("UPDATE cases SET updated_at = ");
        q.push_bind(to_text(now));
        if let Some(s) = c.status {
            q.push(", status = ").push_bind(s.as_str());
            if s == CaseStatus::Closed {
                q.push(", closed_at = ").push_bind(to_text(now));
            }
        }
        if let Some(t) = c.awareness_at {
            q.push(", awareness_at = ").push_bind(to_text(t));
        }
        if let Some(t) = c.notified_at {
            q.push(", notified_at = ").push_bind(to_text(t));
        }
        if let Some(r) = c.notification_required {
            q.push(", notification_required = ").push_bind(r);
        }
        if let Some(cats) = &c.categories {
            q.push(", categories = ").push_bind(cats.join(","));
        }
        if let Some(m) = c.merged_into {
            q.push(", merged_into = ").push_bind(m.to_string());
        }
        q.push(" WHERE id = ").push_bind(&id);
        if let Some(expected) = c.expected_status {
            q.push(" AND status = ").push_bind(expected.as_str());
        }
        let changed = q
            .build()
            .execute(&mut *tx)
            .await
            .map_err(map_err)?
            .rows_affected();
        if changed == 0 {
            let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM cases WHERE id = $1")
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(other)?;
            return Err(if exists.is_some() {
                StoreError::Conflict(Conflict::CaseStatus)
            } else {
                StoreError::NotFound
            });
        }
        if let Some(u) = c.add_assignee {
            sqlx::query(
                "INSERT INTO case_assignees (case_id, user_id, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(&id)
            .bind(u.to_string())
            .bind(to_text(now))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        if let Some(u) = c.remove_assignee {
            sqlx::query("DELETE FROM case_assignees WHERE case_id = $1 AND user_id = $2")
                .bind(&id)
                .bind(u.to_string())
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        if let Some(NewShare {
            user_id: u,
            granted_by: by,
        }) = c.add_share
        {
            sqlx::query(
                "INSERT INTO case_shares (case_id, user_id, shared_by, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(&id)
            .bind(u.to_string())
            .bind(by.to_string())
            .bind(to_text(now))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        if let Some(u) = c.remove_share {
            sqlx::query("DELETE FROM case_shares WHERE case_id = $1 AND user_id = $2")
                .bind(&id)
                .bind(u.to_string())
                .execute(&mut *tx)
                .await
                .map_err(other)?;
        }
        if let Some(a) = &c.attachment {
            sqlx::query(
                "INSERT INTO attachments (id, case_id, created_at, size, body) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(a.id.to_string())
            .bind(&id)
            .bind(to_text(now))
            .bind(a.size)
            .bind(&a.body)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        if let Some(e) = &c.entry {
            sqlx::query(
                "INSERT INTO case_entries (id, case_id, kind, created_at, created_by, body)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(e.id.to_string())
            .bind(&id)
            .bind(e.kind)
            .bind(to_text(now))
            .bind(e.created_by.map(|u| u.to_string()))
            .bind(&e.body)
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }

    pub(super) async fn case_entries_impl(
        &self,
        case_id: Uuid,
    ) -> Result<Vec<CaseEntryRecord>, StoreError> {
        sqlx::query("SELECT * FROM case_entries WHERE case_id = $1 ORDER BY created_at, ord")
            .bind(case_id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                Ok(CaseEntryRecord {
                    id: uuid(r, "id")?,
                    case_id: uuid(r, "case_id")?,
                    kind: r.try_get("kind").map_err(other)?,
                    created_at: ts(r, "created_at")?,
                    created_by: opt_uuid(r, "created_by")?,
                    body: r.try_get("body").map_err(other)?,
                })
            })
            .collect()
    }

    pub(super) async fn audit_trail_impl(
        &self,
        case_id: Option<Uuid>,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let q = match case_id {
            Some(id) => sqlx::query("SELECT * FROM audit_log WHERE case_id = $1 ORDER BY seq")
                .bind(id.to_string()),
            None => sqlx::query("SELECT * FROM audit_log ORDER BY seq"),
        };
        q.fetch_all(&self.pool)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                Ok(AuditRecord {
                    seq: r.try_get("seq").map_err(other)?,
                    at: ts(r, "at")?,
                    actor: opt_uuid(r, "actor")?,
                    org_id: opt_uuid(r, "org_id")?,
                    case_id: opt_uuid(r, "case_id")?,
                    action: r.try_get("action").map_err(other)?,
                    detail: r.try_get("detail").map_err(other)?,
                    prev_hash: hash32(r, "prev_hash")?,
                    hash: hash32(r, "hash")?,
                })
            })
            .collect()
    }

    pub(super) async fn user_auth_impl(
        &self,
        sql: &'static str,
        value: &str,
    ) -> Result<Option<UserAuth>, StoreError> {
        sqlx::query(sql)
            .bind(value)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
            .as_ref()
            .map(user_auth)
            .transpose()
    }

    pub(super) async fn memberships_of(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<Membership>, StoreError> {
        sqlx::query("SELECT org_id, role FROM memberships WHERE user_id = $1")
            .bind(user_id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                let role: String = r.try_get("role").map_err(other)?;
                Ok(Membership {
                    org_id: uuid(r, "org_id")?,
                    role: role.parse().map_err(other)?,
                })
            })
            .collect()
    }

    pub(super) async fn principal_by_user_impl(
        &self,
        user_id: Uuid,
    ) -> Result<Option<Principal>, StoreError> {
        let active: Option<i32> =
            sqlx::query_scalar("SELECT 1 FROM users WHERE id = $1 AND disabled_at IS NULL")
                .bind(user_id.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(other)?;
        if active.is_none() {
            return Ok(None);
        }
        Ok(Some(Principal {
            user_id,
            memberships: self.memberships_of(user_id).await?,
        }))
    }

    pub(super) async fn reserve_login_attempt_impl(
        &self,
        user_id: Uuid,
        max: i64,
        lock_until: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        // One statement: concurrent attempts (on any server) wait for the row lock and are
        // counted in turn, the condition re-checked on the row as the previous one left it.
        let reserved = sqlx::query(
            "UPDATE users SET locked_until = CASE WHEN failed_logins + 1 >= $1 THEN $2 ELSE NULL END,
                 failed_logins = CASE WHEN failed_logins + 1 >= $1 THEN 0 ELSE failed_logins + 1 END
             WHERE id = $3 AND (locked_until IS NULL OR locked_until <= $4)",
        )
        .bind(max)
        .bind(to_text(lock_until))
        .bind(user_id.to_string())
        .bind(to_text(now))
        .execute(&self.pool)
        .await
        .map_err(other)?
        .rows_affected();
        self.health.set(None);
        Ok(reserved == 1)
    }

    pub(super) async fn enrol_totp_impl(
        &self,
        user_id: Uuid,
        sealed: &[u8],
        recovery: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let id = user_id.to_string();
        let mut tx = self.begin().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_enrolled_at = $2, totp_last_step = NULL WHERE id = $3",
        )
        .bind(sealed)
        .bind(to_text(now))
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        for h in recovery {
            sqlx::query(
                "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)",
            )
            .bind(&id)
            .bind(h)
            .bind(to_text(now))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
        }
        self.commit(tx).await
    }

    pub(super) async fn accept_totp_step_impl(
        &self,
        user_id: Uuid,
        step: i64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id.to_string())
        .execute(&self.pool)
        .await
        .map_err(other)?;
        self.health.set(None);
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn recovery_codes_impl(
        &self,
        user_id: Uuid,
    ) -> Result<Vec<RecoveryCode>, StoreError> {
        sqlx::query(
            "SELECT id, code_hash FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL ORDER BY id",
        )
        .bind(user_id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
        .map(|r| {
            Ok(RecoveryCode {
                row: r.try_get("id").map_err(other)?,
                phc: r.try_get("code_hash").map_err(other)?,
            })
        })
        .collect()
    }

    pub(super) async fn use_recovery_code_impl(
        &self,
        row: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done =
            sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
                .bind(to_text(now))
                .bind(row)
                .execute(&self.pool)
                .await
                .map_err(other)?;
        self.health.set(None);
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn create_setup_token_impl(
        &self,
        hash: &[u8],
        user_id: Option<Uuid>,
        purpose: SetupPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if purpose == SetupPurpose::FirstAdmin {
            // Only the newest first-administrator link works (issue 17), also when two servers
            // make one at the same moment: they take turns.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(FIRST_ADMIN_LOCK)
                .execute(&mut *tx)
                .await
                .map_err(other)?;
            sqlx::query(
                "UPDATE setup_tokens SET expires_at = $1
                 WHERE purpose = $2 AND used_at IS NULL AND expires_at > $1",
            )
            .bind(to_text(now))
            .bind(purpose.as_str())
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        sqlx::query(
            "INSERT INTO setup_tokens (token_hash, user_id, purpose, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash)
        .bind(user_id.map(|u| u.to_string()))
        .bind(purpose.as_str())
        .bind(to_text(now))
        .bind(to_text(expires))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        self.commit(tx).await
    }

    pub(super) async fn peek_setup_token_impl(
        &self,
        hash: &[u8],
        purpose: SetupPurpose,
        now: Timestamp,
    ) -> Result<Option<SetupLinkFor>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id FROM setup_tokens
             WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
               AND (purpose != 'first_admin' OR NOT EXISTS (SELECT 1 FROM users))",
        )
        .bind(hash)
        .bind(purpose.as_str())
        .bind(to_text(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(other)?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(match opt_uuid(&row, "user_id")? {
            Some(user) => SetupLinkFor::User(user),
            None => SetupLinkFor::FirstAdministrator,
        }))
    }

    pub(super) async fn take_setup_token_impl(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE setup_tokens SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
               AND (purpose != 'first_admin' OR NOT EXISTS (SELECT 1 FROM users))",
        )
        .bind(to_text(now))
        .bind(hash)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        self.health.set(None);
        Ok(done.rows_affected() == 1)
    }

    pub(super) async fn create_session_impl(&self, s: &SessionRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, stage, csrf_token, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&s.id_hash)
        .bind(s.user_id.to_string())
        .bind(s.stage.as_str())
        .bind(&s.csrf_token)
        .bind(to_text(s.created_at))
        .bind(to_text(s.last_seen_at))
        .execute(&self.pool)
        .await
        .map_err(map_err)?;
        self.health.set(None);
        Ok(())
    }

    pub(super) async fn session_impl(
        &self,
        hash: &[u8],
    ) -> Result<Option<SessionRecord>, StoreError> {
        sqlx::query("SELECT * FROM sessions WHERE id_hash = $1")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
            .as_ref()
            .map(session)
            .transpose()
    }

    pub(super) async fn touch_session_impl(
        &self,
        hash: &[u8],
        stage: SessionStage,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sessions SET stage = $1, last_seen_at = $2 WHERE id_hash = $3 AND ended_at IS NULL",
        )
        .bind(stage.as_str())
        .bind(to_text(now))
        .bind(hash)
        .execute(&self.pool)
        .await
        .map_err(other)?;
        self.health.set(None);
        Ok(())
    }

    pub(super) async fn end_session_impl(
        &self,
        hash: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id_hash = $2 AND ended_at IS NULL")
            .bind(to_text(now))
            .bind(hash)
            .execute(&self.pool)
            .await
            .map_err(other)?;
        self.health.set(None);
        Ok(())
    }

    pub(super) async fn members_impl(&self, org_ids: &[Uuid]) -> Result<Vec<Member>, StoreError> {
        self.members_where(org_ids, false).await
    }

    pub(super) async fn disabled_members_impl(
        &self,
        org_ids: &[Uuid],
    ) -> Result<Vec<Member>, StoreError> {
        self.members_where(org_ids, true).await
    }

    /// Roles in the organisations of the active (or the disabled) accounts.
    async fn members_where(
        &self,
        org_ids: &[Uuid],
        disabled: bool,
    ) -> Result<Vec<Member>, StoreError> {
        if org_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Postgres>::new(format!(
            "SELECT u.id, u.email, u.display_name, m.org_id, m.role FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE u.disabled_at {} AND m.org_id IN (",
            if disabled { "IS NOT NULL" } else { "IS NULL" }
        ));
        let mut sep = q.separated(", ");
        for id in org_ids {
            sep.push_bind(id.to_string());
        }
        q.push(") ORDER BY u.email COLLATE \"C\", m.role COLLATE \"C\"");
        q.build()
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                let role: String = r.try_get("role").map_err(other)?;
                Ok(Member {
                    user_id: uuid(r, "id")?,
                    email: r.try_get("email").map_err(other)?,
                    display_name: r.try_get("display_name").map_err(other)?,
                    org_id: uuid(r, "org_id")?,
                    role: role.parse().map_err(other)?,
                })
            })
            .collect()
    }
}
