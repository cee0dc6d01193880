//! Import and export: all-or-nothing imports reported by source location, and
//! exports that contain only what the asker may see.
use std::collections::HashMap;

use chrono::Utc;
use serde::Serialize;
use signpost_domain::assets::{Asset, Status, VersionEvent};
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, Team, User};
use signpost_domain::ports::{AssetQuery, AssetWrite};
use signpost_domain::visibility::Condition;
use signpost_domain::{FieldError, Timestamp};
use utoipa::ToSchema;

use crate::assets::{AssetInput, new_asset, scan};
use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::{TeamId, UserId};

/// One asset to import, with where it came from so errors can say so.
#[derive(Debug, Clone)]
pub struct ImportItem {
    /// Where it came from, e.g. `lessons/flu-clinic.md` or `assets.csv line 4`.
    pub source: String,
    /// The asset's content. `team_id` may be left out when `team` names the team.
    pub input: AssetInput,
    /// The team by name.
    pub team: Option<String>,
    /// The owner by email; defaults to the importer.
    pub owner: Option<String>,
    /// Named viewers by email.
    pub named_viewer_emails: Vec<String>,
    /// When the asset was last confirmed as right, in the system it comes from;
    /// its next review falls due one interval later (and may already be past).
    pub last_verified_at: Option<Timestamp>,
    /// When it was first written in the system it comes from; defaults to now.
    pub created_at: Option<Timestamp>,
}

/// An import that failed: every problem, each prefixed by its source.
#[derive(Debug, Clone, Serialize)]
pub struct ImportProblem {
    /// Where.
    pub source: String,
    /// What.
    pub errors: Vec<FieldError>,
}

/// Everything the asker may see, in one document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportBundle {
    /// Always `signpost-export`.
    pub format: String,
    /// Format version.
    pub version: u32,
    /// When it was made.
    pub exported_at: chrono::DateTime<Utc>,
    /// Teams.
    pub teams: Vec<Team>,
    /// People.
    pub users: Vec<User>,
    /// Assets.
    pub assets: Vec<Asset>,
}

impl Signpost {
    /// Imports assets in one transaction: if any item is invalid nothing is written,
    /// and every problem is returned with its source. `actor` is `None` for the operator.
    pub async fn import_assets(
        &self,
        actor: Option<&Actor>,
        items: Vec<ImportItem>,
    ) -> Result<Vec<Asset>, Result<Vec<ImportProblem>, ServiceError>> {
        if let Some(a) = actor {
            policy::ensure_specialist(a).map_err(Err)?;
        }
        let teams = self.store.teams().await.map_err(|e| Err(e.into()))?;
        let users: HashMap<String, User> = self.every_account().await.map_err(Err)?.into_iter().map(|u| (u.email.clone(), u)).collect();
        let now = Utc::now();
        let mut problems = Vec::new();
        let mut writes = Vec::new();
        for item in items {
            let mut errors = Vec::new();
            let team_id = match (&item.team, item.input.team_id) {
                (Some(name), _) => teams.iter().find(|t| t.name.eq_ignore_ascii_case(name.trim())).map(|t| t.id).or_else(|| {
                    errors.push(FieldError::new("team", format!("there is no team called {name:?}")));
                    None
                }),
                (None, Some(id)) => teams.iter().any(|t| t.id == id).then_some(id).or_else(|| {
                    errors.push(FieldError::new("team_id", format!("there is no team {id}")));
                    None
                }),
                (None, None) => {
                    errors.push(FieldError::new("team", "say which team the asset belongs to"));
                    None
                }
            };
            let owner = match (&item.owner, actor) {
                (Some(email), _) => users.get(&email.trim().to_lowercase()).map(|u| u.id).or_else(|| {
                    errors.push(FieldError::new("owner", format!("there is no user {email}")));
                    None
                }),
                (None, Some(a)) => Some(a.user_id),
                (None, None) => {
                    errors.push(FieldError::new("owner", "give the owner's email"));
                    None
                }
            };
            let mut named = Vec::new();
            for email in &item.named_viewer_emails {
                match users.get(&email.trim().to_lowercase()) {
                    Some(u) => named.push(u.id),
                    None => errors.push(FieldError::new("named_viewers", format!("there is no user {email}"))),
                }
            }
            let input = AssetInput { team_id: team_id.or(Some(TeamId(0))), named_viewers: named, links: Vec::new(), ..item.input.clone() };
            let content = crate::assets::content_of(&input, input.team_id.unwrap_or(TeamId(0)));
            errors.extend(content.validate());
            let status = input.status.unwrap_or(Status::Draft);
            let fields = signpost_domain::fields::AssetFields::parse(content.kind, &content.fields).0;
            if status == Status::Published {
                errors.extend(fields.missing_for_publication());
            }
            // Its history starts when it was written, or last confirmed, in the system it comes from.
            // An asset existed by the time it was last confirmed, whatever the source says.
            let verified = item.last_verified_at.unwrap_or(now).min(now);
            let created = item.created_at.unwrap_or(verified).min(verified);
            let mut asset = new_asset(content, fields, owner.unwrap_or(UserId(0)), team_id.unwrap_or(TeamId(0)), status, verified, created);
            asset.updated_at = if status == Status::Published { verified } else { created };
            if status == Status::Published {
                for f in scan(&asset) {
                    errors.push(FieldError::new(
                        format!("{} line {} column {}", f.field, f.line, f.column),
                        format!("looks like an NHS number ({}): remove it, or import the asset as a draft", f.masked),
                    ));
                }
            }
            if let (Some(owner_id), true) = (owner, errors.is_empty()) {
                let audit =
                    AuditRecord::new(actor.map(|a| a.user_id), "asset.import", format!("imported {:?} from {}", asset.title, item.source));
                writes.push(AssetWrite {
                    asset,
                    event: VersionEvent::Created,
                    author_id: owner_id,
                    note: format!("imported from {}", item.source),
                    audit,
                });
            }
            if !errors.is_empty() {
                problems.push(ImportProblem { source: item.source, errors });
            }
        }
        if !problems.is_empty() {
            return Err(Ok(problems));
        }
        let stored = self.store.insert_assets(writes).await.map_err(|e| Err(e.into()))?;
        self.wrote();
        Ok(stored)
    }

    /// Teams, people and the assets the asker may see. `None` is the operator at the console, who sees everything.
    pub async fn export(&self, actor: Option<&Actor>) -> Result<ExportBundle, ServiceError> {
        let visible = actor.map_or(Condition::Always, policy::view_condition);
        let mut assets = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.store.assets(&AssetQuery { offset, limit: 500, ..AssetQuery::default() }, &visible).await?;
            offset += page.items.len() as i64;
            let done = page.items.is_empty();
            assets.extend(page.items);
            if done || offset >= page.total {
                break;
            }
        }
        assets.sort_by_key(|a| a.id);
        let users = self.every_account().await?;
        let users = match actor {
            Some(actor) => self.as_seen_by(actor, users).await?,
            None => users,
        };
        self.store.record(AuditRecord::new(actor.map(|a| a.user_id), "export.create", format!("exported {} assets", assets.len()))).await?;
        Ok(ExportBundle {
            format: "signpost-export".into(),
            version: 1,
            exported_at: Utc::now(),
            teams: self.store.teams().await?,
            users,
            assets,
        })
    }
}
