//! The technique catalogue: which technique suits learning before, during or after a
//! piece of work, and how each is run.
use signpost_domain::techniques::{Stage, Technique};

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/techniques", list).page("/techniques/{key}", show)
}

const STAGES: [(Stage, &str); 3] =
    [(Stage::Before, "Learning before"), (Stage::During, "Learning during"), (Stage::After, "Learning after")];

/// Where Signpost itself runs a technique, for the techniques that are more than a
/// session's record: the page to go to and what the link says.
pub fn run_in_signpost(key: &str) -> Option<(&'static str, &'static str)> {
    match key {
        "self-assessment" => Some(("/maturity", "Assess how well your team manages knowledge")),
        "randomised-coffee-trials" => Some(("/coffee", "Join or organise a coffee trial")),
        "communities-of-practice" => Some(("/communities", "Find or start a community of practice")),
        "knowledge-assets" => Some(("/assets/new", "Share a knowledge asset")),
        "knowledge-harvesting" | "knowledge-exchange" => Some(("/leavers", "Secure a mover's or leaver's knowledge")),
        _ => None,
    }
}

/// The way on from a technique's page: its own tool, or a session of it.
fn next_step(t: &Technique) -> Markup {
    html! {
        @if let Some((href, text)) = run_in_signpost(&t.key) {
            a class="nhsuk-button" href=(href) { (text) }
        } @else {
            a class="nhsuk-button" href={ "/sessions/new?technique=" (t.key) } { "Start a session" }
        }
    }
}

fn or_not_recorded(text: &str) -> Markup {
    html! { @if text.trim().is_empty() { span class="nhsuk-u-secondary-text-color" { "Not recorded" } } @else { (text) } }
}

/// `GET /techniques`: the catalogue by stage.
pub async fn list(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let all = s.app.techniques(&actor).await?;
    let body = html! {
        h1 { "Techniques" }
        p class="nhsuk-lede-text" { "Ways for a team to learn before, during and after a piece of work." }
        @for (stage, heading) in STAGES {
            h2 { (heading) }
            ul class="nhsuk-list nhsuk-list--border" {
                @for t in all.iter().filter(|t| t.stage == stage) {
                    li {
                        a href={ "/techniques/" (t.key) } { (t.name) }
                        @if !t.purpose.is_empty() { br; span class="nhsuk-body-s" { (t.purpose) } }
                    }
                }
            }
        }
    };
    Ok(page("Techniques", Some(&viewer), "", body).into_response())
}

fn row(key: &str, value: Markup) -> Markup {
    html! {
        div class="nhsuk-summary-list__row" {
            dt class="nhsuk-summary-list__key" { (key) }
            dd class="nhsuk-summary-list__value" { (value) }
        }
    }
}

fn items(list: &[String], ordered: bool) -> Markup {
    html! {
        @if list.is_empty() { p { span class="nhsuk-u-secondary-text-color" { "Not recorded" } } }
        @else if ordered { ol class="nhsuk-list nhsuk-list--number" { @for i in list { li { (i) } } } }
        @else { ul class="nhsuk-list nhsuk-list--bullet" { @for i in list { li { (i) } } } }
    }
}

/// `GET /techniques/{key}`: how a technique is run.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PagePath(key): PagePath<String>) -> PageResult {
    let t: Technique = s.app.technique(&actor, &key).await?;
    let stage = STAGES.iter().find(|(s, _)| *s == t.stage).map_or("", |(_, h)| h);
    let body = html! {
        span class="nhsuk-caption-l" { (stage) }
        h1 { (t.name) }
        p class="nhsuk-lede-text" { (or_not_recorded(&t.purpose)) }
        (next_step(&t))
        // Only what the sources say: a row or a section they are silent on is left out
        // rather than filled in (DOMAIN.md: never invent official content).
        dl class="nhsuk-summary-list" {
            @for (key, value) in [("Who takes part", t.group_size.clone()), ("How long", t.duration.clone()), ("Roles", t.roles.join(", ")), ("What it produces", t.output.clone()), ("Source", t.source.clone())] {
                @if !value.trim().is_empty() { (row(key, html! { (value) })) }
            }
        }
        @if !t.steps.is_empty() { h2 { "Steps" } (items(&t.steps, true)) }
        @if !t.questions.is_empty() { h2 { "Questions" } (items(&t.questions, false)) }
        p { a href="/techniques" { "All techniques" } }
    };
    Ok(page(&t.name, Some(&viewer), "", body).into_response())
}
