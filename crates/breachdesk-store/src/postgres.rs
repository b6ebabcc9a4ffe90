//! The `PostgreSQL` backend: one pool shared by reads and writes, any number of servers on one
//! database.
//!
//! Durability: every connection runs with `synchronous_commit = on` (set at connect, whatever the
//! server's default), so a returned commit has been flushed to the WAL on disk.
//!
//! Concurrency: nothing relies on a single writer. Case numbers come from a counter row taken
//! with `INSERT … ON CONFLICT DO UPDATE … RETURNING` (the row lock orders concurrent intakes), the
//! audit chain is appended under a transaction-level advisory lock, outbox claims use
//! `FOR UPDATE SKIP LOCKED`, the delivery lease is one guarded upsert, and guarded updates
//! (case status, lock-out counters, one-time tokens, TOTP steps) are single `UPDATE … WHERE`
//! statements whose condition `PostgreSQL` re-checks on the locked row.
//!
//! Unique violations map to [`Conflict`] by constraint name (see the migrations).

use std::future::Future;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use breachdesk_core::audit::{AuditEvent, AuditRecord};
use breachdesk_core::case::{CaseStatus, CaseSummary};
use breachdesk_core::grant::GrantRequest;
use breachdesk_core::org::{NewOrganisation, OrgSlug, Organisation};
use breachdesk_core::ports::{
    AccessStore, AccountStore, ApiTokenInfo, AuditStore, Bounce, CaseChange, CaseEntryRecord,
    CaseFilter, CaseRecord, CaseStore, Conflict, EnsuredUser, FailedMessage, IntakeStore, Member,
    MessageOutcome, NewApiToken, NewCase, NewOutboxMessage, NewRecipient, NewReport, NewSupplement,
    NewUser, NoticeStore, OrgTemplate, OrganisationStore, OutboxCounts, OutboxMessage, OutboxStore,
    Page, ReceiptRecord, RecipientCounts, RecipientRecord, RecoveryCode, ReportRecord,
    SessionRecord, SessionStage, SessionStore, SetupLinkFor, SetupPurpose, Store, StoreError,
    SupplementRecord, TokenHolder, TokenStore, UserAuth, UserRole,
};
use breachdesk_core::report::{Language, ReportKind};
use breachdesk_core::user::{Principal, TokenScope};
use jiff::Timestamp;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::{PgPool, Postgres, QueryBuilder, Row, Transaction};
use uuid::Uuid;

use crate::time::{from_text, to_text};

mod accounts;
mod counters;
mod handling;
mod mail;
mod outbox;
mod retention;

/// Connections per process unless configured (`--database-pool`).
pub(crate) const DEFAULT_POOL: u32 = 10;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A write transaction: rolled back when dropped without [`PgStore::commit`].
type Tx = Transaction<'static, Postgres>;

#[derive(Debug)]
pub struct PgStore {
    pool: PgPool,
    health: std::sync::Arc<Health>,
    counters: std::sync::Arc<counters::PgCounters>,
}

/// The last storage fault of a write, until a write commits again.
#[derive(Debug, Default)]
struct Health {
    fault: Mutex<Option<String>>,
}

impl Health {
    fn set(&self, fault: Option<String>) {
        *self
            .fault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = fault;
    }

    fn get(&self) -> Option<String> {
        self.fault
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// A short, fixed description of a storage fault by its SQLSTATE class (never a message, which
/// could quote a value); `None` for what is the caller's or load, not a fault.
fn describe(e: &StoreError) -> Option<String> {
    let StoreError::Other(e) = e else {
        return None;
    };
    let Some(e) = e.downcast_ref::<sqlx::Error>() else {
        return Some("database error".to_owned());
    };
    match e {
        sqlx::Error::PoolTimedOut => None,
        sqlx::Error::Database(db) => {
            let code = db.code().unwrap_or_default();
            let phrase = match code.get(..2).unwrap_or_default() {
                // Constraint violations are the caller's.
                "23" => return None,
                "53" if code == "53100" => "disk full",
                "53" => "insufficient resources",
                "25" if code == "25006" => "read-only database",
                "08" => "connection lost",
                "57" => "server shutting down",
                "58" => "disk I/O error",
                "XX" => "database corrupt or internal error",
                _ => "database error",
            };
            Some(phrase.to_owned())
        }
        sqlx::Error::Io(_) => Some("I/O error".to_owned()),
        _ => Some("database error".to_owned()),
    }
}

pub(crate) fn other(e: impl std::error::Error + Send + Sync + 'static) -> StoreError {
    StoreError::Other(Box::new(e))
}

/// Maps a unique violation to its conflict by constraint name; the name is the rule, never the
/// value.
pub(crate) fn map_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &e
        && db.is_unique_violation()
    {
        return StoreError::Conflict(match db.constraint() {
            Some("organisations_slug_key") => Conflict::OrganisationSlug,
            Some("users_email_key") => Conflict::UserEmail,
            Some("reports_receipt_locator_key") => Conflict::ReceiptLocator,
            Some("cases_reference_key") => Conflict::CaseReference,
            Some("api_tokens_hash_key") => Conflict::Token,
            Some("memberships_pkey") => Conflict::Membership,
            Some("role_grants_open") => Conflict::RoleRequest,
            _ => Conflict::Unique,
        });
    }
    other(e)
}

fn uuid(row: &PgRow, col: &str) -> Result<Uuid, StoreError> {
    let s: String = row.try_get(col).map_err(other)?;
    Uuid::parse_str(&s).map_err(other)
}

fn opt_uuid(row: &PgRow, col: &str) -> Result<Option<Uuid>, StoreError> {
    let s: Option<String> = row.try_get(col).map_err(other)?;
    s.as_deref().map(Uuid::parse_str).transpose().map_err(other)
}

fn ts(row: &PgRow, col: &str) -> Result<Timestamp, StoreError> {
    let s: String = row.try_get(col).map_err(other)?;
    from_text(&s)
}

fn opt_ts(row: &PgRow, col: &str) -> Result<Option<Timestamp>, StoreError> {
    let s: Option<String> = row.try_get(col).map_err(other)?;
    s.as_deref().map(from_text).transpose()
}

/// A count or number from the database as the port's unsigned type (never negative there).
fn unsigned(v: i64) -> u64 {
    u64::try_from(v).unwrap_or_default()
}

/// An unsigned number of the port as a `BIGINT`.
fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn channel(row: &PgRow) -> Result<breachdesk_core::report::Channel, StoreError> {
    let s: String = row.try_get("channel").map_err(other)?;
    s.parse()
        .map_err(|_| StoreError::Other(format!("unknown report channel {s:?} in database").into()))
}

fn kind(s: &str) -> Result<ReportKind, StoreError> {
    s.parse::<ReportKind>()
        .map_err(|_| StoreError::Other(format!("unknown report kind {s:?} in database").into()))
}

fn org_from_row(row: &PgRow) -> Result<Organisation, StoreError> {
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
            years: u16::try_from(row.try_get::<i32, _>("retention_years").map_err(other)?)
                .map_err(other)?,
            unfounded_days: u16::try_from(
                row.try_get::<i32, _>("unfounded_retention_days")
                    .map_err(other)?,
            )
            .map_err(other)?,
        },
    })
}

impl PgStore {
    /// Connects to a `postgres://` URL and brings the schema up to date.
    pub async fn open_url(url: &str) -> Result<Self, StoreError> {
        Self::open_url_pooled(url, DEFAULT_POOL).await
    }

    /// [`PgStore::open_url`] with at most `pool` connections.
    pub async fn open_url_pooled(url: &str, pool: u32) -> Result<Self, StoreError> {
        Self::open_pooled(PgConnectOptions::from_str(url).map_err(other)?, pool).await
    }

    /// Connects with these options (a schema can be chosen with
    /// `options([("search_path", …)])`) and brings the schema up to date.
    pub async fn open_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        Self::open_pooled(options, DEFAULT_POOL).await
    }

    /// [`PgStore::open_with`] with at most `pool` connections.
    pub async fn open_pooled(options: PgConnectOptions, pool: u32) -> Result<Self, StoreError> {
        // Durable commits whatever the server or role default says.
        let options = options.options([("synchronous_commit", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(pool.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(other)?;
        MIGRATOR.run(&pool).await.map_err(other)?;
        // A server run with fsync off (a test setting) loses committed writes on a crash,
        // whatever the store does: say so once.
        let fsync: String = sqlx::query_scalar("SELECT current_setting('fsync')")
            .fetch_one(&pool)
            .await
            .map_err(other)?;
        if fsync != "on" {
            tracing::warn!(
                "PostgreSQL runs with fsync = {fsync}: committed writes are not durable across a crash of its machine"
            );
        }
        Ok(Self {
            counters: std::sync::Arc::new(counters::PgCounters { pool: pool.clone() }),
            pool,
            health: std::sync::Arc::default(),
        })
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin(&self) -> Result<Tx, StoreError> {
        self.pool.begin().await.map_err(other)
    }

    /// Commits; a successful commit clears the recorded fault.
    async fn commit(&self, tx: Tx) -> Result<(), StoreError> {
        tx.commit().await.map_err(other)?;
        self.health.set(None);
        Ok(())
    }

    /// Runs a write, recording a storage fault if it fails with one.
    async fn write<T>(
        &self,
        f: impl Future<Output = Result<T, StoreError>> + Send,
    ) -> Result<T, StoreError> {
        let result = f.await;
        if let Err(e) = &result
            && let Some(fault) = describe(e)
        {
            self.health.set(Some(fault));
        }
        result
    }

    /// One statement in its own (autocommitted, durable) transaction; rows affected.
    async fn exec(&self, sql: &'static str, binds: &[Option<String>]) -> Result<u64, StoreError> {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(b.clone());
        }
        let done = q
            .execute(&self.pool)
            .await
            .map_err(map_err)?
            .rows_affected();
        self.health.set(None);
        Ok(done)
    }

    async fn create_org_impl(
        &self,
        org: &NewOrganisation,
        id: Uuid,
        ref_prefix: &str,
        now: Timestamp,
    ) -> Result<Organisation, StoreError> {
        sqlx::query(
            "INSERT INTO organisations (id, slug, name, ref_prefix, dpo_name, dpo_email, dpo_phone, created_at, name_sv, name_en)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
        .execute(&self.pool)
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

    async fn ensure_user_impl(&self, user: &NewUser) -> Result<EnsuredUser, StoreError> {
        let mut tx = self.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)
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
        let row = sqlx::query("SELECT id FROM users WHERE email = $1")
            .bind(&user.email)
            .fetch_one(&mut *tx)
            .await
            .map_err(other)?;
        self.commit(tx).await?;
        Ok(EnsuredUser {
            id: uuid(&row, "id")?,
            created: inserted,
        })
    }

    async fn insert_intake_impl(
        &self,
        case: &NewCase,
        report: &NewReport,
        year: i16,
    ) -> Result<String, StoreError> {
        let mut tx = self.begin().await?;
        let reference = insert_intake_tx(&mut tx, case, report, year).await?;
        self.commit(tx).await?;
        Ok(reference)
    }

    async fn list_cases_impl(
        &self,
        org_ids: &[Uuid],
        shared_with: Option<Uuid>,
        page: Page,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        if org_ids.is_empty() && shared_with.is_none() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Postgres>::new(
            "SELECT c.id, c.org_id, o.slug, c.reference, c.status, c.created_at, c.updated_at,
                    (SELECT COUNT(*) FROM reports r WHERE r.case_id = c.id) AS report_count,
                    COALESCE((SELECT r.kind FROM reports r WHERE r.case_id = c.id ORDER BY r.created_at, r.id LIMIT 1), 'breach') AS first_kind
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
            .fetch_all(&self.pool)
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

    async fn case_where(
        &self,
        sql: &'static str,
        binds: &[String],
    ) -> Result<Option<CaseRecord>, StoreError> {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(b);
        }
        let Some(r) = q.fetch_optional(&self.pool).await.map_err(other)? else {
            return Ok(None);
        };
        Ok(Some(self.case_from_row(&r).await?))
    }

    async fn reports_of_case_impl(&self, case_id: Uuid) -> Result<Vec<ReportRecord>, StoreError> {
        sqlx::query(
            "SELECT id, case_id, kind, language, created_at, body, contact, channel, taken_by FROM reports
             WHERE case_id = $1 ORDER BY created_at, id",
        )
        .bind(case_id.to_string())
        .fetch_all(&self.pool)
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
                language: Language::parse(&l).unwrap_or_default(),
                body: r.try_get("body").map_err(other)?,
                contact: r.try_get("contact").map_err(other)?,
                channel: channel(r)?,
                taken_by: opt_uuid(r, "taken_by")?,
            })
        })
        .collect()
    }

    async fn receipt_by_locator_impl(
        &self,
        locator: &str,
    ) -> Result<Option<ReceiptRecord>, StoreError> {
        sqlx::query(
            "SELECT id, case_id, receipt_hash, receipt_failures, receipt_locked_until FROM reports
             WHERE receipt_locator = $1",
        )
        .bind(locator)
        .fetch_optional(&self.pool)
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

    async fn record_receipt_failure_impl(
        &self,
        report_id: Uuid,
        max: i64,
        lock_until: Timestamp,
    ) -> Result<(), StoreError> {
        // One statement: concurrent failures are counted one after another on the locked row.
        sqlx::query(
            "UPDATE reports SET receipt_failures = receipt_failures + 1,
                receipt_locked_until = CASE WHEN receipt_failures + 1 >= $1 THEN $2 ELSE receipt_locked_until END
             WHERE id = $3",
        )
        .bind(max)
        .bind(to_text(lock_until))
        .bind(report_id.to_string())
        .execute(&self.pool)
        .await
        .map_err(other)?;
        self.health.set(None);
        Ok(())
    }

    async fn insert_supplement_impl(&self, s: &NewSupplement) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        insert_supplement_tx(&mut tx, s).await?;
        self.commit(tx).await
    }

    async fn supplements_of_report_impl(
        &self,
        report_id: Uuid,
    ) -> Result<Vec<SupplementRecord>, StoreError> {
        sqlx::query(
            "SELECT id, report_id, created_at, body FROM supplements WHERE report_id = $1
             ORDER BY created_at, id",
        )
        .bind(report_id.to_string())
        .fetch_all(&self.pool)
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

    async fn principal_by_token_impl(
        &self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<TokenHolder>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT u.id, t.scope FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL
               AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(token_hash)
        .bind(to_text(now))
        .fetch_optional(&self.pool)
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
}

#[async_trait]
impl OrganisationStore for PgStore {
    async fn create_org(
        &self,
        org: &NewOrganisation,
        id: Uuid,
        ref_prefix: &str,
        now: Timestamp,
    ) -> Result<Organisation, StoreError> {
        self.write(self.create_org_impl(org, id, ref_prefix, now))
            .await
    }

    async fn org_by_slug(&self, slug: &str) -> Result<Option<Organisation>, StoreError> {
        sqlx::query("SELECT * FROM organisations WHERE slug = $1")
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
            .as_ref()
            .map(org_from_row)
            .transpose()
    }

    async fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        sqlx::query("SELECT * FROM organisations ORDER BY name COLLATE \"C\", slug COLLATE \"C\"")
            .fetch_all(&self.pool)
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
        self.write(self.set_org_retention_impl(org_id, retention, audit, now))
            .await
    }

    async fn set_org_names(
        &self,
        org_id: Uuid,
        names: &breachdesk_core::org::OrgName,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(async {
            let mut tx = self.begin().await?;
            let n = sqlx::query(
                "UPDATE organisations SET name = $1, name_sv = $2, name_en = $3 WHERE id = $4",
            )
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
            self.commit(tx).await
        })
        .await
    }
}

#[async_trait]
impl AccountStore for PgStore {
    async fn ensure_user(&self, user: &NewUser) -> Result<EnsuredUser, StoreError> {
        self.write(self.ensure_user_impl(user)).await
    }

    async fn user_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError> {
        sqlx::query("SELECT id FROM users WHERE email = $1 AND disabled_at IS NULL")
            .bind(email)
            .fetch_optional(&self.pool)
            .await
            .map_err(other)?
            .map(|r| uuid(&r, "id"))
            .transpose()
    }

    async fn count_users(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(other)
    }

    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>, StoreError> {
        self.user_auth_impl("SELECT * FROM users WHERE email = $1", email)
            .await
    }

    async fn user_auth_by_id(&self, id: Uuid) -> Result<Option<UserAuth>, StoreError> {
        self.user_auth_impl("SELECT * FROM users WHERE id = $1", &id.to_string())
            .await
    }

    async fn principal_by_user(&self, user_id: Uuid) -> Result<Option<Principal>, StoreError> {
        self.principal_by_user_impl(user_id).await
    }

    async fn set_installation_admin(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE users SET installation_admin = TRUE WHERE id = $1",
            &[Some(user_id.to_string())],
        ))
        .await?;
        Ok(())
    }

    async fn set_password(&self, user_id: Uuid, phc: &str) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE users SET password_hash = $1, password_change_required = FALSE WHERE id = $2",
            &[Some(phc.to_owned()), Some(user_id.to_string())],
        ))
        .await?;
        Ok(())
    }

    async fn require_password_change(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE users SET password_change_required = TRUE WHERE id = $1",
            &[Some(user_id.to_string())],
        ))
        .await?;
        Ok(())
    }

    async fn set_display_name(&self, user_id: Uuid, name: &str) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE users SET display_name = $1 WHERE id = $2",
            &[Some(name.to_owned()), Some(user_id.to_string())],
        ))
        .await?;
        Ok(())
    }

    async fn set_preferred_language(
        &self,
        user_id: Uuid,
        language: Language,
    ) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE users SET preferred_language = $1 WHERE id = $2",
            &[
                Some(language.as_str().to_owned()),
                Some(user_id.to_string()),
            ],
        ))
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
        self.write(self.reserve_login_attempt_impl(user_id, max, lock_until, now))
            .await
    }

    async fn release_login_attempt(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE users SET failed_logins = GREATEST(failed_logins - 1, 0) WHERE id = $1",
            &[Some(user_id.to_string())],
        ))
        .await?;
        Ok(())
    }

    async fn reset_login_failures(&self, user_id: Uuid) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
            &[Some(user_id.to_string())],
        ))
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
        self.write(self.enrol_totp_impl(user_id, sealed_secret, recovery_hashes, now))
            .await
    }

    async fn accept_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool, StoreError> {
        self.write(self.accept_totp_step_impl(user_id, step)).await
    }

    async fn recovery_codes(&self, user_id: Uuid) -> Result<Vec<RecoveryCode>, StoreError> {
        self.recovery_codes_impl(user_id).await
    }

    async fn use_recovery_code(&self, row: i64, now: Timestamp) -> Result<bool, StoreError> {
        self.write(self.use_recovery_code_impl(row, now)).await
    }

    async fn set_user_disabled(
        &self,
        user_id: Uuid,
        disabled: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.set_user_disabled_impl(user_id, disabled, false, audit, now))
            .await
    }

    async fn disable_user_keeping_last(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.set_user_disabled_impl(user_id, true, true, audit, now))
            .await
    }

    async fn reset_second_factor(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.reset_second_factor_impl(user_id, audit, now))
            .await
    }
}

#[async_trait]
impl AccessStore for PgStore {
    async fn add_membership(&self, held: &UserRole, now: Timestamp) -> Result<(), StoreError> {
        let UserRole {
            user_id,
            org_id,
            role,
        } = *held;
        self.write(self.exec(
            "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[
                Some(user_id.to_string()),
                Some(org_id.to_string()),
                Some(role.as_str().to_owned()),
                Some(to_text(now)),
            ],
        ))
        .await?;
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
        self.write(self.request_grant_impl(request, audit)).await
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
        self.write(self.decide_grant_impl(id, decided_by, confirm, audit, now))
            .await
    }

    async fn grant_role(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.grant_role_impl(held, audit, now)).await
    }

    async fn remove_membership(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.remove_membership_impl(held, false, audit, now))
            .await
    }

    async fn remove_membership_keeping_last(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.remove_membership_impl(held, true, audit, now))
            .await
    }
}

#[async_trait]
impl TokenStore for PgStore {
    async fn create_token(
        &self,
        id: Uuid,
        user_id: Uuid,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(async {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id.to_string())
            .bind(user_id.to_string())
            .bind(token_hash)
            .bind(to_text(now))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
            self.health.set(None);
            Ok(())
        })
        .await
    }

    async fn principal_by_token(
        &self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<TokenHolder>, StoreError> {
        self.principal_by_token_impl(token_hash, now).await
    }

    async fn create_api_token(
        &self,
        token: &NewApiToken,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        self.write(self.create_api_token_impl(token, audit)).await
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
        self.write(self.revoke_token_impl(id, audit, now)).await
    }
}

#[async_trait]
impl SessionStore for PgStore {
    async fn create_setup_token(
        &self,
        token_hash: &[u8],
        user_id: Option<Uuid>,
        purpose: SetupPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.create_setup_token_impl(token_hash, user_id, purpose, now, expires))
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
        self.write(self.take_setup_token_impl(token_hash, now))
            .await
    }

    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.write(self.create_session_impl(session)).await
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
        self.write(self.touch_session_impl(id_hash, stage, now))
            .await
    }

    async fn end_session(&self, id_hash: &[u8], now: Timestamp) -> Result<(), StoreError> {
        self.write(self.end_session_impl(id_hash, now)).await
    }

    async fn end_sessions_of(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.write(self.end_sessions_of_impl(user_id, audit, now))
            .await
    }
}

#[async_trait]
impl IntakeStore for PgStore {
    async fn unalerted_reports(&self) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT r.id, r.case_id FROM reports r LEFT JOIN report_alerts a \
             ON a.report_id = r.id WHERE a.report_id IS NULL ORDER BY r.created_at, r.id",
        )
        .fetch_all(&self.pool)
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
        let done = sqlx::query("INSERT INTO report_alerts (report_id, case_id, sent_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(report_id.to_string())
            .bind(case_id.to_string())
            .bind(to_text(now))
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(done.rows_affected() == 1)
    }

    async fn unclaim_report_alert(&self, report_id: Uuid) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM report_alerts WHERE report_id = $1")
            .bind(report_id.to_string())
            .execute(&self.pool)
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
        self.write(self.insert_intake_impl(case, report, year))
            .await
    }

    async fn receipt_by_locator(&self, locator: &str) -> Result<Option<ReceiptRecord>, StoreError> {
        self.receipt_by_locator_impl(locator).await
    }

    async fn record_receipt_failure(
        &self,
        report_id: Uuid,
        max: i64,
        lock_until: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.record_receipt_failure_impl(report_id, max, lock_until))
            .await
    }

    async fn reset_receipt_failures(&self, report_id: Uuid) -> Result<(), StoreError> {
        self.write(self.exec(
            "UPDATE reports SET receipt_failures = 0, receipt_locked_until = NULL
             WHERE id = $1 AND receipt_failures > 0",
            &[Some(report_id.to_string())],
        ))
        .await?;
        Ok(())
    }

    async fn insert_supplement(&self, supplement: &NewSupplement) -> Result<(), StoreError> {
        self.write(self.insert_supplement_impl(supplement)).await
    }

    async fn supplements_of_report(
        &self,
        report_id: Uuid,
    ) -> Result<Vec<SupplementRecord>, StoreError> {
        self.supplements_of_report_impl(report_id).await
    }
}

#[async_trait]
impl CaseStore for PgStore {
    async fn list_cases(
        &self,
        org_ids: &[Uuid],
        shared_with: Option<Uuid>,
        page: Page,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        self.list_cases_impl(org_ids, shared_with, page).await
    }

    async fn case_by_id(&self, id: Uuid) -> Result<Option<CaseRecord>, StoreError> {
        self.case_where("SELECT * FROM cases WHERE id = $1", &[id.to_string()])
            .await
    }

    async fn case_by_reference(
        &self,
        org_id: Uuid,
        reference: &str,
    ) -> Result<Option<CaseRecord>, StoreError> {
        // References are written in capitals; the unique index answers.
        self.case_where(
            "SELECT * FROM cases WHERE reference = $1 AND org_id = $2",
            &[reference.to_uppercase(), org_id.to_string()],
        )
        .await
    }

    async fn reports_of_case(&self, case_id: Uuid) -> Result<Vec<ReportRecord>, StoreError> {
        self.reports_of_case_impl(case_id).await
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
        self.write(self.change_case_impl(change, audit, now)).await
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
            "SELECT c.* FROM cases c WHERE c.org_id = $1 AND c.destroyed_at IS NULL \
             AND EXISTS (SELECT 1 FROM case_entries e WHERE e.case_id = c.id AND e.kind = $2) \
             ORDER BY c.created_at DESC LIMIT $3",
        )
        .bind(org_id.to_string())
        .bind(kind)
        .bind(limit)
        .fetch_all(&self.pool)
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
        self.write(self.import_cases_impl(cases, audit, now)).await
    }

    async fn attachment(&self, case_id: Uuid, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        sqlx::query_scalar("SELECT body FROM attachments WHERE case_id = $1 AND id = $2")
            .bind(case_id.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(other)
    }

    async fn mark_reminder_sent(
        &self,
        case_id: Uuid,
        hours: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError> {
        self.write(async {
            let done = sqlx::query(
                "INSERT INTO reminders_sent (case_id, hours, sent_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(case_id.to_string())
            .bind(hours)
            .bind(to_text(now))
            .execute(&self.pool)
            .await
            .map_err(map_err)?;
            self.health.set(None);
            Ok(done.rows_affected() == 1)
        })
        .await
    }

    async fn unmark_reminder(&self, case_id: Uuid, hours: i64) -> Result<(), StoreError> {
        self.write(async {
            sqlx::query("DELETE FROM reminders_sent WHERE case_id = $1 AND hours = $2")
                .bind(case_id.to_string())
                .bind(hours)
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
            self.health.set(None);
            Ok(())
        })
        .await
    }

    async fn reminders_sent(&self, case_id: Uuid) -> Result<Vec<i64>, StoreError> {
        sqlx::query_scalar("SELECT hours FROM reminders_sent WHERE case_id = $1 ORDER BY hours")
            .bind(case_id.to_string())
            .fetch_all(&self.pool)
            .await
            .map_err(other)
    }
}

#[async_trait]
impl NoticeStore for PgStore {
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
        self.write(self.set_org_templates_impl(org_id, templates, audit, now))
            .await
    }
}

#[async_trait]
impl OutboxStore for PgStore {
    async fn import_recipients(
        &self,
        case_id: Uuid,
        replace: bool,
        recipients: &[NewRecipient],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.import_recipients_impl(case_id, replace, recipients, audit, now))
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
        self.write(self.queue_messages_impl(case_id, version, messages, now))
            .await
    }

    async fn queued_up_to(&self, case_id: Uuid) -> Result<u64, StoreError> {
        let n: i64 =
            sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM outbox WHERE case_id = $1")
                .bind(case_id.to_string())
                .fetch_one(&self.pool)
                .await
                .map_err(other)?;
        Ok(unsigned(n))
    }

    async fn claim_messages(
        &self,
        case_id: Uuid,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        self.write(self.claim_messages_impl(case_id, limit, now))
            .await
    }

    async fn finish_messages(
        &self,
        outcomes: &[MessageOutcome],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        self.write(self.finish_messages_impl(outcomes, now)).await
    }

    async fn recover_messages(&self, case_id: Uuid) -> Result<u64, StoreError> {
        self.write(self.exec(
            "UPDATE outbox SET status = 'queued', in_doubt = TRUE, next_attempt_at = NULL
             WHERE case_id = $1 AND status = 'sending'",
            &[Some(case_id.to_string())],
        ))
        .await
    }

    async fn retry_failed_messages(
        &self,
        case_id: Uuid,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        self.write(self.exec(
            "UPDATE outbox SET status = 'queued', next_attempt_at = $1
             WHERE case_id = $2 AND status = 'failed'",
            &[Some(to_text(now)), Some(case_id.to_string())],
        ))
        .await
    }

    async fn outbox_counts(&self, case_id: Uuid) -> Result<OutboxCounts, StoreError> {
        self.outbox_counts_impl(case_id).await
    }

    async fn cases_with_due_messages(&self, now: Timestamp) -> Result<Vec<Uuid>, StoreError> {
        sqlx::query(
            "SELECT DISTINCT case_id FROM outbox WHERE (status = 'queued'
             AND (next_attempt_at IS NULL OR next_attempt_at <= $1)) OR status = 'sending'",
        )
        .bind(to_text(now))
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
        .map(|r| uuid(r, "case_id"))
        .collect()
    }

    async fn lease_outbox(
        &self,
        case_id: Uuid,
        holder: Uuid,
        ttl: std::time::Duration,
    ) -> Result<bool, StoreError> {
        // One statement: the upsert locks the row, so two servers cannot both take the lease.
        // Both ends of the lease are the database's clock, not the servers' own.
        let done = self
            .write(async {
                sqlx::query(
                    "WITH t AS (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS now)
                     INSERT INTO outbox_locks (case_id, holder, expires_at)
                     SELECT $1, $2, to_char(t.now + make_interval(secs => $3), 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') FROM t
                     ON CONFLICT (case_id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                     WHERE outbox_locks.holder = EXCLUDED.holder
                        OR outbox_locks.expires_at <= to_char((SELECT now FROM t), 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
                )
                .bind(case_id.to_string())
                .bind(holder.to_string())
                .bind(ttl.as_secs_f64())
                .execute(&self.pool)
                .await
                .map(|r| r.rows_affected())
                .map_err(map_err)
            })
            .await?;
        Ok(done == 1)
    }

    async fn release_outbox(&self, case_id: Uuid, holder: Uuid) -> Result<(), StoreError> {
        self.write(self.exec(
            "DELETE FROM outbox_locks WHERE case_id = $1 AND holder = $2",
            &[Some(case_id.to_string()), Some(holder.to_string())],
        ))
        .await?;
        Ok(())
    }

    async fn failed_messages(&self, case_id: Uuid) -> Result<Vec<FailedMessage>, StoreError> {
        sqlx::query(
            "SELECT seq, coalesce(last_error, '') AS e FROM outbox
             WHERE case_id = $1 AND status = 'failed' ORDER BY seq",
        )
        .bind(case_id.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(other)?
        .iter()
        .map(|r| {
            Ok(FailedMessage {
                seq: unsigned(r.try_get("seq").map_err(other)?),
                reply: r.try_get("e").map_err(other)?,
            })
        })
        .collect()
    }

    async fn record_bounces(&self, case_id: Uuid, bounces: &[Bounce]) -> Result<u64, StoreError> {
        self.write(self.record_bounces_impl(case_id, bounces)).await
    }
}

#[async_trait]
impl AuditStore for PgStore {
    async fn append_audit(&self, events: &[AuditEvent], now: Timestamp) -> Result<(), StoreError> {
        self.write(async {
            let mut tx = self.begin().await?;
            handling::append_audit_tx(&mut tx, events, now).await?;
            self.commit(tx).await
        })
        .await
    }

    async fn audit_trail(&self, case_id: Option<Uuid>) -> Result<Vec<AuditRecord>, StoreError> {
        self.audit_trail_impl(case_id).await
    }
}

#[async_trait]
impl Store for PgStore {
    fn counters(&self) -> std::sync::Arc<dyn breachdesk_core::ports::Counters> {
        self.counters.clone()
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(other)?;
        Ok(())
    }

    async fn ping_writer(&self, now: Timestamp) -> Result<(), StoreError> {
        self.write(async {
            let mut tx = self.begin().await?;
            sqlx::query(
                "INSERT INTO writer_probe (id, at) VALUES (1, $1)
                 ON CONFLICT (id) DO UPDATE SET at = EXCLUDED.at",
            )
            .bind(to_text(now))
            .execute(&mut *tx)
            .await
            .map_err(other)?;
            self.commit(tx).await
        })
        .await
    }

    fn writer_fault(&self) -> Option<String> {
        self.health.get()
    }
}

/// A new case with its first report and its audit entry, within a transaction.
async fn insert_intake_tx(
    tx: &mut Tx,
    case: &NewCase,
    report: &NewReport,
    year: i16,
) -> Result<String, StoreError> {
    // The counter row stays locked until the transaction ends: concurrent intakes of the
    // organisation take their numbers in turn, and a rolled-back intake gives its back.
    let number: i64 = sqlx::query_scalar(
        "INSERT INTO case_counters (org_id, year, last) VALUES ($1, $2, 1)
             ON CONFLICT (org_id, year) DO UPDATE SET last = case_counters.last + 1 RETURNING last",
    )
    .bind(case.org_id.to_string())
    .bind(i32::from(year))
    .fetch_one(&mut **tx)
    .await
    .map_err(map_err)?;
    let prefix: String = sqlx::query_scalar("SELECT ref_prefix FROM organisations WHERE id = $1")
        .bind(case.org_id.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(other)?
        .ok_or(StoreError::NotFound)?;
    let reference = breachdesk_core::case::format_reference(&prefix, year, number);
    let created = to_text(case.created_at);
    sqlx::query(
        "INSERT INTO cases (id, org_id, reference, status, created_at, updated_at, data_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
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
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
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

/// A supplement to a report with its audit entry, within a transaction.
async fn insert_supplement_tx(tx: &mut Tx, s: &NewSupplement) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO supplements (id, report_id, created_at, body) VALUES ($1, $2, $3, $4)",
    )
    .bind(s.id.to_string())
    .bind(s.report_id.to_string())
    .bind(to_text(s.created_at))
    .bind(&s.body)
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    let case_id: Option<String> = sqlx::query_scalar(
        "UPDATE cases SET updated_at = $1 WHERE id = (SELECT case_id FROM reports WHERE id = $2)
             RETURNING id",
    )
    .bind(to_text(s.created_at))
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
