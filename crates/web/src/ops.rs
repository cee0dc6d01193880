//! Operations endpoints: `/healthz`, `/readyz`, `/metrics`, `/api/openapi.json`, and the landing page.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

/// The Prometheus metrics this node exports.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Histogram,
    index_lag: Gauge,
    index_docs: Gauge,
    embedded: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("signpost");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5]);
        let index_lag = Gauge::default();
        let index_docs = Gauge::default();
        let embedded = Gauge::default();
        registry.register("http_requests", "HTTP requests answered", requests.clone());
        registry.register("http_request_duration_seconds", "Time to answer HTTP requests", latency.clone());
        registry.register("index_changes_behind", "Change-log entries this node's index has not applied", index_lag.clone());
        registry.register("index_documents", "Assets in this node's search index", index_docs.clone());
        registry.register("embedded_documents", "Assets whose embedding this node holds (0 without a model)", embedded.clone());
        Metrics { registry, requests, latency, index_lag, index_docs, embedded }
    }
}

/// A request method as one of a fixed set of labels, so invented methods cannot grow the
/// metrics without bound.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts and times every request.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let response = next.run(request).await;
    metrics.requests.get_or_create(&RequestLabels { method, route, status: response.status().as_u16() }).inc();
    metrics.latency.observe(started.elapsed().as_secs_f64());
    response
}

pub(crate) async fn healthz() -> &'static str {
    "ok"
}

pub(crate) async fn readyz(State(s): State<AppState>) -> Response {
    match s.app.ready().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "the database is not answering").into_response()
        }
    }
}

/// Whether this request may read `/metrics`: with the configured bearer token, or, when
/// none is configured, over a direct connection from this machine with no proxy between.
fn may_read_metrics(s: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    match &s.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| crate::auth::constant_time_eq(given.as_bytes(), token.as_bytes())),
        None => {
            let proxied = ["forwarded", "x-forwarded-for", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
            peer.is_some_and(|p| p.ip().is_loopback()) && !proxied
        }
    }
}

pub(crate) async fn metrics(State(s): State<AppState>, ConnectInfo(peer): ConnectInfo<SocketAddr>, headers: HeaderMap) -> Response {
    if !may_read_metrics(&s, Some(peer), &headers) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    if let Ok(status) = s.app.index_status().await {
        s.metrics.index_lag.set(status.changes_behind);
        s.metrics.index_docs.set(i64::try_from(status.documents).unwrap_or(i64::MAX));
    }
    if let Some(status) = s.app.embedding_status() {
        s.metrics.embedded.set(i64::try_from(status.embedded).unwrap_or(i64::MAX));
    }
    let mut body = String::new();
    if prometheus_client::encoding::text::encode(&mut body, &s.metrics.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body).into_response()
}

pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], crate::openapi::document()).into_response()
}
