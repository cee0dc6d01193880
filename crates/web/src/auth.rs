//! Who is calling: a personal API token (`Authorization: Bearer sp_…`) or a browser
//! session cookie. Requests that change something under a session must carry the
//! session's CSRF token in `X-CSRF-Token`; token-authenticated requests need none,
//! because browsers never attach bearer tokens by themselves.
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use signpost_domain::people::Actor;
use signpost_services::accounts::SESSION_HOURS;

use crate::AppState;
use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "signpost_session";
/// The header carrying the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The signed-in caller.
pub struct CurrentActor(pub Actor);

/// The value of cookie `name`, if the request sent it.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|c| {
        let (n, value) = c.trim().split_once('=')?;
        (n == name).then(|| value.to_string())
    })
}

/// The session cookie's secret, if one was sent.
pub fn session_secret(parts: &Parts) -> Option<String> {
    cookie(&parts.headers, SESSION_COOKIE)
}

/// A `Set-Cookie` value with the flags every Signpost cookie has: HttpOnly,
/// SameSite=Lax, and Secure when served over HTTPS. `max_age` 0 removes the cookie.
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"))
        .unwrap_or_else(|_| HeaderValue::from_static("signpost_invalid=; Max-Age=0"))
}

/// The session cookie for a new session, or (with `None`) the one that ends it.
pub fn session_cookie(secret: Option<&str>, secure: bool) -> HeaderValue {
    match secret {
        Some(s) => set_cookie(SESSION_COOKIE, s, "/", SESSION_HOURS * 3600, secure),
        None => set_cookie(SESSION_COOKIE, "", "/", 0, secure),
    }
}

/// 32 random bytes as 64 hex digits: a CSRF token for a form shown before signing in.
pub fn random_token() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<AppState> for CurrentActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let unauthenticated =
            || ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in, or send a personal API token as Authorization: Bearer");
        if let Some(auth) = parts.headers.get(header::AUTHORIZATION) {
            let token = auth.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).ok_or_else(unauthenticated)?;
            return state.app.token_actor(token.trim()).await?.map(CurrentActor).ok_or_else(unauthenticated);
        }
        let secret = session_secret(parts).ok_or_else(unauthenticated)?;
        let signed_in = state.app.session(&secret).await?.ok_or_else(unauthenticated)?;
        let (actor, session) = (signed_in.actor, signed_in.session);
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            if !constant_time_eq(sent.as_bytes(), session.csrf_token.as_bytes()) {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "this request needs the session's CSRF token in the X-CSRF-Token header",
                ));
            }
        }
        Ok(CurrentActor(actor))
    }
}
