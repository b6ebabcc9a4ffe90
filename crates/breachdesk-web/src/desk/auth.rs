//! Sign-in for handlers: the one-time setup link, password, TOTP (enrolment by QR code, one-time
//! recovery codes), sign-out. Failures count towards a lock-out of the account and a rate limit
//! of the client address; the answer never tells whether an e-mail address has an account.

use crate::desk::common::{Page, PageError};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use breachdesk_core::ports::{SessionStage, SetupPurpose, UserAuth};
use breachdesk_core::report::{Language, is_plausible_email};
use breachdesk_crypto::TotpSecret;
use rand::RngCore;
use serde::Deserialize;
use uuid::Uuid;

use super::session::{self, Desk, Pending};
use crate::client::ClientIp;
use crate::pages::csrf;
use crate::pages::view::{LangLink, Tr, language_links};
use crate::service::ServiceError;
use crate::state::AppState;
use breachdesk_app::sign_in::PasswordStep;

/// Shortest password accepted (NIST SP 800-63B asks at least 8; handlers guard special
/// categories of data, so more).
pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 256;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// How long the first administrator's setup link stays valid.

#[derive(Debug, Deserialize, Default)]
pub struct LangQuery {
    pub lang: Option<String>,
}

pub fn language_of(explicit: Option<&str>, headers: &HeaderMap) -> Language {
    explicit.and_then(Language::parse).unwrap_or_else(|| {
        crate::i18n::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
        )
    })
}

fn with_cookie(mut r: Response, cookie: HeaderValue) -> Response {
    r.headers_mut().append(header::SET_COOKIE, cookie);
    r
}

async fn audit(state: &AppState, actor: Option<Uuid>, action: &'static str, detail: &str) {
    state.app().audit_account(actor, action, detail).await;
}

impl AppState {
    /// On an installation without accounts: a one-time link (token) for the first
    /// administrator, valid for a day. `None` once any account exists.
    pub async fn first_admin_setup_token(&self) -> Result<Option<String>, ServiceError> {
        self.app().first_admin_setup_token().await
    }

    async fn hash_secret(&self, secret: String) -> Result<String, ServiceError> {
        self.app().hash_secret(secret).await
    }

    /// Counts a sign-in attempt of `ip`; `true` beyond the limit, and also when the counters
    /// cannot be reached (an attempt is refused rather than let through uncounted).
    async fn sign_in_limited(&self, ip: std::net::IpAddr) -> bool {
        match self
            .app()
            .count_request(
                breachdesk_app::RateLimit::SignIn,
                ip,
                self.0.limits.sign_in_per_minute,
            )
            .await
        {
            Ok(()) => false,
            Err(ServiceError::RateLimited) => true,
            Err(e) => {
                tracing::warn!(error = %e, "the sign-in counters could not be reached");
                true
            }
        }
    }

    /// Reserves an attempt against the account before it is verified; `false` when the
    /// account is locked.
    async fn reserve_attempt(&self, user: &UserAuth) -> Result<bool, ServiceError> {
        self.app().reserve_login_attempt(user.id).await
    }
}

// ---------------------------------------------------------------------------------------------
// Pages

#[derive(Template)]
#[template(path = "desk/sign_in.html")]
struct SignInPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    csrf: String,
    email: String,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/code.html")]
struct CodePage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    csrf: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/enrol.html")]
struct EnrolPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    csrf: String,
    pending: String,
    qr: String,
    secret: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "desk/recovery_codes.html")]
struct RecoveryCodesPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    codes: Vec<String>,
}

#[derive(Template)]
#[template(path = "desk/setup.html")]
struct SetupPage<'a> {
    tr: Tr<'a>,
    switch: Vec<LangLink>,
    csrf: String,
    action: String,
    first_admin: bool,
    email: String,
    name: String,
    errors: Vec<String>,
}

fn tr(state: &AppState, lang: Language) -> Tr<'_> {
    Tr {
        i18n: &state.0.i18n,
        language: lang,
    }
}

// -- Sign-in -----------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    lang: Option<String>,
    done: Option<String>,
}

pub async fn sign_in_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SignInQuery>,
) -> Page {
    // Someone already signed in goes straight to the cases.
    if let Ok(Some(s)) = session::current(&state, &headers).await
        && s.stage == SessionStage::Full
    {
        return Ok(Redirect::to("/desk").into_response());
    }
    let lang = language_of(q.lang.as_deref(), &headers);
    let (token, cookie) = csrf::token(&headers);
    let tr = tr(&state, lang);
    let notice = match q.done.as_deref() {
        Some("signed-out") => Some(tr.t("desk-signed-out")),
        Some("expired") => Some(tr.t("desk-session-expired")),
        Some("setup") => Some(tr.t("desk-setup-done")),
        _ => None,
    };
    let page = SignInPage {
        tr,
        switch: language_links(&state.0.i18n, lang, "/sign-in"),
        csrf: token,
        email: String::new(),
        error: None,
        notice,
    };
    Ok(crate::pages::html(StatusCode::OK, &page, cookie))
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    csrf_token: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

pub async fn sign_in_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
    Form(form): Form<SignInForm>,
) -> Page {
    let lang = language_of(q.lang.as_deref(), &headers);
    let again = |status: StatusCode, error: &str, email: String| {
        let (token, cookie) = csrf::token(&headers);
        let tr = tr(&state, lang);
        let page = SignInPage {
            tr,
            switch: language_links(&state.0.i18n, lang, "/sign-in"),
            csrf: token,
            email,
            error: Some(tr.t(error)),
            notice: None,
        };
        crate::pages::html(status, &page, cookie)
    };
    if !csrf::verify(&headers, form.csrf_token.as_ref()) {
        return Ok(again(
            StatusCode::FORBIDDEN,
            "desk-form-expired",
            String::new(),
        ));
    }
    if state.sign_in_limited(ip).await {
        return Ok(again(
            StatusCode::TOO_MANY_REQUESTS,
            "desk-rate-limited",
            String::new(),
        ));
    }
    let email = form.email.trim().to_lowercase();
    let step = match state
        .app()
        .sign_in_password(&email, form.password.clone())
        .await
    {
        Ok(step) => step,
        Err(e) => return Err(PageError::internal(&e)),
    };
    let (next_stage, token) = match step {
        PasswordStep::Refused => {
            return Ok(again(
                StatusCode::UNAUTHORIZED,
                "desk-sign-in-failed",
                email,
            ));
        }
        PasswordStep::ChangePassword { token } => {
            return Ok(
                Redirect::to(&format!("/setup/{token}?lang={}", lang.as_str())).into_response(),
            );
        }
        PasswordStep::Next { stage, token } => (stage, token),
    };
    let next = if next_stage == SessionStage::Password {
        "/sign-in/code"
    } else {
        "/sign-in/enrol"
    };
    Ok(with_cookie(
        Redirect::to(&format!("{next}?lang={}", lang.as_str())).into_response(),
        session::set_cookie(&state, &token),
    ))
}

/// The second step is done: the old token ends and a new, fully signed-in one begins.
async fn promote(state: &AppState, pending: &Pending, how: &str) -> Result<String, ServiceError> {
    state.app().promote_session(&pending.session, how).await
}

// -- Second factor -----------------------------------------------------------------------------

pub async fn code_page(State(state): State<AppState>, pending: Pending) -> Page {
    if pending.session.stage != SessionStage::Password {
        return Ok(Redirect::to("/sign-in/enrol").into_response());
    }
    let page = CodePage {
        tr: tr(&state, pending.lang),
        switch: language_links(&state.0.i18n, pending.lang, "/sign-in/code"),
        csrf: pending.session.csrf_token.clone(),
        error: None,
    };
    Ok(crate::pages::html(StatusCode::OK, &page, None))
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
}

pub async fn code_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    pending: Pending,
    Form(form): Form<CodeForm>,
) -> Page {
    let lang = pending.lang;
    let again = |status: StatusCode, error: &str| {
        let tr = tr(&state, lang);
        let page = CodePage {
            tr,
            switch: language_links(&state.0.i18n, lang, "/sign-in/code"),
            csrf: pending.session.csrf_token.clone(),
            error: Some(tr.t(error)),
        };
        crate::pages::html(status, &page, None)
    };
    if pending.session.stage != SessionStage::Password {
        return Ok(Redirect::to("/sign-in/enrol").into_response());
    }
    if !session::csrf_ok(&pending.session.csrf_token, &form.csrf_token) {
        return Ok(again(StatusCode::FORBIDDEN, "desk-form-expired"));
    }
    if state.sign_in_limited(ip).await {
        return Ok(again(StatusCode::TOO_MANY_REQUESTS, "desk-rate-limited"));
    }
    let reserved = match state.reserve_attempt(&pending.user).await {
        Ok(r) => r,
        Err(e) => return Err(PageError::internal(&e)),
    };
    if !reserved {
        // Locked: this half-signed-in session is of no further use.
        let _ = session::end(&state, &pending.session).await;
        return Ok(again(StatusCode::UNAUTHORIZED, "desk-code-failed"));
    }
    let typed: String = form
        .code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let accepted = match check_code(&state, &pending.user, &typed).await {
        Ok(a) => a,
        Err(e) => return Err(PageError::internal(&e)),
    };
    if let Some(how) = accepted {
        return Ok(match promote(&state, &pending, how).await {
            Ok(token) => with_cookie(
                Redirect::to(&format!("/desk?lang={}", lang.as_str())).into_response(),
                session::set_cookie(&state, &token),
            ),
            Err(e) => return Err(PageError::internal(&e)),
        });
    }
    audit(
        &state,
        Some(pending.user.id),
        "auth.failed",
        "second_factor",
    )
    .await;
    Ok(again(StatusCode::UNAUTHORIZED, "desk-code-failed"))
}

/// Checks a TOTP code (each time step accepted once) or an unused recovery code.
async fn check_code(
    state: &AppState,
    user: &UserAuth,
    typed: &str,
) -> Result<Option<&'static str>, ServiceError> {
    state.app().check_second_factor(user, typed).await
}

// -- Enrolment ---------------------------------------------------------------------------------

fn enrol_page(
    state: &AppState,
    pending: &Pending,
    secret: &TotpSecret,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let sealed = state.app().seal_offered_secret(pending.user.id, secret);
    let uri = secret.otpauth_uri("BreachDesk", &pending.user.email);
    let qr = breachdesk_crypto::qr_svg(&uri)
        .map(|svg| match svg.find("<svg") {
            Some(i) => svg[i..].to_owned(),
            None => svg,
        })
        .unwrap_or_default();
    let secret_text = secret
        .base32()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    let tr = tr(state, pending.lang);
    let page = EnrolPage {
        tr,
        switch: language_links(&state.0.i18n, pending.lang, "/sign-in/enrol"),
        csrf: pending.session.csrf_token.clone(),
        pending: URL_SAFE_NO_PAD.encode(sealed),
        qr,
        secret: secret_text,
        error: error.map(|e| tr.t(e)),
    };
    crate::pages::html(status, &page, None)
}

pub async fn enrol_page_get(State(state): State<AppState>, pending: Pending) -> Page {
    if pending.session.stage != SessionStage::Enrol {
        return Ok(Redirect::to("/sign-in/code").into_response());
    }
    Ok(enrol_page(
        &state,
        &pending,
        &TotpSecret::generate(),
        StatusCode::OK,
        None,
    ))
}

#[derive(Debug, Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    pending: String,
    #[serde(default)]
    code: String,
}

fn recovery_code() -> String {
    let mut bytes = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let s = base32::encode(base32::Alphabet::Rfc4648 { padding: false }, &bytes).to_lowercase();
    format!("{}-{}-{}", &s[0..4], &s[4..8], &s[8..12])
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    pending: Pending,
    Form(form): Form<EnrolForm>,
) -> Page {
    if pending.session.stage != SessionStage::Enrol {
        return Ok(Redirect::to("/sign-in/code").into_response());
    }
    if !session::csrf_ok(&pending.session.csrf_token, &form.csrf_token) {
        return Ok(enrol_page(
            &state,
            &pending,
            &TotpSecret::generate(),
            StatusCode::FORBIDDEN,
            Some("desk-form-expired"),
        ));
    }
    // The secret shown on the page comes back sealed; it opens only for this account.
    let secret = URL_SAFE_NO_PAD
        .decode(form.pending.as_bytes())
        .ok()
        .and_then(|b| state.app().open_offered_secret(pending.user.id, &b));
    let Some(secret) = secret else {
        return Ok(enrol_page(
            &state,
            &pending,
            &TotpSecret::generate(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("desk-form-expired"),
        ));
    };
    if state.sign_in_limited(ip).await {
        return Ok(enrol_page(
            &state,
            &pending,
            &secret,
            StatusCode::TOO_MANY_REQUESTS,
            Some("desk-rate-limited"),
        ));
    }
    let typed: String = form.code.chars().filter(char::is_ascii_digit).collect();
    let unix = u64::try_from(state.now().as_second()).unwrap_or(0);
    let Some(step) = secret.matching_step(&typed, unix) else {
        return Ok(enrol_page(
            &state,
            &pending,
            &secret,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("desk-enrol-code-wrong"),
        ));
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let mut hashes = Vec::with_capacity(codes.len());
    for c in &codes {
        match state.hash_secret(c.clone()).await {
            Ok(h) => hashes.push(h),
            Err(e) => return Err(PageError::internal(&e)),
        }
    }
    let result = state
        .app()
        .enrol_second_factor(&pending.session, &secret, step, &hashes)
        .await;
    Ok(match result {
        Ok(token) => {
            let page = RecoveryCodesPage {
                tr: tr(&state, pending.lang),
                switch: Vec::new(),
                codes,
            };
            crate::pages::html(
                StatusCode::OK,
                &page,
                Some(session::set_cookie(&state, &token)),
            )
        }
        Err(e) => return Err(PageError::internal(&e)),
    })
}

// -- Sign-out ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

pub async fn sign_out(
    State(state): State<AppState>,
    desk: Desk,
    Form(form): Form<CsrfOnly>,
) -> Page {
    if !session::csrf_ok(&desk.session.csrf_token, &form.csrf_token) {
        return Err(PageError::forbidden(&state, desk.lang));
    }
    if let Err(e) = session::end(&state, &desk.session).await {
        return Err(PageError::internal(&e));
    }
    audit(&state, Some(desk.user.id), "auth.sign_out", "").await;
    Ok(with_cookie(
        Redirect::to("/sign-in?done=signed-out").into_response(),
        session::clear_cookie(&state),
    ))
}

// -- Setup links -------------------------------------------------------------------------------

fn setup_invalid(state: &AppState, lang: Language) -> Response {
    crate::pages::message(
        state,
        lang,
        StatusCode::NOT_FOUND,
        "desk-setup-invalid-title",
        "desk-setup-invalid-text",
    )
}

pub async fn setup_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
) -> Page {
    let lang = language_of(q.lang.as_deref(), &headers);
    let link = match state.app().setup_link(&token).await {
        Ok(Some(l)) => l,
        Ok(None) => return Ok(setup_invalid(&state, lang)),
        Err(e) => return Err(PageError::internal(&e)),
    };
    let (csrf, cookie) = csrf::token(&headers);
    let action = format!("/setup/{token}");
    let page = SetupPage {
        tr: tr(&state, lang),
        switch: language_links(&state.0.i18n, lang, &action),
        csrf,
        action,
        first_admin: link.purpose == SetupPurpose::FirstAdmin,
        email: String::new(),
        name: String::new(),
        errors: Vec::new(),
    };
    Ok(crate::pages::html(StatusCode::OK, &page, cookie))
}

#[derive(Debug, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf_token: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

/// What is wrong with a new password, as message ids.
pub fn password_problems(password: &str, again: &str, email: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let n = password.chars().count();
    if n < MIN_PASSWORD {
        out.push("desk-password-too-short");
    } else if n > MAX_PASSWORD {
        out.push("desk-password-too-long");
    } else if !email.is_empty() && password.to_lowercase().contains(&email.to_lowercase()) {
        out.push("desk-password-contains-email");
    }
    if password != again {
        out.push("desk-password-mismatch");
    }
    out
}

pub async fn setup_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
    Form(form): Form<SetupForm>,
) -> Page {
    let lang = language_of(q.lang.as_deref(), &headers);
    let link = match state.app().setup_link(&token).await {
        Ok(Some(l)) => l,
        Ok(None) => return Ok(setup_invalid(&state, lang)),
        Err(e) => return Err(PageError::internal(&e)),
    };
    let first_admin = link.purpose == SetupPurpose::FirstAdmin;
    let existing = link.user.clone();
    let email = existing
        .as_ref()
        .map_or_else(|| form.email.trim().to_lowercase(), |u| u.email.clone());
    let name = form.name.trim().to_owned();
    let tr = tr(&state, lang);
    let mut problems: Vec<&'static str> = Vec::new();
    if !csrf::verify(&headers, form.csrf_token.as_ref()) {
        problems.push("desk-form-expired");
    }
    if first_admin && !is_plausible_email(&email) {
        problems.push("desk-email-invalid");
    }
    if name.chars().count() > 200 {
        problems.push("desk-name-too-long");
    }
    problems.extend(password_problems(
        &form.password,
        &form.password_again,
        &email,
    ));
    if !problems.is_empty() {
        let (csrf, cookie) = csrf::token(&headers);
        let action = format!("/setup/{token}");
        let page = SetupPage {
            tr,
            switch: language_links(&state.0.i18n, lang, &action),
            csrf,
            action,
            first_admin,
            email: if first_admin { email } else { String::new() },
            name,
            errors: problems.iter().map(|p| tr.t(p)).collect(),
        };
        return Ok(crate::pages::html(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page,
            cookie,
        ));
    }
    let hash = match state.hash_secret(form.password.clone()).await {
        Ok(h) => h,
        Err(e) => return Err(PageError::internal(&e)),
    };
    let result = state
        .app()
        .complete_setup(
            &token,
            &link,
            breachdesk_app::second_factor::NewPassword {
                email: &email,
                name: &name,
                password_hash: hash,
                language: lang,
            },
        )
        .await;
    Ok(match result {
        Ok(_) => {
            Redirect::to(&format!("/sign-in?done=setup&lang={}", lang.as_str())).into_response()
        }
        Err(ServiceError::NotFound) => setup_invalid(&state, lang),
        Err(e) => return Err(PageError::internal(&e)),
    })
}
