//! The end of a case's life (issue 21): legal holds set and lifted by the DPO, and the
//! retention run that destroys what is due — in `serve` once a day and by `breachdesk retention
//! run`. Destroying a case takes its data key and every row of its content in one transaction
//! and leaves a tombstone: the register's facts without free text, so the register stays
//! complete and the audit chain verifiable. Then its key in the key vault is destroyed, so that
//! no older copy — write-ahead log, backup — opens either (crypto-shredding).

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::case::CaseStatus;
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::investigation::{DeletedItem, Entry, open_entry, seal_entry};
use breachdesk_core::ports::{
    CaseRecord, Conflict, DeletionRequest, Destruction, Hold, Keyring, StoreError,
};
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
    /// Case keys from before the key vault bound to it.
    pub bound: u64,
}

/// Early deletion of a part (a recipient list, a report, an attachment): the DPO's, with a reason.
fn may_delete_early(access: &Access, reason: &str) -> Result<(), AppError> {
    if !access.may(Action::RequestDeletion) {
        return Err(AppError::Forbidden);
    }
    let errors = reason_errors("reason", reason);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors))
    }
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

    /// Sets how long the organisation's cases are kept once they end (the DPO's, on the
    /// register page; the operator's `org retention` does the same at the console).
    ///
    /// # Errors
    /// `Forbidden` for anyone but the organisation's DPO; `Refused(BadRetention)` out of range.
    pub async fn set_retention_periods(
        &self,
        principal: &breachdesk_core::user::Principal,
        org_id: Uuid,
        retention: breachdesk_core::retention::Retention,
    ) -> Result<(), AppError> {
        let may = principal.memberships.iter().any(|m| {
            m.org_id == org_id
                && breachdesk_core::workflow::may(
                    breachdesk_core::workflow::Standing::Member(m.role),
                    Action::ImportRegister,
                )
        });
        if !may {
            return Err(AppError::Forbidden);
        }
        if !(1..=100).contains(&retention.years) || !(1..=3650).contains(&retention.unfounded_days)
        {
            return Err(crate::Refusal::BadRetention.into());
        }
        let audit = AuditEvent {
            actor: Some(principal.user_id),
            org_id: Some(org_id),
            case_id: None,
            action: "org.retention",
            detail: format!(
                "years={} unfounded_days={}",
                retention.years, retention.unfounded_days
            ),
        };
        self.0
            .store
            .set_org_retention(org_id, retention, &audit, self.now())
            .await?;
        Ok(())
    }

    /// Asks for the unfounded case to be destroyed before its retention date (the DPO's, with a
    /// reason); a second handler confirms ([`App::confirm_deletion`]).
    ///
    /// # Errors
    /// `Forbidden` for anyone but the DPO; `Invalid` without a reason or for a case that is not
    /// unfounded; `Conflict(Held)` under a legal hold.
    pub async fn request_deletion(
        &self,
        access: &Access,
        actor: Uuid,
        reason: &str,
    ) -> Result<(), AppError> {
        if !access.may(Action::RequestDeletion) {
            return Err(AppError::Forbidden);
        }
        let now = self.now();
        let mut errors = reason_errors("deletion_reason", reason);
        if access.case.status != CaseStatus::Unfounded {
            errors.add(
                "deletion_reason",
                FieldError::InvalidChoice {
                    allowed: &["unfounded"],
                },
            );
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if access.case.hold.as_ref().is_some_and(|h| h.stands(now)) {
            return Err(AppError::Conflict(Conflict::Held));
        }
        let request = DeletionRequest {
            by: actor,
            at: now,
            reason: reason.trim().to_owned(),
        };
        let audit = deletion_event(&access.case, actor, "case.deletion_requested");
        self.0
            .store
            .set_deletion_request(access.case.id, Some(&request), &audit, now)
            .await?;
        Ok(())
    }

    /// Deletes the case's recipient list and its letters before the case's end (early deletion
    /// of the DPO, with a reason): the addresses of people written to need not be kept once the
    /// letters are out. Returns how many recipients went.
    ///
    /// # Errors
    /// `Forbidden` for anyone but the DPO; `Invalid` without a reason; `Conflict(Held)` under a
    /// legal hold.
    pub async fn delete_recipient_list(
        &self,
        access: &Access,
        actor: Uuid,
        reason: &str,
    ) -> Result<u64, AppError> {
        may_delete_early(access, reason)?;
        let audit = AuditEvent {
            actor: Some(actor),
            org_id: Some(access.case.org_id),
            case_id: Some(access.case.id),
            action: "notice.subjects.recipients_deleted",
            detail: "early deletion".into(),
        };
        Ok(self
            .0
            .store
            .delete_recipients(access.case.id, &audit, self.now())
            .await?)
    }

    /// Deletes one report of the case early (the DPO's, with a reason): a report found to be
    /// unneeded — a duplicate, one that holds more than the case needs. Its supplements go with
    /// it; the record keeps a sealed note of what went and why. The case's only report goes
    /// only with the whole case.
    ///
    /// # Errors
    /// `Forbidden` for anyone but the DPO; `Invalid` without a reason; `NotFound` for a report
    /// not the case's; `Conflict(Held)` under a legal hold; `Conflict(LastReport)`.
    pub async fn delete_report(
        &self,
        access: &Access,
        actor: Uuid,
        report_id: Uuid,
        reason: &str,
    ) -> Result<(), AppError> {
        may_delete_early(access, reason)?;
        let case = &access.case;
        let store = &self.0.store;
        // The case's own report and those of the duplicates merged into it (where a second
        // report of a breach ends up).
        let mut reports = store.reports_of_case(case.id).await?;
        for dup in self.duplicates_of(case).await? {
            reports.extend(store.reports_of_case(dup.id).await?);
        }
        let Some(report) = reports.into_iter().find(|r| r.id == report_id) else {
            return Err(AppError::NotFound);
        };
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let note = seal_entry(
            &key,
            &Entry::EarlyDeletion {
                item: DeletedItem::Report,
                id: report_id,
                label: format!(
                    "{} · {}",
                    report.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                    report.kind.as_str()
                ),
                reason: reason.trim().to_owned(),
            },
            Some(actor),
        );
        let audit = AuditEvent {
            actor: Some(actor),
            org_id: Some(case.org_id),
            case_id: Some(case.id),
            action: "case.report_deleted",
            detail: format!("report {report_id}"),
        };
        store
            .delete_report(case.id, report_id, &note, &audit, self.now())
            .await?;
        tracing::info!(case_id = %case.id, %report_id, "report deleted early");
        Ok(())
    }

    /// Deletes one attachment of the case early (the DPO's, with a reason): its content and the
    /// record entry describing it; the record keeps a sealed note of its name and the reason.
    ///
    /// # Errors
    /// `Forbidden` for anyone but the DPO; `Invalid` without a reason; `NotFound` for an
    /// attachment not the case's; `Conflict(Held)` under a legal hold.
    pub async fn delete_attachment(
        &self,
        access: &Access,
        actor: Uuid,
        attachment_id: Uuid,
        reason: &str,
    ) -> Result<(), AppError> {
        may_delete_early(access, reason)?;
        let case = &access.case;
        let store = &self.0.store;
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let mut found = None;
        for record in store.case_entries(case.id).await? {
            if record.kind == "attachment"
                && let Entry::Attachment { id, file_name, .. } = open_entry(&key, &record)?
                && id == attachment_id
            {
                found = Some((record.id, file_name));
            }
        }
        let Some((entry_id, file_name)) = found else {
            return Err(AppError::NotFound);
        };
        let note = seal_entry(
            &key,
            &Entry::EarlyDeletion {
                item: DeletedItem::Attachment,
                id: attachment_id,
                label: file_name,
                reason: reason.trim().to_owned(),
            },
            Some(actor),
        );
        let audit = AuditEvent {
            actor: Some(actor),
            org_id: Some(case.org_id),
            case_id: Some(case.id),
            action: "case.attachment_deleted",
            detail: format!("attachment {attachment_id}"),
        };
        store
            .delete_attachment(case.id, attachment_id, entry_id, &note, &audit, self.now())
            .await?;
        tracing::info!(case_id = %case.id, %attachment_id, "attachment deleted early");
        Ok(())
    }

    /// Withdraws a request of early deletion (the DPO's).
    ///
    /// # Errors
    /// `Forbidden` for anyone but the DPO; `NotFound` without a request.
    pub async fn withdraw_deletion(&self, access: &Access, actor: Uuid) -> Result<(), AppError> {
        if !access.may(Action::RequestDeletion) {
            return Err(AppError::Forbidden);
        }
        if access.case.deletion_request.is_none() {
            return Err(AppError::NotFound);
        }
        let audit = deletion_event(&access.case, actor, "case.deletion_withdrawn");
        self.0
            .store
            .set_deletion_request(access.case.id, None, &audit, self.now())
            .await?;
        Ok(())
    }

    /// Confirms another handler's request: the case is destroyed now, by the confirming handler,
    /// for the request's reason, leaving its tombstone (four eyes: nobody confirms their own
    /// request).
    ///
    /// # Errors
    /// `Forbidden` for anyone but a DPO or the security manager, and for the requester;
    /// `NotFound` without a request; `Conflict(Held)` under a legal hold.
    pub async fn confirm_deletion(&self, access: &Access, actor: Uuid) -> Result<(), AppError> {
        if !access.may(Action::ConfirmDeletion) {
            return Err(AppError::Forbidden);
        }
        let Some(request) = &access.case.deletion_request else {
            return Err(AppError::NotFound);
        };
        if request.by == actor {
            return Err(AppError::Forbidden);
        }
        // Only an unfounded case goes early (a request made before the case was reopened is
        // withdrawn by the reopening; this guards a page loaded before it).
        if access.case.status != CaseStatus::Unfounded {
            return Err(AppError::Conflict(Conflict::CaseStatus));
        }
        let now = self.now();
        let tombstone = self.tombstone_of(&access.case, now).await?;
        let destruction = Destruction {
            case_id: access.case.id,
            tombstone,
            reason: request.reason.clone(),
            by: Some(actor),
        };
        let audit = deletion_event(&access.case, actor, "case.destroyed");
        let destroyed = self.0.store.destroy_case(&destruction, &audit, now).await?;
        self.shred(&destroyed);
        tracing::info!(case_id = %access.case.id, "case destroyed early on request");
        Ok(())
    }

    /// Destroys the vault keys of cases whose rows are gone: from then on no copy of them
    /// (database, log, backup) opens. After the rows, never before: a hold set meanwhile makes
    /// the store refuse, and the key must then stay.
    /// A vault that cannot be written now is logged, not an error: the case is destroyed (its
    /// rows are gone), and the next retention run's sweep destroys the key.
    fn shred(&self, cases: &[Uuid]) {
        for case in cases {
            if let Err(e) = self.0.keyring.destroy_case_key(*case) {
                tracing::error!(case_id = %case, error = %e, "vault key not destroyed yet; the next retention run sweeps it");
            }
        }
    }

    /// Binds every case key still wrapped under the master key alone (from before the key
    /// vault) to the vault, so that destroying the case shreds it; returns how many. Safe to
    /// run on several servers at once (compare and set; a key bound twice leaves one unused
    /// vault file).
    ///
    /// # Errors
    /// When the store or the vault fails.
    pub async fn bind_case_keys(&self) -> Result<u64, AppError> {
        let store = &self.0.store;
        let mut n = 0;
        for (case_id, old) in store.cases_without_vault().await? {
            // One case's key that does not bind (damaged, or its vault key destroyed after this
            // database was restored) is named in the log and left; the rest go on.
            let new = match self.0.keyring.bind_to_vault(case_id, &old) {
                Ok(Some(new)) => new,
                // No vault: nothing to bind to.
                Ok(None) => return Ok(0),
                Err(e) => {
                    tracing::error!(%case_id, error = %e, "case key not bound to the key vault");
                    continue;
                }
            };
            if store.rebind_case_key(case_id, &old, &new).await? {
                n += 1;
            }
        }
        if n > 0 {
            tracing::info!(cases = n, "case keys bound to the key vault");
        }
        Ok(n)
    }

    /// The register's facts of a case about to be destroyed, without free text, as JSON.
    async fn tombstone_of(&self, case: &CaseRecord, now: Timestamp) -> Result<String, AppError> {
        let store = &self.0.store;
        let mut entries = Vec::new();
        if let Ok(key) = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key) {
            for record in store.case_entries(case.id).await? {
                if let Ok(entry) = open_entry(&key, &record) {
                    entries.push((record, entry));
                }
            }
        }
        let tombstone = RegisterEntry::of(case, &entries, None, now).tombstone();
        serde_json::to_string(&tombstone).map_err(|_| AppError::Render)
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
        // A key a crash left behind between a destruction's commit and its shredding; a vault
        // that cannot be written now does not stop what is due (the next run sweeps again).
        for case in store.destroyed_case_ids().await? {
            if let Err(e) = self.0.keyring.destroy_case_key(case) {
                tracing::error!(case_id = %case, error = %e, "vault key of a destroyed case not destroyed");
            }
        }
        report.bound = self.bind_case_keys().await?;
        for case in store.cases_due(now).await? {
            // The register's facts, from the sealed record while it can still be opened.
            let destruction = Destruction {
                case_id: case.id,
                tombstone: self.tombstone_of(&case, now).await?,
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
                Ok(destroyed) => {
                    self.shred(&destroyed);
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

fn deletion_event(case: &CaseRecord, actor: Uuid, action: &'static str) -> AuditEvent {
    AuditEvent {
        actor: Some(actor),
        org_id: Some(case.org_id),
        case_id: Some(case.id),
        action,
        detail: if action == "case.destroyed" {
            "early".into()
        } else {
            String::new()
        },
    }
}
