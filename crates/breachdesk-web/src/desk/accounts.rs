//! Taking access away (issue 17): remove a role, disable an account (its sessions end and its
//! tokens are revoked), remove it (every role ends, the account is disabled), reset its second
//! factor, end its sessions; and the name an account is shown by. The buttons are on the
//! administration page; the rules and the audit are in `access.rs`.

use crate::desk::common::{Page, PageError};
use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_core::user::Role;
use uuid::Uuid;

use super::session::{self, Desk};
use crate::state::AppState;
use breachdesk_app::access::{AccountAction, Actor};
use breachdesk_app::{AppError, Refusal};

fn actor(desk: &Desk) -> Actor<'_> {
    Actor {
        principal: &desk.principal,
        installation_admin: desk.user.installation_admin,
    }
}

fn outcome<T>(state: &AppState, desk: &Desk, result: Result<T, AppError>) -> Response {
    let lang = desk.lang.as_str();
    match result {
        Ok(_) => Redirect::to(&format!("/admin?lang={lang}&done=1")).into_response(),
        // The rule that kept the organisation's last DPO or administrator is said on the page.
        Err(AppError::Refused(Refusal::LastOfRole(role))) => Redirect::to(&format!(
            "/admin?lang={lang}&refused=last&role={}",
            role.as_str()
        ))
        .into_response(),
        Err(AppError::Refused(Refusal::NothingToMove)) => {
            Redirect::to(&format!("/admin?lang={lang}&refused=move")).into_response()
        }
        Err(e) => super::common::app_error(state, desk, &e),
    }
}

/// `POST /admin/accounts/{user}/{action}`: `disable`, `enable`, `second-factor`, `sessions`.
pub async fn account_action(
    State(state): State<AppState>,
    desk: Desk,
    Path((user, action)): Path<(String, String)>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let csrf = form.get("csrf_token").map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, csrf) || !desk.administers() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let (Ok(user), Some(action)) = (Uuid::parse_str(&user), AccountAction::parse(&action)) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let result = state.act_on_account(actor(&desk), user, action).await;
    Ok(outcome(&state, &desk, result))
}

/// `POST /admin/accounts/{user}/move` with `from` and `to` (slugs): the account's roles in
/// `from` are given in `to` (a case-reading role waits for the DPO of `to`) and removed from
/// `from`. Both organisations must be the actor's to administer.
pub async fn move_account(
    State(state): State<AppState>,
    desk: Desk,
    Path(user): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) || !desk.administers() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let org = async |slug: &str| match state.org(slug).await {
        Ok(o) => Ok(Some(o)),
        Err(crate::service::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(PageError::internal(&e)),
    };
    let (Ok(user), Some(from), Some(to)) = (
        Uuid::parse_str(&user),
        org(get("from")).await?,
        org(get("to")).await?,
    ) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let result = state.move_account(actor(&desk), user, &from, &to).await;
    Ok(outcome(&state, &desk, result))
}

/// `POST /admin/accounts/{user}/name` with `display_name`: the name the account is shown by.
pub async fn rename_account(
    State(state): State<AppState>,
    desk: Desk,
    Path(user): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) || !desk.administers() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let Ok(user) = Uuid::parse_str(&user) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    Ok(
        match state
            .rename_account(actor(&desk), user, get("display_name"))
            .await
        {
            // Nothing changed: the page says what a name must be.
            Err(AppError::Invalid(_)) => {
                Redirect::to(&format!("/admin?lang={}&refused=name", desk.lang.as_str()))
                    .into_response()
            }
            result => outcome(&state, &desk, result),
        },
    )
}

/// `POST /admin/orgs/{slug}/names` with `name`, `name_sv` and `name_en`: the organisation's
/// name in each language, for its administrators.
pub async fn rename_org(
    State(state): State<AppState>,
    desk: Desk,
    Path(slug): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) || !desk.administers() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let org = match state.org(&slug).await {
        Ok(o) => o,
        Err(crate::service::ServiceError::NotFound) => {
            return Err(PageError::not_found(&state, desk.lang));
        }
        Err(e) => return Err(PageError::internal(&e)),
    };
    let names = breachdesk_core::org::OrgName {
        name: get("name").to_owned(),
        sv: Some(get("name_sv").to_owned()),
        en: Some(get("name_en").to_owned()),
    };
    Ok(match state.rename_org(actor(&desk), org.id, &names).await {
        Ok(()) => {
            // The notice index is titled with the names.
            state.forget_published(org.slug.as_str());
            Redirect::to(&format!("/admin?lang={}&done=1", desk.lang.as_str())).into_response()
        }
        Err(AppError::Invalid(_)) => Redirect::to(&format!(
            "/admin?lang={}&refused=org-name",
            desk.lang.as_str()
        ))
        .into_response(),
        result => outcome(&state, &desk, result),
    })
}

/// `POST /admin/memberships/remove` with `user`, `org` (slug) and `role`.
pub async fn remove_role(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let org = match state.org(get("org")).await {
        Ok(o) => Some(o),
        Err(crate::service::ServiceError::NotFound) => None,
        Err(e) => return Err(PageError::internal(&e)),
    };
    let (Ok(user), Some(org), Ok(role)) = (
        Uuid::parse_str(get("user")),
        org,
        get("role").parse::<Role>(),
    ) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let result = state.remove_role(actor(&desk), user, org.id, role).await;
    Ok(outcome(&state, &desk, result))
}
