//! The second step of signing in and the one-time setup links (moved from the web crate, issue
//! 19): authenticator codes (RFC 6238; each time step accepted once per account), one-time
//! recovery codes, enrolling an authenticator, and setting a password through a link (the first
//! administrator's, or a new account's). The pages that show the QR code and the forms stay in
//! `breachdesk-web` (`desk/auth.rs`).

use breachdesk_core::ports::{
    Aad, EnsuredUser, RecoveryCode, SessionRecord, SetupLinkFor, SetupPurpose, UserAuth,
};
use breachdesk_core::report::Language;
use breachdesk_crypto::TotpSecret;
use uuid::Uuid;

use crate::{App, AppError};

/// Where an account's authenticator secret is sealed (under the master key).
#[must_use]
pub fn totp_aad(user: Uuid) -> Aad {
    Aad {
        table: "users",
        column: "totp_secret",
        row: user,
    }
}

/// Where a secret offered for enrolment travels sealed (in the enrolment form, and back).
fn pending_aad(user: Uuid) -> Aad {
    Aad {
        table: "users",
        column: "totp_pending",
        row: user,
    }
}

/// What a setup link is for, and whose account it sets up (none: the first administrator's,
/// made by the link).
#[derive(Debug, Clone)]
pub struct SetupLink {
    pub purpose: SetupPurpose,
    pub user: Option<UserAuth>,
}

/// A password set through a setup link.
#[derive(Debug)]
pub struct NewPassword<'a> {
    /// The first administrator's address (ignored for an existing account).
    pub email: &'a str,
    /// A display name, if given.
    pub name: &'a str,
    /// The new password's Argon2 hash.
    pub password_hash: String,
    /// The language the owner set the account up in: the desk and the account's mail keep it.
    pub language: Language,
}

impl App {
    /// Seals an authenticator secret offered for enrolment, so that the form can carry it: it
    /// opens only for this account and only under this installation's master key.
    #[must_use]
    pub fn seal_offered_secret(&self, user: Uuid, secret: &TotpSecret) -> Vec<u8> {
        self.0
            .keyring
            .seal_secret(&pending_aad(user), secret.as_bytes())
    }

    /// Opens what [`App::seal_offered_secret`] sealed for this account.
    #[must_use]
    pub fn open_offered_secret(&self, user: Uuid, sealed: &[u8]) -> Option<TotpSecret> {
        let plain = self
            .0
            .keyring
            .open_secret(&pending_aad(user), sealed)
            .ok()?;
        TotpSecret::from_bytes(&plain).ok()
    }

    /// Checks a code of the second step: a TOTP code (each time step accepted once) or an
    /// unused recovery code (then used up). Returns how, or `None` when it is not valid.
    ///
    /// # Errors
    /// When the store fails or the sealed secret does not open.
    pub async fn check_second_factor(
        &self,
        user: &UserAuth,
        typed: &str,
    ) -> Result<Option<&'static str>, AppError> {
        let store = &self.0.store;
        if typed.len() == 6 && typed.bytes().all(|b| b.is_ascii_digit()) {
            let Some(sealed) = &user.totp_secret else {
                return Ok(None);
            };
            let plain = self.0.keyring.open_secret(&totp_aad(user.id), sealed)?;
            let secret = TotpSecret::from_bytes(&plain)
                .map_err(|_| breachdesk_core::ports::CryptoError::Malformed)?;
            let unix = u64::try_from(self.now().as_second()).unwrap_or(0);
            if let Some(step) = secret.matching_step(typed, unix)
                && store.accept_totp_step(user.id, step).await?
            {
                return Ok(Some("totp"));
            }
            return Ok(None);
        }
        if looks_like_recovery_code(typed) {
            for RecoveryCode { row, phc } in store.recovery_codes(user.id).await? {
                if self.verify_secret(typed.to_owned(), phc).await?
                    && store.use_recovery_code(row, self.now()).await?
                {
                    return Ok(Some("recovery_code"));
                }
            }
        }
        Ok(None)
    }

    /// Enrols an authenticator whose code (time step `step`) the person just typed, with the
    /// hashes of their new recovery codes, and promotes the session; returns the new token.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn enrol_second_factor(
        &self,
        pending: &SessionRecord,
        secret: &TotpSecret,
        step: i64,
        recovery_hashes: &[String],
    ) -> Result<String, AppError> {
        let user = pending.user_id;
        let sealed = self
            .0
            .keyring
            .seal_secret(&totp_aad(user), secret.as_bytes());
        let store = &self.0.store;
        store
            .enrol_totp(user, &sealed, recovery_hashes, self.now())
            .await?;
        store.accept_totp_step(user, step).await?;
        self.audit_account(Some(user), "auth.totp_enrolled", "")
            .await;
        self.promote_session(pending, "totp_enrolment").await
    }

    /// What a setup link (token) is for, while it is valid.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn setup_link(&self, token: &str) -> Result<Option<SetupLink>, AppError> {
        let digest = breachdesk_crypto::token_digest(token);
        let now = self.now();
        for purpose in [SetupPurpose::FirstAdmin, SetupPurpose::Account] {
            if let Some(user) = self.0.store.peek_setup_token(&digest, purpose, now).await? {
                let user = match user {
                    SetupLinkFor::User(id) => match self.0.store.user_auth_by_id(id).await? {
                        Some(u) => Some(u),
                        None => return Ok(None),
                    },
                    SetupLinkFor::FirstAdministrator => None,
                };
                return Ok(Some(SetupLink { purpose, user }));
            }
        }
        Ok(None)
    }

    /// Uses a setup link: sets the account's password (or creates the first administrator) and
    /// its name. The link is claimed first, so it works once even when two people race for it.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when the link is used up or the address is taken; a storage
    /// error otherwise.
    pub async fn complete_setup(
        &self,
        token: &str,
        link: &SetupLink,
        new: NewPassword<'_>,
    ) -> Result<Uuid, AppError> {
        // The link is looked up again rather than trusted as passed: its purpose and account
        // decide whether an installation administrator is made.
        let fresh = self.setup_link(token).await?.ok_or(AppError::NotFound)?;
        if fresh.purpose != link.purpose
            || fresh.user.as_ref().map(|u| u.id) != link.user.as_ref().map(|u| u.id)
        {
            return Err(AppError::NotFound);
        }
        let link = &fresh;
        let store = &self.0.store;
        let now = self.now();
        let digest = breachdesk_crypto::token_digest(token);
        if !store.take_setup_token(&digest, now).await? {
            return Err(AppError::NotFound);
        }
        let id = if let Some(u) = &link.user {
            store.set_password(u.id, &new.password_hash).await?;
            store.reset_login_failures(u.id).await?;
            u.id
        } else {
            let EnsuredUser { id, created } = store
                .ensure_user(&breachdesk_core::ports::NewUser {
                    id: Uuid::now_v7(),
                    email: new.email.to_owned(),
                    password_hash: new.password_hash,
                    created_at: now,
                })
                .await?;
            if !created {
                return Err(AppError::NotFound);
            }
            store.set_installation_admin(id).await?;
            id
        };
        if !new.name.is_empty() {
            store.set_display_name(id, new.name).await?;
        }
        store.set_preferred_language(id, new.language).await?;
        let first_admin = link.purpose == SetupPurpose::FirstAdmin;
        self.audit_account(
            Some(id),
            "account.setup",
            if first_admin {
                "first_admin"
            } else {
                "account"
            },
        )
        .await;
        tracing::info!(user_id = %id, first_admin, "account set up");
        Ok(id)
    }
}

/// A recovery code as issued: three groups of four lower-case base32 letters and digits.
#[must_use]
pub fn looks_like_recovery_code(s: &str) -> bool {
    s.len() == 14
        && s.split('-').count() == 3
        && s.bytes()
            .all(|b| b == b'-' || b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}
