//! `/api/v1/techniques`: the technique catalogue.
use axum::Json;
use axum::extract::State;
use signpost_domain::techniques::Technique;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(show, save))
}

#[utoipa::path(get, path = "/api/v1/techniques", tag = "learning", responses((status = 200, body = Vec<Technique>)))]
pub(crate) async fn list(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<Technique>>> {
    Ok(Json(s.app.techniques(&actor).await?))
}

#[utoipa::path(get, path = "/api/v1/techniques/{key}", tag = "learning", params(("key" = String, Path)),
    responses((status = 200, body = Technique), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(key): ApiPath<String>,
) -> ApiResult<Json<Technique>> {
    Ok(Json(s.app.technique(&actor, &key).await?))
}

/// The key in the path names the technique; a different key in the body is ignored.
#[utoipa::path(put, path = "/api/v1/techniques/{key}", tag = "learning", params(("key" = String, Path)), request_body = Technique,
    responses((status = 200, body = Technique), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn save(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(key): ApiPath<String>,
    ApiJson(mut technique): ApiJson<Technique>,
) -> ApiResult<Json<Technique>> {
    technique.key = key;
    Ok(Json(s.app.save_technique(&actor, technique).await?))
}
