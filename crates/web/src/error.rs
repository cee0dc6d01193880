//! The one mapping from service errors to HTTP: a status, a stable `code`, a message
//! a person can act on, and the details (field errors, identifier findings).
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use signpost_domain::FieldError;
use signpost_domain::identifiers::IdentifierFinding;
use signpost_services::ServiceError;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable: `invalid_input`, `not_found`, `forbidden`, `unauthenticated`,
    /// `conflict`, `identifier_found`, `rate_limited`, `payload_too_large`, `malformed_json`, `internal`.
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// Each invalid field and what is wrong with it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Where probable NHS numbers were found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<IdentifierFinding>,
}

/// An error on its way to becoming a response.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: ErrorBody,
    retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            body: ErrorBody { code: code.into(), message: message.into(), errors: vec![], findings: vec![] },
            retry_after: None,
        }
    }

    /// The status this error will be sent with.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let message = e.to_string();
        match e {
            ServiceError::Unauthenticated(_) => ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", message),
            ServiceError::Forbidden(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", message),
            ServiceError::NotFound(_) => ApiError::new(StatusCode::NOT_FOUND, "not_found", message),
            ServiceError::Conflict(_) => ApiError::new(StatusCode::CONFLICT, "conflict", message),
            ServiceError::Invalid(errors) => {
                let summary = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
                let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", summary);
                err.body.errors = errors;
                err
            }
            ServiceError::IdentifierFound(findings) => {
                let places =
                    findings.iter().map(|f| format!("{} line {} column {}", f.field, f.line, f.column)).collect::<Vec<_>>().join("; ");
                let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "identifier_found", format!("{message} (found at {places})"));
                err.body.findings = findings;
                err
            }
            ServiceError::TooLarge(_) => ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message),
            ServiceError::RateLimited { retry_after_secs } => {
                let mut err = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message);
                err.retry_after = Some(retry_after_secs);
                err
            }
            ServiceError::Unavailable(_) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message),
            ServiceError::Unexpected { .. } => {
                tracing::error!(error = %chain(&e), "unexpected failure");
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side; it has been logged")
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// What handlers return.
pub type ApiResult<T> = Result<T, ApiError>;

/// An error followed by each of its causes, for the log.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
