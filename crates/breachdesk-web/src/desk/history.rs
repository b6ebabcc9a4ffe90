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
    /// A run of reads folded into this row (0: an ordinary row).
    reads: usize,
}

/// Whether to list every read one by one.
#[derive(Debug, serde::Deserialize, Default)]
pub struct HistoryQuery {
    #[serde(default)]
    reads: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/history.html")]
struct HistoryPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    id: Uuid,
    reference: String,
    rows: Vec<HistoryRow>,
    all_reads: bool,
}

/// `GET /desk/cases/{id}/history`: the changes, newest first, with readable names; the reads
/// between two changes are folded into one row ("read the case 5 times"), unless `reads=all`.
pub async fn history(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<HistoryQuery>,
) -> Page {
    let all_reads = q.reads.as_deref() == Some("all");
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
    let name_of = |a: Option<Uuid>| {
        a.map_or_else(
            || tr.t("desk-history-reporter"),
            |a| names.get(&a).cloned().unwrap_or_else(|| a.to_string()),
        )
    };
    let mut rows: Vec<HistoryRow> = Vec::new();
    for r in trail.into_iter().rev() {
        let is_read = r.action == "case.read";
        if is_read && !all_reads {
            let who = name_of(r.actor);
            if let Some(last) = rows.last_mut().filter(|l| l.reads > 0) {
                // Folded: the run's readers, and its time span back to this (older) read.
                last.reads += 1;
                if !last.actor.split(", ").any(|n| n == who) {
                    last.actor = format!("{}, {who}", last.actor);
                }
                let newest = last.at.split(" – ").last().unwrap_or_default().to_owned();
                last.at = format!("{} – {newest}", local(r.at));
                last.action = tr.t1("desk-history-reads", "count", &last.reads.to_string());
                last.seq = r.seq;
                continue;
            }
            rows.push(HistoryRow {
                seq: r.seq,
                at: local(r.at),
                actor: who,
                action: tr.t("desk-history-read"),
                detail: String::new(),
                reads: 1,
            });
            continue;
        }
        rows.push(HistoryRow {
            seq: r.seq,
            at: local(r.at),
            actor: name_of(r.actor),
            action: tr.t(&format!("audit-{}", r.action.replace('.', "-"))),
            detail: r.detail,
            reads: 0,
        });
    }
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
        all_reads,
    };
    Ok(crate::pages::html(StatusCode::OK, &page, None))
}
