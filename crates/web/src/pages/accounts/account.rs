//! Your account: what Signpost holds about how you sign in, and where to change it.
use crate::pages::prelude::*;

/// This area's pages.
pub fn routes() -> Pages {
    Pages::new().page("/account", account)
}

/// `GET /account`.
pub async fn account(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let me = s.app.user(&actor, actor.user_id).await?;
    let team = match me.team_id {
        Some(id) => s.app.teams(&actor).await?.into_iter().find(|t| t.id == id).map(|t| t.name),
        None => None,
    };
    let manager = match me.line_manager_id {
        Some(id) => Some(s.app.user(&actor, id).await?.name),
        None => None,
    };
    let row = |key: &str, value: Markup| {
        html! {
            div class="nhsuk-summary-list__row" {
                dt class="nhsuk-summary-list__key" { (key) }
                dd class="nhsuk-summary-list__value" { (value) }
            }
        }
    };
    let body = html! {
        h1 { "Your account" }
        dl class="nhsuk-summary-list" {
            (row("Name", html! { (me.name) }))
            (row("Email address", html! { (me.email) }))
            (row("Job title", html! { (me.job_title) }))
            (row("Team", html! { (team.unwrap_or_else(|| "None".into())) }))
            (row("Line manager", html! { (manager.unwrap_or_else(|| "Not recorded".into())) }))
            (row("Role", html! { (label(me.role.as_str())) }))
        }
        p class="nhsuk-body-s" { "Only an administrator can change your email address, team, line manager or role." }
        ul class="nhsuk-list" {
            li { a class="nhsuk-heading-s" href="/account/password" { "Change your password" } p class="nhsuk-body-s" { "Signs you out on your other devices and browsers." } }
            li { a class="nhsuk-heading-s" href="/account/notifications" { "Emails" } p class="nhsuk-body-s" { "What Signpost emails you, and how often." } }
            li { a class="nhsuk-heading-s" href="/profile" { "Change your profile" } p class="nhsuk-body-s" { "What you know about and can help with, which the expert finder uses." } }
            li { a class="nhsuk-heading-s" href="/alerts" { "Saved searches" } p class="nhsuk-body-s" { "Searches that email you new knowledge, and how often." } }
            li { a class="nhsuk-heading-s" href="/account/feeds" { "Feeds" } p class="nhsuk-body-s" { "Follow searches, your team's knowledge and your review queue in a feed reader." } }
            li { a class="nhsuk-heading-s" href="/account/tokens" { "API tokens" } p class="nhsuk-body-s" { "Keys for scripts and other systems to use Signpost's API as you." } }
        }
    };
    Ok(page("Your account", Some(&viewer), "", body).into_response())
}
