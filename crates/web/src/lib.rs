//! Signpost's HTTP front end: the JSON API under `/api/v1`, its OpenAPI document,
//! health, readiness and metrics. Handlers extract, call one service, and render;
//! errors become JSON with a stable code in one place ([`error`]).
#![warn(missing_docs)]

pub mod api;
mod assets;
pub mod auth;
pub mod client;
pub mod error;
pub mod extract;
mod feeds;
mod guard;
pub mod openapi;
pub mod ops;
pub mod pages;
pub mod scim;
mod server;
mod sign_on;
mod unsubscribe;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::routing::get;
use axum::{Router, middleware};
use ipnet::IpNet;
use signpost_services::Signpost;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;

/// Largest request body accepted (a long asset with room to spare).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// How the web front end is set up; the defaults suit one server reached directly.
#[derive(Clone, Debug, Default)]
pub struct WebConfig {
    /// Send cookies with `Secure` (and HSTS) even when the request came over plain HTTP (behind a TLS proxy).
    pub force_secure_cookies: bool,
    /// The bearer token `/metrics` asks for. Without one, only a direct connection from
    /// this machine, with no proxy in between, may read it.
    pub metrics_token: Option<String>,
    /// Proxies whose `X-Forwarded-For` and `Forwarded` headers say who the client is.
    pub trusted_proxies: Vec<IpNet>,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub app: Signpost,
    /// Prometheus metrics.
    pub metrics: Arc<ops::Metrics>,
    /// Send cookies with `Secure` even when the request came over plain HTTP (behind a TLS proxy).
    pub force_secure_cookies: bool,
    /// The bearer token `/metrics` asks for, if one is set.
    pub metrics_token: Option<Arc<str>>,
    /// Proxies trusted to say who the client is.
    pub trusted_proxies: Arc<[IpNet]>,
}

impl AppState {
    /// Whether cookies should be marked `Secure`: configured so, or the request arrived over HTTPS.
    pub fn secure_cookies(&self, headers: &HeaderMap) -> bool {
        self.force_secure_cookies || headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
    }

    /// Where this server is, for whole links that leave the browser (printouts, SCIM
    /// locations): the public URL when set, else the scheme and Host of the request.
    pub fn site_url(&self, headers: &HeaderMap) -> String {
        if let Some(url) = self.app.public_url() {
            return url.to_string();
        }
        let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        let scheme = if self.secure_cookies(headers) { "https" } else { "http" };
        format!("{scheme}://{host}")
    }
}

/// Unknown addresses: a JSON error under `/api/`, an NHS-styled page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "there is nothing at this address").into_response()
    } else {
        pages::error_page(StatusCode::NOT_FOUND, None)
    }
}

/// The whole application as one router.
pub fn router(app: Signpost, config: &WebConfig) -> Router {
    let metrics = Arc::new(ops::Metrics::default());
    let state = AppState {
        app,
        metrics: metrics.clone(),
        force_secure_cookies: config.force_secure_cookies,
        metrics_token: config.metrics_token.as_deref().map(Arc::from),
        trusted_proxies: config.trusted_proxies.clone().into(),
    };
    // Signing out of Signpost goes on to sign out at the provider, and browsers hold a
    // form's redirects to its form-action: so the providers' sites are allowed there.
    let origins: String = state.app.sign_on_origins().iter().map(|o| format!(" {o}")).collect();
    let csp = HeaderValue::from_str(&format!("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'{origins}"))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"));
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    Router::new()
        .merge(pages::pages().into_router())
        .merge(feeds::routes())
        .route("/static/{*path}", get(assets::file))
        .route("/unsubscribe/{token}", get(unsubscribe::confirm).post(unsubscribe::unsubscribe))
        .route("/sign-in/sso/{key}/logout", axum::routing::post(sign_on::backchannel_logout))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(ops::openapi))
        .merge(axum::Router::from(api::routes()))
        .nest("/scim/v2", scim::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(guard::reject_nul))
        .layer(middleware::from_fn_with_state(state.clone(), guard::strict_transport))
        .layer(middleware::from_fn_with_state(metrics, ops::track))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(header("x-frame-options", "DENY"))
        .layer(SetResponseHeaderLayer::if_not_present(HeaderName::from_static("content-security-policy"), csp))
        .with_state(state)
}

/// Serves the application on `listener` until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, app: Signpost, config: WebConfig) -> std::io::Result<()> {
    server::run(listener, router(app, &config)).await
}
