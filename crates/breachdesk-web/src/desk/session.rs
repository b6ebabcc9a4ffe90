//! Handler sessions at the HTTP edge: the token in a `Secure`, `HttpOnly`, `SameSite=Strict`
//! cookie, and the extractors of a signed-in (`Desk`) or half-signed-in (`Pending`) handler. The
//! sessions themselves — digests in the store, idle and absolute limits, promotion — are
//! `breachdesk_app::sessions`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use breachdesk_core::ports::{SessionRecord, SessionStage, UserAuth};
use breachdesk_core::report::Language;
use breachdesk_core::user::Principal;
use subtle::ConstantTimeEq;

use crate::service::ServiceError;
use crate::state::AppState;

pub const COOKIE: &str = "bd_session";

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

/// The live session of the request's cookie, if any.
pub async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<SessionRecord>, ServiceError> {
    match cookie_token(headers) {
        Some(token) => state.app().session(&token).await,
        None => Ok(None),
    }
}

/// Ends the request's session (sign-out, or promotion to a new token).
pub async fn end(state: &AppState, session: &SessionRecord) -> Result<(), ServiceError> {
    state.app().end_session(session).await
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
        let Some(signed_in) = state.app().signed_in(session).await.map_err(internal)? else {
            return Err(to_sign_in());
        };
        let breachdesk_app::sessions::SignedIn {
            user,
            principal,
            session,
        } = signed_in;
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
        let Some(user) = state.app().pending_user(&session).await.map_err(internal)? else {
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
