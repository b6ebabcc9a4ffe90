//! The page of roles waiting for a decision (issue 17): a DPO confirms or refuses what an
//! administrator asked for; the installation's administrator confirms an organisation's first DPO. The
//! rules are `core::grant`, applied by `access.rs`.

use crate::desk::common::{Page, PageError, internal, zone};
use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_core::grant::DecisionRefused;
use uuid::Uuid;

use super::session::{self, Desk};
use crate::pages::view::Tr;
use crate::state::AppState;
use breachdesk_app::access::Actor;

#[derive(Debug)]
pub struct RequestRow {
    id: Uuid,
    email: String,
    role: String,
    org: String,
    requested: String,
    /// `None` when the viewer may decide; otherwise why not.
    why_not: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/roles.html")]
struct RolesPage<'a> {
    tr: Tr<'a>,
    layout: super::common::Layout,
    rows: Vec<RequestRow>,
    notice: Option<String>,
}

fn why(tr: Tr<'_>, r: DecisionRefused) -> String {
    tr.t(match r {
        DecisionRefused::OwnRequest => "roles-why-own-request",
        DecisionRefused::OwnRole => "roles-why-own-role",
        DecisionRefused::NotDpo => "roles-why-not-dpo",
        DecisionRefused::NeedsDpoFirst => "roles-why-needs-dpo-first",
        DecisionRefused::NotAdministrator => "roles-why-not-administrator",
    })
}

fn actor(desk: &Desk) -> Actor<'_> {
    Actor {
        principal: &desk.principal,
        installation_admin: desk.user.installation_admin,
    }
}

/// May this user see the page at all: a DPO somewhere, or an administrator.
fn may_view(desk: &Desk) -> bool {
    desk.administers()
        || desk
            .principal
            .memberships
            .iter()
            .any(|m| m.role == breachdesk_core::user::Role::Dpo)
}

async fn render(state: &AppState, desk: &Desk, notice: Option<String>) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let open = match state.open_requests(actor(desk)).await {
        Ok(o) => o,
        Err(e) => return internal(&e),
    };
    let tz = zone();
    let rows = open
        .into_iter()
        .map(|o| RequestRow {
            id: o.request.id,
            email: o.request.email,
            role: tr.t(&format!("role-{}", o.request.role.as_str())),
            org: o.org_name,
            requested: o
                .request
                .requested_at
                .to_zoned(tz.clone())
                .strftime("%Y-%m-%d %H:%M")
                .to_string(),
            why_not: o.decidable.err().map(|r| why(tr, r)),
        })
        .collect();
    let page = RolesPage {
        tr,
        layout: super::common::layout_for(state, desk, "/desk/roles"),
        rows,
        notice,
    };
    crate::pages::html(StatusCode::OK, &page, None)
}

pub async fn roles_page(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    if !may_view(&desk) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let notice = match q.get("done").map(String::as_str) {
        Some("confirmed") => Some(tr.t("admin-done")),
        Some("refused") => Some(tr.t("roles-refused")),
        _ => None,
    };
    Ok(render(&state, &desk, notice).await)
}

/// `POST /desk/roles/{id}` with `decision` = `confirm` | `refuse`.
pub async fn decide(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) || !may_view(&desk) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let confirm = match get("decision") {
        "confirm" => true,
        "refuse" => false,
        _ => return Ok(StatusCode::UNPROCESSABLE_ENTITY.into_response()),
    };
    Ok(
        match state.decide_request(actor(&desk), id, confirm).await {
            Ok(_) => Redirect::to(&format!(
                "/desk/roles?lang={}&done={}",
                desk.lang.as_str(),
                if confirm { "confirmed" } else { "refused" }
            ))
            .into_response(),
            Err(e) => super::common::app_error(&state, &desk, &e),
        },
    )
}
