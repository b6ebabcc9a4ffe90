//! Letters to data subjects: the recipients and the outbox.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::AuditEvent;

/// One recipient of the letters, sealed with the case key (`recipients.body/<id>`).
#[derive(Debug, Clone)]
pub struct RecipientRecord {
    pub id: Uuid,
    pub seq: u64,
    /// Whether the person has an e-mail address (else a printed letter).
    pub email: bool,
    pub body: Vec<u8>,
}

/// A recipient to add, sealed with the case key (`recipients.body/<id>`).
#[derive(Debug, Clone)]
pub struct NewRecipient {
    pub id: Uuid,
    /// Whether the person has an e-mail address (else a printed letter).
    pub email: bool,
    pub body: Vec<u8>,
}

/// How many recipients get an e-mail and how many a printed letter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecipientCounts {
    pub email: u64,
    pub post: u64,
}

/// What became of one claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageOutcome {
    pub message_id: Uuid,
    pub outcome: DeliveryOutcome,
}

/// A message that failed for good: its recipient's number and the server's reply (code and
/// enhanced status only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedMessage {
    pub seq: u64,
    pub reply: String,
}

/// A later delivery report's failure of one of the organisation's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounce {
    pub message_id: Uuid,
    /// The enhanced status code (`5.1.1`).
    pub status: String,
}

/// One message to queue: its id (also its Message-ID), the recipient's sequence number and the
/// sealed envelope recipient and RFC 5322 message (`outbox.body/<id>`).
#[derive(Debug, Clone)]
pub struct NewOutboxMessage {
    pub id: Uuid,
    pub seq: u64,
    pub body: Vec<u8>,
}

/// A message claimed for sending.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub case_id: Uuid,
    pub seq: u64,
    /// Attempts including this one.
    pub attempts: u32,
    pub body: Vec<u8>,
}

/// What became of one attempt. `reply` is the server's code and enhanced status only
/// (`550 5.1.1`), never its text, which can quote the address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Sent,
    /// Temporary: try again at `at`.
    Retry {
        reply: String,
        at: Timestamp,
    },
    /// Permanent (a rejected address, a bounce): kept as failed until retried by hand.
    Failed {
        reply: String,
    },
}

/// The state of a case's outbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
    /// Messages found mid-send after a crash and sent again (with the same Message-ID).
    pub in_doubt: u64,
    /// The letter version queued most recently.
    pub version: Option<u32>,
}

impl OutboxCounts {
    #[must_use]
    pub const fn total(&self) -> u64 {
        self.queued + self.sending + self.sent + self.failed
    }
}

/// Letters to data subjects: the recipients and the outbox.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Adds recipients (numbered on from the last) with the audit entry, atomically; with
    /// `replace`, the earlier list is removed first — refused (`Conflict`) once any letter of the
    /// case has been queued, since queued messages refer to recipients by number.
    async fn import_recipients(
        &self,
        case_id: Uuid,
        replace: bool,
        recipients: &[NewRecipient],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Recipients after `after` (by number), at most `limit`.
    async fn recipients(
        &self,
        case_id: Uuid,
        after: u64,
        limit: u32,
    ) -> Result<Vec<RecipientRecord>, StoreError>;
    /// How many recipients have an e-mail address and how many get a printed letter.
    async fn recipient_counts(&self, case_id: Uuid) -> Result<RecipientCounts, StoreError>;
    /// Queues messages of one letter version; a recipient already queued for that version is
    /// skipped (so that queueing again after a crash adds only the rest). Returns how many were
    /// added.
    async fn queue_messages(
        &self,
        case_id: Uuid,
        version: u32,
        messages: &[NewOutboxMessage],
        now: Timestamp,
    ) -> Result<u64, StoreError>;
    /// The highest recipient number queued in any version (0 when none): each person is
    /// written to once, with the version approved when their letter was queued.
    async fn queued_up_to(&self, case_id: Uuid) -> Result<u64, StoreError>;
    /// Claims up to `limit` queued messages that are due, marking them as being sent. Durable
    /// against a killed process but not necessarily against a power cut: a lost claim leaves
    /// its messages queued, and they are sent again with the same Message-ID.
    async fn claim_messages(
        &self,
        case_id: Uuid,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<OutboxMessage>, StoreError>;
    /// Records what became of claimed messages, in one transaction. Durable against a killed
    /// process but not necessarily against a power cut: a lost mark means the message is sent
    /// again, with the same Message-ID (the outbox's promise is exactly once as far as SMTP
    /// allows, see `breachdesk_app::letters`).
    async fn finish_messages(
        &self,
        outcomes: &[MessageOutcome],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// After a crash: messages left as being sent are queued again and marked in doubt.
    /// Returns how many.
    async fn recover_messages(&self, case_id: Uuid) -> Result<u64, StoreError>;
    /// Queues the failed messages of a case again. Returns how many.
    async fn retry_failed_messages(&self, case_id: Uuid, now: Timestamp)
    -> Result<u64, StoreError>;
    async fn outbox_counts(&self, case_id: Uuid) -> Result<OutboxCounts, StoreError>;
    /// Cases with queued messages due now (for the scheduler's retries), and cases with messages
    /// left "sending" (a run that claimed them may have died; the lease tells).
    async fn cases_with_due_messages(&self, now: Timestamp) -> Result<Vec<Uuid>, StoreError>;
    /// Takes or renews the case's delivery lease for `holder` for `ttl` from now; `false`
    /// while another holder's lease runs. "Now" is the database's clock (`PostgreSQL`'s
    /// `clock_timestamp()`; for `SQLite`, the clock of the one machine that holds the file), so
    /// that servers whose clocks disagree still agree on when a lease has run out.
    async fn lease_outbox(
        &self,
        case_id: Uuid,
        holder: Uuid,
        ttl: std::time::Duration,
    ) -> Result<bool, StoreError>;
    async fn release_outbox(&self, case_id: Uuid, holder: Uuid) -> Result<(), StoreError>;
    /// The failed messages, by recipient number.
    async fn failed_messages(&self, case_id: Uuid) -> Result<Vec<FailedMessage>, StoreError>;
    /// Marks the case's messages a later delivery report said failed as failed with
    /// `bounce <status>`. Returns how many of them are the case's.
    async fn record_bounces(&self, case_id: Uuid, bounces: &[Bounce]) -> Result<u64, StoreError>;
}
