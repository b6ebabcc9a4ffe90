//! Ports: what the domain needs from the outside world, as traits the adapters implement.

use std::fmt;

use async_trait::async_trait;
use uuid::Uuid;

// ---------------------------------------------------------------------------------------------
// Encryption

/// Associated data of one sealed value: binds a ciphertext to the table, column and row it was
/// written for, so that a ciphertext copied into another row or column no longer opens.
#[derive(Debug, Clone, Copy)]
pub struct Aad {
    pub table: &'static str,
    pub column: &'static str,
    pub row: Uuid,
}

impl Aad {
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        format!("breachdesk/v1|{}|{}|{}", self.table, self.column, self.row).into_bytes()
    }
}

/// A case data key as stored: encrypted under the master key. Useless without it.
#[derive(Clone, PartialEq, Eq)]
pub struct WrappedKey(pub Vec<u8>);

impl fmt::Debug for WrappedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WrappedKey({} bytes)", self.0.len())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The ciphertext does not open with this key and associated data: tampered, moved or the
    /// case key has been destroyed.
    #[error("ciphertext failed authentication")]
    Authentication,
    #[error("sealed value is malformed")]
    Malformed,
    /// The case's key was destroyed (crypto-shredding): no copy of its data opens any more.
    #[error("the case's key has been destroyed")]
    Destroyed,
    /// The key vault has no key for the case and no record of destroying it: the vault is
    /// not the installation's, or a file of it was lost (restore the vault copy).
    #[error("the key vault holds no key for this case")]
    KeyMissing,
    /// The key vault could not be read or written (the kind of I/O error, no path or data).
    #[error("key vault: {0}")]
    Vault(String),
}

/// Seals and opens the values of one case.
pub trait CaseCipher {
    fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8>;
    fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError>;
}

/// Makes, unwraps and destroys case keys under the installation's master key (and, where the
/// installation has one, its key vault outside the database).
pub trait Keyring: Send + Sync + fmt::Debug {
    type CaseKey: CaseCipher;

    /// A fresh data key for a new case and its wrapped form for the store. With a key vault,
    /// the vault's part is durable before this returns.
    ///
    /// # Errors
    /// When the key vault cannot be written (a full disk, say): the case must not be stored.
    fn new_case_key(&self, case_id: Uuid) -> Result<(Self::CaseKey, WrappedKey), CryptoError>;
    fn unwrap_case_key(
        &self,
        case_id: Uuid,
        wrapped: &WrappedKey,
    ) -> Result<Self::CaseKey, CryptoError>;
    /// Destroys what opens the case's wrapped key outside the database, so that no copy of it
    /// (database, log, backup) opens again. Idempotent. Without a key vault there is nothing
    /// outside the database to destroy and this does nothing.
    ///
    /// # Errors
    /// When the key vault cannot be written.
    fn destroy_case_key(&self, case_id: Uuid) -> Result<(), CryptoError>;
    /// A case key wrapped before the installation had a key vault, wrapped again through the
    /// vault (the data key itself stays, so nothing sealed changes); `None` when the key is
    /// already bound to the vault or there is no vault.
    ///
    /// # Errors
    /// When the key does not open or the vault cannot be written.
    fn bind_to_vault(
        &self,
        case_id: Uuid,
        wrapped: &WrappedKey,
    ) -> Result<Option<WrappedKey>, CryptoError>;
}

/// Slow, salted hashing for low-entropy secrets (receipt codes, passwords).
pub trait SecretHasher: Send + Sync + fmt::Debug {
    /// A PHC string with algorithm, parameters and salt.
    fn hash(&self, secret: &str) -> String;
    fn verify(&self, secret: &str, phc: &str) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Mail

/// The header that marks the product's own mail (alerts, reminders, acknowledgements, setup
/// links): mailbox intake never reads a message that carries it, so an alert that lands in a
/// reporting mailbox stays there for the person it was sent to.
pub const OWN_MAIL_HEADER: &str = "X-BreachDesk";

/// A plain-text e-mail to one recipient. Mail carries references and links, never the content
/// of a case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// Where replies should go, if not to the sender.
    pub reply_to: Option<String>,
    /// Set when the mail answers a received message automatically (RFC 3834).
    pub auto_reply: Option<AutoReply>,
}

/// The headers of an automatic answer to a received message (RFC 3834): `Auto-Submitted:
/// auto-replied`, `In-Reply-To` and `References` naming the message, and a Message-ID of its
/// own, so that a reply to the answer can be recognised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoReply {
    /// The received message's Message-ID, without angle brackets.
    pub in_reply_to: String,
    /// The answer's own Message-ID, without angle brackets.
    pub message_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The address or message could not be formed; sending again will not help.
    #[error("message refused: {0}")]
    Invalid(String),
    /// The server could not be reached or refused for now; try again later.
    #[error("delivery failed: {0}")]
    Transport(String),
}

/// Sends mail (SMTP in production and in tests, against a real server).
#[async_trait]
pub trait Mailer: Send + Sync + fmt::Debug {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

// ---------------------------------------------------------------------------------------------
// Storage

pub mod store;

pub use store::{
    AccessStore, AccountStore, ApiTokenInfo, AuditStore, Bounce, CaseChange, CaseEntryRecord,
    CaseFilter, CaseRecord, CaseStore, Conflict, CounterKey, Counters, DeletionRequest,
    DeliveryOutcome, Destruction, EnsuredUser, FailedMessage, Hold, ImportedCase, IntakeStore,
    MailRecord, MailStore, MailStored, MailTarget, Member, MessageOutcome, NewApiToken,
    NewAttachment, NewCase, NewCaseEntry, NewMail, NewOutboxMessage, NewRecipient, NewReport,
    NewShare, NewSupplement, NewUser, NoticeStore, OrgTemplate, OrganisationStore, OutboxCounts,
    OutboxMessage, OutboxStore, Page, ReceiptRecord, RecipientCounts, RecipientRecord,
    RecoveryCode, ReportRecord, RetentionStore, SessionRecord, SessionStage, SessionStore,
    SetupLinkFor, SetupPurpose, Store, StoreError, SupplementRecord, TokenHolder, TokenStore,
    UserAuth, UserRole,
};
