//! One-click unsubscribe (RFC 8058) from a category of email. The address in an email's
//! `List-Unsubscribe` header carries a signed token naming the person and category, so
//! a mail system's POST to it needs no session and no CSRF token; a GET (a person
//! clicking, or a scanner following the link) only shows a page with a button.
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

use crate::AppState;
use crate::pages::PagePath;
use crate::pages::layout::{page, two_thirds};

/// `GET /unsubscribe/{token}`: a page with the button, for a link whose signature holds.
pub async fn confirm(State(s): State<AppState>, PagePath(token): PagePath<String>) -> Response {
    if let Err(e) = s.app.unsubscribe_token(&token).await {
        return crate::pages::PageError::from(e).into_response();
    }
    let body = html! {
        (two_thirds(html! {
            h1 { "Stop these emails" }
            p { "Signpost will stop emailing you about this kind of thing. You will still see it under Notifications in Signpost, and you can change your mind under Your account → Emails." }
            form method="post" action={ "/unsubscribe/" (token) } novalidate {
            button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Stop these emails" }
            }
        }))
    };
    page("Stop these emails", None, "", body).into_response()
}

/// `POST /unsubscribe/{token}`: stops the emails (a mail system's one-click POST, or the button).
pub async fn unsubscribe(State(s): State<AppState>, PagePath(token): PagePath<String>) -> Response {
    match s.app.unsubscribe(&token).await {
        Ok(category) => {
            let body = html! {
                (two_thirds(html! {
                    h1 { "You will not get these emails" }
                    p { "Signpost will no longer email you when: " (category.describe().to_lowercase()) ". You will still see it under Notifications in Signpost." }
                    p { a href="/account/notifications" { "Choose what Signpost emails you" } }
                }))
            };
            page("You will not get these emails", None, "", body).into_response()
        }
        Err(e) => crate::pages::PageError::from(e).into_response(),
    }
}
