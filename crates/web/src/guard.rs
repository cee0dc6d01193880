//! Request hygiene applied to every request before any handler sees it.
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::ApiError;

/// Refuses text containing the NUL character, in the query string or in a form or JSON
/// body, with a 400 that says where. PostgreSQL cannot store it and SQLite would keep it
/// invisibly, so it is refused the same way on both. Uploads (multipart) are files and
/// are not searched.
pub async fn reject_nul(request: Request, next: Next) -> Response {
    if request.uri().query().is_some_and(|q| contains_ignore_case(q.as_bytes(), b"%00")) {
        return refused("the address's query");
    }
    let kind = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    let form = kind.starts_with("application/x-www-form-urlencoded");
    let json = kind.starts_with("application/json") || kind.contains("+json");
    if !form && !json {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, crate::MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "the body is larger than Signpost accepts")
                .into_response();
        }
    };
    let has_nul = bytes.contains(&0) || if form { contains_ignore_case(&bytes, b"%00") } else { json_has_nul_escape(&bytes) };
    if has_nul {
        return refused(if form { "the form" } else { "the JSON body" });
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn refused(place: &str) -> Response {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "nul_character",
        format!("{place} contains the NUL character (U+0000), which text in Signpost cannot hold: remove it and try again"),
    )
    .into_response()
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether JSON text holds the escape `\u0000` (an escaped backslash before `u0000` does not count).
fn json_has_nul_escape(json: &[u8]) -> bool {
    let mut i = 0;
    while i < json.len() {
        if json[i] == b'\\' {
            if json.get(i + 1) == Some(&b'u') && json.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// Tells browsers to keep to HTTPS once a page has come over it (directly or through a
/// TLS proxy that says so, or when the server is told it sits behind one).
pub async fn strict_transport(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secure = state.secure_cookies(request.headers());
    let mut response = next.run(request).await;
    if secure {
        response.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_nul_escape_counts() {
        assert!(json_has_nul_escape(br#"{"email":"a\u0000@b"}"#));
        assert!(!json_has_nul_escape(br#"{"text":"a path C:\\u0000 is fine"}"#));
        assert!(!json_has_nul_escape(br#"{"text":"\u00e9"}"#));
        assert!(contains_ignore_case(b"q=a%00b", b"%00"));
    }
}
