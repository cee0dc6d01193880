//! `/api/v1/webhooks`: endpoints, their messages and delivery log, replay and rotation.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use signpost_domain::ids::EndpointId;
use signpost_domain::search::Page;
use signpost_domain::webhooks::{Attempt, Endpoint, Message};
use signpost_services::webhooks::{EndpointInput, event_types};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::accounts::PageParams;
use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, register))
        .routes(routes!(events))
        .routes(routes!(show, update, remove))
        .routes(routes!(rotate))
        .routes(routes!(messages))
        .routes(routes!(attempts))
        .routes(routes!(replay))
        .routes(routes!(allow_list, set_allow_list))
}

/// Addresses deliveries may go to although they are not public.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AllowListBody {
    /// Addresses and ranges, such as `10.20.0.0/16, 127.0.0.1`.
    allow_list: String,
}

#[utoipa::path(get, path = "/api/v1/webhook-allow-list", tag = "webhooks",
    responses((status = 200, body = AllowListBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn allow_list(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<AllowListBody>> {
    Ok(Json(AllowListBody { allow_list: s.app.webhook_allow_list_for(&actor).await?.to_text() }))
}

#[utoipa::path(put, path = "/api/v1/webhook-allow-list", tag = "webhooks", request_body = AllowListBody,
    responses((status = 200, body = AllowListBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn set_allow_list(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<AllowListBody>,
) -> ApiResult<Json<AllowListBody>> {
    let list = s.app.set_webhook_allow_list(&actor, &body.allow_list).await?;
    Ok(Json(AllowListBody { allow_list: list.to_text() }))
}

/// An event type Signpost sends.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventType {
    /// Its name, as in the payload's `type`.
    name: &'static str,
    /// What it means.
    description: &'static str,
}

#[utoipa::path(get, path = "/api/v1/webhooks/events", tag = "webhooks", responses((status = 200, body = Vec<EventType>)))]
pub(crate) async fn events(CurrentActor(_actor): CurrentActor) -> Json<Vec<EventType>> {
    Json(event_types().into_iter().map(|(name, description)| EventType { name, description }).collect())
}

#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", responses((status = 200, body = Vec<Endpoint>)))]
pub(crate) async fn list(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<Endpoint>>> {
    Ok(Json(s.app.webhooks(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = EndpointInput,
    responses((status = 201, body = Endpoint), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn register(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<EndpointInput>,
) -> ApiResult<(StatusCode, Json<Endpoint>)> {
    Ok((StatusCode::CREATED, Json(s.app.register_webhook(&actor, body).await?)))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = Endpoint), (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<EndpointId>,
) -> ApiResult<Json<Endpoint>> {
    Ok(Json(s.app.webhook(&actor, id).await?))
}

/// A change to an endpoint, against the version read.
#[derive(Debug, Deserialize, ToSchema)]
pub struct EndpointUpdate {
    /// The version the change was made against.
    version: i64,
    /// The address, description and events (`community_id` cannot change).
    #[serde(flatten)]
    endpoint: EndpointInput,
    /// Whether deliveries are made; absent leaves it as it is.
    #[serde(default)]
    enabled: Option<bool>,
}

#[utoipa::path(put, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)), request_body = EndpointUpdate,
    responses((status = 200, body = Endpoint), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<EndpointId>,
    ApiJson(body): ApiJson<EndpointUpdate>,
) -> ApiResult<Json<Endpoint>> {
    let mut saved = s.app.update_webhook(&actor, id, body.version, body.endpoint).await?;
    if let Some(enabled) = body.enabled.filter(|e| *e != saved.enabled) {
        saved = s.app.set_webhook_enabled(&actor, id, saved.version, enabled).await?;
    }
    Ok(Json(saved))
}

#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<EndpointId>,
) -> ApiResult<StatusCode> {
    s.app.delete_webhook(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The version a change was made against.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VersionBody {
    /// The endpoint's version as read.
    version: i64,
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate", tag = "webhooks", params(("id" = i64, Path)), request_body = VersionBody,
    responses((status = 200, body = Endpoint, description = "the new secret; the old one signs too for 24 hours"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn rotate(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<EndpointId>,
    ApiJson(body): ApiJson<VersionBody>,
) -> ApiResult<Json<Endpoint>> {
    Ok(Json(s.app.rotate_webhook_secret(&actor, id, body.version).await?))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}/messages", tag = "webhooks", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<Message>), (status = 404, body = ErrorBody)))]
pub(crate) async fn messages(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<EndpointId>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<Message>>> {
    Ok(Json(s.app.webhook_messages(&actor, id, p.offset, p.limit).await?))
}

#[utoipa::path(get, path = "/api/v1/webhooks/{id}/attempts", tag = "webhooks", params(("id" = i64, Path), PageParams),
    responses((status = 200, body = Page<Attempt>), (status = 404, body = ErrorBody)))]
pub(crate) async fn attempts(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<EndpointId>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<Attempt>>> {
    Ok(Json(s.app.webhook_attempts(&actor, id, p.offset, p.limit).await?))
}

#[utoipa::path(post, path = "/api/v1/webhooks/{id}/messages/{message_id}/replay", tag = "webhooks",
    params(("id" = i64, Path), ("message_id" = String, Path)),
    responses((status = 202, description = "queued to be sent again with the same webhook-id"), (status = 404, body = ErrorBody)))]
pub(crate) async fn replay(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, message_id)): ApiPath<(EndpointId, String)>,
) -> ApiResult<StatusCode> {
    s.app.replay_webhook(&actor, id, &message_id).await?;
    Ok(StatusCode::ACCEPTED)
}
