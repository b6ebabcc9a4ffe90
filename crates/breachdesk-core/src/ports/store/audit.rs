//! The audit trail: one hash chain of every read and change of case content and every sign-in.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::{AuditEvent, AuditRecord};

/// The audit trail: one hash chain of every read and change of case content and every sign-in.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends entries (reads of case content, sign-ins) to the chain.
    async fn append_audit(&self, events: &[AuditEvent], now: Timestamp) -> Result<(), StoreError>;
    /// The whole trail (`case_id: None`) or one case's entries, in sequence order.
    async fn audit_trail(&self, case_id: Option<Uuid>) -> Result<Vec<AuditRecord>, StoreError>;
}
