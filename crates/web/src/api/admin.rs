//! `/api/v1/audit`, `/api/v1/synonyms`, `/api/v1/export`.
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use signpost_domain::audit::AuditEntry;
use signpost_domain::jobs::{Job, JobState};
use signpost_domain::search::{Page, SynonymGroup};
use signpost_services::transfer::ExportBundle;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::accounts::PageParams;
use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use signpost_domain::ids::JobId;

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(audit))
        .routes(routes!(synonyms, replace_synonyms))
        .routes(routes!(export))
        .routes(routes!(jobs))
        .routes(routes!(retry_job))
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(PageParams),
    responses((status = 200, body = Page<AuditEntry>), (status = 403, body = ErrorBody)))]
pub(crate) async fn audit(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    Ok(Json(s.app.audit_log(&actor, p.offset, p.limit).await?))
}

#[utoipa::path(get, path = "/api/v1/synonyms", tag = "admin", responses((status = 200, body = Vec<SynonymGroup>)))]
pub(crate) async fn synonyms(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<Vec<SynonymGroup>>> {
    Ok(Json(s.app.synonyms(&actor).await?))
}

/// The whole synonym list.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SynonymList {
    /// Groups of equivalent terms.
    groups: Vec<SynonymGroup>,
}

#[utoipa::path(put, path = "/api/v1/synonyms", tag = "admin", request_body = SynonymList,
    responses((status = 200, body = Vec<SynonymGroup>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn replace_synonyms(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(body): ApiJson<SynonymList>,
) -> ApiResult<Json<Vec<SynonymGroup>>> {
    Ok(Json(s.app.replace_synonyms(&actor, body.groups).await?))
}

#[utoipa::path(get, path = "/api/v1/export", tag = "admin", responses((status = 200, body = ExportBundle, description = "everything the caller may see")))]
pub(crate) async fn export(State(s): State<AppState>, CurrentActor(actor): CurrentActor) -> ApiResult<Json<ExportBundle>> {
    Ok(Json(s.app.export(Some(&actor)).await?))
}

/// Which background jobs to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct JobParams {
    /// `pending`, `running`, `done` or `failed`; without it, every job not done.
    #[serde(default)]
    state: Option<JobState>,
    /// Items to skip.
    #[serde(default)]
    offset: i64,
    /// Page size, 1 to 100.
    #[serde(default = "super::assets::default_limit")]
    limit: i64,
}

/// Background jobs (admins): reminders and emails waiting, running, done or failed, with the last error.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "admin", params(JobParams),
    responses((status = 200, body = Page<Job>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn jobs(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<JobParams>,
) -> ApiResult<Json<Page<Job>>> {
    Ok(Json(s.app.background_jobs(&actor, p.state, p.offset, p.limit).await?))
}

/// Runs a failed job again with fresh attempts (admins).
#[utoipa::path(post, path = "/api/v1/jobs/{id}/retry", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = Job), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn retry_job(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<JobId>,
) -> ApiResult<Json<Job>> {
    Ok(Json(s.app.retry_background_job(&actor, id).await?))
}
