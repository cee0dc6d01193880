//! Server-rendered pages on the NHS.UK design system. Every page and form works
//! without JavaScript; forms carry the session's CSRF token.
use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::html;
use signpost_domain::people::Actor;
use signpost_services::ServiceError;

use crate::AppState;
use crate::auth::{constant_time_eq, session_secret};

pub mod actions;
pub mod admin;
pub mod advocates;
pub mod asset;
pub mod asset_form;
pub mod charts;
pub mod chooser;
pub mod coffee;
pub mod communities;
pub mod editor;
pub mod experts;
pub mod form;
pub mod home;
pub mod impact;
pub mod jobs;
pub mod layout;
pub mod leaver_forms;
pub mod leavers;
pub mod maturity;
pub mod maturity_charts;
pub mod mentoring;
pub mod notifications;
pub mod people;
pub mod projects;
pub mod questions;
pub mod reports;
pub mod reviews;
pub mod risks;
pub mod search;
pub mod session_report;
pub mod session_start;
pub mod sessions;
pub mod settings;
pub mod sign_in;
pub mod statement;
pub mod techniques;

pub use layout::Viewer;

/// Every page route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-out", axum::routing::post(sign_in::sign_out))
        .route("/accessibility", get(statement::show))
        .route("/search", get(search::show))
        .route("/search/suggest", get(search::suggest))
        .route("/admin", get(admin::index))
        .route("/admin/users", get(admin::users).post(admin::add_user))
        .route("/admin/users/{id}", get(admin::user))
        .route("/admin/users/{id}/role", axum::routing::post(admin::set_role))
        .route("/admin/users/{id}/revoke-access", axum::routing::post(admin::revoke_access))
        .route("/admin/teams", get(admin::teams).post(admin::add_team))
        .route("/admin/synonyms", get(settings::synonyms).post(settings::save_synonyms))
        .route("/admin/audit", get(settings::audit))
        .route("/admin/jobs", get(jobs::list))
        .route("/admin/jobs/{id}/retry", get(to_jobs).post(jobs::retry))
        .route("/account/tokens", get(settings::tokens).post(settings::create_token))
        .route("/account/tokens/{id}/revoke", axum::routing::post(settings::revoke_token))
        .route("/reviews", get(reviews::show))
        .route("/people", get(people::people_list))
        .route("/people/{id}", get(people::person))
        .route("/techniques", get(techniques::list))
        .route("/techniques/choose", get(chooser::show))
        .route("/projects", get(projects::list).post(projects::create))
        .route("/projects/new", get(projects::new_form))
        .route("/projects/{id}", get(projects::show))
        .route("/projects/{id}/edit", get(projects::edit_form).post(projects::update))
        .route("/projects/{id}/marks", axum::routing::post(projects::mark))
        .route("/sessions", axum::routing::post(session_start::create))
        .route("/sessions/new", get(session_start::new_form))
        .route("/sessions/{id}", get(sessions::show).post(sessions::record))
        .route("/sessions/{id}/answers", get(sessions::to_session).post(sessions::answer))
        .route("/sessions/{id}/share", get(sessions::to_session).post(sessions::share))
        .route("/sessions/{id}/lessons", get(sessions::to_session).post(sessions::add_lesson))
        .route("/sessions/{id}/actions", get(sessions::to_session).post(sessions::add_action))
        .route("/sessions/{id}/report.md", get(session_report::report_markdown))
        .route("/sessions/{id}/print", get(session_report::print))
        .route("/actions", get(actions::board))
        .route("/actions/{id}/close", get(actions::to_board).post(actions::close))
        .route("/lessons/unlearned", get(actions::unlearned))
        .route("/lessons/{id}/state", get(actions::to_unlearned).post(actions::set_state))
        .route("/profile", get(experts::edit).post(experts::save))
        .route("/experts", get(experts::find))
        .route("/communities", get(communities::list).post(communities::create))
        .route("/communities/{id}", get(communities::show))
        .route("/communities/{id}/join", get(communities::to_community).post(communities::join))
        .route("/communities/{id}/leave", get(communities::to_community).post(communities::leave))
        .route("/communities/{id}/events", get(communities::to_community).post(communities::add_event))
        .route("/communities/{id}/coordinators", get(communities::to_community).post(communities::make_coordinator))
        .route("/communities/{id}/ask", get(questions::ask_form))
        .route("/communities/{id}/questions", get(communities::to_community).post(questions::ask))
        .route("/questions/similar", get(questions::similar))
        .route("/questions/{id}", get(questions::show))
        .route("/questions/{id}/answers", get(questions::to_question).post(questions::answer))
        .route("/questions/{id}/comments", get(questions::to_question).post(questions::comment))
        .route("/questions/{id}/vote", get(questions::to_question).post(questions::vote))
        .route("/questions/{id}/accept", get(questions::to_question).post(questions::accept))
        .route("/advocates", get(advocates::coverage).post(advocates::register))
        .route("/advocates/{id}/remove", get(advocates::to_register).post(advocates::remove))
        .route("/leavers", get(leavers::list).post(leaver_forms::start))
        .route("/leavers/{id}", get(leavers::show))
        .route("/leavers/{id}/details", get(leaver_forms::to_plan).post(leaver_forms::details))
        .route("/leavers/{id}/accept", get(leaver_forms::to_plan).post(leaver_forms::accept))
        .route("/leavers/{id}/areas", get(leaver_forms::to_plan).post(leaver_forms::add_area))
        .route("/leavers/{id}/scores", get(leaver_forms::to_plan).post(leaver_forms::scores))
        .route("/leavers/{id}/areas/{area}/actions", get(leaver_forms::to_plan).post(leaver_forms::add_action))
        .route("/leavers/{id}/actions/{action}/lists", get(leaver_forms::to_plan).post(leaver_forms::lists))
        .route("/leavers/{id}/actions/{action}/done", get(leaver_forms::to_plan).post(leaver_forms::done))
        .route("/leavers/{id}/actions/{action}/note", get(leaver_forms::note_form).post(leaver_forms::note))
        .route("/leavers/{id}/handover", get(leaver_forms::to_plan).post(leaver_forms::handover))
        .route("/leavers/{id}/complete", get(leaver_forms::to_plan).post(leaver_forms::complete))
        .route("/maturity", get(maturity::overview))
        .route("/maturity/assess", get(maturity::assess_form).post(maturity::assess))
        .route("/maturity/assessments/{id}", get(maturity::show))
        .route("/maturity/import", get(maturity::to_overview).post(maturity::import))
        .route("/maturity/models", get(maturity::to_overview).post(maturity::load_model))
        .route("/maturity/{key}/assessments.xlsx", get(maturity::download))
        .route("/maturity/{key}/model.xlsx", get(maturity::download_model))
        .route("/impact/new", get(impact::new))
        .route("/impact", get(impact::to_form).post(impact::record))
        .route("/impact/{id}/withdraw", get(impact::withdraw_form).post(impact::withdraw))
        .route("/showcase", get(impact::showcase))
        .route("/showcase/react", get(impact::to_showcase).post(impact::react))
        .route("/reports", get(reports::show))
        .route("/reports/print", get(reports::print))
        .route("/reports/report.csv", get(reports::csv))
        .route("/reports/report.xlsx", get(reports::xlsx))
        .route("/risks", get(risks::register).post(risks::add))
        .route("/risks/{id}", get(risks::edit).post(risks::update))
        .route("/risks/{id}/remove", get(risks::to_entry).post(risks::remove))
        .route("/mentoring", get(mentoring::board))
        .route("/mentoring/listings", get(mentoring::to_board).post(mentoring::add_listing))
        .route("/mentoring/listings/{id}/close", get(mentoring::to_board).post(mentoring::close_listing))
        .route("/mentoring/matches", get(mentoring::to_board).post(mentoring::propose))
        .route("/mentoring/matches/{id}", get(mentoring::to_board).post(mentoring::answer))
        .route("/coffee", get(coffee::list).post(coffee::create))
        .route("/coffee/{id}", get(coffee::show))
        .route("/coffee/{id}/join", get(coffee::to_programme).post(coffee::join))
        .route("/coffee/{id}/leave", get(coffee::to_programme).post(coffee::leave))
        .route("/coffee/{id}/rounds", get(coffee::to_programme).post(coffee::run_round))
        .route("/coffee/{id}/rounds/{round}/feedback", get(coffee::to_programme_from_round).post(coffee::feedback))
        .route("/coffee/{id}/rounds/{round}/check", get(coffee::check))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", get(notifications::to_list).post(notifications::read))
        .route("/techniques/{key}", get(techniques::show))
        .route("/teams", get(people::teams_list))
        .route("/teams/{id}", get(people::team))
        .route("/assets/new", get(editor::new_form).post(editor::create))
        .route("/assets/{id}/edit", get(editor::edit_form).post(editor::update))
        .route("/assets/{id}", get(asset::show))
        .route("/assets/{id}/diff", get(asset::diff))
        .route("/assets/{id}/verify", axum::routing::post(asset::verify))
        .route("/assets/{id}/archive", axum::routing::post(asset::archive))
}

/// The signed-in person behind a browser request, if any.
pub struct MaybeSignedIn(pub Option<(Actor, Viewer)>);

impl FromRequestParts<AppState> for MaybeSignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(secret) = session_secret(parts) else { return Ok(MaybeSignedIn(None)) };
        let Some(s) = state.app.session(&secret).await? else { return Ok(MaybeSignedIn(None)) };
        Ok(MaybeSignedIn(Some((s.actor, Viewer { user: s.user, csrf_token: s.session.csrf_token }))))
    }
}

/// The signed-in person; anyone else is sent to sign in and brought back afterwards.
pub struct SignedIn(pub Actor, pub Viewer);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeSignedIn::from_request_parts(parts, state).await?.0 {
            Some((actor, viewer)) => Ok(SignedIn(actor, viewer)),
            None => Err(PageError::SignIn(parts.uri.path_and_query().map_or("/".to_string(), |p| p.to_string()))),
        }
    }
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    /// Not signed in: go to the sign-in page, then come back here.
    SignIn(String),
    /// A service error, shown as an NHS-styled error page.
    Service(ServiceError),
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> Self {
        PageError::Service(e)
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
        }
    }
}

/// A stable name (`practice_example`, `due_soon`) as words for people ("Practice example").
pub fn label(name: &str) -> String {
    capitalised(&name.replace('_', " "))
}

/// A service's message as a sentence on a page: "enter a title" becomes "Enter a title".
pub fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
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

/// `GET` on a job's retry address: back to the list.
async fn to_jobs() -> Response {
    see_other("/admin/jobs")
}

/// A 303 redirect after a form post.
pub fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response()
}

/// Refuses a form whose CSRF token is not the session's.
pub fn check_csrf(viewer: &Viewer, sent: &str) -> Result<(), PageError> {
    if constant_time_eq(viewer.csrf_token.as_bytes(), sent.as_bytes()) {
        Ok(())
    } else {
        Err(PageError::Service(ServiceError::Forbidden("the form expired: go back, reload the page and try again".into())))
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
