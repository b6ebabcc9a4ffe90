//! Tokens: the operator's tokens and the API tokens, kept as digests only.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::AuditEvent;
use crate::user::{Principal, TokenScope};

/// An API token to store: only the digest of the token is kept.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: Vec<u8>,
    /// The owner's name for it ("reporting script").
    pub name: String,
    pub scope: TokenScope,
    pub created_at: Timestamp,
    /// `None`: never expires (only the command line makes such tokens).
    pub expires_at: Option<Timestamp>,
}

/// An API token as listed to its owner and administrators (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenInfo {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// Who holds a valid token, and what it may do.
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub principal: Principal,
    pub scope: TokenScope,
}

/// Tokens: the operator's tokens and the API tokens, kept as digests only.
#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn create_token(
        &self,
        id: Uuid,
        user_id: Uuid,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The principal of a token that is neither revoked nor expired at `now`, with its scope.
    async fn principal_by_token(
        &self,
        token_hash: &[u8],
        now: Timestamp,
    ) -> Result<Option<TokenHolder>, StoreError>;
    async fn create_api_token(
        &self,
        token: &NewApiToken,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// The tokens of these users, newest first.
    async fn api_tokens(&self, user_ids: &[Uuid]) -> Result<Vec<ApiTokenInfo>, StoreError>;
    /// Revokes one token (`NotFound` if unknown or revoked already).
    async fn revoke_token(
        &self,
        id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
}
