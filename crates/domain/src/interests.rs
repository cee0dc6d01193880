//! A person's interest profile, as NHS library services keep one for current
//! awareness: the thesaurus subjects and teams they follow, how often they hear of new
//! knowledge on them, and subjects a knowledge specialist has suggested to them.
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::awareness::AlertFrequency;
use crate::communities::Notification;
use chrono::{DateTime, Utc};

use crate::{StoreError, TeamId, UserId};

/// A subject a knowledge specialist suggested, waiting for the member's yes or no.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TermSuggestion {
    /// The thesaurus term.
    pub term: String,
    /// Who suggested it.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

/// What a person follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InterestProfile {
    /// Whose.
    pub user_id: UserId,
    /// Preferred thesaurus terms (each takes in its narrower terms).
    #[serde(default)]
    pub terms: Vec<String>,
    /// Teams whose new knowledge they follow.
    #[serde(default)]
    pub teams: Vec<TeamId>,
    /// How often they hear of what is new.
    pub frequency: AlertFrequency,
    /// Subjects suggested by the library service, not yet taken or declined.
    #[serde(default)]
    pub suggestions: Vec<TermSuggestion>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Bumped by every change, so concurrent changes are caught.
    #[serde(default)]
    pub version: i64,
}

/// The saved searches a profile keeps for its owner: one for its subjects, one for its
/// teams, each `None` when the profile has none (and the search is then removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileSearches {
    /// The query for the subjects (`topic=…&narrower=true`).
    pub subjects: Option<String>,
    /// The query for the teams (`team=…`).
    pub teams: Option<String>,
}

/// Where interest profiles are kept.
#[async_trait]
pub trait InterestStore: Send + Sync + 'static {
    /// A person's profile, if they have one.
    async fn interest_profile(&self, user_id: UserId) -> Result<Option<InterestProfile>, StoreError>;
    /// Every profile.
    async fn interest_profiles(&self) -> Result<Vec<InterestProfile>, StoreError>;
    /// Stores the profile if it is still at `profile.version` (0 for a new one), keeps its
    /// saved searches in step (when `searches` is given), and sends the notices, in one
    /// transaction; [`StoreError::Conflict`] if it changed meanwhile.
    async fn save_interest_profile(
        &self,
        profile: &InterestProfile,
        searches: Option<&ProfileSearches>,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<InterestProfile, StoreError>;
}

/// The names of the saved searches a profile keeps, so its owner knows where they came from.
pub const SUBJECTS_SEARCH: &str = "My subjects (interest profile)";
/// See [`SUBJECTS_SEARCH`].
pub const TEAMS_SEARCH: &str = "My teams (interest profile)";
