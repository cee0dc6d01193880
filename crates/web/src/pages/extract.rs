//! What a page handler takes from a request, with the checks built in: who is signed
//! in, a form whose CSRF token has been checked before its fields are read, path and
//! query parameters whose rejection is an NHS error page, and uploads that cannot be
//! read without the token. Page code never touches axum's `Form`, `Path` or `Query`
//! (clippy's `disallowed-types` enforces it); only this file may.
#![allow(clippy::disallowed_types)]

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use signpost_domain::people::Actor;
use signpost_services::ServiceError;

use super::layout::Viewer;
use super::respond::PageError;
use crate::AppState;
use crate::auth::{constant_time_eq, session_secret};

/// The name of the hidden field every form carries its CSRF token in.
pub const CSRF_FIELD: &str = "csrf_token";

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

/// The signed-in person, with the application they act on; anyone else is sent to
/// sign in and brought back afterwards.
pub struct SignedIn(pub AppState, pub Actor, pub Viewer);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match MaybeSignedIn::from_request_parts(parts, state).await?.0 {
            Some((actor, viewer)) => Ok(SignedIn(state.clone(), actor, viewer)),
            None => Err(PageError::SignIn(parts.uri.path_and_query().map_or("/".to_string(), |p| p.to_string()))),
        }
    }
}

/// A form posted by the signed-in person: the body read, its CSRF token compared with
/// the session's in constant time, and only then its fields read into `T` (repeated
/// names become lists). A missing or wrong token is a 403 page, a body that is not a
/// form a 400 page, and `T` should give every field a default so that a field left
/// out is the service's to refuse with a message on that field. The application
/// comes first, as with [`SignedIn`].
pub struct CsrfForm<T>(pub AppState, pub Actor, pub Viewer, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let SignedIn(app, actor, viewer) = SignedIn::from_request_parts(&mut parts, state).await?;
        let bytes = Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|e| {
            PageError::Status(if e.status() == StatusCode::PAYLOAD_TOO_LARGE { e.status() } else { StatusCode::BAD_REQUEST })
        })?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))?;
        let sent = pairs.iter().find(|(k, _)| k == CSRF_FIELD).map_or("", |(_, v)| v.as_str());
        check_csrf(&viewer, sent)?;
        let combined =
            serde_html_form::to_string(super::form::combine_dates(pairs)).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))?;
        let form = serde_html_form::from_str(&combined).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))?;
        Ok(CsrfForm(app, actor, viewer, form))
    }
}

fn check_csrf(viewer: &Viewer, sent: &str) -> Result<(), PageError> {
    if constant_time_eq(viewer.csrf_token.as_bytes(), sent.as_bytes()) {
        Ok(())
    } else {
        Err(PageError::Service(ServiceError::Forbidden("the form expired: go back, reload the page and try again".into())))
    }
}

/// The double-submit cookie of forms shown to people who are not signed in.
pub const FORM_CSRF_COOKIE: &str = "signpost_form_csrf";

/// A form from someone who is not signed in (a forgotten password, choosing a password
/// from a link, first-run set-up): its CSRF token must match the cookie the page set
/// ([`PublicToken`]), compared in constant time before the fields are read; a missing or
/// wrong one is a 403 page. The application comes first.
pub struct PublicCsrfForm<T>(pub AppState, pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for PublicCsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let expected = crate::auth::cookie(req.headers(), FORM_CSRF_COOKIE).unwrap_or_default();
        let bytes = Bytes::from_request(req, state).await.map_err(|e| PageError::Status(e.status()))?;
        let pairs: Vec<(String, String)> = serde_html_form::from_bytes(&bytes).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))?;
        let sent = pairs.iter().find(|(k, _)| k == CSRF_FIELD).map_or("", |(_, v)| v.as_str());
        if expected.is_empty() || !constant_time_eq(expected.as_bytes(), sent.as_bytes()) {
            return Err(PageError::Service(ServiceError::Forbidden("the form expired: go back, reload the page and try again".into())));
        }
        let form = serde_html_form::from_bytes(&bytes).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))?;
        Ok(PublicCsrfForm(state.clone(), form))
    }
}

/// The CSRF token for a page's public forms: the one its cookie already carries, or a
/// fresh one that [`PublicToken::set`] puts in a cookie on the response.
pub struct PublicToken {
    /// Goes in the form's hidden field.
    pub token: String,
    fresh: bool,
    secure: bool,
}

impl FromRequestParts<AppState> for PublicToken {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let secure = state.secure_cookies(&parts.headers);
        Ok(match crate::auth::cookie(&parts.headers, FORM_CSRF_COOKIE).filter(|t| t.len() == 64) {
            Some(token) => PublicToken { token, fresh: false, secure },
            None => PublicToken { token: crate::auth::random_token(), fresh: true, secure },
        })
    }
}

impl PublicToken {
    /// `response` with the cookie set, when the token is new.
    pub fn set(&self, mut response: axum::response::Response) -> axum::response::Response {
        if self.fresh {
            response
                .headers_mut()
                .append(axum::http::header::SET_COOKIE, crate::auth::set_cookie(FORM_CSRF_COOKIE, &self.token, "/", 3600, self.secure));
        }
        response
    }
}

/// A form from someone who may not be signed in (signing in and out), read into `T`;
/// a body that is not that form is a 400 page. The handler owns the CSRF rule here,
/// because there is no session yet: sign-in checks a double-submit cookie, sign-out
/// the session it ends. Every other form is a [`CsrfForm`].
pub struct PublicForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PublicForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| PageError::Status(e.status()))?;
        serde_html_form::from_bytes(&bytes).map(PublicForm).map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))
    }
}

/// Path parameters; one that does not parse (`/sessions/abc`) is the NHS "Page not found".
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PagePath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state).await.map(|p| PagePath(p.0)).map_err(|_| PageError::Status(StatusCode::NOT_FOUND))
    }
}

/// Query-string parameters; ones that do not parse are the NHS "problem with that request" page.
pub struct PageQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for PageQuery<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        serde_html_form::from_str(parts.uri.query().unwrap_or_default())
            .map(PageQuery)
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))
    }
}

/// A file upload from the signed-in person. Nothing is read until the handler has
/// decided the person may upload at all; [`CsrfUpload::read`] then reads the parts
/// and refuses the whole upload unless it carries the session's CSRF token.
pub struct CsrfUpload {
    /// Who is uploading.
    pub actor: Actor,
    /// The page they are on.
    pub viewer: Viewer,
    form: Multipart,
}

/// One uploaded file.
pub struct Uploaded {
    /// The name the browser gave it.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

impl FromRequest<AppState> for CsrfUpload {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let SignedIn(_, actor, viewer) = SignedIn::from_request_parts(&mut parts, state).await?;
        let form = Multipart::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|_| PageError::Status(StatusCode::BAD_REQUEST))?;
        Ok(CsrfUpload { actor, viewer, form })
    }
}

impl CsrfUpload {
    /// The file sent as `field`. An upload that fails part-way or sends no file is
    /// refused on `field`; one without the session's token is a 403 page.
    pub async fn read(&mut self, field: &str) -> Result<Uploaded, UploadError> {
        let failed = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ServiceError::TooLarge(format!("the file is larger than the {} MiB Signpost accepts", crate::MAX_BODY / (1024 * 1024)))
            } else {
                ServiceError::invalid(field, format!("the upload failed: {e}"))
            }
        };
        let (mut csrf, mut file) = (String::new(), None);
        while let Some(part) = self.form.next_field().await.map_err(|e| UploadError::Refused(failed(e)))? {
            match part.name() {
                Some(CSRF_FIELD) => csrf = part.text().await.unwrap_or_default(),
                Some(n) if n == field => {
                    let file_name = part.file_name().unwrap_or_default().to_string();
                    let bytes = part.bytes().await.map_err(|e| UploadError::Refused(failed(e)))?.to_vec();
                    file = Some(Uploaded { file_name, bytes });
                }
                _ => {}
            }
        }
        check_csrf(&self.viewer, &csrf).map_err(UploadError::Page)?;
        match file {
            Some(f) if !f.bytes.is_empty() => Ok(f),
            _ => Err(UploadError::Refused(ServiceError::invalid(field, "choose a file"))),
        }
    }
}

/// A large upload written to disk as it arrives, with the form's other fields.
pub struct Spooled {
    /// The name the browser gave the file, made safe to create.
    pub file_name: String,
    /// The form's text fields, by name.
    pub fields: std::collections::HashMap<String, String>,
}

impl CsrfUpload {
    /// Reads a form whose CSRF token comes before its file (as the page's hidden field
    /// does), writing the file sent as `field` into `folder` chunk by chunk, so memory
    /// does not grow with it; `name` makes the browser's file name safe or refuses it.
    /// A file sent before the token is refused before a byte of it is written.
    pub async fn spool(
        &mut self,
        field: &str,
        folder: &std::path::Path,
        name: impl Fn(&str) -> Result<String, ServiceError>,
    ) -> Result<Spooled, UploadError> {
        use tokio::io::AsyncWriteExt;
        let failed = |e: axum::extract::multipart::MultipartError| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ServiceError::TooLarge(
                    "the file is larger than Signpost accepts from a page: import it at the console with signpost import-knowledge".into(),
                )
            } else {
                ServiceError::invalid(field, format!("the upload failed: {e}"))
            }
        };
        let mut fields = std::collections::HashMap::new();
        let mut file_name = None;
        let mut checked = false;
        while let Some(mut part) = self.form.next_field().await.map_err(|e| UploadError::Refused(failed(e)))? {
            let part_name = part.name().unwrap_or_default().to_string();
            if part_name == CSRF_FIELD {
                check_csrf(&self.viewer, &part.text().await.unwrap_or_default()).map_err(UploadError::Page)?;
                checked = true;
            } else if !checked {
                check_csrf(&self.viewer, "").map_err(UploadError::Page)?;
            } else if part_name == field {
                let given = part.file_name().unwrap_or_default().to_string();
                if given.is_empty() {
                    continue;
                }
                let safe = name(&given).map_err(UploadError::Refused)?;
                let io = |e: std::io::Error| UploadError::Refused(ServiceError::caused("the upload could not be saved", e));
                let mut out = tokio::fs::File::create(folder.join(&safe)).await.map_err(io)?;
                while let Some(chunk) = part.chunk().await.map_err(|e| UploadError::Refused(failed(e)))? {
                    out.write_all(&chunk).await.map_err(io)?;
                }
                out.flush().await.map_err(io)?;
                file_name = Some(safe);
            } else if fields.len() < 32 {
                let text = part.text().await.map_err(|e| UploadError::Refused(failed(e)))?;
                fields.insert(part_name, text.chars().take(1000).collect());
            }
        }
        if !checked {
            check_csrf(&self.viewer, "").map_err(UploadError::Page)?;
        }
        match file_name {
            Some(file_name) => Ok(Spooled { file_name, fields }),
            None => Err(UploadError::Refused(ServiceError::invalid(field, "choose a file"))),
        }
    }
}

/// Why an upload could not be read.
pub enum UploadError {
    /// The page to answer with (the token was wrong).
    Page(PageError),
    /// The upload was refused: show the form again with this problem.
    Refused(ServiceError),
}
