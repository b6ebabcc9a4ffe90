//! The one error type of the JSON API. Each variant documents its status; server-side details are
//! logged (ids only) and never returned.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use breachdesk_core::errors::FieldErrors;
use breachdesk_core::report::Language;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::I18n;
use crate::service::ServiceError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the body is not a JSON object.
    #[error("{0}")]
    MalformedJson(String),
    /// 401: no or an unknown bearer token.
    #[error("a valid bearer token is required")]
    Unauthorized,
    /// 403: the caller may read the case but not do this (a read-only token, or a role that
    /// does not allow it).
    #[error("not permitted for this token or role")]
    Forbidden,
    /// 409: the case's workflow or state does not allow it now.
    #[error("{0}")]
    Conflict(String),
    /// 409: a notice version is not ready to publish; each problem named.
    #[error("the version cannot be published as it stands")]
    NotReady(Vec<super::case_life::ProblemDto>),
    /// 404: no such organisation, case or route — also for cases of other organisations.
    #[error("not found")]
    NotFound,
    /// 413: the body exceeds the limit.
    #[error("request body is larger than {0} bytes")]
    PayloadTooLarge(usize),
    /// 415: not `application/json`.
    #[error("content type must be application/json")]
    UnsupportedMediaType,
    /// 422: field by field.
    #[error("invalid input")]
    Invalid(BTreeMap<String, Vec<String>>),
    /// 403: the receipt code's report is locked after too many wrong codes.
    #[error("too many wrong receipt codes for this report; try again later")]
    ReceiptLocked,
    /// 429: rate limit.
    #[error("too many requests; try again later")]
    RateLimited,
    /// 500: logged with its cause, answered without it.
    #[error("internal error")]
    Internal,
}

/// Body of every error except 422.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`.
    pub error: &'static str,
    /// Human-readable explanation in English.
    pub message: String,
}

/// Body of a 409 `not_ready`: why a notice version cannot be published.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotReadyBody {
    pub error: &'static str,
    pub message: String,
    pub problems: Vec<super::case_life::ProblemDto>,
}

/// Body of a 422: messages per field name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationErrors {
    #[schema(example = json!({"noticed_at": ["Cannot be in the future."]}))]
    pub errors: BTreeMap<String, Vec<String>>,
}

impl ApiError {
    /// Field errors worded in English (the API's language).
    #[must_use]
    pub fn invalid(i18n: &I18n, errors: &FieldErrors) -> Self {
        Self::Invalid(
            errors
                .iter()
                .map(|(field, errs)| {
                    (
                        field.to_owned(),
                        errs.iter()
                            .map(|e| i18n.field_error(Language::En, e))
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    /// One field's single error, e.g. for a malformed receipt code.
    #[must_use]
    pub fn field(field: &str, message: &str) -> Self {
        Self::Invalid(BTreeMap::from([(
            field.to_owned(),
            vec![message.to_owned()],
        )]))
    }

    const fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::MalformedJson(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            Self::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            Self::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Self::NotReady(_) => (StatusCode::CONFLICT, "not_ready"),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            Self::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            Self::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
            Self::ReceiptLocked => (StatusCode::FORBIDDEN, "receipt_locked"),
            Self::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::NotFound => Self::NotFound,
            ServiceError::RateLimited => Self::RateLimited,
            ServiceError::ReceiptInvalid => {
                Self::field("receipt_code", "The receipt code is not valid.")
            }
            ServiceError::ReceiptLocked => Self::ReceiptLocked,
            ServiceError::Forbidden => Self::Forbidden,
            e @ (ServiceError::Store(_)
            | ServiceError::Conflict(_)
            | ServiceError::Task(_)
            | ServiceError::Crypto(_)
            | ServiceError::Render
            | ServiceError::Invalid(_)
            | ServiceError::Transition(_)
            | ServiceError::Refused(_)) => {
                // The store and crypto errors carry no personal data, only causes. A conflict
                // or a refusal that no API handler turned into an answer of its own is
                // unexpected here: the API calls no use case that refuses that way.
                tracing::error!(error = %e, "request failed");
                Self::Internal
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let mut response = match self {
            Self::Invalid(errors) => (status, Json(ValidationErrors { errors })).into_response(),
            Self::NotReady(problems) => (
                status,
                Json(NotReadyBody {
                    error: code,
                    message: "the version cannot be published as it stands".into(),
                    problems,
                }),
            )
                .into_response(),
            other => (
                status,
                Json(ErrorBody {
                    error: code,
                    message: other.to_string(),
                }),
            )
                .into_response(),
        };
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if status == StatusCode::TOO_MANY_REQUESTS {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        response
    }
}
