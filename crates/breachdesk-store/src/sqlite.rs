//! The `SQLite` backend: one writer connection (`SQLite` has one writer anyway; queueing in the pool
//! is cheaper than busy-waiting on the file lock) and a small pool of readers, WAL journal, and
//! `synchronous = FULL` so that a returned commit has been fsynced and survives a crash or power
//! loss.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use breachdesk_core::audit::{AuditEvent, AuditRecord};
use breachdesk_core::case::{CaseStatus, CaseSummary};
use breachdesk_core::grant::GrantRequest;
use breachdesk_core::org::{NewOrganisation, OrgSlug, Organisation};
use breachdesk_core::ports::{
    AccessStore, AccountStore, ApiTokenInfo, AuditStore, Bounce, CaseChange, CaseEntryRecord,
    CaseFilter, CaseRecord, CaseStore, EnsuredUser, FailedMessage, IntakeStore, Member,
    MessageOutcome, NewApiToken, NewCase, NewOutboxMessage, NewRecipient, NewReport, NewSupplement,
    NewUser, NoticeStore, OrgTemplate, OrganisationStore, OutboxCounts, OutboxMessage, OutboxStore,
    Page, ReceiptRecord, RecipientCounts, RecipientRecord, RecoveryCode, ReportRecord,
    SessionRecord, SessionStage, SessionStore, SetupLinkFor, SetupPurpose, Store, StoreError,
    SupplementRecord, TokenHolder, TokenStore, UserAuth, UserRole,
};
use breachdesk_core::report::{Language, ReportKind};
use breachdesk_core::user::{Principal, TokenScope};
use jiff::Timestamp;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, SqlitePool};
use uuid::Uuid;

use crate::time::{from_text, to_text};

mod accounts;
mod handling;
mod mail;
mod outbox;
mod retention;
mod write;

use write::{Durability, WriteTx, WriterHealth};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    write: SqlitePool,
    read: SqlitePool,
    health: std::sync::Arc<WriterHealth>,
    /// One file, one machine, one server: the attempt counters live in memory.
    counters: std::sync::Arc<crate::counters::MemoryCounters>,
}

fn other(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Other(Box::new(e))
}

/// Maps a unique-constraint violation to a named conflict; the name is the rule, never the value.
fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        let msg = db.message();
        for (column, name) in [
            (
                "organisations.slug",
                breachdesk_core::ports::Conflict::OrganisationSlug,
            ),
            ("users.email", breachdesk_core::ports::Conflict::UserEmail),
            (
                "reports.receipt_locator",
                breachdesk_core::ports::Conflict::ReceiptLocator,
            ),
            (
                "cases.reference",
                breachdesk_core::ports::Conflict::CaseReference,
            ),
            (
                "api_tokens.token_hash",
                breachdesk_core::ports::Conflict::Token,
            ),
            ("memberships.", breachdesk_core::ports::Conflict::Membership),
            (
                "role_grants.",
                breachdesk_core::ports::Conflict::RoleRequest,
            ),
        ] {
            if msg.contains(column) {
                return StoreError::Conflict(name);
            }
        }
        return StoreError::Conflict(breachdesk_core::ports::Conflict::Unique);
    }
    other(e)
}

fn uuid(row: &SqliteRow, col: &str) -> Result<Uuid, StoreError> {
    let s: String = row.try_get(col).map_err(other)?;
    Uuid::parse_str(&s).map_err(other)
}

fn ts(row: &SqliteRow, col: &str) -> Result<Timestamp, StoreError> {
    let s: String = row.try_get(col).map_err(other)?;
    from_text(&s)
}

fn opt_ts(row: &SqliteRow, col: &str) -> Result<Option<Timestamp>, StoreError> {
    let s: Option<String> = row.try_get(col).map_err(other)?;
    s.as_deref().map(from_text).transpose()
}

fn channel(row: &SqliteRow) -> Result<breachdesk_core::report::Channel, StoreError> {
    let s: String = row.try_get("channel").map_err(other)?;
    s.parse()
        .map_err(|_| StoreError::Other(format!("unknown report channel {s:?} in database").into()))
}

fn opt_uuid(row: &SqliteRow, col: &str) -> Result<Option<Uuid>, StoreError> {
    let s: Option<String> = row.try_get(col).map_err(other)?;
    s.as_deref().map(Uuid::parse_str).transpose().map_err(other)
}

fn kind(s: &str) -> Result<ReportKind, StoreError> {
    s.parse::<ReportKind>()
        .map_err(|_| StoreError::Other(format!("unknown report kind {s:?} in database").into()))
}

fn language(s: &str) -> Language {
    Language::parse(s).unwrap_or_default()
}

fn org_from_row(row: &SqliteRow) -> Result<Organisation, StoreError> {
    let slug: String = row.try_get("slug").map_err(other)?;
    Ok(Organisation {
        id: uuid(row, "id")?,
        slug: OrgSlug::try_from(slug.as_str())
            .map_err(|_| StoreError::Other("invalid slug in database".into()))?,
        name: row.try_get("name").map_err(other)?,
        name_sv: row.try_get("name_sv").map_err(other)?,
        name_en: row.try_get("name_en").map_err(other)?,
        ref_prefix: row.try_get("ref_prefix").map_err(other)?,
        dpo_name: row.try_get("dpo_name").map_err(other)?,
        dpo_email: row.try_get("dpo_email").map_err(other)?,
        dpo_phone: row.try_get("dpo_phone").map_err(other)?,
        retention: breachdesk_core::retention::Retention {
            years: u16::try_from(row.try_get::<i64, _>("retention_years").map_err(other)?)
                .map_err(other)?,
            unfounded_days: u16::try_from(
                row.try_get::<i64, _>("unfounded_retention_days")
                    .map_err(other)?,
            )
            .map_err(other)?,
        },
    })
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(SqliteConnectOptions::new().filename(path)).await
    }

    /// Opens a `sqlite:` URL.
    pub async fn open_url(url: &str) -> Result<Self, StoreError> {
        Self::open_with(SqliteConnectOptions::from_str(url).map_err(other)?).await
    }

    async fn open_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // Freed pages are overwritten: a destroyed case leaves no bytes behind (issue 21).
            .pragma("secure_delete", "ON")
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(other)?;
        MIGRATOR.run(&write).await.map_err(other)?;
        let read = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.read_only(true))
            .await
            .map_err(other)?;
        Ok(Self {
            write,
            read,
            health: std::sync::Arc::default(),
            counters: std::sync::Arc::default(),
        })
    }

    /// A write transaction, fsynced on commit; see [`write`].
    async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        WriteTx::begin(&self.write, &self.health, Durability::Full).await
    }

    /// A write transaction whose commit waits for the WAL only (outbox claims and marks).
    async fn begin_write_wal_only(&self) -> Result<WriteTx, StoreError> {
        WriteTx::begin(&self.write, &self.health, Durability::WalOnly).await
    }

    /// Closes both pools, checkpointing the WAL.
    /// The read-only pool (the copy to `PostgreSQL` reads a snapshot through it).
    pub(crate) fn read_pool(&self) -> &SqlitePool {
        &self.read
    }

    /// The one writer (the copy to `PostgreSQL` holds it, so that nothing is written meanwhile).
    pub(crate) fn write_pool(&self) -> &SqlitePool {
        &self.write
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

#[async_trait]
impl OrganisationStore for SqliteStore {
    async fn create_org(
        &self,
        org: &NewOrganisation,
        id: Uuid,
        ref_prefix: &str,
        now: Timestamp,
    ) -> Result<Organisation, StoreError> {
        sqlx::query(
            "INSERT INTO organisations (id, slug, name, ref_prefix, dpo_name, dpo_email, dpo_phone, created_at, name_sv, name_en)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(org.slug.as_str())
        .bind(&org.name)
        .bind(ref_prefix)
        .bind(&org.dpo_name)
        .bind(&org.dpo_email)
        .bind(&org.dpo_phone)
        .bind(to_text(now))
        .bind(&org.name_sv)
        .bind(&org.name_en)
        .execute(&self.write)
        .await
        .map_err(map_err)?;
        Ok(Organisation {
            id,
            slug: org.slug.clone(),
            name: org.name.clone(),
            name_sv: org.name_sv.clone(),
            name_en: org.name_en.clone(),
            ref_prefix: ref_prefix.to_owned(),
            dpo_name: org.dpo_name.clone(),
            dpo_email: org.dpo_email.clone(),
            dpo_phone: org.dpo_phone.clone(),
            retention: breachdesk_core::retention::Retention::default(),
        })
    }

    async fn org_by_slug(&self, slug: &str) -> Result<Option<Organisation>, StoreError> {
        sqlx::query("SELECT * FROM organisations WHERE slug = ?")
            .bind(slug)
            .fetch_optional(&self.read)
            .await
            .map_err(other)?
            .as_ref()
            .map(org_from_row)
            .transpose()
    }

    async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        sqlx::query("SELECT * FROM organisations ORDER BY name, slug")
            .fetch_all(&self.read)
            .await
            .map_err(other)?
            .iter()
            .map(org_from_row)
            .collect()
    }

    async fn set_org_retention(
        &self,
        org_id: Uuid,
        retention: breachdesk_core::retention::Retention,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.set_org_retention_impl(org_id, retention, audit, now)
            .await
    }

    async fn set_org_names(
        &self,
        org_id: Uuid,
        names: &breachdesk_core::org::OrgName,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let n =
            sqlx::query("UPDATE organisations SET name = ?, name_sv = ?, name_en = ? WHERE id = ?")
                .bind(&names.name)
                .bind(&names.sv)
                .bind(&names.en)
                .bind(org_id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(other)?
                .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        handling::append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        tx.commit().await
    }
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn ensure_user(&self, user: &NewUser) -> Result<EnsuredUser, StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (email) DO NOTHING",
        )
        .bind(user.id.to_string())
        .bind(&user.email)
        .bind(&user.password_hash)
        .bind(to_text(user.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?
        .rows_affected()
            == 1;
        let row = sqlx::query("SELECT id FROM users WHERE email = ?")
            .bind(&user.email)
            .fetch_one(&mut *tx)
            .await
            .map_err(other)?;
        tx.commit().await?;
        Ok(EnsuredUser {
            id: uuid(&row, "id")?,
            created: inserted,
        })
    }

    async fn user_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError> {
        sqlx::query("SELECT id FROM users WHERE email = ? AND disabled_at IS NULL")
            .bind(email)
            .fetch_optional(&self.read)
            .await
            .map_err(other)?
            .map(|r| uuid(&r, "id"))
            .transpose()
    }

    async fn count_users(&self) -> Result<i64, StoreError> {
        self.count_users_impl().await
    }

    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>, StoreError> {
        self.user_auth_impl("email", email).await
    }

    async fn user_auth_by_id(&self, id: Uuid) -> Result<Option<UserAuth>, StoreError> {
        self.user_auth_impl("id", &id.to_string()).await
    }

    async fn principal_by_user(&self, user_id: Uuid) -> Result<Option<Principal>, StoreError> {
        self.principal_by_user_impl(user_id).await
    }

    async fn set_installation_admin(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET installation_admin = 1 WHERE id = ?",
            &[Some(user_id.to_string())],
        )
        .await?;
        Ok(())
    }

    async fn set_password(&self, user_id: Uuid, phc: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET password_hash = ?, password_change_required = 0 WHERE id = ?",
            &[Some(phc.to_owned()), Some(user_id.to_string())],
        )
        .await?;
        Ok(())
    }

    async fn require_password_change(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET password_change_required = 1 WHERE id = ?",
            &[Some(user_id.to_string())],
        )
        .await?;
        Ok(())
    }

    async fn set_display_name(&self, user_id: Uuid, name: &str) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET display_name = ? WHERE id = ?",
            &[Some(name.to_owned()), Some(user_id.to_string())],
        )
        .await?;
        Ok(())
    }

    async fn set_preferred_language(
        &self,
        user_id: Uuid,
        language: Language,
    ) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET preferred_language = ? WHERE id = ?",
            &[
                Some(language.as_str().to_owned()),
                Some(user_id.to_string()),
            ],
        )
        .await?;
        Ok(())
    }

    async fn reserve_login_attempt(
        &self,
        user_id: Uuid,
        max: i64,
        lock_until: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        // One statement on the one writer: concurrent attempts are counted in turn.
        let reserved = sqlx::query(
            "UPDATE users SET locked_until = CASE WHEN failed_logins + 1 >= ?1 THEN ?2 ELSE NULL END,
                 failed_logins = CASE WHEN failed_logins + 1 >= ?1 THEN 0 ELSE failed_logins + 1 END
             WHERE id = ?3 AND (locked_until IS NULL OR locked_until <= ?4)",
        )
        .bind(max)
        .bind(to_text(lock_until))
        .bind(user_id.to_string())
        .bind(to_text(now))
        .execute(&self.write)
        .await
        .map_err(other)?
        .rows_affected();
        Ok(reserved == 1)
    }

    async fn release_login_attempt(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET failed_logins = max(failed_logins - 1, 0) WHERE id = ?",
            &[Some(user_id.to_string())],
        )
        .await?;
        Ok(())
    }

    async fn reset_login_failures(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.exec(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
            &[Some(user_id.to_string())],
        )
        .await?;
        Ok(())
    }

    async fn enrol_totp(
        &self,
        user_id: Uuid,
        sealed_secret: &[u8],
        recovery_hashes: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.enrol_totp_impl(user_id, sealed_secret, recovery_hashes, now)
            .await
    }

    async fn accept_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool, StoreError> {
        self.accept_totp_step_impl(user_id, step).await
    }

    async fn recovery_codes(&self, user_id: Uuid) -> Result<Vec<RecoveryCode>, StoreError> {
        self.recovery_codes_impl(user_id).await
    }

    async fn use_recovery_code(&self, row: i64, now: Timestamp) -> Result<bool, StoreError> {
        self.use_recovery_code_impl(row, now).await
    }

    async fn set_user_disabled(
        &self,
        user_id: Uuid,
        disabled: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.set_user_disabled_impl(user_id, disabled, false, audit, now)
            .await
    }

    async fn disable_user_keeping_last(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.set_user_disabled_impl(user_id, true, true, audit, now)
            .await
    }

    async fn reset_second_factor(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.reset_second_factor_impl(user_id, audit, now).await
    }
}

#[async_trait]
impl AccessStore for SqliteStore {
    async fn add_membership(&self, held: &UserRole, now: Timestamp) -> Result<(), StoreError> {
        let UserRole {
            user_id,
            org_id,
            role,
        } = *held;
        sqlx::query("INSERT INTO memberships (user_id, org_id, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(user_id.to_string())
            .bind(org_id.to_string())
            .bind(role.as_str())
            .bind(to_text(now))
            .execute(&self.write)
            .await
            .map_err(map_err)?;
        Ok(())
    }

    async fn members(&self, org_ids: &[Uuid]) -> Result<Vec<Member>, StoreError> {
        self.members_impl(org_ids).await
    }

    async fn disabled_members(&self, org_ids: &[Uuid]) -> Result<Vec<Member>, StoreError> {
        self.disabled_members_impl(org_ids).await
    }

    async fn request_grant(
        &self,
        request: &GrantRequest,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.request_grant_impl(request, audit).await
    }

    async fn open_grants(&self, org_ids: &[Uuid]) -> Result<Vec<GrantRequest>, StoreError> {
        self.open_grants_impl(org_ids).await
    }

    async fn decide_grant(
        &self,
        id: Uuid,
        decided_by: Uuid,
        confirm: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.decide_grant_impl(id, decided_by, confirm, audit, now)
            .await
    }

    async fn grant_role(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.grant_role_impl(held, audit, now).await
    }

    async fn remove_membership(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.remove_membership_impl(held, false, audit, now).await
    }

    async fn remove_membership_keeping_last(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.remove_membership_impl(held, true, audit, now).await
    }
}

#[async_trait]
impl TokenStore for SqliteStore {
    async fn create_token(
        &self,
        id: Uuid,
        user_id: Uuid,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(user_id.to_string())
        .bind(token_hash)
        .bind(to_text(now))
        .execute(&self.write)
        .await
        .map_err(map_err)?;
        Ok(())
    }

    async fn principal_by_token(
        &self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<TokenHolder>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT u.id, t.scope FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled_at IS NULL
               AND (t.expires_at IS NULL OR t.expires_at > ?)",
        )
        .bind(token_hash)
        .bind(to_text(now))
        .fetch_optional(&self.read)
        .await
        .map_err(other)?
        else {
            return Ok(None);
        };
        let user_id = uuid(&row, "id")?;
        let scope: String = row.try_get("scope").map_err(other)?;
        let scope = TokenScope::parse(&scope)
            .ok_or_else(|| StoreError::Other(format!("unknown token scope {scope:?}").into()))?;
        Ok(Some(TokenHolder {
            principal: Principal {
                user_id,
                memberships: self.memberships_of(user_id).await?,
            },
            scope,
        }))
    }

    async fn create_api_token(
        &self,
        token: &NewApiToken,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.create_api_token_impl(token, audit).await
    }

    async fn api_tokens(&self, user_ids: &[Uuid]) -> Result<Vec<ApiTokenInfo>, StoreError> {
        self.api_tokens_impl(user_ids).await
    }

    async fn revoke_token(
        &self,
        id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.revoke_token_impl(id, audit, now).await
    }
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn create_setup_token(
        &self,
        token_hash: &[u8],
        user_id: Option<Uuid>,
        purpose: SetupPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        self.create_setup_token_impl(token_hash, user_id, purpose, now, expires)
            .await
    }

    async fn peek_setup_token(
        &self,
        token_hash: &[u8],
        purpose: SetupPurpose,
        now: Timestamp,
    ) -> Result<Option<SetupLinkFor>, StoreError> {
        self.peek_setup_token_impl(token_hash, purpose, now).await
    }

    async fn take_setup_token(
        &self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.take_setup_token_impl(token_hash, now).await
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.create_session_impl(session).await
    }

    async fn session(&self, id_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
        self.session_impl(id_hash).await
    }

    async fn touch_session(
        &self,
        id_hash: &[u8],
        stage: SessionStage,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.touch_session_impl(id_hash, stage, now).await
    }

    async fn end_session(&self, id_hash: &[u8], now: Timestamp) -> Result<(), StoreError> {
        self.end_session_impl(id_hash, now).await
    }

    async fn end_sessions_of(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.end_sessions_of_impl(user_id, audit, now).await
    }
}

#[async_trait]
impl IntakeStore for SqliteStore {
    async fn unalerted_reports(&self) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT r.id, r.case_id FROM reports r LEFT JOIN report_alerts a \
             ON a.report_id = r.id WHERE a.report_id IS NULL ORDER BY r.created_at, r.id",
        )
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        rows.iter()
            .map(|(r, c)| {
                Ok((
                    Uuid::parse_str(r).map_err(other)?,
                    Uuid::parse_str(c).map_err(other)?,
                ))
            })
            .collect()
    }

    async fn claim_report_alert(
        &self,
        report_id: Uuid,
        case_id: Uuid,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT OR IGNORE INTO report_alerts (report_id, case_id, sent_at) VALUES (?, ?, ?)",
        )
        .bind(report_id.to_string())
        .bind(case_id.to_string())
        .bind(to_text(now))
        .execute(&self.write)
        .await
        .map_err(other)?;
        Ok(done.rows_affected() == 1)
    }

    async fn unclaim_report_alert(&self, report_id: Uuid) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM report_alerts WHERE report_id = ?")
            .bind(report_id.to_string())
            .execute(&self.write)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn insert_intake(
        &self,
        case: &NewCase,
        report: &NewReport,
        year: i16,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin_write().await?;
        let reference = insert_intake_tx(&mut tx, case, report, year).await?;
        tx.commit().await?;
        Ok(reference)
    }

    async fn receipt_by_locator(&self, locator: &str) -> Result<Option<ReceiptRecord>, StoreError> {
        sqlx::query("SELECT id, case_id, receipt_hash, receipt_failures, receipt_locked_until FROM reports WHERE receipt_locator = ?")
            .bind(locator)
            .fetch_optional(&self.read)
            .await
            .map_err(other)?
            .map(|r| {
                Ok(ReceiptRecord {
                    report_id: uuid(&r, "id")?,
                    case_id: uuid(&r, "case_id")?,
                    receipt_hash: r.try_get("receipt_hash").map_err(other)?,
                    failed_attempts: r.try_get("receipt_failures").map_err(other)?,
                    locked_until: opt_ts(&r, "receipt_locked_until")?,
                })
            })
            .transpose()
    }

    async fn record_receipt_failure(
        &self,
        report_id: Uuid,
        max: i64,
        lock_until: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE reports SET receipt_failures = receipt_failures + 1,
                receipt_locked_until = CASE WHEN receipt_failures + 1 >= ? THEN ? ELSE receipt_locked_until END
             WHERE id = ?",
        )
        .bind(max)
        .bind(to_text(lock_until))
        .bind(report_id.to_string())
        .execute(&self.write)
        .await
        .map_err(other)?;
        Ok(())
    }

    async fn reset_receipt_failures(&self, report_id: Uuid) -> Result<(), StoreError> {
        sqlx::query("UPDATE reports SET receipt_failures = 0, receipt_locked_until = NULL WHERE id = ? AND receipt_failures > 0")
            .bind(report_id.to_string())
            .execute(&self.write)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn insert_supplement(&self, s: &NewSupplement) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        insert_supplement_tx(&mut tx, s).await?;
        tx.commit().await
    }

    async fn supplements_of_report(
        &self,
        report_id: Uuid,
    ) -> Result<Vec<SupplementRecord>, StoreError> {
        sqlx::query("SELECT id, report_id, created_at, body FROM supplements WHERE report_id = ? ORDER BY created_at, id")
            .bind(report_id.to_string())
            .fetch_all(&self.read)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                Ok(SupplementRecord {
                    id: uuid(r, "id")?,
                    report_id: uuid(r, "report_id")?,
                    created_at: ts(r, "created_at")?,
                    body: r.try_get("body").map_err(other)?,
                })
            })
            .collect()
    }
}

#[async_trait]
impl CaseStore for SqliteStore {
    async fn list_cases(
        &self,
        org_ids: &[Uuid],
        shared_with: Option<Uuid>,
        page: Page,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        if org_ids.is_empty() && shared_with.is_none() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::new(
            "SELECT c.id, c.org_id, o.slug, c.reference, c.status, c.created_at, c.updated_at,
                    (SELECT COUNT(*) FROM reports r WHERE r.case_id = c.id) AS report_count,
                    COALESCE((SELECT r.kind FROM reports r WHERE r.case_id = c.id ORDER BY r.created_at LIMIT 1), 'breach') AS first_kind
             FROM cases c JOIN organisations o ON o.id = c.org_id WHERE (c.org_id IN (",
        );
        let mut sep = q.separated(", ");
        // `IN ('')` when there is no organisation: matches nothing, keeps the SQL one shape.
        if org_ids.is_empty() {
            sep.push_bind(String::new());
        }
        for id in org_ids {
            sep.push_bind(id.to_string());
        }
        q.push(")");
        if let Some(user) = shared_with {
            q.push(" OR c.id IN (SELECT s.case_id FROM case_shares s WHERE s.user_id = ")
                .push_bind(user.to_string())
                .push(")");
        }
        // A destroyed case is a tombstone of the register, not a case to handle.
        q.push(") AND c.destroyed_at IS NULL ORDER BY c.created_at DESC, c.id DESC LIMIT ")
            .push_bind(page.limit)
            .push(" OFFSET ")
            .push_bind(page.offset);
        q.build()
            .fetch_all(&self.read)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                let status: String = r.try_get("status").map_err(other)?;
                let first_kind: String = r.try_get("first_kind").map_err(other)?;
                Ok(CaseSummary {
                    id: uuid(r, "id")?,
                    org_id: uuid(r, "org_id")?,
                    org_slug: r.try_get("slug").map_err(other)?,
                    reference: r.try_get("reference").map_err(other)?,
                    status: status.parse().map_err(other)?,
                    created_at: ts(r, "created_at")?,
                    updated_at: ts(r, "updated_at")?,
                    report_count: r.try_get("report_count").map_err(other)?,
                    first_kind: kind(&first_kind)?,
                })
            })
            .collect()
    }

    async fn case_by_id(&self, id: Uuid) -> Result<Option<CaseRecord>, StoreError> {
        let Some(r) = sqlx::query("SELECT * FROM cases WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.read)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        Ok(Some(self.case_from_row(&r).await?))
    }

    async fn case_by_reference(
        &self,
        org_id: Uuid,
        reference: &str,
    ) -> Result<Option<CaseRecord>, StoreError> {
        // References are written in capitals; the unique index answers.
        let Some(r) = sqlx::query("SELECT * FROM cases WHERE reference = ? AND org_id = ?")
            .bind(reference.to_uppercase())
            .bind(org_id.to_string())
            .fetch_optional(&self.read)
            .await
            .map_err(other)?
        else {
            return Ok(None);
        };
        Ok(Some(self.case_from_row(&r).await?))
    }

    async fn reports_of_case(&self, case_id: Uuid) -> Result<Vec<ReportRecord>, StoreError> {
        sqlx::query("SELECT id, case_id, kind, language, created_at, body, contact, channel, taken_by FROM reports WHERE case_id = ? ORDER BY created_at, id")
            .bind(case_id.to_string())
            .fetch_all(&self.read)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                let k: String = r.try_get("kind").map_err(other)?;
                let l: String = r.try_get("language").map_err(other)?;
                Ok(ReportRecord {
                    id: uuid(r, "id")?,
                    case_id: uuid(r, "case_id")?,
                    kind: kind(&k)?,
                    created_at: ts(r, "created_at")?,
                    language: language(&l),
                    body: r.try_get("body").map_err(other)?,
                    contact: r.try_get("contact").map_err(other)?,
                    channel: channel(r)?,
                    taken_by: opt_uuid(r, "taken_by")?,
                })
            })
            .collect()
    }

    async fn find_cases(
        &self,
        org_ids: &[Uuid],
        filter: &CaseFilter,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        self.find_cases_impl(org_ids, filter).await
    }

    async fn change_case(
        &self,
        change: &CaseChange,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.change_case_impl(change, audit, now).await
    }

    async fn case_entries(&self, case_id: Uuid) -> Result<Vec<CaseEntryRecord>, StoreError> {
        self.case_entries_impl(case_id).await
    }

    async fn cases_with_entry(
        &self,
        org_id: Uuid,
        kind: &str,
        limit: i64,
    ) -> Result<Vec<CaseRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.* FROM cases c WHERE c.org_id = ? AND c.destroyed_at IS NULL \
             AND EXISTS (SELECT 1 FROM case_entries e WHERE e.case_id = c.id AND e.kind = ?) \
             ORDER BY c.created_at DESC LIMIT ?",
        )
        .bind(org_id.to_string())
        .bind(kind)
        .bind(limit)
        .fetch_all(&self.read)
        .await
        .map_err(other)?;
        self.cases_from_rows(&rows).await
    }

    async fn import_cases(
        &self,
        cases: &[breachdesk_core::ports::ImportedCase],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.import_cases_impl(cases, audit, now).await
    }

    async fn attachment(&self, case_id: Uuid, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        self.attachment_impl(case_id, id).await
    }

    async fn mark_reminder_sent(
        &self,
        case_id: Uuid,
        hours: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.mark_reminder_sent_impl(case_id, hours, now).await
    }

    async fn unmark_reminder(&self, case_id: Uuid, hours: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM reminders_sent WHERE case_id = ? AND hours = ?")
            .bind(case_id.to_string())
            .bind(hours)
            .execute(&self.write)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn reminders_sent(&self, case_id: Uuid) -> Result<Vec<i64>, StoreError> {
        self.reminders_sent_impl(case_id).await
    }
}

#[async_trait]
impl NoticeStore for SqliteStore {
    async fn org_templates(&self, org_id: Uuid) -> Result<Vec<OrgTemplate>, StoreError> {
        self.org_templates_impl(org_id).await
    }

    async fn set_org_templates(
        &self,
        org_id: Uuid,
        templates: &[OrgTemplate],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.set_org_templates_impl(org_id, templates, audit, now)
            .await
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn import_recipients(
        &self,
        case_id: Uuid,
        replace: bool,
        recipients: &[NewRecipient],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.import_recipients_impl(case_id, replace, recipients, audit, now)
            .await
    }

    async fn recipients(
        &self,
        case_id: Uuid,
        after: u64,
        limit: u32,
    ) -> Result<Vec<RecipientRecord>, StoreError> {
        self.recipients_impl(case_id, after, limit).await
    }

    async fn recipient_counts(&self, case_id: Uuid) -> Result<RecipientCounts, StoreError> {
        self.recipient_counts_impl(case_id).await
    }

    async fn queue_messages(
        &self,
        case_id: Uuid,
        version: u32,
        messages: &[NewOutboxMessage],
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.queue_messages_impl(case_id, version, messages, now)
            .await
    }

    async fn queued_up_to(&self, case_id: Uuid) -> Result<u64, StoreError> {
        self.queued_up_to_impl(case_id).await
    }

    async fn claim_messages(
        &self,
        case_id: Uuid,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        self.claim_messages_impl(case_id, limit, now).await
    }

    async fn finish_messages(
        &self,
        outcomes: &[MessageOutcome],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.finish_messages_impl(outcomes, now).await
    }

    async fn recover_messages(&self, case_id: Uuid) -> Result<u64, StoreError> {
        self.recover_messages_impl(case_id).await
    }

    async fn retry_failed_messages(
        &self,
        case_id: Uuid,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.retry_failed_messages_impl(case_id, now).await
    }

    async fn outbox_counts(&self, case_id: Uuid) -> Result<OutboxCounts, StoreError> {
        self.outbox_counts_impl(case_id).await
    }

    async fn cases_with_due_messages(&self, now: Timestamp) -> Result<Vec<Uuid>, StoreError> {
        self.cases_with_due_messages_impl(now).await
    }

    async fn lease_outbox(
        &self,
        case_id: Uuid,
        holder: Uuid,
        ttl: std::time::Duration,
    ) -> Result<bool, StoreError> {
        self.lease_outbox_impl(case_id, holder, ttl).await
    }

    async fn release_outbox(&self, case_id: Uuid, holder: Uuid) -> Result<(), StoreError> {
        self.release_outbox_impl(case_id, holder).await
    }

    async fn failed_messages(&self, case_id: Uuid) -> Result<Vec<FailedMessage>, StoreError> {
        self.failed_messages_impl(case_id).await
    }

    async fn record_bounces(&self, case_id: Uuid, bounces: &[Bounce]) -> Result<u64, StoreError> {
        self.record_bounces_impl(case_id, bounces).await
    }
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, events: &[AuditEvent], now: Timestamp) -> Result<(), StoreError> {
        self.append_audit_impl(events, now).await
    }

    async fn audit_trail(&self, case_id: Option<Uuid>) -> Result<Vec<AuditRecord>, StoreError> {
        self.audit_trail_impl(case_id).await
    }
}

#[async_trait]
impl Store for SqliteStore {
    fn counters(&self) -> std::sync::Arc<dyn breachdesk_core::ports::Counters> {
        self.counters.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn ping_writer(&self, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            // As much as a report writes and more (64 KiB): a probe that fits where a report
            // does not (a few pages free in the write-ahead log of a full disk) would call a
            // writer healthy that cannot store reports.
            "INSERT INTO writer_probe (id, at, pad) VALUES (1, ?, zeroblob(65536)) \
             ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = zeroblob(65536)",
        )
        .bind(to_text(now))
        .execute(&mut *tx)
        .await
        .map_err(other)?;
        tx.commit().await
    }

    fn writer_fault(&self) -> Option<String> {
        self.health.fault()
    }
}

/// A new case with its first report and its audit entry, within a write transaction.
async fn insert_intake_tx(
    tx: &mut WriteTx,
    case: &NewCase,
    report: &NewReport,
    year: i16,
) -> Result<String, StoreError> {
    // The counter row is the first write, so the transaction holds the write lock from here on.
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO case_counters (org_id, year, last) VALUES (?, ?, 1)
             ON CONFLICT (org_id, year) DO UPDATE SET last = last + 1 RETURNING last",
    )
    .bind(case.org_id.to_string())
    .bind(year)
    .fetch_one(&mut **tx)
    .await
    .map_err(map_err)?;
    let prefix: String = sqlx::query_scalar("SELECT ref_prefix FROM organisations WHERE id = ?")
        .bind(case.org_id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(other)?
        .ok_or(StoreError::NotFound)?;
    let reference = breachdesk_core::case::format_reference(&prefix, year, number);
    let created = to_text(case.created_at);
    sqlx::query("INSERT INTO cases (id, org_id, reference, status, created_at, updated_at, data_key) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .bind(case.id.to_string())
            .bind(case.org_id.to_string())
            .bind(&reference)
            .bind(CaseStatus::Received.as_str())
            .bind(&created)
            .bind(&created)
            .bind(&case.wrapped_key.0)
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
    sqlx::query(
            "INSERT INTO reports (id, case_id, kind, language, created_at, receipt_locator, receipt_hash, body, contact, channel, taken_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(report.id.to_string())
        .bind(report.case_id.to_string())
        .bind(report.kind.as_str())
        .bind(report.language.as_str())
        .bind(to_text(report.created_at))
        .bind(&report.receipt_locator)
        .bind(&report.receipt_hash)
        .bind(&report.body)
        .bind(&report.contact)
        .bind(report.channel.as_str())
        .bind(report.taken_by.map(|u| u.to_string()))
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    let event = AuditEvent {
        actor: report.taken_by,
        org_id: Some(case.org_id),
        case_id: Some(case.id),
        action: "report.received",
        detail: format!(
            "report={} kind={} channel={}",
            report.id,
            report.kind.as_str(),
            report.channel.as_str()
        ),
    };
    handling::append_audit_tx(tx, &[event], report.created_at).await?;
    Ok(reference)
}

/// A supplement to a report with its audit entry, within a write transaction.
async fn insert_supplement_tx(tx: &mut WriteTx, s: &NewSupplement) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO supplements (id, report_id, created_at, body) VALUES (?, ?, ?, ?)")
        .bind(s.id.to_string())
        .bind(s.report_id.to_string())
        .bind(to_text(s.created_at))
        .bind(&s.body)
        .execute(&mut **tx)
        .await
        .map_err(map_err)?;
    sqlx::query(
        "UPDATE cases SET updated_at = ? WHERE id = (SELECT case_id FROM reports WHERE id = ?)",
    )
    .bind(to_text(s.created_at))
    .bind(s.report_id.to_string())
    .execute(&mut **tx)
    .await
    .map_err(other)?;
    let case_id: Option<String> = sqlx::query_scalar("SELECT case_id FROM reports WHERE id = ?")
        .bind(s.report_id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(other)?;
    let event = AuditEvent {
        actor: None,
        org_id: None,
        case_id: case_id.as_deref().and_then(|c| Uuid::parse_str(c).ok()),
        action: "report.supplemented",
        detail: format!("report={} supplement={}", s.report_id, s.id),
    };
    handling::append_audit_tx(tx, &[event], s.created_at).await
}
