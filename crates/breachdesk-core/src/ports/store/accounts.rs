//! Accounts: users, passwords, the second factor and the lock-out of sign-in.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::AuditEvent;
use crate::report::Language;
use crate::user::Principal;

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub created_at: Timestamp,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct UserAuth {
    pub id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub password_hash: String,
    pub installation_admin: bool,
    /// Sealed with the master key (AAD `users.totp_secret/<id>`).
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub failed_logins: i64,
    pub locked_until: Option<Timestamp>,
    pub disabled: bool,
    pub language: Language,
    /// The password was handed out by the operator: its owner replaces it before signing in.
    pub password_change_required: bool,
}

/// The account [`AccountStore::ensure_user`] found or made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnsuredUser {
    pub id: Uuid,
    /// `false`: an account with this e-mail address existed already.
    pub created: bool,
}

/// One unused recovery code, as its Argon2 PHC string.
#[derive(Debug, Clone)]
pub struct RecoveryCode {
    /// Its row, to mark it used ([`AccountStore::use_recovery_code`]).
    pub row: i64,
    pub phc: String,
}

/// Accounts: users, passwords, the second factor and the lock-out of sign-in.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates the user, or finds the existing one if the e-mail is known.
    async fn ensure_user(&self, user: &NewUser) -> Result<EnsuredUser, StoreError>;
    async fn user_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError>;
    async fn count_users(&self) -> Result<i64, StoreError>;
    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>, StoreError>;
    async fn user_auth_by_id(&self, id: Uuid) -> Result<Option<UserAuth>, StoreError>;
    async fn principal_by_user(&self, user_id: Uuid) -> Result<Option<Principal>, StoreError>;
    async fn set_installation_admin(&self, user_id: Uuid) -> Result<(), StoreError>;
    /// Sets the password; a required change is then done.
    async fn set_password(&self, user_id: Uuid, phc: &str) -> Result<(), StoreError>;
    /// The owner must replace the password at the next sign-in.
    async fn require_password_change(&self, user_id: Uuid) -> Result<(), StoreError>;
    async fn set_display_name(&self, user_id: Uuid, name: &str) -> Result<(), StoreError>;
    /// The language the desk and the account's mail use.
    async fn set_preferred_language(
        &self,
        user_id: Uuid,
        language: Language,
    ) -> Result<(), StoreError>;
    /// Reserves one sign-in attempt (password or second factor) *before* it is verified, counting
    /// it as a failure: atomically, `false` while the account is locked at `now`; otherwise the
    /// attempt is counted, the account locked until `lock_until` when this is the `max`-th, and
    /// `true`. So concurrent attempts cannot outrun the count (issue 17): at most `max` are
    /// verified per lock-out window.
    async fn reserve_login_attempt(
        &self,
        user_id: Uuid,
        max: i64,
        lock_until: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Gives back a reserved attempt that turned out right.
    async fn release_login_attempt(&self, user_id: Uuid) -> Result<(), StoreError>;
    async fn reset_login_failures(&self, user_id: Uuid) -> Result<(), StoreError>;
    /// Stores the sealed TOTP secret and replaces the recovery codes (Argon2 PHC strings).
    async fn enrol_totp(
        &self,
        user_id: Uuid,
        sealed_secret: &[u8],
        recovery_hashes: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Accepts a TOTP time step only if it is newer than the last one accepted.
    async fn accept_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool, StoreError>;
    /// The unused recovery codes.
    async fn recovery_codes(&self, user_id: Uuid) -> Result<Vec<RecoveryCode>, StoreError>;
    /// Marks a recovery code used; `false` if it already was.
    async fn use_recovery_code(&self, row: i64, now: Timestamp) -> Result<bool, StoreError>;
    /// Disables an account (its sessions end, its tokens are revoked) or enables it again.
    async fn set_user_disabled(
        &self,
        user_id: Uuid,
        disabled: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Disables an account as [`Self::set_user_disabled`] does, refused with
    /// `Conflict::LastHolder` when it is the last active DPO or administrator of one of its
    /// organisations (checked in the same transaction, serialised per organisation).
    async fn disable_user_keeping_last(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Forgets the second factor and the recovery codes and ends the sessions: the next
    /// sign-in enrols anew.
    async fn reset_second_factor(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
}
