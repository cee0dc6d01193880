//! `/api/v1/search` and `/api/v1/suggest`.
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use signpost_domain::search::{SearchResults, Suggestion};
use signpost_services::asset_list::{Download, TableFormat};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use signpost_services::search_params::{SearchParams, default_page};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search)).routes(routes!(suggest)).routes(routes!(export_csv)).routes(routes!(export_xlsx))
}

/// The file a download responds with.
fn download(file: Download) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.name);
    ([(header::CONTENT_TYPE, file.content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], file.bytes).into_response()
}

/// Every asset the search finds that the caller may see (up to 10,000; paging is
/// ignored), as CSV with a byte-order mark.
#[utoipa::path(get, path = "/api/v1/search/export.csv", tag = "search", params(SearchParams),
    responses((status = 200, content_type = "text/csv", body = String), (status = 422, body = ErrorBody)))]
pub(crate) async fn export_csv(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Response> {
    Ok(download(s.app.export_asset_list(&actor, p.into_request()?, TableFormat::Csv).await?))
}

/// Every asset the search finds that the caller may see (up to 10,000; paging is
/// ignored), as an Excel workbook.
#[utoipa::path(get, path = "/api/v1/search/export.xlsx", tag = "search", params(SearchParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), (status = 422, body = ErrorBody)))]
pub(crate) async fn export_xlsx(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Response> {
    Ok(download(s.app.export_asset_list(&actor, p.into_request()?, TableFormat::Xlsx).await?))
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchResults), (status = 422, body = ErrorBody)))]
pub(crate) async fn search(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<SearchResults>> {
    let request = p.into_request()?;
    Ok(Json(s.app.search(&actor, request).await?))
}

/// What has been typed so far.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The start of a title.
    #[serde(default)]
    q: String,
    /// How many, 1 to 20.
    #[serde(default = "default_page")]
    limit: usize,
}

#[utoipa::path(get, path = "/api/v1/suggest", tag = "search", params(SuggestParams),
    responses((status = 200, body = Vec<Suggestion>)))]
pub(crate) async fn suggest(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiQuery(p): ApiQuery<SuggestParams>,
) -> ApiResult<Json<Vec<Suggestion>>> {
    Ok(Json(s.app.suggest(&actor, &p.q, p.limit).await?))
}
