//! The JSON API under `/api/v1`: public intake and follow-up, and the case register for handlers.

mod case_life;
pub mod error;
pub mod extract;
pub mod schema;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use breachdesk_core::input::JsonInput;
use breachdesk_core::ports::Page;
use breachdesk_core::report::{
    Language, Warning, protected_data_warnings, supplement_warnings, validate_report,
    validate_supplement,
};
use utoipa::OpenApi;
use uuid::Uuid;

use self::error::{ApiError, ErrorBody, ValidationErrors};
use self::extract::{Handler, JsonObject};
use self::schema::{
    CaseDetail, CaseList, CaseListItem, FollowUpStatus, ListParams, RegisterParams, ReportAccepted,
    ReportDto, SupplementAccepted, SupplementDto, SupplementSummary, WarningDto,
};
use crate::client::ClientIp;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/orgs/{slug}/reports", post(create_report))
        .route("/api/v1/follow-up", post(follow_up))
        .route("/api/v1/follow-up/supplements", post(create_supplement))
        .route("/api/v1/cases", get(list_cases))
        .route("/api/v1/cases/{id}", get(get_case))
        .route("/api/v1/register", get(register))
        .route("/api/v1/cases/{id}/status", post(case_life::status))
        .route("/api/v1/cases/{id}/awareness", put(case_life::awareness))
        .route("/api/v1/cases/{id}/scope", put(case_life::scope))
        .route(
            "/api/v1/cases/{id}/assessment/answers",
            put(case_life::answers),
        )
        .route(
            "/api/v1/cases/{id}/assessment/decision",
            post(case_life::decide),
        )
        .route("/api/v1/cases/{id}/record", post(case_life::record))
        .route("/api/v1/cases/{id}/notices/facts", put(case_life::facts))
        .route(
            "/api/v1/cases/{id}/notices/public",
            get(case_life::public_notice),
        )
        .route(
            "/api/v1/cases/{id}/notices/public/versions",
            post(case_life::save_version),
        )
        .route(
            "/api/v1/cases/{id}/notices/public/versions/{number}/approve",
            post(case_life::approve),
        )
        .route("/api/v1/cases/{id}/notified", post(case_life::notified))
        .route(
            "/api/v1/cases/{id}/notices/authority",
            get(case_life::authority_notice),
        )
        .route(
            "/api/v1/cases/{id}/notices/authority/versions",
            post(case_life::save_authority_version),
        )
        .route(
            "/api/v1/cases/{id}/notices/authority/versions/{number}/approve",
            post(case_life::approve_authority),
        )
        .route(
            "/api/v1/cases/{id}/notices/authority/{number}/export/{format}",
            get(case_life::export_authority),
        )
        .route("/api/v1/openapi.json", get(openapi))
}

fn warnings(state: &AppState, list: Vec<Warning>) -> Vec<WarningDto> {
    list.into_iter()
        .map(|w| WarningDto {
            field: w.field,
            category: w.category,
            message: format!(
                "{} seems to contain {}. Report the fact of the breach, not the leaked data itself.",
                w.field,
                state.0.i18n.message(Language::En, &format!("category-{}", w.category), &[])
            ),
        })
        .collect()
}

fn ts(t: jiff::Timestamp) -> String {
    t.to_string()
}

/// Submit a report.
#[utoipa::path(
    post,
    path = "/api/v1/orgs/{slug}/reports",
    tag = "intake",
    params(("slug" = String, Path, description = "The organisation's slug, e.g. `uni`")),
    request_body(content = schema::ReportRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored durably; the receipt code is shown only now", body = ReportAccepted),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "Unknown organisation", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ValidationErrors),
        (status = 429, description = "Too many reports from this address", body = ErrorBody),
    )
)]
async fn create_report(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(slug): Path<String>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<ReportAccepted>), ApiError> {
    let org = state.org(&slug).await?;
    let input = JsonInput(&body);
    let report =
        validate_report(&input, state.now()).map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    let warnings = warnings(&state, protected_data_warnings(&input));
    state.check_intake_rate(ip).await?;
    let accepted = state
        .submit_report_via(&org, report, breachdesk_core::report::Channel::Api, None)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportAccepted {
            id: accepted.report_id,
            case_id: accepted.case_id,
            reference: accepted.reference,
            receipt_code: format!(
                "{}{}",
                accepted.receipt.locator(),
                accepted.receipt.expose_secret()
            ),
            warnings,
        }),
    ))
}

fn receipt_code_of(body: &serde_json::Map<String, serde_json::Value>) -> Result<String, ApiError> {
    match body.get("receipt_code") {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(serde_json::Value::String(_) | serde_json::Value::Null) | None => {
            Err(ApiError::field("receipt_code", "This field is required."))
        }
        Some(_) => Err(ApiError::field("receipt_code", "Must be text.")),
    }
}

/// A reporter's view of their report, by receipt code.
#[utoipa::path(
    post,
    path = "/api/v1/follow-up",
    tag = "intake",
    request_body(content = schema::FollowUpRequest, content_type = "application/json"),
    responses(
        (status = 200, body = FollowUpStatus),
        (status = 403, description = "Locked after too many wrong codes", body = ErrorBody),
        (status = 422, description = "Receipt code missing or not valid", body = ValidationErrors),
        (status = 429, description = "Too many attempts from this address", body = ErrorBody),
    )
)]
async fn follow_up(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonObject(body): JsonObject,
) -> Result<Json<FollowUpStatus>, ApiError> {
    if let Some(extra) = body.keys().find(|k| *k != "receipt_code") {
        return Err(ApiError::field(extra, "Is not a known field."));
    }
    let receipt = state.verify_receipt(ip, &receipt_code_of(&body)?).await?;
    let view = state.follow_up_status(&receipt).await?;
    Ok(Json(FollowUpStatus {
        reference: view.reference,
        status: view.status.as_str(),
        kind: view.kind.as_str(),
        received_at: ts(view.received_at),
        supplements: view
            .supplements
            .into_iter()
            .map(|(t, p)| SupplementSummary {
                created_at: ts(t),
                phase: p.map(breachdesk_core::report::Phase::as_str),
            })
            .collect(),
        questions: view
            .questions
            .into_iter()
            .map(|q| schema::QuestionDto {
                id: q.id,
                asked_at: ts(q.asked_at),
                text: q.text,
                answered: q.answered,
            })
            .collect(),
    }))
}

/// Add information to a report, by receipt code — how processors deliver later phases.
#[utoipa::path(
    post,
    path = "/api/v1/follow-up/supplements",
    tag = "intake",
    request_body(content = schema::SupplementRequest, content_type = "application/json"),
    responses(
        (status = 201, body = SupplementAccepted),
        (status = 403, description = "Locked after too many wrong codes", body = ErrorBody),
        (status = 422, body = ValidationErrors),
        (status = 429, body = ErrorBody),
    )
)]
async fn create_supplement(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<SupplementAccepted>), ApiError> {
    let input = JsonInput(&body);
    let supplement = validate_supplement(&input).map_err(|e| ApiError::invalid(&state.0.i18n, &e));
    let code = receipt_code_of(&body);
    // Report every field problem at once before spending a receipt attempt.
    let (supplement, code) = match (supplement, code) {
        (Ok(s), Ok(c)) => (s, c),
        (Err(ApiError::Invalid(mut a)), Err(ApiError::Invalid(b))) => {
            a.extend(b);
            return Err(ApiError::Invalid(a));
        }
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    let receipt = state.verify_receipt(ip, &code).await?;
    if let Some(q) = supplement.answers {
        let view = state.follow_up_status(&receipt).await?;
        if !view.questions.iter().any(|x| x.id == q) {
            return Err(ApiError::field(
                "answers",
                "Is not one of the questions asked about this report.",
            ));
        }
    }
    let id = state.add_supplement(&receipt, &supplement).await?;
    Ok((
        StatusCode::CREATED,
        Json(SupplementAccepted {
            id,
            warnings: warnings(&state, supplement_warnings(&input)),
        }),
    ))
}

/// The cases of the caller's organisations, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/cases",
    tag = "cases",
    params(ListParams),
    security(("bearer" = [])),
    responses((status = 200, body = CaseList), (status = 401, body = ErrorBody))
)]
async fn list_cases(
    State(state): State<AppState>,
    Handler(principal, _scope): Handler,
    Query(params): Query<ListParams>,
) -> Result<Json<CaseList>, ApiError> {
    let page = Page {
        limit: params.limit.unwrap_or(50).clamp(1, 200),
        offset: params.offset.unwrap_or(0).max(0),
    };
    // As in the desk: the organisations' cases the caller may read, and those shared with
    // them by name.
    let cases = state.app().cases_of(&principal, page).await?;
    Ok(Json(CaseList {
        cases: cases
            .into_iter()
            .map(|c| CaseListItem {
                id: c.id,
                reference: c.reference,
                organisation: c.org_slug,
                status: c.status.as_str(),
                kind: c.first_kind.as_str(),
                report_count: c.report_count,
                created_at: ts(c.created_at),
                updated_at: ts(c.updated_at),
            })
            .collect(),
    }))
}

/// One case with its reports and supplements, decrypted.
#[utoipa::path(
    get,
    path = "/api/v1/cases/{id}",
    tag = "cases",
    params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, body = CaseDetail),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such case, or not one of the caller's organisations", body = ErrorBody),
    )
)]
async fn get_case(
    State(state): State<AppState>,
    Handler(principal, _scope): Handler,
    Path(id): Path<String>,
) -> Result<Json<CaseDetail>, ApiError> {
    let id = Uuid::parse_str(&id).map_err(|_| ApiError::NotFound)?;
    // The same use case as the desk: who may read (organisation roles and shares by name),
    // and the read in the audit trail before anything is opened. A case the caller may not
    // read does not exist for them.
    let access = state
        .access(&principal, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let opened = state.open_case(&access, principal.user_id, "api").await?;
    let case = access.case;
    let reports = opened
        .reports
        .into_iter()
        .map(|(r, opened, supplements)| ReportDto {
            id: r.id,
            kind: r.kind.as_str(),
            language: r.language.as_str(),
            created_at: ts(r.created_at),
            body: serde_json::to_value(&opened.body).unwrap_or_default(),
            contact: opened
                .contact
                .map(|c| serde_json::to_value(c).unwrap_or_default()),
            supplements: supplements
                .into_iter()
                .map(|(id, at, body)| SupplementDto {
                    id,
                    created_at: ts(at),
                    text: body.text,
                    phase: body.phase.map(breachdesk_core::report::Phase::as_str),
                })
                .collect(),
        })
        .collect();
    tracing::info!(case_id = %case.id, user_id = %principal.user_id, "case read");
    Ok(Json(CaseDetail {
        id: case.id,
        org_id: case.org_id,
        reference: case.reference,
        status: case.status.as_str(),
        created_at: ts(case.created_at),
        updated_at: ts(case.updated_at),
        reports,
    }))
}

/// The organisation's breach register (GDPR Art. 33(5)): every breach, notified or not, with
/// its facts, effects and remedial action. For the DPO, the security manager and the auditor of
/// the organisation; each call is audited as an export.
#[utoipa::path(
    get,
    path = "/api/v1/register",
    tag = "cases",
    params(RegisterParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The register: a JSON array of breaches, or CSV with `format=csv`"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such organisation, or not one whose register the caller may read", body = ErrorBody),
        (status = 422, body = ValidationErrors),
    )
)]
async fn register(
    State(state): State<AppState>,
    Handler(principal, _scope): Handler,
    Query(p): Query<RegisterParams>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    use breachdesk_app::App;
    use breachdesk_app::register::ExportFormat;
    let format = match p.format.as_deref().filter(|f| !f.is_empty()) {
        None => ExportFormat::Json,
        Some(f) => ExportFormat::parse(f)
            .ok_or_else(|| ApiError::field("format", "Must be json, csv, xlsx or pdf."))?,
    };
    let filter = breachdesk_core::register::RegisterFilter::parse(
        p.year.as_deref(),
        p.status.as_deref(),
        p.nature.as_deref(),
        p.category.as_deref(),
        p.decision.as_deref(),
    )
    .map_err(|e| ApiError::invalid(&state.0.i18n, &e))?;
    // An organisation whose register the caller may not read does not exist for them.
    let org = if let Some(slug) = p.org.as_deref().filter(|s| !s.is_empty()) {
        state.app().organisation_by_slug(slug).await?
    } else {
        state
            .app()
            .organisations()
            .await?
            .into_iter()
            .find(|o| App::may_read_register(&principal, o.id))
    }
    .filter(|o| App::may_read_register(&principal, o.id))
    .ok_or(ApiError::NotFound)?;
    let file = state
        .app()
        .export_register(&principal, org.id, &filter, format, Language::En)
        .await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static(file.content_type),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ),
        ],
        file.bytes,
    )
        .into_response())
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
    }
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "BreachDesk API", description = "Personal data breach intake and case register."),
    paths(create_report, follow_up, create_supplement, list_cases, get_case, register,
          case_life::status, case_life::awareness, case_life::scope, case_life::answers,
          case_life::decide, case_life::record, case_life::facts, case_life::public_notice, case_life::save_version,
          case_life::approve, case_life::notified, case_life::export_authority,
          case_life::authority_notice, case_life::save_authority_version,
          case_life::approve_authority),
    modifiers(&BearerAuth),
    tags((name = "intake", description = "Public: report a breach, follow it up with the receipt code"),
         (name = "cases", description = "Handlers: the case register"),
         (name = "case life", description = "Handlers with a case_handling token: drive a case from report to published notice, with the desk's permissions and audit"))
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
