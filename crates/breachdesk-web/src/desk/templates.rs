//! An organisation's own wording of its notices: Fluent messages per language that replace the
//! defaults (`letter-*`, `public-*`) when drafts are written, with a live preview of a letter and
//! a public notice before saving. The organisation's DPO edits them; approved notices keep the
//! text they were approved with.

use crate::desk::common::{Page, PageError};
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_core::org::Organisation;
use breachdesk_core::ports::OrgTemplate;
use breachdesk_core::report::Language;
use breachdesk_core::user::Role;
use breachdesk_notify::i18n::{OverrideProblem, Overrides};
use breachdesk_notify::letter::{self, LetterFacts, Recipient};
use breachdesk_notify::public::{self, PublicFacts};
use breachdesk_notify::texts::LANGUAGES;

use super::common::{Layout, PreviewView, RecordForm, layout_for, tr, zone};
use super::session::{self, Desk};
use crate::pages::view::Tr;
use crate::state::AppState;

/// Longest override text per language.
const MAX_SOURCE: usize = 50_000;

#[derive(Debug)]
pub struct SourceView {
    pub code: &'static str,
    pub name: String,
    pub source: String,
    pub defaults: String,
}

#[derive(Template)]
#[template(path = "desk/org_templates.html")]
struct TemplatesPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    slug: String,
    org: String,
    sources: Vec<SourceView>,
    problems: Vec<String>,
    letters: Vec<PreviewView>,
    public: String,
    previewing: bool,
}

/// The organisation, if this user is its DPO; else `None` (the page answers 404).
async fn org_of_dpo(state: &AppState, desk: &Desk, slug: &str) -> Option<Organisation> {
    let org = state.organisation_by_slug(slug).await.ok()??;
    desk.principal
        .memberships
        .iter()
        .any(|m| m.org_id == org.id && m.role == Role::Dpo)
        .then_some(org)
}

fn defaults(lang: Language) -> String {
    let src = match lang {
        Language::Fi => include_str!("../../../breachdesk-notify/locales/fi/notices.ftl"),
        Language::Sv => include_str!("../../../breachdesk-notify/locales/sv/notices.ftl"),
        Language::En => include_str!("../../../breachdesk-notify/locales/en/notices.ftl"),
    };
    src.lines()
        .filter(|l| l.starts_with("letter-") || l.starts_with("public-"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn problem_text(tr: Tr<'_>, p: &OverrideProblem) -> String {
    let lang = |l: &Language| tr.t(&format!("notice-lang-{}", l.as_str()));
    match p {
        OverrideProblem::Syntax { lang: l, line } => {
            format!("{} {}: {}", lang(l), line, tr.t("templates-syntax"))
        }
        OverrideProblem::Unknown { lang: l, id } => {
            format!("{} {id}: {}", lang(l), tr.t("templates-unknown"))
        }
        OverrideProblem::Variable { lang: l, id } => {
            format!("{} {id}: {}", lang(l), tr.t("templates-variable"))
        }
    }
}

#[expect(clippy::too_many_arguments, reason = "one page, many parts")]
fn render(
    state: &AppState,
    desk: &Desk,
    org: &Organisation,
    sources: &[OrgTemplate],
    ov: &Overrides,
    problems: &[OverrideProblem],
    previewing: bool,
    status: StatusCode,
) -> Response {
    let tr = tr(state, desk);
    let source_of = |l: Language| {
        sources
            .iter()
            .find(|t| t.language == l)
            .map(|t| t.ftl.clone())
            .unwrap_or_default()
    };
    let today = state.now().to_zoned(zone()).date();
    let letter_template = letter::draft(
        &LetterFacts {
            loss: breachdesk_notify::public::Loss::Disclosed,
            organisation: org.names(),
            discovered_on: Some(today),
            measures: String::new(),
            authority_notified: false,
            dpo_email: org.dpo_email.clone(),
            dpo_phone: org.dpo_phone.clone(),
            facts: None,
        },
        ov,
    );
    let letters = LANGUAGES
        .iter()
        .map(|l| {
            let r = Recipient {
                email: None,
                name: None,
                language: *l,
                elements: vec!["email".into(), "iban".into()],
                postal_address: None,
            };
            let out = letter::render(&letter_template, &r);
            PreviewView {
                lang: l.as_str(),
                subject: out.subject.clone(),
                body: out.to_text(),
            }
        })
        .collect();
    let notice = public::draft(
        &PublicFacts {
            loss: breachdesk_notify::public::Loss::Disclosed,
            organisation: org.names(),
            discovered_on: Some(today),
            subjects_count: Some(1200),
            affected: vec![breachdesk_core::assessment::DataCategory::Email],
            authority_notified: true,
            subjects_informed: true,
            dpo_email: org.dpo_email.clone(),
            dpo_phone: org.dpo_phone.clone(),
            ..PublicFacts::default()
        },
        ov,
    );
    let page = TemplatesPage {
        tr,
        layout: layout_for(
            state,
            desk,
            &format!("/desk/orgs/{}/templates", org.slug.as_str()),
        ),
        slug: org.slug.as_str().to_owned(),
        org: org.name.clone(),
        sources: LANGUAGES
            .iter()
            .map(|l| SourceView {
                code: l.as_str(),
                name: tr.t(&format!("notice-lang-{}", l.as_str())),
                source: source_of(*l),
                defaults: defaults(*l),
            })
            .collect(),
        problems: problems.iter().map(|p| problem_text(tr, p)).collect(),
        letters,
        public: public::articles_html(&notice),
        previewing,
    };
    crate::pages::html(status, &page, None)
}

pub async fn page(State(state): State<AppState>, desk: Desk, Path(slug): Path<String>) -> Page {
    let Some(org) = org_of_dpo(&state, &desk, &slug).await else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let sources = match state.org_templates(org.id).await {
        Ok(s) => s,
        Err(e) => return Err(PageError::internal(&e)),
    };
    let ov = Overrides::parse(&sources).unwrap_or_default();
    Ok(render(
        &state,
        &desk,
        &org,
        &sources,
        &ov,
        &[],
        false,
        StatusCode::OK,
    ))
}

/// `action=preview` shows drafts in the edited wording without saving (the live preview);
/// otherwise the overrides are checked and saved, all or nothing.
pub async fn save(
    State(state): State<AppState>,
    desk: Desk,
    Path(slug): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let Some(org) = org_of_dpo(&state, &desk, &slug).await else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    if !session::csrf_ok(&desk.session.csrf_token, form.get("csrf_token")) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let sources: Vec<OrgTemplate> = LANGUAGES
        .iter()
        .map(|l| OrgTemplate {
            language: *l,
            ftl: form
                .get(&format!("source_{}", l.as_str()))
                .replace("\r\n", "\n"),
        })
        .collect();
    let problems = if sources.iter().any(|t| t.ftl.chars().count() > MAX_SOURCE) {
        vec![OverrideProblem::Syntax {
            lang: Language::Fi,
            line: 0,
        }]
    } else {
        Vec::new()
    };
    let parsed = if problems.is_empty() {
        Overrides::parse(&sources)
    } else {
        Err(problems)
    };
    let ov = match parsed {
        Ok(ov) => ov,
        Err(problems) => {
            return Ok(render(
                &state,
                &desk,
                &org,
                &sources,
                &Overrides::default(),
                &problems,
                true,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    if form.get("action") == "preview" {
        return Ok(render(
            &state,
            &desk,
            &org,
            &sources,
            &ov,
            &[],
            true,
            StatusCode::OK,
        ));
    }
    if let Err(e) = state
        .save_org_templates(org.id, desk.user.id, &sources)
        .await
    {
        return Err(PageError::internal(&e));
    }
    Ok(Redirect::to(&format!(
        "/desk/orgs/{}/templates?lang={}",
        org.slug.as_str(),
        desk.lang.as_str()
    ))
    .into_response())
}
