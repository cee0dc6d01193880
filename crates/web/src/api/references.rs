//! `/api/v1/assets/{id}/references…`: importing a database or reference-manager export
//! into an evidence summary's sources (or seeing what it would add), and exporting them.
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use signpost_domain::ids::AssetId;
use signpost_services::references::{ExportFormat, ReferencePlan};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};

/// This area's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(import)).routes(routes!(export_ris)).routes(routes!(export_bibtex))
}

/// How to import.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Only say what would be added and skipped; change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Import only if the summary is still at this version (the one a dry run gave).
    pub expected_version: Option<i64>,
}

/// Imports a RIS, PubMed (.nbib), EndNote XML or BibTeX file (the body) into an
/// evidence summary's sources, skipping duplicates by DOI, PMID, or title and year. A
/// file with any malformed record is refused whole, naming each record and line.
#[utoipa::path(post, path = "/api/v1/assets/{id}/references", tag = "assets", params(("id" = i64, Path), ImportParams),
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = ReferencePlan), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn import(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
    ApiQuery(p): ApiQuery<ImportParams>,
    body: Bytes,
) -> ApiResult<Json<ReferencePlan>> {
    let file = body.to_vec();
    if p.dry_run {
        return Ok(Json(s.app.preview_references(&actor, id, file).await?));
    }
    Ok(Json(s.app.import_references(&actor, id, file, p.expected_version).await?.1))
}

async fn export(
    s: &AppState,
    actor: &signpost_domain::people::Actor,
    id: AssetId,
    format: ExportFormat,
) -> ApiResult<impl IntoResponse + use<>> {
    let (name, text) = s.app.export_references(actor, id, format).await?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(([(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_DISPOSITION, disposition)], text))
}

/// An evidence summary's sources as RIS.
#[utoipa::path(get, path = "/api/v1/assets/{id}/references.ris", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/x-research-info-systems", body = String), (status = 404, body = ErrorBody)))]
pub(crate) async fn export_ris(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
) -> ApiResult<impl IntoResponse> {
    export(&s, &actor, id, ExportFormat::Ris).await
}

/// An evidence summary's sources as BibTeX.
#[utoipa::path(get, path = "/api/v1/assets/{id}/references.bib", tag = "assets", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/x-bibtex", body = String), (status = 404, body = ErrorBody)))]
pub(crate) async fn export_bibtex(
    State(s): State<AppState>,
    CurrentActor(actor): CurrentActor,
    ApiPath(id): ApiPath<AssetId>,
) -> ApiResult<impl IntoResponse> {
    export(&s, &actor, id, ExportFormat::Bibtex).await
}
