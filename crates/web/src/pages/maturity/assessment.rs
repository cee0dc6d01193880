//! Maturity self-assessment: a model with its diagrams and team assessments, the
//! assessment form, one assessment, spreadsheet downloads and uploads.
use axum::http::{StatusCode, header};
use serde::Deserialize;
use signpost_domain::maturity::{MaturityModel, Rating};
use signpost_services::maturity::AssessmentInput;
use signpost_services::{ServiceError, policy};

use super::charts::{heatmap, river, stairs, trends};
use crate::pages::prelude::*;
use signpost_domain::ids::TeamId;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/maturity", overview)
        .page("/maturity/assess", assess_form)
        .form("/maturity/assess", assess)
        .page("/maturity/assessments/{id}", show)
        .upload("/maturity/import", "/maturity", import)
        .upload("/maturity/models", "/maturity", load_model)
        .page("/maturity/{key}/assessments.xlsx", download)
        .page("/maturity/{key}/model.xlsx", download_model)
}

/// Which model.
#[derive(Debug, Deserialize)]
pub struct ModelQuery {
    /// The model's key.
    pub model: Option<String>,
    /// The team to assess, when a team's page sent the person here.
    pub team: Option<i64>,
}

crate::notices! {
    /// What the maturity pages say after a change.
    pub enum MaturityNotice {
        Imported => "Imported.",
        Loaded => "Model loaded.",
        Recorded => "Assessment recorded.",
    }
}

crate::page_form! {
    /// An assessment: the conversation, then for each category in the model's order
    /// where the team is now, its target and the evidence.
    pub struct AssessForm / AssessNames {
        team_id: String, held_on: String, facilitator: String, participants: String,
        current: Vec<String>, target: Vec<String>, evidence: Vec<String>, actions: String,
    }
}

fn model_details(m: &MaturityModel) -> Markup {
    html! {
        p class="nhsuk-body-s" { "Source: " (m.source) }
        @if !m.complete {
            div class="nhsuk-warning-callout" {
                h3 class="nhsuk-warning-callout__label" { "Incomplete" }
                p { (m.note) }
            }
        } @else if !m.note.is_empty() { p class="nhsuk-body-s" { (m.note) } }
        details class="nhsuk-details" {
            summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Levels and categories" } }
            div class="nhsuk-details__text" {
                p { "Levels: " (m.levels.iter().enumerate().map(|(i, _)| m.level_label(i as u8 + 1)).collect::<Vec<_>>().join(", ")) }
                ol id="categories" {
                    @for c in &m.categories {
                        li {
                            (c.name)
                            @if !c.descriptions.is_empty() {
                                ul class="nhsuk-body-s" { @for (i, d) in c.descriptions.iter().enumerate() { @if !d.is_empty() { li { (m.level_label(i as u8 + 1)) ": " (d) } } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A form's secondary submit button.
fn submit(text: &str) -> Markup {
    html! { button class="nhsuk-button nhsuk-button--secondary" type="submit" { (text) } }
}

/// The model's page; `sent` carries a refused upload's problems, or the notice.
async fn overview_page(s: &AppState, actor: &Actor, viewer: &Viewer, key: Option<&str>, sent: &FormState<()>) -> PageMarkup {
    let (errors, done) = (&sent.errors, sent.notice);
    let models = s.app.maturity_models(actor).await?;
    let key = key.filter(|k| models.iter().any(|m| m.key == *k)).unwrap_or(&models[0].key).to_string();
    let o = s.app.maturity_overview(actor, &key).await?;
    let options: Vec<(String, String)> = models.iter().map(|m| (m.key.clone(), m.name.clone())).collect();
    let csrf = csrf_field(&viewer.csrf_token);
    let may_load = policy::may_load_models(actor);
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Maturity self-assessment" }
        p { "A team has a facilitated conversation about how it shares and uses knowledge, rates itself against a model (where it is and where it wants to be), notes the evidence and agrees an action plan. Compare teams to see who could help whom, and revisit to see progress." }
        form method="get" action="/maturity" {
            (Field::new("model", "Model").select(&options, &key))
            button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Show" }
        }
        h2 { (o.model.name) }
        (model_details(&o.model))
        div class="nhsuk-button-group" {
            a class="nhsuk-button" href={ "/maturity/assess?model=" (key) } { "Record an assessment" }
            a class="nhsuk-button nhsuk-button--secondary" href={ "/maturity/" (key) "/assessments.xlsx" } download { "Download assessments (.xlsx)" }
            a class="nhsuk-button nhsuk-button--secondary" href={ "/maturity/" (key) "/model.xlsx" } download { "Download the model (.xlsx)" }
        }
        @if o.teams.is_empty() { p { "No team has assessed itself against this model yet." } }
        @else {
            h2 { "Teams" }
            ul class="nhsuk-list nhsuk-list--border" id="assessments" {
                @for t in &o.teams {
                    li {
                        a href={ "/maturity/assessments/" (t.latest.id) } { (t.team) } " — latest " (long_date(t.latest.held_on))
                        @if t.history.len() > 1 { " (" (t.history.len()) " assessments)" }
                    }
                }
            }
            (river(&o))
            (stairs(&o))
            @if !o.helpers.is_empty() {
                h3 { "Who could help whom" }
                ul class="nhsuk-list nhsuk-list--bullet" id="helpers" {
                    @for h in &o.helpers { li { (h.from_team) " (at " (h.from_level) ") could help " (h.to_team) " reach " (h.to_target) " in " (h.category) } }
                }
            }
            (heatmap(&o))
            (trends(&o))
        }
        h2 { "Import assessments" }
        p { "Upload a workbook laid out like the download: a sheet Assessments (one row per category) and a sheet Actions. Every assessment is checked; all are stored or none." }
        form method="post" action="/maturity/import" enctype="multipart/form-data" novalidate {
            (csrf)
            (Field::new("file", "Workbook (.xlsx)").errors(errors).input("file", "")) (submit("Import"))
        }
        @if may_load {
            h2 { "Load your organisation's own model" }
            p { "A YAML file in the shipped models' format, or a workbook laid out like the model download (sheets Model, Levels and Categories). Loading a model with the same key replaces it." }
            form method="post" action="/maturity/models" enctype="multipart/form-data" novalidate {
                (csrf)
                (Field::new("model_file", "Model (.yaml or .xlsx)").errors(errors).input("file", "")) (submit("Load the model"))
            }
        }
    };
    Ok(page("Maturity self-assessment", Some(viewer), "", body))
}

/// `GET /maturity`.
pub async fn overview(
    SignedIn(s, actor, viewer): SignedIn,
    PageQuery(q): PageQuery<ModelQuery>,
    notice: Done<MaturityNotice>,
) -> PageResult {
    Ok(overview_page(&s, &actor, &viewer, q.model.as_deref(), &FormState::shown(notice.message())).await?.into_response())
}

fn xlsx(name: &str, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string();
    ([(header::CONTENT_TYPE, kind), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// Which team's assessments to download.
#[derive(Debug, Deserialize)]
pub struct TeamQuery {
    /// The team, or every team.
    pub team: Option<i64>,
}

/// `GET /maturity/{key}/assessments.xlsx`.
pub async fn download(SignedIn(s, actor, _): SignedIn, PagePath(key): PagePath<String>, PageQuery(q): PageQuery<TeamQuery>) -> PageResult {
    let bytes = s.app.export_assessments(&actor, &key, q.team.map(TeamId)).await?;
    Ok(xlsx(&format!("{key}-assessments.xlsx"), bytes))
}

/// `GET /maturity/{key}/model.xlsx`.
pub async fn download_model(SignedIn(s, actor, _): SignedIn, PagePath(key): PagePath<String>) -> PageResult {
    let model = s.app.maturity_model(&actor, &key).await?;
    Ok(xlsx(&format!("{key}-model.xlsx"), signpost_services::Signpost::model_workbook(&model)?))
}

/// Shows the overview again with the problems on `field`.
async fn refused_upload(s: &AppState, actor: &Actor, viewer: &Viewer, field: &str, e: ServiceError) -> PageResult {
    let (status, errors): (StatusCode, Errors) = match e {
        ServiceError::TooLarge(m) => (StatusCode::PAYLOAD_TOO_LARGE, vec![(field.to_string(), capitalised(&m))]),
        e => (StatusCode::UNPROCESSABLE_ENTITY, refused(e)?.into_iter().map(|(_, m)| (field.to_string(), m)).collect()),
    };
    Ok((status, overview_page(s, actor, viewer, None, &FormState::with_errors((), errors)).await?).into_response())
}

/// `POST /maturity/import`.
pub async fn import(State(s): State<AppState>, mut upload: CsrfUpload) -> PageResult {
    policy::ensure_can_contribute_as_staff(&upload.actor)?;
    let file = match upload.read("file").await {
        Ok(f) => f,
        Err(UploadError::Page(e)) => return Err(e),
        Err(UploadError::Refused(e)) => return refused_upload(&s, &upload.actor, &upload.viewer, "file", e).await,
    };
    let CsrfUpload { actor, viewer, .. } = upload;
    match s.app.import_assessments(&actor, &file.bytes).await {
        Ok(list) => Ok(done(&format!("/maturity?model={}", list[0].model_key), MaturityNotice::Imported)),
        Err(e) => refused_upload(&s, &actor, &viewer, "file", e).await,
    }
}

/// `POST /maturity/models`: a YAML or XLSX model.
pub async fn load_model(State(s): State<AppState>, mut upload: CsrfUpload) -> PageResult {
    // Who may load models is settled before a byte of the file is read.
    policy::ensure_can_load_models(&upload.actor)?;
    let (name, bytes) = match upload.read("model_file").await {
        Ok(f) => (f.file_name, f.bytes),
        Err(UploadError::Page(e)) => return Err(e),
        Err(UploadError::Refused(e)) => return refused_upload(&s, &upload.actor, &upload.viewer, "model_file", e).await,
    };
    let CsrfUpload { actor, viewer, .. } = upload;
    let loaded = if name.to_lowercase().ends_with(".xlsx") || bytes.starts_with(b"PK") {
        s.app.load_model_xlsx(&actor, &bytes).await
    } else {
        match String::from_utf8(bytes) {
            Ok(text) => s.app.load_model_yaml(&actor, &text).await,
            Err(_) => Err(ServiceError::invalid("file", "the file is neither YAML text nor an .xlsx workbook")),
        }
    };
    match loaded {
        Ok(model) => Ok(done(&format!("/maturity?model={}", model.key), MaturityNotice::Loaded)),
        Err(e) => refused_upload(&s, &actor, &viewer, "model_file", e).await,
    }
}

async fn assess_page(s: &AppState, actor: &Actor, viewer: &Viewer, key: &str, form: &AssessForm, errors: &Errors) -> PageMarkup {
    let model = s.app.maturity_model(actor, key).await?;
    let teams = s.app.teams(actor).await?;
    let options: Vec<(String, String)> =
        teams.iter().filter(|t| policy::can_assess_team(actor, t.id)).map(|t| (t.id.to_string(), t.name.clone())).collect();
    let levels: Vec<(String, String)> = std::iter::once((String::new(), "Choose a level".to_string()))
        .chain((1..=model.top()).map(|l| (l.to_string(), model.level_label(l))))
        .collect();
    let n = AssessForm::NAMES;
    let at = |list: &[String], i: usize| list.get(i).cloned().unwrap_or_default();
    let title = format!("Assess against {}", model.name);
    let body = html! {
        (error_summary(errors))
        a class="nhsuk-back-link" href={ "/maturity?model=" (key) } { "Back to the model" }
        h1 { (title) }
        p { "Agree each rating together. Where the team is now, where it wants to be, and what it already does that shows it." }
        form method="post" action={ "/maturity/assess?model=" (key) } novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(n.team_id, "Team").errors(errors).select(&options, &form.team_id))
            (Field::new(n.held_on, "Date of the conversation").hint("For example, 23 11 2026").errors(errors).date(&form.held_on))
            (Field::new(n.facilitator, "Facilitator").errors(errors).input("text", &form.facilitator))
            (Field::new(n.participants, "Who took part").hint("One per line").errors(errors).textarea(3, &form.participants))
            @for (i, c) in model.categories.iter().enumerate() {
                fieldset class="nhsuk-fieldset" id={ "category-" (i) } {
                    legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m" { (c.name) }
                    @if !c.descriptions.is_empty() {
                        ul class="nhsuk-body-s" { @for (l, d) in c.descriptions.iter().enumerate() { @if !d.is_empty() { li { (model.level_label(l as u8 + 1)) ": " (d) } } } }
                    }
                    div class="signpost-inline-fields" {
                        @let (current, target) = (format!("current-{i}"), format!("target-{i}"));
                        (Field::new(&current, "Now").name(n.current).errors_at(errors, &current).select(&levels, &at(&form.current, i)))
                        (Field::new(&target, "Target").name(n.target).errors_at(errors, &target).select(&levels, &at(&form.target, i)))
                    }
                    @let evidence = format!("evidence-{i}");
                    (Field::new(&evidence, "Evidence").name(n.evidence).hint("What the team already does").errors_at(errors, &evidence).textarea(2, &at(&form.evidence, i)))
                }
            }
            (Field::new(n.actions, "Development action plan").hint("One step per line").errors(errors).textarea(4, &form.actions))
            button class="nhsuk-button" type="submit" { "Record the assessment" }
        }
    };
    Ok(page(&title, Some(viewer), "", body))
}

/// `GET /maturity/assess?model=`.
pub async fn assess_form(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<ModelQuery>) -> PageResult {
    let key = q.model.unwrap_or_else(|| "nhs-km".into());
    let fresh = AssessForm {
        team_id: q.team.map(TeamId).or(actor.own_team()).map(|t| t.to_string()).unwrap_or_default(),
        held_on: chrono::Utc::now().date_naive().to_string(),
        ..AssessForm::default()
    };
    Ok(assess_page(&s, &actor, &viewer, &key, &fresh, &Vec::new()).await?.into_response())
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// `POST /maturity/assess?model=`.
pub async fn assess(PageQuery(q): PageQuery<ModelQuery>, CsrfForm(s, actor, viewer, form): CsrfForm<AssessForm>) -> PageResult {
    let key = q.model.unwrap_or_else(|| "nhs-km".into());
    let model = s.app.maturity_model(&actor, &key).await?;
    let mut errors: Errors = Vec::new();
    let mut ratings = Vec::new();
    for (i, c) in model.categories.iter().enumerate() {
        let level = |list: &[String]| list.get(i).and_then(|v| v.parse::<u8>().ok());
        match (level(&form.current), level(&form.target)) {
            (Some(current), Some(target)) => {
                let evidence = form.evidence.get(i).cloned().unwrap_or_default();
                ratings.push(Rating { category: c.name.clone(), current, target, evidence })
            }
            (None, _) => errors.push((format!("current-{i}"), format!("Choose where the team is now in {}", c.name))),
            (_, None) => errors.push((format!("target-{i}"), format!("Choose the team's target in {}", c.name))),
        }
    }
    let input = AssessmentInput {
        model_key: key.clone(),
        team_id: form.team_id.parse().unwrap_or(TeamId(0)),
        held_on: form.held_on.clone(),
        facilitator: form.facilitator.clone(),
        participants: lines(&form.participants),
        ratings,
        actions: lines(&form.actions),
    };
    if errors.is_empty() {
        match s.app.record_assessment(&actor, input).await {
            Ok(a) => return Ok(done(&format!("/maturity/assessments/{}", a.id), MaturityNotice::Recorded)),
            Err(e) => {
                for (field, message) in refused(e)? {
                    // "ratings[2].target" is the third category's target on this form.
                    let mapped = match field.strip_prefix("ratings[").and_then(|r| r.split_once("].")) {
                        Some((i, part)) => format!("{part}-{i}"),
                        None if field == "ratings" => "current-0".into(),
                        None => field.split('[').next().unwrap_or_default().to_string(),
                    };
                    errors.push((mapped, message));
                }
            }
        }
    }
    Ok(assess_page(&s, &actor, &viewer, &key, &form, &errors).await?.into_response())
}

/// `GET /maturity/assessments/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<i64>, notice: Done<MaturityNotice>) -> PageResult {
    let a = s.app.assessment(&actor, id).await?;
    let model = s.app.maturity_model(&actor, &a.model_key).await?;
    let team = s.app.teams(&actor).await?.into_iter().find(|t| t.id == a.team_id).map(|t| t.name).unwrap_or_default();
    let title = format!("{team}: {} assessment, {}", model.name, long_date(a.held_on));
    let body = html! {
        @if let Some(d) = notice.message() { (success_banner(d)) }
        a class="nhsuk-back-link" href={ "/maturity?model=" (a.model_key) } { "Back to the model" }
        h1 { (title) }
        dl class="nhsuk-summary-list" {
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Facilitator" } dd class="nhsuk-summary-list__value" { (a.facilitator) } }
            div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { "Who took part" } dd class="nhsuk-summary-list__value" { (a.participants.join(", ")) } }
        }
        table class="nhsuk-table" id="ratings" {
            caption class="nhsuk-table__caption" { "Ratings" }
            (table_head(&["Category", "Now", "Target", "Evidence"]))
            tbody class="nhsuk-table__body" {
                @for r in &a.ratings {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { (r.category) }
                        td class="nhsuk-table__cell" { (model.level_label(r.current)) }
                        td class="nhsuk-table__cell" { (model.level_label(r.target)) }
                        td class="nhsuk-table__cell" { (r.evidence) }
                    }
                }
            }
        }
        h2 { "Action plan" }
        @if a.actions.is_empty() { p { "None recorded." } }
        ol id="action-plan" { @for step in &a.actions { li { (step) } } }
        a class="nhsuk-button nhsuk-button--secondary" href={ "/maturity/" (a.model_key) "/assessments.xlsx?team=" (a.team_id) } download { "Download this team's assessments (.xlsx)" }
    };
    Ok(page(&title, Some(&viewer), "", body).into_response())
}
