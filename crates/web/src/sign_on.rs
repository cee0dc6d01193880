//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0): a provider posts a
//! signed logout token when someone signs out there, and Signpost ends the sessions it
//! names. Server to server, so no session or CSRF token: the token's signature is the proof.
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use signpost_services::ServiceError;

use crate::AppState;
use crate::extract::ApiPath;
use crate::pages::extract::PublicForm;

/// The form a provider posts.
#[derive(Deserialize)]
pub struct LogoutForm {
    logout_token: String,
}

/// `POST /sign-in/sso/{key}/logout`: 200 once the sessions are ended, 400 for a token refused.
/// The token's signature is its CSRF protection: a form from anyone else ends nothing.
pub async fn backchannel_logout(
    State(s): State<AppState>,
    ApiPath(key): ApiPath<String>,
    PublicForm(f): PublicForm<LogoutForm>,
) -> Response {
    let no_store = [(header::CACHE_CONTROL, "no-store")];
    match s.app.provider_logout(&key, &f.logout_token).await {
        Ok(_) => (StatusCode::OK, no_store).into_response(),
        Err(ServiceError::NotFound(_)) => (StatusCode::NOT_FOUND, no_store).into_response(),
        Err(ServiceError::Unavailable(m)) => (StatusCode::SERVICE_UNAVAILABLE, no_store, m).into_response(),
        Err(ServiceError::Unauthenticated(_)) => {
            let body = serde_json::json!({"error": "invalid_request", "error_description": "the logout token was refused"});
            (StatusCode::BAD_REQUEST, no_store, axum::Json(body)).into_response()
        }
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}
