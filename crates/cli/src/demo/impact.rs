//! The demo's evidence of impact: attributable statements on knowledge and sessions
//! (one a board-level decision), and two stories shared this month with reactions, so
//! the showcase and the programme report have something to show.
use chrono::{Duration, Utc};
use signpost_domain::assets::{Status, Visibility};
use signpost_domain::fields::AssetKind;
use signpost_domain::impact::{ImpactKind, ImpactSubject, ReactionKind, StakeholderLevel};
use signpost_domain::ports::AssetQuery;
use signpost_services::assets::AssetInput;
use signpost_services::impact::ImpactInput;
use signpost_services::{ServiceError, Signpost};

use super::learning::actor_named;

fn story(title: &str, summary: &str, body: &str, storyteller: &str, impact: &str) -> AssetInput {
    AssetInput {
        summary: summary.into(),
        body: body.into(),
        fields: serde_json::json!({ "storyteller": storyteller, "impact": impact }),
        tags: vec!["knowvember".into()],
        visibility: Some(Visibility::Organisation),
        status: Some(Status::Published),
        ..AssetInput::new(AssetKind::Story, title)
    }
}

/// Loads the statements, stories and reactions.
pub async fn load(app: &Signpost) -> Result<(), ServiceError> {
    let amira = actor_named(app, "Amira Haddad").await?;
    let rachel = actor_named(app, "Rachel Dunn").await?;
    let fatima = actor_named(app, "Fatima Rahman").await?;
    let guidance = app.list_assets(&amira, AssetQuery { kind: Some(AssetKind::Guidance), limit: 2, ..AssetQuery::default() }).await?.items;
    let sessions = app.learning_sessions(&amira).await?;
    let mut statements = Vec::new();
    if let Some(g) = guidance.first() {
        statements.push((
            ImpactSubject::Asset(g.id),
            ImpactKind::ChangedPractice,
            "We rewrote our ward checklist around this guidance; audits are up.",
            "Rachel Dunn",
            "Emergency Department Matron",
            StakeholderLevel::Service,
            "",
        ));
        statements.push((
            ImpactSubject::Asset(g.id),
            ImpactKind::UsedIt,
            "I used this on my first night shift in charge.",
            "Chloe Evans",
            "Acute Medicine Registrar",
            StakeholderLevel::Team,
            "",
        ));
    }
    if let Some(s) = sessions.first() {
        statements.push((
            ImpactSubject::Session(s.id.0),
            ImpactKind::InfluencedDecision,
            "The retrospect's lessons were why the board funded a second outreach nurse.",
            "Robert Hall",
            "Chief Nurse",
            StakeholderLevel::Board,
            "Fund a second critical care outreach nurse",
        ));
    }
    // Said over the past year, so the monthly figures have a history.
    let today = Utc::now().date_naive();
    for (i, (subject, kind, quote, who, role, stakeholder, decision)) in statements.into_iter().enumerate() {
        let said_on = today - Duration::days(10 + 41 * i as i64 % 360);
        let input = ImpactInput {
            subject,
            kind,
            quote: quote.into(),
            attributed_to: who.into(),
            role: role.into(),
            stakeholder,
            decision: decision.into(),
            said_on: said_on.to_string(),
        };
        app.record_impact(&amira, input).await?;
    }
    let first = app
        .create_asset(
            &rachel,
            story(
                "The night we ran out of sepsis packs",
                "How a shared spreadsheet between two departments kept sepsis packs stocked through winter.",
                "It started with a phone call at 3am...",
                "Rachel Dunn",
                "No more missing packs since January",
            ),
        )
        .await?;
    let second = app
        .create_asset(
            &fatima,
            story(
                "Birth reflections changed how we debrief",
                "Listening to women's own accounts of their births led us to change our debriefs.",
                "We invited three women to tell their stories to the whole team...",
                "Fatima Rahman",
                "Debriefs now start with the woman's account",
            ),
        )
        .await?;
    for (who, asset, kind) in [
        ("Amira Haddad", first.asset.id, ReactionKind::Inspiring),
        ("Michael Lewis", first.asset.id, ReactionKind::WillTry),
        ("Laura Bennett", second.asset.id, ReactionKind::Useful),
    ] {
        app.react(&actor_named(app, who).await?, asset, kind, true).await?;
    }
    Ok(())
}
