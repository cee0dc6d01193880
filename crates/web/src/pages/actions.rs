//! Actions and lessons still to learn: the reader's open actions with a way to close
//! them, the overdue lists per person and team, and lessons identified but never learned.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use signpost_domain::learning::{Action, ActionStatus, LessonState};
use signpost_domain::people::Actor;
use signpost_services::ServiceError;
use signpost_services::learning::actions::CloseAction;
use signpost_services::learning::lessons::LessonStateChange;

use super::form::{Errors, Field, Submitted};
use super::layout::{csrf_field, error_summary, page, success_banner};
use super::prelude::*;
use super::refused;
use super::{PageError, SignedIn, Viewer, see_other};

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/actions", board)
        .form_back("/actions/{id}/close", "/actions", close)
        .page("/lessons/unlearned", unlearned)
        .form_back("/lessons/{id}/state", "/lessons/unlearned", set_state)
}

/// `?done=` after a change.
#[derive(Debug, Deserialize)]
pub struct Done {
    /// What was done.
    pub done: Option<String>,
}

fn overdue_table(caption: &str, rows: Vec<(String, &[Action])>) -> Markup {
    html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (caption) }
            thead class="nhsuk-table__head" { tr { th scope="col" { "Who" } th scope="col" { "Overdue" } th scope="col" { "Actions" } } }
            tbody class="nhsuk-table__body" {
                @for (who, actions) in rows {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { (who) }
                        td class="nhsuk-table__cell" { (actions.len()) }
                        td class="nhsuk-table__cell" { (actions.iter().map(|a| format!("{} (due {})", a.title, a.due_on)).collect::<Vec<_>>().join("; ")) }
                    }
                }
            }
        }
    }
}

fn close_form(viewer: &Viewer, a: &Action, form: &Submitted, errors: &Errors) -> Markup {
    let prefix = format!("close-{}-", a.id);
    let outcome_id = format!("{prefix}outcome");
    let status_id = format!("{prefix}status");
    let open = errors.iter().any(|(f, _)| f.starts_with(&prefix));
    html! {
        details class="nhsuk-details" open[open] {
            summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Close" span class="nhsuk-u-visually-hidden" { ": " (a.title) } } }
            div class="nhsuk-details__text" {
                form method="post" action={ "/actions/" (a.id) "/close" } novalidate {
                    (csrf_field(&viewer.csrf_token))
                    (Field::new(&status_id, "Outcome").errors(errors).select(&[("done".into(), "Done".into()), ("dropped".into(), "Dropped".into())], form.get(&status_id)))
                    (Field::new(&outcome_id, "What changed?").hint("If dropped, say why").errors(errors).textarea(3, form.get(&outcome_id)))
                    button class="nhsuk-button" type="submit" { "Close action" }
                }
            }
        }
    }
}

async fn board_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    form: &Submitted,
    errors: &Errors,
    done: Option<&str>,
) -> Result<Markup, PageError> {
    let board = s.app.action_board(actor).await?;
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Actions" }
        h2 { "Your open actions" }
        @if board.mine.is_empty() { p { "You have no open actions." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="my-actions" {
                @for a in &board.mine {
                    li {
                        strong { (a.title) } br;
                        span class="nhsuk-body-s" {
                            "Due " (a.due_on)
                            @if a.due_on < board.today { " " strong class="nhsuk-tag nhsuk-tag--red" { "Overdue" } }
                            @if let Some(sid) = a.session_id { " · " a href={ "/sessions/" (sid) } { "From the session" } }
                        }
                        (close_form(viewer, a, form, errors))
                    }
                }
            }
        }
        h2 { "Overdue" }
        @if board.overdue_by_person.is_empty() { p { "Nothing is overdue." } }
        @else {
            (overdue_table("Overdue actions by person", board.overdue_by_person.iter().map(|g| (g.who.name.clone(), g.actions.as_slice())).collect()))
            (overdue_table("Overdue actions by team", board.overdue_by_team.iter().map(|g| (g.who.name.clone(), g.actions.as_slice())).collect()))
        }
        p { a href="/lessons/unlearned" { "Lessons identified but not yet learned" } }
    };
    Ok(page("Actions", Some(viewer), "", body))
}

/// `GET /actions`.
pub async fn board(
    State(s): State<AppState>,
    SignedIn(actor, viewer): SignedIn,
    PageQuery(q): PageQuery<Done>,
) -> Result<Response, PageError> {
    let done = (q.done.as_deref() == Some("closed")).then_some("The action is closed.");
    Ok(board_page(&s, &actor, &viewer, &Submitted(Vec::new()), &Vec::new(), done).await?.into_response())
}

/// `POST /actions/{id}/close`.
pub async fn close(
    State(s): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm(actor, viewer, form): CsrfForm<Submitted>,
) -> Result<Response, PageError> {
    let prefix = format!("close-{id}-");
    let status = if form.get(&format!("{prefix}status")) == "dropped" { ActionStatus::Dropped } else { ActionStatus::Done };
    let close = CloseAction { status, outcome: form.get(&format!("{prefix}outcome")).to_string() };
    match s.app.close_action(&actor, id, close).await {
        Ok(_) => Ok(see_other("/actions?done=closed")),
        Err(e) => {
            let errors: Errors = refused(e)?.into_iter().map(|(f, m)| (format!("{prefix}{f}"), m)).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, board_page(&s, &actor, &viewer, &form, &errors, None).await?).into_response())
        }
    }
}

async fn unlearned_page(
    s: &AppState,
    actor: &Actor,
    viewer: &Viewer,
    form: &Submitted,
    errors: &Errors,
    done: bool,
) -> Result<Markup, PageError> {
    let lessons = s.app.unlearned_lessons(actor).await?;
    let states: Vec<(String, String)> = LessonState::ALL.iter().map(|s| (s.as_str().to_string(), s.label().to_string())).collect();
    let body = html! {
        (error_summary(errors))
        @if done { (success_banner("The lesson has moved on.")) }
        h1 { "Lessons not yet learned" }
        p class="nhsuk-lede-text" { "Lessons identified but neither embedded in how we work nor rejected, oldest first." }
        @if lessons.is_empty() { p { "Every lesson you can see has been learned or rejected." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="unlearned" {
                @for l in &lessons {
                    @let prefix = format!("lesson-{}-", l.asset.id);
                    li {
                        a href={ "/assets/" (l.asset.id) } { (l.asset.title) } " " strong class="nhsuk-tag" { (l.record.state.label()) }
                        p class="nhsuk-body-s" { "Identified " (l.record.created_at.format("%-d %B %Y")) }
                        details class="nhsuk-details" open[errors.iter().any(|(f, _)| f.starts_with(&prefix))] {
                            summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Move on" span class="nhsuk-u-visually-hidden" { ": " (l.asset.title) } } }
                            div class="nhsuk-details__text" {
                                form method="post" action={ "/lessons/" (l.asset.id) "/state" } novalidate {
                                    (csrf_field(&viewer.csrf_token))
                                    (Field::new(&format!("{prefix}state"), "New state").errors(errors).select(&states, form.get(&format!("{prefix}state"))))
                                    (Field::new(&format!("{prefix}reason"), "Reason").hint("Needed when rejecting").errors(errors).textarea(2, form.get(&format!("{prefix}reason"))))
                                    button class="nhsuk-button" type="submit" { "Save" }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("Lessons not yet learned", Some(viewer), "", body))
}

/// `GET /lessons/unlearned`.
pub async fn unlearned(
    State(s): State<AppState>,
    SignedIn(actor, viewer): SignedIn,
    PageQuery(q): PageQuery<Done>,
) -> Result<Response, PageError> {
    Ok(unlearned_page(&s, &actor, &viewer, &Submitted(Vec::new()), &Vec::new(), q.done.is_some()).await?.into_response())
}

/// `POST /lessons/{id}/state`.
pub async fn set_state(
    State(s): State<AppState>,
    PagePath(id): PagePath<i64>,
    CsrfForm(actor, viewer, form): CsrfForm<Submitted>,
) -> Result<Response, PageError> {
    let prefix = format!("lesson-{id}-");
    let state = LessonState::ALL.into_iter().find(|st| st.as_str() == form.get(&format!("{prefix}state")));
    let result = match state {
        Some(state) => {
            s.app.set_lesson_state(&actor, id, LessonStateChange { state, reason: form.get(&format!("{prefix}reason")).to_string() }).await
        }
        None => Err(ServiceError::invalid("state", "choose a state")),
    };
    match result {
        Ok(_) => Ok(see_other("/lessons/unlearned?done=moved")),
        Err(e) => {
            let errors: Errors = refused(e)?.into_iter().map(|(f, m)| (format!("{prefix}{f}"), m)).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, unlearned_page(&s, &actor, &viewer, &form, &errors, false).await?).into_response())
        }
    }
}

/// `GET /actions/{id}/close` (after a refused form, a reload or a bookmark): the actions page.
pub async fn to_board() -> Response {
    see_other("/actions")
}

/// `GET /lessons/{id}/state` (after a refused form, a reload or a bookmark): the lessons not yet learned.
pub async fn to_unlearned() -> Response {
    see_other("/lessons/unlearned")
}
