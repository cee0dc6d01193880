//! Starting a session: which technique, on which project, when, with whom.
use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::people::{Actor, User};
use signpost_services::learning::sessions::SessionInput;

use super::sessions::people_options;
use crate::pages::prelude::*;
use signpost_domain::ids::{ProjectId, UserId};

crate::page_form! {
    /// The fields of this page's forms.
    pub struct StartForm / StartNames { project_id: String, technique_key: String, title: String, held_on: String, facilitator_id: String, participants: Vec<String> }
}

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

fn participants_field(people: &[User], chosen: &[UserId]) -> Markup {
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
                                    input class="nhsuk-checkboxes__input" id={ "participant-" (p.id) } name=(StartForm::NAMES.participants) type="checkbox"
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

async fn new_page(s: &AppState, actor: &Actor, viewer: &Viewer, form: &StartForm, errors: &Errors) -> PageMarkup {
    let techniques = s.app.techniques(actor).await?;
    let options: Vec<(String, String)> = techniques.iter().map(|t| (t.key.clone(), t.name.clone())).collect();
    let everyone = s.app.everyone(actor).await?;
    let project = match form.project_id.parse::<i64>() {
        Ok(id) => Some(s.app.project(actor, ProjectId(id)).await?),
        Err(_) => None,
    };
    let chosen: Vec<UserId> = form.participants.iter().filter_map(|p| p.parse().ok()).collect();
    let body = html! {
        (error_summary(errors))
        @if let Some(p) = &project { span class="nhsuk-caption-l" { (p.title) } }
        h1 { "Start a session" }
        form method="post" action="/sessions" novalidate {
            (csrf_field(&viewer.csrf_token))
            input type="hidden" name=(StartForm::NAMES.project_id) value=(form.project_id.as_str());
            (Field::new(StartForm::NAMES.technique_key, "Technique").errors(errors).select(&options, form.technique_key.as_str()))
            (Field::new(StartForm::NAMES.title, "Session name").hint("Leave blank to use the technique's name and the date").errors(errors).input("text", form.title.as_str()))
            (Field::new(StartForm::NAMES.held_on, "Date").hint("For example, 14 12 2026; today if left empty").errors(errors).date(form.held_on.as_str()))
            (Field::new(StartForm::NAMES.facilitator_id, "Facilitator").errors(errors).select(&people_options(&everyone, "No facilitator"), form.facilitator_id.as_str()))
            (participants_field(&everyone, &chosen))
            button class="nhsuk-button" type="submit" { "Start session" }
        }
    };
    Ok(page("Start a session", Some(viewer), "", body))
}

/// `GET /sessions/new`.
pub async fn new_form(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<NewQuery>) -> PageResult {
    s.app.may_plan(&actor)?;
    let form = StartForm {
        technique_key: q.technique.unwrap_or_default(),
        project_id: q.project.map(|p| p.to_string()).unwrap_or_default(),
        ..StartForm::default()
    };
    Ok(new_page(&s, &actor, &viewer, &form, &Vec::new()).await?.into_response())
}

/// `POST /sessions`.
pub async fn create(CsrfForm(s, actor, viewer, form): CsrfForm<StartForm>) -> PageResult {
    let input = SessionInput {
        project_id: form.project_id.parse().ok(),
        technique_key: form.technique_key.clone(),
        title: form.title.clone(),
        facilitator_id: form.facilitator_id.parse().ok(),
        participants: form.participants.iter().filter_map(|v| v.parse().ok()).collect(),
        held_on: form.held_on.clone(),
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
