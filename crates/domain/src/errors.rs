//! Errors shared by the layers: field validation and storage failures.
use serde::Serialize;

/// One invalid input field: where it is and what is wrong, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `fields.recommendation` or `body`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// A field error for `field` saying `message`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// What can go wrong when reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist.
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken, e.g. a second user with the same email.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Someone else changed the record since it was read.
    #[error("the record was changed by someone else (now at version {current})")]
    StaleVersion {
        /// The version now stored.
        current: i64,
    },
    /// Anything else: the database is down, a migration failed, a row is corrupt.
    #[error("store failure: {context}")]
    Unexpected {
        /// What was being done.
        context: String,
        /// Why it failed, when another error said so; the log prints the chain.
        #[source]
        source: Option<Cause>,
    },
}

/// The error behind an unexpected failure, kept so the log shows its cause.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

impl StoreError {
    /// An unexpected failure found here, with no other error behind it.
    pub fn unexpected(context: impl Into<String>) -> Self {
        StoreError::Unexpected { context: context.into(), source: None }
    }

    /// An unexpected failure while doing `context`, caused by `source`.
    pub fn caused(context: impl Into<String>, source: impl Into<Cause>) -> Self {
        StoreError::Unexpected { context: context.into(), source: Some(source.into()) }
    }
}
