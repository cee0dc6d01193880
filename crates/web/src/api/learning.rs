//! `/api/v1` for learning before, during and after: projects and their timelines,
//! the lessons loop, sessions with private answers and reports, actions, lessons
//! and the choosing tool.
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use signpost_domain::learning::{Action, Contribution, Project, Session};
use signpost_services::learning::actions::{ActionBoard, ActionInput, CloseAction};
use signpost_services::learning::chooser::{Choice, ChooserAnswers};
use signpost_services::learning::lessons::{LessonInput, LessonStateChange};
use signpost_services::learning::lessons_loop::{MarkInput, Suggestions};
use signpost_services::learning::projects::{LessonEntry, ProjectInput, Timeline};
use signpost_services::learning::sessions::{SessionInput, SessionView};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use signpost_domain::ids::{ActionId, AssetId, ProjectId, SessionId};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(projects, create_project))
        .routes(routes!(project, update_project))
        .routes(routes!(suggestions))
        .routes(routes!(mark))
        .routes(routes!(sessions, start_session))
        .routes(routes!(session, record_session))
        .routes(routes!(answer))
        .routes(routes!(share))
        .routes(routes!(report))
        .routes(routes!(actions, create_action))
        .routes(routes!(action))
        .routes(routes!(close_action))
        .routes(routes!(record_lesson))
        .routes(routes!(unlearned))
        .routes(routes!(lesson))
        .routes(routes!(lesson_state))
        .routes(routes!(choose))
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "learning", responses((status = 200, body = Vec<Project>), (status = 403, body = ErrorBody)))]
pub(crate) async fn projects(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<Project>>> {
    Ok(Json(s.app.projects(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "learning", request_body = ProjectInput,
    responses((status = 201, body = Project), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_project(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<ProjectInput>,
) -> ApiResult<(StatusCode, Json<Project>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_project(&actor, input).await?)))
}

/// The project with its sessions before, during and after, its lessons and its actions.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, body = Timeline), (status = 404, body = ErrorBody)))]
pub(crate) async fn project(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProjectId>,
) -> ApiResult<Json<Timeline>> {
    Ok(Json(s.app.project_timeline(&actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/projects/{id}", tag = "learning", params(("id" = i64, Path)), request_body = ProjectInput,
    responses((status = 200, body = Project), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update_project(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProjectId>,
    ApiJson(input): ApiJson<ProjectInput>,
) -> ApiResult<Json<Project>> {
    Ok(Json(s.app.update_project(&actor, id, input).await?))
}

/// The lessons loop: past lessons, assets and people most relevant to the project, as the caller may see them.
#[utoipa::path(get, path = "/api/v1/projects/{id}/suggestions", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, body = Suggestions), (status = 404, body = ErrorBody)))]
pub(crate) async fn suggestions(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProjectId>,
) -> ApiResult<Json<Suggestions>> {
    Ok(Json(s.app.project_suggestions(&actor, id).await?))
}

/// Marks a surfaced item useful (or not) for this project; marks lift what helped in later suggestions.
#[utoipa::path(post, path = "/api/v1/projects/{id}/marks", tag = "learning", params(("id" = i64, Path)), request_body = MarkInput,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn mark(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ProjectId>,
    ApiJson(input): ApiJson<MarkInput>,
) -> ApiResult<StatusCode> {
    s.app.mark_suggestion(&actor, id, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/sessions", tag = "learning", responses((status = 200, body = Vec<Session>), (status = 403, body = ErrorBody)))]
pub(crate) async fn sessions(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<Session>>> {
    Ok(Json(s.app.learning_sessions(&actor).await?))
}

/// Starts a session; a before action review on a project starts with "what have we or others learned" answered from the lessons loop.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "learning", request_body = SessionInput,
    responses((status = 201, body = Session), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn start_session(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult<(StatusCode, Json<Session>)> {
    Ok((StatusCode::CREATED, Json(s.app.start_session(&actor, input).await?)))
}

/// The session with the private answers the caller may read: their own, or everyone's once shared.
#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, body = SessionView), (status = 404, body = ErrorBody)))]
pub(crate) async fn session(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<SessionId>,
) -> ApiResult<Json<SessionView>> {
    Ok(Json(s.app.learning_session(&actor, id).await?))
}

/// Replaces what the session recorded; the project and technique stay as they were.
#[utoipa::path(put, path = "/api/v1/sessions/{id}", tag = "learning", params(("id" = i64, Path)), request_body = SessionInput,
    responses((status = 200, body = Session), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn record_session(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<SessionId>,
    ApiJson(input): ApiJson<SessionInput>,
) -> ApiResult<Json<Session>> {
    Ok(Json(s.app.record_session(&actor, id, input).await?))
}

/// A private answer.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnswerInput {
    /// The technique's private field, e.g. `reasons` for a premortem.
    field: String,
    /// The answer.
    body: String,
}

/// Adds the caller's private answer, hidden from the others until the facilitator shares the answers.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/answers", tag = "learning", params(("id" = i64, Path)), request_body = AnswerInput,
    responses((status = 201, body = Contribution), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn answer(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<SessionId>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> ApiResult<(StatusCode, Json<Contribution>)> {
    Ok((StatusCode::CREATED, Json(s.app.contribute(&actor, id, &input.field, &input.body).await?)))
}

/// Shows every participant's private answers to everyone who can see the session.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/share", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, body = Session), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn share(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<SessionId>,
) -> ApiResult<Json<Session>> {
    Ok(Json(s.app.share_answers(&actor, id).await?))
}

/// The session as a Markdown report.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/report.md", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/markdown", body = String), (status = 404, body = ErrorBody)))]
pub(crate) async fn report(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<SessionId>,
) -> ApiResult<impl IntoResponse> {
    let report = s.app.session_report(&actor, id).await?;
    Ok(([(header::CONTENT_TYPE, "text/markdown; charset=utf-8")], report.markdown()))
}

/// The caller's open actions and the overdue ones per person and per team.
#[utoipa::path(get, path = "/api/v1/actions", tag = "learning", responses((status = 200, body = ActionBoard), (status = 403, body = ErrorBody)))]
pub(crate) async fn actions(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<ActionBoard>> {
    Ok(Json(s.app.action_board(&actor).await?))
}

/// Agrees an action; on a lesson only identified so far, the lesson becomes "action agreed".
#[utoipa::path(post, path = "/api/v1/actions", tag = "learning", request_body = ActionInput,
    responses((status = 201, body = Action), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_action(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<ActionInput>,
) -> ApiResult<(StatusCode, Json<Action>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_action(&actor, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/actions/{id}", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, body = Action), (status = 404, body = ErrorBody)))]
pub(crate) async fn action(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ActionId>,
) -> ApiResult<Json<Action>> {
    Ok(Json(s.app.action(&actor, id).await?))
}

/// Closes an action with what changed; when the last open action on a lesson is done, the lesson is "actioned".
#[utoipa::path(post, path = "/api/v1/actions/{id}/close", tag = "learning", params(("id" = i64, Path)), request_body = CloseAction,
    responses((status = 200, body = Action), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn close_action(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<ActionId>,
    ApiJson(input): ApiJson<CloseAction>,
) -> ApiResult<Json<Action>> {
    Ok(Json(s.app.close_action(&actor, id, input).await?))
}

/// Records a lesson from a session: a published knowledge asset of kind lesson, linked to the session and its project.
#[utoipa::path(post, path = "/api/v1/lessons", tag = "learning", request_body = LessonInput,
    responses((status = 201, body = LessonEntry), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn record_lesson(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<LessonInput>,
) -> ApiResult<(StatusCode, Json<LessonEntry>)> {
    Ok((StatusCode::CREATED, Json(s.app.record_lesson(&actor, input).await?)))
}

/// Lessons identified but never learned (neither embedded nor rejected), oldest first.
#[utoipa::path(get, path = "/api/v1/lessons/unlearned", tag = "learning", responses((status = 200, body = Vec<LessonEntry>)))]
pub(crate) async fn unlearned(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<LessonEntry>>> {
    Ok(Json(s.app.unlearned_lessons(&actor).await?))
}

#[utoipa::path(get, path = "/api/v1/lessons/{id}", tag = "learning", params(("id" = i64, Path)),
    responses((status = 200, body = LessonEntry), (status = 404, body = ErrorBody)))]
pub(crate) async fn lesson(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
) -> ApiResult<Json<LessonEntry>> {
    Ok(Json(s.app.lesson(&actor, id).await?))
}

/// Moves a lesson along identified → action agreed → actioned → embedded, or rejects it with a reason.
#[utoipa::path(put, path = "/api/v1/lessons/{id}/state", tag = "learning", params(("id" = i64, Path)), request_body = LessonStateChange,
    responses((status = 200, body = LessonEntry), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn lesson_state(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    ApiJson(input): ApiJson<LessonStateChange>,
) -> ApiResult<Json<LessonEntry>> {
    Ok(Json(s.app.set_lesson_state(&actor, id, input).await?))
}

/// The techniques ranked for a situation, with the reasons for and against each.
#[utoipa::path(post, path = "/api/v1/techniques/choose", tag = "learning", request_body = ChooserAnswers,
    responses((status = 200, body = Vec<Choice>), (status = 422, body = ErrorBody)))]
pub(crate) async fn choose(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(answers): ApiJson<ChooserAnswers>,
) -> ApiResult<Json<Vec<Choice>>> {
    Ok(Json(s.app.choose_techniques(&actor, &answers).await?))
}
