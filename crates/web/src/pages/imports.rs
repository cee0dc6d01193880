//! `/import`: bringing knowledge in from where it lives. A knowledge specialist uploads
//! a Confluence space export, a zip of Markdown from another wiki, or a Word or HTML
//! document, chooses what every item becomes, reads the dry run, then imports; the page
//! shows the import's progress (refreshing itself with htmx, or by a link without
//! JavaScript) and what it made.
use axum::http::{StatusCode, header};
use signpost_domain::FieldError;
use signpost_domain::assets::Visibility;
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::AssetId;
use signpost_services::knowledge_import::{Findings, ImportChoices, ImportReport, StageState, Staged, safe_file_name};

use crate::pages::prelude::*;

/// The largest export a page accepts; larger ones are imported at the console.
pub const MAX_IMPORT_UPLOAD: usize = 256 * 1024 * 1024;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/import", start)
        .large_upload("/import/upload", "/import", MAX_IMPORT_UPLOAD, upload)
        .page("/import/{key}", show)
        .page("/import/{key}/progress", progress)
        .form_back("/import/{key}/start", "/import/{key}", confirm)
        .page("/assets/{id}/files/{file}", image)
}

crate::page_form! {
    /// What every imported item becomes.
    pub struct ChoicesForm / ChoicesNames { team: String, kind: String, review_days: String, visibility: String }
}

impl ChoicesForm {
    fn from_fields(fields: &std::collections::HashMap<String, String>) -> Self {
        let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
        ChoicesForm { team: get("team"), kind: get("kind"), review_days: get("review_days"), visibility: get("visibility") }
    }

    fn choices(&self) -> Result<ImportChoices, ServiceError> {
        let mut errors = Vec::new();
        let team_id =
            self.team.parse().map_err(|_| errors.push(FieldError::new("team", "Choose the team the imported items belong to"))).ok();
        let kind =
            AssetKind::parse(&self.kind).map_err(|_| errors.push(FieldError::new("kind", "Choose what kind of knowledge they are"))).ok();
        let days = self
            .review_days
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .ok_or_else(|| errors.push(FieldError::new("review_days", "Enter the days between reviews, from 1 to 3650")))
            .ok();
        let visibility = Visibility::parse(&self.visibility)
            .ok()
            .filter(|v| *v != Visibility::Named)
            .ok_or_else(|| errors.push(FieldError::new("visibility", "Choose who may see them")))
            .ok();
        match (team_id, kind, days, visibility) {
            (Some(team_id), Some(kind), Some(review_interval_days), Some(visibility)) if errors.is_empty() => {
                Ok(ImportChoices { kind, team_id, owner_id: None, review_interval_days, visibility })
            }
            _ => Err(ServiceError::Invalid(errors)),
        }
    }
}

async fn start_page(s: &AppState, actor: &Actor, viewer: &Viewer, form: &ChoicesForm, errors: &Errors) -> PageMarkup {
    s.app.ensure_may_import(actor)?;
    let teams: Vec<(String, String)> = s.app.teams(actor).await?.into_iter().map(|t| (t.id.to_string(), t.name)).collect();
    let mut team_options = vec![(String::new(), "Choose a team".to_string())];
    team_options.extend(teams);
    let kinds: Vec<(String, String)> = AssetKind::ALL.iter().map(|k| (k.as_str().to_string(), label(k.as_str()))).collect();
    let visibilities: Vec<(String, String)> = [Visibility::Organisation, Visibility::Team, Visibility::Public]
        .iter()
        .map(|v| (v.as_str().to_string(), label(v.as_str())))
        .collect();
    let kind = if form.kind.is_empty() { "guidance" } else { &form.kind };
    let days = if form.review_days.is_empty() { "365" } else { &form.review_days };
    let visibility = if form.visibility.is_empty() { "organisation" } else { &form.visibility };
    let body = html! {
        div class="nhsuk-grid-row" { div class="nhsuk-grid-column-two-thirds" {
            (error_summary(errors))
            h1 { "Import knowledge" }
            p { "Bring in knowledge from where it lives now. You will see what would happen before anything is imported, and importing the same export again later updates what it made rather than copying it." }
            ul class="nhsuk-list nhsuk-list--bullet" {
                li { "a Confluence space exported as HTML (a .zip)" }
                li { "a .zip of Markdown from Outline, Obsidian, Notion or another wiki" }
                li { "a Word document (.docx), a web page (.html) or a Markdown file (.md)" }
            }
            form method="post" action="/import/upload" enctype="multipart/form-data" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new("file", "Export or document").hint("Up to 256 MB here; larger exports are imported at the console with signpost import-knowledge.").errors(errors).input("file", ""))
                (Field::new("team", "Team").hint("Every imported item belongs to this team.").errors(errors).select(&team_options, &form.team))
                (Field::new("kind", "Kind of knowledge").errors(errors).select(&kinds, kind))
                (Field::new("review_days", "Days between reviews").hint("The first review falls due this many days after the import.").errors(errors).input("number", days))
                (Field::new("visibility", "Who may see them").errors(errors).select(&visibilities, visibility))
                p class="nhsuk-body-s" { "Items are owned by their authors where the export names people who are here, and by you otherwise. Everything is imported as a draft, so nothing is published until someone has read it." }
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Check the import" }
            }
        } }
    };
    Ok(page(if errors.is_empty() { "Import knowledge" } else { "Error: Import knowledge" }, Some(viewer), "", body))
}

/// `GET /import`.
pub async fn start(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    Ok(start_page(&s, &actor, &viewer, &ChoicesForm::default(), &Vec::new()).await?.into_response())
}

/// `POST /import/upload`: the upload written to disk as it arrives, then its dry run.
pub async fn upload(State(s): State<AppState>, mut upload: CsrfUpload) -> PageResult {
    // May this person import at all? Settled before a byte of the file is read.
    let folder = s.app.import_upload_folder(&upload.actor)?;
    let spooled = upload.spool("file", folder.path(), safe_file_name).await;
    let CsrfUpload { actor, viewer, .. } = upload;
    let (form, result) = match spooled {
        Err(UploadError::Page(e)) => return Err(e),
        Err(UploadError::Refused(e)) => (ChoicesForm::default(), Err(e)),
        Ok(spooled) => {
            let form = ChoicesForm::from_fields(&spooled.fields);
            let result = match form.choices() {
                Ok(choices) => s.app.stage_knowledge_import(&actor, folder, &spooled.file_name, choices).await,
                Err(e) => Err(e),
            };
            (form, result)
        }
    };
    match result {
        Ok(staged) => Ok(see_other(&format!("/import/{}", staged.id))),
        Err(e) => {
            let errors = refused_as(e, str::to_string)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, start_page(&s, &actor, &viewer, &form, &errors).await?).into_response())
        }
    }
}

fn findings(id: &str, heading: &str, f: &Findings) -> Markup {
    html! {
        @if f.total > 0 {
            h2 class="nhsuk-heading-s" id=(id) { (heading) " (" (f.total) ")" }
            ul class="nhsuk-list nhsuk-list--bullet" {
                @for item in &f.items { li { strong { (item.place) } ": " (item.detail) } }
                @if f.total > f.items.len() { li { "and " (f.total - f.items.len()) " more" } }
            }
        }
    }
}

fn report_markup(r: &ImportReport) -> Markup {
    html! {
        dl class="nhsuk-summary-list" id="import-summary" {
            @for (key, value) in [
                ("What it is", r.source.clone()),
                ("Documents", r.documents.to_string()),
                ("New assets", r.create.to_string()),
                ("Updated from an earlier import", r.update.to_string()),
                ("Unchanged since an earlier import", r.unchanged.to_string()),
                ("Links between documents, pointed at their new assets", r.links_rewritten.to_string()),
                ("Authors matched to people here", r.authors_matched.to_string()),
            ] {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { (key) } dd class="nhsuk-summary-list__value" { (value) } }
            }
        }
        (findings("problems", "Problems: nothing can be imported until they are fixed", &r.problems))
        (findings("identifiers", "Probable NHS numbers: these stay drafts until the numbers are removed", &r.identifiers))
        (findings("duplicates", "Possible duplicates of existing assets", &r.duplicates))
        (findings("broken-links", "Links that lead nowhere: their text is kept", &r.broken_links))
        (findings("attachments", "Images and attachments", &r.attachments))
        (findings("unsupported", "Content that cannot be carried over", &r.unsupported))
        (findings("unmatched", "Authors who are not people here", &r.authors_unmatched))
    }
}

/// What the import would do, as one phrase: "make 3 new assets and update 1 …".
fn plan_summary(r: &ImportReport) -> String {
    let parts: Vec<String> = [
        (r.create, "make", "new asset", "new assets"),
        (r.update, "update", "asset an earlier import made", "assets an earlier import made"),
        (r.unchanged, "leave", "unchanged", "unchanged"),
    ]
    .into_iter()
    .filter(|(n, ..)| *n > 0)
    .map(|(n, verb, one, many)| format!("{verb} {}", counted(n as i64, one, many)))
    .collect();
    match parts.split_last() {
        None => "do nothing".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// What a person should read before importing, as one phrase, if anything.
fn to_read(r: &ImportReport) -> Option<String> {
    let parts: Vec<String> = [
        (r.identifiers.total, "probable NHS number", "probable NHS numbers"),
        (r.duplicates.total, "possible duplicate of an existing asset", "possible duplicates of existing assets"),
        (r.broken_links.total, "link that leads nowhere", "links that lead nowhere"),
        (r.unsupported.total, "piece of content that cannot be carried over", "pieces of content that cannot be carried over"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| counted(n as i64, one, many))
    .collect();
    match parts.split_last() {
        None => None,
        Some((last, [])) => Some(last.clone()),
        Some((last, rest)) => Some(format!("{} and {last}", rest.join(", "))),
    }
}

fn progress_markup(staged: &Staged) -> Markup {
    html! {
        @match &staged.state {
            StageState::Importing { done, total } => {
                div id="import-progress" hx-get={ "/import/" (staged.id) "/progress" } hx-trigger="every 1s" hx-swap="outerHTML" {
                    h2 { "Importing" }
                    p { label for="import-bar" { (done) " of " (total) " documents written" } }
                    progress id="import-bar" max=(total) value=(done) { (done) " of " (total) }
                    p class="nhsuk-body-s" { "Nothing is visible until every document is written. " a href={ "/import/" (staged.id) } { "Refresh to see how far it has got" } }
                }
            }
            StageState::Imported { outcome } => {
                div id="import-progress" class="nhsuk-panel" {
                    h2 class="nhsuk-panel__title" { "Imported" }
                    p { (outcome.created) " created, " (outcome.updated) " updated, " (outcome.unchanged) " unchanged." }
                    @if outcome.created > 0 { p { "New assets are drafts: " a href="/search?status=draft" { "read and publish them" } "." } }
                }
            }
            StageState::Failed { message } => {
                div id="import-progress" class="nhsuk-error-summary" role="alert" tabindex="-1" aria-labelledby="import-failed" {
                    h2 class="nhsuk-error-summary__title" id="import-failed" { "Nothing was imported" }
                    div class="nhsuk-error-summary__body" { p { (capitalised(message)) } }
                }
            }
            StageState::Planned => {}
        }
    }
}

/// `GET /import/{key}`: the dry run, and the import's progress once it has started.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(key): PagePath<String>) -> PageResult {
    let staged = s.app.staged_import(&actor, &key)?;
    let r = &staged.report;
    let body = html! {
        div class="nhsuk-grid-row" { div class="nhsuk-grid-column-full" {
            a class="nhsuk-back-link" href="/import" { "Import something else" }
            h1 { span class="nhsuk-caption-l" { (staged.file_name) } @if matches!(staged.state, StageState::Planned) { "Check the import" } @else { "Import" } }
            (progress_markup(&staged))
            @if matches!(staged.state, StageState::Planned) {
                @if !r.ready() {
                    div class="nhsuk-error-summary" role="alert" tabindex="-1" aria-labelledby="not-ready" {
                        h2 class="nhsuk-error-summary__title" id="not-ready" { "This export cannot be imported" }
                        div class="nhsuk-error-summary__body" { p { "Nothing has been imported. Fix the problems listed below in the source, export again and upload the new file." } }
                    }
                } @else if r.create + r.update == 0 {
                    p id="nothing-to-do" { "Everything in this export is already here, unchanged since it was last imported: there is nothing to import." }
                } @else {
                    p class="nhsuk-body-l" id="plan-summary" { "Nothing has been imported yet. This would " (plan_summary(r)) "." }
                    @if let Some(to_read) = to_read(r) {
                        div class="nhsuk-inset-text" {
                            span class="nhsuk-u-visually-hidden" { "Information: " }
                            p { "Read what is listed below before you import: " (to_read) "." }
                        }
                    }
                    form method="post" action={ "/import/" (staged.id) "/start" } novalidate {
                        (csrf_field(&viewer.csrf_token))
                        button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Import " (counted((r.create + r.update) as i64, "document", "documents")) }
                    }
                }
            }
            h2 { "What the dry run found" }
            (report_markup(r))
            @if !r.items.is_empty() {
                h2 { "Documents" }
                table class="nhsuk-table" id="import-items" {
                    caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Documents in the export" }
                    (table_head(&["Title", "Where", "What happens"]))
                    tbody class="nhsuk-table__body" {
                        @for item in &r.items {
                            tr class="nhsuk-table__row" {
                                td class="nhsuk-table__cell" { (item.title) }
                                td class="nhsuk-table__cell" { (item.path) }
                                td class="nhsuk-table__cell" {
                                    @match (item.action, item.asset_id) {
                                        (signpost_services::knowledge_import::Action::Create, _) => { "New asset" }
                                        (signpost_services::knowledge_import::Action::Update, Some(id)) => { "Updates " a href={ "/assets/" (id) } { "asset " (id) } }
                                        (_, Some(id)) => { "Unchanged (" a href={ "/assets/" (id) } { "asset " (id) } ")" }
                                        (_, None) => { "Updates an asset" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } }
    };
    Ok(page("Import knowledge", Some(&viewer), "", body).into_response())
}

/// `GET /import/{key}/progress`: the progress panel alone, for htmx to swap in.
pub async fn progress(SignedIn(s, actor, _viewer): SignedIn, PagePath(key): PagePath<String>) -> PageResult {
    let staged = s.app.staged_import(&actor, &key)?;
    Ok(progress_markup(&staged).into_response())
}

/// `POST /import/{key}/start`.
pub async fn confirm(PagePath(key): PagePath<String>, CsrfForm(s, actor, _viewer, _form): CsrfForm<ChoicesForm>) -> PageResult {
    let staged = s.app.start_staged_import(&actor, &key)?;
    Ok(see_other(&format!("/import/{}", staged.id)))
}

/// `GET /assets/{id}/files/{file}`: an image imported with an asset, to anyone who may see the asset.
pub async fn image(SignedIn(s, actor, _viewer): SignedIn, PagePath((id, file)): PagePath<(AssetId, i64)>) -> PageResult {
    let (media_type, bytes) = s.app.asset_image(&actor, id, file).await?;
    Ok((
        [
            (header::CONTENT_TYPE, media_type),
            (header::CACHE_CONTROL, "private, max-age=3600".to_string()),
            (header::CONTENT_DISPOSITION, "inline".to_string()),
        ],
        bytes,
    )
        .into_response())
}
