//! How a page answers: the page itself, a 303 to the next page with a typed notice
//! (POST-redirect-GET), the form again with its problems on named fields (422), or an
//! NHS error page. Every error a page meets becomes one of these, never plain text.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Serialize;
use serde::de::DeserializeOwned;
use signpost_services::ServiceError;

use super::form::Errors;
use super::layout::{self, Viewer, capitalised};

/// What a page handler answers: a page, a redirect, or the NHS error page.
pub type PageResult = Result<Response, PageError>;

/// What a function that draws a page answers: its markup, or why it cannot be shown.
pub type PageMarkup = Result<Markup, PageError>;

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then come back here.
    SignIn(String),
    /// A service error, shown as an NHS-styled error page.
    Service(ServiceError),
    /// A request the page cannot read (a bad path, query or body), shown as an NHS-styled error page.
    Status(StatusCode),
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError::Service(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::SignIn(next) => {
                let query = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                let target = format!("/sign-in?{query}");
                Redirect::to(&target).into_response()
            }
            PageError::Service(e) => {
                let status = crate::error::ApiError::from(e).status();
                if status == StatusCode::UNAUTHORIZED {
                    return Redirect::to("/sign-in").into_response();
                }
                error_page(status, None)
            }
            PageError::Status(status) => error_page(status, None),
        }
    }
}

/// An NHS-styled page for an error status.
pub fn error_page(status: StatusCode, viewer: Option<&Viewer>) -> Response {
    let (title, body) = match status {
        StatusCode::NOT_FOUND => (
            "Page not found",
            "If you typed the web address, check it is correct. If you pasted the web address, check you copied the entire address.",
        ),
        StatusCode::FORBIDDEN => {
            ("You do not have permission to do this", "Ask a knowledge specialist or an administrator if you think you should.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ("The file is too large", "Signpost reads files of up to 2 MiB. Go back and choose a smaller one.")
        }
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY => {
            ("Sorry, there is a problem with that request", "Go back and try again.")
        }
        _ => ("Sorry, there is a problem with the service", "Try again later. The problem has been logged."),
    };
    let markup = layout::page(
        title,
        viewer,
        "",
        html! {
            h1 { (title) }
            p { (body) }
            p { a href="/" { "Go to the Signpost home page" } }
        },
    );
    (status, markup).into_response()
}

/// A 303 redirect after a form post.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// What a page says after the change that sent people to it. Each page names its own
/// notices as an enum (`#[serde(rename_all = "snake_case")]`), so a redirect can only
/// carry one the page knows how to say.
pub trait Notice: Serialize + DeserializeOwned {
    /// The sentence in the success banner.
    fn message(&self) -> &'static str;
}

/// Declares a page's notices: an enum whose variants travel as `done=snake_case` and
/// the sentence each shows.
#[macro_export]
macro_rules! notices {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($variant:ident => $message:literal),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(missing_docs)]
        $vis enum $name { $($variant),* }

        impl $crate::pages::respond::Notice for $name {
            fn message(&self) -> &'static str {
                match self { $(Self::$variant => $message),* }
            }
        }
    };
}

/// A 303 to `to` (which may already have a query or a `#fragment`) carrying `notice` as `done=`.
pub fn done<N: Notice>(to: &str, notice: N) -> Response {
    let key = serde_urlencoded::to_string([("done", notice)]).unwrap_or_default();
    let (path, fragment) = to.split_once('#').map_or((to, String::new()), |(p, f)| (p, format!("#{f}")));
    see_other(&format!("{path}{}{key}{fragment}", if path.contains('?') { '&' } else { '?' }))
}

/// The notice a page was sent with, if it is one the page knows; anything else is ignored.
pub struct Done<N>(pub Option<N>);

impl<N: Notice> Done<N> {
    /// The sentence to show, if any.
    pub fn message(&self) -> Option<&'static str> {
        self.0.as_ref().map(Notice::message)
    }
}

impl<S: Send + Sync, N: Notice> FromRequestParts<S> for Done<N> {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        #[derive(serde::Deserialize)]
        struct Q<N> {
            done: Option<N>,
        }
        let q: Option<Q<N>> = serde_html_form::from_str(parts.uri.query().unwrap_or_default()).ok();
        Ok(Done(q.and_then(|q| q.done)))
    }
}

/// A refused change as problems on the form's fields, each message a sentence; `field`
/// names the form field a service field belongs to (it is given the name without a list
/// index: `names[2]` arrives as `names`). Anything but a refusal is the error page.
pub fn refused_as(e: ServiceError, field: impl Fn(&str) -> String) -> Result<Errors, PageError> {
    on_fields(e, |f| field(f.split('[').next().unwrap_or_default()))
}

/// A refused change as problems on exactly the fields the service named (list indexes kept).
pub fn refused(e: ServiceError) -> Result<Errors, PageError> {
    on_fields(e, str::to_string)
}

fn on_fields(e: ServiceError, field: impl Fn(&str) -> String) -> Result<Errors, PageError> {
    match e {
        ServiceError::Invalid(list) => Ok(list.into_iter().map(|f| (field(&f.field), capitalised(&f.message))).collect()),
        ServiceError::Conflict(m) => Ok(vec![(field("name"), capitalised(&m))]),
        other => Err(other.into()),
    }
}

/// The page a form sends people back to: only a path on this site, never elsewhere.
pub fn safe_next(next: Option<&str>) -> String {
    // Browsers drop tabs and line breaks from addresses ("/\t/evil.example" becomes
    // "//evil.example", another site), so only visible ASCII is accepted at all.
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.chars().all(|c| c.is_ascii_graphic()) => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn sign_in_only_ever_returns_to_a_page_of_this_site() {
        assert_eq!(safe_next(Some("/assets/3?done=1")), "/assets/3?done=1");
        for away in ["//evil.example", "/\t/evil.example", "/\n/evil.example", "/\\evil.example", "https://evil.example", "/ /evil"] {
            assert_eq!(safe_next(Some(away)), "/", "{away:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
