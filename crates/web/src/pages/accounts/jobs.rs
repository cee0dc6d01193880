//! `/admin/jobs`: the background work an administrator keeps an eye on (reminders and
//! the emails they send), with what went wrong and a way to run a failed job again.
use serde::Deserialize;
use signpost_domain::jobs::JobState;

use crate::pages::layout::pagination;
use crate::pages::prelude::*;
use signpost_domain::ids::JobId;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/admin/jobs", list).form_back("/admin/jobs/{id}/retry", "/admin/jobs", retry)
}

const PER_PAGE: i64 = 50;

/// Which jobs to list.
#[derive(Deserialize)]
pub struct JobsQuery {
    state: Option<String>,
    page: Option<i64>,
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %Y %H:%M UTC").to_string()
}

crate::notices! {
    /// What the jobs page says after a change.
    pub enum JobsNotice {
        Retried => "The job will run again in a moment.",
    }
}

/// `GET /admin/jobs`.
pub async fn list(SignedIn(s, actor, viewer): SignedIn, PageQuery(q): PageQuery<JobsQuery>, notice: Done<JobsNotice>) -> PageResult {
    let state = q.state.as_deref().and_then(JobState::parse);
    let page_no = q.page.unwrap_or(1).max(1);
    let jobs = s.app.background_jobs(&actor, state, (page_no - 1) * PER_PAGE, PER_PAGE).await?;
    let pages = (jobs.total + PER_PAGE - 1) / PER_PAGE;
    let heading = match state {
        Some(s) => format!("{} jobs", label(s.as_str())),
        None => "Jobs not yet done".to_string(),
    };
    let tabs =
        [(None, "Not yet done"), (Some(JobState::Failed), "Failed"), (Some(JobState::Pending), "Waiting"), (Some(JobState::Done), "Done")];
    let body = html! {
        @if let Some(d) = notice.message() { (success_banner(d)) }
        h1 { "Background jobs" }
        p { "Reminders and the emails they send run in the background on whichever server is free. A job that fails is tried again later, waiting longer each time; one that has failed every attempt waits here for you." }
        nav aria-label="Which jobs" {
            ul class="nhsuk-list" id="job-states" {
                @for (tab, text) in tabs {
                    @let href = match tab { Some(t) => format!("/admin/jobs?state={}", t.as_str()), None => "/admin/jobs".to_string() };
                    li { @if tab == state { strong aria-current="page" { (text) } } @else { a href=(href) { (text) } } }
                }
            }
        }
        h2 { (heading) }
        @if jobs.items.is_empty() { p id="no-jobs" { "None." } }
        @else {
            table class="nhsuk-table" id="jobs" {
                caption class="nhsuk-table__caption nhsuk-u-visually-hidden" { (heading) }
                (table_head(&["Job", "State", "Attempts", "When", "Last error"]))
                tbody class="nhsuk-table__body" {
                    @for j in &jobs.items {
                        tr class="nhsuk-table__row" {
                            td class="nhsuk-table__cell" { (label(&j.kind)) br; span class="nhsuk-body-s" { "Job " (j.id) } }
                            td class="nhsuk-table__cell" { (label(j.state.as_str())) }
                            td class="nhsuk-table__cell" { (j.attempts) " of " (j.max_attempts) }
                            td class="nhsuk-table__cell" {
                                @match j.state {
                                    JobState::Pending => { "Runs from " (when(j.run_at)) }
                                    JobState::Running => { "Running until " (j.locked_until.map(when).unwrap_or_default()) }
                                    _ => { (when(j.updated_at)) }
                                }
                            }
                            td class="nhsuk-table__cell" {
                                (j.last_error)
                                @if j.state == JobState::Failed {
                                    form method="post" action={ "/admin/jobs/" (j.id) "/retry" } novalidate {
                                        (csrf_field(&viewer.csrf_token))
                                        button class="nhsuk-button nhsuk-button--secondary nhsuk-u-margin-bottom-0" type="submit" {
                                            "Try again" span class="nhsuk-u-visually-hidden" { " job " (j.id) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        (pagination(page_no, pages, |p| match state {
            Some(st) => format!("/admin/jobs?state={}&page={p}", st.as_str()),
            None => format!("/admin/jobs?page={p}"),
        }))
    };
    Ok(page("Background jobs", Some(&viewer), "", body).into_response())
}

/// `POST /admin/jobs/{id}/retry`.
pub async fn retry(PagePath(id): PagePath<JobId>, CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.retry_background_job(&actor, id).await?;
    Ok(done("/admin/jobs?state=pending", JobsNotice::Retried))
}
