//! Teams in the hierarchy organisation → directorate → team.
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, Team, TeamKind, User};
use signpost_domain::{StoreError, TeamId};

use crate::{ServiceError, Signpost, policy};

impl Signpost {
    /// Creates a team under `parent_id` (admins, or the operator from the CLI).
    pub async fn create_team(
        &self,
        actor: Option<&Actor>,
        name: &str,
        kind: TeamKind,
        parent_id: Option<TeamId>,
    ) -> Result<Team, ServiceError> {
        if let Some(a) = actor {
            policy::ensure_admin(a)?;
        }
        let name = name.trim();
        if name.is_empty() || name.len() > 200 {
            return Err(ServiceError::invalid("name", "enter a team name of 1 to 200 characters"));
        }
        let teams = self.store.teams().await?;
        let parent = parent_id.and_then(|p| teams.iter().find(|t| t.id == p));
        match (kind.parent_kind(), parent_id, parent) {
            (None, None, _) => {
                if let Some(org) = teams.iter().find(|t| t.kind == TeamKind::Organisation) {
                    return Err(ServiceError::invalid(
                        "kind",
                        format!("{} is already the organisation; add a directorate or team under it", org.name),
                    ));
                }
            }
            (None, Some(_), _) => return Err(ServiceError::invalid("parent_id", "an organisation has no parent")),
            (Some(_), None, _) => return Err(ServiceError::invalid("parent_id", format!("a {} needs a parent", kind.as_str()))),
            (Some(_), Some(p), None) => return Err(ServiceError::invalid("parent_id", format!("there is no team {p}"))),
            (Some(expected), Some(_), Some(parent)) if parent.kind != expected => {
                return Err(ServiceError::invalid("parent_id", format!("a {} belongs under a {}", kind.as_str(), expected.as_str())));
            }
            _ => {}
        }
        let audit = AuditRecord::new(actor.map(|a| a.user_id), "team.create", format!("team {name:?} created"));
        self.store.create_team(name, kind, parent_id, audit).await.map_err(|e| match e {
            StoreError::Conflict(_) => ServiceError::Conflict(format!("a team called {name:?} already exists")),
            other => other.into(),
        })
    }

    /// Everyone whose team is `team_id`, by name.
    pub async fn team_members(&self, actor: &Actor, team_id: TeamId) -> Result<Vec<User>, ServiceError> {
        let mut members = Vec::new();
        let mut offset = 0;
        loop {
            let page = self.store.users(offset, 100).await?;
            let n = page.items.len() as i64;
            members.extend(page.items.into_iter().filter(|u| u.team_id == Some(team_id)));
            offset += n;
            if n < 100 {
                break;
            }
        }
        members.sort_by(|a, b| a.name.cmp(&b.name));
        self.as_seen_by(actor, members).await
    }

    /// All teams.
    pub async fn teams(&self, _actor: &Actor) -> Result<Vec<Team>, ServiceError> {
        Ok(self.store.teams().await?)
    }
}
