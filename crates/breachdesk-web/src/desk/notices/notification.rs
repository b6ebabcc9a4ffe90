//! The notification to the supervisory authority in the EDPB template: drafted from the case,
//! edited as versions, checked against the template, approved by the DPO, exported (JSON, HTML,
//! Markdown, PDF in fi/sv/en) and recorded as submitted with the authority's reference.

use super::{EditQuery, Loaded, MAX_FIELD, VersionView, as_map, load, load_for_form, see};
use crate::desk::common::{
    DISPLAY_ZONE, Layout, RecordForm, app_error, layout_for, local, local_input, tr, zone,
};
use crate::desk::common::{Page, PageError};
use crate::desk::session::Desk;
use crate::pages::view::{OptionView, Tr};
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use breachdesk_app::AppError;
use breachdesk_app::handling::Access;
use breachdesk_app::notice_facts::Author;
use breachdesk_core::errors::{FieldError, FieldErrors};
use breachdesk_core::investigation::{self, Entry};
use breachdesk_core::notice::{self, NoticeKind};
use breachdesk_core::report::Language;
use breachdesk_core::workflow::Action;
use breachdesk_notify::authority::{self};
use breachdesk_notify::edpb::{self, FieldKind, Problem, template};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value};

/// One field of the form.
#[derive(Debug)]
pub struct FieldView {
    pub key: String,
    pub label: String,
    /// `select`, `textarea`, `input`, `checkbox`.
    pub control: &'static str,
    pub input_type: &'static str,
    pub value: String,
    pub checked: bool,
    pub options: Vec<OptionView>,
    pub required: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/notice_authority.html")]
struct AuthorityPage<'a> {
    tr: Tr<'a>,
    layout: Layout,
    id: uuid::Uuid,
    reference: String,
    /// The version the form shows, or 0 for a fresh draft from the case.
    editing: u32,
    next: u32,
    late: bool,
    due: String,
    problems: Vec<String>,
    fields: Vec<FieldView>,
    versions: Vec<VersionView>,
    may_edit: bool,
    now_input: String,
    record_errors: Vec<String>,
    message: Option<String>,
}

fn problem_text(tr: Tr<'_>, p: &Problem) -> String {
    let what = match &p.kind {
        edpb::ProblemKind::Schema(_) if p.field.is_empty() => tr.t("notice-problem-schema"),
        k => tr.t(&format!("notice-problem-{}", k.id())),
    };
    if p.field.is_empty() {
        what
    } else {
        format!("{}: {what}", field_label(tr, &p.field))
    }
}

fn field_label(tr: Tr<'_>, key: &str) -> String {
    let Some(f) = template().field(key) else {
        return key.to_owned();
    };
    let label = breachdesk_notify::i18n::lookup(tr.language, &format!("edpb-f{}", f.number), &[])
        .unwrap_or_else(|| f.title.clone());
    format!("{} {label}", f.section)
}

fn field_views(tr: Tr<'_>, doc: &Map<String, Value>, problems: &[Problem]) -> Vec<FieldView> {
    template()
        .fields
        .iter()
        .map(|f| {
            let value = match doc.get(&f.key) {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Null) | None => String::new(),
                Some(v) => v.to_string(),
            };
            let (control, input_type) = match f.kind {
                FieldKind::Choice => ("select", ""),
                FieldKind::Boolean => ("checkbox", "checkbox"),
                FieldKind::Integer => ("input", "number"),
                FieldKind::Date => ("input", "date"),
                FieldKind::DateTime => ("input", "text"),
                FieldKind::Text => ("textarea", ""),
            };
            let mut options = vec![OptionView {
                value: String::new(),
                label: "—".into(),
                selected: value.is_empty(),
            }];
            options.extend(f.options.iter().map(|(code, label)| {
                OptionView {
                    value: code.clone(),
                    label: breachdesk_notify::i18n::lookup(
                        tr.language,
                        &format!("edpb-f{}-{code}", f.number),
                        &[],
                    )
                    .unwrap_or_else(|| label.clone()),
                    selected: *code == value,
                }
            }));
            let error = problems
                .iter()
                .find(|p| p.field == f.key)
                .map(|p| problem_text(tr, p));
            FieldView {
                key: f.key.clone(),
                label: field_label(tr, &f.key),
                control,
                input_type,
                checked: doc.get(&f.key) == Some(&Value::Bool(true)),
                value,
                options,
                required: f.required,
                error,
            }
        })
        .collect()
}

/// Reads the template's fields from the form: empty answers are left out, numbers must be
/// whole and non-negative, free text has a length limit. The template's own rules are checked
/// afterwards by [`edpb::Template::check`].
fn read_form(form: &RecordForm) -> Result<Map<String, Value>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut doc = Map::new();
    for f in &template().fields {
        let raw = form.get(&f.key).trim();
        match f.kind {
            FieldKind::Boolean => {
                if !raw.is_empty() {
                    doc.insert(f.key.clone(), Value::Bool(true));
                }
            }
            // The schema wants every required field present; free text may be blank.
            FieldKind::Text if raw.is_empty() && f.required => {
                doc.insert(f.key.clone(), Value::String(String::new()));
            }
            _ if raw.is_empty() => {}
            FieldKind::Integer => match raw.parse::<u64>() {
                Ok(n) => {
                    doc.insert(f.key.clone(), Value::from(n));
                }
                Err(_) => errors.add(&f.key, FieldError::NotCount),
            },
            FieldKind::Choice if !f.options.iter().any(|(c, _)| c == raw) => {
                errors.add(&f.key, FieldError::InvalidChoice { allowed: &[] });
            }
            _ if raw.chars().count() > MAX_FIELD => {
                errors.add(&f.key, FieldError::TooLong { max: MAX_FIELD });
            }
            _ => {
                doc.insert(f.key.clone(), Value::String(raw.to_owned()));
            }
        }
    }
    if errors.is_empty() {
        Ok(doc)
    } else {
        Err(errors)
    }
}

fn late_now(access: &Access, now: Timestamp) -> bool {
    edpb::is_late(access.case.awareness_at, now)
}

#[expect(clippy::too_many_arguments, reason = "one page, many parts")]
fn render(
    state: &AppState,
    desk: &Desk,
    l: &Loaded,
    editing: u32,
    doc: &Map<String, Value>,
    form_errors: Option<&FieldErrors>,
    record_errors: Vec<String>,
    message: Option<String>,
    status: StatusCode,
) -> Response {
    let tr = tr(state, desk);
    let now = state.now();
    let late = late_now(&l.access, now);
    let mut problems = template().check(doc, late);
    if let Some(errors) = form_errors {
        for (field, codes) in errors.iter() {
            for code in codes {
                problems.insert(
                    0,
                    Problem {
                        field: field.to_owned(),
                        kind: edpb::ProblemKind::Schema(tr.i18n.field_error(tr.language, code)),
                    },
                );
            }
        }
    }
    let may_approve = l.access.may(Action::ApproveNotice);
    let may_record = l.access.may(Action::RecordNotification);
    let versions = l
        .versions
        .iter()
        .rev()
        .map(|v| {
            let n = template().check(&as_map(&v.content), late).len();
            VersionView {
                number: v.number,
                saved: local(v.saved_at),
                approved: v.approved.map(|(_, at)| local(at)),
                submitted: v.submitted.as_ref().map(|(at, r)| {
                    format!(
                        "{}{}",
                        local(*at),
                        r.as_ref().map(|r| format!(" · {r}")).unwrap_or_default()
                    )
                }),
                problems: n,
                can_approve: may_approve && v.approved.is_none() && n == 0,
                can_record: may_record && v.approved.is_some() && v.submitted.is_none(),
            }
        })
        .collect();
    let page = AuthorityPage {
        tr,
        layout: layout_for(
            state,
            desk,
            &format!("/desk/cases/{}/notices/authority", l.access.case.id),
        ),
        id: l.access.case.id,
        reference: l.access.case.reference.clone(),
        editing,
        next: notice::next_number(&l.versions),
        late,
        due: l
            .access
            .case
            .awareness_at
            .map(|a| local(breachdesk_core::deadline::due_at(a)))
            .unwrap_or_default(),
        problems: problems.iter().map(|p| problem_text(tr, p)).collect(),
        fields: field_views(tr, doc, &problems),
        versions,
        may_edit: l.access.may(Action::EditInvestigation),
        now_input: local_input(now),
        record_errors,
        message,
    };
    crate::pages::html(status, &page, None)
}

pub async fn authority_page(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Query(q): Query<EditQuery>,
) -> Page {
    let l = load(
        &state,
        &desk,
        &id,
        NoticeKind::Authority,
        "notice.authority",
    )
    .await?;
    let shown = if q.fresh {
        None
    } else {
        match q.version {
            Some(n) => Some(l.version(n, &state, &desk)?),
            None => l.versions.last(),
        }
    };
    let (editing, doc) = if let Some(v) = shown {
        (v.number, as_map(&v.content))
    } else {
        let author = Author {
            name: desk
                .user
                .display_name
                .clone()
                .unwrap_or_else(|| desk.user.email.clone()),
            email: desk.user.email.clone(),
        };
        (
            0,
            state
                .authority_draft(&l.access, &l.opened, &author, zone())
                .await,
        )
    };
    Ok(render(
        &state,
        &desk,
        &l,
        editing,
        &doc,
        None,
        Vec::new(),
        None,
        StatusCode::OK,
    ))
}

/// Saves the form as a new version (drafts may be incomplete; the problems are shown).
pub async fn save_authority(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        NoticeKind::Authority,
        "notice.authority.save",
        &form,
        Action::EditInvestigation,
    )
    .await?;
    let doc = match read_form(&form) {
        Ok(doc) => doc,
        Err(errors) => {
            // Show what was typed, with the errors; nothing is saved.
            let mut typed = Map::new();
            for f in &template().fields {
                let raw = form.get(&f.key).trim();
                if !raw.is_empty() {
                    typed.insert(f.key.clone(), Value::String(raw.to_owned()));
                }
            }
            return Ok(render(
                &state,
                &desk,
                &l,
                0,
                &typed,
                Some(&errors),
                Vec::new(),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    Ok(
        match state
            .save_authority_version(&l.access, &l.opened, desk.user.id, doc)
            .await
        {
            Ok(_) => see(&desk, l.access.case.id, NoticeKind::Authority),
            Err(e) => app_error(&state, &desk, &e),
        },
    )
}

/// The DPO approves one version exactly as it stands; a version with problems cannot be.
pub async fn approve_authority(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, version)): Path<(String, u32)>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        NoticeKind::Authority,
        "notice.authority.approve",
        &form,
        Action::ApproveNotice,
    )
    .await?;
    let v = l.version(version, &state, &desk)?;
    let doc = as_map(&v.content);
    Ok(
        match state
            .approve_authority_version(&l.access, &l.opened, desk.user.id, version)
            .await
        {
            Ok(()) => see(&desk, l.access.case.id, NoticeKind::Authority),
            Err(breachdesk_app::AppError::Refused(
                breachdesk_app::Refusal::NotificationNotReady(_),
            )) => {
                let tr = tr(&state, &desk);
                let msg = tr.t("notice-cannot-approve");
                render(
                    &state,
                    &desk,
                    &l,
                    v.number,
                    &doc,
                    None,
                    Vec::new(),
                    Some(msg),
                    StatusCode::CONFLICT,
                )
            }
            Err(e) => app_error(&state, &desk, &e),
        },
    )
}

/// Records that an approved version was submitted to the authority, when, and the
/// authority's reference; the first submission moves the case to `notified`.
pub async fn record_authority_submission(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, version)): Path<(String, u32)>,
    Form(form): Form<RecordForm>,
) -> Page {
    let l = load_for_form(
        &state,
        &desk,
        &id,
        NoticeKind::Authority,
        "notice.authority.submitted",
        &form,
        Action::RecordNotification,
    )
    .await?;
    let v = l.version(version, &state, &desk)?;
    let tr = tr(&state, &desk);
    let doc = as_map(&v.content);
    if v.approved.is_none() || v.submitted.is_some() {
        let msg = tr.t("notice-cannot-record");
        return Ok(render(
            &state,
            &desk,
            &l,
            v.number,
            &doc,
            None,
            Vec::new(),
            Some(msg),
            StatusCode::CONFLICT,
        ));
    }
    let delay = doc
        .get("field_49")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(awareness) = l.access.case.awareness_at else {
        let msg = tr.t("desk-awareness-unset");
        return Ok(render(
            &state,
            &desk,
            &l,
            v.number,
            &doc,
            None,
            vec![msg],
            None,
            StatusCode::CONFLICT,
        ));
    };
    let built = investigation::authority_notified(
        form.get("at"),
        DISPLAY_ZONE,
        delay,
        form.get("reference"),
        awareness,
        state.now(),
    );
    let entry = match built {
        Ok(Entry::AuthorityNotified {
            at,
            delay_reasons,
            reference,
            ..
        }) => Entry::AuthorityNotified {
            at,
            delay_reasons,
            reference,
            version: Some(version),
        },
        Ok(_) => return Err(PageError::internal(&"unexpected entry")),
        Err(errors) => {
            let errs = errors
                .iter()
                .flat_map(|(field, codes)| {
                    codes.iter().map(move |c| {
                        format!(
                            "{}: {}",
                            tr.t(&format!("notice-record-{field}")),
                            tr.i18n.field_error(tr.language, c)
                        )
                    })
                })
                .collect();
            return Ok(render(
                &state,
                &desk,
                &l,
                v.number,
                &doc,
                None,
                errs,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    Ok(
        match state
            .record_notification(&l.access, desk.user.id, &entry)
            .await
        {
            Ok(()) => see(&desk, l.access.case.id, NoticeKind::Authority),
            Err(AppError::Transition(t)) => {
                let msg = t.to_string();
                render(
                    &state,
                    &desk,
                    &l,
                    v.number,
                    &doc,
                    None,
                    vec![msg],
                    None,
                    StatusCode::CONFLICT,
                )
            }
            Err(e) => app_error(&state, &desk, &e),
        },
    )
}

#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    /// The document's language (`fi`, `sv`, `en`); the desk's language by default.
    doc: Option<String>,
}

/// One version as JSON (only when the template accepts it), HTML, Markdown or PDF.
pub async fn export_authority(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, version, format)): Path<(String, u32, String)>,
    Query(q): Query<ExportQuery>,
) -> Page {
    let l = load(
        &state,
        &desk,
        &id,
        NoticeKind::Authority,
        "notice.authority.export",
    )
    .await?;
    let v = l.version(version, &state, &desk)?;
    let lang = q
        .doc
        .as_deref()
        .and_then(Language::parse)
        .unwrap_or(desk.lang);
    let doc = as_map(&v.content);
    let name = format!(
        "{}-authority-v{version}",
        l.access.case.reference.to_lowercase()
    );
    // The readable documents are in one language each: the name says which, so that the
    // Finnish, Swedish and English files do not overwrite each other in a download folder.
    let attachment = |ext: &str| {
        if ext == "json" {
            format!("attachment; filename=\"{name}.{ext}\"")
        } else {
            format!("attachment; filename=\"{name}-{}.{ext}\"", lang.as_str())
        }
    };
    Ok(match format.as_str() {
        "json" => {
            // What is exported as the template's JSON validates against it.
            let problems = template().check(&doc, false);
            if problems
                .iter()
                .any(|p| matches!(p.kind, edpb::ProblemKind::Schema(_)))
            {
                let tr = tr(&state, &desk);
                let msg = tr.t("notice-json-invalid");
                return Ok(render(
                    &state,
                    &desk,
                    &l,
                    v.number,
                    &doc,
                    None,
                    Vec::new(),
                    Some(msg),
                    StatusCode::CONFLICT,
                ));
            }
            let body = serde_json::to_vec_pretty(&v.content).unwrap_or_default();
            (
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (header::CONTENT_DISPOSITION, attachment("json")),
                ],
                body,
            )
                .into_response()
        }
        "html" => {
            let d = authority::document_in(
                &doc,
                lang,
                breachdesk_core::investigation::current_notice_facts(&l.opened.entries),
            );
            (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                    (header::CONTENT_DISPOSITION, attachment("html")),
                ],
                d.to_html(),
            )
                .into_response()
        }
        "md" => {
            let d = authority::document_in(
                &doc,
                lang,
                breachdesk_core::investigation::current_notice_facts(&l.opened.entries),
            );
            (
                [
                    (
                        header::CONTENT_TYPE,
                        "text/markdown; charset=utf-8".to_owned(),
                    ),
                    (header::CONTENT_DISPOSITION, attachment("md")),
                ],
                d.to_markdown(),
            )
                .into_response()
        }
        "pdf" => {
            let d = authority::document_in(
                &doc,
                lang,
                breachdesk_core::investigation::current_notice_facts(&l.opened.entries),
            );
            (
                [
                    (header::CONTENT_TYPE, "application/pdf".to_owned()),
                    (header::CONTENT_DISPOSITION, attachment("pdf")),
                ],
                d.to_pdf(),
            )
                .into_response()
        }
        _ => crate::desk::not_found(&state, desk.lang),
    })
}
