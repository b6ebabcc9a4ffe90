//! The case page: its reports, workflow, awareness time, scope, assessment and investigation
//! record, and the forms on it. The page's actions live in the submodules (`record`: status,
//! awareness, timeline, scope, tasks, meetings, communications, notification, questions;
//! `attachments`; `sharing`: merge, assignment, shares; `assessment`: the assessment page and
//! decision); a refused action shows this page again with its errors ([`refused`]).

use crate::desk::common::Page;
use crate::desk::common::{
    DISPLAY_ZONE, DeadlineView, Layout, RecordForm, access_or_404, app_error, deadline_view,
    field_errors_text, internal, layout_for, local, local_input, status_label,
};
use crate::desk::session::{self, Desk};
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_app::AppError;
use breachdesk_app::handling::{Access, OpenedCase};
use breachdesk_core::case::CaseStatus;
use breachdesk_core::errors::FieldErrors;
use breachdesk_core::investigation::Entry;
use breachdesk_core::workflow::{Action, TransitionError};
use jiff::Timestamp;
use scope_form::{FormValues, ScopeFormView, scope_lines};
use std::collections::HashMap;
use uuid::Uuid;
use views::{
    AttachmentView, CommView, EventView, Field, MeetingView, PersonView, QuestionView, ReportView,
    TaskView,
};

pub(super) mod assessment;
pub(super) mod attachments;
pub(super) mod record;
pub(super) mod retention;
mod scope_form;
pub(super) mod sharing;
mod views;

// ---------------------------------------------------------------------------------------------
// Case page

/// Errors and submitted values of the form that failed, to show it again.
#[derive(Debug, Default)]
pub struct FormState {
    form: &'static str,
    errors: Vec<String>,
    values: HashMap<String, String>,
    /// The scope form as submitted, when it is shown again.
    scope: Option<FormValues>,
    /// An invitation just made: what to say, and the setup link to hand over when it could not
    /// be mailed (shown this once).
    invited: Option<(String, Option<String>)>,
}

impl FormState {
    fn value(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    /// The errors and values of the record's forms (task, meeting, communication), the one
    /// that failed filled in.
    fn record_forms(
        &self,
    ) -> (
        HashMap<&'static str, Vec<String>>,
        HashMap<&'static str, String>,
    ) {
        let failed = ["task", "meeting", "communication"]
            .into_iter()
            .find(|f| *f == self.form);
        let errors = ["task", "meeting", "communication"]
            .into_iter()
            .map(|f| {
                let e = if failed == Some(f) {
                    self.errors.clone()
                } else {
                    Vec::new()
                };
                (f, e)
            })
            .collect();
        let values = [
            "title",
            "assignee",
            "due",
            "at",
            "zone",
            "participants",
            "minutes",
            "decisions",
            "direction",
            "party",
            "summary",
        ]
        .into_iter()
        .map(|key| (key, failed.map(|f| self.value(f, key)).unwrap_or_default()))
        .collect();
        (errors, values)
    }

    fn errors_of(&self, form: &str) -> Vec<String> {
        if self.form == form {
            self.errors.clone()
        } else {
            Vec::new()
        }
    }
}

// One flag per form the user may or may not see: a page model, not a state machine.
#[allow(clippy::struct_excessive_bools)]
#[derive(Template)]
#[template(path = "desk/case.html")]
struct CasePage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    id: Uuid,
    reference: String,
    org: String,
    status: String,
    deadline: DeadlineView,
    awareness: Option<String>,
    awareness_value: String,
    notified: Option<String>,
    next: Vec<OptionView>,
    zones: Vec<OptionView>,
    may_status: bool,
    may_awareness: bool,
    may_record: bool,
    timeline: Vec<EventView>,
    reports: Vec<ReportView>,
    status_errors: Vec<String>,
    status_reason: String,
    awareness_errors: Vec<String>,
    awareness_reason: String,
    timeline_errors: Vec<String>,
    timeline_at: String,
    timeline_source: String,
    timeline_description: String,
    scope: Vec<Field>,
    scope_saved: Option<String>,
    may_notify: bool,
    notify_errors: Vec<String>,
    notify: HashMap<&'static str, String>,
    tasks: Vec<TaskView>,
    meetings: Vec<MeetingView>,
    communications: Vec<CommView>,
    handlers: Vec<OptionView>,
    record_errors: HashMap<&'static str, Vec<String>>,
    record_values: HashMap<&'static str, String>,
    assignees: Vec<PersonView>,
    shares: Vec<PersonView>,
    questions: Vec<QuestionView>,
    assessment: assessment::AssessmentView,
    assessment_errors: Vec<String>,
    decision_errors: Vec<String>,
    may_decide: bool,
    attachments: Vec<AttachmentView>,
    attachment_errors: Vec<String>,
    max_attachment_mib: usize,
    question_reports: Vec<OptionView>,
    question_errors: Vec<String>,
    question_text: String,
    merged_into: Option<(Uuid, String)>,
    may_merge: bool,
    merge_errors: Vec<String>,
    merge_value: String,
    may_assign: bool,
    may_share: bool,
    people_errors: Vec<String>,
    share_email: String,
    invite_email: String,
    invited: Option<(String, Option<String>)>,
    scope_form: ScopeFormView,
    scope_errors: Vec<String>,
    /// The legal hold standing now: its reason, its end, who set it and when.
    hold: Option<HoldView>,
    may_hold: bool,
    hold_errors: Vec<String>,
    hold_reason: String,
    /// When the case is due for destruction, if it has ended.
    retain_until: Option<String>,
    /// A request to destroy the case early: who, when, why.
    deletion: Option<DeletionView>,
    may_request_deletion: bool,
    may_confirm_deletion: bool,
    deletion_errors: Vec<String>,
    deletion_reason: String,
    /// Reports and attachments the DPO may delete early, and what went so.
    may_delete_early: bool,
    early_items: Vec<OptionView>,
    early_deletions: Vec<views::EarlyDeletionView>,
    early_errors: Vec<String>,
    early_reason: String,
}

#[derive(Debug)]
pub struct DeletionView {
    by: String,
    at: String,
    reason: String,
}

#[derive(Debug)]
pub struct HoldView {
    reason: String,
    until: Option<String>,
    set_at: String,
}

fn zone_options(selected: &str) -> Vec<OptionView> {
    crate::pages::TIME_ZONES
        .iter()
        .map(|z| OptionView {
            value: (*z).to_owned(),
            label: (*z).to_owned(),
            selected: *z == selected,
        })
        .collect()
}

async fn render_case(
    state: &AppState,
    desk: &Desk,
    access: &Access,
    form: &FormState,
    status: StatusCode,
) -> Page {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let opened: OpenedCase = state.open_case(access, desk.user.id, "page").await?;
    let case = &access.case;
    let now = state.now();
    let org = state
        .organisation(case.org_id)
        .await?
        .map_or_else(String::new, |o| o.name);
    let current_scope = opened.entries.iter().rev().find_map(|(record, e)| match e {
        Entry::Scope(s) => Some((record.created_at, s.as_ref())),
        _ => None,
    });
    let members = state.members(&[case.org_id]).await?;
    let name_of = |id: Uuid| {
        members.iter().find(|m| m.user_id == id).map_or_else(
            || id.to_string(),
            |m| m.display_name.clone().unwrap_or(m.email.clone()),
        )
    };
    let views::RecordViews {
        tasks,
        meetings,
        communications,
    } = views::record(tr, &opened, &name_of);
    let (record_errors, record_values) = form.record_forms();
    let handlers = views::handler_options(tr, &members, &form.value("task", "assignee"));
    let assignees = case
        .assignees
        .iter()
        .map(|u| PersonView {
            id: *u,
            name: name_of(*u),
        })
        .collect();
    let mut shares = Vec::new();
    for u in &case.shared_with {
        let name = state
            .account_name(*u)
            .await?
            .unwrap_or_else(|| u.to_string());
        shares.push(PersonView { id: *u, name });
    }
    let notify: HashMap<&'static str, String> = ["at", "zone", "delay_reasons", "reference"]
        .into_iter()
        .map(|k| (k, form.value("notified", k)))
        .collect();
    let scope_values = form.scope.clone().unwrap_or_else(|| {
        current_scope.map_or_else(FormValues::default, |(_, s)| FormValues::of_scope(s))
    });
    let merged = state.merged_reports(case, &desk.principal).await?;
    let reports = views::reports(tr, &opened, &merged, &name_of);
    let next_selected = form.value("status", "to");
    let next = access
        .next_statuses()
        .into_iter()
        .map(|s| OptionView {
            value: s.as_str().to_owned(),
            label: status_label(tr, s),
            selected: s.as_str() == next_selected,
        })
        .collect::<Vec<_>>();
    let zone = form.value("timeline", "zone");
    let zone = if zone.is_empty() {
        DISPLAY_ZONE.to_owned()
    } else {
        zone
    };
    let page = CasePage {
        tr,
        layout: layout_for(state, desk, &format!("/desk/cases/{}", case.id)),
        id: case.id,
        reference: case.reference.clone(),
        org,
        status: status_label(tr, case.status),
        deadline: deadline_view(tr, case, now),
        awareness: case.awareness_at.map(local),
        awareness_value: {
            let v = form.value("awareness", "at");
            if v.is_empty() {
                case.awareness_at.map(local_input).unwrap_or_default()
            } else {
                v
            }
        },
        notified: case.notified_at.map(local),
        may_status: !next.is_empty(),
        next,
        zones: zone_options(&zone),
        may_awareness: access.may(Action::SetAwareness),
        may_record: access.may(Action::EditInvestigation),
        timeline: views::timeline(&opened),
        reports,
        status_errors: form.errors_of("status"),
        status_reason: form.value("status", "reason"),
        awareness_errors: form.errors_of("awareness"),
        awareness_reason: form.value("awareness", "reason"),
        timeline_errors: form.errors_of("timeline"),
        timeline_at: form.value("timeline", "at"),
        timeline_source: form.value("timeline", "source"),
        timeline_description: form.value("timeline", "description"),
        scope: current_scope
            .map(|(_, s)| {
                scope_lines(tr, s)
                    .into_iter()
                    .map(|(label, value)| Field { label, value })
                    .collect()
            })
            .unwrap_or_default(),
        scope_saved: current_scope.map(|(at, _)| tr.t1("desk-scope-saved-by", "time", &local(at))),
        scope_form: ScopeFormView::new(tr, &scope_values),
        may_notify: case.status == CaseStatus::Assessed
            && case.awareness_at.is_some()
            && access.may(Action::RecordNotification),
        notify_errors: form.errors_of("notified"),
        notify,
        tasks,
        meetings,
        communications,
        handlers,
        record_errors,
        record_values,
        assignees,
        shares,
        questions: views::questions(&opened),
        assessment: assessment::build(
            tr,
            &opened.entries,
            (form.form == "assessment").then_some(&form.values),
            &name_of,
            &local,
        ),
        assessment_errors: form.errors_of("assessment"),
        decision_errors: form.errors_of("decision"),
        may_decide: access.may(Action::DecideAssessment),
        attachments: views::attachments(&opened),
        attachment_errors: form.errors_of("attachment"),
        max_attachment_mib: state.0.limits.max_attachment_bytes / (1024 * 1024),
        question_reports: views::question_reports(tr, &opened, &form.value("question", "report")),
        question_errors: form.errors_of("question"),
        question_text: form.value("question", "text"),
        merged_into: opened.entries.iter().rev().find_map(|(_, e)| match e {
            Entry::MergedInto {
                case, reference, ..
            } => Some((*case, reference.clone())),
            _ => None,
        }),
        may_merge: access.may(Action::Merge) && case.merged_into.is_none(),
        merge_errors: form.errors_of("merge"),
        merge_value: form.value("merge", "into"),
        may_assign: access.may(Action::Assign),
        may_share: access.may(Action::Share),
        people_errors: form.errors_of("people"),
        share_email: form.value("people", "email"),
        invite_email: form.value("people", "invite_email"),
        invited: form.invited.clone(),
        scope_errors: form.errors_of("scope"),
        hold: case
            .hold
            .as_ref()
            .filter(|h| h.stands(now))
            .map(|h| HoldView {
                reason: h.reason.clone(),
                until: h.until.map(local),
                set_at: local(h.set_at),
            }),
        may_hold: access.may(Action::LegalHold),
        hold_errors: form.errors_of("hold"),
        hold_reason: form.value("hold", "reason"),
        retain_until: case.retain_until.map(local),
        deletion: case.deletion_request.as_ref().map(|r| DeletionView {
            by: name_of(r.by),
            at: local(r.at),
            reason: r.reason.clone(),
        }),
        may_request_deletion: access.may(Action::RequestDeletion)
            && case.status == CaseStatus::Unfounded,
        may_confirm_deletion: access.may(Action::ConfirmDeletion)
            && case
                .deletion_request
                .as_ref()
                .is_some_and(|r| r.by != desk.user.id),
        deletion_errors: form.errors_of("deletion"),
        deletion_reason: form.value("deletion", "deletion_reason"),
        may_delete_early: access.may(Action::RequestDeletion),
        early_items: views::early_items(tr, &opened, &merged, &form.value("early", "item")),
        early_deletions: views::early_deletions(tr, &opened, &name_of),
        early_errors: form.errors_of("early"),
        early_reason: form.value("early", "early_reason"),
    };
    Ok(crate::pages::html(status, &page, None))
}

pub async fn case_page(State(state): State<AppState>, desk: Desk, Path(id): Path<String>) -> Page {
    let access = access_or_404(&state, &desk, &id).await?;
    render_case(
        &state,
        &desk,
        &access,
        &FormState::default(),
        StatusCode::OK,
    )
    .await
}

/// Turns a refused step into the case page with the form's errors, or the right status.
async fn refused(
    state: &AppState,
    desk: &Desk,
    access: &Access,
    form: &'static str,
    values: HashMap<String, String>,
    e: AppError,
) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let (status, errors) = match e {
        AppError::Forbidden | AppError::Transition(TransitionError::Forbidden { .. }) => {
            return crate::desk::forbidden(state, desk.lang);
        }
        AppError::Transition(t) => {
            let id = match t {
                TransitionError::NotAllowed { .. } => "desk-transition-not-allowed",
                TransitionError::AwarenessRequired => "desk-transition-awareness-required",
                TransitionError::ReasonRequired => "desk-transition-reason-required",
                TransitionError::Forbidden { .. } => "desk-forbidden-text",
            };
            (StatusCode::UNPROCESSABLE_ENTITY, vec![tr.t(id)])
        }
        AppError::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_errors_text(tr, &errors),
        ),
        e if e.is_stale() => (StatusCode::CONFLICT, vec![tr.t("desk-stale")]),
        AppError::Conflict(breachdesk_core::ports::Conflict::Held) => {
            (StatusCode::CONFLICT, vec![tr.t("desk-held-refused")])
        }
        AppError::Conflict(breachdesk_core::ports::Conflict::LastReport) => {
            (StatusCode::CONFLICT, vec![tr.t("desk-early-last-report")])
        }
        e => return app_error(state, desk, &e),
    };
    // The page shows the case as it is now.
    let fresh = match state.access(&desk.principal, access.case.id).await {
        Ok(Some(a)) => a,
        Ok(None) => return crate::desk::not_found(state, desk.lang),
        Err(e) => return internal(&e),
    };
    let form = FormState {
        form,
        errors,
        values,
        ..FormState::default()
    };
    render_case(state, desk, &fresh, &form, status)
        .await
        .into_response()
}

fn done(desk: &Desk, id: Uuid, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/desk/cases/{id}?lang={}#{anchor}",
        desk.lang.as_str()
    ))
    .into_response()
}

/// Adds one entry built from a form, or shows the form again with its errors.
async fn record_entry(
    state: &AppState,
    desk: &Desk,
    id: &str,
    form_name: &'static str,
    form: &RecordForm,
    build: impl FnOnce(&Access, Timestamp) -> Result<Entry, FieldErrors>,
) -> Response {
    let needed = if form_name == "notified" {
        Action::RecordNotification
    } else {
        Action::EditInvestigation
    };
    record_entry_with(state, desk, id, form_name, form, needed, |a, now, _| {
        build(a, now)
    })
    .await
}

/// As [`record_entry`], for a form that needs `action` and, to decide, the case's record (opened
/// only for the assessment decision, which keeps the proposal it decided on).
pub(super) async fn record_entry_with(
    state: &AppState,
    desk: &Desk,
    id: &str,
    form_name: &'static str,
    form: &RecordForm,
    needed: Action,
    build: impl FnOnce(
        &Access,
        Timestamp,
        &[(breachdesk_core::ports::CaseEntryRecord, Entry)],
    ) -> Result<Entry, FieldErrors>,
) -> Response {
    let access = match access_or_404(state, desk, id).await {
        Ok(a) => a,
        Err(r) => return r.into_response(),
    };
    if !session::csrf_ok(&desk.session.csrf_token, form.get("csrf_token")) {
        return crate::desk::forbidden(state, desk.lang);
    }
    if !access.may(needed) {
        return crate::desk::forbidden(state, desk.lang);
    }
    let entries = if form_name == "decision" {
        match state.open_case(&access, desk.user.id, "decision").await {
            Ok(o) => o.entries,
            Err(e) => return internal(&e),
        }
    } else {
        Vec::new()
    };
    let mut values = form.0.clone();
    values.remove("csrf_token");
    let result = match build(&access, state.now(), &entries) {
        Err(errors) => Err(AppError::Invalid(errors)),
        Ok(entry) if form_name == "notified" => {
            state
                .record_notification(&access, desk.user.id, &entry)
                .await
        }
        Ok(entry) if form_name == "decision" => {
            state.record_decision(&access, desk.user.id, &entry).await
        }
        Ok(entry) => state.add_entry(&access, desk.user.id, &entry).await,
    };
    let anchor = match form_name {
        "notified" => "status",
        "question" => "questions",
        "timeline" => "timeline",
        "assessment" | "decision" => "assessment",
        _ => "record",
    };
    match result {
        Ok(()) => done(desk, access.case.id, anchor),
        Err(e) => refused(state, desk, &access, form_name, values, e).await,
    }
}

fn zone_of(form: &RecordForm) -> &str {
    match form.get("zone") {
        "" => DISPLAY_ZONE,
        z => z,
    }
}
