//! Why a use case did not succeed, in terms an adapter maps to its own (HTTP statuses, exit
//! codes).

use breachdesk_core::ports::{Conflict, StoreError};

/// Why a use case did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("too many requests")]
    RateLimited,
    #[error("receipt code not valid")]
    ReceiptInvalid,
    #[error("this address must wait after too many wrong receipt codes")]
    ReceiptLocked,
    /// A rule of the store was broken (a slug or an address taken, a case changed meanwhile).
    #[error("conflict: {0}")]
    Conflict(Conflict),
    #[error("storage: {0}")]
    Store(StoreError),
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
    #[error("stored data could not be opened")]
    Crypto(#[from] breachdesk_core::ports::CryptoError),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(c) => Self::Conflict(c),
            e => Self::Store(e),
        }
    }
}
