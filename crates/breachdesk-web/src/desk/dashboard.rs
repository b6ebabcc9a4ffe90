//! The dashboard: the open cases of the user's organisations and those shared with them, by
//! deadline, with filters.

use super::session::Desk;
use crate::desk::common::{
    DISPLAY_ZONE, DeadlineView, Layout, deadline_of, deadline_view, layout_for, local, status_label,
};
use crate::desk::common::{Page, PageError};
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use breachdesk_core::case::CaseStatus;
use breachdesk_core::deadline::{self, DeadlineState};
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::{CaseFilter, CaseRecord};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

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
    /// Also search the systems the reports name (opens each case; audited).
    #[serde(default)]
    systems: Option<String>,
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
    systems: bool,
    /// How many cases a search by system opened.
    searched: Option<usize>,
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
) -> Page {
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
        Err(e) => return Err(PageError::internal(&e)),
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
        unlimited: false,
    };
    let mut cases = match state.search_cases(&desk.principal, filter).await {
        Ok(c) => c,
        Err(e) => return Err(PageError::internal(&e)),
    };
    // Destroyed cases are tombstones of the register (`/desk/register`), not cases to handle.
    cases.retain(|c| c.destroyed_at.is_none());
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
    });
    // By reference (clear text); with `systems`, also by the systems the reports and the scope
    // name — sealed, so each case the filters leave is opened and the read audited.
    let systems = q.systems.as_deref() == Some("on") && !search.is_empty();
    let mut searched = None;
    if !search.is_empty() {
        let by_system = if systems {
            let mut newest: Vec<&breachdesk_core::ports::CaseRecord> = cases.iter().collect();
            newest.sort_by_key(|c| std::cmp::Reverse(c.created_at));
            let ids: Vec<Uuid> = newest.iter().map(|c| c.id).collect();
            searched = Some(ids.len().min(breachdesk_app::handling::SYSTEM_SEARCH_LIMIT));
            state
                .cases_naming_system(&desk.principal, &ids, &search)
                .await
                .map_err(|e| PageError::internal(&e))?
        } else {
            Vec::new()
        };
        cases.retain(|c| c.reference.contains(&search) || by_system.contains(&c.id));
    }
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
        layout: layout_for(&state, &desk, "/desk"),
        rows,
        statuses,
        orgs,
        deadlines,
        categories: category_options,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        q: q.q.clone().unwrap_or_default(),
        systems,
        searched,
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
    Ok(crate::pages::html(status, &page, None))
}
