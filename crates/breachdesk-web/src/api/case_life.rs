//! A case's life over the JSON API (`/api/v1/cases/{id}/…`), so that a ticketing or security
//! system can drive a case from report to published notice: the status, the awareness time, the
//! scope, the assessment's answers and the decision, the facts of the notices, the public
//! notice's draft, versions and approval, and the notification to the authority.
//!
//! Every call goes through the same use cases as the desk, so the same permission checks and the
//! same audit trail apply: a case the caller may not read does not exist for them (404); one
//! they may read but not change this way is 403; a token of the `read_only` scope changes
//! nothing (403). Bodies are the desk forms' fields as JSON (lists as arrays, numbers as numbers
//! or strings); times are RFC 3339 with an offset, or a local time with an IANA `zone`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use breachdesk_app::handling::{Access, OpenedCase};
use breachdesk_app::public_notice::{NoticeProblem, notice_of, problems};
use breachdesk_app::{AppError, Refusal};
use breachdesk_core::assessment::decision;
use breachdesk_core::assessment::questionnaire::{self, AnswerForm};
use breachdesk_core::case::CaseStatus;
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::notice::{self, NoticeKind};
use breachdesk_core::notice_facts::NoticeFacts;
use breachdesk_core::scope::ScopeForm;
use breachdesk_core::user::{Principal, TokenScope};
use breachdesk_core::workflow::{Action, TransitionError};
use breachdesk_notify::public::{self, PublicNotice};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;
use uuid::Uuid;

use super::error::{ApiError, ErrorBody, ValidationErrors};
use super::extract::{Handler, JsonObject};
use crate::desk::DISPLAY_ZONE;
use crate::state::AppState;

/// A JSON object read as a form: a string is one value, an array many, a number or a boolean
/// its text; `null` is absent.
struct JsonForm(BTreeMap<String, Vec<String>>);

impl JsonForm {
    fn of(body: &Map<String, Value>) -> Self {
        let text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        Self(
            body.iter()
                .map(|(k, v)| {
                    let values = match v {
                        Value::Array(items) => items.iter().filter_map(text).collect(),
                        other => text(other).into_iter().collect(),
                    };
                    (k.clone(), values)
                })
                .collect(),
        )
    }

    fn get(&self, name: &str) -> &str {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map_or("", String::as_str)
    }

    fn list(&self, name: &str) -> Vec<&str> {
        self.0
            .get(name)
            .map(|v| {
                v.iter()
                    .map(String::as_str)
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl ScopeForm for JsonForm {
    fn one(&self, name: &str) -> &str {
        self.get(name)
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.list(name)
    }
}

impl AnswerForm for JsonForm {
    fn one(&self, name: &str) -> &str {
        self.get(name)
    }
    fn all(&self, name: &str) -> Vec<&str> {
        self.list(name)
    }
}

/// A use case's refusal in the API's terms (field errors worded in English).
fn refused(state: &AppState, e: AppError) -> ApiError {
    match e {
        AppError::Invalid(errors) => ApiError::invalid(&state.0.i18n, &errors),
        AppError::Forbidden
        | AppError::Transition(TransitionError::Forbidden { .. })
        | AppError::Refused(Refusal::Grant(_)) => ApiError::Forbidden,
        AppError::Transition(t) => ApiError::Conflict(t.to_string()),
        e if e.is_stale() => {
            ApiError::Conflict("the case changed meanwhile; read it again and retry".into())
        }
        AppError::Refused(Refusal::NoticeNotReady(found)) => {
            ApiError::NotReady(found.iter().map(ProblemDto::of).collect())
        }
        other => other.into(),
    }
}

/// The caller's access to case `id` for a change: 404 when they may not read it, 403 for a
/// read-only token or without `needed`.
async fn for_change(
    state: &AppState,
    principal: &Principal,
    scope: TokenScope,
    id: &str,
    needed: Action,
) -> Result<Access, ApiError> {
    let access = readable(state, principal, id).await?;
    if scope != TokenScope::CaseHandling || !access.may(needed) {
        return Err(ApiError::Forbidden);
    }
    Ok(access)
}

async fn readable(state: &AppState, principal: &Principal, id: &str) -> Result<Access, ApiError> {
    let id = Uuid::parse_str(id).map_err(|_| ApiError::NotFound)?;
    state.access(principal, id).await?.ok_or(ApiError::NotFound)
}

async fn opened(
    state: &AppState,
    access: &Access,
    principal: &Principal,
    via: &str,
) -> Result<OpenedCase, ApiError> {
    Ok(state.open_case(access, principal.user_id, via).await?)
}

/// A time as the desk's forms take it: `(local date-time, zone)`. An RFC 3339 time with an
/// offset is taken as UTC.
fn local_time(body: &JsonForm) -> (String, String) {
    let at = body.get("at").trim();
    if let Ok(t) = at.parse::<jiff::Timestamp>() {
        return (
            t.to_zoned(jiff::tz::TimeZone::UTC).datetime().to_string(),
            "UTC".to_owned(),
        );
    }
    let zone = match body.get("zone").trim() {
        "" => DISPLAY_ZONE.to_owned(),
        z => z.to_owned(),
    };
    (at.to_owned(), zone)
}

/// Body of `POST /api/v1/cases/{id}/status`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct StatusRequest {
    /// `new`, `triage`, `investigating`, `assessed`, `notified`, `closed`, `unfounded` …
    to: String,
    /// Needed for some moves (closing without notification, reopening).
    reason: Option<String>,
}

/// The case's status after a change.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseState {
    pub id: Uuid,
    pub status: &'static str,
    /// When the organisation became aware (RFC 3339), if set.
    pub awareness_at: Option<String>,
    /// When the authority was notified (RFC 3339), if recorded.
    pub notified_at: Option<String>,
}

async fn state_of(
    state: &AppState,
    principal: &Principal,
    id: Uuid,
) -> Result<CaseState, ApiError> {
    let access = state
        .access(principal, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(CaseState {
        id,
        status: access.case.status.as_str(),
        awareness_at: access.case.awareness_at.map(|t| t.to_string()),
        notified_at: access.case.notified_at.map(|t| t.to_string()),
    })
}

/// Move the case in its workflow.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/status", tag = "case life",
    params(("id" = Uuid, Path)), request_body = StatusRequest, security(("bearer" = [])),
    responses(
        (status = 200, body = CaseState),
        (status = 403, description = "Read-only token, or a role that may not make this move", body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "The workflow does not allow this move now", body = ErrorBody),
        (status = 422, body = ValidationErrors),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    Handler(principal, scope): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<CaseState>, ApiError> {
    let access = for_change(&state, &principal, scope, &id, Action::ReadCase).await?;
    let form = JsonForm::of(&body);
    let to = form
        .get("to")
        .parse::<CaseStatus>()
        .map_err(|_| ApiError::field("to", "Is not a status of a case."))?;
    let reason = Some(form.get("reason")).filter(|r| !r.trim().is_empty());
    state
        .move_case(&access, principal.user_id, to, reason)
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(Json(state_of(&state, &principal, access.case.id).await?))
}

/// Body of `PUT /api/v1/cases/{id}/awareness` and `POST /api/v1/cases/{id}/notified`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct TimeRequest {
    /// RFC 3339 with an offset (`2026-11-22T09:15:00+02:00`), or a local time with `zone`.
    at: String,
    /// IANA zone of a local `at` (default `Europe/Helsinki`).
    zone: Option<String>,
    /// Awareness: why it changed (needed to change it). Notification: unused.
    reason: Option<String>,
    /// Notification: the authority's reference.
    reference: Option<String>,
    /// Notification after 72 hours: the reasons for the delay (Art. 33(1)).
    delay_reasons: Option<String>,
}

/// Set (or, with a reason, change) when the organisation became aware: the 72 hours start.
#[utoipa::path(
    put, path = "/api/v1/cases/{id}/awareness", tag = "case life",
    params(("id" = Uuid, Path)), request_body = TimeRequest, security(("bearer" = [])),
    responses((status = 200, body = CaseState), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ValidationErrors))
)]
pub async fn awareness(
    State(state): State<AppState>,
    Handler(principal, scope): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<CaseState>, ApiError> {
    let access = for_change(&state, &principal, scope, &id, Action::SetAwareness).await?;
    let form = JsonForm::of(&body);
    let (local, zone) = local_time(&form);
    let at = investigation::parse_local(&local, &zone).map_err(|e| {
        let mut errors = FieldErrors::new();
        errors.add(
            "at",
            if local.is_empty() {
                FieldError::Required
            } else {
                e
            },
        );
        ApiError::invalid(&state.0.i18n, &errors)
    })?;
    state
        .set_awareness(
            &access,
            principal.user_id,
            at.timestamp(),
            Some(form.get("reason")),
        )
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(Json(state_of(&state, &principal, access.case.id).await?))
}

/// Record the scope as a whole: the desk's scope form as JSON (`nature`, `affected`,
/// `not_affected`, `subject_categories` as arrays; `subjects` and `records` with `…_value`).
#[utoipa::path(
    put, path = "/api/v1/cases/{id}/scope", tag = "case life",
    params(("id" = Uuid, Path)), request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 204, description = "Saved as a new entry of the record"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ValidationErrors))
)]
pub async fn scope(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::EditInvestigation).await?;
    let scope = breachdesk_core::scope::validate_scope(&JsonForm::of(&body))
        .map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    state
        .save_scope(&access, principal.user_id, scope)
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Answer the assessment's questions (the desk's questionnaire fields as JSON).
#[utoipa::path(
    put, path = "/api/v1/cases/{id}/assessment/answers", tag = "case life",
    params(("id" = Uuid, Path)), request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 204, description = "Saved; the proposal follows from scope and answers"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ValidationErrors))
)]
pub async fn answers(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::EditInvestigation).await?;
    let answers = questionnaire::read_answers(&JsonForm::of(&body))
        .map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    state
        .add_entry(
            &access,
            principal.user_id,
            &Entry::AssessmentAnswers(Box::new(answers)),
        )
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// The decision on the proposed assessment: `{"decision": "accept"}`, or `override` with the
/// desk's fields (`risk`, `severity`, `likelihood`, `notify_authority`,
/// `communicate_to_subjects`, `reason` …). The DPO's or the security manager's.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/assessment/decision", tag = "case life",
    params(("id" = Uuid, Path)), request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 204, description = "Recorded"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ValidationErrors))
)]
pub async fn decide(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::DecideAssessment).await?;
    let opened = opened(&state, &access, &principal, "api.decision").await?;
    let entry = decision::decide(
        decision::current_proposal(&opened.entries).as_ref(),
        &JsonForm::of(&body),
    )
    .map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    state
        .record_decision(&access, principal.user_id, &entry)
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Add to the investigation record: `{"kind": "timeline_event", "at", "zone", "source",
/// "description"}`, `{"kind": "meeting", "at", "zone", "participants", "minutes", "decisions"}`,
/// `{"kind": "communication", "at", "zone", "direction": "incoming"|"outgoing", "party",
/// "summary"}` or `{"kind": "task", "title", "due": "YYYY-MM-DD"}` (tasks are assigned on the
/// desk). Times as elsewhere: RFC 3339 with an offset, or local with `zone`.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/record", tag = "case life",
    params(("id" = Uuid, Path)), request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 201, description = "Added to the record"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ValidationErrors))
)]
pub async fn record(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::EditInvestigation).await?;
    let form = JsonForm::of(&body);
    let (local, zone) = local_time(&form);
    let now = state.now();
    let entry = match form.get("kind") {
        "timeline_event" => investigation::timeline_event(
            &local,
            &zone,
            form.get("source"),
            form.get("description"),
            now,
        ),
        "meeting" => investigation::meeting(
            &local,
            &zone,
            form.get("participants"),
            form.get("minutes"),
            form.get("decisions"),
            now,
        ),
        "communication" => investigation::communication(
            &local,
            &zone,
            form.get("direction"),
            form.get("party"),
            form.get("summary"),
            now,
        ),
        "task" => investigation::task(form.get("title"), None, form.get("due")),
        _ => {
            return Err(ApiError::field(
                "kind",
                "Must be one of: timeline_event, meeting, communication, task.",
            ));
        }
    }
    .map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    state
        .add_entry(&access, principal.user_id, &entry)
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(StatusCode::CREATED)
}

/// Record the facts the notices are written from (the shape of
/// `breachdesk_core::notice_facts::NoticeFacts`: `progress`, `fixed_on`, `must_act`, `reach`,
/// texts as `{"fi": …, "sv": …, "en": …}`, `categories` with `count` and `caveat`, …).
#[utoipa::path(
    put, path = "/api/v1/cases/{id}/notices/facts", tag = "case life",
    params(("id" = Uuid, Path)), request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 204, description = "Saved as a new entry of the record"),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, description = "A field is malformed, contradicts the scope, or a text is in another language than its key", body = ValidationErrors))
)]
pub async fn facts(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<StatusCode, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::EditInvestigation).await?;
    let facts: NoticeFacts = serde_json::from_value(Value::Object(body)).map_err(|e| {
        // serde's message names the field, the expected form and where it is; it may quote the
        // caller's own value back to them, and is not logged.
        ApiError::field("facts", &format!("Not facts of the notices: {e}."))
    })?;
    let opened = opened(&state, &access, &principal, "api.notice.facts").await?;
    state
        .save_notice_facts(
            &access,
            &opened,
            principal.user_id,
            facts,
            crate::desk::zone(),
        )
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// One reason a version cannot be published.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDto {
    /// `fi`, `sv` or `en`.
    pub language: &'static str,
    /// The part, e.g. `what_happened`.
    pub part: &'static str,
    /// `blank` or `wrong_language`.
    pub problem: &'static str,
    /// For `wrong_language`: the language the part reads as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reads_as: Option<&'static str>,
}

impl ProblemDto {
    fn of(p: &NoticeProblem) -> Self {
        match *p {
            NoticeProblem::Blank { lang, part } => Self {
                language: lang.as_str(),
                part,
                problem: "blank",
                reads_as: None,
            },
            NoticeProblem::WrongLanguage { lang, part, found } => Self {
                language: lang.as_str(),
                part,
                problem: "wrong_language",
                reads_as: Some(found.as_str()),
            },
        }
    }
}

/// A saved version of the public notice.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDto {
    pub number: u32,
    pub saved_at: String,
    pub approved_at: Option<String>,
    pub problems: Vec<ProblemDto>,
}

/// The public notice of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicNoticeDto {
    /// The draft from the case's current facts: `{"fi": {part: text}, "sv": …, "en": …}`.
    #[schema(value_type = Object)]
    pub draft: PublicNotice,
    /// The draft's problems (what the facts leave blank).
    pub draft_problems: Vec<ProblemDto>,
    pub versions: Vec<VersionDto>,
    /// Where it is published (path), once a version is approved.
    pub address: Option<String>,
}

async fn address_of(state: &AppState, access: &Access, notice: &PublicNotice) -> String {
    let slug = state
        .organisation(access.case.org_id)
        .await
        .ok()
        .flatten()
        .map(|o| o.slug.as_str().to_owned())
        .unwrap_or_default();
    let words = public::address_words(notice);
    let base = format!("/notices/{slug}/{}", access.case.reference);
    if words.is_empty() {
        base
    } else {
        format!("{base}/{words}")
    }
}

/// The public notice: the draft from the facts, the saved versions with their problems, and
/// the address once published.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/notices/public", tag = "case life",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = PublicNoticeDto), (status = 404, body = ErrorBody))
)]
pub async fn public_notice(
    State(state): State<AppState>,
    Handler(principal, _scope): Handler,
    Path(id): Path<String>,
) -> Result<Json<PublicNoticeDto>, ApiError> {
    let access = readable(&state, &principal, &id).await?;
    let opened = opened(&state, &access, &principal, "api.notice.public").await?;
    let draft = state
        .public_notice_draft(&access, &opened, &crate::desk::zone())
        .await;
    let versions = notice::versions(NoticeKind::Public, &opened.entries);
    let address = match versions.iter().rev().find(|v| v.approved.is_some()) {
        Some(v) => Some(address_of(&state, &access, &notice_of(v)).await),
        None => None,
    };
    Ok(Json(PublicNoticeDto {
        draft_problems: problems(&draft).iter().map(ProblemDto::of).collect(),
        draft,
        versions: versions
            .iter()
            .map(|v| VersionDto {
                number: v.number,
                saved_at: v.saved_at.to_string(),
                approved_at: v.approved.map(|(_, at)| at.to_string()),
                problems: problems(&notice_of(v)).iter().map(ProblemDto::of).collect(),
            })
            .collect(),
        address,
    }))
}

/// A version saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSaved {
    pub number: u32,
    /// What keeps it from approval (empty: the DPO may approve it).
    pub problems: Vec<ProblemDto>,
}

/// Save a version of the public notice: `{"fi": {part: text}, "sv": …, "en": …}` (the draft of
/// `GET …/notices/public` as it stands, or edited).
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/notices/public/versions", tag = "case life",
    params(("id" = Uuid, Path)), request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 201, body = VersionSaved), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ValidationErrors))
)]
pub async fn save_version(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<VersionSaved>), ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::EditInvestigation).await?;
    let notice: PublicNotice = serde_json::from_value(Value::Object(body)).map_err(|e| {
        ApiError::field(
            "notice",
            &format!("Must be {{\"fi\": {{part: text}}, \"sv\": …, \"en\": …}}: {e}."),
        )
    })?;
    let opened = opened(&state, &access, &principal, "api.notice.public.save").await?;
    let number = state
        .save_public_version(&access, &opened, principal.user_id, &notice)
        .await
        .map_err(|e| refused(&state, e))?;
    Ok((
        StatusCode::CREATED,
        Json(VersionSaved {
            number,
            problems: problems(&notice).iter().map(ProblemDto::of).collect(),
        }),
    ))
}

/// Published.
#[derive(Debug, Serialize, ToSchema)]
pub struct Published {
    /// The notice's public address (path).
    pub address: String,
}

/// The DPO approves a version exactly as it stands: it is published.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/notices/public/versions/{number}/approve", tag = "case life",
    params(("id" = Uuid, Path), ("number" = u32, Path)), security(("bearer" = [])),
    responses((status = 200, body = Published),
              (status = 403, description = "Only the DPO approves", body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "Parts blank or in another language (listed in `problems`), or already approved"))
)]
pub async fn approve(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path((id, number)): Path<(String, u32)>,
) -> Result<Json<Published>, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::ApproveNotice).await?;
    let opened = opened(&state, &access, &principal, "api.notice.public.approve").await?;
    state
        .approve_public_version(&access, &opened, principal.user_id, number)
        .await
        .map_err(|e| refused(&state, e))?;
    if let Ok(Some(org)) = state.organisation(access.case.org_id).await {
        state.forget_published(org.slug.as_str());
    }
    let versions = notice::versions(NoticeKind::Public, &opened.entries);
    let v = versions
        .iter()
        .find(|v| v.number == number)
        .ok_or(ApiError::NotFound)?;
    Ok(Json(Published {
        address: address_of(&state, &access, &notice_of(v)).await,
    }))
}

/// One problem of a notification version: its field and what is wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblemDto {
    /// `field_NN`, or empty for the document as a whole.
    pub field: String,
    /// `schema`, `required`, `only-incomplete`, `withdraw-needs-follow-up`,
    /// `late-reasons-required`.
    pub problem: &'static str,
}

fn field_problems(found: &[breachdesk_notify::edpb::Problem]) -> Vec<FieldProblemDto> {
    found
        .iter()
        .map(|p| FieldProblemDto {
            field: p.field.clone(),
            problem: p.kind.id(),
        })
        .collect()
}

/// The notification to the authority of a case.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityNoticeDto {
    /// The draft from the case: the EDPB template's fields.
    #[schema(value_type = Object)]
    pub draft: Map<String, Value>,
    pub draft_problems: Vec<FieldProblemDto>,
    pub versions: Vec<AuthorityVersionDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityVersionDto {
    pub number: u32,
    pub saved_at: String,
    pub approved_at: Option<String>,
    pub submitted_at: Option<String>,
    pub problems: Vec<FieldProblemDto>,
}

/// The notification to the authority: the draft from the case (written by the token's owner),
/// the saved versions and what keeps each from approval.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/notices/authority", tag = "case life",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses((status = 200, body = AuthorityNoticeDto), (status = 404, body = ErrorBody))
)]
pub async fn authority_notice(
    State(state): State<AppState>,
    Handler(principal, _scope): Handler,
    Path(id): Path<String>,
) -> Result<Json<AuthorityNoticeDto>, ApiError> {
    let access = readable(&state, &principal, &id).await?;
    let opened = opened(&state, &access, &principal, "api.notice.authority").await?;
    let me = state
        .account_of(principal.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let author = breachdesk_app::notice_facts::Author {
        name: me.display_name.clone().unwrap_or_else(|| me.email.clone()),
        email: me.email,
    };
    let draft = state
        .authority_draft(&access, &opened, &author, crate::desk::zone())
        .await;
    let now = state.now();
    let check = |doc: &Map<String, Value>| {
        field_problems(&breachdesk_app::authority_notice::problems(
            &access, doc, now,
        ))
    };
    let versions = notice::versions(NoticeKind::Authority, &opened.entries)
        .iter()
        .map(|v| AuthorityVersionDto {
            number: v.number,
            saved_at: v.saved_at.to_string(),
            approved_at: v.approved.map(|(_, at)| at.to_string()),
            submitted_at: v.submitted.as_ref().map(|(at, _)| at.to_string()),
            problems: check(&v.content.as_object().cloned().unwrap_or_default()),
        })
        .collect();
    Ok(Json(AuthorityNoticeDto {
        draft_problems: check(&draft),
        draft,
        versions,
    }))
}

/// The template's fields of a body: only the template's keys, each value of its field's kind
/// (a choice's code, text within the record's limit, a whole number, `true`/`false`).
fn template_fields(body: Map<String, Value>) -> Result<Map<String, Value>, FieldErrors> {
    use breachdesk_notify::edpb::FieldKind;
    let template = breachdesk_notify::edpb::template();
    let mut errors = FieldErrors::new();
    for (key, value) in &body {
        let Some(f) = template.fields.iter().find(|f| &f.key == key) else {
            errors.add(key, FieldError::UnknownField);
            continue;
        };
        let ok = match (f.kind, value) {
            (FieldKind::Choice, Value::String(c)) => {
                c.is_empty() || f.options.iter().any(|(code, _)| code == c)
            }
            (FieldKind::Integer, Value::Number(n)) => n.is_u64(),
            (FieldKind::Boolean, Value::Bool(_)) => true,
            (FieldKind::Text | FieldKind::Date | FieldKind::DateTime, Value::String(t)) => {
                if t.chars().count() > investigation::MAX_TEXT {
                    errors.add(
                        key,
                        FieldError::TooLong {
                            max: investigation::MAX_TEXT,
                        },
                    );
                }
                true
            }
            _ => false,
        };
        if !ok {
            errors.add(key, FieldError::NotAllowedForKind);
        }
    }
    if errors.is_empty() {
        Ok(body)
    } else {
        Err(errors)
    }
}

/// A notification version saved.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorityVersionSaved {
    pub number: u32,
    pub problems: Vec<FieldProblemDto>,
}

/// Save a version of the notification: the template's fields (the draft of
/// `GET …/notices/authority` as it stands, or edited). Drafts may be incomplete.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/notices/authority/versions", tag = "case life",
    params(("id" = Uuid, Path)), request_body(content = Object, content_type = "application/json"),
    security(("bearer" = [])),
    responses((status = 201, body = AuthorityVersionSaved), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ValidationErrors))
)]
pub async fn save_authority_version(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<AuthorityVersionSaved>), ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::EditInvestigation).await?;
    let doc = template_fields(body).map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    let opened = opened(&state, &access, &principal, "api.notice.authority.save").await?;
    let problems = field_problems(&breachdesk_app::authority_notice::problems(
        &access,
        &doc,
        state.now(),
    ));
    let number = state
        .save_authority_version(&access, &opened, principal.user_id, doc)
        .await
        .map_err(|e| refused(&state, e))?;
    Ok((
        StatusCode::CREATED,
        Json(AuthorityVersionSaved { number, problems }),
    ))
}

/// The DPO approves a version of the notification exactly as it stands.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/notices/authority/versions/{number}/approve", tag = "case life",
    params(("id" = Uuid, Path), ("number" = u32, Path)), security(("bearer" = [])),
    responses((status = 204, description = "Approved"),
              (status = 403, description = "Only the DPO approves", body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "The template finds problems (listed), or already approved", body = ErrorBody))
)]
pub async fn approve_authority(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path((id, number)): Path<(String, u32)>,
) -> Result<StatusCode, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::ApproveNotice).await?;
    let opened = opened(&state, &access, &principal, "api.notice.authority.approve").await?;
    match state
        .approve_authority_version(&access, &opened, principal.user_id, number)
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(AppError::Refused(Refusal::NotificationNotReady(found))) => {
            Err(ApiError::Conflict(if found.is_empty() {
                "the version is approved already".into()
            } else {
                format!(
                    "the template finds problems: {}",
                    field_problems(&found)
                        .iter()
                        .map(|p| format!("{} ({})", p.field, p.problem))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }))
        }
        Err(e) => Err(refused(&state, e)),
    }
}

/// Which language a readable export is in.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ExportParams {
    /// `fi`, `sv` or `en` (default `fi`) for `html`, `md` and `pdf`.
    doc: Option<String>,
}

/// Export a version of the notification to the authority: `json` (the EDPB template's JSON,
/// only when it validates), or `html`, `md`, `pdf` in `doc`'s language — the same documents as
/// the desk's.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/notices/authority/{number}/export/{format}", tag = "case life",
    params(("id" = Uuid, Path), ("number" = u32, Path), ("format" = String, Path), ExportParams),
    security(("bearer" = [])),
    responses((status = 200, description = "The file"), (status = 404, body = ErrorBody),
              (status = 409, description = "The version's JSON does not validate against the template", body = ErrorBody),
              (status = 422, body = ValidationErrors))
)]
pub async fn export_authority(
    State(state): State<AppState>,
    Handler(principal, _scope): Handler,
    Path((id, number, format)): Path<(String, u32, String)>,
    axum::extract::Query(q): axum::extract::Query<ExportParams>,
) -> Result<axum::response::Response, ApiError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let access = readable(&state, &principal, &id).await?;
    let lang = match q.doc.as_deref() {
        None | Some("") => breachdesk_core::report::Language::Fi,
        Some(l) => breachdesk_core::report::Language::parse(l)
            .ok_or_else(|| ApiError::field("doc", "Must be fi, sv or en."))?,
    };
    let opened = opened(&state, &access, &principal, "api.notice.authority.export").await?;
    let versions = notice::versions(NoticeKind::Authority, &opened.entries);
    let v = versions
        .iter()
        .find(|v| v.number == number)
        .ok_or(ApiError::NotFound)?;
    let doc = v.content.as_object().cloned().unwrap_or_default();
    let facts = investigation::current_notice_facts(&opened.entries);
    let readable = || breachdesk_notify::authority::document_in(&doc, lang, facts);
    let (content_type, body) = match format.as_str() {
        "json" => {
            let invalid = breachdesk_notify::edpb::template()
                .check(&doc, false)
                .iter()
                .any(|p| matches!(p.kind, breachdesk_notify::edpb::ProblemKind::Schema(_)));
            if invalid {
                return Err(ApiError::Conflict(
                    "the version does not validate against the EDPB template".into(),
                ));
            }
            (
                "application/json",
                serde_json::to_vec_pretty(&v.content).unwrap_or_default(),
            )
        }
        "html" => (
            "text/html; charset=utf-8",
            readable().to_html().into_bytes(),
        ),
        "md" => (
            "text/markdown; charset=utf-8",
            readable().to_markdown().into_bytes(),
        ),
        "pdf" => ("application/pdf", readable().to_pdf()),
        _ => return Err(ApiError::field("format", "Must be json, html, md or pdf.")),
    };
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// Record that the authority was notified (Art. 33): moves the case to `notified`.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/notified", tag = "case life",
    params(("id" = Uuid, Path)), request_body = TimeRequest, security(("bearer" = [])),
    responses((status = 200, body = CaseState), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ValidationErrors))
)]
pub async fn notified(
    State(state): State<AppState>,
    Handler(principal, token): Handler,
    Path(id): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<Json<CaseState>, ApiError> {
    let access = for_change(&state, &principal, token, &id, Action::RecordNotification).await?;
    let form = JsonForm::of(&body);
    let (local, zone) = local_time(&form);
    let Some(awareness) = access.case.awareness_at else {
        let mut e = FieldErrors::new();
        e.add("at", FieldError::BeforeAwareness);
        return Err(ApiError::invalid(&state.0.i18n, &e));
    };
    let entry = investigation::authority_notified(
        &local,
        &zone,
        form.get("delay_reasons"),
        form.get("reference"),
        awareness,
        state.now(),
    )
    .map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    state
        .record_notification(&access, principal.user_id, &entry)
        .await
        .map_err(|e| refused(&state, e))?;
    Ok(Json(state_of(&state, &principal, access.case.id).await?))
}
