//! The persistence port, one trait per aggregate, each in its own file with its record types:
//! organisations, accounts, access (memberships and role requests), tokens, sessions, intake,
//! mailbox intake's messages,
//! cases (and their investigation record), retention (holds and destruction), notices (an organisation's wording), outbox (letters
//! to data subjects), audit, and the attempt counters. [`Store`] is all of them together with the
//! health of the database (and hands out the [`Counters`]); an adapter implements each aggregate in its own `impl` block.
//! Parameters and results are named types ([`UserRole`], [`TokenHolder`], [`MessageOutcome`] …),
//! never tuples, and a broken rule is a typed [`Conflict`].
//!
//! Every method is atomic. Every write is durable on return — it survives a killed process and a
//! power cut — unless its documentation says otherwise ([`OutboxStore::claim_messages`],
//! [`OutboxStore::finish_messages`]). Both backends (`SQLite`, `PostgreSQL`) keep these promises
//! and run the same conformance suite (`crates/breachdesk-store/tests`).

mod access;
mod accounts;
mod audit;
mod cases;
mod counters;
mod intake;
mod mail;
mod notices;
mod organisations;
mod outbox;
mod retention;
mod sessions;
mod tokens;

use std::fmt;

use async_trait::async_trait;
use jiff::Timestamp;

pub use access::{AccessStore, Member, UserRole};
pub use accounts::{AccountStore, EnsuredUser, NewUser, RecoveryCode, UserAuth};
pub use audit::AuditStore;
pub use cases::{
    CaseChange, CaseEntryRecord, CaseFilter, CaseRecord, CaseStore, ImportedCase, NewAttachment,
    NewCaseEntry, NewShare, Page, ReportRecord,
};
pub use counters::{CounterKey, Counters};
pub use intake::{IntakeStore, NewCase, NewReport, NewSupplement, ReceiptRecord, SupplementRecord};
pub use mail::{MailRecord, MailStore, MailStored, MailTarget, NewMail};
pub use notices::{NoticeStore, OrgTemplate};
pub use organisations::OrganisationStore;
pub use outbox::{
    Bounce, DeliveryOutcome, FailedMessage, MessageOutcome, NewOutboxMessage, NewRecipient,
    OutboxCounts, OutboxMessage, OutboxStore, RecipientCounts, RecipientRecord,
};
pub use retention::{DeletionRequest, Destruction, Hold, RetentionStore};
pub use sessions::{SessionRecord, SessionStage, SessionStore, SetupLinkFor, SetupPurpose};
pub use tokens::{ApiTokenInfo, NewApiToken, TokenHolder, TokenStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A rule of the store was violated; it names the rule, never the value.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

/// The rules a write can break, each backends maps its own errors to (a unique constraint, a
/// guarded update that found the row changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// An organisation with this slug exists.
    OrganisationSlug,
    /// An account with this e-mail address exists.
    UserEmail,
    /// A report with this receipt locator exists (draw another).
    ReceiptLocator,
    /// A case with this reference exists.
    CaseReference,
    /// A token with this digest exists.
    Token,
    /// The account already has this membership.
    Membership,
    /// A request of this role for this account is already waiting.
    RoleRequest,
    /// The case's status changed since it was read.
    CaseStatus,
    /// Letters have already been queued: recipients can be added, not replaced.
    LettersAlreadyQueued,
    /// The case is under a legal hold: nothing of it may be deleted.
    Held,
    /// The report is the case's only one: it goes only with the whole case.
    LastReport,
    /// The change would leave an organisation without an active holder of a role it cannot be
    /// without (its DPO, its administrator).
    LastHolder(crate::user::Role),
    /// Another uniqueness rule.
    Unique,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::OrganisationSlug => "organisation slug",
            Self::UserEmail => "user email",
            Self::ReceiptLocator => "receipt locator",
            Self::CaseReference => "case reference",
            Self::Token => "token",
            Self::Membership => "membership",
            Self::RoleRequest => "role request",
            Self::CaseStatus => "case status",
            Self::LettersAlreadyQueued => {
                "letters already queued: recipients can be added but not replaced"
            }
            Self::Held => "the case is under a legal hold",
            Self::LastReport => "the case's only report goes only with the whole case",
            Self::LastHolder(_) => "last holder of a role",
            Self::Unique => "unique",
        })
    }
}

/// The whole persistence port: every aggregate, and the database's health.
#[async_trait]
pub trait Store:
    OrganisationStore
    + AccountStore
    + AccessStore
    + TokenStore
    + SessionStore
    + IntakeStore
    + MailStore
    + CaseStore
    + NoticeStore
    + OutboxStore
    + RetentionStore
    + AuditStore
    + fmt::Debug
{
    /// The attempt counters of this installation ([`Counters`]): shared by every server that
    /// shares the database.
    fn counters(&self) -> std::sync::Arc<dyn Counters>;
    /// Does the database answer?
    async fn ping(&self) -> Result<(), StoreError>;
    /// Can the writer commit durably right now? One small write, committed as a report would be
    /// (fsynced); a success clears [`Store::writer_fault`].
    async fn ping_writer(&self, now: Timestamp) -> Result<(), StoreError>;
    /// The writer's last storage fault (disk full, I/O error, read-only, locked) as a fixed
    /// phrase, if no write has committed since.
    fn writer_fault(&self) -> Option<String>;
}
