//! What people are told about by email as well as in Signpost, and how often: each
//! person chooses, per category, at once, a daily or weekly digest, or never.
use std::collections::HashMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::AuditRecord;
use crate::communities::Notification;
use crate::jobs::NewJob;
use crate::{StoreError, Timestamp, UserId};

/// What a notification is about, for choosing how it is emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
// The maturity models have their own `Category`; the API document names this one apart.
#[schema(as = NotificationCategory)]
pub enum Category {
    /// Shown in Signpost only (new questions in a community one belongs to, mentoring…).
    #[default]
    General,
    /// An action was given to you.
    ActionAssigned,
    /// An action of yours is due soon or overdue.
    ActionReminder,
    /// A question was routed to you as someone likely to know.
    QuestionRouted,
    /// Your question has a new answer.
    QuestionAnswered,
    /// Your answer was accepted.
    AnswerAccepted,
    /// A leaver's plan names you, or its date is near.
    LeaverPlan,
    /// A handover gave you knowledge, actions or roles.
    Handover,
    /// Knowledge you own is due for review.
    ReviewDue,
    /// A session you took part in shared its answers.
    SessionShared,
    /// An evidence search request you made or follow moved on, or (for specialists) arrived.
    EvidenceRequest,
}

impl Category {
    /// The categories a person chooses for, in the order the settings page lists them.
    pub const EMAILED: [Category; 10] = [
        Category::ActionAssigned,
        Category::ActionReminder,
        Category::QuestionRouted,
        Category::QuestionAnswered,
        Category::AnswerAccepted,
        Category::LeaverPlan,
        Category::Handover,
        Category::ReviewDue,
        Category::SessionShared,
        Category::EvidenceRequest,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::General => "general",
            Category::ActionAssigned => "action_assigned",
            Category::ActionReminder => "action_reminder",
            Category::QuestionRouted => "question_routed",
            Category::QuestionAnswered => "question_answered",
            Category::AnswerAccepted => "answer_accepted",
            Category::LeaverPlan => "leaver_plan",
            Category::Handover => "handover",
            Category::ReviewDue => "review_due",
            Category::SessionShared => "session_shared",
            Category::EvidenceRequest => "evidence_request",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Category> {
        Category::EMAILED.into_iter().chain([Category::General]).find(|c| c.as_str() == s)
    }

    /// What the settings page calls it.
    pub fn describe(self) -> &'static str {
        match self {
            Category::General => "Everything else",
            Category::ActionAssigned => "An action is given to you",
            Category::ActionReminder => "Your actions are due soon or overdue",
            Category::QuestionRouted => "A question is sent to you as someone likely to know",
            Category::QuestionAnswered => "Your question is answered",
            Category::AnswerAccepted => "Your answer is accepted",
            Category::LeaverPlan => "A leaver's plan names you, or its date is near",
            Category::Handover => "A handover passes knowledge, actions or roles to you",
            Category::ReviewDue => "Knowledge you own is due for review",
            Category::SessionShared => "A session you took part in shares its answers",
            Category::EvidenceRequest => "A literature search you asked for moves on (specialists: a new request arrives)",
        }
    }

    /// How often it is emailed to someone who has not chosen.
    pub fn default_frequency(self) -> Frequency {
        match self {
            Category::General => Frequency::Never,
            Category::ReviewDue => Frequency::Weekly,
            _ => Frequency::Immediately,
        }
    }
}

/// How often a category is emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = EmailFrequency)]
pub enum Frequency {
    /// An email for each, soon after it happens (unless read in Signpost first).
    Immediately,
    /// One email a day listing what is still unread.
    Daily,
    /// One email a week (on Mondays) listing what is still unread.
    Weekly,
    /// In Signpost only.
    Never,
}

impl Frequency {
    /// Every choice.
    pub const ALL: [Frequency; 4] = [Frequency::Immediately, Frequency::Daily, Frequency::Weekly, Frequency::Never];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Immediately => "immediately",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Never => "never",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// What the settings page calls it.
    pub fn describe(self) -> &'static str {
        match self {
            Frequency::Immediately => "Email me each one",
            Frequency::Daily => "A daily digest",
            Frequency::Weekly => "A weekly digest",
            Frequency::Never => "Only in Signpost",
        }
    }
}

/// One person's choices: every emailed category, with the default where they made none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EmailPreferences {
    /// Category → frequency, for every category in [`Category::EMAILED`].
    #[schema(value_type = Object)]
    pub choices: HashMap<Category, Frequency>,
}

impl EmailPreferences {
    /// The defaults, overridden by what was stored.
    pub fn from_stored(stored: &[(Category, Frequency)]) -> EmailPreferences {
        let mut choices: HashMap<Category, Frequency> = Category::EMAILED.iter().map(|c| (*c, c.default_frequency())).collect();
        for (c, f) in stored {
            if *c != Category::General {
                choices.insert(*c, *f);
            }
        }
        EmailPreferences { choices }
    }

    /// How often `category` is emailed.
    pub fn frequency(&self, category: Category) -> Frequency {
        self.choices.get(&category).copied().unwrap_or(category.default_frequency())
    }
}

/// Where email choices and the notifications waiting to be emailed are kept.
#[async_trait]
pub trait NotificationStore: Send + Sync + 'static {
    /// The choices a person has stored (categories they never changed are left out).
    async fn email_preferences(&self, user_id: UserId) -> Result<Vec<(Category, Frequency)>, StoreError>;
    /// Stores choices, replacing earlier ones for the same categories.
    async fn set_email_preferences(&self, user_id: UserId, choices: &[(Category, Frequency)], audit: AuditRecord)
    -> Result<(), StoreError>;
    /// Unread notifications not yet emailed that their people want at `wanted`
    /// frequency (`defaults` where they made no choice), made between `since` and
    /// `until`, for `user` or everyone, oldest first, at most `limit`.
    async fn pending_emails(
        &self,
        user: Option<UserId>,
        wanted: Frequency,
        since: Timestamp,
        until: Timestamp,
        defaults: &[(Category, Frequency)],
        limit: i64,
    ) -> Result<Vec<Notification>, StoreError>;
    /// Marks the notifications `ids` as emailed (those not already) and enqueues `jobs`,
    /// in one transaction; returns how many were marked.
    async fn queue_emails(&self, ids: &[i64], jobs: &[NewJob], now: Timestamp) -> Result<u64, StoreError>;
    /// One notification, with whether it has been read.
    async fn notification(&self, id: i64) -> Result<Notification, StoreError>;
    /// A secret kept in the database for every node to share (made on first use), such
    /// as the key unsubscribe links are signed with.
    async fn shared_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError>;
}
