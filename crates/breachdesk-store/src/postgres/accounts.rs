//! Access control on `PostgreSQL` (issue 17): requests of roles and their decisions, memberships
//! given and taken away, disabled accounts, reset second factors, ended sessions. Each change
//! commits together with its audit entry.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::grant::GrantRequest;
use breachdesk_core::ports::{ApiTokenInfo, NewApiToken, StoreError, UserRole};
use breachdesk_core::user::TokenScope;
use jiff::Timestamp;
use sqlx::postgres::PgRow;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

use super::handling::append_audit_tx;
use super::{PgStore, Tx, map_err, opt_ts, other, ts, uuid};
use crate::time::to_text;

fn grant_from_row(r: &PgRow) -> Result<GrantRequest, StoreError> {
    let role: String = r.try_get("role").map_err(other)?;
    Ok(GrantRequest {
        id: uuid(r, "id")?,
        user_id: uuid(r, "user_id")?,
        email: r.try_get("email").map_err(other)?,
        org_id: uuid(r, "org_id")?,
        role: role.parse().map_err(other)?,
        requested_by: uuid(r, "requested_by")?,
        requested_at: ts(r, "requested_at")?,
    })
}

/// Adds a membership inside a write transaction (no-op if held).
async fn insert_membership(
    tx: &mut Tx,
    user_id: &str,
    org_id: &str,
    role: &str,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT DO NOTHING",
    )
    .bind(user_id)
    .bind(org_id)
    .bind(role)
    .bind(to_text(now))
    .execute(&mut **tx)
    .await
    .map_err(map_err)?;
    Ok(())
}

/// Ends every open session of a user inside a write transaction; how many there were.
async fn end_sessions_tx(tx: &mut Tx, user_id: &str, now: Timestamp) -> Result<u64, StoreError> {
    Ok(
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL")
            .bind(to_text(now))
            .bind(user_id)
            .execute(&mut **tx)
            .await
            .map_err(other)?
            .rows_affected(),
    )
}

impl PgStore {
    pub(super) async fn request_grant_impl(
        &self,
        g: &GrantRequest,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO role_grants (id, user_id, org_id, role, requested_by, requested_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(g.id.to_string())
        .bind(g.user_id.to_string())
        .bind(g.org_id.to_string())
        .bind(g.role.as_str())
        .bind(g.requested_by.to_string())
        .bind(to_text(g.requested_at))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        append_audit_tx(&mut tx, std::slice::from_ref(audit), g.requested_at).await?;
        self.commit(tx).await
    }

    pub(super) async fn open_grants_impl(
        &self,
        org_ids: &[Uuid],
    ) -> Result<Vec<GrantRequest>, StoreError> {
        if org_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Postgres>::new(
            "SELECT g.*, u.email FROM role_grants g JOIN users u ON u.id = g.user_id \
             WHERE g.decided_at IS NULL AND g.org_id IN (",
        );
        let mut sep = q.separated(", ");
        for id in org_ids {
            sep.push_bind(id.to_string());
        }
        q.push(") ORDER BY g.requested_at, g.id");
        q.build()
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
            .iter()
            .map(grant_from_row)
            .collect()
    }

    pub(super) async fn decide_grant_impl(
        &self,
        id: Uuid,
        decided_by: Uuid,
        confirm: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let row = sqlx::query(
            "UPDATE role_grants SET decided_by = $1, decided_at = $2, outcome = $3 \
             WHERE id = $4 AND decided_at IS NULL RETURNING user_id, org_id, role",
        )
        .bind(decided_by.to_string())
        .bind(to_text(now))
        .bind(if confirm { "confirmed" } else { "refused" })
        .bind(id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(other)?
        .ok_or(StoreError::NotFound)?;
        if confirm {
            let user_id: String = row.try_get("user_id").map_err(other)?;
            let org_id: String = row.try_get("org_id").map_err(other)?;
            let role: String = row.try_get("role").map_err(other)?;
            insert_membership(&mut tx, &user_id, &org_id, &role, now).await?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }

    pub(super) async fn grant_role_impl(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let UserRole {
            user_id,
            org_id,
            role,
        } = *held;
        let mut tx = self.begin().await?;
        insert_membership(
            &mut tx,
            &user_id.to_string(),
            &org_id.to_string(),
            role.as_str(),
            now,
        )
        .await?;
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }

    pub(super) async fn remove_membership_impl(
        &self,
        held: &UserRole,
        keep_last: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let UserRole {
            user_id,
            org_id,
            role,
        } = *held;
        let mut tx = self.begin().await?;
        if keep_last {
            keep_last_tx(&mut tx, org_id, role, user_id).await?;
        }
        let removed =
            sqlx::query("DELETE FROM memberships WHERE user_id = $1 AND org_id = $2 AND role = $3")
                .bind(user_id.to_string())
                .bind(org_id.to_string())
                .bind(role.as_str())
                .execute(&mut *tx)
                .await
                .map_err(other)?
                .rows_affected();
        if removed == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }

    pub(super) async fn set_user_disabled_impl(
        &self,
        user_id: Uuid,
        disabled: bool,
        keep_last: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let id = user_id.to_string();
        let at = to_text(now);
        let mut tx = self.begin().await?;
        if disabled && keep_last {
            // In the organisations' order, so that two disablings lock them alike.
            let held: Vec<(String, String)> = sqlx::query_as(
                "SELECT org_id, role FROM memberships WHERE user_id = $1 AND role IN ('dpo', 'admin') \
                 ORDER BY org_id, role",
            )
            .bind(&id)
            .fetch_all(&mut *tx)
            .await
            .map_err(other)?;
            for (org, role) in held {
                let org = Uuid::parse_str(&org).map_err(other)?;
                let role = role
                    .parse::<breachdesk_core::user::Role>()
                    .map_err(|_| StoreError::Other("unknown role in database".into()))?;
                keep_last_tx(&mut tx, org, role, user_id).await?;
            }
        }
        let changed = sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
            .bind(disabled.then_some(&at))
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(other)?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        if disabled {
            end_sessions_tx(&mut tx, &id, now).await?;
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(&at)
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }

    pub(super) async fn reset_second_factor_impl(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let id = user_id.to_string();
        let mut tx = self.begin().await?;
        let changed = sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL, totp_last_step = NULL \
             WHERE id = $1",
        )
        .bind(&id)
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(&id)
            .execute(&mut *tx)
            .await
            .map_err(other)?;
        end_sessions_tx(&mut tx, &id, now).await?;
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }

    pub(super) async fn end_sessions_of_impl(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let ended = end_sessions_tx(&mut tx, &user_id.to_string(), now).await?;
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await?;
        Ok(ended)
    }

    pub(super) async fn create_api_token_impl(
        &self,
        t: &NewApiToken,
        audit: &AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, created_at, name, scope, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(t.id.to_string())
        .bind(t.user_id.to_string())
        .bind(&t.token_hash)
        .bind(to_text(t.created_at))
        .bind(&t.name)
        .bind(t.scope.as_str())
        .bind(t.expires_at.map(to_text))
        .execute(&mut *tx)
        .await
        .map_err(map_err)?;
        append_audit_tx(&mut tx, std::slice::from_ref(audit), t.created_at).await?;
        self.commit(tx).await
    }

    pub(super) async fn api_tokens_impl(
        &self,
        user_ids: &[Uuid],
    ) -> Result<Vec<ApiTokenInfo>, StoreError> {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = QueryBuilder::<Postgres>::new(
            "SELECT id, user_id, name, scope, created_at, expires_at, revoked_at FROM api_tokens \
             WHERE user_id IN (",
        );
        let mut sep = q.separated(", ");
        for id in user_ids {
            sep.push_bind(id.to_string());
        }
        q.push(") ORDER BY created_at DESC, id DESC");
        q.build()
            .fetch_all(&self.pool)
            .await
            .map_err(other)?
            .iter()
            .map(|r| {
                let scope: String = r.try_get("scope").map_err(other)?;
                Ok(ApiTokenInfo {
                    id: uuid(r, "id")?,
                    user_id: uuid(r, "user_id")?,
                    name: r.try_get("name").map_err(other)?,
                    scope: TokenScope::parse(&scope).ok_or_else(|| {
                        StoreError::Other(format!("unknown token scope {scope:?}").into())
                    })?,
                    created_at: ts(r, "created_at")?,
                    expires_at: opt_ts(r, "expires_at")?,
                    revoked_at: opt_ts(r, "revoked_at")?,
                })
            })
            .collect()
    }

    pub(super) async fn revoke_token_impl(
        &self,
        id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let revoked = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(to_text(now))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(other)?
        .rows_affected();
        if revoked == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, std::slice::from_ref(audit), now).await?;
        self.commit(tx).await
    }
}

/// Refuses (`Conflict::LastHolder`) when `user_id` is the organisation's last active holder of
/// `role` and the role is one it cannot be without (DPO, administrator).
async fn keep_last_tx(
    tx: &mut Tx,
    org_id: Uuid,
    role: breachdesk_core::user::Role,
    user_id: Uuid,
) -> Result<(), StoreError> {
    use breachdesk_core::user::Role;
    if !matches!(role, Role::Dpo | Role::Admin) {
        return Ok(());
    }
    // One role change of an organisation at a time: a second waits here, then counts what the
    // first left.
    sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR NO KEY UPDATE")
        .bind(org_id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(other)?;
    // Only an active holder can be the last one: a disabled account's role goes freely.
    let holds: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.role = $2 AND m.user_id = $3 AND u.disabled_at IS NULL",
    )
    .bind(org_id.to_string())
    .bind(role.as_str())
    .bind(user_id.to_string())
    .fetch_one(&mut **tx)
    .await
    .map_err(other)?;
    if holds == 0 {
        return Ok(());
    }
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.org_id = $1 AND m.role = $2 AND m.user_id <> $3 AND u.disabled_at IS NULL",
    )
    .bind(org_id.to_string())
    .bind(role.as_str())
    .bind(user_id.to_string())
    .fetch_one(&mut **tx)
    .await
    .map_err(other)?;
    if others == 0 {
        return Err(StoreError::Conflict(
            breachdesk_core::ports::Conflict::LastHolder(role),
        ));
    }
    Ok(())
}
