//! `/api/v1/sign-in-settings`: whether Signpost passwords work beside single sign-on
//! (administrators change it; the providers themselves are the operator's configuration).
use axum::Json;
use axum::extract::State;
use signpost_domain::sign_on::SignInSettings;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::ApiResult;
use crate::extract::ApiJson;

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in_settings, set_sign_in_settings))
}

/// Whether passwords work (administrators).
#[utoipa::path(get, path = "/api/v1/sign-in-settings", tag = "accounts",
    responses((status = 200, body = SignInSettings), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn sign_in_settings(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<SignInSettings>> {
    Ok(Json(s.app.sign_in_settings_for(&actor).await?))
}

/// Switches passwords on or off (administrators; off only while a provider is configured).
#[utoipa::path(put, path = "/api/v1/sign-in-settings", tag = "accounts", request_body = SignInSettings,
    responses((status = 200, body = SignInSettings), (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn set_sign_in_settings(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<SignInSettings>,
) -> ApiResult<Json<SignInSettings>> {
    Ok(Json(s.app.set_sign_in_settings(&actor, body).await?))
}
