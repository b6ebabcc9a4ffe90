//! The breach register (Art. 33(5), issue 21): every breach of an organisation, notified or
//! not, filterable by year, status, nature, category and decision, and exported as CSV or JSON
//! for the authority. For the DPO, the security manager and the auditor of the organisation
//! (`Action::ReadRegister`); anyone else gets 403.

use super::session::Desk;
use crate::desk::common::{
    Layout, Page, PageError, field_errors_text, layout_for, local, status_label,
};
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use breachdesk_app::App;
use breachdesk_app::register::ExportFormat;
use breachdesk_core::assessment::{DataCategory, term};
use breachdesk_core::case::CaseStatus;
use breachdesk_core::org::Organisation;
use breachdesk_core::register::{DecisionFilter, NATURES, RegisterEntry, RegisterFilter};
use serde::Deserialize;

mod charts;

/// The register's query: the organisation (its slug), the filter, and for an export the format.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterQuery {
    org: Option<String>,
    year: Option<String>,
    status: Option<String>,
    nature: Option<String>,
    category: Option<String>,
    decision: Option<String>,
    format: Option<String>,
    /// How many breaches an import just brought in.
    imported: Option<usize>,
}

#[derive(Debug)]
struct RowView {
    case_link: Option<String>,
    reference: String,
    status: String,
    aware: String,
    notified: String,
    hours: String,
    late: bool,
    nature: String,
    categories: String,
    subjects: String,
    decision: String,
    communicated: String,
    held: bool,
    /// When the case was destroyed (the row is its tombstone).
    destroyed: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/register.html")]
struct RegisterPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    orgs: Vec<OptionView>,
    org_name: String,
    years: Vec<OptionView>,
    statuses: Vec<OptionView>,
    natures: Vec<OptionView>,
    categories: Vec<OptionView>,
    decisions: Vec<OptionView>,
    errors: Vec<String>,
    /// The import form (the organisation's DPO), what it brought in, and why it refused a file.
    may_import: bool,
    imported: Option<usize>,
    import_errors: Vec<String>,
    csrf: String,
    org_slug: String,
    /// The organisation's retention periods, and why a change of them was refused.
    retention_years: u16,
    unfounded_days: u16,
    retention_now: String,
    retention_errors: Vec<String>,
    rows: Vec<RowView>,
    late: usize,
    export_query: String,
    charts: Vec<charts::Chart>,
    stats: StatsView,
}

/// The register's numbers beside its charts.
#[derive(Debug)]
struct StatsView {
    in_time: u64,
    late: u64,
    overdue: u64,
    not_required: u64,
    open: u64,
    median_hours: Option<i64>,
    communicated: u64,
    breaches: u64,
    causes: Vec<(String, u64)>,
    systems: Vec<(String, u64)>,
}

/// The organisations whose register this user may read, and the one asked for (the first when
/// none is named). `Err` is the 403 page: no register for this user, or not this one.
async fn organisation(
    state: &AppState,
    desk: &Desk,
    slug: Option<&str>,
) -> Result<(Vec<Organisation>, Organisation), PageError> {
    let forbidden = || PageError::forbidden(state, desk.lang);
    let mut readable = Vec::new();
    for org in state.organisations().await? {
        if App::may_read_register(&desk.principal, org.id) {
            readable.push(org);
        }
    }
    let chosen = match slug.filter(|s| !s.is_empty()) {
        Some(slug) => readable.iter().find(|o| o.slug.as_str() == slug),
        None => readable.first(),
    }
    .cloned()
    .ok_or_else(forbidden)?;
    Ok((readable, chosen))
}

fn options(
    tr: Tr<'_>,
    values: impl IntoIterator<Item = (String, String)>,
    selected: Option<&str>,
) -> Vec<OptionView> {
    std::iter::once(OptionView {
        value: String::new(),
        label: tr.t("register-any"),
        selected: selected.is_none_or(str::is_empty),
    })
    .chain(values.into_iter().map(|(value, label)| OptionView {
        selected: selected == Some(value.as_str()),
        value,
        label,
    }))
    .collect()
}

fn row(tr: Tr<'_>, e: &RegisterEntry, may_open: bool, id: Option<String>) -> RowView {
    let yes_no = |b: bool| tr.t(if b { "register-yes" } else { "register-no" });
    RowView {
        case_link: id.filter(|_| may_open && e.destroyed_at.is_none()),
        reference: e.reference.clone(),
        status: e
            .status
            .parse::<CaseStatus>()
            .map_or_else(|_| e.status.clone(), |s| status_label(tr, s)),
        aware: e.aware_at.map(local).unwrap_or_default(),
        notified: e.notified_at.map(local).unwrap_or_default(),
        hours: e
            .hours_to_notification
            .map(|h| h.to_string())
            .unwrap_or_default(),
        late: e.late,
        nature: e
            .nature
            .iter()
            .map(|n| tr.t(&format!("register-nature-{n}")))
            .collect::<Vec<_>>()
            .join(", "),
        categories: e
            .categories
            .iter()
            .map(|c| term(tr.language, c))
            .collect::<Vec<_>>()
            .join(", "),
        subjects: e.subjects.map(|n| n.to_string()).unwrap_or_default(),
        decision: e.notify_authority.map(yes_no).unwrap_or_default(),
        communicated: e.communicated_at.map(local).unwrap_or_default(),
        held: e.held,
        destroyed: e.destroyed_at.map(local),
    }
}

/// `GET /desk/register`: the register page.
pub async fn page(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<RegisterQuery>,
) -> Page {
    render(&state, &desk, &q, Vec::new(), Vec::new(), StatusCode::OK).await
}

/// The register page, with the import's refusal when there is one.
async fn render(
    state: &AppState,
    desk: &Desk,
    q: &RegisterQuery,
    import_errors: Vec<String>,
    retention_errors: Vec<String>,
    status: StatusCode,
) -> Page {
    let state = state.clone();
    let (readable, org) = organisation(&state, desk, q.org.as_deref()).await?;
    let tr = Tr {
        i18n: &state.0.i18n,
        language: desk.lang,
    };
    let parsed = RegisterFilter::parse(
        q.year.as_deref(),
        q.status.as_deref(),
        q.nature.as_deref(),
        q.category.as_deref(),
        q.decision.as_deref(),
    );
    let (filter, errors, status) = match parsed {
        Ok(f) => (f, Vec::new(), status),
        Err(e) => (
            RegisterFilter::default(),
            field_errors_text(tr, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    let register = state.register(&desk.principal, org.id, &filter).await?;
    // A case is linked where the user may open it (every reader of the register may).
    let ids = state
        .search_cases(
            &desk.principal,
            breachdesk_core::ports::CaseFilter::default(),
        )
        .await?;
    let link_of = |reference: &str| {
        ids.iter()
            .find(|c| c.reference == reference && c.org_id == org.id)
            .map(|c| c.id.to_string())
    };
    let statistics = breachdesk_core::register::statistics::statistics(&register);
    let t = &statistics.timeliness;
    let at_a_glance = StatsView {
        in_time: t.in_time,
        late: t.late,
        overdue: t.overdue,
        not_required: t.not_required,
        open: t.open,
        median_hours: t.median_hours,
        communicated: statistics.communicated,
        breaches: statistics.breaches,
        causes: statistics
            .causes
            .iter()
            .map(|c| (tr.t(&format!("scope-cause-{}", c.label)), c.count))
            .collect(),
        systems: statistics
            .systems
            .iter()
            .map(|c| (c.label.clone(), c.count))
            .collect(),
    };
    let charts = charts::charts(tr, &statistics);
    let rows: Vec<RowView> = register
        .iter()
        .map(|e| row(tr, e, true, link_of(&e.reference)))
        .collect();
    let this_year = state.now().to_zoned(jiff::tz::TimeZone::UTC).year();
    // Validated values only (a slug, digits, ids): nothing to escape.
    let export_query = [
        ("org", Some(org.slug.as_str().to_owned())),
        ("year", filter.year.map(|y| y.to_string())),
        ("status", filter.status.map(|s| s.as_str().to_owned())),
        ("nature", filter.nature.clone()),
        ("category", filter.category.clone()),
        ("decision", filter.decision.map(|d| d.id().to_owned())),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
    .collect::<Vec<_>>()
    .join("&");
    let page = RegisterPage {
        tr,
        layout: layout_for(&state, desk, "/desk/register"),
        orgs: readable
            .iter()
            .map(|o| OptionView {
                value: o.slug.as_str().to_owned(),
                label: o.name.clone(),
                selected: o.id == org.id,
            })
            .collect(),
        org_name: org.name.clone(),
        years: options(
            tr,
            (2018..=this_year)
                .rev()
                .map(|y| (y.to_string(), y.to_string())),
            q.year.as_deref(),
        ),
        statuses: options(
            tr,
            CaseStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_owned(), status_label(tr, *s))),
            q.status.as_deref(),
        ),
        natures: options(
            tr,
            NATURES
                .iter()
                .map(|n| ((*n).to_owned(), tr.t(&format!("register-nature-{n}")))),
            q.nature.as_deref(),
        ),
        categories: options(
            tr,
            DataCategory::ALL
                .iter()
                .map(|c| (c.id(), term(tr.language, &c.id()))),
            q.category.as_deref(),
        ),
        decisions: options(
            tr,
            DecisionFilter::ALL.iter().map(|d| {
                (
                    d.id().to_owned(),
                    tr.t(&format!("register-decision-{}", d.id())),
                )
            }),
            q.decision.as_deref(),
        ),
        errors,
        late: rows.iter().filter(|r| r.late).count(),
        rows,
        export_query,
        charts,
        stats: at_a_glance,
        may_import: desk.principal.memberships.iter().any(|m| {
            m.org_id == org.id
                && breachdesk_core::workflow::may(
                    breachdesk_core::workflow::Standing::Member(m.role),
                    breachdesk_core::workflow::Action::ImportRegister,
                )
        }),
        imported: q.imported,
        import_errors,
        csrf: desk.session.csrf_token.clone(),
        org_slug: org.slug.as_str().to_owned(),
        retention_years: org.retention.years,
        unfounded_days: org.retention.unfounded_days,
        retention_now: tr.t2(
            "register-retention-now",
            ("years", &org.retention.years.to_string()),
            ("days", &org.retention.unfounded_days.to_string()),
        ),
        retention_errors,
    };
    Ok(crate::pages::html(status, &page, None))
}

/// `GET /desk/register/export?format=csv|json`: the register as a file (audited).
pub async fn export(
    State(state): State<AppState>,
    desk: Desk,
    Query(q): Query<RegisterQuery>,
) -> Page {
    let (_, org) = organisation(&state, &desk, q.org.as_deref()).await?;
    let Some(format) = q.format.as_deref().and_then(ExportFormat::parse) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let Ok(filter) = RegisterFilter::parse(
        q.year.as_deref(),
        q.status.as_deref(),
        q.nature.as_deref(),
        q.category.as_deref(),
        q.decision.as_deref(),
    ) else {
        return Err(PageError::new(crate::pages::message(
            &state,
            desk.lang,
            StatusCode::UNPROCESSABLE_ENTITY,
            "register-title",
            "register-filter-invalid",
        )));
    };
    let file = state
        .export_register(&desk.principal, org.id, &filter, format, desk.lang)
        .await?;
    Ok(download(file))
}

/// A file to save: its type, its name, never cached.
pub(crate) fn download(file: breachdesk_app::register::RegisterFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.file_name);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(file.content_type),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or(HeaderValue::from_static("attachment")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        file.bytes,
    )
        .into_response()
}

/// `POST /desk/register/import` (multipart: the organisation and the file): the DPO brings the
/// old register in; a refused file shows the register again with every bad line named.
pub async fn import(
    State(state): State<AppState>,
    desk: Desk,
    mut multipart: axum::extract::Multipart,
) -> Page {
    let upload = crate::desk::common::read_upload(&mut multipart, 16 * 1024 * 1024).await;
    if !crate::desk::session::csrf_ok(&desk.session.csrf_token, &upload.csrf) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let slug = upload.fields.get("org").cloned().unwrap_or_default();
    let (_, org) = organisation(&state, &desk, Some(&slug)).await?;
    let q = RegisterQuery {
        org: Some(slug.clone()),
        ..RegisterQuery::default()
    };
    let t = |id: &str| state.0.i18n.message(desk.lang, id, &[]);
    if upload.too_large || upload.bytes.is_empty() {
        let why = if upload.too_large {
            "register-import-too-large"
        } else {
            "register-import-missing"
        };
        return render(
            &state,
            &desk,
            &q,
            vec![t(why)],
            Vec::new(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match state
        .import_register(Some(&desk.principal), org.id, &upload.bytes)
        .await
    {
        Ok(n) => Ok(axum::response::Redirect::to(&format!(
            "/desk/register?org={slug}&imported={n}&lang={}",
            desk.lang.as_str()
        ))
        .into_response()),
        Err(breachdesk_app::AppError::Refused(breachdesk_app::Refusal::ImportRefused(lines))) => {
            render(
                &state,
                &desk,
                &q,
                lines,
                Vec::new(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(breachdesk_app::AppError::Conflict(_)) => {
            render(
                &state,
                &desk,
                &q,
                vec![t("register-import-taken")],
                Vec::new(),
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(e) => Err(PageError::new(crate::desk::common::app_error(
            &state, &desk, &e,
        ))),
    }
}

#[derive(Debug, Deserialize)]
pub struct RetentionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    org: String,
    #[serde(default)]
    years: String,
    #[serde(default)]
    unfounded_days: String,
}

/// `POST /desk/register/retention`: the DPO sets how long the organisation's cases are kept.
pub async fn set_retention(
    State(state): State<AppState>,
    desk: Desk,
    axum::Form(form): axum::Form<RetentionForm>,
) -> Page {
    if !crate::desk::session::csrf_ok(&desk.session.csrf_token, &form.csrf_token) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let (_, org) = organisation(&state, &desk, Some(&form.org)).await?;
    let q = RegisterQuery {
        org: Some(form.org.clone()),
        ..RegisterQuery::default()
    };
    let periods = (
        form.years.trim().parse::<u16>(),
        form.unfounded_days.trim().parse::<u16>(),
    );
    let result = match periods {
        (Ok(years), Ok(unfounded_days)) => {
            state
                .set_retention_periods(
                    &desk.principal,
                    org.id,
                    breachdesk_core::retention::Retention {
                        years,
                        unfounded_days,
                    },
                )
                .await
        }
        _ => Err(breachdesk_app::Refusal::BadRetention.into()),
    };
    match result {
        Ok(()) => Ok(axum::response::Redirect::to(&format!(
            "/desk/register?org={}&lang={}",
            org.slug.as_str(),
            desk.lang.as_str()
        ))
        .into_response()),
        Err(breachdesk_app::AppError::Refused(breachdesk_app::Refusal::BadRetention)) => {
            let why = state
                .0
                .i18n
                .message(desk.lang, "register-retention-invalid", &[]);
            render(
                &state,
                &desk,
                &q,
                Vec::new(),
                vec![why],
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(PageError::new(crate::desk::common::app_error(
            &state, &desk, &e,
        ))),
    }
}
