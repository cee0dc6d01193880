//! Communities of practice: the list with a form to start one, and each community's
//! page with members, coordinators, events and its questions.
use signpost_domain::communities::{CommunityKind, MemberRole};
use signpost_services::people::communities::{CommunityInput, EventInput};
use signpost_services::validate::split_list;

use crate::pages::prelude::*;
use signpost_domain::ids::{CommunityId, UserId};

crate::page_form! {
    /// The fields of this page's forms.
    pub struct CommunityForm / CommunityNames { name: String, description: String, tags: String, title: String, on: String, place: String, detail: String, user_id: String }
}

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/communities", list)
        .form("/communities", create)
        .page("/communities/{id}", show)
        .form_back("/communities/{id}/join", "/communities/{id}", join)
        .form_back("/communities/{id}/leave", "/communities/{id}", leave)
        .form_back("/communities/{id}/events", "/communities/{id}", add_event)
        .form_back("/communities/{id}/coordinators", "/communities/{id}", make_coordinator)
}

async fn list_page(s: &AppState, actor: &Actor, viewer: &Viewer, form: &CommunityForm, errors: &Errors) -> PageMarkup {
    let communities = s.app.communities(actor).await?;
    let body = html! {
        (error_summary(errors))
        h1 { "Communities of practice" }
        p { "People who share a concern or a passion and learn from each other by meeting and asking. Join any community; ask in it, and your question also goes to the people most likely to know." }
        p { a href="/experts" { "Find an expert" } " · " a href="/advocates" { "Knowledge advocates" } " · " a href="/mentoring" { "Mentoring" } " · " a href="/coffee" { "Randomised coffee trials" } }
        ul class="nhsuk-grid-row nhsuk-card-group" {
            @for c in &communities {
                li class="nhsuk-grid-column-one-half nhsuk-card-group__item" {
                    div class="nhsuk-card nhsuk-card--clickable" {
                        div class="nhsuk-card__content" {
                            h2 class="nhsuk-card__heading nhsuk-heading-m" { a class="nhsuk-card__link" href={ "/communities/" (c.community.id) } { (c.community.name) } }
                            p class="nhsuk-card__description" { (c.community.description) }
                            p class="nhsuk-body-s" {
                                (c.members) " members · " (c.questions) " questions · " (c.unanswered) " unanswered"
                                @if let Some(r) = c.my_role { " · " strong { "You are a " (r.as_str()) } }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Start a community" }
        form method="post" action="/communities" novalidate {
            (csrf_field(&viewer.csrf_token))
            (Field::new(CommunityForm::NAMES.name, "Name").errors(errors).input("text", form.name.as_str()))
            (Field::new(CommunityForm::NAMES.description, "What it is about and who it is for").errors(errors).textarea(3, form.description.as_str()))
            (Field::new(CommunityForm::NAMES.tags, "Subjects").hint("Separate with commas; questions on these subjects are routed here").errors(errors).input("text", form.tags.as_str()))
            button class="nhsuk-button" type="submit" { "Start community" }
        }
    };
    Ok(page("Communities", Some(viewer), "", body))
}

/// `GET /communities`.
pub async fn list(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    Ok(list_page(&s, &actor, &viewer, &CommunityForm::default(), &Vec::new()).await?.into_response())
}

/// `POST /communities`.
pub async fn create(CsrfForm(s, actor, viewer, form): CsrfForm<CommunityForm>) -> PageResult {
    let input = CommunityInput { name: form.name.clone(), description: form.description.clone(), tags: split_list(form.tags.as_str()) };
    match s.app.create_community(&actor, input).await {
        Ok(c) => Ok(done(&format!("/communities/{}", c.id), CommunityNotice::Created)),
        Err(e) => Ok(list_page(&s, &actor, &viewer, &form, &refused(e)?).await?.into_response()),
    }
}

async fn show_page(s: &AppState, actor: &Actor, viewer: &Viewer, id: CommunityId, sent: &FormState<CommunityForm>) -> PageMarkup {
    let (form, errors, done) = (&sent.values, &sent.errors, sent.notice);
    let v = s.app.community_view(actor, id).await?;
    let c = &v.community;
    let csrf = csrf_field(&viewer.csrf_token);
    let body = html! {
        (error_summary(errors))
        @if let Some(d) = done { (success_banner(d)) }
        span class="nhsuk-caption-l" { @if c.kind == CommunityKind::Advocates { "The knowledge advocates' community" } @else { "Community of practice" } }
        h1 { (c.name) }
        p { (c.description) }
        @if !c.tags.is_empty() { p class="nhsuk-body-s" { "Subjects: " (c.tags.join(", ")) } }
        @match v.my_role {
            Some(role) => {
                p { "You are a " (role.as_str()) " of this community." }
                a class="nhsuk-button" href={ "/communities/" (id) "/ask" } { "Ask a question" }
                form method="post" action={ "/communities/" (id) "/leave" } novalidate {
                    (csrf) button class="nhsuk-button nhsuk-button--secondary" id="leave" type="submit" { "Leave community" }
                }
            }
            None => {
                form method="post" action={ "/communities/" (id) "/join" } novalidate {
                    (csrf) button class="nhsuk-button" type="submit" { "Join community" }
                }
            }
        }
        h2 { "Questions" }
        @if v.questions.is_empty() { p { "No questions yet." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" id="questions" {
                @for q in &v.questions {
                    li {
                        a href={ "/questions/" (q.question.id) } { (q.question.title) } br;
                        span class="nhsuk-body-s" {
                            "Asked by " (q.author) " on " (q.question.created_at.format("%-d %B %Y")) " · " (counted(q.answers, "answer", "answers"))
                            @if q.question.accepted_answer.is_some() { " " strong class="nhsuk-tag nhsuk-tag--green" { "Answered" } }
                        }
                    }
                }
            }
        }
        h2 { "Events" }
        @if c.events.is_empty() { p { "No events planned." } }
        @else {
            ul class="nhsuk-list nhsuk-list--border" {
                @for e in &c.events { li { strong { (e.title) } br; (e.on.format("%-d %B %Y")) @if !e.place.is_empty() { ", " (e.place) } @if !e.detail.is_empty() { br; (e.detail) } } }
            }
        }
        @if v.may_coordinate {
            p class="nhsuk-body-s" { a href="/webhooks" { "Send this community's questions to another system (webhooks)" } }
            details class="nhsuk-details" open[!errors.is_empty()] {
                summary class="nhsuk-details__summary" { span class="nhsuk-details__summary-text" { "Add an event" } }
                div class="nhsuk-details__text" {
                    form method="post" action={ "/communities/" (id) "/events" } novalidate {
                        (csrf)
                        (Field::new(CommunityForm::NAMES.title, "Title").errors(errors).input("text", form.title.as_str()))
                        (Field::new(CommunityForm::NAMES.on, "Date").hint("For example, 15 12 2026").errors(errors).date(form.on.as_str()))
                        (Field::new(CommunityForm::NAMES.place, "Where, or how to join").errors(errors).input("text", form.place.as_str()))
                        (Field::new(CommunityForm::NAMES.detail, "More about it").errors(errors).textarea(2, form.detail.as_str()))
                        button class="nhsuk-button" type="submit" { "Add event" }
                    }
                }
            }
        }
        h2 { "Members (" (v.members.len()) ")" }
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { "Members" }
            (table_head(&["Name", "Job title", "Role"]))
            tbody class="nhsuk-table__body" {
                @for m in &v.members {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { a href={ "/people/" (m.user.id) } { (m.user.name) } }
                        td class="nhsuk-table__cell" { (m.user.job_title) }
                        td class="nhsuk-table__cell" {
                            (crate::pages::label(m.role.as_str()))
                            @if v.may_coordinate && m.role == MemberRole::Member {
                                form method="post" action={ "/communities/" (id) "/coordinators" } novalidate {
                                    (csrf) input type="hidden" name=(CommunityForm::NAMES.user_id) value=(m.user.id);
                                    button class="nhsuk-button nhsuk-button--secondary nhsuk-button--small" type="submit" { "Make coordinator" span class="nhsuk-u-visually-hidden" { ": " (m.user.name) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&c.name, Some(viewer), "", body))
}

crate::notices! {
    /// What a community's page says after a change.
    pub enum CommunityNotice {
        Created => "Your community has started. You are its coordinator.",
        Joined => "You have joined the community.",
        Event => "The event is added.",
        Coordinator => "They are now a coordinator.",
    }
}

/// `GET /communities/{id}`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<CommunityId>, notice: Done<CommunityNotice>) -> PageResult {
    Ok(show_page(&s, &actor, &viewer, id, &FormState::shown(notice.message())).await?.into_response())
}

/// `POST /communities/{id}/join`.
pub async fn join(PagePath(id): PagePath<CommunityId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.join_community(&actor, id).await?;
    Ok(done(&format!("/communities/{id}"), CommunityNotice::Joined))
}

/// `POST /communities/{id}/leave`.
pub async fn leave(PagePath(id): PagePath<CommunityId>, CsrfForm(s, actor, viewer, form): CsrfForm<CommunityForm>) -> PageResult {
    match s.app.leave_community(&actor, id).await {
        Ok(()) => Ok(see_other("/communities")),
        Err(signpost_services::ServiceError::Conflict(m)) => {
            Ok(show_page(&s, &actor, &viewer, id, &FormState::with_errors(form, vec![("leave".into(), crate::pages::capitalised(&m))]))
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /communities/{id}/events`.
pub async fn add_event(PagePath(id): PagePath<CommunityId>, CsrfForm(s, actor, viewer, form): CsrfForm<CommunityForm>) -> PageResult {
    let input = EventInput { title: form.title.clone(), on: form.on.clone(), place: form.place.clone(), detail: form.detail.clone() };
    match s.app.add_event(&actor, id, input).await {
        Ok(_) => Ok(done(&format!("/communities/{id}"), CommunityNotice::Event)),
        Err(e) => Ok(show_page(&s, &actor, &viewer, id, &FormState::refused(form, e)?).await?.into_response()),
    }
}

/// `POST /communities/{id}/coordinators`.
pub async fn make_coordinator(PagePath(id): PagePath<CommunityId>, CsrfForm(s, actor, _, form): CsrfForm<CommunityForm>) -> PageResult {
    let user_id = form.user_id.parse::<UserId>().map_err(|_| signpost_services::ServiceError::invalid("user_id", "choose a member"))?;
    s.app.set_member_role(&actor, id, user_id, MemberRole::Coordinator).await?;
    Ok(done(&format!("/communities/{id}"), CommunityNotice::Coordinator))
}
