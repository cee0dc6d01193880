//! Signpost's HTTP front end: the JSON API under `/api/v1`, its OpenAPI document,
//! health, readiness and metrics. Handlers extract, call one service, and render;
//! errors become JSON with a stable code in one place ([`error`]).
#![warn(missing_docs)]

pub mod api;
mod assets;
pub mod auth;
pub mod error;
pub mod extract;
pub mod openapi;
pub mod ops;
pub mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::routing::get;
use axum::{Router, middleware};
use signpost_services::Signpost;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::error::ApiError;

/// Largest request body accepted (a long asset with room to spare).
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub app: Signpost,
    /// Prometheus metrics.
    pub metrics: Arc<ops::Metrics>,
    /// Send cookies with `Secure` even when the request came over plain HTTP (behind a TLS proxy).
    pub force_secure_cookies: bool,
}

impl AppState {
    /// Whether cookies should be marked `Secure`: configured so, or the request arrived over HTTPS.
    pub fn secure_cookies(&self, headers: &HeaderMap) -> bool {
        self.force_secure_cookies || headers.get("x-forwarded-proto").is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
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
pub fn router(app: Signpost, force_secure_cookies: bool) -> Router {
    let metrics = Arc::new(ops::Metrics::default());
    let state = AppState { app, metrics: metrics.clone(), force_secure_cookies };
    let header = |name: &'static str, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value))
    };
    Router::new()
        .merge(pages::routes())
        .route("/static/{*path}", get(assets::file))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(ops::openapi))
        .nest("/api/v1", api::routes())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn_with_state(metrics, ops::track))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(header("x-frame-options", "DENY"))
        .layer(header("content-security-policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"))
        .with_state(state)
}

/// Serves the application on `listener` until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, app: Signpost, force_secure_cookies: bool) -> std::io::Result<()> {
    let router = router(app, force_secure_cookies);
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
