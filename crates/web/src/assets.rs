//! The vendored front-end files (see `scripts/vendor-frontend.sh`), compiled into
//! the binary and served under `/static/`, so nothing is fetched from elsewhere.
use crate::pages::PagePath;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use include_dir::{Dir, include_dir};

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// One vendored file, cached by browsers for a day.
pub(crate) async fn file(PagePath(path): PagePath<String>) -> Response {
    match STATIC.get_file(&path) {
        Some(f) => {
            let mut r = f.contents().into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
            r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
            r
        }
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}
