//! An evidence summary's or a reading list's sources: shown as citations, imported from a database or
//! reference-manager export (previewed first), and downloaded as RIS or BibTeX.
use axum::http::{StatusCode, header};
use maud::{Markup, html};
use serde::Deserialize;
use signpost_domain::fields::Source;
use signpost_domain::ids::AssetId;
use signpost_services::references::{ExportFormat, MAX_FILE_BYTES, MAX_RECORDS, ReferencePlan};

use super::view::AssetNotice;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/assets/{id}/references", import_form)
        .upload("/assets/{id}/references/preview", "/assets/{id}/references", preview)
        .upload("/assets/{id}/references/add", "/assets/{id}/references", add)
        .page("/assets/{id}/sources.ris", download_ris)
        .page("/assets/{id}/sources.bib", download_bib)
}

/// A DOI or PMID as a link to where it resolves.
pub(crate) fn identifiers(s: &Source) -> Markup {
    html! {
        @if let Some(doi) = &s.doi { " " a href={ "https://doi.org/" (doi) } { "DOI: " (doi) } }
        @if let Some(pmid) = &s.pmid { " " a href={ "https://pubmed.ncbi.nlm.nih.gov/" (pmid) "/" } { "PMID: " (pmid) } }
        @if let Some(url) = &s.url { " " a href=(url) { "Web address" } }
    }
}

/// The sources section of an evidence summary's or a reading list's page.
pub fn sources_section(id: AssetId, sources: &[Source], can_edit: bool) -> Markup {
    html! {
        h2 id="sources" { "Sources" }
        @if sources.is_empty() {
            p { "No sources yet." }
        } @else {
            ol class="nhsuk-list nhsuk-list--number" {
                @for s in sources {
                    li {
                        (s.citation()) (identifiers(s))
                        @if let Some(note) = &s.appraisal { br; span class="nhsuk-body-s" { strong { "Appraisal: " } (note) } }
                    }
                }
            }
            p class="nhsuk-body-s" {
                "Download the sources for a reference manager: "
                a href={ "/assets/" (id) "/sources.ris" } download { "RIS" span class="nhsuk-u-visually-hidden" { " file of the sources" } }
                " or "
                a href={ "/assets/" (id) "/sources.bib" } download { "BibTeX" span class="nhsuk-u-visually-hidden" { " file of the sources" } }
                "."
            }
        }
        @if can_edit {
            p { a class="nhsuk-button nhsuk-button--secondary" href={ "/assets/" (id) "/references" } { "Import references" } }
        }
    }
}

fn form_page(viewer: &Viewer, id: AssetId, title: &str, count: usize, errors: &Errors) -> Markup {
    let body = html! {
        (error_summary(errors))
        a class="nhsuk-back-link" href={ "/assets/" (id) "#sources" } { "Back to " (title) }
        span class="nhsuk-caption-l" { (title) }
        h1 { "Import references" }
        p { "Add references exported from a database (Ovid, EBSCOhost, PubMed) or a reference manager (EndNote, Zotero, Mendeley) to the sources of “" (title) "” (" (counted(count as i64, "source", "sources")) " now). You will see what would be added before anything changes." }
        p { "Signpost reads RIS (.ris or .txt), PubMed (.nbib), EndNote XML (.xml) and BibTeX (.bib) files of up to " (MAX_FILE_BYTES / 1024) " KB and " (MAX_RECORDS) " references. A reference already among the sources, with the same DOI, PMID, or title and year, is skipped." }
        form method="post" action={ "/assets/" (id) "/references/preview" } enctype="multipart/form-data" novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new("file", "Reference file").errors(errors).input("file", ""))
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Preview the import" }
        }
    };
    page("Import references", Some(viewer), "", body)
}

async fn form_with(s: &AppState, actor: &Actor, viewer: &Viewer, id: AssetId, status: StatusCode, errors: &Errors) -> PageResult {
    let asset = s.app.reference_target(actor, id).await?;
    let count = asset.fields.sources().map_or(0, <[_]>::len);
    Ok((status, form_page(viewer, id, &asset.title, count, errors)).into_response())
}

/// `GET /assets/{id}/references`.
pub async fn import_form(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<AssetId>) -> PageResult {
    form_with(&s, &actor, &viewer, id, StatusCode::OK, &Vec::new()).await
}

async fn refused_file(s: &AppState, actor: &Actor, viewer: &Viewer, id: AssetId, e: ServiceError) -> PageResult {
    let (status, errors): (StatusCode, Errors) = match e {
        ServiceError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, vec![("file".to_string(), capitalised(&m))]),
        e => (StatusCode::UNPROCESSABLE_ENTITY, refused(e)?.into_iter().map(|(_, m)| ("file".to_string(), m)).collect()),
    };
    form_with(s, actor, viewer, id, status, &errors).await
}

fn preview_page(viewer: &Viewer, id: AssetId, title: &str, plan: &ReferencePlan, file: &str) -> Markup {
    let body = html! {
        a class="nhsuk-back-link" href={ "/assets/" (id) "/references" } { "Choose another file" }
        span class="nhsuk-caption-l" { (title) }
        h1 { "Check the import" }
        p { "Read as " (plan.format) ". " (counted(plan.adding.len() as i64, "reference", "references")) " would be added"
            @if !plan.skipped.is_empty() { " and " (counted(plan.skipped.len() as i64, "duplicate", "duplicates")) " skipped" } "." }
        @if !plan.adding.is_empty() {
            form method="post" action={ "/assets/" (id) "/references/add?version=" (plan.version) } enctype="multipart/form-data" novalidate {
                (csrf_field(&viewer.csrf_token))
                input type="hidden" name="file" value=(file);
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Add " (counted(plan.adding.len() as i64, "reference", "references")) }
            }
            h2 { "To be added" }
            ol class="nhsuk-list nhsuk-list--number" {
                @for s in &plan.adding { li { (s.citation()) (identifiers(s)) } }
            }
        } @else {
            div class="nhsuk-inset-text" { p { "Every reference in the file is already one of the sources, so there is nothing to add." } }
        }
        @if !plan.skipped.is_empty() {
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption" { "Skipped as duplicates" }
                (table_head(&["Record", "Reference", "Why"]))
                tbody class="nhsuk-table__body" {
                    @for d in &plan.skipped {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { (d.record) }
                            td class="nhsuk-table__cell" { (d.source.citation()) }
                            td class="nhsuk-table__cell" { (capitalised(&d.reason)) }
                        }
                    }
                }
            }
        }
    };
    page("Check the import", Some(viewer), "", body)
}

/// `POST /assets/{id}/references/preview`: what the file would add, nothing written.
pub async fn preview(State(s): State<AppState>, PagePath(id): PagePath<AssetId>, mut upload: CsrfUpload) -> PageResult {
    // The form's token is checked as the upload is read (within the request limit);
    // whether this person may change the summary is settled before the file is parsed.
    let file = match upload.read("file").await {
        Ok(f) => f.bytes,
        Err(UploadError::Page(e)) => return Err(e),
        Err(UploadError::Refused(e)) => return refused_file(&s, &upload.actor, &upload.viewer, id, e).await,
    };
    let CsrfUpload { actor, viewer, .. } = upload;
    let asset = s.app.reference_target(&actor, id).await?;
    // Sent back with the confirmation as the same text; parsing reads it the same way.
    let text = match std::str::from_utf8(&file) {
        Ok(t) => t.to_string(),
        Err(_) => file.iter().map(|&b| b as char).collect(),
    };
    match s.app.preview_references(&actor, id, file).await {
        Ok(plan) => Ok(preview_page(&viewer, id, &asset.title, &plan, &text).into_response()),
        Err(e) => refused_file(&s, &actor, &viewer, id, e).await,
    }
}

/// The version a preview was made against.
#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// `POST /assets/{id}/references/add?version=N`: the previewed import, made only if
/// the summary has not changed since.
pub async fn add(
    State(s): State<AppState>,
    PagePath(id): PagePath<AssetId>,
    PageQuery(q): PageQuery<VersionQuery>,
    mut upload: CsrfUpload,
) -> PageResult {
    let file = match upload.read("file").await {
        Ok(f) => f.bytes,
        Err(UploadError::Page(e)) => return Err(e),
        Err(UploadError::Refused(e)) => return refused_file(&s, &upload.actor, &upload.viewer, id, e).await,
    };
    let CsrfUpload { actor, viewer, .. } = upload;
    let Some(version) = q.version else {
        return refused_file(&s, &actor, &viewer, id, ServiceError::invalid("file", "preview the import before adding it")).await;
    };
    match s.app.import_references(&actor, id, file, Some(version)).await {
        Ok(_) => Ok(done(&format!("/assets/{id}"), AssetNotice::ReferencesAdded)),
        Err(e) => refused_file(&s, &actor, &viewer, id, e).await,
    }
}

async fn download(s: &AppState, actor: &Actor, id: AssetId, format: ExportFormat) -> PageResult {
    let (name, text) = s.app.export_references(actor, id, format).await?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(([(header::CONTENT_TYPE, format.content_type().to_string()), (header::CONTENT_DISPOSITION, disposition)], text).into_response())
}

/// `GET /assets/{id}/sources.ris`.
pub async fn download_ris(SignedIn(s, actor, _viewer): SignedIn, PagePath(id): PagePath<AssetId>) -> PageResult {
    download(&s, &actor, id, ExportFormat::Ris).await
}

/// `GET /assets/{id}/sources.bib`.
pub async fn download_bib(SignedIn(s, actor, _viewer): SignedIn, PagePath(id): PagePath<AssetId>) -> PageResult {
    download(&s, &actor, id, ExportFormat::Bibtex).await
}
