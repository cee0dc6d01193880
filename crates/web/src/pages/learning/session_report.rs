//! A session's report: Markdown to download, and a page that prints cleanly.
use axum::http::header;
use signpost_services::learning::report::SessionReport;

use crate::pages::prelude::*;
use signpost_domain::ids::SessionId;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/sessions/{id}/report.md", report_markdown).page("/sessions/{id}/print", print)
}

/// `GET /sessions/{id}/report.md`.
pub async fn report_markdown(SignedIn(s, actor, _): SignedIn, PagePath(id): PagePath<SessionId>) -> PageResult {
    let report = s.app.session_report(&actor, id).await?;
    let disposition = format!("attachment; filename=\"session-{id}.md\"");
    Ok((
        [(header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, disposition)],
        report.markdown(),
    )
        .into_response())
}

fn report_body(r: &SessionReport) -> Markup {
    html! {
        h1 { (r.title) }
        dl class="nhsuk-summary-list" {
            @for (k, v) in &r.details {
                div class="nhsuk-summary-list__row" { dt class="nhsuk-summary-list__key" { (k) } dd class="nhsuk-summary-list__value" { (v) } }
            }
        }
        @for sec in &r.sections {
            h2 { (sec.heading) }
            @if sec.entries.is_empty() { p { "Not recorded." } }
            @else if sec.is_list { ul class="nhsuk-list nhsuk-list--bullet" { @for e in &sec.entries { li { (e) } } } }
            @else { @for e in &sec.entries { p { (e) } } }
        }
    }
}

/// `GET /sessions/{id}/print`: the report as a page that prints cleanly.
pub async fn print(SignedIn(s, actor, viewer): SignedIn, PagePath(id): PagePath<SessionId>) -> PageResult {
    let report = s.app.session_report(&actor, id).await?;
    let body = html! {
        (report_body(&report))
        p class="signpost-no-print" { a href={ "/sessions/" (id) } { "Back to the session" } }
    };
    Ok(page(&format!("Report: {}", report.title), Some(&viewer), "", body).into_response())
}
