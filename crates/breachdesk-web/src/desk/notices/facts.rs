//! The facts of the notices (`/desk/cases/{id}/notices/facts`): whether the breach is over and
//! whether people must act, whom it concerns, cause and what was not reached, counts and caveats
//! per affected category, data never collected, misuse, the police, next steps and contacts —
//! each written text in Finnish, Swedish and English. Saved as a whole; the public notice is
//! then drafted from them.

use std::collections::BTreeMap;

use super::{Loaded, load, load_for_form};
use crate::desk::common::Page;
use crate::desk::common::{Layout, RecordForm, app_error, layout_for, tr, zone};
use crate::desk::session::Desk;
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_app::AppError;
use breachdesk_core::assessment::{DataCategory, term};
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::investigation;
use breachdesk_core::notice::NoticeKind;
use breachdesk_core::notice_facts::{
    CategoryFact, Localised, MAX_CONTACT, MAX_FACT_TEXT, Misuse, NoticeFacts, Progress, Reach,
};
use breachdesk_core::scope::choice;
use breachdesk_core::workflow::Action;
use breachdesk_notify::public::LANGUAGES;

/// One text in the three languages: three labelled text areas.
#[derive(Debug)]
pub struct TextView {
    /// The field name; each language's area is `{name}_{lang}`.
    pub name: String,
    pub label: String,
    pub hint: String,
    pub langs: Vec<LangText>,
}

#[derive(Debug)]
pub struct LangText {
    pub code: &'static str,
    pub label: String,
    pub value: String,
    pub error: String,
}

/// A radio group.
#[derive(Debug)]
pub struct ChoiceView {
    pub name: &'static str,
    pub label: String,
    pub options: Vec<OptionView>,
    pub error: String,
}

/// An affected category: its count and caveat.
#[derive(Debug)]
pub struct CategoryView {
    pub id: &'static str,
    pub name: String,
    pub count: String,
    pub count_error: String,
    pub caveat: TextView,
}

#[derive(Debug)]
pub struct CheckView {
    pub name: String,
    pub label: String,
    pub checked: bool,
}

// A template's view: each flag is one independent thing the page shows.
#[allow(clippy::struct_excessive_bools)]
#[derive(Template)]
#[template(path = "desk/notice_facts.html")]
struct FactsPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    id: uuid::Uuid,
    reference: String,
    may_edit: bool,
    saved: bool,
    has_errors: bool,
    progress: ChoiceView,
    fixed_on: String,
    fixed_on_error: String,
    must_act: ChoiceView,
    action: TextView,
    reach: ChoiceView,
    who: TextView,
    cause: TextView,
    not_reached: TextView,
    categories: Vec<CategoryView>,
    never_collected: Vec<CheckView>,
    never_collected_error: String,
    misuse: ChoiceView,
    misuse_note: TextView,
    police_informed: bool,
    next_steps: TextView,
    outside_help: TextView,
    service_contact: String,
    service_contact_error: String,
    service_hours: TextView,
    media_contact: String,
    media_contact_error: String,
}

/// The form's values: as submitted, or from the saved facts.
type Values = BTreeMap<String, String>;

fn values_of(f: &NoticeFacts) -> Values {
    let mut v = Values::new();
    v.insert("progress".into(), f.progress.id().into());
    if let Some(d) = f.fixed_on {
        v.insert("fixed_on".into(), d.to_string());
    }
    v.insert(
        "must_act".into(),
        if f.must_act { "yes" } else { "no" }.into(),
    );
    v.insert("reach".into(), f.reach.id().into());
    for (field, text) in f.texts() {
        for (lang, t) in text.each() {
            v.insert(format!("{field}_{}", lang.as_str()), t.to_owned());
        }
    }
    for c in &f.categories {
        if let Some(n) = c.count {
            v.insert(format!("count_{}", c.category.as_str()), n.to_string());
        }
    }
    for c in &f.never_collected {
        v.insert(format!("never_{}", c.as_str()), "on".into());
    }
    if let Some(m) = f.misuse {
        v.insert("misuse".into(), m.id().into());
    }
    if f.police_informed {
        v.insert("police_informed".into(), "on".into());
    }
    v.insert("service_contact".into(), f.service_contact.clone());
    v.insert("media_contact".into(), f.media_contact.clone());
    v
}

fn localised(v: &RecordForm, name: &str) -> Localised {
    let mut l = Localised::default();
    for lang in LANGUAGES {
        l.set(lang, v.get(&format!("{name}_{}", lang.as_str())).trim());
    }
    l
}

/// Reads the form into facts; what cannot be read is named by its field, together with what
/// the facts' own rules find (so that one answer names every problem). `affected` and
/// `not_affected`: the scope's categories.
fn parse(
    form: &RecordForm,
    affected: &[DataCategory],
    not_affected: &[DataCategory],
    today: jiff::civil::Date,
) -> Result<NoticeFacts, FieldErrors> {
    let mut errors = FieldErrors::new();
    let progress = choice(
        &mut errors,
        "progress",
        form.get("progress"),
        Progress::parse,
        Progress::IDS,
    );
    let fixed_on = match form.get("fixed_on").trim() {
        "" => None,
        d => d
            .parse::<jiff::civil::Date>()
            .map_err(|_| errors.add("fixed_on", FieldError::InvalidDateTime))
            .ok(),
    };
    let must_act = choice(
        &mut errors,
        "must_act",
        form.get("must_act"),
        |s| match s {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        &["yes", "no"],
    );
    let reach = choice(
        &mut errors,
        "reach",
        form.get("reach"),
        Reach::parse,
        Reach::IDS,
    );
    let misuse = match form.get("misuse").trim() {
        "" => None,
        m => {
            let parsed = Misuse::parse(m);
            if parsed.is_none() {
                errors.add(
                    "misuse",
                    FieldError::InvalidChoice {
                        allowed: Misuse::IDS,
                    },
                );
            }
            parsed
        }
    };
    let mut categories = Vec::new();
    for c in affected {
        let id = c.as_str();
        let count = match form.get(&format!("count_{id}")).trim() {
            "" => None,
            n => {
                if let Ok(n) = n.replace([' ', '\u{a0}'], "").parse::<u64>() {
                    Some(n)
                } else {
                    errors.add(&format!("count_{id}"), FieldError::NotCount);
                    None
                }
            }
        };
        let caveat = localised(form, &format!("caveat_{id}"));
        if count.is_some() || !caveat.is_blank() {
            categories.push(CategoryFact {
                category: *c,
                count,
                caveat,
            });
        }
    }
    let never_collected = DataCategory::ALL
        .into_iter()
        .filter(|c| form.get(&format!("never_{}", c.as_str())) == "on")
        .collect();
    for (field, max) in [
        ("service_contact", MAX_CONTACT),
        ("media_contact", MAX_CONTACT),
    ] {
        if form.get(field).chars().count() > max {
            errors.add(field, FieldError::TooLong { max });
        }
    }
    let (Some(progress), Some(must_act), Some(reach)) = (progress, must_act, reach) else {
        return Err(errors);
    };
    let facts = NoticeFacts {
        progress,
        fixed_on,
        must_act,
        action: localised(form, "action"),
        reach,
        who: localised(form, "who"),
        cause: localised(form, "cause"),
        not_reached: localised(form, "not_reached"),
        categories,
        never_collected,
        misuse,
        misuse_note: localised(form, "misuse_note"),
        police_informed: form.get("police_informed") == "on",
        next_steps: localised(form, "next_steps"),
        outside_help: localised(form, "outside_help"),
        service_contact: form.get("service_contact").trim().to_owned(),
        service_hours: localised(form, "service_hours"),
        media_contact: form.get("media_contact").trim().to_owned(),
    };
    if errors.is_empty() {
        return Ok(facts);
    }
    if let Err(more) = facts.check(affected, not_affected, today) {
        for (field, es) in more.iter() {
            for e in es {
                errors.add(field, e.clone());
            }
        }
    }
    Err(errors)
}

#[allow(clippy::too_many_lines)]
fn render(
    state: &AppState,
    desk: &Desk,
    l: &Loaded,
    values: &Values,
    errors: &FieldErrors,
    saved: bool,
    status: StatusCode,
) -> Response {
    let tr = tr(state, desk);
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let error = |k: &str| -> String {
        errors
            .iter()
            .find(|(f, _)| *f == k)
            .map(|(_, es)| {
                es.iter()
                    .map(|e| tr.i18n.field_error(desk.lang, e))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default()
    };
    let text = |name: &str| TextView {
        name: name.to_owned(),
        label: tr.t(&format!("facts-{}", name.replace('_', "-"))),
        hint: tr.t(&format!("facts-{}-hint", name.replace('_', "-"))),
        langs: LANGUAGES
            .iter()
            .map(|lang| {
                let field = format!("{name}_{}", lang.as_str());
                LangText {
                    code: lang.as_str(),
                    label: tr.t(&format!("notice-lang-{}", lang.as_str())),
                    value: get(&field),
                    error: error(&field),
                }
            })
            .collect(),
    };
    let radios = |name: &'static str, ids: &[&str], with_none: bool| {
        let current = get(name);
        let mut options = Vec::new();
        if with_none {
            options.push(OptionView {
                value: String::new(),
                label: tr.t(&format!("facts-{name}-none")),
                selected: current.is_empty(),
            });
        }
        options.extend(ids.iter().map(|id| OptionView {
            value: (*id).to_owned(),
            label: tr.t(&format!("facts-{name}-{}", id.replace('_', "-"))),
            selected: current == *id,
        }));
        ChoiceView {
            name,
            label: tr.t(&format!("facts-{}", name.replace('_', "-"))),
            options,
            error: error(name),
        }
    };
    let scope = investigation::current_scope(&l.opened.entries);
    let affected = scope.map(|s| s.affected.clone()).unwrap_or_default();
    let not_affected = scope.map(|s| s.not_affected.clone()).unwrap_or_default();
    let lang = desk.lang;
    let categories = affected
        .iter()
        .map(|c| {
            let id = c.as_str();
            let mut caveat = text(&format!("caveat_{id}"));
            caveat.label = tr.t("facts-caveat");
            caveat.hint = String::new();
            CategoryView {
                id,
                name: term(lang, id),
                count: get(&format!("count_{id}")),
                count_error: error(&format!("count_{id}")),
                caveat,
            }
        })
        .collect();
    let never_collected = DataCategory::ALL
        .into_iter()
        .filter(|c| !affected.contains(c) && !not_affected.contains(c))
        .map(|c| CheckView {
            name: format!("never_{}", c.as_str()),
            label: term(lang, c.as_str()),
            checked: get(&format!("never_{}", c.as_str())) == "on",
        })
        .collect();
    let page = FactsPage {
        layout: layout_for(
            state,
            desk,
            &format!("/desk/cases/{}/notices/facts", l.access.case.id),
        ),
        id: l.access.case.id,
        reference: l.access.case.reference.clone(),
        may_edit: l.access.may(Action::EditInvestigation),
        saved,
        has_errors: !errors.is_empty(),
        progress: radios("progress", Progress::IDS, false),
        fixed_on: get("fixed_on"),
        fixed_on_error: error("fixed_on"),
        must_act: radios("must_act", &["no", "yes"], false),
        action: text("action"),
        reach: radios("reach", Reach::IDS, false),
        who: text("who"),
        cause: text("cause"),
        not_reached: text("not_reached"),
        categories,
        never_collected,
        never_collected_error: error("never_collected"),
        misuse: radios("misuse", Misuse::IDS, true),
        misuse_note: text("misuse_note"),
        police_informed: get("police_informed") == "on",
        next_steps: text("next_steps"),
        outside_help: text("outside_help"),
        service_contact: get("service_contact"),
        service_contact_error: error("service_contact"),
        service_hours: text("service_hours"),
        media_contact: get("media_contact"),
        media_contact_error: error("media_contact"),
        tr,
    };
    crate::pages::html(status, &page, None)
}

#[derive(Debug, serde::Deserialize, Default)]
pub struct FactsQuery {
    #[serde(default)]
    saved: bool,
}

/// `GET /desk/cases/{id}/notices/facts`: the form, filled with the current facts.
pub async fn page(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<FactsQuery>,
) -> Page {
    let l = load(&state, &desk, &id, NoticeKind::Public, "notice.facts").await?;
    let values = investigation::current_notice_facts(&l.opened.entries)
        .map(values_of)
        .unwrap_or_default();
    Ok(render(
        &state,
        &desk,
        &l,
        &values,
        &FieldErrors::new(),
        q.saved,
        StatusCode::OK,
    ))
}

/// `POST /desk/cases/{id}/notices/facts`: saves the facts as a whole (a new entry of the
/// record), or shows the form again with each problem at its field and nothing saved.
pub async fn save(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        NoticeKind::Public,
        "notice.facts.save",
        &form,
        Action::EditInvestigation,
    )
    .await?;
    let scope = investigation::current_scope(&l.opened.entries);
    let affected = scope.map(|s| s.affected.clone()).unwrap_or_default();
    let not_affected = scope.map(|s| s.not_affected.clone()).unwrap_or_default();
    let today = state.now().to_zoned(zone()).date();
    let submitted: Values = form
        .0
        .iter()
        .filter(|(k, _)| *k != "csrf_token")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let too_long = form.0.values().any(|v| v.chars().count() > MAX_FACT_TEXT);
    let result = if too_long {
        let mut e = FieldErrors::new();
        for (k, v) in &form.0 {
            if v.chars().count() > MAX_FACT_TEXT {
                e.add(k, FieldError::TooLong { max: MAX_FACT_TEXT });
            }
        }
        Err(AppError::Invalid(e))
    } else {
        match parse(&form, &affected, &not_affected, today) {
            Ok(facts) => {
                state
                    .save_notice_facts(&l.access, &l.opened, desk.user.id, facts, zone())
                    .await
            }
            Err(e) => Err(AppError::Invalid(e)),
        }
    };
    Ok(match result {
        Ok(()) => Redirect::to(&format!(
            "/desk/cases/{}/notices/facts?saved=true&lang={}",
            l.access.case.id,
            desk.lang.as_str()
        ))
        .into_response(),
        Err(AppError::Invalid(errors)) => render(
            &state,
            &desk,
            &l,
            &submitted,
            &errors,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => app_error(&state, &desk, &e),
    })
}
