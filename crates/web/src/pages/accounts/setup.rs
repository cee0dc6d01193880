//! First run in the browser: the one-time link `signpost serve` prints on an empty
//! database opens this page, which creates the organisation, its directorates and
//! teams and the first administrator, signs them in, and is gone from then on.
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use signpost_services::accounts::SetupInput;

use crate::auth::session_cookie;
use crate::pages::extract::{PublicCsrfForm, PublicToken};
use crate::pages::layout::two_thirds;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/setup", form).form("/setup", submit)
}

crate::page_form! {
    /// The set-up form.
    pub struct SetupForm / SetupNames { token: String, organisation: String, structure: String, name: String, email: String, password: String }
}

/// The link's token.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

const STRUCTURE_HINT: &str = "One directorate per line, then a colon and its teams separated by commas. \
    For example: Nursing: Emergency Department, Intensive Care. You can add and change teams later.";

fn setup_page(csrf: &str, form: &SetupForm, errors: &Errors) -> Markup {
    page(
        if errors.is_empty() { "Set up Signpost" } else { "Error: Set up Signpost" },
        None,
        "",
        html! {
            (two_thirds(html! {
                (error_summary(errors))
                h1 { "Set up Signpost" }
                p { "Signpost has no accounts yet. Name your organisation, sketch its directorates and teams, and create the first administrator's account. This page works once." }
                form method="post" action="/setup" novalidate {
                (csrf_field(csrf))
                input type="hidden" name=(SetupForm::NAMES.token) value=(form.token);
                h2 { "Your organisation" }
                (Field::new(SetupForm::NAMES.organisation, "Organisation name").hint("For example, Northfield NHS Foundation Trust.").errors(errors).input("text", &form.organisation))
                (Field::new(SetupForm::NAMES.structure, "Directorates and teams (optional)").hint(STRUCTURE_HINT).errors(errors).textarea(6, &form.structure))
                h2 { "The first administrator" }
                p { "You, most likely. Administrators add people, manage teams and settings." }
                (Field::new(SetupForm::NAMES.name, "Full name").errors(errors).input("text", &form.name))
                (Field::new(SetupForm::NAMES.email, "Email address").hint("You sign in with it.").errors(errors).email(&form.email))
                (Field::new(SetupForm::NAMES.password, "Password").hint("At least 12 characters. A few unrelated words make a good one.").errors(errors).password("new-password"))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Set up Signpost" }
                }
            }))
        },
    )
}

fn link_gone() -> Response {
    let body = html! {
        (two_thirds(html! {
            h1 { "This set-up link does not work" }
            p { "Signpost is already set up, or the server has been restarted since and printed a newer link in its log." }
            p { a href="/sign-in" { "Sign in" } }
        }))
    };
    (StatusCode::NOT_FOUND, page("This set-up link does not work", None, "", body)).into_response()
}

/// `GET /setup?token=…`.
pub async fn form(State(s): State<AppState>, token: PublicToken, PageQuery(q): PageQuery<TokenQuery>) -> PageResult {
    let secret = q.token.unwrap_or_default();
    if !s.app.setup_link_works(&secret).await? {
        return Ok(link_gone());
    }
    let form = SetupForm { token: secret, ..SetupForm::default() };
    Ok(token.set(setup_page(&token.token, &form, &vec![]).into_response()))
}

/// `POST /setup`: sets up and signs the administrator in.
pub async fn submit(token: PublicToken, headers: HeaderMap, PublicCsrfForm(s, f): PublicCsrfForm<SetupForm>) -> PageResult {
    let input = SetupInput {
        organisation: f.organisation.clone(),
        structure: f.structure.clone(),
        name: f.name.clone(),
        email: f.email.clone(),
        password: f.password.clone(),
    };
    match s.app.complete_setup(&f.token, input).await {
        Ok(session) => {
            let mut response = see_other("/");
            response.headers_mut().append(header::SET_COOKIE, session_cookie(Some(&session.secret), s.secure_cookies(&headers)));
            Ok(response)
        }
        Err(ServiceError::NotFound(_)) => Ok(link_gone()),
        Err(e) => {
            let errors = refused(e)?;
            let form = SetupForm { password: String::new(), ..f };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, setup_page(&token.token, &form, &errors)).into_response())
        }
    }
}
