//! `/api/v1/questions/…`: rewording one's own question, answer or comment (the earlier
//! wording is kept), and taking one down (its author, or a moderator with a reason).
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use signpost_domain::communities::{Answer, Comment, Post, Question};
use signpost_services::ServiceError;
use signpost_services::people::posts::{EditInput, PostRef, RemovalInput};
use signpost_services::people::questions::QuestionInput;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use signpost_domain::ids::{AnswerId, QuestionId};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(edit_answer))
        .routes(routes!(edit_comment))
        .routes(routes!(remove_question))
        .routes(routes!(remove_answer))
        .routes(routes!(remove_comment))
}

/// Rewords the caller's own question.
#[utoipa::path(put, path = "/api/v1/questions/{id}", tag = "people", params(("id" = i64, Path)), request_body = QuestionInput,
    responses((status = 200, body = Question), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn edit_question(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<QuestionId>,
    ApiJson(input): ApiJson<QuestionInput>,
) -> ApiResult<Json<Question>> {
    Ok(Json(s.app.edit_question(&actor, id, input).await?))
}

/// Rewords the caller's own answer.
#[utoipa::path(put, path = "/api/v1/questions/{id}/answers/{answer_id}", tag = "people", params(("id" = i64, Path), ("answer_id" = i64, Path)),
    request_body = EditInput,
    responses((status = 200, body = Answer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn edit_answer(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, answer_id)): ApiPath<(QuestionId, AnswerId)>,
    ApiJson(input): ApiJson<EditInput>,
) -> ApiResult<Json<Answer>> {
    match s.app.edit_post(&actor, id, PostRef::Answer(answer_id), &input.body).await? {
        Post::Answer(a) => Ok(Json(a)),
        _ => Err(ServiceError::NotFound("the answer".into()).into()),
    }
}

/// Rewords the caller's own comment.
#[utoipa::path(put, path = "/api/v1/questions/{id}/comments/{comment_id}", tag = "people", params(("id" = i64, Path), ("comment_id" = i64, Path)),
    request_body = EditInput,
    responses((status = 200, body = Comment), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn edit_comment(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, comment_id)): ApiPath<(QuestionId, i64)>,
    ApiJson(input): ApiJson<EditInput>,
) -> ApiResult<Json<Comment>> {
    match s.app.edit_post(&actor, id, PostRef::Comment(comment_id), &input.body).await? {
        Post::Comment(c) => Ok(Json(c)),
        _ => Err(ServiceError::NotFound("the comment".into()).into()),
    }
}

/// Takes a question down: its author, or a moderator with a reason.
#[utoipa::path(post, path = "/api/v1/questions/{id}/remove", tag = "people", params(("id" = i64, Path)), request_body = RemovalInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn remove_question(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<QuestionId>,
    ApiJson(input): ApiJson<RemovalInput>,
) -> ApiResult<StatusCode> {
    s.app.remove_post(&actor, id, PostRef::Question, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes an answer down: its author, or a moderator with a reason.
#[utoipa::path(post, path = "/api/v1/questions/{id}/answers/{answer_id}/remove", tag = "people", params(("id" = i64, Path), ("answer_id" = i64, Path)),
    request_body = RemovalInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn remove_answer(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, answer_id)): ApiPath<(QuestionId, AnswerId)>,
    ApiJson(input): ApiJson<RemovalInput>,
) -> ApiResult<StatusCode> {
    s.app.remove_post(&actor, id, PostRef::Answer(answer_id), input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a comment down: its author, or a moderator with a reason.
#[utoipa::path(post, path = "/api/v1/questions/{id}/comments/{comment_id}/remove", tag = "people", params(("id" = i64, Path), ("comment_id" = i64, Path)),
    request_body = RemovalInput,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn remove_comment(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, comment_id)): ApiPath<(QuestionId, i64)>,
    ApiJson(input): ApiJson<RemovalInput>,
) -> ApiResult<StatusCode> {
    s.app.remove_post(&actor, id, PostRef::Comment(comment_id), input).await?;
    Ok(StatusCode::NO_CONTENT)
}
