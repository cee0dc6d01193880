//! The choosing tool: a few answers about the situation lead to the catalogue's
//! techniques ranked, each with the reasons for and against it.
use serde::{Deserialize, Serialize};
use signpost_domain::people::Actor;
use signpost_domain::techniques::{KnowledgeForm, Purpose, Stage, Technique};
use utoipa::ToSchema;

use crate::{ServiceError, Signpost};

/// What the team knows about its situation; every answer is optional.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChooserAnswers {
    /// Before, during or after the work.
    #[serde(default)]
    pub stage: Option<Stage>,
    /// What the team wants to achieve.
    #[serde(default)]
    pub purpose: Option<Purpose>,
    /// How many people will take part.
    #[serde(default)]
    pub people: Option<u32>,
    /// How many minutes the team has.
    #[serde(default)]
    pub minutes: Option<u32>,
    /// Whether the knowledge is mostly tacit or explicit.
    #[serde(default)]
    pub knowledge: Option<KnowledgeForm>,
    /// Whether a facilitator from outside the team is available.
    #[serde(default)]
    pub facilitator: Option<bool>,
}

/// A technique with how well it fits and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Choice {
    /// The technique.
    pub technique: Technique,
    /// Higher fits better.
    pub score: i32,
    /// Why it suits.
    pub reasons: Vec<String>,
    /// What stands against it.
    pub cautions: Vec<String>,
}

fn stage_words(stage: Stage) -> &'static str {
    match stage {
        Stage::Before => "before",
        Stage::During => "during",
        Stage::After => "after",
    }
}

/// Scores one technique against the answers.
pub fn fit(t: &Technique, a: &ChooserAnswers) -> Choice {
    let (mut score, mut reasons, mut cautions) = (0, Vec::new(), Vec::new());
    let f = &t.fit;
    if let Some(stage) = a.stage {
        if t.stage == stage {
            score += 3;
            reasons.push(format!("It is a technique for learning {} a piece of work.", stage_words(stage)));
        } else {
            score -= 2;
            cautions.push(format!("It is usually used {} the work, not {}.", stage_words(t.stage), stage_words(stage)));
        }
    }
    if let Some(purpose) = a.purpose {
        if f.purposes.contains(&purpose) {
            score += 4;
            reasons.push(format!("It helps you {}.", purpose.label()));
        } else {
            score -= 1;
        }
    }
    if let Some(n) = a.people {
        match (f.min_people, f.max_people) {
            (Some(min), _) if n < min => {
                score -= 3;
                cautions.push(format!("It needs at least {min} people; you expect {n}."));
            }
            (_, Some(max)) if n > max => {
                score -= 3;
                cautions.push(format!("It works with at most {max} people; you expect {n}."));
            }
            (None, None) => {}
            _ => {
                score += 1;
                reasons.push(format!("It works with a group of {n}."));
            }
        }
    }
    if let (Some(m), Some(min)) = (a.minutes, f.min_minutes) {
        if m < min {
            score -= 3;
            cautions.push(format!("It needs at least {min} minutes; you have {m}."));
        } else {
            score += 1;
            reasons.push(format!("It fits in {m} minutes."));
        }
    }
    if let Some(k) = a.knowledge
        && k != KnowledgeForm::Both
    {
        if f.knowledge == k {
            score += 2;
            reasons.push(match k {
                KnowledgeForm::Tacit => "It draws out experience people carry in their heads.".to_string(),
                _ => "It works with knowledge that is already written down.".to_string(),
            });
        } else if f.knowledge != KnowledgeForm::Both {
            score -= 1;
        }
    }
    match (a.facilitator, f.needs_facilitator) {
        (Some(false), true) => {
            score -= 3;
            cautions.push("It needs a facilitator from outside the team.".to_string());
        }
        (Some(false), false) => {
            score += 1;
            reasons.push("The team can run it without a facilitator.".to_string());
        }
        _ => {}
    }
    Choice { technique: t.clone(), score, reasons, cautions }
}

impl Signpost {
    /// The catalogue ranked for a situation, best fit first (catalogue order breaks ties).
    pub async fn choose_techniques(&self, actor: &Actor, answers: &ChooserAnswers) -> Result<Vec<Choice>, ServiceError> {
        let mut choices: Vec<Choice> = self.techniques(actor).await?.iter().map(|t| fit(t, answers)).collect();
        choices.sort_by_key(|c| std::cmp::Reverse(c.score));
        Ok(choices)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::techniques::shipped_techniques;

    fn top(a: &ChooserAnswers) -> Vec<String> {
        let mut c: Vec<Choice> = shipped_techniques().iter().map(|t| fit(t, a)).collect();
        c.sort_by_key(|c| std::cmp::Reverse(c.score));
        c.into_iter().take(3).map(|c| c.technique.key).collect()
    }

    #[test]
    fn a_short_review_after_an_activity_without_a_facilitator_leads_to_an_aar_first_not_a_retrospect() {
        let a = ChooserAnswers {
            stage: Some(Stage::During),
            purpose: Some(Purpose::LearnFromExperience),
            people: Some(6),
            minutes: Some(20),
            knowledge: Some(KnowledgeForm::Tacit),
            facilitator: None,
        };
        let ranked = top(&a);
        assert_eq!(ranked[0], "after-action-review");
        assert!(!ranked.contains(&"retrospect".to_string()), "a retrospect needs more than 20 minutes: {ranked:?}");
    }

    #[test]
    fn planning_with_peers_and_a_facilitator_leads_to_peer_assist_and_says_why() {
        let a = ChooserAnswers {
            stage: Some(Stage::Before),
            purpose: Some(Purpose::SolveAProblem),
            people: Some(8),
            minutes: Some(120),
            knowledge: Some(KnowledgeForm::Tacit),
            facilitator: Some(true),
        };
        let best = shipped_techniques().iter().map(|t| fit(t, &a)).max_by_key(|c| c.score).unwrap();
        assert_eq!(best.technique.key, "peer-assist");
        assert!(best.reasons.iter().any(|r| r.contains("get help with a specific problem")), "{:?}", best.reasons);
    }

    #[test]
    fn a_cafe_for_three_people_is_cautioned_against() {
        let cafe = shipped_techniques().into_iter().find(|t| t.key == "knowledge-cafe").unwrap();
        let c = fit(&cafe, &ChooserAnswers { people: Some(3), facilitator: Some(false), ..ChooserAnswers::default() });
        assert!(c.cautions.iter().any(|w| w.contains("at least 16 people")), "{:?}", c.cautions);
        assert!(c.cautions.iter().any(|w| w.contains("facilitator")), "{:?}", c.cautions);
        assert!(c.score < 0);
    }
}
