//! A person's notifications: answers to their questions, questions sent to them,
//! coffee matches and mentoring news.

use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/notifications", list).form_back("/notifications/read", "/notifications", read)
}

/// `GET /notifications`.
pub async fn list(SignedIn(s, actor, viewer): SignedIn) -> PageResult {
    let all = s.app.notifications(&actor).await?;
    let unread = all.iter().filter(|n| !n.read).count();
    let body = html! {
        h1 { "Notifications" }
        @if all.is_empty() { p { "Nothing yet." } }
        @else {
            p { (unread) " unread" }
            ul class="nhsuk-list nhsuk-list--border" id="notifications" {
                @for n in &all {
                    li {
                        @if !n.read { strong class="nhsuk-tag nhsuk-tag--blue" { "Unread" } " " }
                        a href=(n.link) { (n.text) } br;
                        span class="nhsuk-body-s" { (n.created_at.format("%-d %B %Y, %H:%M")) }
                    }
                }
            }
            @if unread > 0 {
                form method="post" action="/notifications/read" novalidate {
                    (csrf_field(&viewer.csrf_token))
                    button class="nhsuk-button nhsuk-button--secondary" type="submit" { "Mark all as read" }
                }
            }
        }
    };
    Ok(page("Notifications", Some(&viewer), "", body).into_response())
}

/// `POST /notifications/read`.
pub async fn read(CsrfForm(s, actor, _, CsrfOnly {}): CsrfForm<CsrfOnly>) -> PageResult {
    s.app.mark_notifications_read(&actor).await?;
    Ok(see_other("/notifications"))
}
