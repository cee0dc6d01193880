//! Current awareness: searches people save and subscribe to, how often each is sent,
//! and what each digest delivered (for the programme report's reach).
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::{FieldError, StoreError, Timestamp, UserId};

/// How often a saved search's new knowledge is emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AlertFrequency {
    /// Within the hour.
    AsItHappens,
    /// Each morning.
    Daily,
    /// Monday mornings.
    Weekly,
    /// The first morning of each month.
    Monthly,
    /// Not sent: kept to start again.
    Paused,
}

impl AlertFrequency {
    /// Every frequency, in the order they are offered.
    pub const ALL: [AlertFrequency; 5] =
        [AlertFrequency::AsItHappens, AlertFrequency::Daily, AlertFrequency::Weekly, AlertFrequency::Monthly, AlertFrequency::Paused];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertFrequency::AsItHappens => "as_it_happens",
            AlertFrequency::Daily => "daily",
            AlertFrequency::Weekly => "weekly",
            AlertFrequency::Monthly => "monthly",
            AlertFrequency::Paused => "paused",
        }
    }

    /// What people read.
    pub fn describe(self) -> &'static str {
        match self {
            AlertFrequency::AsItHappens => "As it happens (within the hour)",
            AlertFrequency::Daily => "Daily",
            AlertFrequency::Weekly => "Weekly, on Mondays",
            AlertFrequency::Monthly => "Monthly, on the 1st",
            AlertFrequency::Paused => "Paused",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        AlertFrequency::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| FieldError::new("frequency", "choose as it happens, daily, weekly, monthly or paused"))
    }
}

/// A search someone saved to hear of new knowledge it finds.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SavedSearch {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub user_id: UserId,
    /// What its owner calls it.
    pub name: String,
    /// The search, as the search page's query string (`q=flu&kind=lesson`).
    pub query: String,
    /// How often it is sent.
    pub frequency: AlertFrequency,
    /// Why it was paused for its owner (they are leaving, say), if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paused_because: Option<String>,
    /// What is wrong with the search, if it could not be run when last due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
    /// Up to when new knowledge has been looked for and sent.
    pub checked_until: DateTime<Utc>,
}

/// Where saved searches and their deliveries are kept.
#[async_trait]
pub trait AwarenessStore: Send + Sync + 'static {
    /// Saves a search; it looks for knowledge new from `now` on.
    async fn create_saved_search(
        &self,
        user_id: UserId,
        name: &str,
        query: &str,
        frequency: AlertFrequency,
        now: Timestamp,
        audit: AuditRecord,
    ) -> Result<SavedSearch, StoreError>;
    /// One saved search.
    async fn saved_search(&self, id: i64) -> Result<SavedSearch, StoreError>;
    /// A person's saved searches, oldest first.
    async fn saved_searches(&self, user_id: UserId) -> Result<Vec<SavedSearch>, StoreError>;
    /// Every saved search sent at `frequency`.
    async fn saved_searches_at(&self, frequency: AlertFrequency) -> Result<Vec<SavedSearch>, StoreError>;
    /// Changes how often the owner's saved search is sent (and clears a pause's reason).
    async fn set_search_frequency(
        &self,
        id: i64,
        user_id: UserId,
        frequency: AlertFrequency,
        audit: AuditRecord,
    ) -> Result<SavedSearch, StoreError>;
    /// Deletes the owner's saved search.
    async fn delete_saved_search(&self, id: i64, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError>;
    /// Pauses one saved search, whoever owns it, saying why.
    async fn pause_saved_search(&self, id: i64, reason: &str, audit: AuditRecord) -> Result<SavedSearch, StoreError>;
    /// Pauses every saved search of a person, saying why; returns how many.
    async fn pause_saved_searches(&self, user_id: UserId, reason: &str, audit: AuditRecord) -> Result<u64, StoreError>;
    /// Records what a digest sent: moves the search's `checked_until` from `from` to
    /// `until` (only if it is still `from`, so two nodes never send one period twice)
    /// and stores a delivery of `items`. False if another node got there first.
    async fn record_delivery(
        &self,
        id: i64,
        from: Timestamp,
        until: Timestamp,
        items: i64,
        problem: Option<&str>,
    ) -> Result<bool, StoreError>;
    /// Deliveries in `[from, to)`: (person, items) for each.
    async fn deliveries(&self, from: Timestamp, to: Timestamp) -> Result<Vec<(UserId, i64)>, StoreError>;
    /// Every saved search, for the report's figures.
    async fn all_saved_searches(&self) -> Result<Vec<SavedSearch>, StoreError>;
    /// Records that the owner of a saved search followed a digest's link to `asset_id`.
    async fn record_alert_open(&self, saved_search_id: i64, user_id: UserId, asset_id: i64, at: Timestamp) -> Result<(), StoreError>;
    /// Links followed from digests in `[from, to)`.
    async fn alert_opens(&self, from: Timestamp, to: Timestamp) -> Result<i64, StoreError>;
}
