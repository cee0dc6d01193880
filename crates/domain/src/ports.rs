//! The traits the store and the search index implement. Services hold them as
//! trait objects, so the backend is chosen at start-up from the database URL.
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use crate::accounts::AccountStore;
pub use crate::impact::ImpactStore;
pub use crate::jobs::JobStore;
pub use crate::learning::LearningStore;
pub use crate::maturity::MaturityStore;
pub use crate::notifications::NotificationStore;
pub use crate::people::PeopleStore;
pub use crate::retention::RetentionStore;

use crate::assets::{Asset, AssetFacts, AssetVersion, Status, VersionEntry, VersionEvent};
use crate::audit::{AuditEntry, AuditRecord, Change};
use crate::communities::{Advocate, Membership};
use crate::fields::AssetKind;
use crate::learning::Action;
use crate::people::{ApiToken, BrowserSession, Credentials, NewUser, Team, TeamKind, User};
use crate::search::{Page, SearchRequest, SearchResults, Suggestion, SynonymGroup, TextMatch};
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
pub trait Store:
    AccountStore
    + NotificationStore
    + crate::sign_on::SignOnStore
    + crate::provisioning::ProvisioningStore
    + LearningStore
    + PeopleStore
    + RetentionStore
    + MaturityStore
    + ImpactStore
    + JobStore
    + crate::feeds::FeedStore
    + crate::awareness::AwarenessStore
    + crate::thesaurus::ThesaurusStore
    + crate::evidence::EvidenceStore
    + crate::interests::InterestStore
    + crate::webhooks::WebhookStore
    + crate::archive::ArchiveStore
    + crate::imports::KnowledgeImportStore
    + Send
    + Sync
    + 'static
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    /// Whether the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates a team.
    async fn create_team(&self, name: &str, kind: TeamKind, parent_id: Option<TeamId>, audit: AuditRecord) -> Result<Team, StoreError>;
    /// All teams, root first.
    async fn teams(&self) -> Result<Vec<Team>, StoreError>;

    /// Creates a user with an optional argon2id password hash, or with an invitation (a
    /// link to choose one, and its email), in one transaction.
    async fn create_user(
        &self,
        user: &NewUser,
        password_hash: Option<&str>,
        invitation: Option<&crate::accounts::NewLink>,
        audit: AuditRecord,
    ) -> Result<User, StoreError>;
    /// One user.
    async fn user(&self, id: UserId) -> Result<User, StoreError>;
    /// A user and their password hash, by email (case-insensitive).
    async fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError>;
    /// A page of users, by name.
    async fn users(&self, offset: i64, limit: i64) -> Result<Page<User>, StoreError>;
    /// Replaces a user's details, email, role, team and line manager.
    async fn update_user(&self, user: &User, audit: AuditRecord) -> Result<User, StoreError>;
    /// Sets a user's password hash and ends every session of theirs.
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
    /// How many assets of each kind were created from `from` until just before `until`.
    async fn assets_created_by_kind(&self, from: Timestamp, until: Timestamp) -> Result<Vec<(AssetKind, i64)>, StoreError>;
    /// How many published assets were due for review at or before `now`.
    async fn published_overdue(&self, now: Timestamp) -> Result<i64, StoreError>;
    /// The facts of the published assets due for review from `from` to `until` inclusive.
    async fn published_due_between(&self, from: Timestamp, until: Timestamp) -> Result<Vec<AssetFacts>, StoreError>;
    /// The owners of those of `ids` that exist.
    async fn asset_owners(&self, ids: &[AssetId]) -> Result<Vec<(AssetId, UserId)>, StoreError>;
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

/// Why a message was not sent, or a relay's settings were refused.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MailError(pub String);

/// A message to one address: plain text (with an HTML rendering of it unless one is
/// given), optionally a calendar invitation and a one-click unsubscribe link. Stored as
/// an email job's payload, so it serialises.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// The address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// The HTML part; without one, the plain text is rendered as simple HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// An iCalendar (RFC 5545) document, attached as `invite.ics`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Where a one-click unsubscribe (RFC 8058) is posted, as a whole URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
    /// A Message-ID of Signpost's choosing, the same on every attempt to send this
    /// message, so a copy sent again after a crash is recognised as the same message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

impl Mail {
    /// A plain-text message.
    pub fn text(to: impl Into<String>, subject: impl Into<String>, body: impl Into<String>) -> Mail {
        Mail { to: to.into(), subject: subject.into(), body: body.into(), ..Mail::default() }
    }

    /// With a calendar invitation attached.
    pub fn with_calendar(mut self, ics: impl Into<String>) -> Mail {
        self.calendar = Some(ics.into());
        self
    }

    /// With a one-click unsubscribe link.
    pub fn with_unsubscribe(mut self, link: impl Into<String>) -> Mail {
        self.unsubscribe = Some(link.into());
        self
    }

    /// With this Message-ID.
    pub fn with_message_id(mut self, id: impl Into<String>) -> Mail {
        self.message_id = Some(id.into());
        self
    }
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
    /// How well each of `texts` matches the whole of `query`, analysed as the index
    /// analyses assets, each word weighed by how rare it is among them.
    fn match_texts(&self, query: &str, texts: &[&str]) -> Vec<TextMatch>;
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
    /// Merges what a rebuild wrote in many small pieces into one, so each search
    /// visits one piece (best effort: a merge already under way is left to finish).
    fn compact(&self) -> Result<(), SearchError>;
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
