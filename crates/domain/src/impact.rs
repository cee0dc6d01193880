//! Evidence that knowledge mobilisation made a difference: attributable impact
//! statements recorded on assets and sessions, and reactions to stories in a showcase.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::StoreError;
use crate::audit::AuditRecord;
use crate::{AssetId, UserId};
use async_trait::async_trait;

/// What difference it made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImpactKind {
    /// "I used this."
    UsedIt,
    /// "It changed practice."
    ChangedPractice,
    /// It informed a decision.
    InfluencedDecision,
}

impl ImpactKind {
    /// Every kind.
    pub const ALL: [ImpactKind; 3] = [ImpactKind::UsedIt, ImpactKind::ChangedPractice, ImpactKind::InfluencedDecision];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ImpactKind::UsedIt => "used_it",
            ImpactKind::ChangedPractice => "changed_practice",
            ImpactKind::InfluencedDecision => "influenced_decision",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            ImpactKind::UsedIt => "I used this",
            ImpactKind::ChangedPractice => "It changed practice",
            ImpactKind::InfluencedDecision => "It informed a decision",
        }
    }
}

/// Who the person quoted is, as the Quality and Improvement Outcomes Framework counts stakeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StakeholderLevel {
    /// A team member.
    Team,
    /// A service or department lead.
    Service,
    /// A senior leader.
    Senior,
    /// The board.
    Board,
}

impl StakeholderLevel {
    /// Every level, lowest first.
    pub const ALL: [StakeholderLevel; 4] =
        [StakeholderLevel::Team, StakeholderLevel::Service, StakeholderLevel::Senior, StakeholderLevel::Board];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            StakeholderLevel::Team => "team",
            StakeholderLevel::Service => "service",
            StakeholderLevel::Senior => "senior",
            StakeholderLevel::Board => "board",
        }
    }
}

/// What a statement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum ImpactSubject {
    /// A knowledge asset.
    Asset(AssetId),
    /// A learning session.
    Session(i64),
}

/// An attributable statement of impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ImpactStatement {
    /// Identifier.
    pub id: i64,
    /// What it is about.
    pub subject: ImpactSubject,
    /// What difference it made.
    pub kind: ImpactKind,
    /// The words, as said.
    pub quote: String,
    /// Who said it.
    pub attributed_to: String,
    /// Their role.
    pub role: String,
    /// How senior they are.
    pub stakeholder: StakeholderLevel,
    /// The decision informed, when it informed one.
    pub decision: String,
    /// When it was said.
    pub said_on: NaiveDate,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// A reaction to a story in the showcase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    /// Inspiring.
    Inspiring,
    /// Useful.
    Useful,
    /// "I'll try this."
    WillTry,
}

impl ReactionKind {
    /// Every kind.
    pub const ALL: [ReactionKind; 3] = [ReactionKind::Inspiring, ReactionKind::Useful, ReactionKind::WillTry];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Inspiring => "inspiring",
            ReactionKind::Useful => "useful",
            ReactionKind::WillTry => "will_try",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            ReactionKind::Inspiring => "Inspiring",
            ReactionKind::Useful => "Useful",
            ReactionKind::WillTry => "I'll try this",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<ReactionKind> {
        ReactionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One person's reaction to one asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reaction {
    /// The asset.
    pub asset_id: AssetId,
    /// Who.
    pub user_id: UserId,
    /// Which.
    pub kind: ReactionKind,
}

/// Impact statements and reactions.
#[async_trait]
pub trait ImpactStore: Send + Sync + 'static {
    /// Adds an impact statement.
    async fn add_impact(&self, statement: &ImpactStatement, audit: AuditRecord) -> Result<ImpactStatement, StoreError>;
    /// One impact statement.
    async fn impact(&self, id: i64) -> Result<ImpactStatement, StoreError>;
    /// Every impact statement, oldest first.
    async fn impacts(&self) -> Result<Vec<ImpactStatement>, StoreError>;
    /// Removes a statement that should not have been recorded, with its audit record, in one transaction.
    async fn remove_impact(&self, id: i64, audit: AuditRecord) -> Result<(), StoreError>;
    /// Adds (`on`) or withdraws a reaction.
    async fn set_reaction(&self, reaction: &Reaction, on: bool) -> Result<(), StoreError>;
    /// Every reaction.
    async fn reactions(&self) -> Result<Vec<Reaction>, StoreError>;
}
