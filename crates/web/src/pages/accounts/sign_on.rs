//! Signing in through an identity provider: the button's address sends the browser
//! there with a `state` that is also kept in a cookie of this browser, and the provider
//! sends it back to the callback, which checks that the two match before anything else.
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;

use crate::auth::{constant_time_eq, cookie, session_cookie, set_cookie};
use crate::pages::accounts::sign_in::{Ways, sign_in_page};
use crate::pages::prelude::*;
use crate::pages::safe_next;

/// This area's pages.
pub fn routes() -> Pages {
    Pages::new().page("/sign-in/sso/{key}", start).page("/sign-in/sso/{key}/callback", callback)
}

const STATE_COOKIE: &str = "signpost_sso_state";
const STATE_PATH: &str = "/sign-in/sso";

/// Where to go after signing in.
#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// What a provider sends back: a code and the state, or an error.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

async fn refused(s: &AppState, headers: &HeaderMap, message: &str, status: StatusCode) -> Response {
    let ways = match Ways::of(s).await {
        Ok(w) => w,
        Err(e) => return e.into_response(),
    };
    let errors = [(ways.first_button(), capitalised(message))];
    let mut response = sign_in_page(s, headers, &ways, "/", &errors, status);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(STATE_COOKIE, "", STATE_PATH, 0, s.secure_cookies(headers)));
    response
}

fn service_refusal(e: &ServiceError) -> Option<StatusCode> {
    match e {
        ServiceError::Unauthenticated(_) => Some(StatusCode::UNAUTHORIZED),
        ServiceError::Unavailable(_) => Some(StatusCode::SERVICE_UNAVAILABLE),
        ServiceError::Conflict(_) => Some(StatusCode::CONFLICT),
        _ => None,
    }
}

/// `GET /sign-in/sso/{key}`: off to the provider.
pub async fn start(
    State(s): State<AppState>,
    headers: HeaderMap,
    PagePath(key): PagePath<String>,
    PageQuery(q): PageQuery<StartQuery>,
) -> Response {
    let next = safe_next(q.next.as_deref());
    match s.app.begin_sign_on(&key, &next).await {
        Ok(redirect) => {
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, redirect.url)]).into_response();
            let max_age = signpost_services::accounts::SIGN_ON_MINUTES * 60;
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(STATE_COOKIE, &redirect.state, STATE_PATH, max_age, s.secure_cookies(&headers)));
            response
        }
        Err(e) => match service_refusal(&e) {
            Some(status) => refused(&s, &headers, &e.to_string(), status).await,
            None => PageError::from(e).into_response(),
        },
    }
}

/// `GET /sign-in/sso/{key}/callback`: the provider's answer.
pub async fn callback(
    State(s): State<AppState>,
    headers: HeaderMap,
    PagePath(key): PagePath<String>,
    PageQuery(q): PageQuery<CallbackQuery>,
) -> Response {
    let Some(provider) = s.app.sign_on_providers().into_iter().find(|p| p.key == key) else {
        return error_page(StatusCode::NOT_FOUND, None);
    };
    if let Some(error) = &q.error {
        // Only the standard codes are put in words: anyone can make a link with an
        // error_description, so its text is never shown on Signpost's page.
        let why = match error.as_str() {
            "access_denied" => "you or the provider cancelled",
            "login_required" | "interaction_required" | "consent_required" => "it needs you to sign in there first",
            "temporarily_unavailable" | "server_error" => "it is having problems",
            _ => "it refused the request",
        };
        tracing::info!(provider = %provider.label, error = %error, description = ?q.error_description, "provider returned an error");
        let message = format!("{} did not sign you in: {why}. Try again, or ask an administrator", provider.label);
        return refused(&s, &headers, &message, StatusCode::UNAUTHORIZED).await;
    }
    let kept = cookie(&headers, STATE_COOKIE).unwrap_or_default();
    let (Some(state), Some(code)) = (q.state.as_deref(), q.code.as_deref()) else {
        return refused(&s, &headers, &format!("{} sent you back without a sign-in. Try again", provider.label), StatusCode::BAD_REQUEST)
            .await;
    };
    // The state must come back to the browser that set off: otherwise someone could have
    // sent this person a link that signs them in as the sender.
    if kept.is_empty() || !constant_time_eq(kept.as_bytes(), state.as_bytes()) {
        let message = format!("This sign-in with {} was started in another browser or tab, or long ago. Start again", provider.label);
        return refused(&s, &headers, &message, StatusCode::BAD_REQUEST).await;
    }
    match s.app.finish_sign_on(&key, state, code).await {
        Ok((session, next)) => {
            let secure = s.secure_cookies(&headers);
            let mut response = see_other(&safe_next(Some(&next)));
            response.headers_mut().append(header::SET_COOKIE, session_cookie(Some(&session.secret), secure));
            response.headers_mut().append(header::SET_COOKIE, set_cookie(STATE_COOKIE, "", STATE_PATH, 0, secure));
            response
        }
        Err(e) => match service_refusal(&e) {
            Some(status) => refused(&s, &headers, &e.to_string(), status).await,
            None => PageError::from(e).into_response(),
        },
    }
}
