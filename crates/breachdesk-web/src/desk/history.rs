//! A case's history, read from the audit trail.

use super::session::Desk;
use crate::desk::common::{Layout, access_or_404, layout_for, local};
use crate::desk::common::{Page, PageError};
use crate::pages::view::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use std::collections::HashMap;
use uuid::Uuid;

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

pub async fn history(State(state): State<AppState>, desk: Desk, Path(id): Path<String>) -> Page {
    let access = access_or_404(&state, &desk, &id).await?;
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let result = state.case_history(&access.case).await;
    let (trail, members) = match result {
        Ok(x) => x,
        Err(e) => return Err(PageError::internal(&e)),
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
        layout: layout_for(
            &state,
            &desk,
            &format!("/desk/cases/{}/history", access.case.id),
        ),
        id: access.case.id,
        reference: access.case.reference.clone(),
        rows,
    };
    Ok(crate::pages::html(StatusCode::OK, &page, None))
}
