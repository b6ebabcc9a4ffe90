//! Ports: what the domain needs from the outside world, as traits the adapters implement.

use std::fmt;

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use crate::audit::{AuditEvent, AuditRecord};
use crate::case::{CaseStatus, CaseSummary};
use crate::grant::GrantRequest;
use crate::org::{NewOrganisation, Organisation};
use crate::report::{Language, ReportKind};
use crate::user::{Principal, Role, TokenScope};

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
}

/// Seals and opens the values of one case.
pub trait CaseCipher {
    fn seal(&self, aad: &Aad, plaintext: &[u8]) -> Vec<u8>;
    fn open(&self, aad: &Aad, sealed: &[u8]) -> Result<zeroize::Zeroizing<Vec<u8>>, CryptoError>;
}

/// Makes and unwraps case keys under the installation's master key.
pub trait Keyring: Send + Sync + fmt::Debug {
    type CaseKey: CaseCipher;

    fn new_case_key(&self, case_id: Uuid) -> (Self::CaseKey, WrappedKey);
    fn unwrap_case_key(
        &self,
        case_id: Uuid,
        wrapped: &WrappedKey,
    ) -> Result<Self::CaseKey, CryptoError>;
}

/// Slow, salted hashing for low-entropy secrets (receipt codes, passwords).
pub trait SecretHasher: Send + Sync + fmt::Debug {
    /// A PHC string with algorithm, parameters and salt.
    fn hash(&self, secret: &str) -> String;
    fn verify(&self, secret: &str, phc: &str) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Mail

/// A plain-text e-mail to one recipient. Mail carries references and links, never the content
/// of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub body: String,
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
            Self::LettersAlreadyQueued => "letters already queued",
            Self::Unique => "unique",
        })
    }
}

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

/// A case to create, with its wrapped data key.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub id: Uuid,
    pub org_id: Uuid,
    pub created_at: Timestamp,
    pub wrapped_key: WrappedKey,
}

/// A sealed report to store.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: ReportKind,
    pub created_at: Timestamp,
    pub language: Language,
    pub receipt_locator: String,
    pub receipt_hash: String,
    pub body: Vec<u8>,
    pub contact: Option<Vec<u8>>,
}

/// A case as stored (with its wrapped key, not its content).
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub id: Uuid,
    pub org_id: Uuid,
    pub reference: String,
    pub status: CaseStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub wrapped_key: WrappedKey,
    /// When the controller became aware of the breach: starts the 72-hour clock.
    pub awareness_at: Option<Timestamp>,
    /// When the supervisory authority was notified.
    pub notified_at: Option<Timestamp>,
    /// `Some(false)` once decided that the authority need not be notified.
    pub notification_required: Option<bool>,
    /// Category ids of the current scope (ids only; the scope itself is sealed).
    pub categories: Vec<String>,
    pub merged_into: Option<Uuid>,
    pub assignees: Vec<Uuid>,
    pub shared_with: Vec<Uuid>,
}

#[derive(Debug, Clone)]
pub struct ReportRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: ReportKind,
    pub created_at: Timestamp,
    pub language: Language,
    pub body: Vec<u8>,
    pub contact: Option<Vec<u8>>,
}

/// What a receipt code leads to, for verifying it.
#[derive(Debug, Clone)]
pub struct ReceiptRecord {
    pub report_id: Uuid,
    pub case_id: Uuid,
    pub receipt_hash: String,
    pub failed_attempts: i64,
    pub locked_until: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct NewSupplement {
    pub id: Uuid,
    pub report_id: Uuid,
    pub created_at: Timestamp,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct SupplementRecord {
    pub id: Uuid,
    pub report_id: Uuid,
    pub created_at: Timestamp,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: Uuid,
    pub email: String,
    pub password_hash: String,
    pub created_at: Timestamp,
}

/// A change to a case, applied in one transaction together with its audit entry. Only the
/// fields that are `Some` change.
#[derive(Debug, Clone, Default)]
pub struct CaseChange {
    pub case_id: Uuid,
    /// The status the change was decided on: if another handler moved the case meanwhile, the
    /// change is refused with `Conflict(Conflict::CaseStatus)` and nothing is written.
    pub expected_status: Option<CaseStatus>,
    pub status: Option<CaseStatus>,
    pub awareness_at: Option<Timestamp>,
    pub notified_at: Option<Timestamp>,
    pub notification_required: Option<bool>,
    pub categories: Option<Vec<String>>,
    pub merged_into: Option<Uuid>,
    pub add_assignee: Option<Uuid>,
    pub remove_assignee: Option<Uuid>,
    pub add_share: Option<(Uuid, Uuid)>,
    pub remove_share: Option<Uuid>,
    /// An entry of the investigation record to append.
    pub entry: Option<NewCaseEntry>,
    /// Sealed attachment content stored with the entry.
    pub attachment: Option<NewAttachment>,
}

/// An entry of the investigation record (timeline event, task, meeting, …), sealed.
#[derive(Debug, Clone)]
pub struct NewCaseEntry {
    pub id: Uuid,
    pub kind: &'static str,
    pub created_by: Option<Uuid>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct CaseEntryRecord {
    pub id: Uuid,
    pub case_id: Uuid,
    pub kind: String,
    pub created_at: Timestamp,
    pub created_by: Option<Uuid>,
    pub body: Vec<u8>,
}

/// One recipient of the letters, sealed with the case key (`recipients.body/<id>`).
#[derive(Debug, Clone)]
pub struct RecipientRecord {
    pub id: Uuid,
    pub seq: u64,
    /// Whether the person has an e-mail address (else a printed letter).
    pub email: bool,
    pub body: Vec<u8>,
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

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub id: Uuid,
    pub size: i64,
    pub body: Vec<u8>,
}

/// Filters of the case register; `None` = any.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub created_from: Option<Timestamp>,
    pub created_to: Option<Timestamp>,
    pub category: Option<String>,
    /// Only cases assigned to or shared with this user, in addition to the organisations' own.
    pub shared_with: Option<Uuid>,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct UserAuth {
    pub id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub password_hash: String,
    pub installation_admin: bool,
    /// Sealed with the master key (AAD `users.totp_secret/<id>`).
    pub totp_secret: Option<Vec<u8>>,
    pub totp_last_step: Option<i64>,
    pub failed_logins: i64,
    pub locked_until: Option<Timestamp>,
    pub disabled: bool,
    pub language: Language,
    /// The password was handed out by the operator: its owner replaces it before signing in.
    pub password_change_required: bool,
}

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

/// A member of an organisation, for assignment and sharing lists.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub org_id: Uuid,
    pub role: Role,
}

/// Which page of the register to return.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// The persistence port. Every method is atomic. Every write is durable on return — it
/// survives a killed process and a power cut — unless its documentation says otherwise
/// (`claim_messages`, `finish_messages`).
/// A counter's key: a keyed digest of what is counted (a bucket and a client address), never
/// the address itself.
pub type CounterKey = [u8; 32];

/// Attempt counters that every server of one installation shares (issue 19): the per-address
/// rate limits and the waits after wrong receipt codes. They are not records: `SQLite`'s (one
/// server) live in memory and `PostgreSQL`'s in unlogged tables, so a restart or a crash may
/// forget them — which gives a client a few more attempts, nothing else.
#[async_trait]
pub trait Counters: Send + Sync + fmt::Debug {
    /// Counts one attempt in the fixed window of length `window` that holds `now` (windows
    /// start at whole multiples of `window` since the epoch); returns the attempts counted in
    /// that window, this one included.
    async fn hit(
        &self,
        key: &CounterKey,
        window: jiff::SignedDuration,
        now: Timestamp,
    ) -> Result<u32, StoreError>;
    /// Counts one failure of `key`; returns the failures counted since it was last cleared.
    async fn fail(&self, key: &CounterKey, now: Timestamp) -> Result<u32, StoreError>;
    /// Makes `key` wait until `until` (a later wait already set stays).
    async fn wait_until(&self, key: &CounterKey, until: Timestamp) -> Result<(), StoreError>;
    /// Until when `key` waits, if a wait was set.
    async fn waiting_until(&self, key: &CounterKey) -> Result<Option<Timestamp>, StoreError>;
    /// Forgets `key`'s failures and wait.
    async fn clear(&self, key: &CounterKey) -> Result<(), StoreError>;
    /// Forgets the windows that have ended before `now`, and the failures last counted before
    /// `quiet_since` whose wait is over.
    async fn prune(&self, now: Timestamp, quiet_since: Timestamp) -> Result<(), StoreError>;
}

#[async_trait]
pub trait Store: Send + Sync + fmt::Debug {
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

    async fn create_org(
        &self,
        org: &NewOrganisation,
        id: Uuid,
        ref_prefix: &str,
        now: Timestamp,
    ) -> Result<Organisation, StoreError>;
    async fn org_by_slug(&self, slug: &str) -> Result<Option<Organisation>, StoreError>;
    /// Every organisation of the installation, by name.
    async fn organisations(&self) -> Result<Vec<Organisation>, StoreError>;

    /// Creates the user, or returns the existing id if the e-mail is known (`false` = existed).
    async fn ensure_user(&self, user: &NewUser) -> Result<(Uuid, bool), StoreError>;
    async fn user_id_by_email(&self, email: &str) -> Result<Option<Uuid>, StoreError>;
    async fn add_membership(
        &self,
        user_id: Uuid,
        org_id: Uuid,
        role: Role,
        now: Timestamp,
    ) -> Result<(), StoreError>;
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
    ) -> Result<Option<(Principal, TokenScope)>, StoreError>;
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

    /// Creates the case with the next reference number of its organisation and year, and its
    /// first report, in one durable transaction. Returns the case reference.
    async fn insert_intake(
        &self,
        case: &NewCase,
        report: &NewReport,
        year: i16,
    ) -> Result<String, StoreError>;
    /// The cases of the given organisations and those shared by name with `shared_with`,
    /// newest first.
    async fn list_cases(
        &self,
        org_ids: &[Uuid],
        shared_with: Option<Uuid>,
        page: Page,
    ) -> Result<Vec<CaseSummary>, StoreError>;
    async fn case_by_id(&self, id: Uuid) -> Result<Option<CaseRecord>, StoreError>;
    /// A case by its reference (as written, case-insensitive) within one organisation.
    async fn case_by_reference(
        &self,
        org_id: Uuid,
        reference: &str,
    ) -> Result<Option<CaseRecord>, StoreError>;
    async fn reports_of_case(&self, case_id: Uuid) -> Result<Vec<ReportRecord>, StoreError>;

    async fn receipt_by_locator(&self, locator: &str) -> Result<Option<ReceiptRecord>, StoreError>;
    /// Counts a wrong code; locks the report for follow-up until `lock_until` once `max` is reached.
    async fn record_receipt_failure(
        &self,
        report_id: Uuid,
        max: i64,
        lock_until: Timestamp,
    ) -> Result<(), StoreError>;
    async fn reset_receipt_failures(&self, report_id: Uuid) -> Result<(), StoreError>;
    async fn insert_supplement(&self, supplement: &NewSupplement) -> Result<(), StoreError>;
    async fn supplements_of_report(
        &self,
        report_id: Uuid,
    ) -> Result<Vec<SupplementRecord>, StoreError>;

    // -- Case handling -----------------------------------------------------------------------

    /// Cases of the given organisations, plus those shared with `filter.shared_with`.
    async fn find_cases(
        &self,
        org_ids: &[Uuid],
        filter: &CaseFilter,
    ) -> Result<Vec<CaseRecord>, StoreError>;
    /// Applies a change and appends its audit entry, atomically and durably.
    async fn change_case(
        &self,
        change: &CaseChange,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    async fn case_entries(&self, case_id: Uuid) -> Result<Vec<CaseEntryRecord>, StoreError>;
    async fn attachment(&self, case_id: Uuid, id: Uuid) -> Result<Option<Vec<u8>>, StoreError>;
    /// Records a reminder as sent; `false` if it already was (each goes once). Several servers
    /// claim a reminder with this before sending it: only the one that gets `true` sends.
    async fn mark_reminder_sent(
        &self,
        case_id: Uuid,
        hours: i64,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Takes back a reminder's mark (its mail could not be delivered to anyone), so that a
    /// later round tries again.
    async fn unmark_reminder(&self, case_id: Uuid, hours: i64) -> Result<(), StoreError>;
    async fn reminders_sent(&self, case_id: Uuid) -> Result<Vec<i64>, StoreError>;

    // -- An organisation's wording of the notices ---------------------------------------------

    /// The organisation's Fluent overrides, per language.
    async fn org_templates(&self, org_id: Uuid) -> Result<Vec<(Language, String)>, StoreError>;
    /// Replaces them (empty text removes a language's) with the audit entry, atomically.
    async fn set_org_templates(
        &self,
        org_id: Uuid,
        templates: &[(Language, String)],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;

    // -- Letters to data subjects: recipients and the outbox ----------------------------------

    /// Adds recipients (numbered on from the last) with the audit entry, atomically; with
    /// `replace`, the earlier list is removed first — refused (`Conflict`) once any letter of the
    /// case has been queued, since queued messages refer to recipients by number.
    async fn import_recipients(
        &self,
        case_id: Uuid,
        replace: bool,
        recipients: &[(Uuid, bool, Vec<u8>)],
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
    async fn recipient_counts(&self, case_id: Uuid) -> Result<(u64, u64), StoreError>;
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
        outcomes: &[(Uuid, DeliveryOutcome)],
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
    /// The failed messages' recipient numbers and replies.
    async fn failed_messages(&self, case_id: Uuid) -> Result<Vec<(u64, String)>, StoreError>;
    /// Marks the case's messages a later delivery report said failed (message id, enhanced
    /// status) as failed with `bounce <status>`. Returns how many of them are the case's.
    async fn record_bounces(
        &self,
        case_id: Uuid,
        bounces: &[(Uuid, String)],
    ) -> Result<u64, StoreError>;

    // -- Audit trail -------------------------------------------------------------------------

    /// Appends entries (reads of case content, sign-ins) to the chain.
    async fn append_audit(&self, events: &[AuditEvent], now: Timestamp) -> Result<(), StoreError>;
    /// The whole trail (`case_id: None`) or one case's entries, in sequence order.
    async fn audit_trail(&self, case_id: Option<Uuid>) -> Result<Vec<AuditRecord>, StoreError>;

    // -- Accounts and sessions ---------------------------------------------------------------

    async fn count_users(&self) -> Result<i64, StoreError>;
    async fn user_auth_by_email(&self, email: &str) -> Result<Option<UserAuth>, StoreError>;
    async fn user_auth_by_id(&self, id: Uuid) -> Result<Option<UserAuth>, StoreError>;
    async fn principal_by_user(&self, user_id: Uuid) -> Result<Option<Principal>, StoreError>;
    async fn set_installation_admin(&self, user_id: Uuid) -> Result<(), StoreError>;
    /// Sets the password; a required change is then done.
    async fn set_password(&self, user_id: Uuid, phc: &str) -> Result<(), StoreError>;
    /// The owner must replace the password at the next sign-in.
    async fn require_password_change(&self, user_id: Uuid) -> Result<(), StoreError>;
    async fn set_display_name(&self, user_id: Uuid, name: &str) -> Result<(), StoreError>;
    /// Reserves one sign-in attempt (password or second factor) *before* it is verified, counting
    /// it as a failure: atomically, `false` while the account is locked at `now`; otherwise the
    /// attempt is counted, the account locked until `lock_until` when this is the `max`-th, and
    /// `true`. So concurrent attempts cannot outrun the count (issue 17): at most `max` are
    /// verified per lock-out window.
    async fn reserve_login_attempt(
        &self,
        user_id: Uuid,
        max: i64,
        lock_until: Timestamp,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Gives back a reserved attempt that turned out right.
    async fn release_login_attempt(&self, user_id: Uuid) -> Result<(), StoreError>;
    async fn reset_login_failures(&self, user_id: Uuid) -> Result<(), StoreError>;
    /// Stores the sealed TOTP secret and replaces the recovery codes (Argon2 PHC strings).
    async fn enrol_totp(
        &self,
        user_id: Uuid,
        sealed_secret: &[u8],
        recovery_hashes: &[String],
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Accepts a TOTP time step only if it is newer than the last one accepted.
    async fn accept_totp_step(&self, user_id: Uuid, step: i64) -> Result<bool, StoreError>;
    /// Unused recovery codes: (row, PHC).
    async fn recovery_codes(&self, user_id: Uuid) -> Result<Vec<(i64, String)>, StoreError>;
    /// Marks a recovery code used; `false` if it already was.
    async fn use_recovery_code(&self, row: i64, now: Timestamp) -> Result<bool, StoreError>;
    async fn create_setup_token(
        &self,
        token_hash: &[u8],
        user_id: Option<Uuid>,
        purpose: SetupPurpose,
        now: Timestamp,
        expires: Timestamp,
    ) -> Result<(), StoreError>;
    /// The user the link is for (`None` for the first administrator), if valid and unused.
    async fn peek_setup_token(
        &self,
        token_hash: &[u8],
        purpose: SetupPurpose,
        now: Timestamp,
    ) -> Result<Option<Option<Uuid>>, StoreError>;
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
    /// Members of the organisations, for assignment and sharing lists.
    async fn members(&self, org_ids: &[Uuid]) -> Result<Vec<Member>, StoreError>;

    // -- Access control (issue 17): roles, offboarding. Each change commits with its audit entry.

    /// Records a request of a role that waits for a decision; `Conflict(Conflict::RoleRequest)` when
    /// the same request is open already.
    async fn request_grant(
        &self,
        request: &GrantRequest,
        audit: &AuditEvent,
    ) -> Result<(), StoreError>;
    /// The open requests of these organisations, oldest first.
    async fn open_grants(&self, org_ids: &[Uuid]) -> Result<Vec<GrantRequest>, StoreError>;
    /// Confirms (adding the membership) or refuses an open request; `NotFound` when it is not
    /// open (any more).
    async fn decide_grant(
        &self,
        id: Uuid,
        decided_by: Uuid,
        confirm: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Adds a membership (no-op if held), with its audit entry.
    async fn grant_role(
        &self,
        user_id: Uuid,
        org_id: Uuid,
        role: Role,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Removes a membership; `NotFound` when it was not held.
    async fn remove_membership(
        &self,
        user_id: Uuid,
        org_id: Uuid,
        role: Role,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Disables an account (its sessions end, its tokens are revoked) or enables it again.
    async fn set_user_disabled(
        &self,
        user_id: Uuid,
        disabled: bool,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Forgets the second factor and the recovery codes and ends the sessions: the next
    /// sign-in enrols anew.
    async fn reset_second_factor(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Ends every session of a user; how many were open.
    async fn end_sessions_of(
        &self,
        user_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<u64, StoreError>;
}
