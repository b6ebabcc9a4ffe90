//! Handler sessions: a random token in a `Secure`, `HttpOnly`, `SameSite=Strict` cookie; the
//! store keeps only its SHA-256 digest. A session ends after `session_idle` without use or
//! `session_absolute` after sign-in, on sign-out, and whenever it is promoted (a new token is
//! issued once the second factor is in, so a token seen before sign-in is worth nothing after).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use breachdesk_core::ports::{SessionRecord, SessionStage, UserAuth};
use breachdesk_core::report::Language;
use breachdesk_core::user::Principal;
use rand::RngCore;
use subtle::ConstantTimeEq;

use crate::service::ServiceError;
use crate::state::AppState;

pub const COOKIE: &str = "bd_session";

/// A fresh random token (43 characters) and its digest for the store.
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let digest = breachdesk_crypto::token_digest(&token);
    (token, digest)
}

fn cookie_token(headers: &HeaderMap) -> Option<String> {
    crate::pages::csrf::token_cookie(headers, COOKIE)
}

/// The `Set-Cookie` value for a session token (a session cookie: it dies with the browser too).
pub fn set_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.0.limits.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("token is URL-safe base64")
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(state: &AppState) -> HeaderValue {
    let secure = if state.0.limits.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("static cookie")
}

/// Starts a session at `stage` for the user; returns the token for the cookie.
pub async fn start(
    state: &AppState,
    user_id: uuid::Uuid,
    at_stage: SessionStage,
) -> Result<String, ServiceError> {
    let (token, digest) = new_token();
    let (csrf, _) = new_token();
    let now = state.now();
    state
        .0
        .store
        .create_session(&SessionRecord {
            id_hash: digest,
            user_id,
            stage: at_stage,
            csrf_token: csrf,
            created_at: now,
            last_seen_at: now,
            ended: false,
        })
        .await?;
    Ok(token)
}

/// The live session of the request, if any: ended, idle or too old sessions are ended and
/// count as none.
pub async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<SessionRecord>, ServiceError> {
    let Some(token) = cookie_token(headers) else {
        return Ok(None);
    };
    let digest = breachdesk_crypto::token_digest(&token);
    let Some(session) = state.0.store.session(&digest).await? else {
        return Ok(None);
    };
    if session.ended {
        return Ok(None);
    }
    let now = state.now();
    let limits = &state.0.limits;
    let idle = now.duration_since(session.last_seen_at) > limits.session_idle;
    let too_old = now.duration_since(session.created_at) > limits.session_absolute;
    if idle || too_old {
        state.0.store.end_session(&digest, now).await?;
        tracing::info!(user_id = %session.user_id, idle, too_old, "session expired");
        return Ok(None);
    }
    Ok(Some(session))
}

/// Ends the request's session (sign-out, or promotion to a new token).
pub async fn end(state: &AppState, session: &SessionRecord) -> Result<(), ServiceError> {
    state
        .0
        .store
        .end_session(&session.id_hash, state.now())
        .await?;
    Ok(())
}

/// Does the form's token match the session's?
pub fn csrf_ok(session_csrf: &str, submitted: &str) -> bool {
    !submitted.is_empty() && bool::from(session_csrf.as_bytes().ct_eq(submitted.as_bytes()))
}

fn lang_from_query(parts: &Parts) -> Option<Language> {
    parts.uri.query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "lang")
            .and_then(|(_, v)| Language::parse(v))
    })
}

fn to_sign_in() -> Response {
    Redirect::to("/sign-in").into_response()
}

/// A signed-in handler (password and second factor). Pages that need one take this; without a
/// valid session the request goes to the sign-in page.
#[derive(Debug, Clone)]
pub struct Desk {
    pub user: UserAuth,
    pub principal: Principal,
    pub session: SessionRecord,
    pub lang: Language,
}

impl Desk {
    /// Is this a member with the `Admin` role anywhere, or the installation's administrator?
    pub fn administers(&self) -> bool {
        self.user.installation_admin
            || self
                .principal
                .memberships
                .iter()
                .any(|m| m.role == breachdesk_core::user::Role::Admin)
    }
}

impl FromRequestParts<AppState> for Desk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let internal = |e: ServiceError| {
            tracing::error!(error = %e, "session lookup failed");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        };
        let Some(session) = current(state, &parts.headers).await.map_err(internal)? else {
            return Err(to_sign_in());
        };
        if session.stage != SessionStage::Full {
            return Err(to_sign_in());
        }
        let store = &state.0.store;
        let user = store
            .user_auth_by_id(session.user_id)
            .await
            .map_err(|e| internal(e.into()))?;
        let Some(user) = user.filter(|u| !u.disabled) else {
            end(state, &session).await.map_err(internal)?;
            return Err(to_sign_in());
        };
        store
            .touch_session(&session.id_hash, SessionStage::Full, state.now())
            .await
            .map_err(|e| internal(e.into()))?;
        let principal = store
            .principal_by_user(user.id)
            .await
            .map_err(|e| internal(e.into()))?
            .unwrap_or(Principal {
                user_id: user.id,
                memberships: Vec::new(),
            });
        let lang = lang_from_query(parts).unwrap_or(user.language);
        Ok(Self {
            user,
            principal,
            session,
            lang,
        })
    }
}

/// A session between the password and the second factor.
#[derive(Debug, Clone)]
pub struct Pending {
    pub user: UserAuth,
    pub session: SessionRecord,
    pub lang: Language,
}

impl FromRequestParts<AppState> for Pending {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let internal = |e: ServiceError| {
            tracing::error!(error = %e, "session lookup failed");
            axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response()
        };
        let Some(session) = current(state, &parts.headers).await.map_err(internal)? else {
            return Err(to_sign_in());
        };
        if session.stage == SessionStage::Full {
            return Err(Redirect::to("/desk").into_response());
        }
        let user = state
            .0
            .store
            .user_auth_by_id(session.user_id)
            .await
            .map_err(|e| internal(e.into()))?;
        let Some(user) = user.filter(|u| !u.disabled) else {
            return Err(to_sign_in());
        };
        let lang = lang_from_query(parts).unwrap_or(user.language);
        Ok(Self {
            user,
            session,
            lang,
        })
    }
}
