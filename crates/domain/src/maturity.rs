//! Maturity self-assessment: models are data (categories by levels, each level with
//! a description where the source publishes one), teams assess themselves against
//! them (current and target level per category, with evidence), and the results are
//! compared across teams: who could help whom, and how things move over time.
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::StoreError;
use crate::audit::AuditRecord;
use crate::{FieldError, TeamId, UserId};
use async_trait::async_trait;

/// One category (dimension, principle) of a model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// Its name.
    pub name: String,
    /// What each level looks like, lowest first; empty where the source gives no text.
    #[serde(default)]
    pub descriptions: Vec<String>,
}

/// A maturity model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaturityModel {
    /// Stable key, e.g. `nhs-km`.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Where it comes from.
    pub source: String,
    /// Whether every category and level text of the original is here.
    pub complete: bool,
    /// What is missing or adapted, and why.
    #[serde(default)]
    pub note: String,
    /// The levels' names, lowest first (level 1 is the first).
    pub levels: Vec<String>,
    /// The categories.
    pub categories: Vec<Category>,
    /// Shipped with Signpost (not editable) rather than loaded by the organisation.
    #[serde(default)]
    pub shipped: bool,
}

impl MaturityModel {
    /// The most levels a model may have.
    pub const MAX_LEVELS: usize = 10;

    /// The highest level.
    pub fn top(&self) -> u8 {
        self.levels.len() as u8
    }

    /// A level's name, e.g. "3 Action".
    pub fn level_label(&self, level: u8) -> String {
        match self.levels.get(usize::from(level).wrapping_sub(1)) {
            Some(name) if name.is_empty() || name == &format!("Level {level}") => format!("Level {level}"),
            Some(name) => format!("{level} {name}"),
            None => format!("Level {level}"),
        }
    }

    /// Problems with a model loaded by an organisation, each with where it is.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        let key_ok = !self.key.is_empty() && self.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !key_ok {
            out.push(FieldError::new("key", "use lower-case letters, digits and hyphens, like team-km-2027"));
        }
        if self.name.trim().is_empty() {
            out.push(FieldError::new("name", "give the model a name"));
        }
        if !(2..=Self::MAX_LEVELS).contains(&self.levels.len()) {
            out.push(FieldError::new(
                "levels",
                format!("a model has 2 to {} levels; this one has {}", Self::MAX_LEVELS, self.levels.len()),
            ));
        }
        if self.categories.is_empty() {
            out.push(FieldError::new("categories", "a model needs at least one category"));
        }
        for (i, c) in self.categories.iter().enumerate() {
            if c.name.trim().is_empty() {
                out.push(FieldError::new(format!("categories[{i}].name"), "every category needs a name"));
            }
            if self.categories[..i].iter().any(|d| d.name.eq_ignore_ascii_case(&c.name)) {
                out.push(FieldError::new(format!("categories[{i}].name"), format!("{:?} appears twice", c.name)));
            }
            if c.descriptions.len() > self.levels.len() {
                out.push(FieldError::new(
                    format!("categories[{i}].descriptions"),
                    format!("{} descriptions for {} levels", c.descriptions.len(), self.levels.len()),
                ));
            }
        }
        out
    }
}

/// A team's rating of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// The category's name.
    pub category: String,
    /// Where the team is now.
    pub current: u8,
    /// Where it aims to be.
    pub target: u8,
    /// What it is already doing that shows it.
    #[serde(default)]
    pub evidence: String,
}

/// A facilitated self-assessment by one team against one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    /// Identifier.
    pub id: i64,
    /// The model's key.
    pub model_key: String,
    /// The team assessed.
    pub team_id: TeamId,
    /// When the conversation took place.
    pub held_on: NaiveDate,
    /// Who facilitated.
    pub facilitator: String,
    /// Who took part.
    pub participants: Vec<String>,
    /// One rating per category, in the model's order.
    pub ratings: Vec<Rating>,
    /// The development action plan, one step per item.
    pub actions: Vec<String>,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

impl Assessment {
    /// The rating for a category.
    pub fn rating(&self, category: &str) -> Option<&Rating> {
        self.ratings.iter().find(|r| r.category == category)
    }

    /// Mean current level, for trends.
    pub fn mean_current(&self) -> f64 {
        if self.ratings.is_empty() {
            return 0.0;
        }
        self.ratings.iter().map(|r| f64::from(r.current)).sum::<f64>() / self.ratings.len() as f64
    }
}

/// Problems with an assessment against `model`: every category rated once, levels within the model, targets not below current.
pub fn assessment_problems(model: &MaturityModel, a: &Assessment) -> Vec<FieldError> {
    let mut out = Vec::new();
    let top = model.top();
    for (i, r) in a.ratings.iter().enumerate() {
        if !model.categories.iter().any(|c| c.name == r.category) {
            out.push(FieldError::new(format!("ratings[{i}].category"), format!("{:?} is not a category of {}", r.category, model.name)));
        }
        if !(1..=top).contains(&r.current) {
            out.push(FieldError::new(format!("ratings[{i}].current"), format!("choose a level from 1 to {top}")));
        }
        if !(1..=top).contains(&r.target) {
            out.push(FieldError::new(format!("ratings[{i}].target"), format!("choose a level from 1 to {top}")));
        } else if r.target < r.current {
            out.push(FieldError::new(format!("ratings[{i}].target"), "the target cannot be below where the team is now"));
        }
    }
    for c in &model.categories {
        match a.ratings.iter().filter(|r| r.category == c.name).count() {
            0 => out.push(FieldError::new("ratings", format!("rate {:?}", c.name))),
            1 => {}
            _ => out.push(FieldError::new("ratings", format!("{:?} is rated twice", c.name))),
        }
    }
    out
}

/// A team that could help another in one category: it is already at or beyond the other's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Helper {
    /// The category.
    pub category: String,
    /// The team that can teach.
    pub from_team: TeamId,
    /// Its current level.
    pub from_level: u8,
    /// The team that wants to learn.
    pub to_team: TeamId,
    /// Its current level.
    pub to_level: u8,
    /// Its target.
    pub to_target: u8,
}

/// The stairs: for each category and each team below its target, the teams already at
/// or beyond that target, highest first (the first is the suggestion).
pub fn helpers(model: &MaturityModel, latest: &[Assessment]) -> Vec<Helper> {
    let mut out = Vec::new();
    for c in &model.categories {
        for learner in latest {
            let Some(want) = learner.rating(&c.name).filter(|r| r.target > r.current) else { continue };
            let mut teachers: Vec<(&Assessment, u8)> = latest
                .iter()
                .filter(|t| t.team_id != learner.team_id)
                .filter_map(|t| t.rating(&c.name).map(|r| (t, r.current)))
                .filter(|(_, level)| *level >= want.target)
                .collect();
            teachers.sort_by_key(|(t, level)| (std::cmp::Reverse(*level), t.team_id));
            out.extend(teachers.into_iter().map(|(t, level)| Helper {
                category: c.name.clone(),
                from_team: t.team_id,
                from_level: level,
                to_team: learner.team_id,
                to_level: want.current,
                to_target: want.target,
            }));
        }
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> MaturityModel {
        MaturityModel {
            key: "test".into(),
            name: "Test".into(),
            source: String::new(),
            complete: true,
            note: String::new(),
            levels: vec!["Concept".into(), "Reaction".into(), "Action".into()],
            categories: vec![
                Category { name: "Leadership".into(), descriptions: vec![] },
                Category { name: "Networking".into(), descriptions: vec![] },
            ],
            shipped: false,
        }
    }

    fn assessment(team: TeamId, ratings: &[(&str, u8, u8)]) -> Assessment {
        Assessment {
            id: 0,
            model_key: "test".into(),
            team_id: team,
            held_on: "2026-11-01".parse().unwrap(),
            facilitator: String::new(),
            participants: vec![],
            ratings: ratings
                .iter()
                .map(|(c, current, target)| Rating { category: c.to_string(), current: *current, target: *target, evidence: String::new() })
                .collect(),
            actions: vec![],
            recorded_by: UserId(1),
            recorded_at: Utc::now(),
        }
    }

    #[test]
    fn an_assessment_rates_every_category_once_within_the_levels() {
        let m = model();
        assert!(assessment_problems(&m, &assessment(TeamId(1), &[("Leadership", 1, 3), ("Networking", 2, 2)])).is_empty());
        let bad = assessment(TeamId(1), &[("Leadership", 3, 2), ("Leadership", 0, 4), ("Culture", 1, 1)]);
        let fields: Vec<String> = assessment_problems(&m, &bad).into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["ratings[0].target", "ratings[1].current", "ratings[1].target", "ratings[2].category", "ratings", "ratings"]);
    }

    #[test]
    fn stairs_suggest_teams_already_at_the_learners_target() {
        let latest = [
            assessment(TeamId(1), &[("Leadership", 1, 3), ("Networking", 3, 3)]),
            assessment(TeamId(2), &[("Leadership", 3, 3), ("Networking", 1, 2)]),
            assessment(TeamId(3), &[("Leadership", 2, 2), ("Networking", 2, 3)]),
        ];
        let h = helpers(&model(), &latest);
        let pairs: Vec<(&str, i64, i64)> = h.iter().map(|h| (h.category.as_str(), h.from_team.0, h.to_team.0)).collect();
        assert_eq!(pairs, [("Leadership", 2, 1), ("Networking", 1, 2), ("Networking", 3, 2), ("Networking", 1, 3)]);
    }

    #[test]
    fn loaded_models_are_checked_with_places() {
        let mut m = model();
        m.key = "Bad Key".into();
        m.levels = vec!["Only".into()];
        m.categories.push(Category { name: "leadership".into(), descriptions: vec!["a".into(), "b".into()] });
        let fields: Vec<String> = m.problems().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["key", "levels", "categories[2].name", "categories[2].descriptions"]);
    }

    #[test]
    fn level_labels_name_the_level() {
        let m = model();
        assert_eq!(m.level_label(3), "3 Action");
        assert_eq!(m.level_label(4), "Level 4");
    }
}
