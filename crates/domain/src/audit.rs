//! The audit log and the change log (outbox).
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::UserId;

/// One change, recorded in the same transaction as the change itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    /// Position in the log.
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (absent for system actions such as the demo loader).
    pub actor_id: Option<UserId>,
    /// What was done, e.g. `asset.publish`.
    pub action: String,
    /// The kind of thing changed, e.g. `asset`.
    pub entity: String,
    /// Its identifier.
    pub entity_id: Option<i64>,
    /// One line for people, e.g. the override reason.
    pub summary: String,
    /// A summary of the thing before the change.
    pub before: Option<serde_json::Value>,
    /// A summary of the thing after the change.
    pub after: Option<serde_json::Value>,
}

/// An audit entry about to be written.
#[derive(Debug, Clone, Default)]
pub struct AuditRecord {
    /// Who.
    pub actor_id: Option<UserId>,
    /// What was done.
    pub action: String,
    /// One line for people.
    pub summary: String,
    /// Summary of before.
    pub before: Option<serde_json::Value>,
    /// Summary of after.
    pub after: Option<serde_json::Value>,
}

impl AuditRecord {
    /// An entry for `action` by `actor_id`.
    pub fn new(actor_id: Option<UserId>, action: &str, summary: impl Into<String>) -> Self {
        Self { actor_id, action: action.to_string(), summary: summary.into(), before: None, after: None }
    }

    /// Adds before and after summaries.
    pub fn with_diff(mut self, before: Option<serde_json::Value>, after: Option<serde_json::Value>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// An entry of the ordered change log that search indexes tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Position; strictly increasing in commit order.
    pub id: i64,
    /// What changed: `asset`, `synonyms`, `user`, `team`.
    pub entity: String,
    /// Which one.
    pub entity_id: i64,
}
