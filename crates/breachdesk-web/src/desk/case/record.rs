//! The case page's forms that change the case or add to its investigation record.

use super::scope_form::FormValues;
use super::{FormState, done, field_errors_text, record_entry, refused, render_case, zone_of};
use crate::desk::common::{DISPLAY_ZONE, RecordForm, access_or_404, checked};
use crate::desk::common::{Page, PageError};
use crate::desk::session::{self, Desk};
use crate::pages::view::Tr;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use breachdesk_app::AppError;
use breachdesk_core::case::CaseStatus;
use breachdesk_core::errors::FieldErrors;
use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::workflow::{Action, TransitionError};
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

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
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    let values = HashMap::from([
        ("to".to_owned(), form.to.clone()),
        ("reason".to_owned(), form.reason.clone()),
    ]);
    let Ok(to) = form.to.parse::<CaseStatus>() else {
        let e = TransitionError::NotAllowed {
            from: access.case.status,
            to: access.case.status,
        };
        return Ok(refused(&state, &desk, &access, "status", values, e.into()).await);
    };
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    Ok(
        match state.move_case(&access, desk.user.id, to, reason).await {
            Ok(()) => done(&desk, access.case.id, "status"),
            Err(e) => refused(&state, &desk, &access, "status", values, e).await,
        },
    )
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
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    if !access.may(Action::SetAwareness) {
        return Err(PageError::forbidden(&state, desk.lang));
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
            return Ok(refused(
                &state,
                &desk,
                &access,
                "awareness",
                values,
                AppError::Invalid(errors),
            )
            .await);
        }
    };
    let reason = Some(form.reason.as_str());
    Ok(
        match state.set_awareness(&access, desk.user.id, at, reason).await {
            Ok(()) => done(&desk, access.case.id, "deadline"),
            Err(e) => refused(&state, &desk, &access, "awareness", values, e).await,
        },
    )
}

pub async fn add_timeline_event(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    Ok(
        record_entry(&state, &desk, &id, "timeline", &form, |_, now| {
            investigation::timeline_event(
                form.get("at"),
                form.get("zone"),
                form.get("source"),
                form.get("description"),
                now,
            )
        })
        .await,
    )
}

pub async fn save_scope(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Page {
    let access = access_or_404(&state, &desk, &id).await?;
    let values = FormValues::parse(&body);
    if !session::csrf_ok(
        &desk.session.csrf_token,
        breachdesk_core::scope::ScopeForm::one(&values, "csrf_token"),
    ) || !access.may(Action::EditInvestigation)
    {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let result = match breachdesk_core::scope::validate_scope(&values) {
        Ok(scope) => state.save_scope(&access, desk.user.id, scope).await,
        Err(errors) => Err(AppError::Invalid(errors)),
    };
    Ok(match result {
        Ok(()) => done(&desk, access.case.id, "scope"),
        Err(AppError::Invalid(errors)) => {
            let tr = Tr {
                i18n: &state.0.i18n,
                language: desk.lang,
            };
            let form = FormState {
                form: "scope",
                errors: field_errors_text(tr, &errors),
                values: HashMap::new(),
                scope: Some(values),
                ..FormState::default()
            };
            return render_case(
                &state,
                &desk,
                &access,
                &form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(e) => refused(&state, &desk, &access, "scope", HashMap::new(), e).await,
    })
}

pub async fn add_task(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
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
            Err(e) => return Err(PageError::internal(&e)),
        },
        Err(_) => Vec::new(),
    };
    Ok(record_entry(&state, &desk, &id, "task", &form, |_, _| {
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
    .await)
}

pub async fn task_done(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, task)): Path<(String, String)>,
    Form(form): Form<RecordForm>,
) -> Page {
    let Ok(task) = Uuid::parse_str(&task) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let known = match Uuid::parse_str(&id) {
        Ok(cid) => match state.has_task(cid, task).await {
            Ok(known) => known,
            Err(e) => return Err(PageError::internal(&e)),
        },
        Err(_) => false,
    };
    if !known {
        return Err(PageError::not_found(&state, desk.lang));
    }
    Ok(record_entry(&state, &desk, &id, "task", &form, |_, _| {
        Ok(Entry::TaskDone { task })
    })
    .await)
}

pub async fn add_meeting(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    Ok(
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
        .await,
    )
}

pub async fn add_communication(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    Ok(
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
        .await,
    )
}

pub async fn record_notification(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    Ok(
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
        .await,
    )
}

pub async fn ask_question(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let reports = match Uuid::parse_str(&id) {
        Ok(cid) => match state.report_ids(cid).await {
            Ok(r) => r,
            Err(e) => return Err(PageError::internal(&e)),
        },
        Err(_) => Vec::new(),
    };
    Ok(record_entry(&state, &desk, &id, "question", &form, |_, _| {
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
    .await)
}
