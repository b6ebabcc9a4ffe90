//! Public HTML pages: the report form at `/report/{slug}` and the follow-up at `/follow-up`.
//! Plain forms, no JavaScript; every page in Finnish, Swedish and English.

pub(crate) mod csrf;
pub(crate) mod view;

use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::input::FormInput;
use breachdesk_core::org::Organisation;
use breachdesk_core::report::{
    Language, MAX_LONG, MAX_MEDIUM, MAX_SHORT, Phase, ReportKind, Warning, parse_rfc3339,
    protected_data_warnings, supplement_warnings, validate_report, validate_supplement,
};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Deserialize;

use self::view::{
    FieldView, LangLink, Spec, SummaryItem, Tr, Values, build_fields, language_links, warning_items,
};
use crate::client::ClientIp;
use crate::page::{Page, PageError};
use crate::service::ServiceError;
use crate::state::AppState;
use breachdesk_app::intake::ReporterView;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/report/{slug}", get(report_page).post(report_submit))
        .route("/follow-up", get(follow_up_page).post(follow_up_submit))
        .route(
            "/follow-up/supplement",
            axum::routing::post(supplement_submit),
        )
        .route("/static/style.css", get(stylesheet))
}

/// Time zones offered for "when did you notice it"; the reporter's local time is kept with its
/// offset.
pub(crate) const TIME_ZONES: &[&str] = &[
    "Europe/Helsinki",
    "Europe/Stockholm",
    "Europe/Tallinn",
    "Europe/Oslo",
    "Europe/Copenhagen",
    "Europe/Berlin",
    "Europe/London",
    "UTC",
];
const DISPLAY_ZONE: &str = "Europe/Helsinki";

#[derive(Debug, Deserialize)]
struct PageQuery {
    lang: Option<String>,
    kind: Option<String>,
}

fn language_of(explicit: Option<&str>, headers: &HeaderMap) -> Language {
    explicit.and_then(Language::parse).unwrap_or_else(|| {
        crate::i18n::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    })
}

pub(crate) fn html(
    status: StatusCode,
    page: &impl Template,
    cookie: Option<HeaderValue>,
) -> Response {
    match page.render() {
        Ok(body) => {
            let mut r = (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                body,
            )
                .into_response();
            if let Some(c) = cookie {
                r.headers_mut().append(header::SET_COOKIE, c);
            }
            r
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    title: String,
    text: String,
}

pub(crate) fn message(
    state: &AppState,
    lang: Language,
    status: StatusCode,
    title: &str,
    text: &str,
) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: lang,
    };
    let page = MessagePage {
        tr,
        switch: Vec::new(),
        title: tr.t(title),
        text: tr.t(text),
    };
    html(status, &page, None)
}

/// The page to answer instead when a use case refuses: 404, 429, or a logged 500.
fn service_error_page(state: &AppState, lang: Language, e: &ServiceError) -> PageError {
    PageError::new(match e {
        ServiceError::NotFound => message(
            state,
            lang,
            StatusCode::NOT_FOUND,
            "not-found-title",
            "not-found-text",
        ),
        ServiceError::RateLimited => message(
            state,
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "error-title",
            "follow-up-rate-limited",
        ),
        _ => {
            tracing::error!(error = %e, "page request failed");
            message(
                state,
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                "error-title",
                "error-text",
            )
        }
    })
}

fn form_rejection_page(state: &AppState, lang: Language, rejection: &FormRejection) -> PageError {
    PageError::new(form_rejection_response(state, lang, rejection))
}

fn form_rejection_response(
    state: &AppState,
    lang: Language,
    rejection: &FormRejection,
) -> Response {
    let status = rejection.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let tr = Tr {
            i18n: &state.0.i18n,
            language: lang,
        };
        let text = tr.i18n.field_error(
            lang,
            &FieldError::TooLong {
                max: state.0.limits.max_body_bytes,
            },
        );
        let page = MessagePage {
            tr,
            switch: Vec::new(),
            title: tr.t("error-summary-title"),
            text,
        };
        return html(status, &page, None);
    }
    message(state, lang, status, "error-title", "error-text")
}

// ---------------------------------------------------------------------------------------------
// Report form

#[derive(Debug)]
struct Choice {
    href: String,
    title: String,
    description: String,
}

#[derive(Template)]
#[template(path = "choose.html")]
struct ChoosePage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    title: String,
    intro: String,
    dpo: Option<String>,
    choices: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "report_form.html")]
struct ReportFormPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    title: String,
    intro: String,
    kind: &'static str,
    action: String,
    back: String,
    csrf: String,
    fields: Vec<FieldView>,
    summary: Vec<SummaryItem>,
    warnings: Vec<SummaryItem>,
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    reference_line: String,
    code: String,
    follow_up: String,
}

fn report_specs(kind: ReportKind) -> Vec<Spec> {
    let noticed = [
        Spec::new("noticed_at", "datetime-local", true, 64).hint("hint-noticed_at"),
        Spec::new("noticed_tz", "select", true, 0),
    ];
    match kind {
        ReportKind::Breach | ReportKind::Anonymous => {
            let mut v = vec![
                Spec::new("how_noticed", "textarea", true, MAX_MEDIUM).hint("hint-how_noticed"),
            ];
            v.extend(noticed);
            v.extend([
                Spec::new("what_happened", "textarea", true, MAX_LONG).hint("hint-what_happened"),
                Spec::new("system", "text", true, MAX_SHORT * 2),
            ]);
            if kind == ReportKind::Breach {
                v.extend([
                    Spec::new("reporter_name", "text", false, 200)
                        .autocomplete("name")
                        .hint("hint-contact"),
                    Spec::new("reporter_phone", "tel", false, 32).autocomplete("tel"),
                    Spec::new("reporter_email", "email", false, 254).autocomplete("email"),
                ]);
            }
            v
        }
        ReportKind::Processor => {
            let mut v = vec![
                Spec::new("processor_name", "text", true, MAX_SHORT).autocomplete("organization"),
                Spec::new("processor_contact_name", "text", false, 200).autocomplete("name"),
                Spec::new("processor_email", "email", false, 254)
                    .autocomplete("email")
                    .hint("hint-processor_contact"),
                Spec::new("processor_phone", "tel", false, 32).autocomplete("tel"),
                Spec::new("breach_confirmed", "checkbox", true, 0),
            ];
            v.extend(noticed);
            v.extend([
                Spec::new("phase", "select", true, 0).hint("hint-phase"),
                Spec::new("nature", "textarea", true, MAX_LONG),
                Spec::new("data_subject_categories", "textarea", true, MAX_MEDIUM),
                Spec::new("approx_data_subjects", "number", false, 20),
                Spec::new("personal_data_categories", "textarea", true, MAX_MEDIUM),
                Spec::new("approx_records", "number", false, 20),
                Spec::new("system", "text", false, MAX_SHORT * 2),
                Spec::new("contact_point", "textarea", true, MAX_MEDIUM),
                Spec::new("likely_consequences", "textarea", false, MAX_LONG)
                    .hint("hint-final-required"),
                Spec::new("measures", "textarea", false, MAX_LONG).hint("hint-final-required"),
            ]);
            v
        }
    }
}

fn options(tr: Tr<'_>) -> impl Fn(&'static str) -> Vec<(String, String)> + '_ {
    move |name| match name {
        "noticed_tz" => TIME_ZONES
            .iter()
            .map(|z| ((*z).to_owned(), (*z).to_owned()))
            .collect(),
        "phase" => std::iter::once((String::new(), tr.t("choice-none")))
            .chain(
                Phase::NAMES
                    .iter()
                    .map(|p| ((*p).to_owned(), tr.t(&format!("phase-{p}")))),
            )
            .collect(),
        _ => Vec::new(),
    }
}

/// The browser sends `noticed_at` as local `YYYY-MM-DDTHH:MM` plus a zone; the domain wants
/// RFC 3339 with the reporter's offset. A value that already carries an offset is kept as is.
pub(crate) fn with_zoned_time(values: &Values, errors: &mut FieldErrors) -> Values {
    let mut out = values.clone();
    let Some(raw) = values
        .get("noticed_at")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    else {
        return out;
    };
    if parse_rfc3339(raw).is_ok() {
        return out;
    }
    let tz_name = values
        .get("noticed_tz")
        .map_or(DISPLAY_ZONE, String::as_str);
    let Some(tz) = TIME_ZONES
        .contains(&tz_name)
        .then(|| TimeZone::get(tz_name).ok())
        .flatten()
    else {
        errors.add("noticed_tz", FieldError::InvalidTimeZone);
        return out;
    };
    match raw
        .parse::<jiff::civil::DateTime>()
        .ok()
        .and_then(|dt| dt.to_zoned(tz).ok())
    {
        Some(z) => {
            out.insert(
                "noticed_at".into(),
                z.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string(),
            );
        }
        None => errors.add("noticed_at", FieldError::InvalidDateTime),
    }
    out
}

fn org_intro(tr: Tr<'_>, org: &Organisation) -> (String, Option<String>) {
    let dpo = [
        org.dpo_name.as_deref(),
        org.dpo_email.as_deref(),
        org.dpo_phone.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ");
    (
        tr.t1("report-intro", "org", &org.name),
        (!dpo.is_empty()).then(|| tr.t1("dpo-contact", "contact", &dpo)),
    )
}

/// What a re-rendered form shows besides its fields.
struct FormState<'a> {
    values: &'a Values,
    errors: &'a FieldErrors,
    warnings: &'a [Warning],
    /// A message about the form as a whole, at the top of the error summary.
    top: Option<&'static str>,
}

fn render_form(
    state: &AppState,
    org: &Organisation,
    lang: Language,
    kind: ReportKind,
    form: &FormState<'_>,
    csrf: (String, Option<HeaderValue>),
    status: StatusCode,
) -> Response {
    let FormState {
        values,
        errors,
        warnings,
        top,
    } = *form;
    let tr = Tr {
        i18n: &state.0.i18n,
        language: lang,
    };
    let mut specs = report_specs(kind);
    if !warnings.is_empty() {
        specs.push(
            Spec::new("acknowledge_warnings", "checkbox", false, 0)
                .hint("hint-acknowledge_warnings"),
        );
    }
    let mut values = values.clone();
    values
        .entry("noticed_tz".into())
        .or_insert_with(|| DISPLAY_ZONE.into());
    let opts = options(tr);
    let (fields, mut summary) = build_fields(tr, &specs, &values, errors, &opts);
    if let Some(id) = top {
        summary.insert(
            0,
            SummaryItem {
                target: "content".into(),
                text: tr.t(id),
            },
        );
    }
    let base = format!("/report/{}", org.slug);
    let page = ReportFormPage {
        tr,
        switch: language_links(
            &state.0.i18n,
            lang,
            &format!("{base}?kind={}", kind.as_str()),
        ),
        title: tr.t(&format!("report-form-title-{}", kind.as_str())),
        intro: org_intro(tr, org).0,
        kind: kind.as_str(),
        action: base.clone(),
        back: format!("{base}?lang={}", lang.as_str()),
        csrf: csrf.0,
        fields,
        summary,
        warnings: warning_items(tr, warnings),
    };
    html(status, &page, csrf.1)
}

async fn report_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Page {
    let lang = language_of(q.lang.as_deref(), &headers);
    let org = state
        .org(&slug)
        .await
        .map_err(|e| service_error_page(&state, lang, &e))?;
    let csrf = csrf::token(&headers);
    if let Some(kind) = q.kind.as_deref().and_then(|k| k.parse::<ReportKind>().ok()) {
        let form = FormState {
            values: &Values::new(),
            errors: &FieldErrors::new(),
            warnings: &[],
            top: None,
        };
        return Ok(render_form(
            &state,
            &org,
            lang,
            kind,
            &form,
            csrf,
            StatusCode::OK,
        ));
    }
    let tr = Tr {
        i18n: &state.0.i18n,
        language: lang,
    };
    let (intro, dpo) = org_intro(tr, &org);
    let base = format!("/report/{}", org.slug);
    let choices = [
        ReportKind::Breach,
        ReportKind::Processor,
        ReportKind::Anonymous,
    ]
    .into_iter()
    .map(|k| Choice {
        href: format!("{base}?kind={}&lang={}", k.as_str(), lang.as_str()),
        title: tr.t(&format!("kind-{}", k.as_str())),
        description: tr.t1(&format!("kind-{}-desc", k.as_str()), "org", &org.name),
    })
    .collect();
    let page = ChoosePage {
        tr,
        switch: language_links(&state.0.i18n, lang, &base),
        title: tr.t1("report-title", "org", &org.name),
        intro,
        dpo,
        choices,
    };
    Ok(html(StatusCode::OK, &page, csrf.1))
}

async fn report_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Path(slug): Path<String>,
    headers: HeaderMap,
    form: Result<Form<Values>, FormRejection>,
) -> Page {
    let fallback_lang = language_of(None, &headers);
    let Form(values) =
        form.map_err(|rejection| form_rejection_page(&state, fallback_lang, &rejection))?;
    let lang = language_of(values.get("language").map(String::as_str), &headers);
    let org = state
        .org(&slug)
        .await
        .map_err(|e| service_error_page(&state, lang, &e))?;
    let Some(kind) = values
        .get("kind")
        .and_then(|k| k.parse::<ReportKind>().ok())
    else {
        return report_page(
            State(state),
            Path(slug),
            Query(PageQuery {
                lang: Some(lang.as_str().into()),
                kind: None,
            }),
            headers,
        )
        .await;
    };
    // What the reporter typed is shown again as typed; the validator sees the zoned time.
    let mut shown = values.clone();
    shown.remove(csrf::FIELD);
    shown.remove("acknowledge_warnings");
    if !csrf::verify(&headers, values.get(csrf::FIELD)) {
        tracing::info!("report form with a missing or stale CSRF token");
        let csrf = csrf::token(&HeaderMap::new());
        let form = FormState {
            values: &shown,
            errors: &FieldErrors::new(),
            warnings: &[],
            top: Some("form-expired"),
        };
        return Ok(render_form(
            &state,
            &org,
            lang,
            kind,
            &form,
            csrf,
            StatusCode::FORBIDDEN,
        ));
    }
    let mut errors = FieldErrors::new();
    let mut checked = with_zoned_time(&values, &mut errors);
    checked.insert("language".into(), lang.as_str().into());
    let input = FormInput(&checked);
    let report = match validate_report(&input, state.now()) {
        Ok(r) if errors.is_empty() => r,
        Ok(_) => {
            let form = FormState {
                values: &shown,
                errors: &errors,
                warnings: &[],
                top: None,
            };
            return Ok(render_form(
                &state,
                &org,
                lang,
                kind,
                &form,
                csrf::token(&headers),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
        Err(mut e) => {
            for (field, errs) in errors.iter() {
                for err in errs {
                    e.add(field, err.clone());
                }
            }
            let form = FormState {
                values: &shown,
                errors: &e,
                warnings: &[],
                top: None,
            };
            return Ok(render_form(
                &state,
                &org,
                lang,
                kind,
                &form,
                csrf::token(&headers),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let warnings = protected_data_warnings(&input);
    let acknowledged = values
        .get("acknowledge_warnings")
        .is_some_and(|v| v == "on");
    if !warnings.is_empty() && !acknowledged {
        let form = FormState {
            values: &shown,
            errors: &FieldErrors::new(),
            warnings: &warnings,
            top: None,
        };
        return Ok(render_form(
            &state,
            &org,
            lang,
            kind,
            &form,
            csrf::token(&headers),
            StatusCode::OK,
        ));
    }
    let refused = |e: ServiceError| service_error_page(&state, lang, &e);
    state.check_intake_rate(ip).await.map_err(refused)?;
    let accepted = state.submit_report(&org, report).await.map_err(refused)?;
    let tr = Tr {
        i18n: &state.0.i18n,
        language: lang,
    };
    let page = ReceiptPage {
        tr,
        switch: Vec::new(),
        reference_line: tr.t1("receipt-reference", "reference", &accepted.reference),
        code: accepted.receipt.expose_display(),
        follow_up: format!("/follow-up?lang={}", lang.as_str()),
    };
    Ok(html(StatusCode::CREATED, &page, None))
}

// ---------------------------------------------------------------------------------------------
// Follow-up

#[derive(Template)]
#[template(path = "follow_up.html")]
struct FollowUpPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    csrf: String,
    fields: Vec<FieldView>,
    summary: Vec<SummaryItem>,
    warnings: Vec<SummaryItem>,
}

#[derive(Debug)]
struct QuestionView {
    asked: String,
    text: String,
    answered: bool,
}

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    notice: Option<String>,
    reference_line: String,
    received_line: String,
    status_line: String,
    supplements: Vec<String>,
    questions: Vec<QuestionView>,
    csrf: String,
    receipt_code: String,
    fields: Vec<FieldView>,
    summary: Vec<SummaryItem>,
    warnings: Vec<SummaryItem>,
}

fn local_time(t: Timestamp) -> String {
    let tz = TimeZone::get(DISPLAY_ZONE).unwrap_or(TimeZone::UTC);
    t.to_zoned(tz).strftime("%Y-%m-%d %H:%M %Z").to_string()
}

fn render_follow_up(
    state: &AppState,
    lang: Language,
    errors: &FieldErrors,
    extra: Option<(&str, &str)>,
    csrf: (String, Option<HeaderValue>),
    status: StatusCode,
) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: lang,
    };
    let specs = [Spec::new("receipt_code", "text", true, 40)
        .autocomplete("off")
        .hint("hint-receipt_code")];
    let (mut fields, mut summary) =
        build_fields(tr, &specs, &Values::new(), errors, &|_| Vec::new());
    // Errors about the code as a whole (not valid, locked, too many attempts) are worded here.
    if let Some((field, id)) = extra {
        let text = tr.t(id);
        if let Some(f) = fields.iter_mut().find(|f| f.name == field) {
            f.errors.push(text.clone());
            if !f.describedby.is_empty() {
                f.describedby.push(' ');
            }
            f.describedby.push_str("f-");
            f.describedby.push_str(field);
            f.describedby.push_str("-error-1");
        }
        summary.push(SummaryItem {
            target: format!("f-{field}"),
            text,
        });
    }
    let page = FollowUpPage {
        tr,
        switch: language_links(&state.0.i18n, lang, "/follow-up"),
        csrf: csrf.0,
        fields,
        summary,
        warnings: Vec::new(),
    };
    html(status, &page, csrf.1)
}

#[allow(clippy::too_many_arguments)]
fn render_status(
    state: &AppState,
    lang: Language,
    view: &ReporterView,
    code: &str,
    values: &Values,
    errors: &FieldErrors,
    warnings: &[Warning],
    notice: Option<&str>,
    csrf: (String, Option<HeaderValue>),
    status: StatusCode,
) -> Response {
    let tr = Tr {
        i18n: &state.0.i18n,
        language: lang,
    };
    let mut specs = vec![Spec::new("text", "textarea", true, MAX_LONG).hint("hint-text")];
    let open_questions: Vec<(String, String)> = view
        .questions
        .iter()
        .filter(|q| !q.answered)
        .map(|q| (q.id.to_string(), q.text.chars().take(80).collect()))
        .collect();
    if !open_questions.is_empty() {
        specs.push(Spec::new("answers", "select", false, 0).hint("hint-answers"));
    }
    if view.kind == ReportKind::Processor {
        specs.push(Spec::new("phase", "select", false, 0).hint("hint-phase"));
    }
    if !warnings.is_empty() {
        specs.push(
            Spec::new("acknowledge_warnings", "checkbox", false, 0)
                .hint("hint-acknowledge_warnings"),
        );
    }
    let opts = options(tr);
    let with_questions = |name: &'static str| {
        if name == "answers" {
            std::iter::once((String::new(), tr.t("answers-none")))
                .chain(open_questions.iter().cloned())
                .collect()
        } else {
            opts(name)
        }
    };
    let (fields, summary) = build_fields(tr, &specs, values, errors, &with_questions);
    let page = StatusPage {
        tr,
        switch: Vec::new(),
        notice: notice.map(|n| tr.t(n)),
        reference_line: tr.t1("receipt-reference", "reference", &view.reference),
        received_line: tr.t1("follow-up-received", "date", &local_time(view.received_at)),
        status_line: tr.t1(
            "follow-up-status",
            "status",
            &tr.t(&format!("status-{}", view.status.as_str())),
        ),
        supplements: view
            .supplements
            .iter()
            .map(|(t, p)| {
                let phase = p
                    .map(|p| tr.t(&format!("phase-{}", p.as_str())))
                    .unwrap_or_default();
                tr.i18n
                    .message(
                        lang,
                        "follow-up-supplement-item",
                        &[("date", &local_time(*t)), ("phase", &phase)],
                    )
                    .trim()
                    .to_owned()
            })
            .collect(),
        questions: view
            .questions
            .iter()
            .map(|q| QuestionView {
                asked: local_time(q.asked_at),
                text: q.text.clone(),
                answered: q.answered,
            })
            .collect(),
        csrf: csrf.0,
        receipt_code: code.to_owned(),
        fields,
        summary,
        warnings: warning_items(tr, warnings),
    };
    html(status, &page, csrf.1)
}

async fn follow_up_page(
    State(state): State<AppState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Page {
    let lang = language_of(q.lang.as_deref(), &headers);
    Ok(render_follow_up(
        &state,
        lang,
        &FieldErrors::new(),
        None,
        csrf::token(&headers),
        StatusCode::OK,
    ))
}

/// Verifies the code of a follow-up form; on failure, the response to send.
async fn check_code(
    state: &AppState,
    ip: std::net::IpAddr,
    lang: Language,
    headers: &HeaderMap,
    values: &Values,
) -> Result<(breachdesk_core::ports::ReceiptRecord, String), PageError> {
    if !csrf::verify(headers, values.get(csrf::FIELD)) {
        return Err(PageError::new(render_follow_up(
            state,
            lang,
            &FieldErrors::new(),
            Some(("receipt_code", "form-expired")),
            csrf::token(&HeaderMap::new()),
            StatusCode::FORBIDDEN,
        )));
    }
    let code = values
        .get("receipt_code")
        .map(|s| s.trim().to_owned())
        .unwrap_or_default();
    if code.is_empty() {
        let mut e = FieldErrors::new();
        e.add("receipt_code", FieldError::Required);
        return Err(PageError::new(render_follow_up(
            state,
            lang,
            &e,
            None,
            csrf::token(headers),
            StatusCode::UNPROCESSABLE_ENTITY,
        )));
    }
    match state.verify_receipt(ip, &code).await {
        Ok(r) => Ok((r, code)),
        Err(ServiceError::ReceiptInvalid) => Err(PageError::new(render_follow_up(
            state,
            lang,
            &FieldErrors::new(),
            Some(("receipt_code", "follow-up-invalid")),
            csrf::token(headers),
            StatusCode::UNPROCESSABLE_ENTITY,
        ))),
        Err(ServiceError::ReceiptLocked) => Err(PageError::new(render_follow_up(
            state,
            lang,
            &FieldErrors::new(),
            Some(("receipt_code", "follow-up-locked")),
            csrf::token(headers),
            StatusCode::FORBIDDEN,
        ))),
        Err(ServiceError::RateLimited) => Err(PageError::new(render_follow_up(
            state,
            lang,
            &FieldErrors::new(),
            Some(("receipt_code", "follow-up-rate-limited")),
            csrf::token(headers),
            StatusCode::TOO_MANY_REQUESTS,
        ))),
        Err(e) => Err(service_error_page(state, lang, &e)),
    }
}

async fn follow_up_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<Form<Values>, FormRejection>,
) -> Page {
    let Form(values) = form.map_err(|rejection| {
        form_rejection_page(&state, language_of(None, &headers), &rejection)
    })?;
    let lang = language_of(values.get("language").map(String::as_str), &headers);
    let (receipt, code) = check_code(&state, ip, lang, &headers, &values).await?;
    let refused = |e: ServiceError| service_error_page(&state, lang, &e);
    let view = state.follow_up_status(&receipt).await.map_err(refused)?;
    Ok(render_status(
        &state,
        lang,
        &view,
        &code,
        &Values::new(),
        &FieldErrors::new(),
        &[],
        None,
        csrf::token(&headers),
        StatusCode::OK,
    ))
}

async fn supplement_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    form: Result<Form<Values>, FormRejection>,
) -> Page {
    let Form(values) = form.map_err(|rejection| {
        form_rejection_page(&state, language_of(None, &headers), &rejection)
    })?;
    let lang = language_of(values.get("language").map(String::as_str), &headers);
    let (receipt, code) = check_code(&state, ip, lang, &headers, &values).await?;
    let refused = |e: ServiceError| service_error_page(&state, lang, &e);
    let view = state.follow_up_status(&receipt).await.map_err(refused)?;
    let mut shown: Values = values.clone();
    shown.retain(|k, _| k == "text" || k == "phase" || k == "answers");
    let input = FormInput(&shown);
    let body = match validate_supplement(&input) {
        // An answer must answer one of this reporter's own questions.
        Ok(b)
            if b.answers
                .is_some_and(|a| !view.questions.iter().any(|q| q.id == a)) =>
        {
            let mut e = FieldErrors::new();
            e.add("answers", FieldError::InvalidChoice { allowed: &[] });
            return Ok(render_status(
                &state,
                lang,
                &view,
                &code,
                &shown,
                &e,
                &[],
                None,
                csrf::token(&headers),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
        Ok(b) => b,
        Err(e) => {
            return Ok(render_status(
                &state,
                lang,
                &view,
                &code,
                &shown,
                &e,
                &[],
                None,
                csrf::token(&headers),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let warnings = supplement_warnings(&input);
    if !warnings.is_empty() && values.get("acknowledge_warnings").is_none_or(|v| v != "on") {
        return Ok(render_status(
            &state,
            lang,
            &view,
            &code,
            &shown,
            &FieldErrors::new(),
            &warnings,
            None,
            csrf::token(&headers),
            StatusCode::OK,
        ));
    }
    state
        .add_supplement(&receipt, &body)
        .await
        .map_err(refused)?;
    let view = state.follow_up_status(&receipt).await.map_err(refused)?;
    Ok(render_status(
        &state,
        lang,
        &view,
        &code,
        &Values::new(),
        &FieldErrors::new(),
        &[],
        Some("supplement-added"),
        csrf::token(&headers),
        StatusCode::CREATED,
    ))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
}
