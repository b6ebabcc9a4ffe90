//! The dashboard, the case page and its forms, the case history.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_core::case::CaseStatus;
use breachdesk_core::deadline::{self, DeadlineState};
use breachdesk_core::errors::FieldErrors;
use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{CaseFilter, CaseRecord};
use breachdesk_core::workflow::{Action, TransitionError};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use uuid::Uuid;

use super::scope_form::{FormValues, ScopeFormView, scope_lines};
use super::session::{self, Desk};
use crate::pages::view::{LangLink, OptionView, Tr, language_links};
use crate::state::AppState;
use breachdesk_app::handling::{Access, HandlingError, OpenedCase};

/// The zone times are shown in, and the default of the time-zone choices.
pub(super) const DISPLAY_ZONE: &str = "Europe/Helsinki";

pub(super) fn internal(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "desk request failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

pub(super) fn local(t: Timestamp) -> String {
    let tz = TimeZone::get(DISPLAY_ZONE).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// The value of a `datetime-local` input for a time.
pub(super) fn local_input(t: Timestamp) -> String {
    let tz = TimeZone::get(DISPLAY_ZONE).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

fn not_required(case: &CaseRecord) -> bool {
    case.status == CaseStatus::Unfounded || case.notification_required == Some(false)
}

fn deadline_of(case: &CaseRecord, now: Timestamp) -> DeadlineState {
    deadline::state(case.awareness_at, case.notified_at, not_required(case), now)
}

/// The deadline in words, and its CSS class.
#[derive(Debug, Clone)]
pub struct DeadlineView {
    pub state: &'static str,
    pub text: String,
    pub due: Option<String>,
}

fn deadline_view(tr: Tr<'_>, case: &CaseRecord, now: Timestamp) -> DeadlineView {
    let st = deadline_of(case, now);
    let text = match st {
        DeadlineState::Running { left } | DeadlineState::Approaching { left } => {
            tr.t1("desk-deadline-left", "time", &deadline::human(left))
        }
        DeadlineState::Overdue { by } => {
            tr.t1("desk-deadline-overdue", "time", &deadline::human(by))
        }
        DeadlineState::MetLate { by } => {
            tr.t1("desk-deadline-met-late", "time", &deadline::human(by))
        }
        other => tr.t(&format!("desk-deadline-{}", other.id())),
    };
    DeadlineView {
        state: st.id(),
        text,
        due: case.awareness_at.map(|a| local(deadline::due_at(a))),
    }
}

fn status_label(tr: Tr<'_>, s: CaseStatus) -> String {
    tr.t(&format!("status-{}", s.as_str()))
}

pub(super) fn layout_for(state: &AppState, desk: &Desk, base: &str) -> Layout {
    layout(state, desk, base)
}

fn layout(state: &AppState, desk: &Desk, base: &str) -> Layout {
    Layout {
        admin: desk.administers(),
        roles: desk.administers()
            || desk
                .principal
                .memberships
                .iter()
                .any(|m| m.role == breachdesk_core::user::Role::Dpo),
        user: desk
            .user
            .display_name
            .clone()
            .unwrap_or_else(|| desk.user.email.clone()),
        csrf: desk.session.csrf_token.clone(),
        switch: language_links(&state.0.i18n, desk.lang, base),
    }
}

/// What every desk page shows around its content.
#[derive(Debug)]
pub struct Layout {
    /// Show the link to administration.
    pub admin: bool,
    /// Show the link to roles waiting for a decision (DPOs and administrators).
    pub roles: bool,
    pub user: String,
    pub csrf: String,
    pub switch: Vec<LangLink>,
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[derive(Debug, Deserialize, Default)]
pub struct DashQuery {
    status: Option<String>,
    org: Option<String>,
    from: Option<String>,
    to: Option<String>,
    category: Option<String>,
    deadline: Option<String>,
    q: Option<String>,
}

#[derive(Debug)]
pub struct Row {
    id: Uuid,
    reference: String,
    org: String,
    status: String,
    deadline: DeadlineView,
    received: String,
}

#[derive(Template)]
#[template(path = "desk/dashboard.html")]
struct DashboardPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    rows: Vec<Row>,
    statuses: Vec<OptionView>,
    orgs: Vec<OptionView>,
    deadlines: Vec<OptionView>,
    categories: Vec<OptionView>,
    from: String,
    to: String,
    q: String,
    errors: Vec<String>,
    reads_nothing: bool,
    administers: bool,
}

/// Category ids a filter can ask for: the assessment engine's.
fn category_ids() -> Vec<String> {
    breachdesk_core::assessment::DataCategory::ALL
        .iter()
        .map(|c| c.id())
        .collect()
}

fn date_bound(s: Option<&str>, end_of_day: bool) -> Result<Option<Timestamp>, ()> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let d: jiff::civil::Date = s.parse().map_err(|_| ())?;
    let tz = TimeZone::get(DISPLAY_ZONE).unwrap_or(TimeZone::UTC);
    let z = if end_of_day {
        d.tomorrow().map_err(|_| ())?.to_zoned(tz)
    } else {
        d.to_zoned(tz)
    };
    z.map(|z| Some(z.timestamp())).map_err(|_| ())
}

/// Ordering of the dashboard: running clocks by deadline (overdue first), then cases whose
/// clock has not started (oldest first, they wait for triage), then the rest.
fn sort_key(case: &CaseRecord, now: Timestamp) -> (u8, Timestamp) {
    match deadline_of(case, now) {
        DeadlineState::Overdue { .. }
        | DeadlineState::Approaching { .. }
        | DeadlineState::Running { .. } => (
            0,
            case.awareness_at.map_or(case.created_at, deadline::due_at),
        ),
        DeadlineState::NotStarted => (1, case.created_at),
        _ => (2, case.created_at),
    }
}

pub async fn dashboard(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<DashQuery>,
) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let now = state.now();
    let mut errors = Vec::new();
    let status_filter = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .unwrap_or("open");
    let status = match status_filter {
        "open" | "all" => None,
        s => {
            let parsed = s.parse::<CaseStatus>().ok();
            if parsed.is_none() {
                errors.push(tr.t("desk-filter-invalid-status"));
            }
            parsed
        }
    };
    let from = date_bound(q.from.as_deref(), false).unwrap_or_else(|()| {
        errors.push(tr.t("desk-filter-invalid-date"));
        None
    });
    let to = date_bound(q.to.as_deref(), true).unwrap_or_else(|()| {
        errors.push(tr.t("desk-filter-invalid-date"));
        None
    });
    let categories = category_ids();
    let category = q
        .category
        .as_deref()
        .filter(|c| !c.is_empty())
        .and_then(|c| {
            if categories.iter().any(|x| x == c) {
                Some(c.to_owned())
            } else {
                errors.push(tr.t("desk-filter-invalid-category"));
                None
            }
        });
    let deadline_states = [
        "overdue",
        "approaching",
        "running",
        "not_started",
        "met",
        "met_late",
        "not_required",
    ];
    let deadline_filter = q.deadline.as_deref().filter(|d| !d.is_empty());
    if deadline_filter.is_some_and(|d| !deadline_states.contains(&d)) {
        errors.push(tr.t("desk-filter-invalid-deadline"));
    }
    let readable = desk.principal.readable_orgs();
    let all_orgs = match state.organisations().await {
        Ok(o) => o,
        Err(e) => return internal(&e),
    };
    let org_names: HashMap<Uuid, &Organisation> = all_orgs.iter().map(|o| (o.id, o)).collect();
    let org_filter = q.org.as_deref().filter(|o| !o.is_empty()).and_then(|slug| {
        all_orgs
            .iter()
            .find(|o| o.slug.as_str() == slug)
            .map(|o| o.id)
    });
    let filter = CaseFilter {
        status,
        created_from: from,
        created_to: to,
        category: category.clone(),
        shared_with: Some(desk.user.id),
    };
    let mut cases = match state.search_cases(&desk.principal, filter).await {
        Ok(c) => c,
        Err(e) => return internal(&e),
    };
    let search =
        q.q.as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_uppercase();
    cases.retain(|c| {
        (status_filter != "open" || !matches!(c.status, CaseStatus::Closed | CaseStatus::Unfounded))
            && c.merged_into.is_none()
            && org_filter.is_none_or(|o| c.org_id == o)
            && deadline_filter.is_none_or(|d| deadline_of(c, now).id() == d)
            && (search.is_empty() || c.reference.contains(&search))
    });
    cases.sort_by_key(|c| sort_key(c, now));
    let rows = cases
        .iter()
        .map(|c| Row {
            id: c.id,
            reference: c.reference.clone(),
            org: org_names
                .get(&c.org_id)
                .map_or_else(String::new, |o| o.name.clone()),
            status: status_label(tr, c.status),
            deadline: deadline_view(tr, c, now),
            received: local(c.created_at),
        })
        .collect();
    let opt = |value: &str, label: String, current: Option<&str>| OptionView {
        value: value.to_owned(),
        label,
        selected: current == Some(value),
    };
    let mut statuses = vec![
        opt("open", tr.t("desk-filter-open"), Some(status_filter)),
        opt("all", tr.t("desk-filter-all"), Some(status_filter)),
    ];
    statuses.extend(
        CaseStatus::ALL
            .iter()
            .map(|s| opt(s.as_str(), status_label(tr, *s), Some(status_filter))),
    );
    let mut orgs = vec![opt("", tr.t("desk-filter-any"), q.org.as_deref())];
    orgs.extend(
        all_orgs
            .iter()
            .filter(|o| readable.contains(&o.id))
            .map(|o| opt(o.slug.as_str(), o.name.clone(), q.org.as_deref())),
    );
    let mut deadlines = vec![opt("", tr.t("desk-filter-any"), deadline_filter)];
    deadlines.extend(deadline_states.iter().map(|d| {
        opt(
            d,
            tr.t(&format!("desk-deadline-state-{d}")),
            deadline_filter,
        )
    }));
    let mut category_options = vec![opt("", tr.t("desk-filter-any"), category.as_deref())];
    category_options.extend(categories.iter().map(|c| {
        opt(
            c,
            breachdesk_core::assessment::term(desk.lang, c),
            category.as_deref(),
        )
    }));
    let page = DashboardPage {
        tr,
        layout: layout(&state, &desk, "/desk"),
        rows,
        statuses,
        orgs,
        deadlines,
        categories: category_options,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        q: q.q.clone().unwrap_or_default(),
        reads_nothing: readable.is_empty() && !desk.principal.memberships.is_empty()
            || desk.principal.memberships.is_empty(),
        administers: desk.administers(),
        errors: errors.clone(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    crate::pages::html(status, &page, None)
}

// ---------------------------------------------------------------------------------------------
// Case page

#[derive(Debug)]
pub struct Field {
    label: String,
    value: String,
}

#[derive(Debug)]
pub struct ReportView {
    /// The reference of the merged duplicate it came from.
    from: Option<String>,
    kind: String,
    received: String,
    fields: Vec<Field>,
    supplements: Vec<Field>,
}

#[derive(Debug)]
pub struct EventView {
    at: String,
    source: String,
    description: String,
}

/// Errors and submitted values of the form that failed, to show it again.
#[derive(Debug, Default)]
pub struct FormState {
    form: &'static str,
    errors: Vec<String>,
    values: HashMap<String, String>,
    /// The scope form as submitted, when it is shown again.
    scope: Option<FormValues>,
}

impl FormState {
    fn value(&self, form: &str, field: &str) -> String {
        if self.form == form {
            self.values.get(field).cloned().unwrap_or_default()
        } else {
            String::new()
        }
    }

    fn errors_of(&self, form: &str) -> Vec<String> {
        if self.form == form {
            self.errors.clone()
        } else {
            Vec::new()
        }
    }
}

#[derive(Debug)]
pub struct AttachmentView {
    id: Uuid,
    file_name: String,
    content_type: String,
    size: String,
    sha256: String,
    description: String,
    added: String,
}

#[derive(Debug)]
pub struct QuestionView {
    asked: String,
    text: String,
    answers: Vec<Field>,
}

#[derive(Debug)]
pub struct PersonView {
    id: Uuid,
    name: String,
}

#[derive(Debug)]
pub struct TaskView {
    id: Uuid,
    title: String,
    assignee: String,
    due: String,
    done: bool,
}

#[derive(Debug)]
pub struct MeetingView {
    at: String,
    participants: String,
    minutes: String,
    decisions: String,
}

#[derive(Debug)]
pub struct CommView {
    at: String,
    direction: String,
    party: String,
    summary: String,
}

/// "12.5 KiB", "3.2 MiB": sizes for people, in tenths.
fn size_text(bytes: u64) -> String {
    let (unit, div) = if bytes >= 1024 * 1024 {
        ("MiB", 1024 * 1024)
    } else {
        ("KiB", 1024)
    };
    let tenths = bytes * 10 / div;
    format!("{}.{} {unit}", tenths / 10, tenths % 10)
}

fn zoned_text(at: &str) -> String {
    at.parse::<jiff::Zoned>().map_or_else(
        |_| at.to_owned(),
        |z| z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
    )
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
    assessment: super::assess::AssessmentView,
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
    scope_form: ScopeFormView,
    scope_errors: Vec<String>,
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(json_text).collect::<Vec<_>>().join(", "),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn fields_of(tr: Tr<'_>, v: &serde_json::Value) -> Vec<Field> {
    let serde_json::Value::Object(map) = v else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, v)| *k != "kind" && !v.is_null())
        .map(|(k, v)| Field {
            label: tr.t(&format!("field-{k}")),
            value: json_text(v),
        })
        .collect()
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
) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let opened: OpenedCase = match state.open_case(access, desk.user.id, "page").await {
        Ok(o) => o,
        Err(e) => return internal(&e),
    };
    let case = &access.case;
    let now = state.now();
    let org = match state.organisation(case.org_id).await {
        Ok(o) => o.map_or_else(String::new, |o| o.name),
        Err(e) => return internal(&e),
    };
    let mut timeline: Vec<(Timestamp, EventView)> = opened
        .entries
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::TimelineEvent {
                at,
                source,
                description,
            } => {
                let z: jiff::Zoned = at.parse().ok()?;
                Some((
                    z.timestamp(),
                    EventView {
                        at: z.strftime("%Y-%m-%d %H:%M %Z").to_string(),
                        source: source.clone(),
                        description: description.clone(),
                    },
                ))
            }
            _ => None,
        })
        .collect();
    timeline.sort_by_key(|(t, _)| *t);
    let current_scope = opened.entries.iter().rev().find_map(|(record, e)| match e {
        Entry::Scope(s) => Some((record.created_at, s.as_ref())),
        _ => None,
    });
    let members = match state.members(&[case.org_id]).await {
        Ok(m) => m,
        Err(e) => return internal(&e),
    };
    let name_of = |id: Uuid| {
        members.iter().find(|m| m.user_id == id).map_or_else(
            || id.to_string(),
            |m| m.display_name.clone().unwrap_or(m.email.clone()),
        )
    };
    let done_tasks: Vec<Uuid> = opened
        .entries
        .iter()
        .filter_map(|(_, e)| match e {
            Entry::TaskDone { task } => Some(*task),
            _ => None,
        })
        .collect();
    let mut tasks = Vec::new();
    let mut meetings = Vec::new();
    let mut communications = Vec::new();
    for (record, e) in &opened.entries {
        match e {
            Entry::Task {
                title,
                assignee,
                due,
            } => tasks.push(TaskView {
                id: record.id,
                title: title.clone(),
                assignee: assignee.map(name_of).unwrap_or_default(),
                due: due.map(|d| d.to_string()).unwrap_or_default(),
                done: done_tasks.contains(&record.id),
            }),
            Entry::Meeting {
                at,
                participants,
                minutes,
                decisions,
            } => meetings.push(MeetingView {
                at: zoned_text(at),
                participants: participants.clone(),
                minutes: minutes.clone(),
                decisions: decisions.clone(),
            }),
            Entry::Communication {
                at,
                direction,
                party,
                summary,
            } => communications.push(CommView {
                at: zoned_text(at),
                direction: tr.t(match direction {
                    investigation::Direction::Incoming => "desk-comm-incoming",
                    investigation::Direction::Outgoing => "desk-comm-outgoing",
                }),
                party: party.clone(),
                summary: summary.clone(),
            }),
            _ => {}
        }
    }
    let record_form = ["task", "meeting", "communication"]
        .into_iter()
        .find(|f| *f == form.form);
    let mut record_errors: HashMap<&'static str, Vec<String>> = HashMap::new();
    let mut record_values: HashMap<&'static str, String> = HashMap::new();
    if let Some(f) = record_form {
        record_errors.insert(f, form.errors.clone());
    }
    for key in [
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
    ] {
        record_values.insert(
            key,
            record_form.map(|f| form.value(f, key)).unwrap_or_default(),
        );
    }
    for f in ["task", "meeting", "communication"] {
        record_errors.entry(f).or_default();
    }
    let selected_assignee = form.value("task", "assignee");
    let mut handlers = vec![OptionView {
        value: String::new(),
        label: tr.t("desk-task-nobody"),
        selected: selected_assignee.is_empty(),
    }];
    handlers.extend(
        members
            .iter()
            .filter(|m| {
                matches!(
                    m.role,
                    breachdesk_core::user::Role::Dpo
                        | breachdesk_core::user::Role::SecurityManager
                        | breachdesk_core::user::Role::PrivacyTeam
                        | breachdesk_core::user::Role::SecurityTeam
                )
            })
            .map(|m| OptionView {
                value: m.user_id.to_string(),
                label: m.display_name.clone().unwrap_or(m.email.clone()),
                selected: selected_assignee == m.user_id.to_string(),
            }),
    );
    handlers.dedup_by(|a, b| a.value == b.value);
    let attachments = opened
        .entries
        .iter()
        .filter_map(|(record, e)| match e {
            Entry::Attachment {
                id,
                file_name,
                content_type,
                size,
                sha256,
                description,
            } => Some(AttachmentView {
                id: *id,
                file_name: file_name.clone(),
                content_type: content_type.clone(),
                size: size_text(*size),
                sha256: sha256.clone(),
                description: description.clone(),
                added: local(record.created_at),
            }),
            _ => None,
        })
        .collect();
    let mut questions = Vec::new();
    for (record, e) in &opened.entries {
        if let Entry::Question { report, text } = e {
            let answers = opened
                .reports
                .iter()
                .filter(|(r, _, _)| r.id == *report)
                .flat_map(|(_, _, sups)| sups.iter())
                .filter(|(_, _, s)| s.answers == Some(record.id))
                .map(|(_, at, s)| Field {
                    label: local(*at),
                    value: s.text.clone(),
                })
                .collect();
            questions.push(QuestionView {
                asked: local(record.created_at),
                text: text.clone(),
                answers,
            });
        }
    }
    let question_reports = opened
        .reports
        .iter()
        .map(|(r, _, _)| OptionView {
            value: r.id.to_string(),
            label: format!(
                "{} — {}",
                tr.t(&format!("kind-{}", r.kind.as_str())),
                local(r.created_at)
            ),
            selected: form.value("question", "report") == r.id.to_string(),
        })
        .collect();
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
        let name = match state.account_name(*u).await {
            Ok(Some(name)) => name,
            Ok(None) => u.to_string(),
            Err(e) => return internal(&e),
        };
        shares.push(PersonView { id: *u, name });
    }
    let notify: HashMap<&'static str, String> = ["at", "zone", "delay_reasons", "reference"]
        .into_iter()
        .map(|k| (k, form.value("notified", k)))
        .collect();
    let scope_values = form.scope.clone().unwrap_or_else(|| {
        current_scope.map_or_else(FormValues::default, |(_, s)| FormValues::of_scope(s))
    });
    let merged = match state.merged_reports(case, &desk.principal).await {
        Ok(m) => m,
        Err(e) => return internal(&e),
    };
    let reports = opened
        .reports
        .iter()
        .map(|x| (None, x))
        .chain(
            merged
                .iter()
                .map(|(reference, x)| (Some(reference.clone()), x)),
        )
        .map(|(from, (r, o, sups))| {
            let mut fields = fields_of(tr, &serde_json::to_value(&o.body).unwrap_or_default());
            if let Some(c) = &o.contact {
                fields.extend(fields_of(
                    tr,
                    &serde_json::json!({
                        "reporter_name": c.name,
                        "reporter_phone": c.phone,
                        "reporter_email": c.email,
                    }),
                ));
            }
            ReportView {
                from,
                kind: tr.t(&format!("kind-{}", r.kind.as_str())),
                received: local(r.created_at),
                fields,
                supplements: sups
                    .iter()
                    .map(|(_, at, s)| Field {
                        label: local(*at),
                        value: s.text.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
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
        layout: layout(state, desk, &format!("/desk/cases/{}", case.id)),
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
        timeline: timeline.into_iter().map(|(_, v)| v).collect(),
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
        questions,
        assessment: super::assess::build(
            tr,
            &opened.entries,
            (form.form == "assessment").then_some(&form.values),
            &name_of,
            &local,
        ),
        assessment_errors: form.errors_of("assessment"),
        decision_errors: form.errors_of("decision"),
        may_decide: access.may(Action::DecideAssessment),
        attachments,
        attachment_errors: form.errors_of("attachment"),
        max_attachment_mib: state.0.limits.max_attachment_bytes / (1024 * 1024),
        question_reports,
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
        scope_errors: form.errors_of("scope"),
    };
    crate::pages::html(status, &page, None)
}

/// The case for a form: 404 unless the user may read it, 403 unless the form carries the
/// session's CSRF token.
async fn checked(state: &AppState, desk: &Desk, id: &str, csrf: &str) -> Result<Access, Response> {
    let access = access_or_404(state, desk, id).await?;
    if !session::csrf_ok(&desk.session.csrf_token, csrf) {
        return Err(super::forbidden(state, desk.lang));
    }
    Ok(access)
}

pub(super) async fn access_or_404(
    state: &AppState,
    desk: &Desk,
    id: &str,
) -> Result<Access, Response> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Err(super::not_found(state, desk.lang));
    };
    match state.access(&desk.principal, id).await {
        Ok(Some(a)) => Ok(a),
        Ok(None) => Err(super::not_found(state, desk.lang)),
        Err(e) => Err(internal(&e)),
    }
}

pub async fn case_page(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
) -> Response {
    match access_or_404(&state, &desk, &id).await {
        Ok(access) => {
            render_case(
                &state,
                &desk,
                &access,
                &FormState::default(),
                StatusCode::OK,
            )
            .await
        }
        Err(r) => r,
    }
}

fn field_errors_text(tr: Tr<'_>, errors: &FieldErrors) -> Vec<String> {
    errors
        .iter()
        .flat_map(|(field, es)| {
            // The form's own label: a desk field, or a question of the questionnaire.
            let label = [format!("desk-field-{field}"), format!("quest-{field}")]
                .into_iter()
                .find(|id| tr.i18n.has(tr.language, id))
                .map_or_else(|| field.to_owned(), |id| tr.t(&id));
            es.iter()
                .map(move |e| format!("{label}: {}", tr.i18n.field_error(tr.language, e)))
        })
        .collect()
}

/// Turns a refused step into the case page with the form's errors, or the right status.
async fn refused(
    state: &AppState,
    desk: &Desk,
    access: &Access,
    form: &'static str,
    values: HashMap<String, String>,
    e: HandlingError,
) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let (status, errors) = match e {
        HandlingError::Forbidden | HandlingError::Transition(TransitionError::Forbidden { .. }) => {
            return super::forbidden(state, desk.lang);
        }
        HandlingError::Transition(t) => {
            let id = match t {
                TransitionError::NotAllowed { .. } => "desk-transition-not-allowed",
                TransitionError::AwarenessRequired => "desk-transition-awareness-required",
                TransitionError::ReasonRequired => "desk-transition-reason-required",
                TransitionError::Forbidden { .. } => "desk-forbidden-text",
            };
            (StatusCode::UNPROCESSABLE_ENTITY, vec![tr.t(id)])
        }
        HandlingError::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            field_errors_text(tr, &errors),
        ),
        HandlingError::Stale => (StatusCode::CONFLICT, vec![tr.t("desk-stale")]),
        HandlingError::Service(e) => return internal(&e),
    };
    // The page shows the case as it is now.
    let fresh = match state.access(&desk.principal, access.case.id).await {
        Ok(Some(a)) => a,
        Ok(None) => return super::not_found(state, desk.lang),
        Err(e) => return internal(&e),
    };
    let form = FormState {
        form,
        errors,
        values,
        scope: None,
    };
    render_case(state, desk, &fresh, &form, status).await
}

fn done(desk: &Desk, id: Uuid, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/desk/cases/{id}?lang={}#{anchor}",
        desk.lang.as_str()
    ))
    .into_response()
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
}

pub async fn change_status(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> Response {
    let access = match checked(&state, &desk, &id, &form.csrf_token).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let values = HashMap::from([
        ("to".to_owned(), form.to.clone()),
        ("reason".to_owned(), form.reason.clone()),
    ]);
    let Ok(to) = form.to.parse::<CaseStatus>() else {
        let e = TransitionError::NotAllowed {
            from: access.case.status,
            to: access.case.status,
        };
        return refused(&state, &desk, &access, "status", values, e.into()).await;
    };
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    match state.move_case(&access, desk.user.id, to, reason).await {
        Ok(()) => done(&desk, access.case.id, "status"),
        Err(e) => refused(&state, &desk, &access, "status", values, e).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct AwarenessForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    reason: String,
}

pub async fn set_awareness(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<AwarenessForm>,
) -> Response {
    let access = match checked(&state, &desk, &id, &form.csrf_token).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    if !access.may(Action::SetAwareness) {
        return super::forbidden(&state, desk.lang);
    }
    let values = HashMap::from([
        ("at".to_owned(), form.at.clone()),
        ("zone".to_owned(), form.zone.clone()),
        ("reason".to_owned(), form.reason.clone()),
    ]);
    let zone = if form.zone.is_empty() {
        DISPLAY_ZONE
    } else {
        form.zone.as_str()
    };
    let at = match investigation::parse_local(&form.at, zone) {
        Ok(z) => z.timestamp(),
        Err(e) => {
            let mut errors = FieldErrors::new();
            let e = if form.at.trim().is_empty() {
                breachdesk_core::errors::FieldError::Required
            } else {
                e
            };
            errors.add("awareness_at", e);
            return refused(
                &state,
                &desk,
                &access,
                "awareness",
                values,
                HandlingError::Invalid(errors),
            )
            .await;
        }
    };
    let reason = Some(form.reason.as_str());
    match state.set_awareness(&access, desk.user.id, at, reason).await {
        Ok(()) => done(&desk, access.case.id, "deadline"),
        Err(e) => refused(&state, &desk, &access, "awareness", values, e).await,
    }
}

pub async fn add_timeline_event(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    record_entry(&state, &desk, &id, "timeline", &form, |_, now| {
        investigation::timeline_event(
            form.get("at"),
            form.get("zone"),
            form.get("source"),
            form.get("description"),
            now,
        )
    })
    .await
}

pub async fn save_scope(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let access = match access_or_404(&state, &desk, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let values = FormValues::parse(&body);
    if !session::csrf_ok(
        &desk.session.csrf_token,
        breachdesk_core::scope::ScopeForm::one(&values, "csrf_token"),
    ) || !access.may(Action::EditInvestigation)
    {
        return super::forbidden(&state, desk.lang);
    }
    let result = match breachdesk_core::scope::validate_scope(&values) {
        Ok(scope) => state.save_scope(&access, desk.user.id, scope).await,
        Err(errors) => Err(HandlingError::Invalid(errors)),
    };
    match result {
        Ok(()) => done(&desk, access.case.id, "scope"),
        Err(HandlingError::Invalid(errors)) => {
            let tr = Tr {
                i18n: &state.0.i18n,
                language: desk.lang,
            };
            let form = FormState {
                form: "scope",
                errors: field_errors_text(tr, &errors),
                values: HashMap::new(),
                scope: Some(values),
            };
            render_case(
                &state,
                &desk,
                &access,
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => refused(&state, &desk, &access, "scope", HashMap::new(), e).await,
    }
}

/// The fields of a record form, as submitted.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct RecordForm(HashMap<String, String>);

impl RecordForm {
    pub(super) fn get(&self, k: &str) -> &str {
        self.0.get(k).map_or("", String::as_str)
    }

    pub(super) fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
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
        Err(r) => return r,
    };
    if !session::csrf_ok(&desk.session.csrf_token, form.get("csrf_token")) {
        return super::forbidden(state, desk.lang);
    }
    if !access.may(needed) {
        return super::forbidden(state, desk.lang);
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
        Err(errors) => Err(HandlingError::Invalid(errors)),
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

pub async fn add_task(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    let assignee_text = form.get("assignee").to_owned();
    // An assignee must be a handler of the case's organisation.
    let assignee = if assignee_text.is_empty() {
        Ok(None)
    } else {
        match Uuid::parse_str(&assignee_text) {
            Ok(u) => Ok(Some(u)),
            Err(_) => Err(()),
        }
    };
    let handlers: Vec<Uuid> = match Uuid::parse_str(&id) {
        Ok(cid) => match state.assignable_handlers(cid).await {
            Ok(h) => h,
            Err(e) => return internal(&e),
        },
        Err(_) => Vec::new(),
    };
    record_entry(&state, &desk, &id, "task", &form, |_, _| {
        let mut errors = FieldErrors::new();
        let assignee = match assignee {
            Ok(Some(u)) if handlers.contains(&u) => Some(u),
            Ok(None) => None,
            _ => {
                errors.add(
                    "assignee",
                    breachdesk_core::errors::FieldError::InvalidChoice { allowed: &[] },
                );
                None
            }
        };
        let entry = investigation::task(form.get("title"), assignee, form.get("due"));
        match entry {
            Ok(e) if errors.is_empty() => Ok(e),
            Ok(_) => Err(errors),
            Err(mut more) => {
                for (f, es) in errors.iter() {
                    for e in es {
                        more.add(f, e.clone());
                    }
                }
                Err(more)
            }
        }
    })
    .await
}

pub async fn task_done(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, task)): Path<(String, String)>,
    Form(form): Form<RecordForm>,
) -> Response {
    let Ok(task) = Uuid::parse_str(&task) else {
        return super::not_found(&state, desk.lang);
    };
    let known = match Uuid::parse_str(&id) {
        Ok(cid) => match state.has_task(cid, task).await {
            Ok(known) => known,
            Err(e) => return internal(&e),
        },
        Err(_) => false,
    };
    if !known {
        return super::not_found(&state, desk.lang);
    }
    record_entry(&state, &desk, &id, "task", &form, |_, _| {
        Ok(Entry::TaskDone { task })
    })
    .await
}

pub async fn add_meeting(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    record_entry(&state, &desk, &id, "meeting", &form, |_, now| {
        investigation::meeting(
            form.get("at"),
            zone_of(&form),
            form.get("participants"),
            form.get("minutes"),
            form.get("decisions"),
            now,
        )
    })
    .await
}

pub async fn add_communication(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    record_entry(&state, &desk, &id, "communication", &form, |_, now| {
        investigation::communication(
            form.get("at"),
            zone_of(&form),
            form.get("direction"),
            form.get("party"),
            form.get("summary"),
            now,
        )
    })
    .await
}

pub async fn record_notification(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    record_entry(&state, &desk, &id, "notified", &form, |access, now| {
        let Some(awareness) = access.case.awareness_at else {
            let mut e = FieldErrors::new();
            e.add("at", breachdesk_core::errors::FieldError::BeforeAwareness);
            return Err(e);
        };
        investigation::authority_notified(
            form.get("at"),
            zone_of(&form),
            form.get("delay_reasons"),
            form.get("reference"),
            awareness,
            now,
        )
    })
    .await
}

pub async fn upload_attachment(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    use breachdesk_core::errors::FieldError;
    let access = match access_or_404(&state, &desk, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let max = state.0.limits.max_attachment_bytes;
    let (mut csrf, mut description, mut file_name) = (String::new(), String::new(), String::new());
    let mut bytes: Vec<u8> = Vec::new();
    let mut problem: Option<FieldError> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                problem = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    FieldError::FileTooLarge { max_bytes: max }
                } else {
                    FieldError::Required
                });
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf_token" => csrf = field.text().await.unwrap_or_default(),
            "description" => description = field.text().await.unwrap_or_default(),
            "file" => {
                file_name = field.file_name().unwrap_or_default().to_owned();
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > max {
                                problem = Some(FieldError::FileTooLarge { max_bytes: max });
                                break;
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(_) => {
                            problem = Some(FieldError::FileTooLarge { max_bytes: max });
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
        if problem.is_some() {
            break;
        }
    }
    if problem.is_none() && !session::csrf_ok(&desk.session.csrf_token, &csrf) {
        return super::forbidden(&state, desk.lang);
    }
    if !access.may(Action::EditInvestigation) {
        return super::forbidden(&state, desk.lang);
    }
    let detected = infer::get(&bytes).map(|t| t.mime_type());
    let result = match problem.map_or_else(
        || breachdesk_core::attachment::accept(detected, &bytes),
        Err,
    ) {
        Ok(content_type) => {
            state
                .attach(
                    &access,
                    desk.user.id,
                    &file_name,
                    content_type,
                    &description,
                    &bytes,
                )
                .await
        }
        Err(e) => {
            let mut errors = FieldErrors::new();
            errors.add("file", e);
            Err(HandlingError::Invalid(errors))
        }
    };
    match result {
        Ok(()) => done(&desk, access.case.id, "attachments"),
        Err(e) => refused(&state, &desk, &access, "attachment", HashMap::new(), e).await,
    }
}

pub async fn download_attachment(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, attachment)): Path<(String, String)>,
) -> Response {
    let access = match access_or_404(&state, &desk, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(attachment) = Uuid::parse_str(&attachment) else {
        return super::not_found(&state, desk.lang);
    };
    match state.attachment(&access, desk.user.id, attachment).await {
        Ok(Some((name, bytes))) => {
            let ascii: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let encoded: String = form_urlencoded::byte_serialize(name.as_bytes())
                .collect::<String>()
                .replace('+', "%20");
            let disposition =
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
            let mut r = (StatusCode::OK, bytes.to_vec()).into_response();
            let h = r.headers_mut();
            // Never rendered by the browser: a download of opaque bytes, in a sandbox.
            h.insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("application/octet-stream"),
            );
            if let Ok(v) = axum::http::HeaderValue::from_str(&disposition) {
                h.insert(axum::http::header::CONTENT_DISPOSITION, v);
            }
            h.insert(
                axum::http::header::CONTENT_SECURITY_POLICY,
                axum::http::HeaderValue::from_static(
                    "default-src 'none'; sandbox; frame-ancestors 'none'",
                ),
            );
            r
        }
        Ok(None) => super::not_found(&state, desk.lang),
        Err(e) => internal(&e),
    }
}

pub async fn ask_question(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    let reports = match Uuid::parse_str(&id) {
        Ok(cid) => match state.report_ids(cid).await {
            Ok(r) => r,
            Err(e) => return internal(&e),
        },
        Err(_) => Vec::new(),
    };
    record_entry(&state, &desk, &id, "question", &form, |_, _| {
        let mut errors = FieldErrors::new();
        let report = Uuid::parse_str(form.get("report"))
            .ok()
            .filter(|r| reports.contains(r));
        if report.is_none() {
            errors.add(
                "report",
                breachdesk_core::errors::FieldError::InvalidChoice { allowed: &[] },
            );
        }
        let text = form.get("text").trim();
        if text.is_empty() {
            errors.add("text", breachdesk_core::errors::FieldError::Required);
        } else if text.chars().count() > investigation::MAX_TEXT {
            errors.add(
                "text",
                breachdesk_core::errors::FieldError::TooLong {
                    max: investigation::MAX_TEXT,
                },
            );
        }
        match report {
            Some(report) if errors.is_empty() => Ok(Entry::Question {
                report,
                text: text.to_owned(),
            }),
            _ => Err(errors),
        }
    })
    .await
}

pub async fn merge(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    let access = match checked(&state, &desk, &id, form.get("csrf_token")).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let values = HashMap::from([
        ("into".to_owned(), form.get("into").to_owned()),
        ("reason".to_owned(), form.get("reason").to_owned()),
    ]);
    match state
        .merge(
            &access,
            &desk.principal,
            form.get("into"),
            Some(form.get("reason")),
        )
        .await
    {
        Ok(target) => done(&desk, target.id, "reports"),
        Err(e) => refused(&state, &desk, &access, "merge", values, e).await,
    }
}

pub async fn assign(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    let access = match checked(&state, &desk, &id, form.get("csrf_token")).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let add = form.get("action") != "remove";
    let result = if let Ok(user) = Uuid::parse_str(form.get("user")) {
        state.assign(&access, desk.user.id, user, add).await
    } else {
        let mut e = FieldErrors::new();
        e.add("assignee", breachdesk_core::errors::FieldError::Required);
        Err(HandlingError::Invalid(e))
    };
    match result {
        Ok(()) => done(&desk, access.case.id, "people"),
        Err(e) => refused(&state, &desk, &access, "people", HashMap::new(), e).await,
    }
}

pub async fn share(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Response {
    let access = match checked(&state, &desk, &id, form.get("csrf_token")).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let end = match form.get("end") {
        "" => None,
        u => match Uuid::parse_str(u) {
            Ok(u) => Some(u),
            Err(_) => return super::not_found(&state, desk.lang),
        },
    };
    let values = HashMap::from([("email".to_owned(), form.get("email").to_owned())]);
    match state
        .share(&access, desk.user.id, Some(form.get("email")), end)
        .await
    {
        Ok(()) => done(&desk, access.case.id, "people"),
        Err(e) => refused(&state, &desk, &access, "people", values, e).await,
    }
}

// ---------------------------------------------------------------------------------------------
// History

#[derive(Debug)]
pub struct HistoryRow {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "desk/history.html")]
struct HistoryPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    id: Uuid,
    reference: String,
    rows: Vec<HistoryRow>,
}

pub async fn history(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
) -> Response {
    let access = match access_or_404(&state, &desk, &id).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let result = state.case_history(&access.case).await;
    let (trail, members) = match result {
        Ok(x) => x,
        Err(e) => return internal(&e),
    };
    let names: HashMap<Uuid, String> = members
        .into_iter()
        .map(|m| (m.user_id, m.display_name.unwrap_or(m.email)))
        .collect();
    let rows = trail
        .into_iter()
        .rev()
        .map(|r| HistoryRow {
            seq: r.seq,
            at: local(r.at),
            actor: r.actor.map_or_else(
                || tr.t("desk-history-reporter"),
                |a| names.get(&a).cloned().unwrap_or_else(|| a.to_string()),
            ),
            action: tr.t(&format!("audit-{}", r.action.replace('.', "-"))),
            detail: r.detail,
        })
        .collect();
    let page = HistoryPage {
        tr,
        layout: layout(
            &state,
            &desk,
            &format!("/desk/cases/{}/history", access.case.id),
        ),
        id: access.case.id,
        reference: access.case.reference.clone(),
        rows,
    };
    crate::pages::html(StatusCode::OK, &page, None)
}
