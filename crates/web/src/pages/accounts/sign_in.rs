//! Signing in and out in the browser. The sign-in form has no session yet, so it
//! carries a CSRF token that is also set as a short-lived cookie (double submit).
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;

use crate::auth::{cookie, session_cookie, session_secret, set_cookie};
use crate::client::ClientIp;
use crate::pages::accounts::password::SetNotice;
use crate::pages::extract::PublicForm;
use crate::pages::prelude::*;
use crate::pages::safe_next;
use signpost_services::accounts::ProviderButton;

/// This area's pages and forms.
pub fn routes() -> Pages {
    Pages::new().page("/sign-in", form).form("/sign-in", submit).form("/sign-out", sign_out)
}

const LOGIN_CSRF_COOKIE: &str = "signpost_login_csrf";

/// Where to go after signing in.
#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
    signed_out: Option<String>,
}

/// What the sign-in form sends; a field left out is empty, for the handler to refuse.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
    csrf_token: String,
    next: Option<String>,
}

/// How people may sign in here: the providers' buttons, and whether passwords work.
pub(crate) struct Ways {
    providers: Vec<ProviderButton>,
    passwords: bool,
}

impl Ways {
    pub(crate) async fn of(s: &AppState) -> Result<Ways, PageError> {
        Ok(Ways { providers: s.app.sign_on_providers(), passwords: s.app.sign_in_settings().await?.local_passwords })
    }

    /// Where an error about single sign-on points: the first provider's button.
    pub(crate) fn first_button(&self) -> String {
        self.providers.first().map(|p| format!("sso-{}", p.key)).unwrap_or_else(|| "email".into())
    }
}

fn form_page(ways: &Ways, next: &str, csrf: &str, email: &str, errors: &[(String, String)], notice: Option<&str>) -> Markup {
    let field_error = |id: &str| errors.iter().find(|(f, _)| f == id).map(|(_, m)| m.clone());
    let next_query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    page(
        if errors.is_empty() { "Sign in" } else { "Error: Sign in" },
        None,
        "",
        html! {
            div class="nhsuk-grid-row" {
                div class="nhsuk-grid-column-two-thirds" {
                    @if let Some(n) = notice { (success_banner(n)) }
                    (error_summary(errors))
                    h1 { "Sign in to Signpost" }
                    @for p in &ways.providers {
                        // A link, not a form: the provider is another site, and forms may only post here.
                        a class="nhsuk-button signpost-sso-button" id={ "sso-" (p.key) } href={ "/sign-in/sso/" (p.key) "?" (next_query) } role="button" draggable="false" data-module="nhsuk-button" {
                            "Sign in with " (p.label)
                        }
                    }
                    @if ways.passwords {
                        @if !ways.providers.is_empty() { h2 class="nhsuk-heading-m" { "Or sign in with a Signpost password" } }
                        form method="post" action="/sign-in" novalidate {
                            (csrf_field(csrf))
                            input type="hidden" name="next" value=(next);
                            @let email_error = field_error("email");
                            div class={ "nhsuk-form-group" @if email_error.is_some() { " nhsuk-form-group--error" } } {
                                label class="nhsuk-label" for="email" { "Email address" }
                                @if let Some(m) = &email_error { span class="nhsuk-error-message" id="email-error" { span class="nhsuk-u-visually-hidden" { "Error: " } (m) } }
                                input class={ "nhsuk-input" @if email_error.is_some() { " nhsuk-input--error" } } id="email" name="email" type="email" autocomplete="email" spellcheck="false" value=(email) aria-describedby=[email_error.as_ref().map(|_| "email-error")];
                            }
                            @let password_error = field_error("password");
                            div class={ "nhsuk-form-group" @if password_error.is_some() { " nhsuk-form-group--error" } } {
                                label class="nhsuk-label" for="password" { "Password" }
                                @if let Some(m) = &password_error { span class="nhsuk-error-message" id="password-error" { span class="nhsuk-u-visually-hidden" { "Error: " } (m) } }
                                input class={ "nhsuk-input" @if password_error.is_some() { " nhsuk-input--error" } } id="password" name="password" type="password" autocomplete="current-password" aria-describedby=[password_error.as_ref().map(|_| "password-error")];
                            }
                            button class={ "nhsuk-button" @if !ways.providers.is_empty() { " nhsuk-button--secondary" } } data-module="nhsuk-button" type="submit" { "Sign in" }
                        }
                        p { a href="/password/forgot" { "Forgotten your password?" } }
                    } @else if ways.providers.is_empty() {
                        p { "Signing in is not set up. Ask an administrator." }
                    }
                }
            }
        },
    )
}

/// The sign-in page with `errors` and a fresh form token (for the single sign-on pages too).
pub(crate) fn sign_in_page(
    s: &AppState,
    headers: &HeaderMap,
    ways: &Ways,
    next: &str,
    errors: &[(String, String)],
    status: StatusCode,
) -> Response {
    let token = new_token();
    let page = (status, form_page(ways, next, &token, "", errors, None)).into_response();
    with_login_cookie(page, &token, s.secure_cookies(headers))
}

fn with_login_cookie(mut response: Response, token: &str, secure: bool) -> Response {
    response.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, token, "/sign-in", 3600, secure));
    response
}

fn new_token() -> String {
    crate::auth::random_token()
}

/// The sign-in form (or the home page, for someone already signed in).
pub async fn form(
    State(s): State<AppState>,
    MaybeSignedIn(who): MaybeSignedIn,
    headers: HeaderMap,
    PageQuery(q): PageQuery<Next>,
    notice: Done<SetNotice>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    if who.is_some() {
        return see_other(&next);
    }
    let ways = match Ways::of(&s).await {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let signed_out = q.signed_out.is_some().then_some("You have signed out.");
    let token = new_token();
    let page = form_page(&ways, &next, &token, "", &[], notice.message().or(signed_out));
    with_login_cookie(page.into_response(), &token, s.secure_cookies(&headers))
}

/// Checks the form, signs in, and goes where the person was heading.
pub async fn submit(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    PublicForm(f): PublicForm<SignInForm>,
) -> Response {
    let next = safe_next(f.next.as_deref());
    let ways = match Ways::of(&s).await {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if expected.is_empty() || !crate::auth::constant_time_eq(expected.as_bytes(), f.csrf_token.as_bytes()) {
        // A stale or forged form: show a fresh one rather than an error people cannot act on.
        let token = new_token();
        let errors = [("email".to_string(), "Your sign-in form expired. Enter your email address and password again".to_string())];
        let page = (StatusCode::FORBIDDEN, form_page(&ways, &next, &token, &f.email, &errors, None)).into_response();
        return with_login_cookie(page, &token, s.secure_cookies(&headers));
    }
    let mut errors = Vec::new();
    if f.email.trim().is_empty() {
        errors.push(("email".to_string(), "Enter your email address".to_string()));
    }
    if f.password.is_empty() {
        errors.push(("password".to_string(), "Enter your password".to_string()));
    }
    let outcome = if errors.is_empty() { Some(s.app.sign_in(&f.email, &f.password, &client.to_string()).await) } else { None };
    let status = match outcome {
        Some(Ok(session)) => {
            let secure = s.secure_cookies(&headers);
            let mut response = see_other(&next);
            response.headers_mut().append(header::SET_COOKIE, session_cookie(Some(&session.secret), secure));
            response.headers_mut().append(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, "", "/sign-in", 0, secure));
            return response;
        }
        Some(Err(ServiceError::RateLimited { retry_after_secs })) => {
            errors.push((
                "email".to_string(),
                format!("Too many attempts to sign in. Try again in {} minutes", retry_after_secs.div_ceil(60)),
            ));
            StatusCode::TOO_MANY_REQUESTS
        }
        Some(Err(ServiceError::Forbidden(m))) => {
            errors.push((ways.first_button(), capitalised(&m)));
            StatusCode::FORBIDDEN
        }
        Some(Err(ServiceError::Unauthenticated(m))) => {
            errors.push(("email".to_string(), capitalised(&m)));
            StatusCode::UNAUTHORIZED
        }
        Some(Err(e)) => return PageError::from(e).into_response(),
        None => StatusCode::UNPROCESSABLE_ENTITY,
    };
    (status, form_page(&ways, &next, &expected, &f.email, &errors, None)).into_response()
}

/// What the sign-out button sends.
#[derive(Deserialize)]
pub struct SignOutForm {
    csrf_token: String,
}

/// Ends the session (the form must carry its CSRF token).
pub async fn sign_out(State(s): State<AppState>, parts: Parts, form: Result<PublicForm<SignOutForm>, PageError>) -> Response {
    let secure = s.secure_cookies(&parts.headers);
    let mut to = "/sign-in?signed_out=1".to_string();
    if let Some(secret) = session_secret(&parts) {
        match (s.app.session(&secret).await, form) {
            (Ok(Some(signed_in)), Ok(PublicForm(f)))
                if crate::auth::constant_time_eq(f.csrf_token.as_bytes(), signed_in.session.csrf_token.as_bytes()) =>
            {
                // Someone a provider signed in is signed out there too, and comes back here.
                match s.app.provider_sign_out_url(&secret).await {
                    Ok(Some(url)) => to = url,
                    Ok(None) => {}
                    Err(e) => return PageError::from(e).into_response(),
                }
                if let Err(e) = s.app.sign_out(&secret).await {
                    return PageError::from(e).into_response();
                }
            }
            (Ok(Some(_)), _) => return error_page(StatusCode::FORBIDDEN, None),
            _ => {}
        }
    }
    let mut response = see_other(&to);
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(None, secure));
    response
}
