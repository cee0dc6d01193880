//! What operators and browsers rely on: health, readiness, metrics, the landing
//! page, security headers and the OpenAPI document, served by the real server.
use crate::common;

use common::{Backend, TestApp};
use reqwest::StatusCode;

on_both_backends!(health_readiness_metrics_and_security_headers_answer);

async fn health_readiness_metrics_and_security_headers_answer(backend: Backend) {
    let t = TestApp::spawn(backend).await;
    let get = |path: &str| t.client.get(format!("{}{path}", t.base)).send();
    assert_eq!(get("/healthz").await.unwrap().text().await.unwrap(), "ok");
    assert_eq!(get("/readyz").await.unwrap().status(), StatusCode::OK);
    let home = get("/").await.unwrap();
    assert_eq!(home.headers()["x-content-type-options"], "nosniff");
    assert!(home.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert!(home.text().await.unwrap().contains("Signpost"));
    let doc: serde_json::Value = get("/api/openapi.json").await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    t.get("alice", "/api/v1/search?q=flu").await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    assert!(metrics.contains("signpost_http_requests_total{method=\"GET\",route=\"/api/v1/search\",status=\"200\"} 1"), "{metrics}");
    assert!(metrics.contains("signpost_index_changes_behind"), "{metrics}");
}
