//! The review queue: published knowledge due for review in the next 30 days or
//! overdue, soonest first, for the person or for one of their teams.
use serde::Deserialize;
use signpost_domain::assets::Asset;
use signpost_domain::review::ReviewState;
use signpost_services::assets::ReviewScope;

use crate::pages::layout::pagination;
use crate::pages::prelude::*;
use signpost_domain::ids::TeamId;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/reviews", show)
}

const PER_PAGE: i64 = 20;

/// Whose queue, and which page of it.
#[derive(Deserialize)]
pub struct ReviewsQuery {
    team: Option<TeamId>,
    page: Option<i64>,
}

/// A table of assets with their review dates and states.
pub fn review_table(caption: &str, assets: &[Asset]) -> Markup {
    let now = chrono::Utc::now();
    html! {
        table class="nhsuk-table" {
            caption class="nhsuk-table__caption" { (caption) }
            (table_head(&["Knowledge", "Kind", "Review by", "Status"]))
            tbody class="nhsuk-table__body" {
                @for a in assets {
                    tr class="nhsuk-table__row" {
                        td class="nhsuk-table__cell" { a href={ "/assets/" (a.id) } { (a.title) } }
                        td class="nhsuk-table__cell" { (label(a.kind.as_str())) }
                        td class="nhsuk-table__cell" { (a.next_review_at.format("%-d %B %Y")) }
                        td class="nhsuk-table__cell" {
                            @match ReviewState::at(a.next_review_at, now) {
                                ReviewState::Overdue => strong class="nhsuk-tag nhsuk-tag--red" { "Overdue" },
                                ReviewState::DueSoon => strong class="nhsuk-tag nhsuk-tag--yellow" { "Due soon" },
                                ReviewState::Current => strong class="nhsuk-tag nhsuk-tag--green" { "In date" },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /reviews[?team=][&page=]`.
pub async fn show(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<ReviewsQuery>) -> PageResult {
    let teams = s.app.teams(&actor).await?;
    let page_no = q.page.unwrap_or(1).max(1);
    let scope = q.team.map_or(ReviewScope::Mine, ReviewScope::Team);
    let queue = s.app.review_queue(&actor, scope, (page_no - 1) * PER_PAGE, PER_PAGE).await?;
    let team_name = |id: TeamId| teams.iter().find(|t| t.id == id).map_or_else(|| format!("Team {id}"), |t| t.name.clone());
    let whose = q.team.map_or_else(|| "Yours".to_string(), team_name);
    let pages = (queue.total + PER_PAGE - 1) / PER_PAGE;
    let link = |p: i64| match q.team {
        Some(t) => format!("/reviews?team={t}&page={p}"),
        None => format!("/reviews?page={p}"),
    };
    let body = html! {
        h1 { "Reviews due" }
        p { "Published knowledge due for review in the next 30 days, or already overdue, soonest first. Open it, check it is still right, then verify it or edit it." }
        nav class="nhsuk-u-margin-bottom-4" aria-label="Whose reviews" {
            ul class="nhsuk-list nhsuk-list--inline" {
                li { a href="/reviews" aria-current=[q.team.is_none().then_some("page")] { "Yours" } }
                @for t in actor.teams.iter().take(5) {
                    li { a href={ "/reviews?team=" (t) } aria-current=[(q.team == Some(*t)).then_some("page")] { (team_name(*t)) } }
                }
            }
        }
        @if queue.items.is_empty() {
            p class="nhsuk-body-l" { "Nothing is due for review. " (whose) " knowledge is all in date." }
        } @else {
            p role="status" { (queue.total) " due for review" }
            (review_table(&format!("Reviews due: {whose}"), &queue.items))
            (pagination(page_no, pages, link))
        }
    };
    Ok(page("Reviews due", Some(&viewer), "", body).into_response())
}
