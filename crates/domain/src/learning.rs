//! Learning before, during and after a piece of work: projects, the sessions a team
//! runs on them, the actions agreed, and the lessons that become knowledge assets.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::StoreError;
use crate::assets::Asset;
use crate::audit::AuditRecord;
pub use crate::ids::{ActionId, ProjectId, SessionId};
use crate::ports::AssetWrite;
use crate::{AssetId, TeamId, UserId};
use async_trait::async_trait;

/// Where a project is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStage {
    /// Being planned: learning before.
    #[default]
    Planning,
    /// Under way: learning during.
    Running,
    /// Finished: learning after.
    Closed,
}

impl ProjectStage {
    /// Every stage, in order.
    pub const ALL: [ProjectStage; 3] = [ProjectStage::Planning, ProjectStage::Running, ProjectStage::Closed];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStage::Planning => "planning",
            ProjectStage::Running => "running",
            ProjectStage::Closed => "closed",
        }
    }
}

/// Any piece of work a team learns before, during and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    /// Identifier.
    pub id: ProjectId,
    /// Name.
    pub title: String,
    /// What the work is and what it should achieve.
    pub description: String,
    /// The team doing it.
    pub team_id: TeamId,
    /// Free labels, lower case.
    pub tags: Vec<String>,
    /// When it starts.
    pub starts_on: Option<NaiveDate>,
    /// When it ends.
    pub ends_on: Option<NaiveDate>,
    /// Where it is.
    pub stage: ProjectStage,
    /// Who created it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A value a session records for one field of its technique.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum RecordValue {
    /// A score.
    Score(u8),
    /// Free text.
    Text(String),
    /// Entries, in order.
    List(Vec<String>),
}

/// A technique run once, on a project or on its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Session {
    /// Identifier.
    pub id: SessionId,
    /// The project it belongs to, if any.
    pub project_id: Option<ProjectId>,
    /// The technique run.
    pub technique_key: String,
    /// A name for this session.
    pub title: String,
    /// Who facilitated.
    pub facilitator_id: Option<UserId>,
    /// Who took part.
    pub participants: Vec<UserId>,
    /// When it was held.
    pub held_on: NaiveDate,
    /// What it recorded, by the technique's field keys.
    pub record: BTreeMap<String, RecordValue>,
    /// Anything else worth keeping.
    pub notes: String,
    /// Whether participants' private answers have been shared with everyone.
    pub shared: bool,
    /// Who created it.
    pub created_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// One participant's private answer to a session's private field (a premortem's failure reasons).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Contribution {
    /// Identifier.
    pub id: i64,
    /// The session.
    pub session_id: SessionId,
    /// The technique field it answers.
    pub field: String,
    /// Who wrote it.
    pub author_id: UserId,
    /// What they wrote.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Where an action is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    /// Agreed and not yet done.
    Open,
    /// Done; the outcome says what changed.
    Done,
    /// No longer going to happen; the outcome says why.
    Dropped,
}

impl ActionStatus {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }
}

/// Something a named person has agreed to do by a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Action {
    /// Identifier.
    pub id: ActionId,
    /// What will be done.
    pub title: String,
    /// Who will do it.
    pub owner_id: UserId,
    /// The team it counts against.
    pub team_id: TeamId,
    /// When it is due.
    pub due_on: NaiveDate,
    /// Where it is.
    pub status: ActionStatus,
    /// The session it came from.
    pub session_id: Option<SessionId>,
    /// The project it belongs to.
    pub project_id: Option<ProjectId>,
    /// The lesson it acts on.
    pub lesson_id: Option<AssetId>,
    /// What changed (done) or why not (dropped).
    pub outcome: String,
    /// When its owner was last reminded by email.
    #[serde(default)]
    pub reminded_on: Option<NaiveDate>,
    /// When it was agreed.
    pub created_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
}

/// How far a lesson has been learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LessonState {
    /// Written down, nothing agreed yet.
    Identified,
    /// Someone has agreed to act on it.
    ActionAgreed,
    /// The action is done.
    Actioned,
    /// The change has become how things are done.
    Embedded,
    /// Decided against, with a reason.
    Rejected,
}

impl LessonState {
    /// Every state, in lifecycle order.
    pub const ALL: [LessonState; 5] =
        [LessonState::Identified, LessonState::ActionAgreed, LessonState::Actioned, LessonState::Embedded, LessonState::Rejected];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            LessonState::Identified => "identified",
            LessonState::ActionAgreed => "action_agreed",
            LessonState::Actioned => "actioned",
            LessonState::Embedded => "embedded",
            LessonState::Rejected => "rejected",
        }
    }

    /// How a person reads it.
    pub fn label(self) -> &'static str {
        match self {
            LessonState::Identified => "Identified",
            LessonState::ActionAgreed => "Action agreed",
            LessonState::Actioned => "Actioned",
            LessonState::Embedded => "Embedded",
            LessonState::Rejected => "Rejected",
        }
    }

    /// Whether a lesson here has been learned, or decided against: anything else is still open.
    pub fn is_settled(self) -> bool {
        matches!(self, LessonState::Embedded | LessonState::Rejected)
    }
}

/// Where a lesson came from and how far it has been learned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LessonRecord {
    /// The lesson's knowledge asset.
    pub asset_id: AssetId,
    /// The session it was identified in.
    pub session_id: Option<SessionId>,
    /// The project it belongs to.
    pub project_id: Option<ProjectId>,
    /// How far it has been learned.
    pub state: LessonState,
    /// Why it was rejected.
    pub rejected_reason: String,
    /// When it was identified.
    pub created_at: DateTime<Utc>,
    /// When its state last changed.
    pub updated_at: DateTime<Utc>,
    /// Each move along its life, oldest first (none for a lesson recorded before moves were kept).
    #[serde(default)]
    pub moves: Vec<LessonMove>,
}

/// One move of a lesson from one state to the next.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LessonMove {
    /// The state it left.
    pub from: LessonState,
    /// The state it moved to.
    pub to: LessonState,
    /// Who moved it.
    pub by: UserId,
    /// When.
    pub at: DateTime<Utc>,
}

impl LessonRecord {
    /// The record moved on to `to` by `by` now, with the move kept.
    pub fn moved(self, to: LessonState, by: UserId, at: DateTime<Utc>) -> LessonRecord {
        let mut moves = self.moves;
        moves.push(LessonMove { from: self.state, to, by, at });
        LessonRecord { state: to, updated_at: at, moves, ..self }
    }
}

/// A person's mark on an item the lessons loop surfaced for a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UsefulMark {
    /// The project it was surfaced for.
    pub project_id: ProjectId,
    /// The asset surfaced.
    pub asset_id: AssetId,
    /// Who marked it.
    pub user_id: UserId,
    /// Useful or not.
    pub useful: bool,
}

/// Which actions to list.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    /// Only this owner's.
    pub owner_id: Option<UserId>,
    /// Only these teams'.
    pub team_ids: Vec<TeamId>,
    /// Only from this session.
    pub session_id: Option<SessionId>,
    /// Only on this project.
    pub project_id: Option<ProjectId>,
    /// Only on this lesson.
    pub lesson_id: Option<AssetId>,
    /// Only open ones.
    pub open_only: bool,
}

/// Where projects, sessions, actions and lesson records are kept. Every write is one
/// transaction with its audit entry.
#[async_trait]
pub trait LearningStore: Send + Sync + 'static {
    /// Inserts a project (id 0) or replaces one.
    async fn save_project(&self, project: &Project, audit: AuditRecord) -> Result<Project, StoreError>;
    /// One project.
    async fn project(&self, id: ProjectId) -> Result<Project, StoreError>;
    /// Every project, newest first.
    async fn projects(&self) -> Result<Vec<Project>, StoreError>;

    /// Inserts a session (id 0) or replaces one, with the notifications it sends.
    async fn save_learning_session(
        &self,
        session: &Session,
        notify: &[crate::communities::Notification],
        audit: AuditRecord,
    ) -> Result<Session, StoreError>;
    /// One session.
    async fn learning_session(&self, id: SessionId) -> Result<Session, StoreError>;
    /// Sessions on a project, or every session when `None`, oldest held first.
    async fn learning_sessions(&self, project_id: Option<ProjectId>) -> Result<Vec<Session>, StoreError>;
    /// Adds a participant's private answer.
    async fn add_contribution(&self, contribution: &Contribution, audit: AuditRecord) -> Result<Contribution, StoreError>;
    /// A session's private answers, oldest first.
    async fn contributions(&self, session_id: SessionId) -> Result<Vec<Contribution>, StoreError>;

    /// Inserts an action (id 0) or replaces one; moves its lesson to `lesson_state` and
    /// sends the notifications in the same transaction.
    async fn save_action(
        &self,
        action: &Action,
        lesson_state: Option<LessonRecord>,
        notify: &[crate::communities::Notification],
        audit: AuditRecord,
    ) -> Result<Action, StoreError>;
    /// One action.
    async fn action(&self, id: ActionId) -> Result<Action, StoreError>;
    /// Actions matching the filter, soonest due first.
    async fn actions(&self, filter: &ActionFilter) -> Result<Vec<Action>, StoreError>;

    /// Writes a lesson's asset and its record together.
    async fn insert_lesson(&self, write: AssetWrite, record: LessonRecord) -> Result<(Asset, LessonRecord), StoreError>;
    /// Replaces a lesson's record.
    async fn save_lesson_record(&self, record: &LessonRecord, audit: AuditRecord) -> Result<(), StoreError>;
    /// The records of these lessons, or of every lesson when `ids` is `None`.
    async fn lesson_records(&self, ids: Option<&[AssetId]>) -> Result<Vec<LessonRecord>, StoreError>;

    /// Sets a person's mark on an item surfaced for a project.
    async fn mark(&self, mark: &UsefulMark) -> Result<(), StoreError>;
    /// Every mark on items surfaced for a project.
    async fn marks(&self, project_id: ProjectId) -> Result<Vec<UsefulMark>, StoreError>;
    /// For each asset marked on any project, useful marks minus not-useful ones.
    async fn usefulness(&self) -> Result<Vec<(AssetId, i64)>, StoreError>;
}
