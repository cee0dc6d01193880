//! `/api/v1/assets`: create, read, list, change, publish, verify, archive, history, diff, restore.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::assets::{Asset, Status, VersionEntry};
use signpost_domain::fields::AssetKind;
use signpost_domain::ports::AssetQuery;
use signpost_domain::search::Page;
use signpost_services::assets::{AssetInput, AssetView, ReviewScope, VersionDiff};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::api::accounts::PageParams;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, OptionalJson};
use signpost_domain::ids::{AssetId, TeamId, UserId};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show, update))
        .routes(routes!(publish))
        .routes(routes!(verify))
        .routes(routes!(archive))
        .routes(routes!(restore))
        .routes(routes!(history))
        .routes(routes!(diff))
        .routes(routes!(reviews))
}

/// Filters for listing assets.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this kind.
    kind: Option<AssetKind>,
    /// Only this status.
    status: Option<Status>,
    /// Only this team.
    #[param(value_type = Option<i64>)]
    team_id: Option<TeamId>,
    /// Only this owner.
    #[param(value_type = Option<i64>)]
    owner_id: Option<UserId>,
    /// Only assets with this tag.
    tag: Option<String>,
    /// Items to skip.
    #[serde(default)]
    offset: i64,
    /// Page size, 1 to 100.
    #[serde(default = "default_limit")]
    limit: i64,
}

pub(crate) fn default_limit() -> i64 {
    20
}

#[utoipa::path(get, path = "/api/v1/assets", tag = "assets", params(ListParams),
    responses((status = 200, body = Page<Asset>), (status = 422, body = ErrorBody)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<Page<Asset>>> {
    let q = AssetQuery {
        kind: p.kind,
        status: p.status,
        team_id: p.team_id,
        owner_id: p.owner_id,
        tag: p.tag,
        review_due_before: None,
        ids: None,
        offset: p.offset,
        limit: p.limit,
    };
    Ok(Json(s.app.list_assets(&actor, q).await?))
}

#[utoipa::path(post, path = "/api/v1/assets", tag = "assets", request_body = AssetInput,
    responses((status = 201, body = AssetView), (status = 422, body = ErrorBody, description = "invalid input, or an NHS number in content being published")))]
pub(crate) async fn create(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<AssetInput>,
) -> ApiResult<(StatusCode, Json<AssetView>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_asset(&actor, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, body = AssetView), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
) -> ApiResult<Json<AssetView>> {
    Ok(Json(s.app.asset(&actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/assets/{id}", tag = "assets", params(("id" = i64, Path)), request_body = AssetInput,
    responses((status = 200, body = AssetView), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    ApiJson(input): ApiJson<AssetInput>,
) -> ApiResult<Json<AssetView>> {
    Ok(Json(s.app.update_asset(&actor, id, input).await?))
}

/// A reason or note that goes with an action.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionNote {
    /// For publish: a knowledge specialist's reason to publish despite a probable NHS number.
    #[serde(default)]
    override_reason: Option<String>,
    /// For verify and archive: a note kept in the history.
    #[serde(default)]
    note: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/assets/{id}/publish", tag = "assets", params(("id" = i64, Path)), request_body = ActionNote,
    responses((status = 200, body = AssetView), (status = 422, body = ErrorBody)))]
pub(crate) async fn publish(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    OptionalJson(note): OptionalJson<ActionNote>,
) -> ApiResult<Json<AssetView>> {
    Ok(Json(s.app.publish_asset(&actor, id, note.override_reason.as_deref()).await?))
}

#[utoipa::path(post, path = "/api/v1/assets/{id}/verify", tag = "assets", params(("id" = i64, Path)), request_body = ActionNote,
    responses((status = 200, body = AssetView), (status = 409, body = ErrorBody)))]
pub(crate) async fn verify(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    OptionalJson(note): OptionalJson<ActionNote>,
) -> ApiResult<Json<AssetView>> {
    Ok(Json(s.app.verify_asset(&actor, id, note.note.as_deref().unwrap_or_default()).await?))
}

#[utoipa::path(post, path = "/api/v1/assets/{id}/archive", tag = "assets", params(("id" = i64, Path)), request_body = ActionNote,
    responses((status = 200, body = AssetView), (status = 409, body = ErrorBody)))]
pub(crate) async fn archive(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    OptionalJson(note): OptionalJson<ActionNote>,
) -> ApiResult<Json<AssetView>> {
    Ok(Json(s.app.archive_asset(&actor, id, note.note.as_deref().unwrap_or_default()).await?))
}

/// Which version to bring back.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    /// The version number.
    version: i64,
    /// A knowledge specialist's reason, if the restored text holds a probable NHS number.
    #[serde(default)]
    override_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/assets/{id}/restore", tag = "assets", params(("id" = i64, Path)), request_body = RestoreRequest,
    responses((status = 200, body = AssetView), (status = 404, body = ErrorBody)))]
pub(crate) async fn restore(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    ApiJson(r): ApiJson<RestoreRequest>,
) -> ApiResult<Json<AssetView>> {
    Ok(Json(s.app.restore_asset(&actor, id, r.version, r.override_reason.as_deref()).await?))
}

/// A page of the asset's history, newest first. Versions the caller could not have read
/// then are listed with `readable: false` and no note, and cannot be compared.
#[utoipa::path(get, path = "/api/v1/assets/{id}/history", tag = "assets", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<VersionEntry>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn history(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<VersionEntry>>> {
    Ok(Json(s.app.asset_history(&actor, id, p.offset, p.limit).await?))
}

/// The two versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// Older version.
    from: i64,
    /// Newer version.
    to: i64,
}

#[utoipa::path(get, path = "/api/v1/assets/{id}/diff", tag = "assets", params(("id" = i64, Path), DiffParams),
    responses((status = 200, body = VersionDiff), (status = 404, body = ErrorBody)))]
pub(crate) async fn diff(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    ApiQuery(p): ApiQuery<DiffParams>,
) -> ApiResult<Json<VersionDiff>> {
    Ok(Json(s.app.asset_diff(&actor, id, p.from, p.to).await?))
}

/// Which review queue.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewParams {
    /// A team's queue; without it, the caller's own.
    #[param(value_type = Option<i64>)]
    team_id: Option<TeamId>,
    /// Items to skip.
    #[serde(default)]
    offset: i64,
    /// Page size, 1 to 100.
    #[serde(default = "default_limit")]
    limit: i64,
}

#[utoipa::path(get, path = "/api/v1/reviews", tag = "assets", params(ReviewParams),
    responses((status = 200, body = Page<Asset>, description = "published assets due for review within 30 days, soonest first")))]
pub(crate) async fn reviews(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<ReviewParams>,
) -> ApiResult<Json<Page<Asset>>> {
    let scope = p.team_id.map_or(ReviewScope::Mine, ReviewScope::Team);
    Ok(Json(s.app.review_queue(&actor, scope, p.offset, p.limit).await?))
}
