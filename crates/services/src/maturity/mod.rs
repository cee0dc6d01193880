//! Maturity self-assessment: the shipped models and the organisation's own (loaded
//! from YAML or XLSX), teams' facilitated assessments with their history, and the
//! views that compare teams (`views.rs`); XLSX in and out (`xlsx.rs`).
mod views;
mod xlsx;

use std::sync::OnceLock;

use chrono::Utc;
use serde::Deserialize;
use signpost_domain::audit::AuditRecord;
use signpost_domain::maturity::{Assessment, MaturityModel, Rating, assessment_problems};
use signpost_domain::people::Actor;
use signpost_domain::{FieldError, TeamId};
use utoipa::ToSchema;

pub use views::{HelperView, MaturityOverview, TeamRow};

use crate::validate::check_text;
use crate::{ServiceError, Signpost, policy};

const SHIPPED: &str = include_str!("../../data/maturity.yaml");

/// The models Signpost ships with, parsed once.
pub fn shipped_models() -> &'static [MaturityModel] {
    static MODELS: OnceLock<Vec<MaturityModel>> = OnceLock::new();
    MODELS.get_or_init(|| {
        let mut models: Vec<MaturityModel> = serde_norway::from_str(SHIPPED).expect("the shipped maturity models are valid (tested)");
        for m in &mut models {
            m.shipped = true;
        }
        models
    })
}

/// A team's assessment as recorded.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentInput {
    /// The model's key.
    pub model_key: String,
    /// The team assessed.
    pub team_id: TeamId,
    /// When the conversation took place, `YYYY-MM-DD`.
    pub held_on: String,
    /// Who facilitated.
    #[serde(default)]
    pub facilitator: String,
    /// Who took part.
    #[serde(default)]
    pub participants: Vec<String>,
    /// One rating per category.
    pub ratings: Vec<Rating>,
    /// The development action plan.
    #[serde(default)]
    pub actions: Vec<String>,
}

impl Signpost {
    /// Every model: the shipped ones, then the organisation's own.
    pub async fn maturity_models(&self, actor: &Actor) -> Result<Vec<MaturityModel>, ServiceError> {
        policy::ensure_staff(actor)?;
        let mut out = shipped_models().to_vec();
        out.extend(self.store.models().await?);
        Ok(out)
    }

    /// One model by key.
    pub async fn maturity_model(&self, actor: &Actor, key: &str) -> Result<MaturityModel, ServiceError> {
        self.maturity_models(actor)
            .await?
            .into_iter()
            .find(|m| m.key == key)
            .ok_or_else(|| ServiceError::NotFound(format!("the maturity model {key:?}")))
    }

    /// Loads (or replaces) one of the organisation's own models (knowledge specialists and admins).
    pub async fn load_model(&self, actor: &Actor, mut model: MaturityModel) -> Result<MaturityModel, ServiceError> {
        policy::ensure_can_load_models(actor)?;
        model.shipped = false;
        let mut problems = model.problems();
        if shipped_models().iter().any(|m| m.key == model.key) {
            problems.push(FieldError::new("key", format!("{:?} is a model Signpost ships; choose another key", model.key)));
        }
        if !problems.is_empty() {
            return Err(ServiceError::Invalid(problems));
        }
        let audit = AuditRecord::new(Some(actor.user_id), "maturity.model", format!("loaded the maturity model {:?}", model.name));
        self.store.save_model(&model, audit).await?;
        Ok(model)
    }

    /// Loads a model written as YAML (the shipped models' format).
    pub async fn load_model_yaml(&self, actor: &Actor, text: &str) -> Result<MaturityModel, ServiceError> {
        policy::ensure_can_load_models(actor)?;
        crate::upload::check_size(text.as_bytes())?;
        let text = text.to_string();
        let model: MaturityModel = crate::upload::off_the_workers(move || {
            serde_norway::from_str(&text).map_err(|e| ServiceError::invalid("file", format!("the YAML is not a model: {e}")))
        })
        .await?;
        self.load_model(actor, model).await
    }

    /// Checks an assessment and prepares it for the store.
    async fn checked_assessment(&self, actor: &Actor, input: AssessmentInput) -> Result<Assessment, ServiceError> {
        policy::ensure_can_contribute_as_staff(actor)?;
        let model = self.maturity_model(actor, &input.model_key).await.map_err(|_| ServiceError::invalid("model_key", "choose a model"))?;
        let mut errors = Vec::new();
        if !self.store.teams().await?.iter().any(|t| t.id == input.team_id) {
            errors.push(FieldError::new("team_id", "choose a team"));
        } else if !policy::can_assess_team(actor, input.team_id) {
            errors.push(FieldError::new("team_id", "you can record assessments for your own team"));
        }
        let held_on = crate::validate::read_date(&input.held_on);
        match held_on {
            None => errors.push(FieldError::new("held_on", "enter the date of the conversation, like 23 11 2026")),
            Some(d) if d > Utc::now().date_naive() => errors.push(FieldError::new("held_on", "the date cannot be in the future")),
            Some(_) => {}
        }
        check_text("facilitator", &input.facilitator, false, 200, &mut errors);
        for (i, p) in input.participants.iter().enumerate() {
            check_text(&format!("participants[{i}]"), p, false, 200, &mut errors);
        }
        for (i, a) in input.actions.iter().enumerate() {
            check_text(&format!("actions[{i}]"), a, false, 1000, &mut errors);
        }
        for (i, r) in input.ratings.iter().enumerate() {
            check_text(&format!("ratings[{i}].evidence"), &r.evidence, false, 4000, &mut errors);
        }
        let mut ratings = Vec::new();
        for c in &model.categories {
            ratings.extend(input.ratings.iter().filter(|r| r.category == c.name).cloned());
        }
        ratings.extend(input.ratings.iter().filter(|r| !model.categories.iter().any(|c| c.name == r.category)).cloned());
        let assessment = Assessment {
            id: 0,
            model_key: model.key.clone(),
            team_id: input.team_id,
            held_on: held_on.unwrap_or_default(),
            facilitator: input.facilitator.trim().to_string(),
            participants: input.participants.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
            ratings: ratings.into_iter().map(|r| Rating { evidence: r.evidence.trim().to_string(), ..r }).collect(),
            actions: input.actions.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect(),
            recorded_by: actor.user_id,
            recorded_at: Utc::now(),
        };
        errors.extend(assessment_problems(&model, &assessment));
        if !errors.is_empty() {
            return Err(ServiceError::Invalid(errors));
        }
        Ok(assessment)
    }

    /// Records a team's assessment (its members, or a specialist). Earlier ones stay as history.
    pub async fn record_assessment(&self, actor: &Actor, input: AssessmentInput) -> Result<Assessment, ServiceError> {
        let a = self.checked_assessment(actor, input).await?;
        self.ensure_new(actor, std::slice::from_ref(&a)).await?;
        let audit = AuditRecord::new(
            Some(actor.user_id),
            "maturity.assess",
            format!("recorded a {} assessment held on {}", a.model_key, a.held_on),
        );
        Ok(self.store.insert_assessments(&[a], audit).await?.remove(0))
    }

    /// Fails if any of `new` repeats an assessment already recorded (same model, team and date).
    async fn ensure_new(&self, actor: &Actor, new: &[Assessment]) -> Result<(), ServiceError> {
        let existing = self.store.assessments().await?;
        for a in new {
            if existing.iter().any(|e| e.model_key == a.model_key && e.team_id == a.team_id && e.held_on == a.held_on) {
                let model = self.maturity_model(actor, &a.model_key).await.map_or(a.model_key.clone(), |m| m.name);
                let team = self.store.teams().await?.into_iter().find(|t| t.id == a.team_id).map_or_else(|| "The team".into(), |t| t.name);
                return Err(ServiceError::Conflict(format!(
                    "{team} already has a {model} assessment held on {}",
                    a.held_on.format("%-d %B %Y")
                )));
            }
        }
        Ok(())
    }

    /// One assessment (every member of staff may read them: they are there to share what works).
    pub async fn assessment(&self, actor: &Actor, id: i64) -> Result<Assessment, ServiceError> {
        policy::ensure_staff(actor)?;
        self.store.assessments().await?.into_iter().find(|a| a.id == id).ok_or_else(|| ServiceError::NotFound("the assessment".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lower case, words only: the sources punctuate their summaries differently.
    fn words(s: &str) -> String {
        s.to_lowercase().split(|c: char| !c.is_alphanumeric() && c != '\'').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
    }

    fn model(key: &str) -> &'static MaturityModel {
        shipped_models().iter().find(|m| m.key == key).unwrap()
    }

    #[test]
    fn the_nhs_model_carries_its_published_levels_and_texts_and_says_what_is_missing() {
        let m = model("nhs-km");
        assert_eq!(m.levels, ["Concept", "Reaction", "Action", "Scale", "Lifestyle"]);
        let names: Vec<&str> = m.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Taking a strategic approach", "Leadership", "Building a learning organisation"]);
        // As published (HEE toolkit, summarised in the domain notes).
        let strategic = [
            "isolated enthusiasts",
            "most say sharing matters, some tools used",
            "some job descriptions include knowledge capture and sharing, isolated projects",
            "a strategy exists but is not linked to business results, framework and tools widely communicated",
            "strategy embedded in the organisation's strategy, learning before/during/after enabled",
        ];
        let leadership = [
            "sceptical, \"knowledge is power\"",
            "some leaders give time, little visible support",
            "everyone's responsibility but left to a few",
            "clear signal from the top, leaders set the example",
            "all leaders are role models",
        ];
        for (category, published) in [(0, &strategic), (1, &leadership)] {
            let shipped: Vec<String> = m.categories[category].descriptions.iter().map(|d| words(d)).collect();
            let source: Vec<String> = published.iter().map(|d| words(d)).collect();
            assert_eq!(shipped, source, "{}", m.categories[category].name);
        }
        assert!(m.categories[2].descriptions.is_empty(), "no texts were published for it: none invented");
        assert!(!m.complete && m.note.contains("nine categories"), "{}", m.note);
        assert!(m.problems().is_empty());
    }

    #[test]
    fn collison_and_parcell_and_the_knowledge_principles_are_as_published() {
        let cp = model("collison-parcell");
        let dims: Vec<&str> = cp.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            dims,
            ["KM strategy", "Leadership behaviours", "Networking", "Learning before, during and after", "Capturing knowledge"]
        );
        assert_eq!(cp.levels.len(), 5);
        assert!(cp.categories.iter().all(|c| c.descriptions.is_empty()) && !cp.complete);
        let kp = model("knowledge-principles");
        let principles: Vec<&str> = kp.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            principles,
            [
                "Knowledge is a valued asset",
                "Knowledge needs the right environment in order to thrive",
                "Knowledge is captured where necessary and possible",
                "Knowledge is freely sought and shared",
                "Knowledge increases in value through re-use",
                "Knowledge underpins individual learning",
                "Knowledge underpins organisational learning",
            ]
        );
        assert!(kp.note.contains("scale is Signpost's"), "the self-check scale is said to be ours: {}", kp.note);
        assert!(shipped_models().iter().all(|m| m.shipped && m.problems().is_empty()));
    }
}
