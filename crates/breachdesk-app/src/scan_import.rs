//! A leak scan into a case (`breachdesk case import-scan`): the scanner's subject list becomes
//! the scope's affected categories and exact number of data subjects, saved as a new version of
//! the scope like a handler's save (the earlier versions stay on record), with the category ids
//! on the case row for the register's filter. Only counts and category ids are read from the
//! file; the masked or revealed identifiers in it are not stored here.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::investigation::{Entry, current_scope, open_entry, seal_entry};
use breachdesk_core::ports::{CaseChange, CaseRecord, Keyring};
use breachdesk_core::scope::{ScanFindings, Scope, with_scan};
use uuid::Uuid;

use crate::App;
use crate::error::AppError;

impl App {
    /// Saves the case's scope with the scan's findings merged in ([`with_scan`]) and returns it.
    pub async fn import_scan(
        &self,
        case: &CaseRecord,
        actor: Option<Uuid>,
        found: &ScanFindings,
    ) -> Result<Scope, AppError> {
        let store = &self.0.store;
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let mut entries = Vec::new();
        for e in store.case_entries(case.id).await? {
            let opened = open_entry(&key, &e)?;
            entries.push((e, opened));
        }
        let scope = with_scan(current_scope(&entries), found);
        let entry = Entry::Scope(Box::new(scope.clone()));
        store
            .change_case(
                &CaseChange {
                    case_id: case.id,
                    categories: Some(scope.affected.iter().map(|c| c.id()).collect()),
                    entry: Some(seal_entry(&key, &entry, actor)),
                    ..CaseChange::default()
                },
                &AuditEvent {
                    actor,
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "case.scope",
                    detail: format!(
                        "imported from a scan: subjects={} categories={}",
                        found.subjects,
                        found.categories.len()
                    ),
                },
                self.now(),
            )
            .await?;
        tracing::info!(case_id = %case.id, subjects = found.subjects, "scope imported from a scan");
        Ok(scope)
    }
}
