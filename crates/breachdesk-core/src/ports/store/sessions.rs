//! Sessions of the desk and the one-time setup links.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::AuditEvent;

/// How far a session has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; the second factor is still to come.
    Password,
    /// The password was right and the account has no second factor yet: enrolment only.
    Enrol,
    /// Signed in.
    Full,
}

impl SessionStage {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::Enrol => "enrol",
            Self::Full => "full",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Password, Self::Enrol, Self::Full]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id_hash: Vec<u8>,
    pub user_id: Uuid,
    pub stage: SessionStage,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub ended: bool,
}

/// What a one-time setup link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupPurpose {
    /// The first administrator of an empty installation.
    FirstAdmin,
    /// A new account sets its password.
    Account,
}

impl SetupPurpose {
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::FirstAdmin => "first_admin",
            Self::Account => "account",
        }
    }
}

/// Whom a valid setup link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupLinkFor {
    /// The first administrator of an empty installation (no account exists yet).
    FirstAdministrator,
    /// This account.
    User(Uuid),
}

/// Sessions of the desk and the one-time setup links.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_setup_token(
        &self,
        token_hash: &[u8],
        user_id: Option<Uuid>,
        purpose: SetupPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError>;
    /// Whom the link is for, if it is valid and unused.
    async fn peek_setup_token(
        &self,
        token_hash: &[u8],
        purpose: SetupPurpose,
        now: Timestamp,
    ) -> Result<Option<SetupLinkFor>, StoreError>;
    /// Marks the link used; `false` if it already was or has expired.
    async fn take_setup_token(&self, token_hash: &[u8], now: Timestamp)
    -> Result<bool, StoreError>;
    async fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    async fn session(&self, id_hash: &[u8]) -> Result<Option<SessionRecord>, StoreError>;
    async fn touch_session(
        &self,
        id_hash: &[u8],
        stage: SessionStage,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn end_session(&self, id_hash: &[u8], now: Timestamp) -> Result<(), StoreError>;
    /// Ends every session of a user; how many were open.
    async fn end_sessions_of(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<u64, StoreError>;
}
