//! The handlers' desk: sign-in, the dashboard of open cases by deadline, the case page with its
//! workflow, awareness time and investigation record, and the case history. Server-rendered
//! forms, no JavaScript; every page in Finnish, Swedish and English.
//!
//! Every handler takes a [`session::Desk`] (signed in with both factors) and asks
//! `workflow::may` before it shows or changes anything; a case the user may not read does not
//! exist for them (404).

mod accounts;
mod admin;
pub mod auth;
mod case;
mod common;
pub(crate) use common::{DISPLAY_ZONE, zone};
mod dashboard;
mod history;
mod notices;
mod register;
mod roles;
pub mod session;
mod take_report;
mod templates;
mod tokens;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use breachdesk_core::report::Language;

use crate::state::AppState;

pub fn routes(max_attachment_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/desk/cases/{id}/attachments",
            post(case::attachments::upload_attachment)
                // Files are larger than forms; multipart overhead on top of the file itself.
                .layer(DefaultBodyLimit::max(max_attachment_bytes + 64 * 1024)),
        )
        .route(
            "/desk/cases/{id}/attachments/{attachment}",
            get(case::attachments::download_attachment),
        )
        .route(
            "/setup/{token}",
            get(auth::setup_page).post(auth::setup_submit),
        )
        .route(
            "/sign-in",
            get(auth::sign_in_page).post(auth::sign_in_submit),
        )
        .route(
            "/sign-in/code",
            get(auth::code_page).post(auth::code_submit),
        )
        .route(
            "/sign-in/enrol",
            get(auth::enrol_page_get).post(auth::enrol_submit),
        )
        .route("/sign-out", post(auth::sign_out))
        .route("/desk", get(dashboard::dashboard))
        .route("/admin", get(admin::admin_page))
        .route("/admin/orgs", post(admin::create_org))
        .route("/admin/orgs/{slug}/names", post(accounts::rename_org))
        .route("/admin/accounts", post(admin::create_account))
        .route("/admin/accounts/{user}/move", post(accounts::move_account))
        .route(
            "/admin/accounts/{user}/name",
            post(accounts::rename_account),
        )
        .route(
            "/admin/accounts/{user}/{action}",
            post(accounts::account_action),
        )
        .route("/admin/memberships/remove", post(accounts::remove_role))
        .route(
            "/desk/tokens",
            get(tokens::tokens_page).post(tokens::create_token),
        )
        .route("/desk/tokens/{id}/revoke", post(tokens::revoke_token))
        .route("/desk/roles", get(roles::roles_page))
        .route("/desk/roles/{id}", post(roles::decide))
        .route("/desk/cases/{id}", get(case::case_page))
        .route("/desk/cases/{id}/status", post(case::record::change_status))
        .route(
            "/desk/cases/{id}/awareness",
            post(case::record::set_awareness),
        )
        .route(
            "/desk/cases/{id}/timeline",
            post(case::record::add_timeline_event),
        )
        .route("/desk/cases/{id}/scope", post(case::record::save_scope))
        .route(
            "/desk/cases/{id}/notified",
            post(case::record::record_notification),
        )
        .route("/desk/cases/{id}/assign", post(case::sharing::assign))
        .route("/desk/cases/{id}/merge", post(case::sharing::merge))
        .route(
            "/desk/cases/{id}/assessment/answers",
            post(case::assessment::save_answers),
        )
        .route(
            "/desk/cases/{id}/assessment/decision",
            post(case::assessment::decide),
        )
        .route(
            "/desk/cases/{id}/questions",
            post(case::record::ask_question),
        )
        .route("/desk/cases/{id}/share", post(case::sharing::share))
        .route("/desk/cases/{id}/invite", post(case::sharing::invite))
        .route("/desk/cases/{id}/tasks", post(case::record::add_task))
        .route(
            "/desk/cases/{id}/tasks/{task}/done",
            post(case::record::task_done),
        )
        .route("/desk/cases/{id}/meetings", post(case::record::add_meeting))
        .route(
            "/desk/cases/{id}/communications",
            post(case::record::add_communication),
        )
        .route("/desk/cases/{id}/history", get(history::history))
        .route("/desk/cases/{id}/hold", post(case::retention::set_hold))
        .route(
            "/desk/cases/{id}/hold/lift",
            post(case::retention::lift_hold),
        )
        .route(
            "/desk/cases/{id}/deletion",
            post(case::retention::request_deletion),
        )
        .route(
            "/desk/cases/{id}/deletion/confirm",
            post(case::retention::confirm_deletion),
        )
        .route(
            "/desk/cases/{id}/deletion/item",
            post(case::retention::delete_item),
        )
        .route(
            "/desk/cases/{id}/deletion/withdraw",
            post(case::retention::withdraw_deletion),
        )
        .route("/desk/reports/new", get(take_report::page))
        .route("/desk/reports", post(take_report::take))
        .route("/desk/register", get(register::page))
        .route("/desk/register/export", get(register::export))
        .route("/desk/register/import", post(register::import))
        .route("/desk/register/retention", post(register::set_retention))
        .route(
            "/desk/cases/{id}/notices/authority",
            get(notices::notification::authority_page).post(notices::notification::save_authority),
        )
        .route(
            "/desk/cases/{id}/notices/facts",
            get(notices::facts::page).post(notices::facts::save),
        )
        .route(
            "/desk/cases/{id}/notices/public",
            get(notices::public_notice::public_page).post(notices::public_notice::save_public),
        )
        .route(
            "/desk/cases/{id}/notices/public/{version}/approve",
            post(notices::public_notice::approve_public),
        )
        .route(
            "/desk/cases/{id}/notices/subjects",
            get(notices::letters::page).post(notices::letters::save),
        )
        .route(
            "/desk/cases/{id}/notices/subjects/{version}/approve",
            post(notices::letters::approve),
        )
        .route(
            "/desk/cases/{id}/notices/subjects/recipients",
            post(notices::letters::upload_recipients),
        )
        .route(
            "/desk/cases/{id}/notices/subjects/recipients/delete",
            post(notices::letters::delete_recipients),
        )
        .route(
            "/desk/cases/{id}/notices/subjects/bounces",
            post(notices::letters::upload_bounces),
        )
        .route(
            "/desk/cases/{id}/notices/subjects/send",
            post(notices::letters::send),
        )
        .route(
            "/desk/cases/{id}/notices/subjects/letters.pdf",
            get(notices::letters::letters_pdf),
        )
        .route(
            "/desk/orgs/{slug}/templates",
            get(templates::page).post(templates::save),
        )
        .route("/notices/{slug}", get(notices::public_notice::notice_index))
        .route(
            "/notices/{slug}/{reference}",
            get(notices::public_notice::public_notice),
        )
        .route(
            "/static/notice.css",
            get(notices::public_notice::notice_stylesheet),
        )
        .route(
            "/notices/{slug}/{reference}/{words}",
            get(notices::public_notice::public_notice_at),
        )
        .route(
            "/notices/{slug}/{reference}/notice.md",
            get(notices::public_notice::public_notice_markdown),
        )
        .route(
            "/desk/cases/{id}/notices/authority/{version}/approve",
            post(notices::notification::approve_authority),
        )
        .route(
            "/desk/cases/{id}/notices/authority/{version}/submitted",
            post(notices::notification::record_authority_submission),
        )
        .route(
            "/desk/cases/{id}/notices/authority/{version}/export/{format}",
            get(notices::notification::export_authority),
        )
}

pub(crate) fn forbidden(state: &AppState, lang: Language) -> Response {
    crate::pages::message(
        state,
        lang,
        StatusCode::FORBIDDEN,
        "desk-forbidden-title",
        "desk-forbidden-text",
    )
}

pub(crate) fn not_found(state: &AppState, lang: Language) -> Response {
    crate::pages::message(
        state,
        lang,
        StatusCode::NOT_FOUND,
        "not-found-title",
        "not-found-text",
    )
}
