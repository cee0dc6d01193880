//! The demo's maturity self-assessments: four teams against the NHS model, two of them
//! twice a year apart or so, so the trends have something to show.
use chrono::{Duration, Utc};
use signpost_domain::maturity::Rating;
use signpost_services::maturity::AssessmentInput;
use signpost_services::{ServiceError, Signpost};

use super::learning::actor_named;

/// (team, recorder, months ago, (current, target) per NHS category, action plan).
type Demo = (&'static str, &'static str, i64, [(u8, u8); 3], &'static [&'static str]);

const NHS: [Demo; 6] = [
    (
        "Infection Prevention and Control",
        "Helen Marsh",
        12,
        [(2, 4), (2, 3), (2, 4)],
        &["Write down the outbreak meeting's standing agenda"],
    ),
    ("Infection Prevention and Control", "Kwame Mensah", 1, [(3, 4), (3, 4), (3, 4)], &["Hold a knowledge exchange before Helen leaves"]),
    ("Emergency Department", "Rachel Dunn", 10, [(2, 3), (3, 4), (1, 3)], &["Start after action reviews after every major incident"]),
    ("Emergency Department", "Rachel Dunn", 2, [(3, 4), (4, 4), (2, 3)], &["Share the sepsis audit method with the Acute Medical Unit"]),
    ("Library and Knowledge Services", "Amira Haddad", 3, [(4, 5), (4, 5), (4, 5)], &["Offer peer assists to teams at level 2"]),
    ("Maternity Services", "Fatima Rahman", 4, [(1, 3), (2, 3), (2, 4)], &["Ask the library team to facilitate a retrospect"]),
];

const CATEGORIES: [&str; 3] = ["Taking a strategic approach", "Leadership", "Building a learning organisation"];

/// Loads the demo's assessments.
pub async fn load(app: &Signpost) -> Result<(), ServiceError> {
    let amira = actor_named(app, "Amira Haddad").await?;
    let teams = app.teams(&amira).await?;
    for (team, who, months, levels, actions) in NHS {
        let actor = actor_named(app, who).await?;
        let team_id = teams.iter().find(|t| t.name == team).map(|t| t.id).ok_or_else(|| ServiceError::NotFound(team.into()))?;
        let ratings = CATEGORIES
            .iter()
            .zip(levels)
            .map(|(c, (current, target))| Rating { category: c.to_string(), current, target, evidence: String::new() })
            .collect();
        let input = AssessmentInput {
            model_key: "nhs-km".into(),
            team_id,
            held_on: (Utc::now() - Duration::days(months * 30)).date_naive().to_string(),
            facilitator: "Amira Haddad".into(),
            participants: vec![who.to_string()],
            ratings,
            actions: actions.iter().map(|a| a.to_string()).collect(),
        };
        app.record_assessment(&actor, input).await?;
    }
    Ok(())
}
