//! The letters to data subjects on the desk: the template in three languages drafted from the
//! case, a live preview for a real recipient (or a sample person) before anything is saved,
//! versions, the DPO's approval, the recipient list (CSV or the scanner's subject list), the
//! send with its progress, retrying failures, and the printed letter batch (PDF).

use crate::desk::common::{Page, PageError};
use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use breachdesk_app::notice_facts;
use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::notice::{self, NoticeKind, Version};
use breachdesk_core::ports::{FailedMessage, OutboxCounts};
use breachdesk_core::report::Language;
use breachdesk_core::workflow::Action;
use breachdesk_notify::letter::{self, LetterTemplate, Recipient, TemplateProblem};
use breachdesk_notify::recipients;
use breachdesk_notify::texts::LANGUAGES;

use super::{EditQuery, LanguageView, Loaded, PartView, VersionView, load, load_for_form, see};
use crate::desk::common::{
    Layout, PreviewView, RecordForm, Upload, app_error, internal, layout_for, local, read_upload,
    tr, zone,
};
use crate::desk::session::{self, Desk};
use crate::pages::view::Tr;
use crate::state::AppState;
use breachdesk_app::AppError;
use breachdesk_core::ports::Conflict;

const KIND: NoticeKind = NoticeKind::Subjects;

fn template_of(v: &Version) -> LetterTemplate {
    serde_json::from_value(v.content.clone()).unwrap_or_default()
}

/// A person with every data element, for the preview when no recipient is imported yet.
fn sample(lang: Language) -> Recipient {
    Recipient {
        email: None,
        name: None,
        language: lang,
        elements: letter::ELEMENTS.iter().map(|e| (*e).to_owned()).collect(),
        postal_address: None,
    }
}

#[derive(Template)]
#[template(path = "desk/notice_subjects.html")]
#[expect(
    clippy::struct_excessive_bools,
    reason = "what the page may offer, one flag each"
)]
struct SubjectsPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    id: uuid::Uuid,
    reference: String,
    editing: u32,
    next: u32,
    languages: Vec<LanguageView>,
    versions: Vec<VersionView>,
    may_edit: bool,
    may_send: bool,
    /// May delete the recipient list early (the DPO).
    may_delete: bool,
    previews: Vec<PreviewView>,
    preview_of_recipient: bool,
    problems: Vec<String>,
    message: Option<String>,
    by_email: u64,
    by_letter: u64,
    counts: OutboxCounts,
    failed: Vec<FailedMessage>,
    approved: bool,
    smtp: bool,
    /// The organisation's slug when the user is its DPO (who edits its wording).
    templates_of: Option<String>,
}

fn problem_text(tr: Tr<'_>, p: &TemplateProblem) -> String {
    let (lang, part, what) = match p {
        TemplateProblem::Blank { lang, part } => (lang, part, tr.t("letter-problem-blank")),
        TemplateProblem::Placeholder { lang, part } => {
            (lang, part, tr.t("letter-problem-placeholder"))
        }
        TemplateProblem::WrongLanguage { lang, part, found } => (
            lang,
            part,
            tr.t1("notice-wrong-language", "found", found.as_str()),
        ),
    };
    format!(
        "{} ({}): {}",
        part,
        tr.t(&format!("notice-lang-{}", lang.as_str())),
        what
    )
}

async fn render_page(
    state: &AppState,
    desk: &Desk,
    l: &Loaded,
    editing: u32,
    template: &LetterTemplate,
    message: Option<String>,
    status: StatusCode,
) -> Response {
    let t = template;
    let tr = tr(state, desk);
    let problems = letter::problems(t);
    // Each part's first problem, said where the part is edited.
    let error_of = |lang: Language, part: &str| -> String {
        problems
            .iter()
            .find(|p| match p {
                TemplateProblem::Blank { lang: l, part: x }
                | TemplateProblem::Placeholder { lang: l, part: x }
                | TemplateProblem::WrongLanguage {
                    lang: l, part: x, ..
                } => *l == lang && x == part,
            })
            .map(|p| match p {
                TemplateProblem::Blank { .. } => tr.t("notice-public-missing"),
                TemplateProblem::Placeholder { .. } => tr.t("letter-problem-placeholder"),
                TemplateProblem::WrongLanguage { found, .. } => {
                    tr.t1("notice-wrong-language", "found", found.as_str())
                }
            })
            .unwrap_or_default()
    };
    let languages = LANGUAGES
        .iter()
        .map(|lang| LanguageView {
            code: lang.as_str(),
            name: tr.t(&format!("notice-lang-{}", lang.as_str())),
            parts: t
                .parts(*lang)
                .keys()
                .map(String::as_str)
                .filter(|k| !letter::PARTS.contains(k))
                .chain(letter::PARTS)
                .map(ToOwned::to_owned)
                .collect::<std::collections::BTreeSet<String>>()
                .into_iter()
                .map(|p| PartView {
                    name: format!("{}_{p}", lang.as_str()),
                    label: letter_label(tr, &p),
                    value: t.get(*lang, &p).to_owned(),
                    error: error_of(*lang, &p),
                })
                .collect(),
        })
        .collect();
    let may_approve = l.access.may(Action::ApproveNotice);
    let version_views = l
        .versions
        .iter()
        .rev()
        .map(|v| {
            let n = letter::problems(&template_of(v)).len();
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
    let case = &l.access.case;
    let (Ok((counts, recipients)), Ok(failed), Ok(first)) = (
        state.letter_progress(case).await,
        state.failed_letters(case).await,
        state.recipients_of(case, Some(1)).await,
    ) else {
        return internal(&"letters: the store failed");
    };
    // The preview: the first recipient as they will read it, or a sample person in each
    // language with every data element.
    let preview_of_recipient = !first.is_empty();
    let people: Vec<Recipient> = if first.is_empty() {
        LANGUAGES.iter().map(|l| sample(*l)).collect()
    } else {
        first
    };
    let previews = people
        .iter()
        .map(|r| {
            let letter = letter::render(t, r);
            PreviewView {
                lang: r.language.as_str(),
                subject: letter.subject.clone(),
                body: letter.to_text(),
            }
        })
        .collect();
    let page = SubjectsPage {
        tr,
        layout: layout_for(
            state,
            desk,
            &format!("/desk/cases/{}/notices/subjects", case.id),
        ),
        id: case.id,
        reference: case.reference.clone(),
        editing,
        next: notice::next_number(&l.versions),
        languages,
        versions: version_views,
        may_edit: l.access.may(Action::EditInvestigation),
        may_send: l.access.may(Action::SendLetters),
        may_delete: l.access.may(Action::RequestDeletion),
        previews,
        preview_of_recipient,
        problems: problems.iter().map(|p| problem_text(tr, p)).collect(),
        message,
        by_email: recipients.email,
        by_letter: recipients.post,
        counts,
        failed,
        approved: l.versions.iter().any(|v| v.approved.is_some()),
        smtp: state.0.mail.courier.is_some(),
        templates_of: l
            .org
            .as_ref()
            .filter(|_| l.access.may(Action::ApproveNotice))
            .map(|o| o.slug.as_str().to_owned()),
    };
    crate::pages::html(status, &page, None)
}

fn letter_label(tr: Tr<'_>, part: &str) -> String {
    if let Some(e) = part.strip_prefix("element.") {
        format!("{} · {e}", tr.t("letter-element-label"))
    } else if let Some(e) = part.strip_prefix("advice.") {
        format!("{} · {e}", tr.t("letter-advice-label"))
    } else {
        tr.t(&format!("letter-part-{}", part.replace('_', "-")))
    }
}

async fn loaded(state: &AppState, desk: &Desk, id: &str, via: &str) -> Result<Loaded, PageError> {
    load(state, desk, id, KIND, via).await
}

pub async fn page(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Page {
    let l = loaded(&state, &desk, &id, "notice.subjects").await?;
    let shown = if q.fresh {
        None
    } else {
        match q.version {
            Some(n) => Some(l.version(n, &state, &desk)?),
            None => l.versions.last(),
        }
    };
    let (editing, t) = match shown {
        Some(v) => (v.number, template_of(v)),
        None => (
            0,
            letter::draft(
                &notice_facts::letter_facts(&l.access, &l.opened, l.org.as_ref(), &zone()),
                &state.overrides_of(l.access.case.org_id).await,
            ),
        ),
    };
    Ok(render_page(&state, &desk, &l, editing, &t, None, StatusCode::OK).await)
}

/// `action=preview` shows the letter as edited without saving anything (the live preview);
/// otherwise the three languages are saved as a new version.
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
        KIND,
        "notice.subjects.save",
        &form,
        Action::EditInvestigation,
    )
    .await?;
    let mut t = LetterTemplate::default();
    let mut too_long = false;
    let keys: Vec<String> = letter::PARTS
        .iter()
        .map(|p| (*p).to_owned())
        .chain(letter::ELEMENTS.iter().map(|e| format!("element.{e}")))
        .chain(letter::ELEMENTS.iter().map(|e| format!("advice.{e}")))
        .collect();
    for lang in LANGUAGES {
        for part in &keys {
            let v = form.get(&format!("{}_{part}", lang.as_str())).trim();
            too_long |= v.chars().count() > investigation::MAX_TEXT;
            t.parts_mut(lang).insert(part.clone(), v.to_owned());
        }
    }
    if too_long {
        let msg = tr(&state, &desk).t("letter-too-long");
        return Ok(render_page(
            &state,
            &desk,
            &l,
            0,
            &t,
            Some(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await);
    }
    if form.get("action") == "preview" {
        return Ok(render_page(&state, &desk, &l, 0, &t, None, StatusCode::OK).await);
    }
    let entry = Entry::NoticeVersion {
        notice: KIND,
        version: notice::next_number(&l.versions),
        content: serde_json::to_value(&t).unwrap_or_default(),
    };
    Ok(
        match state.add_entry(&l.access, desk.user.id, &entry).await {
            Ok(()) => see(&desk, l.access.case.id, KIND),
            Err(e) => app_error(&state, &desk, &e),
        },
    )
}

/// The DPO approves one version as it stands; only an approved version is ever sent.
pub async fn approve(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, version)): Path<(String, u32)>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        KIND,
        "notice.subjects.approve",
        &form,
        Action::ApproveNotice,
    )
    .await?;
    let v = l.version(version, &state, &desk)?;
    let t = template_of(v);
    if v.approved.is_some() || !letter::problems(&t).is_empty() {
        let msg = tr(&state, &desk).t("notice-cannot-approve");
        return Ok(render_page(
            &state,
            &desk,
            &l,
            v.number,
            &t,
            Some(msg),
            StatusCode::CONFLICT,
        )
        .await);
    }
    let entry = Entry::NoticeApproved {
        notice: KIND,
        version,
        sha256: notice::digest(&v.content),
    };
    Ok(
        match state.approve_notice(&l.access, desk.user.id, &entry).await {
            Ok(()) => see(&desk, l.access.case.id, KIND),
            Err(e) => app_error(&state, &desk, &e),
        },
    )
}

/// The version being edited (0: none yet) and its template: the newest saved version, or a
/// draft from the case in the organisation's wording.
async fn editing_template(state: &AppState, l: &Loaded) -> (u32, LetterTemplate) {
    match l.versions.last() {
        Some(v) => (v.number, template_of(v)),
        None => (
            0,
            letter::draft(
                &notice_facts::letter_facts(&l.access, &l.opened, l.org.as_ref(), &zone()),
                &state.overrides_of(l.access.case.org_id).await,
            ),
        ),
    }
}

/// The case for an upload form: loaded (and the read audited as `via`), then refused unless the
/// CSRF token matches and the user may import recipients and send (the DPO).
async fn loaded_for_upload(
    state: &AppState,
    desk: &Desk,
    id: &str,
    via: &str,
    csrf: &str,
) -> Result<Loaded, PageError> {
    let l = loaded(state, desk, id, via).await?;
    if !session::csrf_ok(&desk.session.csrf_token, csrf) || !l.access.may(Action::SendLetters) {
        return Err(PageError::forbidden(state, desk.lang));
    }
    Ok(l)
}

/// The recipient list, uploaded: CSV or the scanner's subject list; accepted whole or refused
/// with every line's problem.
pub async fn upload_recipients(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Page {
    let Upload {
        csrf,
        fields,
        bytes,
        too_large,
    } = read_upload(&mut multipart, state.0.limits.max_attachment_bytes).await;
    let format = fields.get("format").map_or("", String::as_str);
    let replace = fields.contains_key("replace");
    let l = loaded_for_upload(&state, &desk, &id, "notice.subjects.recipients", &csrf).await?;
    let (editing, current) = editing_template(&state, &l).await;
    let t = tr(&state, &desk);
    let refuse = |msg: String| async {
        render_page(
            &state,
            &desk,
            &l,
            editing,
            &current,
            Some(msg),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await
    };
    if too_large {
        return Ok(refuse(t.t("letter-file-too-large")).await);
    }
    if bytes.is_empty() {
        return Ok(refuse(t.t("letter-file-missing")).await);
    }
    let parsed = if format == "subjects" {
        recipients::from_subjects(bytes.as_slice(), Language::Fi)
    } else {
        recipients::from_csv(bytes.as_slice())
    };
    let imported = match parsed {
        Ok(i) => i,
        Err(refused) => {
            return Ok(refuse(format!(
                "{} {}",
                t.t("letter-import-refused"),
                refused.to_string().trim_end()
            ))
            .await);
        }
    };
    Ok(
        match state
            .import_recipients(&l.access.case, Some(desk.user.id), &imported, replace)
            .await
        {
            Ok(()) => see(&desk, l.access.case.id, KIND),
            Err(AppError::Conflict(Conflict::LettersAlreadyQueued)) => {
                refuse(t.t("letter-already-queued")).await
            }
            Err(e) => return Err(PageError::internal(&e)),
        },
    )
}

/// Deletes the recipient list and its letters early (the DPO's, with a reason; never under a
/// legal hold): the page then shows no recipients.
pub async fn delete_recipients(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        KIND,
        "notice.subjects.recipients_deleted",
        &form,
        Action::RequestDeletion,
    )
    .await?;
    let t = tr(&state, &desk);
    let (message, status) = match state
        .delete_recipient_list(&l.access, desk.user.id, form.get("reason"))
        .await
    {
        Ok(_) => return Ok(see(&desk, l.access.case.id, KIND)),
        Err(AppError::Invalid(_)) => (
            t.t("letter-delete-reason"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(AppError::Conflict(Conflict::Held)) => (t.t("desk-held-refused"), StatusCode::CONFLICT),
        Err(e) => return Err(PageError::internal(&e)),
    };
    let (editing, current) = editing_template(&state, &l).await;
    Ok(render_page(&state, &desk, &l, editing, &current, Some(message), status).await)
}

/// Returned mail (delivery status notifications as `.eml` or mbox): the letters reported
/// undeliverable are marked failed; the page says how many of what was read.
pub async fn upload_bounces(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Page {
    let Upload {
        csrf,
        bytes,
        too_large,
        ..
    } = read_upload(&mut multipart, state.0.limits.max_attachment_bytes).await;
    let l = loaded_for_upload(&state, &desk, &id, "notice.subjects.bounces", &csrf).await?;
    let (editing, current) = editing_template(&state, &l).await;
    let t = tr(&state, &desk);
    let (message, status) = if too_large {
        (
            t.t("letter-file-too-large"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    } else if bytes.is_empty() {
        (t.t("letter-file-missing"), StatusCode::UNPROCESSABLE_ENTITY)
    } else {
        match state
            .record_bounces(&l.access.case, Some(desk.user.id), &[&bytes])
            .await
        {
            Ok(r) => (
                t.i18n.message(
                    t.language,
                    "letter-bounces-result",
                    &[
                        ("failed", &r.failed.to_string()),
                        ("delayed", &r.delayed.to_string()),
                        (
                            "other",
                            &(r.delivered + r.not_ours + r.not_reports).to_string(),
                        ),
                    ],
                ),
                StatusCode::OK,
            ),
            Err(e) => return Err(PageError::internal(&e)),
        }
    };
    Ok(render_page(&state, &desk, &l, editing, &current, Some(message), status).await)
}

/// Queues the approved letter for every recipient not yet written to and delivers in the
/// background; the page shows the progress.
pub async fn send(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        KIND,
        "notice.subjects.send",
        &form,
        Action::SendLetters,
    )
    .await?;
    let t = tr(&state, &desk);
    let (editing, current) = editing_template(&state, &l).await;
    let why = if !l.versions.iter().any(|v| v.approved.is_some()) {
        Some(t.t("letter-not-approved"))
    } else if state.0.mail.courier.is_none() {
        Some(t.t("letter-no-smtp"))
    } else {
        None
    };
    if let Some(msg) = why {
        return Ok(render_page(
            &state,
            &desk,
            &l,
            editing,
            &current,
            Some(msg),
            StatusCode::CONFLICT,
        )
        .await);
    }
    let case = l.access.case.clone();
    if form.get("retry_failed") == "1"
        && let Err(e) = state.retry_failed_letters(&case, Some(desk.user.id)).await
    {
        return Err(PageError::internal(&e));
    }
    let actor = desk.user.id;
    let bg = state.clone();
    tokio::spawn(async move {
        let run = async {
            bg.queue_letters(&case, Some(actor)).await?;
            bg.deliver_letters(&case, Some(actor), bg.mail_delivery(), &|_| {})
                .await
        };
        if let Err(e) = run.await {
            tracing::error!(case_id = %case.id, error = %e, "letters: the delivery run failed");
        }
    });
    Ok(see(&desk, l.access.case.id, KIND))
}

/// The printed letters of the recipients without an e-mail address, one per page-run, as one
/// PDF to print and post.
pub async fn letters_pdf(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
) -> Page {
    let l = loaded(&state, &desk, &id, "notice.subjects.letters").await?;
    let Some(v) = l.versions.iter().rev().find(|v| v.approved.is_some()) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    let t = template_of(v);
    let people = match state.recipients_of(&l.access.case, None).await {
        Ok(p) => p,
        Err(e) => return Err(PageError::internal(&e)),
    };
    let docs: Vec<_> = people
        .iter()
        .filter(|r| r.email.is_none())
        .map(|r| letter::render(&t, r).to_document(r))
        .collect();
    let pdf = breachdesk_notify::pdf::render(&docs);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{}-letters.pdf\"",
                    l.access.case.reference
                ),
            ),
        ],
        pdf,
    )
        .into_response())
}
