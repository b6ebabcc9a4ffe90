//! An organisation's wording of the notices (its Fluent overrides). The notices of a case are entries of its investigation record ([`super::CaseStore::change_case`]).

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::AuditEvent;
use crate::report::Language;

/// An organisation's Fluent overrides of the notices' wording in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgTemplate {
    pub language: Language,
    /// Fluent source; empty removes the language's overrides.
    pub ftl: String,
}

/// An organisation's wording of the notices (its Fluent overrides). The notices of a case are entries of its investigation record ([`super::CaseStore::change_case`]).
#[async_trait]
pub trait NoticeStore: Send + Sync {
    /// The organisation's Fluent overrides, one per language at most.
    async fn org_templates(&self, org_id: Uuid) -> Result<Vec<OrgTemplate>, StoreError>;
    /// Replaces them (empty text removes a language's) with the audit entry, atomically.
    async fn set_org_templates(
        &self,
        org_id: Uuid,
        templates: &[OrgTemplate],
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
}
