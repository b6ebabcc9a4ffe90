//! What every desk page shares: the page layout, times in the display zone, the deadline and
//! status labels, access to a case by id (404 for a case the user may not read), the record
//! form, and [`PageError`], the answer of a handler that could not serve its page.

use super::session::{self, Desk};
use crate::pages::view::{LangLink, Tr, language_links};
use crate::state::AppState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use breachdesk_app::AppError;
use breachdesk_app::handling::Access;
use breachdesk_core::case::CaseStatus;
use breachdesk_core::deadline::{self, DeadlineState};
use breachdesk_core::errors::FieldErrors;
use breachdesk_core::ports::CaseRecord;
use breachdesk_core::report::Language;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// The zone times are shown in, and the default of the time-zone choices.
pub(crate) const DISPLAY_ZONE: &str = "Europe/Helsinki";

pub(crate) fn internal(e: &dyn std::fmt::Display) -> Response {
    tracing::error!(error = %e, "desk request failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

pub(crate) fn local(t: Timestamp) -> String {
    let tz = TimeZone::get(DISPLAY_ZONE).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

/// The value of a `datetime-local` input for a time.
pub(crate) fn local_input(t: Timestamp) -> String {
    let tz = TimeZone::get(DISPLAY_ZONE).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%Y-%m-%dT%H:%M").to_string()
}

pub(crate) fn not_required(case: &CaseRecord) -> bool {
    case.status == CaseStatus::Unfounded || case.notification_required == Some(false)
}

pub(crate) fn deadline_of(case: &CaseRecord, now: Timestamp) -> DeadlineState {
    deadline::state(case.awareness_at, case.notified_at, not_required(case), now)
}

/// The deadline in words, and its CSS class.
#[derive(Debug, Clone)]
pub(crate) struct DeadlineView {
    pub state: &'static str,
    pub text: String,
    pub due: Option<String>,
}

pub(crate) fn deadline_view(tr: Tr<'_>, case: &CaseRecord, now: Timestamp) -> DeadlineView {
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

pub(crate) fn status_label(tr: Tr<'_>, s: CaseStatus) -> String {
    tr.t(&format!("status-{}", s.as_str()))
}

pub(crate) fn layout_for(state: &AppState, desk: &Desk, base: &str) -> Layout {
    layout(state, desk, base)
}

pub(crate) fn layout(state: &AppState, desk: &Desk, base: &str) -> Layout {
    Layout {
        admin: desk.administers(),
        roles: desk.administers()
            || desk
                .principal
                .memberships
                .iter()
                .any(|m| m.role == breachdesk_core::user::Role::Dpo),
        register: desk.principal.memberships.iter().any(|m| {
            breachdesk_core::workflow::may(
                breachdesk_core::workflow::Standing::Member(m.role),
                breachdesk_core::workflow::Action::ReadRegister,
            )
        }),
        take_report: desk.principal.memberships.iter().any(|m| {
            breachdesk_core::workflow::may(
                breachdesk_core::workflow::Standing::Member(m.role),
                breachdesk_core::workflow::Action::TakeReport,
            )
        }),
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
#[expect(
    clippy::struct_excessive_bools,
    reason = "one flag per link of the navigation"
)]
pub(crate) struct Layout {
    /// Show the link to administration.
    pub admin: bool,
    /// Show the link to roles waiting for a decision (DPOs and administrators).
    pub roles: bool,
    /// Show the link to the breach register (who may read one).
    pub register: bool,
    /// Show the link to enter a report taken by phone (who handles cases).
    pub take_report: bool,
    pub user: String,
    pub csrf: String,
    pub switch: Vec<LangLink>,
}

pub(crate) async fn access_or_404(
    state: &AppState,
    desk: &Desk,
    id: &str,
) -> Result<Access, PageError> {
    let Ok(id) = Uuid::parse_str(id) else {
        return Err(PageError::not_found(state, desk.lang));
    };
    match state.access(&desk.principal, id).await {
        Ok(Some(a)) => Ok(a),
        Ok(None) => Err(PageError::not_found(state, desk.lang)),
        Err(e) => Err(PageError::internal(&e)),
    }
}

/// The case for a form: 404 unless the user may read it, 403 unless the form carries the
/// session's CSRF token.
pub(crate) async fn checked(
    state: &AppState,
    desk: &Desk,
    id: &str,
    csrf: &str,
) -> Result<Access, PageError> {
    let access = access_or_404(state, desk, id).await?;
    if !session::csrf_ok(&desk.session.csrf_token, csrf) {
        return Err(PageError::forbidden(state, desk.lang));
    }
    Ok(access)
}

/// The fields of a record form, as submitted.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub(crate) struct RecordForm(pub(crate) HashMap<String, String>);

impl RecordForm {
    pub(crate) fn get(&self, k: &str) -> &str {
        self.0.get(k).map_or("", String::as_str)
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

#[derive(Debug)]
pub struct PreviewView {
    pub lang: &'static str,
    pub subject: String,
    pub body: String,
}

pub(crate) fn zone() -> TimeZone {
    TimeZone::get(DISPLAY_ZONE).unwrap_or(TimeZone::UTC)
}

pub(crate) fn tr<'a>(state: &'a AppState, desk: &Desk) -> Tr<'a> {
    Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    }
}

/// The page for a use case's refusal that the handler does not answer itself: 404 for what does
/// not exist (for this user), 403 for what they may not do, a logged 500 for the rest.
pub(crate) fn app_error(state: &AppState, desk: &Desk, e: &AppError) -> Response {
    match e {
        AppError::NotFound => crate::desk::not_found(state, desk.lang),
        AppError::Forbidden
        | AppError::Refused(breachdesk_app::Refusal::Grant(_))
        | AppError::Transition(breachdesk_core::workflow::TransitionError::Forbidden { .. }) => {
            crate::desk::forbidden(state, desk.lang)
        }
        e => internal(e),
    }
}

pub(crate) use crate::page::{Page, PageError};

/// The desk's answers instead of a page: the 404 or 403 page in the user's language, or a
/// logged 500 that names nothing of the request.
impl PageError {
    /// A failure of the application or the store: logged, answered with 500.
    pub(crate) fn internal(e: &dyn std::fmt::Display) -> Self {
        Self::new(internal(e))
    }

    /// The page does not exist for this user (a case they may not read included).
    pub(crate) fn not_found(state: &AppState, lang: Language) -> Self {
        Self::new(super::not_found(state, lang))
    }

    /// The user may not do this (or the form's CSRF token is wrong).
    pub(crate) fn forbidden(state: &AppState, lang: Language) -> Self {
        Self::new(super::forbidden(state, lang))
    }
}

impl From<breachdesk_app::AppError> for PageError {
    fn from(e: breachdesk_app::AppError) -> Self {
        Self::internal(&e)
    }
}

/// A form's field errors as sentences, each led by the field's own label (a desk field, or a
/// question of the questionnaire).
pub(crate) fn field_errors_text(tr: Tr<'_>, errors: &FieldErrors) -> Vec<String> {
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

/// A form with one file: the CSRF token, the other fields, and the file (at most `max` bytes).
pub(crate) struct Upload {
    pub(crate) csrf: String,
    pub(crate) fields: std::collections::HashMap<String, String>,
    pub(crate) bytes: Vec<u8>,
    pub(crate) too_large: bool,
}

pub(crate) async fn read_upload(multipart: &mut axum::extract::Multipart, max: usize) -> Upload {
    let mut upload = Upload {
        csrf: String::new(),
        fields: std::collections::HashMap::new(),
        bytes: Vec::new(),
        too_large: false,
    };
    while let Ok(Some(mut field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            while let Ok(Some(chunk)) = field.chunk().await {
                if upload.bytes.len() + chunk.len() > max {
                    upload.too_large = true;
                    break;
                }
                upload.bytes.extend_from_slice(&chunk);
            }
        } else {
            let value = field.text().await.unwrap_or_default();
            if name == "csrf_token" {
                upload.csrf = value;
            } else {
                upload.fields.insert(name, value);
            }
        }
    }
    upload
}
