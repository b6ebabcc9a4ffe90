//! Cases and their investigation record: the register, changes with their audit entries, attachments and reminders.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::AuditEvent;
use crate::case::{CaseStatus, CaseSummary};
use crate::ports::WrappedKey;
use crate::report::{Language, ReportKind};

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
    /// When the case is due for destruction (set when it is closed or found unfounded).
    pub retain_until: Option<Timestamp>,
    /// The legal hold, if one was set (it may have ended: [`super::Hold::stands`]).
    pub hold: Option<super::Hold>,
    /// When its content was destroyed: the row is then a tombstone.
    pub destroyed_at: Option<Timestamp>,
    /// What remains of a destroyed case for the register (JSON, no free text).
    pub tombstone: Option<String>,
    /// A request to destroy it early, waiting for a second handler.
    pub deletion_request: Option<super::DeletionRequest>,
    /// Who destroyed it (`None`: the retention run) and why.
    pub destroyed_by: Option<Uuid>,
    pub destruction_reason: Option<String>,
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
    pub channel: crate::report::Channel,
    pub taken_by: Option<Uuid>,
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
    pub add_share: Option<NewShare>,
    pub remove_share: Option<Uuid>,
    /// An entry of the investigation record to append.
    pub entry: Option<NewCaseEntry>,
    /// Sealed attachment content stored with the entry.
    pub attachment: Option<NewAttachment>,
}

/// A historical case to bring in: its row and its one sealed record entry.
#[derive(Debug, Clone)]
pub struct ImportedCase {
    pub id: Uuid,
    pub org_id: Uuid,
    pub reference: String,
    pub status: CaseStatus,
    pub created_at: Timestamp,
    pub awareness_at: Option<Timestamp>,
    pub notified_at: Option<Timestamp>,
    pub notification_required: Option<bool>,
    pub categories: Vec<String>,
    pub retain_until: Option<Timestamp>,
    pub wrapped_key: WrappedKey,
    pub entry: NewCaseEntry,
}

/// A case shared by name with a handler (such as a joint controller's), and by whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewShare {
    pub user_id: Uuid,
    pub granted_by: Uuid,
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
    /// Every match (the register, a restore's key check); otherwise the newest 5,000, which is
    /// what a list on a page can show.
    pub unlimited: bool,
}

/// Which page of the register to return.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

/// Cases and their investigation record: the register, changes with their audit entries, attachments and reminders.
#[async_trait]
pub trait CaseStore: Send + Sync {
    /// The cases of the given organisations and those shared by name with `shared_with`,
    /// newest first; destroyed cases (tombstones) are not listed.
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
    /// The organisation's cases (not destroyed) whose record holds an entry of `kind`, newest
    /// first, at most `limit`: one query, whatever the number of cases (the public index of an
    /// organisation's notices asks it for `notice_approved`).
    async fn cases_with_entry(
        &self,
        org_id: Uuid,
        kind: &str,
        limit: i64,
    ) -> Result<Vec<CaseRecord>, StoreError>;
    /// Brings historical cases in (an organisation's old register, issue 21): every case with
    /// its sealed record entry, and one audit entry, in one transaction — or nothing, with
    /// `Conflict(CaseReference)` when a reference is taken.
    async fn import_cases(
        &self,
        cases: &[ImportedCase],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
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
}
