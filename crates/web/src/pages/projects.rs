//! Projects: the list, planning a new one, and a project's page — what was learned
//! elsewhere that bears on it (the lessons loop), and its timeline before, during and after.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use signpost_domain::learning::{ActionStatus, ProjectStage, Session};
use signpost_domain::people::{Actor, User};
use signpost_domain::techniques::Stage;
use signpost_services::learning::lessons_loop::{MarkInput, Suggested, Suggestions};
use signpost_services::learning::projects::{ProjectInput, Timeline};

use super::prelude::*;

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

/// Everyone a form may name, by name.
pub(crate) async fn people(s: &AppState, actor: &Actor) -> Result<Vec<User>, PageError> {
    let mut all = Vec::new();
    loop {
        let page = s.app.users(actor, all.len() as i64, 100).await?;
        let done = page.items.len() < 100;
        all.extend(page.items);
        if done {
            break;
        }
    }
    all.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(all)
}

pub(crate) fn stage_name(stage: ProjectStage) -> &'static str {
    match stage {
        ProjectStage::Planning => "Planning",
        ProjectStage::Running => "Under way",
        ProjectStage::Closed => "Finished",
    }
}

/// `GET /projects`.
pub async fn list(State(s): State<AppState>, SignedIn(actor, viewer): SignedIn) -> Result<Response, PageError> {
    let projects = s.app.projects(&actor).await?;
    let body = html! {
        h1 { "Projects" }
        p class="nhsuk-lede-text" { "Any piece of work a team learns before, during and after." }
        a class="nhsuk-button" href="/projects/new" { "Plan a project" }
        @if projects.is_empty() { p { "No projects yet." } }
        @else {
            table class="nhsuk-table" {
                caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Projects" }
                thead class="nhsuk-table__head" { tr { th scope="col" { "Project" } th scope="col" { "Stage" } th scope="col" { "Tags" } } }
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

fn project_form(viewer: &Viewer, teams: &[(String, String)], form: &Submitted, errors: &Errors, target: FormFor) -> Markup {
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
            (Field::new("title", "Project name").errors(errors).input("text", form.get("title")))
            (Field::new("description", "What is the work, and what should it achieve?").errors(errors).textarea(6, form.get("description")))
            (Field::new("tags", "Tags").hint("Separate with commas, for example: vaccination, clinic flow").errors(errors).input("text", form.get("tags")))
            (Field::new("team_id", "Team").errors(errors).select(teams, form.get("team_id")))
            (Field::new("starts_on", "Start date").hint("For example, 2027-01-31").errors(errors).input("text", form.get("starts_on")))
            (Field::new("ends_on", "End date").hint("For example, 2027-06-30").errors(errors).input("text", form.get("ends_on")))
            @if let FormFor::Edit(_) = target { (Field::new("stage", "Stage").errors(errors).select(&stages, form.get("stage"))) }
            button class="nhsuk-button" type="submit" { (button) }
        }
    };
    page(&heading, Some(viewer), "", body)
}

fn input_of(form: &Submitted) -> ProjectInput {
    ProjectInput {
        title: form.get("title").to_string(),
        description: form.get("description").to_string(),
        team_id: form.get("team_id").parse().ok(),
        tags: form.get("tags").split(',').map(str::to_string).collect(),
        starts_on: form.get("starts_on").to_string(),
        ends_on: form.get("ends_on").to_string(),
        stage: ProjectStage::ALL.into_iter().find(|s| s.as_str() == form.get("stage")),
    }
}

async fn team_options(s: &AppState, actor: &Actor) -> Result<Vec<(String, String)>, PageError> {
    let mut teams: Vec<(String, String)> = vec![(String::new(), "My own team".to_string())];
    teams.extend(s.app.teams(actor).await?.into_iter().map(|t| (t.id.to_string(), t.name)));
    Ok(teams)
}

/// `GET /projects/new`.
pub async fn new_form(State(s): State<AppState>, SignedIn(actor, viewer): SignedIn) -> Result<Response, PageError> {
    s.app.may_plan(&actor)?;
    let teams = team_options(&s, &actor).await?;
    Ok(project_form(&viewer, &teams, &Submitted(Vec::new()), &Vec::new(), FormFor::New).into_response())
}

/// `POST /projects`.
pub async fn create(State(s): State<AppState>, CsrfForm(actor, viewer, form): CsrfForm<Submitted>) -> Result<Response, PageError> {
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
pub async fn edit_form(
    State(s): State<AppState>,
    SignedIn(actor, viewer): SignedIn,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let p = s.app.editable_project(&actor, id).await?;
    let values = Submitted(vec![
        ("title".into(), p.title.clone()),
        ("description".into(), p.description.clone()),
        ("tags".into(), p.tags.join(", ")),
        ("team_id".into(), p.team_id.to_string()),
        ("starts_on".into(), p.starts_on.map(|d| d.to_string()).unwrap_or_default()),
        ("ends_on".into(), p.ends_on.map(|d| d.to_string()).unwrap_or_default()),
        ("stage".into(), p.stage.as_str().to_string()),
    ]);
    let teams = team_options(&s, &actor).await?;
    Ok(project_form(&viewer, &teams, &values, &Vec::new(), FormFor::Edit(id)).into_response())
}

/// `POST /projects/{id}/edit`.
pub async fn update(
    State(s): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm(actor, viewer, form): CsrfForm<Submitted>,
) -> Result<Response, PageError> {
    match s.app.update_project(&actor, id, input_of(&form)).await {
        Ok(p) => Ok(see_other(&format!("/projects/{}", p.id))),
        Err(e) => {
            let errors = refused(e)?;
            let teams = team_options(&s, &actor).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, project_form(&viewer, &teams, &form, &errors, FormFor::Edit(id))).into_response())
        }
    }
}

fn mark_buttons(viewer: &Viewer, project_id: i64, item: &Suggested, back: &str) -> Markup {
    html! {
        form class="signpost-inline-form" method="post" action={ "/projects/" (project_id) "/marks" } {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name="back" value=(back);
            input type="hidden" name="asset_id" value=(item.asset_id);
            @match item.marked {
                Some(true) => { p class="nhsuk-body-s" { strong { "You marked this useful." } } }
                Some(false) => { p class="nhsuk-body-s" { "You marked this not useful." } }
                None => {}
            }
            button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" name="useful" value="yes" {
                "Useful" span class="nhsuk-u-visually-hidden" { ": " (item.title) }
            }
            " "
            button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" name="useful" value="no" {
                "Not useful" span class="nhsuk-u-visually-hidden" { ": " (item.title) }
            }
        }
    }
}

fn suggested_list(viewer: &Viewer, project_id: i64, items: &[Suggested], id: &str, back: &str) -> Markup {
    html! {
        ul class="nhsuk-list nhsuk-list--border" id=(id) {
            @for item in items {
                li {
                    a href={ "/assets/" (item.asset_id) } { (item.title) }
                    @if let Some(p) = &item.project_title { span class="nhsuk-body-s" { " — from " (p) } }
                    p class="nhsuk-body-s" { (item.summary) }
                    @if item.net_useful > 0 { p class="nhsuk-body-s" { "Marked useful on other projects." } }
                    (mark_buttons(viewer, project_id, item, back))
                }
            }
        }
    }
}

/// What the lessons loop found for a project.
pub(crate) fn learned_elsewhere(viewer: &Viewer, project_id: i64, s: &Suggestions, back: &str) -> Markup {
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
                @for s in sessions { li { a href={ "/sessions/" (s.id) } { (s.title) } " (" (names(&s.technique_key)) ", " (s.held_on) ")" } }
            }
        }
    }
}

/// `GET /projects/{id}`.
pub async fn show(
    State(s): State<AppState>,
    SignedIn(actor, viewer): SignedIn,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
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
                        (a.title) " — due " (a.due_on) " · " (label(a.status.as_str()))
                        @if a.status != ActionStatus::Open && !a.outcome.is_empty() { p class="nhsuk-body-s" { (a.outcome) } }
                    }
                }
            }
        }
    };
    Ok(page(&p.title, Some(&viewer), "", body).into_response())
}

/// `POST /projects/{id}/marks`.
pub async fn mark(
    State(s): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm(actor, _, form): CsrfForm<Submitted>,
) -> Result<Response, PageError> {
    let asset_id = form
        .get("asset_id")
        .parse()
        .map_err(|_| PageError::from(signpost_services::ServiceError::invalid("asset_id", "must be a number")))?;
    s.app.mark_suggestion(&actor, id, MarkInput { asset_id, useful: form.get("useful") == "yes" }).await?;
    let back = form.get("back");
    Ok(see_other(&if back.starts_with("/sessions/") { back.to_string() } else { format!("/projects/{id}#learned-elsewhere") }))
}
