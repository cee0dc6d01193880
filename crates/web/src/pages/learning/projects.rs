//! Projects: the list, planning a new one, and a project's page — what was learned
//! elsewhere that bears on it (the lessons loop), and its timeline before, during and after.
use axum::http::StatusCode;
use signpost_domain::learning::{ActionStatus, ProjectStage, Session};
use signpost_domain::techniques::Stage;
use signpost_services::learning::lessons_loop::{MarkInput, Suggested, Suggestions};
use signpost_services::learning::projects::{ProjectInput, Timeline};

use crate::pages::prelude::*;
use signpost_domain::ids::ProjectId;

crate::page_form! {
    /// The fields of this page's forms.
    pub struct ProjectForm / ProjectNames { title: String, description: String, tags: String, team_id: String, starts_on: String, ends_on: String, stage: String, asset_id: String, useful: String, back: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/projects", list)
        .form("/projects", create)
        .page("/projects/new", new_form)
        .page("/projects/{id}", show)
        .page("/projects/{id}/edit", edit_form)
        .form("/projects/{id}/edit", update)
        .form("/projects/{id}/marks", mark)
}

pub(crate) fn stage_name(stage: ProjectStage) -> &'static str {
    match stage {
        ProjectStage::Planning => "Planning",
        ProjectStage::Running => "Under way",
        ProjectStage::Closed => "Finished",
    }
}

/// `GET /projects`.
pub async fn list(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let projects = s.app.projects(&actor).await?;
    let body = html! {
        h1 { "Projects" }
        p class="nhsuk-lede-text" { "Any piece of work a team learns before, during and after." }
        a class="nhsuk-button" href="/projects/new" { "Plan a project" }
        @if projects.is_empty() { p { "No projects yet." } }
        @else {
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Projects" }
                (table_head(&["Project", "Stage", "Tags"]))
                tbody class="nhsuk-table__body" {
                    @for p in &projects {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { a href={ "/projects/" (p.id) } { (p.title) } }
                            td class="nhsuk-table__cell" { (stage_name(p.stage)) }
                            td class="nhsuk-table__cell" { (p.tags.join(", ")) }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Projects", Some(&viewer), "", body).into_response())
}

/// Planning a new project, or changing one.
#[derive(Clone, Copy)]
enum FormFor {
    New,
    Edit(i64),
}

fn project_form(viewer: &Viewer, teams: &[(String, String)], form: &ProjectForm, errors: &Errors, target: FormFor) -> Markup {
    let (heading, action, button) = match target {
        FormFor::New => ("Plan a project".to_string(), "/projects".to_string(), "Create project"),
        FormFor::Edit(id) => ("Change the project".to_string(), format!("/projects/{id}/edit"), "Save changes"),
    };
    let stages: Vec<(String, String)> = ProjectStage::ALL.iter().map(|s| (s.as_str().to_string(), stage_name(*s).to_string())).collect();
    let body = html! {
        (error_summary(errors))
        h1 { (heading) }
        p { "Describe the work in plain words: Signpost uses the description to find what others have already learned." }
        form method="post" action=(action) novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(ProjectForm::NAMES.title, "Project name").errors(errors).input("text", form.title.as_str()))
            (Field::new(ProjectForm::NAMES.description, "What is the work, and what should it achieve?").errors(errors).textarea(6, form.description.as_str()))
            (Field::new(ProjectForm::NAMES.tags, "Tags").hint("Separate with commas, for example: vaccination, clinic flow").errors(errors).input("text", form.tags.as_str()))
            (Field::new(ProjectForm::NAMES.team_id, "Team").errors(errors).select(teams, form.team_id.as_str()))
            (Field::new(ProjectForm::NAMES.starts_on, "Start date").hint("For example, 31 1 2027").errors(errors).date(form.starts_on.as_str()))
            (Field::new(ProjectForm::NAMES.ends_on, "End date").hint("For example, 30 6 2027").errors(errors).date(form.ends_on.as_str()))
            @if let FormFor::Edit(_) = target { (Field::new(ProjectForm::NAMES.stage, "Stage").errors(errors).select(&stages, form.stage.as_str())) }
            button class="nhsuk-button" type="submit" { (button) }
        }
    };
    page(&heading, Some(viewer), "", body)
}

fn input_of(form: &ProjectForm) -> ProjectInput {
    ProjectInput {
        title: form.title.clone(),
        description: form.description.clone(),
        team_id: form.team_id.parse().ok(),
        tags: form.tags.as_str().split(',').map(str::to_string).collect(),
        starts_on: form.starts_on.clone(),
        ends_on: form.ends_on.clone(),
        stage: ProjectStage::ALL.into_iter().find(|s| s.as_str() == form.stage.as_str()),
    }
}

async fn team_options(s: &AppState, actor: &Actor) -> Result<Vec<(String, String)>, PageError> {
    let mut teams: Vec<(String, String)> = vec![(String::new(), "My own team".to_string())];
    teams.extend(s.app.teams(actor).await?.into_iter().map(|t| (t.id.to_string(), t.name)));
    Ok(teams)
}

/// `GET /projects/new`.
pub async fn new_form(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    s.app.may_plan(&actor)?;
    let teams = team_options(&s, &actor).await?;
    Ok(project_form(&viewer, &teams, &ProjectForm::default(), &Vec::new(), FormFor::New).into_response())
}

/// `POST /projects`.
pub async fn create(CsrfForm(s, actor, viewer, form): CsrfForm<ProjectForm>) -> PageResult {
    match s.app.create_project(&actor, input_of(&form)).await {
        Ok(p) => Ok(see_other(&format!("/projects/{}", p.id))),
        Err(e) => {
            let errors = refused(e)?;
            let teams = team_options(&s, &actor).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, project_form(&viewer, &teams, &form, &errors, FormFor::New)).into_response())
        }
    }
}

/// `GET /projects/{id}/edit`.
pub async fn edit_form(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<ProjectId>) -> PageResult {
    let p = s.app.editable_project(&actor, id).await?;
    let values = ProjectForm {
        title: p.title.clone(),
        description: p.description.clone(),
        tags: p.tags.join(", "),
        team_id: p.team_id.to_string(),
        starts_on: p.starts_on.map(|d| d.to_string()).unwrap_or_default(),
        ends_on: p.ends_on.map(|d| d.to_string()).unwrap_or_default(),
        stage: p.stage.as_str().to_string(),
        ..ProjectForm::default()
    };
    let teams = team_options(&s, &actor).await?;
    Ok(project_form(&viewer, &teams, &values, &Vec::new(), FormFor::Edit(id.0)).into_response())
}

/// `POST /projects/{id}/edit`.
pub async fn update(PagePath(id): PagePath<ProjectId>, CsrfForm(s, actor, viewer, form): CsrfForm<ProjectForm>) -> PageResult {
    match s.app.update_project(&actor, id, input_of(&form)).await {
        Ok(p) => Ok(see_other(&format!("/projects/{}", p.id))),
        Err(e) => {
            let errors = refused(e)?;
            let teams = team_options(&s, &actor).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, project_form(&viewer, &teams, &form, &errors, FormFor::Edit(id.0))).into_response())
        }
    }
}

fn mark_buttons(viewer: &Viewer, project_id: ProjectId, item: &Suggested, back: &str) -> Markup {
    html! {
        form class="signpost-inline-form" method="post" action={ "/projects/" (project_id) "/marks" } {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name=(ProjectForm::NAMES.back) value=(back);
            input type="hidden" name=(ProjectForm::NAMES.asset_id) value=(item.asset_id);
            @match item.marked {
                Some(true) => { p class="nhsuk-body-s" { strong { "You marked this useful." } } }
                Some(false) => { p class="nhsuk-body-s" { "You marked this not useful." } }
                None => {}
            }
            button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" name=(ProjectForm::NAMES.useful) value="yes" {
                "Useful" span class="nhsuk-u-visually-hidden" { ": " (item.title) }
            }
            " "
            button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" name=(ProjectForm::NAMES.useful) value="no" {
                "Not useful" span class="nhsuk-u-visually-hidden" { ": " (item.title) }
            }
        }
    }
}

fn suggested_list(viewer: &Viewer, project_id: ProjectId, items: &[Suggested], id: &str, back: &str) -> Markup {
    html! {
        ul class="nhsuk-list nhsuk-list--border" id=(id) {
            @for item in items {
                li {
                    a href={ "/assets/" (item.asset_id) } { (item.title) }
                    @if let Some(p) = &item.project_title { span class="nhsuk-body-s" { " — from " (p) } }
                    p class="nhsuk-body-s" { (item.summary) }
                    @if !item.alike.is_empty() {
                        details class="nhsuk-details nhsuk-u-margin-bottom-2" {
                            summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { (counted(item.alike.len(), "more lesson", "more lessons")) " saying nearly the same" } }
                            div class="nhsuk-details__text" {
                                ul class="nhsuk-list" { @for a in &item.alike { li { a href={ "/assets/" (a.asset_id) } { (a.title) } } } }
                            }
                        }
                    }
                    @if item.net_useful > 0 { p class="nhsuk-body-s" { "Marked useful on other projects." } }
                    (mark_buttons(viewer, project_id, item, back))
                }
            }
        }
    }
}

/// What the lessons loop found for a project.
pub(crate) fn learned_elsewhere(viewer: &Viewer, project_id: ProjectId, s: &Suggestions, back: &str) -> Markup {
    html! {
        h2 id="learned-elsewhere" { "Learned elsewhere" }
        p { "Past lessons, knowledge and people closest to this work, as you may see them. Mark what helps: it lifts it for the next team." }
        h3 { "Lessons" }
        @if s.lessons.is_empty() { p { "No past lessons match this work yet." } }
        @else { (suggested_list(viewer, project_id, &s.lessons, "suggested-lessons", back)) }
        h3 { "Knowledge" }
        @if s.assets.is_empty() { p { "Nothing else matches yet." } }
        @else { (suggested_list(viewer, project_id, &s.assets, "suggested-assets", back)) }
        h3 { "People to talk to" }
        @if s.people.is_empty() { p { "No one yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--bullet" {
                @for p in &s.people {
                    li { a href={ "/people/" (p.user.id) } { (p.user.name) } ", " (p.user.job_title) ": " (p.reasons.join("; ")) }
                }
            }
        }
    }
}

fn session_list(sessions: &[Session], names: &dyn Fn(&str) -> String) -> Markup {
    html! {
        @if sessions.is_empty() { p class="nhsuk-body-s" { "None yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--bullet" {
                @for s in sessions { li { a href={ "/sessions/" (s.id) } { (s.title) } " (" (names(&s.technique_key)) ", " (long_date(s.held_on)) ")" } }
            }
        }
    }
}

/// `GET /projects/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<ProjectId>) -> PageResult {
    let t: Timeline = s.app.project_timeline(&actor, id).await?;
    let suggestions = s.app.project_suggestions(&actor, id).await?;
    let techniques = s.app.techniques(&actor).await?;
    let names = |key: &str| techniques.iter().find(|t| t.key == key).map_or(key.to_string(), |t| t.name.clone());
    let options: Vec<(String, String)> = techniques.iter().map(|t| (t.key.clone(), t.name.clone())).collect();
    let p = &t.project;
    let suggested_technique = match p.stage {
        ProjectStage::Planning => "before-action-review",
        ProjectStage::Running => "after-action-review",
        ProjectStage::Closed => "retrospect",
    };
    let body = html! {
        span class="nhsuk-caption-l" { "Project · " (stage_name(p.stage)) }
        h1 { (p.title) }
        @if !p.description.is_empty() { p class="nhsuk-lede-text" { (p.description) } }
        @if !p.tags.is_empty() { p class="nhsuk-body-s" { "Tags: " (p.tags.join(", ")) } }
        @if p.starts_on.is_some() || p.ends_on.is_some() {
            p class="nhsuk-body-s" id="project-dates" {
                @if let Some(d) = p.starts_on { "Starts " (long_date(d)) }
                @if p.starts_on.is_some() && p.ends_on.is_some() { "; ends " } @else if p.ends_on.is_some() { "Ends " }
                @if let Some(d) = p.ends_on { (long_date(d)) }
                "."
            }
        }
        @if t.can_edit { p { a href={ "/projects/" (p.id) "/edit" } { "Change the project" } } }
        (learned_elsewhere(&viewer, p.id, &suggestions, ""))
        h2 { "Run a session" }
        form method="get" action="/sessions/new" {
            input type="hidden" name="project" value=(p.id);
            (Field::new("technique", "Technique").hint("Not sure which? Use the choosing tool.").select(&options, suggested_technique))
            button class="nhsuk-button" type="submit" { "Start session" }
        }
        p { a href="/techniques/choose" { "Help me choose a technique" } }
        h2 { "Timeline" }
        @for (stage, heading) in [(Stage::Before, "Learning before"), (Stage::During, "Learning during"), (Stage::After, "Learning after")] {
            h3 { (heading) }
            (session_list(match stage { Stage::Before => &t.before, Stage::During => &t.during, Stage::After => &t.after }, &names))
        }
        h2 { "Lessons from this project" }
        @if t.lessons.is_empty() { p { "None recorded yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="project-lessons" {
                @for l in &t.lessons {
                    li { a href={ "/assets/" (l.asset.id) } { (l.asset.title) } " " strong class="nhsuk-tag" { (l.record.state.label()) } }
                }
            }
        }
        h2 { "Actions" }
        @if t.actions.is_empty() { p { "None agreed yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" {
                @for a in &t.actions {
                    li {
                        (a.title) " — due " (long_date(a.due_on)) " · " (label(a.status.as_str()))
                        @if a.status != ActionStatus::Open && !a.outcome.is_empty() { p class="nhsuk-body-s" { (a.outcome) } }
                    }
                }
            }
        }
    };
    Ok(page(&p.title, Some(&viewer), "", body).into_response())
}

/// `POST /projects/{id}/marks`.
pub async fn mark(PagePath(id): PagePath<ProjectId>, CsrfForm(s, actor, _, form): CsrfForm<ProjectForm>) -> PageResult {
    let asset_id =
        form.asset_id.parse().map_err(|_| PageError::from(signpost_services::ServiceError::invalid("asset_id", "must be a number")))?;
    s.app.mark_suggestion(&actor, id, MarkInput { asset_id, useful: form.useful.as_str() == "yes" }).await?;
    let back = &form.back;
    Ok(see_other(&if back.starts_with("/sessions/") { back.clone() } else { format!("/projects/{id}#learned-elsewhere") }))
}
