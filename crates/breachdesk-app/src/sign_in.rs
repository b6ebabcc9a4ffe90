//! Signing in, the password step (moved from the web crate, issue 19): the attempt is counted
//! against the account before the password is verified, so that concurrent attempts cannot
//! outrun the lock-out (issue 17); unknown, disabled and locked accounts cost the same Argon2
//! verification, so that timing tells nothing; an operator-printed password must be replaced
//! first. The second step is `second_factor.rs`.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{SecretHasher, SessionRecord, SessionStage, SetupPurpose};
use jiff::SignedDuration;
use uuid::Uuid;

use crate::sessions::new_token;
use crate::{App, AppError};

/// How long the first administrator's setup link stays valid.
pub const FIRST_ADMIN_LINK_VALID: SignedDuration = SignedDuration::from_hours(24);
/// How long the link to replace an operator-printed password stays valid.
const PASSWORD_CHANGE_LINK_VALID: SignedDuration = SignedDuration::from_mins(15);

/// How sign-in treats wrong passwords and codes.
#[derive(Debug, Clone, Copy)]
pub struct LockOut {
    /// Wrong passwords or codes for one account before it is locked.
    pub max_failures: i64,
    /// How long an account stays locked after too many failures.
    pub duration: SignedDuration,
}

impl Default for LockOut {
    fn default() -> Self {
        Self {
            max_failures: 5,
            duration: SignedDuration::from_mins(15),
        }
    }
}

/// What the password step leads to.
#[derive(Debug)]
pub enum PasswordStep {
    /// Wrong password, unknown, disabled or locked account: all look alike.
    Refused,
    /// The password was printed by an operator: a one-time link (token) to choose one.
    ChangePassword { token: String },
    /// A session at `stage` (the code, or enrolling an authenticator) with its token.
    Next { stage: SessionStage, token: String },
}

impl App {
    /// Writes an audit entry about an account; a failure is logged, not returned (the action it
    /// records has happened).
    pub async fn audit_account(&self, actor: Option<Uuid>, action: &'static str, detail: &str) {
        let event = AuditEvent {
            actor,
            org_id: None,
            case_id: None,
            action,
            detail: detail.to_owned(),
        };
        if let Err(e) = self.0.store.append_audit(&[event], self.now()).await {
            tracing::error!(error = %e, action, "audit entry failed");
        }
    }

    /// On an installation without accounts: a one-time link (token) for the first
    /// administrator, valid for a day. `None` once any account exists.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn first_admin_setup_token(&self) -> Result<Option<String>, AppError> {
        if self.0.store.count_users().await? > 0 {
            return Ok(None);
        }
        let (token, digest) = new_token();
        let now = self.now();
        self.0
            .store
            .create_setup_token(
                &digest,
                None,
                SetupPurpose::FirstAdmin,
                now,
                now + FIRST_ADMIN_LINK_VALID,
            )
            .await?;
        Ok(Some(token))
    }

    /// Hashes a secret on a blocking thread.
    ///
    /// # Errors
    /// When the blocking task fails.
    pub async fn hash_secret(&self, secret: String) -> Result<String, AppError> {
        let inner = self.0.clone();
        Ok(tokio::task::spawn_blocking(move || inner.hasher.hash(&secret)).await?)
    }

    /// Verifies a secret against a PHC string on a blocking thread.
    ///
    /// # Errors
    /// When the blocking task fails.
    pub async fn verify_secret(&self, secret: String, phc: String) -> Result<bool, AppError> {
        let inner = self.0.clone();
        Ok(tokio::task::spawn_blocking(move || inner.hasher.verify(&secret, &phc)).await?)
    }

    /// Reserves an attempt against the account before it is verified; `false` when the
    /// account is locked (see `Store::reserve_login_attempt`).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn reserve_login_attempt(&self, user_id: Uuid) -> Result<bool, AppError> {
        let lock = self.0.lock_out;
        let now = self.now();
        Ok(self
            .0
            .store
            .reserve_login_attempt(user_id, lock.max_failures, now + lock.duration, now)
            .await?)
    }

    /// The password step of signing in.
    ///
    /// # Errors
    /// When the store or the hashing thread fails.
    pub async fn sign_in_password(
        &self,
        email: &str,
        password: String,
    ) -> Result<PasswordStep, AppError> {
        let email = email.trim().to_lowercase();
        let user = self.0.store.user_auth_by_email(&email).await?;
        let reserved = match &user {
            Some(u) if !u.disabled => self.reserve_login_attempt(u.id).await?,
            _ => false,
        };
        let hash = user.as_ref().map_or_else(
            || self.dummy_password_hash().to_owned(),
            |u| u.password_hash.clone(),
        );
        let ok = self.verify_secret(password, hash).await?;
        let Some(user) = user else {
            return Ok(PasswordStep::Refused);
        };
        if !ok || !reserved || user.disabled {
            if !ok && reserved {
                self.audit_account(Some(user.id), "auth.failed", "password")
                    .await;
            }
            tracing::warn!(user_id = %user.id, locked = !reserved, "sign-in refused");
            return Ok(PasswordStep::Refused);
        }
        self.0.store.release_login_attempt(user.id).await?;
        if user.password_change_required {
            // A password printed on the operator's console is replaced before anything else
            // (issue 17): a one-time link of the account's own, valid briefly, to choose one.
            let (token, digest) = new_token();
            let now = self.now();
            self.0
                .store
                .create_setup_token(
                    &digest,
                    Some(user.id),
                    SetupPurpose::Account,
                    now,
                    now + PASSWORD_CHANGE_LINK_VALID,
                )
                .await?;
            self.audit_account(Some(user.id), "auth.password_change_required", "")
                .await;
            return Ok(PasswordStep::ChangePassword { token });
        }
        let stage = if user.totp_secret.is_some() {
            SessionStage::Password
        } else {
            SessionStage::Enrol
        };
        let token = self.start_session(user.id, stage).await?;
        Ok(PasswordStep::Next { stage, token })
    }

    /// The second step is done: the half-signed-in session ends and a new, fully signed-in one
    /// begins; returns its token.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn promote_session(
        &self,
        pending: &SessionRecord,
        how: &str,
    ) -> Result<String, AppError> {
        self.end_session(pending).await?;
        self.0.store.reset_login_failures(pending.user_id).await?;
        let token = self
            .start_session(pending.user_id, SessionStage::Full)
            .await?;
        self.audit_account(Some(pending.user_id), "auth.sign_in", how)
            .await;
        tracing::info!(user_id = %pending.user_id, how, "signed in");
        Ok(token)
    }

    /// Makes the hash unknown accounts' passwords are verified against now, so that the first
    /// sign-in with an unknown address does not take longer than others (call before serving).
    pub fn prepare_sign_in(&self) {
        let _ = self.dummy_password_hash();
    }

    /// The hash unknown accounts' passwords are verified against.
    pub(crate) fn dummy_password_hash(&self) -> &str {
        self.0
            .dummy_password_hash
            .get_or_init(|| self.0.hasher.hash("not a password of anyone at all"))
    }
}
