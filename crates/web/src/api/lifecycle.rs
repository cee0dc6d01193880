//! The account life cycle: changing your password, a forgotten-password link and
//! choosing a password from one, invitations, and disabling and enabling accounts.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;
use signpost_domain::people::{NewUser, RevokedAccess, User};
use signpost_services::accounts::{PasswordChange, secret_hash};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{CurrentActor, session_secret};
use crate::client::ClientIp;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use signpost_domain::ids::UserId;

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(change_password))
        .routes(routes!(forgot_password))
        .routes(routes!(set_password))
        .routes(routes!(invite))
        .routes(routes!(resend_invitation))
        .routes(routes!(disable))
        .routes(routes!(enable))
}

/// Changes the caller's password; every other session of theirs ends (under a bearer
/// token, every session).
#[utoipa::path(post, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordChange,
    responses((status = 204), (status = 429, body = ErrorBody, description = "too many attempts; try again after Retry-After seconds")))]
pub(crate) async fn change_password(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    parts: Parts,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let keep = session_secret(&parts).map(|secret| secret_hash(&secret));
    s.app.change_password(&actor, body, keep.as_deref(), &client.to_string()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An address to send a reset link to.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPassword {
    /// The address the person signs in with.
    email: String,
}

/// Emails a link to choose a new password, if the address is an account's; the answer
/// is the same either way.
#[utoipa::path(post, path = "/api/v1/password/forgot", tag = "accounts", request_body = ForgotPassword, security(()),
    responses((status = 202, description = "sent, if the address has an account"), (status = 429, body = ErrorBody, description = "too many attempts; try again after Retry-After seconds")))]
pub(crate) async fn forgot_password(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<ForgotPassword>,
) -> ApiResult<StatusCode> {
    s.app.request_password_reset(&body.email, &client.to_string()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// A password chosen from an emailed link.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SetPassword {
    /// The `link` parameter of the emailed address.
    link: String,
    /// The new password.
    password: String,
}

/// Sets a password through an emailed link (a reset or an invitation), once; every
/// session of the person ends.
#[utoipa::path(post, path = "/api/v1/password/set", tag = "accounts", request_body = SetPassword, security(()),
    responses((status = 204)))]
pub(crate) async fn set_password(State(s): State<AppState>, ApiJson(body): ApiJson<SetPassword>) -> ApiResult<StatusCode> {
    s.app.set_password_by_link(&body.link, body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Creates an account and emails its person a link to choose their password (admins).
#[utoipa::path(post, path = "/api/v1/users/invitations", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = User)))]
pub(crate) async fn invite(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    Ok((StatusCode::CREATED, Json(s.app.invite_user(&actor, body).await?)))
}

/// Emails a fresh invitation to choose a password (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/invitation", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 202)))]
pub(crate) async fn resend_invitation(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<StatusCode> {
    s.app.resend_invitation(&actor, id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Disables an account (admins, not their own): it cannot sign in, and its sessions and
/// API tokens stop working at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 200, body = RevokedAccess)))]
pub(crate) async fn disable(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Json<RevokedAccess>> {
    Ok(Json(s.app.disable_user(&actor, id).await?))
}

/// Lets a disabled account sign in again (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "accounts", params(("id" = i64, Path)),
    responses((status = 204)))]
pub(crate) async fn enable(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<StatusCode> {
    s.app.enable_user(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
