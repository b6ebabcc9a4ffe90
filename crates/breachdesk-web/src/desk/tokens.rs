//! API tokens on the desk (issue 17): a handler makes their own tokens here — after the second
//! factor, with a name, a scope and an expiry — sees each once, and revokes them; an
//! administrator sees and revokes the tokens of the accounts they administer. The rules are in
//! `access.rs`.

use crate::desk::common::{Page, PageError, internal};
use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_core::user::TokenScope;
use uuid::Uuid;

use super::session::{self, Desk};
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;
use breachdesk_app::access::Actor;

/// Longest name of a token, in characters.
const MAX_NAME: usize = 100;

#[derive(Debug)]
pub struct TokenRow {
    id: Uuid,
    owner: String,
    name: String,
    scope: String,
    created: String,
    expires: String,
    /// Empty while the token works; otherwise why not (revoked, expired).
    state: String,
}

#[derive(Template)]
#[template(path = "desk/tokens.html")]
struct TokensPage<'a> {
    tr: Tr<'a>,
    layout: super::common::Layout,
    rows: Vec<TokenRow>,
    scopes: Vec<OptionView>,
    errors: Vec<String>,
    name: String,
    days: String,
    /// The token just made, shown once.
    new_token: Option<String>,
}

fn actor(desk: &Desk) -> Actor<'_> {
    Actor {
        principal: &desk.principal,
        installation_admin: desk.user.installation_admin,
    }
}

struct Shown {
    errors: Vec<String>,
    name: String,
    days: String,
    scope: String,
    new_token: Option<String>,
}

async fn render(state: &AppState, desk: &Desk, shown: Shown, status: StatusCode) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let tokens = match state.visible_tokens(actor(desk)).await {
        Ok(t) => t,
        Err(e) => return internal(&e),
    };
    let now = state.now();
    let tz = jiff::tz::TimeZone::get("Europe/Helsinki").unwrap_or(jiff::tz::TimeZone::UTC);
    let day = |t: jiff::Timestamp| t.to_zoned(tz.clone()).strftime("%Y-%m-%d").to_string();
    let rows = tokens
        .into_iter()
        .map(|(t, owner)| TokenRow {
            id: t.id,
            owner,
            name: t.name,
            scope: tr.t(&format!("tokens-scope-{}", t.scope.as_str())),
            created: day(t.created_at),
            expires: t.expires_at.map_or_else(|| tr.t("tokens-never"), day),
            state: if t.revoked_at.is_some() {
                tr.t("tokens-revoked")
            } else if t.expires_at.is_some_and(|e| e <= now) {
                tr.t("tokens-expired")
            } else {
                String::new()
            },
        })
        .collect();
    let scopes = [TokenScope::ReadOnly, TokenScope::CaseHandling]
        .into_iter()
        .map(|s| OptionView {
            value: s.as_str().to_owned(),
            label: tr.t(&format!("tokens-scope-{}", s.as_str())),
            selected: shown.scope == s.as_str(),
        })
        .collect();
    let page = TokensPage {
        tr,
        layout: super::common::layout_for(state, desk, "/desk/tokens"),
        rows,
        scopes,
        errors: shown.errors,
        name: shown.name,
        days: shown.days,
        new_token: shown.new_token,
    };
    crate::pages::html(status, &page, None)
}

pub async fn tokens_page(State(state): State<AppState>, desk: Desk) -> Page {
    let shown = Shown {
        errors: Vec::new(),
        name: String::new(),
        days: "90".into(),
        scope: TokenScope::ReadOnly.as_str().into(),
        new_token: None,
    };
    Ok(render(&state, &desk, shown, StatusCode::OK).await)
}

/// `POST /desk/tokens`: `name`, `scope`, `days` (1–365).
pub async fn create_token(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let name = get("name");
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(tr.t("tokens-error-name"));
    } else if name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        errors.push(tr.t("tokens-error-name-long"));
    }
    let scope = TokenScope::parse(get("scope"));
    if scope.is_none() {
        errors.push(tr.t("tokens-error-scope"));
    }
    let days = get("days")
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=365).contains(d));
    if days.is_none() {
        errors.push(tr.t("tokens-error-days"));
    }
    let mut shown = Shown {
        errors,
        name: name.to_owned(),
        days: get("days").to_owned(),
        scope: get("scope").to_owned(),
        new_token: None,
    };
    let (Some(scope), Some(days), true) = (scope, days, shown.errors.is_empty()) else {
        return Ok(render(&state, &desk, shown, StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    Ok(
        match state
            .create_own_token(actor(&desk), name, scope, days)
            .await
        {
            Ok(token) => {
                shown.new_token = Some(token);
                shown.name.clear();
                render(&state, &desk, shown, StatusCode::CREATED).await
            }
            Err(e) => return Err(PageError::internal(&e)),
        },
    )
}

/// `POST /desk/tokens/{id}/revoke`.
pub async fn revoke_token(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let csrf = form.get("csrf_token").map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, csrf) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    Ok(match state.revoke_token(actor(&desk), id).await {
        Ok(()) => {
            Redirect::to(&format!("/desk/tokens?lang={}", desk.lang.as_str())).into_response()
        }
        Err(e) => super::common::app_error(&state, &desk, &e),
    })
}
