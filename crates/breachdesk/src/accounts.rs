//! `breachdesk user …` and `breachdesk token …` beyond creating users (issue 17): offboarding
//! from the command line, and API tokens with a name, a scope and an expiry, listed and
//! revoked. The operator on the server acts as the installation; every change is audited with
//! no actor and the detail `cli`.

use anyhow::{Context, bail};
use breachdesk_core::audit::AuditEvent;
use breachdesk_core::clock::{Clock, SystemClock};
use breachdesk_core::ports::{NewApiToken, Store, StoreError};
use breachdesk_core::user::{Role, TokenScope};
use uuid::Uuid;

use crate::cli::{TokenCommand, UserCommand};

type Say = fn(&str) -> anyhow::Result<()>;

fn event(org_id: Option<Uuid>, action: &'static str, detail: &str) -> AuditEvent {
    AuditEvent {
        actor: None,
        org_id,
        case_id: None,
        action,
        detail: format!("cli {detail}"),
    }
}

/// The id of an account by its address, disabled ones included.
async fn account(store: &dyn Store, email: &str) -> anyhow::Result<Uuid> {
    let email = email.trim().to_lowercase();
    Ok(store
        .user_auth_by_email(&email)
        .await?
        .with_context(|| format!("no account with e-mail {email}"))?
        .id)
}

pub async fn user(cmd: UserCommand, store: &dyn Store, say: Say) -> anyhow::Result<()> {
    let now = SystemClock.now();
    match cmd {
        UserCommand::Create { .. } => bail!("user create is handled by commands::run"),
        UserCommand::Disable { email } => {
            let id = account(store, &email).await?;
            let e = event(None, "admin.account_disable", &format!("user={id}"));
            store.set_user_disabled(id, true, &e, now).await?;
            say(&format!(
                "disabled {email}: its sessions ended and its API tokens are revoked"
            ))
        }
        UserCommand::Enable { email } => {
            let id = account(store, &email).await?;
            let e = event(None, "admin.account_enable", &format!("user={id}"));
            store.set_user_disabled(id, false, &e, now).await?;
            say(&format!("enabled {email} (its old tokens stay revoked)"))
        }
        UserCommand::RemoveRole { org, email, role } => {
            let role: Role = role.parse().map_err(|_| {
                anyhow::anyhow!(
                    "--role must be one of {}",
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })?;
            let org = store
                .org_by_slug(&org)
                .await?
                .with_context(|| format!("no organisation with slug {org}"))?;
            let id = account(store, &email).await?;
            let e = event(
                Some(org.id),
                "admin.role_remove",
                &format!("{} user={id}", role.as_str()),
            );
            match store.remove_membership(id, org.id, role, &e, now).await {
                Ok(()) => say(&format!("removed role {role} of {email} in {}", org.slug)),
                Err(StoreError::NotFound) => {
                    bail!("{email} has no role {role} in {}", org.slug)
                }
                Err(e) => Err(e.into()),
            }
        }
        UserCommand::ResetSecondFactor { email } => {
            let id = account(store, &email).await?;
            let e = event(None, "admin.second_factor_reset", &format!("user={id}"));
            store.reset_second_factor(id, &e, now).await?;
            say(&format!(
                "reset the authenticator of {email}: the next sign-in enrols anew"
            ))
        }
        UserCommand::EndSessions { email } => {
            let id = account(store, &email).await?;
            let e = event(None, "admin.sessions_end", &format!("user={id}"));
            let n = store.end_sessions_of(id, &e, now).await?;
            say(&format!("ended {n} sessions of {email}"))
        }
    }
}

pub async fn token(cmd: TokenCommand, store: &dyn Store, say: Say) -> anyhow::Result<()> {
    let now = SystemClock.now();
    match cmd {
        TokenCommand::Create {
            email,
            name,
            scope,
            expires_days,
        } => {
            let email = email.trim().to_lowercase();
            let user = store
                .user_id_by_email(&email)
                .await?
                .with_context(|| format!("no active user with e-mail {email}"))?;
            let scope =
                TokenScope::parse(&scope).context("--scope must be read_only or case_handling")?;
            if !(0..=3650).contains(&expires_days) {
                bail!("--expires-days must be from 0 (never) to 3650");
            }
            if name.trim().is_empty()
                || name.chars().count() > 100
                || name.chars().any(char::is_control)
            {
                bail!("--name must be one line of 1 to 100 characters");
            }
            let (token, digest) = breachdesk_crypto::new_api_token();
            let new = NewApiToken {
                id: Uuid::now_v7(),
                user_id: user,
                token_hash: digest,
                name: name.trim().to_owned(),
                scope,
                created_at: now,
                expires_at: (expires_days > 0)
                    .then(|| now + jiff::SignedDuration::from_hours(24 * expires_days)),
            };
            let e = event(
                None,
                "token.create",
                &format!(
                    "token={} user={user} scope={} days={expires_days}",
                    new.id,
                    scope.as_str()
                ),
            );
            store.create_api_token(&new, &e).await?;
            say(&token)
        }
        TokenCommand::List { email } => {
            let id = account(store, &email).await?;
            let mut lines = Vec::new();
            for t in store.api_tokens(&[id]).await? {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at.is_some_and(|e| e <= now) {
                    "expired"
                } else {
                    "valid"
                };
                lines.push(format!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.scope.as_str(),
                    state,
                    t.created_at,
                    t.expires_at
                        .map_or_else(|| "never".to_owned(), |e| e.to_string()),
                    t.name
                ));
            }
            if lines.is_empty() {
                return say(&format!("{email} has no API tokens"));
            }
            say(&lines.join("\n"))
        }
        TokenCommand::Revoke { id } => {
            let id = Uuid::parse_str(id.trim()).context("--id is not a token id")?;
            let e = event(None, "token.revoke", &format!("token={id}"));
            match store.revoke_token(id, &e, now).await {
                Ok(()) => say(&format!("revoked token {id}")),
                Err(StoreError::NotFound) => bail!("no valid token with id {id}"),
                Err(e) => Err(e.into()),
            }
        }
    }
}
