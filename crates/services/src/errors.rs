//! The one error type of the services layer; the web maps it to statuses once.
use signpost_domain::errors::Cause;
use signpost_domain::identifiers::IdentifierFinding;
use signpost_domain::ports::SearchError;
use signpost_domain::{FieldError, StoreError};

/// Why a use case did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Not signed in, or the credentials are wrong.
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// The thing does not exist, or the asker may not know it exists.
    #[error("{0} not found")]
    NotFound(String),
    /// It clashes with what is stored: a duplicate, or a change made meanwhile.
    #[error("{0}")]
    Conflict(String),
    /// The input is wrong; every problem is listed with where it is.
    #[error("the input is not valid")]
    Invalid(Vec<FieldError>),
    /// Publishing would expose what look like NHS numbers.
    #[error("the text contains what looks like an NHS number; remove it before publishing")]
    IdentifierFound(Vec<IdentifierFinding>),
    /// An upload or a list is over a limit Signpost enforces; the message names the limit.
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts; try again later.
    #[error("too many sign-in attempts: try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// Something Signpost depends on (an identity provider) cannot be reached; try later.
    #[error("{0}")]
    Unavailable(String),
    /// Something failed that the asker cannot fix; logged with its cause, never shown.
    #[error("unexpected: {context}")]
    Unexpected {
        /// What was being done.
        context: String,
        /// Why it failed, when another error said so.
        #[source]
        source: Option<Cause>,
    },
}

impl ServiceError {
    /// An unexpected failure found here, with no other error behind it.
    pub fn unexpected(context: impl Into<String>) -> Self {
        ServiceError::Unexpected { context: context.into(), source: None }
    }

    /// An unexpected failure while doing `context`, caused by `source`.
    pub fn caused(context: impl Into<String>, source: impl Into<Cause>) -> Self {
        ServiceError::Unexpected { context: context.into(), source: Some(source.into()) }
    }

    /// An input error on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        ServiceError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<FieldError> for ServiceError {
    fn from(e: FieldError) -> Self {
        ServiceError::Invalid(vec![e])
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound("the record".into()),
            StoreError::Conflict(m) => ServiceError::Conflict(m),
            StoreError::StaleVersion { current } => ServiceError::Conflict(format!(
                "someone else changed this since you opened it (now at version {current}): reload and try again"
            )),
            unexpected @ StoreError::Unexpected { .. } => ServiceError::caused("the store failed", unexpected),
        }
    }
}

impl From<SearchError> for ServiceError {
    fn from(e: SearchError) -> Self {
        match e {
            SearchError::BadQuery(m) => ServiceError::invalid("q", m),
            index @ SearchError::Index(_) => ServiceError::caused("the search index failed", index),
        }
    }
}
