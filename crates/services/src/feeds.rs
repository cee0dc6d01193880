//! Atom feeds: what a search, a team, a community or a person's review queue holds, newest first,
//! for a feed reader. A feed is opened by its reader's feed key (a secret of its own
//! kind, hashed at rest, that opens feeds and nothing else) and is filtered by what
//! that person may see at the moment of each fetch, so a feed fetched after someone
//! loses access to a team no longer shows its knowledge.
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use signpost_domain::assets::{Asset, Status};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::QuestionId;
use signpost_domain::fields::AssetKind;
use signpost_domain::ids::CommunityId;
use signpost_domain::people::{Actor, ApiToken};
use signpost_domain::search::{SearchRequest, SortOrder};
use signpost_domain::{AssetId, TeamId, UserId};

use crate::accounts::{random_hex, secret_hash};
use crate::assets::ReviewScope;
use crate::{ServiceError, Signpost};

/// How a feed key starts, so one is never mistaken for an API token.
pub const FEED_KEY_PREFIX: &str = "spf_";
/// The most entries a feed holds: the newest.
pub const FEED_ENTRIES: usize = 50;

/// A feed key as created: the secret is shown once and never again.
#[derive(Debug, Clone)]
pub struct CreatedFeedKey {
    /// The key's record.
    pub key: ApiToken,
    /// The secret that goes in feed addresses.
    pub secret: String,
}

/// What a feed follows.
#[derive(Debug, Clone)]
pub enum FeedSource {
    /// A search: its words, filters and facets, newest first.
    Search(SearchRequest),
    /// A team's published knowledge.
    Team(TeamId),
    /// The reader's own knowledge due for review.
    Reviews,
    /// A community's questions, newest activity first.
    Community(CommunityId),
}

/// One item of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// Its page, as a path on this site (`/assets/12`, `/questions/3`): also its stable id.
    pub link: String,
    /// What it is, as a stable name (an asset's kind, or `question`).
    pub category: String,
    /// Its title.
    pub title: String,
    /// Its summary.
    pub summary: String,
    /// Its owner's name.
    pub author: String,
    /// When its content last changed.
    pub updated: DateTime<Utc>,
}

/// A feed as its reader may see it now.
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    /// What it is, for the reader's list of feeds.
    pub title: String,
    /// The page it mirrors, as a path on this site.
    pub page: String,
    /// The newest entry's time, or the Unix epoch for an empty feed (so an empty feed's
    /// time does not change between fetches).
    pub updated: DateTime<Utc>,
    /// Newest first.
    pub entries: Vec<FeedEntry>,
}

fn asset_entry(id: AssetId, kind: AssetKind, title: String, summary: String, author: String, updated: DateTime<Utc>) -> FeedEntry {
    FeedEntry { link: format!("/assets/{id}"), category: kind.as_str().to_string(), title, summary, author, updated }
}

impl Signpost {
    /// Makes the actor a new feed key; the one before stops working.
    pub async fn create_feed_key(&self, actor: &Actor) -> Result<CreatedFeedKey, ServiceError> {
        let secret = format!("{FEED_KEY_PREFIX}{}", random_hex(32));
        let audit = AuditRecord::new(Some(actor.user_id), "feed_key.create", "feed key made (any earlier one revoked)");
        let key = self.store.replace_feed_key(actor.user_id, &secret_hash(&secret), audit).await?;
        Ok(CreatedFeedKey { key, secret })
    }

    /// The actor's working feed key, if any (never its secret).
    pub async fn feed_key(&self, actor: &Actor) -> Result<Option<ApiToken>, ServiceError> {
        Ok(self.store.feed_key(actor.user_id).await?)
    }

    /// Revokes the actor's feed key: every feed address made with it stops working.
    pub async fn revoke_feed_key(&self, actor: &Actor) -> Result<(), ServiceError> {
        let audit = AuditRecord::new(Some(actor.user_id), "feed_key.revoke", "feed key revoked");
        if self.store.revoke_feed_key(actor.user_id, audit).await? { Ok(()) } else { Err(ServiceError::NotFound("feed key".into())) }
    }

    /// Who a feed key belongs to, as they are now. Anything but a working key (revoked,
    /// an API token, a disabled account) is not found, saying no more.
    pub async fn feed_actor(&self, secret: &str) -> Result<Actor, ServiceError> {
        let not_found = || ServiceError::NotFound("feed".into());
        if !secret.starts_with(FEED_KEY_PREFIX) || secret.len() > 100 {
            return Err(not_found());
        }
        let user_id = self.store.feed_key_user(&secret_hash(secret), Utc::now()).await?.ok_or_else(not_found)?;
        self.actor(user_id).await
    }

    /// A feed's entries as `actor` may see them now.
    pub async fn feed(&self, actor: &Actor, source: FeedSource) -> Result<Feed, ServiceError> {
        let (title, page, entries) = match source {
            FeedSource::Search(request) => {
                let title = if request.query.trim().is_empty() {
                    "Signpost: new knowledge".to_string()
                } else {
                    format!("Signpost: new knowledge on {}", request.query.trim())
                };
                let entries = self.search_entries(actor, request).await?;
                (title, "/search".to_string(), entries)
            }
            FeedSource::Team(team_id) => {
                let teams = self.teams(actor).await?;
                let team = teams.into_iter().find(|t| t.id == team_id).ok_or_else(|| ServiceError::NotFound("team".into()))?;
                let request = SearchRequest { teams: vec![team_id], statuses: vec![Status::Published], ..SearchRequest::default() };
                let entries = self.search_entries(actor, request).await?;
                (format!("Signpost: new knowledge from {}", team.name), format!("/teams/{team_id}"), entries)
            }
            FeedSource::Reviews => {
                let due = self.review_queue(actor, ReviewScope::Mine, 0, FEED_ENTRIES as i64).await?;
                let mut assets: Vec<Asset> = due.items;
                assets.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
                let mut names = HashMap::new();
                let mut entries = Vec::with_capacity(assets.len());
                for a in assets {
                    let author = self.name_of(&mut names, a.owner_id).await;
                    entries.push(asset_entry(a.id, a.kind, a.title, a.summary, author, a.updated_at));
                }
                ("Signpost: your knowledge due for review".to_string(), "/reviews".to_string(), entries)
            }
            FeedSource::Community(id) => {
                let view = self.community_view(actor, id).await?;
                let mut latest: HashMap<QuestionId, DateTime<Utc>> = HashMap::new();
                for a in self.live_answers(None).await? {
                    let at = latest.entry(a.question_id).or_insert(a.created_at);
                    *at = (*at).max(a.created_at);
                }
                let mut entries: Vec<FeedEntry> = view
                    .questions
                    .into_iter()
                    .map(|q| {
                        let updated = latest.get(&q.question.id).map_or(q.question.created_at, |a| (*a).max(q.question.created_at));
                        let summary: String = q.question.body.chars().take(300).collect();
                        FeedEntry {
                            link: format!("/questions/{}", q.question.id),
                            category: "question".into(),
                            title: q.question.title,
                            summary,
                            author: q.author,
                            updated,
                        }
                    })
                    .collect();
                entries.sort_by(|a, b| b.updated.cmp(&a.updated).then(b.link.cmp(&a.link)));
                entries.truncate(FEED_ENTRIES);
                (format!("Signpost: questions in {}", view.community.name), format!("/communities/{id}"), entries)
            }
        };
        let updated = entries.iter().map(|e| e.updated).max().unwrap_or(DateTime::UNIX_EPOCH);
        Ok(Feed { title, page, updated, entries })
    }

    async fn search_entries(&self, actor: &Actor, request: SearchRequest) -> Result<Vec<FeedEntry>, ServiceError> {
        let request = SearchRequest { sort: SortOrder::Recency, offset: 0, limit: FEED_ENTRIES, snippets: false, facets: false, ..request };
        let results = self.search(actor, request).await?;
        let mut names = HashMap::new();
        let mut entries = Vec::with_capacity(results.hits.len());
        for hit in results.hits {
            let author = self.name_of(&mut names, hit.owner_id).await;
            entries.push(asset_entry(hit.id, hit.kind, hit.title, hit.summary, author, hit.updated_at));
        }
        Ok(entries)
    }

    async fn name_of(&self, names: &mut HashMap<UserId, String>, id: UserId) -> String {
        if let Some(name) = names.get(&id) {
            return name.clone();
        }
        let name = self.store.user(id).await.map(|u| u.name).unwrap_or_else(|_| "Signpost".to_string());
        names.insert(id, name.clone());
        name
    }
}
