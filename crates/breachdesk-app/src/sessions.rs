//! Handler sessions (moved from the web crate, issue 19): a random token the adapter keeps in a
//! cookie; the store keeps only its SHA-256 digest. A session ends after `idle` without use or
//! `absolute` after sign-in, on sign-out, and whenever it is promoted (a new token is issued once
//! the second factor is in, so a token seen before sign-in is worth nothing after). Sessions are
//! rows, so every server of an installation knows them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use breachdesk_core::ports::{SessionRecord, SessionStage, UserAuth};
use breachdesk_core::user::Principal;
use jiff::SignedDuration;
use rand::RngCore;
use uuid::Uuid;

use crate::{App, AppError};

/// How long sessions live.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// A session unused this long ends.
    pub idle: SignedDuration,
    /// A session ends this long after sign-in, however busy.
    pub absolute: SignedDuration,
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle: SignedDuration::from_mins(30),
            absolute: SignedDuration::from_hours(12),
        }
    }
}

/// A fresh random token (43 characters) and its digest for the store.
#[must_use]
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let digest = breachdesk_crypto::token_digest(&token);
    (token, digest)
}

/// A signed-in handler: the account, what it may do, and its session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: UserAuth,
    pub principal: Principal,
    pub session: SessionRecord,
}

impl App {
    /// Starts a session at `stage` for the user; returns the token for the cookie.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn start_session(
        &self,
        user_id: Uuid,
        stage: SessionStage,
    ) -> Result<String, AppError> {
        let (token, digest) = new_token();
        let (csrf, _) = new_token();
        let now = self.now();
        self.0
            .store
            .create_session(&SessionRecord {
                id_hash: digest,
                user_id,
                stage,
                csrf_token: csrf,
                created_at: now,
                last_seen_at: now,
                ended: false,
            })
            .await?;
        Ok(token)
    }

    /// The live session of a token, if any: ended, idle or too old sessions are ended and
    /// count as none.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn session(&self, token: &str) -> Result<Option<SessionRecord>, AppError> {
        let digest = breachdesk_crypto::token_digest(token);
        let Some(session) = self.0.store.session(&digest).await? else {
            return Ok(None);
        };
        if session.ended {
            return Ok(None);
        }
        let now = self.now();
        let limits = self.0.sessions;
        let idle = now.duration_since(session.last_seen_at) > limits.idle;
        let too_old = now.duration_since(session.created_at) > limits.absolute;
        if idle || too_old {
            self.0.store.end_session(&digest, now).await?;
            tracing::info!(user_id = %session.user_id, idle, too_old, "session expired");
            return Ok(None);
        }
        Ok(Some(session))
    }

    /// Ends a session (sign-out, or promotion to a new token).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn end_session(&self, session: &SessionRecord) -> Result<(), AppError> {
        self.0
            .store
            .end_session(&session.id_hash, self.now())
            .await?;
        Ok(())
    }

    /// The handler behind a full session, the session marked as used; `None` (and the session
    /// ended) when the account is gone or disabled, or the session is not past the second
    /// factor.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn signed_in(&self, session: SessionRecord) -> Result<Option<SignedIn>, AppError> {
        if session.stage != SessionStage::Full {
            return Ok(None);
        }
        let store = &self.0.store;
        let Some(user) = store
            .user_auth_by_id(session.user_id)
            .await?
            .filter(|u| !u.disabled)
        else {
            self.end_session(&session).await?;
            return Ok(None);
        };
        store
            .touch_session(&session.id_hash, SessionStage::Full, self.now())
            .await?;
        let principal = store
            .principal_by_user(user.id)
            .await?
            .unwrap_or(Principal {
                user_id: user.id,
                memberships: Vec::new(),
            });
        Ok(Some(SignedIn {
            user,
            principal,
            session,
        }))
    }

    /// The account behind a session between the password and the second factor; `None` when
    /// the account is gone or disabled.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn pending_user(
        &self,
        session: &SessionRecord,
    ) -> Result<Option<UserAuth>, AppError> {
        Ok(self
            .0
            .store
            .user_auth_by_id(session.user_id)
            .await?
            .filter(|u| !u.disabled))
    }
}
