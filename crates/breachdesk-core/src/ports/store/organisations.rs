//! Organisations: creating them and finding them by slug.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::org::{NewOrganisation, Organisation};

/// Organisations: creating them and finding them by slug.
#[async_trait]
pub trait OrganisationStore: Send + Sync {
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
    /// Sets the organisation's name and its Swedish and English names, with the audit entry.
    async fn set_org_names(
        &self,
        org_id: Uuid,
        names: &crate::org::OrgName,
        audit: &crate::audit::AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Sets how long the organisation's cases are kept once they end (issue 21), with its audit
    /// entry. Cases already ended keep the date they got.
    async fn set_org_retention(
        &self,
        org_id: Uuid,
        retention: crate::retention::Retention,
        audit: &crate::audit::AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
}
