//! Attachments of a case: uploaded (the content decides the type), stored sealed, downloaded
//! with an audit entry.

use super::{done, refused};
use crate::desk::common::access_or_404;
use crate::desk::common::{Page, PageError};
use crate::desk::session::{self, Desk};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use breachdesk_app::AppError;
use breachdesk_core::errors::FieldErrors;
use breachdesk_core::workflow::Action;
use std::collections::HashMap;
use uuid::Uuid;

pub async fn upload_attachment(
    State(state): State<AppState>,
    desk: Desk,
    Path(id): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Page {
    use breachdesk_core::errors::FieldError;
    let access = access_or_404(&state, &desk, &id).await?;
    let max = state.0.limits.max_attachment_bytes;
    let (mut csrf, mut description, mut file_name) = (String::new(), String::new(), String::new());
    let mut bytes: Vec<u8> = Vec::new();
    let mut problem: Option<FieldError> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                problem = Some(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    FieldError::FileTooLarge { max_bytes: max }
                } else {
                    FieldError::Required
                });
                break;
            }
        };
        match field.name().unwrap_or_default() {
            "csrf_token" => csrf = field.text().await.unwrap_or_default(),
            "description" => description = field.text().await.unwrap_or_default(),
            "file" => {
                file_name = field.file_name().unwrap_or_default().to_owned();
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if bytes.len() + chunk.len() > max {
                                problem = Some(FieldError::FileTooLarge { max_bytes: max });
                                break;
                            }
                            bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(_) => {
                            problem = Some(FieldError::FileTooLarge { max_bytes: max });
                            break;
                        }
                    }
                }
            }
            _ => {}
        }
        if problem.is_some() {
            break;
        }
    }
    if problem.is_none() && !session::csrf_ok(&desk.session.csrf_token, &csrf) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    if !access.may(Action::EditInvestigation) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    let detected = infer::get(&bytes).map(|t| t.mime_type());
    let result = match problem.map_or_else(
        || breachdesk_core::attachment::accept(detected, &bytes),
        Err,
    ) {
        Ok(content_type) => {
            state
                .attach(
                    &access,
                    desk.user.id,
                    &file_name,
                    content_type,
                    &description,
                    &bytes,
                )
                .await
        }
        Err(e) => {
            let mut errors = FieldErrors::new();
            errors.add("file", e);
            Err(AppError::Invalid(errors))
        }
    };
    Ok(match result {
        Ok(()) => done(&desk, access.case.id, "attachments"),
        Err(e) => refused(&state, &desk, &access, "attachment", HashMap::new(), e).await,
    })
}

pub async fn download_attachment(
    State(state): State<AppState>,
    desk: Desk,
    Path((id, attachment)): Path<(String, String)>,
) -> Page {
    let access = access_or_404(&state, &desk, &id).await?;
    let Ok(attachment) = Uuid::parse_str(&attachment) else {
        return Err(PageError::not_found(&state, desk.lang));
    };
    Ok(
        match state.attachment(&access, desk.user.id, attachment).await {
            Ok(Some((name, bytes))) => {
                let ascii: String = name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                let encoded: String = form_urlencoded::byte_serialize(name.as_bytes())
                    .collect::<String>()
                    .replace('+', "%20");
                let disposition =
                    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
                let mut r = (StatusCode::OK, bytes.to_vec()).into_response();
                let h = r.headers_mut();
                // Never rendered by the browser: a download of opaque bytes, in a sandbox.
                h.insert(
                    axum::http::header::CONTENT_TYPE,
                    axum::http::HeaderValue::from_static("application/octet-stream"),
                );
                if let Ok(v) = axum::http::HeaderValue::from_str(&disposition) {
                    h.insert(axum::http::header::CONTENT_DISPOSITION, v);
                }
                h.insert(
                    axum::http::header::CONTENT_SECURITY_POLICY,
                    axum::http::HeaderValue::from_static(
                        "default-src 'none'; sandbox; frame-ancestors 'none'",
                    ),
                );
                r
            }
            Ok(None) => crate::desk::not_found(&state, desk.lang),
            Err(e) => return Err(PageError::internal(&e)),
        },
    )
}
