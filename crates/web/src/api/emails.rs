//! `/api/v1/me/email-preferences`: what Signpost emails the caller, and how often.
use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use signpost_domain::notifications::{Category, EmailPreferences, Frequency};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::ApiResult;
use crate::extract::ApiJson;

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(email_preferences, set_email_preferences))
}

/// The caller's choice for every category (defaults where they made none).
#[utoipa::path(get, path = "/api/v1/me/email-preferences", tag = "accounts",
    responses((status = 200, body = EmailPreferences)))]
pub(crate) async fn email_preferences(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<EmailPreferences>> {
    Ok(Json(s.app.email_preferences(&actor).await?))
}

/// Changes the caller's choices for the categories given (`{"review_due": "weekly"}`).
#[utoipa::path(put, path = "/api/v1/me/email-preferences", tag = "accounts", request_body(content = Object),
    responses((status = 200, body = EmailPreferences)))]
pub(crate) async fn set_email_preferences(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<HashMap<Category, Frequency>>,
) -> ApiResult<Json<EmailPreferences>> {
    let choices: Vec<(Category, Frequency)> = body.into_iter().collect();
    Ok(Json(s.app.set_email_preferences(&actor, &choices).await?))
}
