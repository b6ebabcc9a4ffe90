//! Administration: organisations and accounts. The installation's administrator (the first
//! account) creates organisations and accounts anywhere; an organisation's administrators add
//! accounts to their own organisation. A new account gets a one-time setup link, shown once to
//! the administrator who hands it over; nobody ever sees the account's password. Administrators
//! read no case content.

use crate::desk::common::{Page, PageError, internal};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use breachdesk_app::AppError;
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::org::{NewOrganisation, OrgSlug, Organisation};
use breachdesk_core::ports::Conflict;
use breachdesk_core::report::is_plausible_email;
use breachdesk_core::user::Role;
use breachdesk_core::workflow::{Action, Standing, may};
use std::collections::HashMap;
use uuid::Uuid;

use super::session::{self, Desk};
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;
use breachdesk_app::access::{AccountAdded, RoleOutcome};

/// The organisations this user administers (all of them for the installation's administrator).
fn administered(desk: &Desk, all: &[Organisation]) -> Vec<Uuid> {
    all.iter()
        .map(|o| o.id)
        .filter(|id| {
            desk.user.installation_admin
                || desk
                    .principal
                    .memberships
                    .iter()
                    .any(|m| m.org_id == *id && may(Standing::Member(m.role), Action::Administer))
        })
        .collect()
}

#[derive(Debug)]
pub struct MemberRow {
    user_id: Uuid,
    email: String,
    name: String,
    role: String,
    role_value: &'static str,
    /// The viewer's own row: no button to disable oneself.
    own: bool,
    /// The account's first row here, and the viewer may move it: the move form (which moves
    /// all of the account's roles here) is shown once, and not where it would be refused (a
    /// DPO's account, to an administrator who is not the organisation's DPO).
    movable: bool,
}

#[derive(Debug)]
pub struct OrgView {
    name: String,
    name_sv: String,
    name_en: String,
    slug: String,
    members: Vec<MemberRow>,
    /// Disabled accounts with roles here, to enable again.
    disabled: Vec<MemberRow>,
    /// The other organisations the viewer administers: where an account may be moved.
    move_to: Vec<OptionView>,
}

#[derive(Template)]
#[template(path = "desk/admin.html")]
struct AdminPage<'a> {
    tr: Tr<'a>,
    layout: super::common::Layout,
    orgs: Vec<OrgView>,
    org_options: Vec<OptionView>,
    roles: Vec<OptionView>,
    may_create_org: bool,
    org_errors: Vec<String>,
    account_errors: Vec<String>,
    values: HashMap<String, String>,
    /// The setup link of the account just created, shown once.
    new_link: Option<(String, String)>,
    notice: Option<String>,
}

#[derive(Default)]
struct Outcome {
    org_errors: Vec<String>,
    account_errors: Vec<String>,
    values: HashMap<String, String>,
    new_link: Option<(String, String)>,
    notice: Option<String>,
}

async fn render(state: &AppState, desk: &Desk, outcome: Outcome, status: StatusCode) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let all = match state.organisations().await {
        Ok(o) => o,
        Err(e) => return internal(&e),
    };
    let mine = administered(desk, &all);
    let members = match state.members(&mine).await {
        Ok(m) => m,
        Err(e) => return internal(&e),
    };
    let actor = breachdesk_app::access::Actor {
        principal: &desk.principal,
        installation_admin: desk.user.installation_admin,
    };
    let disabled = match state.disabled_members(actor, &mine).await {
        Ok(m) => m,
        Err(e) => return internal(&e),
    };
    let row = |m: &breachdesk_core::ports::Member| MemberRow {
        user_id: m.user_id,
        email: m.email.clone(),
        name: m.display_name.clone().unwrap_or_default(),
        role: tr.t(&format!("role-{}", m.role.as_str())),
        role_value: m.role.as_str(),
        own: m.user_id == desk.user.id,
        movable: false,
    };
    let orgs = all
        .iter()
        .filter(|o| mine.contains(&o.id))
        .map(|o| OrgView {
            name: o.name.clone(),
            name_sv: o.name_sv.clone().unwrap_or_default(),
            name_en: o.name_en.clone().unwrap_or_default(),
            slug: o.slug.as_str().to_owned(),
            members: {
                let here: Vec<&breachdesk_core::ports::Member> =
                    members.iter().filter(|m| m.org_id == o.id).collect();
                let viewer_is_dpo = desk
                    .principal
                    .memberships
                    .iter()
                    .any(|m| m.org_id == o.id && m.role == Role::Dpo);
                here.iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let first = !here[..i].iter().any(|x| x.user_id == m.user_id);
                        let holds_dpo = here
                            .iter()
                            .any(|x| x.user_id == m.user_id && x.role == Role::Dpo);
                        MemberRow {
                            movable: first && (!holds_dpo || viewer_is_dpo),
                            ..row(m)
                        }
                    })
                    .collect()
            },
            disabled: disabled
                .iter()
                .filter(|m| m.org_id == o.id)
                .map(row)
                .collect(),
            move_to: all
                .iter()
                .filter(|x| mine.contains(&x.id) && x.id != o.id)
                .map(|x| OptionView {
                    value: x.slug.as_str().to_owned(),
                    label: x.name.clone(),
                    selected: false,
                })
                .collect(),
        })
        .collect();
    let chosen_org = outcome.values.get("org").cloned().unwrap_or_default();
    let chosen_role = outcome.values.get("role").cloned().unwrap_or_default();
    let page = AdminPage {
        tr,
        layout: super::common::layout_for(state, desk, "/admin"),
        orgs,
        org_options: {
            let options: Vec<OptionView> = all
                .iter()
                .filter(|o| mine.contains(&o.id))
                .map(|o| OptionView {
                    value: o.slug.as_str().to_owned(),
                    label: o.name.clone(),
                    selected: chosen_org == o.slug.as_str(),
                })
                .collect();
            // With several organisations nothing is chosen for the administrator: an account
            // in the wrong organisation is a leak waiting to happen.
            if options.len() > 1 {
                std::iter::once(OptionView {
                    value: String::new(),
                    label: tr.t("admin-choose-org"),
                    selected: chosen_org.is_empty(),
                })
                .chain(options)
                .collect()
            } else {
                options
            }
        },
        roles: Role::ALL
            .iter()
            .map(|r| OptionView {
                value: r.as_str().to_owned(),
                label: tr.t(&format!("role-{}", r.as_str())),
                selected: chosen_role == r.as_str(),
            })
            .collect(),
        may_create_org: desk.user.installation_admin,
        org_errors: outcome.org_errors,
        account_errors: outcome.account_errors,
        values: outcome.values,
        new_link: outcome.new_link,
        notice: outcome.notice,
    };
    crate::pages::html(status, &page, None)
}

pub async fn admin_page(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<HashMap<String, String>>,
) -> Page {
    if !desk.administers() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let notice = if q.contains_key("done") {
        Some(tr.t("admin-done"))
    } else {
        match q.get("refused").map(String::as_str) {
            Some("last") => {
                let role = q
                    .get("role")
                    .and_then(|r| r.parse::<Role>().ok())
                    .unwrap_or(Role::Dpo);
                Some(tr.t1(
                    "admin-refused-last",
                    "role",
                    &tr.t(&format!("role-{}", role.as_str())),
                ))
            }
            Some("move") => Some(tr.t("admin-refused-move")),
            Some("name") => Some(tr.t("admin-refused-name")),
            Some("org-name") => Some(tr.t("admin-refused-org-name")),
            _ => None,
        }
    };
    let outcome = Outcome {
        notice,
        ..Outcome::default()
    };
    Ok(render(&state, &desk, outcome, StatusCode::OK).await)
}

fn field_errors(tr: Tr<'_>, errors: &FieldErrors) -> Vec<String> {
    errors
        .iter()
        .flat_map(|(field, es)| {
            es.iter().map(move |e| {
                format!(
                    "{}: {}",
                    tr.t(&format!("admin-field-{field}")),
                    tr.i18n.field_error(tr.language, e)
                )
            })
        })
        .collect()
}

pub async fn create_org(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token"))
        || !desk.user.installation_admin
    {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let mut errors = FieldErrors::new();
    let slug = OrgSlug::try_from(get("slug"))
        .map_err(|e| errors.add("slug", e))
        .ok();
    let name = get("name");
    if name.is_empty() {
        errors.add("name", FieldError::Required);
    }
    for field in ["name", "name_sv", "name_en"] {
        if get(field).chars().count() > 200 {
            errors.add(field, FieldError::TooLong { max: 200 });
        }
    }
    let dpo_email = get("dpo_email");
    if !dpo_email.is_empty() && !is_plausible_email(dpo_email) {
        errors.add("dpo_email", FieldError::InvalidEmail);
    }
    // The prefix of case references, as given (in capitals) or from the short name.
    let given_prefix = get("ref_prefix").to_ascii_uppercase();
    if !given_prefix.is_empty() && !breachdesk_core::org::is_valid_ref_prefix(&given_prefix) {
        errors.add("ref_prefix", FieldError::InvalidRefPrefix);
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut outcome = Outcome {
        values: form.clone(),
        ..Outcome::default()
    };
    outcome.values.remove("csrf_token");
    let Some(slug) = slug.filter(|_| errors.is_empty()) else {
        outcome.org_errors = field_errors(tr, &errors);
        return Ok(render(&state, &desk, outcome, StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    let prefix = if given_prefix.is_empty() {
        slug.default_ref_prefix()
    } else {
        given_prefix
    };
    let new = NewOrganisation {
        slug,
        name: name.to_owned(),
        name_sv: opt(get("name_sv")),
        name_en: opt(get("name_en")),
        dpo_name: opt(get("dpo_name")),
        dpo_email: opt(dpo_email),
        dpo_phone: opt(get("dpo_phone")),
    };
    Ok(
        match state
            .app()
            .create_org(Some(desk.user.id), &new, &prefix)
            .await
        {
            Ok(org) => {
                let outcome = Outcome {
                    notice: Some(tr.t1("admin-org-created", "name", &org.name)),
                    ..Outcome::default()
                };
                render(&state, &desk, outcome, StatusCode::CREATED).await
            }
            Err(AppError::Conflict(Conflict::OrganisationSlug)) => {
                errors.add("slug", FieldError::Taken);
                outcome.org_errors = field_errors(tr, &errors);
                render(&state, &desk, outcome, StatusCode::CONFLICT).await
            }
            Err(e) => return Err(PageError::internal(&e)),
        },
    )
}

pub async fn create_account(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| form.get(k).map_or("", |v| v.trim());
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) || !desk.administers() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let all = match state.organisations().await {
        Ok(o) => o,
        Err(e) => return Err(PageError::internal(&e)),
    };
    let mine = administered(&desk, &all);
    let mut errors = FieldErrors::new();
    let org = all.iter().find(|o| o.slug.as_str() == get("org"));
    match org {
        Some(o) if !mine.contains(&o.id) => return Err(PageError::forbidden(&state, desk.lang)),
        Some(_) => {}
        None => errors.add("org", FieldError::Required),
    }
    let email = get("email").to_lowercase();
    if !is_plausible_email(&email) {
        errors.add("email", FieldError::InvalidEmail);
    }
    let role = get("role").parse::<Role>().ok();
    if role.is_none() {
        errors.add(
            "role",
            FieldError::InvalidChoice {
                allowed: &[
                    "dpo",
                    "security_manager",
                    "privacy_team",
                    "security_team",
                    "communications",
                    "auditor",
                    "admin",
                ],
            },
        );
    }
    let mut outcome = Outcome {
        values: form.clone(),
        ..Outcome::default()
    };
    outcome.values.remove("csrf_token");
    let (Some(org), Some(role)) = (org, role) else {
        outcome.account_errors = field_errors(tr, &errors);
        return Ok(render(&state, &desk, outcome, StatusCode::UNPROCESSABLE_ENTITY).await);
    };
    if !errors.is_empty() {
        outcome.account_errors = field_errors(tr, &errors);
        return Ok(render(&state, &desk, outcome, StatusCode::UNPROCESSABLE_ENTITY).await);
    }
    // The account first (a new one has no usable password until its owner follows the setup
    // link), then the role under separation of duties (issue 17): a role that reads case
    // content waits for a DPO of the organisation unless a DPO gives it.
    let actor = breachdesk_app::access::Actor {
        principal: &desk.principal,
        installation_admin: desk.user.installation_admin,
    };
    let added = state.app().add_account(actor, &email, org, role).await;
    Ok(match added {
        Ok(AccountAdded {
            setup_token: token,
            outcome: given,
            ..
        }) => {
            let notice = match given {
                RoleOutcome::Granted => tr.t1("admin-account-added", "email", &email),
                RoleOutcome::Requested => tr.t1("admin-role-requested", "email", &email),
                RoleOutcome::AlreadyRequested => tr.t1("admin-role-already", "email", &email),
            };
            let link = token.map(|t| format!("{}/setup/{t}", state.0.mail.public_url));
            let (new_link, notice) = match link {
                Some(link) if state.mail_setup_link(&email, &link, desk.lang).await => (
                    None,
                    format!("{notice} {}", tr.t1("admin-link-mailed", "email", &email)),
                ),
                Some(link) => (Some((email.clone(), link)), notice),
                None => (None, notice),
            };
            let outcome = Outcome {
                new_link,
                notice: Some(notice),
                ..Outcome::default()
            };
            render(&state, &desk, outcome, StatusCode::CREATED).await
        }
        Err(breachdesk_app::AppError::Forbidden | breachdesk_app::AppError::Refused(_)) => {
            super::forbidden(&state, desk.lang)
        }
        Err(e) => return Err(PageError::internal(&e)),
    })
}
