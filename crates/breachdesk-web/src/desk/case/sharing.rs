//! Merging a case into another, assigning handlers and sharing a case by name.

use super::{done, refused};
use crate::desk::common::{Page, PageError};
use crate::desk::common::{RecordForm, checked};
use crate::desk::session::Desk;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use breachdesk_app::AppError;
use breachdesk_core::errors::FieldErrors;
use std::collections::HashMap;
use uuid::Uuid;

pub async fn merge(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let access = checked(&state, &desk, &id, form.get("csrf_token")).await?;
    let values = HashMap::from([
        ("into".to_owned(), form.get("into").to_owned()),
        ("reason".to_owned(), form.get("reason").to_owned()),
    ]);
    Ok(
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
        },
    )
}

pub async fn assign(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let access = checked(&state, &desk, &id, form.get("csrf_token")).await?;
    let add = form.get("action") != "remove";
    let result = if let Ok(user) = Uuid::parse_str(form.get("user")) {
        state.assign(&access, desk.user.id, user, add).await
    } else {
        let mut e = FieldErrors::new();
        e.add("assignee", breachdesk_core::errors::FieldError::Required);
        Err(AppError::Invalid(e))
    };
    Ok(match result {
        Ok(()) => done(&desk, access.case.id, "people"),
        Err(e) => refused(&state, &desk, &access, "people", HashMap::new(), e).await,
    })
}

/// `POST /desk/cases/{id}/invite` with `invite_email`: a joint controller's contact (or anyone
/// outside the organisation) is given this case; a new address gets an account with no role and
/// a one-time setup link, mailed with the invitation (or shown here once when it cannot be).
pub async fn invite(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let access = checked(&state, &desk, &id, form.get("csrf_token")).await?;
    let email = form.get("invite_email").trim().to_owned();
    let values = HashMap::from([("invite_email".to_owned(), email.clone())]);
    Ok(
        match state
            .invite_to_case(&access, desk.user.id, &email, desk.lang)
            .await
        {
            Ok(invited) if invited.mailed => done(&desk, access.case.id, "people"),
            Ok(invited) => {
                let tr = crate::desk::common::tr(&state, &desk);
                let fresh = state
                    .access(&desk.principal, access.case.id)
                    .await
                    .map_err(|e| PageError::internal(&e))?
                    .ok_or_else(|| PageError::not_found(&state, desk.lang))?;
                let form = super::FormState {
                    invited: Some((
                        tr.t1("desk-invite-not-mailed", "email", &email),
                        invited.setup_link,
                    )),
                    ..super::FormState::default()
                };
                return super::render_case(
                    &state,
                    &desk,
                    &fresh,
                    &form,
                    axum::http::StatusCode::CREATED,
                )
                .await;
            }
            Err(e) => refused(&state, &desk, &access, "people", values, e).await,
        },
    )
}

pub async fn share(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let access = checked(&state, &desk, &id, form.get("csrf_token")).await?;
    let end = match form.get("end") {
        "" => None,
        u => match Uuid::parse_str(u) {
            Ok(u) => Some(u),
            Err(_) => return Err(PageError::not_found(&state, desk.lang)),
        },
    };
    let values = HashMap::from([("email".to_owned(), form.get("email").to_owned())]);
    Ok(
        match state
            .share(&access, desk.user.id, Some(form.get("email")), end)
            .await
        {
            Ok(()) => done(&desk, access.case.id, "people"),
            Err(e) => refused(&state, &desk, &access, "people", values, e).await,
        },
    )
}
