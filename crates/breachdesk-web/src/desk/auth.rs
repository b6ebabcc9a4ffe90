//! Sign-in for handlers: the one-time setup link, password, TOTP (enrolment by QR code, one-time
//! recovery codes), sign-out. Failures count towards a lock-out of the account and a rate limit
//! of the client address; the answer never tells whether an e-mail address has an account.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use breachdesk_core::audit::AuditEvent;
use breachdesk_core::ports::{Aad, SecretHasher, SessionStage, SetupPurpose, UserAuth};
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

/// Shortest password accepted (NIST SP 800-63B asks at least 8; handlers guard special
/// categories of data, so more).
pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 256;
/// Recovery codes issued at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// How long the first administrator's setup link stays valid.
pub const FIRST_ADMIN_LINK_VALID: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

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

fn internal(e: &ServiceError) -> Response {
    tracing::error!(error = %e, "sign-in step failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

fn with_cookie(mut r: Response, cookie: HeaderValue) -> Response {
    r.headers_mut().append(header::SET_COOKIE, cookie);
    r
}

fn totp_aad(user: Uuid) -> Aad {
    Aad {
        table: "users",
        column: "totp_secret",
        row: user,
    }
}

fn pending_aad(user: Uuid) -> Aad {
    Aad {
        table: "users",
        column: "totp_pending",
        row: user,
    }
}

async fn audit(state: &AppState, actor: Option<Uuid>, action: &'static str, detail: &str) {
    let event = AuditEvent {
        actor,
        org_id: None,
        case_id: None,
        action,
        detail: detail.to_owned(),
    };
    if let Err(e) = state.0.store.append_audit(&[event], state.now()).await {
        tracing::error!(error = %e, action, "audit entry failed");
    }
}

/// How long the link to replace an operator-printed password stays valid.
const PASSWORD_CHANGE_LINK_VALID: jiff::SignedDuration = jiff::SignedDuration::from_mins(15);

impl AppState {
    /// On an installation without accounts: a one-time link (token) for the first
    /// administrator, valid for a day. `None` once any account exists.
    pub async fn first_admin_setup_token(
        &self,
    ) -> Result<Option<String>, breachdesk_core::ports::StoreError> {
        if self.0.store.count_users().await? > 0 {
            return Ok(None);
        }
        let (token, digest) = session::new_token();
        let now = self.now();
        self.0
            .store
            .create_setup_token(
                &digest,
                None,
                SetupPurpose::FirstAdmin,
                now,
                now + FIRST_ADMIN_LINK_VALID,
            )
            .await?;
        Ok(Some(token))
    }

    async fn hash_secret(&self, secret: String) -> Result<String, ServiceError> {
        let inner = self.0.clone();
        Ok(tokio::task::spawn_blocking(move || inner.hasher.hash(&secret)).await?)
    }

    async fn verify_secret(&self, secret: String, phc: String) -> Result<bool, ServiceError> {
        let inner = self.0.clone();
        Ok(tokio::task::spawn_blocking(move || inner.hasher.verify(&secret, &phc)).await?)
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
    /// account is locked (see `Store::reserve_login_attempt`).
    async fn reserve_attempt(&self, user: &UserAuth) -> Result<bool, ServiceError> {
        let limits = &self.0.limits;
        let now = self.now();
        Ok(self
            .0
            .store
            .reserve_login_attempt(
                user.id,
                limits.max_login_failures,
                now + limits.login_lockout,
                now,
            )
            .await?)
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
) -> Response {
    // Someone already signed in goes straight to the cases.
    if let Ok(Some(s)) = session::current(&state, &headers).await
        && s.stage == SessionStage::Full
    {
        return Redirect::to("/desk").into_response();
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
    crate::pages::html(StatusCode::OK, &page, cookie)
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
) -> Response {
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
        return again(StatusCode::FORBIDDEN, "desk-form-expired", String::new());
    }
    if state.sign_in_limited(ip).await {
        return again(
            StatusCode::TOO_MANY_REQUESTS,
            "desk-rate-limited",
            String::new(),
        );
    }
    let email = form.email.trim().to_lowercase();
    let user = match state.0.store.user_auth_by_email(&email).await {
        Ok(u) => u,
        Err(e) => return internal(&e.into()),
    };
    // The attempt is counted before the password is verified, so that concurrent attempts
    // cannot outrun the lock-out (issue 17).
    let reserved = match &user {
        Some(u) if !u.disabled => match state.reserve_attempt(u).await {
            Ok(r) => r,
            Err(e) => return internal(&e),
        },
        _ => false,
    };
    let hash = user.as_ref().map_or_else(
        || state.0.dummy_password_hash.clone(),
        |u| u.password_hash.clone(),
    );
    // Verified even for unknown or locked accounts, so that timing tells nothing.
    let ok = match state.verify_secret(form.password.clone(), hash).await {
        Ok(ok) => ok,
        Err(e) => return internal(&e),
    };
    let Some(user) = user else {
        return again(StatusCode::UNAUTHORIZED, "desk-sign-in-failed", email);
    };
    if !ok || !reserved || user.disabled {
        if !ok && reserved {
            audit(&state, Some(user.id), "auth.failed", "password").await;
        }
        tracing::warn!(user_id = %user.id, locked = !reserved, "sign-in refused");
        return again(StatusCode::UNAUTHORIZED, "desk-sign-in-failed", email);
    }
    if let Err(e) = state.0.store.release_login_attempt(user.id).await {
        return internal(&e.into());
    }
    if user.password_change_required {
        // A password printed on the operator's console is replaced before anything else
        // (issue 17): a one-time link of the account's own, valid briefly, to choose one.
        let (token, digest) = session::new_token();
        let now = state.now();
        if let Err(e) = state
            .0
            .store
            .create_setup_token(
                &digest,
                Some(user.id),
                SetupPurpose::Account,
                now,
                now + PASSWORD_CHANGE_LINK_VALID,
            )
            .await
        {
            return internal(&e.into());
        }
        audit(&state, Some(user.id), "auth.password_change_required", "").await;
        return Redirect::to(&format!("/setup/{token}?lang={}", lang.as_str())).into_response();
    }
    let next_stage = if user.totp_secret.is_some() {
        SessionStage::Password
    } else {
        SessionStage::Enrol
    };
    let token = match session::start(&state, user.id, next_stage).await {
        Ok(t) => t,
        Err(e) => return internal(&e),
    };
    let next = if next_stage == SessionStage::Password {
        "/sign-in/code"
    } else {
        "/sign-in/enrol"
    };
    with_cookie(
        Redirect::to(&format!("{next}?lang={}", lang.as_str())).into_response(),
        session::set_cookie(&state, &token),
    )
}

/// The second step is done: the old token ends and a new, fully signed-in one begins.
async fn promote(state: &AppState, pending: &Pending, how: &str) -> Result<String, ServiceError> {
    session::end(state, &pending.session).await?;
    state.0.store.reset_login_failures(pending.user.id).await?;
    let token = session::start(state, pending.user.id, SessionStage::Full).await?;
    audit(state, Some(pending.user.id), "auth.sign_in", how).await;
    tracing::info!(user_id = %pending.user.id, how, "signed in");
    Ok(token)
}

// -- Second factor -----------------------------------------------------------------------------

pub async fn code_page(State(state): State<AppState>, pending: Pending) -> Response {
    if pending.session.stage != SessionStage::Password {
        return Redirect::to("/sign-in/enrol").into_response();
    }
    let page = CodePage {
        tr: tr(&state, pending.lang),
        switch: language_links(&state.0.i18n, pending.lang, "/sign-in/code"),
        csrf: pending.session.csrf_token.clone(),
        error: None,
    };
    crate::pages::html(StatusCode::OK, &page, None)
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
}

/// A recovery code as issued: three groups of four lower-case base32 letters and digits.
fn looks_like_recovery_code(s: &str) -> bool {
    s.len() == 14
        && s.split('-').count() == 3
        && s.bytes()
            .all(|b| b == b'-' || b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

pub async fn code_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    pending: Pending,
    Form(form): Form<CodeForm>,
) -> Response {
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
        return Redirect::to("/sign-in/enrol").into_response();
    }
    if !session::csrf_ok(&pending.session.csrf_token, &form.csrf_token) {
        return again(StatusCode::FORBIDDEN, "desk-form-expired");
    }
    if state.sign_in_limited(ip).await {
        return again(StatusCode::TOO_MANY_REQUESTS, "desk-rate-limited");
    }
    let reserved = match state.reserve_attempt(&pending.user).await {
        Ok(r) => r,
        Err(e) => return internal(&e),
    };
    if !reserved {
        // Locked: this half-signed-in session is of no further use.
        let _ = session::end(&state, &pending.session).await;
        return again(StatusCode::UNAUTHORIZED, "desk-code-failed");
    }
    let typed: String = form
        .code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let accepted = match check_code(&state, &pending.user, &typed).await {
        Ok(a) => a,
        Err(e) => return internal(&e),
    };
    if let Some(how) = accepted {
        return match promote(&state, &pending, how).await {
            Ok(token) => with_cookie(
                Redirect::to(&format!("/desk?lang={}", lang.as_str())).into_response(),
                session::set_cookie(&state, &token),
            ),
            Err(e) => internal(&e),
        };
    }
    audit(
        &state,
        Some(pending.user.id),
        "auth.failed",
        "second_factor",
    )
    .await;
    again(StatusCode::UNAUTHORIZED, "desk-code-failed")
}

/// Checks a TOTP code (each time step accepted once) or an unused recovery code.
async fn check_code(
    state: &AppState,
    user: &UserAuth,
    typed: &str,
) -> Result<Option<&'static str>, ServiceError> {
    let store = &state.0.store;
    if typed.len() == 6 && typed.bytes().all(|b| b.is_ascii_digit()) {
        let Some(sealed) = &user.totp_secret else {
            return Ok(None);
        };
        let plain = state.0.keyring.open_secret(&totp_aad(user.id), sealed)?;
        let secret = TotpSecret::from_bytes(&plain)
            .map_err(|_| breachdesk_core::ports::CryptoError::Malformed)?;
        let unix = u64::try_from(state.now().as_second()).unwrap_or(0);
        if let Some(step) = secret.matching_step(typed, unix)
            && store.accept_totp_step(user.id, step).await?
        {
            return Ok(Some("totp"));
        }
        return Ok(None);
    }
    if looks_like_recovery_code(typed) {
        for (row, phc) in store.recovery_codes(user.id).await? {
            if state.verify_secret(typed.to_owned(), phc).await?
                && store.use_recovery_code(row, state.now()).await?
            {
                return Ok(Some("recovery_code"));
            }
        }
    }
    Ok(None)
}

// -- Enrolment ---------------------------------------------------------------------------------

fn enrol_page(
    state: &AppState,
    pending: &Pending,
    secret: &TotpSecret,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let sealed = state
        .0
        .keyring
        .seal_secret(&pending_aad(pending.user.id), secret.as_bytes());
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

pub async fn enrol_page_get(State(state): State<AppState>, pending: Pending) -> Response {
    if pending.session.stage != SessionStage::Enrol {
        return Redirect::to("/sign-in/code").into_response();
    }
    enrol_page(
        &state,
        &pending,
        &TotpSecret::generate(),
        StatusCode::OK,
        None,
    )
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
) -> Response {
    if pending.session.stage != SessionStage::Enrol {
        return Redirect::to("/sign-in/code").into_response();
    }
    if !session::csrf_ok(&pending.session.csrf_token, &form.csrf_token) {
        return enrol_page(
            &state,
            &pending,
            &TotpSecret::generate(),
            StatusCode::FORBIDDEN,
            Some("desk-form-expired"),
        );
    }
    // The secret shown on the page comes back sealed; it opens only for this account.
    let secret = URL_SAFE_NO_PAD
        .decode(form.pending.as_bytes())
        .ok()
        .and_then(|b| {
            state
                .0
                .keyring
                .open_secret(&pending_aad(pending.user.id), &b)
                .ok()
        })
        .and_then(|plain| TotpSecret::from_bytes(&plain).ok());
    let Some(secret) = secret else {
        return enrol_page(
            &state,
            &pending,
            &TotpSecret::generate(),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("desk-form-expired"),
        );
    };
    if state.sign_in_limited(ip).await {
        return enrol_page(
            &state,
            &pending,
            &secret,
            StatusCode::TOO_MANY_REQUESTS,
            Some("desk-rate-limited"),
        );
    }
    let typed: String = form.code.chars().filter(char::is_ascii_digit).collect();
    let unix = u64::try_from(state.now().as_second()).unwrap_or(0);
    let Some(step) = secret.matching_step(&typed, unix) else {
        return enrol_page(
            &state,
            &pending,
            &secret,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("desk-enrol-code-wrong"),
        );
    };
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| recovery_code()).collect();
    let mut hashes = Vec::with_capacity(codes.len());
    for c in &codes {
        match state.hash_secret(c.clone()).await {
            Ok(h) => hashes.push(h),
            Err(e) => return internal(&e),
        }
    }
    let sealed = state
        .0
        .keyring
        .seal_secret(&totp_aad(pending.user.id), secret.as_bytes());
    let store = &state.0.store;
    let result = async {
        store
            .enrol_totp(pending.user.id, &sealed, &hashes, state.now())
            .await?;
        store.accept_totp_step(pending.user.id, step).await?;
        audit(&state, Some(pending.user.id), "auth.totp_enrolled", "").await;
        promote(&state, &pending, "totp_enrolment").await
    }
    .await;
    match result {
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
        Err(e) => internal(&e),
    }
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
) -> Response {
    if !session::csrf_ok(&desk.session.csrf_token, &form.csrf_token) {
        return super::forbidden(&state, desk.lang);
    }
    if let Err(e) = session::end(&state, &desk.session).await {
        return internal(&e);
    }
    audit(&state, Some(desk.user.id), "auth.sign_out", "").await;
    with_cookie(
        Redirect::to("/sign-in?done=signed-out").into_response(),
        session::clear_cookie(&state),
    )
}

// -- Setup links -------------------------------------------------------------------------------

async fn setup_target(
    state: &AppState,
    token: &str,
) -> Result<Option<(SetupPurpose, Option<Uuid>)>, ServiceError> {
    let digest = breachdesk_crypto::token_digest(token);
    let now = state.now();
    for purpose in [SetupPurpose::FirstAdmin, SetupPurpose::Account] {
        if let Some(user) = state
            .0
            .store
            .peek_setup_token(&digest, purpose, now)
            .await?
        {
            return Ok(Some((purpose, user)));
        }
    }
    Ok(None)
}

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
) -> Response {
    let lang = language_of(q.lang.as_deref(), &headers);
    let target = match setup_target(&state, &token).await {
        Ok(Some(t)) => t,
        Ok(None) => return setup_invalid(&state, lang),
        Err(e) => return internal(&e),
    };
    let (csrf, cookie) = csrf::token(&headers);
    let action = format!("/setup/{token}");
    let page = SetupPage {
        tr: tr(&state, lang),
        switch: language_links(&state.0.i18n, lang, &action),
        csrf,
        action,
        first_admin: target.0 == SetupPurpose::FirstAdmin,
        email: String::new(),
        name: String::new(),
        errors: Vec::new(),
    };
    crate::pages::html(StatusCode::OK, &page, cookie)
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
) -> Response {
    let lang = language_of(q.lang.as_deref(), &headers);
    let (purpose, user_id) = match setup_target(&state, &token).await {
        Ok(Some(t)) => t,
        Ok(None) => return setup_invalid(&state, lang),
        Err(e) => return internal(&e),
    };
    let first_admin = purpose == SetupPurpose::FirstAdmin;
    let existing = match user_id {
        Some(id) => match state.0.store.user_auth_by_id(id).await {
            Ok(Some(u)) => Some(u),
            Ok(None) => return setup_invalid(&state, lang),
            Err(e) => return internal(&e.into()),
        },
        None => None,
    };
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
        return crate::pages::html(StatusCode::UNPROCESSABLE_ENTITY, &page, cookie);
    }
    let hash = match state.hash_secret(form.password.clone()).await {
        Ok(h) => h,
        Err(e) => return internal(&e),
    };
    let store = &state.0.store;
    let now = state.now();
    let digest = breachdesk_crypto::token_digest(&token);
    let result: Result<Uuid, ServiceError> = async {
        // Claimed first: a link works once, even when two people race for it.
        if !store.take_setup_token(&digest, now).await? {
            return Err(ServiceError::NotFound);
        }
        let id = if let Some(u) = &existing {
            store.set_password(u.id, &hash).await?;
            store.reset_login_failures(u.id).await?;
            u.id
        } else {
            let (id, created) = store
                .ensure_user(&breachdesk_core::ports::NewUser {
                    id: Uuid::now_v7(),
                    email: email.clone(),
                    password_hash: hash,
                    created_at: now,
                })
                .await?;
            if !created {
                return Err(ServiceError::NotFound);
            }
            store.set_installation_admin(id).await?;
            id
        };
        if !name.is_empty() {
            store.set_display_name(id, &name).await?;
        }
        Ok(id)
    }
    .await;
    match result {
        Ok(id) => {
            audit(
                &state,
                Some(id),
                "account.setup",
                if first_admin {
                    "first_admin"
                } else {
                    "account"
                },
            )
            .await;
            tracing::info!(user_id = %id, first_admin, "account set up");
            Redirect::to(&format!("/sign-in?done=setup&lang={}", lang.as_str())).into_response()
        }
        Err(ServiceError::NotFound) => setup_invalid(&state, lang),
        Err(e) => internal(&e),
    }
}
