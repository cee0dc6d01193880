//! Knowledge advocates: the register as coverage of every team (teams without an
//! advocate first), volunteering, and registering others (knowledge specialists).
use signpost_services::people::advocates::AdvocateInput;

use crate::pages::prelude::*;
use signpost_domain::ids::UserId;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/advocates", coverage).form("/advocates", register).form_back("/advocates/{id}/remove", "/advocates", remove)
}

crate::page_form! {
    /// Registering an advocate (or oneself, with only `user_id`).
    pub struct AdvocateForm / AdvocateNames { user_id: String, team_id: String }
}

async fn coverage_page(s: &AppState, actor: &Actor, viewer: &Viewer, errors: &Errors, done: Option<&str>) -> PageMarkup {
    let c = s.app.advocate_coverage(actor).await?;
    let specialist = c.may_register_others;
    let is_advocate = c.teams.iter().any(|t| t.advocates.iter().any(|a| a.id == actor.user_id));
    let csrf = csrf_field(&viewer.csrf_token);
    let people = if specialist { s.app.users(actor, 0, 100).await?.items } else { Vec::new() };
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        h1 { "Knowledge advocates" }
        p { "Advocates are volunteer champions inside teams: they spread knowledge practice and speak for their team's needs. Every advocate belongs to the " a href={ "/communities/" (c.community_id) } { "knowledge advocates' community" } "." }
        p class="nhsuk-body-l" id="uncovered" { (c.uncovered) " of " (c.teams.len()) " teams have no advocate." }
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { "Advocates by team" }
            (table_head(&["Team", "Directorate", "Advocates"]))
            tbody class="nhsuk-table__body" {
                @for t in &c.teams {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { a href={ "/teams/" (t.team.id) } { (t.team.name) } }
                        td class="nhsuk-table__cell" { (t.directorate) }
                        td class="nhsuk-table__cell" {
                            @if t.advocates.is_empty() { strong class="nhsuk-tag nhsuk-tag--red" { "None" } }
                            @for (i, a) in t.advocates.iter().enumerate() {
                                @if i > 0 { ", " }
                                a href={ "/people/" (a.id) } { (a.name) }
                            }
                        }
                    }
                }
            }
        }
        @if c.may_volunteer {
            h2 { "Volunteer" }
            form method="post" action="/advocates" novalidate {
                (csrf) input type="hidden" name=(AdvocateForm::NAMES.user_id) value=(actor.user_id);
                button class="nhsuk-button" type="submit" { "Become an advocate for my team" }
            }
        }
        @if is_advocate {
            form method="post" action={ "/advocates/" (actor.user_id) "/remove" } novalidate {
                (csrf) button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Stop being an advocate" }
            }
        }
        @if specialist {
            h2 { "Register an advocate" }
            form method="post" action="/advocates" novalidate {
                (csrf)
                (Field::new(AdvocateForm::NAMES.user_id, "Person").errors(errors).select(&people.iter().map(|u| (u.id.to_string(), u.name.clone())).collect::<Vec<_>>(), ""))
                (Field::new(AdvocateForm::NAMES.team_id, "Team they advocate in").errors(errors).select(
                    &std::iter::once((String::new(), "Their own team".to_string())).chain(c.teams.iter().map(|t| (t.team.id.to_string(), t.team.name.clone()))).collect::<Vec<_>>(), ""))
                button class="nhsuk-button" type="submit" { "Register advocate" }
            }
        }
    };
    Ok(page("Knowledge advocates", Some(viewer), "", body))
}

crate::notices! {
    /// What the advocates' page says after a change.
    pub enum AdvocateNotice {
        Registered => "The advocate is registered and has joined the advocates' community.",
        Removed => "Taken off the register.",
    }
}

/// `GET /advocates`.
pub async fn coverage(SignedIn(s, actor, viewer): SignedIn, notice: Done<AdvocateNotice>) -> PageResult {
    let done = notice.message();
    Ok(coverage_page(&s, &actor, &viewer, &Vec::new(), done).await?.into_response())
}

/// `POST /advocates`.
pub async fn register(CsrfForm(s, actor, viewer, form): CsrfForm<AdvocateForm>) -> PageResult {
    let Ok(user_id) = form.user_id.parse::<i64>() else {
        return Ok(coverage_page(&s, &actor, &viewer, &vec![("user_id".into(), "Choose a person".into())], None).await?.into_response());
    };
    match s.app.register_advocate(&actor, AdvocateInput { user_id: UserId(user_id), team_id: form.team_id.parse().ok() }).await {
        Ok(_) => Ok(done("/advocates", AdvocateNotice::Registered)),
        Err(e) => Ok(coverage_page(&s, &actor, &viewer, &refused(e)?, None).await?.into_response()),
    }
}

/// `POST /advocates/{id}/remove`.
pub async fn remove(PagePath(id): PagePath<UserId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.remove_advocate(&actor, id).await?;
    Ok(done("/advocates", AdvocateNotice::Removed))
}
