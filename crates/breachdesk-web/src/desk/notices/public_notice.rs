//! The public notice (Art. 34(3)(c)): three languages, versions, DPO approval = publication at
//! `/notices/{org}/{reference}` (HTML) and `/notices/{org}/{reference}/notice.md`.

use super::{
    EditQuery, LanguageView, Loaded, MAX_FIELD, PartView, VersionView, load, load_for_form, see,
};
use crate::desk::common::{Layout, RecordForm, app_error, layout_for, local, tr, zone};
use crate::desk::common::{Page, PageError};
use crate::desk::session::Desk;
use crate::pages::view::Tr;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_core::errors::FieldError;
use breachdesk_core::notice::{self, NoticeKind, Version};
use breachdesk_core::report::Language;
use breachdesk_core::workflow::Action;
use breachdesk_notify::public::{self, LANGUAGES, PARTS, PublicNotice};

#[derive(Template)]
#[template(path = "desk/notice_public.html")]
struct PublicPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    id: uuid::Uuid,
    reference: String,
    editing: u32,
    next: u32,
    languages: Vec<LanguageView>,
    versions: Vec<VersionView>,
    may_edit: bool,
    public_url: Option<String>,
    markdown_url: String,
    preview: String,
    message: Option<String>,
}

fn public_notice_of(v: &Version) -> PublicNotice {
    breachdesk_app::public_notice::notice_of(v)
}

/// What keeps a version from approval: parts left blank and parts in another language.
fn problems(notice: &PublicNotice) -> usize {
    breachdesk_app::public_notice::problems(notice).len()
}

fn render_public(
    state: &AppState,
    desk: &Desk,
    l: &Loaded,
    editing: u32,
    notice: &PublicNotice,
    message: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = tr(state, desk);
    let versions = &l.versions;
    let missing = public::missing(notice);
    let wrong = public::wrong_language(notice);
    let error_of = |lang: Language, part: &str| -> String {
        if missing.contains(&(lang, part)) {
            tr.t("notice-public-missing")
        } else if let Some((_, _, found)) = wrong.iter().find(|(l, p, _)| *l == lang && *p == part)
        {
            tr.t1("notice-wrong-language", "found", found.as_str())
        } else {
            String::new()
        }
    };
    let languages = LANGUAGES
        .iter()
        .map(|lang| LanguageView {
            code: lang.as_str(),
            name: tr.t(&format!("notice-lang-{}", lang.as_str())),
            parts: PARTS
                .iter()
                .map(|p| PartView {
                    name: format!("{}_{p}", lang.as_str()),
                    label: tr.t(&format!("notice-public-{}", p.replace('_', "-"))),
                    value: notice.parts(*lang).get(*p).cloned().unwrap_or_default(),
                    error: error_of(*lang, p),
                })
                .collect(),
        })
        .collect();
    let may_approve = l.access.may(Action::ApproveNotice);
    let version_views = versions
        .iter()
        .rev()
        .map(|v| {
            let n = problems(&public_notice_of(v));
            VersionView {
                number: v.number,
                saved: local(v.saved_at),
                approved: v.approved.map(|(_, at)| local(at)),
                submitted: None,
                problems: n,
                can_approve: may_approve && v.approved.is_none() && n == 0,
                can_record: false,
            }
        })
        .collect();
    let public_url = versions
        .iter()
        .rev()
        .find(|v| v.approved.is_some())
        .map(|v| {
            let slug = l
                .org
                .as_ref()
                .map(|o| o.slug.as_str().to_owned())
                .unwrap_or_default();
            address(&slug, &l.access.case.reference, &public_notice_of(v))
        });
    let page = PublicPage {
        tr,
        layout: layout_for(
            state,
            desk,
            &format!("/desk/cases/{}/notices/public", l.access.case.id),
        ),
        id: l.access.case.id,
        reference: l.access.case.reference.clone(),
        editing,
        next: notice::next_number(versions),
        languages,
        versions: version_views,
        may_edit: l.access.may(Action::EditInvestigation),
        public_url,
        markdown_url: format!(
            "/notices/{}/{}/notice.md",
            l.org.as_ref().map(|o| o.slug.as_str()).unwrap_or_default(),
            l.access.case.reference
        ),
        preview: public::articles_html(notice),
        message,
    };
    crate::pages::html(status, &page, None)
}

pub async fn public_page(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Page {
    let l = load(&state, &desk, &id, NoticeKind::Public, "notice.public").await?;
    let versions = &l.versions;
    let shown = if q.fresh {
        None
    } else {
        match q.version {
            Some(n) => match versions.iter().find(|v| v.number == n) {
                Some(v) => Some(v),
                None => return Err(PageError::not_found(&state, desk.lang)),
            },
            None => versions.last(),
        }
    };
    let (editing, notice) = if let Some(v) = shown {
        (v.number, public_notice_of(v))
    } else {
        (
            0,
            state
                .public_notice_draft(&l.access, &l.opened, &zone())
                .await,
        )
    };
    Ok(render_public(
        &state,
        &desk,
        &l,
        editing,
        &notice,
        None,
        StatusCode::OK,
    ))
}

/// Saves the three languages as a new version; the page shows it as the preview.
pub async fn save_public(
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
        "notice.public.save",
        &form,
        Action::EditInvestigation,
    )
    .await?;
    let mut notice = PublicNotice::default();
    let mut too_long = false;
    for lang in LANGUAGES {
        for part in PARTS {
            let v = form.get(&format!("{}_{part}", lang.as_str())).trim();
            too_long |= v.chars().count() > MAX_FIELD;
            notice.parts_mut(lang).insert(part.to_owned(), v.to_owned());
        }
    }
    if too_long {
        let tr = tr(&state, &desk);
        let msg = tr
            .i18n
            .field_error(desk.lang, &FieldError::TooLong { max: MAX_FIELD });
        return Ok(render_public(
            &state,
            &desk,
            &l,
            0,
            &notice,
            Some(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    Ok(
        match state
            .save_public_version(&l.access, &l.opened, desk.user.id, &notice)
            .await
        {
            Ok(_) => see(&desk, l.access.case.id, NoticeKind::Public),
            Err(e) => app_error(&state, &desk, &e),
        },
    )
}

/// The DPO approves a version: it is published at the notice's public address.
pub async fn approve_public(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, version)): Path<(String, u32)>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        NoticeKind::Public,
        "notice.public.approve",
        &form,
        Action::ApproveNotice,
    )
    .await?;
    let v = l.version(version, &state, &desk)?;
    Ok(
        match state
            .approve_public_version(&l.access, &l.opened, desk.user.id, version)
            .await
        {
            Ok(()) => {
                if let Some(o) = &l.org {
                    state.forget_published(o.slug.as_str());
                }
                see(&desk, l.access.case.id, NoticeKind::Public)
            }
            Err(breachdesk_app::AppError::Refused(breachdesk_app::Refusal::NoticeNotReady(_))) => {
                let tr = tr(&state, &desk);
                let msg = tr.t("notice-cannot-approve");
                render_public(
                    &state,
                    &desk,
                    &l,
                    v.number,
                    &public_notice_of(v),
                    Some(msg),
                    StatusCode::CONFLICT,
                )
            }
            Err(e) => app_error(&state, &desk, &e),
        },
    )
}

/// The newest approved public notice of a case, found by organisation and case reference, with
/// its publication and update dates (kept for a minute: see `public_cache`).
async fn published(
    state: &AppState,
    slug: &str,
    reference: &str,
) -> Result<Option<(PublicNotice, public::Publication)>, crate::service::ServiceError> {
    // One entry however the address is spelt (references are found case-insensitively).
    let key = format!(
        "{}/{}",
        slug.to_ascii_lowercase(),
        reference.to_ascii_uppercase()
    );
    if let Some(hit) = state.0.notices.get(&key) {
        return Ok(hit);
    }
    let found = state
        .published_notice(slug, reference)
        .await?
        .as_ref()
        .map(|p| (public_notice_of(&p.newest), publication(p)));
    state.0.notices.put(&key, found.clone());
    Ok(found)
}

/// A published notice's dates in the display zone: the first approval and the newest.
fn publication(p: &breachdesk_app::notices::Published) -> public::Publication {
    let day = |t: jiff::Timestamp| t.to_zoned(zone()).date();
    public::Publication {
        published: day(p.first),
        updated: day(p.newest.approved.map_or(p.first, |(_, at)| at)),
    }
}

/// The readable address of a published notice: `/notices/{org}/{reference}/{words of the
/// Finnish headline}`.
fn address(slug: &str, reference: &str, notice: &PublicNotice) -> String {
    let (slug, reference) = (slug.to_ascii_lowercase(), reference.to_ascii_uppercase());
    let words = public::address_words(notice);
    if words.is_empty() {
        format!("/notices/{slug}/{reference}")
    } else {
        format!("/notices/{slug}/{reference}/{words}")
    }
}

fn notice_page(n: &PublicNotice, dates: public::Publication) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        public::to_published_html(n, dates, NOTICE_STYLESHEET),
    )
        .into_response()
}

/// `GET /notices/{org}/{reference}`: the published notice's short address, redirected to its
/// readable one (a headline without letters is served here).
pub async fn public_notice(
    State(state): State<AppState>,
    Path((slug, reference)): Path<(String, String)>,
) -> Page {
    Ok(match published(&state, &slug, &reference).await {
        Ok(Some((n, dates))) => {
            let to = address(&slug, &reference, &n);
            if to == format!("/notices/{slug}/{reference}") {
                notice_page(&n, dates)
            } else {
                Redirect::permanent(&to).into_response()
            }
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => return Err(PageError::internal(&e)),
    })
}

/// `GET /notices/{org}/{reference}/{words}`: the published notice, the three languages on one
/// page with links between them, dated, styled by `/static/notice.css`. Public: what the DPO
/// approved for publication and nothing else. The words are the headline's; an address with
/// older words (the headline changed in an update) is redirected to the current one.
pub async fn public_notice_at(
    State(state): State<AppState>,
    Path((slug, reference, words)): Path<(String, String, String)>,
) -> Page {
    Ok(match published(&state, &slug, &reference).await {
        Ok(Some((n, dates))) => {
            if public::address_words(&n) == words {
                notice_page(&n, dates)
            } else {
                Redirect::permanent(&address(&slug, &reference, &n)).into_response()
            }
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => return Err(PageError::internal(&e)),
    })
}

/// `GET /notices/{org}`: the index of the organisation's published notices, each language's
/// headlines with their publication dates, newest first. Public, like the notices.
pub async fn notice_index(State(state): State<AppState>, Path(slug): Path<String>) -> Page {
    let html = if let Some(hit) = state.0.indexes.get(&slug) {
        hit
    } else {
        let html = match state.published_notices(&slug).await {
            Ok(Some((org, published))) => {
                let listed: Vec<public::Listed> = published
                    .iter()
                    .map(|(reference, p)| {
                        let notice = public_notice_of(&p.newest);
                        public::Listed {
                            url: address(org.slug.as_str(), reference, &notice),
                            notice,
                            dates: publication(p),
                        }
                    })
                    .collect();
                Some(public::index_html(&org.names(), &listed, NOTICE_STYLESHEET))
            }
            Ok(None) => None,
            Err(e) => return Err(PageError::internal(&e)),
        };
        state.0.indexes.put(&slug, html.clone());
        html
    };
    Ok(match html {
        Some(html) => ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    })
}

/// Where the published notices' styles are served.
pub const NOTICE_STYLESHEET: &str = "/static/notice.css";

/// `GET /static/notice.css`: the styles of published notices.
pub async fn notice_stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        breachdesk_notify::document::STYLESHEET,
    )
}

/// `GET /notices/{org}/{reference}/notice.md`: the same as Markdown.
pub async fn public_notice_markdown(
    State(state): State<AppState>,
    Path((slug, reference)): Path<(String, String)>,
) -> Page {
    Ok(match published(&state, &slug, &reference).await {
        Ok(Some((n, _))) => (
            [(header::CONTENT_TYPE, "text/markdown; charset=utf-8")],
            public::to_markdown(&n),
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => return Err(PageError::internal(&e)),
    })
}
