//! `/api/v1` for randomised coffee trials: programmes, joining, rounds (with a check
//! that a round re-runs from its seed), feedback and the report.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use signpost_domain::coffee::{CoffeeFeedback, CoffeeMember, Programme};
use signpost_services::people::coffee::{JoinInput, ProgrammeInput, ProgrammeView};
use signpost_services::people::coffee_rounds::{FeedbackInput, RoundCheck, RoundOutcome};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use signpost_domain::ids::ProgrammeId;

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(programmes, create))
        .routes(routes!(programme))
        .routes(routes!(join, leave))
        .routes(routes!(run_round))
        .routes(routes!(check_round))
        .routes(routes!(feedback))
}

#[utoipa::path(get, path = "/api/v1/coffee", tag = "coffee", responses((status = 200, body = Vec<Programme>), (status = 403, body = ErrorBody)))]
pub(crate) async fn programmes(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<Programme>>> {
    Ok(Json(s.app.programmes(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/coffee", tag = "coffee", request_body = ProgrammeInput,
    responses((status = 201, body = Programme), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<ProgrammeInput>,
) -> ApiResult<(StatusCode, Json<Programme>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_programme(&actor, input).await?)))
}

/// The programme as the reader sees it: their place and match, and for its organisers the report.
#[utoipa::path(get, path = "/api/v1/coffee/{id}", tag = "coffee", params(("id" = i64, Path)),
    responses((status = 200, body = ProgrammeView), (status = 404, body = ErrorBody)))]
pub(crate) async fn programme(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProgrammeId>,
) -> ApiResult<Json<ProgrammeView>> {
    Ok(Json(s.app.programme_view(&actor, id).await?))
}

/// Joins, or changes one's place (skip the next round, do-not-pair, a line about yourself).
#[utoipa::path(post, path = "/api/v1/coffee/{id}/participants", tag = "coffee", params(("id" = i64, Path)), request_body = JoinInput,
    responses((status = 200, body = CoffeeMember), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn join(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProgrammeId>,
    ApiJson(input): ApiJson<JoinInput>,
) -> ApiResult<Json<CoffeeMember>> {
    Ok(Json(s.app.join_programme(&actor, id, input).await?))
}

#[utoipa::path(delete, path = "/api/v1/coffee/{id}/participants", tag = "coffee", params(("id" = i64, Path)),
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub(crate) async fn leave(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProgrammeId>,
) -> ApiResult<StatusCode> {
    s.app.leave_programme(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Pairs the next round from a fresh seed and sends the introductions.
#[utoipa::path(post, path = "/api/v1/coffee/{id}/rounds", tag = "coffee", params(("id" = i64, Path)),
    responses((status = 201, body = RoundOutcome), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn run_round(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProgrammeId>,
) -> ApiResult<(StatusCode, Json<RoundOutcome>)> {
    Ok((StatusCode::CREATED, Json(s.app.run_round(&actor, id).await?)))
}

/// Re-runs a round from its recorded seed and inputs: an audit of the pairing.
#[utoipa::path(get, path = "/api/v1/coffee/{id}/rounds/{round_id}/check", tag = "coffee", params(("id" = i64, Path), ("round_id" = i64, Path)),
    responses((status = 200, body = RoundCheck), (status = 404, body = ErrorBody)))]
pub(crate) async fn check_round(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, round_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<RoundCheck>> {
    Ok(Json(s.app.check_round(&actor, ProgrammeId(id), round_id).await?))
}

#[utoipa::path(post, path = "/api/v1/coffee/{id}/rounds/{round_id}/feedback", tag = "coffee", params(("id" = i64, Path), ("round_id" = i64, Path)),
    request_body = FeedbackInput, responses((status = 200, body = CoffeeFeedback), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn feedback(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, round_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<FeedbackInput>,
) -> ApiResult<Json<CoffeeFeedback>> {
    Ok(Json(s.app.give_feedback(&actor, ProgrammeId(id), round_id, input).await?))
}
