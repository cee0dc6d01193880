//! Signpost's domain: the types and rules of knowledge mobilisation, and the
//! traits the store and the search index implement. Nothing here knows HTTP or SQL.
#![warn(missing_docs)]

pub mod assets;
pub mod audit;
pub mod coffee;
pub mod communities;
pub mod errors;
pub mod fields;
pub mod identifiers;
pub mod impact;
pub mod jobs;
pub mod learning;
pub mod maturity;
pub mod mentoring;
pub mod pairing;
pub mod people;
pub mod ports;
pub mod profiles;
pub mod retention;
pub mod review;
pub mod risk;
pub mod search;
pub mod techniques;
pub mod visibility;

pub use errors::{FieldError, StoreError};

/// Identifier of a user.
pub type UserId = i64;
/// Identifier of a team (organisation, directorate or team).
pub type TeamId = i64;
/// Identifier of a knowledge asset.
pub type AssetId = i64;
/// A point in time, always UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
