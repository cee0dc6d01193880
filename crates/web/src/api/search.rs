//! `/api/v1/search` and `/api/v1/suggest`.
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use signpost_domain::search::{SearchResults, Suggestion};
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
    OpenApiRouter::new().routes(routes!(search)).routes(routes!(suggest))
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
