//! The notices of a case: the notification to the supervisory authority in the EDPB template —
//! drafted from the case, edited as versions, checked against the template, approved by the
//! DPO, exported (JSON, HTML, Markdown, PDF in fi/sv/en) and recorded as submitted with the
//! authority's reference.
//!
//! One file a page: `facts.rs` (the facts the notices are drafted from), `notification.rs` (the notification to the authority, its export and
//! submission), `public_notice.rs` (the public notice and its published page), `letters.rs`
//! (the letters to data subjects); here what they share: loading a case's notice versions and
//! the version views.

pub(super) mod facts;
pub(super) mod letters;
pub(super) mod notification;
pub(super) mod public_notice;

use crate::desk::common::PageError;
use crate::desk::common::{RecordForm, access_or_404};
use crate::desk::session::{self, Desk};
use crate::state::AppState;
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_app::handling::{Access, OpenedCase};
use breachdesk_core::investigation::{self};
use breachdesk_core::notice::{self, NoticeKind, Version};
use breachdesk_core::org::Organisation;
use breachdesk_core::workflow::Action;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Longest free-text answer of the template.
pub(super) const MAX_FIELD: usize = investigation::MAX_TEXT;

fn as_map(v: &Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

#[derive(Debug)]
pub struct VersionView {
    pub number: u32,
    pub saved: String,
    pub approved: Option<String>,
    pub submitted: Option<String>,
    pub problems: usize,
    pub can_approve: bool,
    pub can_record: bool,
}

#[derive(Debug, Deserialize, Default)]
pub struct EditQuery {
    /// Show this version in the form (default: the newest).
    pub(super) version: Option<u32>,
    /// Start again from the case's facts.
    #[serde(default)]
    pub(super) fresh: bool,
}

pub(super) struct Loaded {
    pub(super) access: Access,
    pub(super) opened: OpenedCase,
    pub(super) org: Option<Organisation>,
    pub(super) versions: Vec<Version>,
}

impl Loaded {
    /// Version `number` of the notice, or the 404 page.
    pub(super) fn version(
        &self,
        number: u32,
        state: &AppState,
        desk: &Desk,
    ) -> Result<&Version, PageError> {
        self.versions
            .iter()
            .find(|v| v.number == number)
            .ok_or_else(|| PageError::not_found(state, desk.lang))
    }
}

pub(super) async fn load(
    state: &AppState,
    desk: &Desk,
    id: &str,
    kind: NoticeKind,
    via: &str,
) -> Result<Loaded, PageError> {
    let access = access_or_404(state, desk, id).await?;
    let opened = state
        .open_case(&access, desk.user.id, via)
        .await
        .map_err(|e| PageError::internal(&e))?;
    let org = state
        .organisation(access.case.org_id)
        .await
        .map_err(|e| PageError::internal(&e))?;
    let versions = notice::versions(kind, &opened.entries);
    Ok(Loaded {
        access,
        opened,
        org,
        versions,
    })
}

/// [`load`] for a form: the session's CSRF token and the permission `needed` first.
pub(super) async fn load_for_form(
    state: &AppState,
    desk: &Desk,
    id: &str,
    kind: NoticeKind,
    via: &str,
    form: &RecordForm,
    needed: Action,
) -> Result<Loaded, PageError> {
    let l = load(state, desk, id, kind, via).await?;
    if !session::csrf_ok(&desk.session.csrf_token, form.get("csrf_token")) || !l.access.may(needed)
    {
        return Err(PageError::forbidden(state, desk.lang));
    }
    Ok(l)
}

/// Back to a notice's page after a change.
pub(super) fn see(desk: &Desk, id: uuid::Uuid, kind: NoticeKind) -> Response {
    Redirect::to(&format!(
        "/desk/cases/{id}/notices/{}?lang={}",
        kind.id(),
        desk.lang.as_str()
    ))
    .into_response()
}

#[derive(Debug)]
pub struct PartView {
    pub name: String,
    pub label: String,
    pub value: String,
    /// What keeps this part from approval (blank, another language), or empty.
    pub error: String,
}

#[derive(Debug)]
pub struct LanguageView {
    pub code: &'static str,
    pub name: String,
    pub parts: Vec<PartView>,
}
