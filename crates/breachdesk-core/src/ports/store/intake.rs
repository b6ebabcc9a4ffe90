//! Intake: a new case with its first report, receipt codes, and the reporter's follow-ups.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::ports::WrappedKey;
use crate::report::{Channel, Language, ReportKind};

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
    /// How it came in.
    pub channel: Channel,
    /// The handler who took it by phone or in person.
    pub taken_by: Option<Uuid>,
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

/// Intake: a new case with its first report, receipt codes, and the reporter's follow-ups.
#[async_trait]
pub trait IntakeStore: Send + Sync {
    /// Creates the case with the next reference number of its organisation and year, and its
    /// first report, in one durable transaction. Returns the case reference.
    async fn insert_intake(
        &self,
        case: &NewCase,
        report: &NewReport,
        year: i16,
    ) -> Result<String, StoreError>;
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
    /// The reports whose new-report alert has not been claimed, oldest first: `(report, case)`.
    async fn unalerted_reports(&self) -> Result<Vec<(Uuid, Uuid)>, StoreError>;
    /// Claims a report's alert before it is sent; `false` when another server claimed it.
    async fn claim_report_alert(
        &self,
        report_id: Uuid,
        case_id: Uuid,
        now: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Gives a claim back (nobody could be reached): the next round tries again.
    async fn unclaim_report_alert(&self, report_id: Uuid) -> Result<(), StoreError>;
}
