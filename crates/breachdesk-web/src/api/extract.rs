//! Own extractors, so that every rejection is answered in the API's error format.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{StatusCode, header, request::Parts};
use breachdesk_core::user::Principal;
use serde_json::{Map, Value};

use super::error::ApiError;
use crate::state::AppState;

/// A JSON object body: 415 unless `application/json`, 413 above the body limit, 400 unless it
/// parses to an object.
#[derive(Debug)]
pub struct JsonObject(pub Map<String, Value>);

impl FromRequest<AppState> for JsonObject {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let limit = state.0.limits.max_body_bytes;
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge(limit)
            } else {
                ApiError::MalformedJson("the request body could not be read".into())
            }
        })?;
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(ApiError::MalformedJson(
                "the body must be a JSON object".into(),
            )),
            // serde_json's message names line and column, never the input itself.
            Err(e) => Err(ApiError::MalformedJson(format!("malformed JSON: {e}"))),
        }
    }
}

/// A handler authenticated by `Authorization: Bearer TOKEN`.
#[derive(Debug)]
pub struct Handler(pub Principal);

impl FromRequestParts<AppState> for Handler {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized)?;
        let digest = breachdesk_crypto::token_digest(token);
        match state.0.store.principal_by_token(&digest).await {
            Ok(Some(p)) => Ok(Self(p)),
            Ok(None) => Err(ApiError::Unauthorized),
            Err(e) => Err(crate::service::ServiceError::from(e).into()),
        }
    }
}
