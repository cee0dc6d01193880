//! `/api/v1/leaver-plans` and `/api/v1/critical-knowledge`: securing knowledge from
//! movers and leavers, and the register of knowledge at risk.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use signpost_domain::retention::LeaverPlan;
use signpost_domain::risk::CriticalArea;
use signpost_services::leavers::{
    ActionInput, AreaInput, ExchangeLists, HandoverInput, OutputInput, PlanInput, PlanSummary, PlanView, ScoresInput,
};
use signpost_services::risk::{CriticalAreaInput, RiskRegister};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use signpost_domain::ids::{AssetId, PlanId};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plans, start))
        .routes(routes!(plan, update))
        .routes(routes!(accept))
        .routes(routes!(add_area))
        .routes(routes!(edit_area, remove_area))
        .routes(routes!(merge_areas))
        .routes(routes!(score))
        .routes(routes!(add_action))
        .routes(routes!(lists))
        .routes(routes!(done))
        .routes(routes!(output))
        .routes(routes!(handover))
        .routes(routes!(complete))
        .routes(routes!(register, add_area_at_risk))
        .routes(routes!(update_area_at_risk, remove_area_at_risk))
}

/// Whether an action is done.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoneInput {
    /// Done.
    pub done: bool,
}

/// A stored handover note and the plan after it.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredOutput {
    /// The handover note's asset id.
    #[schema(value_type = i64)]
    pub asset_id: AssetId,
    /// The plan.
    pub plan: LeaverPlan,
}

/// The plans the caller may see, soonest leaving date first.
#[utoipa::path(get, path = "/api/v1/leaver-plans", tag = "leavers", responses((status = 200, body = Vec<PlanSummary>), (status = 403, body = ErrorBody)))]
pub(crate) async fn plans(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<PlanSummary>>> {
    Ok(Json(s.app.plans(&actor).await?))
}

/// Starts a plan for someone leaving or moving (the person themselves or a specialist); the line manager named must accept.
#[utoipa::path(post, path = "/api/v1/leaver-plans", tag = "leavers", request_body = PlanInput,
    responses((status = 201, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn start(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<PlanInput>,
) -> ApiResult<(StatusCode, Json<LeaverPlan>)> {
    Ok((StatusCode::CREATED, Json(s.app.start_plan(&actor, input).await?)))
}

/// One plan: its six steps, progress, what the leaver still holds and what the caller may do.
#[utoipa::path(get, path = "/api/v1/leaver-plans/{id}", tag = "leavers", params(("id" = i64, Path)),
    responses((status = 200, body = PlanView), (status = 404, body = ErrorBody)))]
pub(crate) async fn plan(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<PlanId>,
) -> ApiResult<Json<PlanView>> {
    Ok(Json(s.app.plan_view(&actor, id).await?))
}

/// Changes the date, role and people (the line manager or a specialist).
#[utoipa::path(put, path = "/api/v1/leaver-plans/{id}", tag = "leavers", params(("id" = i64, Path)), request_body = PlanInput,
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(input): ApiJson<PlanInput>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.update_plan(&actor, id, input).await?))
}

/// The line manager named on the plan accepts the role.
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/accept", tag = "leavers", params(("id" = i64, Path)),
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn accept(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<PlanId>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.accept_manager(&actor, id).await?))
}

/// Adds a knowledge area: the leaver's own when the leaver adds it, otherwise the team's.
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/areas", tag = "leavers", params(("id" = i64, Path)), request_body = AreaInput,
    responses((status = 201, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn add_area(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(input): ApiJson<AreaInput>,
) -> ApiResult<(StatusCode, Json<LeaverPlan>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_area(&actor, id, input).await?)))
}

/// Rewords a knowledge area (whoever added it, or the line manager).
#[utoipa::path(put, path = "/api/v1/leaver-plans/{id}/areas/{area_id}", tag = "leavers",
    params(("id" = i64, Path), ("area_id" = i64, Path)), request_body = AreaInput,
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn edit_area(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, area_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<AreaInput>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.edit_area(&actor, PlanId(id), area_id, input).await?))
}

/// Removes a knowledge area and its actions, unless a handover note came from it.
#[utoipa::path(delete, path = "/api/v1/leaver-plans/{id}/areas/{area_id}", tag = "leavers",
    params(("id" = i64, Path), ("area_id" = i64, Path)),
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn remove_area(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, area_id)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.remove_area(&actor, PlanId(id), area_id).await?))
}

/// The area to fold into another.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MergeInput {
    /// The area that goes; its details, audience and actions move to the one in the path.
    from: i64,
}

/// Merges another knowledge area into this one.
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/areas/{area_id}/merge", tag = "leavers",
    params(("id" = i64, Path), ("area_id" = i64, Path)), request_body = MergeInput,
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn merge_areas(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, area_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<MergeInput>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.merge_areas(&actor, PlanId(id), area_id, input.from).await?))
}

/// Scores areas (each part 1 to 3) and, with `agree`, agrees the priorities (the line manager).
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/scores", tag = "leavers", params(("id" = i64, Path)), request_body = ScoresInput,
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn score(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(input): ApiJson<ScoresInput>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.score_areas(&actor, id, input).await?))
}

/// Chooses an action from the toolbox for an area, once the priorities are agreed.
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/areas/{area_id}/actions", tag = "leavers",
    params(("id" = i64, Path), ("area_id" = i64, Path)), request_body = ActionInput,
    responses((status = 201, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn add_action(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, area_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<ActionInput>,
) -> ApiResult<(StatusCode, Json<LeaverPlan>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_plan_action(&actor, PlanId(id), area_id, input).await?)))
}

/// Sets a knowledge exchange's two "top 10" lists.
#[utoipa::path(put, path = "/api/v1/leaver-plans/{id}/actions/{action_id}/lists", tag = "leavers",
    params(("id" = i64, Path), ("action_id" = i64, Path)), request_body = ExchangeLists,
    responses((status = 200, body = LeaverPlan), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn lists(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, action_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<ExchangeLists>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.set_exchange_lists(&actor, PlanId(id), action_id, input).await?))
}

/// Marks an action done or not done.
#[utoipa::path(put, path = "/api/v1/leaver-plans/{id}/actions/{action_id}/done", tag = "leavers",
    params(("id" = i64, Path), ("action_id" = i64, Path)), request_body = DoneInput,
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn done(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, action_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<DoneInput>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.set_plan_action_done(&actor, PlanId(id), action_id, input.done).await?))
}

/// Stores a handover note as an action's output: published for the team, owned by the successor.
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/actions/{action_id}/output", tag = "leavers",
    params(("id" = i64, Path), ("action_id" = i64, Path)), request_body = OutputInput,
    responses((status = 201, body = StoredOutput), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn output(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, action_id)): ApiPath<(i64, i64)>,
    ApiJson(input): ApiJson<OutputInput>,
) -> ApiResult<(StatusCode, Json<StoredOutput>)> {
    let (asset_id, plan) = s.app.record_plan_output(&actor, PlanId(id), action_id, input).await?;
    Ok((StatusCode::CREATED, Json(StoredOutput { asset_id, plan })))
}

/// Passes holdings on, all or none (the line manager or a specialist).
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/handover", tag = "leavers", params(("id" = i64, Path)), request_body = HandoverInput,
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn handover(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(input): ApiJson<HandoverInput>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.hand_over(&actor, id, input).await?))
}

/// Closes a plan once all six steps are done and nothing is left with the leaver.
#[utoipa::path(post, path = "/api/v1/leaver-plans/{id}/complete", tag = "leavers", params(("id" = i64, Path)),
    responses((status = 200, body = LeaverPlan), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn complete(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<PlanId>,
) -> ApiResult<Json<LeaverPlan>> {
    Ok(Json(s.app.complete_plan(&actor, id).await?))
}

/// The register of critical knowledge the caller may see, highest derived risk first, with reasons.
#[utoipa::path(get, path = "/api/v1/critical-knowledge", tag = "leavers", responses((status = 200, body = RiskRegister), (status = 403, body = ErrorBody)))]
pub(crate) async fn register(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<RiskRegister>> {
    Ok(Json(s.app.risk_register(&actor).await?))
}

/// Adds an area to the register (specialists, or staff for their own team and those beneath it).
#[utoipa::path(post, path = "/api/v1/critical-knowledge", tag = "leavers", request_body = CriticalAreaInput,
    responses((status = 201, body = CriticalArea), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn add_area_at_risk(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<CriticalAreaInput>,
) -> ApiResult<(StatusCode, Json<CriticalArea>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_critical_area(&actor, input).await?)))
}

/// Changes an area in the register.
#[utoipa::path(put, path = "/api/v1/critical-knowledge/{id}", tag = "leavers", params(("id" = i64, Path)), request_body = CriticalAreaInput,
    responses((status = 200, body = CriticalArea), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update_area_at_risk(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CriticalAreaInput>,
) -> ApiResult<Json<CriticalArea>> {
    Ok(Json(s.app.update_critical_area(&actor, id, input).await?))
}

/// Removes an area from the register.
#[utoipa::path(delete, path = "/api/v1/critical-knowledge/{id}", tag = "leavers", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_area_at_risk(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    s.app.remove_critical_area(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
