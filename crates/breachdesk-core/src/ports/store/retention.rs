//! The end of a case's life (issue 21): its retention date, the legal hold that stops any
//! deletion, and destruction — the case's data key and every row of its content go in one
//! transaction, leaving a tombstone without personal data so that the register stays complete.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::{CaseRecord, NewCaseEntry, StoreError};
use crate::audit::AuditEvent;
use crate::ports::WrappedKey;

/// A legal hold on a case (a dispute, an authority's inquiry, a criminal investigation): while
/// it stands, nothing of the case is deleted by any path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// Why (the matter, not personal data: e.g. "police investigation 2026/1234").
    pub reason: String,
    /// When it ends by itself, if it was set with an end.
    pub until: Option<Timestamp>,
    pub set_by: Uuid,
    pub set_at: Timestamp,
}

impl Hold {
    /// Does the hold still stand at `now`?
    #[must_use]
    pub fn stands(&self, now: Timestamp) -> bool {
        self.until.is_none_or(|u| now < u)
    }
}

/// A DPO's request to destroy an unfounded case before its date (issue 21), waiting for a
/// second handler's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletionRequest {
    pub by: Uuid,
    pub at: Timestamp,
    /// Why (required).
    pub reason: String,
}

/// What remains of a destroyed case: who destroyed it, when and why, and the register's facts
/// without free text (JSON of `register::Tombstone`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destruction {
    pub case_id: Uuid,
    /// The register entry without free text, as JSON.
    pub tombstone: String,
    pub reason: String,
    pub by: Option<Uuid>,
}

#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// Sets when the case is due for destruction (`None`: kept until set).
    async fn set_retention(
        &self,
        case_id: Uuid,
        until: Option<Timestamp>,
    ) -> Result<(), StoreError>;
    /// Sets (`Some`) or lifts (`None`) the case's legal hold, with its audit entry.
    async fn set_hold(
        &self,
        case_id: Uuid,
        hold: Option<&Hold>,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The cases whose retention date has come (`<= now`), not destroyed, whose hold (if any)
    /// no longer stands.
    async fn cases_due(&self, now: Timestamp) -> Result<Vec<CaseRecord>, StoreError>;
    /// Records (`Some`) or withdraws (`None`) a request to destroy the case early, with its
    /// audit entry. `NotFound` for an unknown or destroyed case.
    async fn set_deletion_request(
        &self,
        case_id: Uuid,
        request: Option<&DeletionRequest>,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Deletes the case's recipient list and the letters queued or sent to it (early deletion,
    /// issue 21), with its audit entry; the number of recipients deleted. Refused with
    /// `Conflict(Held)` while a hold stands.
    async fn delete_recipients(
        &self,
        case_id: Uuid,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<u64, StoreError>;
    /// Destroys the case's content: its wrapped data key, reports and supplements, record
    /// entries, attachments, letters and their recipients, assignments and shares — in one
    /// transaction with its audit entry, keeping the case row as a tombstone. Refused with
    /// `Conflict(Conflict::Held)` while a hold stands (checked in the same transaction), and
    /// `NotFound` for an unknown or already destroyed case. Returns the ids of the cases
    /// destroyed: the case and the duplicates merged into it, whose keys the caller destroys
    /// next.
    async fn destroy_case(
        &self,
        destruction: &Destruction,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<Vec<Uuid>, StoreError>;
    /// Deletes one report of the case (or of a duplicate merged into it) and its supplements
    /// early, recording `note` (the sealed [`crate::investigation::Entry::EarlyDeletion`]) and
    /// the audit entry in the same transaction. `Conflict(Held)` under a legal hold,
    /// `Conflict(LastReport)` for the case's only report, `NotFound` for a report not the case's.
    async fn delete_report(
        &self,
        case_id: Uuid,
        report_id: Uuid,
        note: &NewCaseEntry,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Deletes one attachment of the case early: its content and the record entry `entry_id`
    /// describing it, recording `note` and the audit entry in the same transaction.
    /// `Conflict(Held)` under a legal hold, `NotFound` for an attachment not the case's.
    async fn delete_attachment(
        &self,
        case_id: Uuid,
        attachment_id: Uuid,
        entry_id: Uuid,
        note: &NewCaseEntry,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// The ids of every destroyed case (their tombstones), for a sweep that destroys any key a
    /// crash left behind.
    async fn destroyed_case_ids(&self) -> Result<Vec<Uuid>, StoreError>;
    /// Whether any case's key is bound to a key vault (its first byte is 2): then an empty vault
    /// is not this installation's.
    async fn has_vault_bound_keys(&self) -> Result<bool, StoreError>;
    /// Every case not destroyed whose key is still wrapped under the master key alone (the form
    /// from before the key vault; its first byte is not 2), with that key.
    async fn cases_without_vault(&self) -> Result<Vec<(Uuid, WrappedKey)>, StoreError>;
    /// Replaces a case's wrapped key by the same data key wrapped through the key vault, if it
    /// is still `old` (compare and set); whether it was replaced.
    async fn rebind_case_key(
        &self,
        case_id: Uuid,
        old: &WrappedKey,
        new: &WrappedKey,
    ) -> Result<bool, StoreError>;
}
