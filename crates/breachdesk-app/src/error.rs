//! Why a use case did not succeed, in terms an adapter maps to its own (HTTP statuses, exit
//! codes).

use breachdesk_core::ports::StoreError;

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
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
    #[error("stored data could not be opened")]
    Crypto(#[from] breachdesk_core::ports::CryptoError),
}
