//! What the comparison views read: each team's latest assessment against a model
//! (the river and the heatmap), its history (trends), and the stairs' suggestions of
//! which team could help which.
use std::collections::BTreeMap;

use serde::Serialize;
use signpost_domain::TeamId;
use signpost_domain::maturity::{Assessment, MaturityModel, helpers};
use signpost_domain::people::Actor;
use utoipa::ToSchema;

use crate::{ServiceError, Signpost};

/// One team's assessments against a model.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TeamRow {
    /// The team.
    pub team_id: TeamId,
    /// Its name.
    pub team: String,
    /// Its latest assessment.
    pub latest: Assessment,
    /// Every assessment, oldest first (the latest last).
    pub history: Vec<Assessment>,
}

/// A suggestion from the stairs: a team already where another wants to be.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HelperView {
    /// The category.
    pub category: String,
    /// The team that could help.
    pub from_team: String,
    /// Its level.
    pub from_level: u8,
    /// The team that wants to improve.
    pub to_team: String,
    /// Its level now.
    pub to_level: u8,
    /// Its target.
    pub to_target: u8,
}

/// Everything the maturity page shows for one model.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MaturityOverview {
    /// The model.
    pub model: MaturityModel,
    /// Teams that have assessed themselves against it, by name.
    pub teams: Vec<TeamRow>,
    /// For each team below its target somewhere, the best team to learn from there.
    pub helpers: Vec<HelperView>,
}

impl Signpost {
    /// A model with every team's latest assessment, history and the stairs' suggestions.
    pub async fn maturity_overview(&self, actor: &Actor, key: &str) -> Result<MaturityOverview, ServiceError> {
        let model = self.maturity_model(actor, key).await?;
        let names: BTreeMap<TeamId, String> = self.store.teams().await?.into_iter().map(|t| (t.id, t.name)).collect();
        let mut by_team: BTreeMap<TeamId, Vec<Assessment>> = BTreeMap::new();
        for a in self.store.assessments().await?.into_iter().filter(|a| a.model_key == model.key) {
            by_team.entry(a.team_id).or_default().push(a);
        }
        let mut teams: Vec<TeamRow> = by_team
            .into_iter()
            .filter_map(|(team_id, history)| {
                let latest = history.last()?.clone();
                Some(TeamRow { team_id, team: names.get(&team_id).cloned().unwrap_or_default(), latest, history })
            })
            .collect();
        teams.sort_by(|a, b| a.team.cmp(&b.team));
        let latest: Vec<Assessment> = teams.iter().map(|t| t.latest.clone()).collect();
        let name = |id: TeamId| names.get(&id).cloned().unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        let helpers = helpers(&model, &latest)
            .into_iter()
            .filter(|h| seen.insert((h.category.clone(), h.to_team)))
            .map(|h| HelperView {
                from_team: name(h.from_team),
                to_team: name(h.to_team),
                category: h.category,
                from_level: h.from_level,
                to_level: h.to_level,
                to_target: h.to_target,
            })
            .collect();
        Ok(MaturityOverview { model, teams, helpers })
    }
}
