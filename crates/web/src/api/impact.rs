//! `/api/v1/impact`, `/api/v1/showcase` and `/api/v1/reports`: impact statements, the
//! stories showcase with reactions, and the programme report with its downloads.
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use chrono::NaiveDate;
use serde::Deserialize;
use signpost_domain::impact::{ImpactStatement, ReactionKind};
use signpost_services::impact::{ImpactInput, Showcase, parse_month};
use signpost_services::report::ProgrammeReport;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use signpost_domain::ids::AssetId;

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record))
        .routes(routes!(withdraw))
        .routes(routes!(showcase))
        .routes(routes!(react))
        .routes(routes!(report))
        .routes(routes!(report_csv))
        .routes(routes!(report_xlsx))
}

/// A reaction given or withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionInput {
    /// Which reaction.
    pub kind: ReactionKind,
    /// Give (true) or withdraw (false).
    pub on: bool,
}

/// The period of a report.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodParams {
    /// First day, `YYYY-MM-DD`.
    from: NaiveDate,
    /// Last day, `YYYY-MM-DD`.
    to: NaiveDate,
}

/// Records an attributable statement of impact on an asset or a session the caller may see.
#[utoipa::path(post, path = "/api/v1/impact", tag = "impact", request_body = ImpactInput,
    responses((status = 201, body = ImpactStatement), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn record(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiJson(input): ApiJson<ImpactInput>,
) -> ApiResult<(StatusCode, Json<ImpactStatement>)> {
    Ok((StatusCode::CREATED, Json(s.app.record_impact(&actor, input).await?)))
}

/// Withdraws a statement recorded in error (whoever recorded it, or a knowledge specialist).
#[utoipa::path(delete, path = "/api/v1/impact/{id}", tag = "impact", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn withdraw(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    s.app.withdraw_impact(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The stories first shared in a month (`YYYY-MM`) that the caller may see, with reactions.
#[utoipa::path(get, path = "/api/v1/showcase/{month}", tag = "impact", params(("month" = String, Path)),
    responses((status = 200, body = Showcase), (status = 422, body = ErrorBody)))]
pub(crate) async fn showcase(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(month): ApiPath<String>,
) -> ApiResult<Json<Showcase>> {
    let month = parse_month(&month)
        .ok_or_else(|| ApiError::from(signpost_services::ServiceError::invalid("month", "give the month as 2026-11")))?;
    Ok(Json(s.app.showcase(&actor, month).await?))
}

/// Gives or withdraws the caller's reaction to a published story.
#[utoipa::path(put, path = "/api/v1/showcase/stories/{id}/reactions", tag = "impact", params(("id" = i64, Path)), request_body = ReactionInput,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn react(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    ApiJson(input): ApiJson<ReactionInput>,
) -> ApiResult<StatusCode> {
    s.app.react(&actor, id, input.kind, input.on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The programme report for a period (knowledge specialists and admins).
#[utoipa::path(get, path = "/api/v1/reports/programme", tag = "impact", params(PeriodParams),
    responses((status = 200, body = ProgrammeReport), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn report(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> ApiResult<Json<ProgrammeReport>> {
    Ok(Json(s.app.programme_report(&actor, p.from, p.to).await?))
}

/// The programme report as CSV (Section, Item, Detail, Value).
#[utoipa::path(get, path = "/api/v1/reports/programme.csv", tag = "impact", params(PeriodParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody)))]
pub(crate) async fn report_csv(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> ApiResult<impl IntoResponse> {
    let csv = s.app.programme_report(&actor, p.from, p.to).await?.csv()?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], csv))
}

/// The programme report as an XLSX workbook, one sheet per section.
#[utoipa::path(get, path = "/api/v1/reports/programme.xlsx", tag = "impact", params(PeriodParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 403, body = ErrorBody)))]
pub(crate) async fn report_xlsx(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<PeriodParams>,
) -> ApiResult<impl IntoResponse> {
    let bytes = s.app.programme_report(&actor, p.from, p.to).await?.xlsx()?;
    Ok(([(header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")], bytes))
}
