//! The home page: a search box, recently published and updated knowledge, the
//! person's reviews due and their drafts.
use signpost_domain::assets::{Asset, Status};
use signpost_domain::ports::AssetQuery;
use signpost_domain::review::ReviewState;
use signpost_services::assets::ReviewScope;

use super::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/", show)
}

/// A list of assets with their kind and review state.
pub fn asset_list(assets: &[Asset], empty: &str) -> Markup {
    let now = chrono::Utc::now();
    html! {
        @if assets.is_empty() {
            p class="nhsuk-body" { (empty) }
        } @else {
            ul class="nhsuk-list nhsuk-list--border" {
                @for a in assets {
                    li {
                        a href={ "/assets/" (a.id) } { (a.title) }
                        " "
                        strong class="nhsuk-tag nhsuk-tag--grey" { (super::label(a.kind.as_str())) }
                        @if a.status == Status::Published && ReviewState::at(a.next_review_at, now) == ReviewState::Overdue {
                            " "
                            strong class="nhsuk-tag nhsuk-tag--red" { "Review overdue" }
                        }
                        @if a.status == Status::Draft { " " strong class="nhsuk-tag nhsuk-tag--yellow" { "Draft" } }
                    }
                }
            }
        }
    }
}

/// What to do first in an organisation where nothing has been published yet.
fn getting_started(actor: &Actor) -> Markup {
    use signpost_domain::people::Role;
    let steps: &[(&str, &str, &str)] = match actor.role {
        Role::Admin => &[
            ("/admin/teams", "Check your directorates and teams", "Knowledge belongs to teams, and what each team sees follows them."),
            ("/admin/users", "Invite your colleagues", "Start with your knowledge specialists and a knowledge advocate in each team."),
            (
                "/assets/new",
                "Share the first piece of knowledge",
                "A lesson, a how-to, a handover note. Or import a folder of them with signpost import.",
            ),
            ("/techniques", "Plan how you will learn", "Choose a technique, such as an after action review, for your next piece of work."),
        ],
        Role::Guest => &[],
        _ => &[
            (
                "/assets/new",
                "Share the first piece of knowledge",
                "A lesson, a how-to, a handover note: something a colleague would want to know.",
            ),
            ("/profile", "Say what you know about", "So colleagues with a question can find you."),
            ("/techniques", "Plan how you will learn", "Choose a technique, such as an after action review, for your next piece of work."),
        ],
    };
    html! {
        @if !steps.is_empty() {
            div class="nhsuk-card nhsuk-card--feature" id="getting-started" {
                div class="nhsuk-card__content nhsuk-card__content--feature" {
                    h2 class="nhsuk-card__heading nhsuk-card__heading--feature nhsuk-heading-m" { "Getting started" }
                    p { "Nothing has been published here yet. What to do first:" }
                    ol class="nhsuk-list nhsuk-list--number" {
                        @for (href, title, hint) in steps {
                            li { a href=(href) { (title) } br; span class="nhsuk-body-s" { (hint) } }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let recent = s.app.list_assets(&actor, AssetQuery { status: Some(Status::Published), limit: 8, ..Default::default() }).await?;
    let reviews = if actor.role == signpost_domain::people::Role::Guest {
        None
    } else {
        Some(s.app.review_queue(&actor, ReviewScope::Mine, 0, 8).await?)
    };
    let drafts = s
        .app
        .list_assets(&actor, AssetQuery { status: Some(Status::Draft), owner_id: Some(actor.user_id), limit: 8, ..Default::default() })
        .await?;
    let reminder = s.app.action_reminder(&actor).await?;
    let asked = s.app.questions_for_me(&actor).await?;
    let unread = s.app.unread_notifications(&actor).await?;
    let first_name = viewer.user.name.split_whitespace().next().unwrap_or_default().to_string();
    let body = html! {
        h1 { "Hello " (first_name) }
        @if reminder.overdue + reminder.due_this_week > 0 {
            div class="nhsuk-inset-text" id="action-reminder" {
                p {
                    "Reminder: "
                    @if reminder.overdue > 0 { (reminder.overdue) " of your actions " (if reminder.overdue == 1 { "is" } else { "are" }) " overdue" }
                    @if reminder.overdue > 0 && reminder.due_this_week > 0 { " and " }
                    @if reminder.due_this_week > 0 { (reminder.due_this_week) " " (if reminder.due_this_week == 1 { "is" } else { "are" }) " due this week" }
                    ". " a href="/actions" { "See your actions" }
                }
            }
        }
        @if !asked.is_empty() {
            div class="nhsuk-inset-text" id="asked-of-you" {
                p { "Colleagues think you can help with " (counted(asked.len(), "question", "questions")) ":" }
                ul class="nhsuk-list" { @for q in asked.iter().take(5) { li { a href={ "/questions/" (q.id) } { (q.title) } } } }
            }
        }
        @if recent.items.is_empty() && drafts.items.is_empty() { (getting_started(&actor)) }
        @if unread > 0 { p id="unread" { a href="/notifications" { "You have " (unread) " unread " (if unread == 1 { "notification" } else { "notifications" }) } } }
        form class="nhsuk-u-margin-bottom-6" action="/search" method="get" role="search" novalidate {
            div class="nhsuk-form-group" {
                label class="nhsuk-label nhsuk-label--m" for="home-search" { "Find knowledge, lessons and evidence" }
                div class="nhsuk-hint" id="home-search-hint" { "For example: after action review flu clinic, or \"handover\"" }
                input class="nhsuk-input nhsuk-u-width-two-thirds" id="home-search" name="q" type="search" autocomplete="off" aria-describedby="home-search-hint"
                    hx-get="/search/suggest" hx-trigger="input changed delay:250ms, search" hx-target="#home-suggestions" hx-sync="this:replace";
                div class="signpost-suggestions signpost-suggestions--inline" id="home-suggestions" aria-live="polite" {}
            }
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Search" }
        }
        div class="nhsuk-grid-row" {
            div class="nhsuk-grid-column-one-half" {
                h2 { "Recently published and updated" }
                (asset_list(&recent.items, "Nothing has been published yet."))
                @if reviews.is_some() { p { a href="/showcase" { "Stories of the difference knowledge made" } } }
            }
            div class="nhsuk-grid-column-one-half" {
                @if let Some(reviews) = &reviews {
                    h2 { "Your reviews due" }
                    (asset_list(&reviews.items, "Nothing of yours is due for review in the next 30 days."))
                }
                h2 { "Your drafts" }
                (asset_list(&drafts.items, "You have no drafts."))
            }
        }
    };
    Ok(page("Home", Some(&viewer), "", body).into_response())
}
