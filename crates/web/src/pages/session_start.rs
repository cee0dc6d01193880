//! Starting a session: which technique, on which project, when, with whom.
use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use signpost_domain::people::{Actor, User};
use signpost_services::learning::sessions::SessionInput;

use super::prelude::*;
use super::projects::people;
use super::sessions::people_options;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().form("/sessions", create).page("/sessions/new", new_form)
}

/// `?project=&technique=` for a new session.
#[derive(Debug, Deserialize)]
pub struct NewQuery {
    project: Option<i64>,
    technique: Option<String>,
}

fn participants_field(people: &[User], chosen: &[i64]) -> Markup {
    html! {
        div class="nhsuk-form-group" {
            fieldset class="nhsuk-fieldset" {
                legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s" { "Participants" }
                details class="nhsuk-details" open[!chosen.is_empty()] {
                    summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Choose who took part" } }
                    div class="nhsuk-details__text" {
                        div class="nhsuk-checkboxes nhsuk-checkboxes--small" {
                            @for p in people {
                                div class="nhsuk-checkboxes__item" {
                                    input class="nhsuk-checkboxes__input" id={ "participant-" (p.id) } name="participants" type="checkbox"
                                        value=(p.id) checked[chosen.contains(&p.id)];
                                    label class="nhsuk-label nhsuk-checkboxes__label" for={ "participant-" (p.id) } { (p.name) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn new_page(s: &AppState, actor: &Actor, viewer: &Viewer, form: &Submitted, errors: &Errors) -> Result<Markup, PageError> {
    let techniques = s.app.techniques(actor).await?;
    let options: Vec<(String, String)> = techniques.iter().map(|t| (t.key.clone(), t.name.clone())).collect();
    let everyone = people(s, actor).await?;
    let project = match form.get("project_id").parse::<i64>() {
        Ok(id) => Some(s.app.project(actor, id).await?),
        Err(_) => None,
    };
    let chosen: Vec<i64> = form.all("participants").iter().filter_map(|p| p.parse().ok()).collect();
    let body = html! {
        (error_summary(errors))
        @if let Some(p) = &project { span class="nhsuk-caption-l" { (p.title) } }
        h1 { "Start a session" }
        form method="post" action="/sessions" novalidate {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name="project_id" value=(form.get("project_id"));
            (Field::new("technique_key", "Technique").errors(errors).select(&options, form.get("technique_key")))
            (Field::new("title", "Session name").hint("Leave blank to use the technique's name and the date").errors(errors).input("text", form.get("title")))
            (Field::new("held_on", "Date").hint("Leave blank for today").errors(errors).input("text", form.get("held_on")))
            (Field::new("facilitator_id", "Facilitator").errors(errors).select(&people_options(&everyone, "No facilitator"), form.get("facilitator_id")))
            (participants_field(&everyone, &chosen))
            button class="nhsuk-button" type="submit" { "Start session" }
        }
    };
    Ok(page("Start a session", Some(viewer), "", body))
}

/// `GET /sessions/new`.
pub async fn new_form(
    State(s): State<AppState>,
    SignedIn(actor, viewer): SignedIn,
    PageQuery(q): PageQuery<NewQuery>,
) -> Result<Response, PageError> {
    s.app.may_plan(&actor)?;
    let mut pairs = vec![("technique_key".to_string(), q.technique.unwrap_or_default())];
    if let Some(p) = q.project {
        pairs.push(("project_id".to_string(), p.to_string()));
    }
    Ok(new_page(&s, &actor, &viewer, &Submitted(pairs), &Vec::new()).await?.into_response())
}

fn ids(form: &Submitted, name: &str) -> Vec<i64> {
    form.all(name).iter().filter_map(|v| v.parse().ok()).collect()
}

/// `POST /sessions`.
pub async fn create(State(s): State<AppState>, CsrfForm(actor, viewer, form): CsrfForm<Submitted>) -> Result<Response, PageError> {
    let input = SessionInput {
        project_id: form.get("project_id").parse().ok(),
        technique_key: form.get("technique_key").to_string(),
        title: form.get("title").to_string(),
        facilitator_id: form.get("facilitator_id").parse().ok(),
        participants: ids(&form, "participants"),
        held_on: form.get("held_on").to_string(),
        record: BTreeMap::new(),
        notes: String::new(),
    };
    match s.app.start_session(&actor, input).await {
        Ok(session) => Ok(see_other(&format!("/sessions/{}", session.id))),
        Err(e) => {
            let errors = refused(e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, new_page(&s, &actor, &viewer, &form, &errors).await?).into_response())
        }
    }
}
