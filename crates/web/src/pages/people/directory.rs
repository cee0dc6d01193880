//! People and teams: who is here, what they know and share, and how each team's
//! knowledge stands against its review dates.
use chrono::NaiveDate;
use serde::Deserialize;
use signpost_domain::assets::Status;
use signpost_domain::people::{Role, Team, User};
use signpost_domain::ports::AssetQuery;

use crate::pages::charts::{BarChart, Bars, Series};
use crate::pages::home::asset_list;
use crate::pages::layout::pagination;
use crate::pages::prelude::*;
use signpost_domain::ids::{TeamId, UserId};

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/people", people_list).page("/people/{id}", person).page("/teams", teams_list).page("/teams/{id}", team)
}

const PER_PAGE: i64 = 50;
const CHART_MONTHS: u32 = 12;

/// Which page of a list.
#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<i64>,
}

fn month_label(m: NaiveDate) -> String {
    m.format("%b %Y").to_string()
}

fn team_name(teams: &[Team], id: Option<i64>) -> String {
    id.and_then(|id| teams.iter().find(|t| t.id == id)).map_or_else(|| "No team".to_string(), |t| t.name.clone())
}

fn people_table(caption: &str, people: &[User], teams: &[Team]) -> Markup {
    html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (caption) }
            (table_head(&["Name", "Job title", "Team"]))
            tbody class="nhsuk-table__body" {
                @for u in people {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { a href={ "/people/" (u.id) } { (u.name) } }
                        td class="nhsuk-table__cell" { (u.job_title) }
                        td class="nhsuk-table__cell" {
                            @if let Some(t) = u.team_id { a href={ "/teams/" (t) } { (team_name(teams, Some(t.0))) } } @else { "No team" }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /people[?page=]`.
pub async fn people_list(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<ListQuery>) -> PageResult {
    let page_no = q.page.unwrap_or(1).max(1);
    let people = s.app.users(&actor, (page_no - 1) * PER_PAGE, PER_PAGE).await?;
    let teams = s.app.teams(&actor).await?;
    let pages = (people.total + PER_PAGE - 1) / PER_PAGE;
    let body = html! {
        h1 { "People" }
        p { (counted(people.total, "person", "people")) ". Open someone to see what they have shared." }
        (people_table("People, by name", &people.items, &teams))
        (pagination(page_no, pages, |p| format!("/people?page={p}")))
    };
    Ok(page("People", Some(&viewer), "", body).into_response())
}

/// `GET /people/{id}`.
pub async fn person(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<UserId>) -> PageResult {
    let person = s.app.user(&actor, id).await?;
    let teams = s.app.teams(&actor).await?;
    let shared = s
        .app
        .list_assets(&actor, AssetQuery { owner_id: Some(id), status: Some(Status::Published), limit: 20, ..Default::default() })
        .await?;
    // Guests see accounts only; staff see the profile as far as its owner allows.
    let profile = match s.app.person_profile(&actor, id).await {
        Ok(view) => Some(view),
        Err(signpost_services::ServiceError::Forbidden(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let row = |k: &str, v: Markup| {
        html! { div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { (k) } dd class="nhsuk-summary-list__value" { (v) } } }
    };
    let body = html! {
        span class="nhsuk-caption-l" { (label(person.role.as_str())) }
        h1 { (person.name) }
        dl class="nhsuk-summary-list" {
            (row("Job title", html! { (person.job_title) }))
            (row("Profession", html! { (person.profession) }))
            (row("Site", html! { (person.site) }))
            (row("Team", html! { @if let Some(t) = person.team_id { a href={ "/teams/" (t) } { (team_name(&teams, Some(t.0))) } } @else { "No team" } }))
            @if !person.email.is_empty() { (row("Email", html! { a href={ "mailto:" (person.email) } { (person.email) } })) }
        }
        @if let Some(view) = &profile {
            h2 { "Profile" }
            @if view.own { p { a href="/profile" { "Change your profile" } } }
            @match &view.profile {
                Some(p) => {
                    dl class="nhsuk-summary-list" id="profile" {
                        @if !p.band.is_empty() { (row("Seniority band", html! { (p.band) })) }
                        (row("Skills", html! { @if p.skills.is_empty() { "None listed" } @else { (p.skills.join(", ")) } }))
                        (row("Interests", html! { @if p.interests.is_empty() { "None listed" } @else { (p.interests.join(", ")) } }))
                        (row("Available for", html! {
                            @let offers: Vec<&str> = [(p.mentoring, "mentoring"), (p.peer_assist, "peer assists")].iter().filter(|o| o.0).map(|o| o.1).collect();
                            @if offers.is_empty() { "Not at the moment" } @else { (crate::pages::capitalised(&offers.join(" and "))) }
                        }))
                    }
                }
                None => { p { "Their skills and interests are shown only to the people they chose." } }
            }
            @if let Some(team) = &view.advocate_team { p { strong class="nhsuk-tag nhsuk-tag--green" { "Knowledge advocate" } " for " (team) } }
            @if !view.communities.is_empty() {
                h3 { "Communities" }
                ul class="nhsuk-list" { @for c in &view.communities { li { a href={ "/communities/" (c.community_id) } { (c.name) } " (" (c.role.as_str()) ")" } } }
            }
        }
        h2 { "Knowledge they own (" (shared.total) ")" }
        (asset_list(&shared.items, "Nothing published that you can see."))
    };
    Ok(page(&person.name, Some(&viewer), "", body).into_response())
}

fn team_tree(teams: &[Team], parent: Option<i64>) -> Markup {
    html! {
        ul class="nhsuk-list nhsuk-list--bullet" {
            @for t in teams.iter().filter(|t| t.parent_id == parent.map(TeamId)) {
                li {
                    a href={ "/teams/" (t.id) } { (t.name) } " (" (label(t.kind.as_str()).to_lowercase()) ")"
                    @if teams.iter().any(|c| c.parent_id == Some(t.id)) { (team_tree(teams, Some(t.id.0))) }
                }
            }
        }
    }
}

/// `GET /teams`: the organisation's teams and how its knowledge has grown.
pub async fn teams_list(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let teams = s.app.teams(&actor).await?;
    let growth = s.app.asset_growth(&actor, CHART_MONTHS).await?;
    let first = growth.first().map_or(0, |g| g.total);
    let last = growth.last().map_or(0, |g| g.total);
    let chart = BarChart {
        id: "growth",
        title: "Knowledge in Signpost, month by month",
        summary: format!(
            "The number of knowledge assets you can see, at the end of each of the last {CHART_MONTHS} months: {first} at the start of the period and {last} now."
        ),
        labels: growth.iter().map(|g| month_label(g.month)).collect(),
        series: vec![Series { name: "Knowledge assets", colour: "#005eb8", values: growth.iter().map(|g| g.total).collect() }],
        bars: Bars::Stacked,
    };
    let body = html! {
        h1 { "Teams" }
        (chart.render())
        h2 { "Teams in the organisation" }
        (team_tree(&teams, None))
    };
    Ok(page("Teams", Some(&viewer), "", body).into_response())
}

/// `GET /teams/{id}`: members, recent knowledge and review status over time.
pub async fn team(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<TeamId>) -> PageResult {
    let teams = s.app.teams(&actor).await?;
    let Some(team) = teams.iter().find(|t| t.id == id) else {
        return Err(signpost_services::ServiceError::NotFound(format!("team {id}")).into());
    };
    let members = s.app.team_members(&actor, id).await?;
    let recent = s
        .app
        .list_assets(&actor, AssetQuery { team_id: Some(id), status: Some(Status::Published), limit: 10, ..Default::default() })
        .await?;
    let history = s.app.team_review_history(&actor, id, CHART_MONTHS).await?;
    let now = history.last();
    let chart = BarChart {
        id: "reviews",
        title: "Review status at the end of each month",
        summary: format!(
            "Published knowledge of {} by review status over the last {CHART_MONTHS} months. Now: {} in date, {} due for review within 30 days, {} overdue.",
            team.name,
            now.map_or(0, |p| p.in_date),
            now.map_or(0, |p| p.due_soon),
            now.map_or(0, |p| p.overdue)
        ),
        labels: history.iter().map(|p| month_label(p.month)).collect(),
        series: vec![
            Series { name: "In date", colour: "#007f3b", values: history.iter().map(|p| p.in_date).collect() },
            Series { name: "Due soon", colour: "#ffb81c", values: history.iter().map(|p| p.due_soon).collect() },
            Series { name: "Overdue", colour: "#d5281b", values: history.iter().map(|p| p.overdue).collect() },
        ],
        bars: Bars::Stacked,
    };
    let parent = team.parent_id.and_then(|p| teams.iter().find(|t| t.id == p));
    let body = html! {
        span class="nhsuk-caption-l" { (label(team.kind.as_str())) }
        h1 { (team.name) }
        @if let Some(p) = parent { p { "Part of " a href={ "/teams/" (p.id) } { (p.name) } "." } }
        ul class="nhsuk-list" {
            li { a href={ "/reviews?team=" (id) } { "See this team's reviews due" } }
            @if actor.role != Role::Guest {
                li { a href={ "/maturity/assess?team=" (id) } { "Assess how well this team manages knowledge" } }
                li { a href="/maturity" { "Maturity self-assessments of every team" } }
            }
        }
        (chart.render())
        h2 { "Recently published (" (recent.total) " in all)" }
        (asset_list(&recent.items, "Nothing published that you can see."))
        @if members.is_empty() { h2 { "Members" } p { "Nobody is in this team." } }
        @else { (people_table(&format!("Members ({})", members.len()), &members, &teams)) }
    };
    Ok(page(&team.name, Some(&viewer), "", body).into_response())
}
