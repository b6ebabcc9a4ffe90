//! A report taken by phone or in person (issue 22): a handler who handles the organisation's
//! cases enters what the reporter said — the breach report's fields, the channel — and a case is
//! created as from the public form, with who took it in the report and in the audit entry of its
//! arrival. The receipt code is shown once, for the handler to pass on to the reporter.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::input::FormInput;
use breachdesk_core::org::Organisation;
use breachdesk_core::report::{Channel, Language, validate_report};
use breachdesk_core::workflow::{Action, Standing, may};
use uuid::Uuid;

use super::common::{Layout, Page, PageError, app_error, field_errors_text, layout_for, tr};
use super::session::{self, Desk};
use crate::pages::view::{OptionView, Tr, Values};
use crate::state::AppState;

/// The fields the desk form carries into the report, in order.
const FIELDS: [&str; 8] = [
    "how_noticed",
    "noticed_at",
    "noticed_tz",
    "what_happened",
    "system",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
];

#[derive(Debug)]
pub struct Taken {
    pub reference: String,
    pub code: String,
    pub case_id: Uuid,
}

#[derive(Template)]
#[template(path = "desk/take_report.html")]
struct TakeReportPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    orgs: Vec<OptionView>,
    channels: Vec<OptionView>,
    languages: Vec<OptionView>,
    zones: Vec<OptionView>,
    values: HashMap<&'static str, String>,
    errors: Vec<String>,
    taken: Option<Taken>,
}

/// The organisations whose reports this user may take.
async fn orgs_of(state: &AppState, desk: &Desk) -> Result<Vec<Organisation>, PageError> {
    let mut orgs = Vec::new();
    for m in &desk.principal.memberships {
        if may(Standing::Member(m.role), Action::TakeReport)
            && !orgs.iter().any(|o: &Organisation| o.id == m.org_id)
            && let Some(org) = state
                .organisation(m.org_id)
                .await
                .map_err(|e| PageError::internal(&e))?
        {
            orgs.push(org);
        }
    }
    Ok(orgs)
}

fn options(list: &[(String, String)], selected: &str) -> Vec<OptionView> {
    list.iter()
        .map(|(value, label)| OptionView {
            value: value.clone(),
            label: label.clone(),
            selected: value == selected,
        })
        .collect()
}

fn render(
    state: &AppState,
    desk: &Desk,
    orgs: &[Organisation],
    form: &HashMap<&'static str, String>,
    errors: Vec<String>,
    taken: Option<Taken>,
    status: StatusCode,
) -> axum::response::Response {
    let tr = tr(state, desk);
    let get = |k: &str| form.get(k).cloned().unwrap_or_default();
    let page = TakeReportPage {
        tr,
        layout: layout_for(state, desk, "/desk/reports/new"),
        orgs: options(
            &orgs
                .iter()
                .map(|o| (o.id.to_string(), o.name.clone()))
                .collect::<Vec<_>>(),
            &get("org"),
        ),
        channels: options(
            &Channel::TAKEN
                .iter()
                .map(|c| ((*c).to_owned(), tr.t(&format!("desk-channel-{c}"))))
                .collect::<Vec<_>>(),
            &get("channel"),
        ),
        languages: options(
            &Language::NAMES
                .iter()
                .map(|l| ((*l).to_owned(), tr.t(&format!("notice-lang-{l}"))))
                .collect::<Vec<_>>(),
            &get("language"),
        ),
        zones: options(
            &crate::pages::TIME_ZONES
                .iter()
                .map(|z| ((*z).to_owned(), (*z).to_owned()))
                .collect::<Vec<_>>(),
            &form
                .get("noticed_tz")
                .cloned()
                .unwrap_or_else(|| "Europe/Helsinki".to_owned()),
        ),
        values: form.clone(),
        errors,
        taken,
    };
    crate::pages::html(status, &page, None)
}

/// `GET /desk/reports/new`
pub async fn page(State(state): State<AppState>, desk: Desk) -> Page {
    let orgs = orgs_of(&state, &desk).await?;
    if orgs.is_empty() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let mut form = HashMap::new();
    form.insert("language", desk.lang.as_str().to_owned());
    Ok(render(
        &state,
        &desk,
        &orgs,
        &form,
        Vec::new(),
        None,
        StatusCode::OK,
    ))
}

/// `POST /desk/reports`: the report as the handler took it; a new case, or the form again with
/// what is wrong.
pub async fn take(
    State(state): State<AppState>,
    desk: Desk,
    Form(submitted): Form<HashMap<String, String>>,
) -> Page {
    let get = |k: &str| submitted.get(k).map_or("", String::as_str);
    if !session::csrf_ok(&desk.session.csrf_token, get("csrf_token")) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let orgs = orgs_of(&state, &desk).await?;
    if orgs.is_empty() {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let mut shown: HashMap<&'static str, String> = FIELDS
        .iter()
        .chain(&["org", "channel", "language"])
        .map(|k| (*k, get(k).to_owned()))
        .collect();
    let mut errors = FieldErrors::new();
    let org = Uuid::parse_str(get("org"))
        .ok()
        .and_then(|id| orgs.iter().find(|o| o.id == id));
    if org.is_none() {
        errors.add("org", FieldError::InvalidChoice { allowed: &[] });
    }
    let channel = get("channel")
        .parse::<Channel>()
        .ok()
        .filter(|c| matches!(c, Channel::Phone | Channel::InPerson));
    if channel.is_none() {
        errors.add(
            "channel",
            FieldError::InvalidChoice {
                allowed: Channel::TAKEN,
            },
        );
    }
    let mut values: Values = FIELDS
        .iter()
        .map(|k| ((*k).to_owned(), get(k).to_owned()))
        .filter(|(_, v)| !v.trim().is_empty())
        .collect();
    values.insert("kind".into(), "breach".into());
    values.insert(
        "language".into(),
        Language::parse(get("language"))
            .unwrap_or(desk.lang)
            .as_str()
            .into(),
    );
    let checked = crate::pages::with_zoned_time(&values, &mut errors);
    let validated = validate_report(&FormInput(&checked), state.now());
    let tr = tr(&state, &desk);
    let (report, org, channel) = match (validated, org, channel) {
        (Ok(report), Some(org), Some(channel)) if errors.is_empty() => (report, org, channel),
        (result, _, _) => {
            if let Err(more) = result {
                for (field, es) in more.iter() {
                    for e in es {
                        errors.add(field, e.clone());
                    }
                }
            }
            return Ok(render(
                &state,
                &desk,
                &orgs,
                &shown,
                field_errors_text(tr, &errors),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    match state
        .take_report(&desk.principal, org, report, channel)
        .await
    {
        Ok(accepted) => {
            shown.clear();
            Ok(render(
                &state,
                &desk,
                &orgs,
                &shown,
                Vec::new(),
                Some(Taken {
                    reference: accepted.reference,
                    code: accepted.receipt.expose_display(),
                    case_id: accepted.case_id,
                }),
                StatusCode::CREATED,
            ))
        }
        Err(e) => Ok(app_error(&state, &desk, &e)),
    }
}
