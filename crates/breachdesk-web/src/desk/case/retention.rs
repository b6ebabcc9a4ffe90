//! The case page's legal hold (issue 21): the DPO sets it with a reason (the matter, not
//! people) and an optional end date, and lifts it with a reason; while it stands nothing of the
//! case is deleted. A refused form shows the case page again with its errors.

use super::{done, refused};
use crate::desk::common::{Page, PageError, checked};
use crate::desk::session::Desk;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use breachdesk_app::AppError;
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::workflow::Action;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
    /// `YYYY-MM-DD`, the last day of the hold (it ends at the end of that day, UTC); empty:
    /// until lifted.
    #[serde(default)]
    until: String,
}

/// `POST /desk/cases/{id}/hold`
pub async fn set_hold(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<HoldForm>,
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    if !access.may(Action::LegalHold) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let values = HashMap::from([
        ("reason".to_owned(), form.reason.clone()),
        ("until".to_owned(), form.until.clone()),
    ]);
    let day = form.until.trim();
    let until = if day.is_empty() {
        None
    } else if let Ok(d) = day.parse::<jiff::civil::Date>() {
        // The hold ends when its last day does (UTC).
        d.tomorrow()
            .ok()
            .and_then(|next| next.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    } else {
        let mut errors = FieldErrors::new();
        errors.add("until", FieldError::InvalidDateTime);
        return Ok(refused(
            &state,
            &desk,
            &access,
            "hold",
            values,
            AppError::Invalid(errors),
        )
        .await);
    };
    Ok(
        match state
            .hold_case(&access, desk.user.id, &form.reason, until)
            .await
        {
            Ok(()) => done(&desk, access.case.id, "retention"),
            Err(e) => refused(&state, &desk, &access, "hold", values, e).await,
        },
    )
}

/// `POST /desk/cases/{id}/hold/lift`
pub async fn lift_hold(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<HoldForm>,
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    if !access.may(Action::LegalHold) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let values = HashMap::from([("lift_reason".to_owned(), form.reason.clone())]);
    Ok(
        match state.lift_hold(&access, desk.user.id, &form.reason).await {
            Ok(()) => done(&desk, access.case.id, "retention"),
            Err(e) => refused(&state, &desk, &access, "hold", values, e).await,
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct DeletionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
}

/// `POST /desk/cases/{id}/deletion`: the DPO asks for the unfounded case to be destroyed now.
pub async fn request_deletion(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<DeletionForm>,
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    if !access.may(Action::RequestDeletion) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let values = HashMap::from([("deletion_reason".to_owned(), form.reason.clone())]);
    Ok(
        match state
            .request_deletion(&access, desk.user.id, &form.reason)
            .await
        {
            Ok(()) => done(&desk, access.case.id, "retention"),
            Err(e) => refused(&state, &desk, &access, "deletion", values, e).await,
        },
    )
}

/// `POST /desk/cases/{id}/deletion/confirm`: a second handler confirms; the case is destroyed.
pub async fn confirm_deletion(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<DeletionForm>,
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    match state.confirm_deletion(&access, desk.user.id).await {
        Ok(()) => Ok(axum::response::Redirect::to(&format!(
            "/desk/register?lang={}",
            desk.lang.as_str()
        ))
        .into_response()),
        Err(e) => Ok(refused(&state, &desk, &access, "deletion", HashMap::new(), e).await),
    }
}

/// `POST /desk/cases/{id}/deletion/withdraw`: the DPO withdraws the request.
pub async fn withdraw_deletion(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<DeletionForm>,
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    Ok(match state.withdraw_deletion(&access, desk.user.id).await {
        Ok(()) => done(&desk, access.case.id, "retention"),
        Err(e) => refused(&state, &desk, &access, "deletion", HashMap::new(), e).await,
    })
}

#[derive(Debug, Deserialize)]
pub struct EarlyForm {
    #[serde(default)]
    csrf_token: String,
    /// `report:ID` or `attachment:ID`.
    #[serde(default)]
    item: String,
    #[serde(default)]
    reason: String,
}

/// `POST /desk/cases/{id}/deletion/item`: the DPO deletes one report or attachment early, with
/// a reason.
pub async fn delete_item(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<EarlyForm>,
) -> Page {
    let access = checked(&state, &desk, &id, &form.csrf_token).await?;
    if !access.may(Action::RequestDeletion) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let values = HashMap::from([
        ("item".to_owned(), form.item.clone()),
        ("early_reason".to_owned(), form.reason.clone()),
    ]);
    let parsed = form
        .item
        .split_once(':')
        .and_then(|(kind, id)| Some((kind, id.parse::<uuid::Uuid>().ok()?)));
    let result = match parsed {
        Some(("report", item)) => {
            state
                .delete_report(&access, desk.user.id, item, &form.reason)
                .await
        }
        Some(("attachment", item)) => {
            state
                .delete_attachment(&access, desk.user.id, item, &form.reason)
                .await
        }
        _ => {
            let mut errors = FieldErrors::new();
            errors.add("item", FieldError::Required);
            Err(AppError::Invalid(errors))
        }
    };
    Ok(match result {
        Ok(()) => done(&desk, access.case.id, "retention"),
        Err(e) => refused(&state, &desk, &access, "early", values, e).await,
    })
}
