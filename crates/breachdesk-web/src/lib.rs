//! The HTTP face of `BreachDesk` (axum).
//!
//! * `pages` — the public report form `/report/{slug}` and `/follow-up`, in fi/sv/en, no
//!   JavaScript, CSRF-protected;
//! * `api` — the JSON API under `/api/v1` with its `OpenAPI` document;
//! * `service` — the use cases both of them call;
//! * this module — the router, security headers, limits, timeouts, tracing and graceful serve.
//!
//! Handlers never see SQL or keys: they call the core's ports through [`AppState`].

pub mod api;
mod client;
mod desk;
pub mod i18n;
mod page;
mod pages;
mod public_cache;
mod server;
mod service;
mod state;

use std::future::Future;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

pub use crate::client::{BadIpRange, IpRange, TrustedProxies};
pub use crate::state::{AppState, Limits, MailSettings};

/// Content Security Policy of every response: our own stylesheet and forms, nothing else — no
/// scripts at all, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The whole application.
pub fn router(state: AppState) -> Router {
    let limits = state.0.limits.clone();
    let secure_cookies = limits.secure_cookies;
    let headers: [(HeaderName, &'static str); 6] = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ];
    let mut app = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(api::routes())
        .merge(pages::routes())
        .merge(desk::routes(limits.max_attachment_bytes))
        .fallback(not_found)
        .with_state(state)
        // The CSRF cookie's name and flags follow `secure_cookies` (see `pages::csrf`).
        .layer(axum::middleware::from_fn(
            move |req: Request, next: axum::middleware::Next| {
                pages::csrf::with_secure_cookies(secure_cookies, next.run(req))
            },
        ))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        // Pages and answers carry personal data or receipt codes: never cache them.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        // Every response gets the strict policy; a handler may only set a stricter one (the
        // attachment download adds `sandbox`).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ));
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    // Only an HTTPS deployment may promise browsers HTTPS for the time to come.
    if let Some(max_age) = limits.hsts_max_age {
        app = app.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::try_from(format!("max-age={max_age}")).expect("ASCII digits"),
        ));
    }
    app.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        limits.request_timeout,
    ))
    // Spans carry the method and the route template, never the path, query, client address
    // or user agent.
    .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or("unmatched", MatchedPath::as_str);
        tracing::info_span!("http", method = %req.method(), route = %route)
    }))
}

/// Liveness (`breachdesk_app::health`): the database answers reads, and the writer is not known
/// to be broken (after a storage fault, a real write must commit).
async fn healthz(State(state): State<AppState>) -> Response {
    health_response(state.app().liveness().await)
}

/// Readiness for load balancers: can this instance durably store a report right now? Always a
/// real, fsynced write.
async fn readyz(State(state): State<AppState>) -> Response {
    health_response(state.app().readiness().await)
}

fn health_response(health: breachdesk_app::health::Health) -> Response {
    use breachdesk_app::health::Health;
    match health {
        Health::Ok => (StatusCode::OK, "ok\n").into_response(),
        Health::Unavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
        Health::WriterFault(fault) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("writer unavailable: {fault}\n"),
        )
            .into_response(),
    }
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        api::error::ApiError::NotFound.into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Not found / Sivua ei löydy / Sidan hittades inte\n",
        )
            .into_response()
    }
}

/// Serves until `shutdown` completes, then finishes the requests in flight. Binds nothing
/// itself: the caller passes a listener (tests use port 0). Connections are timed and limited as
/// `Limits` says (`server.rs`); handlers get the peer as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let pruner = {
        let state = state.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_mins(1));
            loop {
                tick.tick().await;
                state.prune_rate_limiters().await;
            }
        })
    };
    let settings = server::Settings::from(&state.0.limits);
    let result = server::run(listener, router(state), settings, shutdown).await;
    pruner.abort();
    result
}
