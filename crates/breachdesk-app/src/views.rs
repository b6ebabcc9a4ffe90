//! What the desk's pages read besides a case itself (moved out of the web crate's handlers,
//! issue 19): organisations, members, account names, the cases a handler may see, a case's
//! tasks, reports and audit trail. Each read is for a handler the page has already let in; the
//! case lists apply the same rule as the case page (the organisations' cases for roles that
//! read cases, and cases shared by name).

use breachdesk_core::audit::AuditRecord;
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{CaseFilter, CaseRecord, Member};
use breachdesk_core::user::{Principal, Role};
use uuid::Uuid;

use crate::{App, AppError};

impl App {
    /// Every organisation of the installation.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn organisations(&self) -> Result<Vec<Organisation>, AppError> {
        Ok(self.0.store.organisations().await?)
    }

    /// The members (with their roles) of these organisations.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn members(&self, org_ids: &[Uuid]) -> Result<Vec<Member>, AppError> {
        Ok(self.0.store.members(org_ids).await?)
    }

    /// How an account is named to colleagues: "Name <address>", or the address.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn account_name(&self, id: Uuid) -> Result<Option<String>, AppError> {
        Ok(self.0.store.user_auth_by_id(id).await?.map(|a| {
            a.display_name
                .map_or(a.email.clone(), |n| format!("{n} <{}>", a.email))
        }))
    }

    /// The cases a handler may see that match `filter`: their organisations' cases (roles that
    /// read cases) and those shared with them by name.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn search_cases(
        &self,
        principal: &Principal,
        filter: CaseFilter,
    ) -> Result<Vec<CaseRecord>, AppError> {
        let filter = CaseFilter {
            shared_with: Some(principal.user_id),
            ..filter
        };
        Ok(self
            .0
            .store
            .find_cases(&principal.readable_orgs(), &filter)
            .await?)
    }

    /// Who may be assigned a task of the case: the handlers of its organisation whose role reads
    /// case content, auditors excepted.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn assignable_handlers(&self, case_id: Uuid) -> Result<Vec<Uuid>, AppError> {
        let Some(case) = self.0.store.case_by_id(case_id).await? else {
            return Ok(Vec::new());
        };
        Ok(self
            .0
            .store
            .members(&[case.org_id])
            .await?
            .into_iter()
            .filter(|m| {
                // The case's handlers: those who investigate (not the auditor, not the
                // letters' delegate).
                matches!(
                    m.role,
                    Role::Dpo | Role::SecurityManager | Role::PrivacyTeam | Role::SecurityTeam
                )
            })
            .map(|m| m.user_id)
            .collect())
    }

    /// Is `task` a task entry of the case?
    ///
    /// # Errors
    /// When the store fails.
    pub async fn has_task(&self, case_id: Uuid, task: Uuid) -> Result<bool, AppError> {
        Ok(self
            .0
            .store
            .case_entries(case_id)
            .await?
            .iter()
            .any(|e| e.id == task && e.kind == "task"))
    }

    /// The ids of the case's reports.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn report_ids(&self, case_id: Uuid) -> Result<Vec<Uuid>, AppError> {
        Ok(self
            .0
            .store
            .reports_of_case(case_id)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect())
    }

    /// The case's audit trail and the members of its organisation (to name the actors).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn case_history(
        &self,
        case: &CaseRecord,
    ) -> Result<(Vec<AuditRecord>, Vec<Member>), AppError> {
        let trail = self.0.store.audit_trail(Some(case.id)).await?;
        let members = self.0.store.members(&[case.org_id]).await?;
        Ok((trail, members))
    }
}
