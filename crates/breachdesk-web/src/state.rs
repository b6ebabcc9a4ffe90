//! What every handler shares: the application layer (`breachdesk_app::App`, which alone holds
//! the store, the keyring, the hasher and the clock), translations, the limits and mail settings.

use std::sync::Arc;

use breachdesk_core::clock::Clock;
use breachdesk_core::ports::Store;
use breachdesk_crypto::{Argon2Hasher, MasterKeyring};
use jiff::SignedDuration;

use crate::i18n::I18n;

/// Abuse limits of the public endpoints. Each is a configuration key of `breachdesk serve`.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Reports accepted per client IP address and minute; 0 switches the limit off (benchmarks,
    /// or when a proxy in front already limits).
    pub intake_per_minute: u32,
    /// Receipt-code attempts per client IP address and minute.
    pub follow_up_per_minute: u32,
    /// Wrong receipt codes from one address for one locator before that address must wait.
    pub max_receipt_failures: i64,
    /// The first wait after too many wrong codes; it doubles with each further one (at most a
    /// day). Other addresses — the reporter's — are not affected.
    pub receipt_lockout: SignedDuration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Longest time a request may take before it is answered with 408.
    pub request_timeout: std::time::Duration,
    /// Receipt codes hashed ahead of time, to absorb bursts of reports (0 = hash each inline).
    pub receipt_pool: usize,
    /// Largest attachment accepted, in bytes.
    pub max_attachment_bytes: usize,
    /// Sign-in attempts (password, code) per client IP address and minute.
    pub sign_in_per_minute: u32,
    /// Wrong passwords or codes for one account before it is locked.
    pub max_login_failures: i64,
    /// How long an account stays locked after too many failures.
    pub login_lockout: SignedDuration,
    /// A session unused this long ends.
    pub session_idle: SignedDuration,
    /// A session ends this long after sign-in, however busy.
    pub session_absolute: SignedDuration,
    /// Mark session cookies `Secure` (only ever sent over HTTPS; browsers also accept them from
    /// `http://localhost`). Switch off only behind a TLS-terminating proxy on a trusted network.
    pub secure_cookies: bool,
    /// Peers whose `X-Forwarded-For` / `Forwarded` header names the client for rate limits
    /// (`--trusted-proxy`); they are also exempt from the per-address connection limit.
    pub trusted_proxies: crate::client::TrustedProxies,
    /// Longest time from accepting a connection, or from the first byte of a later request, to
    /// the end of the request's headers. A connection that sends nothing is closed after it too.
    pub header_read_timeout: std::time::Duration,
    /// Longest a kept-alive connection may wait idle for its next request.
    pub keep_alive_timeout: std::time::Duration,
    /// Connections open at once; at the limit a new one replaces the idle connection nearest
    /// its timeout, and is closed only when every connection is handling a request.
    pub max_connections: usize,
    /// Connections open at once from one address, trusted proxies exempt (0 = no limit).
    pub max_connections_per_address: usize,
    /// `Strict-Transport-Security: max-age=…` on every response when set (HTTPS deployments).
    pub hsts_max_age: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            intake_per_minute: 30,
            follow_up_per_minute: 10,
            max_receipt_failures: 5,
            receipt_lockout: SignedDuration::from_hours(1),
            max_body_bytes: 256 * 1024,
            request_timeout: std::time::Duration::from_secs(30),
            receipt_pool: 256,
            max_attachment_bytes: 10 * 1024 * 1024,
            sign_in_per_minute: 10,
            max_login_failures: 5,
            login_lockout: SignedDuration::from_mins(15),
            session_idle: SignedDuration::from_mins(30),
            session_absolute: SignedDuration::from_hours(12),
            secure_cookies: true,
            trusted_proxies: crate::client::TrustedProxies::default(),
            header_read_timeout: std::time::Duration::from_secs(10),
            // Longer than a reverse proxy's usual pooled-connection idle time (nginx's upstream
            // `keepalive_timeout` is 60 s), so the proxy never reuses a connection we are closing.
            keep_alive_timeout: std::time::Duration::from_secs(75),
            // Below the usual soft limit of 1024 open files, which the store and mail share.
            max_connections: 512,
            max_connections_per_address: 64,
            hsts_max_age: None,
        }
    }
}

pub use breachdesk_app::MailSettings;

pub(crate) struct Inner {
    pub i18n: Arc<I18n>,
    pub limits: Limits,
    pub mail: MailSettings,
    /// The use cases that have moved to `breachdesk-app` (issue 19), over the same parts.
    pub app: breachdesk_app::App,
    /// Published notices (by `slug/reference`) and organisations' notice indexes (by slug),
    /// kept for a minute.
    pub notices: crate::public_cache::PublicCache<Option<PublishedNotice>>,
    pub indexes: crate::public_cache::PublicCache<Option<String>>,
}

/// A published notice as its pages need it.
pub(crate) type PublishedNotice = (
    breachdesk_notify::public::PublicNotice,
    breachdesk_notify::public::Publication,
);

/// Cheap to clone; one per server.
#[derive(Clone)]
pub struct AppState(pub(crate) Arc<Inner>);

/// The use cases already in `breachdesk-app` are called on the state as before.
impl std::ops::Deref for AppState {
    type Target = breachdesk_app::App;

    fn deref(&self) -> &Self::Target {
        &self.0.app
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("app", &self.0.app)
            .field("limits", &self.0.limits)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// After an approval: this server serves the organisation's notices and index afresh.
    pub(crate) fn forget_published(&self, slug: &str) {
        self.0.indexes.forget(slug);
        self.0.notices.forget_prefix(&format!("{slug}/"));
    }

    #[must_use]
    pub fn new(
        store: Arc<dyn Store>,
        keyring: MasterKeyring,
        hasher: Argon2Hasher,
        clock: Arc<dyn Clock>,
        limits: Limits,
    ) -> Self {
        let hasher = Arc::new(hasher);
        let keyring = Arc::new(keyring);
        let i18n = Arc::new(I18n::load());
        let app = breachdesk_app::App::with_intake(
            store,
            keyring,
            hasher,
            clock,
            MailSettings::default(),
            &breachdesk_app::IntakeSettings {
                receipt_pool: limits.receipt_pool,
                max_receipt_failures: limits.max_receipt_failures,
                receipt_lockout: limits.receipt_lockout,
            },
        )
        .with_texts(i18n.clone())
        .with_lock_out(breachdesk_app::sign_in::LockOut {
            max_failures: limits.max_login_failures,
            duration: limits.login_lockout,
        })
        .with_sessions(breachdesk_app::sessions::SessionSettings {
            idle: limits.session_idle,
            absolute: limits.session_absolute,
        });
        // Made now, not at the first unknown address (whose sign-in would then take longer).
        app.prepare_sign_in();
        Self(Arc::new(Inner {
            i18n,
            limits,
            mail: MailSettings::default(),
            app,
            notices: crate::public_cache::PublicCache::default(),
            indexes: crate::public_cache::PublicCache::default(),
        }))
    }

    /// Sets up outgoing mail. Call before the state is shared (before serving).
    #[must_use]
    pub fn with_mail(mut self, mail: MailSettings) -> Self {
        let inner =
            Arc::get_mut(&mut self.0).expect("mail is configured before the state is shared");
        inner.app.set_mail(mail.clone());
        inner.mail = mail;
        self
    }

    /// The application layer the handlers call.
    #[must_use]
    pub fn app(&self) -> &breachdesk_app::App {
        &self.0.app
    }

    /// Forgets the counters of clients that have been quiet, so they stay small.
    pub async fn prune_rate_limiters(&self) {
        if let Err(e) = self.0.app.prune_counters().await {
            tracing::warn!(error = %e, "pruning the attempt counters failed");
        }
    }
}
