//! Signpost's domain: the types and rules of knowledge mobilisation, and the
//! traits the store and the search index implement. Nothing here knows HTTP or SQL.
#![warn(missing_docs)]

pub mod accounts;
pub mod archive;
pub mod assets;
pub mod audit;
pub mod awareness;
pub mod coffee;
pub mod communities;
pub mod errors;
pub mod evidence;
pub mod feeds;
pub mod fields;
pub mod identifiers;
pub mod ids;
pub mod impact;
pub mod imports;
pub mod interests;
pub mod jobs;
pub mod learning;
pub mod maturity;
pub mod mentoring;
pub mod notifications;
pub mod pairing;
pub mod people;
pub mod ports;
pub mod profiles;
pub mod provisioning;
pub mod retention;
pub mod review;
pub mod risk;
pub mod search;
pub mod sign_on;
pub mod techniques;
pub mod thesaurus;
pub mod visibility;
pub mod webhooks;

pub use errors::{FieldError, StoreError};
pub use ids::{AssetId, TeamId, UserId};

/// A point in time, always UTC.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
