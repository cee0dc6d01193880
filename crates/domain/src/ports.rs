//! The traits the store and the search index implement. Services hold them as
//! trait objects, so the backend is chosen at start-up from the database URL.
use async_trait::async_trait;

use crate::assets::{Asset, AssetFacts, AssetVersion, Status, VersionEntry, VersionEvent};
use crate::audit::{AuditEntry, AuditRecord, Change};
use crate::coffee::{CoffeeFeedback, CoffeeMember, CoffeeRound, Programme, ProgrammeId};
use crate::communities::{Advocate, Answer, Comment, Community, CommunityId, Membership, Notification, Question, QuestionId, Vote};
use crate::fields::AssetKind;
use crate::impact::{ImpactStatement, Reaction};
use crate::learning::{Action, ActionFilter, ActionId, Contribution, LessonRecord, Project, ProjectId, Session, SessionId, UsefulMark};
use crate::maturity::{Assessment, MaturityModel};
use crate::mentoring::{Listing, MentoringMatch};
use crate::people::{ApiToken, BrowserSession, Credentials, NewUser, Team, TeamKind, User};
use crate::profiles::Profile;
use crate::retention::{LeaverPlan, PlanId};
use crate::risk::CriticalArea;
use crate::search::{Page, SearchRequest, SearchResults, Suggestion, SynonymGroup};
use crate::techniques::Technique;
use crate::visibility::Condition;
use crate::{AssetId, StoreError, TeamId, Timestamp, UserId};

/// Filters for listing assets straight from the store.
#[derive(Debug, Clone, Default)]
pub struct AssetQuery {
    /// Only this kind.
    pub kind: Option<AssetKind>,
    /// Only this status.
    pub status: Option<Status>,
    /// Only this team.
    pub team_id: Option<TeamId>,
    /// Only this owner.
    pub owner_id: Option<UserId>,
    /// Only assets with this tag.
    pub tag: Option<String>,
    /// Only assets due for review before this time, soonest first.
    pub review_due_before: Option<Timestamp>,
    /// Only these assets (at most a few hundred: callers cap their lists first).
    pub ids: Option<Vec<AssetId>>,
    /// Items to skip.
    pub offset: i64,
    /// Page size.
    pub limit: i64,
}

/// A change to an asset, written with its version, audit entry and change-log entry in one transaction.
#[derive(Debug, Clone)]
pub struct AssetWrite {
    /// The asset as it should be stored; for an insert its id and version are ignored.
    pub asset: Asset,
    /// The event the new version records.
    pub event: VersionEvent,
    /// Who made the change.
    pub author_id: UserId,
    /// A note kept with the version.
    pub note: String,
    /// The audit entry.
    pub audit: AuditRecord,
}

/// The source of truth. Every write is one transaction that also appends to the change log.
#[async_trait]
pub trait Store: LearningStore + PeopleStore + RetentionStore + MaturityStore + ImpactStore + JobStore + Send + Sync + 'static {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates a team.
    async fn create_team(&self, name: &str, kind: TeamKind, parent_id: Option<TeamId>, audit: AuditRecord) -> Result<Team, StoreError>;
    /// All teams, root first.
    async fn teams(&self) -> Result<Vec<Team>, StoreError>;

    /// Creates a user with an optional argon2id password hash.
    async fn create_user(&self, user: &NewUser, password_hash: Option<&str>, audit: AuditRecord) -> Result<User, StoreError>;
    /// One user.
    async fn user(&self, id: UserId) -> Result<User, StoreError>;
    /// A user and their password hash, by email (case-insensitive).
    async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError>;
    /// A page of users, by name.
    async fn users(&self, offset: i64, limit: i64) -> Result<Page<User>, StoreError>;
    /// Replaces a user's details, role and team.
    async fn update_user(&self, user: &User, audit: AuditRecord) -> Result<User, StoreError>;
    /// Sets a user's password hash.
    async fn set_password(&self, id: UserId, password_hash: &str, audit: AuditRecord) -> Result<(), StoreError>;

    /// Stores a browser session under the hash of its secret.
    async fn create_session(&self, secret_hash: &str, session: &BrowserSession) -> Result<(), StoreError>;
    /// The unexpired session with this secret hash.
    async fn session(&self, secret_hash: &str, now: Timestamp) -> Result<Option<BrowserSession>, StoreError>;
    /// Ends a session.
    async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError>;

    /// Stores an API token under the hash of its secret, working until `expires_at` if given.
    async fn create_token(
        &self,
        user_id: UserId,
        name: &str,
        secret_hash: &str,
        expires_at: Option<Timestamp>,
        audit: AuditRecord,
    ) -> Result<ApiToken, StoreError>;
    /// Revokes every token of `user_id` and ends every browser session, in one transaction.
    async fn revoke_access(&self, user_id: UserId, audit: AuditRecord) -> Result<crate::people::RevokedAccess, StoreError>;
    /// The owner of an unrevoked, unexpired token with this secret hash; records its use.
    async fn token_user(&self, secret_hash: &str, now: Timestamp) -> Result<Option<UserId>, StoreError>;
    /// A user's tokens.
    async fn tokens(&self, user_id: UserId) -> Result<Vec<ApiToken>, StoreError>;
    /// Revokes one of a user's tokens.
    async fn revoke_token(&self, user_id: UserId, token_id: i64, audit: AuditRecord) -> Result<(), StoreError>;

    /// Inserts a new asset with version 1.
    async fn insert_asset(&self, write: AssetWrite) -> Result<Asset, StoreError>;
    /// Replaces an asset if it is still at `expected_version`, adding the next version.
    async fn update_asset(&self, write: AssetWrite, expected_version: i64) -> Result<Asset, StoreError>;
    /// One asset.
    async fn asset(&self, id: AssetId) -> Result<Asset, StoreError>;
    /// Assets matching `query` among those matching `visible`.
    async fn assets(&self, query: &AssetQuery, visible: &Condition) -> Result<Page<Asset>, StoreError>;
    /// Up to `limit` assets with ids above `after`, for rebuilding the index and exporting.
    async fn assets_after(&self, after: AssetId, limit: i64) -> Result<Vec<Asset>, StoreError>;
    /// The reportable facts of every asset, oldest first.
    async fn asset_facts(&self) -> Result<Vec<AssetFacts>, StoreError>;
    /// How many assets there are.
    async fn asset_count(&self) -> Result<i64, StoreError>;
    /// For each instant in `before`, how many assets matching `visible` had been created by then.
    async fn assets_created_before(&self, before: &[Timestamp], visible: &Condition) -> Result<Vec<i64>, StoreError>;
    /// A page of an asset's history, newest first, without the versions' content.
    async fn version_log(&self, id: AssetId, offset: i64, limit: i64) -> Result<Page<VersionEntry>, StoreError>;
    /// The history of each of `ids`, without content, newest first within each asset.
    async fn version_entries(&self, ids: &[AssetId]) -> Result<Vec<VersionEntry>, StoreError>;
    /// One version with its content (a verification keeps no copy of its own: it reads
    /// as the version before it).
    async fn version(&self, id: AssetId, version: i64) -> Result<AssetVersion, StoreError>;
    /// Writes many new assets in one transaction (imports and the demo): all or nothing.
    async fn insert_assets(&self, writes: Vec<AssetWrite>) -> Result<Vec<Asset>, StoreError>;

    /// A page of the audit log, newest first.
    async fn audit(&self, offset: i64, limit: i64) -> Result<Page<AuditEntry>, StoreError>;
    /// Appends an audit entry that goes with no other write (sign-in, export).
    async fn record(&self, audit: AuditRecord) -> Result<(), StoreError>;

    /// Up to `limit` change-log entries after `after`, in order.
    async fn changes_after(&self, after: i64, limit: i64) -> Result<Vec<Change>, StoreError>;
    /// The newest change-log position.
    async fn last_change(&self) -> Result<i64, StoreError>;

    /// The synonym groups.
    async fn synonyms(&self) -> Result<Vec<SynonymGroup>, StoreError>;
    /// Replaces the synonym groups.
    async fn replace_synonyms(&self, groups: &[SynonymGroup], audit: AuditRecord) -> Result<(), StoreError>;

    /// Writes a consistent copy of the database while it stays online.
    async fn backup(&self, destination: &str) -> Result<(), StoreError>;

    /// The organisation's techniques: edits to the shipped catalogue and its own, by key.
    async fn techniques(&self) -> Result<Vec<Technique>, StoreError>;
    /// Adds or replaces one of the organisation's techniques.
    async fn save_technique(&self, technique: &Technique, audit: AuditRecord) -> Result<(), StoreError>;

    /// Assets whose embedding by `model` is missing or older than their current version, lowest id first.
    async fn assets_to_embed(&self, model: &str, limit: i64) -> Result<Vec<Asset>, StoreError>;
    /// Stores embeddings by `model` (replacing older ones) with an `embedding` change-log entry each, in one transaction.
    async fn save_embeddings(&self, model: &str, embeddings: &[Embedding]) -> Result<(), StoreError>;
    /// The stored embeddings by `model` of these assets.
    async fn embeddings(&self, model: &str, ids: &[AssetId]) -> Result<Vec<Embedding>, StoreError>;
    /// Stored embeddings by `model` after an asset id, lowest first (for loading them all at start-up).
    async fn embeddings_after(&self, model: &str, after: AssetId, limit: i64) -> Result<Vec<Embedding>, StoreError>;
}

/// An asset's text as a unit-length vector, as of one of its versions.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// The asset.
    pub asset_id: AssetId,
    /// The version whose text was embedded.
    pub version: i64,
    /// The vector (unit length).
    pub vector: Vec<f32>,
}

/// What can go wrong while embedding text.
#[derive(Debug, thiserror::Error)]
#[error("embedding failed: {0}")]
pub struct EmbedError(pub String);

/// A local sentence-embedding model: texts in, unit-length vectors out.
pub trait Embedder: Send + Sync + 'static {
    /// Names the model, so vectors from different models are never compared.
    fn model(&self) -> &str;
    /// Embeds each text (long texts are cut to what the model reads).
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// Why a message was not sent.
#[derive(Debug, thiserror::Error)]
#[error("sending mail failed: {0}")]
pub struct MailError(pub String);

/// A plain-text message to one address, optionally with a calendar invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// An iCalendar (RFC 5545) document, attached as `invite.ics`.
    pub calendar: Option<String>,
    /// A Message-ID of Signpost's choosing, the same on every attempt to send this
    /// message, so a copy sent again after a crash is recognised as the same message.
    pub message_id: Option<String>,
}

/// Sends email (through an SMTP relay in production).
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Sends one message.
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
}

/// What can go wrong in the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query could not be understood.
    #[error("{0}")]
    BadQuery(String),
    /// The index failed.
    #[error("search index failure: {0}")]
    Index(String),
}

/// A derived, rebuildable index of assets.
pub trait SearchIndex: Send + Sync + 'static {
    /// Visible matches for a request, with facets and snippets.
    fn search(&self, request: &SearchRequest, visible: &Condition, now: Timestamp) -> Result<SearchResults, SearchError>;
    /// Visible titles matching what has been typed so far.
    fn suggest(&self, prefix: &str, visible: &Condition, limit: usize) -> Result<Vec<Suggestion>, SearchError>;
    /// Applies changes: assets to add or replace, ids to remove, then records the change-log position reached.
    fn apply(&self, upserts: &[Asset], deletes: &[AssetId], change_id: i64) -> Result<(), SearchError>;
    /// The change-log position the index has reached.
    fn applied_change(&self) -> i64;
    /// Removes every document, before a rebuild (embeddings stay: they are keyed by asset).
    fn clear(&self) -> Result<(), SearchError>;
    /// Replaces the synonym groups used to expand queries.
    fn set_synonyms(&self, groups: &[SynonymGroup]);
    /// How many assets are indexed.
    fn doc_count(&self) -> u64;
    /// Adds or replaces assets' embeddings, used to rank a request that carries a query vector.
    fn set_vectors(&self, embeddings: Vec<Embedding>);
    /// How many assets have an embedding here.
    fn vector_count(&self) -> usize;
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

    /// Inserts a session (id 0) or replaces one.
    async fn save_learning_session(&self, session: &Session, audit: AuditRecord) -> Result<Session, StoreError>;
    /// One session.
    async fn learning_session(&self, id: SessionId) -> Result<Session, StoreError>;
    /// Sessions on a project, or every session when `None`, oldest held first.
    async fn learning_sessions(&self, project_id: Option<ProjectId>) -> Result<Vec<Session>, StoreError>;
    /// Adds a participant's private answer.
    async fn add_contribution(&self, contribution: &Contribution, audit: AuditRecord) -> Result<Contribution, StoreError>;
    /// A session's private answers, oldest first.
    async fn contributions(&self, session_id: SessionId) -> Result<Vec<Contribution>, StoreError>;

    /// Inserts an action (id 0) or replaces one; moves its lesson to `lesson_state` in the same transaction.
    async fn save_action(&self, action: &Action, lesson_state: Option<LessonRecord>, audit: AuditRecord) -> Result<Action, StoreError>;
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

/// Where profiles, communities and their questions, advocates, mentoring and coffee
/// programmes are kept. Every write is one transaction with its audit entry and the
/// notifications it causes.
#[async_trait]
pub trait PeopleStore: Send + Sync + 'static {
    /// Inserts or replaces a person's profile.
    async fn save_profile(&self, profile: &Profile, audit: AuditRecord) -> Result<(), StoreError>;
    /// Every profile that has been filled in.
    async fn profiles(&self) -> Result<Vec<Profile>, StoreError>;

    /// Inserts a community (id 0) or replaces one; `founder` becomes its first coordinator.
    async fn save_community(
        &self,
        community: &Community,
        founder: Option<&Membership>,
        audit: AuditRecord,
    ) -> Result<Community, StoreError>;
    /// One community.
    async fn community(&self, id: CommunityId) -> Result<Community, StoreError>;
    /// Every community, by name.
    async fn communities(&self) -> Result<Vec<Community>, StoreError>;
    /// Adds or changes a membership.
    async fn save_membership(&self, membership: &Membership, audit: AuditRecord) -> Result<(), StoreError>;
    /// Ends a membership.
    async fn remove_membership(&self, community_id: CommunityId, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError>;
    /// Memberships of one community, or of every community when `None`.
    async fn memberships(&self, community_id: Option<CommunityId>) -> Result<Vec<Membership>, StoreError>;

    /// Inserts a question (id 0) or replaces one, with the notifications it sends.
    async fn save_question(&self, question: &Question, notify: &[Notification], audit: AuditRecord) -> Result<Question, StoreError>;
    /// One question.
    async fn question(&self, id: QuestionId) -> Result<Question, StoreError>;
    /// Questions of one community, or every question when `None`, newest first.
    async fn questions(&self, community_id: Option<CommunityId>) -> Result<Vec<Question>, StoreError>;
    /// Adds an answer, with the notifications it sends.
    async fn add_answer(&self, answer: &Answer, notify: &[Notification], audit: AuditRecord) -> Result<Answer, StoreError>;
    /// Answers to one question, or every answer when `None`, oldest first.
    async fn answers(&self, question_id: Option<QuestionId>) -> Result<Vec<Answer>, StoreError>;
    /// Adds a comment.
    async fn add_comment(&self, comment: &Comment, audit: AuditRecord) -> Result<Comment, StoreError>;
    /// Comments on a question and its answers, oldest first.
    async fn comments(&self, question_id: QuestionId) -> Result<Vec<Comment>, StoreError>;
    /// Sets a person's vote on an answer (value 0 withdraws it).
    async fn vote(&self, vote: &Vote) -> Result<(), StoreError>;
    /// Votes on a question's answers.
    async fn votes(&self, question_id: QuestionId) -> Result<Vec<Vote>, StoreError>;

    /// Adds notifications.
    async fn notify(&self, notify: &[Notification]) -> Result<(), StoreError>;
    /// A person's notifications, newest first.
    async fn notifications(&self, user_id: UserId, limit: i64) -> Result<Vec<Notification>, StoreError>;
    /// Marks all of a person's notifications read.
    async fn mark_notifications_read(&self, user_id: UserId) -> Result<(), StoreError>;

    /// Registers an advocate (replacing their team if already registered) and makes them a member of the advocates' community.
    async fn save_advocate(&self, advocate: &Advocate, membership: &Membership, audit: AuditRecord) -> Result<(), StoreError>;
    /// Removes someone from the register.
    async fn remove_advocate(&self, user_id: UserId, audit: AuditRecord) -> Result<(), StoreError>;
    /// The register.
    async fn advocates(&self) -> Result<Vec<Advocate>, StoreError>;

    /// Inserts a mentoring offer or request (id 0) or replaces one.
    async fn save_listing(&self, listing: &Listing, audit: AuditRecord) -> Result<Listing, StoreError>;
    /// Every offer and request, newest first.
    async fn listings(&self) -> Result<Vec<Listing>, StoreError>;
    /// Inserts a match (id 0) or replaces one, with the notifications it sends.
    async fn save_match(&self, m: &MentoringMatch, notify: &[Notification], audit: AuditRecord) -> Result<MentoringMatch, StoreError>;
    /// Every match, newest first.
    async fn matches(&self) -> Result<Vec<MentoringMatch>, StoreError>;

    /// Inserts a programme (id 0) or replaces one.
    async fn save_programme(&self, programme: &Programme, audit: AuditRecord) -> Result<Programme, StoreError>;
    /// One programme.
    async fn programme(&self, id: ProgrammeId) -> Result<Programme, StoreError>;
    /// Every programme, by name.
    async fn programmes(&self) -> Result<Vec<Programme>, StoreError>;
    /// Adds or replaces someone's place in a programme.
    async fn save_coffee_member(&self, member: &CoffeeMember, audit: AuditRecord) -> Result<(), StoreError>;
    /// Everyone who has joined a programme.
    async fn coffee_members(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeMember>, StoreError>;
    /// Stores a round with its introductions, and clears the skip flag of those who sat it out, in one transaction.
    async fn insert_round(&self, round: &CoffeeRound, notify: &[Notification], audit: AuditRecord) -> Result<CoffeeRound, StoreError>;
    /// A programme's rounds, oldest first.
    async fn rounds(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeRound>, StoreError>;
    /// Adds or replaces someone's feedback on a round.
    async fn save_feedback(&self, feedback: &CoffeeFeedback, audit: AuditRecord) -> Result<(), StoreError>;
    /// Feedback on a programme's rounds.
    async fn feedback(&self, programme_id: ProgrammeId) -> Result<Vec<CoffeeFeedback>, StoreError>;

    /// Who verified which assets, and when (for the expertise finder's evidence).
    async fn verifications(&self, ids: &[AssetId]) -> Result<Vec<(AssetId, UserId, Timestamp)>, StoreError>;
    /// How many times any asset was verified from `from` up to, not including, `until`.
    async fn verifications_between(&self, from: Timestamp, until: Timestamp) -> Result<i64, StoreError>;
}

/// What passing a leaver's holdings on writes, all in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Handover {
    /// Assets with their new owner, each with the version it was read at.
    pub assets: Vec<(AssetWrite, i64)>,
    /// Actions with their new owner.
    pub actions: Vec<Action>,
    /// Memberships to add or change (new coordinators, and the leaver stepping down).
    pub memberships: Vec<Membership>,
    /// New advocates, each with their membership of the advocates' community.
    pub advocates: Vec<(Advocate, Membership)>,
    /// Advocates leaving the register.
    pub retired_advocates: Vec<UserId>,
}

/// Plans that secure the knowledge of people leaving or moving.
#[async_trait]
pub trait RetentionStore: Send + Sync + 'static {
    /// Inserts a plan (id 0) or replaces one still at its `revision`, with the notifications it sends; returns it at its new revision.
    async fn save_leaver_plan(&self, plan: &LeaverPlan, notify: &[Notification], audit: AuditRecord) -> Result<LeaverPlan, StoreError>;
    /// One plan.
    async fn leaver_plan(&self, id: PlanId) -> Result<LeaverPlan, StoreError>;
    /// Every plan, soonest leaving date first.
    async fn leaver_plans(&self) -> Result<Vec<LeaverPlan>, StoreError>;
    /// Inserts a handover note and records it as the output of the plan's action, in one transaction.
    async fn store_plan_output(&self, plan: &LeaverPlan, action_id: i64, write: AssetWrite) -> Result<(Asset, LeaverPlan), StoreError>;
    /// Passes a leaver's holdings on and saves the plan that records it, in one transaction.
    async fn hand_over(
        &self,
        plan: &LeaverPlan,
        handover: Handover,
        notify: &[Notification],
        audit: AuditRecord,
    ) -> Result<LeaverPlan, StoreError>;

    /// Inserts (id 0) or replaces an entry in the register of critical knowledge.
    async fn save_critical_area(&self, area: &CriticalArea, audit: AuditRecord) -> Result<CriticalArea, StoreError>;
    /// Removes an entry from the register.
    async fn remove_critical_area(&self, id: i64, audit: AuditRecord) -> Result<(), StoreError>;
    /// The register.
    async fn critical_areas(&self) -> Result<Vec<CriticalArea>, StoreError>;
}

/// The organisation's own maturity models and teams' self-assessments.
#[async_trait]
pub trait MaturityStore: Send + Sync + 'static {
    /// Inserts or replaces (by key) one of the organisation's models.
    async fn save_model(&self, model: &MaturityModel, audit: AuditRecord) -> Result<(), StoreError>;
    /// The organisation's models, by key.
    async fn models(&self) -> Result<Vec<MaturityModel>, StoreError>;
    /// Inserts assessments (id 0), all or none.
    async fn insert_assessments(&self, assessments: &[Assessment], audit: AuditRecord) -> Result<Vec<Assessment>, StoreError>;
    /// Every assessment, oldest first.
    async fn assessments(&self) -> Result<Vec<Assessment>, StoreError>;
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

/// Durable background jobs (see [`crate::jobs`]).
#[async_trait]
pub trait JobStore: Send + Sync + 'static {
    /// Enqueues jobs; one whose key is already stored is left as it is. Returns how many were new.
    async fn enqueue(&self, jobs: &[crate::jobs::NewJob]) -> Result<usize, StoreError>;
    /// Claims the next due job for `worker` until `lease_until`: a pending job whose time
    /// has come, or a running one whose node's lease lapsed. One node gets each job.
    async fn claim_job(&self, worker: &str, now: Timestamp, lease_until: Timestamp) -> Result<Option<crate::jobs::Job>, StoreError>;
    /// Finishes a job `worker` still holds, enqueuing `then` in the same transaction;
    /// false, changing nothing, if its lease went to another node.
    async fn finish_job(&self, id: crate::jobs::JobId, worker: &str, then: &[crate::jobs::NewJob]) -> Result<bool, StoreError>;
    /// Records a failed attempt: pending again at `retry_at`, or failed for good without one.
    async fn fail_job(&self, id: crate::jobs::JobId, worker: &str, error: &str, retry_at: Option<Timestamp>) -> Result<(), StoreError>;
    /// A page of jobs in `state`, or of every job not done, most recently changed first.
    async fn jobs(&self, state: Option<crate::jobs::JobState>, offset: i64, limit: i64) -> Result<Page<crate::jobs::Job>, StoreError>;
    /// Deletes finished jobs last changed before `before`; returns how many.
    async fn purge_done_jobs(&self, before: Timestamp) -> Result<u64, StoreError>;
    /// Puts a failed job back to run now with fresh attempts.
    async fn retry_job(&self, id: crate::jobs::JobId, audit: AuditRecord) -> Result<crate::jobs::Job, StoreError>;
    /// Finishes an action reminder's job and records the day it was sent on the action
    /// (read inside the transaction, so a change made meanwhile is kept). False if the lease was lost.
    async fn finish_action_reminder(
        &self,
        id: crate::jobs::JobId,
        worker: &str,
        action_id: crate::learning::ActionId,
        on: chrono::NaiveDate,
        audit: AuditRecord,
    ) -> Result<bool, StoreError>;
    /// Finishes a leaving-date notice's job: records the milestone on the plan, adds the
    /// notifications and enqueues the emails, in one transaction. False if the lease was lost.
    #[allow(clippy::too_many_arguments)]
    async fn finish_leaving_notice(
        &self,
        id: crate::jobs::JobId,
        worker: &str,
        plan_id: crate::retention::PlanId,
        days: i64,
        notify: &[Notification],
        then: &[crate::jobs::NewJob],
        audit: AuditRecord,
    ) -> Result<bool, StoreError>;
}
