//! CSRF protection of the public forms: a random token in a `SameSite=Strict`, `HttpOnly` cookie
//! that each form repeats in a hidden field (double submit). The forms carry no session, so this
//! stops other sites from posting reports or follow-up attempts in a visitor's name.
//!
//! With secure cookies (the default) the cookie is `__Host-bd_csrf`, `Secure`: browsers accept a
//! `__Host-` cookie only from HTTPS, for the exact host and path `/`, so neither a sibling
//! subdomain nor a man in the middle of plain HTTP can plant a token of their choosing — and a
//! cookie without the prefix is not read. With `serve --insecure-cookies` it is plain `bd_csrf`.
//! Which applies is set per request by the router ([`with_secure_cookies`]), so that the many
//! callers of [`token`] and [`verify`] need not pass it along.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "bd_csrf";
/// The cookie's name with secure cookies.
pub const SECURE_COOKIE: &str = "__Host-bd_csrf";
pub const FIELD: &str = "csrf_token";

tokio::task_local! {
    static SECURE: bool;
}

/// Runs `request` (a request's handling) with the cookie flavour `secure`.
pub async fn with_secure_cookies<F: std::future::Future>(secure: bool, request: F) -> F::Output {
    SECURE.scope(secure, request).await
}

/// Secure unless the router said otherwise: outside a request, err on the safe side.
fn secure() -> bool {
    SECURE.try_with(|s| *s).unwrap_or(true)
}

fn cookie_name() -> &'static str {
    if secure() { SECURE_COOKIE } else { COOKIE }
}

/// The value of cookie `name` if it is one of our 256-bit tokens (43 characters of URL-safe
/// base64); anything else counts as absent.
pub(crate) fn token_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| {
            v.len() == 43
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    token_cookie(headers, cookie_name())
}

/// The token for a page: the visitor's existing one, or a new one with its `Set-Cookie` header.
pub fn token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(t) = cookie_value(headers) {
        return (t, None);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let t = URL_SAFE_NO_PAD.encode(bytes);
    let flags = if secure() { "; Secure" } else { "" };
    let name = cookie_name();
    let cookie = HeaderValue::from_str(&format!(
        "{name}={t}; Path=/; HttpOnly; SameSite=Strict{flags}"
    ))
    .ok();
    (t, cookie)
}

/// Does the submitted form carry the cookie's token?
pub fn verify(headers: &HeaderMap, submitted: Option<&String>) -> bool {
    match (cookie_value(headers), submitted) {
        (Some(c), Some(s)) => bool::from(c.as_bytes().ct_eq(s.as_bytes())),
        _ => false,
    }
}
