//! Access: memberships, the requests of roles that wait for a decision, and the members lists. Each change commits with its audit entry.

use async_trait::async_trait;
use jiff::Timestamp;
use uuid::Uuid;

use super::StoreError;
use crate::audit::AuditEvent;
use crate::grant::GrantRequest;
use crate::user::Role;

/// A member of an organisation, for assignment and sharing lists.
#[derive(Debug, Clone)]
pub struct Member {
    pub user_id: Uuid,
    pub email: String,
    pub display_name: Option<String>,
    pub org_id: Uuid,
    pub role: Role,
}

/// One role a user holds (or is to hold) in one organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserRole {
    pub user_id: Uuid,
    pub org_id: Uuid,
    pub role: Role,
}

/// Access: memberships, the requests of roles that wait for a decision, and the members lists. Each change commits with its audit entry.
#[async_trait]
pub trait AccessStore: Send + Sync {
    async fn add_membership(&self, held: &UserRole, now: Timestamp) -> Result<(), StoreError>;
    /// Members of the organisations, for assignment and sharing lists.
    async fn members(&self, org_ids: &[Uuid]) -> Result<Vec<Member>, StoreError>;
    /// The roles of disabled accounts in the organisations, for the administrators who may
    /// enable them again (never in assignment or sharing lists).
    async fn disabled_members(&self, org_ids: &[Uuid]) -> Result<Vec<Member>, StoreError>;
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
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// Removes a membership; `NotFound` when it was not held.
    async fn remove_membership(
        &self,
        held: &UserRole,
        audit: &AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
    /// As [`Self::remove_membership`], refused with `Conflict::LastHolder` when the account is
    /// the organisation's last active DPO or administrator — checked in the same transaction,
    /// serialised per organisation, so that two removals at the same moment (two servers) cannot
    /// both pass. The desk's path; the operator's console keeps the unguarded one.
    async fn remove_membership_keeping_last(
        &self,
        held: &UserRole,
        audit: &crate::audit::AuditEvent,
        now: Timestamp,
    ) -> Result<(), StoreError>;
}
