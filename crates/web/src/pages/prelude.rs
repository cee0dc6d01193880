//! What nearly every page file uses, in one `use super::prelude::*;`.
pub use axum::extract::State;
pub use axum::response::{IntoResponse, Response};
pub use maud::{Markup, html};
pub use signpost_domain::people::Actor;
pub use signpost_services::ServiceError;

pub use super::extract::{CsrfForm, CsrfUpload, MaybeSignedIn, PagePath, PageQuery, SignedIn, UploadError};
pub use super::form::{CsrfOnly, Errors, Field, FormState};
pub use super::layout::{Viewer, capitalised, counted, csrf_field, error_summary, label, long_date, page, success_banner, table_head};
pub use super::respond::{Done, Notice, PageError, PageMarkup, PageResult, done, error_page, refused, refused_as, see_other};
pub use super::router::Pages;
pub use crate::AppState;
