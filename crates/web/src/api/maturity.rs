//! `/api/v1/maturity`: maturity models, teams' self-assessments, the comparison views'
//! figures, and assessments as XLSX in and out.
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use signpost_domain::maturity::{Assessment, MaturityModel};
use signpost_services::maturity::{AssessmentInput, MaturityOverview};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(models, load_model))
        .routes(routes!(overview))
        .routes(routes!(export))
        .routes(routes!(record))
        .routes(routes!(import))
        .routes(routes!(assessment))
}

/// The shipped models and the organisation's own.
#[utoipa::path(get, path = "/api/v1/maturity/models", tag = "maturity", responses((status = 200, body = Vec<MaturityModel>), (status = 403, body = ErrorBody)))]
pub(crate) async fn models(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<MaturityModel>>> {
    Ok(Json(s.app.maturity_models(&actor).await?))
}

/// Loads or replaces one of the organisation's own models (knowledge specialists and admins).
#[utoipa::path(post, path = "/api/v1/maturity/models", tag = "maturity", request_body = MaturityModel,
    responses((status = 201, body = MaturityModel), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn load_model(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(model): ApiJson<MaturityModel>,
) -> ApiResult<(StatusCode, Json<MaturityModel>)> {
    Ok((StatusCode::CREATED, Json(s.app.load_model(&actor, model).await?)))
}

/// A model with every team's latest assessment, its history and who could help whom.
#[utoipa::path(get, path = "/api/v1/maturity/models/{key}", tag = "maturity", params(("key" = String, Path)),
    responses((status = 200, body = MaturityOverview), (status = 404, body = ErrorBody)))]
pub(crate) async fn overview(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(key): ApiPath<String>,
) -> ApiResult<Json<MaturityOverview>> {
    Ok(Json(s.app.maturity_overview(&actor, &key).await?))
}

/// Every assessment against a model as an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/maturity/models/{key}/assessments.xlsx", tag = "maturity", params(("key" = String, Path)),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub(crate) async fn export(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(key): ApiPath<String>,
) -> ApiResult<impl IntoResponse> {
    let bytes = s.app.export_assessments(&actor, &key, None).await?;
    Ok(([(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")], bytes))
}

/// Records a team's assessment.
#[utoipa::path(post, path = "/api/v1/maturity/assessments", tag = "maturity", request_body = AssessmentInput,
    responses((status = 201, body = Assessment), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn record(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<AssessmentInput>,
) -> ApiResult<(StatusCode, Json<Assessment>)> {
    Ok((StatusCode::CREATED, Json(s.app.record_assessment(&actor, input).await?)))
}

/// Imports the assessments in an XLSX workbook (the body), all or none.
#[utoipa::path(post, path = "/api/v1/maturity/assessments/import", tag = "maturity",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 201, body = Vec<Assessment>), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn import(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Vec<Assessment>>)> {
    Ok((StatusCode::CREATED, Json(s.app.import_assessments(&actor, &body).await?)))
}

/// One assessment.
#[utoipa::path(get, path = "/api/v1/maturity/assessments/{id}", tag = "maturity", params(("id" = i64, Path)),
    responses((status = 200, body = Assessment), (status = 404, body = ErrorBody)))]
pub(crate) async fn assessment(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Assessment>> {
    Ok(Json(s.app.assessment(&actor, id).await?))
}
