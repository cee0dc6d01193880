//! Knowledge assets: create, edit, publish, verify, archive, history, restore, review queues.
use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::assets::{Asset, AssetContent, AssetVersion, Status, VersionEntry, VersionEvent, Visibility, limits};
use signpost_domain::audit::AuditRecord;
use signpost_domain::fields::{AssetFields, AssetKind};
use signpost_domain::identifiers::{IdentifierFinding, find_nhs_numbers};
use signpost_domain::people::{Actor, Role};
use signpost_domain::ports::{AssetQuery, AssetWrite};
use signpost_domain::review::{DUE_SOON_DAYS, ReviewState, next_review};
use signpost_domain::search::Page;
use signpost_domain::{AssetId, FieldError, StoreError, TeamId, Timestamp, UserId};
use utoipa::ToSchema;

use crate::accounts::page_bounds;
use crate::{ServiceError, Signpost, markdown, policy};

/// Review interval used when none is given: a year.
pub const DEFAULT_REVIEW_DAYS: i32 = 365;

/// What a person sends to create or change an asset.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetInput {
    /// Kind.
    pub kind: AssetKind,
    /// Title.
    pub title: String,
    /// One or two sentences.
    #[serde(default)]
    pub summary: String,
    /// Markdown body.
    #[serde(default)]
    pub body: String,
    /// The kind's own fields, e.g. for a lesson `context`, `what_happened`, `recommendation`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: serde_json::Value,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Topics.
    #[serde(default)]
    pub topics: Vec<String>,
    /// Team; defaults to the author's own team.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// Who may see it; defaults to the organisation.
    #[serde(default)]
    pub visibility: Option<Visibility>,
    /// The people who may see it when visibility is `named`.
    #[serde(default)]
    pub named_viewers: Vec<UserId>,
    /// Days between reviews; defaults to 365.
    #[serde(default)]
    pub review_interval_days: Option<i32>,
    /// Related assets.
    #[serde(default)]
    pub links: Vec<AssetId>,
    /// `draft` (the default for new assets) or `published`.
    #[serde(default)]
    pub status: Option<Status>,
    /// A knowledge specialist's reason for publishing despite a probable NHS number.
    #[serde(default)]
    pub override_reason: Option<String>,
    /// For changes: the version the editor started from, so concurrent edits are caught.
    #[serde(default)]
    pub expected_version: Option<i64>,
}

impl AssetInput {
    /// A new asset of `kind` called `title`, with nothing else said: the author's team,
    /// visible to the organisation, reviewed yearly, a draft. Callers set what differs:
    /// `AssetInput { body, tags, ..AssetInput::new(AssetKind::Lesson, title) }`.
    pub fn new(kind: AssetKind, title: impl Into<String>) -> Self {
        AssetInput {
            kind,
            title: title.into(),
            summary: String::new(),
            body: String::new(),
            fields: serde_json::Value::Object(serde_json::Map::new()),
            tags: Vec::new(),
            topics: Vec::new(),
            team_id: None,
            visibility: None,
            named_viewers: Vec::new(),
            review_interval_days: None,
            links: Vec::new(),
            status: None,
            override_reason: None,
            expected_version: None,
        }
    }
}

/// An asset as shown to one person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssetView {
    /// The asset.
    #[serde(flatten)]
    pub asset: Asset,
    /// The body rendered to sanitised HTML.
    pub body_html: String,
    /// Where it stands against its review date.
    pub review_state: ReviewState,
    /// Past its review date.
    pub stale: bool,
    /// Whether the viewer may change it.
    pub can_edit: bool,
    /// Probable NHS numbers in the text (drafts may hold them; publishing is refused).
    pub identifier_warnings: Vec<IdentifierFinding>,
}

/// A diff between two versions.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionDiff {
    /// Older version.
    pub from: i64,
    /// Newer version.
    pub to: i64,
    /// Unified diff of the versions' text.
    pub diff: String,
}

/// Which review queue to show.
#[derive(Debug, Clone, Copy)]
pub enum ReviewScope {
    /// Assets the actor owns.
    Mine,
    /// Assets of one team.
    Team(TeamId),
}

/// Probable NHS numbers anywhere in an asset's text.
pub fn scan(asset: &Asset) -> Vec<IdentifierFinding> {
    asset.texts().iter().flat_map(|(field, text)| find_nhs_numbers(field, text)).collect()
}

/// Refuses publication when the text holds probable NHS numbers, unless a knowledge
/// specialist (or admin) gives a reason; returns the reason to record.
fn guard(actor: &Actor, findings: Vec<IdentifierFinding>, override_reason: Option<&str>) -> Result<Option<String>, ServiceError> {
    if findings.is_empty() {
        return Ok(None);
    }
    match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
        None => Err(ServiceError::IdentifierFound(findings)),
        Some(reason) => {
            policy::may_override_identifier_guard(actor)
                .then_some(())
                .ok_or_else(|| ServiceError::Forbidden("only a knowledge specialist can publish despite the NHS-number check".into()))?;
            Ok(Some(format!("published despite {} probable NHS number(s): {reason}", findings.len())))
        }
    }
}

fn asset_not_found(id: AssetId) -> impl Fn(StoreError) -> ServiceError {
    move |e| match e {
        StoreError::NotFound => ServiceError::NotFound(format!("asset {id}")),
        other => other.into(),
    }
}

impl Signpost {
    pub(crate) fn view(&self, actor: &Actor, asset: Asset) -> AssetView {
        let review_state = ReviewState::at(asset.next_review_at, Utc::now());
        AssetView {
            body_html: markdown::render(&asset.body),
            review_state,
            stale: review_state == ReviewState::Overdue && asset.status == Status::Published,
            can_edit: policy::can_edit(actor, &asset),
            identifier_warnings: scan(&asset),
            asset,
        }
    }

    /// Checks input against the rules and the store: teams, people and links must exist.
    pub(crate) async fn content(
        &self,
        actor: &Actor,
        input: &AssetInput,
        current: Option<&Asset>,
    ) -> Result<(AssetContent, AssetFields), ServiceError> {
        // Lists are measured before anything else is done with them.
        let sizes = [
            ("tags", input.tags.len(), limits::LABELS),
            ("topics", input.topics.len(), limits::LABELS),
            ("named_viewers", input.named_viewers.len(), limits::NAMED_VIEWERS),
            ("links", input.links.len(), limits::LINKS),
        ];
        let over: Vec<FieldError> =
            sizes.iter().filter(|(_, n, max)| n > max).map(|(f, _, max)| FieldError::new(*f, format!("at most {max} allowed"))).collect();
        if !over.is_empty() {
            return Err(ServiceError::Invalid(over));
        }
        let team_id = input.team_id.or(current.map(|a| a.team_id)).or(actor.own_team());
        let mut errors: Vec<FieldError> = Vec::new();
        let Some(team_id) = team_id else {
            return Err(ServiceError::invalid("team_id", "choose the team this asset belongs to"));
        };
        let defaults = AssetInput {
            visibility: input.visibility.or(current.map(|a| a.visibility)),
            review_interval_days: input.review_interval_days.or(current.map(|a| a.review_interval_days)),
            ..input.clone()
        };
        let content = content_of(&defaults, team_id);
        errors.extend(content.validate());
        if !self.store.teams().await?.iter().any(|t| t.id == team_id) {
            errors.push(FieldError::new("team_id", format!("there is no team {team_id}")));
        } else if current.is_none_or(|a| a.team_id != team_id) && !policy::may_file_in_team(actor, team_id) {
            errors.push(FieldError::new("team_id", "you can only file assets in your own team or one above it"));
        }
        if !content.named_viewers.is_empty() {
            let people = self.people_by_id().await?;
            for (i, u) in content.named_viewers.iter().enumerate() {
                if !people.contains_key(u) {
                    errors.push(FieldError::new(format!("named_viewers[{i}]"), format!("there is no user {u}")));
                }
            }
        }
        if !content.links.is_empty() {
            // One query for every linked asset, filtered to those the actor may see.
            let query = AssetQuery { ids: Some(content.links.clone()), limit: limits::LINKS as i64, ..AssetQuery::default() };
            let visible: std::collections::HashSet<AssetId> =
                self.store.assets(&query, &policy::view_condition(actor)).await?.items.into_iter().map(|a| a.id).collect();
            for (i, l) in content.links.iter().enumerate() {
                if !visible.contains(l) || current.is_some_and(|c| c.id == *l) {
                    errors.push(FieldError::new(format!("links[{i}]"), format!("there is no asset {l} you can link to")));
                }
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        let fields = AssetFields::parse(content.kind, &content.fields).0;
        Ok((content, fields))
    }

    /// Creates an asset as a draft, or publishes it straight away.
    pub async fn create_asset(&self, actor: &Actor, input: AssetInput) -> Result<AssetView, ServiceError> {
        let write = self.new_asset_write(actor, input).await?;
        let stored = self.store.insert_asset(write).await?;
        self.wrote();
        Ok(self.view(actor, stored))
    }

    /// Checks a new asset and prepares its first version, unwritten.
    pub(crate) async fn new_asset_write(&self, actor: &Actor, input: AssetInput) -> Result<AssetWrite, ServiceError> {
        policy::ensure_can_contribute(actor)?;
        let status = input.status.unwrap_or(Status::Draft);
        if status == Status::Archived {
            return Err(ServiceError::invalid("status", "a new asset is a draft or published"));
        }
        let (content, fields) = self.content(actor, &input, None).await?;
        let now = Utc::now();
        let team_id = content.team_id;
        let asset = new_asset(content, fields, actor.user_id, team_id, status, now, now);
        let mut note = String::new();
        if status == Status::Published {
            ensure_complete(&asset)?;
            if let Some(reason) = guard(actor, scan(&asset), input.override_reason.as_deref())? {
                note = reason;
            }
        }
        let summary = if note.is_empty() { format!("created {:?}", asset.title) } else { note.clone() };
        let audit =
            AuditRecord::new(Some(actor.user_id), if status == Status::Published { "asset.publish" } else { "asset.create" }, summary);
        Ok(AssetWrite { asset, event: VersionEvent::Created, author_id: actor.user_id, note, audit })
    }

    /// One asset, if the actor may see it.
    pub async fn asset(&self, actor: &Actor, id: AssetId) -> Result<AssetView, ServiceError> {
        let asset = self.store.asset(id).await.map_err(asset_not_found(id))?;
        policy::ensure_can_view(actor, &asset)?;
        Ok(self.view(actor, asset))
    }

    /// Assets the actor may see, filtered.
    pub async fn list_assets(&self, actor: &Actor, query: AssetQuery) -> Result<Page<Asset>, ServiceError> {
        let (offset, limit) = page_bounds(query.offset, query.limit)?;
        Ok(self.store.assets(&AssetQuery { offset, limit, ..query }, &policy::view_condition(actor)).await?)
    }

    pub(crate) async fn editable(&self, actor: &Actor, id: AssetId) -> Result<Asset, ServiceError> {
        let asset = self.store.asset(id).await.map_err(asset_not_found(id))?;
        policy::ensure_can_edit(actor, &asset)?;
        Ok(asset)
    }

    async fn save(
        &self,
        actor: &Actor,
        asset: Asset,
        expected: i64,
        event: VersionEvent,
        note: String,
        audit: AuditRecord,
    ) -> Result<AssetView, ServiceError> {
        let stored = self.store.update_asset(AssetWrite { asset, event, author_id: actor.user_id, note, audit }, expected).await?;
        self.wrote();
        Ok(self.view(actor, stored))
    }

    /// Changes an asset's content; publishing it if asked.
    pub async fn update_asset(&self, actor: &Actor, id: AssetId, input: AssetInput) -> Result<AssetView, ServiceError> {
        let current = self.editable(actor, id).await?;
        let Some(expected) = input.expected_version else {
            return Err(ServiceError::invalid("expected_version", "send the version you started editing from"));
        };
        let status = input.status.unwrap_or(current.status);
        if status == Status::Archived && current.status != Status::Archived {
            return Err(ServiceError::invalid("status", "archive an asset with the archive action"));
        }
        let (content, fields) = self.content(actor, &input, Some(&current)).await?;
        let publishing = status == Status::Published && current.status != Status::Published;
        let now = Utc::now();
        let mut asset = Asset {
            kind: content.kind,
            title: content.title,
            summary: content.summary,
            body: content.body,
            fields,
            tags: content.tags,
            topics: content.topics,
            team_id: content.team_id,
            status,
            visibility: content.visibility,
            named_viewers: content.named_viewers,
            review_interval_days: content.review_interval_days,
            links: content.links,
            ..current.clone()
        };
        if publishing {
            asset.last_verified_at = Some(now);
            asset.next_review_at = next_review(now, asset.review_interval_days);
        } else if asset.review_interval_days != current.review_interval_days {
            asset.next_review_at = next_review(current.last_verified_at.unwrap_or(current.created_at), asset.review_interval_days);
        }
        let mut note = String::new();
        if status == Status::Published {
            ensure_complete(&asset)?;
            if let Some(reason) = guard(actor, scan(&asset), input.override_reason.as_deref())? {
                note = reason;
            }
        }
        let (event, action) = if publishing { (VersionEvent::Published, "asset.publish") } else { (VersionEvent::Updated, "asset.update") };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            action,
            if note.is_empty() { format!("changed {:?}", asset.title) } else { note.clone() },
        );
        self.save(actor, asset, expected, event, note, audit).await
    }

    /// Publishes a draft (or brings back an archived asset).
    pub async fn publish_asset(&self, actor: &Actor, id: AssetId, override_reason: Option<&str>) -> Result<AssetView, ServiceError> {
        let current = self.editable(actor, id).await?;
        if current.status == Status::Published {
            return Err(ServiceError::Conflict("this asset is already published".into()));
        }
        let now = Utc::now();
        let asset = Asset {
            status: Status::Published,
            last_verified_at: Some(now),
            next_review_at: next_review(now, current.review_interval_days),
            ..current.clone()
        };
        ensure_complete(&asset)?;
        let note = guard(actor, scan(&asset), override_reason)?.unwrap_or_default();
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "asset.publish",
            if note.is_empty() { format!("published {:?}", asset.title) } else { note.clone() },
        );
        self.save(actor, asset, current.version, VersionEvent::Published, note, audit).await
    }

    /// Confirms a published asset is still right and restarts its review clock.
    pub async fn verify_asset(&self, actor: &Actor, id: AssetId, note: &str) -> Result<AssetView, ServiceError> {
        let current = self.editable(actor, id).await?;
        if current.status != Status::Published {
            return Err(ServiceError::Conflict(format!("only published assets are verified; this one is {}", current.status.as_str())));
        }
        let now = Utc::now();
        let asset =
            Asset { last_verified_at: Some(now), next_review_at: next_review(now, current.review_interval_days), ..current.clone() };
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "asset.verify",
            format!("verified {:?}; next review {}", asset.title, asset.next_review_at.date_naive()),
        );
        self.save(actor, asset, current.version, VersionEvent::Verified, note.trim().to_string(), audit).await
    }

    /// Retires an asset without deleting it.
    pub async fn archive_asset(&self, actor: &Actor, id: AssetId, reason: &str) -> Result<AssetView, ServiceError> {
        let current = self.editable(actor, id).await?;
        if current.status == Status::Archived {
            return Err(ServiceError::Conflict("this asset is already archived".into()));
        }
        let asset = Asset { status: Status::Archived, ..current.clone() };
        let audit = AuditRecord::new(Some(actor.user_id), "asset.archive", format!("archived {:?}: {}", asset.title, reason.trim()));
        self.save(actor, asset, current.version, VersionEvent::Archived, reason.trim().to_string(), audit).await
    }

    /// Brings back the content of an earlier version as a new version.
    pub async fn restore_asset(
        &self,
        actor: &Actor,
        id: AssetId,
        version: i64,
        override_reason: Option<&str>,
    ) -> Result<AssetView, ServiceError> {
        let current = self.editable(actor, id).await?;
        let old = self.store.version(id, version).await.map_err(|e| match e {
            StoreError::NotFound => ServiceError::NotFound(format!("version {version} of asset {id}")),
            other => other.into(),
        })?;
        let s = old.snapshot;
        if s.team_id != current.team_id && !policy::may_file_in_team(actor, s.team_id) {
            return Err(ServiceError::invalid(
                "version",
                "that version was filed in a team you cannot file in: ask a knowledge specialist",
            ));
        }
        let asset = Asset {
            kind: s.kind,
            title: s.title,
            summary: s.summary,
            body: s.body,
            fields: s.fields,
            tags: s.tags,
            topics: s.topics,
            named_viewers: s.named_viewers,
            visibility: s.visibility,
            team_id: s.team_id,
            links: s.links,
            ..current.clone()
        };
        let mut note = format!("restored from version {version}");
        if asset.status == Status::Published
            && let Some(reason) = guard(actor, scan(&asset), override_reason)?
        {
            note = format!("{note}; {reason}");
        }
        let audit = AuditRecord::new(Some(actor.user_id), "asset.restore", format!("{:?} {note}", asset.title));
        self.save(actor, asset, current.version, VersionEvent::Restored, note, audit).await
    }

    /// An asset's history, newest first.
    pub async fn asset_history(&self, actor: &Actor, id: AssetId, offset: i64, limit: i64) -> Result<Page<VersionEntry>, ServiceError> {
        let (offset, limit) = page_bounds(offset, limit)?;
        let current = self.store.asset(id).await.map_err(|_| ServiceError::NotFound(format!("asset {id}")))?;
        policy::ensure_can_view(actor, &current)?;
        let page = self.store.version_log(id, offset, limit).await?;
        let items = page
            .items
            .into_iter()
            .map(|mut v| {
                v.readable = policy::can_read_version(actor, &current, (&v).into());
                if !v.readable {
                    v.note.clear();
                }
                v
            })
            .collect();
        Ok(Page { items, ..page })
    }

    /// The changes between two versions, as a unified diff: only between versions the
    /// actor may read, and with probable NHS numbers masked for all but the specialists
    /// who answer for them.
    pub async fn asset_diff(&self, actor: &Actor, id: AssetId, from: i64, to: i64) -> Result<VersionDiff, ServiceError> {
        let current = self.store.asset(id).await.map_err(|_| ServiceError::NotFound(format!("asset {id}")))?;
        policy::ensure_can_view(actor, &current)?;
        let load = |v: i64| {
            let current = &current;
            async move {
                let missing = || ServiceError::NotFound(format!("version {v} of asset {id}"));
                let found = self.store.version(id, v).await.map_err(|e| match e {
                    StoreError::NotFound => missing(),
                    other => other.into(),
                })?;
                if !policy::can_read_version(actor, current, (&found.snapshot).into()) {
                    return Err(missing());
                }
                Ok::<_, ServiceError>(found)
            }
        };
        let (a, b) = (load(from).await?, load(to).await?);
        let mask = !policy::may_override_identifier_guard(actor);
        let text = |v: &AssetVersion| {
            let t = version_text(&v.snapshot);
            if mask { signpost_domain::identifiers::mask_nhs_numbers(&t) } else { t }
        };
        let (ta, tb) = (text(&a), text(&b));
        let diff = similar::TextDiff::from_lines(&ta, &tb)
            .unified_diff()
            .context_radius(3)
            .header(&format!("version {from}"), &format!("version {to}"))
            .to_string();
        Ok(VersionDiff { from, to, diff })
    }

    /// Published assets due for review within [`DUE_SOON_DAYS`] days, soonest first.
    pub async fn review_queue(&self, actor: &Actor, scope: ReviewScope, offset: i64, limit: i64) -> Result<Page<Asset>, ServiceError> {
        let due = Utc::now() + chrono::Duration::days(DUE_SOON_DAYS);
        let (owner_id, team_id) = match scope {
            ReviewScope::Mine => (Some(actor.user_id), None),
            ReviewScope::Team(t) => {
                if actor.role == Role::Guest {
                    return Err(ServiceError::Forbidden("guest accounts have no review queue".into()));
                }
                (None, Some(t))
            }
        };
        self.list_assets(actor, AssetQuery { owner_id, team_id, review_due_before: Some(due), offset, limit, ..AssetQuery::default() })
            .await
    }
}

/// The content an input describes, normalised, for a given team.
pub(crate) fn content_of(input: &AssetInput, team_id: TeamId) -> AssetContent {
    AssetContent {
        kind: input.kind,
        title: input.title.clone(),
        summary: input.summary.clone(),
        body: input.body.clone(),
        fields: input.fields.clone(),
        tags: input.tags.clone(),
        topics: input.topics.clone(),
        team_id,
        visibility: input.visibility.unwrap_or(Visibility::Organisation),
        named_viewers: input.named_viewers.clone(),
        review_interval_days: input.review_interval_days.unwrap_or(DEFAULT_REVIEW_DAYS),
        links: input.links.clone(),
    }
    .normalise()
}

/// A new asset with version 1, owned by `owner_id`, last verified at `verified`
/// (when published) and due for review one interval after it.
pub(crate) fn new_asset(
    content: AssetContent,
    fields: AssetFields,
    owner_id: UserId,
    team_id: TeamId,
    status: Status,
    verified: Timestamp,
    now: Timestamp,
) -> Asset {
    Asset {
        id: AssetId(0),
        kind: content.kind,
        title: content.title,
        summary: content.summary,
        body: content.body,
        fields,
        tags: content.tags,
        topics: content.topics,
        owner_id,
        team_id,
        status,
        visibility: content.visibility,
        named_viewers: content.named_viewers,
        review_interval_days: content.review_interval_days,
        next_review_at: next_review(verified, content.review_interval_days),
        last_verified_at: (status == Status::Published).then_some(verified),
        links: content.links,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

fn ensure_complete(asset: &Asset) -> Result<(), ServiceError> {
    let missing = asset.fields.missing_for_publication();
    if missing.is_empty() { Ok(()) } else { Err(ServiceError::Invalid(missing)) }
}

/// The text of a version that people compare: common fields, then the kind's fields.
fn version_text(a: &Asset) -> String {
    let mut out = format!(
        "Title: {}\nStatus: {}\nVisibility: {}\nTags: {}\nTopics: {}\n\nSummary:\n{}\n\nBody:\n{}\n",
        a.title,
        a.status.as_str(),
        a.visibility.as_str(),
        a.tags.join(", "),
        a.topics.join(", "),
        a.summary,
        a.body
    );
    for (field, text) in a.fields.texts() {
        out.push_str(&format!("\n{field}:\n{text}\n"));
    }
    out
}
