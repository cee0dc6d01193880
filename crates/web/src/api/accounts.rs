//! `/api/v1/session`, `/me`, `/users`, `/teams`, `/tokens`.
use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use signpost_domain::people::{ApiToken, NewUser, RevokedAccess, Role, Team, TeamKind, User};
use signpost_domain::search::Page;
use signpost_services::accounts::{CreatedToken, UserUpdate};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::assets::default_limit;
use crate::AppState;
use crate::auth::{CurrentActor, session_cookie, session_secret};
use crate::client::ClientIp;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use signpost_domain::ids::{TeamId, UserId};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, sign_out))
        .routes(routes!(me))
        .routes(routes!(users, create_user))
        .routes(routes!(user, update_user))
        .routes(routes!(set_role))
        .routes(routes!(revoke_access))
        .routes(routes!(teams, create_team))
        .routes(routes!(tokens, create_token))
        .routes(routes!(revoke_token))
}

/// Email and password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignIn {
    /// Email address.
    email: String,
    /// Password.
    password: String,
}

/// A new session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionInfo {
    /// Who signed in.
    user: User,
    /// Send this as `X-CSRF-Token` with every change made under the session cookie.
    csrf_token: String,
}

#[utoipa::path(post, path = "/api/v1/session", tag = "accounts", request_body = SignIn,
    responses((status = 200, body = SessionInfo, description = "sets the HttpOnly session cookie"), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(crate) async fn sign_in(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignIn>,
) -> ApiResult<Response> {
    let session = s.app.sign_in(&body.email, &body.password, &client.to_string()).await?;
    let cookie = session_cookie(Some(&session.secret), s.secure_cookies(&headers));
    let mut response = Json(SessionInfo { user: session.user, csrf_token: session.csrf_token }).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "accounts", responses((status = 204)))]
pub(crate) async fn sign_out(State(s): State<AppState>, parts: Parts) -> ApiResult<Response> {
    let secure = s.secure_cookies(&parts.headers);
    if let Some(secret) = session_secret(&parts) {
        s.app.sign_out(&secret).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(None, secure));
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = User), (status = 401, body = ErrorBody)))]
pub(crate) async fn me(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<User>> {
    Ok(Json(s.app.user(&actor, actor.user_id).await?))
}

/// Paging.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items to skip.
    #[serde(default)]
    pub offset: i64,
    /// Page size, 1 to 100.
    #[serde(default = "default_limit")]
    pub limit: i64,
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", params(PageParams), responses((status = 200, body = Page<User>)))]
pub(crate) async fn users(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<User>>> {
    Ok(Json(s.app.users(&actor, p.offset, p.limit).await?))
}

/// A new user and, optionally, their first password.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateUser {
    /// The person.
    #[serde(flatten)]
    user: NewUser,
    /// At least 12 characters.
    #[serde(default)]
    password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = CreateUser,
    responses((status = 201, body = User), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_user(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_user(Some(&actor), body.user, body.password).await?)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", params(("id" = i64, Path)), responses((status = 200, body = User), (status = 404, body = ErrorBody)))]
pub(crate) async fn user(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.app.user(&actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "accounts", params(("id" = i64, Path)), request_body = UserUpdate,
    responses((status = 200, body = User), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update_user(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<UserUpdate>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.app.update_user(&actor, id, body).await?))
}

/// A role to give.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RoleChange {
    /// The new role.
    role: Role,
}

#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "accounts", params(("id" = i64, Path)), request_body = RoleChange,
    responses((status = 200, body = User), (status = 403, body = ErrorBody)))]
pub(crate) async fn set_role(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<RoleChange>,
) -> ApiResult<Json<User>> {
    Ok(Json(s.app.set_role(&actor, id, body.role).await?))
}

/// Revokes every API token of the person and ends all their browser sessions (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/revoke-access", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = RevokedAccess), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_access(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Json<RevokedAccess>> {
    Ok(Json(s.app.revoke_access(&actor, id).await?))
}

#[utoipa::path(get, path = "/api/v1/teams", tag = "accounts", responses((status = 200, body = Vec<Team>)))]
pub(crate) async fn teams(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<Team>>> {
    Ok(Json(s.app.teams(&actor).await?))
}

/// A new team.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateTeam {
    /// Name, unique.
    name: String,
    /// Level.
    kind: TeamKind,
    /// The team above (none for the organisation).
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    parent_id: Option<TeamId>,
}

#[utoipa::path(post, path = "/api/v1/teams", tag = "accounts", request_body = CreateTeam,
    responses((status = 201, body = Team), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_team(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<CreateTeam>,
) -> ApiResult<(StatusCode, Json<Team>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_team(Some(&actor), &body.name, body.kind, body.parent_id).await?)))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = Vec<ApiToken>)))]
pub(crate) async fn tokens(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(s.app.tokens(&actor).await?))
}

/// A label for a new token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateToken {
    /// What it is for, e.g. "reporting script".
    name: String,
    /// The last day it works, `YYYY-MM-DD`; without it the token works until revoked.
    #[serde(default)]
    expires_on: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = CreateToken,
    responses((status = 201, body = CreatedToken, description = "the secret is shown once")))]
pub(crate) async fn create_token(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<CreateToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_expiring_token(&actor, &body.name, body.expires_on.as_deref()).await?)))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", params(("id" = i64, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_token(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    s.app.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
