//! The use cases of case handling, shared by the desk pages (and, as it grows, the API): who
//! stands where to a case, opening its content (audited), moving it through the workflow,
//! setting the awareness time, adding to the investigation record.

use breachdesk_core::audit::AuditEvent;
use breachdesk_core::case::CaseStatus;
use breachdesk_core::errors::FieldErrors;
use breachdesk_core::intake::{OpenedReport, open_report, open_supplement};
use breachdesk_core::investigation::{Entry, open_entry, seal_entry};
use breachdesk_core::ports::{CaseChange, CaseFilter, CaseRecord, Keyring, NewShare};
use breachdesk_core::report::SupplementBody;
use breachdesk_core::user::{Principal, Role};
use breachdesk_core::workflow::{self, Action, Standing, TransitionError};
use jiff::Timestamp;
use uuid::Uuid;

use crate::App;
use crate::error::AppError;

/// An account a case may be given to by name, and whether its owner has set it up.
struct ShareTarget {
    principal: Principal,
    set_up: bool,
}

/// How many cases one search by system opens at most (the newest first).
pub const SYSTEM_SEARCH_LIMIT: usize = 200;

/// Who was invited to a case, and the setup link to hand over when it could not be mailed.
#[derive(Debug, Clone)]
pub struct Invited {
    pub user_id: Uuid,
    pub setup_link: Option<String>,
    /// The invitation went out by e-mail.
    pub mailed: bool,
}

/// A case and how the user stands to it.
#[derive(Debug, Clone)]
pub struct Access {
    pub case: CaseRecord,
    pub roles: Vec<Role>,
    pub shared: bool,
}

impl Access {
    /// How `principal` stands to `case`: their roles in its organisation, and whether it was
    /// shared with them by name.
    #[must_use]
    pub fn of(principal: &Principal, case: CaseRecord) -> Self {
        let roles: Vec<Role> = principal
            .memberships
            .iter()
            .filter(|m| m.org_id == case.org_id)
            .map(|m| m.role)
            .collect();
        let shared = case.shared_with.contains(&principal.user_id);
        Self {
            case,
            roles,
            shared,
        }
    }

    fn standings(&self) -> impl Iterator<Item = Standing> + '_ {
        self.roles
            .iter()
            .map(|r| Standing::Member(*r))
            .chain(self.shared.then_some(Standing::SharedWith))
    }

    /// May the user do this to the case?
    #[must_use]
    pub fn may(&self, action: Action) -> bool {
        self.standings().any(|s| workflow::may(s, action))
    }

    /// The statuses this user may move the case to now (ignoring reason and awareness, which
    /// the form asks for).
    #[must_use]
    pub fn next_statuses(&self) -> Vec<CaseStatus> {
        workflow::next_statuses(self.case.status)
            .into_iter()
            .filter(|to| {
                self.roles.iter().any(|r| {
                    workflow::check_transition(*r, self.case.status, *to, true, Some("-")).is_ok()
                })
            })
            .collect()
    }

    fn check_transition(&self, to: CaseStatus, reason: Option<&str>) -> Result<(), AppError> {
        let mut first_error = None;
        for r in &self.roles {
            match workflow::check_transition(
                *r,
                self.case.status,
                to,
                self.case.awareness_at.is_some(),
                reason,
            ) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    // A role that may make the move explains better than one that may not.
                    if first_error.is_none()
                        || matches!(first_error, Some(TransitionError::Forbidden { .. }))
                    {
                        first_error = Some(e);
                    }
                }
            }
        }
        Err(first_error.map_or(AppError::Forbidden, AppError::Transition))
    }
}

/// A report with its opened content and the reporter's supplements.
pub type OpenedReportWith = (
    breachdesk_core::ports::ReportRecord,
    OpenedReport,
    Vec<(Uuid, Timestamp, SupplementBody)>,
);

/// A case's content, opened for a reader.
#[derive(Debug)]
pub struct OpenedCase {
    pub reports: Vec<OpenedReportWith>,
    pub entries: Vec<(breachdesk_core::ports::CaseEntryRecord, Entry)>,
}

impl App {
    /// The case as this principal stands to it; `None` when they may not read it (the pages
    /// then answer 404, as if it did not exist).
    pub async fn access(
        &self,
        principal: &Principal,
        id: Uuid,
    ) -> Result<Option<Access>, AppError> {
        let Some(case) = self.0.store.case_by_id(id).await? else {
            return Ok(None);
        };
        // A destroyed case is a tombstone of the register, no longer a case anyone opens.
        if case.destroyed_at.is_some() {
            return Ok(None);
        }
        let access = Access::of(principal, case);
        Ok(access.may(Action::ReadCase).then_some(access))
    }

    /// Opens reports, supplements and the investigation record, and records the read in the
    /// audit trail first: no content leaves without its entry.
    pub async fn open_case(
        &self,
        access: &Access,
        actor: Uuid,
        via: &str,
    ) -> Result<OpenedCase, AppError> {
        let store = &self.0.store;
        let case = &access.case;
        store
            .append_audit(
                &[AuditEvent {
                    actor: Some(actor),
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "case.read",
                    detail: via.to_owned(),
                }],
                self.now(),
            )
            .await?;
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let mut reports = Vec::new();
        for r in store.reports_of_case(case.id).await? {
            let opened = open_report(&key, &r)?;
            let mut supplements = Vec::new();
            for s in store.supplements_of_report(r.id).await? {
                supplements.push((s.id, s.created_at, open_supplement(&key, &s)?));
            }
            reports.push((r, opened, supplements));
        }
        let mut entries = Vec::new();
        for e in store.case_entries(case.id).await? {
            let opened = open_entry(&key, &e)?;
            entries.push((e, opened));
        }
        Ok(OpenedCase { reports, entries })
    }

    async fn apply(
        &self,
        access: &Access,
        actor: Uuid,
        mut change: CaseChange,
        entry: Option<&Entry>,
        action: &'static str,
        detail: String,
    ) -> Result<(), AppError> {
        let case = &access.case;
        if let Some(entry) = entry {
            let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
            change.entry = Some(seal_entry(&key, entry, Some(actor)));
        }
        change.case_id = case.id;
        let audit = AuditEvent {
            actor: Some(actor),
            org_id: Some(case.org_id),
            case_id: Some(case.id),
            action,
            detail,
        };
        self.0
            .store
            .change_case(&change, &audit, self.now())
            .await?;
        tracing::info!(case_id = %case.id, user_id = %actor, action, "case changed");
        Ok(())
    }

    /// Moves the case through the workflow (core decides whether the move is allowed).
    pub async fn move_case(
        &self,
        access: &Access,
        actor: Uuid,
        to: CaseStatus,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        access.check_transition(to, reason)?;
        let from = access.case.status;
        let mut change = CaseChange {
            status: Some(to),
            // Decided on the status the user saw: a move made meanwhile by someone else wins.
            expected_status: Some(from),
            ..CaseChange::default()
        };
        if to == CaseStatus::Unfounded {
            change.notification_required = Some(false);
        } else if from == CaseStatus::Unfounded {
            change.notification_required = None;
        }
        let entry = Entry::status_change(from, to, reason);
        self.apply(
            access,
            actor,
            change,
            Some(&entry),
            "case.status",
            format!("{from}->{to}"),
        )
        .await?;
        // Ending a case starts its retention period; reopening it stops it (issue 21).
        let ends = |s: CaseStatus| matches!(s, CaseStatus::Closed | CaseStatus::Unfounded);
        // Reopening an unfounded case withdraws a request to destroy it early.
        if from == CaseStatus::Unfounded && access.case.deletion_request.is_some() {
            let audit = breachdesk_core::audit::AuditEvent {
                actor: Some(actor),
                org_id: Some(access.case.org_id),
                case_id: Some(access.case.id),
                action: "case.deletion_withdrawn",
                detail: "reopened".into(),
            };
            self.0
                .store
                .set_deletion_request(access.case.id, None, &audit, self.now())
                .await?;
        }
        if ends(to) || ends(from) {
            let retention = self
                .organisation(access.case.org_id)
                .await?
                .map(|o| o.retention)
                .unwrap_or_default();
            self.0
                .store
                .set_retention(access.case.id, retention.until(to, self.now()))
                .await?;
        }
        Ok(())
    }

    /// Sets the awareness time that starts the 72-hour clock; changing it needs a reason.
    pub async fn set_awareness(
        &self,
        access: &Access,
        actor: Uuid,
        at: Timestamp,
        reason: Option<&str>,
    ) -> Result<(), AppError> {
        if !access.may(Action::SetAwareness) {
            return Err(AppError::Forbidden);
        }
        let mut errors = FieldErrors::new();
        if at > self.now() {
            errors.add(
                "awareness_at",
                breachdesk_core::errors::FieldError::InFuture,
            );
        }
        let previous = access.case.awareness_at;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if previous.is_some() && reason.is_none() {
            errors.add("reason", breachdesk_core::errors::FieldError::Required);
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let entry = Entry::Awareness {
            at,
            previous,
            reason: reason.map(str::to_owned),
        };
        let change = CaseChange {
            awareness_at: Some(at),
            ..CaseChange::default()
        };
        let detail = if previous.is_some() { "changed" } else { "set" };
        self.apply(
            access,
            actor,
            change,
            Some(&entry),
            "case.awareness",
            detail.to_owned(),
        )
        .await
    }

    /// Saves the scope (a new version in the record) and the affected category ids on the case.
    pub async fn save_scope(
        &self,
        access: &Access,
        actor: Uuid,
        scope: breachdesk_core::scope::Scope,
    ) -> Result<(), AppError> {
        if !access.may(Action::EditInvestigation) {
            return Err(AppError::Forbidden);
        }
        let change = CaseChange {
            categories: Some(scope.affected.iter().map(|c| c.id()).collect()),
            ..CaseChange::default()
        };
        let detail = format!("{} categories", scope.affected.len());
        let entry = Entry::Scope(Box::new(scope));
        self.apply(access, actor, change, Some(&entry), "case.scope", detail)
            .await
    }

    /// Saves the facts the notices are written from, checked against the current scope (counts
    /// only for affected categories, never-collected data neither affected nor unaffected), a
    /// date of repair not after today in `zone`, and each text in its own language: a Finnish
    /// cause that reads as English is refused, naming the field (`cause_fi`).
    ///
    /// # Errors
    /// `Forbidden` without the right to edit the investigation, `Invalid` naming each field.
    pub async fn save_notice_facts(
        &self,
        access: &Access,
        opened: &OpenedCase,
        actor: Uuid,
        facts: breachdesk_core::notice_facts::NoticeFacts,
        zone: jiff::tz::TimeZone,
    ) -> Result<(), AppError> {
        if !access.may(Action::EditInvestigation) {
            return Err(AppError::Forbidden);
        }
        let scope = breachdesk_core::investigation::current_scope(&opened.entries);
        let (affected, not_affected) = scope.map_or((&[][..], &[][..]), |s| {
            (s.affected.as_slice(), s.not_affected.as_slice())
        });
        let today = self.now().to_zoned(zone).date();
        let mut errors = facts
            .check(affected, not_affected, today)
            .err()
            .unwrap_or_default();
        for (field, text) in facts.texts() {
            for (lang, t) in text.each() {
                if let Some(found) = breachdesk_notify::language::foreign(lang, t) {
                    errors.add(
                        &format!("{field}_{}", lang.as_str()),
                        breachdesk_core::errors::FieldError::WrongLanguage {
                            found: found.as_str(),
                        },
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let detail = format!("{} categories", facts.categories.len());
        let entry = Entry::NoticeFacts(Box::new(facts));
        self.apply(
            access,
            actor,
            CaseChange::default(),
            Some(&entry),
            "case.notice_facts",
            detail,
        )
        .await
    }

    /// Records the notification to the authority and moves the case to `notified` (core checks
    /// the role, the move and the reasons for a delay).
    pub async fn record_notification(
        &self,
        access: &Access,
        actor: Uuid,
        entry: &Entry,
    ) -> Result<(), AppError> {
        let Entry::AuthorityNotified { at, .. } = entry else {
            return Err(AppError::Forbidden);
        };
        if !access.may(Action::RecordNotification) {
            return Err(AppError::Forbidden);
        }
        // A follow-up of a case already notified keeps its status and first notification time.
        let follow_up = access.case.status == CaseStatus::Notified;
        let change = if follow_up {
            CaseChange {
                expected_status: Some(access.case.status),
                ..CaseChange::default()
            }
        } else {
            access.check_transition(CaseStatus::Notified, None)?;
            CaseChange {
                status: Some(CaseStatus::Notified),
                expected_status: Some(access.case.status),
                notified_at: Some(*at),
                notification_required: Some(true),
                ..CaseChange::default()
            }
        };
        let late = access
            .case
            .awareness_at
            .is_some_and(|a| *at > breachdesk_core::deadline::due_at(a));
        self.apply(
            access,
            actor,
            change,
            Some(entry),
            if follow_up {
                "case.notified.follow_up"
            } else {
                "case.notified"
            },
            if late { "late" } else { "in_time" }.to_owned(),
        )
        .await
    }

    /// Merges this case (a duplicate) into another case of the same organisation, named by its
    /// reference. The merged case leaves the dashboard; its reports show on the other case.
    pub async fn merge(
        &self,
        access: &Access,
        principal: &Principal,
        target_reference: &str,
        reason: Option<&str>,
    ) -> Result<CaseRecord, AppError> {
        if !access.may(Action::Merge) {
            return Err(AppError::Forbidden);
        }
        let invalid = |code| {
            let mut e = FieldErrors::new();
            e.add("merge_into", code);
            AppError::Invalid(e)
        };
        let reference = target_reference.trim().to_uppercase();
        if reference.is_empty() {
            return Err(invalid(breachdesk_core::errors::FieldError::Required));
        }
        if access.case.merged_into.is_some() || reference == access.case.reference {
            return Err(invalid(breachdesk_core::errors::FieldError::Contradicts));
        }
        let target = self
            .0
            .store
            .case_by_reference(access.case.org_id, &reference)
            .await?
            .filter(|c| c.reference == reference && c.org_id == access.case.org_id);
        let Some(target) = target else {
            return Err(invalid(breachdesk_core::errors::FieldError::UnknownCase));
        };
        if target.merged_into.is_some() {
            return Err(invalid(breachdesk_core::errors::FieldError::Contradicts));
        }
        let target_access = self
            .access(principal, target.id)
            .await?
            .filter(|a| a.may(Action::Merge));
        if target_access.is_none() {
            return Err(invalid(breachdesk_core::errors::FieldError::UnknownCase));
        }
        let entry = Entry::MergedInto {
            case: target.id,
            reference: target.reference.clone(),
            reason: reason
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        };
        let change = CaseChange {
            merged_into: Some(target.id),
            ..CaseChange::default()
        };
        self.apply(
            access,
            principal.user_id,
            change,
            Some(&entry),
            "case.merge",
            format!("into {}", target.id),
        )
        .await?;
        self.0
            .store
            .append_audit(
                &[AuditEvent {
                    actor: Some(principal.user_id),
                    org_id: Some(target.org_id),
                    case_id: Some(target.id),
                    action: "case.merge",
                    detail: format!("from {}", access.case.id),
                }],
                self.now(),
            )
            .await?;
        Ok(target)
    }

    /// The cases merged into `case` as duplicates (among all of its organisation's cases, not
    /// only the newest a list shows).
    pub(crate) async fn duplicates_of(
        &self,
        case: &CaseRecord,
    ) -> Result<Vec<CaseRecord>, AppError> {
        Ok(self
            .0
            .store
            .find_cases(
                &[case.org_id],
                &CaseFilter {
                    unlimited: true,
                    ..CaseFilter::default()
                },
            )
            .await?
            .into_iter()
            .filter(|c| c.merged_into == Some(case.id))
            .collect())
    }

    /// Reports of the cases merged into this one that the reader may read on their own, opened;
    /// each read is audited on its own case. A merge never widens who reads a report: a handler
    /// of a joint controller with whom only this case is shared does not see the reports of a
    /// merged case that was not shared with them (issue 17).
    pub async fn merged_reports(
        &self,
        case: &CaseRecord,
        principal: &Principal,
    ) -> Result<Vec<(String, OpenedReportWith)>, AppError> {
        let store = &self.0.store;
        let actor = principal.user_id;
        let mut out = Vec::new();
        for merged in self.duplicates_of(case).await? {
            let merged = Access::of(principal, merged);
            if !merged.may(Action::ReadCase) {
                continue;
            }
            let merged = merged.case;
            store
                .append_audit(
                    &[AuditEvent {
                        actor: Some(actor),
                        org_id: Some(merged.org_id),
                        case_id: Some(merged.id),
                        action: "case.read",
                        detail: format!("merged into {}", case.id),
                    }],
                    self.now(),
                )
                .await?;
            let key = self
                .0
                .keyring
                .unwrap_case_key(merged.id, &merged.wrapped_key)?;
            for r in store.reports_of_case(merged.id).await? {
                let opened = open_report(&key, &r)?;
                let mut supplements = Vec::new();
                for s in store.supplements_of_report(r.id).await? {
                    supplements.push((s.id, s.created_at, open_supplement(&key, &s)?));
                }
                out.push((merged.reference.clone(), (r, opened, supplements)));
            }
        }
        Ok(out)
    }

    /// Stores an accepted file, sealed, with its entry in the record.
    pub async fn attach(
        &self,
        access: &Access,
        actor: Uuid,
        file_name: &str,
        content_type: &str,
        description: &str,
        bytes: &[u8],
    ) -> Result<(), AppError> {
        if !access.may(Action::EditInvestigation) {
            return Err(AppError::Forbidden);
        }
        let case = &access.case;
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let (entry, stored) = breachdesk_core::investigation::seal_attachment(
            &key,
            file_name,
            content_type,
            description,
            bytes,
        );
        let change = CaseChange {
            attachment: Some(stored),
            ..CaseChange::default()
        };
        let detail = format!("{content_type} {} bytes", bytes.len());
        self.apply(
            access,
            actor,
            change,
            Some(&entry),
            "case.attachment",
            detail,
        )
        .await
    }

    /// An attachment's name, type and content, for download; the read is audited first.
    pub async fn attachment(
        &self,
        access: &Access,
        actor: Uuid,
        id: Uuid,
    ) -> Result<Option<(String, zeroize::Zeroizing<Vec<u8>>)>, AppError> {
        let case = &access.case;
        // The read is in the audit trail before anything of the case is opened, as in
        // `open_case` (a request for an attachment that turns out not to exist is recorded too).
        self.0
            .store
            .append_audit(
                &[AuditEvent {
                    actor: Some(actor),
                    org_id: Some(case.org_id),
                    case_id: Some(case.id),
                    action: "case.read",
                    detail: format!("attachment {id}"),
                }],
                self.now(),
            )
            .await?;
        let key = self.0.keyring.unwrap_case_key(case.id, &case.wrapped_key)?;
        let mut name = None;
        for e in self.0.store.case_entries(case.id).await? {
            if e.kind == "attachment"
                && let Entry::Attachment {
                    id: a, file_name, ..
                } = open_entry(&key, &e)?
                && a == id
            {
                name = Some(file_name);
            }
        }
        let Some(name) = name else {
            return Ok(None);
        };
        let Some(sealed) = self.0.store.attachment(case.id, id).await? else {
            return Ok(None);
        };
        let bytes = breachdesk_core::investigation::open_attachment(&key, id, &sealed)?;
        Ok(Some((name, bytes)))
    }

    /// Assigns a handler of the case's organisation, or removes an assignment.
    pub async fn assign(
        &self,
        access: &Access,
        actor: Uuid,
        user: Uuid,
        add: bool,
    ) -> Result<(), AppError> {
        if !access.may(Action::Assign) {
            return Err(AppError::Forbidden);
        }
        let handler = self
            .0
            .store
            .members(&[access.case.org_id])
            .await?
            .iter()
            .any(|m| {
                m.user_id == user
                    && matches!(
                        m.role,
                        Role::Dpo | Role::SecurityManager | Role::PrivacyTeam | Role::SecurityTeam
                    )
            });
        if add && !handler {
            let mut e = FieldErrors::new();
            e.add(
                "assignee",
                breachdesk_core::errors::FieldError::InvalidChoice { allowed: &[] },
            );
            return Err(AppError::Invalid(e));
        }
        let change = CaseChange {
            add_assignee: add.then_some(user),
            remove_assignee: (!add).then_some(user),
            ..CaseChange::default()
        };
        let detail = format!("{} {user}", if add { "add" } else { "remove" });
        self.apply(access, actor, change, None, "case.assign", detail)
            .await
    }

    /// Shares the case with a named handler of a joint controller (by e-mail: the account must
    /// exist and belong to another organisation), or ends a share.
    pub async fn share(
        &self,
        access: &Access,
        actor: Uuid,
        email: Option<&str>,
        end: Option<Uuid>,
    ) -> Result<(), AppError> {
        if !access.may(Action::Share) {
            return Err(AppError::Forbidden);
        }
        let invalid = |code| {
            let mut e = FieldErrors::new();
            e.add("share_email", code);
            AppError::Invalid(e)
        };
        let change = if let Some(user) = end {
            CaseChange {
                remove_share: Some(user),
                ..CaseChange::default()
            }
        } else {
            let email = email.unwrap_or_default().trim().to_lowercase();
            if email.is_empty() {
                return Err(invalid(breachdesk_core::errors::FieldError::Required));
            }
            // One answer for an unknown address, a disabled account and an account that
            // handles no other organisation's cases: the form does not tell which addresses
            // have accounts (issue 17). Role-less contacts are reached by an invitation.
            let principal = self
                .shareable(&email, access.case.org_id)
                .await?
                .map_err(invalid)?
                .map(|t| t.principal)
                .filter(|p| p.memberships.iter().any(|m| m.role.reads_case_content()))
                .ok_or_else(|| invalid(breachdesk_core::errors::FieldError::UnknownAccount))?;
            let target = principal;
            CaseChange {
                add_share: Some(NewShare {
                    user_id: target.user_id,
                    granted_by: actor,
                }),
                ..CaseChange::default()
            }
        };
        let detail = match (&change.add_share, &change.remove_share) {
            (Some(share), _) => format!("add {}", share.user_id),
            (_, Some(u)) => format!("remove {u}"),
            _ => String::new(),
        };
        self.apply(access, actor, change, None, "case.share", detail)
            .await
    }

    /// The cases among `candidates` (at most [`SYSTEM_SEARCH_LIMIT`], the caller's order) whose
    /// reports or scope name a system containing `text` (case-insensitive). A system's name is
    /// sealed content, so each case is opened — and that read is in the case's audit trail
    /// (`case.read`, via `search`) like any other: searching is reading. Cases the principal may
    /// not read are skipped unopened.
    ///
    /// # Errors
    /// When the store or a case's key fails.
    pub async fn cases_naming_system(
        &self,
        principal: &Principal,
        candidates: &[Uuid],
        text: &str,
    ) -> Result<Vec<Uuid>, AppError> {
        let needle = text.trim().to_lowercase();
        if needle.is_empty() {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for id in candidates.iter().take(SYSTEM_SEARCH_LIMIT) {
            let Some(access) = self.access(principal, *id).await? else {
                continue;
            };
            if !access.may(Action::ReadCase) {
                continue;
            }
            let opened = self.open_case(&access, principal.user_id, "search").await?;
            let mut systems: Vec<String> = opened
                .reports
                .iter()
                .filter_map(|(_, r, _)| match &r.body {
                    breachdesk_core::report::ReportBody::Breach(f)
                    | breachdesk_core::report::ReportBody::Anonymous(f) => Some(f.system.clone()),
                    breachdesk_core::report::ReportBody::Processor(p) => p.system.clone(),
                    breachdesk_core::report::ReportBody::Email(_) => None,
                })
                .collect();
            if let Some(scope) = breachdesk_core::investigation::current_scope(&opened.entries) {
                systems.push(scope.systems.clone());
            }
            if systems.iter().any(|s| s.to_lowercase().contains(&needle)) {
                found.push(*id);
            }
        }
        Ok(found)
    }

    /// Whether the account of `email` may be given a case of `case_org` by name, one rule for
    /// sharing and inviting: `Ok(None)` when there is no account; refused (the field error)
    /// for a disabled account, the installation's administrator, an account with a role in the
    /// case's own organisation, and one that administers or audits anywhere (separation of
    /// duties: neither is given a case's content by a share).
    async fn shareable(
        &self,
        email: &str,
        case_org: Uuid,
    ) -> Result<Result<Option<ShareTarget>, breachdesk_core::errors::FieldError>, AppError> {
        use breachdesk_core::errors::FieldError;
        let store = &self.0.store;
        let Some(existing) = store.user_auth_by_email(email).await? else {
            return Ok(Ok(None));
        };
        let principal = if existing.disabled || existing.installation_admin {
            None
        } else {
            store.principal_by_user(existing.id).await?
        };
        let Some(principal) = principal else {
            return Ok(Err(FieldError::UnknownAccount));
        };
        if principal.memberships.iter().any(|m| m.org_id == case_org) {
            return Ok(Err(FieldError::OwnOrganisation));
        }
        if principal
            .memberships
            .iter()
            .any(|m| !m.role.reads_case_content() || m.role == Role::Auditor)
        {
            return Ok(Err(FieldError::UnknownAccount));
        }
        Ok(Ok(Some(ShareTarget {
            principal,
            // A password of its own: not the marker of an account made and never set up.
            set_up: !existing.password_hash.starts_with('!'),
        })))
    }

    /// Invites a joint controller's contact (or anyone outside the organisation) to one case by
    /// e-mail address: an account they already have (with no role in this organisation, and no
    /// role that must not read cases — no administrator or auditor elsewhere) gets the share; an
    /// address without an account gets a new account with no role at all and a one-time setup
    /// link (valid for a week), so that it can read this case and the cases shared with it later,
    /// nothing else. Both are told by e-mail in `lang`; a setup link that could not be mailed is
    /// returned for the inviter to hand over. Audited as `case.invite`.
    ///
    /// # Errors
    /// `Forbidden` without the right to share; `Invalid` naming `invite_email` (blank, not an
    /// address, of this organisation, or an account that may not be given cases).
    pub async fn invite_to_case(
        &self,
        access: &Access,
        actor: Uuid,
        email: &str,
        lang: breachdesk_core::report::Language,
    ) -> Result<Invited, AppError> {
        use breachdesk_core::errors::FieldError;
        if !access.may(Action::Share) {
            return Err(AppError::Forbidden);
        }
        let invalid = |code| {
            let mut e = FieldErrors::new();
            e.add("invite_email", code);
            AppError::Invalid(e)
        };
        let email = email.trim().to_lowercase();
        if email.is_empty() {
            return Err(invalid(FieldError::Required));
        }
        if !breachdesk_core::report::is_plausible_email(&email) {
            return Err(invalid(FieldError::InvalidEmail));
        }
        let existing = self
            .shareable(&email, access.case.org_id)
            .await?
            .map_err(invalid)?;
        // An account made by an earlier invitation and never set up (its link lost or expired)
        // gets a fresh link below.
        let never_set_up = existing.as_ref().is_some_and(|t| !t.set_up);
        let (user_id, mut setup_token) = self.ensure_account(&email).await?;
        if setup_token.is_none() && never_set_up {
            setup_token = Some(self.fresh_setup_token(user_id).await?);
        }
        let change = CaseChange {
            add_share: Some(NewShare {
                user_id,
                granted_by: actor,
            }),
            ..CaseChange::default()
        };
        let detail = format!(
            "{} {user_id}",
            if setup_token.is_some() {
                "new"
            } else {
                "existing"
            }
        );
        self.apply(access, actor, change, None, "case.invite", detail)
            .await?;
        let base = &self.0.mail.public_url;
        let case_link = format!("{base}/desk/cases/{}", access.case.id);
        let setup_link = setup_token.map(|t| format!("{base}/setup/{t}"));
        let mailed = self
            .mail_invitation(
                &email,
                &access.case.reference,
                &case_link,
                setup_link.as_deref(),
                lang,
            )
            .await;
        Ok(Invited {
            user_id,
            setup_link: if mailed { None } else { setup_link },
            mailed,
        })
    }

    /// Tells the invited person: the case's reference and address (nothing of its content),
    /// and for a new account the setup link. `false` when there is no mail or it failed.
    async fn mail_invitation(
        &self,
        email: &str,
        reference: &str,
        case_link: &str,
        setup_link: Option<&str>,
        lang: breachdesk_core::report::Language,
    ) -> bool {
        let Some(mailer) = self.0.mail.mailer.clone() else {
            return false;
        };
        let i18n = &*self.0.texts;
        let (subject, body) = if let Some(link) = setup_link {
            let args = [
                ("reference", reference),
                ("case", case_link),
                ("link", link),
            ];
            (
                i18n.message(lang, "invite-mail-subject", &args),
                i18n.message(lang, "invite-mail-body", &args),
            )
        } else {
            let args = [("reference", reference), ("case", case_link)];
            (
                i18n.message(lang, "share-mail-subject", &args),
                i18n.message(lang, "share-mail-body", &args),
            )
        };
        let mail = breachdesk_core::ports::OutgoingMail {
            to: email.to_owned(),
            subject,
            body,
            ..breachdesk_core::ports::OutgoingMail::default()
        };
        if mailer.send(&mail).await.is_ok() {
            true
        } else {
            tracing::warn!("invitation not delivered; the setup link is shown to the inviter");
            false
        }
    }

    /// Records the decision on the assessment; it also settles whether the authority must be
    /// notified, which the deadline follows.
    pub async fn record_decision(
        &self,
        access: &Access,
        actor: Uuid,
        entry: &Entry,
    ) -> Result<(), AppError> {
        let Entry::AssessmentDecision {
            notify_authority,
            accepted,
            ..
        } = entry
        else {
            return Err(AppError::Forbidden);
        };
        if !access.may(Action::DecideAssessment) {
            return Err(AppError::Forbidden);
        }
        let change = CaseChange {
            notification_required: Some(*notify_authority),
            ..CaseChange::default()
        };
        let detail = format!(
            "{} authority={notify_authority}",
            if *accepted { "accepted" } else { "overridden" }
        );
        self.apply(
            access,
            actor,
            change,
            Some(entry),
            "case.assessment",
            detail,
        )
        .await
    }

    /// Records the DPO's approval of one notice version.
    pub async fn approve_notice(
        &self,
        access: &Access,
        actor: Uuid,
        entry: &Entry,
    ) -> Result<(), AppError> {
        let Entry::NoticeApproved {
            notice, version, ..
        } = entry
        else {
            return Err(AppError::Forbidden);
        };
        if !access.may(Action::ApproveNotice) {
            return Err(AppError::Forbidden);
        }
        self.apply(
            access,
            actor,
            CaseChange::default(),
            Some(entry),
            "notice.approved",
            format!("{} v{version}", notice.id()),
        )
        .await
    }

    /// Adds an entry to the investigation record.
    pub async fn add_entry(
        &self,
        access: &Access,
        actor: Uuid,
        entry: &Entry,
    ) -> Result<(), AppError> {
        if !access.may(Action::EditInvestigation) {
            return Err(AppError::Forbidden);
        }
        self.apply(
            access,
            actor,
            CaseChange::default(),
            Some(entry),
            "case.entry",
            entry.kind().to_owned(),
        )
        .await?;
        // A question waits for its reporter on the follow-up page: tell them it is there.
        if let Entry::Question { report, .. } = entry
            && let Err(e) = self.tell_reporter_of_question(&access.case, *report).await
        {
            tracing::warn!(case_id = %access.case.id, error = %e, "the reporter could not be told of a question");
        }
        Ok(())
    }
}

impl App {
    /// The cases a handler may read, newest first: their organisations' cases (for roles that
    /// read cases) and those shared with them by name — as the desk shows them.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn cases_of(
        &self,
        principal: &Principal,
        page: breachdesk_core::ports::Page,
    ) -> Result<Vec<breachdesk_core::case::CaseSummary>, AppError> {
        Ok(self
            .0
            .store
            .list_cases(&principal.readable_orgs(), Some(principal.user_id), page)
            .await?)
    }
}
