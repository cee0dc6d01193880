//! Knowledge at risk: the register of critical knowledge areas and each one's risk,
//! derived from who holds it, who of them is leaving, and what is written down
//! (found by the ordinary search, so only what the reader may see counts).
use std::collections::HashMap;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use signpost_domain::audit::AuditRecord;
use signpost_domain::people::{Actor, Role, Team, User};
use signpost_domain::risk::{CriticalArea, Criticality, Risk, RiskFacts, RiskReason, assess};
use signpost_domain::search::SearchRequest;
use signpost_domain::{FieldError, StoreError, TeamId, UserId};
use utoipa::ToSchema;

use crate::people::{coverage, terms};
use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};

/// The written knowledge looked at per area.
const ASSETS_LOOKED_AT: usize = 50;

/// An entry in the register, new or changed.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriticalAreaInput {
    /// The knowledge, in a few words.
    pub topic: String,
    /// Why it matters.
    #[serde(default)]
    pub description: String,
    /// The team that owns it.
    pub team_id: TeamId,
    /// Who holds it.
    #[serde(default)]
    pub holders: Vec<UserId>,
    /// How much depends on it.
    pub criticality: Criticality,
}

/// A person named in the register.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Named {
    /// Who.
    pub id: UserId,
    /// Their name.
    pub name: String,
}

/// One area with its derived risk.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskEntry {
    /// The area.
    pub area: CriticalArea,
    /// The owning team's name.
    pub team: String,
    /// Who holds it.
    pub holders: Vec<Named>,
    /// The risk.
    pub risk: Risk,
    /// The reasons in words, heaviest first.
    pub explanation: Vec<String>,
    /// Assets found on the topic that the reader may see.
    pub assets: usize,
    /// Whether the reader may change or remove it.
    pub may_edit: bool,
}

/// The register as one person sees it, highest risk first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskRegister {
    /// The areas.
    pub entries: Vec<RiskEntry>,
    /// The teams the reader may add areas for.
    pub teams: Vec<Team>,
}

fn explain(reason: &RiskReason, names: &HashMap<UserId, User>, today: chrono::NaiveDate) -> String {
    let name = |u: &UserId| names.get(u).map(|u| u.name.clone()).unwrap_or_else(|| "someone".into());
    match reason {
        RiskReason::NoHolder => "nobody is named as holding it".into(),
        RiskReason::SingleHolder { holder } => format!("only {} holds it", name(holder)),
        RiskReason::Leaving { holder, on } => {
            let days = (*on - today).num_days();
            if days >= 0 { format!("{} leaves in {days} days ({on})", name(holder)) } else { format!("{} left on {on}", name(holder)) }
        }
        RiskReason::NothingWritten => "nothing on it is written down".into(),
        RiskReason::Silent { holder } => format!("{} has written nothing on it down", name(holder)),
        RiskReason::Overdue { count } => {
            format!("{count} of its written {} overdue for review", if *count == 1 { "assets is" } else { "assets are" })
        }
    }
}

impl Signpost {
    /// The register the actor may see, highest risk first, each entry with its reasons.
    pub async fn risk_register(&self, actor: &Actor) -> Result<RiskRegister, ServiceError> {
        policy::ensure_staff(actor)?;
        let teams = self.store.teams().await?;
        let reach = policy::register_teams(actor, &teams);
        let users = self.people_by_id().await?;
        let leaving: HashMap<UserId, chrono::NaiveDate> = self
            .store
            .leaver_plans()
            .await?
            .into_iter()
            // A leaving date is known to the register's reader only if they may see the plan:
            // otherwise naming someone a holder would reveal that they are leaving, and when.
            .filter(|p| p.completed_at.is_none() && policy::plan_permissions(actor, p).view)
            .map(|p| (p.leaver_id, p.leaving_on))
            .collect();
        let today = Utc::now().date_naive();
        let mut entries = Vec::new();
        for area in self.store.critical_areas().await?.into_iter().filter(|a| reach.contains(&a.team_id)) {
            let request = SearchRequest {
                query: area.topic.clone(),
                limit: ASSETS_LOOKED_AT,
                snippets: false,
                facets: false,
                ..SearchRequest::default()
            };
            let wanted = terms(&area.topic);
            let found: Vec<_> = self
                .search(actor, request)
                .await?
                .hits
                .into_iter()
                .filter(|h| coverage(&wanted, &terms(&format!("{} {}", h.title, h.summary))) >= 0.66)
                .collect();
            let facts = RiskFacts {
                leaving: area.holders.iter().filter_map(|h| leaving.get(h).map(|on| (*h, *on))).collect(),
                assets: found.len(),
                overdue: found.iter().filter(|h| h.stale).count(),
                silent: area.holders.iter().copied().filter(|h| !found.iter().any(|f| f.owner_id == *h)).collect(),
            };
            let risk = assess(&area, &facts);
            entries.push(RiskEntry {
                team: teams.iter().find(|t| t.id == area.team_id).map(|t| t.name.clone()).unwrap_or_default(),
                holders: area.holders.iter().filter_map(|h| users.get(h)).map(|u| Named { id: u.id, name: u.name.clone() }).collect(),
                explanation: risk.reasons.iter().map(|r| explain(r, &users, today)).collect(),
                assets: found.len(),
                may_edit: true,
                risk,
                area,
            });
        }
        entries.sort_by(|a, b| b.risk.score.cmp(&a.risk.score).then(a.area.topic.cmp(&b.area.topic)));
        let teams = teams.into_iter().filter(|t| reach.contains(&t.id)).collect();
        Ok(RiskRegister { entries, teams })
    }

    async fn checked_area(&self, actor: &Actor, id: i64, input: &CriticalAreaInput) -> Result<CriticalArea, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let teams = self.store.teams().await?;
        let reach = policy::register_teams(actor, &teams);
        let users = self.people_by_id().await?;
        let mut errors = Vec::new();
        check_text("topic", &input.topic, true, 200, &mut errors);
        check_text("description", &input.description, false, 4000, &mut errors);
        if !teams.iter().any(|t| t.id == input.team_id) {
            errors.push(FieldError::new("team_id", "choose a team"));
        } else if !reach.contains(&input.team_id) {
            errors.push(FieldError::new("team_id", "choose your own team or one beneath it"));
        }
        let mut holders = Vec::new();
        let area_reach = policy::area_reach(&teams, input.team_id);
        for (i, h) in input.holders.iter().enumerate() {
            match users.get(h) {
                Some(u) if u.role != Role::Guest && !u.team_id.is_some_and(|t| area_reach.contains(&t)) => {
                    errors.push(FieldError::new(format!("holders[{i}]"), "choose someone in the area's team or a team beneath it"))
                }
                Some(u) if u.role != Role::Guest => {
                    if !holders.contains(h) {
                        holders.push(*h);
                    }
                }
                _ => errors.push(FieldError::new(format!("holders[{i}]"), "choose someone from the organisation")),
            }
        }
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        Ok(CriticalArea {
            id,
            topic: input.topic.trim().to_string(),
            description: input.description.trim().to_string(),
            team_id: input.team_id,
            holders,
            criticality: input.criticality,
            updated_by: actor.user_id,
            updated_at: Utc::now(),
        })
    }

    /// The entry, if the actor may change it.
    async fn editable_area(&self, actor: &Actor, id: i64) -> Result<CriticalArea, ServiceError> {
        let teams = self.store.teams().await?;
        let reach = policy::register_teams(actor, &teams);
        self.store
            .critical_areas()
            .await?
            .into_iter()
            .find(|a| a.id == id && reach.contains(&a.team_id))
            .ok_or_else(|| ServiceError::NotFound("the critical knowledge area".into()))
    }

    /// Adds an area to the register (specialists, or staff for their own team and those beneath it).
    pub async fn add_critical_area(&self, actor: &Actor, input: CriticalAreaInput) -> Result<CriticalArea, ServiceError> {
        let area = self.checked_area(actor, 0, &input).await?;
        let audit = AuditRecord::new(Some(actor.user_id), "critical_area.add", format!("added {:?} to the register", area.topic));
        Ok(self.store.save_critical_area(&area, audit).await?)
    }

    /// Changes an area.
    pub async fn update_critical_area(&self, actor: &Actor, id: i64, input: CriticalAreaInput) -> Result<CriticalArea, ServiceError> {
        self.editable_area(actor, id).await?;
        let area = self.checked_area(actor, id, &input).await?;
        let audit = AuditRecord::new(Some(actor.user_id), "critical_area.update", format!("changed {:?} in the register", area.topic));
        Ok(self.store.save_critical_area(&area, audit).await?)
    }

    /// Removes an area from the register.
    pub async fn remove_critical_area(&self, actor: &Actor, id: i64) -> Result<(), ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let area = self.editable_area(actor, id).await?;
        let audit = AuditRecord::new(Some(actor.user_id), "critical_area.remove", format!("removed {:?} from the register", area.topic));
        self.store.remove_critical_area(id, audit).await.map_err(|e| match e {
            StoreError::NotFound => ServiceError::NotFound("the critical knowledge area".into()),
            e => e.into(),
        })
    }
}
