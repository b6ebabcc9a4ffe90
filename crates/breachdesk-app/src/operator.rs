//! The installation operator's use cases (issue 19: out of the CLI's `commands.rs` and
//! `accounts.rs`): what the person at the server's console does — organisations, accounts with
//! a printed first password, roles given directly, offboarding, API tokens. The operator acts
//! as the installation (they hold the database and the master key anyway): no separation of
//! duties applies, and every change is audited with no actor and the detail `cli …`. These need
//! no master key, so an [`Operator`] holds only the store, the hasher and the clock. Account
//! creation shares its first step with the desk's ([`ensure_account`]).

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use breachdesk_core::audit::{self, AuditEvent, AuditProblem};
use breachdesk_core::clock::Clock;
use breachdesk_core::org::{NewOrganisation, Organisation};
use breachdesk_core::ports::{
    ApiTokenInfo, CaseRecord, EnsuredUser, NewApiToken, NewUser, SecretHasher, Store, StoreError,
    UserRole,
};
use breachdesk_core::user::{Role, TokenScope};
use jiff::Timestamp;
use rand::RngCore;
use uuid::Uuid;

use crate::error::{AppError, Refusal};

/// What [`Operator::verify_audit`] found.
#[derive(Debug)]
pub struct AuditCheck {
    pub entries: usize,
    /// The last entry's sequence number and hash (`None`: the trail is empty).
    pub head: Option<(i64, [u8; 32])>,
    pub problems: Vec<AuditProblem>,
}

/// The account with this address, made if there is none with `password_hash`; `true` when it
/// was made. The first step of making an account on the desk and at the console alike.
///
/// # Errors
/// When the store fails.
pub async fn ensure_account(
    store: &dyn Store,
    email: &str,
    password_hash: String,
    now: Timestamp,
) -> Result<EnsuredUser, StoreError> {
    store
        .ensure_user(&NewUser {
            id: Uuid::now_v7(),
            email: email.to_owned(),
            password_hash,
            created_at: now,
        })
        .await
}

fn event(org_id: Option<Uuid>, action: &'static str, detail: &str) -> AuditEvent {
    AuditEvent {
        actor: None,
        org_id,
        case_id: None,
        action,
        detail: format!("cli {detail}"),
    }
}

/// An account made or found at the console.
#[derive(Debug)]
pub struct ConsoleAccount {
    pub id: Uuid,
    /// The printed one-time password of a new account (its owner replaces it at the first
    /// sign-in); `None` when the account existed.
    pub password: Option<String>,
}

/// A token listed for the operator, with its state now.
#[derive(Debug)]
pub struct ListedToken {
    pub info: ApiTokenInfo,
    /// `valid`, `expired` or `revoked`.
    pub state: &'static str,
}

/// The operator's use cases over the store.
#[derive(Clone)]
pub struct Operator {
    store: Arc<dyn Store>,
    hasher: Arc<dyn SecretHasher>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Operator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operator")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Operator {
    #[must_use]
    pub fn new(
        store: Arc<dyn Store>,
        hasher: Arc<dyn SecretHasher>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            store,
            hasher,
            clock,
        }
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    async fn org(&self, slug: &str) -> Result<Organisation, AppError> {
        self.store
            .org_by_slug(slug)
            .await?
            .ok_or_else(|| Refusal::NoOrganisation(slug.to_owned()).into())
    }

    /// The id of an account by its address, disabled ones included.
    async fn account(&self, email: &str) -> Result<Uuid, AppError> {
        let email = email.trim().to_lowercase();
        Ok(self
            .store
            .user_auth_by_email(&email)
            .await?
            .ok_or(Refusal::NoAccount(email))?
            .id)
    }

    /// Creates an organisation (slug, name and prefix checked by the caller).
    ///
    /// # Errors
    /// A conflict when the slug is taken; a storage error otherwise.
    pub async fn create_org(
        &self,
        new: &NewOrganisation,
        ref_prefix: &str,
    ) -> Result<Organisation, StoreError> {
        self.store
            .create_org(new, Uuid::now_v7(), ref_prefix, self.now())
            .await
    }

    /// Sets how long the organisation's cases are kept once they end (issue 21): years after a
    /// case is closed (1–100) and days after it is found unfounded (1–3650). Audited.
    ///
    /// # Errors
    /// A refusal for periods out of range or an unknown organisation; store failures.
    pub async fn set_retention(
        &self,
        org_slug: &str,
        retention: breachdesk_core::retention::Retention,
    ) -> Result<Organisation, AppError> {
        if !(1..=100).contains(&retention.years) || !(1..=3650).contains(&retention.unfounded_days)
        {
            return Err(Refusal::BadRetention.into());
        }
        let org = self.org(org_slug).await?;
        let e = event(
            Some(org.id),
            "org.retention",
            &format!(
                "cli years={} unfounded_days={}",
                retention.years, retention.unfounded_days
            ),
        );
        self.store
            .set_org_retention(org.id, retention, &e, self.now())
            .await?;
        Ok(Organisation { retention, ..org })
    }

    /// Makes or finds the account and gives it `role` in the organisation directly; a new
    /// account gets a random password to print, which must be replaced at the first sign-in.
    ///
    /// # Errors
    /// When the organisation does not exist or the store fails.
    pub async fn create_user(
        &self,
        org_slug: &str,
        email: &str,
        role: Role,
    ) -> Result<(ConsoleAccount, Organisation), AppError> {
        let org = self.org(org_slug).await?;
        let mut bytes = [0u8; 18];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let password = URL_SAFE_NO_PAD.encode(bytes);
        let hash = {
            let (h, p) = (self.hasher.clone(), password.clone());
            tokio::task::spawn_blocking(move || h.hash(&p)).await?
        };
        let now = self.now();
        let EnsuredUser { id, created } = ensure_account(&*self.store, email, hash, now).await?;
        let grant = event(
            Some(org.id),
            "admin.role_grant",
            &format!("{} user={id}", role.as_str()),
        );
        let held = UserRole {
            user_id: id,
            org_id: org.id,
            role,
        };
        self.store.grant_role(&held, &grant, now).await?;
        if created {
            self.store.require_password_change(id).await?;
        }
        Ok((
            ConsoleAccount {
                id,
                password: created.then_some(password),
            },
            org,
        ))
    }

    /// Disables or enables an account (disabling ends its sessions and revokes its tokens).
    ///
    /// # Errors
    /// When there is no such account or the store fails.
    pub async fn set_disabled(&self, email: &str, disabled: bool) -> Result<(), AppError> {
        let id = self.account(email).await?;
        let action = if disabled {
            "admin.account_disable"
        } else {
            "admin.account_enable"
        };
        let e = event(None, action, &format!("user={id}"));
        self.store
            .set_user_disabled(id, disabled, &e, self.now())
            .await?;
        Ok(())
    }

    /// Takes one role away.
    ///
    /// # Errors
    /// When the organisation, the account or the role does not exist, or the store fails.
    pub async fn remove_role(
        &self,
        org_slug: &str,
        email: &str,
        role: Role,
    ) -> Result<Organisation, AppError> {
        let org = self.org(org_slug).await?;
        let id = self.account(email).await?;
        let e = event(
            Some(org.id),
            "admin.role_remove",
            &format!("{} user={id}", role.as_str()),
        );
        match self
            .store
            .remove_membership(
                &UserRole {
                    user_id: id,
                    org_id: org.id,
                    role,
                },
                &e,
                self.now(),
            )
            .await
        {
            Ok(()) => Ok(org),
            Err(StoreError::NotFound) => Err(Refusal::NoSuchRole {
                email: email.to_owned(),
                role,
                org: org.slug.as_str().to_owned(),
            }
            .into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Resets an account's authenticator: the next sign-in enrols anew.
    ///
    /// # Errors
    /// When there is no such account or the store fails.
    pub async fn reset_second_factor(&self, email: &str) -> Result<(), AppError> {
        let id = self.account(email).await?;
        let e = event(None, "admin.second_factor_reset", &format!("user={id}"));
        self.store.reset_second_factor(id, &e, self.now()).await?;
        Ok(())
    }

    /// Ends every session of an account; returns how many.
    ///
    /// # Errors
    /// When there is no such account or the store fails.
    pub async fn end_sessions(&self, email: &str) -> Result<u64, AppError> {
        let id = self.account(email).await?;
        let e = event(None, "admin.sessions_end", &format!("user={id}"));
        Ok(self.store.end_sessions_of(id, &e, self.now()).await?)
    }

    /// A named API token for an active account, shown once; `expires_days` 0 = never.
    ///
    /// # Errors
    /// When the name or expiry is not acceptable, there is no active account, or the store
    /// fails.
    pub async fn create_token(
        &self,
        email: &str,
        name: &str,
        scope: TokenScope,
        expires_days: i64,
    ) -> Result<String, AppError> {
        if !(0..=3650).contains(&expires_days) {
            return Err(Refusal::BadExpiry.into());
        }
        if name.trim().is_empty()
            || name.chars().count() > 100
            || name.chars().any(char::is_control)
        {
            return Err(Refusal::BadTokenName.into());
        }
        let email = email.trim().to_lowercase();
        let user = self
            .store
            .user_id_by_email(&email)
            .await?
            .ok_or(Refusal::NoActiveAccount(email))?;
        let now = self.now();
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
        self.store.create_api_token(&new, &e).await?;
        Ok(token)
    }

    /// An account's tokens (never the tokens themselves) with their state now.
    ///
    /// # Errors
    /// When there is no such account or the store fails.
    pub async fn tokens(&self, email: &str) -> Result<Vec<ListedToken>, AppError> {
        let id = self.account(email).await?;
        let now = self.now();
        Ok(self
            .store
            .api_tokens(&[id])
            .await?
            .into_iter()
            .map(|t| {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at.is_some_and(|e| e <= now) {
                    "expired"
                } else {
                    "valid"
                };
                ListedToken { info: t, state }
            })
            .collect())
    }

    /// Revokes a token by id.
    ///
    /// # Errors
    /// When there is no valid token with this id or the store fails.
    pub async fn revoke_token(&self, id: Uuid) -> Result<(), AppError> {
        let e = event(None, "token.revoke", &format!("token={id}"));
        match self.store.revoke_token(id, &e, self.now()).await {
            Ok(()) => Ok(()),
            Err(StoreError::NotFound) => Err(Refusal::NoToken(id).into()),
            Err(e) => Err(e.into()),
        }
    }

    /// A case by its id or its reference, among every organisation's cases (the console sees
    /// all; nothing of its content is opened).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn find_case(&self, wanted: &str) -> Result<Option<CaseRecord>, AppError> {
        if let Ok(id) = Uuid::parse_str(wanted)
            && let Some(c) = self.store.case_by_id(id).await?
        {
            return Ok(Some(c));
        }
        for org in self.store.organisations().await? {
            if let Some(c) = self.store.case_by_reference(org.id, wanted).await? {
                return Ok(Some(c));
            }
        }
        Ok(None)
    }

    /// The whole audit trail checked link by link: how many entries, the last one, and every
    /// break (an entry edited, deleted or reordered).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn verify_audit(&self) -> Result<AuditCheck, AppError> {
        let trail = self.store.audit_trail(None).await?;
        Ok(AuditCheck {
            entries: trail.len(),
            problems: audit::verify(&trail),
            head: trail.last().map(|r| (r.seq, r.hash)),
        })
    }
}
