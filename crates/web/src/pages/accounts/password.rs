//! Passwords: changing yours, asking for a link when you have forgotten it, and
//! choosing one from a link (a reset or an invitation). The last two are for people
//! who are not signed in, so their forms carry a double-submit token
//! ([`PublicCsrfForm`]).
use axum::http::StatusCode;
use serde::Deserialize;
use signpost_domain::accounts::LinkPurpose;
use signpost_services::accounts::{PasswordChange, RESET_MINUTES};

use crate::auth::session_secret;
use crate::client::ClientIp;
use crate::pages::extract::{PublicCsrfForm, PublicToken};
use crate::pages::layout::two_thirds;
use crate::pages::prelude::*;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new()
        .page("/account/password", change_form)
        .form("/account/password", change)
        .page("/password/forgot", forgot_form)
        .form("/password/forgot", forgot)
        .page("/password/set", set_form)
        .form("/password/set", set)
}

const HINT: &str = "At least 12 characters. A few unrelated words make a password that is long and easy to remember. \
                    Avoid passwords you use elsewhere.";

crate::page_form! {
    /// Changing one's own password.
    pub struct ChangeForm / ChangeNames { current_password: String, new_password: String }
}

crate::page_form! {
    /// Asking for a reset link.
    pub struct ForgotForm / ForgotNames { email: String }
}

crate::page_form! {
    /// Choosing a password from a link.
    pub struct SetForm / SetNames { link: String, password: String }
}

crate::notices! {
    /// What the change-password page says afterwards.
    pub enum PasswordNotice {
        Changed => "Your password is changed. You are signed out everywhere else.",
    }
}

fn change_page(viewer: &Viewer, state: &FormState<ChangeForm>) -> Markup {
    let errors = &state.errors;
    page(
        if errors.is_empty() { "Change your password" } else { "Error: Change your password" },
        Some(viewer),
        "",
        html! {
            @if let Some(n) = state.notice { (success_banner(n)) }
            (error_summary(errors))
            a class="nhsuk-back-link" href="/account" { "Back to your account" }
            h1 { "Change your password" }
            p { "Changing it signs you out on every other device and browser." }
            form method="post" action="/account/password" novalidate {
                (csrf_field(&viewer.csrf_token))
                (Field::new(ChangeForm::NAMES.current_password, "Current password").errors(errors).password("current-password"))
                (Field::new(ChangeForm::NAMES.new_password, "New password").hint(HINT).errors(errors).password("new-password"))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Change password" }
            }
        },
    )
}

/// `GET /account/password`.
pub async fn change_form(SignedIn(_, _, viewer): SignedIn, notice: Done<PasswordNotice>) -> PageResult {
    Ok(change_page(&viewer, &FormState::shown(notice.message())).into_response())
}

/// `POST /account/password`: checks the current password, sets the new one and ends
/// every other session.
pub async fn change(ClientIp(client): ClientIp, parts: axum::http::request::Parts, form: CsrfForm<ChangeForm>) -> PageResult {
    let CsrfForm(s, actor, viewer, f) = form;
    let keep = session_secret(&parts).map(|secret| signpost_services::accounts::secret_hash(&secret));
    let change = PasswordChange { current_password: f.current_password.clone(), new_password: f.new_password.clone() };
    match s.app.change_password(&actor, change, keep.as_deref(), &client.to_string()).await {
        Ok(_) => Ok(done("/account/password", PasswordNotice::Changed)),
        Err(ServiceError::RateLimited { retry_after_secs }) => {
            let message = format!("Too many tries. Try again in {} minutes", retry_after_secs.div_ceil(60));
            let state = FormState::with_errors(ChangeForm::default(), vec![(ChangeForm::NAMES.current_password.into(), message)]);
            Ok((StatusCode::TOO_MANY_REQUESTS, change_page(&viewer, &state)).into_response())
        }
        Err(e) => {
            // Passwords are never sent back into the page.
            let state = FormState::refused(ChangeForm::default(), e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, change_page(&viewer, &state)).into_response())
        }
    }
}

fn forgot_page(token: &str, email: &str, errors: &Errors, sent_to: Option<&str>) -> Markup {
    page(
        if errors.is_empty() { "Reset your password" } else { "Error: Reset your password" },
        None,
        "",
        html! {
            (two_thirds(html! {
                @if let Some(address) = sent_to {
                h1 { "Check your email" }
                p { "If " strong { (address) } " is the address of a Signpost account, we have sent it a link to choose a new password. The link works once, for " (RESET_MINUTES) " minutes." }
                p { "Nothing there? Check your junk mail folder, or ask your Signpost administrator." }
                p { a href="/sign-in" { "Back to sign in" } }
                } @else {
                (error_summary(errors))
                a class="nhsuk-back-link" href="/sign-in" { "Back to sign in" }
                h1 { "Reset your password" }
                p { "Enter the email address you sign in with. We will send it a link to choose a new password." }
                form method="post" action="/password/forgot" novalidate {
                    (csrf_field(token))
                    (Field::new(ForgotForm::NAMES.email, "Email address").errors(errors).email(email))
                    button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Send the link" }
                }
                }
            }))
        },
    )
}

/// `GET /password/forgot`.
pub async fn forgot_form(token: PublicToken) -> Response {
    token.set(forgot_page(&token.token, "", &vec![], None).into_response())
}

/// `POST /password/forgot`: the same answer whether or not the address has an account.
pub async fn forgot(ClientIp(client): ClientIp, token: PublicToken, PublicCsrfForm(s, f): PublicCsrfForm<ForgotForm>) -> PageResult {
    match s.app.request_password_reset(&f.email, &client.to_string()).await {
        Ok(()) => Ok(forgot_page(&token.token, "", &vec![], Some(f.email.trim())).into_response()),
        Err(ServiceError::RateLimited { retry_after_secs }) => {
            let errors = vec![(
                ForgotForm::NAMES.email.to_string(),
                format!("Too many links asked for. Try again in {} minutes", retry_after_secs.div_ceil(60)),
            )];
            Ok((StatusCode::TOO_MANY_REQUESTS, forgot_page(&token.token, &f.email, &errors, None)).into_response())
        }
        Err(ServiceError::Conflict(m)) => {
            let errors = vec![(ForgotForm::NAMES.email.to_string(), capitalised(&m))];
            Ok((StatusCode::CONFLICT, forgot_page(&token.token, &f.email, &errors, None)).into_response())
        }
        Err(e) => {
            let errors = refused(e)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, forgot_page(&token.token, &f.email, &errors, None)).into_response())
        }
    }
}

/// The link from the email.
#[derive(Deserialize)]
pub struct LinkQuery {
    link: Option<String>,
}

fn set_page(token: &str, link: &str, name: &str, purpose: LinkPurpose, errors: &Errors) -> Markup {
    let title = match purpose {
        LinkPurpose::Reset => "Choose a new password",
        LinkPurpose::Invitation => "Choose your password",
    };
    page(
        &if errors.is_empty() { title.to_string() } else { format!("Error: {title}") },
        None,
        "",
        html! {
            (two_thirds(html! {
                (error_summary(errors))
                h1 { (title) }
                @if purpose == LinkPurpose::Invitation { p { "Welcome to Signpost, " (name) ". Choose the password you will sign in with." } }
                @else { p { "Choose a new password for " (name) "'s account. You will be signed out everywhere, then you can sign in with it." } }
                form method="post" action="/password/set" novalidate {
                (csrf_field(token))
                input type="hidden" name=(SetForm::NAMES.link) value=(link);
                (Field::new(SetForm::NAMES.password, "Password").hint(HINT).errors(errors).password("new-password"))
                button class="nhsuk-button" data-module="nhsuk-button" type="submit" { "Save password" }
                }
            }))
        },
    )
}

fn link_gone_page(message: &str) -> Response {
    let body = html! {
        (two_thirds(html! {
            h1 { "This link no longer works" }
            p { (capitalised(message)) "." }
            p { a href="/password/forgot" { "Ask for a new link" } " or " a href="/sign-in" { "sign in" } "." }
        }))
    };
    (StatusCode::NOT_FOUND, page("This link no longer works", None, "", body)).into_response()
}

/// `GET /password/set?link=…`.
pub async fn set_form(State(s): State<AppState>, token: PublicToken, PageQuery(q): PageQuery<LinkQuery>) -> PageResult {
    let link = q.link.unwrap_or_default();
    match s.app.password_link(&link).await {
        Ok((user, purpose)) => Ok(token.set(set_page(&token.token, &link, &user.name, purpose, &vec![]).into_response())),
        Err(ServiceError::NotFound(m)) => Ok(link_gone_page(&m)),
        Err(e) => Err(e.into()),
    }
}

crate::notices! {
    /// What the sign-in page says after a password was chosen from a link.
    pub enum SetNotice {
        PasswordSet => "Your password is saved. Sign in with it.",
    }
}

/// `POST /password/set`: saves the password and sends the person to sign in.
pub async fn set(token: PublicToken, PublicCsrfForm(s, f): PublicCsrfForm<SetForm>) -> PageResult {
    match s.app.set_password_by_link(&f.link, f.password.clone()).await {
        Ok(_) => Ok(done("/sign-in", SetNotice::PasswordSet)),
        Err(ServiceError::NotFound(m)) => Ok(link_gone_page(&m)),
        Err(e) => {
            let errors = refused(e)?;
            let (name, purpose) = match s.app.password_link(&f.link).await {
                Ok((user, purpose)) => (user.name, purpose),
                Err(_) => return Ok(link_gone_page("the link has been used or has expired")),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, set_page(&token.token, &f.link, &name, purpose, &errors)).into_response())
        }
    }
}
