//! The end of a case's life (issue 21): legal holds set and lifted by the DPO, and the
//! retention run that destroys what is due — in `serve` once a day and by `breachdesk retention
//! run`. Destroying a case takes its data key and every row of its content in one transaction
//! and leaves a tombstone: the register's facts without free text, so the register stays
//! complete and the audit chain verifiable.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::investigation::open_entry;
use breachdesk_core::ports::{Conflict, Destruction, Hold, Keyring, StoreError};
use breachdesk_core::register::RegisterEntry;
use breachdesk_core::workflow::Action;
use jiff::Timestamp;
use uuid::Uuid;

use crate::handling::Access;
use crate::{App, AppError};

/// What a retention run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RetentionReport {
    /// Cases destroyed.
    pub destroyed: u64,
    /// Cases due but held meanwhile (a hold set between the listing and the destruction).
    pub held: u64,
}

fn reason_errors(field: &str, reason: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let reason = reason.trim();
    if reason.is_empty() {
        errors.add(field, FieldError::Required);
    } else if reason.chars().count() > 500 {
        errors.add(field, FieldError::TooLong { max: 500 });
    }
    errors
}

impl App {
    /// Sets a legal hold on the case: nothing of it is deleted by any path while it stands.
    /// The DPO's; a reason (the matter, not people) is required, an end is optional and must
    /// lie ahead.
    ///
    /// # Errors
    /// `Forbidden` for anyone but the DPO, `Invalid` for a missing reason or a past end.
    pub async fn hold_case(
        &self,
        access: &Access,
        actor: Uuid,
        reason: &str,
        until: Option<Timestamp>,
    ) -> Result<(), AppError> {
        if !access.may(Action::LegalHold) {
            return Err(AppError::Forbidden);
        }
        let now = self.now();
        let mut errors = reason_errors("reason", reason);
        if until.is_some_and(|u| u <= now) {
            errors.add("until", FieldError::NotAhead);
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let hold = Hold {
            reason: reason.trim().to_owned(),
            until,
            set_by: actor,
            set_at: now,
        };
        let audit = AuditEvent {
            actor: Some(actor),
            org_id: Some(access.case.org_id),
            case_id: Some(access.case.id),
            action: "case.hold",
            detail: until.map_or_else(|| "until lifted".to_owned(), |u| format!("until={u}")),
        };
        self.0
            .store
            .set_hold(access.case.id, Some(&hold), &audit, now)
            .await?;
        Ok(())
    }

    /// Lifts the case's legal hold, with a reason.
    ///
    /// # Errors
    /// As [`App::hold_case`]; `NotFound` when the case has no hold.
    pub async fn lift_hold(
        &self,
        access: &Access,
        actor: Uuid,
        reason: &str,
    ) -> Result<(), AppError> {
        if !access.may(Action::LegalHold) {
            return Err(AppError::Forbidden);
        }
        let errors = reason_errors("reason", reason);
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if access.case.hold.is_none() {
            return Err(AppError::NotFound);
        }
        let audit = AuditEvent {
            actor: Some(actor),
            org_id: Some(access.case.org_id),
            case_id: Some(access.case.id),
            action: "case.hold_lifted",
            detail: String::new(),
        };
        self.0
            .store
            .set_hold(access.case.id, None, &audit, self.now())
            .await?;
        Ok(())
    }

    /// Destroys every case whose retention date has come and that no hold keeps, each with a
    /// tombstone for the register and an audit entry (`case.destroyed`, `retention`).
    ///
    /// # Errors
    /// When the store fails; a case held meanwhile is counted and left.
    pub async fn run_retention(&self) -> Result<RetentionReport, AppError> {
        let store = &self.0.store;
        let now = self.now();
        let mut report = RetentionReport::default();
        for case in store.cases_due(now).await? {
            // The register's facts, from the sealed record while it can still be opened.
            let mut entries = Vec::new();
            if let Ok(key) = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key) {
                for record in store.case_entries(case.id).await? {
                    if let Ok(entry) = open_entry(&key, &record) {
                        entries.push((record, entry));
                    }
                }
            }
            let tombstone = RegisterEntry::of(&case, &entries, None, now).tombstone();
            let destruction = Destruction {
                case_id: case.id,
                tombstone: serde_json::to_string(&tombstone).map_err(|_| AppError::Render)?,
                reason: "retention".into(),
                by: None,
            };
            let audit = AuditEvent {
                actor: None,
                org_id: Some(case.org_id),
                case_id: Some(case.id),
                action: "case.destroyed",
                detail: "retention".into(),
            };
            match store.destroy_case(&destruction, &audit, now).await {
                Ok(()) => {
                    report.destroyed += 1;
                    tracing::info!(case_id = %case.id, "case destroyed at the end of its retention");
                }
                Err(StoreError::Conflict(Conflict::Held)) => report.held += 1,
                // Destroyed by another server's run meanwhile.
                Err(StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(report)
    }
}
