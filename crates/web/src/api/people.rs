//! `/api/v1` for connecting people: profiles, the expertise finder, communities with
//! their questions and answers, knowledge advocates, mentoring and notifications.
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::communities::{Advocate, Answer, Comment, Community, MemberRole, Membership, Notification, Question};
use signpost_domain::mentoring::{Listing, MatchStatus, MentoringMatch};
use signpost_domain::profiles::Profile;
use signpost_services::people::advocates::{AdvocateInput, Coverage};
use signpost_services::people::communities::{CommunityInput, CommunitySummary, CommunityView, EventInput};
use signpost_services::people::expertise::Expert;
use signpost_services::people::mentoring::{ListingInput, MentoringBoard};
use signpost_services::people::profiles::{ProfileInput, ProfileView};
use signpost_services::people::questions::{PostInput, QuestionInput, QuestionView, SimilarQuestion};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use signpost_domain::ids::{AnswerId, CommunityId, QuestionId, UserId};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_profile, update_profile))
        .routes(routes!(person_profile))
        .routes(routes!(experts))
        .routes(routes!(communities, create_community))
        .routes(routes!(community, update_community))
        .routes(routes!(join, leave))
        .routes(routes!(set_role))
        .routes(routes!(add_event))
        .routes(routes!(ask))
        .routes(routes!(similar))
        .routes(routes!(question, super::posts::edit_question))
        .routes(routes!(answer))
        .routes(routes!(comment))
        .routes(routes!(vote))
        .routes(routes!(accept))
        .routes(routes!(coverage, register_advocate))
        .routes(routes!(remove_advocate))
        .routes(routes!(mentoring))
        .routes(routes!(add_listing))
        .routes(routes!(close_listing))
        .routes(routes!(propose_match))
        .routes(routes!(answer_match))
        .routes(routes!(notifications))
        .routes(routes!(read_notifications))
}

/// A subject to search by.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubjectParams {
    /// Words describing the subject or the draft question.
    #[serde(default)]
    q: String,
}

/// A member's new role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// `member` or `coordinator`.
    role: MemberRole,
}

/// A vote.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteInput {
    /// 1 (up), -1 (down) or 0 (withdraw).
    value: i64,
}

/// Which answer to accept.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInput {
    /// The answer.
    #[schema(value_type = i64)]
    answer_id: AnswerId,
}

/// A proposed mentoring match.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposeInput {
    /// Your listing.
    mine: i64,
    /// The other person's listing.
    theirs: i64,
}

/// An answer to a proposed match, or ending one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchAnswer {
    /// `accepted`, `declined` or `ended`.
    status: MatchStatus,
}

#[utoipa::path(get, path = "/api/v1/profile", tag = "people", responses((status = 200, body = Profile), (status = 403, body = ErrorBody)))]
pub(crate) async fn my_profile(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Profile>> {
    Ok(Json(s.app.my_profile(&actor).await?))
}

#[utoipa::path(put, path = "/api/v1/profile", tag = "people", request_body = ProfileInput,
    responses((status = 200, body = Profile), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update_profile(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<ProfileInput>,
) -> ApiResult<Json<Profile>> {
    Ok(Json(s.app.update_profile(&actor, input).await?))
}

/// Someone's profile; its details only when the reader is in its chosen audience.
#[utoipa::path(get, path = "/api/v1/people/{id}/profile", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = ProfileView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn person_profile(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<UserId>,
) -> ApiResult<Json<ProfileView>> {
    Ok(Json(s.app.person_profile(&actor, id).await?))
}

/// Who knows about a subject, with the evidence the reader may see.
#[utoipa::path(get, path = "/api/v1/experts", tag = "people", params(SubjectParams),
    responses((status = 200, body = Vec<Expert>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn experts(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<SubjectParams>,
) -> ApiResult<Json<Vec<Expert>>> {
    Ok(Json(s.app.find_experts(&actor, &p.q).await?))
}

#[utoipa::path(get, path = "/api/v1/communities", tag = "people", responses((status = 200, body = Vec<CommunitySummary>), (status = 403, body = ErrorBody)))]
pub(crate) async fn communities(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<CommunitySummary>>> {
    Ok(Json(s.app.communities(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/communities", tag = "people", request_body = CommunityInput,
    responses((status = 201, body = Community), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_community(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<CommunityInput>,
) -> ApiResult<(StatusCode, Json<Community>)> {
    Ok((StatusCode::CREATED, Json(s.app.create_community(&actor, input).await?)))
}

#[utoipa::path(get, path = "/api/v1/communities/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = CommunityView), (status = 404, body = ErrorBody)))]
pub(crate) async fn community(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<CommunityId>,
) -> ApiResult<Json<CommunityView>> {
    Ok(Json(s.app.community_view(&actor, id).await?))
}

#[utoipa::path(put, path = "/api/v1/communities/{id}", tag = "people", params(("id" = i64, Path)), request_body = CommunityInput,
    responses((status = 200, body = Community), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update_community(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<CommunityId>,
    ApiJson(input): ApiJson<CommunityInput>,
) -> ApiResult<Json<Community>> {
    Ok(Json(s.app.update_community(&actor, id, input).await?))
}

/// Joins the community.
#[utoipa::path(post, path = "/api/v1/communities/{id}/members", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = Membership), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn join(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<CommunityId>,
) -> ApiResult<Json<Membership>> {
    Ok(Json(s.app.join_community(&actor, id).await?))
}

/// Leaves the community.
#[utoipa::path(delete, path = "/api/v1/communities/{id}/members", tag = "people", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn leave(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<CommunityId>,
) -> ApiResult<StatusCode> {
    s.app.leave_community(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Makes a member a coordinator, or a coordinator a member.
#[utoipa::path(put, path = "/api/v1/communities/{id}/members/{user_id}", tag = "people", params(("id" = i64, Path), ("user_id" = i64, Path)),
    request_body = RoleInput, responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn set_role(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, user_id)): ApiPath<(CommunityId, UserId)>,
    ApiJson(input): ApiJson<RoleInput>,
) -> ApiResult<StatusCode> {
    s.app.set_member_role(&actor, id, user_id, input.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/communities/{id}/events", tag = "people", params(("id" = i64, Path)), request_body = EventInput,
    responses((status = 200, body = Community), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn add_event(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<CommunityId>,
    ApiJson(input): ApiJson<EventInput>,
) -> ApiResult<Json<Community>> {
    Ok(Json(s.app.add_event(&actor, id, input).await?))
}

/// Asks a question: it is sent to likely experts and members are told.
#[utoipa::path(post, path = "/api/v1/communities/{id}/questions", tag = "people", params(("id" = i64, Path)), request_body = QuestionInput,
    responses((status = 201, body = Question), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn ask(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<CommunityId>,
    ApiJson(input): ApiJson<QuestionInput>,
) -> ApiResult<(StatusCode, Json<Question>)> {
    Ok((StatusCode::CREATED, Json(s.app.ask_question(&actor, id, input).await?)))
}

/// Answered questions like a draft, for showing while it is written.
#[utoipa::path(get, path = "/api/v1/questions/similar", tag = "people", params(SubjectParams),
    responses((status = 200, body = Vec<SimilarQuestion>), (status = 403, body = ErrorBody)))]
pub(crate) async fn similar(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<SubjectParams>,
) -> ApiResult<Json<Vec<SimilarQuestion>>> {
    Ok(Json(s.app.similar_questions(&actor, &p.q).await?))
}

#[utoipa::path(get, path = "/api/v1/questions/{id}", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = QuestionView), (status = 404, body = ErrorBody)))]
pub(crate) async fn question(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<QuestionId>,
) -> ApiResult<Json<QuestionView>> {
    Ok(Json(s.app.question_view(&actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/questions/{id}/answers", tag = "people", params(("id" = i64, Path)), request_body = PostInput,
    responses((status = 201, body = Answer), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn answer(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<QuestionId>,
    ApiJson(input): ApiJson<PostInput>,
) -> ApiResult<(StatusCode, Json<Answer>)> {
    Ok((StatusCode::CREATED, Json(s.app.answer_question(&actor, id, input).await?)))
}

/// Comments on the question, or on one answer when `answer_id` is given.
#[utoipa::path(post, path = "/api/v1/questions/{id}/comments", tag = "people", params(("id" = i64, Path)), request_body = PostInput,
    responses((status = 201, body = Comment), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn comment(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<QuestionId>,
    ApiJson(input): ApiJson<PostInput>,
) -> ApiResult<(StatusCode, Json<Comment>)> {
    Ok((StatusCode::CREATED, Json(s.app.comment(&actor, id, input).await?)))
}

#[utoipa::path(put, path = "/api/v1/questions/{id}/answers/{answer_id}/vote", tag = "people", params(("id" = i64, Path), ("answer_id" = i64, Path)),
    request_body = VoteInput, responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn vote(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath((id, answer_id)): ApiPath<(QuestionId, AnswerId)>,
    ApiJson(input): ApiJson<VoteInput>,
) -> ApiResult<StatusCode> {
    s.app.vote_answer(&actor, id, answer_id, input.value).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/questions/{id}/accept", tag = "people", params(("id" = i64, Path)), request_body = AcceptInput,
    responses((status = 200, body = Question), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn accept(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<QuestionId>,
    ApiJson(input): ApiJson<AcceptInput>,
) -> ApiResult<Json<Question>> {
    Ok(Json(s.app.accept_answer(&actor, id, input.answer_id).await?))
}

/// Every team and its knowledge advocates, teams with none first.
#[utoipa::path(get, path = "/api/v1/advocates", tag = "people", responses((status = 200, body = Coverage), (status = 403, body = ErrorBody)))]
pub(crate) async fn coverage(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Coverage>> {
    Ok(Json(s.app.advocate_coverage(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/advocates", tag = "people", request_body = AdvocateInput,
    responses((status = 201, body = Advocate), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn register_advocate(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<AdvocateInput>,
) -> ApiResult<(StatusCode, Json<Advocate>)> {
    Ok((StatusCode::CREATED, Json(s.app.register_advocate(&actor, input).await?)))
}

#[utoipa::path(delete, path = "/api/v1/advocates/{user_id}", tag = "people", params(("user_id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn remove_advocate(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(user_id): ApiPath<UserId>,
) -> ApiResult<StatusCode> {
    s.app.remove_advocate(&actor, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The reader's offers and requests, suggested partners with reasons, and matches.
#[utoipa::path(get, path = "/api/v1/mentoring", tag = "people", responses((status = 200, body = MentoringBoard), (status = 403, body = ErrorBody)))]
pub(crate) async fn mentoring(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<MentoringBoard>> {
    Ok(Json(s.app.mentoring_board(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/mentoring/listings", tag = "people", request_body = ListingInput,
    responses((status = 201, body = Listing), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn add_listing(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<ListingInput>,
) -> ApiResult<(StatusCode, Json<Listing>)> {
    Ok((StatusCode::CREATED, Json(s.app.add_listing(&actor, input).await?)))
}

#[utoipa::path(post, path = "/api/v1/mentoring/listings/{id}/close", tag = "people", params(("id" = i64, Path)),
    responses((status = 200, body = Listing), (status = 404, body = ErrorBody)))]
pub(crate) async fn close_listing(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Listing>> {
    Ok(Json(s.app.close_listing(&actor, id).await?))
}

#[utoipa::path(post, path = "/api/v1/mentoring/matches", tag = "people", request_body = ProposeInput,
    responses((status = 201, body = MentoringMatch), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn propose_match(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<ProposeInput>,
) -> ApiResult<(StatusCode, Json<MentoringMatch>)> {
    Ok((StatusCode::CREATED, Json(s.app.propose_match(&actor, input.mine, input.theirs).await?)))
}

#[utoipa::path(put, path = "/api/v1/mentoring/matches/{id}", tag = "people", params(("id" = i64, Path)), request_body = MatchAnswer,
    responses((status = 200, body = MentoringMatch), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn answer_match(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<MatchAnswer>,
) -> ApiResult<Json<MentoringMatch>> {
    Ok(Json(s.app.answer_match(&actor, id, input.status).await?))
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "people", responses((status = 200, body = Vec<Notification>)))]
pub(crate) async fn notifications(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<Notification>>> {
    Ok(Json(s.app.notifications(&actor).await?))
}

#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "people", responses((status = 204)))]
pub(crate) async fn read_notifications(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<StatusCode> {
    s.app.mark_notifications_read(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
