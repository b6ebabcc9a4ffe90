//! Mailbox intake: each message read from a mailbox is stored once, with what it became.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::{NewAttachment, NewCase, NewCaseEntry, NewReport, NewSupplement, StoreError};

/// What a message becomes.
#[derive(Debug, Clone)]
pub enum MailTarget {
    /// A new case with the message as its first report.
    NewCase {
        case: NewCase,
        report: NewReport,
        year: i16,
    },
    /// A supplement to a report of an existing case (a reply in its thread).
    Supplement {
        case_id: Uuid,
        supplement: NewSupplement,
    },
}

/// A message read from a mailbox, sealed, to store in one transaction with its report or
/// supplement and its attachments (each a record entry of the case and its sealed content).
#[derive(Debug, Clone)]
pub struct NewMail {
    pub org_id: Uuid,
    /// The message's identity (`breachdesk_inbox::Inbound::key`): a digest of its Message-ID.
    pub key: String,
    pub received_at: Timestamp,
    pub target: MailTarget,
    pub attachments: Vec<(NewCaseEntry, NewAttachment)>,
}

/// A message already stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRecord {
    pub case_id: Uuid,
    pub reference: String,
    /// The report it became, or the report its supplement was added to.
    pub report_id: Uuid,
    /// Whether it became a new case (not a supplement).
    pub new_case: bool,
    /// When its acknowledgement was claimed, if it was.
    pub acknowledged_at: Option<Timestamp>,
}

/// The outcome of storing a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailStored {
    /// Stored now.
    New(MailRecord),
    /// Stored before (read twice, or delivered to two mailboxes of the organisation): nothing
    /// was written.
    Seen(MailRecord),
}

/// Mailbox intake's messages: the identity of every message stored, which threads replies and
/// recognises a message read twice.
#[async_trait]
pub trait MailStore: Send + Sync {
    /// Stores the message and what it becomes in one durable transaction, unless a message with
    /// the same key was stored for the organisation before (then nothing is written).
    async fn insert_mail(&self, mail: &NewMail) -> Result<MailStored, StoreError>;
    /// The message of the organisation stored with this key, if it was.
    async fn mail_message(&self, org_id: Uuid, key: &str)
    -> Result<Option<MailRecord>, StoreError>;
    /// The case of the organisation that one of these message keys (messages stored, or the
    /// acknowledgements sent for them) belongs to, if any is known; the newest wins.
    async fn mail_thread(&self, org_id: Uuid, keys: &[String]) -> Result<Option<Uuid>, StoreError>;
    /// Claims the acknowledgement of a stored message before it is sent; `ack_key` is the key of
    /// the acknowledgement's own Message-ID, so that a reply to it threads into the case. `false`
    /// when it was claimed before.
    async fn claim_mail_ack(
        &self,
        org_id: Uuid,
        key: &str,
        ack_key: &str,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Gives the claim `ack_key` back (the mail could not be sent): the next reading tries
    /// again. A claim made since by another server stays.
    async fn unclaim_mail_ack(
        &self,
        org_id: Uuid,
        key: &str,
        ack_key: &str,
    ) -> Result<(), StoreError>;
}
