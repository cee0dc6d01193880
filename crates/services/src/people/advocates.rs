//! Knowledge advocates: the register per team, the coverage view that shows teams
//! with none, and membership of the advocates' community that comes with it.
use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::communities::{Advocate, CommunityKind, MemberRole, Membership};
use signpost_domain::people::{Actor, Team, TeamKind, User};
use signpost_domain::{StoreError, TeamId, UserId};
use utoipa::ToSchema;

use crate::{ServiceError, Signpost, policy};
use signpost_domain::ids::CommunityId;

/// Registering an advocate.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvocateInput {
    /// Who.
    pub user_id: UserId,
    /// The team they advocate in; defaults to their own.
    #[serde(default)]
    pub team_id: Option<TeamId>,
}

/// One team's advocates.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamCoverage {
    /// The team.
    pub team: Team,
    /// Its directorate's name.
    pub directorate: String,
    /// Its advocates.
    pub advocates: Vec<User>,
}

/// Every team and its advocates, teams without one first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverage {
    /// Teams, those with no advocate first.
    pub teams: Vec<TeamCoverage>,
    /// How many teams have no advocate.
    pub uncovered: usize,
    /// The advocates' community, to link to.
    #[schema(value_type = i64)]
    pub community_id: CommunityId,
    /// Whether the reader may register anyone (knowledge specialists).
    pub may_register_others: bool,
    /// Whether the reader may volunteer themselves (staff who are not yet advocates).
    pub may_volunteer: bool,
}

impl Signpost {
    pub(crate) async fn advocates_community(&self) -> Result<CommunityId, ServiceError> {
        self.store
            .communities()
            .await?
            .into_iter()
            .find(|c| c.kind == CommunityKind::Advocates)
            .map(|c| c.id)
            .ok_or_else(|| ServiceError::unexpected("the advocates' community is missing"))
    }

    /// The register as coverage of the organisation's teams.
    pub async fn advocate_coverage(&self, actor: &Actor) -> Result<Coverage, ServiceError> {
        policy::ensure_staff(actor)?;
        let teams = self.store.teams().await?;
        let people = self.people_by_id().await?;
        let register = self.store.advocates().await?;
        let mut rows: Vec<TeamCoverage> = teams
            .iter()
            .filter(|t| t.kind == TeamKind::Team)
            .map(|t| TeamCoverage {
                directorate: t.parent_id.and_then(|p| teams.iter().find(|d| d.id == p)).map(|d| d.name.clone()).unwrap_or_default(),
                advocates: register.iter().filter(|a| a.team_id == t.id).filter_map(|a| people.get(&a.user_id).cloned()).collect(),
                team: t.clone(),
            })
            .collect();
        rows.sort_by(|a, b| (!a.advocates.is_empty()).cmp(&!b.advocates.is_empty()).then(a.team.name.cmp(&b.team.name)));
        Ok(Coverage {
            uncovered: rows.iter().filter(|r| r.advocates.is_empty()).count(),
            teams: rows,
            community_id: self.advocates_community().await?,
            may_register_others: policy::can_register_others(actor),
            may_volunteer: policy::ensure_can_contribute_as_staff(actor).is_ok() && !register.iter().any(|a| a.user_id == actor.user_id),
        })
    }

    /// Registers an advocate for a team and makes them a member of the advocates' community.
    pub async fn register_advocate(&self, actor: &Actor, input: AdvocateInput) -> Result<Advocate, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        if !policy::can_register_advocate(actor, input.user_id) {
            return Err(ServiceError::Forbidden("you can register yourself; knowledge specialists register others".into()));
        }
        let user = match self.store.user(input.user_id).await {
            Err(StoreError::NotFound) => return Err(ServiceError::invalid("user_id", "no such person")),
            other => other?,
        };
        let Some(team_id) = input.team_id.or(user.team_id) else {
            return Err(ServiceError::invalid("team_id", "choose the team they advocate in"));
        };
        if !self.store.teams().await?.iter().any(|t| t.id == team_id && t.kind == TeamKind::Team) {
            return Err(ServiceError::invalid("team_id", "choose a team (not a directorate or the organisation)"));
        }
        if !policy::can_advocate_for(actor, &user, team_id) {
            return Err(ServiceError::invalid(
                "team_id",
                "you can advocate for your own team; knowledge specialists register advocates for others",
            ));
        }
        let advocate = Advocate { user_id: user.id, team_id, since: Utc::now().date_naive(), registered_by: actor.user_id };
        let membership = Membership {
            community_id: self.advocates_community().await?,
            user_id: user.id,
            role: MemberRole::Member,
            joined_at: Utc::now(),
        };
        let audit =
            AuditRecord::new(Some(actor.user_id), "advocate.register", format!("registered {} as a knowledge advocate", user.email));
        self.store.save_advocate(&advocate, &membership, audit).await?;
        Ok(advocate)
    }

    /// Takes someone off the register (specialists, or the advocate themselves).
    pub async fn remove_advocate(&self, actor: &Actor, user_id: UserId) -> Result<(), ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        if !policy::can_register_advocate(actor, user_id) {
            return Err(ServiceError::Forbidden("you can remove yourself; knowledge specialists remove others".into()));
        }
        let audit =
            AuditRecord::new(Some(actor.user_id), "advocate.remove", format!("removed user {user_id} from the advocates' register"));
        match self.store.remove_advocate(user_id, audit).await {
            Err(StoreError::NotFound) => Err(ServiceError::NotFound("the advocate".into())),
            other => Ok(other?),
        }
    }
}
