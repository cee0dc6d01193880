//! Knowledge assets: the common shape, status, visibility, versions and links.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::fields::{AssetFields, AssetKind};
use crate::{AssetId, FieldError, TeamId, UserId};

/// Where an asset is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Being written; seen by its owner and knowledge specialists.
    Draft,
    /// Live knowledge.
    Published,
    /// Retired: kept for the record, no longer current.
    Archived,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 3] = [Status::Draft, Status::Published, Status::Archived];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Archived => "archived",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Status::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| FieldError::new("status", format!("unknown status {s:?}: use draft, published or archived")))
    }
}

/// Who may see an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Everyone with an account, guests included.
    Public,
    /// Everyone in the organisation except guests.
    Organisation,
    /// Members of the asset's team and of the teams beneath it.
    Team,
    /// Only the people named on the asset (and its owner).
    Named,
}

impl Visibility {
    /// Every visibility.
    pub const ALL: [Visibility; 4] = [Visibility::Public, Visibility::Organisation, Visibility::Team, Visibility::Named];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Organisation => "organisation",
            Visibility::Team => "team",
            Visibility::Named => "named",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        Visibility::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| FieldError::new("visibility", format!("unknown visibility {s:?}: use public, organisation, team or named")))
    }
}

/// A knowledge asset as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Asset {
    /// Identifier.
    pub id: AssetId,
    /// What kind of knowledge this is.
    pub kind: AssetKind,
    /// Title.
    pub title: String,
    /// One or two sentences.
    pub summary: String,
    /// Markdown source.
    pub body: String,
    /// The kind's own fields.
    pub fields: AssetFields,
    /// Free tags.
    pub tags: Vec<String>,
    /// Topics from the organisation's list.
    pub topics: Vec<String>,
    /// Who is accountable for it.
    pub owner_id: UserId,
    /// The team it belongs to.
    pub team_id: TeamId,
    /// Life-cycle status.
    pub status: Status,
    /// Who may see it.
    pub visibility: Visibility,
    /// The people who may see it when visibility is `named`.
    pub named_viewers: Vec<UserId>,
    /// Days between reviews.
    pub review_interval_days: i32,
    /// When it is next due for review.
    pub next_review_at: DateTime<Utc>,
    /// When someone last confirmed it is still right.
    pub last_verified_at: Option<DateTime<Utc>>,
    /// Other assets it links to.
    pub links: Vec<AssetId>,
    /// Version number, starting at 1 and rising with every change.
    pub version: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// What programme reports count about an asset, without its text: reading every body
/// to count assets would cost memory in proportion to everything ever written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssetFacts {
    /// Identifier.
    pub id: AssetId,
    /// What kind of knowledge it is.
    pub kind: AssetKind,
    /// Who is accountable for it.
    pub owner_id: UserId,
    /// Life-cycle status.
    pub status: Status,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it is next due for review.
    pub next_review_at: DateTime<Utc>,
}

/// The editable content of an asset: what a create or update supplies, already validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetContent {
    /// Kind.
    pub kind: AssetKind,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body.
    pub body: String,
    /// Kind-specific fields.
    pub fields: serde_json::Value,
    /// Tags.
    pub tags: Vec<String>,
    /// Topics.
    pub topics: Vec<String>,
    /// Team.
    pub team_id: TeamId,
    /// Visibility.
    pub visibility: Visibility,
    /// Named viewers.
    pub named_viewers: Vec<UserId>,
    /// Review interval in days.
    pub review_interval_days: i32,
    /// Linked assets.
    pub links: Vec<AssetId>,
}

/// What kind of change produced a version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionEvent {
    /// First saved.
    Created,
    /// Content edited.
    Updated,
    /// Made live.
    Published,
    /// Confirmed as still right; the review clock was reset.
    Verified,
    /// Retired.
    Archived,
    /// An earlier version brought back.
    Restored,
}

impl VersionEvent {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            VersionEvent::Created => "created",
            VersionEvent::Updated => "updated",
            VersionEvent::Published => "published",
            VersionEvent::Verified => "verified",
            VersionEvent::Archived => "archived",
            VersionEvent::Restored => "restored",
        }
    }

    /// Parses a stable name.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Created, Self::Updated, Self::Published, Self::Verified, Self::Archived, Self::Restored]
            .into_iter()
            .find(|e| e.as_str() == s)
    }
}

/// One entry of an asset's history: the whole asset as it was after the change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetVersion {
    /// Asset.
    pub asset_id: AssetId,
    /// Version number.
    pub version: i64,
    /// What happened.
    pub event: VersionEvent,
    /// Who did it.
    pub author_id: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// A note: the verification comment, the restore source, the override reason.
    pub note: String,
    /// The asset as it was.
    pub snapshot: Asset,
}

/// One entry of an asset's history, without its content: who may read the version
/// depends on how the asset stood then (status, audience, team, owner), which is kept
/// beside it so the history can be listed without loading any snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VersionEntry {
    /// Asset.
    pub asset_id: AssetId,
    /// Version number.
    pub version: i64,
    /// What happened.
    pub event: VersionEvent,
    /// Who did it.
    pub author_id: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// A note: the verification comment, the restore source, the override reason
    /// (empty where the reader may not read this version).
    pub note: String,
    /// Status then.
    pub status: Status,
    /// Audience then.
    pub visibility: Visibility,
    /// Team then.
    pub team_id: TeamId,
    /// Owner then.
    pub owner_id: UserId,
    /// Named viewers then.
    pub named_viewers: Vec<UserId>,
    /// When it was next due for review, as of this version.
    pub next_review_at: DateTime<Utc>,
    /// Whether the reader may open this version and compare it (set by the services).
    #[serde(default)]
    pub readable: bool,
}

impl<'a> From<&'a VersionEntry> for crate::visibility::AccessView<'a> {
    fn from(v: &'a VersionEntry) -> Self {
        crate::visibility::AccessView {
            owner_id: v.owner_id,
            status: v.status,
            visibility: v.visibility,
            team_id: v.team_id,
            named_viewers: &v.named_viewers,
        }
    }
}

/// Validation limits for the common fields.
pub mod limits {
    /// Longest title.
    pub const TITLE: usize = 300;
    /// Longest summary.
    pub const SUMMARY: usize = 2_000;
    /// Longest body (about 200 pages of text).
    pub const BODY: usize = 500_000;
    /// Most tags or topics.
    pub const LABELS: usize = 50;
    /// Longest tag or topic.
    pub const LABEL: usize = 80;
    /// Shortest and longest review interval in days.
    pub const REVIEW_DAYS: (i32, i32) = (7, 1_095);
    /// Most people named as viewers.
    pub const NAMED_VIEWERS: usize = 200;
    /// Most related assets linked.
    pub const LINKS: usize = 50;
}

impl AssetContent {
    /// Checks the common fields and the kind's fields; returns every problem at once.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(FieldError::new("title", "enter a title"));
        } else if title.chars().count() > limits::TITLE {
            errors.push(FieldError::new("title", format!("must be {} characters or fewer", limits::TITLE)));
        }
        if self.summary.chars().count() > limits::SUMMARY {
            errors.push(FieldError::new("summary", format!("must be {} characters or fewer", limits::SUMMARY)));
        }
        if self.body.len() > limits::BODY {
            errors.push(FieldError::new("body", format!("must be {} bytes or fewer", limits::BODY)));
        }
        for (name, labels) in [("tags", &self.tags), ("topics", &self.topics)] {
            if labels.len() > limits::LABELS {
                errors.push(FieldError::new(name, format!("at most {} allowed", limits::LABELS)));
            }
            for (i, l) in labels.iter().enumerate() {
                if l.trim().is_empty() || l.chars().count() > limits::LABEL {
                    errors.push(FieldError::new(format!("{name}[{i}]"), format!("must be 1 to {} characters", limits::LABEL)));
                }
            }
        }
        let (lo, hi) = limits::REVIEW_DAYS;
        if !(lo..=hi).contains(&self.review_interval_days) {
            errors.push(FieldError::new("review_interval_days", format!("must be between {lo} and {hi} days")));
        }
        if self.visibility == Visibility::Named && self.named_viewers.is_empty() {
            errors.push(FieldError::new("named_viewers", "name at least one person when visibility is named"));
        }
        errors.extend(AssetFields::parse(self.kind, &self.fields).1);
        errors
    }

    /// Normalises labels: trimmed, lower-case, without duplicates, in the order given.
    pub fn normalise(mut self) -> Self {
        fn clean(labels: Vec<String>) -> Vec<String> {
            let mut seen = std::collections::HashSet::new();
            labels.into_iter().map(|l| l.trim().to_lowercase()).filter(|l| seen.insert(l.clone())).collect()
        }
        self.title = self.title.trim().to_string();
        self.tags = clean(self.tags);
        self.topics = clean(self.topics);
        self.named_viewers.sort_unstable();
        self.named_viewers.dedup();
        self.links.sort_unstable();
        self.links.dedup();
        self
    }
}

impl Asset {
    /// The asset's editable content, e.g. to restore it or fill an edit form.
    pub fn content(&self) -> AssetContent {
        AssetContent {
            kind: self.kind,
            title: self.title.clone(),
            summary: self.summary.clone(),
            body: self.body.clone(),
            fields: serde_json::to_value(&self.fields).unwrap_or_default(),
            tags: self.tags.clone(),
            topics: self.topics.clone(),
            team_id: self.team_id,
            visibility: self.visibility,
            named_viewers: self.named_viewers.clone(),
            review_interval_days: self.review_interval_days,
            links: self.links.clone(),
        }
    }

    /// Every piece of user-written text, labelled with where it is.
    pub fn texts(&self) -> Vec<(String, String)> {
        let mut out = vec![
            ("title".to_string(), self.title.clone()),
            ("summary".to_string(), self.summary.clone()),
            ("body".to_string(), self.body.clone()),
        ];
        for (i, t) in self.tags.iter().enumerate() {
            out.push((format!("tags[{i}]"), t.clone()));
        }
        for (i, t) in self.topics.iter().enumerate() {
            out.push((format!("topics[{i}]"), t.clone()));
        }
        out.extend(self.fields.texts());
        out
    }
}
