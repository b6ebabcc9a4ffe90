//! Why a use case did not succeed, in terms an adapter maps to its own (HTTP statuses, exit
//! codes). One error for every use case: what the actor may not do, what the input breaks,
//! which rule of the store or of the domain refused it, and what failed underneath.

use breachdesk_core::errors::FieldErrors;
use breachdesk_core::grant::DecisionRefused;
use breachdesk_core::ports::{Conflict, CryptoError, StoreError};
use breachdesk_core::user::Role;
use breachdesk_core::workflow::TransitionError;
use uuid::Uuid;

/// Why a use case did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// The actor may see the thing but not do this to it.
    #[error("not permitted")]
    Forbidden,
    /// The input breaks the form's rules; each field says why.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// The case's workflow does not allow this step.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A rule of the product refused the request (a grant decision, letters not approved, an
    /// unknown name given at the console).
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error("too many requests")]
    RateLimited,
    #[error("receipt code not valid")]
    ReceiptInvalid,
    #[error("this address must wait after too many wrong receipt codes")]
    ReceiptLocked,
    /// A rule of the store was broken (a slug or an address taken, a case changed meanwhile:
    /// [`Conflict::CaseStatus`], letters already queued: [`Conflict::LettersAlreadyQueued`]).
    #[error("conflict: {0}")]
    Conflict(Conflict),
    #[error("storage: {0}")]
    Store(StoreError),
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
    #[error("stored data could not be opened")]
    Crypto(#[from] CryptoError),
    #[error("rendering a document (letters, an export) failed")]
    Render,
}

impl AppError {
    /// Someone else changed the case since the page was loaded.
    #[must_use]
    pub fn is_stale(&self) -> bool {
        matches!(self, Self::Conflict(Conflict::CaseStatus))
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Conflict(c) => Self::Conflict(c),
            e @ StoreError::Other(_) => Self::Store(e),
        }
    }
}

impl From<DecisionRefused> for AppError {
    fn from(e: DecisionRefused) -> Self {
        Self::Refused(Refusal::Grant(e))
    }
}

/// The product's own rules that refuse a request, each saying what to do instead.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// A role request may not be decided by this actor.
    #[error(transparent)]
    Grant(DecisionRefused),
    #[error("no approved version of the letter to the data subjects")]
    LettersNotApproved,
    #[error("no [smtp] in the configuration: letters cannot be sent")]
    NoSmtp,
    #[error("another delivery run holds this case (until its lease runs out)")]
    DeliveryBusy,
    #[error("no organisation with slug {0}")]
    NoOrganisation(String),
    #[error("no account with e-mail {0}")]
    NoAccount(String),
    #[error("no active user with e-mail {0}")]
    NoActiveAccount(String),
    #[error("{email} has no role {role} in {org}")]
    NoSuchRole {
        email: String,
        role: Role,
        org: String,
    },
    #[error("no valid token with id {0}")]
    NoToken(Uuid),
    #[error("--expires-days must be from 0 (never) to 3650")]
    BadExpiry,
    #[error("--name must be one line of 1 to 100 characters")]
    BadTokenName,
    #[error("--years must be from 1 to 100 and --unfounded-days from 1 to 3650")]
    BadRetention,
    /// The organisation's last DPO or last administrator would lose the role (removed, moved
    /// or disabled): someone else must hold it first.
    #[error("the organisation's last {0} keeps the role: give it to someone else first")]
    LastOfRole(Role),
    /// An account is moved only between two different organisations the actor administers,
    /// and only when it has a role in the first.
    #[error("the account has no role to move from that organisation")]
    NothingToMove,
    /// A public notice's version is not published: parts are blank or in another language than
    /// their version's (each named), or it is already approved (no problems listed).
    #[error("the version cannot be published as it stands")]
    NoticeNotReady(Vec<crate::public_notice::NoticeProblem>),
    /// A version of the notification to the authority is not approved: the template finds
    /// these problems (each with its field), or it is already approved (none listed).
    #[error("the notification cannot be approved as it stands")]
    NotificationNotReady(Vec<breachdesk_notify::edpb::Problem>),
    /// The old register's file was refused whole; each problem names its line and column.
    #[error("the file was refused, nothing was imported:\n{}", .0.join("\n"))]
    ImportRefused(Vec<String>),
}
