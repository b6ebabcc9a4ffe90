//! CSRF protection of the public forms: a random token in a `SameSite=Strict`, `HttpOnly` cookie
//! that each form repeats in a hidden field (double submit). The forms carry no session, so this
//! stops other sites from posting reports or follow-up attempts in a visitor's name.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "bd_csrf";
pub const FIELD: &str = "csrf_token";

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
    token_cookie(headers, COOKIE)
}

/// The token for a page: the visitor's existing one, or a new one with its `Set-Cookie` header.
pub fn token(headers: &HeaderMap) -> (String, Option<HeaderValue>) {
    if let Some(t) = cookie_value(headers) {
        return (t, None);
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let t = URL_SAFE_NO_PAD.encode(bytes);
    let cookie =
        HeaderValue::from_str(&format!("{COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict")).ok();
    (t, cookie)
}

/// Does the submitted form carry the cookie's token?
pub fn verify(headers: &HeaderMap, submitted: Option<&String>) -> bool {
    match (cookie_value(headers), submitted) {
        (Some(c), Some(s)) => bool::from(c.as_bytes().ct_eq(s.as_bytes())),
        _ => false,
    }
}
